//! The escalation policy as data (DOMAIN §6): stage bands (per product if wanted), the guarantor
//! rule, the promise hold, due-soon windows and classification bands; and `decide`, the one
//! stage change a policy run makes for a loan. The shipped default is `policy/default.toml`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::classify::ClassBands;
use super::delinquency::AssessRules;
use super::stage::{Stage, StageBands};
use super::terms::Product;

/// The shipped policy file, which parses to `Policy::default()`.
pub const DEFAULT_POLICY: &str = include_str!("../../policy/default.toml");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub bands: StageBands,
    /// Bands that replace `bands` for one product.
    pub products: BTreeMap<Product, StageBands>,
    /// Secured loans (guarantor or collateral) pass through the guarantor stage; off: no loan does.
    pub guarantor_stage: bool,
    /// An alive promise to pay holds automatic escalation.
    pub promise_hold: bool,
    /// Days after the promise date that the promise still holds.
    pub promise_grace_days: i64,
    pub installment_window_days: i64,
    pub maturity_window_days: i64,
    pub class_bands: ClassBands,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            bands: StageBands::default(),
            products: BTreeMap::new(),
            guarantor_stage: true,
            promise_hold: true,
            promise_grace_days: 1,
            installment_window_days: 3,
            maturity_window_days: 30,
            class_bands: ClassBands::Standard,
        }
    }
}

/// What `decide` needs to know about one loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The stage stored on the loan (the workflow stage, not the one a list shows).
    pub stage: Stage,
    pub dpd: i64,
    pub product: Product,
    /// A guarantor name or collateral description on file.
    pub secured: bool,
    /// Every installment covered.
    pub closed: bool,
    pub written_off: bool,
    /// A promise to pay, not kept, whose date plus the policy's grace is on or after the as-of date.
    pub promise_alive: bool,
}

/// One stage change and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub to: Stage,
    pub reason: String,
}

impl Policy {
    /// The bands in force for a product.
    pub fn bands_for(&self, product: Product) -> &StageBands {
        self.products.get(&product).unwrap_or(&self.bands)
    }

    /// The band of a stage, as a reason names it: "31–60", "91+".
    fn band_text(&self, product: Product, stage: Stage, secured: bool) -> String {
        let b = self.bands_for(product);
        let guarantor = secured && self.guarantor_stage;
        let (from, to) = match stage {
            Stage::Reminder => (b.reminder_from, Some(b.negotiation_from - 1)),
            Stage::Negotiation if guarantor => (b.negotiation_from, Some(b.guarantor_from - 1)),
            Stage::Negotiation => (b.negotiation_from, Some(b.legal_from - 1)),
            Stage::Guarantor => (b.guarantor_from, Some(b.legal_from - 1)),
            Stage::Legal => (b.legal_from, None),
            _ => (0, Some(0)),
        };
        let range = match to {
            Some(to) => format!("{from}–{to}"),
            None => format!("{from}+"),
        };
        if stage == Stage::Negotiation && !guarantor {
            let why = if self.guarantor_stage { "no guarantor or collateral" } else { "no guarantor stage" };
            format!("{range}, {why}")
        } else {
            range
        }
    }
}

/// The stage change the policy makes for a loan, or `None` when its stage already stands.
///
/// Written-off loans are never touched; paid-up loans close; DPD back to 0 cures to current; an
/// alive promise holds the stage (cure and closing still apply); otherwise the loan moves forward
/// only, straight to the stage of its band however many bands it crossed.
pub fn decide(policy: &Policy, p: &Position) -> Option<Transition> {
    if p.written_off || p.stage == Stage::WrittenOff {
        return None;
    }
    if p.closed {
        return (p.stage != Stage::Closed)
            .then(|| Transition { to: Stage::Closed, reason: "closed: every installment paid".into() });
    }
    let secured = p.secured && policy.guarantor_stage;
    let target = policy.bands_for(p.product).stage_for(p.dpd, secured);
    if p.stage == Stage::Closed {
        // Closed in the workflow but money is owed again (a reversed payment).
        let reason = if target == Stage::Current {
            "reopened: an installment is owed again".to_string()
        } else {
            format!(
                "reopened: DPD {} in band {target} ({})",
                p.dpd,
                policy.band_text(p.product, target, p.secured)
            )
        };
        return Some(Transition { to: target, reason });
    }
    if p.dpd <= 0 {
        return (p.stage != Stage::Current)
            .then(|| Transition { to: Stage::Current, reason: "cure: DPD back to 0".into() });
    }
    if p.promise_alive && policy.promise_hold {
        return None;
    }
    (target > p.stage).then(|| Transition {
        to: target,
        reason: format!(
            "DPD {} in band {target} ({})",
            p.dpd,
            policy.band_text(p.product, target, p.secured)
        ),
    })
}

