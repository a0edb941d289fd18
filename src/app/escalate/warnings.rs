//! The run's early-warning pass (DOMAIN §9): opens each automatic signal on the first as-of date
//! its rule holds and closes it on the first it does not, a range of loans a transaction, so a
//! stopped pass is finished by the next and a second one for the date changes nothing. It reads
//! only the loans whose signals can change: the snapshot's rows with a payment rule holding (an
//! index of their own), the signals still open, and the loans each customer-wide rule holds
//! for, found from one pass over the active loans and the register and from the rules' windows.

use crate::store::Db;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::POLICY_ACTOR;
use crate::app::inspect::reschedule_customers;
use crate::app::{Desk, Result};
use crate::domain::policy::Policy;
use crate::domain::warning::customer::InspectionFacts;
use crate::domain::warning::{CustomerFacts, Level, SignalCode, WarningRules, customer_signals};
use crate::domain::{Money, PromiseStatus, dpd_on, promise_status};
use crate::store::{self, CustomerId, LoanId, StateAt};

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SignalCounts {
    pub opened: u64,
    pub closed: u64,
    pub watchlist_entered: u64,
    pub watchlist_left: u64,
}

/// Loan ids per transaction.
const SPAN: i64 = 20_000;

/// The last `n` month-ends on or before `on`, latest first.
pub fn month_ends(on: NaiveDate, n: usize) -> Vec<NaiveDate> {
    let first = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let mut end = if (on + Duration::days(1)).day() == 1 { on } else { first(on) - Duration::days(1) };
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(end);
        end = first(end) - Duration::days(1);
    }
    out
}

/// Every active loan, and the exposure facts of the customers the large-exposure and collateral
/// rules can hold for: the outstanding principal of those that reach the large exposure, with the
/// cover of those with collateral valued. Two passes (the snapshot's active rows, the register)
/// instead of queries per customer, which took seconds on a large book.
fn exposure_facts<'a>(
    conn: impl Into<Db<'a>>,
    w: &WarningRules,
) -> Result<(Vec<store::ActiveLoan>, BTreeMap<CustomerId, CustomerFacts>)> {
    let conn = conn.into();
    let loans = store::active_loans(conn)?;
    let mut owed: HashMap<CustomerId, Money> = HashMap::new();
    for l in &loans {
        *owed.entry(l.customer).or_default() += l.outstanding;
    }
    let mut facts: BTreeMap<CustomerId, CustomerFacts> = BTreeMap::new();
    for (c, o) in &owed {
        if *o >= w.large_exposure() {
            facts.entry(*c).or_default().outstanding = *o;
        }
    }
    for cover in store::collateral_cover(conn)? {
        let f = facts.entry(cover.customer).or_default();
        f.outstanding = owed.get(&cover.customer).copied().unwrap_or_default();
        f.collateral = Some((cover.value, cover.valued_on, cover.insured_until));
    }
    Ok((loans, facts))
}

/// The customer-wide and inspection rules that hold on `as_of`, by loan (active loans only).
fn customer_bits<'a>(
    conn: impl Into<Db<'a>>,
    policy: &Policy,
    as_of: NaiveDate,
) -> Result<BTreeMap<LoanId, u32>> {
    let conn = conn.into();
    let mut bits = customer_facts_bits(conn, policy, as_of)?;
    inspection_overdue_bits(conn, policy, as_of, &mut bits)?;
    Ok(bits)
}

