//! The user's configuration: `config.toml`, `keys.toml` and `theme.toml` in the config
//! directory (`DUEDESK_CONFIG`, else the platform's from `directories`), each optional and
//! partial, laid over the embedded defaults (`themes/*.toml`, `DEFAULT_KEYMAP`). A bad entry is
//! reported as `PATH:LINE: what is wrong; what to do` and keeps that entry's default: never
//! silent, never fatal. `duedesk config check` prints the same reports and exits 2.

mod bad;
pub mod history;
pub mod init;
pub mod keys;
mod look;
pub mod theme;

use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

pub use bad::Bad;
pub use look::Borders;
use theme::{SHIPPED, Styles};

use crate::app::keymap::Keymap;

pub const CONFIG_FILE: &str = "config.toml";
pub const KEYS_FILE: &str = "keys.toml";
pub const THEME_FILE: &str = "theme.toml";

/// One bad entry: the file, its line (0 when the file as a whole is at fault) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.what)
        } else {
            write!(f, "{}:{}: {}", self.path.display(), self.line, self.what)
        }
    }
}

pub use crate::text::line_of;

fn problems(path: &Path, text: &str, bad: Vec<Bad>) -> impl Iterator<Item = Problem> {
    let path = path.to_path_buf();
    bad.into_iter().map(move |b| Problem {
        path: path.clone(),
        line: line_of(text, b.span.start),
        what: b.what,
    })
}

/// What `config.toml` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// A shipped theme's name or the path of a theme file (relative to the config directory);
    /// none: dark.
    pub theme: Option<String>,
    pub borders: Borders,
    /// The interface language as written (`lang = "zh"`), checked with `Lang::parse`; the desk
    /// picks its language with `Lang::from_env`.
    pub lang: Option<String>,
    /// Amounts on the desk grouped by thousands (`10,980,764.97`); the command line never is.
    pub group_amounts: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { theme: None, borders: Borders::default(), lang: None, group_amounts: true }
    }
}

/// Everything the desk takes from the configuration.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The directory looked in; none when there is no home directory.
    pub dir: Option<PathBuf>,
    pub settings: Settings,
    /// The theme's styles: `config.toml`'s theme with `theme.toml` over it; `mono` under `NO_COLOR`.
    pub styles: Styles,
    pub keymap: Keymap,
    /// The files that were read.
    pub read: Vec<PathBuf>,
    pub problems: Vec<Problem>,
}

/// The configuration directory: `DUEDESK_CONFIG` when set, else the platform's
/// (`~/.config/duedesk` on Linux).
pub fn dir() -> Option<PathBuf> {
    match std::env::var_os("DUEDESK_CONFIG") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => directories::ProjectDirs::from("", "", "duedesk").map(|d| d.config_dir().to_path_buf()),
    }
}

/// Whether `NO_COLOR` asks for no colour (set and not empty, as no-color.org says).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Reads a file if it exists; a file that exists but cannot be read is a problem.
fn read(path: &Path, out: &mut Loaded) -> Option<String> {
    match crate::app::install::user_may_read(path).and_then(|()| std::fs::read_to_string(path)) {
        Ok(text) => {
            out.read.push(path.to_path_buf());
            Some(text)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            out.problems.push(Problem {
                path: path.to_path_buf(),
                line: 0,
                what: format!(
                    "cannot read the file ({e}); fix its permissions or encoding (UTF-8), or remove it"
                ),
            });
            None
        }
    }
}

