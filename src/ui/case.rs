//! The case view: terms, delinquency, guarantor and collateral, the customer's other loans, then
//! one pane at a time (schedule with what is paid, contacts newest first, payments and promises to
//! pay newest first, stages and owners).

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::look::Look;
use super::table::{self, Col, col};
use crate::app::desk_state::{CasePane, CaseState};
use crate::app::moves::HoldKind;
use crate::app::strings::{Lang, Text, fill};
use crate::app::views::{LoanDetail, ScheduleLine};
use crate::domain::ClassReason;
use crate::domain::Money;
use crate::domain::plan::PlanScope;
use crate::domain::warning::Rating;
use crate::text;

/// Lines of the case header (the state's `CASE_CHROME` counts them).
pub const HEADER_LINES: u16 = 7;

fn schedule_cols(t: &Text) -> [Col; 7] {
    [
        col(t.col_seq, 3, true, 0),
        col(t.col_due, 10, false, 0),
        col(t.col_payment, 10, true, 0),
        col(t.col_principal, 10, true, 2),
        col(t.col_interest, 9, true, 1),
        col(t.col_paid, 10, true, 0),
        col(t.col_status, 0, false, 0),
    ]
}

fn contact_cols(t: &Text) -> [Col; 6] {
    [
        col(t.col_when, 16, false, 0),
        col(t.col_party, 9, false, 2),
        col(t.col_by, 6, false, 3),
        col(t.col_outcome, 12, false, 0),
        col(t.col_user, 9, false, 1),
        col(t.col_note, 0, false, 0),
    ]
}

/// Payments and promises to pay in one list, newest first.
fn payment_cols(t: &Text) -> [Col; 6] {
    [
        col(t.col_date, 10, false, 0),
        col(t.col_kind, 8, false, 0),
        col(t.col_sum, 10, true, 0),
        col(t.col_by_date, 10, false, 1),
        col(t.col_status, 7, false, 0),
        col(t.col_ref, 0, false, 2),
    ]
}

fn history_cols(t: &Text) -> [Col; 4] {
    [
        col(t.col_when, 10, false, 0),
        col(t.col_change, 28, false, 0),
        col(t.col_actor, 9, false, 1),
        col(t.col_reason, 0, false, 0),
    ]
}

fn hold_kind(kind: &HoldKind, lang: Lang) -> String {
    lang.hold_kind(*kind).to_string()
}

fn dash<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".to_string(), ToString::to_string)
}

/// An amount as the desk shows it: grouped (`10,980,764.97`) unless configured otherwise.
fn money(m: Money, grouped: bool) -> String {
    if grouped { m.grouped() } else { m.to_string() }
}

