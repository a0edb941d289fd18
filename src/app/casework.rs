//! Working a case: logging contacts under the conduct rules, with promises to pay.

use chrono::{DateTime, Duration, NaiveDate};
use serde::Serialize;

use super::text_in::text_in;
use super::{AppError, Desk, Result};
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
        let since = (self.now - Duration::days(CONDUCT_LOOKBACK_DAYS)).to_rfc3339();
        let rows = store::contacts_for_conduct(self.store.conn(), loan.customer_id, &since)?;
        rows.into_iter().map(|r| self.past_contact(r)).collect()
    }

    fn past_contact(&self, r: ConductRow) -> Result<PastContact> {
        let bad = |what: &str, v: &str| {
            AppError::Store(store::StoreError::Corrupt(format!("contact {what} '{v}'")))
        };
        let at = DateTime::parse_from_rfc3339(&r.at).map_err(|_| bad("time", &r.at))?;
        Ok(PastContact {
            at: at.with_timezone(self.now.offset()).naive_local(),
            loan: r.loan,
            party: r.party.parse().map_err(|_| bad("party", &r.party))?,
            channel: r.channel.parse().map_err(|_| bad("channel", &r.channel))?,
            direction: r.direction.parse().map_err(|_| bad("direction", &r.direction))?,
            outcome: r.outcome.parse().map_err(|_| bad("outcome", &r.outcome))?,
            phone: r.phone,
        })
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
        loan_refs.into_iter().map(|r| self.may_call(profile, r)).collect()
    }

    fn may_call(&self, profile: ConductProfile, loan_ref: &str) -> Result<std::result::Result<(), Refusal>> {
        let loan = self.loan(loan_ref)?;
        let p = self.proposed(&loan, &ContactInput::call(loan_ref, Outcome::NoAnswer));
        Ok(conduct::check(profile, &p, &self.conduct_history(&loan)?))
    }

    /// Records a contact (and a promise to pay) after the conduct rules allow it. A refusal can be
    /// overridden only by a supervisor, with a reason, which is kept on the record and in the audit log.
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
        // A dispute or hardship hold stops outbound collection contacts; the debtor may still call in.
        let held = match (input.direction, input.corrects) {
            (Direction::Outbound, None) => {
                store::holds_of(self.store.conn(), loan.id, self.as_of)?.into_iter().find(|h| h.in_force)
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
            self.actor.require(
                Role::Supervisor,
                &format!("contacting loan {} during its {} hold", loan.loan_ref, h.kind),
            )?;
        }
        // A correction is not a new attempt, so the rules that count attempts do not apply to it.
        let refusal = match input.corrects {
            Some(_) => None,
            None => conduct::check(
                self.conduct_profile()?,
                &self.proposed(&loan, input),
                &self.conduct_history(&loan)?,
            )
            .err(),
        };
        let overridden = match (&refusal, override_reason) {
            (None, _) => None,
            (Some(r), Some(_)) => {
                self.actor
                    .require(Role::Supervisor, &format!("overriding the conduct rule {}", r.rule.as_str()))?;
                Some(r.rule.as_str().to_string())
            }
            (Some(r), None) => return Err(AppError::Refused(format!("contact refused: {r}"))),
        };
        let overridden = match (held.is_some(), overridden) {
            (false, o) => o,
            (true, None) => Some("hold".to_string()),
            (true, Some(rule)) => Some(format!("hold, {rule}")),
        };
        let at = self.stamp();
        let user = self.actor.user.as_ref().map(|u| u.id);
        let actor = self.actor.login.clone();
        let made_on = self.now.date_naive();
        let phone = self.proposed(&loan, input).phone;
        let rules = self.rules;
        let logged = self.store.write(|tx| -> Result<LoggedContact> {
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
                    corrects: input.corrects,
                    flags: ContactFlags {
                        debtor_asked: input.debtor_asked,
                        no_disclosure_ack: input.no_disclosure_ack,
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
                "party": input.party.as_str(),
                "channel": input.channel.as_str(),
                "outcome": input.outcome.as_str(),
                "promise": input.promise.map(|(a, d)| serde_json::json!({ "amount": a, "due_on": d.to_string() })),
                "override_rule": overridden,
                "override_reason": overridden.as_ref().and(override_reason),
            });
            store::insert_audit(tx, &at, &actor, "contact_log", "loan", Some(&loan.loan_ref), &detail.to_string())?;
            if promise_id.is_some() {
                store::refresh_loans(tx, &[loan.id], &rules)?;
            }
            Ok(LoggedContact { contact_id, loan_id: loan.loan_ref.clone(), at: at.clone(), promise_id, overridden: overridden.clone() })
        })?;
        Ok(logged)
    }

    fn validate_contact(&self, loan: &Loan, input: &ContactInput) -> Result<()> {
        text_in(&input.note, "the note", Lines::Many)?;
        if let Some(phone) = &input.phone {
            text_in(phone, "the phone number", Lines::One)?;
        }
        if let Some(reason) = &input.override_reason {
            text_in(reason, "the reason for the override", Lines::One)?;
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
        if let Some(id) = input.corrects
            && !store::contact_exists(self.store.conn(), loan.id, id)?
        {
            return Err(AppError::Input(format!("contact {id} is not on loan {}", loan.loan_ref)));
        }
        Ok(())
    }
}

