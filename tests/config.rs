//! `duedesk config check` and `config path` on configuration folders of the test's own
//! (`DUEDESK_CONFIG`): one fixture per kind of error, each checked on stderr as `FILE:LINE: …`.

mod common;

use common::TestDesk;

/// A desk whose configuration folder holds these files.
fn with_files(files: &[(&str, &str)]) -> TestDesk {
    let d = TestDesk::new();
    std::fs::create_dir_all(d.config_dir()).expect("config dir");
    for (name, text) in files {
        std::fs::write(d.config_dir().join(name), text).expect("write");
    }
    d
}

fn file(d: &TestDesk, name: &str) -> String {
    d.config_dir().join(name).display().to_string()
}

#[test]
fn no_files_and_good_files_pass() {
    let d = with_files(&[]);
    let r = d.ok(&["config", "check", "--format", "table"]);
    assert!(r.stdout.contains("the defaults apply"), "{}", r.stdout);

    let d = with_files(&[
        ("config.toml", "theme = \"light\"\nborders = \"ascii\"\nlang = \"zh\"\n"),
        (
            "keys.toml",
            "[list]\npage_down = \"<PgDn> <C-d>\"\nopen = [\"<Enter>\", \"l\"]\n\n[global]\nquit = \"Q <C-c>\"\n",
        ),
        ("theme.toml", "selected = { fg = \"black\", bg = \"#ffd75f\", modifiers = [\"bold\"] }\n"),
    ]);
    let r = d.ok(&["config", "check", "--format", "table"]);
    assert_eq!(r.stderr, "");
    for name in ["config.toml", "keys.toml", "theme.toml"] {
        assert!(r.stdout.contains(&format!("ok {}", file(&d, name))), "{}", r.stdout);
    }
    let r = d.ok(&["config", "path", "--format", "table"]);
    assert_eq!(r.stdout.trim(), d.config_dir().display().to_string());
}

/// Runs `config check` on one bad file and insists on exit 2 and the expected first line.
fn fails_with(name: &str, text: &str, expected: &str) {
    let d = with_files(&[(name, text)]);
    let r = d.run(&["config", "check"]);
    assert_eq!(r.code, 2, "{name}: {}\n{}", r.stdout, r.stderr);
    let first = r.stderr.lines().next().unwrap_or("");
    let want = format!("{}:{expected}", file(&d, name));
    assert!(first.starts_with(&want), "{name}: expected\n  {want}\ngot\n  {first}");
    assert!(r.stderr.contains("the desk starts anyway"), "{}", r.stderr);
}

#[test]
fn each_bad_keys_entry_is_named_by_file_and_line() {
    fails_with("keys.toml", "[list]\n\npg_down = \"<C-d>\"\n", "3: unknown action \"pg_down\" in [list]");
    fails_with("keys.toml", "[list]\ndown = \"<Dwn>\"\n", "2: list.down: unknown key <Dwn>");
    fails_with("keys.toml", "[lists]\ndown = \"j\"\n", "1: unknown section [lists]");
    fails_with(
        "keys.toml",
        "[list]\nnext_stage = \"S\"\n",
        "2: action \"next_stage\" has no place in [list]",
    );
    fails_with("keys.toml", "[case]\nback = 3\n", "2: case.back is a integer");
    fails_with(
        "keys.toml",
        "[global]\nquit = \"Q\"\nhelp = \"Q\"\n",
        "3: global.help reuses a key of global.quit",
    );
    fails_with("keys.toml", "[list]\ndown = \"j\n", "2: TOML syntax:");
}

#[test]
fn each_bad_theme_entry_is_named_by_file_and_line() {
    fails_with(
        "theme.toml",
        "title = { fg = \"cyan\" }\nkey = { fg = \"purplish\" }\n",
        "2: unknown colour \"purplish\" for key.fg",
    );
    fails_with("theme.toml", "titel = { fg = \"cyan\" }\n", "1: unknown style \"titel\"");
    fails_with(
        "theme.toml",
        "\nlate = { modifiers = [\"blod\"] }\n",
        "2: unknown modifier \"blod\" in late.modifiers",
    );
    fails_with("theme.toml", "dim = { colour = \"red\" }\n", "1: unknown key \"colour\" in style dim");
    fails_with("theme.toml", "severe = \"red\"\n", "1: style severe is a string");
    fails_with("theme.toml", "title = { fg = \"cyan\"\n", "1: TOML syntax:");
}

#[test]
fn each_bad_setting_is_named_by_file_and_line() {
    fails_with("config.toml", "theme = \"solarized\"\n", "1: unknown theme \"solarized\"");
    fails_with("config.toml", "theme = \"mine.toml\"\n", "1: theme file \"mine.toml\" cannot be read");
    fails_with("config.toml", "# look\nborders = \"round\"\n", "2: unknown borders \"round\"");
    fails_with("config.toml", "colour = true\n", "1: unknown setting \"colour\"");
    fails_with("config.toml", "theme = \"dark\"\nlang = \"fr\"\n", "2: unknown language 'fr'");
}