fn header_lines(d: &LoanDetail, lang: Lang, g: bool) -> Vec<String> {
    let (s, t) = (&d.summary, lang.text());
    let mut agency = d.agency_name.as_deref().map_or_else(String::new, |a| fill(t.case_agency, &[&a]));
    if let Some(h) = d.holds.iter().find(|h| h.in_force) {
        agency.push_str(&fill(t.case_hold, &[&hold_kind(&h.kind, lang), &h.until_on]));
    }
    let next_amount = if s.next_due_on.is_some() { money(s.next_due_amount, g) } else { String::new() };
    let guarantor = match (&d.guarantor, &d.guarantor_phone) {
        (Some(g), Some(p)) => format!("{g} ({p})"),
        (Some(g), None) => g.clone(),
        _ => t.none.into(),
    };
    let others = if d.other_loans.is_empty() { t.none.to_string() } else { d.other_loans.join(", ") };
    let class = match s.class_reason {
        ClassReason::Floor => lang.class(s.class).to_string(),
        why => fill(t.case_class_reason, &[&lang.class(s.class), &lang.class_reason(why)]),
    };
    // The warning level, watchlist and rating after the status, when there is anything to say.
    let mut status = lang.status(s.status).to_string();
    if let Some(level) = s.warning_level.level() {
        status.push_str(&fill(t.case_warning, &[&lang.level(level)]));
    }
    if s.watchlist {
        status.push_str(t.case_watchlist);
    }
    if s.customer_rating != Rating::Low {
        status.push_str(&fill(t.case_rating, &[&lang.rating(s.customer_rating)]));
    }
    vec![
        // The phone, the one thing a collector dials, on the first line: never cut away.
        fill(
            t.case_line1,
            &[&s.loan_id, &s.borrower, &dash(&s.phone), &dash(&s.assignee), &d.customer_id, &dash(&d.branch)],
        ),
        fill(
            t.case_line2,
            &[
                &lang.product(s.product),
                &money(s.principal, g),
                &d.annual_rate,
                &d.term_months,
                &d.disbursed_on,
            ],
        ),
        fill(t.case_line3, &[&s.dpd, &lang.bucket(s.bucket), &class, &lang.stage(s.stage), &agency, &status]),
        fill(
            t.case_line4,
            &[
                &money(s.overdue_principal, g),
                &money(s.overdue_interest, g),
                &money(s.penalty_interest, g),
                &money(s.payoff_amount, g),
            ],
        ),
        fill(
            t.case_line5,
            &[
                &money(s.outstanding_principal, g),
                &money(d.paid_total, g),
                &dash(&s.next_due_on),
                &next_amount,
            ],
        ),
        fill(
            t.case_line6,
            &[
                &guarantor,
                &d.collateral.as_deref().unwrap_or(t.none),
                &d.ltv.map_or_else(String::new, |l| fill(t.case_ltv, &[&l])),
            ],
        ),
        fill(t.case_line7, &[&others, &super::post_loan_panes::next_inspection(d, lang)]),
    ]
}

fn schedule_rows(lines: &[ScheduleLine], lang: Lang, g: bool) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| {
            vec![
                l.seq.to_string(),
                l.due_on.to_string(),
                money(l.payment, g),
                money(l.principal, g),
                money(l.interest, g),
                money(l.paid_principal + l.paid_interest, g),
                lang.installment(l.status).to_string(),
            ]
        })
        .collect()
}

