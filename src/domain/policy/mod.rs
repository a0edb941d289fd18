//! The escalation policy as data (DOMAIN §6): stage bands (per product if wanted), the guarantor
//! rule, the promise hold and its grace, due-soon windows and classification bands, read from
//! TOML. The shipped policy, `policy/default.toml`, is the one place these defaults are written:
//! `Policy::default()` is that file read, and the defaults of `StageBands` and `AssessRules` are
//! taken from it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::LazyLock;

use toml::de::{DeTable, DeValue};

use super::classify::ClassBands;
use super::delinquency::{AssessRules, DEFAULT_PENALTY_UPLIFT_PCT};
use super::inspection::InspectionRules;
use super::stage::StageBands;
use super::terms::Product;
use super::warning::WarningRules;
use super::warning::rules::WarningsRead;

/// The shipped policy file, which `Policy::default()` reads.
pub const DEFAULT_POLICY: &str = include_str!("../../../policy/default.toml");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub bands: StageBands,
    /// Bands that replace `bands` for one product.
    pub products: BTreeMap<Product, StageBands>,
    /// Secured loans (guarantor or collateral) pass through the guarantor stage; off: no loan does.
    pub guarantor_stage: bool,
    /// An alive promise to pay holds automatic escalation.
    pub promise_hold: bool,
    /// Days after the promise date that the promise still holds and a payment still keeps it.
    pub promise_grace_days: i64,
    /// How far after the day it is made a promise's date may be.
    pub promise_max_days: i64,
    /// The percentage of the overdue amount a promise must reach to hold escalation.
    pub promise_min_hold_share: i64,
    /// How far after a plan's date its first installment may fall due.
    pub plan_max_first_days: i64,
    pub installment_window_days: i64,
    pub maturity_window_days: i64,
    pub class_bands: ClassBands,
    /// The post-loan inspection schedule and the deadlines of reviews, signatures and valuations.
    pub inspections: InspectionRules,
    /// The early-warning rules (DOMAIN §9, `[warnings.*]`).
    pub warnings: WarningRules,
}

impl Default for Policy {
    /// The shipped policy, read once.
    fn default() -> Self {
        static SHIPPED: LazyLock<Policy> = LazyLock::new(|| match read(DEFAULT_POLICY, None) {
            Ok(p) => p,
            // Embedded at build time and read whole by a test: this is a broken build.
            Err(e) => panic!("policy/default.toml does not read: {e:?}"),
        });
        SHIPPED.clone()
    }
}

impl Default for StageBands {
    /// The shipped policy's bands.
    fn default() -> Self {
        Policy::default().bands
    }
}

impl Default for AssessRules {
    /// The shipped policy's windows, bands and grace, with the penalty setting's default uplift.
    fn default() -> Self {
        Policy::default().assess_rules(DEFAULT_PENALTY_UPLIFT_PCT)
    }
}

impl Policy {
    /// The bands in force for a product.
    pub fn bands_for(&self, product: Product) -> &StageBands {
        self.products.get(&product).unwrap_or(&self.bands)
    }

    /// The rules every figure is computed with under this policy (its due-soon windows,
    /// classification bands and promise grace) and the desk's penalty uplift: what the snapshot,
    /// `show`, the lists, the team figures and the run use, so they agree.
    pub fn assess_rules(&self, penalty_uplift_pct: i64) -> AssessRules {
        AssessRules {
            penalty_uplift_pct,
            class_bands: self.class_bands,
            installment_window_days: self.installment_window_days,
            maturity_window_days: self.maturity_window_days,
            promise_grace_days: self.promise_grace_days,
            history: self.warnings.history(),
        }
    }

