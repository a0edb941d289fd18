//! The Warnings list's pages and counts (issue #17) for every combination of what it may ask —
//! open or all, a level, an owner, the watchlist, a rule, a start date — against a reading of every
//! signal sorted and filtered here: the indexes the list walks (migration 0025) change no answer.

use chrono::{DateTime, NaiveDate};
use duedesk::app::Desk;
use duedesk::domain::policy::Policy;
use duedesk::domain::warning::{Level, SignalCode};
use duedesk::store::{self, SignalFilter, Store, UserId};

/// One signal as the brute-force reading has it.
struct Sig {
    id: i64,
    rank: i64,
    level: String,
    code: String,
    raised_on: String,
    open: bool,
    owner: Option<i64>,
    watched: bool,
}

fn demo_with_closed_signals(dir: &std::path::Path) -> Store {
    let path = dir.join("book.db");
    let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now");
    let mut d = Desk::open(Store::open(&path).expect("store"), "admin", now.date_naive(), now).expect("desk");
    duedesk::app::demo::generate(&mut d, 600, 7, &mut |_| {}).expect("demo");
    // A month on, the run closes some and opens others.
    let later = DateTime::parse_from_rfc3339("2026-04-02T10:00:00+08:00").expect("later");
    let mut d =
        Desk::open(Store::open(&path).expect("store"), "admin", later.date_naive(), later).expect("desk");
    d.escalate(&Policy::default(), false, &mut |_, _| {}).expect("run");
    Store::open(&path).expect("store")
}

fn every_signal(conn: &rusqlite::Connection) -> Vec<Sig> {
    conn.prepare(
        "SELECT g.id, g.level, g.code, g.raised_on, g.closed_on IS NULL, c.assignee_id, \
         EXISTS (SELECT 1 FROM watchlist w WHERE w.customer_id = g.customer_id AND w.left_on IS NULL) \
         FROM signals g JOIN customers c ON c.id = g.customer_id",
    )
    .expect("all")
    .query_map([], |r| {
        let level: String = r.get(1)?;
        let rank = match level.as_str() {
            "red" => 0,
            "orange" => 1,
            _ => 2,
        };
        Ok(Sig {
            id: r.get(0)?,
            rank,
            level,
            code: r.get(2)?,
            raised_on: r.get(3)?,
            open: r.get(4)?,
            owner: r.get(5)?,
            watched: r.get(6)?,
        })
    })
    .expect("rows")
    .map(|r| r.expect("row"))
    .collect()
}

#[test]
fn every_question_of_the_list_gets_the_brute_force_answer_page_and_count() {
    let dir = tempfile::tempdir().expect("dir");
    let store = demo_with_closed_signals(dir.path());
    let conn = store.conn();
    let all_signals = every_signal(conn);
    assert!(all_signals.iter().any(|s| !s.open) && all_signals.iter().filter(|s| s.open).count() > 50);
    let owner = all_signals.iter().find_map(|s| s.owner).expect("an owned customer");
    let code: SignalCode = all_signals[0].code.parse().expect("code");
    let since = NaiveDate::from_ymd_opt(2026, 3, 15).expect("date");
    let mut asked = 0;
    for all in [false, true] {
        for level in [None, Some(Level::Red), Some(Level::Orange), Some(Level::Yellow)] {
            for owner in [None, Some(owner)] {
                for watched in [false, true] {
                    for code in [None, Some(code)] {
                        for since in [None, Some(since)] {
                            let f = SignalFilter {
                                all,
                                level,
                                owner: owner.map(UserId),
                                watched,
                                code,
                                since,
                                ..SignalFilter::default()
                            };
                            let mut want: Vec<&Sig> = all_signals
                                .iter()
                                .filter(|s| all || s.open)
                                .filter(|s| level.is_none_or(|l| s.level == l.as_str()))
                                .filter(|s| owner.is_none_or(|o| s.owner == Some(o)))
                                .filter(|s| !watched || s.watched)
                                .filter(|s| code.is_none_or(|c| s.code == c.as_str()))
                                .filter(|s| since.is_none_or(|d| s.raised_on >= d.to_string()))
                                .collect();
                            want.sort_by(|a, b| {
                                (!a.open, a.rank, std::cmp::Reverse((&a.raised_on, a.id))).cmp(&(
                                    !b.open,
                                    b.rank,
                                    std::cmp::Reverse((&b.raised_on, b.id)),
                                ))
                            });
                            let ids = |f: &SignalFilter| -> Vec<i64> {
                                store::list_signals(conn, f).expect("list").iter().map(|r| r.id).collect()
                            };
                            let whole: Vec<i64> = want.iter().map(|s| s.id).collect();
                            assert_eq!(ids(&f), whole, "{f:?}");
                            assert_eq!(
                                store::count_signals(conn, &f).expect("count"),
                                whole.len() as u64,
                                "{f:?}"
                            );
                            let page = SignalFilter { limit: Some(7), offset: 5, ..f.clone() };
                            let expect: Vec<i64> = whole.iter().skip(5).take(7).copied().collect();
                            assert_eq!(ids(&page), expect, "{page:?}");
                            asked += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(asked, 128);
}
