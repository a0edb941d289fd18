//! `report pack --month --out DIR`: the month's risk report for the monthly meeting, as one HTML
//! page with its charts (`pack_html.rs`) and each report's figures as CSV, in a new or empty
//! folder (`out_folder.rs`); a supervisor's action, audited.

use std::path::Path;

use serde::Serialize;

use super::figures::ReportSpan;
use super::pack_html::{PackFigures, render};
use super::screen::HISTORY_MONTHS;
use crate::app::notice_text::NoticeLang;
use crate::app::out_folder::Written;
use crate::app::{AppError, Desk, Result};
use crate::domain::Role;
use crate::domain::report::Month;
use crate::store;

/// What a pack wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackReport {
    pub month: Month,
    pub compared_with: Option<Month>,
    pub out: String,
    pub files: Vec<String>,
}

impl Desk {
    /// Writes the month's report pack into `out`.
    pub fn report_pack(&mut self, month: Month, out: &Path, lang: NoticeLang) -> Result<PackReport> {
        let actor = self.actor.require(Role::Supervisor, "the monthly report pack")?.login.clone();
        let months: Vec<Month> = store::month_ends(self.store.db())?.into_iter().map(|m| m.month).collect();
        if !months.contains(&month) {
            return Err(AppError::Refused(format!(
                "no month-end recorded for {month}: `duedesk report capture --month {month}` computes it"
            )));
        }
        let prev = months.iter().rev().find(|m| **m < month).copied();
        let history = ReportSpan { from: month.plus(1 - HISTORY_MONTHS), to: month, by: None };
        let npl = self.report_npl(history)?;
        let vintage = self.report_vintage(history)?;
        let large = self.report_large(ReportSpan { from: month, ..history })?;
        let (migration, migration_rates, roll, roll_rates, cure) = match prev {
            Some(prev) => {
                let span = ReportSpan { from: prev, to: month, by: None };
                (
                    self.report_migration(span)?,
                    self.report_migration_rates(span)?,
                    self.report_roll(span)?,
                    self.report_roll_rates(span)?,
                    self.report_cure(span)?,
                )
            }
            None => Default::default(),
        };
        let stamp = self.stamp();
        let prepared = format!("{actor} · {stamp}");
        let html = render(
            &PackFigures {
                month,
                prev,
                prepared: &prepared,
                migration: &migration,
                migration_rates: &migration_rates,
                roll_rates: &roll_rates,
                npl: &npl,
                vintage: &vintage,
                cure: &cure,
                large: &large,
            },
            lang,
        );
        let mut written = Written::in_folder(
            out,
            "the report pack",
            "a report pack goes to a new or empty folder, so one never replaces another",
        )?;
        let mut files = Vec::new();
        let mut put = |written: &mut Written, name: &str, body: Result<Vec<u8>>| -> Result<()> {
            let path = out.join(name);
            let body = body?;
            written.write(path.clone(), &String::from_utf8_lossy(&body))?;
            files.push(path.display().to_string());
            Ok(())
        };
        put(&mut written, "report.html", Ok(html.into_bytes()))?;
        put(&mut written, "npl.csv", csv(&npl))?;
        put(&mut written, "migration.csv", csv(&migration))?;
        put(&mut written, "migration_rates.csv", csv(&migration_rates))?;
        put(&mut written, "roll.csv", csv(&roll))?;
        put(&mut written, "roll_rates.csv", csv(&roll_rates))?;
        put(&mut written, "vintage.csv", csv(&vintage))?;
        put(&mut written, "cure.csv", csv(&cure))?;
        put(&mut written, "large.csv", csv(&large))?;
        let detail =
            serde_json::json!({ "month": month, "out": out.display().to_string(), "lang": lang.as_str() });
        self.store.write(|tx| {
            store::insert_audit(
                tx,
                &stamp,
                &actor,
                "report_pack",
                "month_end",
                Some(&month.to_string()),
                &detail.to_string(),
            )
        })?;
        written.keep();
        Ok(PackReport { month, compared_with: prev, out: out.display().to_string(), files })
    }
}

fn csv<T: Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    crate::app::export::write_csv(&mut body, rows)
        .map_err(|e| AppError::Input(format!("writing a CSV: {e}")))?;
    Ok(body)
}