/// One bad entry of a policy file: where (byte span), which key, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub span: Range<usize>,
    /// The dotted key, e.g. `stages.legal`; empty for the file as a whole.
    pub key: String,
    pub message: String,
}

impl PolicyError {
    fn new(span: Range<usize>, key: impl Into<String>, message: impl Into<String>) -> Self {
        PolicyError { span, key: key.into(), message: message.into() }
    }
}

const STAGE_KEYS: [&str; 4] = ["reminder", "negotiation", "guarantor", "legal"];

type Entries<'a, 'i> = &'a DeTable<'i>;

fn int(v: &toml::Spanned<DeValue<'_>>) -> Option<i64> {
    match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
        _ => None,
    }
}

struct Reader {
    errors: Vec<PolicyError>,
}

impl Reader {
    fn days(&mut self, key: &str, v: &toml::Spanned<DeValue<'_>>, range: Range<i64>) -> Option<i64> {
        match int(v) {
            Some(n) if range.contains(&n) => Some(n),
            Some(n) => {
                self.errors.push(PolicyError::new(
                    v.span(),
                    key,
                    format!("{n} is out of range: use {} to {}", range.start, range.end - 1),
                ));
                None
            }
            None => {
                self.errors.push(PolicyError::new(
                    v.span(),
                    key,
                    format!("must be a whole number of days, not a {}", v.get_ref().type_str()),
                ));
                None
            }
        }
    }

    fn flag(&mut self, key: &str, v: &toml::Spanned<DeValue<'_>>) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.errors.push(PolicyError::new(
                    v.span(),
                    key,
                    format!("must be true or false, not a {}", other.type_str()),
                ));
                None
            }
        }
    }

    fn table<'a, 'i>(&mut self, key: &str, v: &'a toml::Spanned<DeValue<'i>>) -> Option<Entries<'a, 'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.errors.push(PolicyError::new(
                    v.span(),
                    key,
                    format!("must be a table ([{key}]), not a {}", other.type_str()),
                ));
                None
            }
        }
    }

    fn unknown(&mut self, span: Range<usize>, key: &str, known: &[&str]) {
        self.errors.push(PolicyError::new(
            span,
            key,
            format!("unknown key; the keys here are {}", known.join(", ")),
        ));
    }

    /// Stage bands over `base`, checked strictly increasing from 1.
    fn bands(
        &mut self,
        section: &str,
        t: Entries<'_, '_>,
        base: StageBands,
        span: Range<usize>,
    ) -> StageBands {
        let mut b = base;
        let mut extra_known: &[&str] = &[];
        if section == "stages" {
            extra_known = &["guarantor_stage"];
        }
        for (k, v) in t {
            let name = k.get_ref().as_ref();
            let key = format!("{section}.{name}");
            let slot = match name {
                "reminder" => &mut b.reminder_from,
                "negotiation" => &mut b.negotiation_from,
                "guarantor" => &mut b.guarantor_from,
                "legal" => &mut b.legal_from,
                other if extra_known.contains(&other) => continue,
                _ => {
                    let known: Vec<&str> = STAGE_KEYS.iter().chain(extra_known).copied().collect();
                    self.unknown(k.span(), &key, &known);
                    continue;
                }
            };
            if let Some(n) = self.days(&key, v, 1..10_000) {
                *slot = n;
            }
        }
        let order = [b.reminder_from, b.negotiation_from, b.guarantor_from, b.legal_from];
        if let Some(i) = order.windows(2).position(|w| w[0] >= w[1]) {
            let (lo, hi) = (STAGE_KEYS[i], STAGE_KEYS[i + 1]);
            let at = t.iter().find(|(k, _)| k.get_ref().as_ref() == hi).map_or(span, |(_, v)| v.span());
            self.errors.push(PolicyError::new(
                at,
                format!("{section}.{hi}"),
                format!(
                    "bands must increase: {hi} starts on day {}, not after {lo} (day {})",
                    order[i + 1],
                    order[i]
                ),
            ));
        }
        b
    }
}

