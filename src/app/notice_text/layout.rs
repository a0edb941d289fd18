//! A notice as a sequence of blocks, laid out as text (80 columns by display width, Chinese line
//! breaking) or as a standalone HTML page.

use super::facts::NoticeLang;
use crate::domain::Money;
use crate::text;

/// Display width of the text notice (fits an 80-column terminal or printer line).
pub const TEXT_WIDTH: usize = 78;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Block {
    Title(String),
    Subtitle(String),
    /// A line flush right (number, seal, date).
    Right(String),
    /// A line flush left (salutation), wrapped if long.
    Line(String),
    /// A body paragraph, first line indented.
    Para(String),
    /// A smaller explanatory paragraph.
    Note(String),
    /// Label / amount rows; the last is the total.
    Figures(Vec<(String, Money)>),
    Gap,
}

pub(super) struct Doc {
    pub(super) lang: NoticeLang,
    pub(super) title: String,
    pub(super) body: Vec<Block>,
    pub(super) cut: String,
    pub(super) receipt: Vec<Block>,
}

// ---------------------------------------------------------------------------------------------
// Text

/// Characters that may not start a line (避头): they stay with the character before them.
fn no_line_start(c: char) -> bool {
    "，。、；：！？）》」』”’,.;:!?)".contains(c)
}

/// Characters that may not end a line (避尾): they move to the next line.
fn no_line_end(c: char) -> bool {
    "（《「『“‘(".contains(c)
}

/// Breaks `s` into lines of at most `width` cells, the first prefixed by `first`, the others by
/// `rest`. Breaks at spaces when the line has one, else between characters (Chinese).
/// Control characters in `s` are shown (`text::visible`), so a value never starts a line of its own.
pub(crate) fn wrap(s: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let s = text::visible(s);
    let mut lines = Vec::new();
    let mut prefix = first;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let room = width.saturating_sub(text::width(prefix)).max(2);
        // The longest run of characters that fits.
        let mut used = 0;
        let mut j = i;
        while j < chars.len() {
            let w = text::width(chars[j].encode_utf8(&mut [0; 4]));
            if used + w > room {
                break;
            }
            used += w;
            j += 1;
        }
        let mut end = j;
        if j < chars.len() && chars[j] != ' ' {
            // Never start a line with closing punctuation: it stays with the character before it.
            while end > i + 1 && no_line_start(chars[end]) {
                end -= 1;
            }
            // Never end a line with opening punctuation.
            while end > i + 1 && no_line_end(chars[end - 1]) {
                end -= 1;
            }
            // Never break inside a word or number: the line ends before it unless it fills the line.
            let wordy = |c: char| c.is_ascii_graphic();
            if wordy(chars[end]) && wordy(chars[end - 1]) {
                let mut start = end;
                while start > i && wordy(chars[start - 1]) {
                    start -= 1;
                }
                if start > i {
                    end = start;
                }
            }
        }
        let line: String = chars[i..end].iter().collect();
        lines.push(format!("{prefix}{}", line.trim_end()));
        i = end;
        while i < chars.len() && chars[i] == ' ' {
            i += 1;
        }
        prefix = rest;
    }
    if lines.is_empty() {
        lines.push(prefix.trim_end().to_string());
    }
    lines
}

pub(crate) fn centered(s: &str, width: usize) -> String {
    let s = text::visible(s);
    let pad = width.saturating_sub(text::width(&s)) / 2;
    format!("{}{s}", " ".repeat(pad))
}

fn flush_right(s: &str, width: usize) -> Vec<String> {
    let s = text::visible(s);
    if text::width(&s) >= width {
        return wrap(&s, width, "", "");
    }
    vec![format!("{}{s}", " ".repeat(width - text::width(&s)))]
}

