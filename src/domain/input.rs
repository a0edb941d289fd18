//! What the book takes in as ids, logins and text: the one check each, used wherever a value
//! enters the store (files, the command line, the desk). Dates are `terms::parse_date`, amounts
//! `Money::parse_amount`.

/// The longest loan or customer id, and the longest login.
pub const MAX_ID_CHARS: usize = 64;

/// Whether a text may hold line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// A name, a reference, a reason: one line.
    One,
    /// A note or an address: line feeds kept.
    Many,
}

/// A loan or customer id: 1–64 of `A–Z a–z 0–9 . _ -`, not `.` or `..`. Nothing else, so no two
/// ids look alike (a zero-width space, a Cyrillic letter) and each can name a file as it is.
pub fn check_id(text: &str) -> Result<&str, String> {
    if let Some(c) = text.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        return Err(format!(
            "'{}' has {}: an id is 1–{MAX_ID_CHARS} of A–Z a–z 0–9 . _ -",
            text.escape_debug(),
            describe(c)
        ));
    }
    match text.len() {
        0 => Err("is empty".to_string()),
        n if n > MAX_ID_CHARS => Err(format!("is {n} characters long; ids have at most {MAX_ID_CHARS}")),
        _ if text == "." || text == ".." => Err(format!("'{text}' is not an id: use letters or digits too")),
        _ => Ok(text),
    }
}

/// A desk login: 1–64 characters, no spaces, control or direction characters.
pub fn check_login(text: &str) -> Result<&str, String> {
    if let Some(c) = text.chars().find(|c| c.is_whitespace() || is_hidden(*c)) {
        return Err(format!("'{}' is not a desk login: it has {}", text.escape_debug(), describe(c)));
    }
    match text.chars().count() {
        0 => Err("a desk login is not empty".to_string()),
        n if n > MAX_ID_CHARS => Err(format!("a desk login has at most {MAX_ID_CHARS} characters, not {n}")),
        _ => Ok(text),
    }
}

/// Text a person typed or a file held: no control characters (a line feed only where `lines`
/// allows), and none of the characters that turn the direction of what follows, which would show
/// one thing on a screen and store another.
pub fn check_text(text: &str, lines: Lines) -> Result<&str, String> {
    let allowed = |c: char| c == '\n' && lines == Lines::Many;
    match text.chars().find(|c| is_hidden(*c) && !allowed(*c)) {
        Some(c) => Err(format!("'{}' has {}, which text may not hold", text.escape_debug(), describe(c))),
        None => Ok(text),
    }
}

/// A phone number as written: digits, `+`, spaces and `-`, at least one digit.
pub fn check_phone(text: &str) -> Result<&str, String> {
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-');
    if text.chars().all(allowed) && text.chars().any(|c| c.is_ascii_digit()) {
        Ok(text)
    } else {
        Err(format!("'{}' is not a phone number: use digits, '+', spaces and '-'", text.escape_debug()))
    }
}

/// A control character, a direction mark or override, or a line or paragraph separator.
fn is_hidden(c: char) -> bool {
    c.is_control() || is_bidi(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Unicode's explicit direction formatting characters and marks.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// "U+200B" with what it is, for messages.
fn describe(c: char) -> String {
    let what = if c == '\n' || c == '\r' {
        "a line break"
    } else if c.is_control() {
        "a control character"
    } else if is_bidi(c) {
        "a direction character"
    } else if c.is_whitespace() {
        "a space"
    } else {
        "a character outside A–Z a–z 0–9 . _ -"
    };
    format!("{what} (U+{:04X})", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_ascii_that_cannot_look_alike() {
        for good in ["HL-0001", "A_B", "a.b-C_9", "..x", &"y".repeat(64)] {
            assert_eq!(check_id(good), Ok(good), "{good}");
        }
        let bad = [
            ("A\u{200B}B", "U+200B"),
            ("\u{FEFF}AB", "U+FEFF"),
            ("\u{410}B", "U+0410"),
            ("A/B", "U+002F"),
            ("A B", "a space (U+0020)"),
            ("贷-0001", "U+8D37"),
            ("L-1\nL-2", "a line break (U+000A)"),
            (".", "not an id"),
            ("..", "not an id"),
            ("", "is empty"),
        ];
        for (id, says) in bad {
            let e = check_id(id).expect_err(id);
            assert!(e.contains(says), "{id:?}: {e}");
        }
        assert_eq!(check_id(&"x".repeat(65)), Err("is 65 characters long; ids have at most 64".to_string()));
    }

    #[test]
    fn logins_have_no_spaces_or_hidden_characters() {
        assert_eq!(check_login("wang.fang"), Ok("wang.fang"));
        assert_eq!(check_login("王芳"), Ok("王芳"));
        for bad in ["Wang Fang", "li\u{1b}qiang", "x\u{7}", "a\u{202E}b", ""] {
            assert!(check_login(bad).is_err(), "{bad:?}");
        }
        assert!(check_login(&"x".repeat(65)).is_err());
    }

    #[test]
    fn text_refuses_control_and_direction_characters() {
        assert_eq!(check_text("王芳 Li \"Lucky\" Ming", Lines::One), Ok("王芳 Li \"Lucky\" Ming"));
        assert_eq!(check_text("Flat 1202\nSunshine Garden", Lines::Many), Ok("Flat 1202\nSunshine Garden"));
        assert!(check_text("Flat 1202\nSunshine Garden", Lines::One).expect_err("a name").contains("U+000A"));
        let bad = [
            "\u{1b}[2J",
            "a\u{0}b",
            "\u{1b}]52;c;aGk=\u{7}",
            "\u{9b}31m",
            "a\rb",
            "\u{202E}evil",
            "\u{2066}x\u{2069}",
            "\u{200F}",
            "a\u{2028}b",
            "tab\there",
        ];
        for text in bad {
            let e = check_text(text, Lines::Many).expect_err(text);
            assert!(e.contains("U+"), "{text:?}: {e}");
        }
        assert!(check_text("\u{202E}x", Lines::Many).expect_err("bidi").contains("a direction character"));
    }

    /// The book refuses to take in exactly the characters `text::visible` shows instead of sending
    /// (a line feed aside), so the two lists cannot drift apart.
    #[test]
    fn text_refused_is_text_shown_visibly() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let refused = check_text(c.encode_utf8(&mut buf), Lines::Many).is_err();
            let shown = crate::text::is_unsafe(c) && c != '\n';
            assert_eq!(refused, shown, "U+{:04X}", u32::from(c));
        }
    }
}