#[test]
fn every_problem_of_every_file_is_reported() {
    let d = with_files(&[
        ("config.toml", "borders = \"round\"\n"),
        ("keys.toml", "[list]\ndown = \"<Dwn>\"\nup = \"<Upp>\"\n"),
        ("theme.toml", "key = { fg = \"purplish\" }\n"),
    ]);
    let r = d.run(&["config", "check"]);
    assert_eq!(r.code, 2);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 5, "{}", r.stderr);
    assert!(lines[0].starts_with(&format!("{}:1:", file(&d, "config.toml"))));
    assert!(lines[1].starts_with(&format!("{}:1:", file(&d, "theme.toml"))));
    assert!(lines[2].starts_with(&format!("{}:2:", file(&d, "keys.toml"))));
    assert!(lines[3].starts_with(&format!("{}:3:", file(&d, "keys.toml"))));
    assert!(lines[4].starts_with("4 problems in "), "{}", lines[4]);
}

#[test]
fn the_desk_shows_the_problems_over_itself_in_the_configured_borders() {
    use duedesk::ui::{self, Borders, Look, Theme};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let d = with_files(&[
        ("config.toml", "borders = \"ascii\"\n"),
        ("keys.toml", "[list]\n\npg_down = \"<C-d>\"\n"),
    ]);
    let loaded = duedesk::config::load(Some(&d.config_dir()), true);
    // As the terminal desk takes them: the theme's styles drawn in the configured borders.
    let look = Look::new(loaded.styles.into()).with_borders(loaded.settings.borders);
    assert_eq!(look, Look::new(Theme::mono()).with_borders(Borders::Ascii));
    let notes: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
    let draw = |w: u16, h: u16| {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| ui::notice(f, &notes, 0, &look)).expect("draw");
        let buf = t.backend().buffer().clone();
        buf.content().iter().map(|c| c.symbol()).collect::<String>()
    };
    let screen = draw(200, 24);
    assert!(screen.contains(&format!("{}:3: unknown action", file(&d, "keys.toml"))), "{screen}");
    assert!(
        screen.contains("+ Configuration problems -") && screen.contains("any other key closes"),
        "{screen}"
    );
    // Small and empty terminals draw without panicking.
    for (w, h) in [(0, 0), (1, 1), (20, 5), (60, 16), (80, 24)] {
        draw(w, h);
    }
}

#[test]
fn an_action_left_without_a_key_is_reported() {
    // `o` was the queue's sort; giving it to open leaves the sort with no key at all.
    let d = with_files(&[("keys.toml", "[list]\nopen = \"o\"\n")]);
    let r = d.run(&["config", "check"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let first = r.stderr.lines().next().unwrap_or("");
    assert!(
        first.starts_with(&format!(
            "{}:2: list.open takes o, the only key of queue.next_sort",
            file(&d, "keys.toml")
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn one_syntax_error_is_one_message() {
    let d = with_files(&[("keys.toml", "[list]\ndown = \"j\nup = \"k\"\nopen = \"l\"\n[case\n")]);
    let r = d.run(&["config", "check"]);
    assert_eq!(r.code, 2);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(lines[0].contains("TOML syntax"), "{}", r.stderr);
}

#[test]
fn the_problems_fit_80x24_and_scroll() {
    use duedesk::ui::{self, Look, Theme};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let notes: Vec<String> =
        (1..=30).map(|i| format!("/home/u/.config/duedesk/keys.toml:{i}: problem number {i}")).collect();
    let look = Look::new(Theme::mono());
    let draw = |scroll: u16| {
        let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        t.draw(|f| ui::notice(f, &notes, scroll, &look)).expect("draw");
        common::screen(t.backend().buffer())
    };
    let top = draw(0);
    assert!(top.contains("problem number 1\n") || top.contains("problem number 1 "), "{top}");
    assert!(!top.contains("problem number 30"), "{top}");
    assert!(top.contains("j/k scroll"), "{top}");
    let bottom = draw(100);
    assert!(bottom.contains("problem number 30") && bottom.contains("defaults in their place"), "{bottom}");
}

#[test]
fn config_init_writes_the_defaults_once_and_they_check_clean() {
    let d = TestDesk::new();
    let r = d.ok(&["--format", "table", "config", "init"]);
    for name in ["config.toml", "keys.toml", "dark.toml", "light.toml", "mono.toml"] {
        assert!(r.stdout.contains(&format!("wrote {}", file(&d, name))), "{}", r.stdout);
    }
    let r = d.ok(&["config", "check"]);
    assert_eq!(r.stderr, "");
    let keys = std::fs::read_to_string(d.config_dir().join("keys.toml")).expect("keys");
    assert!(keys.contains("# next_sort = \"o\""), "{keys}");
    let r = d.ok(&["--format", "table", "config", "init"]);
    assert!(r.stdout.contains("kept (already there)") && !r.stdout.contains("wrote"), "{}", r.stdout);
}
