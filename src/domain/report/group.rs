//! What a report is broken down by, and a loan's group at a month-end.

use std::collections::BTreeMap;

use super::MonthRow;

text_enum!(
    /// What a report is broken down by.
    By, "grouping", {
        Branch => "branch",
        Product => "product",
        Owner => "owner",
    }
);

impl By {
    /// The loan's group at the month-end of `row`: `-` for none.
    pub fn word(self, row: &MonthRow) -> &str {
        let word = match self {
            By::Branch => row.branch.as_deref(),
            By::Product => Some(row.product.as_str()),
            By::Owner => row.owner.as_deref(),
        };
        word.filter(|w| !w.trim().is_empty()).unwrap_or("-")
    }

    /// `word` as an owned string.
    pub fn key(self, row: &MonthRow) -> String {
        self.word(row).to_string()
    }
}

/// The group of `row` under `by`, `None` for the whole book.
pub fn group_of(by: Option<By>, row: &MonthRow) -> Option<String> {
    by.map(|b| b.key(row))
}

/// The rows of each group under `by` (one group, `None`, for the whole book), in row order.
pub fn group_rows<'a>(
    by: Option<By>,
    rows: impl IntoIterator<Item = &'a MonthRow>,
) -> BTreeMap<Option<&'a str>, Vec<&'a MonthRow>> {
    let mut groups: BTreeMap<Option<&'a str>, Vec<&'a MonthRow>> = BTreeMap::new();
    for row in rows {
        groups.entry(by.map(|b| b.word(row))).or_default().push(row);
    }
    groups
}
