//! The password file PostgreSQL's own tools read (`~/.pgpass`, or the file `PGPASSFILE` names), so
//! a centre's password is never written on the command line: lines of
//! `host:port:database:user:password`, `*` matching anything, `\` escaping `:` and `\`. As libpq
//! does, a file that others than its owner may read is not used.

use std::path::{Path, PathBuf};

/// What a connection is for, as the file's lines are matched against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted<'a> {
    /// The host name, or the socket folder for a local connection (which also matches `localhost`).
    pub host: &'a str,
    pub local: bool,
    pub port: u16,
    pub database: &'a str,
    pub user: &'a str,
}

/// The password of the first line that matches, if any.
pub fn lookup(text: &str, want: &Wanted<'_>) -> Option<String> {
    text.lines().filter(|l| !l.trim_start().starts_with('#')).find_map(|line| {
        let fields = split(line)?;
        let field = |i: usize, value: &str| fields[i] == "*" || fields[i] == value;
        let host = field(0, want.host) || (want.local && field(0, "localhost"));
        (host && field(1, &want.port.to_string()) && field(2, want.database) && field(3, want.user))
            .then(|| fields[4].clone())
    })
}

/// A line's five fields, unescaped; `None` for a line that has not five.
fn split(line: &str) -> Option<[String; 5]> {
    let mut fields: Vec<String> = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut()?.push(chars.next().unwrap_or('\\')),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut()?.push(c),
        }
    }
    fields.try_into().ok()
}

/// The password file: `PGPASSFILE`, else `.pgpass` in the home folder.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| Path::new(&h).join(".pgpass"))
}

/// The file's text, when it is there, a plain file, and private to its owner.
pub fn read(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    if std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077 != 0 {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want<'a>(host: &'a str, local: bool, database: &'a str, user: &'a str) -> Wanted<'a> {
        Wanted { host, local, port: 5432, database, user }
    }

    #[test]
    fn the_first_line_that_matches_gives_the_password() {
        let file = "# the centre\n\
                    db1.centre:5432:book:wang.fang:first\n\
                    *:5432:book:*:any\\:one\n\
                    localhost:*:*:chen.jing:local\\\\pw\n";
        assert_eq!(lookup(file, &want("db1.centre", false, "book", "wang.fang")).as_deref(), Some("first"));
        assert_eq!(lookup(file, &want("db2.centre", false, "book", "wang.fang")).as_deref(), Some("any:one"));
        assert_eq!(
            lookup(file, &want("/run/postgresql", true, "x", "chen.jing")).as_deref(),
            Some("local\\pw")
        );
        assert_eq!(
            lookup(file, &want("db2.centre", false, "x", "chen.jing")),
            None,
            "localhost is local only"
        );
        assert_eq!(lookup(file, &want("db1.centre", false, "other", "li.qiang")), None);
    }

    #[test]
    fn a_line_without_five_fields_is_skipped() {
        assert_eq!(lookup("a:b:c\n*:*:*:*:ok", &want("h", false, "d", "u")).as_deref(), Some("ok"));
        assert_eq!(lookup("*:*:*:*:with:colon", &want("h", false, "d", "u")).as_deref(), Some("with:colon"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_may_read_is_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("pgpass");
        std::fs::write(&p, "*:*:*:*:pw\n").expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).expect("mode");
        assert_eq!(read(&p), None);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("mode");
        assert_eq!(read(&p).as_deref(), Some("*:*:*:*:pw\n"));
    }
}
