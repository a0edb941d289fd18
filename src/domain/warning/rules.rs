//! The early-warning rules as policy data (`[warnings.CODE]`: `on`, `level` and each rule's
//! thresholds), read and checked here for `domain::policy`; their defaults are written only in
//! `policy/default.toml`.

use std::fmt::Write as _;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::code::{Level, SignalCode};
use super::history::HistoryRules;
use crate::domain::Money;

/// One rule: whether the run raises it, at which level, and its thresholds (`PARAMS`' order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSetting {
    pub on: bool,
    pub level: Level,
    pub params: [i64; 2],
}

/// Every automatic rule, in the order of `SignalCode::automatic()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarningRules {
    pub rules: [RuleSetting; 11],
}

/// A rule's thresholds: key, range, unit.
type Param = (&'static str, Range<i64>, &'static str);

/// The thresholds each rule takes, by code.
pub fn params(code: SignalCode) -> &'static [Param] {
    const YUAN: Range<i64> = 1..1_000_000_000_000;
    match code {
        SignalCode::RepeatedLate => &[("of_last", 1..25, "installments"), ("late", 1..25, "installments")],
        SignalCode::Relapse => &[("days", 1..367, "days")],
        SignalCode::BrokenPromises => &[("count", 1..100, "promises"), ("days", 1..367, "days")],
        SignalCode::Unreachable => &[("attempts", 1..100, "attempts"), ("days", 1..367, "days")],
        SignalCode::LargeExposureOverdue => &[("principal", YUAN, "yuan"), ("dpd", 1..10_000, "days")],
        SignalCode::CollateralShortfall => &[("ltv_pct", 1..1_001, "percent")],
        SignalCode::CollateralStale => &[("months", 1..61, "months")],
        SignalCode::InspectionOverdue => &[("days", 0..367, "days")],
        _ => &[],
    }
}

fn index(code: SignalCode) -> usize {
    SignalCode::automatic().position(|c| c == code).unwrap_or(0)
}

impl WarningRules {
    pub fn get(&self, code: SignalCode) -> RuleSetting {
        self.rules[index(code)]
    }

    /// The payment rules' thresholds, for the snapshot's row.
    pub fn history(&self) -> HistoryRules {
        let late = self.get(SignalCode::RepeatedLate).params;
        let small = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        HistoryRules {
            repeated_of_last: small(late[0]),
            repeated_late: small(late[1]),
            relapse_days: self.get(SignalCode::Relapse).params[0],
        }
    }

    /// A large exposure's principal as money.
    pub fn large_exposure(&self) -> Money {
        Money::from_cents(self.get(SignalCode::LargeExposureOverdue).params[0].saturating_mul(100))
    }

    /// The `[warnings.*]` tables as the policy file writes them.
    pub fn write_toml(&self, s: &mut String) {
        for code in SignalCode::automatic() {
            let r = self.get(code);
            let _ = write!(s, "\n[warnings.{code}]\non = {}\nlevel = \"{}\"\n", r.on, r.level);
            for ((key, _, _), v) in params(code).iter().zip(r.params) {
                let _ = writeln!(s, "{key} = {v}");
            }
        }
    }
}

/// One rule as a file gives it; an entry left out (or bad) is `None`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RuleRead {
    on: Option<bool>,
    level: Option<Level>,
    params: [Option<i64>; 2],
}

/// The `[warnings]` table as a file gives it, with its faults as (span, key, message).
#[derive(Debug, Default)]
pub(crate) struct WarningsRead {
    rules: [RuleRead; 11],
    pub(crate) faults: Vec<Fault>,
}

type Value<'i> = toml::Spanned<DeValue<'i>>;

/// A fault of the file: where, which key, what is wrong.
pub(crate) type Fault = (Range<usize>, String, String);

impl WarningsRead {
    pub(crate) fn read(table: &DeTable<'_>) -> WarningsRead {
        let mut w = WarningsRead::default();
        let codes: Vec<&str> = SignalCode::automatic().map(|c| c.as_str()).collect();
        for (k, v) in table {
            let name = k.get_ref().as_ref();
            let key = format!("warnings.{name}");
            let Some(code) = SignalCode::automatic().find(|c| c.as_str() == name) else {
                w.fault(k.span(), &key, format!("unknown rule; the rules are {}", codes.join(", ")));
                continue;
            };
            let DeValue::Table(t) = v.get_ref() else {
                w.fault(v.span(), &key, format!("must be a table ([{key}])"));
                continue;
            };
            w.rule(code, &key, t);
        }
        w
    }