/// What the next action on a case is.
pub const NEXT_ACTION_KINDS: &[&str] = &["callback", "visit", "letter"];

impl Desk {
    /// Claims an edit of the case in the caller's transaction, refusing a stale one with who changed
    /// it and when: no edit silently overwrites another desk's.
    /// Another user's running lease on the case refuses it first (exit 3).
    pub(crate) fn claim_edit(
        tx: &rusqlite::Connection,
        loan: &Loan,
        expected: Option<i64>,
        me: super::leases::EditAs,
    ) -> Result<()> {
        Self::check_lease(tx, loan, me)?;
        match store::bump_version(tx, loan.id, expected)? {
            Ok(_) => Ok(()),
            Err(current) => {
                let by = store::last_change(tx, "loan", &loan.loan_ref)?
                    .map(|(who, at)| format!("changed by {who} at {at}"))
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
        let conn = self.store.conn();
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

/// A plan as proposed (`saved: None`) or as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanOutcome {
    pub loan_id: String,
    pub kind: String,
    pub effective_on: NaiveDate,
    pub schedule: Vec<super::views::ScheduleLine>,
    /// What the plan reschedules (the arrears, or the balance): its headline.
    pub rescheduled: Money,
    /// The whole new schedule, later installments carried over included.
    pub total: Money,
    /// The installments that are the plan's own, by number (the others are the contract's).
    pub plan_installments: Vec<u32>,
    /// Paid on the loan so far (before the plan), for the preview's header.
    pub paid_so_far: Money,
    pub saved: Option<i64>,
    pub observation_until: Option<NaiveDate>,
}

impl Desk {
    /// Builds a payment plan, extension or restructure as of the desk's date; with `save`, puts it
    /// in force (with a reason, a version check, and the audit record). The preview and the saved
    /// schedule are the same lines.
    pub fn plan(
        &mut self,
        loan_ref: &str,
        req: &crate::domain::plan::PlanRequest,
        save: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<PlanOutcome> {
        use crate::domain::plan::{
            PlanHold, PlanKind, arrears_left, build_plan, held_class, observation_until, plan_lines,
            rescheduled,
        };
        let loan = self.loan(loan_ref)?;
        if req.kind == PlanKind::Plan {
            self.require_case(&loan, "proposing a payment plan")?;
        } else {
            self.actor.require(Role::Supervisor, &format!("an {}", req.kind))?;
        }
        // Saved for a date ahead of the clock, a plan would count no payment until then and
        // make the loan current today.
        let clock_day = self.now.date_naive();
        if save.is_some() && self.as_of > clock_day {
            return Err(AppError::Refused(format!(
                "a plan, extension or restructure is saved as of today ({clock_day}), not {}: leave out \
                 --as-of to save it, or keep it to preview one",
                self.as_of
            )));
        }
        let conn = self.store.conn();
        let (schedule, payments) = store::schedule_inputs(conn, &loan)?;
        let a = crate::domain::assess(&schedule, &payments, loan.terms.rate, self.as_of, &self.rules);
        let lines =
            build_plan(&loan.terms, &a, req, self.policy.plan_max_first_days).map_err(AppError::Input)?;
        // Payments dated after the plan's date count against the new schedule.
        let effective_on = self.as_of + Duration::days(1);
        let observation =
            (req.kind == PlanKind::Restructure).then(|| observation_until(effective_on, &lines));
        // The plan holds the class the loan carries now and the arrears it takes over.
        let before = store::plan_hold(conn, &loan)?;
        let class = crate::domain::loan_class(
            &a,
            loan.observation_until,
            held_class(before, &schedule, &payments, &a)
                .max(loan.manual_class.and_then(|m| m.in_force(self.as_of))),
        );
        let arrears = a.overdue_amount().max(arrears_left(before, &payments, self.as_of));
        let hold = PlanHold { since: effective_on, class, arrears };
        let preview = crate::domain::assess(&lines, &[], loan.terms.rate, self.as_of, &self.rules);
        let mut outcome = PlanOutcome {
            loan_id: loan.loan_ref.clone(),
            kind: req.kind.as_str().to_string(),
            effective_on,
            schedule: preview.installments.iter().map(super::views::ScheduleLine::from).collect(),
            rescheduled: rescheduled(&a, req.scope),
            total: lines.iter().map(|l| l.payment()).sum(),
            plan_installments: lines
                .iter()
                .zip(plan_lines(&a, &lines))
                .filter(|(_, own)| *own)
                .map(|(l, _)| l.seq)
                .collect(),
            paid_so_far: store::payments_of(self.store.conn(), loan.id)?.iter().map(|p| p.amount).sum(),
            saved: None,
            observation_until: observation,
        };
        let Some(reason) = save else { return Ok(outcome) };
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::Input(format!("saving an {} needs a reason", req.kind)));
        }
        text_in(reason, "the reason", Lines::One)?;
        let (at, actor, rules) = (self.stamp(), self.actor.login.clone(), self.rules);
        let user = self.actor.user.as_ref().map(|u| u.id);
        let today = self.as_of;
        let me = self.edit_as();
        let inspections = self.policy.inspections;
        let id = self.store.write(|tx| -> Result<i64> {
            Self::claim_edit(tx, &loan, expected_version, me)?;
            let id = store::insert_schedule(
                tx,
                &store::NewSchedule {
                    loan: loan.id,
                    kind: req.kind.as_str(),
                    effective_on,
                    reason,
                    created_by: user,
                    at: &at,
                    lines: &lines,
                    hold,
                },
            )?;
            if observation.is_some() {
                store::set_observation_until(tx, loan.id, observation)?;
            }
            store::refresh_loans(tx, &[loan.id], &rules)?;
            // A plan holds the class it was saved at, and with it the inspection interval.
            super::inspect::reschedule_loans(tx, &[loan.id], &inspections)?;
            let detail = serde_json::json!({
                "schedule": id,
                "schedule_before": loan.schedule_id,
                "kind": req.kind.as_str(),
                "installments": lines.len(),
                "total": outcome.total,
                "effective_on": effective_on.to_string(),
                "reason": reason,
                "holds": { "class": class.as_str(), "arrears": arrears },
            });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "plan_save",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            let task = super::tasks::TaskKind::PlanOffer;
            super::tasks::complete_work(tx, loan.id, task, today, &actor, &format!("plan {id} saved"))?;
            Ok(id)
        })?;
        outcome.saved = Some(id);
        Ok(outcome)
    }
}
