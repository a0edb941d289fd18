//! The work each stage creates (DOMAIN §6): the escalation run adds a stage's tasks in the same
//! transaction as the stage change; the action that does the work completes its task (a notice, a
//! saved plan, the legal packet), or a user marks it done.

use crate::store::Db;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::holidays::calendar_of;
use super::text_in::text_in;
use super::{AppError, Desk, Result};
use crate::domain::input::Lines;
use crate::domain::workdays::WorkCalendar;
use crate::domain::{Stage, add_months};
use crate::store::{self, LoanId, StoreError, TaskFilter, TaskRecord};

// In the order of the stages whose work they are.
text_enum!(TaskKind, "task kind", {
    Call => "call",
    DunningNotice => "dunning_notice",
    PlanOffer => "plan_offer",
    GuarantorDemand => "guarantor_demand",
    CollateralRevaluation => "collateral_revaluation",
    LegalPacket => "legal_packet",
    /// 到期通知书, a month before final maturity.
    MaturityNotice => "maturity_notice",
});

impl TaskKind {
    /// The stage whose work this is (DOMAIN §6).
    pub fn stage(self) -> Stage {
        match self {
            TaskKind::Call | TaskKind::DunningNotice => Stage::Reminder,
            TaskKind::PlanOffer => Stage::Negotiation,
            TaskKind::GuarantorDemand | TaskKind::CollateralRevaluation => Stage::Guarantor,
            TaskKind::LegalPacket => Stage::Legal,
            TaskKind::MaturityNotice => Stage::Current,
        }
    }
}

/// The tasks entering `stage` creates (DOMAIN §6); a collateral revaluation only with collateral on file.
pub fn stage_work(stage: Stage, has_collateral: bool) -> Vec<TaskKind> {
    match stage {
        Stage::Reminder => vec![TaskKind::Call, TaskKind::DunningNotice],
        Stage::Negotiation => vec![TaskKind::PlanOffer],
        Stage::Guarantor if has_collateral => {
            vec![TaskKind::GuarantorDemand, TaskKind::CollateralRevaluation]
        }
        Stage::Guarantor => vec![TaskKind::GuarantorDemand],
        Stage::Legal => vec![TaskKind::LegalPacket],
        _ => Vec::new(),
    }
}

/// The dunning and guarantor demand notices go out within this many working days (the source
/// documents' "到期日后10个工作日内").
pub const NOTICE_WORKING_DAYS: u32 = 10;

/// When a stage's work falls due: the day it is created, the day the loan fell overdue, and the
/// working-day calendar the notices count with.
pub(crate) struct WorkDue<'a> {
    pub as_of: NaiveDate,
    /// The due date of the oldest overdue installment (`as_of` − DPD), if any.
    pub overdue_since: Option<NaiveDate>,
    pub calendar: &'a WorkCalendar,
}

impl WorkDue<'_> {
    /// The month's dunning notice: within the working days after the installment fell due, or
    /// after the month began for arrears older than the month; never before the day it is asked
    /// for (a hold may have kept it back).
    fn dunning(&self) -> NaiveDate {
        let (start, _) = month_of(self.as_of);
        let since = self.overdue_since.unwrap_or(self.as_of).max(start).min(self.as_of);
        self.calendar.add_working_days(since, NOTICE_WORKING_DAYS).max(self.as_of)
    }

    /// The guarantor demand: within the working days after the loan reaches the guarantor stage,
    /// the day the policy calls on the guarantor.
    fn demand(&self) -> NaiveDate {
        self.calendar.add_working_days(self.as_of, NOTICE_WORKING_DAYS)
    }
}

/// Adds the work of the entered stage inside the caller's transaction (the notices due within
/// working days, the rest on `as_of`), the calendar read from the store and the loan taken to be
/// overdue since `as_of`; never a second open task of a kind. How many were added.
pub(crate) fn create_stage_work<'a>(
    conn: impl Into<Db<'a>>,
    loan: LoanId,
    stage: Stage,
    as_of: NaiveDate,
    created_by: &str,
    at: &str,
) -> Result<u64> {
    let conn = conn.into();
    let calendar = calendar_of(conn)?;
    let due = WorkDue { as_of, overdue_since: None, calendar: &calendar };
    create_stage_work_due(conn, loan, stage, &due, created_by, at)
}