/// The customer-wide rules and the latest risk inspection's, by loan (active loans only): all
/// `customer_bits` reads but the inspection schedule. They read the snapshot's active loans, the
/// collateral register, promises, payments, calls and inspections, none of which a run's class
/// changes, moves and notices write, so a run reads them beside those phases once it has rolled.
pub(super) fn customer_facts_bits<'a>(
    conn: impl Into<Db<'a>>,
    policy: &Policy,
    as_of: NaiveDate,
) -> Result<BTreeMap<LoanId, u32>> {
    let conn = conn.into();
    let w = &policy.warnings;
    let (loans, mut facts) = exposure_facts(conn, w)?;
    let grace = policy.promise_grace_days;
    let [count, days] = w.get(SignalCode::BrokenPromises).params;
    let (from, to) = (as_of - Duration::days(days + grace), as_of - Duration::days(grace + 1));
    // A customer with fewer promises due in the window than the rule counts cannot reach it:
    // their payments are not read.
    let customer_of =
        |loan: LoanId| loans.binary_search_by_key(&loan, |l| l.loan).ok().map(|i| loans[i].customer);
    let due = store::promises_due_between(conn, from, to, &customer_of)?;
    let enough =
        due.chunk_by(|a, b| a.1 == b.1).filter(|p| i64::try_from(p.len()).unwrap_or(i64::MAX) >= count);
    let enough: Vec<_> = enough.flatten().copied().collect();
    let mut promised: Vec<LoanId> = enough.iter().map(|p| p.0).collect();
    promised.sort_unstable();
    promised.dedup();
    let paid = store::paid_of_loans(conn, &promised)?;
    for &(loan, c, amount, made, due) in &enough {
        let pays = paid.get(&loan).map_or(&[][..], Vec::as_slice);
        if promise_status(made, due, amount, pays, as_of, grace) == PromiseStatus::Broken {
            facts.entry(c).or_default().promises_broken_on.push(due + Duration::days(grace + 1));
        }
    }
    let [attempts, days] = w.get(SignalCode::Unreachable).params;
    let since = (as_of - Duration::days(days - 1)).to_string();
    let called = store::customers_called_since(conn, &since, attempts)?;
    let mut calls_of = store::last_calls_of(conn, &called, attempts)?;
    for c in called {
        let calls = calls_of.remove(&c).unwrap_or_default();
        let f = facts.entry(c).or_default();
        f.last_calls = calls
            .into_iter()
            .filter_map(|(at, outcome)| Some((crate::domain::parse_date(at.get(..10)?).ok()?, outcome)))
            .collect();
    }
    let mut bits: BTreeMap<LoanId, u32> = BTreeMap::new();
    for l in &loans {
        let Some(f) = facts.get(&l.customer) else { continue };
        let b = customer_signals(f, InspectionFacts::default(), dpd_on(l.overdue_since, as_of), as_of, w);
        if b != 0 {
            *bits.entry(l.loan).or_default() |= b;
        }
    }
    for loan in store::active_loans_latest_risk(conn)? {
        *bits.entry(loan).or_default() |= SignalCode::InspectionRisk.bit();
    }
    Ok(bits)
}

/// Sets the inspection-overdue rule's bit in `bits` where it holds now, and clears it elsewhere:
/// of the rules `customer_bits` reads, the only one a pass's own writes move (a watchlist entry
/// or a special inspection reschedules).
fn inspection_overdue_bits<'a>(
    conn: impl Into<Db<'a>>,
    policy: &Policy,
    as_of: NaiveDate,
    bits: &mut BTreeMap<LoanId, u32>,
) -> Result<()> {
    let conn = conn.into();
    let bit = SignalCode::InspectionOverdue.bit();
    for b in bits.values_mut() {
        *b &= !bit;
    }
    let grace = policy.warnings.get(SignalCode::InspectionOverdue).params[0];
    for loan in store::loans_due_before(conn, as_of - Duration::days(grace))? {
        *bits.entry(loan).or_default() |= bit;
    }
    Ok(())
}

impl SignalCounts {
    fn add(&mut self, o: SignalCounts) {
        self.opened += o.opened;
        self.closed += o.closed;
        self.watchlist_entered += o.watchlist_entered;
        self.watchlist_left += o.watchlist_left;
    }
}

/// What a pass decides with.
struct Pass<'a> {
    policy: &'a Policy,
    as_of: NaiveDate,
    at: &'a str,
    on_bits: u32,
    book: StateAt,
}

