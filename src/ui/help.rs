//! The `?` help pane: every key of the screen on show (from the key map) and every `:` command
//! (from the command table) with its usage, wrapped at the pane's width and scrolled as the state
//! says; a search keeps the entries that contain it. `layout` tells the state how long it is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::look::Look;
use super::theme::Theme;
use crate::app::desk_state::DeskState;
use crate::app::desk_state::command::COMMANDS;
use crate::app::keymap::{Cmd, Keymap, Scope};
use crate::app::strings::fill;
use crate::text;

/// The help is at most this wide: longer lines are harder to read.
const MAX_WIDTH: u16 = 100;
/// The key column takes the longest keys up to this many cells.
const KEYS_MAX: usize = 14;

/// One entry of the help.
enum Entry {
    Section(String),
    Key { keys: String, desc: String },
    Command { usage: String, desc: String },
    Note(String),
}

impl Entry {
    fn contains(&self, needle: &str) -> bool {
        let has = |s: &str| s.to_lowercase().contains(needle);
        match self {
            Entry::Section(_) => false,
            Entry::Key { keys, desc } => has(keys) || has(desc),
            Entry::Command { usage, desc } => has(usage) || has(desc),
            Entry::Note(n) => has(n),
        }
    }
}

/// Everything the help lists on this screen, kept to what the search finds.
fn entries(state: &DeskState) -> Vec<Entry> {
    let (lang, t) = (state.lang, state.lang.text());
    let mut all = Vec::new();
    for scope in state.scopes() {
        all.push(Entry::Section(lang.scope(scope).to_string()));
        // The help itself needs no line saying how to open it.
        for (b, seqs) in state.keymap.bindings.iter().filter(|(b, _)| b.scope == scope && b.cmd != Cmd::Help)
        {
            all.push(Entry::Key { keys: Keymap::keys_label(seqs), desc: lang.key_desc(b).to_string() });
        }
        if scope == Scope::Queue {
            all.push(Entry::Note(t.queue_marks.to_string()));
        }
    }
    for (title, case) in [(t.help_commands, false), (t.help_case_commands, true)] {
        all.push(Entry::Section(title.to_string()));
        for c in COMMANDS.iter().filter(|c| c.needs_case() == case) {
            let aliases: Vec<String> = c.aliases.iter().map(|a| format!(":{a}")).collect();
            let usage = match aliases.is_empty() {
                true => c.usage(lang),
                false => format!("{}  ({})", c.usage(lang), aliases.join(" ")),
            };
            all.push(Entry::Command { usage, desc: c.desc.get(lang).to_string() });
        }
    }
    let needle = state.help.search.as_str().trim().to_lowercase();
    if needle.is_empty() {
        return all;
    }
    // A section stays when something under it matches.
    let mut kept: Vec<Entry> = Vec::new();
    let mut section: Option<Entry> = None;
    for e in all {
        match e {
            Entry::Section(_) => section = Some(e),
            e if e.contains(&needle) => {
                kept.extend(section.take());
                kept.push(e);
            }
            _ => {}
        }
    }
    kept
}

/// `text` in lines of at most `width` cells: at spaces, else between wide (Chinese) characters,
/// else anywhere in a word too long for a line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    // Where the line may be cut: the rest goes to the next line.
    let mut cut: Option<usize> = None;
    for c in text.chars() {
        let mut buf = [0u8; 4];
        let cw = text::width(c.encode_utf8(&mut buf));
        if c == ' ' {
            if text::width(&line) + 1 > width {
                lines.push(std::mem::take(&mut line));
                cut = None;
            } else if !line.is_empty() {
                line.push(' ');
                cut = Some(line.len());
            }
            continue;
        }
        if cw > 1 && !line.is_empty() && !line.ends_with(' ') {
            cut = Some(line.len());
        }
        while text::width(&line) + cw > width && !line.is_empty() {
            let rest = match cut.take().filter(|&k| k > 0 && k <= line.len()) {
                Some(k) => line.split_off(k),
                None => String::new(),
            };
            lines.push(line.trim_end().to_string());
            line = rest.trim_start().to_string();
        }
        line.push(c);
        if cw > 1 {
            cut = Some(line.len());
        }
    }
    if !line.trim_end().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// The help's lines at `width` cells.
