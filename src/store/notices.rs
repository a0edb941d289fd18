//! Written notices of a case (催收通知书, 履行担保责任通知书) and their receipts (回执).

use chrono::NaiveDate;

use super::Result;
use super::book::LoanId;
use super::db::Db;
use super::row::{Cols, FromRow, corrupt};
use super::users::UserId;
use crate::domain::Money;

/// A notice as recorded when it is issued. Kind, language and receipt status are the app's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice<'a> {
    pub id: i64,
    pub loan: LoanId,
    pub number: &'a str,
    pub kind: &'a str,
    pub lang: &'a str,
    pub issued_on: NaiveDate,
    pub as_of: NaiveDate,
    pub pay_by: NaiveDate,
    pub overdue_principal: Money,
    pub overdue_interest: Money,
    pub penalty: Money,
    pub total: Money,
    pub addressee: &'a str,
    pub files: &'a [String],
    pub user: Option<UserId>,
    /// RFC 3339 local time with offset.
    pub created_at: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRecord {
    pub id: i64,
    pub loan: LoanId,
    pub loan_ref: String,
    pub number: String,
    pub kind: String,
    pub lang: String,
    pub issued_on: NaiveDate,
    pub as_of: NaiveDate,
    pub pay_by: NaiveDate,
    pub overdue_principal: Money,
    pub overdue_interest: Money,
    pub penalty: Money,
    pub total: Money,
    pub addressee: String,
    pub files: Vec<String>,
    pub receipt_status: String,
    pub receipt_on: Option<NaiveDate>,
    pub user: Option<String>,
    pub created_at: String,
}

/// The server's advisory lock on notice ids ("duedeskN").
const NOTICE_ID_LOCK: i64 = 0x6475_6564_6573_6b4e;

/// The id the next notice gets; call it inside the write transaction that inserts it. The file's
/// writers are one at a time; on the server a transaction takes the notices' lock first, so two
/// desks issuing at once do not both read the same last id.
pub fn next_notice_id<'a>(db: impl Into<Db<'a>>) -> Result<i64> {
    let db = db.into();
    if let Db::Server(session) = db
        && session.in_transaction()
    {
        db.execute("SELECT pg_advisory_xact_lock(?1)", &[NOTICE_ID_LOCK.into()])?;
    }
    Ok(db.value("SELECT coalesce(max(id), 0) + 1 FROM notices", &[])?.unwrap_or(1))
}

pub fn insert_notice<'a>(db: impl Into<Db<'a>>, n: &NewNotice<'_>) -> Result<i64> {
    let files = serde_json::to_string(n.files).map_err(|e| super::StoreError::Corrupt(e.to_string()))?;
    let (issued_on, as_of, pay_by) = (n.issued_on.to_string(), n.as_of.to_string(), n.pay_by.to_string());
    let id = db.into().value(
        "INSERT INTO notices (id, loan_id, number, kind, lang, issued_on, as_of, pay_by, overdue_principal_cents, \
         overdue_interest_cents, penalty_cents, total_cents, addressee, files, user_id, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) RETURNING id",
        &[
            n.id.into(),
            n.loan.0.into(),
            n.number.into(),
            n.kind.into(),
            n.lang.into(),
            (&issued_on).into(),
            (&as_of).into(),
            (&pay_by).into(),
            n.overdue_principal.cents().into(),
            n.overdue_interest.cents().into(),
            n.penalty.cents().into(),
            n.total.cents().into(),
            n.addressee.into(),
            (&files).into(),
            n.user.map(|u| u.0).into(),
            n.created_at.into(),
        ],
    )?;
    id.ok_or_else(|| super::StoreError::Corrupt("a notice added without an id".into()))
}

/// How many notices of `kind` a loan has with an issue date in `from..=to`.
pub fn notice_count_between<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    kind: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64> {
    let (from, to) = (from.to_string(), to.to_string());
    Ok(db
        .into()
        .value(
            "SELECT count(*) FROM notices WHERE loan_id = ?1 AND kind = ?2 AND issued_on BETWEEN ?3 AND ?4",
            &[loan.0.into(), kind.into(), (&from).into(), (&to).into()],
        )?
        .unwrap_or(0))
}

const SELECT: &str = "SELECT n.id, n.loan_id, l.loan_ref, n.number, n.kind, n.lang, n.issued_on, n.as_of, n.pay_by, \
     n.overdue_principal_cents, n.overdue_interest_cents, n.penalty_cents, n.total_cents, n.addressee, n.files, \
     n.receipt_status, n.receipt_on, u.login, n.created_at \
     FROM notices n JOIN loans l ON l.id = n.loan_id LEFT JOIN users u ON u.id = n.user_id";

impl FromRow for NoticeRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(NoticeRecord {
            id: c.get("id")?,
            loan: c.get("loan_id")?,
            loan_ref: c.get("loan_ref")?,
            number: c.get("number")?,
            kind: c.get("kind")?,
            lang: c.get("lang")?,
            issued_on: c.day("issued_on")?,
            as_of: c.day("as_of")?,
            pay_by: c.day("pay_by")?,
            overdue_principal: c.money("overdue_principal_cents")?,
            overdue_interest: c.money("overdue_interest_cents")?,
            penalty: c.money("penalty_cents")?,
            total: c.money("total_cents")?,
            addressee: c.get("addressee")?,
            files: serde_json::from_str(&c.get::<String>("files")?).map_err(corrupt("notice files"))?,
            receipt_status: c.get("receipt_status")?,
            receipt_on: c.opt_day("receipt_on")?,
            user: c.get("login")?,
            created_at: c.get("created_at")?,
        })
    }
}

/// Notices of a loan, newest first.
pub fn notices_of<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Vec<NoticeRecord>> {
    db.into().rows(
        &format!("{SELECT} WHERE n.loan_id = ?1 ORDER BY n.issued_on DESC, n.id DESC"),
        &[loan.0.into()],
    )
}

pub fn notice_by_id<'a>(db: impl Into<Db<'a>>, id: i64) -> Result<Option<NoticeRecord>> {
    db.into().first(&format!("{SELECT} WHERE n.id = ?1"), &[id.into()])
}

/// Records what became of a notice's receipt.
pub fn set_notice_receipt<'a>(
    db: impl Into<Db<'a>>,
    id: i64,
    status: &str,
    on: Option<NaiveDate>,
) -> Result<()> {
    let on = on.map(|d| d.to_string());
    db.into().execute(
        "UPDATE notices SET receipt_status = ?2, receipt_on = ?3 WHERE id = ?1",
        &[id.into(), status.into(), on.as_ref().into()],
    )?;
    Ok(())
}
