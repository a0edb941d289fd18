//! The book's loans: the position each is built to be in as of the desk's date (current, closed
//! or a days-past-due band), its kind and contract, its security, and the payment history that
//! puts it there.

use chrono::{Datelike, Duration, Months, NaiveDate};

use super::people::{chinese_name, mobile};
use super::places::{Branch, property, vehicle};
use super::rng::Rng;
use crate::domain::{Installment, LoanTerms, Money, Product, Rate, build_schedule};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Consumer,
    Car,
    Business,
    Mortgage,
}

/// The position a loan is built to be in as of the desk's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Current,
    Closed,
    /// Days past due.
    Late(i64),
}

pub(super) fn pick_target(rng: &mut Rng) -> Target {
    // Per mille: 55 % current, 10 % closed, the rest across the DPD bands.
    let band = rng.weighted(&[
        (0u8, 550),
        (1, 100),
        (2, 100),
        (3, 60),
        (4, 40),
        (5, 30),
        (6, 25),
        (7, 20),
        (8, 30),
        (9, 20),
        (10, 25),
    ]);
    let (lo, hi) = match band {
        0 => return Target::Current,
        1 => return Target::Closed,
        2 => (1, 30),
        3 => (31, 60),
        4 => (61, 90),
        5 => (91, 120),
        6 => (121, 150),
        7 => (151, 180),
        8 => (181, 270),
        9 => (271, 360),
        _ => (361, 730),
    };
    Target::Late(rng.range(lo, hi))
}

pub(super) fn pick_kind(rng: &mut Rng, target: Target) -> Kind {
    if target == Target::Closed {
        // Closed loans are short ones that matured or were paid off early.
        rng.weighted(&[(Kind::Consumer, 70), (Kind::Car, 15), (Kind::Business, 15)])
    } else {
        rng.weighted(&[(Kind::Consumer, 58), (Kind::Car, 12), (Kind::Business, 12), (Kind::Mortgage, 18)])
    }
}

/// The terms of a loan but its disbursement date, which comes later.
struct Contract {
    product: Product,
    term_months: u32,
    principal: Money,
    rate: Rate,
}

/// Product, term, principal and rate of a loan of this kind.
fn contract(rng: &mut Rng, kind: Kind) -> Contract {
    let yuan = |v: i64| Money::from_cents(v * 100);
    let pct = |lo: i64, hi: i64, rng: &mut Rng| Rate::from_e4(rng.range(lo, hi) * 100);
    match kind {
        Kind::Consumer => {
            let product = if rng.chance(80) { Product::Annuity } else { Product::EqualPrincipal };
            let n = rng.pick(&[3, 6, 6, 12, 12, 12, 18, 24, 24, 36, 36]);
            let principal = match rng.below(100) {
                0..50 => rng.range(10, 100),
                50..85 => rng.range(100, 300),
                _ => rng.range(300, 500),
            } * 100;
            Contract { product, term_months: n, principal: yuan(principal), rate: pct(700, 2400, rng) }
        }
        Kind::Car => {
            let product = if rng.chance(75) { Product::Annuity } else { Product::EqualPrincipal };
            let n = rng.pick(&[24, 36, 36, 48, 60]);
            let principal = yuan(rng.range(50, 300) * 1_000);
            Contract { product, term_months: n, principal, rate: pct(350, 890, rng) }
        }
        Kind::Business => {
            let product = if rng.chance(55) { Product::InterestOnly } else { Product::Bullet };
            let n = rng.pick(&[6, 12, 12, 18, 24, 36]);
            let principal = if rng.chance(70) { rng.range(5, 50) } else { rng.range(50, 200) } * 10_000;
            Contract { product, term_months: n, principal: yuan(principal), rate: pct(385, 1200, rng) }
        }
        Kind::Mortgage => {
            let product = if rng.chance(70) { Product::Annuity } else { Product::EqualPrincipal };
            let n = rng.pick(&[120, 180, 240, 240, 300, 360, 360]);
            let principal = yuan(rng.range(30, 300) * 10_000);
            Contract { product, term_months: n, principal, rate: pct(310, 490, rng) }
        }
    }
}

