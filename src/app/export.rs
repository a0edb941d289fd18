//! CSV for people as much as for programs: a file or a pipe often ends on a terminal, so control
//! characters in the book's text are written visible (`text::visible_lines`), as every text output
//! shows them; a line break inside a quoted field stays, as CSV allows.

use std::io::Write;

use serde::Serialize;

use crate::text;

/// Writes `rows` as CSV to `out`, a header from the first row's field names.
pub fn write_csv<T: Serialize>(
    out: &mut dyn Write,
    rows: impl IntoIterator<Item = T>,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(Visible { out, pending: Vec::new() });
    for r in rows {
        w.serialize(r).map_err(io_error)?;
    }
    w.flush()
}

/// A CSV error as the I/O error it is, when it is one: a reader gone (a closed pipe) stays a
/// broken pipe for the caller to tell apart.
fn io_error(e: csv::Error) -> std::io::Error {
    if !matches!(e.kind(), csv::ErrorKind::Io(_)) {
        return std::io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Passes bytes on with control characters made visible. A character is never split: bytes after
/// the last ASCII one wait for the next write.
struct Visible<'a> {
    out: &'a mut dyn Write,
    pending: Vec<u8>,
}

impl Visible<'_> {
    fn pass(&mut self, upto: usize) -> std::io::Result<()> {
        let ready: Vec<u8> = self.pending.drain(..upto).collect();
        self.out.write_all(text::visible_lines(&String::from_utf8_lossy(&ready)).as_bytes())
    }
}

impl Write for Visible<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(last) = self.pending.iter().rposition(u8::is_ascii) {
            self.pass(last + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.pass(self.pending.len())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        name: &'static str,
        note: &'static str,
    }

    #[test]
    fn control_characters_are_visible_and_line_breaks_stay_quoted() {
        let mut out = Vec::new();
        let rows = [Row { name: "王\u{1b}]0;x\u{7}", note: "a\nb\r" }, Row { name: "李", note: "" }];
        write_csv(&mut out, rows).expect("csv");
        assert_eq!(String::from_utf8(out).expect("utf-8"), "name,note\n王␛]0;x␇,\"a\nb␍\"\n李,\n");
        // A character split between two writes is passed on whole.
        let mut out = Vec::new();
        let mut v = Visible { out: &mut out, pending: Vec::new() };
        let bytes = "王\u{1b}".as_bytes();
        v.write_all(&bytes[..2]).expect("write");
        v.write_all(&bytes[2..]).expect("write");
        v.flush().expect("flush");
        assert_eq!(String::from_utf8(out).expect("utf-8"), "王␛");
    }
}
