//! Signals by hand: raised (`warn`), confirmed by the owner, closed by their raiser or a
//! supervisor, worked with measures; and the list of them (`warnings`).

use crate::store::Db;
use chrono::NaiveDate;
use serde_json::json;

use super::view::SignalView;
use crate::app::inspect::ask_special;
use crate::app::text_in::text_in;
use crate::app::{AppError, Desk, Result};
use crate::domain::input::Lines;
use crate::domain::warning::{Category, Level, MeasureKind, SignalCode};
use crate::domain::{LoanStatus, Role};
use crate::store::{self, CustomerId, SignalFilter, SignalRecord};

/// A person's signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarnInput {
    pub loan: String,
    pub category: Category,
    pub level: Level,
    pub note: String,
}

/// Which signals `warnings` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignalQuery {
    pub level: Option<Level>,
    pub code: Option<SignalCode>,
    pub owner: Option<String>,
    /// A loan's, or a customer's (by its id or one of its loans').
    pub loan: Option<String>,
    pub customer: Option<String>,
    pub all: bool,
    pub since: Option<NaiveDate>,
    /// Only customers on the watchlist now.
    pub watched: bool,
    /// Say of each signal whether the special inspection it asked for is on the schedule (the
    /// desk's page: one lookup a row).
    pub special_asks: bool,
    pub limit: Option<u64>,
    pub offset: u64,
}

/// A page of signals and, when asked, how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalPage {
    pub rows: Vec<SignalView>,
    pub total: Option<u64>,
}

fn required<'a>(text: &'a str, what: &str, flag: &str) -> Result<&'a str> {
    let t = text_in(text.trim(), what, Lines::Many)?;
    if t.is_empty() {
        return Err(AppError::Input(format!("{what} is needed ({flag} TEXT)")));
    }
    Ok(t)
}

impl Desk {
    fn signal_record(&self, id: i64) -> Result<SignalRecord> {
        store::signal_by_id(self.store.db(), id)?
            .ok_or_else(|| AppError::Input(format!("unknown signal {id}")))
    }

    /// One signal with its measures.
    pub fn signal(&self, id: i64) -> Result<SignalView> {
        let r = self.signal_record(id)?;
        let measures = store::measures_of(self.store.db(), id)?;
        Ok(SignalView::of(r, measures, self.as_of))
    }

    fn open_signal_of(&self, id: i64, what: &str) -> Result<SignalRecord> {
        let r = self.signal_record(id)?;
        if let Some(closed) = r.closed_on {
            return Err(AppError::Refused(format!("{what}: signal {id} was closed on {closed}")));
        }
        let loan = self.loan(&r.loan_ref)?;
        self.require_case(&loan, what)?;
        Ok(r)
    }

    /// Raises a person's signal on an active loan (its owner or a supervisor), audited; an orange
    /// or red one asks for a special inspection (DOMAIN §10).
    pub fn warn(&mut self, input: &WarnInput) -> Result<SignalView> {
        let loan = self.loan(&input.loan)?;
        self.require_case(&loan, "raising a warning")?;
        let note = required(&input.note, "a warning's note", "--note")?.to_string();
        let status = self.show_full(&input.loan)?.summary.status;
        if status != LoanStatus::Active {
            return Err(AppError::Refused(format!(
                "loan {} is {status}: warnings are on active loans",
                input.loan
            )));
        }
        let (as_of, at, actor, rules) =
            (self.as_of, self.stamp(), self.actor.login.clone(), self.policy.inspections);
        let id = self.store.write(|tx| -> Result<i64> {
            let s = store::NewSignal {
                loan: loan.id,
                code: SignalCode::Manual,
                category: Some(input.category),
                level: input.level,
                raised_on: as_of,
                raised_by: &actor,
                note: Some(&note),
                at: &at,
            };
            let id = store::open_signal(tx, &s)?;
            if input.level.rank() >= Level::Orange.rank() {
                ask_special(tx, loan.id, as_of, &format!("warning {id}"), &rules)?;
            }
            let detail = json!({ "signal": id, "category": input.category.as_str(), "level": input.level.as_str(), "note": note });
            store::insert_audit(tx, &at, &actor, "warn", "loan", Some(&loan.loan_ref), &detail.to_string())?;
            Ok(id)
        })?;
        self.signal(id)
    }

