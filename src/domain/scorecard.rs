//! The collector scorecard (考核, DOMAIN §12): a month's figures weighed against the user's
//! targets into a score out of 100 (百分制).

use serde::Serialize;

use super::Money;
use super::report::Share;

text_enum!(
    /// The figures a scorecard weighs.
    Kpi, "KPI", {
        /// Payments dated in the month on loans the user owned that day.
        Collected => "collected",
        /// Promises kept ÷ kept and broken, of those whose grace ended in the month.
        PtpKept => "ptp_kept",
        /// Right-party contacts ÷ call attempts to debtors.
        Rpc => "rpc",
        /// Cases cured in the month.
        Cured => "cured",
        /// Work log entries signed on time ÷ entries due a signature in the month.
        Logs => "logs",
    }
);

/// Each KPI's weight, together 100; the default puts collection first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Weights([u32; 5]);

impl Default for Weights {
    fn default() -> Self {
        Weights([50, 20, 15, 10, 5])
    }
}

impl Weights {
    /// `collected=50,ptp_kept=20,rpc=15,cured=10,logs=5`: every KPI once, whole numbers, 100 in all.
    pub fn parse(s: &str) -> Result<Weights, String> {
        let mut w = [None; 5];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| format!("'{part}' is not KPI=WEIGHT"))?;
            let kpi: Kpi = k.trim().parse()?;
            let v: u32 = v.trim().parse().map_err(|_| format!("{kpi}: '{v}' is not a whole number"))?;
            let at = Kpi::ALL.iter().position(|x| *x == kpi).unwrap_or(0);
            if w[at].replace(v).is_some() {
                return Err(format!("{kpi} is given twice"));
            }
        }
        let mut out = [0; 5];
        for (i, v) in w.iter().enumerate() {
            out[i] = v.ok_or_else(|| format!("no weight for {}", Kpi::ALL[i]))?;
        }
        let sum: u32 = out.iter().sum();
        if sum != 100 {
            return Err(format!("the weights add up to {sum}, not 100"));
        }
        Ok(Weights(out))
    }

    pub fn of(&self, kpi: Kpi) -> u32 {
        self.0[Kpi::ALL.iter().position(|x| *x == kpi).unwrap_or(0)]
    }
}

impl std::fmt::Display for Weights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = Kpi::ALL.iter().map(|k| format!("{k}={}", self.of(*k))).collect();
        f.write_str(&parts.join(","))
    }
}

/// A user's figures for a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub collected: Money,
    pub ptp_kept: u64,
    pub ptp_broken: u64,
    pub rpc: u64,
    pub call_attempts: u64,
    pub cured: u64,
    pub logs_on_time: u64,
    pub logs_due: u64,
}

/// A KPI's target: an amount in cents for collected, a count for cured, else hundredths of a
/// percent (`8000` is 80.00 %).
pub type Target = i64;

/// What a figure reaches of its target, in hundredths of a percent, at most 100 %; `None`
/// without a target or without anything to measure (no promise ended, no call made).
fn reached(kpi: Kpi, f: &Figures, target: Option<Target>) -> Option<i64> {
    let target = target.filter(|t| *t > 0)?;
    let actual_bp = |part: u64, whole: u64| Share::of(part.into(), whole.into()).basis_points();
    let (actual, of) = match kpi {
        Kpi::Collected => (f.collected.cents(), target),
        Kpi::Cured => (i64::try_from(f.cured).unwrap_or(i64::MAX), target),
        Kpi::PtpKept => (actual_bp(f.ptp_kept, f.ptp_kept + f.ptp_broken)?, target),
        Kpi::Rpc => (actual_bp(f.rpc, f.call_attempts)?, target),
        Kpi::Logs => (actual_bp(f.logs_on_time, f.logs_due)?, target),
    };
    Some(Share::of(actual.into(), of.into()).basis_points().unwrap_or(0).clamp(0, 10_000))
}

/// A KPI's line on a scorecard: its weight, what it reached and its points (hundredths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Line {
    pub kpi: Kpi,
    pub weight: u32,
    pub target: Option<Target>,
    /// Hundredths of a percent of the target reached (at most 100 %).
    pub reached: Option<i64>,
    /// Points in hundredths: weight × reached. A KPI without a target or without anything to
    /// measure gives its full weight (nothing asked of the user, or nothing to fail at).
    pub points: i64,
}

/// The score out of 100 (in hundredths) and each KPI's line.
pub fn score(f: &Figures, targets: &[(Kpi, Target)], w: &Weights) -> (i64, Vec<Line>) {
    let lines: Vec<Line> = Kpi::ALL
        .iter()
        .map(|&kpi| {
            let target = targets.iter().find(|(k, _)| *k == kpi).map(|(_, t)| *t);
            let reached = reached(kpi, f, target);
            let weight = w.of(kpi);
            let points = i64::from(weight) * reached.unwrap_or(10_000) / 100;
            Line { kpi, weight, target, reached, points }
        })
        .collect();
    (lines.iter().map(|l| l.points).sum(), lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> Figures {
        Figures {
            collected: Money::from_cents(3_000_000),
            ptp_kept: 3,
            ptp_broken: 1,
            rpc: 10,
            call_attempts: 40,
            cured: 4,
            logs_on_time: 0,
            logs_due: 0,
        }
    }

    #[test]
    fn the_score_weighs_each_figure_against_its_target() {
        let targets = [
            (Kpi::Collected, 6_000_000), // 30,000 of 60,000: 50 % of 50 → 25
            (Kpi::PtpKept, 8_000),       // 75 % of 80 %: 93.75 % of 20 → 18.75
            (Kpi::Rpc, 2_000),           // 25 % of 20 %: capped at 100 % of 15 → 15
            (Kpi::Cured, 8),             // 4 of 8: 50 % of 10 → 5
            (Kpi::Logs, 9_000),          // no entry due: full 5
        ];
        let (total, lines) = score(&figures(), &targets, &Weights::default());
        let points: Vec<i64> = lines.iter().map(|l| l.points).collect();
        assert_eq!(points, vec![2_500, 1_875, 1_500, 500, 500]);
        assert_eq!(total, 6_875);
        assert_eq!(lines[4].reached, None);
        // No targets at all: every weight in full.
        assert_eq!(score(&figures(), &[], &Weights::default()).0, 10_000);
    }

    #[test]
    fn weights_name_every_kpi_once_and_add_to_100() {
        let w = Weights::parse("collected=40, ptp_kept=30,rpc=10,cured=10,logs=10").expect("weights");
        assert_eq!((w.of(Kpi::Collected), w.of(Kpi::PtpKept)), (40, 30));
        assert_eq!(Weights::parse(&Weights::default().to_string()), Ok(Weights::default()));
        for bad in [
            "collected=40,ptp_kept=30,rpc=10,cured=10",
            "collected=50,ptp_kept=30,rpc=10,cured=10,logs=10",
            "collected=40,collected=30,rpc=10,cured=10,logs=10",
            "collected=x,ptp_kept=30,rpc=10,cured=10,logs=10",
            "pay=40,ptp_kept=30,rpc=10,cured=10,logs=10",
        ] {
            assert!(Weights::parse(bad).is_err(), "{bad}");
        }
    }
}
