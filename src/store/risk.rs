//! What a list row or `show` says of a loan's early warning (CONTRACT: the risk additions):
//! its warning level, its customer's signals, watchlist stay, a supervisor's rating and the
//! classes of the customer's other active loans on the date asked.

use std::collections::HashMap;

use super::Result;
use super::book::{CustomerId, LoanId};
use super::class_events::state_table;
use super::db::{Db, IDS_IN, ids_json};
use super::row::{Cols, FromRow};
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
    if let Db::Server(_) = db {
        return risk_facts_paged(db, loans, at);
    }
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

/// A customer's active loan and its class parts (`risk_facts_paged`).
struct CustomerLoan {
    customer: i64,
    loan: i64,
    parts: ClassParts,
}

impl FromRow for CustomerLoan {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(CustomerLoan { customer: c.get("customer_id")?, loan: c.get("id")?, parts: ClassParts::read(c)? })
    }
}

/// `risk_facts` on the server: a statement a kind of fact for the whole page, not six a loan (a
/// list's page of 120 loans was 720 round trips, 50–70 ms of every key that redrew it).
fn risk_facts_paged(db: Db<'_>, loans: &[LoanId], at: &StateAt) -> Result<HashMap<LoanId, RiskFacts>> {
    let loan_ids = ids_json(loans.iter().map(|l| l.0));
    let customer_of: HashMap<i64, i64> = db
        .rows::<(i64, i64)>(
            &format!("SELECT id, customer_id FROM loans WHERE id {IDS_IN}"),
            &[(&loan_ids).into()],
        )?
        .into_iter()
        .collect();
    let mut customers: Vec<i64> = customer_of.values().copied().collect();
    customers.sort_unstable();
    customers.dedup();
    let customer_ids = ids_json(customers);
    let levels = |sql: &str, ids: &String| -> Result<HashMap<i64, Option<Level>>> {
        let mut words: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, word) in db.rows::<(i64, String)>(sql, &[ids.into()])? {
            words.entry(id).or_default().push(word);
        }
        Ok(words
            .into_iter()
            .map(|(id, w)| (id, Level::highest(w.iter().filter_map(|w| w.parse().ok()))))
            .collect())
    };
    let loan_level = levels(
        &format!("SELECT DISTINCT loan_id, level FROM signals WHERE loan_id {IDS_IN} AND closed_on IS NULL"),
        &loan_ids,
    )?;
    let customer_level = levels(
        &format!(
            "SELECT DISTINCT customer_id, level FROM signals WHERE customer_id {IDS_IN} AND closed_on IS NULL"
        ),
        &customer_ids,
    )?;
    let watched: std::collections::HashSet<i64> = db
        .column::<i64>(
            &format!(
                "SELECT DISTINCT customer_id FROM watchlist WHERE customer_id {IDS_IN} AND left_on IS NULL"
            ),
            &[(&customer_ids).into()],
        )?
        .into_iter()
        .collect();
    let ratings: HashMap<i64, String> = db
        .rows::<(i64, String)>(
            &format!(
                "SELECT DISTINCT ON (customer_id) customer_id, rating FROM customer_ratings \
                 WHERE customer_id {IDS_IN} ORDER BY customer_id, id DESC"
            ),
            &[(&customer_ids).into()],
        )?
        .into_iter()
        .collect();
    let mut active: HashMap<i64, Vec<CustomerLoan>> = HashMap::new();
    let active_sql = format!(
        "SELECT l.customer_id, l.id, {CLASS_COLUMNS} FROM loans l JOIN {} s ON s.loan_id = l.id \
         WHERE l.customer_id {IDS_IN} AND s.status = 'active' ORDER BY l.customer_id, l.id",
        state_table(db, at)
    );
    for row in db.rows::<CustomerLoan>(&active_sql, &[(&customer_ids).into()])? {
        active.entry(row.customer).or_default().push(row);
    }
    let mut out = HashMap::with_capacity(loans.len());
    for loan in loans {
        let Some(&customer) = customer_of.get(&loan.0) else { continue };
        let other_classes = active
            .get(&customer)
            .map(|rows| rows.iter().filter(|r| r.loan != loan.0).map(|r| r.parts.on(at).1).collect())
            .unwrap_or_default();
        out.insert(
            *loan,
            RiskFacts {
                level: loan_level.get(&loan.0).copied().flatten(),
                customer_level: customer_level.get(&customer).copied().flatten(),
                watchlist: watched.contains(&customer),
                manual_rating: ratings.get(&customer).and_then(|m| m.parse::<Rating>().ok()),
                other_classes,
            },
        );
    }
    Ok(out)
}
