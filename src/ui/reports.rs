//! The Reports screen: a month-end's class migration as a heat grid, roll rates as bars, the NPL
//! ratio over twelve month-ends as a line (or by group as bars) and vintage curves as lines; `t`
//! shows the same figures as tables. Drawing only, from a `ReportsView`. Without colour the grid's
//! cells carry shading characters and the curves differ by their marks, so nothing rests on
//! colour alone.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Bar, BarChart, BarGroup, Chart, Dataset, GraphType, Paragraph};

use super::look::Look;
use super::table::{self, Col, col};
use crate::app::desk_state::{ReportPane, ReportsState};
use crate::app::report::{By, FlowRow, ReportsView};
use crate::app::strings::{Lang, fill};
use crate::domain::report::{Month, Share};
use crate::domain::{Bucket, Money, RiskClass};
use crate::text;

/// Shading of a heat grid's cell by its share, none to most (readable without colour).
const SHADES: [&str; 5] = [" ", "░", "▒", "▓", "█"];
/// How many cohorts the vintage chart draws, spread over the months shown.
const COHORTS: usize = 5;
const MARKERS: [(Marker, &str); COHORTS] = [
    (Marker::Braille, "⠒"),
    (Marker::Dot, "•"),
    (Marker::Block, "█"),
    (Marker::HalfBlock, "▀"),
    (Marker::Bar, "▄"),
];

/// Draws the Reports screen in `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &ReportsState, lang: Lang, look: &Look) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let (theme, t) = (&look.theme, lang.text());
    let note = |frame: &mut Frame, text: &str, style: Style| {
        frame.render_widget(Paragraph::new(Line::styled(text.to_string(), style)), area)
    };
    let view = match (&state.view, &state.error) {
        (_, Some(e)) => return note(frame, &format!("  {e}"), theme.base()),
        (Some(v), None) => v,
        (None, None) => return note(frame, t.reports_loading, theme.dim()),
    };
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let pane = pane_title(lang, state.pane, state.by);
    let head = match view.prev {
        Some(prev) => fill(t.reports_title, &[&view.month, &prev, &pane]),
        None => fill(t.reports_title_alone, &[&view.month, &pane]),
    };
    frame.render_widget(
        Paragraph::new(Line::styled(text::truncate(&head, usize::from(area.width)), theme.title())),
        title,
    );
    let needs_prev = matches!(state.pane, ReportPane::Migration | ReportPane::Roll);
    if needs_prev && view.prev.is_none() {
        return frame.render_widget(Paragraph::new(Line::styled(t.reports_none_before, theme.dim())), body);
    }
    if !view.has(state.pane) {
        return frame.render_widget(Paragraph::new(Line::styled(t.reports_loading, theme.dim())), body);
    }
    match (state.pane, state.table) {
        (ReportPane::Migration, false) => heat_grid(frame, body, view, lang, look),
        (ReportPane::Migration, true) => flow_table(frame, body, &view.migration, lang, look),
        (ReportPane::Roll, false) => roll_bars(frame, body, view, lang, look),
        (ReportPane::Roll, true) => roll_table(frame, body, view, lang, look),
        (ReportPane::Npl, false) if view.by.is_some() => npl_bars(frame, body, view, look),
        (ReportPane::Npl, false) => npl_line(frame, body, view, lang, look),
        (ReportPane::Npl, true) => npl_table(frame, body, view, lang, look),
        (ReportPane::Vintage, false) => vintage_lines(frame, body, view, lang, look),
        (ReportPane::Vintage, true) => vintage_table(frame, body, view, lang, look),
        (ReportPane::Scorecard, false) => scorecard_bars(frame, body, view, lang, look),
        (ReportPane::Scorecard, true) => scorecard_table(frame, body, view, lang, look),
    }
}

fn pane_title(lang: Lang, pane: ReportPane, by: Option<By>) -> String {
    let t = lang.text();
    match pane {
        ReportPane::Migration => t.reports_pane_migration.to_string(),
        ReportPane::Roll => t.reports_pane_roll.to_string(),
        ReportPane::Npl => match by {
            None => t.reports_pane_npl.to_string(),
            Some(by) => fill(t.reports_pane_npl_by, &[&by_word(lang, by)]),
        },
        ReportPane::Vintage => t.reports_pane_vintage.to_string(),
        ReportPane::Scorecard => t.reports_pane_scorecard.to_string(),
    }
}

