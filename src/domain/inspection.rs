//! Post-loan inspection (贷后检查, DOMAIN §10): what an inspection records, and when the next one
//! of a loan falls due. The schedule's numbers are policy data (`[inspections]`, `InspectionRules`).

use chrono::{Duration, NaiveDate};

use super::classify::RiskClass;
use super::money::Money;
use super::terms::add_months;

text_enum!(
    /// Why an inspection is made.
    InspectionKind, "inspection kind", {
        /// 首次检查: after disbursement, whether the funds went where agreed.
        First => "first",
        /// 常规检查: at the interval of the loan's class.
        Routine => "routine",
        /// 专项检查: asked for by a measure or a serious warning.
        Special => "special",
    }
);

text_enum!(
    /// How an inspection is made.
    InspectionMode, "inspection mode", {
        /// 现场: a visit.
        Onsite => "onsite",
        /// 非现场: from documents, accounts and calls.
        Offsite => "offsite",
    }
);

text_enum!(
    /// One point of the checklist.
    Check, "checklist answer", {
        Ok => "ok",
        Concern => "concern",
        #[serde(rename = "n/a")]
        NotApplicable => "n/a",
    }
);

text_enum!(
    /// What the inspector concludes.
    Conclusion, "conclusion", {
        Normal => "normal",
        Concern => "concern",
        Risk => "risk",
    }
);

/// The checklist (DOMAIN §10), in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Checklist {
    /// 资金用途: funds used as agreed.
    pub funds: Check,
    /// 经营/收入: business or income as before.
    pub business: Check,
    /// 押品: collateral intact and insured.
    pub collateral: Check,
    /// 担保能力: guarantor still able.
    pub guarantor: Check,
}

/// The inspection schedule's numbers (policy `[inspections]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InspectionRules {
    /// The first inspection is due this many days after disbursement.
    pub first_days: i64,
    pub normal_months: u32,
    pub special_mention_months: u32,
    /// Substandard, doubtful and loss.
    pub substandard_months: u32,
    /// A customer on the watchlist.
    pub watchlist_months: u32,
    /// At most this interval for a large customer or one with several active loans.
    pub cap_months: u32,
    /// A customer whose outstanding principal reaches this is large (大额).
    pub large_exposure: Money,
    /// A customer with at least this many active loans has several (一人多贷).
    pub multi_loans: u32,
    /// A special inspection is due this many days after it is asked for.
    pub special_days: i64,
    /// A supervisor reviews an inspection within this many working days of its record.
    pub review_working_days: u32,
    /// A supervisor signs a work log within this many working days of its record.
    pub sign_working_days: u32,
    /// Collateral is valued again this many months after its latest valuation.
    pub revaluation_months: u32,
}

/// What a loan's next regular inspection depends on, as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleFacts {
    pub disbursed_on: NaiveDate,
    /// A `first` inspection is on record.
    pub first_done: bool,
    /// The date of the latest inspection of any kind.
    pub latest: Option<NaiveDate>,
    pub class: RiskClass,
    /// The customer is on the watchlist.
    pub watchlist: bool,
    /// The customer's outstanding principal over all active loans.
    pub customer_outstanding: Money,
    /// The customer's active loans.
    pub customer_loans: u32,
}

/// A loan's next regular inspection: its kind and due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub kind: InspectionKind,
    pub due_on: NaiveDate,
}

impl InspectionRules {
    /// The keys of the policy's `[inspections]`: name, allowed values, what a value counts; in
    /// the order of `values`.
    pub const KEYS: [(&'static str, std::ops::Range<i64>, &'static str); 12] = [
        ("first_days", 1..367, "days"),
        ("normal_months", 1..25, "months"),
        ("special_mention_months", 1..25, "months"),
        ("substandard_months", 1..25, "months"),
        ("watchlist_months", 1..25, "months"),
        ("cap_months", 1..25, "months"),
        ("large_exposure", 1..1_000_000_000_000, "yuan"),
        ("multi_loans", 2..100, "loans"),
        ("special_days", 1..367, "days"),
        ("review_working_days", 1..31, "working days"),
        ("sign_working_days", 1..31, "working days"),
        ("revaluation_months", 1..61, "months"),
    ];

    /// The rules as the policy file writes them, in the order of `KEYS`.
    pub fn values(&self) -> [i64; 12] {
        [
            self.first_days,
            i64::from(self.normal_months),
            i64::from(self.special_mention_months),
            i64::from(self.substandard_months),
            i64::from(self.watchlist_months),
            i64::from(self.cap_months),
            self.large_exposure.cents() / 100,
            i64::from(self.multi_loans),
            self.special_days,
            i64::from(self.review_working_days),
            i64::from(self.sign_working_days),
            i64::from(self.revaluation_months),
        ]
    }

