//! Snapshot rows sent to the server many to a statement, as one JSON text the server unpacks
//! (`jsonb_to_recordset`): one round trip a batch instead of one a row, with no statement text
//! made of values.

use super::cells::Cell;
use super::compute::{COLUMNS, Row};

/// The snapshot's columns the server keeps as integers; the others are text.
const INTEGERS: &[&str] = &[
    "loan_id",
    "secured",
    "assignee_id",
    "outstanding_principal",
    "overdue_principal",
    "overdue_interest",
    "overdue_amount",
    "penalty_lag",
    "unpaid_total",
    "next_due_amount",
    "warn_bits",
];

fn names() -> impl Iterator<Item = &'static str> {
    COLUMNS.split(',').map(str::trim)
}

/// The record the JSON of `rows_json` unpacks to: each column with the server's type.
fn typed() -> Vec<String> {
    names().map(|n| format!("{n} {}", if INTEGERS.contains(&n) { "BIGINT" } else { "TEXT" })).collect()
}

/// Inserts into `table` the rows of `?1`, the JSON of `rows_json`, in their order.
pub(super) fn insert_from_json(table: &str) -> String {
    format!(
        "INSERT INTO {table} ({COLUMNS}) SELECT {COLUMNS} \
         FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) AS v({})",
        typed().join(", ")
    )
}

/// Updates every column but the key of `table`'s rows from `?1`, the JSON of `rows_json`.
pub(super) fn update_from_json(table: &str) -> String {
    let typed = typed();
    let set: Vec<&str> = names().skip(1).collect();
    let from: Vec<String> = set.iter().map(|n| format!("v.{n}")).collect();
    format!(
        "UPDATE {table} t SET ({}) = ({}) FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) AS v({}) \
         WHERE t.loan_id = v.loan_id",
        set.join(", "),
        from.join(", "),
        typed.join(", ")
    )
}

/// The rows as a JSON array of objects keyed by column.
pub(super) fn rows_json(rows: &[Row]) -> String {
    let value = |cell: &Cell| match cell {
        Cell::Null => serde_json::Value::Null,
        Cell::Int(n) => serde_json::Value::from(*n),
        other => other.text().map_or(serde_json::Value::Null, serde_json::Value::from),
    };
    let array: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            serde_json::Value::Object(
                names().zip(row.iter()).map(|(n, c)| (n.to_string(), value(c))).collect(),
            )
        })
        .collect();
    serde_json::Value::Array(array).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::state::compute::WIDTH;

    #[test]
    fn each_integer_is_a_column() {
        let all: Vec<&str> = names().collect();
        assert_eq!(all.len(), WIDTH);
        for n in INTEGERS {
            assert!(all.contains(n), "{n}");
        }
    }

    #[test]
    fn a_row_goes_as_an_object_of_its_columns_with_text_escaped() {
        let mut row: Row = std::array::from_fn(|_| Cell::Null);
        row[0] = Cell::Int(7);
        row[3] = Cell::Word("active");
        row[20] = Cell::Text("\"张\"\n\u{1b}[2J".into());
        let json: serde_json::Value = serde_json::from_str(&rows_json(&[row])).expect("json");
        assert_eq!(json[0]["loan_id"], 7);
        assert_eq!(json[0]["status"], "active");
        assert_eq!(json[0]["last_contact_at"], "\"张\"\n\u{1b}[2J");
        assert!(json[0]["stale_on"].is_null());
        assert!(update_from_json("loan_state").contains("v(loan_id BIGINT, rolled_on TEXT"));
        assert!(
            insert_from_json("loan_state").starts_with(&format!("INSERT INTO loan_state ({COLUMNS}) SELECT"))
        );
    }
}
