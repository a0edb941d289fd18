//! Writing the book: the demo team, then customer by customer their loans with payments, stage
//! placement, write-offs and agencies, and the contacts and promises of each, through the store
//! in the load's transaction.

use crate::store::Db;
use std::borrow::Cow;

use chrono::NaiveDate;

use super::contacts::plan_contacts;
use super::loans::{PayRef, Security, days, pick_kind, pick_target, plan, security};
use super::people::{COLLECTORS, SUPERVISOR, mobile, person_name};
use super::places::{AGENCIES, BRANCHES, Branch};
use super::rng::Rng;
use crate::app::{AppError, Result};
use crate::domain::{
    AssessRules, Channel, Outcome, Party, Payment, Role, Stage, StageBands, assess, is_secured,
};
use crate::store::{self, CustomerId, NewContact, NewLoan, StageEvent, UserId};

/// What the generator takes from the desk.
pub(super) struct Ctx {
    pub(super) as_of: NaiveDate,
    pub(super) stamp: String,
    /// The desk's UTC offset as written in timestamps, e.g. `+08:00`.
    pub(super) offset: String,
    pub(super) login: String,
    pub(super) rules: AssessRules,
}

pub(super) struct Team {
    supervisor: String,
    collectors: Vec<(String, UserId)>,
}

