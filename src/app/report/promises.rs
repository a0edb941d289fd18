//! `report promises`: promises kept by month and owner (DOMAIN §11's "promises kept"), the
//! scorecard's count of the promises whose grace ended in each month. Promises are not month-end
//! figures, so this report alone reads the promises and payments themselves.

use serde::Serialize;

use super::figures::{By, ReportSpan};
use crate::app::{AppError, Desk, Result};
use crate::domain::Role;
use crate::domain::report::{Month, Share};

/// Promises whose grace ended in a month, of one owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromiseRow {
    pub group: Option<String>,
    pub month: Month,
    pub kept: u64,
    pub broken: u64,
    pub rate: Share,
}

impl Desk {
    /// Promises kept and broken each month from `from` to `to` (the months begun by the desk's
    /// date), by owner; the whole team's sum without `--by`.
    pub fn report_promises(&self, span: ReportSpan) -> Result<Vec<PromiseRow>> {
        self.actor.require(Role::Supervisor, "the risk reports")?;
        if matches!(span.by, Some(By::Branch | By::Product)) {
            return Err(AppError::Input("report promises is by owner only: --by owner, or no --by".into()));
        }
        if span.from > span.to {
            return Err(AppError::Input(format!("--from {} must not be after --to {}", span.from, span.to)));
        }
        let mut out = Vec::new();
        let mut month = span.from;
        while month <= span.to && month.first_day() <= self.as_of {
            let cards = self.promise_tallies(month)?;
            let row = |group: Option<String>, kept: u64, broken: u64| PromiseRow {
                group,
                month,
                kept,
                broken,
                rate: Share::of(kept.into(), (kept + broken).into()),
            };
            match span.by {
                Some(_) => {
                    out.extend(cards.into_iter().map(|(user, kept, broken)| row(Some(user), kept, broken)))
                }
                None => out.push(row(
                    None,
                    cards.iter().map(|(_, kept, _)| kept).sum(),
                    cards.iter().map(|(_, _, broken)| broken).sum(),
                )),
            }
            month = month.next();
        }
        Ok(out)
    }
}