fn by_word(lang: Lang, by: By) -> &'static str {
    let t = lang.text();
    match by {
        By::Branch => t.reports_by_branch,
        By::Product => t.reports_by_product,
        By::Owner => t.reports_by_owner,
    }
}

/// A state's word at a month-end as the desk says it: a class, a bucket, closed or written off.
fn state_word(lang: Lang, word: &str) -> String {
    let t = lang.text();
    match word {
        "closed" => t.reports_closed.to_string(),
        "written_off" => t.reports_written_off.to_string(),
        w => w.parse::<RiskClass>().map_or_else(|_| w.to_string(), |c| lang.class(c).to_string()),
    }
}

/// A class as a grid's heading says it, short enough for a column at 80 cells.
fn class_short(lang: Lang, word: &str) -> String {
    let t = lang.text();
    match word.parse::<RiskClass>() {
        Ok(RiskClass::Normal) => t.reports_class_normal.to_string(),
        Ok(RiskClass::SpecialMention) => t.reports_class_special.to_string(),
        Ok(RiskClass::Substandard) => t.reports_class_substandard.to_string(),
        Ok(RiskClass::Doubtful) => t.reports_class_doubtful.to_string(),
        Ok(RiskClass::Loss) => t.reports_class_loss.to_string(),
        Err(_) => state_word(lang, word),
    }
}

/// A share as `12.3` (one decimal), `-` where there is none.
fn pct(share: Share) -> String {
    share.basis_points().map_or_else(|| "-".into(), |bp| format!("{:.1}", bp as f64 / 100.0))
}

fn principal_of(flows: &[FlowRow], from: &str, to: Option<&str>) -> Money {
    flows.iter().filter(|f| f.from == from && to.is_none_or(|to| f.to == to)).map(|f| f.principal).sum()
}

