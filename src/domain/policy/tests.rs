use super::*;

#[test]
fn the_default_policy_is_the_shipped_file_and_reads_back_the_same() {
    assert_eq!(parse_policy(DEFAULT_POLICY), Ok(Policy::default()));
    assert_eq!(parse_policy(""), Ok(Policy::default()));
    let p = Policy::default();
    assert_eq!(parse_policy(&p.to_toml()), Ok(p.clone()));
    assert_eq!(read(&p.to_toml(), None), Ok(p.clone()), "every value written out");
    // DOMAIN §6's figures, as the shipped file writes them.
    assert_eq!(
        (p.bands, p.promise_grace_days, p.installment_window_days, p.maturity_window_days),
        (bands_of([1, 31, 61, 91]), 1, 3, 30)
    );
    // Issue #14's bounds on plans and promises.
    assert_eq!((p.plan_max_first_days, p.promise_max_days, p.promise_min_hold_share), (60, 30, 20));
    assert_eq!(StageBands::default(), p.bands);
    assert_eq!(AssessRules::default(), p.assess_rules(DEFAULT_PENALTY_UPLIFT_PCT));
}

#[test]
fn the_shipped_file_must_give_every_key() {
    let without = DEFAULT_POLICY
        .replace("grace_days = 1\n", "")
        .replace("legal = 91\n", "")
        .replace("max_first_days = 60\n", "")
        .replace("min_hold_share = 20\n", "");
    let errs = read(&without, None).expect_err("incomplete");
    let keys: Vec<&str> = errs.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        ["stages.legal", "promise.grace_days", "promise.min_hold_share", "plan.max_first_days"],
        "{errs:?}"
    );
    assert!(parse_policy(&without).is_ok(), "a user's file may leave keys out");
}

#[test]
fn the_policy_gives_the_figures_their_windows_bands_and_grace() {
    let p = parse_policy(
        "[due_soon]\ninstallment_days = 5\nmaturity_days = 45\n[classification]\nbands = \"credit_card\"\n\
             [promise]\ngrace_days = 3\n",
    )
    .expect("policy");
    assert_eq!(parse_policy(&p.to_toml()), Ok(p.clone()), "what the store keeps reads back the same");
    let r = p.assess_rules(30);
    assert_eq!(
        (r.penalty_uplift_pct, r.class_bands, r.installment_window_days, r.maturity_window_days),
        (30, ClassBands::CreditCard, 5, 45)
    );
    assert_eq!(r.promise_grace_days, 3);
}

#[test]
fn the_inspection_schedule_is_policy_data() {
    // DOMAIN §10's figures, as the shipped file writes them.
    let r = Policy::default().inspections;
    assert_eq!(r.values(), [30, 6, 3, 1, 1, 3, 500_000, 2, 7, 2, 2, 12]);
    let p = parse_policy("[inspections]\nnormal_months = 4\nlarge_exposure = 1000000\nmulti_loans = 3\n")
        .expect("policy");
    let r = p.inspections;
    assert_eq!((r.normal_months, r.multi_loans, r.first_days), (4, 3, 30));
    assert_eq!(r.large_exposure, crate::domain::Money::from_cents(100_000_000));
    assert_eq!(parse_policy(&p.to_toml()), Ok(p.clone()), "written out and read back");
    let errs =
        parse_policy("[inspections]\nnormal_months = 0\nfirst_days = \"30\"\nweekly = 1\n").expect_err("bad");
    let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.key.as_str(), e.message.as_str())).collect();
    assert_eq!(
        got,
        [
            ("inspections.normal_months", "0 is out of range: use 1 to 24"),
            ("inspections.first_days", "must be a whole number of days, not a string"),
            (
                "inspections.weekly",
                "unknown key; the keys here are first_days, normal_months, special_mention_months, substandard_months, watchlist_months, cap_months, large_exposure, multi_loans, special_days, review_working_days, sign_working_days, revaluation_months"
            ),
        ]
    );
}

