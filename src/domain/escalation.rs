//! `decide`: the one stage change an escalation run makes for a loan under the policy in force
//! (DOMAIN §6), and why.

use super::policy::Policy;
use super::stage::Stage;
use super::terms::Product;

/// What `decide` needs to know about one loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The stage stored on the loan (the workflow stage, not the one a list shows).
    pub stage: Stage,
    pub dpd: i64,
    pub product: Product,
    /// A guarantor name or collateral description on file.
    pub secured: bool,
    /// Every installment covered.
    pub closed: bool,
    pub written_off: bool,
    /// A promise to pay active as of the date: not kept, and its date plus the policy's grace not
    /// yet passed (`promise_status` with the policy's `promise_grace_days`).
    pub promise_alive: bool,
}

/// One stage change and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub to: Stage,
    pub reason: String,
}

/// The band of a stage, as a reason names it: "31–60", "91+".
fn band_text(policy: &Policy, product: Product, stage: Stage, secured: bool) -> String {
    let b = policy.bands_for(product);
    let guarantor = secured && policy.guarantor_stage;
    let (from, to) = match stage {
        Stage::Reminder => (b.reminder_from, Some(b.negotiation_from - 1)),
        Stage::Negotiation if guarantor => (b.negotiation_from, Some(b.guarantor_from - 1)),
        Stage::Negotiation => (b.negotiation_from, Some(b.legal_from - 1)),
        Stage::Guarantor => (b.guarantor_from, Some(b.legal_from - 1)),
        Stage::Legal => (b.legal_from, None),
        _ => (0, Some(0)),
    };
    let range = match to {
        Some(to) => format!("{from}–{to}"),
        None => format!("{from}+"),
    };
    if stage == Stage::Negotiation && !guarantor {
        let why = if policy.guarantor_stage { "no guarantor or collateral" } else { "no guarantor stage" };
        format!("{range}, {why}")
    } else {
        range
    }
}