fn lines(state: &DeskState, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let entries = entries(state);
    if entries.is_empty() {
        let none = fill(state.lang.text().help_no_match, &[&state.help.search.as_str().trim()]);
        return vec![Line::styled(text::truncate(&none, width), theme.dim())];
    }
    let keys_width = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Key { keys, .. } => Some(text::width(keys)),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .min(KEYS_MAX);
    let mut out = Vec::new();
    for e in &entries {
        match e {
            Entry::Section(s) => {
                if !out.is_empty() {
                    out.push(Line::raw(""));
                }
                out.push(Line::styled(text::truncate(s, width), theme.header()));
            }
            Entry::Key { keys, desc } => {
                let indent = keys_width + 3;
                for (i, l) in wrap(desc, width.saturating_sub(indent)).into_iter().enumerate() {
                    let keys =
                        if i == 0 { text::fit(keys, keys_width, false) } else { " ".repeat(keys_width) };
                    out.push(Line::from(vec![
                        Span::raw("  "),
                        Span::styled(keys, theme.key()),
                        Span::raw(" "),
                        Span::raw(l),
                    ]));
                }
            }
            Entry::Command { usage, desc } => {
                // A usage too long for a line goes on indented under its name.
                for (i, l) in wrap(usage, width.saturating_sub(6)).into_iter().enumerate() {
                    let indent = if i == 0 { "  " } else { "    " };
                    out.push(Line::from(vec![Span::raw(indent), Span::styled(l, theme.key())]));
                }
                for l in wrap(desc, width.saturating_sub(6)) {
                    out.push(Line::raw(format!("      {l}")));
                }
            }
            Entry::Note(n) => {
                out.extend(wrap(n, width.saturating_sub(2)).into_iter().map(|l| Line::raw(format!("  {l}"))))
            }
        }
    }
    out
}

/// The pane's width inside its border at a terminal `area_width` wide.
fn inner_width(area_width: u16) -> u16 {
    area_width.min(MAX_WIDTH).saturating_sub(2)
}

/// How many lines the help has at a terminal `area_width` wide (the state scrolls by it).
pub fn line_count(state: &DeskState, area_width: u16) -> u16 {
    let n = lines(state, usize::from(inner_width(area_width)), &Theme::mono()).len();
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Where the pane goes: centred, over everything but the footer (which says how to use it),
/// no taller than it needs.
pub fn rect(area: Rect, lines: u16) -> Rect {
    let width = area.width.min(MAX_WIDTH);
    let room = area.height.saturating_sub(1);
    let height = lines.saturating_add(2).min(room);
    Rect { x: area.x + (area.width - width) / 2, y: area.y + (room - height) / 2, width, height }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &DeskState, look: &Look) {
    let theme = &look.theme;
    let t = state.lang.text();
    let all = lines(state, usize::from(inner_width(area.width)), theme);
    let total = u16::try_from(all.len()).unwrap_or(u16::MAX);
    let rect = rect(area, total);
    let rows = rect.height.saturating_sub(2);
    let top = state.help.scroll.min(total.saturating_sub(rows));
    let shown: Vec<Line> = all.into_iter().skip(usize::from(top)).take(usize::from(rows)).collect();
    let last = (top + rows).min(total);
    let mut block = look.block().title(t.help_title);
    if total > rows {
        block = block
            .title_bottom(Line::from(fill(t.help_position, &[&(top + 1), &last, &total])).right_aligned());
    }
    blank_wide_left_of(frame, rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(shown).block(block), rect);
}

/// The footer while the help is open: how to move and search, or the search being typed.
pub fn footer(state: &DeskState, width: usize, theme: &Theme) -> (Line<'static>, Option<u16>) {
    let t = state.lang.text();
    let search = state.help.search.as_str();
    if state.help.searching {
        let typed = format!("/{search}");
        let cursor = 1 + text::width(&search[..state.help.search.cursor()]);
        let room = width.saturating_sub(text::width(t.filter_hint) + 1);
        let line = Line::from(vec![
            Span::raw(text::fit(&typed, room, false)),
            Span::raw(" "),
            Span::styled(t.filter_hint, theme.dim()),
        ]);
        return (line, u16::try_from(cursor.min(room)).ok());
    }
    let hint =
        if search.is_empty() { t.help_footer.to_string() } else { format!(" /{search} ·{}", t.help_footer) };
    (Line::styled(text::truncate(&hint, width), theme.dim()), None)
}

/// A wide character (Chinese: two cells) just left of an overlay would lose its second cell under
/// the overlay's border, and terminals draw half a character differently: blank it.
pub fn blank_wide_left_of(frame: &mut Frame, rect: Rect) {
    let Some(x) = rect.x.checked_sub(1) else { return };
    let buf = frame.buffer_mut();
    for y in rect.y..rect.y.saturating_add(rect.height) {
        if let Some(cell) = buf.cell_mut((x, y))
            && text::width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;
    use crate::text;

    #[test]
    fn wrapping_keeps_words_and_cuts_chinese_anywhere() {
        assert_eq!(wrap("open the case of the change", 12), ["open the", "case of the", "change"]);
        assert_eq!(
            wrap("提出还款方案：再填写原因使其生效", 10),
            ["提出还款方", "案：再填写", "原因使其生", "效"]
        );
        assert_eq!(wrap("supercalifragilistic", 8), ["supercal", "ifragili", "stic"]);
        assert_eq!(wrap(":plan save 原因 · 预览还款计划", 12), [":plan save", "原因 · 预览", "还款计划"]);
        assert_eq!(wrap("", 5), [""]);
        for w in 1..30 {
            for l in wrap(":assign --stage 阶段|--from 用户 --to 用户 [--dry-run] 把已标记的案件交给某人", w)
            {
                assert!(text::width(&l) <= w.max(2), "{w}: {l}");
            }
        }
    }
}
