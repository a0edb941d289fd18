//! Every report on a small book, against figures worked by hand. Month-ends 2026-01 (M1) and
//! 2026-02 (M2), outstanding principal in thousands:
//!
//! | loan | customer | M1 | M2 |
//! |---|---|---|---|
//! | A | 1 | normal, DPD 0, 100 | substandard (a manual class), DPD 25, 100: two classes worse |
//! | B | 2 | special mention, DPD 20, 50 | normal, DPD 0, 48: cured |
//! | C | 3 | normal, DPD 0, 10 | closed |
//! | D | 4 | loss, DPD 400, 30 | written off |
//! | E | 5 | — (disbursed 2026-02, 500) | normal, DPD 0, 500 |
//! | F | 6 | special mention, DPD 40, 20 | special mention, DPD 70, 20 |
//! | G | 1 | normal, DPD 0, 40 (disbursed 2026-01) | normal, DPD 0, 39 |
//! | H | 7 | normal, DPD 0, 10 (disbursed 2026-01) | special mention, DPD 31, 10 |

use super::*;
use crate::domain::warning::WarningLevel;
use crate::domain::{LoanStatus, Money, Product, RiskClass, Stage};

fn k(thousands: i64) -> Money {
    Money::from_cents(thousands * 100_000)
}

fn month(s: &str) -> Month {
    s.parse().expect("month")
}

fn row(
    loan: i64,
    customer: i64,
    status: LoanStatus,
    dpd: i64,
    class: RiskClass,
    out: i64,
    disbursed: &str,
) -> MonthRow {
    MonthRow {
        loan,
        customer,
        status,
        dpd,
        class,
        outstanding: k(out),
        overdue: Money::ZERO,
        principal: k(match loan {
            5 => 500,
            7 => 10,
            8 => 40,
            _ => 100,
        }),
        disbursed: month(disbursed),
        product: Product::Annuity,
        owner: None,
        branch: None,
        warning: WarningLevel::None,
        watchlist: false,
        stage: Stage::Current,
    }
}

const A: i64 = 1;
const B: i64 = 2;
const C: i64 = 3;
const D: i64 = 4;
const E: i64 = 5;
const F: i64 = 6;
const G: i64 = 8;
const H: i64 = 7;

fn m1() -> Vec<MonthRow> {
    use LoanStatus::Active;
    use RiskClass::*;
    vec![
        row(A, 1, Active, 0, Normal, 100, "2025-06"),
        row(B, 2, Active, 20, SpecialMention, 50, "2025-06"),
        row(C, 3, Active, 0, Normal, 10, "2025-06"),
        row(D, 4, Active, 400, Loss, 30, "2024-06"),
        row(F, 6, Active, 40, SpecialMention, 20, "2025-06"),
        row(G, 1, Active, 0, Normal, 40, "2026-01"),
        row(H, 7, Active, 0, Normal, 10, "2026-01"),
    ]
}

fn m2() -> Vec<MonthRow> {
    use LoanStatus::*;
    use RiskClass::*;
    vec![
        row(A, 1, Active, 25, Substandard, 100, "2025-06"),
        row(B, 2, Active, 0, Normal, 48, "2025-06"),
        row(C, 3, Closed, 0, Normal, 0, "2025-06"),
        row(D, 4, WrittenOff, 400, Loss, 30, "2024-06"),
        row(E, 5, Active, 0, Normal, 500, "2026-02"),
        row(F, 6, Active, 70, SpecialMention, 20, "2025-06"),
        row(G, 1, Active, 0, Normal, 39, "2026-01"),
        row(H, 7, Active, 31, SpecialMention, 10, "2026-01"),
    ]
}

fn cells(flows: &[Flow]) -> Vec<(&str, &str, u64, String)> {
    flows.iter().map(|f| (f.from, f.to, f.count, f.principal.to_string())).collect()
}

#[test]
fn the_class_migration_matrix() {
    assert_eq!(
        cells(&class_flows(&m1(), &m2())),
        vec![
            ("normal", "normal", 1, "40000.00".into()),
            ("normal", "special_mention", 1, "10000.00".into()),
            ("normal", "substandard", 1, "100000.00".into()),
            ("normal", "closed", 1, "10000.00".into()),
            ("special_mention", "normal", 1, "50000.00".into()),
            ("special_mention", "special_mention", 1, "20000.00".into()),
            ("loss", "written_off", 1, "30000.00".into()),
        ]
    );
}