    fn fault(&mut self, span: Range<usize>, key: &str, message: impl Into<String>) {
        self.faults.push((span, key.to_string(), message.into()));
    }

    fn rule(&mut self, code: SignalCode, section: &str, t: &DeTable<'_>) {
        let mut r = RuleRead::default();
        let mut known = vec!["on", "level"];
        known.extend(params(code).iter().map(|(k, _, _)| *k));
        for (k, v) in t {
            let name = k.get_ref().as_ref();
            let key = format!("{section}.{name}");
            match name {
                "on" => match v.get_ref() {
                    DeValue::Boolean(b) => r.on = Some(*b),
                    other => self.fault(
                        v.span(),
                        &key,
                        format!("must be true or false, not a {}", other.type_str()),
                    ),
                },
                "level" => match v.get_ref() {
                    DeValue::String(s) => match s.parse::<Level>() {
                        Ok(l) => r.level = Some(l),
                        Err(e) => self.fault(v.span(), &key, e),
                    },
                    other => self.fault(
                        v.span(),
                        &key,
                        format!("must be yellow, orange or red, not a {}", other.type_str()),
                    ),
                },
                _ => match params(code).iter().position(|(p, _, _)| *p == name) {
                    Some(i) => r.params[i] = self.whole(&key, v, &params(code)[i]),
                    None => self.fault(
                        k.span(),
                        &key,
                        format!("unknown key; the keys here are {}", known.join(", ")),
                    ),
                },
            }
        }
        self.rules[index(code)] = r;
    }

    fn whole(&mut self, key: &str, v: &Value<'_>, (_, range, unit): &Param) -> Option<i64> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
            _ => None,
        };
        match n {
            Some(n) if range.contains(&n) => Some(n),
            Some(n) => {
                self.fault(
                    v.span(),
                    key,
                    format!("{n} is out of range: use {} to {}", range.start, range.end - 1),
                );
                None
            }
            None => {
                self.fault(
                    v.span(),
                    key,
                    format!("must be a whole number of {unit}, not a {}", v.get_ref().type_str()),
                );
                None
            }
        }
    }

    /// `finish`, its faults made into the policy's errors.
    pub(crate) fn finish_into<E>(
        &mut self,
        base: Option<&WarningRules>,
        errors: &mut Vec<E>,
    ) -> Option<WarningRules>
    where
        E: From<Fault>,
    {
        let rules = std::mem::take(self).finish(base);
        errors.extend(rules.1.into_iter().map(E::from));
        rules.0
    }

    /// The rules over `base`, with the faults found; with no base (the shipped file) every key
    /// must be given, and each one missing is a fault.
    fn finish(mut self, base: Option<&WarningRules>) -> (Option<WarningRules>, Vec<Fault>) {
        let mut out = [RuleSetting { on: false, level: Level::Yellow, params: [0; 2] }; 11];
        let mut whole = true;
        for (i, code) in SignalCode::automatic().enumerate() {
            let read = self.rules[i];
            let b = base.map(|b| b.rules[i]);
            let key = format!("warnings.{code}");
            let missing = |what: &str, w: &mut Vec<_>| {
                w.push((
                    0..0,
                    format!("{key}.{what}"),
                    "missing: the shipped policy gives every key".to_string(),
                ));
            };
            match read.on.or(b.map(|b| b.on)) {
                Some(on) => out[i].on = on,
                None => {
                    missing("on", &mut self.faults);
                    whole = false;
                }
            }
            match read.level.or(b.map(|b| b.level)) {
                Some(l) => out[i].level = l,
                None => {
                    missing("level", &mut self.faults);
                    whole = false;
                }
            }
            for (j, (p, _, _)) in params(code).iter().enumerate() {
                match read.params[j].or(b.map(|b| b.params[j])) {
                    Some(v) => out[i].params[j] = v,
                    None => {
                        missing(p, &mut self.faults);
                        whole = false;
                    }
                }
            }
        }
        let late = out[index(SignalCode::RepeatedLate)].params;
        if late[1] > late[0] {
            self.faults.push((
                0..0,
                "warnings.repeated_late.late".into(),
                format!("{} late of the last {} can never be: use at most {}", late[1], late[0], late[0]),
            ));
        }
        let rules = (whole && self.faults.is_empty()).then_some(WarningRules { rules: out });
        (rules, self.faults)
    }
}
