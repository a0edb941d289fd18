//! The case's post-loan panes (DOMAIN §10): the loan's inspections (what is scheduled first,
//! then the records, newest first), the customer's collateral with its valuation and what is due
//! on it, and the customer's work log. Rows as drawn and as read in full.

use chrono::NaiveDate;

use super::table::{Col, col};
use crate::app::strings::{Lang, fill};
use crate::app::views::LoanDetail;
use crate::domain::Money;
use crate::domain::warning::Level;

fn dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn money(m: Money, grouped: bool) -> String {
    if grouped { m.grouped() } else { m.to_string() }
}

/// A date and `!` when what it marks is past.
fn due_mark(d: Option<NaiveDate>, late: bool) -> String {
    format!("{}{}", dash(d), if late { "!" } else { "" })
}

pub fn inspections(d: &LoanDetail, lang: Lang) -> (Vec<Col>, Vec<Vec<String>>) {
    let t = lang.text();
    let cols = vec![
        col(t.col_date, 10, false, 0),
        col(t.col_kind, 8, false, 0),
        col(t.col_mode, 8, false, 3),
        col(t.col_result, 9, false, 0),
        col(t.col_inspector, 9, false, 2),
        col(t.col_signed, 12, false, 1),
        col(t.col_note, 0, false, 0),
    ];
    let as_of = d.summary.as_of;
    let mut rows: Vec<Vec<String>> = d
        .next_inspections
        .iter()
        .map(|n| {
            let late = n.days_overdue(as_of);
            let status = if late > 0 { format!("{} {late}d", t.col_late) } else { "-".into() };
            vec![
                dash(n.due_on),
                lang.post_loan_word(n.kind.as_str()),
                "-".into(),
                status,
                dash(n.owner.as_deref()),
                "-".into(),
                n.reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    rows.extend(d.inspections.iter().map(|r| {
        let review = match (&r.reviewed_by, r.reviewed_on) {
            (Some(by), Some(on)) => format!("{by} {}", on.format("%m-%d")),
            _ => due_mark(Some(r.review_due), r.review_due < as_of),
        };
        let findings = match (r.corrected_by, r.recommend_class) {
            (Some(by), _) => format!("(→{by}) {}", r.findings),
            (None, Some(c)) => format!("[{}] {}", lang.class(c), r.findings),
            _ => r.findings.clone(),
        };
        vec![
            r.done_on.to_string(),
            lang.post_loan_word(r.kind.as_str()),
            lang.post_loan_word(r.mode.as_str()),
            lang.post_loan_word(r.conclusion.as_str()),
            dash(r.inspector.as_deref()),
            review,
            findings,
        ]
    }));
    (cols, rows)
}

pub fn collateral(d: &LoanDetail, lang: Lang, grouped: bool) -> (Vec<Col>, Vec<Vec<String>>) {
    let t = lang.text();
    let cols = vec![
        col(t.col_item, 6, false, 0),
        col(t.col_status, 6, false, 3),
        col(t.col_value, 13, true, 0),
        col(t.col_valued, 10, false, 2),
        col(t.col_revalue, 11, false, 0),
        col(t.col_insured, 11, false, 1),
        col(t.col_note, 0, false, 0),
    ];
    let rows = d
        .collateral_items
        .iter()
        .map(|i| {
            vec![
                lang.post_loan_word(i.kind.as_str()),
                lang.post_loan_word(i.status.as_str()),
                i.value.map_or_else(|| "-".into(), |v| money(v, grouped)),
                dash(i.valued_on),
                due_mark(i.revalue_by, i.stale),
                due_mark(i.insured_until, i.uninsured),
                i.description.replace('\n', " "),
            ]
        })
        .collect();
    (cols, rows)
}

pub fn work_log(d: &LoanDetail, lang: Lang) -> (Vec<Col>, Vec<Vec<String>>) {
    let t = lang.text();
    let cols = vec![
        col(t.col_date, 10, false, 0),
        col(t.col_kind, 8, false, 0),
        col(t.col_user, 9, false, 2),
        col(t.col_sign_by, 11, false, 0),
        col(t.col_signed, 15, false, 1),
        col(t.col_note, 0, false, 0),
    ];
    let rows = d
        .work_logs
        .iter()
        .map(|w| {
            let signed = match (&w.signed_by, w.signed_on) {
                (Some(by), Some(on)) => format!("{by} {}", on.format("%m-%d")),
                _ => "-".into(),
            };
            vec![
                w.logged_on.to_string(),
                lang.post_loan_word(w.kind.as_str()),
                dash(w.user.as_deref()),
                due_mark(Some(w.sign_due), w.late),
                signed,
                w.note.replace('\n', " "),
            ]
        })
        .collect();
    (cols, rows)
}

/// The customer's signals, newest first, each followed by its measures: the level as a letter
/// and a word, the rule, the loan, where it stands (open, confirmed, closed), who raised it.
pub fn signals(d: &LoanDetail, lang: Lang) -> (Vec<Col>, Vec<Vec<String>>) {
    let t = lang.text();
    let cols = vec![
        col(t.col_date, 10, false, 0),
        col(t.col_level, 8, false, 0),
        col(t.col_signal, 15, false, 0),
        col(t.col_loan, 10, false, 2),
        col(t.col_status, 15, false, 0),
        col(t.col_user, 9, false, 1),
        col(t.col_note, 0, false, 0),
    ];
    let mut rows = Vec::new();
    for s in &d.signals {
        // A person's signal says what it is about; the policy's, its rule.
        let code = match (s.category, lang) {
            (Some(c), _) => lang.category(c),
            (None, Lang::En) => s.code.as_str(),
            (None, Lang::Zh) => s.code.zh(),
        };
        let status = match (s.closed_on, s.confirmed_on) {
            (Some(on), _) => fill(t.signal_closed, &[&on.format("%m-%d")]),
            (None, Some(on)) => fill(t.signal_confirmed, &[&on.format("%m-%d")]),
            (None, None) => fill(t.signal_open, &[&s.days_open]),
        };
        let letter = match s.level {
            Level::Red => 'R',
            Level::Orange => 'O',
            Level::Yellow => 'Y',
        };
        let note = [s.note.as_deref(), s.reason.as_deref()].into_iter().flatten().collect::<Vec<_>>();
        rows.push(vec![
            s.raised_on.to_string(),
            format!("{letter} {}", lang.level(s.level)),
            code.to_string(),
            s.loan_id.clone(),
            status,
            s.raised_by.clone(),
            note.join(" · ").replace('\n', " "),
        ]);
        rows.extend(s.measures.iter().map(|m| {
            vec![
                m.on.to_string(),
                String::new(),
                format!("→ {}", lang.measure_short(m.kind)),
                String::new(),
                String::new(),
                m.user.clone(),
                m.note.replace('\n', " "),
            ]
        }));
    }
    (cols, rows)
}

/// The case header's note of the next inspection: its kind and date, and how late.
pub fn next_inspection(d: &LoanDetail, lang: Lang) -> String {
    let t = lang.text();
    let Some(n) = d.next_inspections.iter().min_by_key(|n| n.due_on) else { return t.none.to_string() };
    let kind = lang.post_loan_word(n.kind.as_str());
    let late = n.days_overdue(d.summary.as_of);
    match n.due_on {
        Some(due) if late > 0 => fill(t.next_inspection_late, &[&kind, &due, &late]),
        due => fill(t.next_inspection, &[&kind, &dash(due)]),
    }
}
