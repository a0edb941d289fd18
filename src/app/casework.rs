//! Working a case: logging contacts under the conduct rules, with promises to pay, and the next
//! action. Plans are `plans.rs`, corrections `correction.rs`.

use crate::store::Db;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use serde::Serialize;

use super::text_in::text_in;
use super::{AppError, Desk, Result, correction};
use crate::domain::conduct::{self, ConductProfile, PastContact, Proposed, Refusal};
use crate::domain::input::Lines;
use crate::domain::{Channel, Direction, Money, Outcome, Party, Role};
use crate::store::{self, ConductRow, ContactFlags, Loan, NewContact};

/// How far back the conduct rules read a customer's contacts (the longest window is 7 days; the
/// third-party rule counts failed attempts within this span).
const CONDUCT_LOOKBACK_DAYS: i64 = 30;

/// A contact as the collector records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactInput {
    pub loan_ref: String,
    pub party: Party,
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    pub note: String,
    /// The number called; defaults to the debtor's or the guarantor's phone on file.
    pub phone: Option<String>,
    pub promise: Option<(Money, NaiveDate)>,
    pub debtor_asked: bool,
    pub no_disclosure_ack: bool,
    /// A supervisor's reason to go ahead although a conduct rule refuses.
    pub override_reason: Option<String>,
    /// The contact this record corrects (history is append-only).
    pub corrects: Option<i64>,
}

