//! Reading a file: the CSV streamed record by record with the physical line where each starts,
//! checked against its header, and parsed on a second thread (`read_parsed`) while the first
//! writes.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use csv::{ReaderBuilder, StringRecord};

use super::columns::{Column, Columns, Row};
use super::problems::Problems;
use crate::app::{AppError, Result};

/// `progress` is called after every this many rows, and once at the end.
pub const PROGRESS_EVERY: u64 = 10_000;

/// The longest field a file may hold, in bytes: a name or an address fits many times over.
pub const MAX_FIELD_BYTES: usize = 16 * 1024;
/// The longest record, in bytes: a file that is not CSV (or has an unclosed quote) stops here
/// instead of being read into memory whole.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

/// The bytes the CSV reader has taken in but not yet passed, to find the physical line where each
/// record starts. `csv` gives a record the position where its read began: before any blank lines it
/// skipped and, in a CRLF file, before the `\n` of the previous record's line end, so its line number
/// is one short on every CRLF row. Counting line feeds over these bytes is exact.
struct Window {
    /// Stream offset of `bytes[0]`.
    start: u64,
    bytes: Vec<u8>,
    /// How far the reader has passed, as an index into `bytes`.
    head: usize,
    /// The physical line of `bytes[head]`.
    line: u64,
    /// The input has ended: every byte is taken in.
    at_end: bool,
}

fn line_feeds(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl Window {
    fn new() -> Self {
        Window { start: 0, bytes: Vec::new(), head: 0, line: 1, at_end: false }
    }

    fn index(&self, offset: u64) -> usize {
        let i = usize::try_from(offset.saturating_sub(self.start)).unwrap_or(usize::MAX);
        i.clamp(self.head, self.bytes.len())
    }

    /// The line of the record whose read began at `offset`: its first byte that is not a line break.
    fn line_of_record(&self, offset: u64) -> u64 {
        let from = self.index(offset);
        let breaks = self.bytes[from..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        self.line + line_feeds(&self.bytes[self.head..from + breaks])
    }

    /// The reader has passed `offset`.
    fn advance(&mut self, offset: u64) {
        let to = self.index(offset);
        self.line += line_feeds(&self.bytes[self.head..to]);
        self.head = to;
    }

    /// The physical line where the record now being read starts.
    fn line_at_head(&self) -> u64 {
        let rest = &self.bytes[self.head..];
        let breaks = rest.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        self.line + line_feeds(&rest[..breaks])
    }

    /// Where a quote opened and never closed between the last record passed and `offset` (all
    /// that was taken in, when the reader stopped short of it): its line and field number.
    fn open_quote(&self, offset: u64) -> Option<(u64, usize)> {
        let end = if offset <= self.start + self.head as u64 { self.bytes.len() } else { self.index(offset) };
        let span = &self.bytes[self.head..end.max(self.head)];
        let (mut quoted, mut at_start, mut field, mut opened) = (false, true, 0, 0);
        let mut i = 0;
        while i < span.len() {
            let b = span[i];
            i += 1;
            if quoted {
                if b == b'"' {
                    if span.get(i) == Some(&b'"') {
                        i += 1;
                    } else {
                        quoted = false;
                    }
                }
                continue;
            }
            match b {
                b'"' if at_start => {
                    quoted = true;
                    opened = i - 1;
                }
                b',' => field += 1,
                b'\r' | b'\n' => field = 0,
                _ => {}
            }
            at_start = matches!(b, b',' | b'\r' | b'\n');
        }
        quoted.then(|| (self.line + line_feeds(&span[..opened]), field))
    }

    /// Bytes taken in since the last record the reader passed.
    fn pending(&self) -> usize {
        self.bytes.len() - self.head
    }

    fn take_in(&mut self, data: &[u8]) {
        if self.head > 0 && self.head >= self.bytes.len() / 2 {
            self.bytes.drain(..self.head);
            self.start += self.head as u64;
            self.head = 0;
        }
        self.bytes.extend_from_slice(data);
    }
}

/// A reader that shows what it reads to a [`Window`].
struct Tee<R> {
    inner: R,
    window: Rc<RefCell<Window>>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.window.borrow().pending() > MAX_RECORD_BYTES {
            return Err(io::Error::other(RecordTooLong));
        }
        let n = self.inner.read(buf)?;
        let mut window = self.window.borrow_mut();
        window.take_in(&buf[..n]);
        window.at_end |= n == 0 && !buf.is_empty();
        Ok(n)
    }
}

/// A record ran past [`MAX_RECORD_BYTES`].
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record too long")
    }
}