#[test]
fn migration_rates_leave_closed_and_written_off_out_of_the_base() {
    let rates = migration_rates(&m1(), &m2());
    let normal = &rates[0];
    // 160 at M1, 10 of it closed: (100 + 10) worse ÷ 150; into NPL 100 ÷ 150.
    assert_eq!((normal.principal, normal.left, normal.worse), (k(160), k(10), k(110)));
    assert_eq!(normal.rate.to_string(), "73.33");
    assert_eq!(normal.into_npl.map(|s| s.to_string()).as_deref(), Some("66.67"));
    let special = &rates[1];
    assert_eq!((special.principal, special.worse, special.rate.to_string()), (k(70), k(0), "0.00".into()));
    // No substandard or doubtful loan at M1: no rate; loss cannot get worse.
    assert_eq!(rates[2].rate.to_string(), "-");
    assert_eq!(rates[2].into_npl, None);
    assert_eq!(rates.len(), 4);
}

#[test]
fn roll_flows_and_rates() {
    assert_eq!(
        cells(&roll_flows(&m1(), &m2())),
        vec![
            ("M0", "M0", 1, "40000.00".into()),
            ("M0", "M1", 1, "100000.00".into()),
            ("M0", "M2", 1, "10000.00".into()),
            ("M0", "closed", 1, "10000.00".into()),
            ("M1", "M0", 1, "50000.00".into()),
            ("M2", "M3", 1, "20000.00".into()),
            ("M7+", "written_off", 1, "30000.00".into()),
        ]
    );
    let rates = roll_rates(&m1(), &m2());
    assert_eq!(rates.len(), 7);
    let words =
        |r: &RollRate| (r.from.as_str(), r.count, r.principal, r.rate.to_string(), r.count_rate.to_string());
    assert_eq!(words(&rates[0]), ("M0", 4, k(160), "62.50".into(), "25.00".into()));
    assert_eq!(words(&rates[1]), ("M1", 1, k(50), "0.00".into(), "0.00".into()));
    assert_eq!(words(&rates[2]), ("M2", 1, k(20), "100.00".into(), "100.00".into()));
    assert_eq!(words(&rates[3]), ("M3", 0, k(0), "-".into(), "-".into()));
}

#[test]
fn npl_ratio_of_active_loans() {
    let jan = npl_point(month("2026-01"), &m1());
    assert_eq!((jan.loans, jan.outstanding, jan.npl_outstanding), (7, k(260), k(30)));
    assert_eq!(jan.ratio.to_string(), "11.54");
    let feb = npl_point(month("2026-02"), &m2());
    // C closed and D written off are out; E came in: 100 ÷ 717.
    assert_eq!((feb.loans, feb.outstanding, feb.npl_loans, feb.npl_outstanding), (6, k(717), 1, k(100)));
    assert_eq!(feb.ratio.to_string(), "13.95");
}

#[test]
fn cure_counts_current_or_closed_at_m2() {
    let c = cure(&m1(), &m2());
    // B, D and F overdue at M1; only B current at M2 (D written off is no cure).
    assert_eq!(
        (c.overdue_count, c.overdue_principal, c.cured_count, c.cured_principal),
        (3, k(100), 1, k(50))
    );
    assert_eq!((c.count_rate.to_string(), c.principal_rate.to_string()), ("33.33".into(), "50.00".into()));
}

#[test]
fn large_customers_sum_their_active_loans() {
    assert!(large(&m1()).is_empty(), "customer 1 has 140 at M1");
    let feb = large(&m2());
    assert_eq!(feb.len(), 1);
    assert_eq!(
        (feb[0].customer, feb[0].loans, feb[0].outstanding, feb[0].class),
        (5, 1, k(500), RiskClass::Normal)
    );
}

#[test]
fn vintage_curves_by_months_on_book() {
    let points = vintage(&[(month("2026-01"), m1()), (month("2026-02"), m2())]);
    let words: Vec<(String, i32, Money, Money, String)> = points
        .iter()
        .map(|p| (p.cohort.to_string(), p.mob, p.disbursed, p.bad, p.share.to_string()))
        .collect();
    assert_eq!(
        words,
        vec![
            ("2026-01".into(), 1, k(50), k(0), "0.00".into()),
            ("2026-01".into(), 2, k(50), k(10), "20.00".into()),
            ("2026-02".into(), 1, k(500), k(0), "0.00".into()),
        ]
    );
}
