//! The contacts the conduct rules read (DOMAIN §7): one customer's, or a page's customers' at once.

use super::Result;
use super::book::CustomerId;
use super::db::Db;
use super::row::{Cols, FromRow};

impl FromRow for ConductRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(ConductRow {
            at: c.get("at")?,
            loan: c.get("loan_id")?,
            party: c.get("party")?,
            channel: c.get("channel")?,
            direction: c.get("direction")?,
            outcome: c.get("outcome")?,
            phone: c.get("phone")?,
        })
    }
}

/// One customer's original contacts (not corrections) at or after `since` (RFC 3339 text in the
/// desk's offset), for the conduct rules: (at, loan, party, channel, direction, outcome, phone).
pub fn contacts_for_conduct<'a>(
    db: impl Into<Db<'a>>,
    customer: CustomerId,
    since: &str,
) -> Result<Vec<ConductRow>> {
    db.into().rows(
        &format!("SELECT {COLUMNS} FROM contacts c WHERE customer_id = ?1 AND {COUNTING} ORDER BY at"),
        &[customer.0.into(), since.into()],
    )
}

/// `ConductRow`'s columns.
const COLUMNS: &str = "at, loan_id, party, channel, direction, outcome, phone";

/// The contacts the rules count: originals (not corrections) not taken back, at or after `?2`.
const COUNTING: &str = "at >= ?2 AND corrects_id IS NULL \
     AND NOT EXISTS (SELECT 1 FROM contacts v WHERE v.corrects_id = c.id AND v.voids = 1)";

/// `contacts_for_conduct` for several customers (a page of a list): a statement each on a file,
/// one for them all on the server.
pub fn contacts_for_conduct_of<'a>(
    db: impl Into<Db<'a>>,
    customers: &[CustomerId],
    since: &str,
) -> Result<std::collections::HashMap<CustomerId, Vec<ConductRow>>> {
    let db = db.into();
    let mut out = std::collections::HashMap::with_capacity(customers.len());
    if let Db::File(_) = db {
        for c in customers {
            out.insert(*c, contacts_for_conduct(db, *c, since)?);
        }
        return Ok(out);
    }
    let sql = format!(
        "SELECT customer_id, {COLUMNS} FROM contacts c WHERE customer_id {} AND {COUNTING} ORDER BY customer_id, at",
        super::db::IDS_IN
    );
    let json = super::db::ids_json(customers.iter().map(|c| c.0));
    for CustomerConduct(customer, row) in db.rows::<CustomerConduct>(&sql, &[(&json).into(), since.into()])? {
        out.entry(CustomerId(customer)).or_insert_with(Vec::new).push(row);
    }
    for c in customers {
        out.entry(*c).or_default();
    }
    Ok(out)
}

/// A customer's contact for the conduct rules (`contacts_for_conduct_of`).
struct CustomerConduct(i64, ConductRow);

impl FromRow for CustomerConduct {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(CustomerConduct(c.get("customer_id")?, ConductRow::read(c)?))
    }
}

/// A contact as the conduct rules read it, before parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConductRow {
    pub at: String,
    pub loan: i64,
    pub party: String,
    pub channel: String,
    pub direction: String,
    pub outcome: String,
    pub phone: Option<String>,
}
