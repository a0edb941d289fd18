//! The supervisor's Review list (DOMAIN §10): the inspections awaiting a review and the work log
//! entries awaiting a signature, soonest deadline first with the working days left; `:sign
//! COMMENT` signs the one under the cursor (`:sign accept COMMENT` accepts an inspection's
//! recommended class), Enter opens its case.

use super::core::{Core, Screen, Then};
use super::pages::step;
use super::protocol::Query;
use crate::app::inspect::{ReviewItem, ReviewKind};
use crate::app::keymap::Cmd;
use crate::app::strings::fill;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewState {
    pub items: Vec<ReviewItem>,
    /// Asked, not answered yet.
    pub loading: bool,
    pub selected: u64,
    pub top: u64,
    pub generation: u64,
    pub error: Option<String>,
}

impl ReviewState {
    pub fn item(&self) -> Option<&ReviewItem> {
        self.items.get(usize::try_from(self.selected).ok()?)
    }
}

/// The Review list's update: its state and the shared core.
pub(super) struct ReviewScreen<'a> {
    pub core: &'a mut Core,
    pub review: &'a mut Option<ReviewState>,
}

impl ReviewScreen<'_> {
    /// `V`, `:review`.
    pub fn open(&mut self) {
        self.core.leave_list();
        self.core.screen = Screen::Review;
        self.ask();
    }

    /// Asks for the list, keeping the rows on screen until it comes.
    pub fn ask(&mut self) {
        let generation = self.core.ask(Query::Review);
        let keep = self.review.take().unwrap_or_default();
        *self.review = Some(ReviewState { generation, loading: true, error: None, ..keep });
    }

    pub fn cmd(&mut self, cmd: Cmd) {
        let view = self.core.list_rows().max(1);
        if cmd == Cmd::Back {
            return self.core.show_list();
        }
        let Some(r) = self.review.as_mut() else { return };
        let n = r.items.len() as u64;
        match cmd {
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom => {
                if let Some((selected, top)) = step(cmd, r.selected, r.top, n, view) {
                    (r.selected, r.top) = (selected, top);
                }
            }
            Cmd::Open => {
                if let Some(item) = r.item() {
                    let loan = item.loan_id.clone();
                    self.core.then(Then::OpenCase(loan));
                }
            }
            _ => {}
        }
    }

    /// `:sign [accept] COMMENT` on the entry under the cursor.
    pub fn sign(&mut self, comment: String, accept: bool) {
        let t = self.core.lang.text();
        let item =
            self.review.as_ref().filter(|_| self.core.screen == Screen::Review).and_then(ReviewState::item);
        let Some(item) = item else { return self.core.say(t.msg_review_open_first) };
        if accept && item.kind != ReviewKind::Inspection {
            return self.core.say(t.msg_accept_inspections_only);
        }
        let (kind, id) = (item.kind, item.id);
        self.core.ask(Query::Sign { kind, id, comment, accept });
    }

    pub fn signed(&mut self, kind: ReviewKind, id: i64) {
        let t = self.core.lang.text();
        let what = match kind {
            ReviewKind::Inspection => t.review_inspection,
            ReviewKind::WorkLog => t.review_work_log,
        };
        self.core.say(fill(t.msg_signed, &[&what, &id]));
        if self.review.is_some() {
            self.ask();
        }
        self.core.then(Then::ReloadCase);
    }

    pub fn loaded(&mut self, generation: u64, items: Vec<ReviewItem>) {
        if let Some(r) = self.review.as_mut().filter(|r| r.generation == generation) {
            let n = items.len() as u64;
            r.items = items;
            r.loading = false;
            r.error = None;
            r.selected = r.selected.min(n.saturating_sub(1));
            r.top = r.top.min(r.selected);
        }
    }

    pub fn failed(&mut self, generation: u64, message: &str) {
        if let Some(r) = self.review.as_mut().filter(|r| r.generation == generation) {
            r.loading = false;
            r.error = Some(message.to_string());
        }
    }
}