/// A pane's columns and rows, as drawn and as read in full.
pub fn pane_rows(d: &LoanDetail, pane: CasePane, lang: Lang, g: bool) -> (Vec<Col>, Vec<Vec<String>>) {
    let t = lang.text();
    match pane {
        CasePane::Schedule => (schedule_cols(t).to_vec(), schedule_rows(&d.schedule, lang, g)),
        CasePane::Contacts => (
            contact_cols(t).to_vec(),
            d.contacts
                .iter()
                .map(|c| {
                    let when = |at: &str| at.get(..16).unwrap_or(at).replace('T', " ");
                    // A correction is shown as one: it names the record it amends, not a new call.
                    let note = match c.corrects.and_then(|id| d.contacts.iter().find(|o| o.id == id)) {
                        Some(o) => format!("{}{}", fill(t.contact_correction, &[&when(&o.at)]), c.note),
                        None => c.note.clone(),
                    };
                    vec![
                        when(&c.at),
                        lang.party(c.party).to_string(),
                        lang.channel(c.channel).to_string(),
                        lang.outcome(c.outcome).to_string(),
                        dash(&c.user),
                        note,
                    ]
                })
                .collect(),
        ),
        CasePane::Payments => {
            let mut rows: Vec<(NaiveDate, Vec<String>)> = d
                .promises
                .iter()
                .map(|p| {
                    let row = vec![
                        p.made_on.to_string(),
                        t.kind_promise.to_string(),
                        money(p.amount, g),
                        p.due_on.to_string(),
                        lang.promise(p.status).to_string(),
                        dash(&p.user),
                    ];
                    (p.made_on, row)
                })
                .collect();
            rows.extend(d.payments.iter().map(|p| {
                let row = vec![
                    p.paid_on.to_string(),
                    t.kind_payment.to_string(),
                    money(p.amount, g),
                    "-".to_string(),
                    "-".to_string(),
                    dash(&p.reference),
                ];
                (p.paid_on, row)
            }));
            // Newest first; on one day the promise before the payment that may keep it.
            rows.sort_by_key(|r| std::cmp::Reverse(r.0));
            (payment_cols(t).to_vec(), rows.into_iter().map(|(_, r)| r).collect())
        }
        CasePane::History => {
            let mut rows: Vec<Vec<String>> = d
                .stage_events
                .iter()
                .map(|e| {
                    vec![
                        e.as_of.to_string(),
                        fill(t.stage_change, &[&lang.stage(e.from), &lang.stage(e.to)]),
                        e.actor.clone(),
                        e.reason.clone(),
                    ]
                })
                .collect();
            rows.extend(d.class_events.iter().map(|e| {
                let why =
                    fill(t.class_change_why, &[&lang.class_reason(e.reason), &lang.class_cause(e.cause)]);
                vec![
                    e.on.to_string(),
                    fill(t.class_change, &[&lang.class(e.from), &lang.class(e.to)]),
                    e.user.clone().unwrap_or_else(|| "-".to_string()),
                    why,
                ]
            }));
            rows.extend(d.assignments.iter().map(|a| {
                vec![
                    a.at.get(..10).unwrap_or(&a.at).to_string(),
                    fill(t.owner_change, &[&dash(&a.from), &dash(&a.to)]),
                    dash(&a.by),
                    dash(&a.reason),
                ]
            }));
            rows.extend(d.plans.iter().map(|p| {
                let in_force = if p.in_force { t.plan_in_force } else { "" };
                vec![
                    p.effective_on.to_string(),
                    fill(t.plan_record, &[&lang.plan_kind(&p.kind), &p.installments, &in_force]),
                    dash(&p.created_by),
                    p.reason.clone(),
                ]
            }));
            rows.extend(d.notices.iter().map(|n| {
                vec![
                    n.issued_on.to_string(),
                    fill(t.notice_record, &[&lang.notice_kind(n.kind), &lang.receipt(n.receipt_status)]),
                    dash(&n.user),
                    format!("{} {}", n.number, n.files.first().map_or("", String::as_str)),
                ]
            }));
            rows.extend(d.holds.iter().map(|h| {
                let lifted = h.lifted_on.map_or_else(String::new, |on| fill(t.hold_lifted, &[&on]));
                let reason = match &h.lift_reason {
                    Some(r) => format!("{} / {r}", h.reason),
                    None => h.reason.clone(),
                };
                vec![
                    h.from_on.to_string(),
                    fill(t.hold_record, &[&hold_kind(&h.kind, lang), &h.until_on, &lifted]),
                    dash(&h.by),
                    reason,
                ]
            }));
            rows.extend(d.tasks.iter().map(|k| {
                let done = k.done_on.map_or_else(String::new, |on| fill(t.task_done, &[&on]));
                vec![
                    k.due_on.to_string(),
                    fill(t.task_record, &[&lang.task_kind(k.kind), &done]),
                    k.created_by.clone(),
                    k.note.clone().unwrap_or_default(),
                ]
            }));
            // Newest first, whatever kind of record.
            rows.sort_by(|a, b| b[0].cmp(&a[0]));
            (history_cols(t).to_vec(), rows)
        }
        CasePane::Inspections => super::post_loan_panes::inspections(d, lang),
        CasePane::Collateral => super::post_loan_panes::collateral(d, lang, g),
        CasePane::WorkLog => super::post_loan_panes::work_log(d, lang),
        CasePane::Signals => super::post_loan_panes::signals(d, lang),
    }
}

