//! Delinquency buckets and the five-tier classification floor (DOMAIN §5).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Bucket {
    M0,
    M1,
    M2,
    M3,
    M4,
    M5,
    M6,
    #[serde(rename = "M7+")]
    M7Plus,
}

impl Bucket {
    pub const ALL: [Bucket; 8] =
        [Bucket::M0, Bucket::M1, Bucket::M2, Bucket::M3, Bucket::M4, Bucket::M5, Bucket::M6, Bucket::M7Plus];

    pub fn for_dpd(dpd: i64) -> Bucket {
        match dpd {
            i64::MIN..=0 => Bucket::M0,
            1..=30 => Bucket::M1,
            31..=60 => Bucket::M2,
            61..=90 => Bucket::M3,
            91..=120 => Bucket::M4,
            121..=150 => Bucket::M5,
            151..=180 => Bucket::M6,
            _ => Bucket::M7Plus,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::M0 => "M0",
            Bucket::M1 => "M1",
            Bucket::M2 => "M2",
            Bucket::M3 => "M3",
            Bucket::M4 => "M4",
            Bucket::M5 => "M5",
            Bucket::M6 => "M6",
            Bucket::M7Plus => "M7+",
        }
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Bucket {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Bucket::ALL.into_iter().find(|b| b.as_str() == s).ok_or_else(|| format!("unknown bucket '{s}'"))
    }
}

/// 五级分类, ordered from best to worst so that `max` is "the worse of".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskClass {
    Normal,
    SpecialMention,
    Substandard,
    Doubtful,
    Loss,
}

impl RiskClass {
    pub const ALL: [RiskClass; 5] = [
        RiskClass::Normal,
        RiskClass::SpecialMention,
        RiskClass::Substandard,
        RiskClass::Doubtful,
        RiskClass::Loss,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskClass::Normal => "normal",
            RiskClass::SpecialMention => "special_mention",
            RiskClass::Substandard => "substandard",
            RiskClass::Doubtful => "doubtful",
            RiskClass::Loss => "loss",
        }
    }

    /// Non-performing: substandard, doubtful or loss.
    pub fn is_npl(self) -> bool {
        self >= RiskClass::Substandard
    }
}

impl fmt::Display for RiskClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for RiskClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RiskClass::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| format!("unknown class '{s}'"))
    }
}

/// Which DPD bands give the classification floor; the policy in force chooses (`Policy::class_bands`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassBands {
    /// 2023《商业银行金融资产风险分类办法》: 1–90 special mention, 91–270 substandard, 271–360 doubtful, > 360 loss.
    Standard,
    /// Credit cards: 1–90 special mention, 91–120 substandard, 121–180 doubtful, > 180 loss.
    CreditCard,
}

impl ClassBands {
    /// The best class a loan with this DPD may carry. A person may classify worse, never better.
    pub fn floor(self, dpd: i64) -> RiskClass {
        let [_, sub, doubtful, loss] = self.edges();
        match dpd {
            d if d <= 0 => RiskClass::Normal,
            d if d < sub => RiskClass::SpecialMention,
            d if d < doubtful => RiskClass::Substandard,
            d if d < loss => RiskClass::Doubtful,
            _ => RiskClass::Loss,
        }
    }
}

impl ClassBands {
    /// The DPDs at which the floor moves to the next class: a loan's class changes by the date
    /// alone only on the day its DPD reaches one of them (or a hold ends).
    pub fn edges(self) -> [i64; 4] {
        match self {
            ClassBands::Standard => [1, 91, 271, 361],
            ClassBands::CreditCard => [1, 91, 121, 181],
        }
    }
}

text_enum!(
    /// What moved a loan's class, as its class-change event names it.
    ClassCause, "class change cause", {
        Run => "run",
        Payment => "payment",
        Plan => "plan",
        Classify => "classify",
        Lift => "lift",
        WriteOff => "write_off",
        Reopen => "reopen",
        Policy => "policy",
    }
);