impl Pass<'_> {
    /// Opens and closes the signals of the loans in [from, to) (of `only`, when given), in the
    /// caller's transaction; what it did and the customers it put on the watchlist.
    fn reconcile<'a>(
        &self,
        tx: impl Into<Db<'a>>,
        from: i64,
        to: i64,
        extra: &BTreeMap<LoanId, u32>,
        only: Option<&BTreeSet<LoanId>>,
    ) -> Result<(SignalCounts, Vec<CustomerId>)> {
        let tx = tx.into();
        let (w, as_of) = (&self.policy.warnings, self.as_of);
        let wanted = |l: &LoanId| only.is_none_or(|o| o.contains(l));
        let mut c = SignalCounts::default();
        let (open, rows) = match only {
            Some(only) => store::rules_and_rows_of(tx, only)?,
            None => (store::open_rules_in(tx, from, to)?, store::warn_rows_in(tx, from, to)?),
        };
        let mut target: BTreeMap<LoanId, u32> = rows.into_iter().collect();
        for (loan, b) in extra.range(LoanId(from)..LoanId(to)).filter(|(l, _)| wanted(l)) {
            *target.entry(*loan).or_default() |= b;
        }
        for b in target.values_mut() {
            *b &= self.on_bits;
        }
        for (id, loan, code) in open {
            match target.get_mut(&loan) {
                Some(b) if *b & code.bit() != 0 => *b &= !code.bit(),
                _ => {
                    store::close_signal(tx, id, as_of, POLICY_ACTOR, "condition cleared")?;
                    c.closed += 1;
                }
            }
        }
        let (mut watched, mut opened, mut specials) = (Vec::new(), Vec::new(), Vec::new());
        for (loan, b) in target {
            for code in SignalCode::of_bits(b) {
                let level = w.get(code).level;
                let s = store::NewSignal {
                    loan,
                    code,
                    category: None,
                    level,
                    raised_on: as_of,
                    raised_by: POLICY_ACTOR,
                    note: None,
                    at: self.at,
                };
                opened.push(s);
                if level.rank() >= Level::Orange.rank() {
                    specials.push((loan, format!("signal {code}")));
                }
                if level == Level::Red
                    && let Some(l) = store::loan_by_id(tx, loan)?
                    && store::enter_watchlist(
                        tx,
                        l.customer_id,
                        as_of,
                        POLICY_ACTOR,
                        &format!("red signal {code}"),
                        self.at,
                    )?
                {
                    c.watchlist_entered += 1;
                    watched.push(l.customer_id);
                }
            }
        }
        // The signals and the special inspections they ask for, together (on the server a
        // statement each, not a round trip a signal).
        store::open_signals(tx, &opened)?;
        c.opened += opened.len() as u64;
        store::put_specials(tx, &specials, self.policy.inspections.special_due(as_of), as_of)?;
        reschedule_customers(tx, &watched, &self.policy.inspections, &self.book)?;
        Ok((c, watched))
    }
}

impl Desk {
    /// Opens and closes the automatic signals for the desk's date on the shared snapshot (rolled
    /// to that date by the caller), then the watchlist's automatic entries and exits.
    /// `progress` gets the loans' ids passed after each range commits.
    pub(crate) fn warnings_pass(
        &mut self,
        policy: &Policy,
        progress: &mut dyn FnMut(u64),
    ) -> Result<SignalCounts> {
        self.warnings_in_spans(policy, SPAN, None, progress)
    }

