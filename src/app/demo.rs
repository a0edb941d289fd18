//! The demo book (`duedesk demo`): a realistic, clearly fictional loan book for trying the desk.
//!
//! Deterministic: the same seed, number of loans and as-of date give the same book, byte for byte
//! (a small splitmix64 generator; the clock is the desk's, never the wall clock). The book is
//! built relative to the desk's as-of date: for each loan a target position is drawn (current,
//! closed, or a days-past-due band), the disbursement date is chosen so that the oldest unpaid
//! installment falls due that many days before the as-of date, and payments cover the
//! installments before it. The real position is then assessed with the domain rules and the
//! loan is placed in the stage the default escalation bands give.
//!
//! Loans are generated and written one by one in a single transaction, so memory stays flat on
//! any size of book; the snapshot (`loan_state`) is refreshed at the end.

use std::borrow::Cow;

use chrono::{Datelike, Duration, Months, NaiveDate};
use rusqlite::Connection;

use super::{AppError, Desk, Result};
use crate::domain::{
    AssessRules, Assessment, Channel, Direction, DueSoonKind, Installment, LoanTerms, Money, Outcome, Party,
    Payment, Product, Rate, Role, Stage, StageBands, assess, build_schedule, is_secured,
};
use crate::store::{self, CustomerId, NewContact, NewLoan, StageEvent, StateTable, UserId};

/// What the demo generator wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub loans: u64,
    pub customers: u64,
    pub payments: u64,
    pub contacts: u64,
    /// The demo desk users: the supervisor first, then the collectors.
    pub users: Vec<String>,
}

pub const DEFAULT_LOANS: u64 = 2_000;
/// Loan references have eight digits.
pub const MAX_LOANS: u64 = 10_000_000;