    /// Confirms a signal (核实: the owner or a supervisor), with a note, once.
    pub fn confirm_signal(&mut self, id: i64, note: &str) -> Result<SignalView> {
        let r = self.open_signal_of(id, "confirming a warning")?;
        let note = required(note, "a confirmation's note", "--note")?.to_string();
        let (as_of, at, actor) = (self.as_of, self.stamp(), self.actor.login.clone());
        self.store.write(|tx| -> Result<()> {
            if !store::confirm_signal(tx, id, as_of, &actor, &note)? {
                return Err(AppError::Refused(format!("signal {id} was confirmed already")));
            }
            let detail = json!({ "signal": id, "note": note });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "warn_confirm",
                "loan",
                Some(&r.loan_ref),
                &detail.to_string(),
            )
            .map_err(Into::into)
        })?;
        self.signal(id)
    }

    /// Closes a person's signal (its raiser or a supervisor) with a reason; an automatic one
    /// closes when its condition clears.
    pub fn close_signal(&mut self, id: i64, reason: &str) -> Result<SignalView> {
        let r = self.signal_record(id)?;
        if let Some(closed) = r.closed_on {
            return Err(AppError::Refused(format!("signal {id} was closed on {closed}")));
        }
        if r.code != SignalCode::Manual {
            return Err(AppError::Refused(format!(
                "signal {id} ({}) is the policy's: it closes by itself once its condition clears",
                r.code
            )));
        }
        let user = self.actor.require(Role::Collector, "closing a warning")?;
        if !user.role.includes(Role::Supervisor) && user.login != r.raised_by {
            return Err(AppError::Refused(format!(
                "closing a warning: signal {id} was raised by {}; its raiser or a supervisor closes it",
                r.raised_by
            )));
        }
        let reason = required(reason, "a reason", "--reason")?.to_string();
        let (as_of, at, actor) = (self.as_of, self.stamp(), self.actor.login.clone());
        self.store.write(|tx| -> Result<()> {
            store::close_signal(tx, id, as_of, &actor, &reason)?;
            let detail = json!({ "signal": id, "reason": reason });
            store::insert_audit(tx, &at, &actor, "warn_close", "loan", Some(&r.loan_ref), &detail.to_string())
                .map_err(Into::into)
        })?;
        self.signal(id)
    }

    /// Records a measure on an open signal (its owner or a supervisor); a special inspection is
    /// asked for on the schedule.
    pub fn add_measure(&mut self, id: i64, kind: MeasureKind, note: &str) -> Result<SignalView> {
        let r = self.open_signal_of(id, "recording a measure")?;
        let note = required(note, "a measure's note", "--note")?.to_string();
        let (as_of, at, actor, rules) =
            (self.as_of, self.stamp(), self.actor.login.clone(), self.policy.inspections);
        self.store.write(|tx| -> Result<()> {
            store::add_measure(tx, id, kind, as_of, &actor, &note, &at)?;
            let special = if kind == MeasureKind::SpecialInspection {
                ask_special(tx, r.loan, as_of, &format!("warning {id}: {note}"), &rules)?
            } else {
                None
            };
            let detail = json!({
                "signal": id, "kind": kind.as_str(), "note": note,
                "special_inspection_due": special.map(|d| d.to_string()),
            });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "warn_measure",
                "loan",
                Some(&r.loan_ref),
                &detail.to_string(),
            )
            .map_err(Into::into)
        })?;
        self.signal(id)
    }

    /// Signals by level (red first), newest first; open and confirmed ones unless `all`.
    pub fn signals(&self, q: &SignalQuery) -> Result<Vec<SignalView>> {
        self.signal_page(q, false).map(|p| p.rows)
    }

    /// Every signal of a customer, closed ones too, newest first: the case's pane.
    pub(crate) fn customer_signals(&self, customer: CustomerId) -> Result<Vec<SignalView>> {
        let conn = self.store.db();
        let filter = SignalFilter { customer: Some(customer), all: true, ..SignalFilter::default() };
        let mut out = store::list_signals(conn, &filter)?
            .into_iter()
            .map(|r| {
                let m = store::measures_of(conn, r.id)?;
                Ok(SignalView::of(r, m, self.as_of))
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|s| std::cmp::Reverse((s.raised_on, s.id)));
        Ok(out)
    }

    /// A page of `signals` (the desk's Warnings list) with their count when `want_total`.
    pub fn signal_page(&self, q: &SignalQuery, want_total: bool) -> Result<SignalPage> {
        let conn = self.store.db();
        let owner = match q.owner.as_deref() {
            Some(login) => Some(
                store::user_by_login(conn, login)?
                    .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
                    .id,
            ),
            None => None,
        };
        let loan = q.loan.as_deref().map(|l| self.loan(l).map(|l| l.id)).transpose()?;
        let customer = q.customer.as_deref().map(|c| self.customer_named(c).map(|(id, _)| id)).transpose()?;
        let filter = SignalFilter {
            loan,
            customer,
            level: q.level,
            code: q.code,
            owner,
            all: q.all,
            since: q.since,
            watched: q.watched,
            limit: q.limit,
            offset: q.offset,
        };
        let rows = store::list_signals(conn, &filter)?
            .into_iter()
            .map(|r| {
                let (loan, code) = (r.loan, r.code);
                let m = store::measures_of(conn, r.id)?;
                let mut v = SignalView::of(r, m, self.as_of);
                if q.special_asks {
                    v.special_asked_on = special_asked_by(conn, loan, &v, code)?;
                }
                Ok(v)
            })
            .collect::<Result<_>>()?;
        let total = if want_total { Some(store::count_signals(conn, &filter)?) } else { None };
        Ok(SignalPage { rows, total })
    }
}

/// When the loan's special inspection on the schedule was asked for by this signal: the run's
/// opening says `signal CODE`, a person's warning or measure `warning ID`.
fn special_asked_by<'a>(
    conn: impl Into<Db<'a>>,
    loan: store::LoanId,
    s: &SignalView,
    code: SignalCode,
) -> Result<Option<NaiveDate>> {
    let conn = conn.into();
    let Some((on, reason)) = store::special_asked(conn, loan)? else { return Ok(None) };
    let by_run = code != SignalCode::Manual && reason == format!("signal {code}");
    let by_hand = reason == format!("warning {}", s.id) || reason.starts_with(&format!("warning {}: ", s.id));
    Ok((by_run || by_hand).then_some(on).filter(|on| *on >= s.raised_on))
}
