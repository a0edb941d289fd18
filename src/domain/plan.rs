//! Payment plans, extensions and restructures (DOMAIN §3, §5): a new explicit schedule for what is
//! owed as of a date. The contractual schedule stays for history; delinquency follows the new one.
//!
//! A plan is an agreement to pay, not a payment, so it never improves the loan's standing by
//! itself: DPD and bucket follow the new schedule (a missed installment of it is overdue from its
//! own date), but the class the loan carried when the plan was saved holds until the plan has
//! been kept as DOMAIN §5 asks of an upgrade (DPD 0, the arrears it took over repaid, and its
//! installments paid on time over the longer of the last two periods and six months), and the
//! escalation run does not cure the loan's stage until those arrears are repaid.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use super::classify::RiskClass;
use super::delinquency::{Assessment, InstallmentStatus, Payment};
use super::money::{Money, div_round, to_money};
use super::schedule::{Installment, build_schedule};
use super::terms::{LoanTerms, Product, Rate, add_months};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanKind {
    /// 还款计划: the arrears (or the whole balance) in agreed installments.
    Plan,
    /// 展期: the remaining balance over a longer term; the maturity moves later.
    Extension,
    /// 重组: new terms for the whole balance; the loan enters an observation period.
    Restructure,
}

impl PlanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanKind::Plan => "plan",
            PlanKind::Extension => "extension",
            PlanKind::Restructure => "restructure",
        }
    }
}

impl fmt::Display for PlanKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for PlanKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "plan" => Ok(PlanKind::Plan),
            "extension" => Ok(PlanKind::Extension),
            "restructure" => Ok(PlanKind::Restructure),
            _ => Err(format!("unknown kind '{s}': use plan, extension or restructure")),
        }
    }
}

/// A schedule put in force by a plan, extension or restructure: its lines, and the date from
/// which payments count against it (earlier ones went to the schedule it replaced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplicitSchedule {
    pub effective_on: NaiveDate,
    pub lines: Vec<Installment>,
    /// What the plan holds of the loan's standing (none for plans saved before it was kept).
    pub hold: Option<PlanHold>,
}

/// What a plan holds when it is saved: the class the loan carried, and the arrears it took over
/// (the overdue amount then), from its effective date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanHold {
    pub since: NaiveDate,
    pub class: RiskClass,
    pub arrears: Money,
}

/// The class a plan still holds the loan at (the caller takes the worse of it and the others),
/// or `None` once the plan has been kept as an upgrade needs: DPD 0, the arrears repaid, and the
/// schedule's installments covered on their own due dates over the longer of the last two
/// periods and six months, all since the plan. `schedule` and `counted` are the schedule in force
/// and the payments counted against it; `a` is their assessment.
pub fn held_class(
    hold: Option<PlanHold>,
    schedule: &[Installment],
    counted: &[Payment],
    a: &Assessment,
) -> Option<RiskClass> {
    let h = hold?;
    let kept = a.dpd == 0 && repaid(h, counted, a.as_of) && on_time(h.since, schedule, counted, a.as_of);
    (!kept).then_some(h.class)
}

/// Whether the plan still holds the stage: the escalation run does not cure a loan (back to
/// current) while the arrears its plan took over are not repaid.
pub fn cure_held(hold: Option<PlanHold>, counted: &[Payment], as_of: NaiveDate) -> bool {
    hold.is_some_and(|h| !repaid(h, counted, as_of))
}

fn repaid(h: PlanHold, counted: &[Payment], as_of: NaiveDate) -> bool {
    !arrears_left(Some(h), counted, as_of).is_positive()
}

/// What is still unpaid as of `as_of` of the arrears a plan took over: a plan saved over another
/// takes over at least this much, so a second plan cannot wipe the first one's arrears.
pub fn arrears_left(hold: Option<PlanHold>, counted: &[Payment], as_of: NaiveDate) -> Money {
    let Some(h) = hold else { return Money::ZERO };
    let paid: Money =
        counted.iter().filter(|p| p.paid_on >= h.since && p.paid_on <= as_of).map(|p| p.amount).sum();
    (h.arrears - paid).max(Money::ZERO)
}

