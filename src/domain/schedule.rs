//! Installment schedules of the four products (DOMAIN §3), computed exactly.

use chrono::NaiveDate;
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use super::money::{Money, div_round, to_money};
use super::terms::{LoanTerms, MONTHLY_DEN, Product, Rate, add_months};

/// One scheduled installment. `payment()` is principal plus interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Installment {
    pub seq: u32,
    pub due_on: NaiveDate,
    pub principal: Money,
    pub interest: Money,
}

impl Installment {
    pub fn payment(&self) -> Money {
        self.principal + self.interest
    }
}

/// One month's interest on `balance`: `round(balance × annual / 1200)`, multiplied before dividing.
pub fn monthly_interest(balance: Money, rate: Rate) -> Money {
    to_money(div_round(i128::from(balance.cents()) * i128::from(rate.e4()), MONTHLY_DEN))
}

/// The level annuity payment `round(P·r / (1 − (1+r)^−n))`, exact: with r = a/D it is
/// `P·a·(D+a)^n / (D·((D+a)^n − D^n))`, evaluated in integers and rounded once.
pub fn annuity_payment(principal: Money, rate: Rate, n: u32) -> Money {
    let n = n.max(1);
    if rate.e4() == 0 {
        return to_money(div_round(i128::from(principal.cents()), i128::from(n)));
    }
    let (a, cents) = (rate.e4(), principal.cents());
    fixed_factor(a, n)
        .and_then(|fixed| rounded(fixed, cents))
        .unwrap_or_else(|| Factor::new(a, n).payment(cents))
}

/// Bits after the point of a fixed-point factor.
const FIXED_BITS: u32 = 80;

/// The payment per unit of principal, `times / per`.
struct Factor {
    times: BigInt,
    per: BigInt,
}

impl Factor {
    fn new(a: i64, n: u32) -> Factor {
        let (a, d) = (BigInt::from(a), BigInt::from(MONTHLY_DEN));
        let grown = num_traits::pow(&d + &a, n as usize);
        let base = num_traits::pow(d.clone(), n as usize);
        Factor { times: &a * &grown, per: d * (grown - base) }
    }

    /// The payment of `cents` of principal, by the exact division.
    fn payment(&self, cents: i64) -> Money {
        to_money(big_div_round(&(BigInt::from(cents) * &self.times), &self.per))
    }

    /// `floor(times · 2^FIXED_BITS / per)`, when it is small enough to multiply a principal by.
    fn fixed(&self) -> Option<u128> {
        ((&self.times << FIXED_BITS) / &self.per).to_u128().filter(|f| *f < 1 << 86)
    }
}

/// `round(cents · times / per)` from the factor to `FIXED_BITS` bits, when that decides it: the
/// exact value lies in `[cents·fixed, cents·fixed + cents)` in units of 2^-FIXED_BITS, and when
/// both ends round alike so does it. `None` (a half too close to call, or a principal out of
/// range) leaves it to the exact division.
fn rounded(fixed: u128, cents: i64) -> Option<Money> {
    let p = u128::try_from(cents).ok().filter(|p| *p < 1 << 41)?;
    let low = p.checked_mul(fixed)?;
    let half = 1u128 << (FIXED_BITS - 1);
    let (from, to) = ((low + half) >> FIXED_BITS, (low + p + half) >> FIXED_BITS);
    (from == to).then(|| Money::from_cents(i64::try_from(from).unwrap_or(i64::MAX)))
}

