//! The Reports screen (supervisors): a month-end's migration matrix, roll rates, NPL ratio and
//! vintage curves, one view at a time, as charts or (one key away) as tables; the month and the
//! grouping of the NPL figures chosen by keys.

use super::core::{Core, Screen};
use super::protocol::Query;
use crate::app::keymap::Cmd;
pub use crate::app::report::ReportPane;
use crate::app::report::{By, ReportsView};
use crate::domain::report::Month;

/// The Reports screen: what is asked, and the figures when they come, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportsState {
    pub generation: u64,
    /// The month-end asked for (`None`: the latest recorded).
    pub month: Option<Month>,
    pub by: Option<By>,
    pub pane: ReportPane,
    /// Tables instead of charts.
    pub table: bool,
    /// The figures of the views shown so far, for the month-end and grouping asked.
    pub view: Option<Box<ReportsView>>,
    /// The figures kept no longer hold (the store changed): the next answer replaces them.
    pub stale: bool,
    pub error: Option<String>,
}

/// The Reports screen's update: its state and the shared core.
pub(super) struct ReportsScreen<'a> {
    pub core: &'a mut Core,
    pub reports: &'a mut Option<ReportsState>,
}

impl ReportsScreen<'_> {
    /// `M`, `:reports [YYYY-MM]`.
    pub fn open(&mut self, month: Option<Month>) {
        self.core.leave_list();
        self.core.screen = Screen::Reports;
        let state = self.reports.get_or_insert_with(|| ReportsState {
            generation: 0,
            month: None,
            by: None,
            pane: ReportPane::Migration,
            table: false,
            view: None,
            error: None,
            stale: false,
        });
        if month.is_some() {
            state.month = month;
        }
        self.ask();
    }

    /// Asks for the figures of the view shown, keeping the ones on screen until they come.
    pub fn ask(&mut self) {
        let Some(state) = self.reports.as_ref() else { return };
        let (month, by, pane) = (state.month, state.by, state.pane);
        let generation = self.core.ask(Query::Reports { month, by, pane });
        if let Some(s) = self.reports.as_mut() {
            s.generation = generation;
            s.error = None;
        }
    }

    /// Asks again after the store changed: the answer replaces every view kept.
    pub fn ask_fresh(&mut self) {
        if let Some(s) = self.reports.as_mut() {
            s.stale = true;
        }
        self.ask();
    }

    /// Asks for the view shown when its figures are not here yet.
    fn ask_missing(&mut self) {
        let Some(state) = self.reports.as_ref() else { return };
        if state.view.as_ref().is_some_and(|v| !v.has(state.pane)) {
            self.ask();
        }
    }

    pub fn cmd(&mut self, cmd: Cmd) {
        let Some(state) = self.reports.as_mut() else { return };
        let step = |p: ReportPane, by: isize| {
            let all = ReportPane::ALL;
            let at = all.iter().position(|x| *x == p).unwrap_or(0) as isize;
            all[(at + by).rem_euclid(all.len() as isize) as usize]
        };
        match cmd {
            Cmd::Back => self.core.show_list(),
            Cmd::NextPane | Cmd::PrevPane => {
                state.pane = step(state.pane, if cmd == Cmd::NextPane { 1 } else { -1 });
                self.ask_missing();
            }
            Cmd::ToggleTable => state.table = !state.table,
            Cmd::NextGrouping => {
                state.by = match state.by {
                    None => Some(By::Branch),
                    Some(By::Branch) => Some(By::Product),
                    Some(By::Product) => Some(By::Owner),
                    Some(By::Owner) => None,
                };
                self.ask();
            }
            Cmd::PrevMonth | Cmd::NextMonth => {
                let Some(view) = state.view.as_ref() else { return };
                let at = view.months.iter().position(|m| *m == view.month).unwrap_or(0);
                let to = if cmd == Cmd::PrevMonth { at.checked_sub(1) } else { Some(at + 1) };
                if let Some(m) = to.and_then(|i| view.months.get(i)) {
                    state.month = Some(*m);
                    self.ask();
                }
            }
            _ => {}
        }
    }

    pub fn figures(&mut self, generation: u64, view: Box<ReportsView>) {
        if let Some(s) = self.reports.as_mut().filter(|s| s.generation == generation) {
            s.month = Some(view.month);
            match s.view.as_mut() {
                Some(kept) if !s.stale && kept.same_question(&view) => kept.merge(*view),
                _ => s.view = Some(view),
            }
            s.stale = false;
            s.error = None;
        }
    }

    pub fn failed(&mut self, generation: u64, message: &str) {
        if let Some(s) = self.reports.as_mut().filter(|s| s.generation == generation) {
            s.error = Some(message.to_string());
        }
    }
}