impl ContactInput {
    /// A call to the debtor with this outcome: the common case.
    pub fn call(loan_ref: &str, outcome: Outcome) -> Self {
        ContactInput {
            loan_ref: loan_ref.to_string(),
            party: Party::Debtor,
            channel: Channel::Call,
            direction: Direction::Outbound,
            outcome,
            note: String::new(),
            phone: None,
            promise: None,
            debtor_asked: false,
            no_disclosure_ack: false,
            override_reason: None,
            corrects: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedContact {
    pub contact_id: i64,
    pub loan_id: String,
    pub at: String,
    pub promise_id: Option<i64>,
    /// The rule a supervisor overrode, if any.
    pub overridden: Option<String>,
}

impl Desk {
    pub fn conduct_profile(&self) -> Result<ConductProfile> {
        self.setting("conduct_profile")?.parse().map_err(AppError::Input)
    }

    /// A collector works own cases; supervisors and admins any.
    pub(crate) fn require_case(&self, loan: &Loan, what: &str) -> Result<()> {
        let user = self.actor.require(Role::Collector, what)?;
        if user.role.includes(Role::Supervisor) || loan.assignee_id == Some(user.id) {
            return Ok(());
        }
        Err(AppError::Refused(format!(
            "{what}: case {} belongs to {}; a collector works own cases — ask a supervisor to reassign it",
            loan.loan_ref,
            loan.assignee.as_deref().unwrap_or("nobody")
        )))
    }

    fn conduct_history(&self, loan: &Loan) -> Result<Vec<PastContact>> {
        conduct_history(self.store.db(), loan, &self.now)
    }

    fn proposed(&self, loan: &Loan, input: &ContactInput) -> Proposed {
        let on_file = match input.party {
            Party::Debtor => loan.phone.clone(),
            Party::Guarantor => loan.guarantor_phone.clone(),
            Party::ThirdParty => None,
        };
        Proposed {
            at: self.now.naive_local(),
            loan: loan.id.0,
            party: input.party,
            channel: input.channel,
            direction: input.direction,
            phone: input.phone.clone().or(on_file),
            debtor_asked: input.debtor_asked,
            no_disclosure_ack: input.no_disclosure_ack,
        }
    }

    /// Whether the debtor of this loan may be called now, and if not why and until when.
    pub fn may_call_now(&self, loan_ref: &str) -> Result<std::result::Result<(), Refusal>> {
        self.may_call(self.conduct_profile()?, loan_ref)
    }

    /// `may_call_now` for each loan of a page (the queue's callable mark), the profile read once.
    pub fn may_call_each<'a>(
        &self,
        loan_refs: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<std::result::Result<(), Refusal>>> {
        let profile = self.conduct_profile()?;
        let refs: Vec<&str> = loan_refs.into_iter().collect();
        // The page's loans and their customers' contacts read together (a round trip each on a server).
        let db = self.store.db();
        let loans: std::collections::HashMap<String, Loan> =
            store::loans_by_refs(db, &refs)?.into_iter().map(|l| (l.loan_ref.clone(), l)).collect();
        let mut customers: Vec<store::CustomerId> = loans.values().map(|l| l.customer_id).collect();
        customers.sort_unstable();
        customers.dedup();
        let since = (self.now - Duration::days(CONDUCT_LOOKBACK_DAYS)).to_rfc3339();
        let mut history = std::collections::HashMap::with_capacity(customers.len());
        for (customer, rows) in store::contacts_for_conduct_of(db, &customers, &since)? {
            let past = rows
                .into_iter()
                .map(|row| past_contact(row, self.now.offset()))
                .collect::<Result<Vec<_>>>()?;
            history.insert(customer, past);
        }
        refs.iter()
            .map(|r| {
                let loan = loans.get(*r).ok_or_else(|| AppError::Input(format!("unknown loan '{r}'")))?;
                let p = self.proposed(loan, &ContactInput::call(r, Outcome::NoAnswer));
                Ok(conduct::check(profile, &p, history.get(&loan.customer_id).map_or(&[][..], Vec::as_slice)))
            })
            .collect()
    }

    fn may_call(&self, profile: ConductProfile, loan_ref: &str) -> Result<std::result::Result<(), Refusal>> {
        let loan = self.loan(loan_ref)?;
        let p = self.proposed(&loan, &ContactInput::call(loan_ref, Outcome::NoAnswer));
        Ok(conduct::check(profile, &p, &self.conduct_history(&loan)?))
    }

    /// Records a contact (and a promise to pay) after the conduct rules allow it. A refusal can be
    /// overridden only by a supervisor, with a reason, which is kept on the record and in the audit log.
    /// The rules read the customer's history in the transaction that writes the contact, so desks
    /// logging at the same moment cannot each find room under a cap that only one of them has.
    pub fn log_contact(&mut self, input: &ContactInput) -> Result<LoggedContact> {
        let loan = self.loan(&input.loan_ref)?;
        self.require_case(&loan, "logging a contact")?;
        let unmasked;
        let input = match self.unmask_phone(&loan, input.phone.as_deref())? {
            Some(phone) => {
                unmasked = ContactInput { phone: Some(phone), ..input.clone() };
                &unmasked
            }
            None => input,
        };
        self.validate_contact(&loan, input)?;
        let override_reason = input.override_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if input.override_reason.is_some() && override_reason.is_none() {
            return Err(AppError::Input("an override needs a reason".into()));
        }
        let profile = self.conduct_profile()?;
        let proposed = self.proposed(&loan, input);
        let at = self.stamp();
        let user = self.actor.user.as_ref().map(|u| u.id);
        let made_on = self.now.date_naive();
        let (now, as_of, rules, actor) = (self.now, self.as_of, self.rules, &self.actor);
        let logged = self.store.write(|tx| -> Result<LoggedContact> {
            // A correction is no attempt: it keeps what the original was, and no rule counts it.
            let original = match input.corrects {
                Some(id) => Some(correction::corrected(tx, &loan, &asked(input), id)?),
                None => None,
            };
            // A dispute or hardship hold stops outbound collection contacts; the debtor may still call in.
            let held = match (input.direction, &original) {
                (Direction::Outbound, None) => {
                    store::holds_of(tx, loan.id, as_of)?.into_iter().find(|h| h.in_force)
                }
                _ => None,
            };
            if let Some(h) = &held {
                if override_reason.is_none() {
                    return Err(AppError::Refused(format!(
                        "contact refused: loan {} is on a {} hold until {} ({}); inbound contacts are allowed, \
                         a supervisor may override with a reason",
                        loan.loan_ref, h.kind, h.until_on, h.reason
                    )));
                }
                actor.require(
                    Role::Supervisor,
                    &format!("contacting loan {} during its {} hold", loan.loan_ref, h.kind),
                )?;
            }
            let refusal = match &original {
                Some(_) => None,
                None => conduct::check(profile, &proposed, &conduct_history(tx, &loan, &now)?).err(),
            };
            let overridden = match (&refusal, override_reason) {
                (None, _) => None,
                (Some(r), Some(_)) => {
                    actor.require(Role::Supervisor, &format!("overriding the conduct rule {}", r.rule.as_str()))?;
                    Some(r.rule.as_str().to_string())
                }
                (Some(r), None) => return Err(AppError::Refused(format!("contact refused: {r}"))),
            };
            let overridden = match (held.is_some(), overridden) {
                (false, o) => o,
                (true, None) => Some("hold".to_string()),
                (true, Some(rule)) => Some(format!("hold, {rule}")),
            };
            let phone = match &original {
                Some(o) => o.phone.clone(),
                None => proposed.phone.clone(),
            };
            let contact_id = store::insert_contact(
                tx,
                &NewContact {
                    loan: loan.id,
                    customer: loan.customer_id,
                    party: input.party,
                    channel: input.channel,
                    direction: input.direction,
                    outcome: input.outcome,
                    phone: phone.as_deref(),
                    note: input.note.trim(),
                    user,
                    at: &at,
                    corrects: original.as_ref().map(|o| o.id),
                    flags: ContactFlags {
                        debtor_asked: original.is_none() && input.debtor_asked,
                        no_disclosure_ack: original.is_none() && input.no_disclosure_ack,
                        override_rule: overridden.as_deref(),
                        override_reason: overridden.as_ref().and(override_reason),
                    },
                },
            )?;
            let promise_id = match input.promise {
                Some((amount, due)) => {
                    Some(store::insert_promise(tx, loan.id, Some(contact_id), amount, made_on, due, user)?)
                }
                None => None,
            };
            let detail = serde_json::json!({
                "contact": contact_id,
                "corrects": original.as_ref().map(|o| o.id),
                "party": input.party.as_str(),
                "channel": input.channel.as_str(),
                "outcome": input.outcome.as_str(),
                "promise": input.promise.map(|(a, d)| serde_json::json!({ "amount": a, "due_on": d.to_string() })),
                "override_rule": overridden,
                "override_reason": overridden.as_ref().and(override_reason),
            });
            store::insert_audit(tx, &at, &actor.login, "contact_log", "loan", Some(&loan.loan_ref), &detail.to_string())?;
            if promise_id.is_some() {
                store::refresh_loans(tx, &[loan.id], &rules)?;
            }
            Ok(LoggedContact { contact_id, loan_id: loan.loan_ref.clone(), at: at.clone(), promise_id, overridden: overridden.clone() })
        })?;
        Ok(logged)
    }

    /// A correction of contact `id` of the loan, filled in as the original was; the caller sets
    /// the outcome and note it amends.
    pub fn correction_input(&self, loan_ref: &str, id: i64) -> Result<ContactInput> {
        let loan = self.loan(loan_ref)?;
        let original = correction::original(self.store.db(), &loan, id)?;
        Ok(ContactInput {
            party: original.party,
            channel: original.channel,
            direction: original.direction,
            phone: original.phone,
            corrects: Some(original.id),
            ..ContactInput::call(&loan.loan_ref, original.outcome)
        })
    }

    fn validate_contact(&self, loan: &Loan, input: &ContactInput) -> Result<()> {
        text_in(&input.note, "the note", Lines::Many)?;
        if let Some(phone) = &input.phone {
            text_in(phone, "the phone number", Lines::One)?;
        }
        if let Some(reason) = &input.override_reason {
            text_in(reason, "the reason for the override", Lines::One)?;
        }
        // What a correction may change is checked against its original (`correction::corrected`).
        if input.corrects.is_some() {
            return Ok(());
        }
        match (input.outcome, input.promise) {
            (Outcome::Promise, None) => {
                return Err(AppError::Input(
                    "outcome promise needs --promise-amount and --promise-date".into(),
                ));
            }
            (o, Some(_)) if o != Outcome::Promise => {
                return Err(AppError::Input(format!("a promise goes with outcome promise, not {o}")));
            }
            _ => {}
        }
        if let Some((amount, due)) = input.promise {
            amount.check_amount().map_err(|e| AppError::Input(format!("promise amount: {e}")))?;
            let today = self.now.date_naive();
            if due < today {
                return Err(AppError::Input(format!("promise date {due} is before today ({today})")));
            }
            let days = self.policy.promise_max_days;
            if (due - today).num_days() > days {
                return Err(AppError::Input(format!(
                    "promise date {due} is more than {days} days after today ({today}): the policy's \
                     promise.max_days; a longer arrangement is a payment plan (duedesk plan)"
                )));
            }
        }
        if input.party == Party::Guarantor && !crate::domain::is_secured(loan.guarantor.as_deref(), None) {
            return Err(AppError::Input(format!("loan {} has no guarantor on file", loan.loan_ref)));
        }
        Ok(())
    }
}

/// What a correction asks to record, for the check against its original.
fn asked(input: &ContactInput) -> correction::Asked<'_> {
    correction::Asked {
        party: input.party,
        channel: input.channel,
        direction: input.direction,
        outcome: input.outcome,
        phone: input.phone.as_deref(),
        promise: input.promise,
        override_reason: input.override_reason.as_deref(),
    }
}

/// The customer's contacts the conduct rules read, as of the clock `now`.
fn conduct_history<'a>(
    conn: impl Into<Db<'a>>,
    loan: &Loan,
    now: &DateTime<FixedOffset>,
) -> Result<Vec<PastContact>> {
    let conn = conn.into();
    let since = (*now - Duration::days(CONDUCT_LOOKBACK_DAYS)).to_rfc3339();
    let rows = store::contacts_for_conduct(conn, loan.customer_id, &since)?;
    rows.into_iter().map(|r| past_contact(r, now.offset())).collect()
}

fn past_contact(r: ConductRow, offset: &FixedOffset) -> Result<PastContact> {
    let bad =
        |what: &str, v: &str| AppError::Store(store::StoreError::Corrupt(format!("contact {what} '{v}'")));
    let at = DateTime::parse_from_rfc3339(&r.at).map_err(|_| bad("time", &r.at))?;
    Ok(PastContact {
        at: at.with_timezone(offset).naive_local(),
        loan: r.loan,
        party: r.party.parse().map_err(|_| bad("party", &r.party))?,
        channel: r.channel.parse().map_err(|_| bad("channel", &r.channel))?,
        direction: r.direction.parse().map_err(|_| bad("direction", &r.direction))?,
        outcome: r.outcome.parse().map_err(|_| bad("outcome", &r.outcome))?,
        phone: r.phone,
    })
}

/// What the next action on a case is.
pub const NEXT_ACTION_KINDS: &[&str] = &["callback", "visit", "letter"];

impl Desk {
    /// Claims an edit of the case in the caller's transaction, refusing a stale one with who changed
    /// it and when: no edit silently overwrites another desk's.
    /// Another user's running lease on the case refuses it first (exit 3).
    pub(crate) fn claim_edit<'a>(
        tx: impl Into<Db<'a>>,
        loan: &Loan,
        expected: Option<i64>,
        me: super::leases::EditAs,
    ) -> Result<()> {
        let tx = tx.into();
        Self::check_lease(tx, loan, me)?;
        match store::bump_version(tx, loan.id, expected)? {
            Ok(_) => Ok(()),
            Err(current) => {
                let by = store::last_change(tx, "loan", &loan.loan_ref)?
                    .map(|(who, at)| format!("changed by {who} at {}", super::clock::local_time(&at, &me.at)))
                    .unwrap_or_else(|| "changed by another desk".to_string());
                Err(AppError::Refused(format!(
                    "case {} was {by} (version {current}, you had {}) — reload and try again",
                    loan.loan_ref,
                    expected.unwrap_or(current)
                )))
            }
        }
    }