    /// The pass with the customer facts already read (`customer_facts_bits` for the desk's date,
    /// on the snapshot rolled to it), if they were.
    pub(super) fn warnings_pass_with(
        &mut self,
        policy: &Policy,
        facts: Option<BTreeMap<LoanId, u32>>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<SignalCounts> {
        self.warnings_in_spans(policy, SPAN, facts, progress)
    }

    fn warnings_in_spans(
        &mut self,
        policy: &Policy,
        span: i64,
        facts: Option<BTreeMap<LoanId, u32>>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<SignalCounts> {
        let (as_of, at) = (self.as_of, self.stamp());
        let rules = policy.assess_rules(self.rules.penalty_uplift_pct);
        let w = policy.warnings;
        let on_bits: u32 =
            SignalCode::automatic().filter(|c| w.get(*c).on).map(SignalCode::bit).fold(0, |a, b| a | b);
        let mut extra = match facts {
            Some(mut bits) => {
                inspection_overdue_bits(self.store.db(), policy, as_of, &mut bits)?;
                bits
            }
            None => customer_bits(self.store.db(), policy, as_of)?,
        };
        let end = store::last_loan(self.store.db())?.max(store::last_open_rule_loan(self.store.db())?);
        let pass = Pass { policy, as_of, at: &at, on_bits, book: StateAt::shared(as_of, rules) };
        let mut counts = SignalCounts::default();
        let mut moved: Vec<CustomerId> = Vec::new();
        let mut from = 1i64;
        while from <= end {
            let to = from + span;
            let (done, watched) = self.store.write(|tx| pass.reconcile(tx, from, to, &extra, None))?;
            counts.add(done);
            moved.extend(watched);
            from = to;
            progress(u64::try_from(from - 1).unwrap_or(0));
        }
        let (month_rule, left) = self.store.write(|tx| -> Result<(SignalCounts, Vec<CustomerId>)> {
            let mut c = SignalCounts::default();
            for id in store::open_manual_on_inactive(tx)? {
                c.closed += u64::from(store::close_signal(tx, id, as_of, POLICY_ACTOR, "loan closed")?);
            }
            // 连续三个月: a signal open at each of the last three month-ends.
            let ends = month_ends(as_of, 3);
            let mut three: Option<Vec<CustomerId>> = None;
            for m in &ends {
                let open = store::customers_open_at(tx, *m)?;
                three = Some(match three {
                    None => open,
                    Some(prev) => prev.into_iter().filter(|c| open.binary_search(c).is_ok()).collect(),
                });
            }
            let mut moved = Vec::new();
            for customer in three.unwrap_or_default() {
                if store::enter_watchlist(
                    tx,
                    customer,
                    as_of,
                    POLICY_ACTOR,
                    "a signal open at three month-ends",
                    &at,
                )? {
                    c.watchlist_entered += 1;
                    moved.push(customer);
                }
            }
            for customer in store::watched_without_active(tx)? {
                if store::leave_watchlist(
                    tx,
                    customer,
                    as_of,
                    POLICY_ACTOR,
                    "every loan closed or written off",
                )? {
                    c.watchlist_left += 1;
                    moved.push(customer);
                }
            }
            reschedule_customers(tx, &moved, &policy.inspections, &StateAt::shared(as_of, rules))?;
            Ok((c, moved))
        })?;
        counts.add(month_rule);
        moved.extend(left);
        // A customer who entered or left the watchlist has their next inspections moved, which may
        // make one overdue (or not): their loans are looked at again, so one pass is the fixed
        // point a second would find, stopped or not.
        if !moved.is_empty() {
            let only: BTreeSet<LoanId> = moved
                .iter()
                .map(|c| store::active_loans_of(self.store.db(), *c))
                .collect::<std::result::Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .map(|(l, _)| l)
                .collect();
            // The other rules read what the pass does not write: only the schedule moved.
            inspection_overdue_bits(self.store.db(), policy, as_of, &mut extra)?;
            let (done, _) = self.store.write(|tx| pass.reconcile(tx, 1, end + 1, &extra, Some(&only)))?;
            counts.add(done);
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_desk() -> Desk {
        let mut d = super::super::tests::demo_book();
        d.escalate(&Policy::default(), false, &mut |_, _| {}).expect("the day's run");
        super::super::tests::on_day(&mut d, "2026-04-20");
        let rules = d.rules;
        d.store.roll_to(d.as_of, &rules, &mut |_, _| {}).expect("roll");
        d
    }

    /// Every signal as it stands: loan, code, level, dates, who closed it.
    fn signals(d: &Desk) -> Vec<String> {
        let conn = d.store.conn();
        let mut stmt = conn
            .prepare("SELECT loan_id, code, level, raised_on, closed_on, closed_by FROM signals ORDER BY loan_id, code, raised_on")
            .expect("prepare");
        stmt.query_map([], |r| {
            Ok(format!(
                "{} {} {} {} {:?} {:?}",
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?
            ))
        })
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
    }

    #[test]
    fn a_pass_stopped_between_ranges_is_finished_by_the_next_and_a_second_changes_nothing() {
        let policy = Policy::default();
        let mut whole = demo_desk();
        let once = whole.warnings_in_spans(&policy, 50, None, &mut |_| {}).expect("pass");
        assert!(once.opened > 0 && once.closed > 0, "{once:?}");

        let mut cut = demo_desk();
        let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            cut.warnings_in_spans(&policy, 50, None, &mut |n| assert!(n < 150, "killed"))
        }));
        assert!(stopped.is_err());
        assert_ne!(signals(&cut), signals(&whole), "some ranges were left to do");
        let rest = cut.warnings_in_spans(&policy, 50, None, &mut |_| {}).expect("rerun");
        assert!(rest.opened + rest.closed < once.opened + once.closed, "{rest:?}");
        let (a, b) = (signals(&cut), signals(&whole));
        let only_cut: Vec<&String> = a.iter().filter(|s| !b.contains(s)).collect();
        let only_whole: Vec<&String> = b.iter().filter(|s| !a.contains(s)).collect();
        assert_eq!((only_cut, only_whole), (vec![], vec![]), "the same signals as an uninterrupted pass");
        let again = cut.warnings_pass(&policy, &mut |_| {}).expect("again");
        assert_eq!((again.opened, again.closed), (0, 0), "{again:?}");
    }

    /// The exposure facts read one customer at a time from the register and the snapshot.
    fn exposure_one_by_one(d: &Desk, w: &WarningRules) -> BTreeMap<CustomerId, CustomerFacts> {
        use crate::domain::collateral::CollateralStatus;
        let conn = d.store.conn();
        let mut stmt = conn.prepare("SELECT id FROM customers ORDER BY id").expect("customers");
        let customers: Vec<CustomerId> =
            stmt.query_map([], |r| r.get(0)).expect("rows").map(|r| r.expect("row")).collect();
        let mut out = BTreeMap::new();
        for c in customers {
            let owed = store::customer_outstanding(conn, c).expect("owed");
            let active = !store::active_loans_of(conn, c).expect("loans").is_empty();
            let mut f = CustomerFacts::default();
            let mut any = false;
            if active && owed >= w.large_exposure() {
                (f.outstanding, any) = (owed, true);
            }
            let items = store::items_of(conn, c).expect("items");
            let held: Vec<_> =
                items.iter().filter(|i| i.status == CollateralStatus::Held && i.value.is_some()).collect();
            if let Some(valued_on) = held.iter().filter_map(|i| i.valued_on).min() {
                let value = held.iter().filter_map(|i| i.value).sum();
                let insured = items.iter().filter_map(|i| i.insured_until).min();
                (f.outstanding, f.collateral, any) = (owed, Some((value, valued_on, insured)), true);
            }
            if any {
                out.insert(c, f);
            }
        }
        out
    }

    #[test]
    fn the_exposure_facts_of_two_passes_equal_each_customers_own() {
        let policy = Policy::default();
        let d = demo_desk();
        let conn = d.store.conn();
        // Items released, with several valuations, and insured, so each part of the cover counts.
        conn.execute_batch(
            "UPDATE collateral_items SET status = 'released' WHERE id % 7 = 0;
             UPDATE collateral_items SET insured_until = '2026-05-01' WHERE id % 5 = 0;
             INSERT INTO collateral_valuations (item_id, amount_cents, valued_on, valuer, created_at)
               SELECT id, 12345600, '2026-04-01', 'x', '2026-04-01T10:00:00+08:00' FROM collateral_items
               WHERE id % 3 = 0;",
        )
        .expect("register");
        let (_, facts) = exposure_facts(conn, &policy.warnings).expect("facts");
        let want = exposure_one_by_one(&d, &policy.warnings);
        assert!(want.values().filter(|f| f.collateral.is_some()).count() > 20, "{}", want.len());
        assert!(want.values().any(|f| f.collateral.is_none()), "a large exposure without collateral");
        assert_eq!(facts, want);
        // And with the large exposure low enough to take most customers.
        let mut low = policy.warnings;
        let large =
            SignalCode::automatic().position(|c| c == SignalCode::LargeExposureOverdue).expect("rule");
        low.rules[large].params[0] = 1_000;
        let (_, facts) = exposure_facts(d.store.conn(), &low).expect("facts");
        let want = exposure_one_by_one(&d, &low);
        assert!(want.len() > 250, "{}", want.len());
        assert_eq!(facts, want);
    }

    #[test]
    fn the_loans_of_a_latest_risk_inspection_are_the_active_ones_whose_latest_reads_risk() {
        use crate::domain::inspection::Conclusion;
        let d = demo_desk();
        let conn = d.store.conn();
        // A later inspection that is not risk on some loans, a correction of a risk one on others.
        let copy = "INSERT INTO inspections (loan_id, kind, mode, done_on, funds, business, collateral, guarantor, \
             findings, conclusion, corrects_id, recorded_on, review_due, created_at) \
             SELECT loan_id, kind, mode, {done}, funds, business, collateral, guarantor, findings, {conclusion}, \
             {corrects}, recorded_on, review_due, created_at FROM inspections WHERE conclusion = 'risk' AND {which}";
        for (done, conclusion, corrects, which) in [
            ("date(done_on, '+1 day')", "'normal'", "NULL", "id % 3 = 0"),
            ("date(done_on, '-1 day')", "'concern'", "id", "id % 3 = 1"),
            ("date(done_on, '+2 day')", "'risk'", "NULL", "loan_id % 4 = 0"),
        ] {
            let sql = copy
                .replace("{done}", done)
                .replace("{conclusion}", conclusion)
                .replace("{corrects}", corrects)
                .replace("{which}", which);
            conn.execute(&sql, []).expect("inspection");
        }
        // Closed loans whose latest inspection reads risk.
        conn.execute(
            "UPDATE loan_state SET status = 'closed' WHERE loan_id IN \
             (SELECT loan_id FROM inspections WHERE conclusion = 'risk' AND loan_id % 4 = 0 LIMIT 3)",
            [],
        )
        .expect("close");
        let mut stmt =
            conn.prepare("SELECT DISTINCT loan_id FROM inspections ORDER BY loan_id").expect("loans");
        let inspected: Vec<LoanId> =
            stmt.query_map([], |r| r.get(0)).expect("rows").map(|r| r.expect("row")).collect();
        let want: Vec<LoanId> = inspected
            .into_iter()
            .filter(|l| {
                let active = store::active_loans_of(
                    conn,
                    store::loan_by_id(conn, *l).expect("loan").expect("loan").customer_id,
                )
                .expect("active")
                .iter()
                .any(|(a, _)| a == l);
                active && store::latest_conclusion(conn, *l).expect("latest") == Some(Conclusion::Risk)
            })
            .collect();
        assert!(want.len() > 5, "{}", want.len());
        assert_eq!(store::active_loans_latest_risk(conn).expect("risk"), want);
    }

    #[test]
    fn the_promises_of_the_window_are_each_customers_whether_or_not_their_loan_is_active() {
        let d = demo_desk();
        let conn = d.store.conn();
        // Some promised loans closed since: their customers are looked up, not taken from memory.
        conn.execute(
            "UPDATE loan_state SET status = 'closed' WHERE loan_id IN (SELECT loan_id FROM promises WHERE id % 4 = 0)",
            [],
        )
        .expect("close");
        let day = |s: &str| crate::domain::parse_date(s).expect("date");
        let (from, to) = (day("2025-06-01"), day("2026-04-20"));
        let loans = store::active_loans(conn).expect("loans");
        let customer_of =
            |loan: LoanId| loans.binary_search_by_key(&loan, |l| l.loan).ok().map(|i| loans[i].customer);
        let got = store::promises_due_between(conn, from, to, &customer_of).expect("promises");
        let mut stmt = conn
            .prepare(
                "SELECT p.loan_id, l.customer_id, p.amount_cents, p.made_on, p.due_on FROM promises p \
                 JOIN loans l ON l.id = p.loan_id WHERE p.due_on BETWEEN ?1 AND ?2 ORDER BY l.customer_id, p.id",
            )
            .expect("query");
        let want: Vec<store::PromiseDue> = stmt
            .query_map([from.to_string(), to.to_string()], |r| {
                let day = |s: String| crate::domain::parse_date(&s).expect("date");
                Ok((r.get(0)?, r.get(1)?, Money::from_cents(r.get(2)?), day(r.get(3)?), day(r.get(4)?)))
            })
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert!(want.len() > 20, "{}", want.len());
        assert!(want.iter().any(|p| customer_of(p.0).is_none()), "a promise on a loan closed since");
        assert_eq!(got, want);
    }

    #[test]
    fn the_last_three_month_ends() {
        let d = |s: &str| crate::domain::parse_date(s).expect("date");
        assert_eq!(month_ends(d("2026-03-15"), 3), [d("2026-02-28"), d("2026-01-31"), d("2025-12-31")]);
        assert_eq!(month_ends(d("2026-03-31"), 3), [d("2026-03-31"), d("2026-02-28"), d("2026-01-31")]);
    }
}
