//! What a list row or `show` says of a loan's early warning (CONTRACT: the risk additions):
//! its warning level, its customer's signals, watchlist stay, a supervisor's rating and the
//! classes of the customer's other active loans on the date asked.

use std::collections::HashMap;

use super::Result;
use super::book::{CustomerId, LoanId};
use super::class_events::state_table;
use super::db::Db;
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

fn highest(db: Db<'_>, sql: &str, id: i64) -> Result<Option<Level>> {
    let words: Vec<String> = db.column(sql, &[id.into()])?;
    Ok(Level::highest(words.iter().filter_map(|w| w.parse().ok())))
}

/// The risk facts of each loan, on the date `at` asks (a page of a list's loans, a few
/// statements each).
pub fn risk_facts<'a>(
    db: impl Into<Db<'a>>,
    loans: &[LoanId],
    at: &StateAt,
) -> Result<HashMap<LoanId, RiskFacts>> {
    let db = db.into();
    let mut out = HashMap::with_capacity(loans.len());
    let others_sql = format!(
        "SELECT {CLASS_COLUMNS} FROM loans l JOIN {} s ON s.loan_id = l.id \
         WHERE l.customer_id = ?1 AND l.id <> ?2 AND s.status = 'active'",
        state_table(db, at)
    );
    for loan in loans {
        let customer: Option<CustomerId> =
            db.value("SELECT customer_id FROM loans WHERE id = ?1", &[loan.0.into()])?;
        let Some(customer) = customer else { continue };
        let level = highest(
            db,
            "SELECT DISTINCT level FROM signals WHERE loan_id = ?1 AND closed_on IS NULL",
            loan.0,
        )?;
        let customer_level = highest(
            db,
            "SELECT DISTINCT level FROM signals WHERE customer_id = ?1 AND closed_on IS NULL",
            customer.0,
        )?;
        let watchlist: bool = db
            .value(
                "SELECT EXISTS (SELECT 1 FROM watchlist WHERE customer_id = ?1 AND left_on IS NULL)",
                &[customer.0.into()],
            )?
            .unwrap_or(false);
        let manual: Option<String> = db.value(
            "SELECT rating FROM customer_ratings WHERE customer_id = ?1 ORDER BY id DESC LIMIT 1",
            &[customer.0.into()],
        )?;
        let others: Vec<ClassParts> = db.rows(&others_sql, &[customer.0.into(), loan.0.into()])?;
        let other_classes = others.iter().map(|parts| parts.on(at).1).collect();
        out.insert(
            *loan,
            RiskFacts {
                level,
                customer_level,
                watchlist,
                manual_rating: manual.and_then(|m| m.parse::<Rating>().ok()),
                other_classes,
            },
        );
    }
    Ok(out)
}
