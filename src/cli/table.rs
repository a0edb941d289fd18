//! Plain-text tables that fit the terminal, aligned by display width.

use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub header: &'static str,
    pub right: bool,
    /// Columns that may be cut (with `…`) to fit, down to this many cells; 0: never cut.
    pub shrink_to: usize,
}

pub const fn left(header: &'static str) -> Column {
    Column { header, right: false, shrink_to: 0 }
}

pub const fn right(header: &'static str) -> Column {
    Column { header, right: true, shrink_to: 0 }
}

pub const fn flex(header: &'static str, shrink_to: usize) -> Column {
    Column { header, right: false, shrink_to }
}

/// Renders a header line and the rows within `max_width` cells where the flexible columns allow.
/// Cells are measured and cut as shown, control characters visible.
pub fn render(columns: &[Column], rows: &[Vec<String>], max_width: usize) -> String {
    let shown: Vec<Vec<std::borrow::Cow<'_, str>>> =
        rows.iter().map(|r| r.iter().map(|c| text::visible(c)).collect()).collect();
    let rows = &shown;
    let mut widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |s| text::width(s)))
                .max()
                .unwrap_or(0)
                .max(text::width(c.header))
        })
        .collect();
    let gap = 2;
    let total = |w: &[usize]| w.iter().sum::<usize>() + gap * w.len().saturating_sub(1);
    // Shrink the widest flexible column one cell at a time until the table fits or none can give.
    while total(&widths) > max_width {
        let candidate = columns
            .iter()
            .enumerate()
            .filter(|(i, c)| c.shrink_to > 0 && widths[*i] > c.shrink_to.max(text::width(c.header)))
            .max_by_key(|(i, _)| widths[*i])
            .map(|(i, _)| i);
        match candidate {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    let line = |cells: &mut dyn Iterator<Item = (usize, &str)>| {
        let parts: Vec<String> = cells.map(|(i, s)| text::fit(s, widths[i], columns[i].right)).collect();
        parts.join(&" ".repeat(gap)).trim_end().to_string()
    };
    let mut out = line(&mut columns.iter().map(|c| c.header).enumerate());
    out.push('\n');
    for r in rows {
        out.push_str(&line(&mut r.iter().map(AsRef::as_ref).enumerate()));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_chinese_names_by_display_width() {
        let cols = [left("LOAN"), flex("BORROWER", 6), right("DPD")];
        let rows = vec![
            vec!["L1".into(), "王小明".into(), "5".into()],
            vec!["L2".into(), "Li Wei".into(), "120".into()],
        ];
        let t = render(&cols, &rows, 80);
        assert_eq!(t, "LOAN  BORROWER  DPD\nL1    王小明      5\nL2    Li Wei    120\n");
    }

    #[test]
    fn shrinks_flexible_columns_to_fit() {
        let cols = [left("LOAN"), flex("BORROWER", 8), right("DPD")];
        let rows = vec![vec!["L1".into(), "欧阳娜娜欧阳娜娜欧阳娜娜".into(), "5".into()]];
        let t = render(&cols, &rows, 20);
        for l in t.lines() {
            assert!(text::width(l) <= 20, "{l:?}");
        }
        assert!(t.contains('…'));
    }
}
