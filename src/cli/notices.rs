//! `duedesk notice`, `notice-receipt` and `notices`: issuing the written notices of a case and
//! recording their receipts, with output as table, CSV or JSON (CONTRACT.md).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;

use super::format::Format;
use super::output::{csv, json, print, table_width};
use super::table::{self, flex, left, right};
use crate::app::notice_text::{NoticeKind, NoticeLang};
use crate::app::notices::{NoticeView, ReceiptStatus};
use crate::app::{Desk, Result};

#[derive(Debug, Args)]
pub struct NoticeArgs {
    /// Loan id
    pub loan: String,
    /// dunning (催收通知书, monthly while overdue), guarantor_demand (履行担保责任通知书) or maturity
    /// (到期通知书, in the month before final maturity)
    #[arg(long, value_parser = parse_kind)]
    pub kind: NoticeKind,
    /// Language of the notice: zh (default) or en
    #[arg(long, value_parser = parse_lang, default_value = "zh")]
    pub lang: NoticeLang,
    /// Directory to write the .txt and .html files to (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Supervisor: issue a second dunning notice in the same calendar month
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ReceiptArgs {
    /// Notice id (from `duedesk notices LOAN`)
    pub id: i64,
    /// received (signed receipt back) or returned (undelivered)
    #[arg(long, value_parser = parse_status)]
    pub status: ReceiptStatus,
    /// The date the receipt came back [default: the as-of date]
    #[arg(long, value_parser = parse_day, value_name = "YYYY-MM-DD")]
    pub on: Option<NaiveDate>,
}

fn parse_kind(s: &str) -> Result<NoticeKind, String> {
    s.parse()
}

fn parse_lang(s: &str) -> Result<NoticeLang, String> {
    s.parse()
}

fn parse_status(s: &str) -> Result<ReceiptStatus, String> {
    match s.parse()? {
        ReceiptStatus::Pending => Err("a receipt is recorded as received or returned".into()),
        other => Ok(other),
    }
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    crate::domain::parse_date(s)
}

/// A notice as one CSV row (files joined with `;`).
#[derive(Serialize)]
struct Row<'a> {
    id: i64,
    number: &'a str,
    loan_id: &'a str,
    kind: NoticeKind,
    lang: NoticeLang,
    addressee: &'a str,
    issued_on: NaiveDate,
    pay_by: NaiveDate,
    overdue_principal: String,
    overdue_interest: String,
    penalty_interest: String,
    total_demanded: String,
    receipt_status: ReceiptStatus,
    receipt_on: Option<NaiveDate>,
    files: String,
    user: Option<&'a str>,
}

fn row(n: &NoticeView) -> Row<'_> {
    Row {
        id: n.id,
        number: &n.number,
        loan_id: &n.loan_id,
        kind: n.kind,
        lang: n.lang,
        addressee: &n.addressee,
        issued_on: n.issued_on,
        pay_by: n.pay_by,
        overdue_principal: n.overdue_principal.to_string(),
        overdue_interest: n.overdue_interest.to_string(),
        penalty_interest: n.penalty_interest.to_string(),
        total_demanded: n.total_demanded.to_string(),
        receipt_status: n.receipt_status,
        receipt_on: n.receipt_on,
        files: n.files.join(";"),
        user: n.user.as_deref(),
    }
}

/// `duedesk notice`: issues the notice; prints the files written (json: the notice).
pub fn issue(desk: &mut Desk, a: &NoticeArgs, format: Format) -> Result<()> {
    let n = desk.issue_notice(&a.loan, a.kind, a.lang, &a.out, a.force)?;
    match format {
        Format::Json => json(&n),
        Format::Csv => csv([row(&n)]),
        Format::Table => {
            eprintln!(
                "issued {} notice {} (id {}) on {} to {}: {} due by {}",
                n.kind.as_str().replace('_', " "),
                n.number,
                n.id,
                n.loan_id,
                crate::text::visible(&n.addressee),
                n.total_demanded,
                n.pay_by
            );
            print(&n.files.iter().map(|f| format!("{f}\n")).collect::<String>())
        }
    }
}

/// `duedesk notice-receipt`: records the receipt of a notice.
pub fn receipt(desk: &mut Desk, a: &ReceiptArgs, format: Format) -> Result<()> {
    let n = desk.notice_receipt(a.id, a.status, a.on)?;
    match format {
        Format::Json => json(&n),
        Format::Csv => csv([row(&n)]),
        Format::Table => print(&format!(
            "notice {} (id {}) on {}: receipt {} on {}\n",
            n.number,
            n.id,
            n.loan_id,
            n.receipt_status,
            n.receipt_on.map_or_else(|| "-".to_string(), |d| d.to_string())
        )),
    }
}

/// `duedesk notices LOAN`: the notices issued on a loan, newest first.
pub fn list(desk: &Desk, loan: &str, format: Format) -> Result<()> {
    let notices = desk.notices(loan)?;
    match format {
        Format::Json => json(&notices),
        Format::Csv => super::output::csv_list(notices.iter().map(row), super::output::header::NOTICES),
        Format::Table => {
            let cols = [
                right("ID"),
                left("NUMBER"),
                left("KIND"),
                left("LANG"),
                left("ISSUED"),
                right("DEMANDED"),
                left("RECEIPT"),
                flex("TO", 6),
            ];
            let body: Vec<Vec<String>> = notices
                .iter()
                .map(|n| {
                    let receipt = match n.receipt_on {
                        Some(d) => format!("{} {d}", n.receipt_status),
                        None => n.receipt_status.to_string(),
                    };
                    vec![
                        n.id.to_string(),
                        n.number.clone(),
                        n.kind.to_string(),
                        n.lang.to_string(),
                        n.issued_on.to_string(),
                        n.total_demanded.to_string(),
                        receipt,
                        n.addressee.clone(),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if notices.is_empty() {
                print("(no notices)\n")?;
            }
            Ok(())
        }
    }
}