/// The panes' tabs in `w` cells: whole when they fit, else the others by their first word, then
/// every one so, then the others by a short label and at last a tiny one with thin separators
/// (eight panes fit 60 columns, in Chinese too); the active one keeps its first word at least.
/// The short labels are the language's own, so no two panes read alike (Contacts, Collateral).
fn pane_tabs<'a>(
    case: &CaseState,
    titles: [&'static str; 8],
    shorts: (&'static str, &'static str),
    sep: &'a str,
    w: usize,
    look: &Look,
) -> Vec<Span<'a>> {
    // The active pane says where its cursor is (`3/12`).
    let at = match case.pane_len() {
        0 => String::new(),
        n => format!(" {}/{n}", case.cursor + 1),
    };
    let first_word = |s: &'static str| s.split(' ').next().unwrap_or(s).to_string();
    let (short, tiny): (Vec<&str>, Vec<&str>) =
        (shorts.0.split_whitespace().collect(), shorts.1.split_whitespace().collect());
    let nth = |words: &[&str], i: usize| words.get(i).copied().unwrap_or("?").to_string();
    let label = |i: usize, title: &'static str, active: bool, level: usize| -> String {
        let shown = match (level, active) {
            (0, _) | (1, true) => title.to_string(),
            (_, true) | (1 | 2, false) => first_word(title),
            (3, false) => nth(&short, i),
            _ => nth(&tiny, i),
        };
        if active { format!(" {shown}{at} ") } else { format!(" {shown} ") }
    };
    let thin = sep.trim();
    let candidates = [(0, sep), (1, sep), (2, sep), (3, sep), (3, thin), (4, thin)];
    let labels = |level: usize| -> Vec<String> {
        CasePane::ALL
            .iter()
            .zip(titles)
            .enumerate()
            .map(|(i, (p, t))| label(i, t, *p == case.pane, level))
            .collect()
    };
    let width =
        |l: &[String], sep: &str| l.iter().map(|s| text::width(s)).sum::<usize>() + text::width(sep) * 6;
    let (chosen, sep) = candidates
        .iter()
        .map(|(level, sep)| (labels(*level), *sep))
        .find(|(l, sep)| width(l, sep) <= w)
        .unwrap_or_else(|| (labels(4), thin));
    let mut tabs = Vec::new();
    for (i, (p, label)) in CasePane::ALL.iter().zip(chosen).enumerate() {
        if i > 0 {
            tabs.push(Span::raw(sep));
        }
        tabs.push(Span::styled(label, look.theme.tab(*p == case.pane)));
    }
    tabs
}

