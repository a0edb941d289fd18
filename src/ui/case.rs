//! The case view: terms, delinquency, guarantor and collateral, the customer's other loans, then
//! one pane at a time (schedule with what is paid, contacts newest first, stages and owners).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::look::Look;
use super::table::{self, Col, col};
use crate::app::desk_state::{CasePane, CaseState};
use crate::app::views::LoanDetail;
use crate::text;

/// Lines of the case header (the state's `CASE_CHROME` counts them).
pub const HEADER_LINES: u16 = 7;

const SCHEDULE: [Col; 7] = [
    col("#", 3, true, 0),
    col("DUE", 10, false, 0),
    col("PAYMENT", 10, true, 0),
    col("PRINCIPAL", 10, true, 2),
    col("INTEREST", 9, true, 1),
    col("PAID", 10, true, 0),
    col("STATUS", 0, false, 0),
];

const CONTACTS: [Col; 6] = [
    col("WHEN", 16, false, 0),
    col("PARTY", 9, false, 2),
    col("BY", 6, false, 3),
    col("OUTCOME", 12, false, 0),
    col("USER", 9, false, 1),
    col("NOTE", 0, false, 0),
];

const HISTORY: [Col; 4] = [
    col("WHEN", 10, false, 0),
    col("CHANGE", 26, false, 0),
    col("BY", 9, false, 1),
    col("REASON", 0, false, 0),
];

fn dash<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".to_string(), ToString::to_string)
}

fn header_lines(d: &LoanDetail) -> Vec<String> {
    let s = &d.summary;
    let mut lines = vec![
        format!(
            "{}  {}  · customer {} · owner {} · branch {}",
            s.loan_id,
            s.borrower,
            d.customer_id,
            dash(&s.assignee),
            dash(&d.branch)
        ),
        format!(
            "{} {} at {}% for {} months from {} · phone {}",
            s.product,
            s.principal,
            d.annual_rate,
            d.term_months,
            d.disbursed_on,
            dash(&s.phone)
        ),
        format!(
            "DPD {} · {} · {} · stage {}{} · {}",
            s.dpd,
            s.bucket,
            s.class,
            s.stage,
            d.agency_name.as_deref().map_or_else(String::new, |a| format!(" (agency {a})")),
            s.status
        ),
        format!(
            "overdue principal {} · interest {} · penalty {} · payoff {}",
            s.overdue_principal, s.overdue_interest, s.penalty_interest, s.payoff_amount
        ),
        format!(
            "outstanding {} · paid {} · next due {} {}",
            s.outstanding_principal,
            d.paid_total,
            dash(&s.next_due_on),
            if s.next_due_on.is_some() { s.next_due_amount.to_string() } else { String::new() }
        ),
    ];
    let guarantor = match (&d.guarantor, &d.guarantor_phone) {
        (Some(g), Some(p)) => format!("{g} ({p})"),
        (Some(g), None) => g.clone(),
        _ => "none".into(),
    };
    lines.push(format!("guarantor {guarantor} · collateral {}", d.collateral.as_deref().unwrap_or("none")));
    lines.push(if d.other_loans.is_empty() {
        "other loans of the customer: none".to_string()
    } else {
        format!("other loans of the customer: {}", d.other_loans.join(", "))
    });
    lines
}

fn pane_rows(d: &LoanDetail, pane: CasePane) -> (&'static [Col], Vec<Vec<String>>) {
    match pane {
        CasePane::Schedule => (
            &SCHEDULE,
            d.schedule
                .iter()
                .map(|l| {
                    vec![
                        l.seq.to_string(),
                        l.due_on.to_string(),
                        l.payment.to_string(),
                        l.principal.to_string(),
                        l.interest.to_string(),
                        (l.paid_principal + l.paid_interest).to_string(),
                        l.status.as_str().to_string(),
                    ]
                })
                .collect(),
        ),
        CasePane::Contacts => (
            &CONTACTS,
            d.contacts
                .iter()
                .map(|c| {
                    vec![
                        c.at.get(..16).unwrap_or(&c.at).replace('T', " "),
                        c.party.to_string(),
                        c.channel.to_string(),
                        c.outcome.to_string(),
                        dash(&c.user),
                        c.note.clone(),
                    ]
                })
                .collect(),
        ),
        CasePane::History => {
            let mut rows: Vec<Vec<String>> = d
                .stage_events
                .iter()
                .map(|e| {
                    vec![
                        e.as_of.to_string(),
                        format!("stage {} → {}", e.from, e.to),
                        e.actor.clone(),
                        e.reason.clone(),
                    ]
                })
                .collect();
            rows.extend(d.assignments.iter().map(|a| {
                vec![
                    a.at.get(..10).unwrap_or(&a.at).to_string(),
                    format!("owner {} → {}", dash(&a.from), dash(&a.to)),
                    dash(&a.by),
                    dash(&a.reason),
                ]
            }));
            (&HISTORY, rows)
        }
    }
}

pub fn draw(frame: &mut Frame, area: Rect, case: &CaseState, look: &Look) {
    let theme = &look.theme;
    if area.height == 0 || area.width == 0 {
        return;
    }
    let w = usize::from(area.width);
    let Some(d) = &case.detail else {
        let note = match &case.error {
            Some(e) => format!("  {}: {e}", case.loan),
            None => format!("  loading {}…", case.loan),
        };
        frame.render_widget(Paragraph::new(Line::styled(note, theme.base())), area);
        return;
    };
    let mut lines: Vec<Line> = header_lines(d)
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let style = if i == 0 { theme.title() } else { theme.base() };
            Line::styled(text::truncate(&l, w), style)
        })
        .collect();
    let mut tabs: Vec<Span> = Vec::new();
    for (i, p) in CasePane::ALL.iter().enumerate() {
        if i > 0 {
            tabs.push(Span::raw(look.separator()));
        }
        tabs.push(Span::styled(format!(" {} ", p.title()), theme.tab(*p == case.pane)));
    }
    lines.push(Line::from(tabs));
    let (cols, rows) = pane_rows(d, case.pane);
    let widths = table::layout(cols, w);
    lines.push(table::header(cols, &widths, theme.header()));
    let room = usize::from(area.height).saturating_sub(lines.len());
    if rows.is_empty() {
        lines.push(Line::styled("  none yet", theme.dim()));
    }
    let skip = usize::try_from(case.scroll).unwrap_or(0);
    for r in rows.iter().skip(skip).take(room) {
        lines.push(table::line(cols, &widths, r, theme.base(), &[]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