/// Loads the configuration from a directory (none: only the defaults). Under `no_color` the
/// theme is `mono` whatever the files say; they are still checked.
pub fn load(dir: Option<&Path>, no_color: bool) -> Loaded {
    let mut out = Loaded {
        dir: dir.map(Path::to_path_buf),
        settings: Settings::default(),
        styles: Styles::dark(),
        keymap: Keymap::default(),
        read: Vec::new(),
        problems: Vec::new(),
    };
    let Some(dir) = dir else {
        if no_color {
            out.styles = Styles::mono();
        }
        return out;
    };

    // config.toml: the theme, the borders, the language.
    let path = dir.join(CONFIG_FILE);
    let mut theme_at = 0..0;
    let mut config_text = String::new();
    if let Some(text) = read(&path, &mut out) {
        let (settings, at, bad) = parse_settings(&text);
        out.problems.extend(problems(&path, &text, bad));
        out.settings = settings;
        theme_at = at;
        config_text = text;
    }

    // The theme named there, then theme.toml over it.
    let mut theme = Styles::dark();
    if let Some(name) = out.settings.theme.clone() {
        match Styles::shipped(&name) {
            Some(t) => theme = t,
            None if name.contains('/') || name.contains('\\') || name.ends_with(".toml") => {
                let file = dir.join(&name);
                match crate::app::install::user_may_read(&file).and_then(|()| std::fs::read_to_string(&file)) {
                    Ok(text) => {
                        out.read.push(file.clone());
                        let bad = theme.overlay(&text);
                        out.problems.extend(problems(&file, &text, bad));
                    }
                    Err(e) => out.problems.push(Problem {
                        path: path.clone(),
                        line: line_of(&config_text, theme_at.start),
                        what: format!(
                            "theme file \"{name}\" cannot be read ({e}); give a path relative to {} or a shipped \
                             theme ({})",
                            dir.display(),
                            shipped_names()
                        ),
                    }),
                }
            }
            None => out.problems.push(Problem {
                path: path.clone(),
                line: line_of(&config_text, theme_at.start),
                what: format!(
                    "unknown theme \"{name}\"; use {} or the path of a theme file ending in .toml",
                    shipped_names()
                ),
            }),
        }
    }
    let path = dir.join(THEME_FILE);
    if let Some(text) = read(&path, &mut out) {
        let bad = theme.overlay(&text);
        out.problems.extend(problems(&path, &text, bad));
    }
    out.styles = if no_color { Styles::mono() } else { theme };

    // keys.toml over the default key map.
    let path = dir.join(KEYS_FILE);
    if let Some(text) = read(&path, &mut out) {
        let bad = keys::apply(&mut out.keymap, &text);
        out.problems.extend(problems(&path, &text, bad));
    }
    out
}

/// `duedesk config init`: commented copies of the defaults (`init.rs`) written to `dir`, each
/// shipped theme as `THEME.toml`; files already there are kept.
pub fn init(dir: &Path) -> std::io::Result<Vec<(PathBuf, bool)>> {
    let mut files = vec![(CONFIG_FILE, init::config_text()), (KEYS_FILE, init::keys_text())];
    let themes: Vec<(String, &str)> = SHIPPED.iter().map(|(n, t)| (format!("{n}.toml"), *t)).collect();
    files.extend(themes.iter().map(|(n, t)| (n.as_str(), (*t).to_string())));
    init::write_new(dir, files)
}