/// Reads a policy file. Every key is optional (a key left out keeps the default); every bad entry
/// is reported, not only the first.
pub fn parse_policy(text: &str) -> Result<Policy, Vec<PolicyError>> {
    let doc = match DeTable::parse(text) {
        Ok(d) => d,
        Err(_) => {
            let (_, errors) = DeTable::parse_recoverable(text);
            return Err(errors
                .iter()
                .map(|e| {
                    let msg =
                        e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>();
                    PolicyError::new(e.span().unwrap_or(0..0), "", format!("TOML syntax: {}", msg.join("; ")))
                })
                .collect());
        }
    };
    let mut p = Policy::default();
    let mut r = Reader { errors: Vec::new() };
    let mut products = Vec::new();
    for (k, v) in doc.get_ref() {
        let section = k.get_ref().as_ref();
        match section {
            "stages" => {
                let Some(t) = r.table(section, v) else { continue };
                p.bands = r.bands("stages", t, p.bands, v.span());
                if let Some((_, g)) = t.iter().find(|(k, _)| k.get_ref().as_ref() == "guarantor_stage")
                    && let Some(b) = r.flag("stages.guarantor_stage", g)
                {
                    p.guarantor_stage = b;
                }
            }
            // Read after [stages], whose bands they start from, wherever they stand in the file.
            "products" => {
                if let Some(t) = r.table(section, v) {
                    products.push(t);
                }
            }
            "promise" => {
                let Some(t) = r.table(section, v) else { continue };
                for (k, v) in t {
                    let key = format!("promise.{}", k.get_ref());
                    match k.get_ref().as_ref() {
                        "hold" => p.promise_hold = r.flag(&key, v).unwrap_or(p.promise_hold),
                        "grace_days" => {
                            p.promise_grace_days = r.days(&key, v, 0..31).unwrap_or(p.promise_grace_days)
                        }
                        _ => r.unknown(k.span(), &key, &["hold", "grace_days"]),
                    }
                }
            }
            "due_soon" => {
                let Some(t) = r.table(section, v) else { continue };
                for (k, v) in t {
                    let key = format!("due_soon.{}", k.get_ref());
                    match k.get_ref().as_ref() {
                        "installment_days" => {
                            p.installment_window_days =
                                r.days(&key, v, 1..367).unwrap_or(p.installment_window_days)
                        }
                        "maturity_days" => {
                            p.maturity_window_days = r.days(&key, v, 1..367).unwrap_or(p.maturity_window_days)
                        }
                        _ => r.unknown(k.span(), &key, &["installment_days", "maturity_days"]),
                    }
                }
            }
            "classification" => {
                let Some(t) = r.table(section, v) else { continue };
                for (k, v) in t {
                    let key = format!("classification.{}", k.get_ref());
                    match (k.get_ref().as_ref(), v.get_ref()) {
                        ("bands", DeValue::String(s)) if s == "standard" => {
                            p.class_bands = ClassBands::Standard
                        }
                        ("bands", DeValue::String(s)) if s == "credit_card" => {
                            p.class_bands = ClassBands::CreditCard
                        }
                        ("bands", _) => r.errors.push(PolicyError::new(
                            v.span(),
                            key,
                            "use \"standard\" (2023 办法) or \"credit_card\"",
                        )),
                        _ => r.unknown(k.span(), &key, &["bands"]),
                    }
                }
            }
            _ => {
                r.unknown(k.span(), section, &["stages", "products", "promise", "due_soon", "classification"])
            }
        }
    }
    for t in products {
        for (k, v) in t {
            let name = k.get_ref().as_ref();
            let key = format!("products.{name}");
            let Ok(product) = name.parse::<Product>() else {
                let known: Vec<&str> = Product::ALL.iter().map(|p| p.as_str()).collect();
                r.errors.push(PolicyError::new(
                    k.span(),
                    key,
                    format!("unknown product; use {}", known.join(", ")),
                ));
                continue;
            };
            let Some(bands) = r.table(&key, v) else { continue };
            let b = r.bands(&key, bands, p.bands, v.span());
            p.products.insert(product, b);
        }
    }
    if r.errors.is_empty() {
        Ok(p)
    } else {
        r.errors.sort_by_key(|e| e.span.start);
        Err(r.errors)
    }
}