/// Fills an empty store with a demo book of `loans` loans, as of the desk's date.
///
/// `progress` gets the number of loans written so far (every 10,000), then the number of loans
/// assessed for the snapshot (every 10,000 again). Refuses a store that holds any loan.
pub fn generate(desk: &mut Desk, loans: u64, seed: u64, progress: &mut dyn FnMut(u64)) -> Result<DemoReport> {
    if loans == 0 || loans > MAX_LOANS {
        return Err(AppError::Input(format!("--loans must be between 1 and {MAX_LOANS}, not {loans}")));
    }
    // The login that creates a store is its admin; on a store with users, only an admin fills it.
    desk.actor.require(crate::domain::Role::Admin, "loading the demo book")?;
    let label = desk.store.label().to_string();
    let ctx = Ctx {
        as_of: desk.as_of,
        stamp: desk.stamp(),
        offset: desk.now.offset().to_string(),
        login: desk.actor.login.clone(),
        rules: desk.rules,
    };
    desk.store.write_load(|tx| -> Result<DemoReport> {
        let held = store::loan_count(tx)?;
        if held > 0 {
            return Err(AppError::Input(format!(
                "the store at {label} already holds {held} loans; the demo needs an empty store — use another --db"
            )));
        }
        let team = Team::create(tx, &ctx.stamp)?;
        let mut g = Generator { rng: Rng::new(seed), ctx, team, counts: Counts::default() };
        let mut done = 0u64;
        while done < loans {
            let mut customer = g.customer();
            let n = g.loans_per_customer().min(loans - done);
            for _ in 0..n {
                done += 1;
                g.loan(tx, &mut customer, done)?;
                if done.is_multiple_of(10_000) {
                    progress(done);
                }
            }
        }
        if !done.is_multiple_of(10_000) {
            progress(done);
        }
        store::setting_set(tx, "trust_env_user", "true")?;
        store::setting_set(tx, "demo", "true")?;
        store::refresh_all(tx, StateTable::Shared, g.ctx.as_of, &g.ctx.rules, progress)?;
        let users = g.team.logins();
        let detail = serde_json::json!({
            "loans": done,
            "seed": seed,
            "as_of": g.ctx.as_of.to_string(),
            "customers": g.counts.customers,
            "payments": g.counts.payments,
            "contacts": g.counts.contacts,
            "users": users,
        });
        store::insert_audit(tx, &g.ctx.stamp, &g.ctx.login, "demo", "store", None, &detail.to_string())?;
        Ok(DemoReport {
            loans: done,
            customers: g.counts.customers,
            payments: g.counts.payments,
            contacts: g.counts.contacts,
            users,
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// splitmix64: small, fast and good enough for fiction; the same seed always gives the same book.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // Mixed with a constant so that seeds 0, 1, 2 … start far apart.
        Rng(seed ^ 0x6475_6564_6573_6b21)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`; `lo` when the range is empty.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { lo + self.below((hi - lo + 1) as u64) as i64 }
    }

    /// True with `pct` per cent probability.
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// One of `items`, by integer weight.
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut r = self.below(total);
        for (item, w) in items {
            if r < u64::from(*w) {
                return *item;
            }
            r -= u64::from(*w);
        }
        items[items.len() - 1].0
    }
}

// ---------------------------------------------------------------------------------------------
// Fiction: people, places, collateral

const SUPERVISOR: (&str, &str) = ("zhao.min", "赵敏");
const COLLECTORS: [(&str, &str); 8] = [
    ("wang.fang", "王芳"),
    ("li.qiang", "李强"),
    ("chen.jing", "陈静"),
    ("liu.yang", "刘洋"),
    ("zhou.lei", "周磊"),
    ("sun.li", "孙丽"),
    ("hu.bin", "胡斌"),
    ("xu.na", "徐娜"),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚",
    "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "方", "白", "邹",
    "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛",
    "郝", "龚", "邵", "万", "钱", "严", "武", "戴", "莫", "孔", "汤", "欧阳", "司马",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "霞", "平", "刚", "辉", "玲", "华", "飞", "鑫", "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "旭",
    "宁", "龙", "林", "欣", "婷", "雪", "琳", "晨", "阳", "佳", "嘉", "子", "梓", "轩", "涵", "怡", "萱",
    "博", "文", "颖", "慧", "倩", "红", "建", "国", "志", "海", "燕", "亮", "峰", "秀", "英", "兰", "桂",
    "春", "梅", "晓", "丹",
];

const LATIN_FIRST: &[&str] = &[
    "Maria", "John", "David", "Anna", "Michael", "Emily", "Kevin", "Grace", "Daniel", "Sophie", "Peter",
    "Linda", "James", "Olivia", "Thomas", "Helen",
];
const LATIN_LAST: &[&str] =
    &["Chen", "Smith", "Wong", "Lee", "Garcia", "Brown", "Tan", "Lim", "Nguyen", "Johnson", "Kim", "Martin"];
const PINYIN_SURNAMES: &[&str] =
    &["Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"];
const PINYIN_GIVEN: &[&str] =
    &["Wei", "Fang", "Min", "Jing", "Lei", "Yang", "Na", "Qiang", "Jun", "Hui", "Xin"];

/// A branch: its name, the province abbreviation, a plate prefix and a district for title deeds.
#[derive(Debug, Clone, Copy)]
struct Branch {
    name: &'static str,
    province: &'static str,
    plate: &'static str,
    district: &'static str,
}

const BRANCHES: &[Branch] = &[
    Branch { name: "上海浦东支行", province: "沪", plate: "沪A", district: "浦" },
    Branch { name: "北京朝阳支行", province: "京", plate: "京N", district: "朝" },
    Branch { name: "深圳南山支行", province: "粤", plate: "粤B", district: "南" },
    Branch { name: "广州天河支行", province: "粤", plate: "粤A", district: "天" },
    Branch { name: "杭州西湖支行", province: "浙", plate: "浙A", district: "西" },
    Branch { name: "成都高新支行", province: "川", plate: "川A", district: "高" },
    Branch { name: "南京鼓楼支行", province: "苏", plate: "苏A", district: "鼓" },
    Branch { name: "武汉江汉支行", province: "鄂", plate: "鄂A", district: "江" },
];

const AGENCIES: &[&str] = &["某某资产管理有限公司", "某某信用管理有限公司"];

const PLATE_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn chinese_name(rng: &mut Rng) -> String {
    let mut name = String::from(rng.pick(SURNAMES));
    name.push_str(rng.pick(GIVEN));
    if rng.chance(65) {
        name.push_str(rng.pick(GIVEN));
    }
    name
}

fn person_name(rng: &mut Rng) -> String {
    if rng.chance(95) {
        chinese_name(rng)
    } else if rng.chance(40) {
        format!("{} {}", rng.pick(PINYIN_SURNAMES), rng.pick(PINYIN_GIVEN))
    } else {
        format!("{} {}", rng.pick(LATIN_FIRST), rng.pick(LATIN_LAST))
    }
}

/// Mobile number segments in use on the mainland (1[3-9]x).
const MOBILE_PREFIXES: &[u16] = &[
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 147, 150, 151, 152, 153, 155, 156, 157, 158, 159,
    166, 170, 171, 173, 175, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 195, 198,
    199,
];

/// A mainland mobile number, `1[3-9]x xxxx xxxx` written as 11 digits, sometimes with `+86`.
fn mobile(rng: &mut Rng) -> String {
    let prefix = rng.pick(MOBILE_PREFIXES);
    let rest = rng.below(100_000_000);
    if rng.chance(10) { format!("+86{prefix}{rest:08}") } else { format!("{prefix}{rest:08}") }
}

fn property(rng: &mut Rng, branch: &Branch, year: i32) -> String {
    format!("房产 {}({}){}字第{:07}号", branch.province, year, branch.district, rng.below(10_000_000))
}

fn vehicle(rng: &mut Rng, branch: &Branch) -> String {
    let mut plate = String::from(branch.plate);
    plate.push('·');
    for i in 0..5 {
        let c = if i == 0 && rng.chance(30) {
            PLATE_CHARS[10 + rng.below(PLATE_CHARS.len() as u64 - 10) as usize]
        } else {
            PLATE_CHARS[rng.below(10) as usize]
        };
        plate.push(char::from(c));
    }
    format!("车辆 {plate}")
}

// ---------------------------------------------------------------------------------------------
// Loans and their histories

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Consumer,
    Car,
    Business,
    Mortgage,
}

/// The position a loan is built to be in as of the desk's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Current,
    Closed,
    /// Days past due.
    Late(i64),
}

fn pick_target(rng: &mut Rng) -> Target {
    // Per mille: 55 % current, 10 % closed, the rest across the DPD bands.
    let band = rng.weighted(&[
        (0u8, 550),
        (1, 100),
        (2, 100),
        (3, 60),
        (4, 40),
        (5, 30),
        (6, 25),
        (7, 20),
        (8, 30),
        (9, 20),
        (10, 25),
    ]);
    let (lo, hi) = match band {
        0 => return Target::Current,
        1 => return Target::Closed,
        2 => (1, 30),
        3 => (31, 60),
        4 => (61, 90),
        5 => (91, 120),
        6 => (121, 150),
        7 => (151, 180),
        8 => (181, 270),
        9 => (271, 360),
        _ => (361, 730),
    };
    Target::Late(rng.range(lo, hi))
}

fn pick_kind(rng: &mut Rng, target: Target) -> Kind {
    if target == Target::Closed {
        // Closed loans are short ones that matured or were paid off early.
        rng.weighted(&[(Kind::Consumer, 70), (Kind::Car, 15), (Kind::Business, 15)])
    } else {
        rng.weighted(&[(Kind::Consumer, 58), (Kind::Car, 12), (Kind::Business, 12), (Kind::Mortgage, 18)])
    }
}

/// Product, term, principal and rate of a loan of this kind (the disbursement date comes later).
fn contract(rng: &mut Rng, kind: Kind) -> (Product, u32, Money, Rate) {
    let yuan = |v: i64| Money::from_cents(v * 100);
    let pct = |lo: i64, hi: i64, rng: &mut Rng| Rate::from_e4(rng.range(lo, hi) * 100);
    match kind {
        Kind::Consumer => {
            let product = if rng.chance(80) { Product::Annuity } else { Product::EqualPrincipal };
            let n = rng.pick(&[3, 6, 6, 12, 12, 12, 18, 24, 24, 36, 36]);
            let principal = match rng.below(100) {
                0..50 => rng.range(10, 100),
                50..85 => rng.range(100, 300),
                _ => rng.range(300, 500),
            } * 100;
            (product, n, yuan(principal), pct(700, 2400, rng))
        }
        Kind::Car => {
            let product = if rng.chance(75) { Product::Annuity } else { Product::EqualPrincipal };
            let n = rng.pick(&[24, 36, 36, 48, 60]);
            (product, n, yuan(rng.range(50, 300) * 1_000), pct(350, 890, rng))
        }
        Kind::Business => {
            let product = if rng.chance(55) { Product::InterestOnly } else { Product::Bullet };
            let n = rng.pick(&[6, 12, 12, 18, 24, 36]);
            let principal = if rng.chance(70) { rng.range(5, 50) } else { rng.range(50, 200) } * 10_000;
            (product, n, yuan(principal), pct(385, 1200, rng))
        }
        Kind::Mortgage => {
            let product = if rng.chance(70) { Product::Annuity } else { Product::EqualPrincipal };
            let n = rng.pick(&[120, 180, 240, 240, 300, 360, 360]);
            (product, n, yuan(rng.range(30, 300) * 10_000), pct(310, 490, rng))
        }
    }
}

/// How many installments may have fallen due: long loans are at most ten years old.
fn elapsed_cap(kind: Kind, n: u32) -> u64 {
    u64::from(if kind == Kind::Mortgage { n.min(120) } else { n })
}

fn days(d: NaiveDate, n: i64) -> NaiveDate {
    d + Duration::days(n)
}

fn months_before(d: NaiveDate, k: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(k)).unwrap_or(NaiveDate::MIN)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PayRef {
    Opening,
    Installment(u32),
    Partial(u32),
    Payoff,
}

#[derive(Debug, Clone, Copy)]
struct Pay {
    on: NaiveDate,
    amount: Money,
    reference: PayRef,
}

/// A promise to pay that a generated payment keeps.
#[derive(Debug, Clone, Copy)]
struct KeptPromise {
    made_on: NaiveDate,
    due_on: NaiveDate,
    amount: Money,
    paid_on: NaiveDate,
}

struct Plan {
    terms: LoanTerms,
    schedule: Vec<Installment>,
    pays: Vec<Pay>,
    kept: Option<KeptPromise>,
}

/// Pays installments `1..=paid` on or near their due dates: everything older than the last twelve
/// as one opening-balance payment, then one payment a month, sometimes early or late, now and
/// then split in two. The last one is `last_late` days late when given. Never after `as_of`.
fn pay_history(
    rng: &mut Rng,
    schedule: &[Installment],
    paid: usize,
    d0: NaiveDate,
    as_of: NaiveDate,
    last_late: Option<i64>,
    out: &mut Vec<Pay>,
) {
    let paid = paid.min(schedule.len());
    if paid == 0 {
        return;
    }
    let clamp = |d: NaiveDate| d.clamp(days(d0, 1), as_of);
    let old = paid.saturating_sub(12);
    if old > 0 {
        let amount: Money = schedule[..old].iter().map(Installment::payment).sum();
        out.push(Pay { on: clamp(schedule[old - 1].due_on), amount, reference: PayRef::Opening });
    }
    let mut carry = Money::ZERO;
    for (i, inst) in schedule.iter().enumerate().take(paid).skip(old) {
        let amount = inst.payment() + carry;
        carry = Money::ZERO;
        let last = i + 1 == paid;
        let shift = match last_late {
            Some(l) if last => l,
            _ => match rng.below(100) {
                0..70 => 0,
                70..85 => -rng.range(1, 5),
                _ => rng.range(1, 6),
            },
        };
        let on = clamp(days(inst.due_on, shift));
        if !last && amount.cents() > 1_000 && rng.chance(4) {
            // Part now, the rest with the next installment.
            let part = Money::from_cents(amount.cents() * rng.range(40, 80) / 100);
            out.push(Pay { on, amount: part, reference: PayRef::Partial(inst.seq) });
            carry = amount - part;
        } else {
            out.push(Pay { on, amount, reference: PayRef::Installment(inst.seq) });
        }
    }
}

fn plan(rng: &mut Rng, kind: Kind, target: Target, as_of: NaiveDate) -> Plan {
    let (product, n, principal, rate) = contract(rng, kind);
    let cap = elapsed_cap(kind, n);
    let mut pays = Vec::new();
    let mut kept = None;
    let terms = |d0: NaiveDate| LoanTerms { product, principal, rate, term_months: n, disbursed_on: d0 };
    let latest = days(as_of, -1);
    match target {
        Target::Current => {
            let (d0, paid, late) = if product == Product::Bullet {
                // Maturity ahead; some within the 30-day maturity notice.
                let u = if rng.chance(15) { rng.range(0, 30) } else { rng.range(31, i64::from(n) * 30 - 20) };
                (months_before(days(as_of, u), n), 0, None)
            } else {
                // The next installment falls due u days from now; some at maturity (interest only).
                let c = if product == Product::InterestOnly && rng.chance(10) {
                    n
                } else {
                    1 + rng.below(cap) as u32
                };
                let u = if rng.chance(6) { rng.range(0, 3) } else { rng.range(0, 27) };
                let late = (c >= 2 && u <= 17 && rng.chance(10)).then(|| rng.range(3, 10));
                (months_before(days(as_of, u), c), c as usize - 1, late)
            };
            let d0 = d0.min(latest);
            let schedule = build_schedule(&terms(d0));
            pay_history(rng, &schedule, paid, d0, as_of, late, &mut pays);
            if let (Some(_), Some(last)) = (late, pays.last()) {
                // Cured: a missed installment paid a few days late, as promised.
                let due = schedule[paid - 1].due_on;
                if last.on < as_of && last.on > days(due, 1) {
                    let made_on = days(last.on, -rng.range(1, 3)).max(days(due, 1));
                    let due_on = days(last.on, rng.range(0, 2));
                    kept = Some(KeptPromise { made_on, due_on, amount: last.amount, paid_on: last.on });
                }
            }
            Plan { terms: terms(d0), schedule, pays, kept }
        }
        Target::Closed => {
            let n_inst = if product == Product::Bullet { 1 } else { n };
            let g = rng.range(1, 300);
            if matches!(kind, Kind::Consumer | Kind::Car) && n >= 6 && rng.chance(45) {
                // Paid off early: some installments, then everything still scheduled in one sum.
                let m = 1 + rng.below(u64::from(n) - 2) as u32;
                let payoff_on = days(as_of, -g);
                let d0 = days(months_before(payoff_on, m), -rng.range(1, 20));
                let schedule = build_schedule(&terms(d0));
                pay_history(rng, &schedule, m as usize, d0, as_of, None, &mut pays);
                let rest: Money = schedule[m as usize..].iter().map(Installment::payment).sum();
                let on = payoff_on.max(schedule[m as usize - 1].due_on).min(as_of);
                pays.push(Pay { on, amount: rest, reference: PayRef::Payoff });
                Plan { terms: terms(d0), schedule, pays, kept }
            } else {
                let d0 = months_before(days(as_of, -g), n);
                let schedule = build_schedule(&terms(d0));
                pay_history(rng, &schedule, n_inst as usize, d0, as_of, None, &mut pays);
                Plan { terms: terms(d0), schedule, pays, kept }
            }
        }
        Target::Late(t) => {
            // The oldest unpaid installment fell due t days ago.
            let c = if product == Product::Bullet { 1 } else { 1 + rng.below(cap) as u32 };
            let d0 = months_before(days(as_of, -t), c);
            let schedule = build_schedule(&terms(d0));
            pay_history(rng, &schedule, c as usize - 1, d0, as_of, None, &mut pays);
            let unpaid = schedule[c as usize - 1];
            if rng.chance(30) && unpaid.payment().cents() > 200 {
                // Something paid towards it, not enough to cover it.
                let part = (unpaid.payment().cents() * rng.range(15, 70) / 100 / 100).max(1) * 100;
                let from = unpaid.due_on.max(days(as_of, -40));
                let on = days(from, rng.range(0, (latest - from).num_days())).min(latest);
                let amount = Money::from_cents(part);
                pays.push(Pay { on, amount, reference: PayRef::Partial(unpaid.seq) });
                if on > unpaid.due_on && rng.chance(60) {
                    let made_on = days(on, -rng.range(0, 3)).max(days(d0, 1));
                    let due_on = days(on, rng.range(0, 3));
                    kept = Some(KeptPromise { made_on, due_on, amount, paid_on: on });
                }
            }
            Plan { terms: terms(d0), schedule, pays, kept }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Contacts

/// A contact to write, with its promise if any.
struct Planned {
    day: NaiveDate,
    /// Minutes after 09:00, below 660 (so before 20:00).
    minute: u32,
    party: Party,
    channel: Channel,
    direction: Direction,
    outcome: Outcome,
    note: Cow<'static, str>,
    promise: Option<(Money, NaiveDate)>,
    /// A call pressing a collateral-only debtor; the book's third-party contacts count only the
    /// ordinary chasing calls before them.
    security_call: bool,
}

impl Planned {
    fn new(day: NaiveDate, minute: u32, channel: Channel, outcome: Outcome, note: &'static str) -> Self {
        Planned {
            day,
            minute,
            party: Party::Debtor,
            channel,
            direction: Direction::Outbound,
            outcome,
            note: Cow::Borrowed(note),
            promise: None,
            security_call: false,
        }
    }
}

fn promise_note(rng: &mut Rng, amount: Money, due: NaiveDate) -> String {
    let when = due.format("%-m月%-d日");
    match rng.below(4) {
        0 => format!("本人接听，承诺{when}前还款{amount}元"),
        1 => format!("本人接听，称资金周转困难，承诺{when}前先还{amount}元"),
        2 => format!("本人接听，承诺月底前还款，约定{when}还{amount}元"),
        _ => format!("本人接听，同意{when}前归还逾期款项{amount}元"),
    }
}

/// A contact on a delinquent loan after its installment fell due.
fn chase(rng: &mut Rng, day: NaiveDate, dpd: i64, secured: bool, guarantor: bool, failed: u32) -> Planned {
    let minute = rng.below(660) as u32;
    let roll = rng.below(100);
    if secured && dpd >= 31 && roll < 18 {
        let pick = rng.below(4) as usize;
        // Only a loan with a guarantor on file has one to call; on collateral alone the desk
        // presses the debtor about the security instead.
        let (outcome, note) = if guarantor {
            [
                (Outcome::NoAnswer, "担保人电话无人接听"),
                (Outcome::Callback, "担保人称会督促借款人还款"),
                (Outcome::Refused, "担保人拒绝履行担保责任"),
                (Outcome::LeftMessage, "已告知担保人担保责任，请其督促还款"),
            ][pick]
        } else {
            [
                (Outcome::NoAnswer, "无人接听"),
                (Outcome::Callback, "告知抵押物处置风险，称会尽快筹款"),
                (Outcome::Refused, "拒绝还款，已告知将依法处置抵押物"),
                (Outcome::LeftMessage, "已留言告知抵押物处置风险"),
            ][pick]
        };
        let mut p = Planned::new(day, minute, Channel::Call, outcome, note);
        if guarantor {
            p.party = Party::Guarantor;
        } else {
            p.security_call = true;
        }
        return p;
    }
    if failed >= 3 && roll < 26 {
        let (outcome, note) = rng.pick(&[
            (Outcome::Callback, "联系紧急联系人，请其转告本人回电"),
            (Outcome::NoAnswer, "紧急联系人无人接听"),
            (Outcome::WrongNumber, "紧急联系人称不认识本人"),
        ]);
        let mut p = Planned::new(day, minute, Channel::Call, outcome, note);
        p.party = Party::ThirdParty;
        return p;
    }
    let channel = if dpd >= 31 {
        rng.weighted(&[(Channel::Call, 72), (Channel::Sms, 12), (Channel::Visit, 8), (Channel::Letter, 8)])
    } else {
        rng.weighted(&[(Channel::Call, 80), (Channel::Sms, 20)])
    };
    match channel {
        Channel::Sms => Planned::new(day, minute, channel, Outcome::LeftMessage, "发送逾期提醒短信"),
        Channel::Letter => Planned::new(day, minute, channel, Outcome::LeftMessage, "寄送催收通知书"),
        Channel::Visit => {
            let (outcome, note) = rng.pick(&[
                (Outcome::NoAnswer, "上门拜访，本人不在家"),
                (Outcome::Callback, "上门面谈，称资金周转困难，申请协商还款"),
                (Outcome::Refused, "上门面谈，本人拒绝还款"),
            ]);
            Planned::new(day, minute, channel, outcome, note)
        }
        _ => {
            let (outcome, note) = rng.weighted(&[
                ((Outcome::NoAnswer, "无人接听"), 22),
                ((Outcome::NoAnswer, "多次拨打无人接听"), 8),
                ((Outcome::Busy, "占线"), 7),
                ((Outcome::Busy, "通话中，稍后再拨"), 3),
                ((Outcome::LeftMessage, "转语音信箱，已留言"), 8),
                ((Outcome::Callback, "本人接听，称在开会，约定稍后回电"), 7),
                ((Outcome::Callback, "称资金周转困难，申请协商还款"), 7),
                ((Outcome::Refused, "本人接听，拒绝还款"), 5),
                ((Outcome::Refused, "称无力偿还，拒绝沟通"), 3),
                ((Outcome::Dispute, "对逾期金额有异议，要求核对账单"), 3),
                ((Outcome::Dispute, "称已还款，需核实流水"), 1),
                ((Outcome::WrongNumber, "号码错误，非本人"), 2),
                ((Outcome::WrongNumber, "空号"), 1),
                ((Outcome::Promise, ""), 23),
            ]);
            Planned::new(day, minute, channel, outcome, note)
        }
    }
}

/// The contact history of one loan, oldest first: chasing after an installment falls due, a
/// reminder before it, and the promises to pay (kept, broken or still open).
fn plan_contacts(
    rng: &mut Rng,
    a: &Assessment,
    secured: bool,
    guarantor: bool,
    written_off: bool,
    kept: Option<KeptPromise>,
) -> Vec<Planned> {
    let as_of = a.as_of;
    let latest = days(as_of, -1);
    let mut out = Vec::new();
    match a.oldest_overdue_on {
        Some(oldest) => {
            let start = days(as_of, -42).max(days(oldest, -2));
            let span = (latest - start).num_days() + 1;
            let count = if written_off {
                rng.range(1, 2)
            } else {
                match a.dpd {
                    ..=7 => rng.range(1, 2),
                    8..=30 => rng.range(1, 4),
                    _ => rng.range(2, 8),
                }
            }
            .min(span);
            let step = span / count;
            let mut failed = 0u32;
            for i in 0..count {
                let day = days(start, i * step + rng.range(0, step - 1));
                let mut p = if day < oldest {
                    let minute = rng.below(660) as u32;
                    Planned::new(day, minute, Channel::Sms, Outcome::LeftMessage, "发送还款提醒短信")
                } else {
                    chase(rng, day, a.dpd, secured, guarantor, failed)
                };
                if p.party == Party::Debtor
                    && !p.security_call
                    && matches!(
                        p.outcome,
                        Outcome::NoAnswer | Outcome::Busy | Outcome::WrongNumber | Outcome::LeftMessage
                    )
                {
                    failed += 1;
                }
                if p.outcome == Outcome::Promise {
                    let amount = a.overdue_amount();
                    if amount.is_positive() {
                        let due = days(day, rng.range(3, 10));
                        p.note = Cow::Owned(promise_note(rng, amount, due));
                        p.promise = Some((amount, due));
                    } else {
                        p.outcome = Outcome::Callback;
                        p.note = Cow::Borrowed("本人接听，约定稍后回电");
                    }
                }
                out.push(p);
            }
        }
        None => {
            if let Some(soon) = a.due_soon.filter(|_| rng.chance(35)) {
                let day = days(as_of, -rng.range(1, 2));
                let note = match soon.kind {
                    DueSoonKind::Maturity => "到期通知：提醒客户贷款即将到期",
                    DueSoonKind::Installment => "还款提醒：提醒客户按时还款",
                };
                out.push(Planned::new(day, rng.below(660) as u32, Channel::Sms, Outcome::LeftMessage, note));
            }
        }
    }
    if let Some(k) = kept {
        let minute = rng.below(300) as u32;
        let mut p = Planned::new(k.made_on, minute, Channel::Call, Outcome::Promise, "");
        p.note = Cow::Owned(promise_note(rng, k.amount, k.due_on));
        p.promise = Some((k.amount, k.due_on));
        out.retain(|c| c.day != k.made_on);
        out.push(p);
        if k.paid_on < as_of && rng.chance(50) {
            let minute = 300 + rng.below(360) as u32;
            let mut p = Planned::new(k.paid_on, minute, Channel::Call, Outcome::Paid, "客户来电告知已还款");
            p.direction = Direction::Inbound;
            out.retain(|c| c.day != k.paid_on);
            out.push(p);
        }
    }
    out.sort_by_key(|c| (c.day, c.minute));
    out
}

// ---------------------------------------------------------------------------------------------
// Writing

struct Ctx {
    as_of: NaiveDate,
    stamp: String,
    /// The desk's UTC offset as written in timestamps, e.g. `+08:00`.
    offset: String,
    login: String,
    rules: AssessRules,
}

struct Team {
    supervisor: String,
    collectors: Vec<(String, UserId)>,
}

impl Team {
    /// Creates the supervisor and the collectors, keeping any that already exist.
    fn create(conn: &Connection, at: &str) -> Result<Team> {
        let ensure = |login: &str, display: &str, role: Role| -> Result<UserId> {
            Ok(match store::user_by_login(conn, login)? {
                Some(u) => u.id,
                None => store::insert_user(conn, login, Some(display), role, at)?,
            })
        };
        ensure(SUPERVISOR.0, SUPERVISOR.1, Role::Supervisor)?;
        let collectors = COLLECTORS
            .iter()
            .map(|(login, display)| Ok((login.to_string(), ensure(login, display, Role::Collector)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Team { supervisor: SUPERVISOR.0.to_string(), collectors })
    }

    fn logins(&self) -> Vec<String> {
        std::iter::once(self.supervisor.clone())
            .chain(self.collectors.iter().map(|(l, _)| l.clone()))
            .collect()
    }
}

#[derive(Debug, Default)]
struct Counts {
    customers: u64,
    payments: u64,
    contacts: u64,
}

struct Customer {
    customer_ref: String,
    name: String,
    phone: String,
    owner: UserId,
    branch: Branch,
    id: Option<CustomerId>,
}

struct Generator {
    rng: Rng,
    ctx: Ctx,
    team: Team,
    counts: Counts,
}

impl Generator {
    fn customer(&mut self) -> Customer {
        self.counts.customers += 1;
        let owner = self.team.collectors[self.rng.below(self.team.collectors.len() as u64) as usize].1;
        Customer {
            customer_ref: format!("KH{:08}", self.counts.customers),
            name: person_name(&mut self.rng),
            phone: mobile(&mut self.rng),
            owner,
            branch: self.rng.pick(BRANCHES),
            id: None,
        }
    }

    fn loans_per_customer(&mut self) -> u64 {
        self.rng.weighted(&[(1, 86), (2, 10), (3, 4)])
    }

    /// Guarantor (name, phone) and collateral: more on large and secured kinds of loan.
    fn security(
        &mut self,
        kind: Kind,
        principal: Money,
        d0: NaiveDate,
        branch: &Branch,
    ) -> (Option<String>, Option<String>, Option<String>) {
        let rng = &mut self.rng;
        let large = principal.cents() >= 3_000_000;
        let year = (d0.year() - rng.range(0, 3) as i32).max(2005);
        let (guarantor_pct, collateral) = match kind {
            Kind::Consumer => (if large { 25 } else { 6 }, None),
            Kind::Car => (10, rng.chance(90).then(|| vehicle(rng, branch))),
            Kind::Business => {
                let c = if rng.chance(50) {
                    Some(match rng.below(4) {
                        0 | 1 => property(rng, branch, year),
                        2 => format!("设备 数控机床 {} 台", rng.range(2, 12)),
                        _ => format!("存货 钢材 {} 吨", rng.range(50, 800)),
                    })
                } else {
                    None
                };
                (if principal.cents() >= 50_000_000 { 80 } else { 55 }, c)
            }
            Kind::Mortgage => (5, Some(property(rng, branch, year))),
        };
        if rng.chance(guarantor_pct) {
            (Some(chinese_name(rng)), Some(mobile(rng)), collateral)
        } else {
            (None, None, collateral)
        }
    }

    fn time(&self, day: NaiveDate, minute: u32) -> String {
        format!("{day}T{:02}:{:02}:00{}", 9 + minute / 60, minute % 60, self.ctx.offset)
    }

    fn loan(&mut self, conn: &Connection, customer: &mut Customer, number: u64) -> Result<()> {
        let as_of = self.ctx.as_of;
        let target = pick_target(&mut self.rng);
        let kind = pick_kind(&mut self.rng, target);
        let plan = plan(&mut self.rng, kind, target, as_of);
        let branch = customer.branch;
        let (guarantor, guarantor_phone, collateral) =
            self.security(kind, plan.terms.principal, plan.terms.disbursed_on, &branch);
        let secured = is_secured(guarantor.as_deref(), collateral.as_deref());
        let has_guarantor = is_secured(guarantor.as_deref(), None);
        let loan_ref = format!("DL{number:08}");
        let new = NewLoan {
            loan_ref,
            customer_ref: Some(customer.customer_ref.clone()),
            borrower: customer.name.clone(),
            phone: Some(customer.phone.clone()),
            terms: plan.terms,
            guarantor,
            guarantor_phone,
            collateral,
            branch: Some(branch.name.to_string()),
            assignee: Some(customer.owner),
        };
        let stamp = &self.ctx.stamp;
        let loan = store::insert_loan(conn, &new, stamp)?;
        let customer_id = match customer.id {
            Some(id) => id,
            None => {
                let id = store::customer_by_ref(conn, &customer.customer_ref)?
                    .map(|(id, _)| id)
                    .ok_or_else(|| AppError::Input(format!("customer {} vanished", customer.customer_ref)))?;
                customer.id = Some(id);
                id
            }
        };

        let mut payments = Vec::with_capacity(plan.pays.len());
        for p in &plan.pays {
            let reference = match p.reference {
                PayRef::Opening => Cow::Borrowed("opening balance"),
                PayRef::Payoff => Cow::Borrowed("early payoff"),
                PayRef::Installment(k) => Cow::Owned(format!("RP{}-{k:03}", p.on.format("%Y%m%d"))),
                PayRef::Partial(k) => Cow::Owned(format!("PP{}-{k:03}", p.on.format("%Y%m%d"))),
            };
            store::insert_payment(conn, loan, p.on, p.amount, Some(&reference), stamp)?;
            payments.push(Payment { paid_on: p.on, amount: p.amount });
        }
        self.counts.payments += plan.pays.len() as u64;

        let a = assess(&plan.schedule, &payments, plan.terms.rate, as_of, &self.ctx.rules);
        let stage = if a.closed { Stage::Current } else { StageBands::default().stage_for(a.dpd, secured) };
        if stage != Stage::Current {
            let band = match stage {
                Stage::Reminder => "1–30",
                Stage::Negotiation if secured => "31–60",
                Stage::Negotiation => "31–90, no guarantor or collateral",
                Stage::Guarantor => "61–90",
                _ => "91 and over",
            };
            let ev = StageEvent {
                from: Stage::Current,
                to: stage,
                as_of,
                actor: "policy".into(),
                reason: format!("initial placement: DPD {} in band {stage} ({band})", a.dpd),
                at: stamp.clone(),
            };
            store::record_stage_change(conn, loan, &ev)?;
        }
        let written_off = a.dpd > 270 && self.rng.chance(25);
        if written_off {
            let ev = StageEvent {
                from: stage,
                to: Stage::WrittenOff,
                as_of,
                actor: self.team.supervisor.clone(),
                reason: format!("核销：逾期{}天，经诉讼追偿无可执行财产，报批核销", a.dpd),
                at: stamp.clone(),
            };
            store::record_stage_change(conn, loan, &ev)?;
            store::write_off(conn, loan, as_of)?;
        } else if (stage == Stage::Legal && self.rng.chance(12))
            || (stage == Stage::Negotiation && self.rng.chance(6))
        {
            store::set_agency(conn, loan, Some(self.rng.pick(AGENCIES)))?;
        }

        // Contacts: every delinquent loan, some current ones.
        let contacts = if a.closed {
            Vec::new()
        } else {
            plan_contacts(&mut self.rng, &a, secured, has_guarantor, written_off, plan.kept)
        };
        let debtor_phone = customer.phone.clone();
        let mut next_action = None;
        for c in &contacts {
            let at = self.time(c.day, c.minute);
            let phone = match (c.channel, c.party) {
                (Channel::Call | Channel::Sms, Party::Debtor) => Some(debtor_phone.as_str()),
                (Channel::Call | Channel::Sms, Party::Guarantor) => new.guarantor_phone.as_deref(),
                _ => None,
            };
            let id = store::insert_contact(
                conn,
                &NewContact {
                    loan,
                    customer: customer_id,
                    party: c.party,
                    channel: c.channel,
                    direction: c.direction,
                    outcome: c.outcome,
                    phone,
                    note: &c.note,
                    user: Some(customer.owner),
                    at: &at,
                    corrects: None,
                    flags: Default::default(),
                },
            )?;
            if let Some((amount, due)) = c.promise {
                store::insert_promise(conn, loan, Some(id), amount, c.day, due, Some(customer.owner))?;
                if due >= as_of {
                    next_action = Some(days(due, 1));
                }
            }
            if c.outcome == Outcome::Callback {
                next_action = Some(days(c.day, 1).max(days(as_of, -2)));
            }
        }
        self.counts.contacts += contacts.len() as u64;
        if !written_off && !a.closed {
            if next_action.is_none() && a.dpd > 0 && self.rng.chance(30) {
                next_action = Some(days(as_of, self.rng.range(-2, 10)));
            }
            if next_action.is_some() {
                store::set_next_action(conn, loan, next_action)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use chrono::DateTime;

    use super::*;
    use crate::domain::{Bucket, PromiseStatus, RiskClass, parse_date, promise_status};
    use crate::store::{LoanId, Store};

    fn desk() -> Desk {
        let store = Store::open_in_memory().expect("test");
        let as_of = parse_date("2026-03-01").expect("test");
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("test");
        Desk::open(store, "admin", as_of, now).expect("test")
    }

    fn built(loans: u64, seed: u64) -> (Desk, DemoReport) {
        let mut d = desk();
        let mut ticks = Vec::new();
        let report = generate(&mut d, loans, seed, &mut |n| ticks.push(n)).expect("test");
        assert!(!ticks.is_empty());
        (d, report)
    }

    fn strings(d: &Desk, sql: &str) -> BTreeSet<String> {
        let mut stmt = d.store.conn().prepare(sql).expect("test");
        stmt.query_map([], |r| r.get::<_, String>(0)).expect("test").map(|r| r.expect("test")).collect()
    }

    fn count(d: &Desk, sql: &str) -> i64 {
        d.store.conn().query_row(sql, [], |r| r.get(0)).expect("test")
    }

    #[test]
    fn a_book_with_every_position() {
        let (d, report) = built(2_000, 7);
        assert_eq!(report.loans, 2_000);
        assert_eq!(count(&d, "SELECT count(*) FROM loans"), 2_000);
        assert_eq!(count(&d, "SELECT count(*) FROM loan_state"), 2_000);
        assert_eq!(report.customers as i64, count(&d, "SELECT count(*) FROM customers"));
        assert_eq!(report.payments as i64, count(&d, "SELECT count(*) FROM payments"));
        assert_eq!(report.contacts as i64, count(&d, "SELECT count(*) FROM contacts"));

        let stages = strings(&d, "SELECT DISTINCT stage FROM loan_state");
        for s in Stage::ALL {
            assert!(stages.contains(s.as_str()), "stage {s} missing from {stages:?}");
        }
        let buckets = strings(&d, "SELECT DISTINCT bucket FROM loan_state");
        for b in Bucket::ALL {
            assert!(buckets.contains(b.as_str()), "bucket {b} missing from {buckets:?}");
        }
        let classes = strings(&d, "SELECT DISTINCT class FROM loan_state");
        for c in RiskClass::ALL {
            assert!(classes.contains(c.as_str()), "class {c} missing from {classes:?}");
        }
        let products = strings(&d, "SELECT DISTINCT product FROM loans");
        for p in Product::ALL {
            assert!(products.contains(p.as_str()), "product {p} missing");
        }
        assert!(count(&d, "SELECT count(*) FROM loan_state WHERE due_soon_on IS NOT NULL") > 0);
        assert!(
            count(
                &d,
                "SELECT count(*) FROM (SELECT customer_id FROM loans GROUP BY customer_id HAVING count(*) > 1)"
            ) > 0
        );
        // Loans of one customer share the borrower.
        assert_eq!(
            count(
                &d,
                "SELECT count(*) FROM (SELECT customer_id FROM loans GROUP BY customer_id HAVING count(DISTINCT borrower) > 1)"
            ),
            0
        );
        let collectors = count(&d, "SELECT count(*) FROM users WHERE role = 'collector'");
        assert!((6..=10).contains(&collectors), "{collectors} collectors");
        assert_eq!(count(&d, "SELECT count(*) FROM users WHERE role = 'supervisor'"), 1);
        assert_eq!(count(&d, "SELECT count(*) FROM users WHERE login = 'admin' AND role = 'admin'"), 1);
        assert_eq!(report.users.len(), 9);
        assert_eq!(count(&d, "SELECT count(*) FROM customers WHERE assignee_id IS NULL"), 0);
        assert_eq!(
            count(
                &d,
                "SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.customer_id = c.id)"
            ),
            0
        );
        assert!(count(&d, "SELECT count(*) FROM loans WHERE agency IS NOT NULL") > 0);
        assert!(count(&d, "SELECT count(*) FROM loans WHERE next_action_on IS NOT NULL") > 0);
        assert!(count(&d, "SELECT count(*) FROM loans WHERE guarantor IS NOT NULL") > 0);
        assert!(count(&d, "SELECT count(*) FROM loans WHERE collateral LIKE '房产 %'") > 0);
        assert!(count(&d, "SELECT count(*) FROM loans WHERE collateral LIKE '车辆 %'") > 0);
        assert!(count(&d, "SELECT count(*) FROM loans WHERE phone LIKE '+86%'") > 0);
        let d11 = "1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]";
        let sql =
            format!("SELECT count(*) FROM loans WHERE NOT (phone GLOB '{d11}' OR phone GLOB '+86{d11}')");
        assert_eq!(count(&d, &sql), 0);
        assert!(count(&d, "SELECT count(*) FROM contacts WHERE note LIKE '%还款%'") > 0);
        assert!(count(&d, "SELECT count(*) FROM contacts WHERE party = 'guarantor'") > 0);
        assert!(count(&d, "SELECT count(*) FROM payments WHERE reference = 'opening balance'") > 0);
        assert!(count(&d, "SELECT count(*) FROM payments WHERE reference = 'early payoff'") > 0);
        assert_eq!(
            count(
                &d,
                "SELECT count(*) FROM contacts WHERE substr(at, 12, 5) < '09:00' OR substr(at, 12, 5) >= '20:00' OR at >= '2026-03-01T10:00:00+08:00'"
            ),
            0
        );
        assert_eq!(count(&d, "SELECT count(*) FROM payments WHERE paid_on > '2026-03-01'"), 0);
        assert_eq!(
            strings(&d, "SELECT value FROM settings WHERE key IN ('trust_env_user', 'demo')"),
            BTreeSet::from(["true".to_string()])
        );
        assert_eq!(count(&d, "SELECT count(*) FROM audit_log WHERE action = 'demo'"), 1);

        // Promises: kept, broken and active ones, judged against the loan's payments.
        let mut stmt = d
            .store
            .conn()
            .prepare("SELECT loan_id, amount_cents, made_on, due_on FROM promises ORDER BY id")
            .expect("test");
        let promises: Vec<(i64, i64, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("test")
            .map(|r| r.expect("test"))
            .collect();
        let mut statuses = BTreeMap::new();
        for (loan, amount, made, due) in promises {
            let payments: Vec<Payment> = store::payments_of(d.store.conn(), LoanId(loan))
                .expect("test")
                .into_iter()
                .map(|p| Payment { paid_on: p.paid_on, amount: p.amount })
                .collect();
            let st = promise_status(
                parse_date(&made).expect("test"),
                parse_date(&due).expect("test"),
                Money::from_cents(amount),
                &payments,
                d.as_of,
                crate::domain::policy::Policy::default().promise_grace_days,
            );
            *statuses.entry(st.as_str()).or_insert(0) += 1;
        }
        for st in [PromiseStatus::Kept, PromiseStatus::Broken, PromiseStatus::Active] {
            assert!(statuses.contains_key(st.as_str()), "no {st} promise: {statuses:?}");
        }
    }

    #[test]
    fn stages_follow_the_default_bands() {
        let (d, _) = built(2_000, 7);
        let mut stmt = d
            .store
            .conn()
            .prepare(
                "SELECT s.dpd, s.stage, l.guarantor, l.collateral FROM loan_state s JOIN loans l ON l.id = s.loan_id \
                 WHERE s.status = 'active'",
            )
            .expect("test");
        let rows: Vec<(i64, String, Option<String>, Option<String>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("test")
            .map(|r| r.expect("test"))
            .collect();
        assert!(rows.len() > 1_000);
        for (dpd, stage, g, c) in rows {
            let want = StageBands::default().stage_for(dpd, is_secured(g.as_deref(), c.as_deref()));
            assert_eq!(stage, want.as_str(), "dpd {dpd}");
        }
        // Written-off loans are deep in M7+, with an event by the supervisor.
        assert_eq!(
            count(&d, "SELECT count(*) FROM loan_state WHERE status = 'written_off' AND dpd <= 270"),
            0
        );
        assert_eq!(
            count(&d, "SELECT count(*) FROM loans WHERE stage = 'written_off'"),
            count(
                &d,
                "SELECT count(*) FROM stage_events WHERE to_stage = 'written_off' AND actor = 'zhao.min'"
            )
        );
        assert_eq!(
            count(&d, "SELECT count(*) FROM loans WHERE stage = 'written_off' AND written_off_on IS NULL"),
            0
        );
        // Closed loans keep their workflow stage; the snapshot derives closed.
        assert_eq!(
            count(
                &d,
                "SELECT count(*) FROM loan_state s JOIN loans l ON l.id = s.loan_id WHERE s.status = 'closed' AND l.stage <> 'current'"
            ),
            0
        );
    }

    #[test]
    fn only_loans_with_a_guarantor_have_guarantor_contacts() {
        let (d, _) = built(2_000, 7);
        let sql = |cond: &str| {
            format!(
                "SELECT count(*) FROM contacts c JOIN loans l ON l.id = c.loan_id WHERE c.party = 'guarantor' AND {cond}"
            )
        };
        assert_eq!(count(&d, &sql("(l.guarantor IS NULL OR trim(l.guarantor) = '')")), 0);
        assert!(count(&d, &sql("l.guarantor IS NOT NULL")) > 0);
    }

    #[test]
    fn mix_is_roughly_as_intended() {
        let (d, _) = built(2_000, 7);
        let share = |sql: &str| count(&d, sql) * 100 / 2_000;
        let current = share("SELECT count(*) FROM loan_state WHERE status = 'active' AND dpd = 0");
        let closed = share("SELECT count(*) FROM loan_state WHERE status = 'closed'");
        assert!((48..=62).contains(&current), "current {current} %");
        assert!((6..=14).contains(&closed), "closed {closed} %");
        let annuity = share("SELECT count(*) FROM loans WHERE product = 'annuity'");
        assert!(annuity > 40, "annuity {annuity} %");
    }

    fn rows(d: &Desk) -> Vec<(String, String, i64, String, i64)> {
        let mut stmt = d
            .store
            .conn()
            .prepare(
                "SELECT l.loan_ref, l.borrower, s.dpd, s.stage, s.outstanding_principal FROM loans l \
                 JOIN loan_state s ON s.loan_id = l.id ORDER BY l.loan_ref",
            )
            .expect("test");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .expect("test")
            .map(|r| r.expect("test"))
            .collect()
    }

    #[test]
    fn deterministic_for_a_seed() {
        let (a, ra) = built(300, 42);
        let (b, rb) = built(300, 42);
        let (c, _) = built(300, 43);
        assert_eq!(ra, rb);
        assert_eq!(rows(&a), rows(&b));
        assert_ne!(rows(&a), rows(&c));
        let contacts = |d: &Desk| {
            strings(d, "SELECT loan_id || '|' || at || '|' || outcome || '|' || note FROM contacts")
        };
        assert_eq!(contacts(&a), contacts(&b));
    }

    #[test]
    fn refuses_a_store_with_loans() {
        let (mut d, _) = built(10, 1);
        let err = generate(&mut d, 10, 1, &mut |_| {}).expect_err("refused");
        assert!(matches!(err, AppError::Input(_)), "{err:?}");
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("already holds 10 loans"), "{err}");
        assert_eq!(count(&d, "SELECT count(*) FROM loans"), 10);
        assert!(matches!(generate(&mut desk(), 0, 1, &mut |_| {}), Err(AppError::Input(_))));
    }

    #[test]
    fn keeps_an_existing_demo_login() {
        let store = Store::open_in_memory().expect("test");
        let as_of = parse_date("2026-03-01").expect("test");
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("test");
        let mut d = Desk::open(store, "wang.fang", as_of, now).expect("test");
        let report = generate(&mut d, 50, 3, &mut |_| {}).expect("test");
        assert_eq!(report.loans, 50);
        assert_eq!(count(&d, "SELECT count(*) FROM users WHERE login = 'wang.fang' AND role = 'admin'"), 1);
    }
}
