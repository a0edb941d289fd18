//! The case's inspection form: a row per field, each choice with its key (`[o]ok`), the one
//! chosen marked, the focused row marked; the date and findings as typed. Fits 80×24 below the
//! case's header.

use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::app::desk_state::{FormRow, InspectionForm};
use crate::app::strings::{Lang, Text, fill};
use crate::app::views::LoanDetail;
use crate::text;

fn label(t: &Text, row: FormRow) -> &'static str {
    match row {
        FormRow::Kind => t.form_kind,
        FormRow::Mode => t.form_mode,
        FormRow::Funds => t.form_funds,
        FormRow::Business => t.form_business,
        FormRow::Collateral => t.form_collateral,
        FormRow::Guarantor => t.form_guarantor,
        FormRow::Conclusion => t.form_conclusion,
        FormRow::Recommend => t.form_recommend,
        FormRow::Date => t.form_date,
        FormRow::Findings => t.form_findings,
    }
}

/// The form's lines in `width` cells.
pub fn lines<'a>(
    form: &InspectionForm,
    loan: &str,
    d: &LoanDetail,
    lang: Lang,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let t = lang.text();
    let title = fill(t.form_title, &[&loan]);
    let next = super::post_loan_panes::next_inspection(d, lang);
    let room = width.saturating_sub(text::width(&title) + 1);
    let mut out = vec![Line::from(vec![
        Span::styled(title, theme.tab(true)),
        Span::styled(format!(" {}", text::truncate(&next, room)), theme.title()),
    ])];
    let label_cells = FormRow::ALL.iter().map(|r| text::width(label(t, *r))).max().unwrap_or(0) + 1;
    for (i, row) in FormRow::ALL.iter().enumerate() {
        let focused = i == form.row;
        let mut spans = vec![
            Span::raw(if focused { "› " } else { "  " }),
            Span::styled(
                text::fit(label(t, *row), label_cells, false),
                if focused { theme.title() } else { theme.base() },
            ),
        ];
        let choices = row.choices();
        if choices.is_empty() {
            let typed = if *row == FormRow::Date { form.date.as_str() } else { form.findings.as_str() };
            let shown = format!(" {typed}{}", if focused { "_" } else { "" });
            let room = width.saturating_sub(label_cells + 2);
            spans.push(Span::styled(text::truncate(&shown, room), theme.base()));
        } else {
            for (key, word) in choices {
                let chosen = form.chosen(*row) == *word;
                spans.push(Span::raw(" "));
                spans.push(Span::styled(format!("[{key}]{}", lang.post_loan_word(word)), theme.tab(chosen)));
            }
        }
        out.push(Line::from(spans));
    }
    // What kept the form from being sent; the footer says how to send it.
    let said = match form.problem.as_deref() {
        Some("") => Some(t.form_need_findings.to_string()),
        Some(p) => Some(p.to_string()),
        None => None,
    };
    if let Some(said) = said {
        out.push(Line::styled(text::truncate(&format!("  {said}"), width), theme.title()));
    }
    out
}
