//! Where the desk writes a set of files (legal packets, the monthly report pack): a new or empty
//! folder, each file created new, never through a link planted in its place, and everything
//! written removed again unless the work is done (`Written::keep`).

use std::path::{Path, PathBuf};

use super::{AppError, Result};

/// Files and folders made so far; removed again when dropped unless kept.
pub(crate) struct Written {
    /// What the files are, for messages ("the legal packet").
    what: &'static str,
    pub(crate) files: Vec<PathBuf>,
    pub(crate) dirs: Vec<PathBuf>,
}

impl Drop for Written {
    fn drop(&mut self) {
        for p in &self.files {
            let _ = std::fs::remove_file(p);
        }
        for d in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

impl Written {
    /// The output folder for `what` ("the legal packet", to say in messages; `rule` says why a
    /// folder with something in it is refused): made if missing, used if empty, else refused, so
    /// one run never mixes with or replaces what another left there.
    pub(crate) fn in_folder(out: &Path, what: &'static str, rule: &str) -> Result<Written> {
        let mut written = Written { what, files: Vec::new(), dirs: Vec::new() };
        super::install::user_may_write_in(out).map_err(|e| written.failed(out, e))?;
        match std::fs::read_dir(out).map(|mut entries| entries.next().is_some()) {
            Ok(true) => Err(AppError::Input(format!("{} is not empty: {rule}", out.display()))),
            Ok(false) => Ok(written),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut missing = Vec::new();
                let mut at = Some(out);
                while let Some(dir) = at.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
                    missing.push(dir.to_path_buf());
                    at = dir.parent();
                }
                std::fs::create_dir_all(out).map_err(|e| written.failed(out, e))?;
                written.dirs.extend(missing.into_iter().rev());
                Ok(written)
            }
            Err(e) => Err(written.failed(out, e)),
        }
    }

    pub(crate) fn failed(&self, p: &Path, e: std::io::Error) -> AppError {
        AppError::Input(format!("writing {} to {}: {e}", self.what, p.display()))
    }

    /// A file created new: never over another file, never through a link planted in its place
    /// (`create_new` fails on any name that exists, a link included).
    pub(crate) fn create(&mut self, path: PathBuf) -> Result<std::fs::File> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| self.failed(&path, e))?;
        self.files.push(path);
        Ok(file)
    }

    pub(crate) fn write(&mut self, path: PathBuf, body: &str) -> Result<()> {
        use std::io::Write as _;
        let mut file = self.create(path.clone())?;
        file.write_all(body.as_bytes()).map_err(|e| self.failed(&path, e))
    }

    /// A new folder inside: one that exists (or a link planted in its place) is refused.
    pub(crate) fn folder(&mut self, path: PathBuf) -> Result<()> {
        std::fs::create_dir(&path).map_err(|e| self.failed(&path, e))?;
        self.dirs.push(path);
        Ok(())
    }

    /// The work is done: what was written stays.
    pub(crate) fn keep(mut self) {
        self.files.clear();
        self.dirs.clear();
    }
}
