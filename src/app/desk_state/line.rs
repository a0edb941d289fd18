//! A line being typed (the `:` command line, the filter, the help's search): its text, a cursor,
//! and the completions Tab is cycling through. Keys arrive as `Edit`s; nothing here knows the
//! terminal.

/// One change to a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    /// The character before the cursor (Backspace).
    Backspace,
    /// The character under the cursor (Delete).
    Delete,
    Left,
    Right,
    /// To the start (Home, Ctrl-A).
    Home,
    /// To the end (End, Ctrl-E).
    End,
    /// Everything before the cursor (Ctrl-U).
    KillToStart,
    /// The word before the cursor and the spaces after it (Ctrl-W).
    KillWord,
}

/// The completions on offer: Tab puts the next one in place of the word being completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// Where the completed word starts (a byte offset).
    pub start: usize,
    pub candidates: Vec<String>,
    /// The candidate on the line.
    pub index: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    /// A byte offset into `text`, always on a character boundary.
    cursor: usize,
    cycle: Option<Cycle>,
}

impl LineEdit {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The cursor as a byte offset into the text.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The completions Tab is cycling through, if the last key was Tab.
    pub fn cycle(&self) -> Option<&Cycle> {
        self.cycle.as_ref()
    }

    /// Replaces the text; the cursor goes to its end.
    pub fn set(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.cursor = self.text.len();
        self.cycle = None;
    }

    pub fn clear(&mut self) {
        self.set(String::new());
    }

    pub fn edit(&mut self, e: Edit) {
        self.cycle = None;
        let before = &self.text[..self.cursor];
        match e {
            Edit::Insert(c) => {
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
            }
            Edit::Backspace => {
                if let Some(c) = before.chars().next_back() {
                    self.cursor -= c.len_utf8();
                    self.text.remove(self.cursor);
                }
            }
            Edit::Delete => {
                if self.cursor < self.text.len() {
                    self.text.remove(self.cursor);
                }
            }
            Edit::Left => self.cursor -= before.chars().next_back().map_or(0, char::len_utf8),
            Edit::Right => self.cursor += self.text[self.cursor..].chars().next().map_or(0, char::len_utf8),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.text.len(),
            Edit::KillToStart => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            Edit::KillWord => {
                let start = word_start(before.trim_end());
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
        }
    }

    /// The word the cursor ends: from the space before it to the cursor.
    pub fn word(&self) -> (usize, &str) {
        let start = word_start(&self.text[..self.cursor]);
        (start, &self.text[start..self.cursor])
    }

    /// Offers completions for the word starting at `start` (up to the cursor): one is put in
    /// place with a space after it; of several the first is, and Tab cycles through them.
    pub fn complete(&mut self, start: usize, candidates: Vec<String>) {
        match candidates.as_slice() {
            [] => {}
            [one] => {
                let with_space = format!("{one} ");
                self.replace_word(start, &with_space);
                self.cycle = None;
            }
            [first, ..] => {
                let first = first.clone();
                self.replace_word(start, &first);
                self.cycle = Some(Cycle { start, candidates, index: 0 });
            }
        }
    }

    /// Puts the next completion in place; `false` when Tab is not cycling.
    pub fn cycle_next(&mut self) -> bool {
        let Some(mut cycle) = self.cycle.take() else { return false };
        cycle.index = (cycle.index + 1) % cycle.candidates.len();
        let next = cycle.candidates[cycle.index].clone();
        self.replace_word(cycle.start, &next);
        self.cycle = Some(cycle);
        true
    }

    fn replace_word(&mut self, start: usize, with: &str) {
        let start = start.min(self.cursor);
        self.text.replace_range(start..self.cursor, with);
        self.cursor = start + with.len();
    }
}

/// Where the last word of `text` starts.
fn word_start(text: &str) -> usize {
    text.rfind(char::is_whitespace).map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> LineEdit {
        let mut l = LineEdit::default();
        for c in s.chars() {
            l.edit(Edit::Insert(c));
        }
        l
    }

    #[test]
    fn editing_in_the_middle_of_a_line() {
        let mut l = typed("note 关机了");
        l.edit(Edit::Left);
        l.edit(Edit::Backspace);
        assert_eq!((l.as_str(), l.cursor()), ("note 关了", "note 关".len()));
        l.edit(Edit::Home);
        l.edit(Edit::Delete);
        l.edit(Edit::Insert('N'));
        assert_eq!(l.as_str(), "Note 关了");
        l.edit(Edit::End);
        l.edit(Edit::KillWord);
        assert_eq!(l.as_str(), "Note ");
        l.edit(Edit::KillWord);
        assert_eq!(l.as_str(), "");
        let mut l = typed("ptp 100 2026-03-01");
        for _ in 0..10 {
            l.edit(Edit::Left);
        }
        l.edit(Edit::KillToStart);
        assert_eq!((l.as_str(), l.cursor()), ("2026-03-01", 0));
        // Past either end stays put.
        l.edit(Edit::Left);
        l.edit(Edit::Backspace);
        l.edit(Edit::End);
        l.edit(Edit::Right);
        l.edit(Edit::Delete);
        assert_eq!((l.as_str(), l.cursor()), ("2026-03-01", 10));
    }

    #[test]
    fn tab_completes_one_or_cycles_through_several() {
        let mut l = typed("ass");
        let (start, word) = l.word();
        assert_eq!((start, word), (0, "ass"));
        l.complete(start, vec!["assign".into()]);
        assert_eq!(l.as_str(), "assign ");
        assert!(!l.cycle_next());
        let mut l = typed("goto DL00");
        let (start, word) = l.word();
        assert_eq!(word, "DL00");
        l.complete(start, vec!["DL0001".into(), "DL0002".into()]);
        assert_eq!(l.as_str(), "goto DL0001");
        assert!(l.cycle_next());
        assert_eq!(l.as_str(), "goto DL0002");
        assert!(l.cycle_next());
        assert_eq!(l.as_str(), "goto DL0001");
        // Any edit ends the cycle.
        l.edit(Edit::Insert(' '));
        assert!(l.cycle().is_none() && !l.cycle_next());
        // Nothing found leaves the line as it was.
        let mut l = typed("goto X");
        l.complete(5, Vec::new());
        assert_eq!(l.as_str(), "goto X");
    }
}