    /// Whether a promise of `amount` holds escalation on a loan `overdue` this much: at least
    /// `promise_min_hold_share` percent of it.
    pub fn promise_holds(&self, amount: crate::domain::Money, overdue: crate::domain::Money) -> bool {
        i128::from(amount.cents()) * 100
            >= i128::from(overdue.cents()) * i128::from(self.promise_min_hold_share)
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
            "\n[promise]\nhold = {}\ngrace_days = {}\nmax_days = {}\nmin_hold_share = {}",
            self.promise_hold, self.promise_grace_days, self.promise_max_days, self.promise_min_hold_share
        );
        let _ = writeln!(s, "\n[plan]\nmax_first_days = {}", self.plan_max_first_days);
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
        s.push_str("\n[inspections]\n");
        for ((key, _, _), value) in InspectionRules::KEYS.iter().zip(self.inspections.values()) {
            let _ = writeln!(s, "{key} = {value}");
        }
        self.warnings.write_toml(&mut s);
        s
    }
}

/// One bad entry of a policy file: where (byte span), which key, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub span: Range<usize>,
    /// The dotted key, e.g. `stages.legal`; empty for the file as a whole.
    pub key: String,
    pub message: String,
}

impl From<(Range<usize>, String, String)> for PolicyError {
    fn from((span, key, message): (Range<usize>, String, String)) -> Self {
        PolicyError { span, key, message }
    }
}

impl PolicyError {
    fn new(span: Range<usize>, key: impl Into<String>, message: impl Into<String>) -> Self {
        PolicyError { span, key: key.into(), message: message.into() }
    }
}

/// Reads a policy file. Every key is optional (a key left out keeps the shipped value); every bad
/// entry is reported, not only the first.
pub fn parse_policy(text: &str) -> Result<Policy, Vec<PolicyError>> {
    read(text, Some(&Policy::default()))
}

/// Reads a policy file over `base`; with no base every key must be given (the shipped file).
fn read(text: &str, base: Option<&Policy>) -> Result<Policy, Vec<PolicyError>> {
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
    let mut r = Reader { errors: Vec::new() };
    let draft = r.draft(doc.get_ref());
    let policy = r.finish(draft, base);
    match policy {
        Some(p) if r.errors.is_empty() => Ok(p),
        _ => {
            r.errors.sort_by_key(|e| e.span.start);
            Err(r.errors)
        }
    }
}

const STAGE_KEYS: [&str; 4] = ["reminder", "negotiation", "guarantor", "legal"];

type Entries<'a, 'i> = &'a DeTable<'i>;
type Value<'i> = toml::Spanned<DeValue<'i>>;

/// One table of stage bands as a file gives them: each stage's first day and where it is written.
#[derive(Debug, Clone, Default)]
struct BandsRead {
    days: [Option<(i64, Range<usize>)>; 4],
    /// The table, where a fault of the bands as a whole points when no key of it is to blame.
    span: Range<usize>,
}

/// What a policy file says, entry by entry; an entry left out (or bad) is `None`.
#[derive(Debug, Default)]
struct Draft {
    bands: BandsRead,
    guarantor_stage: Option<bool>,
    products: Vec<(Product, String, BandsRead)>,
    promise_hold: Option<bool>,
    promise_grace_days: Option<i64>,
    promise_max_days: Option<i64>,
    promise_min_hold_share: Option<i64>,
    plan_max_first_days: Option<i64>,
    installment_window_days: Option<i64>,
    maturity_window_days: Option<i64>,
    class_bands: Option<ClassBands>,
    /// `[inspections]`, in the order of `InspectionRules::KEYS`.
    inspections: [Option<i64>; InspectionRules::KEYS.len()],
    warnings: Option<WarningsRead>,
}

fn int(v: &Value<'_>) -> Option<i64> {
    match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
        _ => None,
    }
}

fn bands_of(days: [i64; 4]) -> StageBands {
    let [reminder_from, negotiation_from, guarantor_from, legal_from] = days;
    StageBands { reminder_from, negotiation_from, guarantor_from, legal_from }
}

fn days_of(b: &StageBands) -> [i64; 4] {
    [b.reminder_from, b.negotiation_from, b.guarantor_from, b.legal_from]
}

