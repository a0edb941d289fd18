//! The parsers of the case's early-warning commands: the words of `warn`, `warn-confirm`,
//! `warn-close`, `warn-measure`, `watch` and `unwatch`, as the command line's flags take them.

use super::parse::{ArgError, CaseCommand, Parsed, SignalCommand, case, first_word, reason, unknown};
use crate::app::strings::Lang;
use crate::domain::warning::{Category, Level, MeasureKind};

/// A word as typed (`lawsuit`) or as a Chinese desk shows it (`涉诉`).
fn named<T: Copy>(word: &str, all: &[T], zh: fn(Lang, T) -> &'static str) -> Option<T> {
    all.iter().copied().find(|w| zh(Lang::En, *w) == word || zh(Lang::Zh, *w) == word)
}

fn signal(c: SignalCommand) -> Parsed {
    case(CaseCommand::Signal(c))
}

/// `CATEGORY LEVEL NOTE`
pub fn warn(args: &str) -> Parsed {
    let (word, rest) = first_word(args);
    if word.is_empty() {
        return Err(ArgError::Usage);
    }
    let category = named(word, Category::ALL, Lang::category).ok_or_else(|| unknown(word))?;
    let (level, note) = first_word(rest);
    let level = match level {
        "" => return Err(ArgError::Usage),
        l => named(l, Level::ALL, Lang::level)
            .ok_or_else(|| ArgError::Why(l.parse::<Level>().err().unwrap_or_default()))?,
    };
    signal(SignalCommand::Warn { category, level, note: reason(note)? })
}

/// `NOTE`
pub fn confirm(args: &str) -> Parsed {
    signal(SignalCommand::Confirm(reason(args)?))
}

/// `REASON`
pub fn close(args: &str) -> Parsed {
    signal(SignalCommand::Close(reason(args)?))
}

/// `KIND NOTE`
pub fn measure(args: &str) -> Parsed {
    let (word, rest) = first_word(args);
    if word.is_empty() {
        return Err(ArgError::Usage);
    }
    let kind = named(word, MeasureKind::ALL, Lang::measure_kind).ok_or_else(|| unknown(word))?;
    signal(SignalCommand::Measure { kind, note: reason(rest)? })
}

/// `REASON`
pub fn watch(args: &str) -> Parsed {
    signal(SignalCommand::Watch(reason(args)?))
}

/// `REASON`
pub fn unwatch(args: &str) -> Parsed {
    signal(SignalCommand::Unwatch(reason(args)?))
}

pub(super) fn categories() -> Vec<&'static str> {
    Category::ALL.iter().map(|c| c.as_str()).collect()
}

pub(super) fn measure_kinds() -> Vec<&'static str> {
    MeasureKind::ALL.iter().map(|k| k.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::desk_state::command::Command;

    fn said(c: SignalCommand) -> Parsed {
        Ok(Command::Case(CaseCommand::Signal(c)))
    }

    #[test]
    fn a_warning_takes_its_category_level_and_note() {
        assert_eq!(
            warn("lawsuit red 借款人被起诉 涉案金额大"),
            said(SignalCommand::Warn {
                category: Category::Lawsuit,
                level: Level::Red,
                note: "借款人被起诉 涉案金额大".into()
            })
        );
        assert_eq!(
            warn("涉诉 红色 被列为被告"),
            said(SignalCommand::Warn {
                category: Category::Lawsuit,
                level: Level::Red,
                note: "被列为被告".into()
            })
        );
        assert_eq!(warn("lawsuit red"), Err(ArgError::Usage));
        assert_eq!(warn("lawsuit"), Err(ArgError::Usage));
        assert_eq!(warn(""), Err(ArgError::Usage));
        assert_eq!(warn("rumour red x"), Err(ArgError::Unknown("rumour".into())));
        assert!(matches!(warn("lawsuit crimson x"), Err(ArgError::Why(_))));
    }

    #[test]
    fn a_measure_takes_its_kind_and_a_note_and_the_others_a_reason() {
        assert_eq!(
            measure("special_inspection 实地查看"),
            said(SignalCommand::Measure {
                kind: MeasureKind::SpecialInspection, note: "实地查看".into()
            })
        );
        assert_eq!(
            measure("专项检查 实地查看"),
            said(SignalCommand::Measure {
                kind: MeasureKind::SpecialInspection, note: "实地查看".into()
            })
        );
        assert_eq!(measure("special_inspection"), Err(ArgError::Usage));
        assert_eq!(measure("audit x"), Err(ArgError::Unknown("audit".into())));
        assert_eq!(confirm("  "), Err(ArgError::Usage));
        assert_eq!(close("已结清"), said(SignalCommand::Close("已结清".into())));
        assert_eq!(unwatch(""), Err(ArgError::Usage));
        assert_eq!(watch("多次逾期"), said(SignalCommand::Watch("多次逾期".into())));
    }
}