    /// The rules from values each within its key's range.
    pub fn from_values(v: [i64; 12]) -> InspectionRules {
        let small = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        InspectionRules {
            first_days: v[0],
            normal_months: small(v[1]),
            special_mention_months: small(v[2]),
            substandard_months: small(v[3]),
            watchlist_months: small(v[4]),
            cap_months: small(v[5]),
            large_exposure: Money::from_cents(v[6].saturating_mul(100)),
            multi_loans: small(v[7]),
            special_days: v[8],
            review_working_days: small(v[9]),
            sign_working_days: small(v[10]),
            revaluation_months: small(v[11]),
        }
    }

    /// The months between routine inspections: the class's interval, the watchlist's, and the cap
    /// of a large customer or one with several loans; the shortest that applies wins.
    pub fn interval_months(&self, f: &ScheduleFacts) -> u32 {
        let mut months = match f.class {
            RiskClass::Normal => self.normal_months,
            RiskClass::SpecialMention => self.special_mention_months,
            _ => self.substandard_months,
        };
        if f.watchlist {
            months = months.min(self.watchlist_months);
        }
        if self.capped(f) {
            months = months.min(self.cap_months);
        }
        months
    }

    /// A large customer, or one with several active loans.
    pub fn capped(&self, f: &ScheduleFacts) -> bool {
        f.customer_outstanding >= self.large_exposure || f.customer_loans >= self.multi_loans
    }

    pub fn first_due(&self, disbursed_on: NaiveDate) -> NaiveDate {
        disbursed_on + Duration::days(self.first_days)
    }

    /// The loan's next regular inspection: the first one until it is recorded, then a routine one
    /// the interval after the latest inspection of any kind. Before the first is recorded the
    /// first is what is due; the routine schedule runs from the first's record (or from a later
    /// inspection), months added as in DOMAIN §3.
    pub fn next_regular(&self, f: &ScheduleFacts) -> Due {
        if !f.first_done {
            return Due { kind: InspectionKind::First, due_on: self.first_due(f.disbursed_on) };
        }
        let from = f.latest.unwrap_or_else(|| self.first_due(f.disbursed_on));
        Due { kind: InspectionKind::Routine, due_on: add_months(from, self.interval_months(f)) }
    }

    /// A special inspection asked for on `asked_on`.
    pub fn special_due(&self, asked_on: NaiveDate) -> NaiveDate {
        asked_on + Duration::days(self.special_days)
    }
}