    /// Sets (or clears) the next action date of a case, which orders the queue.
    pub fn set_next_action(
        &mut self,
        loan_ref: &str,
        on: Option<NaiveDate>,
        kind: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let loan = self.loan(loan_ref)?;
        self.require_case(&loan, "setting the next action")?;
        if let Some(k) = kind.filter(|k| !NEXT_ACTION_KINDS.contains(k)) {
            return Err(AppError::Input(format!("next action '{k}': use {}", NEXT_ACTION_KINDS.join(", "))));
        }
        if let Some(d) = on.filter(|d| *d < self.now.date_naive()) {
            return Err(AppError::Input(format!("next action date {d} is in the past")));
        }
        let (at, actor) = (self.stamp(), self.actor.login.clone());
        let me = self.edit_as();
        self.store.write(|tx| -> Result<()> {
            Self::claim_edit(tx, &loan, expected_version, me)?;
            // What it was when the edit took hold, not when it was read (an unversioned edit).
            let was = store::loan_by_ref(tx, &loan.loan_ref)?;
            let was = was.as_ref().unwrap_or(&loan);
            store::set_next_action(tx, loan.id, on)?;
            store::set_next_action_kind(tx, loan.id, on.and(kind))?;
            let detail = serde_json::json!({
                "before": was.next_action_on.map(|d| d.to_string()),
                "after": on.map(|d| d.to_string()),
                "kind_before": was.next_action_kind,
                "kind": on.and(kind),
            });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "next_action",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            Ok(())
        })
    }
}

