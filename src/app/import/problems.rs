//! The problems of a file: each field's as `PATH:LINE: FIELD: message`, the file's own as
//! `PATH: message`, the first [`MAX_SHOWN`] of them listed in line order and the rest counted.

use std::fmt::Display;

use crate::app::{AppError, Result};

/// How many problems are listed one by one; the rest are counted.
pub const MAX_SHOWN: usize = 100;

/// A problem with one field of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FieldError {
    pub(super) field: &'static str,
    pub(super) message: String,
}

/// The problems of one row.
#[derive(Debug, Default)]
pub(super) struct FieldErrors(pub(super) Vec<FieldError>);

impl FieldErrors {
    pub(super) fn push(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError { field, message: message.into() });
    }

    /// The value, or `None` after noting why not.
    pub(super) fn take<T>(&mut self, field: &'static str, value: Result<T, String>) -> Option<T> {
        value.map_err(|message| self.push(field, message)).ok()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Every problem of one file: the first [`MAX_SHOWN`] as `PATH:LINE: FIELD: message`, and a count.
/// Each is kept with its line, so the problems the reading thread finds (the file's) and those
/// found here (the rows') come out in the file's order.
pub(super) struct Problems {
    path: String,
    shown: Vec<(u64, String)>,
    total: u64,
}

impl Problems {
    pub(super) fn new(path: &str) -> Self {
        Problems { path: path.to_string(), shown: Vec::new(), total: 0 }
    }

    /// The file as the problems name it.
    pub(super) fn path(&self) -> &str {
        &self.path
    }

    /// How many problems there are, shown or not.
    pub(super) fn total(&self) -> u64 {
        self.total
    }

    pub(super) fn add(&mut self, line: u64, field: &str, message: impl Display) {
        self.push(line, |path| format!("{path}:{line}: {field}: {message}"));
    }

    pub(super) fn add_row(&mut self, line: u64, errors: FieldErrors) {
        for e in errors.0 {
            self.add(line, e.field, e.message);
        }
    }

    /// Counts `n` problems more that are not listed (their lines were not kept).
    pub(super) fn add_unlisted(&mut self, n: u64) {
        self.total += n;
    }

    /// A problem with the file as a whole, found at `line` (0: before the first).
    pub(super) fn add_file(&mut self, line: u64, message: impl Display) {
        self.push(line, |path| format!("{path}: {message}"));
    }

    /// Keeps the problem when it is among the first [`MAX_SHOWN`] by line, whatever order they
    /// come in (the rows' checks run a batch behind the reading thread's).
    fn push(&mut self, line: u64, text: impl FnOnce(&str) -> String) {
        self.total += 1;
        if self.shown.len() < MAX_SHOWN {
            self.shown.push((line, text(&self.path)));
            return;
        }
        let last = self.shown.iter().enumerate().max_by_key(|(_, (l, _))| *l).map(|(i, (l, _))| (i, *l));
        if let Some((i, l)) = last
            && line < l
        {
            self.shown[i] = (line, text(&self.path));
        }
    }

    /// Takes in the problems another reader of the same file found. Each side keeps its first
    /// [`MAX_SHOWN`] in line order, so the first of both together are among them.
    pub(super) fn merge(&mut self, other: Problems) {
        self.total += other.total;
        self.shown.extend(other.shown);
        self.shown.sort_by_key(|(line, _)| *line);
        self.shown.truncate(MAX_SHOWN);
    }

    pub(super) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// `AppError::File` with every line when there was any problem.
    pub(super) fn into_result(self) -> Result<()> {
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

/// A row as the reading thread leaves it: its loan id as written (checked against the store and
/// the other rows even when the row has other problems), and its values or its problems.
pub(super) struct Parsed<T> {
    pub(super) loan_ref: Option<String>,
    pub(super) row: Result<T, FieldErrors>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(problems: Problems) -> Vec<String> {
        match problems.into_result() {
            Ok(()) => Vec::new(),
            Err(AppError::File(lines)) => lines,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn no_problem_is_no_error() {
        let problems = Problems::new("f.csv");
        assert!(problems.is_empty());
        assert_eq!(lines(problems), Vec::<String>::new());
    }

    #[test]
    fn problems_come_out_in_line_order_whoever_found_them() {
        let mut rows = Problems::new("f.csv");
        let mut errors = FieldErrors::default();
        errors.push("amount", "'x' is not an amount");
        errors.push("paid_on", "is empty");
        rows.add_row(7, errors);
        rows.add(3, "loan_id", "unknown loan 'NOPE'");
        let mut file = Problems::new("f.csv");
        file.add(5, "row", "has 3 fields, but the header has 4");
        file.add_file(9, "cannot read past line 9: broken");
        rows.merge(file);
        assert_eq!(rows.total(), 5);
        assert_eq!(
            lines(rows),
            [
                "f.csv:3: loan_id: unknown loan 'NOPE'",
                "f.csv:5: row: has 3 fields, but the header has 4",
                "f.csv:7: amount: 'x' is not an amount",
                "f.csv:7: paid_on: is empty",
                "f.csv: cannot read past line 9: broken",
            ]
        );
    }

    #[test]
    fn past_the_first_hundred_problems_are_counted() {
        for (extra, last) in
            [(1, "f.csv: … and 1 more error (101 in all)"), (5, "f.csv: … and 5 more errors (105 in all)")]
        {
            let mut problems = Problems::new("f.csv");
            for line in 0..(MAX_SHOWN as u64 + extra) {
                problems.add(line + 2, "amount", "is empty");
            }
            let lines = lines(problems);
            assert_eq!(lines.len(), MAX_SHOWN + 1);
            assert_eq!(lines[MAX_SHOWN - 1], "f.csv:101: amount: is empty");
            assert_eq!(lines[MAX_SHOWN], last);
        }
    }

    #[test]
    fn a_field_error_is_taken_or_noted() {
        let mut errors = FieldErrors::default();
        assert_eq!(errors.take("amount", Ok::<_, String>(5)), Some(5));
        assert!(errors.is_empty());
        assert_eq!(errors.take::<u32>("amount", Err("bad".into())), None);
        assert_eq!(errors.0, [FieldError { field: "amount", message: "bad".into() }]);
    }
}
