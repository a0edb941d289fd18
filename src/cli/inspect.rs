//! `duedesk inspect`, `inspections`, `inspection-review` and `reviews`: post-loan inspection
//! (DOMAIN §10) from the command line, as table, CSV or JSON (CONTRACT: `inspections`).

use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;

use super::format::Format;
use super::output::{csv, csv_list, header, json, print, table_width};
use super::table::{self, flex, left, right};
use crate::app::inspect::{InspectInput, InspectionList, InspectionQuery, ReviewInput, ReviewItem};
use crate::app::views::{InspectionRow, InspectionView};
use crate::app::{Desk, Result};
use crate::domain::RiskClass;
use crate::domain::inspection::{Check, Checklist, Conclusion, InspectionKind, InspectionMode};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Loan id
    pub loan: String,
    /// first (首次), routine (常规) or special (专项)
    #[arg(long, value_parser = parse_word::<InspectionKind>)]
    pub kind: InspectionKind,
    /// onsite (现场) or offsite (非现场)
    #[arg(long, value_parser = parse_word::<InspectionMode>)]
    pub mode: InspectionMode,
    /// The day it was made [default: the as-of date]
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub on: Option<NaiveDate>,
    /// Funds used as agreed (资金用途): ok, concern or n/a
    #[arg(long, value_parser = parse_word::<Check>)]
    pub funds: Check,
    /// Business or income as before (经营/收入): ok, concern or n/a
    #[arg(long, value_parser = parse_word::<Check>)]
    pub business: Check,
    /// Collateral intact and insured (押品): ok, concern or n/a
    #[arg(long, value_parser = parse_word::<Check>)]
    pub collateral: Check,
    /// Guarantor still able (担保能力): ok, concern or n/a
    #[arg(long, value_parser = parse_word::<Check>)]
    pub guarantor: Check,
    /// normal, concern or risk
    #[arg(long, value_parser = parse_word::<Conclusion>)]
    pub conclusion: Conclusion,
    /// What was found
    #[arg(long, value_name = "TEXT")]
    pub findings: String,
    /// A worse class for a supervisor to accept (special_mention, substandard, doubtful, loss)
    #[arg(long, value_parser = parse_word::<RiskClass>, value_name = "CLASS")]
    pub recommend_class: Option<RiskClass>,
    /// This record corrects inspection ID (records are append-only)
    #[arg(long, value_name = "ID")]
    pub corrects: Option<i64>,
}

#[derive(Debug, Args)]
pub struct InspectionsArgs {
    /// What is scheduled and not yet done, overdue included (the default)
    #[arg(long, conflicts_with_all = ["overdue", "done"])]
    pub due: bool,
    /// Only those due before the as-of date
    #[arg(long, conflicts_with = "done")]
    pub overdue: bool,
    /// Inspections recorded, newest first
    #[arg(long)]
    pub done: bool,
    /// Scheduled ones of this owner's cases; recorded ones by this inspector
    #[arg(long, value_name = "USER")]
    pub owner: Option<String>,
    /// first, routine or special
    #[arg(long, value_parser = parse_word::<InspectionKind>)]
    pub kind: Option<InspectionKind>,
    /// Due (or done) on or after this date
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Due (or done) on or before this date
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// The first N rows
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Skip this many rows first (paging)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Inspection id (from `duedesk inspections --done` or `duedesk reviews`)
    pub id: i64,
    /// The supervisor's opinion (签署意见)
    #[arg(long, value_name = "TEXT")]
    pub comment: String,
    /// Accept the recommended class: it becomes the loan's manual class from the as-of date
    #[arg(long)]
    pub accept_class: bool,
    /// The accepted class's last day [default: until lifted]
    #[arg(long, value_parser = parse_day, value_name = "DATE", requires = "accept_class")]
    pub class_until: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct ReviewsArgs {
    /// The first N entries
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

fn parse_word<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T, String> {
    s.parse()
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    crate::domain::parse_date(s)
}

fn dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// An inspection row as one CSV line: every field, empty where it has none.
#[derive(Serialize)]
struct CsvRow<'a> {
    loan_id: &'a str,
    borrower: &'a str,
    owner: Option<&'a str>,
    kind: InspectionKind,
    due_on: Option<NaiveDate>,
    overdue: bool,
    asked_on: Option<NaiveDate>,
    reason: Option<&'a str>,
    id: Option<i64>,
    done_on: Option<NaiveDate>,
    mode: Option<InspectionMode>,
    inspector: Option<&'a str>,
    conclusion: Option<Conclusion>,
    reviewed_by: Option<&'a str>,
    review_due: Option<NaiveDate>,
}

fn csv_row(r: &InspectionRow) -> CsvRow<'_> {
    let rec = r.recorded.as_ref();
    CsvRow {
        loan_id: &r.loan_id,
        borrower: &r.borrower,
        owner: r.owner.as_deref(),
        kind: r.kind,
        due_on: r.due_on,
        overdue: r.overdue,
        asked_on: r.asked_on,
        reason: r.reason.as_deref(),
        id: rec.map(|x| x.id),
        done_on: rec.map(|x| x.done_on),
        mode: rec.map(|x| x.mode),
        inspector: rec.and_then(|x| x.inspector.as_deref()),
        conclusion: rec.map(|x| x.conclusion),
        reviewed_by: rec.and_then(|x| x.reviewed_by.as_deref()),
        review_due: rec.map(|x| x.review_due),
    }
}

