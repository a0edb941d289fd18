//! A list read a page at a time around its cursor (the queues, Warnings, Inspections): its rows,
//! the cursor and the window, and what is being asked. Each screen keeps its own filter and
//! query; the moves and the replies are these.

use crate::app::keymap::Cmd;

/// Rows fetched per page around the cursor.
pub const PAGE: u64 = 120;

/// The rows a list asks at a time with a window `view` rows tall: a page, or three windows on a
/// tall terminal.
pub(super) fn page_size(view: u64) -> u64 {
    PAGE.max(view.saturating_mul(3))
}

/// Rows `offset .. offset + rows.len()` of a list of `total`, the cursor and the window's top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pages<R> {
    pub rows: Vec<R>,
    pub offset: u64,
    pub total: Option<u64>,
    pub selected: u64,
    pub top: u64,
    /// The request the rows must answer: an older reply is dropped.
    pub generation: u64,
    /// The offset asked and not yet answered.
    pub loading: Option<u64>,
    pub error: Option<String>,
}

impl<R> Default for Pages<R> {
    fn default() -> Self {
        Pages {
            rows: Vec::new(),
            offset: 0,
            total: None,
            selected: 0,
            top: 0,
            generation: 0,
            loading: None,
            error: None,
        }
    }
}

impl<R> Pages<R> {
    pub fn row(&self, i: u64) -> Option<&R> {
        let k = usize::try_from(i.checked_sub(self.offset)?).ok()?;
        self.rows.get(k)
    }

    /// The offset to ask again around the cursor (after a write, another desk's commit, `m`); the
    /// top of the list when `reset`.
    pub(super) fn again(&mut self, reset: bool) -> u64 {
        if reset {
            self.selected = 0;
            self.top = 0;
            self.rows.clear();
            self.total = None;
        }
        self.top.saturating_sub(PAGE / 3)
    }

    /// The offset to ask so that the `view` rows from the top are at hand, a third of a `page`
    /// above them; none when they are, or are already asked.
    pub(super) fn wanted(&self, view: u64, page: u64) -> Option<u64> {
        let total = self.total?;
        let (from, to) = (self.top, (self.top + view).min(total));
        if from >= self.offset && to <= self.offset + self.rows.len() as u64 {
            return None;
        }
        let offset = from.saturating_sub(page / 3);
        (self.loading != Some(offset)).then_some(offset)
    }

    /// Moves the cursor by a list key within a window `view` rows tall; false for any other key
    /// or an empty list.
    pub(super) fn step(&mut self, cmd: Cmd, view: u64) -> bool {
        let Some((selected, top)) = step(cmd, self.selected, self.top, self.total.unwrap_or(0), view) else {
            return false;
        };
        (self.selected, self.top) = (selected, top);
        true
    }

    /// Puts the cursor on row `target` (within the list) and the window `view` rows tall over it.
    pub(super) fn move_to(&mut self, target: i64, view: u64) {
        let Some(total) = self.total.filter(|t| *t > 0) else { return };
        let last = i64::try_from(total - 1).unwrap_or(i64::MAX);
        self.selected = u64::try_from(target.clamp(0, last)).unwrap_or(0);
        self.top = follow(self.selected, self.top, view);
    }

    /// Takes a reply's rows; false when it answers an older request.
    pub(super) fn take(&mut self, generation: u64, offset: u64, rows: Vec<R>, total: Option<u64>) -> bool {
        if self.generation != generation {
            return false;
        }
        self.loading = None;
        self.error = None;
        self.offset = offset;
        self.rows = rows;
        if total.is_some() {
            self.total = total;
        }
        if let Some(t) = self.total {
            self.selected = self.selected.min(t.saturating_sub(1));
        }
        true
    }

    pub(super) fn failed(&mut self, message: &str) {
        self.loading = None;
        self.error = Some(message.to_string());
    }
}

/// A list's state reads as its `pages` field (`l.selected`, `l.row(i)`) beside what is its own.
macro_rules! deref_pages {
    ($state:ty, $row:ty) => {
        impl std::ops::Deref for $state {
            type Target = $crate::app::desk_state::pages::Pages<$row>;
            fn deref(&self) -> &Self::Target {
                &self.pages
            }
        }

        impl std::ops::DerefMut for $state {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.pages
            }
        }
    };
}
pub(super) use deref_pages;

/// A list key's move of a cursor over `len` rows, seen through a window `view` rows tall whose
/// first row is `top`: the cursor and the window's first row after it, the window following the
/// cursor; none for another key or no rows. Every list and pane on the desk moves by this.
pub(super) fn step(cmd: Cmd, cursor: u64, top: u64, len: u64, view: u64) -> Option<(u64, u64)> {
    let last = len.checked_sub(1)?;
    let page = view.max(1);
    let cursor = match cmd {
        Cmd::Up => cursor.saturating_sub(1),
        Cmd::Down => cursor.saturating_add(1),
        Cmd::PageUp => cursor.saturating_sub(page),
        Cmd::PageDown => cursor.saturating_add(page),
        Cmd::Top => 0,
        Cmd::Bottom => last,
        _ => return None,
    }
    .min(last);
    Some((cursor, follow(cursor, top, view)))
}

/// The first row of a window `view` rows tall, from `top`, moved the least that shows `cursor`.
fn follow(cursor: u64, top: u64, view: u64) -> u64 {
    let view = view.max(1);
    if cursor < top {
        cursor
    } else if cursor >= top.saturating_add(view) {
        cursor + 1 - view
    } else {
        top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(total: u64) -> Pages<u64> {
        Pages { total: Some(total), rows: (0..total.min(PAGE)).collect(), ..Pages::default() }
    }

    #[test]
    fn the_cursor_stays_in_the_list_and_the_window_follows_it() {
        let mut p = list(50);
        assert!(p.step(Cmd::PageDown, 10));
        assert_eq!((p.selected, p.top), (10, 1));
        assert!(p.step(Cmd::Bottom, 10));
        assert_eq!((p.selected, p.top), (49, 40));
        assert!(p.step(Cmd::Down, 10));
        assert_eq!(p.selected, 49, "no row past the last");
        assert!(p.step(Cmd::Top, 10));
        assert_eq!((p.selected, p.top), (0, 0));
        assert!(!p.step(Cmd::Open, 10), "not a move");
        assert!(!list(0).step(Cmd::Down, 10), "an empty list does not move");
    }

    #[test]
    fn rows_are_asked_when_the_window_leaves_them_and_once() {
        let mut p = Pages { total: Some(1_000), rows: (0..PAGE).collect::<Vec<u64>>(), ..Pages::default() };
        assert_eq!(p.wanted(20, PAGE), None, "at hand");
        p.top = 500;
        let offset = p.wanted(20, PAGE).expect("asked");
        assert_eq!(offset, 500 - PAGE / 3);
        p.loading = Some(offset);
        assert_eq!(p.wanted(20, PAGE), None, "already asked");
    }

    #[test]
    fn an_older_reply_is_dropped_and_the_cursor_kept_in_a_shorter_list() {
        let mut p = list(50);
        p.generation = 2;
        p.selected = 40;
        assert!(!p.take(1, 0, vec![7], Some(1)), "older");
        assert_eq!(p.total, Some(50));
        assert!(p.take(2, 0, vec![7, 8], Some(2)));
        assert_eq!((p.rows.len(), p.total, p.selected), (2, Some(2), 1));
        p.failed("gone");
        assert_eq!(p.error.as_deref(), Some("gone"));
    }
}