pub fn draw(frame: &mut Frame, area: Rect, case: &CaseState, lang: Lang, grouped: bool, look: &Look) {
    let theme = &look.theme;
    let t = lang.text();
    if area.height == 0 || area.width == 0 {
        return;
    }
    let w = usize::from(area.width);
    let Some(d) = &case.detail else {
        let note = match &case.error {
            Some(e) => fill(t.case_failed, &[&case.loan, e]),
            None => fill(t.case_loading, &[&case.loan]),
        };
        frame.render_widget(Paragraph::new(Line::styled(note, theme.base())), area);
        return;
    };
    let mut lines: Vec<Line> = header_lines(d, lang, grouped)
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let style = if i == 0 { theme.title() } else { theme.base() };
            Line::styled(text::truncate(&l, w), style)
        })
        .collect();
    let titles = CasePane::ALL.map(|p| match p {
        CasePane::Schedule => t.pane_schedule,
        CasePane::Contacts => t.pane_contacts,
        CasePane::Payments => t.pane_payments,
        CasePane::History => t.pane_history,
        CasePane::Inspections => t.pane_inspections,
        CasePane::Collateral => t.pane_collateral,
        CasePane::WorkLog => t.pane_work_log,
        CasePane::Signals => t.pane_signals,
    });
    let tabs = pane_tabs(case, titles, (t.pane_short, t.pane_tiny), look.separator(), w, look);
    // The inspection form stands in for the panes until it is sent or dropped.
    if let Some(form) = &case.form {
        lines.extend(super::inspect_form::lines(form, &case.loan, d, lang, w, theme));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let (cols, rows) = match &case.plan {
        // A proposed plan stands in for the panes until it is saved or dropped.
        Some(p) => {
            let o = &p.outcome;
            let scope = match p.req.scope {
                PlanScope::Arrears => t.plan_scope_arrears,
                PlanScope::Balance => t.plan_scope_balance,
            };
            let observed = o.observation_until.map_or_else(String::new, |d| fill(t.plan_observation, &[&d]));
            let about = fill(
                t.plan_preview_line,
                &[
                    &scope,
                    &o.plan_installments.len(),
                    &money(o.rescheduled, grouped),
                    &p.req.first_due,
                    &money(o.paid_so_far, grouped),
                    &observed,
                ],
            );
            let title = format!(" {} ", fill(t.plan_preview, &[&lang.plan_kind(&o.kind)]));
            let room = w.saturating_sub(text::width(&title));
            lines.push(Line::from(vec![
                Span::styled(title, theme.tab(true)),
                Span::styled(text::truncate(&about, room), theme.title()),
            ]));
            // The plan's own installments are marked; the others are the contract's carried over.
            let mut rows = schedule_rows(&o.schedule, lang, grouped);
            for (row, line) in rows.iter_mut().zip(&o.schedule) {
                if o.plan_installments.contains(&line.seq)
                    && let Some(status) = row.last_mut()
                {
                    *status = fill(t.plan_line, &[status]);
                }
            }
            (schedule_cols(t).to_vec(), rows)
        }
        None => {
            lines.push(Line::from(tabs));
            pane_rows(d, case.pane, lang, grouped)
        }
    };
    let cols = cols.as_slice();
    let widths = table::layout(cols, w);
    lines.push(table::header(cols, &widths, theme.header()));
    let room = usize::from(area.height).saturating_sub(lines.len());
    if rows.is_empty() {
        lines.push(Line::styled(t.none_yet, theme.dim()));
    }
    let skip = usize::try_from(case.scroll).unwrap_or(0);
    let cursor = usize::try_from(case.cursor).unwrap_or(0);
    for (i, r) in rows.iter().enumerate().skip(skip).take(room) {
        // The cursor marks the row Enter reads in full (not in a plan's preview).
        let style = if i == cursor && case.plan.is_none() { theme.row(true) } else { theme.base() };
        lines.push(table::line(cols, &widths, r, style, &[]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Desk;
    use crate::domain::parse_date;
    use crate::domain::policy::Policy;

    #[test]
    fn the_history_pane_lists_class_changes_in_both_languages() {
        let store = crate::store::Store::open_in_memory().expect("store");
        let now =
            |day: &str| chrono::DateTime::parse_from_rfc3339(&format!("{day}T10:00:00+08:00")).expect("now");
        let mut d = Desk::open(store, "admin", parse_date("2026-03-01").expect("date"), now("2026-03-01"))
            .expect("desk");
        crate::app::demo::generate(&mut d, 60, 7, &mut |_| {}).expect("demo");
        for day in ["2026-03-01", "2026-06-01"] {
            (d.as_of, d.now) = (parse_date(day).expect("date"), now(day));
            d.escalate(&Policy::default(), false, &mut |_, _| {}).expect("run");
        }
        let detail = (1..=60)
            .map(|n| d.show(&format!("DL{n:08}")).expect("show"))
            .find(|l| !l.class_events.is_empty())
            .expect("a loan whose class moved");
        let e = &detail.class_events[0];
        for (lang, change, why) in [
            (Lang::En, format!("class {} → {}", e.from, e.to), "; by the nightly run"),
            (Lang::Zh, format!("分类 {} → {}", Lang::Zh.class(e.from), Lang::Zh.class(e.to)), ";日终跑批"),
        ] {
            let (_, rows) = pane_rows(&detail, CasePane::History, lang, false);
            let row = rows.iter().find(|r| r[1] == change).expect("the class change's row");
            assert_eq!(row[0], "2026-06-01");
            assert!(row[3].ends_with(why), "{row:?}");
        }
    }
}
