//! `duedesk config init`: commented copies of the defaults in the configuration directory, to
//! change rather than to write from nothing: `config.toml` with every setting, `keys.toml` with
//! every action's keys (commented out, so they stay the defaults until a line is opened), and each
//! shipped theme as `THEME.toml` (`theme = "THEME.toml"` in config.toml reads it). A file that
//! exists is kept as it is.

use std::path::{Path, PathBuf};

use crate::app::keymap::{DEFAULT_KEYMAP, Scope};

/// `config.toml` with every setting at its default, commented.
pub fn config_text() -> String {
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
pub fn keys_text() -> String {
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

/// Writes each file the directory does not have yet; each file and whether it was written
/// (`false`: it was there and is kept).
pub fn write_new(dir: &Path, files: Vec<(&str, String)>) -> std::io::Result<Vec<(PathBuf, bool)>> {
    // Never with the group install's rights: the folder is the user's to write.
    crate::app::install::user_may_write_in(dir)?;
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
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
