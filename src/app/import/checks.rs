//! The checks of single values: ids, text, phone numbers, amounts, rates, terms, logins. Each
//! returns the value or the message for `FIELD: message`; ids, text, logins and amounts are the
//! book's own checks (`domain::input`, `Money::parse_amount`), the same wherever a value enters.

use crate::domain::input::{Lines, check_id, check_login, check_phone, check_text};
use crate::domain::terms::MAX_TERM_MONTHS;
use crate::domain::{Money, Rate};

/// A loan or customer id: 1–64 of `A–Z a–z 0–9 . _ -`, not `.` or `..`.
pub(super) fn id_text(text: &str) -> Result<String, String> {
    check_id(text).map(str::to_string)
}

/// One line of text (a name, a reference).
pub(super) fn line_text(text: &str) -> Result<String, String> {
    check_text(text, Lines::One).map(str::to_string)
}

/// Free text; a line break inside a quoted value is kept, as `\n`.
pub(super) fn free_text(text: &str) -> Result<String, String> {
    let text =
        if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_string() };
    check_text(&text, Lines::Many)?;
    Ok(text)
}

pub(super) fn phone(text: &str) -> Result<String, String> {
    check_phone(text).map(str::to_string)
}

/// An amount: 0–2 decimals, no sign, no thousands separator, more than zero, at most
/// `Money::MAX_INPUT`.
pub(super) fn amount(text: &str) -> Result<Money, String> {
    Money::parse_amount(text)
}

pub(super) fn rate(text: &str) -> Result<Rate, String> {
    Rate::parse(text).map_err(|e| e.to_string())
}

pub(super) fn term_months(text: &str) -> Result<u32, String> {
    let months: u32 = text
        .parse()
        .ok()
        .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| format!("'{text}' is not a whole number of months"))?;
    if (1..=MAX_TERM_MONTHS).contains(&months) {
        Ok(months)
    } else {
        Err(format!("'{text}' is out of range: 1–{} months", MAX_TERM_MONTHS))
    }
}

/// A desk login: no spaces or hidden characters, at most 64 characters.
pub(super) fn login(text: &str) -> Result<String, String> {
    check_login(text).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_books_own_characters() {
        assert_eq!(id_text("HL-0001"), Ok("HL-0001".to_string()));
        assert!(id_text("贷-0001").is_err());
        assert_eq!(id_text(&"x".repeat(65)), Err("is 65 characters long; ids have at most 64".to_string()));
        assert!(id_text("L-1\nL-2").expect_err("a line break").contains("U+000A"));
    }

    #[test]
    fn line_breaks_in_free_text_are_kept_as_line_feeds() {
        assert_eq!(free_text("a\r\nb\rc\nd"), Ok("a\nb\nc\nd".to_string()));
        assert_eq!(free_text("王芳"), Ok("王芳".to_string()));
        assert!(free_text("a\u{1b}[2Jb").is_err());
        assert!(line_text("a\nb").is_err());
    }

    #[test]
    fn phone_numbers_are_digits_plus_spaces_and_dashes() {
        for good in ["13800138000", "+86 138-0013-8000", "139 0000 0001"] {
            assert_eq!(phone(good), Ok(good.to_string()));
        }
        for bad in ["138-abc", "+ -", "１３８"] {
            assert_eq!(
                phone(bad),
                Err(format!("'{bad}' is not a phone number: use digits, '+', spaces and '-'"))
            );
        }
    }

    #[test]
    fn amounts_are_positive_without_sign_or_separator() {
        assert_eq!(amount("2000.5"), Ok(Money::from_cents(200_050)));
        assert_eq!(amount("0.01"), Ok(Money::from_cents(1)));
        assert_eq!(amount("-500"), Err("'-500' has a sign: write amounts without '+' or '-'".to_string()));
        assert_eq!(amount("+5"), Err("'+5' has a sign: write amounts without '+' or '-'".to_string()));
        assert_eq!(amount("0"), Err("'0' is not more than 0.00".to_string()));
        assert!(amount("1,000.00").expect_err("separator").contains("thousands separator"));
        assert!(amount("1.234").is_err());
        assert!(amount("10000000000.01").expect_err("too large").contains("10000000000.00"));
    }

    #[test]
    fn rates_and_terms_are_in_range() {
        assert_eq!(rate("4.9").map(|r| r.to_string()), Ok("4.90".to_string()));
        assert!(rate("4.12345").expect_err("decimals").contains("more than four decimals"));
        assert!(rate("100").expect_err("range").contains("out of range"));
        assert_eq!(term_months("1"), Ok(1));
        assert_eq!(term_months("480"), Ok(480));
        assert_eq!(term_months("0"), Err("'0' is out of range: 1–480 months".to_string()));
        assert_eq!(term_months("481"), Err("'481' is out of range: 1–480 months".to_string()));
        for bad in ["12.5", "+12", "-1", "twelve"] {
            assert_eq!(term_months(bad), Err(format!("'{bad}' is not a whole number of months")));
        }
    }

    #[test]
    fn logins_have_no_spaces() {
        assert_eq!(login("wang.fang"), Ok("wang.fang".to_string()));
        assert!(login("Wang Fang").expect_err("a space").contains("is not a desk login"));
        assert!(login(&"x".repeat(65)).is_err());
    }
}
