//! The store worker: owns the `Desk` (a rusqlite connection is `Send`, not `Sync`), answers
//! requests one at a time, and skips a request when a newer one for the same list or case is
//! already queued. The UI thread never runs SQL.

use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

use super::Msg;
use crate::app::Desk;
use crate::app::desk_state::{Failed, ListKind, Query, Reply, Request, serve_with};

#[derive(PartialEq, Eq)]
enum Slot {
    List(ListKind),
    Case,
    Completion,
    Inspections,
    Warnings,
}

fn slot(q: &Query) -> Option<Slot> {
    match q {
        Query::List { list, .. } => Some(Slot::List(*list)),
        Query::Case { .. } => Some(Slot::Case),
        Query::CompleteLoan { .. } => Some(Slot::Completion),
        Query::Inspections { .. } => Some(Slot::Inspections),
        Query::Warnings { .. } => Some(Slot::Warnings),
        // Writes are never skipped.
        Query::Info
        | Query::Count
        | Query::LoadDemo
        | Query::Write { .. }
        | Query::PlanPreview { .. }
        | Query::Escalate { .. }
        | Query::Roll
        | Query::Assign { .. }
        | Query::Lease { .. }
        | Query::AssignBulk(_)
        | Query::Team
        | Query::Reports { .. }
        | Query::Goto { .. }
        | Query::Review
        | Query::Sign { .. }
        | Query::Reveal { .. } => None,
    }
}

/// The requests worth answering: for each list and the case only the newest.
fn latest(batch: Vec<Request>) -> Vec<Request> {
    let slots: Vec<Option<Slot>> = batch.iter().map(|r| slot(&r.query)).collect();
    batch
        .into_iter()
        .enumerate()
        .filter(|(i, _)| match &slots[*i] {
            Some(s) => !slots[i + 1..].iter().any(|later| later.as_ref() == Some(s)),
            None => true,
        })
        .map(|(_, r)| r)
        .collect()
}

/// How often an idle worker looks for other desks' commits (one pragma, no table read).
const WATCH: Duration = Duration::from_secs(2);

struct Gone(Sender<Msg>);

impl Drop for Gone {
    fn drop(&mut self) {
        let _ = self.0.send(Msg::WorkerGone);
    }
}

/// The escalation run and the day's roll work on their own connection and thread, so the lists
/// and the case stay live while they go through the book; their progress and answer reach the
/// main loop directly.
fn run_beside(desk: &Desk, r: Request, tx: &Sender<Msg>) -> Option<Request> {
    let what = if r.query == Query::Roll { Failed::Roll } else { Failed::Run };
    let mut second = match desk.beside() {
        Ok(Some(d)) => d,
        Ok(None) => return Some(r),
        Err(e) => {
            let failed = Reply::Failed { generation: r.generation, what, message: e.to_string() };
            let _ = tx.send(Msg::Reply(failed));
            return None;
        }
    };
    let (tx, generation) = (tx.clone(), r.generation);
    let failed = tx.clone();
    let spawned = std::thread::Builder::new().name("beside".into()).spawn(move || {
        let reply = serve_with(&mut second, &r, &mut |p| {
            let _ = tx.send(Msg::Reply(p));
        });
        let _ = tx.send(Msg::Reply(reply));
    });
    if let Err(e) = spawned {
        let _ = failed.send(Msg::Reply(Reply::Failed { generation, what, message: e.to_string() }));
    }
    None
}

/// `live_clock`: the desk's clock is the local time, read again before each request (a desk stays
/// open all day, and quiet hours and record times must be those of the moment); off when the
/// clock is pinned (`DUEDESK_NOW`).
pub fn spawn_worker(desk: Desk, live_clock: bool, tx: Sender<Msg>) -> std::io::Result<Sender<Request>> {
    let (req_tx, req_rx) = mpsc::channel::<Request>();
    std::thread::Builder::new().name("store".into()).spawn(move || {
        // Tells the main loop when this thread ends, by a panic too, so the desk never waits
        // for answers that will not come; and only once the desk below is dropped, so its
        // connection is closed by then (`tui::run` waits for this before the process ends).
        let _gone = Gone(tx.clone());
        let mut desk = desk;
        let _ = desk.changed_elsewhere();
        let mut looked = Instant::now();
        loop {
            // Every WATCH, busy or idle, see whether another desk wrote, so this one shows it
            // without a key being pressed.
            if looked.elapsed() >= WATCH {
                looked = Instant::now();
                if desk.changed_elsewhere().unwrap_or(false)
                    && tx.send(Msg::Reply(Reply::StoreChanged)).is_err()
                {
                    return;
                }
            }
            let first = match req_rx.recv_timeout(WATCH.saturating_sub(looked.elapsed())) {
                Ok(r) => r,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // A phone search typed and then looked at is over: it goes in the audit log.
                    let _ = desk.flush_searches();
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let _ = desk.flush_searches();
                    return;
                }
            };
            let mut batch = vec![first];
            batch.extend(req_rx.try_iter());
            for r in latest(batch) {
                if live_clock {
                    let _ = desk.clock_now();
                }
                let r = match r.query {
                    Query::Escalate { .. } | Query::Roll => match run_beside(&desk, r, &tx) {
                        Some(r) => r,
                        None => continue,
                    },
                    _ => r,
                };
                let reply = serve_with(&mut desk, &r, &mut |p| {
                    let _ = tx.send(Msg::Reply(p));
                });
                if tx.send(Msg::Reply(reply)).is_err() {
                    return;
                }
            }
        }
    })?;
    Ok(req_tx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::views::LoanQuery;

    fn list(generation: u64, list: ListKind) -> Request {
        Request { generation, query: Query::List { list, query: LoanQuery::default(), want_total: false } }
    }

    #[test]
    fn only_the_newest_request_per_list_is_answered() {
        let batch = vec![
            list(1, ListKind::Overdue),
            Request { generation: 2, query: Query::Info },
            list(3, ListKind::DueSoon),
            list(4, ListKind::Overdue),
        ];
        let kept: Vec<u64> = latest(batch).iter().map(|r| r.generation).collect();
        assert_eq!(kept, vec![2, 3, 4]);
    }
}