/// The schedule's installments due in [as_of − 6 months, as_of), and in any case the last two
/// due before `as_of`, each covered by the payments dated on or before its due date; with six
/// months and two installments since `since` at least.
fn on_time(since: NaiveDate, schedule: &[Installment], counted: &[Payment], as_of: NaiveDate) -> bool {
    let Some(window) = as_of.checked_sub_months(chrono::Months::new(6)) else { return false };
    let due: Vec<&Installment> = schedule.iter().filter(|l| l.due_on < as_of).collect();
    if window < since || due.len() < 2 {
        return false;
    }
    let first = due.iter().position(|l| l.due_on >= window).unwrap_or(due.len()).min(due.len() - 2);
    let mut owed: Money = due[..first].iter().map(|l| l.payment()).sum();
    due[first..].iter().all(|l| {
        owed += l.payment();
        let paid: Money = counted.iter().filter(|p| p.paid_on <= l.due_on).map(|p| p.amount).sum();
        paid >= owed
    })
}

/// The schedule in force and the payments that count against it: an explicit schedule with the
/// payments dated from its effective date, else the contract's schedule with every payment.
pub fn schedule_in_force(
    terms: &LoanTerms,
    explicit: Option<ExplicitSchedule>,
    payments: Vec<Payment>,
) -> (Vec<Installment>, Vec<Payment>) {
    match explicit {
        Some(e) => {
            let counted = payments.into_iter().filter(|p| p.paid_on >= e.effective_on).collect();
            (e.lines, counted)
        }
        None => (build_schedule(terms), payments),
    }
}

/// What a plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanScope {
    /// The overdue amount; later installments stay as they were.
    Arrears,
    /// Everything owed: outstanding principal plus overdue interest.
    Balance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanRequest {
    pub kind: PlanKind,
    pub scope: PlanScope,
    /// Number of new installments; with `amount` on an arrears plan it follows from the amount.
    pub installments: Option<u32>,
    pub first_due: NaiveDate,
    /// Installment amount of an arrears plan (the last one takes the remainder).
    pub amount: Option<Money>,
}

pub const MAX_PLAN_INSTALLMENTS: u32 = 480;

/// The new schedule for a loan assessed as `a` (as of the plan's date) with contract `terms`;
/// its first installment falls due within `max_first_days` of that date (the policy's
/// `plan.max_first_days`), so a plan cannot put the arrears off for good.
pub fn build_plan(
    terms: &LoanTerms,
    a: &Assessment,
    req: &PlanRequest,
    max_first_days: i64,
) -> Result<Vec<Installment>, String> {
    if a.closed {
        return Err("the loan is paid off; there is nothing to plan".into());
    }
    if req.first_due < a.as_of {
        return Err(format!(
            "the first installment ({}) falls before the plan's date ({})",
            req.first_due, a.as_of
        ));
    }
    if (req.first_due - a.as_of).num_days() > max_first_days {
        return Err(format!(
            "the first installment ({}) is more than {max_first_days} days after the plan's date ({}): the \
             policy's plan.max_first_days",
            req.first_due, a.as_of
        ));
    }
    let lines = match (req.kind, req.scope) {
        (PlanKind::Plan, PlanScope::Arrears) => arrears_plan(a, req)?,
        (PlanKind::Extension, PlanScope::Arrears) | (PlanKind::Restructure, PlanScope::Arrears) => {
            return Err(format!("an {} covers the whole balance, not only the arrears", req.kind));
        }
        (kind, PlanScope::Balance) => {
            let n = count(req.installments)?;
            let product = if kind == PlanKind::Extension { terms.product } else { Product::Annuity };
            if kind == PlanKind::Extension {
                let last_due = a.installments.last().map(|s| s.installment.due_on);
                let new_last = add_months(req.first_due, n - 1);
                if last_due.is_some_and(|d| new_last <= d) {
                    return Err(format!(
                        "an extension moves the maturity later: the new last installment ({new_last}) is not after the current maturity ({})",
                        last_due.map_or_else(|| "-".into(), |d| d.to_string())
                    ));
                }
            }
            balance_plan(product, terms.rate, a, n, req.first_due)
        }
    };
    Ok(lines)
}

fn count(n: Option<u32>) -> Result<u32, String> {
    match n {
        Some(n) if (1..=MAX_PLAN_INSTALLMENTS).contains(&n) => Ok(n),
        Some(n) => Err(format!("{n} installments: use 1 to {MAX_PLAN_INSTALLMENTS}")),
        None => Err("give the number of installments".into()),
    }
}

