//! What a report is broken down by, and a loan's group at a month-end.

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
    pub fn key(self, row: &MonthRow) -> String {
        let word = match self {
            By::Branch => row.branch.clone(),
            By::Product => Some(row.product.as_str().to_string()),
            By::Owner => row.owner.clone(),
        };
        word.filter(|w| !w.trim().is_empty()).unwrap_or_else(|| "-".into())
    }
}

/// The group of `row` under `by`, `None` for the whole book.
pub fn group_of(by: Option<By>, row: &MonthRow) -> Option<String> {
    by.map(|b| b.key(row))
}
