//! The store worker: owns the `Desk` (a rusqlite connection is `Send`, not `Sync`), answers
//! requests one at a time, and skips a request when a newer one for the same list or case is
//! already queued. The UI thread never runs SQL.

use std::sync::mpsc::{self, Sender};

use super::Msg;
use crate::app::Desk;
use crate::app::desk_state::{ListKind, Query, Request, serve};

#[derive(PartialEq, Eq)]
enum Slot {
    List(ListKind),
    Case,
}

fn slot(q: &Query) -> Option<Slot> {
    match q {
        Query::List { list, .. } => Some(Slot::List(*list)),
        Query::Case { .. } => Some(Slot::Case),
        // Writes are never skipped.
        Query::Info | Query::LoadDemo | Query::Write { .. } | Query::PlanPreview { .. } => None,
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

struct Gone(Sender<Msg>);

impl Drop for Gone {
    fn drop(&mut self) {
        let _ = self.0.send(Msg::WorkerGone);
    }
}

pub fn spawn_worker(mut desk: Desk, tx: Sender<Msg>) -> std::io::Result<Sender<Request>> {
    let (req_tx, req_rx) = mpsc::channel::<Request>();
    std::thread::Builder::new().name("store".into()).spawn(move || {
        // Tells the main loop when this thread ends, by a panic too, so the desk never waits
        // for answers that will not come.
        let _gone = Gone(tx.clone());
        while let Ok(first) = req_rx.recv() {
            let mut batch = vec![first];
            batch.extend(req_rx.try_iter());
            for r in latest(batch) {
                if tx.send(Msg::Reply(serve(&mut desk, &r))).is_err() {
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
