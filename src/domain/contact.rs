//! Contact records and promises to pay (DOMAIN §6, §7).

use chrono::NaiveDate;

use super::delinquency::Payment;
use super::money::Money;

text_enum!(Party, "party", { Debtor => "debtor", Guarantor => "guarantor", ThirdParty => "third_party" });
text_enum!(Channel, "channel", { Call => "call", Sms => "sms", Visit => "visit", Letter => "letter", Email => "email" });
text_enum!(Direction, "direction", { Outbound => "outbound", Inbound => "inbound" });
text_enum!(Outcome, "outcome", {
    NoAnswer => "no_answer",
    Busy => "busy",
    WrongNumber => "wrong_number",
    Refused => "refused",
    Promise => "promise",
    Paid => "paid",
    Dispute => "dispute",
    Callback => "callback",
    LeftMessage => "left_message",
});
text_enum!(PromiseStatus, "promise status", { Active => "active", Kept => "kept", Broken => "broken" });

impl Outcome {
    /// Whether the contact reached a person (a conversation took place).
    pub fn connected(self) -> bool {
        matches!(
            self,
            Outcome::Refused | Outcome::Promise | Outcome::Paid | Outcome::Dispute | Outcome::Callback
        )
    }
}

/// Kept when the payments from the day it was made to the promise date plus grace reach the amount;
/// active while that window is open; broken after. `grace_days` is the policy's in force
/// (`AssessRules::promise_grace_days`).
pub fn promise_status(
    made_on: NaiveDate,
    due_on: NaiveDate,
    amount: Money,
    payments: &[Payment],
    as_of: NaiveDate,
    grace_days: i64,
) -> PromiseStatus {
    let window_end = due_on + chrono::Duration::days(grace_days);
    let paid: Money = payments
        .iter()
        .filter(|p| p.paid_on >= made_on && p.paid_on <= window_end && p.paid_on <= as_of)
        .map(|p| p.amount)
        .sum();
    if paid >= amount {
        PromiseStatus::Kept
    } else if as_of <= window_end {
        PromiseStatus::Active
    } else {
        PromiseStatus::Broken
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::terms::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }
    fn pay(on: &str, cents: i64) -> Payment {
        Payment { paid_on: d(on), amount: Money::from_cents(cents) }
    }

    #[test]
    fn promise_over_payment_sequences() {
        let st = |payments: &[Payment], as_of: &str| {
            promise_status(d("2025-06-01"), d("2025-06-10"), Money::from_cents(50_000), payments, d(as_of), 1)
        };
        assert_eq!(st(&[], "2025-06-05"), PromiseStatus::Active);
        assert_eq!(st(&[pay("2025-06-10", 50_000)], "2025-06-12"), PromiseStatus::Kept, "on time");
        assert_eq!(st(&[pay("2025-06-11", 50_000)], "2025-06-12"), PromiseStatus::Kept, "late within grace");
        assert_eq!(st(&[], "2025-06-11"), PromiseStatus::Active, "grace day still open");
        assert_eq!(st(&[pay("2025-06-09", 20_000)], "2025-06-12"), PromiseStatus::Broken, "partial");
        assert_eq!(
            st(&[pay("2025-06-09", 20_000), pay("2025-06-10", 30_000)], "2025-06-12"),
            PromiseStatus::Kept,
            "two payments reach it"
        );
        assert_eq!(st(&[pay("2025-06-12", 50_000)], "2025-06-13"), PromiseStatus::Broken, "after grace");
        assert_eq!(
            st(&[pay("2025-05-31", 50_000)], "2025-06-13"),
            PromiseStatus::Broken,
            "before it was made"
        );
        assert_eq!(
            st(&[pay("2025-06-10", 50_000)], "2025-06-09"),
            PromiseStatus::Active,
            "not yet paid as of"
        );
    }

    #[test]
    fn the_grace_given_decides_when_a_promise_breaks_and_which_payments_keep_it() {
        let st = |payments: &[Payment], as_of: &str, grace| {
            promise_status(
                d("2025-06-01"),
                d("2025-06-10"),
                Money::from_cents(50_000),
                payments,
                d(as_of),
                grace,
            )
        };
        assert_eq!(st(&[], "2025-06-12", 3), PromiseStatus::Active);
        assert_eq!(st(&[], "2025-06-12", 1), PromiseStatus::Broken);
        assert_eq!(st(&[], "2025-06-13", 3), PromiseStatus::Active, "the last day of grace");
        assert_eq!(st(&[], "2025-06-14", 3), PromiseStatus::Broken);
        assert_eq!(st(&[pay("2025-06-13", 50_000)], "2025-06-20", 3), PromiseStatus::Kept);
        assert_eq!(st(&[pay("2025-06-13", 50_000)], "2025-06-20", 1), PromiseStatus::Broken);
        assert_eq!(st(&[], "2025-06-10", 0), PromiseStatus::Active, "no grace: due that day");
        assert_eq!(st(&[], "2025-06-11", 0), PromiseStatus::Broken);
    }

    #[test]
    fn names_round_trip() {
        for o in Outcome::ALL {
            assert_eq!(o.as_str().parse::<Outcome>(), Ok(*o));
        }
        assert!("phone".parse::<Channel>().unwrap_err().contains("call, sms"));
    }
}