impl Policy {
    /// `base` with this policy's due-soon windows and classification bands: what the snapshot,
    /// `show` and the run compute with, so they agree.
    pub fn assess_rules(&self, base: AssessRules) -> AssessRules {
        AssessRules {
            class_bands: self.class_bands,
            installment_window_days: self.installment_window_days,
            maturity_window_days: self.maturity_window_days,
            ..base
        }
    }

    /// The policy in force as TOML, every value written out (what `duedesk policy show` prints).
    pub fn to_toml(&self) -> String {
        let mut s = String::from("# the escalation policy in force (DOMAIN.md §6)\n\n");
        let bands = |s: &mut String, b: &StageBands| {
            let _ = writeln!(s, "reminder = {}", b.reminder_from);
            let _ = writeln!(s, "negotiation = {}", b.negotiation_from);
            let _ = writeln!(s, "guarantor = {}", b.guarantor_from);
            let _ = writeln!(s, "legal = {}", b.legal_from);
        };
        s.push_str("[stages]\n");
        bands(&mut s, &self.bands);
        let _ = writeln!(s, "guarantor_stage = {}", self.guarantor_stage);
        for (product, b) in &self.products {
            let _ = writeln!(s, "\n[products.{product}]");
            bands(&mut s, b);
        }
        let _ = writeln!(
            s,
            "\n[promise]\nhold = {}\ngrace_days = {}",
            self.promise_hold, self.promise_grace_days
        );
        let _ = writeln!(
            s,
            "\n[due_soon]\ninstallment_days = {}\nmaturity_days = {}",
            self.installment_window_days, self.maturity_window_days
        );
        let bands = match self.class_bands {
            ClassBands::Standard => "standard",
            ClassBands::CreditCard => "credit_card",
        };
        let _ = writeln!(s, "\n[classification]\nbands = \"{bands}\"");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(stage: Stage, dpd: i64, secured: bool) -> Position {
        Position {
            stage,
            dpd,
            product: Product::Annuity,
            secured,
            closed: false,
            written_off: false,
            promise_alive: false,
        }
    }

    fn to(p: &Position) -> Option<Stage> {
        decide(&Policy::default(), p).map(|t| t.to)
    }

    #[test]
    fn the_default_file_is_the_default_policy() {
        assert_eq!(parse_policy(DEFAULT_POLICY), Ok(Policy::default()));
        assert_eq!(parse_policy(""), Ok(Policy::default()));
        let p = Policy::default();
        assert_eq!(parse_policy(&p.to_toml()), Ok(p));
    }

    #[test]
    fn the_policy_gives_the_figures_their_windows_and_bands() {
        let p = parse_policy("[due_soon]\ninstallment_days = 5\nmaturity_days = 45\n[classification]\nbands = \"credit_card\"\n")
            .expect("policy");
        assert_eq!(parse_policy(&p.to_toml()), Ok(p.clone()), "what the store keeps reads back the same");
        let base = AssessRules { penalty_uplift_pct: 30, ..AssessRules::default() };
        let r = p.assess_rules(base);
        assert_eq!(
            (r.penalty_uplift_pct, r.class_bands, r.installment_window_days, r.maturity_window_days),
            (30, ClassBands::CreditCard, 5, 45)
        );
        assert_eq!(Policy::default().assess_rules(AssessRules::default()), AssessRules::default());
    }

    #[test]
    fn a_fresh_loan_goes_straight_to_its_band_at_every_edge() {
        use Stage::*;
        // (dpd, secured, stage from current)
        let cases = [
            (0, true, None),
            (0, false, None),
            (1, true, Some(Reminder)),
            (1, false, Some(Reminder)),
            (30, true, Some(Reminder)),
            (31, true, Some(Negotiation)),
            (31, false, Some(Negotiation)),
            (60, true, Some(Negotiation)),
            (61, true, Some(Guarantor)),
            (61, false, Some(Negotiation)),
            (90, true, Some(Guarantor)),
            (90, false, Some(Negotiation)),
            (91, true, Some(Legal)),
            (91, false, Some(Legal)),
            (400, false, Some(Legal)),
        ];
        for (dpd, secured, want) in cases {
            assert_eq!(to(&pos(Current, dpd, secured)), want, "dpd {dpd} secured {secured}");
        }
    }

    #[test]
    fn forward_only_and_one_change_for_bands_crossed() {
        use Stage::*;
        let cases = [
            // From each stage at the next band's edges.
            (Reminder, 30, true, None),
            (Reminder, 31, true, Some(Negotiation)),
            (Reminder, 95, true, Some(Legal)),
            (Negotiation, 60, true, None),
            (Negotiation, 61, true, Some(Guarantor)),
            (Negotiation, 61, false, None),
            (Negotiation, 90, false, None),
            (Negotiation, 91, false, Some(Legal)),
            (Guarantor, 90, true, None),
            (Guarantor, 91, true, Some(Legal)),
            (Legal, 400, true, None),
            // A manual move ahead of the band stays.
            (Legal, 20, false, None),
            (Guarantor, 45, false, None),
            (Negotiation, 5, true, None),
        ];
        for (from, dpd, secured, want) in cases {
            assert_eq!(to(&pos(from, dpd, secured)), want, "{from} dpd {dpd} secured {secured}");
        }
        let t = decide(&Policy::default(), &pos(Current, 45, true)).expect("a move");
        assert_eq!(t.reason, "DPD 45 in band negotiation (31–60)");
        let t = decide(&Policy::default(), &pos(Reminder, 75, false)).expect("a move");
        assert_eq!(
            t,
            Transition {
                to: Negotiation,
                reason: "DPD 75 in band negotiation (31–90, no guarantor or collateral)".into()
            }
        );
        let t = decide(&Policy::default(), &pos(Current, 91, true)).expect("a move");
        assert_eq!(t.reason, "DPD 91 in band legal (91+)");
    }

    #[test]
    fn cure_closing_and_write_off() {
        use Stage::*;
        for from in [Reminder, Negotiation, Guarantor, Legal] {
            let t = decide(&Policy::default(), &pos(from, 0, true)).expect("cure");
            assert_eq!(t, Transition { to: Current, reason: "cure: DPD back to 0".into() });
            let closed = Position { closed: true, ..pos(from, 0, true) };
            assert_eq!(to(&closed), Some(Closed), "{from}");
            let off = Position { written_off: true, ..pos(from, 200, true) };
            assert_eq!(to(&off), None);
        }
        assert_eq!(to(&Position { closed: true, ..pos(Current, 0, false) }), Some(Closed));
        assert_eq!(to(&Position { closed: true, ..pos(Closed, 0, false) }), None);
        assert_eq!(to(&pos(WrittenOff, 0, false)), None);
        assert_eq!(to(&pos(WrittenOff, 400, false)), None);
        // Owed again after closing.
        assert_eq!(to(&pos(Closed, 0, false)), Some(Current));
        assert_eq!(to(&pos(Closed, 40, false)), Some(Negotiation));
    }

    #[test]
    fn an_alive_promise_holds_but_does_not_stop_a_cure() {
        use Stage::*;
        let held = Position { promise_alive: true, ..pos(Reminder, 45, true) };
        assert_eq!(to(&held), None);
        assert_eq!(to(&Position { promise_alive: false, ..held }), Some(Negotiation));
        assert_eq!(to(&Position { dpd: 0, ..held }), Some(Current));
        assert_eq!(to(&Position { closed: true, ..held }), Some(Closed));
        let no_hold = Policy { promise_hold: false, ..Policy::default() };
        assert_eq!(decide(&no_hold, &held).map(|t| t.to), Some(Negotiation));
    }

    #[test]
    fn guarantor_rule_and_product_bands() {
        use Stage::*;
        let off = Policy { guarantor_stage: false, ..Policy::default() };
        let t = decide(&off, &pos(Current, 70, true)).expect("a move");
        assert_eq!(
            t,
            Transition {
                to: Negotiation,
                reason: "DPD 70 in band negotiation (31–90, no guarantor stage)".into()
            }
        );
        let p = parse_policy("[products.bullet]\nlegal = 61\nguarantor = 46\n").expect("policy");
        let bullet = Position { product: Product::Bullet, ..pos(Current, 61, true) };
        assert_eq!(decide(&p, &bullet).map(|t| t.to), Some(Legal));
        assert_eq!(decide(&p, &Position { dpd: 50, ..bullet }).map(|t| t.to), Some(Guarantor));
        assert_eq!(decide(&p, &pos(Current, 61, true)).map(|t| t.to), Some(Guarantor));
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
}
