//! Text a person gives the desk (a note, a reason, a name), checked by the book's one rule
//! (`domain::input::check_text`) before it goes into the store, wherever it comes from.

use super::{AppError, Result};
use crate::domain::input::{Lines, check_text};

/// A text for `what` (named in the message), without control or direction characters.
pub(crate) fn text_in<'a>(text: &'a str, what: &str, lines: Lines) -> Result<&'a str> {
    check_text(text, lines).map_err(|e| AppError::Input(format!("{what}: {e}")))
}

/// The reason for `what`: one line, trimmed, not empty.
pub(crate) fn reason_of<'a>(reason: &'a str, what: &str) -> Result<&'a str> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(AppError::Input(format!("{what} needs a reason (--reason TEXT)")));
    }
    text_in(r, &format!("the reason for {what}"), Lines::One)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_one_line_of_plain_text() {
        assert_eq!(reason_of("  借款人失业 ", "a hold").ok(), Some("借款人失业"));
        assert!(matches!(reason_of("  ", "a hold"), Err(AppError::Input(m)) if m.contains("needs a reason")));
        let e = reason_of("a\u{1b}[2J", "a hold").expect_err("escape");
        assert!(e.to_string().starts_with("the reason for a hold: "), "{e}");
        assert!(reason_of("a\nb", "a hold").is_err());
        assert!(text_in("line one\nline two", "a note", Lines::Many).is_ok());
    }
}