impl Team {
    /// Creates the supervisor and the collectors, keeping any that already exist; each one created
    /// is an audit entry, as `users add` makes.
    pub(super) fn create<'a>(conn: impl Into<Db<'a>>, at: &str, actor: &str) -> Result<Team> {
        let conn = conn.into();
        let ensure = |login: &str, display: &str, role: Role| -> Result<UserId> {
            if let Some(u) = store::user_by_login(conn, login)? {
                return Ok(u.id);
            }
            let id = store::insert_user(conn, login, Some(display), role, at)?;
            let detail = serde_json::json!({
                "before": null,
                "after": { "role": role.as_str(), "display_name": display, "active": true },
                "demo": true,
            });
            store::insert_audit(conn, at, actor, "user_add", "user", Some(login), &detail.to_string())?;
            Ok(id)
        };
        ensure(SUPERVISOR.0, SUPERVISOR.1, Role::Supervisor)?;
        let collectors = COLLECTORS
            .iter()
            .map(|(login, display)| Ok((login.to_string(), ensure(login, display, Role::Collector)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Team { supervisor: SUPERVISOR.0.to_string(), collectors })
    }

    pub(super) fn logins(&self) -> Vec<String> {
        std::iter::once(self.supervisor.clone())
            .chain(self.collectors.iter().map(|(l, _)| l.clone()))
            .collect()
    }
}

#[derive(Debug, Default)]
pub(super) struct Counts {
    pub(super) customers: u64,
    pub(super) payments: u64,
    pub(super) contacts: u64,
}

pub(super) struct Customer {
    customer_ref: String,
    name: String,
    phone: String,
    owner: UserId,
    branch: Branch,
    id: Option<CustomerId>,
}

pub(super) struct Generator {
    pub(super) rng: Rng,
    pub(super) ctx: Ctx,
    pub(super) team: Team,
    pub(super) counts: Counts,
}

impl Generator {
    pub(super) fn customer(&mut self) -> Customer {
        self.counts.customers += 1;
        let owner = self.team.collectors[self.rng.below(self.team.collectors.len() as u64) as usize].1;
        Customer {
            customer_ref: format!("KH{:08}", self.counts.customers),
            name: person_name(&mut self.rng),
            phone: mobile(&mut self.rng),
            owner,
            branch: self.rng.pick(BRANCHES),
            id: None,
        }
    }

    pub(super) fn loans_per_customer(&mut self) -> u64 {
        self.rng.weighted(&[(1, 86), (2, 10), (3, 4)])
    }

    fn time(&self, day: NaiveDate, minute: u32) -> String {
        format!("{day}T{:02}:{:02}:00{}", 9 + minute / 60, minute % 60, self.ctx.offset)
    }

    pub(super) fn loan<'a>(
        &mut self,
        conn: impl Into<Db<'a>>,
        customer: &mut Customer,
        number: u64,
    ) -> Result<()> {
        let conn = conn.into();
        let as_of = self.ctx.as_of;
        let target = pick_target(&mut self.rng);
        let kind = pick_kind(&mut self.rng, target);
        let plan = plan(&mut self.rng, kind, target, as_of);
        let branch = customer.branch;
        let Security { guarantor, guarantor_phone, collateral } =
            security(&mut self.rng, kind, plan.terms.principal, plan.terms.disbursed_on, &branch);
        let secured = is_secured(guarantor.as_deref(), collateral.as_deref());
        let has_guarantor = is_secured(guarantor.as_deref(), None);
        let loan_ref = format!("DL{number:08}");
        let new = NewLoan {
            loan_ref,
            customer_ref: Some(customer.customer_ref.clone()),
            borrower: customer.name.clone(),
            phone: Some(customer.phone.clone()),
            terms: plan.terms,
            guarantor,
            guarantor_phone,
            collateral,
            branch: Some(branch.name.to_string()),
            assignee: Some(customer.owner),
        };
        let stamp = &self.ctx.stamp;
        let loan = store::insert_loan(conn, &new, stamp)?;
        let customer_id = match customer.id {
            Some(id) => id,
            None => {
                let id = store::customer_by_ref(conn, &customer.customer_ref)?
                    .map(|(id, _)| id)
                    .ok_or_else(|| AppError::Input(format!("customer {} vanished", customer.customer_ref)))?;
                customer.id = Some(id);
                id
            }
        };

        let mut payments = Vec::with_capacity(plan.pays.len());
        for p in &plan.pays {
            let reference = match p.reference {
                PayRef::Opening => Cow::Borrowed("opening balance"),
                PayRef::Payoff => Cow::Borrowed("early payoff"),
                PayRef::Installment(k) => Cow::Owned(format!("RP{}-{k:03}", p.on.format("%Y%m%d"))),
                PayRef::Partial(k) => Cow::Owned(format!("PP{}-{k:03}", p.on.format("%Y%m%d"))),
            };
            store::insert_payment(conn, loan, p.on, p.amount, Some(&reference), stamp)?;
            payments.push(Payment { paid_on: p.on, amount: p.amount });
        }
        self.counts.payments += plan.pays.len() as u64;

        let a = assess(&plan.schedule, &payments, plan.terms.rate, as_of, &self.ctx.rules);
        let stage = if a.closed { Stage::Current } else { StageBands::default().stage_for(a.dpd, secured) };
        if stage != Stage::Current {
            let band = match stage {
                Stage::Reminder => "1–30",
                Stage::Negotiation if secured => "31–60",
                Stage::Negotiation => "31–90, no guarantor or collateral",
                Stage::Guarantor => "61–90",
                _ => "91 and over",
            };
            let ev = StageEvent {
                from: Stage::Current,
                to: stage,
                as_of,
                actor: "policy".into(),
                reason: format!("initial placement: DPD {} in band {stage} ({band})", a.dpd),
                at: stamp.clone(),
            };
            store::record_stage_change(conn, loan, &ev)?;
        }
        let written_off = a.dpd > 270 && self.rng.chance(25);
        if written_off {
            let ev = StageEvent {
                from: stage,
                to: Stage::WrittenOff,
                as_of,
                actor: self.team.supervisor.clone(),
                reason: format!("核销：逾期{}天，经诉讼追偿无可执行财产，报批核销", a.dpd),
                at: stamp.clone(),
            };
            store::record_stage_change(conn, loan, &ev)?;
            store::write_off(conn, loan, as_of)?;
        } else if (stage == Stage::Legal && self.rng.chance(12))
            || (stage == Stage::Negotiation && self.rng.chance(6))
        {
            store::set_agency(conn, loan, Some(self.rng.pick(AGENCIES)))?;
        }

        // Contacts: every delinquent loan, some current ones.
        let contacts = if a.closed {
            Vec::new()
        } else {
            plan_contacts(&mut self.rng, &a, secured, has_guarantor, written_off, plan.kept)
        };
        let debtor_phone = customer.phone.clone();
        let mut next_action = None;
        for c in &contacts {
            let at = self.time(c.day, c.minute);
            let phone = match (c.channel, c.party) {
                (Channel::Call | Channel::Sms, Party::Debtor) => Some(debtor_phone.as_str()),
                (Channel::Call | Channel::Sms, Party::Guarantor) => new.guarantor_phone.as_deref(),
                _ => None,
            };
            let id = store::insert_contact(
                conn,
                &NewContact {
                    loan,
                    customer: customer_id,
                    party: c.party,
                    channel: c.channel,
                    direction: c.direction,
                    outcome: c.outcome,
                    phone,
                    note: &c.note,
                    user: Some(customer.owner),
                    at: &at,
                    corrects: None,
                    flags: Default::default(),
                },
            )?;
            if let Some((amount, due)) = c.promise {
                store::insert_promise(conn, loan, Some(id), amount, c.day, due, Some(customer.owner))?;
                if due >= as_of {
                    next_action = Some(days(due, 1));
                }
            }
            if c.outcome == Outcome::Callback {
                next_action = Some(days(c.day, 1).max(days(as_of, -2)));
            }
        }
        self.counts.contacts += contacts.len() as u64;
        if !written_off && !a.closed {
            if next_action.is_none() && a.dpd > 0 && self.rng.chance(30) {
                next_action = Some(days(as_of, self.rng.range(-2, 10)));
            }
            if next_action.is_some() {
                store::set_next_action(conn, loan, next_action)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_date;

    #[test]
    fn contact_times_are_office_hours_in_the_desk_s_offset() {
        let ctx = Ctx {
            as_of: parse_date("2026-03-01").expect("date"),
            stamp: "2026-03-01T10:00:00-05:00".into(),
            offset: "-05:00".into(),
            login: "admin".into(),
            rules: AssessRules::default(),
        };
        let team = Team { supervisor: SUPERVISOR.0.into(), collectors: Vec::new() };
        let g = Generator { rng: Rng::new(1), ctx, team, counts: Counts::default() };
        let day = parse_date("2026-02-27").expect("date");
        assert_eq!(g.time(day, 0), "2026-02-27T09:00:00-05:00");
        assert_eq!(g.time(day, 659), "2026-02-27T19:59:00-05:00");
    }
}