/// `create_stage_work` with the day the loan fell overdue and a calendar read once (the run's).
pub(crate) fn create_stage_work_due<'a>(
    conn: impl Into<Db<'a>>,
    loan: LoanId,
    stage: Stage,
    due: &WorkDue<'_>,
    created_by: &str,
    at: &str,
) -> Result<u64> {
    let mut writes = store::RunWrites::now();
    stage_work_into(conn.into(), &mut writes, loan, stage, due, None, created_by, at)?;
    Ok(writes.added())
}

/// The work of the entered stage through `writes` (the run's page's, on the server written with
/// the page). `lacking_dunning`: whether the month lacks the loan's dunning notice, where the page
/// knows it; else it is asked.
#[allow(clippy::too_many_arguments)]
pub(crate) fn stage_work_into(
    conn: Db<'_>,
    writes: &mut store::RunWrites,
    loan: LoanId,
    stage: Stage,
    due: &WorkDue<'_>,
    lacking_dunning: Option<bool>,
    created_by: &str,
    at: &str,
) -> Result<()> {
    let as_of = due.as_of;
    let kinds = stage_work(stage, false);
    if kinds.is_empty() {
        return Ok(());
    }
    let kinds = if stage == Stage::Guarantor {
        stage_work(stage, store::loan_has_collateral(conn, loan)?)
    } else {
        kinds
    };
    for k in kinds {
        match k {
            // The month's notice, whether the stage or the monthly rule asks for it.
            TaskKind::DunningNotice => match lacking_dunning {
                Some(true) => writes.task_once(conn, loan, k.as_str(), due.dunning(), created_by, at)?,
                Some(false) => {}
                None => {
                    if dunning_due(conn, loan, as_of)? {
                        writes.task_once(conn, loan, k.as_str(), due.dunning(), created_by, at)?;
                    }
                }
            },
            TaskKind::GuarantorDemand => {
                writes.task_once(conn, loan, k.as_str(), due.demand(), created_by, at)?
            }
            _ => writes.task_once(conn, loan, k.as_str(), as_of, created_by, at)?,
        }
    }
    Ok(())
}

/// The stages in which an overdue loan's dunning notice falls due every calendar month: the
/// collection stages before legal (in legal the packet and the court or arbitration body take over;
/// DOMAIN §6 lists the monthly notice as collection work).
pub fn dunning_monthly_in(stage: Stage) -> bool {
    matches!(stage, Stage::Reminder | Stage::Negotiation | Stage::Guarantor)
}

fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = day.with_day(1).unwrap_or(day);
    (start, add_months(start, 1) - Duration::days(1))
}

/// Whether the month of `as_of` still lacks the loan's dunning-notice task: none open, none due in
/// the month, no dunning notice issued in it.
pub(crate) fn dunning_due<'a>(conn: impl Into<Db<'a>>, loan: LoanId, as_of: NaiveDate) -> Result<bool> {
    let conn = conn.into();
    let (start, end) = month_of(as_of);
    Ok(store::monthly_task_due(conn, loan, TaskKind::DunningNotice.as_str(), "dunning", start, end)?)
}

/// The loans with an id in `(after, last]` whose month of `as_of` has its dunning notice (task or
/// notice) already, where the store answers a page at once (`store::monthly_task_had`).
pub(crate) fn dunning_had<'a>(
    conn: impl Into<Db<'a>>,
    range: (i64, i64),
    as_of: NaiveDate,
) -> Result<Option<std::collections::HashSet<i64>>> {
    let (start, end) = month_of(as_of);
    Ok(store::monthly_task_had(conn, range, TaskKind::DunningNotice.as_str(), "dunning", start, end)?)
}

/// `dunning_due` from a page's `dunning_had` where there is one.
pub(crate) fn dunning_due_in<'a>(
    conn: impl Into<Db<'a>>,
    had: Option<&std::collections::HashSet<i64>>,
    loan: LoanId,
    as_of: NaiveDate,
) -> Result<bool> {
    match had {
        Some(had) => Ok(!had.contains(&loan.0)),
        None => dunning_due(conn, loan, as_of),
    }
}

/// Adds the month's dunning-notice task through `writes` to a loan found lacking it, nothing having
/// been added to it since.
pub(crate) fn add_dunning_lacking(
    conn: Db<'_>,
    writes: &mut store::RunWrites,
    loan: LoanId,
    due: &WorkDue<'_>,
    created_by: &str,
    at: &str,
) -> Result<()> {
    Ok(writes.task_once(conn, loan, TaskKind::DunningNotice.as_str(), due.dunning(), created_by, at)?)
}