/// The migration matrix: a row per class at M1, a column per class at M2 and closed, written off;
/// each cell the share of the row's principal, shaded by it.
fn heat_grid(frame: &mut Frame, area: Rect, view: &ReportsView, lang: Lang, look: &Look) {
    let (theme, t) = (&look.theme, lang.text());
    let to: Vec<&str> = RiskClass::ALL.iter().map(|c| c.as_str()).chain(["closed", "written_off"]).collect();
    let label_w = 12usize;
    // Each cell a blank and its figure.
    let cell_w = (usize::from(area.width).saturating_sub(label_w) / to.len()).clamp(7, 14) - 1;
    let mut lines = vec![Line::from(
        std::iter::once(Span::styled(text::fit(t.reports_from_to, label_w, false), theme.header()))
            .chain(to.iter().flat_map(|w| {
                [Span::raw(" "), Span::styled(text::fit(&class_short(lang, w), cell_w, true), theme.header())]
            }))
            .collect::<Vec<_>>(),
    )];
    for from in RiskClass::ALL.iter().map(|c| c.as_str()) {
        let row_total = principal_of(&view.migration, from, None);
        let mut spans = vec![Span::styled(text::fit(&class_short(lang, from), label_w, false), theme.base())];
        for to in &to {
            let share = Share::of(
                principal_of(&view.migration, from, Some(to)).cents().into(),
                row_total.cents().into(),
            );
            let level = share.basis_points().map_or(0, |bp| match bp {
                0 => 0,
                1..=999 => 1,
                1000..=2999 => 2,
                3000..=5999 => 3,
                _ => 4,
            });
            let cell = match share.basis_points() {
                None | Some(0) => "·".to_string(),
                Some(_) => format!("{}{}", SHADES[level], pct(share)),
            };
            spans.push(Span::raw(" "));
            spans.push(Span::styled(text::fit(&cell, cell_w, true), theme.heat(level as u8)));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    // Each class's principal at M1, so a share reads against what it is of.
    for from in RiskClass::ALL {
        let total = principal_of(&view.migration, from.as_str(), None);
        let label = text::fit(&class_short(lang, from.as_str()), label_w, false);
        lines.push(Line::styled(format!("{label} {:>17}", total.grouped()), theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn flow_table(frame: &mut Frame, area: Rect, flows: &[FlowRow], lang: Lang, look: &Look) {
    let t = lang.text();
    let cols = [
        col(t.reports_col_from, 16, false, 0),
        col(t.reports_col_to, 16, false, 0),
        col(t.reports_col_loans, 9, true, 0),
        col(t.reports_col_principal, 18, true, 0),
    ];
    let rows: Vec<Vec<String>> = flows
        .iter()
        .map(|f| {
            vec![state_word(lang, f.from), state_word(lang, f.to), f.count.to_string(), f.principal.grouped()]
        })
        .collect();
    grid(frame, area, &cols, &rows, look);
}

fn grid(frame: &mut Frame, area: Rect, cols: &[Col], rows: &[Vec<String>], look: &Look) {
    let theme = &look.theme;
    let widths = table::layout(cols, usize::from(area.width));
    let mut lines = vec![table::header(cols, &widths, theme.header())];
    for row in rows.iter().take(usize::from(area.height.saturating_sub(1))) {
        lines.push(table::line(cols, &widths, row, theme.base(), &[]));
    }
    if rows.is_empty() {
        lines.push(Line::styled(text::truncate("-", usize::from(area.width)), theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Roll rates Mi → Mi+1 as bars, each with its percentage.
fn roll_bars(frame: &mut Frame, area: Rect, view: &ReportsView, lang: Lang, look: &Look) {
    let theme = &look.theme;
    let bars: Vec<Bar> = view
        .roll_rates
        .iter()
        .map(|r| {
            let bp = r.rate.basis_points().unwrap_or(0);
            Bar::default()
                .label(Line::from(format!("{}→{}", r.from, r.to.trim_start_matches('M'))))
                .value(u64::try_from(bp).unwrap_or(0))
                .text_value(pct(r.rate))
        })
        .collect();
    let width = ((area.width.saturating_sub(2)) / 7).saturating_sub(1).clamp(3, 9);
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(width)
        .bar_gap(1)
        .max(10_000)
        .bar_style(theme.base())
        .value_style(theme.header())
        .label_style(theme.base())
        .block(look.block().title(lang.text().reports_pane_roll));
    frame.render_widget(chart, area);
}

fn roll_table(frame: &mut Frame, area: Rect, view: &ReportsView, lang: Lang, look: &Look) {
    let t = lang.text();
    let cols = [
        col(t.reports_col_from, 5, false, 0),
        col(t.reports_col_to, 5, false, 0),
        col(t.reports_col_loans, 8, true, 0),
        col(t.reports_col_principal, 17, true, 0),
        col(t.reports_col_rolled, 17, true, 1),
        col(t.reports_col_rate, 7, true, 0),
    ];
    let rows: Vec<Vec<String>> = view
        .roll_rates
        .iter()
        .map(|r| {
            vec![
                r.from.to_string(),
                r.to.to_string(),
                r.count.to_string(),
                r.principal.grouped(),
                r.moved.grouped(),
                pct(r.rate),
            ]
        })
        .collect();
    let [rates, flows] = Layout::vertical([Constraint::Length(9), Constraint::Fill(1)]).areas(area);
    grid(frame, rates, &cols, &rows, look);
    // The whole bucket × bucket table under it, by count and principal.
    let ordered: Vec<FlowRow> = Bucket::ALL
        .iter()
        .flat_map(|b| view.roll.iter().filter(move |f| f.from == b.as_str()).cloned())
        .collect();
    flow_table(frame, flows, &ordered, lang, look);
}

/// The NPL ratio over the month-ends recorded, as a line with the first and last month on the axis.
fn npl_line(frame: &mut Frame, area: Rect, view: &ReportsView, lang: Lang, look: &Look) {
    let theme = &look.theme;
    let points: Vec<(f64, f64)> = view
        .npl
        .iter()
        .filter_map(|p| {
            Some((f64::from(view.npl[0].month.months_to(p.month)), p.ratio.basis_points()? as f64 / 100.0))
        })
        .collect();
    if points.is_empty() {
        return frame
            .render_widget(Paragraph::new(Line::styled(lang.text().reports_no_figures, theme.dim())), area);
    }
    let top = points.iter().map(|p| p.1).fold(1.0, f64::max) * 1.2;
    let last_x = points.last().map_or(1.0, |p| p.0.max(1.0));
    let first = view.npl.first().map(|p| p.month);
    let last = view.npl.last().map(|p| p.month);
    let data = Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(theme.header())
        .data(&points);
    let chart = Chart::new(vec![data])
        .block(look.block().title(lang.text().reports_pane_npl))
        .style(theme.base())
        .x_axis(Axis::default().bounds([0.0, last_x]).labels(month_labels(first, last)).style(theme.dim()))
        .y_axis(
            Axis::default()
                .bounds([0.0, top])
                .labels(vec![
                    Line::from("0%"),
                    Line::from(format!("{:.1}%", top / 2.0)),
                    Line::from(format!("{top:.1}%")),
                ])
                .style(theme.dim()),
        );
    frame.render_widget(chart, area);
}

fn month_labels(first: Option<Month>, last: Option<Month>) -> Vec<Line<'static>> {
    [first, last].into_iter().flatten().map(|m| Line::from(m.to_string())).collect()
}

/// The NPL ratio of each group at the month-end, as horizontal bars.
fn npl_bars(frame: &mut Frame, area: Rect, view: &ReportsView, look: &Look) {
    let theme = &look.theme;
    let rows: Vec<_> = view.npl.iter().filter(|p| p.month == view.month).collect();
    let label_w =
        rows.iter().map(|p| text::width(p.group.as_deref().unwrap_or("-"))).max().unwrap_or(1).min(16);
    let bars: Vec<Bar> = rows
        .iter()
        .map(|p| {
            Bar::default()
                .label(Line::from(text::fit(p.group.as_deref().unwrap_or("-"), label_w, false)))
                .value(u64::try_from(p.ratio.basis_points().unwrap_or(0)).unwrap_or(0))
                .text_value(format!("{}%", pct(p.ratio)))
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .data(BarGroup::default().bars(&bars))
        .bar_width(1)
        .bar_gap(u16::from(usize::from(area.height) > rows.len() * 2 + 2))
        .bar_style(theme.base())
        .value_style(theme.header())
        .label_style(theme.base())
        .block(look.block());
    frame.render_widget(chart, area);
}

fn npl_table(frame: &mut Frame, area: Rect, view: &ReportsView, lang: Lang, look: &Look) {
    let t = lang.text();
    let cols = [
        col(t.reports_col_month, 7, false, 0),
        col(t.reports_col_group, 0, false, 0),
        col(t.reports_col_outstanding, 17, true, 0),
        col(t.reports_col_npl, 17, true, 1),
        col(t.reports_col_rate, 7, true, 0),
    ];
    let rows: Vec<Vec<String>> = view
        .npl
        .iter()
        .rev()
        .map(|p| {
            vec![
                p.month.to_string(),
                p.group.clone().unwrap_or_else(|| "-".into()),
                p.outstanding.grouped(),
                p.npl_outstanding.grouped(),
                pct(p.ratio),
            ]
        })
        .collect();
    grid(frame, area, &cols, &rows, look);
}

/// Cohorts' curves: share of disbursed principal 30+ DPD by months on book, each cohort
/// with a mark of its own and named in the legend.
fn vintage_lines(frame: &mut Frame, area: Rect, view: &ReportsView, lang: Lang, look: &Look) {
    let theme = &look.theme;
    let mut cohorts: Vec<Month> = view.vintage.iter().map(|p| p.cohort).collect();
    cohorts.dedup();
    // Cohorts spread over the months shown, the oldest (longest curve) and the latest included.
    let picked: Vec<Month> = if cohorts.len() <= COHORTS {
        cohorts
    } else {
        (0..COHORTS).map(|i| cohorts[i * (cohorts.len() - 1) / (COHORTS - 1)]).collect()
    };
    let series: Vec<(String, Vec<(f64, f64)>)> = picked
        .iter()
        .map(|c| {
            let points = view
                .vintage
                .iter()
                .filter(|p| p.cohort == *c)
                .map(|p| (f64::from(p.mob), p.share.basis_points().unwrap_or(0) as f64 / 100.0))
                .collect();
            (c.to_string(), points)
        })
        .collect();
    if series.is_empty() {
        return frame
            .render_widget(Paragraph::new(Line::styled(lang.text().reports_no_figures, theme.dim())), area);
    }
    let max_x = series.iter().flat_map(|s| s.1.iter().map(|p| p.0)).fold(2.0, f64::max);
    let top = series.iter().flat_map(|s| s.1.iter().map(|p| p.1)).fold(1.0, f64::max) * 1.2;
    let datasets: Vec<Dataset> = series
        .iter()
        .zip(MARKERS)
        .map(|((name, points), (marker, mark))| {
            Dataset::default()
                .name(format!("{mark} {name}"))
                .marker(marker)
                .graph_type(GraphType::Line)
                .style(theme.base())
                .data(points)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(look.block().title(lang.text().reports_pane_vintage))
        .style(theme.base())
        .x_axis(
            Axis::default()
                .title(lang.text().reports_axis_mob)
                .bounds([1.0, max_x])
                .labels(vec![Line::from("1"), Line::from(format!("{max_x:.0}"))])
                .style(theme.dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, top])
                .labels(vec![Line::from("0%"), Line::from(format!("{top:.1}%"))])
                .style(theme.dim()),
        )
        .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)));
    frame.render_widget(chart, area);
}

fn vintage_table(frame: &mut Frame, area: Rect, view: &ReportsView, lang: Lang, look: &Look) {
    let t = lang.text();
    let cols = [
        col(t.reports_col_cohort, 7, false, 0),
        col(t.reports_col_mob, 4, true, 0),
        col(t.reports_col_loans, 7, true, 1),
        col(t.reports_col_principal, 17, true, 0),
        col(t.reports_col_bad, 15, true, 0),
        col(t.reports_col_rate, 7, true, 0),
    ];
    let rows: Vec<Vec<String>> = view
        .vintage
        .iter()
        .rev()
        .map(|p| {
            vec![
                p.cohort.to_string(),
                p.mob.to_string(),
                p.loans.to_string(),
                p.disbursed.grouped(),
                p.bad.grouped(),
                pct(p.share),
            ]
        })
        .collect();
    grid(frame, area, &cols, &rows, look);
}

/// The month's score of each user as horizontal bars out of 100.
fn scorecard_bars(frame: &mut Frame, area: Rect, view: &ReportsView, lang: Lang, look: &Look) {
    let theme = &look.theme;
    if view.scorecards.is_empty() {
        return frame.render_widget(
            Paragraph::new(Line::styled(lang.text().reports_no_scorecards, theme.dim())),
            area,
        );
    }
    let label_w = view.scorecards.iter().map(|c| text::width(&c.user)).max().unwrap_or(1).min(16);
    // Scores are text with two decimals; the bars are drawn in hundredths.
    let hundredths = |s: &str| s.replace('.', "").parse::<u64>().unwrap_or(0);
    let bars: Vec<Bar> = view
        .scorecards
        .iter()
        .map(|c| {
            Bar::default()
                .label(Line::from(text::fit(&c.user, label_w, false)))
                .value(hundredths(&c.score))
                .text_value(c.score.clone())
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .data(BarGroup::default().bars(&bars))
        .bar_width(1)
        .bar_gap(u16::from(usize::from(area.height) > view.scorecards.len() * 2 + 2))
        .max(10_000)
        .bar_style(theme.base())
        .value_style(theme.header())
        .label_style(theme.base())
        .block(look.block().title(lang.text().reports_pane_scorecard));
    frame.render_widget(chart, area);
}

fn scorecard_table(frame: &mut Frame, area: Rect, view: &ReportsView, lang: Lang, look: &Look) {
    let t = lang.text();
    let cols = [
        col(t.reports_col_user, 0, false, 0),
        col(t.reports_col_score, 6, true, 0),
        col(t.reports_col_collected, 15, true, 0),
        col(t.reports_col_ptp, 8, true, 1),
        col(t.reports_col_rpc, 8, true, 2),
        col(t.reports_col_cured, 5, true, 3),
    ];
    let rows: Vec<Vec<String>> = view
        .scorecards
        .iter()
        .map(|c| {
            vec![
                c.user.clone(),
                c.score.clone(),
                c.collected.grouped(),
                format!("{}/{}", c.ptp_kept, c.ptp_kept + c.ptp_broken),
                format!("{}/{}", c.rpc, c.call_attempts),
                c.cured.to_string(),
            ]
        })
        .collect();
    grid(frame, area, &cols, &rows, look);
}
