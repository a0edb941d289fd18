//! Importing loans and payments from CSV (CONTRACT.md "loans CSV" and "payments CSV"), all or nothing.
//!
//! A file is read as a stream, one record at a time, and every row is checked. Good rows go into the
//! store inside one transaction; once any row is bad, inserting stops, checking goes on, and the
//! transaction is rolled back, so a failed import leaves the store exactly as it was. Each problem is
//! reported as `PATH:LINE: FIELD: message`, the first [`MAX_SHOWN`] of them, then a count of the rest.

use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Display;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use chrono::NaiveDate;
use csv::{ReaderBuilder, StringRecord};
use rusqlite::Connection;
use serde_json::json;

use super::{AppError, Desk, Result};
use crate::domain::terms::MAX_TERM_MONTHS;
use crate::domain::{AssessRules, LoanTerms, Money, Product, Rate, Role, parse_date};
use crate::store::{self, CustomerId, LoanId, NewLoan, StateTable, UserId};

/// How many problems are listed one by one; the rest are counted.
pub const MAX_SHOWN: usize = 100;

/// `progress` is called after every this many rows, and once at the end.
pub const PROGRESS_EVERY: u64 = 10_000;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows imported.
    pub rows: u64,
    /// Assignees that were not desk users, created as collectors, in order of first use.
    pub created_users: Vec<String>,
    /// The business date the imported loans' delinquency was computed for; `None` when nothing was
    /// refreshed (no rows, or payments into a store that has no snapshot yet).
    pub refreshed_as_of: Option<NaiveDate>,
}

/// Imports a loans CSV (supervisor). Assignees that are not desk users yet are created as collectors.
pub fn import_loans(desk: &mut Desk, path: &Path, progress: &mut dyn FnMut(u64)) -> Result<ImportReport> {
    desk.actor.require(Role::Supervisor, "importing loans")?;
    let at = desk.stamp();
    let shown = path.display().to_string();
    let (as_of, rules, actor) = (desk.as_of, &desk.rules, desk.actor.login.as_str());
    desk.store.write_load(|tx| {
        let mut problems = Problems::new(&shown);
        // Into an empty book, the name, phone and owner indexes are built once at the end.
        let fresh = store::loan_count(tx)? == 0 && store::customer_count(tx)? == 0;
        let deferred = if fresh {
            let mut d = store::drop_indexes(tx, "loans")?;
            d.extend(store::drop_indexes(tx, "customers")?);
            d
        } else {
            Vec::new()
        };
        let mut import = LoanImport::new(tx, &at, fresh);
        let rows = read_parsed(
            path,
            LOAN_COLUMNS,
            &mut problems,
            progress,
            parse_loan_row,
            |row, line, problems| import.row(row, line, problems),
        )?;
        problems.into_result()?;
        store::make_indexes(tx, &deferred)?;
        let refreshed_as_of = refresh_new_loans(tx, &import.inserted, as_of, rules)?;
        let detail = json!({ "file": shown, "rows": rows, "created_users": import.created_users });
        store::insert_audit(tx, &at, actor, "import_loans", "file", Some(&shown), &detail.to_string())?;
        Ok(ImportReport { rows, created_users: import.created_users, refreshed_as_of })
    })
}

/// Imports a payments CSV (supervisor) and refreshes the snapshot of the loans it pays.
pub fn import_payments(desk: &mut Desk, path: &Path, progress: &mut dyn FnMut(u64)) -> Result<ImportReport> {
    desk.actor.require(Role::Supervisor, "importing payments")?;
    let at = desk.stamp();
    let shown = path.display().to_string();
    let (rules, actor) = (&desk.rules, desk.actor.login.as_str());
    desk.store.write(|tx| {
        let mut problems = Problems::new(&shown);
        let mut import = PaymentImport::new(tx, &at);
        let rows = read_parsed(
            path,
            PAYMENT_COLUMNS,
            &mut problems,
            progress,
            parse_payment_row,
            |row, line, problems| import.row(row, line, problems),
        )?;
        problems.into_result()?;
        let affected: Vec<LoanId> = import.affected.into_iter().collect();
        store::refresh_loans(tx, &affected, rules)?;
        let refreshed_as_of = if affected.is_empty() { None } else { store::snapshot_as_of(tx)? };
        let detail = json!({ "file": shown, "rows": rows, "loans": affected.len() });
        store::insert_audit(tx, &at, actor, "import_payments", "file", Some(&shown), &detail.to_string())?;
        Ok(ImportReport { rows, created_users: Vec::new(), refreshed_as_of })
    })
}