/// How many installments may have fallen due: long loans are at most ten years old.
fn elapsed_cap(kind: Kind, n: u32) -> u64 {
    u64::from(if kind == Kind::Mortgage { n.min(120) } else { n })
}

pub(super) fn days(d: NaiveDate, n: i64) -> NaiveDate {
    d + Duration::days(n)
}

fn months_before(d: NaiveDate, k: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(k)).unwrap_or(NaiveDate::MIN)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PayRef {
    Opening,
    Installment(u32),
    Partial(u32),
    Payoff,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Pay {
    pub(super) on: NaiveDate,
    pub(super) amount: Money,
    pub(super) reference: PayRef,
}

/// A promise to pay that a generated payment keeps.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeptPromise {
    pub(super) made_on: NaiveDate,
    pub(super) due_on: NaiveDate,
    pub(super) amount: Money,
    pub(super) paid_on: NaiveDate,
}

/// A loan's terms, its schedule and the payments made on it.
pub(super) struct Plan {
    pub(super) terms: LoanTerms,
    pub(super) schedule: Vec<Installment>,
    pub(super) pays: Vec<Pay>,
    pub(super) kept: Option<KeptPromise>,
}

/// Pays installments `1..=paid` on or near their due dates: everything older than the last twelve
/// as one opening-balance payment, then one payment a month, sometimes early or late, now and
/// then split in two. The last one is `last_late` days late when given. Never after `as_of`.
fn pay_history(
    rng: &mut Rng,
    schedule: &[Installment],
    paid: usize,
    d0: NaiveDate,
    as_of: NaiveDate,
    last_late: Option<i64>,
    out: &mut Vec<Pay>,
) {
    let paid = paid.min(schedule.len());
    if paid == 0 {
        return;
    }
    let clamp = |d: NaiveDate| d.clamp(days(d0, 1), as_of);
    let old = paid.saturating_sub(12);
    if old > 0 {
        let amount: Money = schedule[..old].iter().map(Installment::payment).sum();
        out.push(Pay { on: clamp(schedule[old - 1].due_on), amount, reference: PayRef::Opening });
    }
    let mut carry = Money::ZERO;
    for (i, inst) in schedule.iter().enumerate().take(paid).skip(old) {
        let amount = inst.payment() + carry;
        carry = Money::ZERO;
        let last = i + 1 == paid;
        let shift = match last_late {
            Some(l) if last => l,
            _ => match rng.below(100) {
                0..70 => 0,
                70..85 => -rng.range(1, 5),
                _ => rng.range(1, 6),
            },
        };
        let on = clamp(days(inst.due_on, shift));
        if !last && amount.cents() > 1_000 && rng.chance(4) {
            // Part now, the rest with the next installment.
            let part = Money::from_cents(amount.cents() * rng.range(40, 80) / 100);
            out.push(Pay { on, amount: part, reference: PayRef::Partial(inst.seq) });
            carry = amount - part;
        } else {
            out.push(Pay { on, amount, reference: PayRef::Installment(inst.seq) });
        }
    }
}

