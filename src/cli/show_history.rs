//! `show`'s table output: the loan's class and stage history, newest first.

use std::fmt::Write;

use super::table::{self, flex, left};
use crate::app::views::LoanDetail;

/// The class changes, then the stage moves, each a table of its own when there are any.
pub(super) fn history(t: &mut String, d: &LoanDetail, width: usize) {
    if !d.class_events.is_empty() {
        let _ = writeln!(t, "\nClass history (newest first)");
        let rows: Vec<Vec<String>> = d
            .class_events
            .iter()
            .map(|e| {
                vec![
                    e.on.to_string(),
                    format!("{} → {}", e.from, e.to),
                    e.reason.to_string(),
                    e.cause.to_string(),
                    e.user.clone().unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        t.push_str(&table::render(
            &[left("ON"), left("CHANGE"), left("REASON"), left("CAUSE"), flex("BY", 6)],
            &rows,
            width,
        ));
    }
    if !d.stage_events.is_empty() {
        let _ = writeln!(t, "\nStage history (newest first)");
        let rows: Vec<Vec<String>> = d
            .stage_events
            .iter()
            .map(|e| {
                vec![
                    e.as_of.to_string(),
                    e.at.chars().take(16).collect::<String>().replace('T', " "),
                    format!("{} → {}", e.from, e.to),
                    e.actor.clone(),
                    e.reason.clone(),
                ]
            })
            .collect();
        t.push_str(&table::render(
            &[left("AS OF"), left("AT"), left("MOVE"), flex("BY", 6), flex("REASON", 10)],
            &rows,
            width,
        ));
    }
}
