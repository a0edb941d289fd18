//! The book's contacts: the history of calls, messages, visits and letters on each loan, with the
//! promises to pay among them (kept, broken or still open).

use std::borrow::Cow;

use chrono::NaiveDate;

use super::loans::{KeptPromise, days};
use super::rng::Rng;
use crate::domain::{Assessment, Channel, Direction, DueSoonKind, Money, Outcome, Party};

/// A contact to write, with its promise if any.
pub(super) struct Planned {
    pub(super) day: NaiveDate,
    /// Minutes after 09:00, below 660 (so before 20:00).
    pub(super) minute: u32,
    pub(super) party: Party,
    pub(super) channel: Channel,
    pub(super) direction: Direction,
    pub(super) outcome: Outcome,
    pub(super) note: Cow<'static, str>,
    pub(super) promise: Option<(Money, NaiveDate)>,
    /// A call pressing a collateral-only debtor; the book's third-party contacts count only the
    /// ordinary chasing calls before them.
    security_call: bool,
}

impl Planned {
    fn new(day: NaiveDate, minute: u32, channel: Channel, outcome: Outcome, note: &'static str) -> Self {
        Planned {
            day,
            minute,
            party: Party::Debtor,
            channel,
            direction: Direction::Outbound,
            outcome,
            note: Cow::Borrowed(note),
            promise: None,
            security_call: false,
        }
    }
}

fn promise_note(rng: &mut Rng, amount: Money, due: NaiveDate) -> String {
    let when = due.format("%-m月%-d日");
    match rng.below(4) {
        0 => format!("本人接听，承诺{when}前还款{amount}元"),
        1 => format!("本人接听，称资金周转困难，承诺{when}前先还{amount}元"),
        2 => format!("本人接听，承诺月底前还款，约定{when}还{amount}元"),
        _ => format!("本人接听，同意{when}前归还逾期款项{amount}元"),
    }
}

/// A contact on a delinquent loan after its installment fell due.
fn chase(rng: &mut Rng, day: NaiveDate, dpd: i64, secured: bool, guarantor: bool, failed: u32) -> Planned {
    let minute = rng.below(660) as u32;
    let roll = rng.below(100);
    if secured && dpd >= 31 && roll < 18 {
        let pick = rng.below(4) as usize;
        // Only a loan with a guarantor on file has one to call; on collateral alone the desk
        // presses the debtor about the security instead.
        let (outcome, note) = if guarantor {
            [
                (Outcome::NoAnswer, "担保人电话无人接听"),
                (Outcome::Callback, "担保人称会督促借款人还款"),
                (Outcome::Refused, "担保人拒绝履行担保责任"),
                (Outcome::LeftMessage, "已告知担保人担保责任，请其督促还款"),
            ][pick]
        } else {
            [
                (Outcome::NoAnswer, "无人接听"),
                (Outcome::Callback, "告知抵押物处置风险，称会尽快筹款"),
                (Outcome::Refused, "拒绝还款，已告知将依法处置抵押物"),
                (Outcome::LeftMessage, "已留言告知抵押物处置风险"),
            ][pick]
        };
        let mut p = Planned::new(day, minute, Channel::Call, outcome, note);
        if guarantor {
            p.party = Party::Guarantor;
        } else {
            p.security_call = true;
        }
        return p;
    }
    if failed >= 3 && roll < 26 {
        let (outcome, note) = rng.pick(&[
            (Outcome::Callback, "联系紧急联系人，请其转告本人回电"),
            (Outcome::NoAnswer, "紧急联系人无人接听"),
            (Outcome::WrongNumber, "紧急联系人称不认识本人"),
        ]);
        let mut p = Planned::new(day, minute, Channel::Call, outcome, note);
        p.party = Party::ThirdParty;
        return p;
    }
    let channel = if dpd >= 31 {
        rng.weighted(&[(Channel::Call, 72), (Channel::Sms, 12), (Channel::Visit, 8), (Channel::Letter, 8)])
    } else {
        rng.weighted(&[(Channel::Call, 80), (Channel::Sms, 20)])
    };
    match channel {
        Channel::Sms => Planned::new(day, minute, channel, Outcome::LeftMessage, "发送逾期提醒短信"),
        Channel::Letter => Planned::new(day, minute, channel, Outcome::LeftMessage, "寄送催收通知书"),
        Channel::Visit => {
            let (outcome, note) = rng.pick(&[
                (Outcome::NoAnswer, "上门拜访，本人不在家"),
                (Outcome::Callback, "上门面谈，称资金周转困难，申请协商还款"),
                (Outcome::Refused, "上门面谈，本人拒绝还款"),
            ]);
            Planned::new(day, minute, channel, outcome, note)
        }
        _ => {
            let (outcome, note) = rng.weighted(&[
                ((Outcome::NoAnswer, "无人接听"), 22),
                ((Outcome::NoAnswer, "多次拨打无人接听"), 8),
                ((Outcome::Busy, "占线"), 7),
                ((Outcome::Busy, "通话中，稍后再拨"), 3),
                ((Outcome::LeftMessage, "转语音信箱，已留言"), 8),
                ((Outcome::Callback, "本人接听，称在开会，约定稍后回电"), 7),
                ((Outcome::Callback, "称资金周转困难，申请协商还款"), 7),
                ((Outcome::Refused, "本人接听，拒绝还款"), 5),
                ((Outcome::Refused, "称无力偿还，拒绝沟通"), 3),
                ((Outcome::Dispute, "对逾期金额有异议，要求核对账单"), 3),
                ((Outcome::Dispute, "称已还款，需核实流水"), 1),
                ((Outcome::WrongNumber, "号码错误，非本人"), 2),
                ((Outcome::WrongNumber, "空号"), 1),
                ((Outcome::Promise, ""), 23),
            ]);
            Planned::new(day, minute, channel, outcome, note)
        }
    }
}

