//! The `?` help as a pane of its own: where it is scrolled to and what it is searched for. What it
//! lists (every key of the screen from the key map, every `:` command from the command table) is
//! laid out by the drawing side, which tells its length through `Layout`.

use super::line::LineEdit;

/// A move through the help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpMove {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpState {
    /// The first line shown.
    pub scroll: u16,
    /// Only entries containing this are listed (case aside); empty lists everything.
    pub search: LineEdit,
    /// The search is being typed.
    pub searching: bool,
}

impl HelpState {
    /// Moves through `lines` lines of which `rows` are shown.
    pub fn scroll(&mut self, m: HelpMove, rows: u16, lines: u16) {
        let rows = rows.max(1);
        self.scroll = match m {
            HelpMove::Up => self.scroll.saturating_sub(1),
            HelpMove::Down => self.scroll.saturating_add(1),
            HelpMove::PageUp => self.scroll.saturating_sub(rows),
            HelpMove::PageDown => self.scroll.saturating_add(rows),
            HelpMove::Top => 0,
            HelpMove::Bottom => u16::MAX,
        };
        self.clamp(rows, lines);
    }

    /// Keeps the last screenful full: the scroll never passes `lines - rows`.
    pub fn clamp(&mut self, rows: u16, lines: u16) {
        self.scroll = self.scroll.min(lines.saturating_sub(rows));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_stops_at_the_last_screenful() {
        let mut h = HelpState::default();
        h.scroll(HelpMove::PageDown, 20, 50);
        assert_eq!(h.scroll, 20);
        h.scroll(HelpMove::PageDown, 20, 50);
        assert_eq!(h.scroll, 30);
        h.scroll(HelpMove::Down, 20, 50);
        assert_eq!(h.scroll, 30);
        h.scroll(HelpMove::Up, 20, 50);
        assert_eq!(h.scroll, 29);
        h.scroll(HelpMove::Top, 20, 50);
        assert_eq!(h.scroll, 0);
        h.scroll(HelpMove::Bottom, 20, 50);
        assert_eq!(h.scroll, 30);
        // A search that leaves less than a screenful shows it from the top.
        h.clamp(20, 12);
        assert_eq!(h.scroll, 0);
    }
}
