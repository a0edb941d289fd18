//! The columns of the two files, and a file's header matched against them (CONTRACT.md "loans
//! CSV" and "payments CSV").

use csv::StringRecord;

use super::problems::Problems;

/// A column a file may have.
pub(super) struct Column {
    name: &'static str,
    required: bool,
}

pub(super) const fn required(name: &'static str) -> Column {
    Column { name, required: true }
}

pub(super) const fn optional(name: &'static str) -> Column {
    Column { name, required: false }
}

pub(super) const LOAN_COLUMNS: &[Column] = &[
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
    optional("address"),
    optional("employer"),
    optional("collateral_type"),
    optional("collateral_value"),
    optional("collateral_valued_on"),
];

/// A loans file imported with `--update`: the loan id, and whatever other columns it has; only
/// the contact fields may differ from the book.
pub(super) const UPDATE_COLUMNS: &[Column] = &[
    required("loan_id"),
    optional("borrower"),
    optional("customer_id"),
    optional("phone"),
    optional("product"),
    optional("principal"),
    optional("annual_rate"),
    optional("term_months"),
    optional("disbursed_on"),
    optional("guarantor"),
    optional("guarantor_phone"),
    optional("collateral"),
    optional("branch"),
    optional("assignee"),
    optional("address"),
    optional("employer"),
    optional("collateral_type"),
    optional("collateral_value"),
    optional("collateral_valued_on"),
];

pub(super) const HOLIDAY_COLUMNS: &[Column] = &[required("date"), optional("kind"), optional("name")];

pub(super) const PAYMENT_COLUMNS: &[Column] =
    &[required("loan_id"), required("paid_on"), required("amount"), optional("reference")];

/// Where each known column sits in a file, from its header row.
pub(super) struct Columns {
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
    pub(super) fn new(
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
        let before = problems.total();
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
        (problems.total() == before).then_some(Columns { spec, index, names })
    }

    /// The name of the file's column `i`, for messages.
    pub(super) fn name(&self, i: usize) -> &'static str {
        self.names.get(i).copied().unwrap_or("row")
    }
}

/// One record of a file, read through its header.
pub(super) struct Row<'r> {
    record: &'r StringRecord,
    columns: &'r Columns,
}

impl<'r> Row<'r> {
    pub(super) fn new(record: &'r StringRecord, columns: &'r Columns) -> Self {
        Row { record, columns }
    }

    /// The value of a column, trimmed; `None` when the file has no such column or the value is empty.
    pub(super) fn get(&self, name: &str) -> Option<&'r str> {
        let k = self.columns.spec.iter().position(|c| c.name == name)?;
        let i = self.columns.index.get(k).copied().flatten()?;
        self.record.get(i).map(str::trim).filter(|v| !v.is_empty())
    }

    pub(super) fn required(&self, name: &str) -> Result<&'r str, String> {
        self.get(name).ok_or_else(|| "is empty, but every row needs one".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[&str]) -> StringRecord {
        StringRecord::from(fields.to_vec())
    }

    /// The columns of `header`, or the problems it has as `LINE: FIELD: message`.
    fn columns(header: &[&str], spec: &'static [Column]) -> Result<Columns, Vec<String>> {
        let mut problems = Problems::new("f");
        let columns = Columns::new(&record(header), spec, 1, &mut problems);
        let lines = match problems.into_result() {
            Ok(()) => Vec::new(),
            Err(crate::app::AppError::File(lines)) => lines,
            Err(e) => panic!("{e}"),
        };
        columns.ok_or(lines)
    }

    #[test]
    fn names_match_ignoring_case_and_spaces_in_any_order() {
        let c = columns(&["reference", " PAID_ON ", "Amount", "loan_id"], PAYMENT_COLUMNS).expect("columns");
        let rec = record(&["R-1", "2026-01-05", " 10.00 ", ""]);
        let row = Row::new(&rec, &c);
        assert_eq!(row.get("amount"), Some("10.00"));
        assert_eq!(row.get("paid_on"), Some("2026-01-05"));
        assert_eq!(row.get("loan_id"), None);
        assert_eq!(row.required("loan_id"), Err("is empty, but every row needs one".to_string()));
        assert_eq!((c.name(1), c.name(4)), ("paid_on", "row"));
    }

    #[test]
    fn an_optional_column_may_be_left_out() {
        let c = columns(&["loan_id", "paid_on", "amount"], PAYMENT_COLUMNS).expect("columns");
        let rec = record(&["P-1", "2026-01-05", "10"]);
        assert_eq!(Row::new(&rec, &c).get("reference"), None);
    }

    #[test]
    fn every_header_problem_is_named() {
        let lines = columns(&["loan_id", "Paid_On", "", "amont", "paid_on"], PAYMENT_COLUMNS).err();
        assert_eq!(
            lines.expect("problems"),
            [
                "f:1: column: column 3 has no name: name it or remove it",
                "f:1: column: unknown column 'amont': the columns are loan_id, paid_on, amount, reference",
                "f:1: column: column 'paid_on' appears twice",
                "f:1: column: missing required column 'amount'",
            ]
        );
        let lines = columns(&["", " "], PAYMENT_COLUMNS).err();
        assert_eq!(
            lines.expect("problems"),
            ["f:1: column: no header row: the first line must name the columns: loan_id,paid_on,amount"]
        );
    }
}