pub(super) fn plan(rng: &mut Rng, kind: Kind, target: Target, as_of: NaiveDate) -> Plan {
    let Contract { product, term_months: n, principal, rate } = contract(rng, kind);
    let cap = elapsed_cap(kind, n);
    let mut pays = Vec::new();
    let mut kept = None;
    let terms = |d0: NaiveDate| LoanTerms { product, principal, rate, term_months: n, disbursed_on: d0 };
    let latest = days(as_of, -1);
    match target {
        Target::Current => {
            let (d0, paid, late) = if product == Product::Bullet {
                // Maturity ahead; some within the 30-day maturity notice.
                let u = if rng.chance(15) { rng.range(0, 30) } else { rng.range(31, i64::from(n) * 30 - 20) };
                (months_before(days(as_of, u), n), 0, None)
            } else {
                // The next installment falls due u days from now; some at maturity (interest only).
                let c = if product == Product::InterestOnly && rng.chance(10) {
                    n
                } else {
                    1 + rng.below(cap) as u32
                };
                let u = if rng.chance(6) { rng.range(0, 3) } else { rng.range(0, 27) };
                let late = (c >= 2 && u <= 17 && rng.chance(10)).then(|| rng.range(3, 10));
                (months_before(days(as_of, u), c), c as usize - 1, late)
            };
            let d0 = d0.min(latest);
            let schedule = build_schedule(&terms(d0));
            pay_history(rng, &schedule, paid, d0, as_of, late, &mut pays);
            if let (Some(_), Some(last)) = (late, pays.last()) {
                // Cured: a missed installment paid a few days late, as promised.
                let due = schedule[paid - 1].due_on;
                if last.on < as_of && last.on > days(due, 1) {
                    let made_on = days(last.on, -rng.range(1, 3)).max(days(due, 1));
                    let due_on = days(last.on, rng.range(0, 2));
                    kept = Some(KeptPromise { made_on, due_on, amount: last.amount, paid_on: last.on });
                }
            }
            Plan { terms: terms(d0), schedule, pays, kept }
        }
        Target::Closed => {
            let n_inst = if product == Product::Bullet { 1 } else { n };
            let g = rng.range(1, 300);
            if matches!(kind, Kind::Consumer | Kind::Car) && n >= 6 && rng.chance(45) {
                // Paid off early: some installments, then everything still scheduled in one sum.
                let m = 1 + rng.below(u64::from(n) - 2) as u32;
                let payoff_on = days(as_of, -g);
                let d0 = days(months_before(payoff_on, m), -rng.range(1, 20));
                let schedule = build_schedule(&terms(d0));
                pay_history(rng, &schedule, m as usize, d0, as_of, None, &mut pays);
                let rest: Money = schedule[m as usize..].iter().map(Installment::payment).sum();
                let on = payoff_on.max(schedule[m as usize - 1].due_on).min(as_of);
                pays.push(Pay { on, amount: rest, reference: PayRef::Payoff });
                Plan { terms: terms(d0), schedule, pays, kept }
            } else {
                let d0 = months_before(days(as_of, -g), n);
                let schedule = build_schedule(&terms(d0));
                pay_history(rng, &schedule, n_inst as usize, d0, as_of, None, &mut pays);
                Plan { terms: terms(d0), schedule, pays, kept }
            }
        }
        Target::Late(t) => {
            // The oldest unpaid installment fell due t days ago.
            let c = if product == Product::Bullet { 1 } else { 1 + rng.below(cap) as u32 };
            let d0 = months_before(days(as_of, -t), c);
            let schedule = build_schedule(&terms(d0));
            pay_history(rng, &schedule, c as usize - 1, d0, as_of, None, &mut pays);
            let unpaid = schedule[c as usize - 1];
            if rng.chance(30) && unpaid.payment().cents() > 200 {
                // Something paid towards it, not enough to cover it.
                let part = (unpaid.payment().cents() * rng.range(15, 70) / 100 / 100).max(1) * 100;
                let from = unpaid.due_on.max(days(as_of, -40));
                let on = days(from, rng.range(0, (latest - from).num_days())).min(latest);
                let amount = Money::from_cents(part);
                pays.push(Pay { on, amount, reference: PayRef::Partial(unpaid.seq) });
                if on > unpaid.due_on && rng.chance(60) {
                    let made_on = days(on, -rng.range(0, 3)).max(days(d0, 1));
                    let due_on = days(on, rng.range(0, 3));
                    kept = Some(KeptPromise { made_on, due_on, amount, paid_on: on });
                }
            }
            Plan { terms: terms(d0), schedule, pays, kept }
        }
    }
}

/// A loan's guarantor (name, phone) and collateral.
pub(super) struct Security {
    pub(super) guarantor: Option<String>,
    pub(super) guarantor_phone: Option<String>,
    pub(super) collateral: Option<String>,
}