fn shipped_names() -> String {
    SHIPPED.iter().map(|(n, _)| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

/// `config.toml`: the settings, where the theme entry is (for later messages), and what is bad.
fn parse_settings(text: &str) -> (Settings, std::ops::Range<usize>, Vec<Bad>) {
    let mut s = Settings::default();
    let doc = match DeTable::parse(text) {
        Ok(d) => d,
        Err(_) => {
            let (_, errors) = DeTable::parse_recoverable(text);
            return (s, 0..0, errors.iter().take(1).map(Bad::syntax).collect());
        }
    };
    let mut bad = Vec::new();
    let mut theme_at = 0..0;
    for (key, value) in doc.get_ref() {
        let text_value = match value.get_ref() {
            DeValue::String(v) => Some(v.to_string()),
            _ => None,
        };
        let wrong_type = |example: &str| {
            Bad::new(
                value.span(),
                format!(
                    "{} must be text, not a {}; e.g. {example}",
                    key.get_ref(),
                    value.get_ref().type_str()
                ),
            )
        };
        match (key.get_ref().as_ref(), text_value) {
            ("theme", Some(v)) => {
                theme_at = value.span();
                s.theme = Some(v);
            }
            ("theme", None) => bad.push(wrong_type("theme = \"light\"")),
            ("borders", Some(v)) => match v.as_str() {
                "unicode" => s.borders = Borders::Unicode,
                "ascii" => s.borders = Borders::Ascii,
                other => bad.push(Bad::new(
                    value.span(),
                    format!("unknown borders \"{other}\"; use \"unicode\" (the default) or \"ascii\""),
                )),
            },
            ("borders", None) => bad.push(wrong_type("borders = \"ascii\"")),
            ("lang", Some(v)) => {
                // Kept as written: the desk passes over a value that names no language.
                if let Err(e) = crate::app::strings::Lang::parse(&v) {
                    bad.push(Bad::new(value.span(), e));
                }
                s.lang = Some(v);
            }
            ("lang", None) => bad.push(wrong_type("lang = \"en\"")),
            ("group_amounts", _) => match value.get_ref() {
                DeValue::Boolean(b) => s.group_amounts = *b,
                other => bad.push(Bad::new(
                    value.span(),
                    format!(
                        "group_amounts must be true or false, not a {}; e.g. group_amounts = false",
                        other.type_str()
                    ),
                )),
            },
            (other, _) => bad.push(Bad::new(
                key.span(),
                format!(
                    "unknown setting \"{other}\"; the settings are theme, borders, lang and group_amounts"
                ),
            )),
        }
    }
    bad.sort_by_key(|b| b.span.start);
    (s, theme_at, bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::{Cmd, Scope, parse_keys};

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let d = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            std::fs::write(d.path().join(name), text).expect("write");
        }
        d
    }

    fn lines(l: &Loaded) -> Vec<String> {
        l.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn no_directory_or_an_empty_one_gives_the_defaults() {
        for l in [load(None, false), load(Some(dir_with(&[]).path()), false)] {
            assert!(l.problems.is_empty() && l.read.is_empty());
            assert_eq!((l.styles, l.settings.borders), (Styles::dark(), Borders::Unicode));
            assert_eq!(l.keymap.bindings, Keymap::default().bindings);
        }
        assert_eq!(load(None, true).styles, Styles::mono());
    }

    #[test]
    fn the_three_files_are_laid_over_the_defaults() {
        let d = dir_with(&[
            ("config.toml", "theme = \"light\"\nborders = \"ascii\"\nlang = \"zh\"\n"),
            ("theme.toml", "key = { fg = \"red\" }\n"),
            ("keys.toml", "[global]\nquit = \"Q\"\n"),
        ]);
        let l = load(Some(d.path()), false);
        assert_eq!(lines(&l), Vec::<String>::new());
        assert_eq!(l.read.len(), 3);
        assert_eq!(l.settings.lang.as_deref(), Some("zh"));
        assert_eq!(l.settings.borders, Borders::Ascii);
        assert_eq!(l.styles.title, Styles::light().title);
        assert_eq!(l.styles.key, ratatui::style::Style::new().fg(ratatui::style::Color::Red));
        assert_eq!(l.keymap.lookup(&[Scope::Global], &parse_keys("Q").expect("Q")), Ok(Cmd::Quit));
        // NO_COLOR wins over the theme, not over the borders or the keys.
        let l = load(Some(d.path()), true);
        assert_eq!(l.styles, Styles::mono());
        assert_eq!(l.settings.borders, Borders::Ascii);
    }

    #[test]
    fn a_theme_file_by_path() {
        let d = dir_with(&[
            ("config.toml", "theme = \"mine.toml\"\n"),
            ("mine.toml", "title = { fg = \"#102030\" }\n"),
        ]);
        let l = load(Some(d.path()), false);
        assert!(l.problems.is_empty(), "{:?}", lines(&l));
        assert_eq!(l.styles.title.fg, Some(ratatui::style::Color::Rgb(16, 32, 48)));
        assert_eq!(l.styles.key, Styles::dark().key);
    }

    #[test]
    fn each_error_names_its_file_and_line() {
        let d = dir_with(&[
            ("config.toml", "# mine\ntheme = \"solarized\"\nborders = \"round\"\ncolour = 1\n"),
            ("theme.toml", "title = { fg = \"cyan\" }\n\nkey = { fg = \"purplish\" }\n"),
            ("keys.toml", "[list]\ndown = \"j <Down>\"\npg_down = \"<C-d>\"\n"),
        ]);
        let l = load(Some(d.path()), false);
        let p = |name: &str| d.path().join(name).display().to_string();
        let got = lines(&l);
        assert_eq!(got.len(), 5, "{got:#?}");
        assert!(
            got[0].starts_with(&format!("{}:3: unknown borders \"round\"", p("config.toml"))),
            "{}",
            got[0]
        );
        assert!(
            got[1].starts_with(&format!("{}:4: unknown setting \"colour\"", p("config.toml"))),
            "{}",
            got[1]
        );
        assert!(
            got[2].starts_with(&format!("{}:2: unknown theme \"solarized\"", p("config.toml"))),
            "{}",
            got[2]
        );
        assert!(
            got[3].starts_with(&format!("{}:3: unknown colour \"purplish\" for key.fg", p("theme.toml"))),
            "{}",
            got[3]
        );
        assert!(
            got[4].starts_with(&format!("{}:3: unknown action \"pg_down\" in [list]", p("keys.toml"))),
            "{}",
            got[4]
        );
        // What was good still applies; what was bad kept its default.
        assert_eq!(l.styles.key, Styles::dark().key);
        assert_eq!(l.settings.borders, Borders::Unicode);
        assert_eq!(l.keymap.bindings, Keymap::default().bindings);
        let d = dir_with(&[("keys.toml", "[list]\n\ndown = \"j\n")]);
        let got = lines(&load(Some(d.path()), false));
        assert!(
            got[0].starts_with(&format!("{}:3: TOML syntax:", d.path().join("keys.toml").display())),
            "{got:?}"
        );
    }

    #[test]
    fn amounts_are_grouped_unless_turned_off() {
        assert!(load(None, false).settings.group_amounts);
        let d = dir_with(&[("config.toml", "group_amounts = false\n")]);
        assert!(!load(Some(d.path()), false).settings.group_amounts);
        let d = dir_with(&[("config.toml", "group_amounts = \"no\"\n")]);
        let l = load(Some(d.path()), false);
        assert!(l.settings.group_amounts);
        assert!(lines(&l)[0].contains("group_amounts must be true or false"), "{:?}", lines(&l));
    }

    #[test]
    fn init_writes_copies_that_read_back_as_the_defaults_and_overwrites_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = dir.path().join("cfg");
        let first = init(&cfg).expect("init");
        assert!(first.iter().all(|(_, w)| *w), "{first:?}");
        assert_eq!(first.len(), 2 + SHIPPED.len());
        let loaded = load(Some(&cfg), false);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.keymap.bindings, Keymap::default().bindings);
        std::fs::write(cfg.join(KEYS_FILE), "[global]\nquit = \"Q\"\n").expect("mine");
        assert!(init(&cfg).expect("init").iter().all(|(_, w)| !*w));
        assert_eq!(std::fs::read_to_string(cfg.join(KEYS_FILE)).expect("read"), "[global]\nquit = \"Q\"\n");
        // A theme copy opened by path reads as the shipped one.
        std::fs::write(cfg.join(CONFIG_FILE), "theme = \"light.toml\"\n").expect("config");
        let l = load(Some(&cfg), false);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.styles, Styles::light());
    }

    #[test]
    fn line_numbers_from_offsets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