fn text_blocks(blocks: &[Block], lang: NoticeLang, out: &mut Vec<String>) {
    let indent = match lang {
        NoticeLang::Zh => "    ",
        NoticeLang::En => "    ",
    };
    for b in blocks {
        match b {
            Block::Title(t) => {
                out.push(centered(t, TEXT_WIDTH));
                out.push(String::new());
            }
            Block::Subtitle(t) => out.push(centered(t, TEXT_WIDTH)),
            Block::Right(t) => out.extend(flush_right(t, TEXT_WIDTH)),
            Block::Line(t) => out.extend(wrap(t, TEXT_WIDTH, "", "")),
            Block::Para(t) => {
                out.extend(wrap(t, TEXT_WIDTH, indent, ""));
                out.push(String::new());
            }
            Block::Note(t) => {
                out.extend(wrap(t, TEXT_WIDTH, "  ", "  "));
                out.push(String::new());
            }
            Block::Figures(rows) => {
                let (currency, unit) = match lang {
                    NoticeLang::Zh => ("人民币", " 元"),
                    NoticeLang::En => ("CNY", ""),
                };
                for (k, (label, amount)) in rows.iter().enumerate() {
                    if k + 1 == rows.len() {
                        out.push(format!("{indent}{}", "-".repeat(46)));
                    }
                    out.push(format!(
                        "{indent}{}{}{}{unit}",
                        text::fit(label, 22, false),
                        text::fit(currency, 8, false),
                        text::fit(&amount.to_string(), 16, true),
                    ));
                }
                out.push(String::new());
            }
            Block::Gap => out.push(String::new()),
        }
    }
}

fn cut_line(label: &str) -> String {
    let inner = format!(" {label} ");
    let side = TEXT_WIDTH.saturating_sub(text::width(&inner)) / 2;
    let dashes = |n: usize| "-".repeat(n);
    format!("{}{inner}{}", dashes(side), dashes(TEXT_WIDTH.saturating_sub(side + text::width(&inner))))
}