/// Computes the new loans into the shared snapshot: at the snapshot's date when there is one, else
/// the whole book at the desk's date (the first import makes the first snapshot).
fn refresh_new_loans(
    tx: &Connection,
    ids: &[LoanId],
    as_of: NaiveDate,
    rules: &AssessRules,
) -> Result<Option<NaiveDate>> {
    if ids.is_empty() {
        return Ok(None);
    }
    match store::snapshot_as_of(tx)? {
        Some(day) => {
            store::refresh_loans(tx, ids, rules)?;
            Ok(Some(day))
        }
        None => {
            store::refresh_all(tx, StateTable::Shared, as_of, rules, &mut |_| {})?;
            Ok(Some(as_of))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Columns

/// A column a file may have.
struct Column {
    name: &'static str,
    required: bool,
}

const fn required(name: &'static str) -> Column {
    Column { name, required: true }
}

const fn optional(name: &'static str) -> Column {
    Column { name, required: false }
}

const LOAN_COLUMNS: &[Column] = &[
    required("loan_id"),
    required("borrower"),
    optional("customer_id"),
    optional("phone"),
    required("product"),
    required("principal"),
    required("annual_rate"),
    required("term_months"),
    required("disbursed_on"),
    optional("guarantor"),
    optional("guarantor_phone"),
    optional("collateral"),
    optional("branch"),
    optional("assignee"),
];

const PAYMENT_COLUMNS: &[Column] =
    &[required("loan_id"), required("paid_on"), required("amount"), optional("reference")];

/// Where each known column sits in a file, from its header row.
struct Columns {
    spec: &'static [Column],
    /// For each column of `spec`, its index in the file.
    index: Vec<Option<usize>>,
    /// For each column of the file, its name.
    names: Vec<&'static str>,
}

impl Columns {
    /// Matches the header against `spec`: names are trimmed and compared ignoring ASCII case.
    /// An unknown, unnamed or repeated column, or a missing required one, is a problem: a typo such
    /// as `principle` must not silently drop a column of data. `None` when there was any problem.
    fn new(
        header: &StringRecord,
        spec: &'static [Column],
        line: u64,
        problems: &mut Problems,
    ) -> Option<Self> {
        if header.iter().all(|h| h.trim().is_empty()) {
            let names: Vec<&str> = spec.iter().filter(|c| c.required).map(|c| c.name).collect();
            problems.add(
                line,
                "column",
                format!("no header row: the first line must name the columns: {}", names.join(",")),
            );
            return None;
        }
        let before = problems.total;
        let mut index = vec![None; spec.len()];
        let mut names = Vec::with_capacity(header.len());
        for (i, raw) in header.iter().enumerate() {
            let name = raw.trim();
            match spec.iter().position(|c| c.name.eq_ignore_ascii_case(name)) {
                Some(k) if index[k].is_some() => {
                    problems.add(line, "column", format!("column '{}' appears twice", spec[k].name));
                }
                Some(k) => {
                    index[k] = Some(i);
                    names.push(spec[k].name);
                }
                None if name.is_empty() => problems.add(
                    line,
                    "column",
                    format!("column {} has no name: name it or remove it", i + 1),
                ),
                None => {
                    let known: Vec<&str> = spec.iter().map(|c| c.name).collect();
                    problems.add(
                        line,
                        "column",
                        format!("unknown column '{name}': the columns are {}", known.join(", ")),
                    );
                }
            }
        }
        for (column, at) in spec.iter().zip(&index) {
            if column.required && at.is_none() {
                problems.add(line, "column", format!("missing required column '{}'", column.name));
            }
        }
        (problems.total == before).then_some(Columns { spec, index, names })
    }

    /// The name of the file's column `i`, for messages.
    fn name(&self, i: usize) -> &'static str {
        self.names.get(i).copied().unwrap_or("row")
    }
}

/// One record of a file, read through its header.
struct Row<'r> {
    record: &'r StringRecord,
    columns: &'r Columns,
}

impl<'r> Row<'r> {
    /// The value of a column, trimmed; `None` when the file has no such column or the value is empty.
    fn get(&self, name: &str) -> Option<&'r str> {
        let k = self.columns.spec.iter().position(|c| c.name == name)?;
        let i = self.columns.index.get(k).copied().flatten()?;
        self.record.get(i).map(str::trim).filter(|v| !v.is_empty())
    }

    fn required(&self, name: &str) -> Result<&'r str, String> {
        self.get(name).ok_or_else(|| "is empty, but every row needs one".to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// Problems

/// A problem with one field of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldError {
    field: &'static str,
    message: String,
}

/// The problems of one row.
#[derive(Debug, Default)]
struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    fn push(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError { field, message: message.into() });
    }

    /// The value, or `None` after noting why not.
    fn take<T>(&mut self, field: &'static str, value: Result<T, String>) -> Option<T> {
        value.map_err(|message| self.push(field, message)).ok()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Every problem of one file: the first [`MAX_SHOWN`] as `PATH:LINE: FIELD: message`, and a count.
/// Each is kept with its line, so the problems the reading thread finds (the file's) and those
/// found here (the rows') come out in the file's order.
struct Problems {
    path: String,
    shown: Vec<(u64, String)>,
    total: u64,
}

impl Problems {
    fn new(path: &str) -> Self {
        Problems { path: path.to_string(), shown: Vec::new(), total: 0 }
    }

    fn add(&mut self, line: u64, field: &str, message: impl Display) {
        self.push(line, |path| format!("{path}:{line}: {field}: {message}"));
    }

    fn add_row(&mut self, line: u64, errors: FieldErrors) {
        for e in errors.0 {
            self.add(line, e.field, e.message);
        }
    }

    /// A problem with the file as a whole, found at `line` (0: before the first).
    fn add_file(&mut self, line: u64, message: impl Display) {
        self.push(line, |path| format!("{path}: {message}"));
    }

    fn push(&mut self, line: u64, text: impl FnOnce(&str) -> String) {
        self.total += 1;
        if self.shown.len() < MAX_SHOWN {
            self.shown.push((line, text(&self.path)));
        }
    }

    /// Takes in the problems another reader of the same file found. Each side keeps its first
    /// [`MAX_SHOWN`] in line order, so the first of both together are among them.
    fn merge(&mut self, other: Problems) {
        self.total += other.total;
        self.shown.extend(other.shown);
        self.shown.sort_by_key(|(line, _)| *line);
        self.shown.truncate(MAX_SHOWN);
    }

    fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// `AppError::File` with every line when there was any problem.
    fn into_result(self) -> Result<()> {
        if self.total == 0 {
            return Ok(());
        }
        let mut shown = self.shown;
        shown.sort_by_key(|(line, _)| *line);
        let mut lines: Vec<String> = shown.into_iter().map(|(_, text)| text).collect();
        let hidden = self.total - lines.len() as u64;
        if hidden > 0 {
            let s = if hidden == 1 { "" } else { "s" };
            lines.push(format!("{}: … and {hidden} more error{s} ({} in all)", self.path, self.total));
        }
        Err(AppError::File(lines))
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

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
}

fn line_feeds(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl Window {
    fn new() -> Self {
        Window { start: 0, bytes: Vec::new(), head: 0, line: 1 }
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
        let n = self.inner.read(buf)?;
        self.window.borrow_mut().take_in(&buf[..n]);
        Ok(n)
    }
}

const NOT_UTF8: &str = "is not valid UTF-8: save the file as UTF-8 (\"CSV UTF-8\" in Excel), not GBK";

/// Opens `path`, skipping a UTF-8 byte-order mark.
fn open(path: &Path) -> Result<BufReader<File>> {
    let cannot = |e: io::Error| AppError::Input(format!("{}: cannot read the file: {e}", path.display()));
    let mut input = BufReader::new(File::open(path).map_err(cannot)?);
    if input.fill_buf().map_err(cannot)?.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    Ok(input)
}

/// Streams the rows of `path`: checks the header against `spec`, then calls `each` with every record
/// and the physical line where it starts. Problems with the file itself (header, encoding, number of
/// fields) go to `problems`; `each` notes the row's own and returns `Err` only to stop everything.
/// Returns the number of data rows read.
fn read_rows(
    path: &Path,
    spec: &'static [Column],
    problems: &mut Problems,
    progress: &mut dyn FnMut(u64),
    mut each: impl FnMut(&Row<'_>, u64, &mut Problems) -> Result<()>,
) -> Result<u64> {
    let window = Rc::new(RefCell::new(Window::new()));
    let input = Tee { inner: open(path)?, window: Rc::clone(&window) };
    let mut reader = ReaderBuilder::new().has_headers(true).flexible(false).from_reader(input);
    let header = match reader.headers() {
        Ok(header) => header.clone(),
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
        let line = began.map_or(0, |p| window.borrow().line_of_record(p.byte()));
        window.borrow_mut().advance(reader.position().byte());
        match read {
            Ok(false) => break,
            Ok(true) => each(&Row { record: &record, columns: &columns }, line, problems)?,
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
fn read_parsed<P: Send>(
    path: &Path,
    spec: &'static [Column],
    problems: &mut Problems,
    progress: &mut dyn FnMut(u64),
    parse: impl Fn(&Row<'_>) -> P + Sync,
    mut each: impl FnMut(P, u64, &mut Problems) -> Result<()>,
) -> Result<u64> {
    const BATCH: usize = 512;
    let file = problems.path.clone();
    std::thread::scope(|scope| {
        let (to_writer, parsed) = std::sync::mpsc::sync_channel::<Vec<(u64, P)>>(8);
        let parse = &parse;
        let reader = scope.spawn(move || -> Result<(u64, Problems)> {
            let mut found = Problems::new(&file);
            let mut batch = Vec::with_capacity(BATCH);
            let stopped = || AppError::Input("the import stopped".into());
            let rows = read_rows(path, spec, &mut found, &mut |_| {}, |row, line, _| {
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

// ---------------------------------------------------------------------------------------------
// Values

/// A loan or customer id: 1–64 characters, no control characters.
fn id_text(text: &str) -> Result<String, String> {
    let n = text.chars().count();
    if n > 64 {
        return Err(format!("is {n} characters long; ids have at most 64"));
    }
    if text.chars().any(char::is_control) {
        return Err(format!("'{}' contains a line break or control character", text.escape_debug()));
    }
    Ok(text.to_string())
}

/// Free text; a line break inside a quoted value is kept, as `\n`.
fn free_text(text: &str) -> String {
    if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_string() }
}

fn phone(text: &str) -> Result<String, String> {
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-');
    if text.chars().all(allowed) && text.chars().any(|c| c.is_ascii_digit()) {
        Ok(text.to_string())
    } else {
        Err(format!("'{text}' is not a phone number: use digits, '+', spaces and '-'"))
    }
}

/// An amount: 0–2 decimals, no sign, no thousands separator, more than zero.
fn amount(text: &str) -> Result<Money, String> {
    if text.starts_with(['-', '+']) {
        return Err(format!("'{text}' has a sign: write amounts without '+' or '-'"));
    }
    let money = Money::parse(text).map_err(|e| e.to_string())?;
    if money.is_positive() { Ok(money) } else { Err(format!("'{text}' is not more than 0.00")) }
}

fn rate(text: &str) -> Result<Rate, String> {
    Rate::parse(text).map_err(|e| e.to_string())
}

fn term_months(text: &str) -> Result<u32, String> {
    let months: u32 = text
        .parse()
        .ok()
        .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| format!("'{text}' is not a whole number of months"))?;
    if (1..=MAX_TERM_MONTHS).contains(&months) {
        Ok(months)
    } else {
        Err(format!("'{text}' is out of range: 1–{} months", MAX_TERM_MONTHS))
    }
}

/// A desk login: no spaces or control characters, at most 64 characters.
fn login(text: &str) -> Result<String, String> {
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) || text.chars().count() > 64 {
        return Err(format!("'{}' is not a desk login: a login has no spaces", text.escape_debug()));
    }
    Ok(text.to_string())
}

// ---------------------------------------------------------------------------------------------
// Loans

/// A loans row, checked on its own; the owner is still a login.
#[derive(Debug)]
struct LoanRow {
    loan: NewLoan,
    assignee: Option<String>,
}

impl LoanRow {
    fn customer_ref(&self) -> &str {
        self.loan.customer_ref()
    }
}

/// A row as the reading thread leaves it: its loan id as written (checked against the store and
/// the other rows even when the row has other problems), and its values or its problems.
struct Parsed<T> {
    loan_ref: Option<String>,
    row: Result<T, FieldErrors>,
}

fn parse_loan_row(row: &Row<'_>) -> Parsed<LoanRow> {
    Parsed { loan_ref: row.get("loan_id").map(str::to_string), row: parse_loan(row) }
}

fn parse_payment_row(row: &Row<'_>) -> Parsed<PaymentRow> {
    Parsed { loan_ref: row.get("loan_id").map(str::to_string), row: parse_payment(row) }
}

fn parse_loan(row: &Row<'_>) -> Result<LoanRow, FieldErrors> {
    let mut e = FieldErrors::default();
    let loan_ref = e.take("loan_id", row.required("loan_id").and_then(id_text));
    let borrower = e.take("borrower", row.required("borrower").map(free_text));
    let customer_ref = e.take("customer_id", row.get("customer_id").map(id_text).transpose());
    let phone_no = e.take("phone", row.get("phone").map(phone).transpose());
    let product = e.take("product", row.required("product").and_then(str::parse::<Product>));
    let principal = e.take("principal", row.required("principal").and_then(amount));
    let rate = e.take("annual_rate", row.required("annual_rate").and_then(rate));
    let term = e.take("term_months", row.required("term_months").and_then(term_months));
    let disbursed_on = e.take("disbursed_on", row.required("disbursed_on").and_then(parse_date));
    let guarantor_phone = e.take("guarantor_phone", row.get("guarantor_phone").map(phone).transpose());
    let assignee = e.take("assignee", row.get("assignee").map(login).transpose());
    let (
        Some(loan_ref),
        Some(borrower),
        Some(customer_ref),
        Some(phone),
        Some(product),
        Some(principal),
        Some(rate),
        Some(term_months),
        Some(disbursed_on),
        Some(guarantor_phone),
        Some(assignee),
    ) = (
        loan_ref,
        borrower,
        customer_ref,
        phone_no,
        product,
        principal,
        rate,
        term,
        disbursed_on,
        guarantor_phone,
        assignee,
    )
    else {
        return Err(e);
    };
    let loan = NewLoan {
        loan_ref,
        customer_ref,
        borrower,
        phone,
        terms: LoanTerms { product, principal, rate, term_months, disbursed_on },
        guarantor: row.get("guarantor").map(free_text),
        guarantor_phone,
        collateral: row.get("collateral").map(free_text),
        branch: row.get("branch").map(free_text),
        assignee: None,
    };
    Ok(LoanRow { loan, assignee })
}

/// Where a customer's owner was settled.
#[derive(Debug, Clone, Copy)]
enum Settled {
    /// By its first row in this file.
    Line(u64),
    /// Before this import.
    Store,
}

#[derive(Debug)]
struct Owner {
    login: Option<String>,
    settled: Settled,
    /// The customer in the store: found there, or inserted with an earlier row.
    id: Option<CustomerId>,
}

/// The state of a loans import: what earlier rows of the file settled, and what was inserted.
struct LoanImport<'t> {
    tx: &'t Connection,
    at: &'t str,
    /// The store held no loans and no customers when the import began: nothing in the file can
    /// be there already, and a million rows are not looked up in it twice each.
    fresh: bool,
    /// Every loan id of the file so far, with its line.
    loan_lines: HashMap<String, u64>,
    /// The owner of every customer seen so far.
    owners: HashMap<String, Owner>,
    /// Desk users known to be usable as owners.
    users: HashMap<String, UserId>,
    created_users: Vec<String>,
    inserted: Vec<LoanId>,
}

impl<'t> LoanImport<'t> {
    fn new(tx: &'t Connection, at: &'t str, fresh: bool) -> Self {
        LoanImport {
            tx,
            at,
            fresh,
            loan_lines: HashMap::new(),
            owners: HashMap::new(),
            users: HashMap::new(),
            created_users: Vec::new(),
            inserted: Vec::new(),
        }
    }

    /// Checks one row against the store and the earlier rows; inserts it while the file is clean.
    fn row(&mut self, row: Parsed<LoanRow>, line: u64, problems: &mut Problems) -> Result<()> {
        let Parsed { loan_ref, row: parsed } = row;
        let (parsed, mut errors) = match parsed {
            Ok(parsed) => (Some(parsed), FieldErrors::default()),
            Err(errors) => (None, errors),
        };
        if let Some(loan_ref) = &loan_ref {
            self.check_new_loan(loan_ref, line, &mut errors)?;
        }
        if let Some(parsed) = &parsed {
            self.check_owner(parsed, line, &mut errors)?;
        }
        match parsed {
            Some(parsed) if errors.is_empty() && problems.is_empty() => self.insert(parsed),
            _ => {
                problems.add_row(line, errors);
                Ok(())
            }
        }
    }

    fn check_new_loan(&mut self, loan_ref: &str, line: u64, errors: &mut FieldErrors) -> Result<()> {
        match self.loan_lines.entry(loan_ref.to_string()) {
            Entry::Occupied(first) => {
                errors.push(
                    "loan_id",
                    format!("'{loan_ref}' is repeated: it is first on line {}", first.get()),
                );
            }
            Entry::Vacant(slot) => {
                slot.insert(line);
                // Earlier rows of this file are in the map, so a loan found in the store was there before.
                if !self.fresh && store::loan_id_by_ref(self.tx, loan_ref)?.is_some() {
                    errors.push("loan_id", format!("loan '{loan_ref}' is already on the desk"));
                }
            }
        }
        Ok(())
    }

    /// One owner per customer (一户一人): a row may leave the assignee empty, or name the customer's owner.
    fn check_owner(&mut self, parsed: &LoanRow, line: u64, errors: &mut FieldErrors) -> Result<()> {
        if let Some(login) = &parsed.assignee {
            self.check_assignee(login, errors)?;
        }
        let customer = parsed.customer_ref();
        if !self.owners.contains_key(customer) {
            let known = if self.fresh { None } else { store::customer_by_ref(self.tx, customer)? };
            let owner = match known {
                Some((id, user)) => {
                    Owner { login: self.login_of(user)?, settled: Settled::Store, id: Some(id) }
                }
                None => Owner { login: parsed.assignee.clone(), settled: Settled::Line(line), id: None },
            };
            self.owners.insert(customer.to_string(), owner);
        }
        if let (Some(given), Some(owner)) = (&parsed.assignee, self.owners.get(customer))
            && owner.login.as_ref() != Some(given)
        {
            errors.push("assignee", owner_conflict(customer, given, owner));
        }
        Ok(())
    }

    fn check_assignee(&mut self, login: &str, errors: &mut FieldErrors) -> Result<()> {
        if self.users.contains_key(login) {
            return Ok(());
        }
        match store::user_by_login(self.tx, login)? {
            Some(user) if !user.active => errors.push(
                "assignee",
                format!("desk user '{login}' is disabled: enable it, or assign the loan to someone else"),
            ),
            Some(user) => {
                self.users.insert(login.to_string(), user.id);
            }
            None => {} // created as a collector when the row goes in
        }
        Ok(())
    }

    fn login_of(&self, user: Option<UserId>) -> Result<Option<String>> {
        let Some(id) = user else { return Ok(None) };
        Ok(store::user_by_id(self.tx, id)?.map(|u| u.login))
    }

    fn insert(&mut self, parsed: LoanRow) -> Result<()> {
        let assignee = parsed.assignee.as_deref().map(|login| self.user_id(login)).transpose()?;
        let loan = NewLoan { assignee, ..parsed.loan };
        // `check_owner` settled the row's customer: found in the store, or first seen in the file.
        let owner = self.owners.get_mut(loan.customer_ref());
        let customer = match owner.as_ref().and_then(|o| o.id) {
            Some(id) => id,
            None => {
                let id = store::insert_customer(self.tx, &loan, self.at)?;
                if let Some(o) = owner {
                    o.id = Some(id);
                }
                id
            }
        };
        self.inserted.push(store::insert_loan_of(self.tx, customer, &loan, self.at)?);
        Ok(())
    }

    /// The desk user with this login, created as a collector if there is none.
    fn user_id(&mut self, login: &str) -> Result<UserId> {
        if let Some(id) = self.users.get(login) {
            return Ok(*id);
        }
        let id = match store::user_by_login(self.tx, login)? {
            Some(user) => user.id,
            None => {
                self.created_users.push(login.to_string());
                store::insert_user(self.tx, login, None, Role::Collector, self.at)?
            }
        };
        self.users.insert(login.to_string(), id);
        Ok(id)
    }
}

fn owner_conflict(customer: &str, given: &str, owner: &Owner) -> String {
    let rule = "one customer has one owner";
    match (&owner.login, owner.settled) {
        (Some(o), Settled::Line(n)) => format!(
            "customer '{customer}' belongs to '{o}' (line {n}), not '{given}': {rule}; give its loans the same assignee or leave it empty"
        ),
        (Some(o), Settled::Store) => format!(
            "customer '{customer}' belongs to '{o}' on the desk, not '{given}': {rule}; leave assignee empty, or move the customer with `duedesk assign`"
        ),
        (None, Settled::Line(n)) => format!(
            "customer '{customer}' first appears on line {n} with no assignee, so it cannot go to '{given}' here: {rule}; put '{given}' on line {n} too"
        ),
        (None, Settled::Store) => format!(
            "customer '{customer}' is on the desk with no owner, so it cannot go to '{given}' here: {rule}; leave assignee empty and use `duedesk assign`"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Payments

#[derive(Debug)]
struct PaymentRow {
    loan_ref: String,
    paid_on: NaiveDate,
    amount: Money,
    reference: Option<String>,
}

fn parse_payment(row: &Row<'_>) -> Result<PaymentRow, FieldErrors> {
    let mut e = FieldErrors::default();
    let loan_ref = e.take("loan_id", row.required("loan_id"));
    let paid_on = e.take("paid_on", row.required("paid_on").and_then(parse_date));
    let amount = e.take("amount", row.required("amount").and_then(amount));
    let (Some(loan_ref), Some(paid_on), Some(amount)) = (loan_ref, paid_on, amount) else {
        return Err(e);
    };
    Ok(PaymentRow {
        loan_ref: loan_ref.to_string(),
        paid_on,
        amount,
        reference: row.get("reference").map(free_text),
    })
}

/// The state of a payments import.
struct PaymentImport<'t> {
    tx: &'t Connection,
    at: &'t str,
    /// Every (loan, reference) of the file so far, with its line.
    references: HashMap<(LoanId, String), u64>,
    /// Loans that got a payment, to refresh.
    affected: BTreeSet<LoanId>,
}

impl<'t> PaymentImport<'t> {
    fn new(tx: &'t Connection, at: &'t str) -> Self {
        PaymentImport { tx, at, references: HashMap::new(), affected: BTreeSet::new() }
    }

    fn row(&mut self, row: Parsed<PaymentRow>, line: u64, problems: &mut Problems) -> Result<()> {
        let Parsed { loan_ref, row: parsed } = row;
        let (parsed, mut errors) = match parsed {
            Ok(parsed) => (Some(parsed), FieldErrors::default()),
            Err(errors) => (None, errors),
        };
        let loan = match &loan_ref {
            Some(loan_ref) => self.known_loan(loan_ref, &mut errors)?,
            None => None,
        };
        if let (Some(parsed), Some(loan)) = (&parsed, loan) {
            self.check_reference(loan, parsed, line, &mut errors)?;
        }
        match (parsed, loan) {
            (Some(parsed), Some(loan)) if errors.is_empty() && problems.is_empty() => {
                store::insert_payment(
                    self.tx,
                    loan,
                    parsed.paid_on,
                    parsed.amount,
                    parsed.reference.as_deref(),
                    self.at,
                )?;
                self.affected.insert(loan);
                Ok(())
            }
            _ => {
                problems.add_row(line, errors);
                Ok(())
            }
        }
    }

    fn known_loan(&self, loan_ref: &str, errors: &mut FieldErrors) -> Result<Option<LoanId>> {
        let loan = store::loan_id_by_ref(self.tx, loan_ref)?;
        if loan.is_none() {
            errors.push("loan_id", format!("unknown loan '{loan_ref}': import the loan first"));
        }
        Ok(loan)
    }

    /// A reference, when given, is unique per loan: in the store and in the file.
    fn check_reference(
        &mut self,
        loan: LoanId,
        parsed: &PaymentRow,
        line: u64,
        errors: &mut FieldErrors,
    ) -> Result<()> {
        let Some(reference) = &parsed.reference else { return Ok(()) };
        let loan_ref = &parsed.loan_ref;
        match self.references.entry((loan, reference.clone())) {
            Entry::Occupied(first) => errors.push(
                "reference",
                format!(
                    "'{reference}' is repeated for loan '{loan_ref}': it is first on line {}",
                    first.get()
                ),
            ),
            Entry::Vacant(slot) => {
                slot.insert(line);
                if store::payment_reference_exists(self.tx, loan, reference)? {
                    errors.push(
                        "reference",
                        format!("loan '{loan_ref}' already has a payment with reference '{reference}'"),
                    );
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use chrono::{DateTime, FixedOffset};
    use tempfile::TempDir;

    use super::*;
    use crate::domain::build_schedule;
    use crate::store::Store;

    const LOANS_HEADER: &str =
        "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,customer_id,assignee\n";

    fn day(s: &str) -> NaiveDate {
        parse_date(s).expect("test date")
    }

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now")
    }

    fn desk() -> Desk {
        Desk::open(Store::open_in_memory().expect("store"), "admin", day("2026-03-01"), now()).expect("desk")
    }

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
    }

    fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write fixture");
        path
    }

    fn loans(desk: &mut Desk, path: &Path) -> Result<ImportReport> {
        import_loans(desk, path, &mut |_| {})
    }

    fn payments(desk: &mut Desk, path: &Path) -> Result<ImportReport> {
        import_payments(desk, path, &mut |_| {})
    }

    fn file_errors(result: Result<ImportReport>) -> Vec<String> {
        match result {
            Err(AppError::File(lines)) => lines,
            other => panic!("expected file errors, got {other:?}"),
        }
    }

    fn loan_count(desk: &Desk) -> i64 {
        store::loan_count(desk.store.conn()).expect("loan count")
    }

    fn payment_count(desk: &Desk) -> i64 {
        store::payment_count(desk.store.conn()).expect("payment count")
    }

    fn loan(desk: &Desk, loan_ref: &str) -> store::Loan {
        store::loan_by_ref(desk.store.conn(), loan_ref).expect("query").expect("loan")
    }

    /// Checks each error line: `PATH:LINE: FIELD: ` then a message containing the given text.
    fn assert_errors(lines: &[String], path: &Path, expected: &[(u64, &str, &str)]) {
        let shown: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(lines.len(), expected.len(), "errors: {shown:#?}");
        for (got, (line, field, text)) in lines.iter().zip(expected) {
            let prefix = format!("{}:{line}: {field}: ", path.display());
            assert!(got.starts_with(&prefix), "{got:?} should start with {prefix:?}; all: {shown:#?}");
            assert!(got.contains(text), "{got:?} should mention {text:?}");
        }
    }

    #[test]
    fn a_good_file_with_bom_crlf_quotes_and_chinese_names_imports_every_row() {
        let mut desk = desk();
        let mut calls = Vec::new();
        let report =
            import_loans(&mut desk, &fixture("loans_good.csv"), &mut |n| calls.push(n)).expect("import");
        assert_eq!(report.rows, 4);
        assert_eq!(report.created_users, ["wangfang"]);
        assert_eq!(report.refreshed_as_of, Some(day("2026-03-01")));
        assert_eq!(calls, [4]);
        assert_eq!(loan_count(&desk), 4);

        // The check figure of DOMAIN §3.
        let hl = loan(&desk, "HL-0001");
        assert_eq!(hl.borrower, "张伟");
        assert_eq!(build_schedule(&hl.terms)[0].payment(), Money::parse("5307.27").expect("money"));
        assert_eq!(hl.terms.rate.to_string(), "4.90");
        assert_eq!(hl.terms.term_months, 360);
        assert_eq!(hl.terms.disbursed_on, day("2025-06-15"));
        assert_eq!(hl.customer_ref, "C-001");
        assert_eq!(hl.phone.as_deref(), Some("+86 138-0013-8000"));
        assert_eq!(hl.guarantor.as_deref(), Some("李娜"));
        assert_eq!(hl.guarantor_phone.as_deref(), Some("139 0000 0001"));
        assert_eq!(hl.collateral.as_deref(), Some("Flat 1202, Building 3\nSunshine Garden, Chaoyang"));
        assert_eq!(hl.branch.as_deref(), Some("Beijing Chaoyang"));
        assert_eq!(hl.assignee.as_deref(), Some("wangfang"));

        // Trimmed, same customer, same owner.
        let second = loan(&desk, "HL-0002");
        assert_eq!(second.borrower, "王芳");
        assert_eq!(second.customer_id, hl.customer_id);
        assert_eq!(second.terms.product, Product::EqualPrincipal);
        assert_eq!(second.terms.principal, Money::from_cents(2_800_000));
        assert_eq!(second.phone, None);

        // Doubled quotes; empty optional fields are absent; the customer defaults to the loan.
        let third = loan(&desk, "CL-0003");
        assert_eq!(third.borrower, "Li \"Lucky\" Ming");
        assert_eq!(third.terms.principal, Money::from_cents(200_050));
        assert_eq!(third.customer_ref, "CL-0003");
        assert_eq!(third.assignee, None);
        assert_eq!(third.guarantor, None);
        assert_eq!(loan(&desk, "CL-0004").assignee.as_deref(), Some("admin"));

        let conn = desk.store.conn();
        let wang = store::user_by_login(conn, "wangfang").expect("query").expect("created");
        assert_eq!(wang.role, Role::Collector);
        assert_eq!(store::snapshot_as_of(conn).expect("snapshot"), Some(day("2026-03-01")));
        assert!(store::state_of(conn, StateTable::Shared, hl.id).expect("state").is_some());
        let (action, entity_id, detail): (String, String, String) = conn
            .query_row(
                "SELECT action, entity_id, detail FROM audit_log WHERE action != 'user_add'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("one audit record");
        assert_eq!(action, "import_loans");
        assert_eq!(entity_id, fixture("loans_good.csv").display().to_string());
        let detail: serde_json::Value = serde_json::from_str(&detail).expect("json");
        assert_eq!(detail["rows"], 4);
        assert_eq!(detail["created_users"][0], "wangfang");
    }

    const BAD_ROWS: &[(u64, &str, &str)] = &[
        (2, "principal", "thousands separator"),
        (3, "disbursed_on", "'2025-02-30' is not a date"),
        (4, "product", "unknown product 'mortgage'"),
        (5, "term_months", "'481' is out of range: 1–480"),
        (6, "annual_rate", "'100' is out of range"),
        // Line 7 holds a quoted value with a line break, so the next record starts on line 9.
        (9, "loan_id", "'B-06' is repeated: it is first on line 7"),
        (10, "borrower", "is empty"),
        (11, "phone", "'138-abc' is not a phone number"),
        (12, "principal", "'-500' has a sign"),
        (13, "principal", "'0' is not more than 0.00"),
        (15, "assignee", "customer 'C-9' belongs to 'alice' (line 14), not 'bob'"),
    ];

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_field_and_nothing_is_stored() {
        let mut desk = desk();
        let path = fixture("loans_bad.csv");
        let lines = file_errors(loans(&mut desk, &path));
        assert_errors(&lines, &path, BAD_ROWS);
        assert_eq!(loan_count(&desk), 0);
        assert_eq!(store::user_by_login(desk.store.conn(), "alice").expect("query"), None);
        let audits: i64 = desk
            .store
            .conn()
            .query_row("SELECT count(*) FROM audit_log WHERE action != 'user_add'", [], |r| r.get(0))
            .expect("count");
        assert_eq!(audits, 0);
    }

    #[test]
    fn a_bad_file_after_a_good_one_leaves_the_book_as_it_was() {
        let mut desk = desk();
        loans(&mut desk, &fixture("loans_good.csv")).expect("good import");
        let users = store::user_count(desk.store.conn()).expect("users");
        let dir = TempDir::new().expect("tempdir");
        // A good row first (inserted, with a new owner), then a bad one: all of it rolls back.
        let path = write(
            &dir,
            "mixed.csv",
            &format!(
                "{LOANS_HEADER}N-1,甲,annuity,1000,4.9,12,2026-01-10,,newbie\nN-2,乙,annuity,1000,4.9,12,2026-01-32,,\n"
            ),
        );
        let lines = file_errors(loans(&mut desk, &path));
        assert_errors(&lines, &path, &[(3, "disbursed_on", "'2026-01-32' is not a date")]);
        assert_eq!(loan_count(&desk), 4);
        assert_eq!(store::user_count(desk.store.conn()).expect("users"), users);
        assert!(store::loan_by_ref(desk.store.conn(), "N-1").expect("query").is_none());

        let lines = file_errors(loans(&mut desk, &fixture("loans_bad.csv")));
        assert_errors(&lines, &fixture("loans_bad.csv"), BAD_ROWS);
        assert_eq!(loan_count(&desk), 4);
    }

    #[test]
    fn a_loan_already_in_the_store_is_refused() {
        let mut desk = desk();
        loans(&mut desk, &fixture("loans_good.csv")).expect("good import");
        let dir = TempDir::new().expect("tempdir");
        let path = write(
            &dir,
            "again.csv",
            &format!(
                "{LOANS_HEADER}N-1,甲,annuity,1000,4.9,12,2026-01-10,,\nCL-0003,乙,bullet,1000,4.9,12,2026-01-10,,\n"
            ),
        );
        let lines = file_errors(loans(&mut desk, &path));
        assert_errors(&lines, &path, &[(3, "loan_id", "loan 'CL-0003' is already on the desk")]);
        assert_eq!(loan_count(&desk), 4);
    }

    #[test]
    fn header_problems_are_reported_on_line_one() {
        let mut desk = desk();
        let dir = TempDir::new().expect("tempdir");
        let row = "L-1,甲,annuity,1000,4.9,12,2026-01-10\n";

        let path = write(
            &dir,
            "missing.csv",
            "loan_id,borrower,product,annual_rate,term_months,disbursed_on\nL-1,甲,annuity,4.9,12,2026-01-10\n",
        );
        let lines = file_errors(loans(&mut desk, &path));
        assert_eq!(lines, [format!("{}:1: column: missing required column 'principal'", path.display())]);

        let path = write(
            &dir,
            "typo.csv",
            &format!("loan_id,borrower,product,principle,annual_rate,term_months,disbursed_on\n{row}"),
        );
        let lines = file_errors(loans(&mut desk, &path));
        assert_errors(
            &lines,
            &path,
            &[
                (1, "column", "unknown column 'principle'"),
                (1, "column", "missing required column 'principal'"),
            ],
        );

        let path = write(
            &dir,
            "twice.csv",
            &format!(
                "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,Borrower\n{row}"
            ),
        );
        assert_errors(
            &file_errors(loans(&mut desk, &path)),
            &path,
            &[(1, "column", "'borrower' appears twice")],
        );

        let path = write(&dir, "empty.csv", "");
        assert_errors(&file_errors(loans(&mut desk, &path)), &path, &[(1, "column", "no header row")]);
        assert_eq!(loan_count(&desk), 0);

        // Names are matched ignoring case and surrounding spaces.
        let path = write(
            &dir,
            "case.csv",
            &format!(" Loan_ID ,borrower,PRODUCT,principal,annual_rate,term_months,disbursed_on\n{row}"),
        );
        assert_eq!(loans(&mut desk, &path).expect("import").rows, 1);
    }

    #[test]
    fn more_than_a_hundred_errors_are_cut_with_a_count() {
        let mut desk = desk();
        let dir = TempDir::new().expect("tempdir");
        let mut text = LOANS_HEADER.to_string();
        for i in 0..150 {
            text.push_str(&format!("L-{i},甲,annuity,12x,4.9,12,2026-01-10,,\n"));
        }
        let path = write(&dir, "many.csv", &text);
        let lines = file_errors(loans(&mut desk, &path));
        assert_eq!(lines.len(), MAX_SHOWN + 1);
        assert!(lines[0].starts_with(&format!("{}:2: principal: '12x'", path.display())), "{}", lines[0]);
        assert!(lines[99].starts_with(&format!("{}:101: principal: ", path.display())), "{}", lines[99]);
        assert_eq!(lines[100], format!("{}: … and 50 more errors (150 in all)", path.display()));
    }

    #[test]
    fn line_numbers_are_physical_lines_in_crlf_files_with_blank_lines_and_quoted_breaks() {
        let mut desk = desk();
        let dir = TempDir::new().expect("tempdir");
        let good = "L-1,甲,annuity,1000,4.9,12,2026-01-10,,";
        let text = [
            "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,customer_id,assignee",
            good,
            "",
            "L-2,\"乙",
            "second line",
            "third line\",annuity,1000,4.9,12,2026-01-10,,",
            "L-3,丙,annuity,1000,4.9,0,2026-01-10,,",
            "",
            "",
            "L-4,\"丁\r\n\",annuity,1000,4.9,12,2026-01-10,,",
            "L-5,戊,annuity,1000,4.9,12,2026-01-10,,nobody",
            "L-6,己,annuity,1000,4.9,12,2026-13-01,,",
        ];
        for (name, end) in [("lf.csv", "\n"), ("crlf.csv", "\r\n")] {
            let path = write(&dir, name, &(text.join(end) + end));
            let lines = file_errors(loans(&mut desk, &path));
            assert_errors(
                &lines,
                &path,
                &[
                    (7, "term_months", "'0' is out of range"),
                    (13, "disbursed_on", "'2026-13-01' is not a date"),
                ],
            );
        }
        assert_eq!(loan_count(&desk), 0);
    }

    #[test]
    fn unreadable_rows_are_reported_and_reading_goes_on() {
        let mut desk = desk();
        let dir = TempDir::new().expect("tempdir");
        let path = dir.path().join("odd.csv");
        let mut bytes = LOANS_HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(b"L-1,\xd5\xc5\xc8\xfd,annuity,1000,4.9,12,2026-01-10,,\n"); // 张三 in GBK
        bytes.extend_from_slice(b"L-2,Li,annuity,1,000.00,4.9,12,2026-01-10,,\n");
        bytes.extend_from_slice(b"L-3,Li,annuity\n");
        bytes.extend_from_slice(b"L-4,Li,annuity,1000,4.9,12,2026-01-10,,\n");
        std::fs::write(&path, bytes).expect("write");
        let lines = file_errors(loans(&mut desk, &path));
        assert_errors(
            &lines,
            &path,
            &[
                (2, "borrower", "is not valid UTF-8"),
                (
                    3,
                    "row",
                    "has 10 fields, but the header has 9: put values that contain commas in double quotes",
                ),
                (4, "row", "has 3 fields, but the header has 9"),
            ],
        );
    }

    #[test]
    fn a_missing_file_is_bad_input() {
        let mut desk = desk();
        let err = loans(&mut desk, Path::new("/nonexistent/loans.csv")).expect_err("no file");
        assert!(
            matches!(&err, AppError::Input(m) if m.starts_with("/nonexistent/loans.csv: cannot read the file"))
        );
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn field_values_are_checked_one_by_one() {
        let row = |text: &str| {
            let header = StringRecord::from(LOANS_HEADER.trim_end().split(',').collect::<Vec<_>>());
            let mut problems = Problems::new("t");
            let columns = Columns::new(&header, LOAN_COLUMNS, 1, &mut problems).expect("columns");
            let record = StringRecord::from(text.split(',').collect::<Vec<_>>());
            parse_loan(&Row { record: &record, columns: &columns }).map(|_| ()).map_err(|e| {
                e.0.into_iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>()
            })
        };
        assert_eq!(row("L-1,甲,annuity,0.01,0,1,2026-01-10,,"), Ok(()));
        assert_eq!(row("L-1,甲,bullet,1000,99.9999,480,2026-01-10,,"), Ok(()));
        let errors = row(&format!("{},甲,annuity,+5,4.12345,12.5,2026-1-10,,Wang Fang", "x".repeat(65)))
            .expect_err("bad row");
        assert_eq!(errors.len(), 6, "{errors:#?}");
        assert!(errors[0].starts_with("loan_id: is 65 characters long"));
        assert!(errors[1].starts_with("principal: '+5' has a sign"));
        assert!(errors[2].starts_with("annual_rate: '4.12345' has more than four decimals"));
        assert!(errors[3].starts_with("term_months: '12.5' is not a whole number"));
        assert!(errors[4].starts_with("disbursed_on: '2026-1-10' is not a date"));
        assert!(errors[5].starts_with("assignee: 'Wang Fang' is not a desk login"));
        assert!(row("L-1,甲,annuity,1.234,-1,+12,2026-01-10,,").expect_err("bad").len() == 3);
        assert!(row(",,,,,,,,").expect_err("empty").len() == 7);
    }

    #[test]
    fn new_assignees_become_collectors_and_each_customer_keeps_one_owner() {
        let mut desk = desk();
        let at = desk.stamp();
        store::insert_user(desk.store.conn(), "sup", None, Role::Supervisor, &at).expect("user");
        let dir = TempDir::new().expect("tempdir");
        let path = write(
            &dir,
            "owners.csv",
            &format!(
                "{LOANS_HEADER}A-1,甲,annuity,1000,4.9,12,2026-01-10,C-1,liwei\n\
                 A-2,甲,annuity,1000,4.9,12,2026-01-10,C-1,\n\
                 A-3,甲,annuity,1000,4.9,12,2026-01-10,C-1,liwei\n\
                 A-4,乙,annuity,1000,4.9,12,2026-01-10,,sup\n\
                 A-5,丙,annuity,1000,4.9,12,2026-01-10,,zhaomin\n\
                 A-6,丁,annuity,1000,4.9,12,2026-01-10,,liwei\n"
            ),
        );
        let report = loans(&mut desk, &path).expect("import");
        assert_eq!(report.created_users, ["liwei", "zhaomin"]);
        let conn = desk.store.conn();
        for login in ["liwei", "zhaomin"] {
            assert_eq!(store::user_by_login(conn, login).expect("q").expect("user").role, Role::Collector);
        }
        assert_eq!(store::user_by_login(conn, "sup").expect("q").expect("user").role, Role::Supervisor);
        assert_eq!(loan(&desk, "A-2").assignee.as_deref(), Some("liwei"));

        // Against the store and against earlier rows of the same file.
        let path = write(
            &dir,
            "conflict.csv",
            &format!(
                "{LOANS_HEADER}B-1,甲,annuity,1000,4.9,12,2026-01-10,C-1,zhaomin\n\
                 B-2,甲,annuity,1000,4.9,12,2026-01-10,C-1,\n\
                 B-3,戊,annuity,1000,4.9,12,2026-01-10,C-2,\n\
                 B-4,戊,annuity,1000,4.9,12,2026-01-10,C-2,liwei\n\
                 B-5,己,annuity,1000,4.9,12,2026-01-10,A-5,liwei\n"
            ),
        );
        let lines = file_errors(loans(&mut desk, &path));
        assert_errors(
            &lines,
            &path,
            &[
                (2, "assignee", "customer 'C-1' belongs to 'liwei' on the desk, not 'zhaomin'"),
                (5, "assignee", "customer 'C-2' first appears on line 4 with no assignee"),
                (6, "assignee", "customer 'A-5' belongs to 'zhaomin' on the desk, not 'liwei'"),
            ],
        );
    }

    #[test]
    fn a_disabled_assignee_is_refused() {
        let mut desk = desk();
        let at = desk.stamp();
        let conn = desk.store.conn();
        store::insert_user(conn, "gone", None, Role::Collector, &at).expect("user");
        conn.execute("UPDATE users SET active = 0 WHERE login = 'gone'", []).expect("disable");
        let dir = TempDir::new().expect("tempdir");
        let path =
            write(&dir, "gone.csv", &format!("{LOANS_HEADER}A-1,甲,annuity,1000,4.9,12,2026-01-10,,gone\n"));
        let lines = file_errors(loans(&mut desk, &path));
        assert_errors(&lines, &path, &[(2, "assignee", "desk user 'gone' is disabled")]);
    }

    #[test]
    fn only_a_supervisor_may_import() {
        let desk = desk();
        let at = desk.stamp();
        store::insert_user(desk.store.conn(), "carol", None, Role::Collector, &at).expect("user");
        let mut carol = Desk::open(desk.store, "carol", day("2026-03-01"), now()).expect("desk");
        let err = loans(&mut carol, &fixture("loans_good.csv")).expect_err("refused");
        assert!(matches!(&err, AppError::Refused(m) if m.contains("importing loans")), "{err}");
        assert_eq!(err.exit_code(), 3);
        let err = payments(&mut carol, &fixture("payments_good.csv")).expect_err("refused");
        assert!(matches!(&err, AppError::Refused(m) if m.contains("importing payments")), "{err}");
        assert_eq!(loan_count(&carol), 0);
    }

    /// P-1: 12,000.00 at 0 % over 12 months from 2025-12-01, 1,000.00 due on the first of each month;
    /// as of 2026-03-01 the January and February installments are overdue. P-2: a bullet loan.
    fn desk_with_payment_loans(dir: &TempDir) -> Desk {
        let mut desk = desk();
        let path = write(
            dir,
            "loans.csv",
            &format!(
                "{LOANS_HEADER}P-1,甲,annuity,12000,0,12,2025-12-01,,\nP-2,乙,bullet,5000,6,12,2025-12-01,,\n"
            ),
        );
        loans(&mut desk, &path).expect("loans");
        desk
    }

    fn dpd(desk: &Desk, loan_ref: &str) -> i64 {
        let id = loan(desk, loan_ref).id;
        store::state_of(desk.store.conn(), StateTable::Shared, id).expect("state").expect("row").dpd
    }

    #[test]
    fn good_payments_go_in_and_refresh_the_snapshot() {
        let dir = TempDir::new().expect("tempdir");
        let mut desk = desk_with_payment_loans(&dir);
        assert_eq!(dpd(&desk, "P-1"), 59);
        let report = payments(&mut desk, &fixture("payments_good.csv")).expect("payments");
        assert_eq!(
            report,
            ImportReport { rows: 3, created_users: vec![], refreshed_as_of: Some(day("2026-03-01")) }
        );
        assert_eq!(payment_count(&desk), 3);
        assert_eq!(dpd(&desk, "P-1"), 0);
        let paid = store::payments_of(desk.store.conn(), loan(&desk, "P-1").id).expect("payments");
        assert_eq!(paid.len(), 2);
        assert_eq!(paid[0].reference.as_deref(), Some("R-1"));
        assert_eq!(paid[1].amount, Money::from_cents(100_000));
        let detail: String = desk
            .store
            .conn()
            .query_row("SELECT detail FROM audit_log WHERE action = 'import_payments'", [], |r| r.get(0))
            .expect("audit");
        let detail: serde_json::Value = serde_json::from_str(&detail).expect("json");
        assert_eq!((detail["rows"].as_u64(), detail["loans"].as_u64()), (Some(3), Some(2)));
    }

    #[test]
    fn bad_payments_are_all_reported_and_none_go_in() {
        let dir = TempDir::new().expect("tempdir");
        let mut desk = desk_with_payment_loans(&dir);
        payments(&mut desk, &fixture("payments_good.csv")).expect("payments");
        let path = fixture("payments_bad.csv");
        let lines = file_errors(payments(&mut desk, &path));
        assert_errors(
            &lines,
            &path,
            &[
                (3, "loan_id", "unknown loan 'NOPE'"),
                (4, "reference", "'R-9' is repeated for loan 'P-1': it is first on line 2"),
                (5, "amount", "'0' is not more than 0.00"),
                (6, "amount", "'-5.00' has a sign"),
                (7, "paid_on", "'2026-02-31' is not a date"),
                (8, "reference", "loan 'P-1' already has a payment with reference 'R-1'"),
            ],
        );
        assert_eq!(payment_count(&desk), 3);
        assert_eq!(dpd(&desk, "P-1"), 0);
    }

    #[test]
    fn progress_is_reported_every_ten_thousand_rows_and_at_the_end() {
        const SPEC: &[Column] = &[required("n")];
        let dir = TempDir::new().expect("tempdir");
        let mut text = String::from("n\n");
        for i in 0..25_000 {
            text.push_str(&format!("{i}\n"));
        }
        let path = write(&dir, "big.csv", &text);
        let mut problems = Problems::new("big.csv");
        let mut calls = Vec::new();
        let mut last = (0, 0);
        let rows = read_rows(&path, SPEC, &mut problems, &mut |n| calls.push(n), |row, line, _| {
            last = (row.get("n").and_then(|v| v.parse().ok()).unwrap_or(0), line);
            Ok(())
        })
        .expect("read");
        assert_eq!(rows, 25_000);
        assert_eq!(calls, [10_000, 20_000, 25_000]);
        assert_eq!(last, (24_999, 25_001));
        assert!(problems.is_empty());
    }
}