impl std::error::Error for RecordTooLong {}

fn too_long(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<RecordTooLong>()))
}

fn record_too_long_message() -> String {
    format!(
        "runs past {MAX_RECORD_BYTES} bytes without ending (the longest record a file may have): \
         a quote left open, or not a CSV file"
    )
}

const NOT_UTF8: &str = "is not valid UTF-8: save the file as UTF-8 (\"CSV UTF-8\" in Excel), not GBK";

/// Whether the file's first bytes are UTF-16 text (Excel's "Unicode text"): its byte-order mark,
/// or ASCII with every other byte zero.
fn utf16(head: &[u8]) -> Option<&'static str> {
    match head {
        [0xFF, 0xFE, ..] => Some("UTF-16 (little-endian)"),
        [0xFE, 0xFF, ..] => Some("UTF-16 (big-endian)"),
        [a, 0, b, 0, ..] if a.is_ascii_graphic() && b.is_ascii() => Some("UTF-16 (little-endian)"),
        [0, a, 0, b, ..] if a.is_ascii_graphic() && b.is_ascii() => Some("UTF-16 (big-endian)"),
        _ => None,
    }
}

/// Opens `path`, skipping a UTF-8 byte-order mark; a UTF-16 file is named as such.
pub(super) fn open(path: &Path) -> Result<BufReader<File>> {
    let cannot = |e: io::Error| AppError::Input(format!("{}: cannot read the file: {e}", path.display()));
    crate::app::install::user_may_read(path).map_err(cannot)?;
    let mut input = BufReader::new(File::open(path).map_err(cannot)?);
    let head = input.fill_buf().map_err(cannot)?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    } else if let Some(kind) = utf16(head) {
        return Err(AppError::File(vec![format!(
            "{}:1: column: the file is {kind}: save it as UTF-8 (\"CSV UTF-8\" in Excel)",
            path.display()
        )]));
    }
    Ok(input)
}

