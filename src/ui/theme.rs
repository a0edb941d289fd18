//! Named styles. Panes ask for a meaning (`row(selected)`, `dpd(d)`), never a colour. Under
//! `NO_COLOR` the `mono` theme carries state with modifiers and symbols only: the selection is
//! reversed, severe arrears are bold.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub mono: bool,
    base: Style,
    title: Style,
    tab: Style,
    tab_active: Style,
    header: Style,
    selected: Style,
    dim: Style,
    status: Style,
    message: Style,
    key: Style,
    late: Style,
    severe: Style,
}

impl Theme {
    pub fn dark() -> Theme {
        Theme {
            mono: false,
            base: Style::new(),
            title: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            tab: Style::new().fg(Color::Gray),
            tab_active: Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD),
            header: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            selected: Style::new().fg(Color::Black).bg(Color::LightBlue),
            dim: Style::new().fg(Color::DarkGray),
            status: Style::new().fg(Color::White).bg(Color::DarkGray),
            message: Style::new().fg(Color::Yellow).bg(Color::DarkGray).add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            late: Style::new().fg(Color::Yellow),
            severe: Style::new().fg(Color::LightRed).add_modifier(Modifier::BOLD),
        }
    }

    pub fn mono() -> Theme {
        Theme {
            mono: true,
            base: Style::new(),
            title: Style::new().add_modifier(Modifier::BOLD),
            tab: Style::new(),
            tab_active: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            header: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new(),
            status: Style::new().add_modifier(Modifier::REVERSED),
            message: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            key: Style::new().add_modifier(Modifier::BOLD),
            late: Style::new(),
            severe: Style::new().add_modifier(Modifier::BOLD),
        }
    }

    /// `mono` when `NO_COLOR` is set to anything but the empty string (no-color.org).
    pub fn for_no_color(no_color: Option<&str>) -> Theme {
        match no_color {
            Some(v) if !v.is_empty() => Theme::mono(),
            _ => Theme::dark(),
        }
    }

    pub fn base(&self) -> Style {
        self.base
    }
    pub fn title(&self) -> Style {
        self.title
    }
    pub fn tab(&self, active: bool) -> Style {
        if active { self.tab_active } else { self.tab }
    }
    pub fn header(&self) -> Style {
        self.header
    }
    pub fn row(&self, selected: bool) -> Style {
        if selected { self.selected } else { self.base }
    }
    pub fn dim(&self) -> Style {
        self.dim
    }
    pub fn status(&self) -> Style {
        self.status
    }
    pub fn message(&self) -> Style {
        self.message
    }
    pub fn key(&self) -> Style {
        self.key
    }
    /// Days past due: plain when current, marked from 1 day, severe from 90 (non-performing).
    pub fn dpd(&self, dpd: i64) -> Style {
        match dpd {
            ..=0 => self.base,
            1..=89 => self.late,
            _ => self.severe,
        }
    }
}