/// The fixed-point factor of a rate and term, kept per thread: its powers are thousands of digits
/// long for a 30-year loan, and a book has thousands of distinct rates and terms for a million
/// loans (recomputing them was most of a whole-book refresh). Sixteen bytes a pair, so every
/// pair of a book fits; only the cost changes, the payment is the same exact value.
fn fixed_factor(a: i64, n: u32) -> Option<u128> {
    thread_local! {
        static FIXED: std::cell::RefCell<std::collections::HashMap<(i64, u32), Option<u128>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    FIXED.with_borrow_mut(|kept| {
        if kept.len() >= 1 << 18 && !kept.contains_key(&(a, n)) {
            kept.clear();
        }
        *kept.entry((a, n)).or_insert_with(|| Factor::new(a, n).fixed())
    })
}

fn big_div_round(num: &BigInt, den: &BigInt) -> i128 {
    let q = num / den;
    let r = num % den;
    let twice: BigInt = r.abs() * 2;
    let q = if !r.is_zero() && twice >= den.abs() {
        if num.is_negative() != den.is_negative() { q - 1 } else { q + 1 }
    } else {
        q
    };
    q.to_i128().unwrap_or(i128::MAX)
}

/// The contractual schedule of a loan. The principal of the schedule always sums to `P`.
pub fn build_schedule(terms: &LoanTerms) -> Vec<Installment> {
    let LoanTerms { product, principal, rate, term_months, disbursed_on } = *terms;
    let n = term_months.max(1);
    if product == Product::Bullet {
        let interest = to_money(div_round(
            i128::from(principal.cents()) * i128::from(rate.e4()) * i128::from(n),
            MONTHLY_DEN,
        ));
        return vec![Installment { seq: 1, due_on: add_months(disbursed_on, n), principal, interest }];
    }
    let level = match product {
        Product::Annuity => annuity_payment(principal, rate, n),
        Product::EqualPrincipal => to_money(div_round(i128::from(principal.cents()), i128::from(n))),
        Product::InterestOnly | Product::Bullet => Money::ZERO,
    };
    let mut balance = principal;
    let mut out = Vec::with_capacity(n as usize);
    for k in 1..=n {
        let interest = monthly_interest(balance, rate);
        let scheduled = if k == n {
            balance
        } else {
            match product {
                Product::Annuity => level - interest,
                Product::EqualPrincipal => level,
                Product::InterestOnly | Product::Bullet => Money::ZERO,
            }
        };
        let principal_k = scheduled.clamp(Money::ZERO, balance);
        balance -= principal_k;
        out.push(Installment {
            seq: k,
            due_on: add_months(disbursed_on, k),
            principal: principal_k,
            interest,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::terms::parse_date;
    use proptest::prelude::*;

    fn terms(product: Product, principal: &str, rate: &str, n: u32, d0: &str) -> LoanTerms {
        LoanTerms {
            product,
            principal: Money::parse(principal).expect("principal"),
            rate: Rate::parse(rate).expect("rate"),
            term_months: n,
            disbursed_on: parse_date(d0).expect("date"),
        }
    }

    fn m(s: &str) -> Money {
        Money::parse(s).expect("money")
    }

    #[test]
    fn annuity_check_figures() {
        assert_eq!(annuity_payment(m("1000000.00"), Rate::parse("4.90").unwrap(), 360), m("5307.27"));
        assert_eq!(annuity_payment(m("28000.00"), Rate::parse("14.07").unwrap(), 60), m("652.53"));
        assert_eq!(annuity_payment(m("2000.00"), Rate::parse("17.09").unwrap(), 36), m("71.40"));
    }

    #[test]
    fn annuity_schedule_uses_the_level_payment_and_closes_exactly() {
        let s = build_schedule(&terms(Product::Annuity, "1000000", "4.90", 360, "2025-01-15"));
        assert_eq!(s.len(), 360);
        assert_eq!(s[0].interest, m("4083.33"));
        assert!(s[..359].iter().all(|i| i.payment() == m("5307.27")));
        assert_eq!(s.iter().map(|i| i.principal).sum::<Money>(), m("1000000"));
        assert_eq!(s[359].due_on, parse_date("2055-01-15").unwrap());
    }

    #[test]
    fn equal_principal_check_figures() {
        let s = build_schedule(&terms(Product::EqualPrincipal, "1000000", "4.90", 360, "2025-01-15"));
        assert_eq!(s[0].payment(), m("6861.11"));
        assert_eq!(s[0].principal, m("2777.78"));
        // Falls by about 11.34 a month.
        let drop = s[0].payment() - s[1].payment();
        assert!(drop == m("11.34") || drop == m("11.35"), "drop {drop}");
        assert_eq!(s.iter().map(|i| i.principal).sum::<Money>(), m("1000000"));
        assert_eq!(s[359].principal, m("1000000") - Money::from_cents(277_778 * 359));
    }

    #[test]
    fn interest_is_rounded_on_the_exact_value() {
        // 3,000.00 at 19.03 %: 47.575 → 47.58; a pre-rounded monthly rate would give 47.57.
        assert_eq!(monthly_interest(m("3000.00"), Rate::parse("19.03").unwrap()), m("47.58"));
    }

    #[test]
    fn interest_only_pays_principal_at_maturity() {
        let s = build_schedule(&terms(Product::InterestOnly, "120000", "6.00", 12, "2025-03-31"));
        assert!(s[..11].iter().all(|i| i.principal == Money::ZERO && i.interest == m("600.00")));
        assert_eq!(s[11].principal, m("120000"));
        assert_eq!(s[11].interest, m("600.00"));
        assert_eq!(s[0].due_on, parse_date("2025-04-30").unwrap());
    }

    #[test]
    fn bullet_is_one_installment() {
        let s = build_schedule(&terms(Product::Bullet, "50000", "7.20", 6, "2025-08-31"));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].due_on, parse_date("2026-02-28").unwrap());
        assert_eq!(s[0].principal, m("50000"));
        assert_eq!(s[0].interest, m("1800.00"));
    }

    #[test]
    fn zero_rate_splits_principal() {
        let s = build_schedule(&terms(Product::Annuity, "1000.00", "0", 3, "2025-01-01"));
        let p: Vec<_> = s.iter().map(|i| i.principal.to_string()).collect();
        assert_eq!(p, ["333.33", "333.33", "333.34"]);
        assert!(s.iter().all(|i| i.interest == Money::ZERO));
        let s = build_schedule(&terms(Product::EqualPrincipal, "1000.00", "0", 3, "2025-01-01"));
        assert_eq!(s[2].principal, m("333.34"));
    }

    #[test]
    fn one_and_480_month_terms() {
        for product in Product::ALL {
            let s = build_schedule(&terms(product, "10000", "5.00", 1, "2025-01-31"));
            assert_eq!(s.len(), 1, "{product}");
            assert_eq!(s[0].principal, m("10000"));
            assert_eq!(s[0].interest, m("41.67"));
            assert_eq!(s[0].due_on, parse_date("2025-02-28").unwrap());
        }
        let s = build_schedule(&terms(Product::Annuity, "1000000", "4.90", 480, "2025-01-31"));
        assert_eq!(s.len(), 480);
        assert_eq!(s.iter().map(|i| i.principal).sum::<Money>(), m("1000000"));
        assert_eq!(s[479].due_on, parse_date("2065-01-31").unwrap());
    }

    #[test]
    fn tiny_loans_over_long_terms_never_schedule_negative_principal() {
        for product in [Product::Annuity, Product::EqualPrincipal] {
            let s = build_schedule(&terms(product, "0.05", "99.9999", 480, "2025-01-31"));
            assert!(s.iter().all(|i| i.principal >= Money::ZERO), "{product}");
            assert_eq!(s.iter().map(|i| i.principal).sum::<Money>(), m("0.05"));
        }
    }

    fn any_product() -> impl Strategy<Value = Product> {
        prop::sample::select(Product::ALL.to_vec())
    }

    /// The exact payment, by the big-integer division alone.
    fn exact_payment(cents: i64, a: i64, n: u32) -> Money {
        Factor::new(a, n).payment(cents)
    }

    #[test]
    fn the_fixed_point_payment_is_the_exact_one_wherever_it_decides() {
        // Every principal up to 2,000.00: the fixed point decides nearly all, and those it does
        // it decides as the exact division does.
        let (a, n) = (49_000, 360);
        let fixed = Factor::new(a, n).fixed().expect("a factor below 2");
        let mut undecided = 0;
        for cents in 1..200_000i64 {
            match rounded(fixed, cents) {
                Some(fast) => assert_eq!(fast, exact_payment(cents, a, n), "{cents}"),
                None => undecided += 1,
            }
        }
        assert!(undecided < 10, "the fixed point decides nearly every principal ({undecided} left)");
        assert_eq!(rounded(fixed, -5), None);
        assert_eq!(rounded(fixed, 1 << 50), None);
        assert_eq!(
            annuity_payment(Money::from_cents(1 << 50), Rate::from_e4(a), n),
            exact_payment(1 << 50, a, n)
        );
    }

    proptest! {
        #[test]
        fn the_payment_is_the_exact_one(cents in 1i64..1_000_000_000_000, rate in 1i64..1_000_000, n in 1u32..=480) {
            prop_assert_eq!(annuity_payment(Money::from_cents(cents), Rate::from_e4(rate), n), exact_payment(cents, rate, n));
        }

        #[test]
        fn principal_sums_to_the_loan(
            product in any_product(),
            cents in 1i64..2_000_000_000,
            rate in 0i64..1_000_000,
            n in 1u32..=480,
            day in 0i64..3650,
        ) {
            let d0 = parse_date("2020-01-01").unwrap() + chrono::Duration::days(day);
            let t = LoanTerms { product, principal: Money::from_cents(cents), rate: Rate::from_e4(rate), term_months: n, disbursed_on: d0 };
            let s = build_schedule(&t);
            prop_assert_eq!(s.iter().map(|i| i.principal).sum::<Money>(), Money::from_cents(cents));
            prop_assert!(s.iter().all(|i| i.principal >= Money::ZERO && i.interest >= Money::ZERO));
            prop_assert!(s.windows(2).all(|w| w[0].due_on < w[1].due_on));
        }
    }
}
