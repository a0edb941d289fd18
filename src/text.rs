//! Display-width text for terminal columns: Chinese characters take two cells, combining marks none.
//! Never pad or cut with `format!("{:w$}")` or byte slices; use these.

use unicode_width::UnicodeWidthChar;
use unicode_width::UnicodeWidthStr;

/// The 1-based line of a byte offset (for `FILE:LINE` messages from the `toml` crate's spans).
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|b| **b == b'\n').count() + 1
}

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The longest prefix of `s` that fits `max` cells, with `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` cut to `cells` and padded with spaces to exactly `cells`, on the right or the left.
pub fn fit(s: &str, cells: usize, right_align: bool) -> String {
    let cut = truncate(s, cells);
    let pad = " ".repeat(cells.saturating_sub(width(&cut)));
    if right_align { format!("{pad}{cut}") } else { format!("{cut}{pad}") }
}

/// `s` in lines of at most `cells`: broken at the last space that fits, else anywhere (Chinese
/// text has no spaces to break at); a word longer than a line is cut across lines.
pub fn wrap(s: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(1);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for c in para.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > cells {
                // Back to the last space, when the line has one past its start.
                match line.rfind(' ').filter(|i| *i > 0) {
                    Some(i) if c != ' ' => {
                        let rest = line.split_off(i + 1);
                        lines.push(line.trim_end().to_string());
                        line = rest;
                    }
                    _ => lines.push(std::mem::take(&mut line).trim_end().to_string()),
                }
                used = width(&line);
                if c == ' ' && line.is_empty() {
                    continue;
                }
            }
            line.push(c);
            used += w;
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_takes_two_cells() {
        assert_eq!(width("山田"), 4);
        assert_eq!(fit("山田", 6, false), "山田  ");
        assert_eq!(width(&fit("山田", 6, false)), 6);
        assert_eq!(fit("王", 3, true), " 王");
    }

    #[test]
    fn wrapping_breaks_at_spaces_or_anywhere_in_chinese() {
        assert_eq!(wrap("the debtor will pay on friday", 12), ["the debtor", "will pay on", "friday"]);
        assert_eq!(wrap("借款人称下周发工资后还款", 10), ["借款人称下", "周发工资后", "还款"]);
        assert_eq!(wrap("a\nb", 5), ["a", "b"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        for l in wrap("借款人 said: 下周 pay 1500.00 after 工资 arrives", 9) {
            assert!(width(&l) <= 9, "{l}");
        }
    }

    #[test]
    fn truncation_respects_cells() {
        assert_eq!(truncate("欧阳娜娜", 5), "欧阳…");
        assert_eq!(width(&truncate("欧阳娜娜", 5)), 5);
        assert_eq!(truncate("欧阳娜娜", 4), "欧…");
        assert_eq!(fit("欧阳娜娜", 4, false), "欧… ");
        assert_eq!(truncate("Li Wei", 6), "Li Wei");
        assert_eq!(truncate("Li Wei", 5), "Li W…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("abc", 1), "…");
    }
}
