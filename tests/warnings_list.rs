//! The Warnings list's pages and counts (issue #17) for every combination of what it may ask —
//! open or all, a level, an owner, the watchlist, a rule, a start date — against a reading of every
//! signal sorted and filtered here: the indexes the list walks (migration 0025) change no answer.

use chrono::{DateTime, NaiveDate};
use duedesk::domain::policy::Policy;
use duedesk::domain::warning::{Level, SignalCode};
use duedesk::store::{self, SignalFilter, UserId};

mod common;

use common::book::{Book, Keep};

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

/// The demo book, and a month on the run's: it closes some signals and opens others.
fn demo_with_closed_signals() -> Book {
    let book = Book::demo(Keep::File, 600, 7);
    let later = DateTime::parse_from_rfc3339("2026-04-02T10:00:00+08:00").expect("later");
    let mut d = book.desk_at("admin", later.date_naive(), later);
    d.escalate(&Policy::default(), false, &mut |_, _| {}).expect("run");
    book
}

fn every_signal(book: &Book) -> Vec<Sig> {
    let rows = book.text_rows(
        "SELECT g.id, g.level, g.code, g.raised_on, g.closed_on IS NULL, c.assignee_id, \
         EXISTS (SELECT 1 FROM watchlist w WHERE w.customer_id = g.customer_id AND w.left_on IS NULL) \
         FROM signals g JOIN customers c ON c.id = g.customer_id",
        &[],
    );
    let int = |v: &Option<String>| v.as_deref().map(|v| v.parse::<i64>().expect("an integer"));
    rows.iter()
        .map(|r| {
            let level = r[1].clone().expect("level");
            let rank = match level.as_str() {
                "red" => 0,
                "orange" => 1,
                _ => 2,
            };
            Sig {
                id: int(&r[0]).expect("id"),
                rank,
                level,
                code: r[2].clone().expect("code"),
                raised_on: r[3].clone().expect("raised_on"),
                open: int(&r[4]) == Some(1),
                owner: int(&r[5]),
                watched: int(&r[6]) == Some(1),
            }
        })
        .collect()
}

#[test]
fn every_question_of_the_list_gets_the_brute_force_answer_page_and_count() {
    let book = demo_with_closed_signals();
    let store = book.store();
    let conn = store.db();
    let all_signals = every_signal(&book);
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
