//! What a list row or `show` says of a loan's early warning (CONTRACT: the risk additions):
//! its warning level, its customer's signals, watchlist stay, a supervisor's rating and the
//! classes of the customer's other active loans on the date asked.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::Result;
use super::book::{CustomerId, LoanId};
use super::row::Cols;
use super::state::StateAt;
use super::state_row::{CLASS_COLUMNS, ClassParts};
use crate::domain::RiskClass;
use crate::domain::warning::{Level, Rating};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFacts {
    /// The highest level among the loan's open signals.
    pub level: Option<Level>,
    /// The highest level among the customer's open signals.
    pub customer_level: Option<Level>,
    pub watchlist: bool,
    pub manual_rating: Option<Rating>,
    /// The classes on the date of the customer's other active loans.
    pub other_classes: Vec<RiskClass>,
}

fn highest(conn: &Connection, sql: &str, id: i64) -> Result<Option<Level>> {
    let words: Vec<String> =
        conn.prepare_cached(sql)?.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Level::highest(words.iter().filter_map(|w| w.parse().ok())))
}

/// The risk facts of each loan, on the date `at` asks.
pub fn risk_facts(conn: &Connection, loans: &[LoanId], at: &StateAt) -> Result<HashMap<LoanId, RiskFacts>> {
    let mut out = HashMap::with_capacity(loans.len());
    let others_sql = format!(
        "SELECT {CLASS_COLUMNS} FROM loans l JOIN {} s ON s.loan_id = l.id \
         WHERE l.customer_id = ?1 AND l.id <> ?2 AND s.status = 'active'",
        at.table.name()
    );
    for loan in loans {
        let customer: Option<CustomerId> = conn
            .prepare_cached("SELECT customer_id FROM loans WHERE id = ?1")?
            .query_row([loan], |r| r.get(0))
            .optional()?;
        let Some(customer) = customer else { continue };
        let level = highest(
            conn,
            "SELECT DISTINCT level FROM signals WHERE loan_id = ?1 AND closed_on IS NULL",
            loan.0,
        )?;
        let customer_level = highest(
            conn,
            "SELECT DISTINCT level FROM signals WHERE customer_id = ?1 AND closed_on IS NULL",
            customer.0,
        )?;
        let watchlist: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM watchlist WHERE customer_id = ?1 AND left_on IS NULL)",
            )?
            .query_row([customer], |r| r.get(0))?;
        let manual: Option<String> = conn
            .prepare_cached(
                "SELECT rating FROM customer_ratings WHERE customer_id = ?1 ORDER BY id DESC LIMIT 1",
            )?
            .query_row([customer], |r| r.get(0))
            .optional()?;
        let mut stmt = conn.prepare_cached(&others_sql)?;
        let mut rows = stmt.query(rusqlite::params![customer, loan])?;
        let mut other_classes = Vec::new();
        while let Some(r) = rows.next()? {
            let parts = <ClassParts as super::row::FromRow>::read(&mut Cols::new(r))?;
            other_classes.push(parts.on(at).1);
        }
        out.insert(
            *loan,
            RiskFacts {
                level,
                customer_level,
                watchlist,
                manual_rating: manual.and_then(|m| m.parse().ok()),
                other_classes,
            },
        );
    }
    Ok(out)
}
