//! `duedesk config init`: commented copies of the defaults in the configuration directory, to
//! change rather than to write from nothing: `config.toml` with every setting, `keys.toml` with
//! every action's keys (commented out, so they stay the defaults until a line is opened), and each
//! shipped theme as `THEME.toml` (`theme = "THEME.toml"` in config.toml reads it). A file that
//! exists is kept as it is.

use std::path::{Path, PathBuf};

use super::theme::SHIPPED;
use super::{CONFIG_FILE, KEYS_FILE};
use crate::app::keymap::{DEFAULT_KEYMAP, Scope};

/// `config.toml` with every setting at its default, commented.
fn config_text() -> String {
    "# duedesk: the desk's settings. Every line is the default; open one to change it.\n\
     #\n\
     # The theme: a shipped one (\"dark\", \"light\", \"mono\") or a theme file's path relative to this\n\
     # folder, e.g. \"light.toml\" as `duedesk config init` wrote it. NO_COLOR always gives mono.\n\
     # theme = \"dark\"\n\
     #\n\
     # Borders drawn with \"unicode\" lines or plain \"ascii\" for terminals without them.\n\
     # borders = \"unicode\"\n\
     #\n\
     # The language of the desk: \"en\" or \"zh\"; without it, DUEDESK_LANG, then the locale.\n\
     # lang = \"zh\"\n\
     #\n\
     # Amounts grouped by thousands on the desk (10,980,764.97); false shows them plain.\n\
     # group_amounts = true\n"
        .to_string()
}

/// `keys.toml` with every action's default keys, commented, section by section.
fn keys_text() -> String {
    let mut out = String::from(
        "# duedesk: the desk's keys. Open a line to give an action other keys; the keys it takes leave\n\
         # any other action on the same screen (`duedesk config check` names an action left without one).\n\
         # Keys: a character, <Enter>, <Esc>, <Tab>, <Space>, <PgUp>, <PgDn>, <Home>, <End>, <Up>,\n\
         # <Down>, <C-x> for Ctrl-x; alternatives separated by spaces.\n",
    );
    for scope in Scope::ALL {
        out.push_str(&format!("\n[{}]\n", scope.name()));
        for b in DEFAULT_KEYMAP.iter().filter(|b| b.scope == scope) {
            out.push_str(&format!("# {} = \"{}\"    # {}\n", b.cmd.name(), b.keys, b.desc));
        }
    }
    out
}

/// Writes the defaults' copies the directory does not have yet; each file and whether it was
/// written (`false`: it was there and is kept).
pub fn init(dir: &Path) -> std::io::Result<Vec<(PathBuf, bool)>> {
    std::fs::create_dir_all(dir)?;
    let mut files = vec![(dir.join(CONFIG_FILE), config_text()), (dir.join(KEYS_FILE), keys_text())];
    files.extend(SHIPPED.iter().map(|(name, text)| (dir.join(format!("{name}.toml")), (*text).to_string())));
    let mut out = Vec::new();
    for (path, text) in files {
        let written = match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                std::io::Write::write_all(&mut f, text.as_bytes())?;
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            Err(e) => return Err(e),
        };
        out.push((path, written));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copies_read_back_as_the_defaults_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = dir.path().join("cfg");
        let first = init(&cfg).expect("init");
        assert!(first.iter().all(|(_, w)| *w), "{first:?}");
        assert_eq!(first.len(), 2 + SHIPPED.len());
        let loaded = super::super::load(Some(&cfg), false);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.keymap.bindings, crate::app::keymap::Keymap::default().bindings);
        std::fs::write(cfg.join(KEYS_FILE), "[global]\nquit = \"Q\"\n").expect("mine");
        let again = init(&cfg).expect("init");
        assert!(again.iter().all(|(_, w)| !*w));
        assert_eq!(std::fs::read_to_string(cfg.join(KEYS_FILE)).expect("read"), "[global]\nquit = \"Q\"\n");
        // A theme copy opened by path reads as the shipped one.
        std::fs::write(cfg.join(CONFIG_FILE), "theme = \"light.toml\"\n").expect("config");
        let l = super::super::load(Some(&cfg), false);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.styles, super::super::theme::Styles::light());
    }
}