fn rows(desk: &Desk, list: InspectionList, rows: &[InspectionRow], format: Format) -> Result<()> {
    match format {
        Format::Json => json(rows),
        Format::Csv => csv_list(rows.iter().map(csv_row), header::INSPECTIONS),
        Format::Table if list == InspectionList::Done => {
            let cols = [
                left("DONE"),
                right("ID"),
                left("KIND"),
                left("MODE"),
                left("LOAN"),
                flex("BORROWER", 6),
                left("RESULT"),
                flex("INSPECTOR", 6),
                left("REVIEWED"),
            ];
            let body: Vec<Vec<String>> = rows
                .iter()
                .filter_map(|r| r.recorded.as_ref().map(|x| (r, x)))
                .map(|(r, x)| {
                    vec![
                        x.done_on.to_string(),
                        x.id.to_string(),
                        format!("{}{}", r.kind, if r.overdue { "!" } else { "" }),
                        x.mode.to_string(),
                        r.loan_id.clone(),
                        r.borrower.clone(),
                        x.conclusion.to_string(),
                        dash(x.inspector.as_deref()),
                        x.reviewed_by.clone().unwrap_or_else(|| format!("due {}", x.review_due)),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if rows.is_empty() {
                print("(no inspections)\n")?;
            }
            Ok(())
        }
        Format::Table => {
            let cols = [
                left("DUE"),
                right("LATE"),
                left("KIND"),
                left("LOAN"),
                flex("BORROWER", 6),
                flex("OWNER", 6),
            ];
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let late = r.days_overdue(desk.as_of);
                    vec![
                        dash(r.due_on),
                        if late > 0 { format!("{late}d") } else { "-".into() },
                        r.kind.to_string(),
                        r.loan_id.clone(),
                        r.borrower.clone(),
                        dash(r.owner.as_deref()),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if rows.is_empty() {
                print("(no inspections)\n")?;
            }
            Ok(())
        }
    }
}

fn one(v: &InspectionView, format: Format, said: String) -> Result<()> {
    match format {
        Format::Json => json(v),
        Format::Csv => csv(std::iter::once(csv_row(&InspectionRow::recorded(v.clone())))),
        Format::Table => print(&said),
    }
}

/// `duedesk inspect LOAN …`: records an inspection.
pub fn inspect(desk: &mut Desk, a: &InspectArgs, format: Format) -> Result<()> {
    let input = InspectInput {
        loan: a.loan.clone(),
        kind: a.kind,
        mode: a.mode,
        on: a.on,
        checklist: Checklist {
            funds: a.funds,
            business: a.business,
            collateral: a.collateral,
            guarantor: a.guarantor,
        },
        findings: a.findings.clone(),
        conclusion: a.conclusion,
        recommend_class: a.recommend_class,
        corrects: a.corrects,
    };
    let v = desk.inspect(&input)?;
    let next = if format == Format::Table { desk.show(&v.loan_id)?.next_inspections } else { Vec::new() };
    let next =
        next.iter().map(|n| format!("{} due {}", n.kind, dash(n.due_on))).collect::<Vec<_>>().join(", ");
    let said = format!(
        "recorded inspection {} of {} ({} {}, {}): review due {}; next: {}\n",
        v.id,
        v.loan_id,
        v.kind,
        v.mode,
        v.conclusion,
        v.review_due,
        if next.is_empty() { "none".to_string() } else { next }
    );
    one(&v, format, said)
}

/// `duedesk inspections`: due, overdue or done.
pub fn list(desk: &Desk, a: &InspectionsArgs, format: Format) -> Result<()> {
    let list = if a.overdue {
        InspectionList::Overdue
    } else if a.done {
        InspectionList::Done
    } else {
        InspectionList::Due
    };
    let q = InspectionQuery {
        list,
        owner: a.owner.clone(),
        kind: a.kind,
        from: a.from,
        to: a.to,
        limit: a.limit,
        offset: a.offset,
    };
    rows(desk, list, &desk.inspections(&q, false)?.rows, format)
}

/// `duedesk inspection-review ID --comment …`: a supervisor's review.
pub fn review(desk: &mut Desk, a: &ReviewArgs, format: Format) -> Result<()> {
    let input = ReviewInput {
        id: a.id,
        comment: a.comment.clone(),
        accept_class: a.accept_class,
        class_until: a.class_until,
    };
    let v = desk.review_inspection(&input)?;
    let accepted = v.accepted_class.map_or_else(String::new, |c| format!("; {} is now {c}", v.loan_id));
    let said =
        format!("reviewed inspection {} of {} on {}{}\n", v.id, v.loan_id, dash(v.reviewed_on), accepted);
    one(&v, format, said)
}

/// `duedesk reviews`: what awaits a supervisor's signature, soonest deadline first.
pub fn reviews(desk: &Desk, a: &ReviewsArgs, format: Format) -> Result<()> {
    let items: Vec<ReviewItem> = desk.awaiting_review(a.limit)?;
    match format {
        Format::Json => json(&items),
        Format::Csv => csv_list(items.iter(), header::REVIEWS),
        Format::Table => {
            let cols = [
                left("DUE"),
                right("LEFT"),
                left("WHAT"),
                right("ID"),
                left("ON"),
                left("SUBJECT"),
                flex("NAME", 6),
                flex("BY", 6),
                flex("ABOUT", 8),
            ];
            let body: Vec<Vec<String>> = items
                .iter()
                .map(|i| {
                    vec![
                        i.due_on.to_string(),
                        i.days_left.to_string(),
                        i.kind.to_string(),
                        i.id.to_string(),
                        i.on.to_string(),
                        i.subject.clone(),
                        i.name.clone(),
                        dash(i.by.as_deref()),
                        i.what.clone(),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if items.is_empty() {
                print("(nothing awaits a signature)\n")?;
            }
            Ok(())
        }
    }
}
