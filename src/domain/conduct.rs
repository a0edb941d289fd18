//! Conduct rules for contacting people about a debt (DOMAIN §7), as pure checks over the
//! customer's contact history. Times are the desk's local wall-clock time.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration, NaiveDateTime, NaiveTime, Timelike};

use super::contact::{Channel, Direction, Outcome, Party};

/// Which rule book applies (the store setting `conduct_profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConductProfile {
    /// 中国银行业协会 2026 指引; GB/T 45251-2025.
    #[default]
    Cn,
    /// US Regulation F (12 CFR 1006).
    UsRegF,
}

impl ConductProfile {
    pub fn as_str(self) -> &'static str {
        match self {
            ConductProfile::Cn => "cn",
            ConductProfile::UsRegF => "us-regf",
        }
    }

    /// Start and end of the hours in which nobody is contacted.
    fn quiet_hours(self) -> (u32, u32) {
        match self {
            ConductProfile::Cn => (22, 8),
            ConductProfile::UsRegF => (21, 8),
        }
    }
}

impl FromStr for ConductProfile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cn" => Ok(ConductProfile::Cn),
            "us-regf" => Ok(ConductProfile::UsRegF),
            _ => Err(format!("unknown conduct profile '{s}': use cn or us-regf")),
        }
    }
}

/// A contact already on record for the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastContact {
    pub at: NaiveDateTime,
    /// The loan it was about (Regulation F counts per debt).
    pub loan: i64,
    pub party: Party,
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    pub phone: Option<String>,
}

/// The contact a collector is about to make (or log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposed {
    pub at: NaiveDateTime,
    pub loan: i64,
    pub party: Party,
    pub channel: Channel,
    pub direction: Direction,
    pub phone: Option<String>,
    /// The debtor asked to be contacted at this time (lifts the quiet hours).
    pub debtor_asked: bool,
    /// For a third party: the collector confirms the debt is not disclosed (cn) or that only
    /// location information is sought (us-regf).
    pub no_disclosure_ack: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    QuietHours,
    CallsPerNumber,
    ConnectedPerDebtor,
    ThirdPartyAfterAttempts,
    ThirdPartyDisclosure,
    CallsPerWeek,
    AfterConversation,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::QuietHours => "quiet_hours",
            Rule::CallsPerNumber => "calls_per_number",
            Rule::ConnectedPerDebtor => "connected_per_debtor",
            Rule::ThirdPartyAfterAttempts => "third_party_after_attempts",
            Rule::ThirdPartyDisclosure => "third_party_disclosure",
            Rule::CallsPerWeek => "calls_per_week",
            Rule::AfterConversation => "after_conversation",
        }
    }
}

/// Why a contact may not be made now, and when it next may (if time alone lifts the rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: Rule,
    pub message: String,
    pub next_allowed: Option<NaiveDateTime>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.rule.as_str())?;
        if let Some(at) = self.next_allowed {
            write!(f, "; next allowed {}", at.format("%Y-%m-%d %H:%M"))?;
        }
        Ok(())
    }
}

const CN_CALLS_PER_NUMBER: usize = 6;
const CN_CONNECTED_PER_DAY: usize = 3;
const CN_FAILED_BEFORE_THIRD_PARTY: usize = 3;
const REGF_CALLS_PER_WEEK: usize = 7;

/// Digits only, without China's country code, so `+86 138-0000-0000` and `13800000000` match.
pub fn normalize_phone(p: &str) -> String {
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("86") {
        Some(rest) if rest.len() == 11 => rest.to_string(),
        _ => digits,
    }
}

fn is_call(c: &PastContact) -> bool {
    c.channel == Channel::Call && c.direction == Direction::Outbound
}

fn failed_attempt(c: &PastContact) -> bool {
    c.party == Party::Debtor && c.direction == Direction::Outbound && !c.outcome.connected()
}

fn at_hour(day: chrono::NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN))
}

/// The first moment at or after `t` outside the profile's quiet hours.
pub fn next_open(profile: ConductProfile, t: NaiveDateTime) -> NaiveDateTime {
    let (start, end) = profile.quiet_hours();
    if t.hour() < end {
        at_hour(t.date(), end)
    } else if t.hour() >= start {
        at_hour(t.date() + Duration::days(1), end)
    } else {
        t
    }
}

fn tomorrow_open(profile: ConductProfile, t: NaiveDateTime) -> NaiveDateTime {
    at_hour(t.date() + Duration::days(1), profile.quiet_hours().1)
}

