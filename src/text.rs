//! Display-width text for terminal columns: Chinese characters take two cells, combining marks none.
//! Never pad or cut with `format!("{:w$}")` or byte slices; use these. Text from the book is shown
//! with its control characters visible (`visible`), so no value can drive the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;
use unicode_width::UnicodeWidthStr;

/// The 1-based line of a byte offset (for `FILE:LINE` messages from the `toml` crate's spans).
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|b| **b == b'\n').count() + 1
}

/// A character a terminal would act on rather than show, or one that reorders or breaks a line:
/// C0 controls (ESC starts clear-screen, OSC 52 clipboard writes and title changes), DEL, the C1
/// controls (U+009B is CSI on its own), the bidirectional controls and the line separators.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character shown instead: C0 controls and DEL as their Unicode control
/// pictures (ESC as `␛`, a line feed as `␊`), the others as `\u{…}`. One cell each for the common
/// ones, so a cut never leaves a sequence half-open: there is none left to cut.
pub fn visible(s: &str) -> Cow<'_, str> {
    shown(s, false)
}

/// `visible` keeping line feeds, for text made of lines (a message, a file's rows).
pub fn visible_lines(s: &str) -> Cow<'_, str> {
    shown(s, true)
}

fn shown(s: &str, keep_lines: bool) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe(c) && !(keep_lines && c == '\n');
    if !s.chars().any(unsafe_here) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if !unsafe_here(c) => out.push(c),
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    Cow::Owned(out)
}

/// JSON text with the unsafe characters JSON itself leaves raw (DEL, C1, bidirectional controls,
/// line separators) escaped as `\uXXXX`: the same values, none of them acting on a terminal. They
/// only ever occur inside strings, where the escape means the same character.
pub fn json_escaped(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 12);
    for c in json.chars() {
        // JSON's own line feeds between values stay; inside strings they are already escaped.
        if is_unsafe(c) && c != '\n' {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The longest prefix of `s` that fits `max` cells, with `…` when something was cut; unsafe
/// characters are made visible first.
pub fn truncate(s: &str, max: usize) -> String {
    let s = visible(s);
    let s = s.as_ref();
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

/// `s` in lines of at most `cells`: broken at the last space or after the last `|` that fits (a
/// usage's list of choices), else anywhere (Chinese text has no spaces to break at); a word longer
/// than a line is cut across lines. Unsafe characters are made visible first, as `fit` and
/// `truncate` do.
pub fn wrap(s: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(1);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let para = visible(para);
        let mut line = String::new();
        let mut used = 0;
        for c in para.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > cells {
                // Back to the last space past the line's start, or to just after the last `|`.
                let space = line.rfind(' ').filter(|i| *i > 0);
                let bar = line.rfind('|');
                match space.max(bar) {
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
    fn control_characters_are_shown_not_sent() {
        assert_eq!(visible("王小明"), Cow::Borrowed("王小明"));
        assert_eq!(visible("a\u{1b}[2Jb\u{7}\n\r\t\u{7f}"), "a␛[2Jb␇␊␍␉␡");
        assert_eq!(visible("\u{9b}31m\u{202e}x\u{2028}"), "\\u{9b}31m\\u{202e}x\\u{2028}");
        assert_eq!(visible_lines("a\nb\u{1b}"), "a\nb␛");
        assert_eq!(width(&visible("\u{1b}]0;t\u{7}")), 6, "one cell a picture");
        // A cut after the escape leaves no part of a sequence: the ESC is already a picture.
        assert_eq!(fit("\u{1b}]52;c;ZXZpbA==\u{7}", 6, false), "␛]52;…");
        assert_eq!(json_escaped("{\"n\":\"a\u{9b}\u{202e}\"}\n"), "{\"n\":\"a\\u009b\\u202e\"}\n");
        let v: String = serde_json::from_str(&json_escaped("\"\u{9b}\u{7f}\"")).expect("json");
        assert_eq!(v, "\u{9b}\u{7f}");
    }

    #[test]
    fn wrapping_breaks_at_spaces_or_anywhere_in_chinese() {
        assert_eq!(wrap("the debtor will pay on friday", 12), ["the debtor", "will pay on", "friday"]);
        assert_eq!(wrap("借款人称下周发工资后还款", 10), ["借款人称下", "周发工资后", "还款"]);
        assert_eq!(wrap("a\nb", 5), ["a", "b"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        // A usage's choices break after a bar, never inside one.
        assert_eq!(
            wrap("(KIND: call_in_early|restructure|control_change|other)", 24),
            ["(KIND: call_in_early|", "restructure|", "control_change|other)"]
        );
        // A value's control characters are shown, not sent, in every line.
        assert_eq!(wrap("a\u{1b}[2J b\u{7}c\rd", 6), ["a␛[2J", "b␇c␍d"]);
        assert!(wrap("\u{9b}31m \u{202e}x", 4).iter().all(|l| !l.chars().any(is_unsafe)));
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