/// Streams the rows of `input`: checks the header against `spec`, then calls `each` with every record
/// and the physical line where it starts. Problems with the file itself (header, encoding, number of
/// fields) go to `problems`; `each` notes the row's own and returns `Err` only to stop everything.
/// Returns the number of data rows read.
fn read_rows(
    input: impl Read,
    spec: &'static [Column],
    problems: &mut Problems,
    progress: &mut dyn FnMut(u64),
    mut each: impl FnMut(&Row<'_>, u64, &mut Problems) -> Result<()>,
) -> Result<u64> {
    let window = Rc::new(RefCell::new(Window::new()));
    let input = Tee { inner: input, window: Rc::clone(&window) };
    let mut reader = ReaderBuilder::new().has_headers(true).flexible(false).from_reader(input);
    let header = match reader.headers() {
        Ok(header) => header.clone(),
        Err(e) if too_long(&e) => {
            problems.add(
                window.borrow().line_at_head(),
                "row",
                format!("the header row {}", record_too_long_message()),
            );
            return Ok(0);
        }
        Err(e) => {
            let line = e.position().map_or(1, |p| window.borrow().line_of_record(p.byte()));
            match e.kind() {
                csv::ErrorKind::Utf8 { .. } => {
                    problems.add(line, "column", format!("the header row {NOT_UTF8}"))
                }
                _ => problems.add_file(0, format!("cannot read the file: {e}")),
            }
            return Ok(0);
        }
    };
    let header_line = header.position().map_or(1, |p| window.borrow().line_of_record(p.byte()));
    let Some(columns) = Columns::new(&header, spec, header_line, problems) else {
        return Ok(0);
    };
    window.borrow_mut().advance(reader.position().byte());
    let mut record = StringRecord::new();
    let mut rows: u64 = 0;
    loop {
        let read = reader.read_record(&mut record);
        let began = match &read {
            Ok(_) => record.position(),
            Err(e) => e.position(),
        };
        let line = match began {
            Some(p) => window.borrow().line_of_record(p.byte()),
            None => window.borrow().line_at_head(),
        };
        // A quote left open swallows the rest of the file into one record: name where it opened.
        let swallowed = window.borrow().at_end
            || matches!(&read, Err(e) if too_long(e) || matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }));
        let open_quote = if swallowed { window.borrow().open_quote(reader.position().byte()) } else { None };
        window.borrow_mut().advance(reader.position().byte());
        if let Some((at, field)) = open_quote {
            let column = columns.name(field);
            problems.add(
                at,
                column,
                format!("a quote opens here and is never closed, so the rest of the file after line {at} was read as this one value: close it, or double a quote inside a value (\"\")"),
            );
            break;
        }
        match read {
            Ok(false) => break,
            Ok(true) => match record.iter().position(|f| f.len() > MAX_FIELD_BYTES) {
                Some(i) => problems.add(
                    line,
                    columns.name(i),
                    format!(
                        "is {} bytes long; a field holds at most {MAX_FIELD_BYTES}",
                        record.get(i).map_or(0, str::len)
                    ),
                ),
                None => each(&Row::new(&record, &columns), line, problems)?,
            },
            Err(e) if too_long(&e) => {
                problems.add(line, "row", record_too_long_message());
                break;
            }
            Err(e) => {
                if !note_csv_error(&e, line, &columns, problems) {
                    break;
                }
            }
        }
        rows += 1;
        if rows.is_multiple_of(PROGRESS_EVERY) {
            progress(rows);
        }
    }
    progress(rows);
    Ok(rows)
}

/// `read_rows` on a second thread, which also parses each row with `parse` (pure work: the CSV,
/// the values, the checks within the row); `each` gets the parsed rows here, in file order, with
/// the store. A million-row import spent a third of its reading time parsing on the thread that
/// writes; the other core was idle.
pub(super) fn read_parsed<P: Send>(
    input: impl Read + Send,
    spec: &'static [Column],
    problems: &mut Problems,
    progress: &mut dyn FnMut(u64),
    parse: impl Fn(&Row<'_>) -> P + Sync,
    mut each: impl FnMut(P, u64, &mut Problems) -> Result<()>,
) -> Result<u64> {
    const BATCH: usize = 512;
    let file = problems.path().to_string();
    std::thread::scope(|scope| {
        let (to_writer, parsed) = std::sync::mpsc::sync_channel::<Vec<(u64, P)>>(8);
        let parse = &parse;
        let reader = scope.spawn(move || -> Result<(u64, Problems)> {
            let mut found = Problems::new(&file);
            let mut batch = Vec::with_capacity(BATCH);
            let stopped = || AppError::Input("the import stopped".into());
            let rows = read_rows(input, spec, &mut found, &mut |_| {}, |row, line, _| {
                batch.push((line, parse(row)));
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    to_writer.send(full).map_err(|_| stopped())?;
                }
                Ok(())
            })?;
            to_writer.send(batch).map_err(|_| stopped())?;
            Ok((rows, found))
        });
        let mut seen = 0u64;
        for batch in parsed {
            for (line, row) in batch {
                // On an error here the channel closes as this returns, and the reader stops.
                each(row, line, problems)?;
                seen += 1;
                if seen.is_multiple_of(PROGRESS_EVERY) {
                    progress(seen);
                }
            }
        }
        let (rows, found) =
            reader.join().map_err(|_| AppError::Input("reading the file failed".into()))??;
        problems.merge(found);
        progress(rows);
        Ok(rows)
    })
}