/// Checks a proposed contact against the profile. Inbound contacts (the debtor calling the desk)
/// are never refused.
pub fn check(profile: ConductProfile, p: &Proposed, history: &[PastContact]) -> Result<(), Refusal> {
    if p.direction == Direction::Inbound {
        return Ok(());
    }
    let refuse = |rule, message: String, next_allowed| Err(Refusal { rule, message, next_allowed });

    // Letters are not delivered at an hour; everything else is.
    let open = next_open(profile, p.at);
    if p.channel != Channel::Letter && open != p.at && !p.debtor_asked {
        let (start, end) = profile.quiet_hours();
        return refuse(
            Rule::QuietHours,
            format!("no contact between {start:02}:00 and {end:02}:00 unless the debtor asked for it"),
            Some(open),
        );
    }

    if p.party == Party::ThirdParty {
        if !p.no_disclosure_ack {
            let what = match profile {
                ConductProfile::Cn => "confirm the debt will not be disclosed to the third party",
                ConductProfile::UsRegF => "confirm only location information is sought from the third party",
            };
            return refuse(Rule::ThirdPartyDisclosure, what.to_string(), None);
        }
        if profile == ConductProfile::Cn {
            let failed = failed_since_last_reached(history);
            if failed < CN_FAILED_BEFORE_THIRD_PARTY {
                return refuse(
                    Rule::ThirdPartyAfterAttempts,
                    format!(
                        "third parties only after {CN_FAILED_BEFORE_THIRD_PARTY} failed attempts to reach the debtor; \
                         {failed} so far"
                    ),
                    None,
                );
            }
        }
    }

    if p.channel != Channel::Call {
        return Ok(());
    }
    match profile {
        ConductProfile::Cn => check_cn_calls(p, history),
        ConductProfile::UsRegF => check_regf_calls(p, history),
    }
}

/// Failed attempts to reach the debtor since the debtor was last reached.
fn failed_since_last_reached(history: &[PastContact]) -> usize {
    let last_reached =
        history.iter().filter(|c| c.party == Party::Debtor && c.outcome.connected()).map(|c| c.at).max();
    history.iter().filter(|c| failed_attempt(c) && last_reached.is_none_or(|r| c.at > r)).count()
}

fn check_cn_calls(p: &Proposed, history: &[PastContact]) -> Result<(), Refusal> {
    let today = |c: &&PastContact| c.at.date() == p.at.date() && c.at <= p.at;
    if let Some(number) = p.phone.as_deref().map(normalize_phone).filter(|n| !n.is_empty()) {
        let same_number = history
            .iter()
            .filter(today)
            .filter(|c| {
                is_call(c) && c.phone.as_deref().map(normalize_phone).as_deref() == Some(number.as_str())
            })
            .count();
        if same_number >= CN_CALLS_PER_NUMBER {
            return Err(Refusal {
                rule: Rule::CallsPerNumber,
                message: format!(
                    "at most {CN_CALLS_PER_NUMBER} call attempts a day to the same number; {same_number} today"
                ),
                next_allowed: Some(tomorrow_open(ConductProfile::Cn, p.at)),
            });
        }
    }
    if p.party == Party::Debtor {
        let connected = history
            .iter()
            .filter(today)
            .filter(|c| is_call(c) && c.party == Party::Debtor && c.outcome.connected())
            .count();
        if connected >= CN_CONNECTED_PER_DAY {
            return Err(Refusal {
                rule: Rule::ConnectedPerDebtor,
                message: format!(
                    "at most {CN_CONNECTED_PER_DAY} connected calls a day with the debtor; {connected} today"
                ),
                next_allowed: Some(tomorrow_open(ConductProfile::Cn, p.at)),
            });
        }
    }
    Ok(())
}

