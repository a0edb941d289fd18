//! Loan ids by their first characters, for the desk's Tab completion: a range of the unique index
//! on `loans.loan_ref`, so a prefix reads a few index entries however large the book.

use super::Result;

/// The loan ids starting with `prefix`, in order, at most `limit`.
pub fn loan_refs_from<'a>(db: impl Into<super::Db<'a>>, prefix: &str, limit: u32) -> Result<Vec<String>> {
    let (from, to) = prefix_range(prefix);
    db.into().column(LOAN_REFS_FROM, &[(&from).into(), (&to).into(), i64::from(limit).into()])
}

const LOAN_REFS_FROM: &str =
    "SELECT loan_ref FROM loans WHERE loan_ref >= ?1 AND loan_ref < ?2 ORDER BY loan_ref LIMIT ?3";

/// Text compares bytewise (on the server too: `pg::migrate`'s collation check), so every id starting with the prefix sorts from the prefix up to the
/// prefix followed by the largest character.
fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_string(), format!("{prefix}\u{10FFFF}"))
}

/// The loan id (as the book names it) of the loan with this row id.
pub fn loan_ref_of<'a>(db: impl Into<super::Db<'a>>, loan: super::book::LoanId) -> Result<String> {
    db.into()
        .value("SELECT loan_ref FROM loans WHERE id = ?1", &[loan.0.into()])?
        .ok_or_else(|| super::StoreError::Corrupt(format!("no loan with row id {}", loan.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_prefix_is_a_range_of_the_loan_id_index() {
        let store = Store::open_in_memory().expect("store");
        let conn = store.conn();
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {LOAN_REFS_FROM}"))
            .expect("explain")
            .query_map(rusqlite::params!["DL", "DL\u{10FFFF}", 5], |r| r.get::<_, String>(3))
            .expect("plan")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert!(
            plan.iter().any(|p| p.contains("INDEX") && p.contains("loan_ref>? AND loan_ref<?")),
            "{plan:?}"
        );
        assert!(loan_refs_from(conn, "DL", 5).expect("lookup").is_empty());
        let (from, to) = prefix_range("DL00");
        for id in ["DL00", "DL000001", "DL00z", "DL00王"] {
            assert!(from.as_str() <= id && id < to.as_str(), "{id}");
        }
        assert!("DL01" >= to.as_str() && "DL0" < from.as_str());
    }
}
