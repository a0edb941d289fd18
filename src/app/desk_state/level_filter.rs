//! A filter by warning level and the watchlist: what the Warnings list shows (`:warnings`), and
//! which loans the due-soon list and the overdue queue show (`:level`), `L` and `w` on each.

use crate::domain::warning::Level;

/// A level (all when `None`) and whether only customers on the watchlist.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarningsFilter {
    pub level: Option<Level>,
    pub watched: bool,
}

impl WarningsFilter {
    /// `L`: all, red, orange, yellow, all again.
    pub fn next_level(self) -> WarningsFilter {
        let level = match self.level {
            None => Some(Level::Red),
            Some(Level::Red) => Some(Level::Orange),
            Some(Level::Orange) => Some(Level::Yellow),
            Some(Level::Yellow) => None,
        };
        WarningsFilter { level, ..self }
    }

    /// Whether it leaves anything out.
    pub fn narrows(self) -> bool {
        self.level.is_some() || self.watched
    }

    /// The words `:warnings` and `:level` take: a level or `all`, and `watch`.
    pub fn parse(words: &str) -> Result<WarningsFilter, String> {
        let mut filter = WarningsFilter::default();
        for word in words.split_whitespace() {
            match word {
                "all" => filter.level = None,
                "watch" => filter.watched = true,
                _ => filter.level = Some(word.parse::<Level>().map_err(|_| word.to_string())?),
            }
        }
        Ok(filter)
    }
}