/// Overdue on `as_of`: due before it.
pub fn is_overdue(due_on: NaiveDate, as_of: NaiveDate) -> bool {
    due_on < as_of
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DOMAIN §10's schedule (the shipped policy's, which `policy/` checks).
    fn rules() -> InspectionRules {
        InspectionRules::from_values([30, 6, 3, 1, 1, 3, 500_000, 2, 7, 2, 2, 12])
    }

    fn d(s: &str) -> NaiveDate {
        crate::domain::parse_date(s).expect("date")
    }

    fn m(s: &str) -> Money {
        Money::parse(s).expect("money")
    }

    fn facts(disbursed: &str) -> ScheduleFacts {
        ScheduleFacts {
            disbursed_on: d(disbursed),
            first_done: false,
            latest: None,
            class: RiskClass::Normal,
            watchlist: false,
            customer_outstanding: m("100000.00"),
            customer_loans: 1,
        }
    }

    /// DOMAIN §10, a row per edge: (what, facts, kind, due).
    #[test]
    fn the_next_regular_inspection() {
        let r = rules();
        let base = facts("2026-01-15");
        let done = |latest: &str| ScheduleFacts { first_done: true, latest: Some(d(latest)), ..base };
        let cases: Vec<(&str, ScheduleFacts, InspectionKind, &str)> = vec![
            ("first due at disbursement + 30 days", base, InspectionKind::First, "2026-02-14"),
            (
                "month-end disbursement: + 30 days, not a month",
                facts("2026-01-31"),
                InspectionKind::First,
                "2026-03-02",
            ),
            (
                "a routine inspection before the first leaves the first due",
                ScheduleFacts { latest: Some(d("2026-02-01")), ..base },
                InspectionKind::First,
                "2026-02-14",
            ),
            ("normal: 6 months after the latest", done("2026-02-10"), InspectionKind::Routine, "2026-08-10"),
            (
                "special mention: 3 months",
                ScheduleFacts { class: RiskClass::SpecialMention, ..done("2026-02-10") },
                InspectionKind::Routine,
                "2026-05-10",
            ),
            (
                "substandard: 1 month",
                ScheduleFacts { class: RiskClass::Substandard, ..done("2026-02-10") },
                InspectionKind::Routine,
                "2026-03-10",
            ),
            (
                "doubtful: 1 month",
                ScheduleFacts { class: RiskClass::Doubtful, ..done("2026-02-10") },
                InspectionKind::Routine,
                "2026-03-10",
            ),
            (
                "loss: 1 month",
                ScheduleFacts { class: RiskClass::Loss, ..done("2026-02-10") },
                InspectionKind::Routine,
                "2026-03-10",
            ),
            (
                "watchlist: 1 month",
                ScheduleFacts { watchlist: true, ..done("2026-02-10") },
                InspectionKind::Routine,
                "2026-03-10",
            ),
            (
                "large customer (500,000.00 exactly): capped at 3 months",
                ScheduleFacts { customer_outstanding: m("500000.00"), ..done("2026-02-10") },
                InspectionKind::Routine,
                "2026-05-10",
            ),
            (
                "one cent under large: 6 months",
                ScheduleFacts { customer_outstanding: m("499999.99"), ..done("2026-02-10") },
                InspectionKind::Routine,
                "2026-08-10",
            ),
            (
                "two active loans: capped at 3 months",
                ScheduleFacts { customer_loans: 2, ..done("2026-02-10") },
                InspectionKind::Routine,
                "2026-05-10",
            ),
            (
                "the shortest wins: a capped substandard loan is 1 month",
                ScheduleFacts { customer_loans: 3, class: RiskClass::Substandard, ..done("2026-02-10") },
                InspectionKind::Routine,
                "2026-03-10",
            ),
            (
                "the shortest wins: capped special mention stays 3 months",
                ScheduleFacts {
                    customer_loans: 2,
                    customer_outstanding: m("800000.00"),
                    class: RiskClass::SpecialMention,
                    ..done("2026-02-10")
                },
                InspectionKind::Routine,
                "2026-05-10",
            ),
            (
                "month-end clamping: 31 August + 6 months is 28 February",
                done("2025-08-31"),
                InspectionKind::Routine,
                "2026-02-28",
            ),
            (
                "month-end clamping: 30 November + 3 months is 28 February",
                ScheduleFacts { class: RiskClass::SpecialMention, ..done("2025-11-30") },
                InspectionKind::Routine,
                "2026-02-28",
            ),
            (
                "month-end clamping: 31 January + 1 month is 28 February",
                ScheduleFacts { class: RiskClass::Substandard, ..done("2026-01-31") },
                InspectionKind::Routine,
                "2026-02-28",
            ),
            (
                "leap year: 31 January 2028 + 1 month is 29 February",
                ScheduleFacts { class: RiskClass::Substandard, ..done("2028-01-31") },
                InspectionKind::Routine,
                "2028-02-29",
            ),
            (
                "a first on record without a date runs from the first's due date",
                ScheduleFacts { first_done: true, ..base },
                InspectionKind::Routine,
                "2026-08-14",
            ),
        ];
        for (what, f, kind, due) in cases {
            assert_eq!(r.next_regular(&f), Due { kind, due_on: d(due) }, "{what}");
        }
    }

    #[test]
    fn a_recorded_inspection_moves_the_next_due_date_by_the_interval() {
        let r = rules();
        let mut f = facts("2026-01-15");
        assert_eq!(r.next_regular(&f).due_on, d("2026-02-14"));
        // Recorded late, on 20 February: the next is six months from the record, not from the due date.
        f.first_done = true;
        f.latest = Some(d("2026-02-20"));
        assert_eq!(r.next_regular(&f), Due { kind: InspectionKind::Routine, due_on: d("2026-08-20") });
        f.latest = Some(d("2026-05-04"));
        assert_eq!(r.next_regular(&f).due_on, d("2026-11-04"));
    }

    #[test]
    fn overdue_is_due_before_the_day_and_special_is_seven_days_on() {
        let r = rules();
        assert!(!is_overdue(d("2026-03-01"), d("2026-03-01")), "due today is not overdue");
        assert!(is_overdue(d("2026-02-28"), d("2026-03-01")));
        assert_eq!(r.special_due(d("2026-03-01")), d("2026-03-08"));
        for w in Check::ALL {
            assert_eq!(w.as_str().parse::<Check>(), Ok(*w));
        }
        assert_eq!("n/a".parse::<Check>(), Ok(Check::NotApplicable));
        assert_eq!(serde_json::to_string(&Check::NotApplicable).expect("json"), "\"n/a\"");
        assert!("bad".parse::<Conclusion>().unwrap_err().contains("normal, concern, risk"));
    }
}