pub(super) fn to_text(doc: &Doc) -> String {
    let mut lines = vec![centered(&doc.title, TEXT_WIDTH)];
    let body = match doc.body.split_first() {
        Some((Block::Subtitle(sub), rest)) => {
            lines.push(centered(sub, TEXT_WIDTH));
            rest
        }
        _ => &doc.body[..],
    };
    lines.push(String::new());
    text_blocks(body, doc.lang, &mut lines);
    lines.push(String::new());
    lines.push(cut_line(&doc.cut));
    lines.push(String::new());
    text_blocks(&doc.receipt, doc.lang, &mut lines);
    let mut s = lines.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n");
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------------
// HTML

/// Escapes text for HTML element content and attribute values; control characters are shown.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if text::is_unsafe(c) => out.push_str(&text::visible(c.encode_utf8(&mut [0; 4]))),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "\
body { font-family: \"Songti SC\", SimSun, \"Noto Serif CJK SC\", serif; font-size: 12pt; line-height: 1.7;
       max-width: 46em; margin: 2em auto; color: #000; background: #fff; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 0.2em; margin: 0 0 0.2em; }
h2 { text-align: center; font-size: 16pt; letter-spacing: 0.3em; margin: 0 0 0.5em; }
.subtitle { text-align: center; margin: 0; }
.right { text-align: right; margin: 0.2em 0; }
.para { text-indent: 2em; margin: 0.5em 0; }
.note { font-size: 10.5pt; margin: 0.5em 2em; }
table.figures { margin: 0.5em 2em; border-collapse: collapse; }
table.figures td { padding: 0.1em 1em; }
table.figures td.amount { text-align: right; font-variant-numeric: tabular-nums; }
table.figures tr.total td { border-top: 1px solid #000; font-weight: bold; }
.cut { border-top: 1px dashed #000; margin: 2em 0 1em; padding-top: 0.2em; text-align: center;
       font-size: 9pt; color: #444; }
.gap { height: 1em; }
@page { size: A4; margin: 20mm; }
@media print {
  body { margin: 0; max-width: none; }
  .receipt { break-inside: avoid; page-break-inside: avoid; }
}
";

fn html_blocks(blocks: &[Block], lang: NoticeLang, heading: &str, out: &mut String) {
    use std::fmt::Write as _;
    for b in blocks {
        match b {
            Block::Title(t) => {
                let _ = writeln!(out, "<{heading}>{}</{heading}>", html_escape(t));
            }
            Block::Subtitle(t) => {
                let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", html_escape(t));
            }
            Block::Right(t) => {
                let _ = writeln!(out, "<p class=\"right\">{}</p>", html_escape(t));
            }
            Block::Line(t) => {
                let _ = writeln!(out, "<p>{}</p>", html_escape(t));
            }
            Block::Para(t) => {
                let _ = writeln!(out, "<p class=\"para\">{}</p>", html_escape(t));
            }
            Block::Note(t) => {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", html_escape(t));
            }
            Block::Figures(rows) => {
                let (currency, unit) = match lang {
                    NoticeLang::Zh => ("人民币", "元"),
                    NoticeLang::En => ("CNY", ""),
                };
                out.push_str("<table class=\"figures\">\n");
                for (k, (label, amount)) in rows.iter().enumerate() {
                    let class = if k + 1 == rows.len() { " class=\"total\"" } else { "" };
                    let _ = writeln!(
                        out,
                        "<tr{class}><td>{}</td><td>{currency}</td><td class=\"amount\">{}</td><td>{unit}</td></tr>",
                        html_escape(label),
                        html_escape(&amount.to_string()),
                    );
                }
                out.push_str("</table>\n");
            }
            Block::Gap => out.push_str("<div class=\"gap\"></div>\n"),
        }
    }
}

pub(super) fn to_html(doc: &Doc) -> String {
    use std::fmt::Write as _;
    let lang = match doc.lang {
        NoticeLang::Zh => "zh-CN",
        NoticeLang::En => "en",
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main class=\"notice\">\n<h1>{}</h1>\n",
        html_escape(&doc.title),
        html_escape(&doc.title),
    );
    html_blocks(&doc.body, doc.lang, "h1", &mut s);
    let _ = writeln!(s, "</main>\n<div class=\"cut\">✂ {}</div>", html_escape(&doc.cut));
    s.push_str("<section class=\"receipt\">\n");
    html_blocks(&doc.receipt, doc.lang, "h2", &mut s);
    s.push_str("</section>\n</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_to_the_width_and_the_punctuation_rule() {
        let long = "截至2026年3月1日，该笔贷款已逾期四十五天，尚欠下列款项，请您于规定日期前归还，逾期仍不归还的，我行将依法采取措施。";
        for w in [10, 11, 20, 33] {
            for line in wrap(long, w, "    ", "") {
                assert!(text::width(&line) <= w, "{line:?} > {w}");
                assert!(!line.starts_with('，') && !line.starts_with('。'), "{line:?}");
            }
        }
        let en = "Please pay the total above by 2026-03-11 into your repayment account.";
        let lines = wrap(en, 20, "", "");
        assert!(lines.iter().all(|l| text::width(l) <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), en);
        // A loan id or an amount is never cut, even when punctuation pulls the break back.
        let mixed = "您于2025年6月2日与我行（广州天河支行）签订借款合同（贷款编号 DL00000859），借款本金人民币 67000.00 元";
        let lines = wrap(mixed, 78, "    ", "");
        assert_eq!(lines[0], "    您于2025年6月2日与我行（广州天河支行）签订借款合同（贷款编号");
        assert!(lines[1].starts_with("DL00000859），"), "{lines:?}");
    }

    #[test]
    fn html_escaping_covers_the_markup_characters() {
        assert_eq!(html_escape("<王&\"'>"), "&lt;王&amp;&quot;&#39;&gt;");
    }
}