/// The day a maturity notice falls due: a month before final maturity (clamped to the month's end).
pub fn maturity_notice_on(maturity: NaiveDate) -> NaiveDate {
    maturity.checked_sub_months(chrono::Months::new(1)).unwrap_or(maturity)
}

/// Whether on `as_of` a loan maturing on `maturity` wants its maturity notice: from a month ahead
/// up to the day.
pub fn maturity_notice_wanted(maturity: NaiveDate, as_of: NaiveDate) -> bool {
    (maturity_notice_on(maturity)..=maturity).contains(&as_of)
}

/// Adds the maturity notice's task, due a month before `maturity`, unless one was added for it
/// already or a maturity notice was issued since then; whether it was added.
pub(crate) fn add_maturity_notice<'a>(
    conn: impl Into<Db<'a>>,
    loan: LoanId,
    maturity: NaiveDate,
    created_by: &str,
    at: &str,
) -> Result<bool> {
    let conn = conn.into();
    let due = maturity_notice_on(maturity);
    if !store::maturity_notice_due(conn, loan, due)? {
        return Ok(false);
    }
    add_maturity_lacking(conn, loan, maturity, created_by, at)
}

/// Adds the maturity notice's task to a loan found lacking it (`store::MaturityHad`).
pub(crate) fn add_maturity_lacking<'a>(
    conn: impl Into<Db<'a>>,
    loan: LoanId,
    maturity: NaiveDate,
    created_by: &str,
    at: &str,
) -> Result<bool> {
    let due = maturity_notice_on(maturity);
    Ok(store::add_task_once(conn, loan, TaskKind::MaturityNotice.as_str(), due, created_by, at)?)
}

/// Closes the loan's open tasks that belong to stages after `kept` (all of them when `kept` is
/// `None`: cure, closing, write-off), noting why; how many.
pub(crate) fn close_work<'a>(
    conn: impl Into<Db<'a>>,
    loan: LoanId,
    kept: Option<Stage>,
    on: NaiveDate,
    by: &str,
    note: &str,
) -> Result<u64> {
    let conn = conn.into();
    match kept {
        None => Ok(store::close_open_tasks(conn, loan, None, on, by, note)?),
        Some(kept) => {
            let kinds: Vec<&str> =
                TaskKind::ALL.iter().copied().filter(|k| k.stage() > kept).map(TaskKind::as_str).collect();
            Ok(store::close_open_tasks(conn, loan, Some(&kinds), on, by, note)?)
        }
    }
}

/// Completes the loan's open task of `kind`, if any, inside the caller's transaction.
pub(crate) fn complete_work<'a>(
    conn: impl Into<Db<'a>>,
    loan: LoanId,
    kind: TaskKind,
    on: NaiveDate,
    by: &str,
    note: &str,
) -> Result<Option<i64>> {
    let conn = conn.into();
    Ok(store::complete_open_task(conn, loan, kind.as_str(), on, by, Some(note))?)
}

/// A task as the command line and `show` give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskView {
    pub id: i64,
    pub loan_id: String,
    pub borrower: String,
    pub assignee: Option<String>,
    pub kind: TaskKind,
    pub due_on: NaiveDate,
    pub created_by: String,
    pub created_at: String,
    pub done_on: Option<NaiveDate>,
    pub done_by: Option<String>,
    pub note: Option<String>,
}

pub(crate) fn view(r: TaskRecord) -> Result<TaskView> {
    let kind = r
        .kind
        .parse()
        .map_err(|_| AppError::Store(StoreError::Corrupt(format!("task kind '{}'", r.kind))))?;
    Ok(TaskView {
        id: r.id,
        loan_id: r.loan_ref,
        borrower: r.borrower,
        assignee: r.assignee,
        kind,
        due_on: r.due_on,
        created_by: r.created_by,
        created_at: r.created_at,
        done_on: r.done_on,
        done_by: r.done_by,
        note: r.note,
    })
}

/// The task list's question.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskQuery {
    pub assignee: Option<String>,
    pub kind: Option<TaskKind>,
    pub due_by: Option<NaiveDate>,
    /// Done tasks too.
    pub all: bool,
}