/// The stage change the policy makes for a loan, or `None` when its stage already stands.
///
/// Written-off loans are never touched; paid-up loans close; DPD back to 0 cures to current; an
/// alive promise holds the stage (cure and closing still apply); otherwise the loan moves forward
/// only, straight to the stage of its band however many bands it crossed.
pub fn decide(policy: &Policy, p: &Position) -> Option<Transition> {
    if p.written_off || p.stage == Stage::WrittenOff {
        return None;
    }
    if p.closed {
        return (p.stage != Stage::Closed)
            .then(|| Transition { to: Stage::Closed, reason: "closed: every installment paid".into() });
    }
    let secured = p.secured && policy.guarantor_stage;
    let target = policy.bands_for(p.product).stage_for(p.dpd, secured);
    if p.stage == Stage::Closed {
        // Closed in the workflow but money is owed again (a reversed payment).
        let reason = if target == Stage::Current {
            "reopened: an installment is owed again".to_string()
        } else {
            format!(
                "reopened: DPD {} in band {target} ({})",
                p.dpd,
                band_text(policy, p.product, target, p.secured)
            )
        };
        return Some(Transition { to: target, reason });
    }
    if p.dpd <= 0 {
        return (p.stage != Stage::Current)
            .then(|| Transition { to: Stage::Current, reason: "cure: DPD back to 0".into() });
    }
    if p.promise_alive && policy.promise_hold {
        return None;
    }
    (target > p.stage).then(|| Transition {
        to: target,
        reason: format!(
            "DPD {} in band {target} ({})",
            p.dpd,
            band_text(policy, p.product, target, p.secured)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::parse_policy;

    fn pos(stage: Stage, dpd: i64, secured: bool) -> Position {
        Position {
            stage,
            dpd,
            product: Product::Annuity,
            secured,
            closed: false,
            written_off: false,
            promise_alive: false,
        }
    }

    fn to(p: &Position) -> Option<Stage> {
        decide(&Policy::default(), p).map(|t| t.to)
    }

    #[test]
    fn a_fresh_loan_goes_straight_to_its_band_at_every_edge() {
        use Stage::*;
        // (dpd, secured, stage from current)
        let cases = [
            (0, true, None),
            (0, false, None),
            (1, true, Some(Reminder)),
            (1, false, Some(Reminder)),
            (30, true, Some(Reminder)),
            (31, true, Some(Negotiation)),
            (31, false, Some(Negotiation)),
            (60, true, Some(Negotiation)),
            (61, true, Some(Guarantor)),
            (61, false, Some(Negotiation)),
            (90, true, Some(Guarantor)),
            (90, false, Some(Negotiation)),
            (91, true, Some(Legal)),
            (91, false, Some(Legal)),
            (400, false, Some(Legal)),
        ];
        for (dpd, secured, want) in cases {
            assert_eq!(to(&pos(Current, dpd, secured)), want, "dpd {dpd} secured {secured}");
        }
    }

    #[test]
    fn forward_only_and_one_change_for_bands_crossed() {
        use Stage::*;
        let cases = [
            // From each stage at the next band's edges.
            (Reminder, 30, true, None),
            (Reminder, 31, true, Some(Negotiation)),
            (Reminder, 95, true, Some(Legal)),
            (Negotiation, 60, true, None),
            (Negotiation, 61, true, Some(Guarantor)),
            (Negotiation, 61, false, None),
            (Negotiation, 90, false, None),
            (Negotiation, 91, false, Some(Legal)),
            (Guarantor, 90, true, None),
            (Guarantor, 91, true, Some(Legal)),
            (Legal, 400, true, None),
            // A manual move ahead of the band stays.
            (Legal, 20, false, None),
            (Guarantor, 45, false, None),
            (Negotiation, 5, true, None),
        ];
        for (from, dpd, secured, want) in cases {
            assert_eq!(to(&pos(from, dpd, secured)), want, "{from} dpd {dpd} secured {secured}");
        }
        let t = decide(&Policy::default(), &pos(Current, 45, true)).expect("a move");
        assert_eq!(t.reason, "DPD 45 in band negotiation (31–60)");
        let t = decide(&Policy::default(), &pos(Reminder, 75, false)).expect("a move");
        assert_eq!(
            t,
            Transition {
                to: Negotiation,
                reason: "DPD 75 in band negotiation (31–90, no guarantor or collateral)".into()
            }
        );
        let t = decide(&Policy::default(), &pos(Current, 91, true)).expect("a move");
        assert_eq!(t.reason, "DPD 91 in band legal (91+)");
    }

    #[test]
    fn cure_closing_and_write_off() {
        use Stage::*;
        for from in [Reminder, Negotiation, Guarantor, Legal] {
            let t = decide(&Policy::default(), &pos(from, 0, true)).expect("cure");
            assert_eq!(t, Transition { to: Current, reason: "cure: DPD back to 0".into() });
            let closed = Position { closed: true, ..pos(from, 0, true) };
            assert_eq!(to(&closed), Some(Closed), "{from}");
            let off = Position { written_off: true, ..pos(from, 200, true) };
            assert_eq!(to(&off), None);
        }
        assert_eq!(to(&Position { closed: true, ..pos(Current, 0, false) }), Some(Closed));
        assert_eq!(to(&Position { closed: true, ..pos(Closed, 0, false) }), None);
        assert_eq!(to(&pos(WrittenOff, 0, false)), None);
        assert_eq!(to(&pos(WrittenOff, 400, false)), None);
        // Owed again after closing.
        assert_eq!(to(&pos(Closed, 0, false)), Some(Current));
        assert_eq!(to(&pos(Closed, 40, false)), Some(Negotiation));
    }

    #[test]
    fn an_alive_promise_holds_but_does_not_stop_a_cure() {
        use Stage::*;
        let held = Position { promise_alive: true, ..pos(Reminder, 45, true) };
        assert_eq!(to(&held), None);
        assert_eq!(to(&Position { promise_alive: false, ..held }), Some(Negotiation));
        assert_eq!(to(&Position { dpd: 0, ..held }), Some(Current));
        assert_eq!(to(&Position { closed: true, ..held }), Some(Closed));
        let no_hold = Policy { promise_hold: false, ..Policy::default() };
        assert_eq!(decide(&no_hold, &held).map(|t| t.to), Some(Negotiation));
    }

    #[test]
    fn guarantor_rule_and_product_bands() {
        use Stage::*;
        let off = Policy { guarantor_stage: false, ..Policy::default() };
        let t = decide(&off, &pos(Current, 70, true)).expect("a move");
        assert_eq!(
            t,
            Transition {
                to: Negotiation,
                reason: "DPD 70 in band negotiation (31–90, no guarantor stage)".into()
            }
        );
        let p = parse_policy("[products.bullet]\nlegal = 61\nguarantor = 46\n").expect("policy");
        let bullet = Position { product: Product::Bullet, ..pos(Current, 61, true) };
        assert_eq!(decide(&p, &bullet).map(|t| t.to), Some(Legal));
        assert_eq!(decide(&p, &Position { dpd: 50, ..bullet }).map(|t| t.to), Some(Guarantor));
        assert_eq!(decide(&p, &pos(Current, 61, true)).map(|t| t.to), Some(Guarantor));
    }
}