/// Guarantor and collateral: more on large and secured kinds of loan.
pub(super) fn security(
    rng: &mut Rng,
    kind: Kind,
    principal: Money,
    d0: NaiveDate,
    branch: &Branch,
) -> Security {
    let large = principal.cents() >= 3_000_000;
    let year = (d0.year() - rng.range(0, 3) as i32).max(2005);
    let (guarantor_pct, collateral) = match kind {
        Kind::Consumer => (if large { 25 } else { 6 }, None),
        Kind::Car => (10, rng.chance(90).then(|| vehicle(rng, branch))),
        Kind::Business => {
            let c = if rng.chance(50) {
                Some(match rng.below(4) {
                    0 | 1 => property(rng, branch, year),
                    2 => format!("设备 数控机床 {} 台", rng.range(2, 12)),
                    _ => format!("存货 钢材 {} 吨", rng.range(50, 800)),
                })
            } else {
                None
            };
            (if principal.cents() >= 50_000_000 { 80 } else { 55 }, c)
        }
        Kind::Mortgage => (5, Some(property(rng, branch, year))),
    };
    if rng.chance(guarantor_pct) {
        Security { guarantor: Some(chinese_name(rng)), guarantor_phone: Some(mobile(rng)), collateral }
    } else {
        Security { guarantor: None, guarantor_phone: None, collateral }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::demo::places::BRANCHES;
    use crate::domain::{AssessRules, Assessment, Payment, assess, parse_date};

    fn as_of() -> NaiveDate {
        parse_date("2026-03-01").expect("date")
    }

    fn assessed(plan: &Plan) -> Assessment {
        let paid: Vec<Payment> =
            plan.pays.iter().map(|p| Payment { paid_on: p.on, amount: p.amount }).collect();
        assess(&plan.schedule, &paid, plan.terms.rate, as_of(), &AssessRules::default())
    }

    #[test]
    fn each_loan_is_in_the_position_it_was_built_for() {
        let mut rng = Rng::new(21);
        for _ in 0..3_000 {
            let target = pick_target(&mut rng);
            let kind = pick_kind(&mut rng, target);
            let plan = plan(&mut rng, kind, target, as_of());
            let a = assessed(&plan);
            match target {
                Target::Current => assert!(!a.closed && a.dpd == 0, "{kind:?} {:?}", plan.terms),
                Target::Closed => assert!(a.closed, "{kind:?} {:?}", plan.terms),
                // A bullet's one installment is its maturity, months after the month drawn.
                Target::Late(_) if plan.terms.product == Product::Bullet => {}
                // Due dates on a month's end move by up to three days.
                Target::Late(t) => assert!((a.dpd - t).abs() <= 3, "DPD {} for {t}: {:?}", a.dpd, plan.terms),
            }
            let d0 = plan.terms.disbursed_on;
            assert!(d0 < as_of());
            for p in &plan.pays {
                assert!(p.on > d0 && p.on <= as_of() && p.amount.is_positive(), "{p:?} of {:?}", plan.terms);
            }
            // A kept promise was made before the payment that kept it, which came by its date.
            if let Some(k) = plan.kept {
                assert!(k.made_on <= k.paid_on && k.paid_on <= k.due_on, "{k:?}");
            }
        }
    }

    #[test]
    fn closed_loans_are_not_mortgages() {
        let mut rng = Rng::new(4);
        for _ in 0..500 {
            assert_ne!(pick_kind(&mut rng, Target::Closed), Kind::Mortgage);
        }
    }

    #[test]
    fn mortgages_have_a_title_deed_and_cars_mostly_a_plate() {
        let mut rng = Rng::new(8);
        let (d0, branch) = (parse_date("2024-05-01").expect("date"), BRANCHES[0]);
        let mut plates = 0;
        for _ in 0..200 {
            let s = security(&mut rng, Kind::Mortgage, Money::from_cents(100_000_000), d0, &branch);
            assert!(s.collateral.as_deref().is_some_and(|c| c.starts_with("房产 ")), "{:?}", s.collateral);
            assert_eq!(s.guarantor.is_some(), s.guarantor_phone.is_some());
            let car = security(&mut rng, Kind::Car, Money::from_cents(10_000_000), d0, &branch);
            plates += usize::from(car.collateral.as_deref().is_some_and(|c| c.starts_with("车辆 ")));
        }
        assert!((160..200).contains(&plates), "{plates} of 200 cars with a plate");
    }
}