impl Desk {
    /// Tasks by due date: open ones unless `all`.
    pub fn tasks(&self, q: &TaskQuery) -> Result<Vec<TaskView>> {
        let conn = self.store.db();
        let assignee = match q.assignee.as_deref() {
            Some(login) => Some(
                store::user_by_login(conn, login)?
                    .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
                    .id,
            ),
            None => None,
        };
        let filter = TaskFilter {
            assignee,
            kind: q.kind.map(|k| k.as_str().to_string()),
            due_by: q.due_by,
            open: !q.all,
        };
        store::list_tasks(conn, &filter)?.into_iter().map(view).collect()
    }

    /// A loan's tasks, open first.
    pub(crate) fn tasks_of(&self, loan: LoanId) -> Result<Vec<TaskView>> {
        store::tasks_of(self.store.db(), loan)?.into_iter().map(view).collect()
    }

    /// Marks a task done by hand (the case's owner or a supervisor), with an audit entry.
    pub fn task_done(&mut self, id: i64, note: Option<&str>) -> Result<TaskView> {
        let note = note.map(|n| text_in(n, "the note", Lines::Many)).transpose()?;
        let record = store::task_by_id(self.store.db(), id)?
            .ok_or_else(|| AppError::Input(format!("unknown task {id}")))?;
        let loan = self.loan(&record.loan_ref)?;
        self.require_case(&loan, "completing a task")?;
        let (on, at, actor) = (self.as_of, self.stamp(), self.actor.login.clone());
        self.store.write(|tx| -> Result<TaskView> {
            let current =
                store::task_by_id(tx, id)?.ok_or_else(|| AppError::Input(format!("unknown task {id}")))?;
            if let Some(done) = current.done_on {
                return Err(AppError::Refused(format!(
                    "task {id} ({} on {}) was already done on {done} by {}",
                    current.kind,
                    current.loan_ref,
                    current.done_by.as_deref().unwrap_or("?")
                )));
            }
            store::complete_task(tx, id, on, &actor, note)?;
            let audit = serde_json::json!({
                "task": id, "kind": current.kind, "note": note, "before": "open", "after": format!("done on {on}"),
            });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "task_done",
                "loan",
                Some(&loan.loan_ref),
                &audit.to_string(),
            )?;
            let done =
                store::task_by_id(tx, id)?.ok_or_else(|| AppError::Input(format!("unknown task {id}")))?;
            view(done)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stage_creates_its_work() {
        assert_eq!(stage_work(Stage::Current, true), vec![]);
        assert_eq!(stage_work(Stage::Reminder, false), vec![TaskKind::Call, TaskKind::DunningNotice]);
        assert_eq!(stage_work(Stage::Negotiation, false), vec![TaskKind::PlanOffer]);
        assert_eq!(stage_work(Stage::Guarantor, false), vec![TaskKind::GuarantorDemand]);
        assert_eq!(
            stage_work(Stage::Guarantor, true),
            vec![TaskKind::GuarantorDemand, TaskKind::CollateralRevaluation]
        );
        assert_eq!(stage_work(Stage::Legal, true), vec![TaskKind::LegalPacket]);
        assert_eq!(stage_work(Stage::Closed, true), vec![]);
        for &k in TaskKind::ALL {
            assert_eq!(k.as_str().parse::<TaskKind>(), Ok(k));
        }
        assert!("visit".parse::<TaskKind>().is_err());
    }

    #[test]
    fn each_kind_belongs_to_the_stage_that_creates_it() {
        for stage in [Stage::Reminder, Stage::Negotiation, Stage::Guarantor, Stage::Legal] {
            for k in stage_work(stage, true) {
                assert_eq!(k.stage(), stage, "{k}");
            }
        }
        let monthly: Vec<Stage> = [
            Stage::Current,
            Stage::Reminder,
            Stage::Negotiation,
            Stage::Guarantor,
            Stage::Legal,
            Stage::Closed,
            Stage::WrittenOff,
        ]
        .into_iter()
        .filter(|s| dunning_monthly_in(*s))
        .collect();
        assert_eq!(monthly, [Stage::Reminder, Stage::Negotiation, Stage::Guarantor]);
        let d = |s: &str| crate::domain::parse_date(s).expect("date");
        assert_eq!(month_of(d("2026-02-14")), (d("2026-02-01"), d("2026-02-28")));
        assert_eq!(month_of(d("2026-12-31")), (d("2026-12-01"), d("2026-12-31")));
    }
}