/// Notes a record `csv` could not read; `false` when reading cannot go on.
fn note_csv_error(e: &csv::Error, line: u64, columns: &Columns, problems: &mut Problems) -> bool {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            let hint =
                if len > expected_len { ": put values that contain commas in double quotes" } else { "" };
            problems.add(line, "row", format!("has {len} fields, but the header has {expected_len}{hint}"));
            true
        }
        csv::ErrorKind::Utf8 { err, .. } => {
            problems.add(line, columns.name(err.field()), NOT_UTF8);
            true
        }
        _ => {
            problems.add_file(line, format!("cannot read past line {line}: {e}"));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::import::columns::{optional, required};

    const SPEC: &[Column] = &[required("id"), optional("name")];

    /// Each record as (line, id, name), and the file's problems.
    fn read(bytes: &[u8]) -> (Vec<(u64, String, String)>, Vec<String>) {
        let mut problems = Problems::new("f.csv");
        let mut rows = Vec::new();
        read_rows(bytes, SPEC, &mut problems, &mut |_| {}, |row, line, _| {
            let field = |name| row.get(name).unwrap_or_default().to_string();
            rows.push((line, field("id"), field("name")));
            Ok(())
        })
        .expect("read");
        (rows, file_lines(problems))
    }

    fn file_lines(problems: Problems) -> Vec<String> {
        match problems.into_result() {
            Ok(()) => Vec::new(),
            Err(AppError::File(lines)) => lines,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn lines_are_physical_lines_with_blank_lines_quoted_breaks_and_crlf() {
        let text = ["id,name", "1,a", "", "2,\"b", "c\"", "", "", "3,\"d\r\n\"", "4,e"];
        for end in ["\n", "\r\n"] {
            let (rows, problems) = read((text.join(end) + end).as_bytes());
            assert_eq!(problems, Vec::<String>::new());
            let lines: Vec<(u64, &str)> = rows.iter().map(|(line, id, _)| (*line, id.as_str())).collect();
            assert_eq!(lines, [(2, "1"), (4, "2"), (8, "3"), (10, "4")], "line ends {end:?}");
        }
    }

    #[test]
    fn unreadable_records_are_noted_and_reading_goes_on() {
        let mut bytes = b"id,name\n1,\xd5\xc5\xc8\xfd\n2,a,b\n3\n4,d\n".to_vec();
        let (rows, problems) = read(&bytes);
        assert_eq!(rows, [(5, "4".to_string(), "d".to_string())]);
        assert_eq!(
            problems,
            [
                format!("f.csv:2: name: {NOT_UTF8}"),
                "f.csv:3: row: has 3 fields, but the header has 2: put values that contain commas in double quotes"
                    .to_string(),
                "f.csv:4: row: has 1 fields, but the header has 2".to_string(),
            ]
        );
        bytes.splice(0..0, b"\xff".iter().copied());
        let (rows, problems) = read(&bytes);
        assert!(rows.is_empty());
        assert_eq!(problems, [format!("f.csv:1: column: the header row {NOT_UTF8}")]);
    }

    #[test]
    fn an_empty_input_has_no_header_row() {
        let (rows, problems) = read(b"");
        assert!(rows.is_empty());
        assert_eq!(problems, ["f.csv:1: column: no header row: the first line must name the columns: id"]);
    }

    #[test]
    fn progress_is_reported_every_ten_thousand_rows_and_at_the_end() {
        let mut text = String::from("id\n");
        for i in 0..25_000 {
            text.push_str(&format!("{i}\n"));
        }
        let mut problems = Problems::new("big.csv");
        let mut calls = Vec::new();
        let mut last = (0, 0);
        let rows = read_rows(text.as_bytes(), SPEC, &mut problems, &mut |n| calls.push(n), |row, line, _| {
            last = (row.get("id").and_then(|v| v.parse().ok()).unwrap_or(0), line);
            Ok(())
        })
        .expect("read");
        assert_eq!(rows, 25_000);
        assert_eq!(calls, [10_000, 20_000, 25_000]);
        assert_eq!(last, (24_999, 25_001));
        assert!(problems.is_empty());
    }

    #[test]
    fn parsed_rows_arrive_in_file_order_with_the_reader_s_problems() {
        let mut text = String::from("id,name\n");
        for i in 0..12_000 {
            text.push_str(if i == 700 { "x,y,z\n" } else { "1,n\n" });
        }
        let mut problems = Problems::new("f.csv");
        let (mut lines, mut calls) = (Vec::new(), Vec::new());
        let rows = read_parsed(
            text.as_bytes(),
            SPEC,
            &mut problems,
            &mut |n| calls.push(n),
            |row| row.get("name").map(str::len),
            |name, line, _| {
                assert_eq!(name, Some(1));
                lines.push(line);
                Ok(())
            },
        )
        .expect("read");
        assert_eq!(rows, 12_000);
        assert_eq!(lines.len(), 11_999);
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "in file order");
        assert_eq!((lines[699], lines[700]), (701, 703));
        assert_eq!(calls, [10_000, 12_000]);
        assert_eq!(
            file_lines(problems),
            [
                "f.csv:702: row: has 3 fields, but the header has 2: put values that contain commas in double quotes"
            ]
        );
    }

    #[test]
    fn an_error_on_the_writing_side_stops_the_reader() {
        let mut text = String::from("id\n");
        for i in 0..50_000 {
            text.push_str(&format!("{i}\n"));
        }
        let mut seen = 0;
        let err = read_parsed(
            text.as_bytes(),
            SPEC,
            &mut Problems::new("f.csv"),
            &mut |_| {},
            |_| (),
            |(), line, _| {
                seen += 1;
                if line == 4 { Err(AppError::Input("stop".into())) } else { Ok(()) }
            },
        )
        .expect_err("stopped");
        assert!(matches!(&err, AppError::Input(m) if m == "stop"), "{err}");
        assert_eq!(seen, 3);
    }

    #[test]
    fn an_endless_record_stops_at_the_limit_with_its_line() {
        let mut problems = Problems::new("zero");
        let rows =
            read_rows(io::repeat(0), SPEC, &mut problems, &mut |_| {}, |_, _, _| Ok(())).expect("read");
        assert_eq!(rows, 0);
        let lines = file_lines(problems);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with("zero:1: row: the header row runs past 1048576 bytes"), "{lines:?}");

        let endless = b"id,name\n1,a\n2,".chain(io::repeat(b'x'));
        let mut problems = Problems::new("f.csv");
        let rows = read_rows(endless, SPEC, &mut problems, &mut |_| {}, |_, _, _| Ok(())).expect("read");
        assert_eq!(rows, 1);
        let lines = file_lines(problems);
        assert!(lines[0].starts_with("f.csv:3: row: runs past 1048576 bytes"), "{lines:?}");
    }

    #[test]
    fn a_field_over_the_limit_is_named_with_its_line() {
        let text = format!("id,name\n1,{}\n2,b\n", "x".repeat(MAX_FIELD_BYTES + 1));
        let (rows, problems) = read(text.as_bytes());
        assert_eq!(rows, [(3, "2".to_string(), "b".to_string())]);
        assert_eq!(
            problems,
            [format!("f.csv:2: name: is {} bytes long; a field holds at most 16384", MAX_FIELD_BYTES + 1)]
        );
    }

    #[test]
    fn an_unclosed_quote_is_named_where_it_opened() {
        let (rows, problems) = read(b"id,name\n1,a\n2,\"b\n3,c\n4,d\n");
        assert_eq!(rows, [(2, "1".to_string(), "a".to_string())]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("f.csv:3: name: a quote opens here and is never closed"),
            "{problems:?}"
        );
        // A quote that closes, with a doubled one inside, is not taken for one.
        let (rows, problems) = read(b"id,name\n1,\"a \"\"b\"\"\n c\"\n2,d\n");
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(rows.len(), 2);
    }
}