struct Reader {
    errors: Vec<PolicyError>,
}

impl Reader {
    fn days(&mut self, key: &str, v: &Value<'_>, range: Range<i64>) -> Option<i64> {
        self.whole(key, v, range, "days")
    }

    /// A whole number of `unit` within `range`.
    fn whole(&mut self, key: &str, v: &Value<'_>, range: Range<i64>, unit: &str) -> Option<i64> {
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
                    format!("must be a whole number of {unit}, not a {}", v.get_ref().type_str()),
                ));
                None
            }
        }
    }

    /// A whole percentage, 0 to 100.
    fn percent(&mut self, key: &str, v: &Value<'_>) -> Option<i64> {
        match int(v) {
            Some(n) if (0..=100).contains(&n) => Some(n),
            Some(n) => {
                self.errors.push(PolicyError::new(
                    v.span(),
                    key,
                    format!("{n} is out of range: use 0 to 100 (percent)"),
                ));
                None
            }
            None => {
                self.errors.push(PolicyError::new(
                    v.span(),
                    key,
                    format!("must be a whole percentage, not a {}", v.get_ref().type_str()),
                ));
                None
            }
        }
    }

    fn flag(&mut self, key: &str, v: &Value<'_>) -> Option<bool> {
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

    fn table<'a, 'i>(&mut self, key: &str, v: &'a Value<'i>) -> Option<Entries<'a, 'i>> {
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

    /// The stage bands of one table (`extra` keys are read by the caller).
    fn bands(&mut self, section: &str, t: Entries<'_, '_>, span: Range<usize>, extra: &[&str]) -> BandsRead {
        let mut b = BandsRead { span, ..BandsRead::default() };
        for (k, v) in t {
            let name = k.get_ref().as_ref();
            let key = format!("{section}.{name}");
            match STAGE_KEYS.iter().position(|s| *s == name) {
                Some(i) => b.days[i] = self.days(&key, v, 1..10_000).map(|n| (n, v.span())),
                None if extra.contains(&name) => {}
                None => {
                    let known: Vec<&str> = STAGE_KEYS.iter().chain(extra).copied().collect();
                    self.unknown(k.span(), &key, &known);
                }
            }
        }
        b
    }

    /// Every entry of the file, checked one by one.
    fn draft(&mut self, doc: Entries<'_, '_>) -> Draft {
        let mut d = Draft::default();
        for (k, v) in doc {
            let section = k.get_ref().as_ref();
            let Some(t) = (match section {
                "stages" | "products" | "promise" | "plan" | "due_soon" | "classification"
                | "inspections" | "warnings" => self.table(section, v),
                _ => {
                    self.unknown(
                        k.span(),
                        section,
                        &[
                            "stages",
                            "products",
                            "promise",
                            "plan",
                            "due_soon",
                            "classification",
                            "inspections",
                            "warnings",
                        ],
                    );
                    None
                }
            }) else {
                continue;
            };
            match section {
                "stages" => {
                    d.bands = self.bands("stages", t, v.span(), &["guarantor_stage"]);
                    if let Some((_, g)) = t.iter().find(|(k, _)| k.get_ref().as_ref() == "guarantor_stage") {
                        d.guarantor_stage = self.flag("stages.guarantor_stage", g);
                    }
                }
                "products" => self.products(t, &mut d),
                "warnings" => {
                    let mut w = WarningsRead::read(t);
                    for (span, key, message) in std::mem::take(&mut w.faults) {
                        self.errors.push(PolicyError::new(span, key, message));
                    }
                    d.warnings = Some(w);
                }
                "promise" => {
                    for (k, v) in t {
                        let key = format!("promise.{}", k.get_ref());
                        match k.get_ref().as_ref() {
                            "hold" => d.promise_hold = self.flag(&key, v),
                            "grace_days" => d.promise_grace_days = self.days(&key, v, 0..31),
                            "max_days" => d.promise_max_days = self.days(&key, v, 1..367),
                            "min_hold_share" => d.promise_min_hold_share = self.percent(&key, v),
                            _ => self.unknown(
                                k.span(),
                                &key,
                                &["hold", "grace_days", "max_days", "min_hold_share"],
                            ),
                        }
                    }
                }
                "plan" => {
                    for (k, v) in t {
                        let key = format!("plan.{}", k.get_ref());
                        match k.get_ref().as_ref() {
                            "max_first_days" => d.plan_max_first_days = self.days(&key, v, 1..367),
                            _ => self.unknown(k.span(), &key, &["max_first_days"]),
                        }
                    }
                }
                "inspections" => {
                    for (k, v) in t {
                        let key = format!("inspections.{}", k.get_ref());
                        match InspectionRules::KEYS
                            .iter()
                            .position(|(name, _, _)| *name == k.get_ref().as_ref())
                        {
                            Some(i) => {
                                let (_, range, unit) = &InspectionRules::KEYS[i];
                                d.inspections[i] = self.whole(&key, v, range.clone(), unit);
                            }
                            None => {
                                let known: Vec<&str> =
                                    InspectionRules::KEYS.iter().map(|(n, _, _)| *n).collect();
                                self.unknown(k.span(), &key, &known);
                            }
                        }
                    }
                }
                "due_soon" => {
                    for (k, v) in t {
                        let key = format!("due_soon.{}", k.get_ref());
                        match k.get_ref().as_ref() {
                            "installment_days" => d.installment_window_days = self.days(&key, v, 1..367),
                            "maturity_days" => d.maturity_window_days = self.days(&key, v, 1..367),
                            _ => self.unknown(k.span(), &key, &["installment_days", "maturity_days"]),
                        }
                    }
                }
                _ => {
                    for (k, v) in t {
                        let key = format!("classification.{}", k.get_ref());
                        match (k.get_ref().as_ref(), v.get_ref()) {
                            ("bands", DeValue::String(s)) if s == "standard" => {
                                d.class_bands = Some(ClassBands::Standard)
                            }
                            ("bands", DeValue::String(s)) if s == "credit_card" => {
                                d.class_bands = Some(ClassBands::CreditCard)
                            }
                            ("bands", _) => self.errors.push(PolicyError::new(
                                v.span(),
                                key,
                                "use \"standard\" (2023 办法) or \"credit_card\"",
                            )),
                            _ => self.unknown(k.span(), &key, &["bands"]),
                        }
                    }
                }
            }
        }
        d
    }

    fn products(&mut self, t: Entries<'_, '_>, d: &mut Draft) {
        for (k, v) in t {
            let name = k.get_ref().as_ref();
            let key = format!("products.{name}");
            let Ok(product) = name.parse::<Product>() else {
                let known: Vec<&str> = Product::ALL.iter().map(|p| p.as_str()).collect();
                self.errors.push(PolicyError::new(
                    k.span(),
                    key,
                    format!("unknown product; use {}", known.join(", ")),
                ));
                continue;
            };
            if let Some(bands) = self.table(&key, v) {
                let read = self.bands(&key, bands, v.span(), &[]);
                d.products.push((product, key, read));
            }
        }
    }

    /// A value the file gives, else the base's; with no base, a missing key is an error.
    fn pick<T>(&mut self, key: &str, given: Option<T>, base: Option<T>) -> Option<T> {
        let v = given.or(base);
        if v.is_none() && !self.errors.iter().any(|e| e.key == key) {
            self.errors.push(PolicyError::new(0..0, key, "missing: the shipped policy gives every key"));
        }
        v
    }

    /// One table's bands over `base`, checked strictly increasing.
    fn resolve_bands(
        &mut self,
        section: &str,
        read: &BandsRead,
        base: Option<&StageBands>,
    ) -> Option<StageBands> {
        let base = base.map(days_of);
        let mut days = [0; 4];
        for (i, day) in days.iter_mut().enumerate() {
            let key = format!("{section}.{}", STAGE_KEYS[i]);
            *day = self.pick(&key, read.days[i].as_ref().map(|(n, _)| *n), base.map(|b| b[i]))?;
        }
        if let Some(i) = days.windows(2).position(|w| w[0] >= w[1]) {
            let (lo, hi) = (STAGE_KEYS[i], STAGE_KEYS[i + 1]);
            let at = read.days[i + 1].as_ref().map_or(read.span.clone(), |(_, span)| span.clone());
            self.errors.push(PolicyError::new(
                at,
                format!("{section}.{hi}"),
                format!(
                    "bands must increase: {hi} starts on day {}, not after {lo} (day {})",
                    days[i + 1],
                    days[i]
                ),
            ));
        }
        Some(bands_of(days))
    }

    /// The policy the file gives over `base`; products start from the file's own stage bands,
    /// wherever they stand in it.
    fn finish(&mut self, d: Draft, base: Option<&Policy>) -> Option<Policy> {
        let bands = self.resolve_bands("stages", &d.bands, base.map(|b| &b.bands));
        let mut products = BTreeMap::new();
        if let Some(bands) = &bands {
            for (product, key, read) in &d.products {
                if let Some(b) = self.resolve_bands(key, read, Some(bands)) {
                    products.insert(*product, b);
                }
            }
        }
        let guarantor_stage =
            self.pick("stages.guarantor_stage", d.guarantor_stage, base.map(|b| b.guarantor_stage));
        let promise_hold = self.pick("promise.hold", d.promise_hold, base.map(|b| b.promise_hold));
        let promise_grace_days =
            self.pick("promise.grace_days", d.promise_grace_days, base.map(|b| b.promise_grace_days));
        let promise_max_days =
            self.pick("promise.max_days", d.promise_max_days, base.map(|b| b.promise_max_days));
        let promise_min_hold_share = self.pick(
            "promise.min_hold_share",
            d.promise_min_hold_share,
            base.map(|b| b.promise_min_hold_share),
        );
        let plan_max_first_days =
            self.pick("plan.max_first_days", d.plan_max_first_days, base.map(|b| b.plan_max_first_days));
        let installment_window_days = self.pick(
            "due_soon.installment_days",
            d.installment_window_days,
            base.map(|b| b.installment_window_days),
        );
        let maturity_window_days =
            self.pick("due_soon.maturity_days", d.maturity_window_days, base.map(|b| b.maturity_window_days));
        let class_bands = self.pick("classification.bands", d.class_bands, base.map(|b| b.class_bands));
        let base_inspections = base.map(|b| b.inspections.values());
        let mut inspections = [0; InspectionRules::KEYS.len()];
        let mut all_given = true;
        for (i, (name, _, _)) in InspectionRules::KEYS.iter().enumerate() {
            match self.pick(&format!("inspections.{name}"), d.inspections[i], base_inspections.map(|b| b[i]))
            {
                Some(v) => inspections[i] = v,
                None => all_given = false,
            }
        }
        let mut read = d.warnings.unwrap_or_default();
        let warnings = read.finish_into(base.map(|b| &b.warnings), &mut self.errors);
        Some(Policy {
            warnings: warnings?,
            bands: bands?,
            products,
            guarantor_stage: guarantor_stage?,
            promise_hold: promise_hold?,
            promise_grace_days: promise_grace_days?,
            promise_max_days: promise_max_days?,
            promise_min_hold_share: promise_min_hold_share?,
            plan_max_first_days: plan_max_first_days?,
            installment_window_days: installment_window_days?,
            maturity_window_days: maturity_window_days?,
            class_bands: class_bands?,
            inspections: all_given.then(|| InspectionRules::from_values(inspections))?,
        })
    }
}

#[cfg(test)]
mod tests;