/// The contact history of one loan, oldest first: chasing after an installment falls due, a
/// reminder before it, and the promises to pay (kept, broken or still open).
pub(super) fn plan_contacts(
    rng: &mut Rng,
    a: &Assessment,
    secured: bool,
    guarantor: bool,
    written_off: bool,
    kept: Option<KeptPromise>,
) -> Vec<Planned> {
    let as_of = a.as_of;
    let latest = days(as_of, -1);
    let mut out = Vec::new();
    match a.oldest_overdue_on {
        Some(oldest) => {
            let start = days(as_of, -42).max(days(oldest, -2));
            let span = (latest - start).num_days() + 1;
            let count = if written_off {
                rng.range(1, 2)
            } else {
                match a.dpd {
                    ..=7 => rng.range(1, 2),
                    8..=30 => rng.range(1, 4),
                    _ => rng.range(2, 8),
                }
            }
            .min(span);
            let step = span / count;
            let mut failed = 0u32;
            for i in 0..count {
                let day = days(start, i * step + rng.range(0, step - 1));
                let mut p = if day < oldest {
                    let minute = rng.below(660) as u32;
                    Planned::new(day, minute, Channel::Sms, Outcome::LeftMessage, "发送还款提醒短信")
                } else {
                    chase(rng, day, a.dpd, secured, guarantor, failed)
                };
                if p.party == Party::Debtor
                    && !p.security_call
                    && matches!(
                        p.outcome,
                        Outcome::NoAnswer | Outcome::Busy | Outcome::WrongNumber | Outcome::LeftMessage
                    )
                {
                    failed += 1;
                }
                if p.outcome == Outcome::Promise {
                    let amount = a.overdue_amount();
                    if amount.is_positive() {
                        let due = days(day, rng.range(3, 10));
                        p.note = Cow::Owned(promise_note(rng, amount, due));
                        p.promise = Some((amount, due));
                    } else {
                        p.outcome = Outcome::Callback;
                        p.note = Cow::Borrowed("本人接听，约定稍后回电");
                    }
                }
                out.push(p);
            }
        }
        None => {
            if let Some(soon) = a.due_soon.filter(|_| rng.chance(35)) {
                let day = days(as_of, -rng.range(1, 2));
                let note = match soon.kind {
                    DueSoonKind::Maturity => "到期通知：提醒客户贷款即将到期",
                    DueSoonKind::Installment => "还款提醒：提醒客户按时还款",
                };
                out.push(Planned::new(day, rng.below(660) as u32, Channel::Sms, Outcome::LeftMessage, note));
            }
        }
    }
    if let Some(k) = kept {
        let minute = rng.below(300) as u32;
        let mut p = Planned::new(k.made_on, minute, Channel::Call, Outcome::Promise, "");
        p.note = Cow::Owned(promise_note(rng, k.amount, k.due_on));
        p.promise = Some((k.amount, k.due_on));
        out.retain(|c| c.day != k.made_on);
        out.push(p);
        if k.paid_on < as_of && rng.chance(50) {
            let minute = 300 + rng.below(360) as u32;
            let mut p = Planned::new(k.paid_on, minute, Channel::Call, Outcome::Paid, "客户来电告知已还款");
            p.direction = Direction::Inbound;
            out.retain(|c| c.day != k.paid_on);
            out.push(p);
        }
    }
    out.sort_by_key(|c| (c.day, c.minute));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::demo::loans::{Kind, Plan, Target, pick_kind, pick_target, plan};
    use crate::domain::{AssessRules, Payment, assess, parse_date};

    fn as_of() -> NaiveDate {
        parse_date("2026-03-01").expect("date")
    }

    fn assessed(plan: &Plan) -> Assessment {
        let paid: Vec<Payment> =
            plan.pays.iter().map(|p| Payment { paid_on: p.on, amount: p.amount }).collect();
        assess(&plan.schedule, &paid, plan.terms.rate, as_of(), &AssessRules::default())
    }

    #[test]
    fn contacts_fall_in_office_hours_before_today_oldest_first() {
        let mut rng = Rng::new(13);
        let (mut promises, mut guarantor_calls, mut seen) = (0, 0, 0);
        for _ in 0..2_000 {
            let target = pick_target(&mut rng);
            let kind = pick_kind(&mut rng, target);
            let plan = plan(&mut rng, kind, target, as_of());
            let a = assessed(&plan);
            let guarantor = rng.chance(30);
            let out = plan_contacts(&mut rng, &a, guarantor, guarantor, false, plan.kept);
            seen += out.len();
            assert!(
                out.windows(2).all(|w| (w[0].day, w[0].minute) <= (w[1].day, w[1].minute)),
                "oldest first"
            );
            for c in &out {
                assert!(c.day < as_of() && c.minute < 660, "{} {}", c.day, c.minute);
                assert_eq!(c.outcome == Outcome::Promise, c.promise.is_some(), "{}", c.note);
                if let Some((amount, due)) = c.promise {
                    assert!(amount.is_positive() && due >= c.day, "{amount} {due}");
                    promises += 1;
                }
                if c.party == Party::Guarantor {
                    assert!(guarantor, "a guarantor is called only when there is one");
                    guarantor_calls += 1;
                }
            }
            if a.oldest_overdue_on.is_some() {
                assert!(!out.is_empty(), "every overdue loan is chased");
            }
        }
        assert!(seen > 1_000 && promises > 50 && guarantor_calls > 0, "{seen} {promises} {guarantor_calls}");
    }

    #[test]
    fn a_written_off_loan_has_one_or_two_chasing_contacts() {
        let mut rng = Rng::new(2);
        for _ in 0..200 {
            let target = Target::Late(rng.range(300, 700));
            let plan = plan(&mut rng, Kind::Consumer, target, as_of());
            let out = plan_contacts(&mut rng, &assessed(&plan), false, false, true, None);
            assert!((1..=2).contains(&out.len()), "{}", out.len());
        }
    }
}
