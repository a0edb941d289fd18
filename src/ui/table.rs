//! Column layout by display width: fixed columns, one flexible column, and columns dropped (least
//! important first) when the terminal is narrow. Cells are cut and padded with `text::fit`.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub title: &'static str,
    /// Cells; 0 marks the flexible column, which takes what is left (at least `FLEX_MIN`).
    pub width: usize,
    pub right: bool,
    /// Dropped first when space is short: higher goes first; 0 is never dropped.
    pub drop: u8,
}

pub const FLEX_MIN: usize = 6;
/// A name needs no more; on a wide terminal the rest stays blank rather than pushing figures away.
pub const FLEX_MAX: usize = 24;
const GAP: usize = 1;

pub const fn col(title: &'static str, width: usize, right: bool, drop: u8) -> Col {
    Col { title, width, right, drop }
}

/// The columns that fit `avail` cells, as (index into `cols`, width).
pub fn layout(cols: &[Col], avail: usize) -> Vec<(usize, usize)> {
    layout_by_priority(cols, avail, FLEX_MIN, &[])
}

/// `layout` with the flexible column kept at least `flex_min` wide (columns are dropped before
/// it shrinks past that), and the width left once it is at `FLEX_MAX` given to the `grow`
/// columns, each up to its own most: a wide terminal shows more of a name, the last outcome,
/// the owner, rather than blank cells.
pub fn layout_by_priority(
    cols: &[Col],
    avail: usize,
    flex_min: usize,
    grow: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let mut keep: Vec<usize> = (0..cols.len()).collect();
    let need = |keep: &[usize]| {
        keep.iter().map(|i| if cols[*i].width == 0 { flex_min } else { cols[*i].width }).sum::<usize>()
            + GAP * keep.len().saturating_sub(1)
    };
    while need(&keep) > avail {
        let victim =
            keep.iter().enumerate().filter(|(_, i)| cols[**i].drop > 0).max_by_key(|(_, i)| cols[**i].drop);
        match victim {
            Some((pos, _)) => {
                keep.remove(pos);
            }
            None => break,
        }
    }
    // A column dropped for room that one dropped after it freed comes back, most needed first.
    let mut dropped: Vec<usize> = (0..cols.len()).filter(|i| !keep.contains(i)).collect();
    dropped.sort_by_key(|i| cols[*i].drop);
    for d in dropped {
        let mut with: Vec<usize> = keep.iter().copied().chain([d]).collect();
        with.sort_unstable();
        if need(&with) <= avail {
            keep = with;
        }
    }
    let fixed = need(&keep) - keep.iter().filter(|i| cols[**i].width == 0).count() * flex_min;
    let flex = avail.saturating_sub(fixed).clamp(flex_min, FLEX_MAX.max(flex_min));
    let mut out: Vec<(usize, usize)> =
        keep.into_iter().map(|i| (i, if cols[i].width == 0 { flex } else { cols[i].width })).collect();
    let used = |out: &[(usize, usize)]| {
        out.iter().map(|(_, w)| w).sum::<usize>() + GAP * out.len().saturating_sub(1)
    };
    let mut left = avail.saturating_sub(used(&out));
    for (col, most) in grow {
        if let Some((_, w)) = out.iter_mut().find(|(i, _)| i == col) {
            let more = most.saturating_sub(*w).min(left);
            *w += more;
            left -= more;
        }
    }
    out
}

/// One line of cells laid out by `layout`; `styles[i]` patches column `i`'s style when given.
pub fn line<'a>(
    cols: &[Col],
    widths: &[(usize, usize)],
    cells: &[String],
    style: Style,
    styles: &[(usize, Style)],
) -> Line<'a> {
    let mut spans = Vec::with_capacity(widths.len() * 2);
    for (n, (i, w)) in widths.iter().enumerate() {
        if n > 0 {
            spans.push(Span::raw(" ".repeat(GAP)));
        }
        let cell = cells.get(*i).map_or("", String::as_str);
        let text = text::fit(cell, *w, cols[*i].right);
        match styles.iter().find(|(c, _)| c == i) {
            Some((_, s)) => spans.push(Span::styled(text, *s)),
            None => spans.push(Span::raw(text)),
        }
    }
    Line::from(spans).style(style)
}

pub fn header<'a>(cols: &[Col], widths: &[(usize, usize)], style: Style) -> Line<'a> {
    let titles: Vec<String> = cols.iter().map(|c| c.title.to_string()).collect();
    line(cols, widths, &titles, style, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_terminals_drop_columns_and_keep_the_flexible_one() {
        let cols =
            [col("A", 10, false, 0), col("B", 0, false, 0), col("C", 10, false, 2), col("D", 10, false, 1)];
        assert_eq!(layout(&cols, 80), vec![(0, 10), (1, 24), (2, 10), (3, 10)]);
        assert_eq!(layout(&cols, 40), vec![(0, 10), (1, 7), (2, 10), (3, 10)]);
        assert_eq!(layout(&cols, 38), vec![(0, 10), (1, 16), (3, 10)]);
        assert_eq!(layout(&cols, 0), vec![(0, 10), (1, 6)]);
        let l = line(&cols, &layout(&cols, 30), &["L1".into(), "欧阳娜娜娜娜娜".into()], Style::new(), &[]);
        let s: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text::width(&s), 30);
    }
}