/// A supervisor's class on a loan (DOMAIN §5): worse than the floor only, from a date until an
/// optional end date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManualClass {
    pub class: RiskClass,
    pub from: chrono::NaiveDate,
    pub until: Option<chrono::NaiveDate>,
}

impl ManualClass {
    /// The class while it is in force on `as_of` (from its date up to and including its end).
    pub fn in_force(&self, as_of: chrono::NaiveDate) -> Option<RiskClass> {
        (self.from <= as_of && self.until.is_none_or(|u| as_of <= u)).then_some(self.class)
    }
}

text_enum!(
    /// The rule of DOMAIN §5 that set a loan's class: `floor` where none made it worse than the
    /// DPD floor (a tie with the floor included).
    ClassReason, "class reason", {
        Floor => "floor",
        NplHold => "npl_hold",
        Manual => "manual",
        Restructure => "restructure",
    }
);

/// What may hold a loan's class worse than its DPD floor on a date (DOMAIN §5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassHolds {
    /// The end of a restructure's observation: at least special mention before it.
    pub observation_until: Option<chrono::NaiveDate>,
    /// The class a payment plan holds the loan at until it is kept (`plan::held_class`): a plan
    /// is a restructure of the debt, so its reason is `restructure`.
    pub plan_held: Option<RiskClass>,
    /// A supervisor's class in force on the date.
    pub manual: Option<RiskClass>,
    /// The NPL hold (`npl::npl_hold`).
    pub npl: Option<RiskClass>,
}

/// The class a loan carries and the rule that set it: the worst of its DPD floor, the
/// observation, a plan's, a manual class and the NPL hold; normal once closed. Where two rules
/// give the same class worse than the floor, a person's decision names it first, then the NPL
/// hold, then the restructure.
pub fn class_with_reason(
    closed: bool,
    floor: RiskClass,
    on: chrono::NaiveDate,
    holds: ClassHolds,
) -> (RiskClass, ClassReason) {
    if closed {
        return (RiskClass::Normal, ClassReason::Floor);
    }
    let observed =
        holds.observation_until.is_some_and(|until| on < until).then_some(RiskClass::SpecialMention);
    let restructure = observed.max(holds.plan_held);
    let candidates = [
        (holds.manual, ClassReason::Manual),
        (holds.npl, ClassReason::NplHold),
        (restructure, ClassReason::Restructure),
    ];
    candidates
        .into_iter()
        .filter_map(|(c, why)| c.filter(|c| *c > floor).map(|c| (c, why)))
        .fold((floor, ClassReason::Floor), |best, (c, why)| if c > best.0 { (c, why) } else { best })
}

