//! How the desk looks: the theme and the border characters, handed to every drawing function
//! (no global: a test can draw the same state with two looks).

use ratatui::symbols::border;
use ratatui::widgets::Block;

use super::theme::Theme;

pub use crate::config::Borders;

/// `+-+` corners and `-`/`|` lines.
pub const ASCII: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub theme: Theme,
    pub borders: Borders,
}

impl Look {
    pub fn new(theme: Theme) -> Look {
        Look { theme, borders: Borders::Unicode }
    }

    pub fn with_borders(self, borders: Borders) -> Look {
        Look { borders, ..self }
    }

    pub fn border_set(&self) -> border::Set<'static> {
        match self.borders {
            Borders::Unicode => border::PLAIN,
            Borders::Ascii => ASCII,
        }
    }

    /// A bordered block in this look's border characters and base style.
    pub fn block(&self) -> Block<'static> {
        Block::bordered().border_set(self.border_set()).style(self.theme.base())
    }

    /// The thin line between items on one line (the case's pane tabs).
    pub fn separator(&self) -> &'static str {
        match self.borders {
            Borders::Unicode => " │ ",
            Borders::Ascii => " | ",
        }
    }
}

impl From<Theme> for Look {
    fn from(theme: Theme) -> Look {
        Look::new(theme)
    }
}
