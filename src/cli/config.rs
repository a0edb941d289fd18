//! `duedesk config path|init|check`: the user's configuration files, with no store.

use super::args::ConfigCmd;
use super::format::Format;
use super::output;
use crate::app::{AppError, Result};

/// `duedesk config check|path|init`: needs no store.
pub(super) fn config_cmd(what: &ConfigCmd, format: Format, value_format: Format) -> Result<()> {
    let dir = crate::config::dir().ok_or_else(|| {
        AppError::Input("no home directory to look for configuration in; set DUEDESK_CONFIG=DIR".into())
    })?;
    match what {
        ConfigCmd::Path => {
            let path = dir.display().to_string();
            output::done(value_format, &serde_json::json!({ "path": path }), &path)?;
        }
        ConfigCmd::Init => {
            let files = crate::config::init(&dir)
                .map_err(|e| AppError::Input(format!("writing to {}: {e}", dir.display())))?;
            let (mut written, mut kept) = (Vec::new(), Vec::new());
            let mut said = Vec::new();
            for (path, wrote) in files {
                let path = path.display().to_string();
                said.push(format!("{} {path}", if wrote { "wrote" } else { "kept (already there)" }));
                if wrote { written.push(path) } else { kept.push(path) }
            }
            let done =
                serde_json::json!({ "dir": dir.display().to_string(), "written": written, "kept": kept });
            output::done(format, &done, &said.join("\n"))?;
        }
        ConfigCmd::Check => {
            let loaded = crate::config::load(Some(&dir), false);
            if !loaded.problems.is_empty() {
                let mut lines: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
                lines.push(format!(
                    "{} problem{} in {}; the desk starts anyway, with the defaults in their place",
                    loaded.problems.len(),
                    if loaded.problems.len() == 1 { "" } else { "s" },
                    dir.display()
                ));
                return Err(AppError::File(lines));
            }
            let read: Vec<String> = loaded.read.iter().map(|p| p.display().to_string()).collect();
            let said = if read.is_empty() {
                format!("no configuration files in {}; the defaults apply", dir.display())
            } else {
                read.iter().map(|p| format!("ok {p}")).collect::<Vec<_>>().join("\n")
            };
            let done = serde_json::json!({ "dir": dir.display().to_string(), "ok": read });
            output::done(format, &done, &said)?;
        }
    }
    Ok(())
}