/// The class a loan carries (`class_with_reason` without the reason), from its assessment.
pub fn loan_class(a: &crate::domain::Assessment, holds: ClassHolds) -> (RiskClass, ClassReason) {
    class_with_reason(a.closed, a.class_floor, a.as_of, holds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_moves_on_its_edges_and_nowhere_else() {
        for bands in [ClassBands::Standard, ClassBands::CreditCard] {
            let moves: Vec<i64> = (1..1000).filter(|&d| bands.floor(d) != bands.floor(d - 1)).collect();
            assert_eq!(moves, bands.edges(), "{bands:?}");
        }
    }

    #[test]
    fn bucket_and_floor_boundaries() {
        use Bucket::*;
        use RiskClass::*;
        let cases = [
            (0, M0, Normal),
            (1, M1, SpecialMention),
            (30, M1, SpecialMention),
            (31, M2, SpecialMention),
            (60, M2, SpecialMention),
            (61, M3, SpecialMention),
            (90, M3, SpecialMention),
            (91, M4, Substandard),
            (120, M4, Substandard),
            (121, M5, Substandard),
            (150, M5, Substandard),
            (151, M6, Substandard),
            (180, M6, Substandard),
            (181, M7Plus, Substandard),
            (270, M7Plus, Substandard),
            (271, M7Plus, Doubtful),
            (360, M7Plus, Doubtful),
            (361, M7Plus, Loss),
            (5000, M7Plus, Loss),
        ];
        for (dpd, bucket, class) in cases {
            assert_eq!(Bucket::for_dpd(dpd), bucket, "bucket at {dpd}");
            assert_eq!(ClassBands::Standard.floor(dpd), class, "floor at {dpd}");
        }
    }

    #[test]
    fn a_manual_class_holds_from_its_date_to_its_end() {
        let d = |s: &str| crate::domain::parse_date(s).expect("date");
        let m = ManualClass {
            class: RiskClass::Substandard,
            from: d("2026-03-02"),
            until: Some(d("2026-06-30")),
        };
        assert_eq!(m.in_force(d("2026-03-01")), None);
        assert_eq!(m.in_force(d("2026-03-02")), Some(RiskClass::Substandard));
        assert_eq!(m.in_force(d("2026-06-30")), Some(RiskClass::Substandard));
        assert_eq!(m.in_force(d("2026-07-01")), None);
        assert_eq!(ManualClass { until: None, ..m }.in_force(d("2030-01-01")), Some(RiskClass::Substandard));
    }

    #[test]
    fn the_class_is_the_worst_rule_and_names_it() {
        use ClassReason::*;
        use RiskClass::*;
        let d = |s: &str| crate::domain::parse_date(s).expect("date");
        let on = d("2026-03-01");
        let h = |observation: Option<&str>, plan, manual, npl| ClassHolds {
            observation_until: observation.map(d),
            plan_held: plan,
            manual,
            npl,
        };
        let cases = [
            (Normal, h(None, None, None, None), (Normal, Floor)),
            (Substandard, h(None, None, Some(Substandard), Some(Substandard)), (Substandard, Floor)),
            (Normal, h(Some("2026-03-02"), None, None, None), (SpecialMention, Restructure)),
            (Normal, h(Some("2026-03-01"), None, None, None), (Normal, Floor)),
            (Normal, h(None, Some(Doubtful), None, None), (Doubtful, Restructure)),
            (SpecialMention, h(None, None, None, Some(Loss)), (Loss, NplHold)),
            (Normal, h(None, None, Some(Substandard), Some(Substandard)), (Substandard, Manual)),
            (Normal, h(None, Some(Substandard), None, Some(Substandard)), (Substandard, NplHold)),
            (Normal, h(None, None, Some(Substandard), Some(Doubtful)), (Doubtful, NplHold)),
        ];
        for (floor, holds, want) in cases {
            assert_eq!(class_with_reason(false, floor, on, holds), want, "{floor} {holds:?}");
        }
        let worst = h(Some("2027-01-01"), Some(Loss), Some(Loss), Some(Loss));
        assert_eq!(class_with_reason(true, Loss, on, worst), (Normal, Floor), "closed");
    }

    #[test]
    fn credit_card_bands() {
        let f = |d| ClassBands::CreditCard.floor(d);
        assert_eq!(f(90), RiskClass::SpecialMention);
        assert_eq!(f(91), RiskClass::Substandard);
        assert_eq!(f(120), RiskClass::Substandard);
        assert_eq!(f(121), RiskClass::Doubtful);
        assert_eq!(f(180), RiskClass::Doubtful);
        assert_eq!(f(181), RiskClass::Loss);
    }

    #[test]
    fn names_round_trip() {
        for b in Bucket::ALL {
            assert_eq!(b.as_str().parse::<Bucket>(), Ok(b));
        }
        for c in RiskClass::ALL {
            assert_eq!(c.as_str().parse::<RiskClass>(), Ok(c));
        }
        assert!(RiskClass::Substandard.is_npl() && !RiskClass::SpecialMention.is_npl());
    }
}
