//! The command line's history, kept across sessions as `history` in the data directory
//! (`DUEDESK_DATA`, else the platform's, where the default store lives too): one line a command,
//! oldest first. Losing it loses nothing of the book, so a file that cannot be read or written is
//! passed over.

use std::path::{Path, PathBuf};

use crate::app::desk_state::HISTORY_LINES;

pub const HISTORY_FILE: &str = "history";

/// The data directory: `DUEDESK_DATA` when set, else the platform's (`~/.local/share/duedesk`).
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os("DUEDESK_DATA") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => directories::ProjectDirs::from("", "", "duedesk").map(|d| d.data_dir().to_path_buf()),
    }
}

/// The lines kept, oldest first; none when there is no file.
pub fn load(dir: &Path) -> Vec<String> {
    let file = dir.join(HISTORY_FILE);
    let text = crate::app::install::user_may_read(&file)
        .and_then(|()| std::fs::read_to_string(&file))
        .unwrap_or_default();
    let lines: Vec<String> = text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect();
    let over = lines.len().saturating_sub(HISTORY_LINES);
    lines[over..].to_vec()
}

/// Writes the lines (the last `HISTORY_LINES`), making the directory if need be.
pub fn save(dir: &Path, lines: &[String]) -> std::io::Result<()> {
    // Never with the group install's rights: the folder is the user's to write, or no history.
    crate::app::install::user_may_write_in(dir)?;
    std::fs::create_dir_all(dir)?;
    let over = lines.len().saturating_sub(HISTORY_LINES);
    let mut text = lines[over..].iter().map(|l| l.replace('\n', " ")).collect::<Vec<_>>().join("\n");
    text.push('\n');
    // Written beside and renamed over, so two desks quitting at once leave one whole file.
    let tmp = dir.join(format!("{HISTORY_FILE}.{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, dir.join(HISTORY_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kept_across_sessions_the_newest_last() {
        let dir = tempfile::tempdir().expect("tempdir");
        let at = dir.path().join("data");
        assert!(load(&at).is_empty());
        save(&at, &["goto DL1".into(), "sort overdue".into()]).expect("save");
        assert_eq!(load(&at), ["goto DL1", "sort overdue"]);
        let many: Vec<String> = (0..HISTORY_LINES + 5).map(|i| format!("goto DL{i}")).collect();
        save(&at, &many).expect("save");
        let back = load(&at);
        assert_eq!(back.len(), HISTORY_LINES);
        assert_eq!(back.last().map(String::as_str), Some(format!("goto DL{}", HISTORY_LINES + 4).as_str()));
    }
}
