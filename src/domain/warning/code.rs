//! The words of early warning (DOMAIN §9).

text_enum!(
    /// A signal's rule; `manual` is a person's.
    SignalCode, "signal code", {
        FirstInstallmentMissed => "first_installment_missed",
        RepeatedLate => "repeated_late",
        PartialPayment => "partial_payment",
        Relapse => "relapse",
        BrokenPromises => "broken_promises",
        Unreachable => "unreachable",
        LargeExposureOverdue => "large_exposure_overdue",
        CollateralShortfall => "collateral_shortfall",
        CollateralStale => "collateral_stale",
        InspectionOverdue => "inspection_overdue",
        InspectionRisk => "inspection_risk",
        Manual => "manual",
    }
);

impl SignalCode {
    /// The rules the run opens and closes (every code but `manual`).
    pub fn automatic() -> impl Iterator<Item = SignalCode> {
        SignalCode::ALL.iter().copied().filter(|c| *c != SignalCode::Manual)
    }

    /// The bit of a rule in a set of codes.
    pub fn bit(self) -> u32 {
        1 << SignalCode::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// The codes of a set of bits, in the order of `ALL`.
    pub fn of_bits(bits: u32) -> impl Iterator<Item = SignalCode> {
        SignalCode::ALL.iter().copied().filter(move |c| bits & c.bit() != 0)
    }

    /// 中文 name.
    pub fn zh(self) -> &'static str {
        match self {
            SignalCode::FirstInstallmentMissed => "首期逾期",
            SignalCode::RepeatedLate => "多次迟缓还款",
            SignalCode::PartialPayment => "部分还款",
            SignalCode::Relapse => "治愈后再逾期",
            SignalCode::BrokenPromises => "多次违约承诺",
            SignalCode::Unreachable => "失联",
            SignalCode::LargeExposureOverdue => "大额逾期",
            SignalCode::CollateralShortfall => "押品不足",
            SignalCode::CollateralStale => "押品重估逾期",
            SignalCode::InspectionOverdue => "检查逾期",
            SignalCode::InspectionRisk => "检查发现风险",
            SignalCode::Manual => "人工预警",
        }
    }
}

text_enum!(
    /// A signal's level: 一般 / 重大 / 严重预警.
    Level, "level", {
        Yellow => "yellow",
        Orange => "orange",
        Red => "red",
    }
);

impl Level {
    /// Higher is worse.
    pub fn rank(self) -> u8 {
        match self {
            Level::Yellow => 1,
            Level::Orange => 2,
            Level::Red => 3,
        }
    }

    /// The highest of some levels.
    pub fn highest(levels: impl IntoIterator<Item = Level>) -> Option<Level> {
        levels.into_iter().max_by_key(|l| l.rank())
    }
}

text_enum!(
    /// What a person's signal is about.
    Category, "category", {
        Lawsuit => "lawsuit",
        Enforcement => "enforcement",
        AccountFrozen => "account_frozen",
        CollateralSeized => "collateral_seized",
        BusinessStopped => "business_stopped",
        ControlChange => "control_change",
        MisuseOfFunds => "misuse_of_funds",
        FraudSuspicion => "fraud_suspicion",
        IncomeLoss => "income_loss",
        Other => "other",
    }
);

text_enum!(
    /// A measure taken on a signal (处置措施).
    MeasureKind, "measure", {
        IntensifiedMonitoring => "intensified_monitoring",
        SpecialInspection => "special_inspection",
        MoreSecurity => "more_security",
        FreezeCredit => "freeze_credit",
        CallInEarly => "call_in_early",
        Restructure => "restructure",
        Collection => "collection",
        Other => "other",
    }
);

text_enum!(
    /// A loan's warning level: the highest of its open signals, `none` without one.
    WarningLevel, "warning level", {
        None => "none",
        Yellow => "yellow",
        Orange => "orange",
        Red => "red",
    }
);

impl WarningLevel {
    /// The signal level it is, `None` without an open signal.
    pub fn level(self) -> Option<Level> {
        match self {
            WarningLevel::None => None,
            WarningLevel::Yellow => Some(Level::Yellow),
            WarningLevel::Orange => Some(Level::Orange),
            WarningLevel::Red => Some(Level::Red),
        }
    }
}

impl From<Option<Level>> for WarningLevel {
    fn from(l: Option<Level>) -> Self {
        match l {
            None => WarningLevel::None,
            Some(Level::Yellow) => WarningLevel::Yellow,
            Some(Level::Orange) => WarningLevel::Orange,
            Some(Level::Red) => WarningLevel::Red,
        }
    }
}

text_enum!(
    /// A signal occurrence's state.
    SignalState, "state", {
        Open => "open",
        Confirmed => "confirmed",
        Closed => "closed",
    }
);

text_enum!(
    /// A customer's rating (客户分类).
    Rating, "rating", {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
);

impl Rating {
    pub fn rank(self) -> u8 {
        match self {
            Rating::Low => 0,
            Rating::Medium => 1,
            Rating::High => 2,
        }
    }

    /// DOMAIN §9: `high` when a loan of the customer is substandard or worse, has a red signal
    /// open, or the customer is on the watchlist; `medium` when a loan is special mention or
    /// has a signal open; `low` otherwise — and a supervisor's rating where it is worse.
    pub fn of(
        classes: impl IntoIterator<Item = crate::domain::RiskClass>,
        level: Option<Level>,
        watchlist: bool,
        manual: Option<Rating>,
    ) -> Rating {
        let worst = classes.into_iter().max().unwrap_or(crate::domain::RiskClass::Normal);
        let rules = if worst.is_npl() || level == Some(Level::Red) || watchlist {
            Rating::High
        } else if worst == crate::domain::RiskClass::SpecialMention || level.is_some() {
            Rating::Medium
        } else {
            Rating::Low
        };
        match manual {
            Some(m) if m.rank() > rules.rank() => m,
            _ => rules,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_bits() {
        let all: u32 = SignalCode::ALL.iter().map(|c| c.bit()).fold(0, |a, b| a | b);
        assert_eq!(SignalCode::of_bits(all).count(), SignalCode::ALL.len());
        let two = SignalCode::Relapse.bit() | SignalCode::InspectionRisk.bit();
        assert_eq!(
            SignalCode::of_bits(two).collect::<Vec<_>>(),
            [SignalCode::Relapse, SignalCode::InspectionRisk]
        );
        assert_eq!(SignalCode::automatic().count(), 11);
        assert_eq!(Level::highest([Level::Yellow, Level::Red, Level::Orange]), Some(Level::Red));
    }

    #[test]
    fn the_customer_rating_follows_classes_signals_and_the_watchlist() {
        use crate::domain::RiskClass::*;
        let r = |classes: &[crate::domain::RiskClass], level, watch, manual| {
            Rating::of(classes.iter().copied(), level, watch, manual)
        };
        assert_eq!(r(&[Normal], None, false, None), Rating::Low);
        assert_eq!(r(&[Normal, SpecialMention], None, false, None), Rating::Medium);
        assert_eq!(r(&[Normal], Some(Level::Yellow), false, None), Rating::Medium);
        assert_eq!(r(&[Normal], Some(Level::Red), false, None), Rating::High);
        assert_eq!(r(&[Substandard], None, false, None), Rating::High);
        assert_eq!(r(&[Normal], None, true, None), Rating::High);
        assert_eq!(r(&[Normal], None, false, Some(Rating::Medium)), Rating::Medium, "worse by hand");
        assert_eq!(r(&[Loss], None, false, Some(Rating::Low)), Rating::High, "never better");
    }
}