/// One promise in the book-wide list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromiseListRow {
    pub loan_id: String,
    pub borrower: String,
    pub assignee: Option<String>,
    pub amount: Money,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub status: crate::domain::PromiseStatus,
    pub made_by: Option<String>,
}

impl Desk {
    /// Promises due in a date range, with their status as of the desk's date.
    pub fn promises(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        assignee: Option<&str>,
        status: Option<crate::domain::PromiseStatus>,
        limit: Option<u64>,
    ) -> Result<Vec<PromiseListRow>> {
        let conn = self.store.db();
        let owner = match assignee {
            Some(login) => Some(
                store::user_by_login(conn, login)?
                    .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
                    .id,
            ),
            None => None,
        };
        // With a status filter the limit applies after the status is known.
        let fetch = if status.is_some() { None } else { limit };
        let mut out = Vec::new();
        for row in store::list_promises(conn, from, to, owner, fetch)? {
            let payments: Vec<crate::domain::Payment> = store::payments_of(conn, row.loan)?
                .iter()
                .map(|p| crate::domain::Payment { paid_on: p.paid_on, amount: p.amount })
                .collect();
            let p = &row.promise;
            let st = crate::domain::promise_status(
                p.made_on,
                p.due_on,
                p.amount,
                &payments,
                self.as_of,
                self.rules.promise_grace_days,
            );
            if status.is_some_and(|s| s != st) {
                continue;
            }
            out.push(PromiseListRow {
                loan_id: row.loan_ref,
                borrower: row.borrower,
                assignee: row.assignee,
                amount: p.amount,
                made_on: p.made_on,
                due_on: p.due_on,
                status: st,
                made_by: p.user.clone(),
            });
            if limit.is_some_and(|l| out.len() as u64 >= l) {
                break;
            }
        }
        Ok(out)
    }
}
