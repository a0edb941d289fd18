//! The group install (README, "One store for a branch server"): the binary is setgid to a group
//! that alone may write the store's folder, and no desk user is in it, so the store changes only
//! through duedesk and its rules. A process that runs so (its effective group is not its user's)
//! takes nothing from its caller that would act for it: no pinned clock, no other desk user, no
//! store outside a folder root gave the group, no file its user could not read or write alone.

use std::io;
use std::path::Path;

use super::{AppError, Result};

/// The group a setgid process runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Install {
    pub group: u32,
}

/// The group install, when this process runs setgid.
pub fn current() -> Option<Install> {
    #[cfg(unix)]
    {
        use rustix::process::{getegid, getgid};
        let (real, effective) = (getgid(), getegid());
        (real != effective).then(|| Install { group: effective.as_raw() })
    }
    #[cfg(not(unix))]
    None
}

/// Refuses a setuid process: the desk user is the real user, by number and by name alike.
pub fn refuse_setuid() -> Result<()> {
    #[cfg(unix)]
    if rustix::process::getuid() != rustix::process::geteuid() {
        return Err(AppError::Refused(
            "duedesk runs setuid: it must not (the desk user is the login that runs it); install it setgid to \
             its group instead, as the README says"
                .into(),
        ));
    }
    Ok(())
}

/// A folder the group install keeps a store in: root's (or the owner's of the binary), the
/// install's group, writable by no one else.
pub fn store_folder(uid: u32, gid: u32, mode: u32, group: u32, binary_owner: Option<u32>) -> bool {
    (uid == 0 || Some(uid) == binary_owner) && gid == group && mode & 0o002 == 0
}

impl Install {
    fn named(&self) -> String {
        group_name(self.group).map_or_else(|| format!("group {}", self.group), |n| format!("the group '{n}'"))
    }

    fn refuse(&self, what: String) -> AppError {
        AppError::Refused(format!("duedesk runs as {} (the branch server's install): {what}", self.named()))
    }

    /// Refuses what the environment would make the process do for someone else: a pinned clock
    /// (`DUEDESK_NOW`) or another desk user (`DUEDESK_USER`).
    pub fn refuse_env(&self, pinned_clock: bool, other_user: Option<&str>) -> Result<()> {
        if pinned_clock {
            return Err(self.refuse("DUEDESK_NOW is not taken, the clock is the system's; unset it".into()));
        }
        if let Some(user) = other_user {
            return Err(self
                .refuse(format!("DUEDESK_USER={user} is not taken, the desk user is your login; unset it")));
        }
        Ok(())
    }

    /// Refuses a store outside a folder root gave the group (`store_folder`), one that is a link,
    /// and a name not ending `.db`, so no store is made over the name of another's `-wal`, `-shm`
    /// or `-journal`.
    pub fn check_store(&self, path: &Path) -> Result<()> {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let refused = || {
            self.refuse(format!(
                "it keeps its store in a folder root gave that group (owner root, the group, no write for \
                 others: `install -d -m 2770 -o root -g GROUP /srv/duedesk`); {} is not in one",
                path.display()
            ))
        };
        if path.extension().is_none_or(|e| e != "db") {
            return Err(self.refuse(format!("a store's name ends in .db, and {} does not", path.display())));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let dir = std::fs::metadata(parent).map_err(|_| refused())?;
            let binary_owner = std::env::current_exe().and_then(std::fs::metadata).ok().map(|m| m.uid());
            if !dir.is_dir() || !store_folder(dir.uid(), dir.gid(), dir.mode(), self.group, binary_owner) {
                return Err(refused());
            }
        }
        match std::fs::symlink_metadata(path) {
            Ok(m) if !m.is_file() => Err(refused()),
            _ => Ok(()),
        }
    }

    /// Files the process makes are the group's to read and write, no one else's.
    pub fn set_umask(&self) {
        #[cfg(unix)]
        rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o007));
    }
}

/// Whether the user running duedesk could read `path` alone (always so outside the group install):
/// a file named on the command line or in a configuration is never read with the group's rights.
pub fn user_may_read(path: &Path) -> io::Result<()> {
    as_user(path, false)
}

/// Whether the user could make `dir` (or write in it, if it exists) alone.
pub fn user_may_write_in(dir: &Path) -> io::Result<()> {
    // The nearest folder that exists is the one written in.
    let mut at = dir;
    while !at.exists() {
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p,
            _ => {
                at = Path::new(".");
                break;
            }
        }
    }
    as_user(at, true)
}

fn as_user(path: &Path, write: bool) -> io::Result<()> {
    let Some(install) = current() else { return Ok(()) };
    #[cfg(unix)]
    {
        use rustix::fs::{Access, access};
        let how = if write { Access::WRITE_OK | Access::EXEC_OK } else { Access::READ_OK };
        // access(2) checks with the real user and group, not the group the process runs as.
        match access(path, how) {
            Ok(()) => Ok(()),
            Err(e) if e == rustix::io::Errno::NOENT => Err(io::Error::from(io::ErrorKind::NotFound)),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "you may not {} it yourself, and duedesk, running as {}, does not do it for you",
                    if write { "write in" } else { "read" },
                    install.named()
                ),
            )),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (install, path, write);
        Ok(())
    }
}

/// A group's name from `/etc/group`, for messages.
fn group_name(gid: u32) -> Option<String> {
    let groups = std::fs::read_to_string("/etc/group").ok()?;
    groups.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        (f.nth(1)?.parse::<u32>().ok()? == gid).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_folder_is_roots_the_groups_and_no_one_elses_to_write() {
        let group = 990;
        let cases = [
            (0, 990, 0o2770, None, true),
            (0, 990, 0o2775, None, true),
            (1001, 990, 0o2770, Some(1001), true),
            // A collector's own folder, even of the group (duedesk made it for them).
            (1002, 990, 0o2770, Some(0), false),
            (0, 0, 0o2770, None, false),
            (0, 990, 0o2777, None, false),
            (0, 990, 0o1777, None, false),
        ];
        for (uid, gid, mode, owner, ok) in cases {
            assert_eq!(store_folder(uid, gid, mode, group, owner), ok, "{uid}:{gid} {mode:o}");
        }
    }

    #[test]
    fn outside_the_group_install_the_user_reads_and_writes_as_ever() {
        if current().is_some() {
            return;
        }
        assert!(user_may_read(Path::new("Cargo.toml")).is_ok());
        assert!(user_may_write_in(Path::new("target/does/not/exist/yet")).is_ok());
    }
}
