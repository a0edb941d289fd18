//! Named styles. Panes ask for a meaning (`row(selected)`, `dpd(d)`), never a colour. Under
//! `NO_COLOR` the `mono` theme carries state with modifiers and symbols only: the selection is
//! reversed, severe arrears are bold. The styles come from theme files, which the configuration
//! reads (`config::theme`).

use ratatui::style::Style;

use crate::config::theme::Styles;
use crate::domain::warning::Level;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub mono: bool,
    styles: Styles,
}

impl From<Styles> for Theme {
    fn from(styles: Styles) -> Theme {
        Theme { mono: styles.mono, styles }
    }
}

impl Theme {
    /// The default theme, from `themes/dark.toml`.
    pub fn dark() -> Theme {
        Styles::dark().into()
    }

    /// From `themes/light.toml`, for light terminal backgrounds.
    pub fn light() -> Theme {
        Styles::light().into()
    }

    /// From `themes/mono.toml`: no colours; what `NO_COLOR` forces.
    pub fn mono() -> Theme {
        Styles::mono().into()
    }

    /// `mono` when `NO_COLOR` is set to anything but the empty string (no-color.org).
    pub fn for_no_color(no_color: Option<&str>) -> Theme {
        match no_color {
            Some(v) if !v.is_empty() => Theme::mono(),
            _ => Theme::dark(),
        }
    }

    pub fn base(&self) -> Style {
        self.styles.base
    }
    pub fn title(&self) -> Style {
        self.styles.title
    }
    pub fn tab(&self, active: bool) -> Style {
        if active { self.styles.tab_active } else { self.styles.tab }
    }
    pub fn header(&self) -> Style {
        self.styles.header
    }
    pub fn row(&self, selected: bool) -> Style {
        if selected { self.styles.selected } else { self.styles.base }
    }
    pub fn dim(&self) -> Style {
        self.styles.dim
    }
    pub fn status(&self) -> Style {
        self.styles.status
    }
    pub fn message(&self) -> Style {
        self.styles.message
    }
    pub fn key(&self) -> Style {
        self.styles.key
    }
    /// A heat grid's cell, level 0 (nothing) to 4 (most): a background from cool to hot; plain
    /// in mono, where the cells carry shading characters instead.
    pub fn heat(&self, level: u8) -> Style {
        use ratatui::style::Color;
        if self.mono {
            return self.styles.base;
        }
        let bg = match level {
            0 => return self.styles.base,
            1 => Color::Rgb(40, 70, 40),
            2 => Color::Rgb(110, 100, 30),
            3 => Color::Rgb(150, 70, 20),
            _ => Color::Rgb(170, 30, 30),
        };
        self.styles.base.bg(bg).fg(Color::White)
    }
    /// A signal's level: red as severe arrears, orange as late; the letter beside it says it
    /// under `NO_COLOR`.
    pub fn level(&self, level: Level) -> Style {
        match level {
            Level::Red => self.styles.severe,
            Level::Orange => self.styles.late,
            Level::Yellow => self.styles.base,
        }
    }

    /// Days past due: plain when current, marked from 1 day, severe from 90 (non-performing).
    pub fn dpd(&self, dpd: i64) -> Style {
        match dpd {
            ..=0 => self.styles.base,
            1..=89 => self.styles.late,
            _ => self.styles.severe,
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Color, Modifier};

    use super::*;

    #[test]
    fn dark_is_as_before_and_the_themes_differ() {
        let dark = Theme::dark();
        assert_eq!(dark.title(), Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD));
        assert_eq!(dark.row(true), Style::new().fg(Color::Black).bg(Color::LightBlue));
        assert_ne!(Theme::light().row(true), dark.row(true));
        assert!(!dark.mono && Theme::mono().mono);
    }

    #[test]
    fn mono_carries_state_without_colour() {
        let m = Theme::mono();
        assert!(m.row(true).add_modifier.contains(Modifier::REVERSED));
        assert!(m.dpd(120).add_modifier.contains(Modifier::BOLD));
        assert_eq!(Theme::for_no_color(Some("1")), m);
        assert_eq!(Theme::for_no_color(Some("")), Theme::dark());
    }
}
