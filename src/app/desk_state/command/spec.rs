//! What a `:` command is: its texts in both languages, the words its argument takes (for Tab and
//! for help), and where it applies.

use super::parse::Parsed;
use crate::app::keymap::Scope;
use crate::app::moves::HoldKind;
use crate::app::notice_text::NoticeKind;
use crate::app::privacy::PiiField;
use crate::app::queue_sort::QueueSort;
use crate::app::strings::{Lang, fill};
use crate::domain::worklog::WorkLogKind;
use crate::domain::{Outcome, Stage};

/// A text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Texts {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Texts {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

pub(super) const fn tr(en: &'static str, zh: &'static str) -> Texts {
    Texts { en, zh }
}

/// What the first word after the command's name is, for Tab and for help.
#[derive(Debug, Clone, Copy)]
pub enum Arg {
    /// Free text, or words Tab does not complete.
    Text,
    /// A loan id: Tab asks the worker for the loans starting with what is typed.
    Loan,
    /// One of these words: named in the usage by `name`, a `what` in a refusal.
    Words { name: Texts, what: Texts, words: fn() -> Vec<&'static str> },
}

#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// Where it applies: a case command needs the case open; the others work from any screen.
    pub scopes: &'static [Scope],
    pub usage: Texts,
    pub desc: Texts,
    pub arg: Arg,
    /// Words it takes, for the test that every command parses its own example.
    pub example: &'static str,
    pub parse: fn(&str) -> Parsed,
}

impl CommandSpec {
    /// The usage, with the words a placeholder stands for: `:sort ORDER (ORDER: dpd|overdue|…)`.
    pub fn usage(&self, lang: Lang) -> String {
        match self.arg {
            Arg::Words { name, words, .. } => {
                fill(lang.text().usage_words, &[&self.usage.get(lang), &name.get(lang), &words().join("|")])
            }
            Arg::Text | Arg::Loan => self.usage.get(lang).to_string(),
        }
    }

    /// Whether the command works on the open case.
    pub fn needs_case(&self) -> bool {
        self.scopes == [Scope::Case]
    }

    pub(super) fn answers_to(&self, word: &str) -> bool {
        self.name == word || self.aliases.contains(&word)
    }
}

pub(super) const GLOBAL: &[Scope] = &[Scope::Global];
pub(super) const CASE: &[Scope] = &[Scope::Case];

pub(super) fn sorts() -> Vec<&'static str> {
    QueueSort::ALL.iter().map(|s| s.as_str()).collect()
}

pub(super) fn outcomes() -> Vec<&'static str> {
    Outcome::ALL.iter().filter(|o| **o != Outcome::Promise).map(|o| o.as_str()).collect()
}

pub(super) fn notice_kinds() -> Vec<&'static str> {
    NoticeKind::ALL.iter().map(|k| k.as_str()).collect()
}

pub(super) fn hold_kinds() -> Vec<&'static str> {
    HoldKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The stages a case is moved to by hand (closing and writing off have their own ways).
pub(super) fn move_stages() -> Vec<&'static str> {
    Stage::ALL
        .iter()
        .filter(|s| !matches!(s, Stage::Closed | Stage::WrittenOff))
        .map(|s| s.as_str())
        .collect()
}

pub(super) fn inspection_lists() -> Vec<&'static str> {
    vec!["due", "overdue"]
}

pub(super) fn warning_filters() -> Vec<&'static str> {
    vec!["all", "red", "orange", "yellow", "watch"]
}

pub(super) fn work_log_kinds() -> Vec<&'static str> {
    WorkLogKind::ALL.iter().map(|k| k.as_str()).collect()
}

pub(super) fn pii_fields() -> Vec<&'static str> {
    PiiField::ALL.iter().map(|f| f.as_str()).collect()
}
