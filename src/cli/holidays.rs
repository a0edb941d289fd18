//! `duedesk holidays import|list`: the working-day calendar (holidays and make-up working days),
//! as table, CSV or JSON.

use std::path::PathBuf;

use clap::Subcommand;

use serde::Serialize;

use super::format::Format;
use super::output::{csv, csv_list, header, json, print, table_width};
use super::table::{self, flex, left};
use crate::app::{Desk, Result, import};

#[derive(Debug, Subcommand)]
pub enum HolidaysCmd {
    /// Import a calendar CSV (date, kind: holiday|workday, name); each year it names is replaced
    /// (supervisor)
    Import { file: PathBuf },
    /// The calendar's dates
    List {
        /// Only this year
        #[arg(long, value_name = "YYYY")]
        year: Option<i32>,
    },
}

/// What an import did, as a CSV row.
#[derive(Serialize)]
struct Imported {
    days: u64,
    years: String,
    replaced: u64,
}

pub fn run(desk: &mut Desk, cmd: &HolidaysCmd, format: Format) -> Result<()> {
    match cmd {
        HolidaysCmd::Import { file } => {
            let r = import::import_holidays(desk, file)?;
            let years: Vec<String> = r.years.iter().map(ToString::to_string).collect();
            match format {
                Format::Json => json(&serde_json::json!({
                    "days": r.days, "years": r.years, "replaced": r.replaced,
                })),
                Format::Csv => csv([Imported { days: r.days, years: years.join(";"), replaced: r.replaced }]),
                Format::Table => print(&format!(
                    "imported {} dates for {} (replacing {} dates)\n",
                    r.days,
                    years.join(", "),
                    r.replaced
                )),
            }
        }
        HolidaysCmd::List { year } => {
            let days = desk.holidays(*year)?;
            match format {
                Format::Json => json(&days),
                Format::Csv => csv_list(days.iter(), header::HOLIDAYS),
                Format::Table => {
                    let cols = [left("DATE"), left("DAY"), left("KIND"), flex("NAME", 6)];
                    let body: Vec<Vec<String>> = days
                        .iter()
                        .map(|d| {
                            vec![
                                d.date.to_string(),
                                d.date.format("%a").to_string(),
                                d.kind.to_string(),
                                d.name.clone().unwrap_or_default(),
                            ]
                        })
                        .collect();
                    print(&table::render(&cols, &body, table_width()))?;
                    if days.is_empty() {
                        print("(no holidays: working days are Monday to Friday)\n")?;
                    }
                    Ok(())
                }
            }
        }
    }
}
