//! A share of one figure in another, as a percentage with two decimals, in integers.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::domain::money::div_round;

/// `part ÷ whole` in hundredths of a percent, rounded half away from zero; `None` when the whole
/// is zero (no share to speak of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Share(Option<i64>);

impl Share {
    pub fn of(part: i128, whole: i128) -> Share {
        Share((whole != 0).then(|| div_round(part * 10_000, whole) as i64))
    }

    /// Hundredths of a percent (`1234` is 12.34 %).
    pub fn basis_points(self) -> Option<i64> {
        self.0
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(bp) => f.pad(&format!("{}.{:02}", bp / 100, bp % 100)),
            None => f.pad("-"),
        }
    }
}

/// A percentage string (`"12.34"`), or null where the whole is zero.
impl Serialize for Share {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(_) => serializer.collect_str(self),
            None => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_away_from_zero() {
        assert_eq!(Share::of(1, 3).to_string(), "33.33");
        assert_eq!(Share::of(2, 3).to_string(), "66.67");
        assert_eq!(Share::of(1, 8).to_string(), "12.50");
        assert_eq!(Share::of(5, 5).to_string(), "100.00");
        assert_eq!(Share::of(0, 0).to_string(), "-");
        assert_eq!(Share::of(0, 0).basis_points(), None);
    }
}
