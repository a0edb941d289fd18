//! `duedesk tasks` and `task-done`: the work the stages created, as table, CSV or JSON.

use chrono::NaiveDate;
use clap::Args;

use super::format::Format;
use super::output::{json, print, table_width};
use super::table::{self, flex, left, right};
use crate::app::tasks::{TaskKind, TaskQuery, TaskView};
use crate::app::{Desk, Result};

#[derive(Debug, Args)]
pub struct TasksArgs {
    /// Only tasks on cases owned by this desk user
    #[arg(long, value_name = "USER")]
    pub assignee: Option<String>,
    /// Only this kind: call, dunning_notice, plan_offer, guarantor_demand, collateral_revaluation, legal_packet
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<TaskKind>,
    /// Only tasks due on or before this date
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub due_by: Option<NaiveDate>,
    /// Open tasks only (the default)
    #[arg(long, conflicts_with = "all")]
    pub open: bool,
    /// Done tasks too
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct TaskDoneArgs {
    /// Task id (from `duedesk tasks`)
    pub id: i64,
    /// What was done
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

fn parse_kind(s: &str) -> Result<TaskKind, String> {
    s.parse()
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    crate::domain::parse_date(s)
}

fn show(tasks: &[TaskView], format: Format) -> Result<()> {
    match format {
        Format::Json => json(tasks),
        Format::Csv => super::output::csv_list(tasks.iter(), super::output::header::TASKS),
        Format::Table => {
            let cols = [
                right("ID"),
                left("LOAN"),
                left("KIND"),
                left("DUE"),
                left("OWNER"),
                left("DONE"),
                flex("BORROWER", 6),
            ];
            let body: Vec<Vec<String>> = tasks
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.loan_id.clone(),
                        t.kind.to_string(),
                        t.due_on.to_string(),
                        t.assignee.clone().unwrap_or_else(|| "-".into()),
                        t.done_on.map_or_else(|| "-".into(), |d| d.to_string()),
                        t.borrower.clone(),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if tasks.is_empty() {
                print("(no tasks)\n")?;
            }
            Ok(())
        }
    }
}

/// `duedesk tasks`: open tasks by due date (with `--all`, done ones too).
pub fn list(desk: &Desk, a: &TasksArgs, format: Format) -> Result<()> {
    let q = TaskQuery { assignee: a.assignee.clone(), kind: a.kind, due_by: a.due_by, all: a.all && !a.open };
    show(&desk.tasks(&q)?, format)
}

/// `duedesk task-done ID`: marks a task done by hand.
pub fn done(desk: &mut Desk, a: &TaskDoneArgs, format: Format) -> Result<()> {
    let t = desk.task_done(a.id, a.note.as_deref())?;
    match format {
        Format::Table => print(&format!(
            "task {} ({} on {}) done on {}\n",
            t.id,
            t.kind,
            t.loan_id,
            t.done_on.map_or_else(|| "-".into(), |d| d.to_string())
        )),
        other => show(std::slice::from_ref(&t), other),
    }
}