/// The arrears in installments (interest first, as payments are allocated), then the later
/// installments of the contract with whatever is still unpaid of them.
fn arrears_plan(a: &Assessment, req: &PlanRequest) -> Result<Vec<Installment>, String> {
    let arrears = a.overdue_principal + a.overdue_interest;
    if !arrears.is_positive() {
        return Err("nothing is overdue: a plan for the arrears needs arrears".into());
    }
    let amounts: Vec<Money> = match (req.amount, req.installments) {
        (Some(amount), _) if !amount.is_positive() => {
            return Err("the installment amount must be more than 0.00".into());
        }
        (Some(amount), _) => {
            let (total, each) = (i128::from(arrears.cents()), i128::from(amount.cents()));
            let n = (total + each - 1) / each;
            if n > i128::from(MAX_PLAN_INSTALLMENTS) {
                return Err(format!(
                    "{amount} a month would take {n} installments; at most {MAX_PLAN_INSTALLMENTS}"
                ));
            }
            let mut v = vec![amount; usize::try_from(n - 1).unwrap_or(0)];
            v.push(to_money(total - each * (n - 1)));
            v
        }
        (None, n) => {
            let n = count(n)?;
            let each = to_money(div_round(i128::from(arrears.cents()), i128::from(n)));
            let mut v = vec![each; n as usize - 1];
            v.push(to_money(i128::from(arrears.cents()) - i128::from(each.cents()) * i128::from(n - 1)));
            if v.iter().any(|m| !m.is_positive()) {
                return Err(format!("{arrears} does not split into {n} installments"));
            }
            v
        }
    };
    let mut interest_left = a.overdue_interest;
    let mut lines: Vec<Installment> = amounts
        .iter()
        .enumerate()
        .map(|(k, &amount)| {
            let interest = amount.min(interest_left);
            interest_left -= interest;
            Installment {
                seq: 0,
                due_on: add_months(req.first_due, u32::try_from(k).unwrap_or(0)),
                principal: amount - interest,
                interest,
            }
        })
        .collect();
    lines.extend(
        a.installments.iter().filter(|s| s.status != InstallmentStatus::Overdue && !s.covered()).map(|s| {
            Installment {
                seq: 0,
                due_on: s.installment.due_on,
                principal: s.unpaid_principal(),
                interest: s.unpaid_interest(),
            }
        }),
    );
    lines.sort_by_key(|l| l.due_on);
    for (i, l) in lines.iter_mut().enumerate() {
        l.seq = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
    Ok(lines)
}

/// The outstanding principal over `n` months from `first_due` at the contract rate, with the
/// overdue interest due with the first installment.
fn balance_plan(
    product: Product,
    rate: Rate,
    a: &Assessment,
    n: u32,
    first_due: NaiveDate,
) -> Vec<Installment> {
    let terms = LoanTerms {
        product,
        principal: a.outstanding_principal,
        rate,
        term_months: n,
        disbursed_on: first_due,
    };
    let mut lines = if a.outstanding_principal.is_positive() {
        build_schedule(&terms)
    } else {
        vec![Installment { seq: 1, due_on: first_due, principal: Money::ZERO, interest: Money::ZERO }]
    };
    let bullet = product == Product::Bullet;
    for (k, l) in lines.iter_mut().enumerate() {
        // Counted from the first due date; a bullet falls due after n months.
        let offset = if bullet { n - 1 } else { u32::try_from(k).unwrap_or(0) };
        l.due_on = add_months(first_due, offset);
    }
    if let Some(first) = lines.first_mut() {
        first.interest += a.overdue_interest;
    }
    lines
}

/// What a plan reschedules: the arrears (overdue principal and interest) for an arrears plan, the
/// whole balance (outstanding principal and overdue interest) otherwise. The plan's headline,
/// where the sum of the new schedule also counts later installments left as they were.
pub fn rescheduled(a: &Assessment, scope: PlanScope) -> Money {
    match scope {
        PlanScope::Arrears => a.overdue_principal + a.overdue_interest,
        PlanScope::Balance => a.outstanding_principal + a.overdue_interest,
    }
}

/// Which lines of a new schedule are the plan's own (`true`) and which the contract's later
/// installments carried over as they were (due date and what is unpaid of them).
pub fn plan_lines(a: &Assessment, lines: &[Installment]) -> Vec<bool> {
    let mut kept: Vec<(NaiveDate, Money, Money)> = a
        .installments
        .iter()
        .filter(|s| s.status != InstallmentStatus::Overdue && !s.covered())
        .map(|s| (s.installment.due_on, s.unpaid_principal(), s.unpaid_interest()))
        .collect();
    lines
        .iter()
        .map(|l| match kept.iter().position(|k| *k == (l.due_on, l.principal, l.interest)) {
            Some(i) => {
                kept.remove(i);
                false
            }
            None => true,
        })
        .collect()
}

/// The end of a restructured loan's observation period: at least two repayment periods and a year.
pub fn observation_until(effective_on: NaiveDate, lines: &[Installment]) -> NaiveDate {
    let two_periods = lines.get(1).or(lines.first()).map_or(effective_on, |l| l.due_on);
    two_periods.max(add_months(effective_on, 12))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AssessRules, Payment, assess, parse_date};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }
    fn m(s: &str) -> Money {
        Money::parse(s).expect("money")
    }

    /// 12 × 1,000.00 at 12 %, disbursed 2025-01-15, two installments paid, then nothing.
    fn overdue_loan() -> (LoanTerms, Assessment) {
        let terms = LoanTerms {
            product: Product::EqualPrincipal,
            principal: m("12000"),
            rate: Rate::parse("12").expect("rate"),
            term_months: 12,
            disbursed_on: d("2025-01-15"),
        };
        let s = build_schedule(&terms);
        let paid = s[0].payment() + s[1].payment();
        let a = assess(
            &s,
            &[Payment { paid_on: d("2025-03-15"), amount: paid }],
            terms.rate,
            d("2025-06-01"),
            &AssessRules::default(),
        );
        (terms, a)
    }

    fn req(kind: PlanKind, scope: PlanScope, n: Option<u32>, amount: Option<&str>) -> PlanRequest {
        PlanRequest { kind, scope, installments: n, first_due: d("2025-06-10"), amount: amount.map(m) }
    }

    #[test]
    fn arrears_plan_spreads_the_arrears_and_keeps_later_installments() {
        let (terms, a) = overdue_loan();
        assert_eq!(a.dpd, 47);
        let arrears = a.overdue_amount();
        let lines = build_plan(&terms, &a, &req(PlanKind::Plan, PlanScope::Arrears, Some(3), None), 60)
            .expect("plan");
        // Three plan installments on 06-10, 07-10, 08-10, between the contract's own 06-15, 07-15, …
        let plan: Vec<_> = lines.iter().filter(|l| l.due_on.format("%d").to_string() == "10").collect();
        assert_eq!(plan.len(), 3);
        assert_eq!(plan.iter().map(|l| l.payment()).sum::<Money>(), arrears);
        assert_eq!(plan[0].interest, a.overdue_interest.min(plan[0].payment()));
        // The plan's own lines are told from the contract's, and its headline is the arrears.
        let own: Vec<bool> = plan_lines(&a, &lines);
        let marked: Vec<_> = lines.iter().zip(&own).filter(|(_, o)| **o).map(|(l, _)| l.due_on).collect();
        assert_eq!(marked, plan.iter().map(|l| l.due_on).collect::<Vec<_>>());
        assert_eq!(rescheduled(&a, PlanScope::Arrears), arrears);
        assert!(lines.iter().map(|l| l.payment()).sum::<Money>() > arrears);
        // Principal still sums to what is outstanding.
        assert_eq!(lines.iter().map(|l| l.principal).sum::<Money>(), a.outstanding_principal);
        assert!(lines.windows(2).all(|w| w[0].due_on <= w[1].due_on && w[0].seq + 1 == w[1].seq));
        // As of the plan's date nothing is overdue any more.
        let after = assess(&lines, &[], terms.rate, d("2025-06-01"), &AssessRules::default());
        assert_eq!(after.dpd, 0);
        assert_eq!(after.outstanding_principal, a.outstanding_principal);
        // Missing the first plan installment makes the loan overdue again from its date.
        let late = assess(&lines, &[], terms.rate, d("2025-06-12"), &AssessRules::default());
        assert_eq!(late.dpd, 2);
    }

    #[test]
    fn payments_count_against_the_schedule_in_force_from_its_date() {
        let (terms, a) = overdue_loan();
        let pays = vec![
            Payment { paid_on: d("2025-03-15"), amount: m("100.00") },
            Payment { paid_on: d("2025-06-02"), amount: m("200.00") },
        ];
        let (contract, counted) = schedule_in_force(&terms, None, pays.clone());
        assert_eq!((contract, counted), (build_schedule(&terms), pays.clone()));
        let lines = build_plan(&terms, &a, &req(PlanKind::Plan, PlanScope::Arrears, Some(3), None), 60)
            .expect("plan");
        let explicit = ExplicitSchedule { effective_on: d("2025-06-02"), lines: lines.clone(), hold: None };
        let (in_force, counted) = schedule_in_force(&terms, Some(explicit), pays.clone());
        assert_eq!((in_force, counted), (lines, vec![pays[1]]), "the payment on its date counts, not before");
    }

    #[test]
    fn arrears_plan_by_amount() {
        let (terms, a) = overdue_loan();
        let lines = build_plan(&terms, &a, &req(PlanKind::Plan, PlanScope::Arrears, None, Some("1000")), 60)
            .expect("plan");
        let plan: Vec<_> = lines.iter().filter(|l| l.due_on.format("%d").to_string() == "10").collect();
        let n = (a.overdue_amount().cents() + 99_999) / 100_000;
        assert_eq!(plan.len() as i64, n);
        assert!(plan[..plan.len() - 1].iter().all(|l| l.payment() == m("1000")));
        assert_eq!(plan.iter().map(|l| l.payment()).sum::<Money>(), a.overdue_amount());
    }

    #[test]
    fn balance_plan_and_restructure_reamortise_the_outstanding_principal() {
        let (terms, a) = overdue_loan();
        for kind in [PlanKind::Plan, PlanKind::Restructure] {
            let lines =
                build_plan(&terms, &a, &req(kind, PlanScope::Balance, Some(24), None), 60).expect("plan");
            assert_eq!(lines.len(), 24);
            assert_eq!(lines[0].due_on, d("2025-06-10"));
            assert_eq!(lines[23].due_on, d("2027-05-10"));
            assert_eq!(lines.iter().map(|l| l.principal).sum::<Money>(), a.outstanding_principal);
            // The overdue interest comes with the first installment.
            let first_month = crate::domain::monthly_interest(a.outstanding_principal, terms.rate);
            assert_eq!(lines[0].interest, first_month + a.overdue_interest);
        }
        let lines =
            build_plan(&terms, &a, &req(PlanKind::Restructure, PlanScope::Balance, Some(24), None), 60)
                .expect("plan");
        assert_eq!(observation_until(d("2025-06-02"), &lines), d("2026-06-02"));
        assert!(
            build_plan(&terms, &a, &req(PlanKind::Restructure, PlanScope::Arrears, Some(3), None), 60)
                .is_err()
        );
    }

    #[test]
    fn an_extension_must_move_the_maturity() {
        let (terms, a) = overdue_loan();
        assert!(
            build_plan(&terms, &a, &req(PlanKind::Extension, PlanScope::Balance, Some(6), None), 60).is_err()
        );
        let lines = build_plan(&terms, &a, &req(PlanKind::Extension, PlanScope::Balance, Some(18), None), 60)
            .expect("extension");
        assert_eq!(lines.len(), 18);
        // Equal principal stays equal principal.
        assert_eq!(lines[0].principal, lines[1].principal);
        assert!(lines.last().map(|l| l.due_on) > a.installments.last().map(|s| s.installment.due_on));
    }

    #[test]
    fn the_first_installment_comes_within_the_policys_days() {
        let (terms, a) = overdue_loan();
        let mut r = req(PlanKind::Plan, PlanScope::Arrears, Some(3), None);
        r.first_due = d("2025-07-31");
        assert!(build_plan(&terms, &a, &r, 60).is_ok(), "60 days after 2025-06-01");
        r.first_due = d("2025-08-01");
        let e = build_plan(&terms, &a, &r, 60).expect_err("61 days");
        assert!(e.contains("plan.max_first_days"), "{e}");
        r.first_due = d("2199-12-31");
        assert!(build_plan(&terms, &a, &r, 366).is_err());
    }

    /// The overdue loan under a plan of three installments of its arrears from 2025-06-10, saved
    /// as of 2025-06-01 while the loan was special mention.
    fn planned() -> (Vec<Installment>, PlanHold) {
        let (terms, a) = overdue_loan();
        let lines = build_plan(&terms, &a, &req(PlanKind::Plan, PlanScope::Arrears, Some(3), None), 60)
            .expect("plan");
        let hold = PlanHold { since: d("2025-06-02"), class: RiskClass::Loss, arrears: a.overdue_amount() };
        (lines, hold)
    }

    fn class_held(lines: &[Installment], hold: PlanHold, pays: &[Payment], as_of: &str) -> Option<RiskClass> {
        let a = assess(lines, pays, Rate::parse("12").expect("rate"), d(as_of), &AssessRules::default());
        held_class(Some(hold), lines, pays, &a)
    }

    /// Each installment of `lines` paid on its due date, up to `until`.
    fn paid_on_time(lines: &[Installment], until: &str) -> Vec<Payment> {
        lines
            .iter()
            .filter(|l| l.due_on <= d(until))
            .map(|l| Payment { paid_on: l.due_on, amount: l.payment() })
            .collect()
    }

    #[test]
    fn a_plan_holds_the_class_until_it_is_kept_for_six_months() {
        let (lines, hold) = planned();
        // Saved and not yet due: DPD 0, and the class holds.
        assert_eq!(class_held(&lines, hold, &[], "2025-06-05"), Some(RiskClass::Loss));
        // Kept, but for less than six months: still held.
        let pays = paid_on_time(&lines, "2025-11-30");
        assert_eq!(class_held(&lines, hold, &pays, "2025-11-30"), Some(RiskClass::Loss));
        // Six months of installments paid on their dates since the plan: lifted.
        let pays = paid_on_time(&lines, "2025-12-15");
        assert_eq!(class_held(&lines, hold, &pays, "2025-12-16"), None);
        // One paid late: held while it is in the window of six months, lifted once it has left.
        let mut late = paid_on_time(&lines, "2026-01-15");
        let k = late.iter().position(|p| p.paid_on == d("2025-10-15")).expect("the October installment");
        late[k].paid_on = d("2025-10-20");
        assert_eq!(class_held(&lines, hold, &late, "2025-12-16"), Some(RiskClass::Loss));
        assert_eq!(
            class_held(&lines, hold, &late, "2026-04-14"),
            Some(RiskClass::Loss),
            "10-15 in the window"
        );
        assert_eq!(class_held(&lines, hold, &late, "2026-04-16"), None, "out of the window");
        // No hold, nothing held.
        let a =
            assess(&lines, &[], Rate::parse("12").expect("rate"), d("2025-06-05"), &AssessRules::default());
        assert_eq!(held_class(None, &lines, &[], &a), None);
    }

    #[test]
    fn a_plan_holds_the_stage_until_its_arrears_are_repaid() {
        let (lines, hold) = planned();
        assert!(cure_held(Some(hold), &[], d("2025-06-05")));
        let part = [Payment { paid_on: d("2025-06-10"), amount: hold.arrears - Money::from_cents(1) }];
        assert!(cure_held(Some(hold), &part, d("2025-06-12")));
        let all = [Payment { paid_on: d("2025-06-10"), amount: hold.arrears }];
        assert!(!cure_held(Some(hold), &all, d("2025-06-12")));
        assert!(cure_held(Some(hold), &all, d("2025-06-09")), "not yet paid as of the day before");
        assert!(!cure_held(None, &[], d("2025-06-05")));
        let _ = lines;
    }

    #[test]
    fn plans_need_sensible_input() {
        let (terms, a) = overdue_loan();
        let mut r = req(PlanKind::Plan, PlanScope::Arrears, Some(3), None);
        r.first_due = d("2025-05-31");
        assert!(build_plan(&terms, &a, &r, 60).is_err(), "first due before the plan's date");
        assert!(build_plan(&terms, &a, &req(PlanKind::Plan, PlanScope::Arrears, None, None), 60).is_err());
        assert!(build_plan(&terms, &a, &req(PlanKind::Plan, PlanScope::Arrears, Some(0), None), 60).is_err());
    }
}