#[test]
fn the_warning_rules_are_policy_data() {
    use crate::domain::warning::{Level, SignalCode};
    let w = Policy::default().warnings;
    assert_eq!(w.get(SignalCode::FirstInstallmentMissed).level, Level::Red);
    assert_eq!(w.get(SignalCode::RepeatedLate).params, [6, 3]);
    let p = parse_policy("[warnings.relapse]\non = false\ndays = 60\n").expect("reads");
    assert_eq!(p.warnings.get(SignalCode::Relapse).params[0], 60);
    assert!(!p.warnings.get(SignalCode::Relapse).on);
    assert_eq!(p.warnings.get(SignalCode::Unreachable), w.get(SignalCode::Unreachable));
    let errs = parse_policy(
            "[warnings.relapse]\nlevel = \"purple\"\nweeks = 2\n[warnings.nosuch]\non = true\n[warnings.repeated_late]\nlate = 7\n",
        )
        .expect_err("bad");
    let mut keys: Vec<&str> = errs.iter().map(|e| e.key.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "warnings.nosuch",
            "warnings.relapse.level",
            "warnings.relapse.weeks",
            "warnings.repeated_late.late"
        ]
    );
    let level = errs.iter().find(|e| e.key == "warnings.relapse.level").expect("level");
    assert!(level.message.contains("yellow, orange, red"), "{}", level.message);
    let back = parse_policy(&Policy::default().to_toml()).expect("reads back");
    assert_eq!(back.warnings, w);
}

#[test]
fn product_bands_start_from_the_files_own_stages_wherever_they_stand() {
    let p = parse_policy("[products.bullet]\nlegal = 61\nguarantor = 46\n[stages]\nreminder = 5\n")
        .expect("policy");
    assert_eq!(p.bands_for(Product::Bullet), &bands_of([5, 31, 46, 61]));
    assert_eq!(p.bands_for(Product::Annuity), &bands_of([5, 31, 61, 91]));
}

#[test]
fn plans_and_promises_are_bounded_by_the_policy() {
    let p = parse_policy("[plan]\nmax_first_days = 10\n[promise]\nmax_days = 5\nmin_hold_share = 50\n")
        .expect("policy");
    assert_eq!((p.plan_max_first_days, p.promise_max_days, p.promise_min_hold_share), (10, 5, 50));
    assert_eq!(parse_policy(&p.to_toml()), Ok(p.clone()), "written out and read back");
    let errs = parse_policy(
        "[plan]\nmax_first_days = 0\nfirst = 3\n[promise]\nmax_days = 400\nmin_hold_share = 101\n",
    )
    .expect_err("bad");
    let keys: Vec<&str> = errs.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["plan.max_first_days", "plan.first", "promise.max_days", "promise.min_hold_share"]);
    let m = |text| crate::domain::Money::parse(text).expect("money");
    let d = Policy::default();
    assert!(d.promise_holds(m("2020.00"), m("10100.00")), "a fifth of the arrears");
    assert!(!d.promise_holds(m("2019.99"), m("10100.00")));
    assert!(!d.promise_holds(m("0.01"), m("10100.00")));
    assert!(Policy { promise_min_hold_share: 0, ..d }.promise_holds(m("0.01"), m("92233720368547758.07")));
}

#[test]
fn every_bad_entry_is_reported_with_its_key() {
    let text = "[stages]\nreminder = 0\nlegal = 50\nfoo = 1\n\n[promise]\ngrace_days = 31\nhold = \"yes\"\n\n\
                    [products.mortgage]\nlegal = 10\n\n[classification]\nbands = \"bank\"\n[extra]\n";
    let errs = parse_policy(text).expect_err("bad");
    let got: Vec<(usize, &str)> =
        errs.iter().map(|e| (crate::text::line_of(text, e.span.start), e.key.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (2, "stages.reminder"),
            (3, "stages.legal"),
            (4, "stages.foo"),
            (7, "promise.grace_days"),
            (8, "promise.hold"),
            (10, "products.mortgage"),
            (14, "classification.bands"),
            (15, "extra"),
        ],
        "{errs:#?}"
    );
    assert!(errs[1].message.contains("bands must increase"), "{}", errs[1].message);
    let errs = parse_policy("[stages]\nlegal = \n").expect_err("syntax");
    assert!(errs[0].message.starts_with("TOML syntax"), "{errs:?}");
    let errs = parse_policy("stages = 3\n").expect_err("not a table");
    assert_eq!(errs[0].key, "stages");
}