fn check_regf_calls(p: &Proposed, history: &[PastContact]) -> Result<(), Refusal> {
    let week_ago = p.at - Duration::days(7);
    let in_week = |c: &&PastContact| c.loan == p.loan && c.at > week_ago && c.at <= p.at;
    let mut calls: Vec<NaiveDateTime> =
        history.iter().filter(in_week).filter(|c| is_call(c)).map(|c| c.at).collect();
    if calls.len() >= REGF_CALLS_PER_WEEK {
        calls.sort();
        // Allowed again once enough of the week's attempts have aged out.
        let oldest_counted = calls[calls.len() - REGF_CALLS_PER_WEEK];
        return Err(Refusal {
            rule: Rule::CallsPerWeek,
            message: format!(
                "at most {REGF_CALLS_PER_WEEK} call attempts in 7 days about one debt; {} so far",
                calls.len()
            ),
            next_allowed: Some(next_open(ConductProfile::UsRegF, oldest_counted + Duration::days(7))),
        });
    }
    let conversation = history
        .iter()
        .filter(in_week)
        .filter(|c| c.channel == Channel::Call && c.party == Party::Debtor && c.outcome.connected())
        .map(|c| c.at)
        .max();
    if let Some(talked) = conversation {
        return Err(Refusal {
            rule: Rule::AfterConversation,
            message: format!(
                "no call for 7 days after a conversation about the debt (spoke {})",
                talked.format("%Y-%m-%d %H:%M")
            ),
            next_allowed: Some(next_open(ConductProfile::UsRegF, talked + Duration::days(7))),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    fn call(at: &str, outcome: Outcome) -> PastContact {
        PastContact {
            at: t(at),
            loan: 1,
            party: Party::Debtor,
            channel: Channel::Call,
            direction: Direction::Outbound,
            outcome,
            phone: Some("13800000000".into()),
        }
    }

    fn proposed(at: &str) -> Proposed {
        Proposed {
            at: t(at),
            loan: 1,
            party: Party::Debtor,
            channel: Channel::Call,
            direction: Direction::Outbound,
            phone: Some("+86 138-0000-0000".into()),
            debtor_asked: false,
            no_disclosure_ack: false,
        }
    }

    fn rule(profile: ConductProfile, p: &Proposed, h: &[PastContact]) -> Option<Rule> {
        check(profile, p, h).err().map(|r| r.rule)
    }

    #[test]
    fn quiet_hours_edges() {
        use ConductProfile::*;
        let cases = [
            (Cn, "2026-03-02 21:59", None),
            (Cn, "2026-03-02 22:00", Some(Rule::QuietHours)),
            (Cn, "2026-03-02 07:59", Some(Rule::QuietHours)),
            (Cn, "2026-03-02 08:00", None),
            (UsRegF, "2026-03-02 20:59", None),
            (UsRegF, "2026-03-02 21:00", Some(Rule::QuietHours)),
            (UsRegF, "2026-03-02 07:59", Some(Rule::QuietHours)),
            (UsRegF, "2026-03-02 08:00", None),
        ];
        for (profile, at, expected) in cases {
            assert_eq!(rule(profile, &proposed(at), &[]), expected, "{} at {at}", profile.as_str());
        }
        let late = check(Cn, &proposed("2026-03-02 22:00"), &[]).unwrap_err();
        assert_eq!(late.next_allowed, Some(t("2026-03-03 08:00")));
        let early = check(Cn, &proposed("2026-03-02 07:59"), &[]).unwrap_err();
        assert_eq!(early.next_allowed, Some(t("2026-03-02 08:00")));
    }

    #[test]
    fn quiet_hours_yield_to_the_debtor_and_to_letters_and_inbound_calls() {
        let mut p = proposed("2026-03-02 23:00");
        p.debtor_asked = true;
        assert_eq!(check(ConductProfile::Cn, &p, &[]), Ok(()));
        let mut p = proposed("2026-03-02 23:00");
        p.channel = Channel::Letter;
        assert_eq!(check(ConductProfile::Cn, &p, &[]), Ok(()));
        let mut p = proposed("2026-03-02 23:00");
        p.direction = Direction::Inbound;
        assert_eq!(check(ConductProfile::Cn, &p, &[]), Ok(()));
        let mut p = proposed("2026-03-02 23:00");
        p.channel = Channel::Sms;
        assert_eq!(rule(ConductProfile::Cn, &p, &[]), Some(Rule::QuietHours));
    }

    #[test]
    fn sixth_and_seventh_attempt_to_one_number() {
        let five: Vec<_> = (0..5).map(|i| call(&format!("2026-03-02 09:0{i}"), Outcome::NoAnswer)).collect();
        assert_eq!(rule(ConductProfile::Cn, &proposed("2026-03-02 10:00"), &five), None, "6th");
        let six: Vec<_> = (0..6).map(|i| call(&format!("2026-03-02 09:0{i}"), Outcome::NoAnswer)).collect();
        let r = check(ConductProfile::Cn, &proposed("2026-03-02 10:00"), &six).unwrap_err();
        assert_eq!(r.rule, Rule::CallsPerNumber, "7th");
        assert_eq!(r.next_allowed, Some(t("2026-03-03 08:00")));
        // Another number, or yesterday's calls, do not count.
        let mut other = proposed("2026-03-02 10:00");
        other.phone = Some("13900000000".into());
        assert_eq!(rule(ConductProfile::Cn, &other, &six), None);
        assert_eq!(rule(ConductProfile::Cn, &proposed("2026-03-03 10:00"), &six), None);
    }

    #[test]
    fn third_and_fourth_connected_call() {
        let two = [call("2026-03-02 09:00", Outcome::Promise), call("2026-03-02 10:00", Outcome::Callback)];
        assert_eq!(rule(ConductProfile::Cn, &proposed("2026-03-02 11:00"), &two), None, "3rd");
        let mut three = two.to_vec();
        three.push(call("2026-03-02 11:00", Outcome::Refused));
        assert_eq!(
            rule(ConductProfile::Cn, &proposed("2026-03-02 12:00"), &three),
            Some(Rule::ConnectedPerDebtor)
        );
    }

    #[test]
    fn third_party_before_and_after_three_failed_attempts() {
        let mut p = proposed("2026-03-02 15:00");
        p.party = Party::ThirdParty;
        p.phone = Some("13700000000".into());
        let two = [call("2026-03-01 09:00", Outcome::NoAnswer), call("2026-03-01 10:00", Outcome::Busy)];
        assert_eq!(rule(ConductProfile::Cn, &p, &two), Some(Rule::ThirdPartyDisclosure), "ack first");
        p.no_disclosure_ack = true;
        assert_eq!(rule(ConductProfile::Cn, &p, &two), Some(Rule::ThirdPartyAfterAttempts));
        let mut three = two.to_vec();
        three.push(call("2026-03-02 09:00", Outcome::WrongNumber));
        assert_eq!(rule(ConductProfile::Cn, &p, &three), None);
        // Reaching the debtor starts the count again.
        three.push(call("2026-03-02 10:00", Outcome::Promise));
        assert_eq!(rule(ConductProfile::Cn, &p, &three), Some(Rule::ThirdPartyAfterAttempts));
        // Regulation F: location information only, no attempt count.
        assert_eq!(rule(ConductProfile::UsRegF, &p, &[]), None);
        p.no_disclosure_ack = false;
        assert_eq!(rule(ConductProfile::UsRegF, &p, &[]), Some(Rule::ThirdPartyDisclosure));
    }

    #[test]
    fn regulation_f_seven_in_seven_days_and_after_a_conversation() {
        let six: Vec<_> = (1..=6).map(|d| call(&format!("2026-03-0{d} 09:00"), Outcome::NoAnswer)).collect();
        assert_eq!(rule(ConductProfile::UsRegF, &proposed("2026-03-07 10:00"), &six), None, "7th in 7 days");
        let mut seven = six.clone();
        seven.push(call("2026-03-07 10:00", Outcome::NoAnswer));
        let r = check(ConductProfile::UsRegF, &proposed("2026-03-07 11:00"), &seven).unwrap_err();
        assert_eq!(r.rule, Rule::CallsPerWeek, "8th");
        assert_eq!(r.next_allowed, Some(t("2026-03-08 09:00")));
        assert_eq!(rule(ConductProfile::UsRegF, &proposed("2026-03-08 09:00"), &seven), None);
        // Per debt: another loan's calls do not count.
        let mut other = proposed("2026-03-07 11:00");
        other.loan = 2;
        assert_eq!(rule(ConductProfile::UsRegF, &other, &seven), None);

        let talked = [call("2026-03-02 10:00", Outcome::Promise)];
        let r = check(ConductProfile::UsRegF, &proposed("2026-03-05 10:00"), &talked).unwrap_err();
        assert_eq!(r.rule, Rule::AfterConversation);
        assert_eq!(r.next_allowed, Some(t("2026-03-09 10:00")));
        assert_eq!(rule(ConductProfile::UsRegF, &proposed("2026-03-09 10:00"), &talked), None);
        // The cn profile has no such rule.
        assert_eq!(rule(ConductProfile::Cn, &proposed("2026-03-05 10:00"), &talked), None);
    }

    #[test]
    fn phones_compare_by_digits() {
        assert_eq!(normalize_phone("+86 138-0000-0000"), "13800000000");
        assert_eq!(normalize_phone("13800000000"), "13800000000");
        assert_eq!(normalize_phone("021 6123 4567"), "02161234567");
    }
}
