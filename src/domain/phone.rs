//! Phone numbers in one normal form: digits with the country code (`8613812345678`), whatever
//! way they were imported (`+86 138-1234-5678`, `0086…`, `13812345678`, `010 6123 4567`). The
//! number is shown as imported; search and masking read the normal form, so one number is found
//! by the same digits and masked the same way however it was written.

/// The country a number without one belongs to (the book is a mainland branch's).
pub const HOME_CODE: &str = "86";

/// Digits with the country code. A number written with `+` or `00` carries its own code; an
/// eleven-digit mobile (`1…`) or a number with a trunk `0` (`010 …`) is a mainland one.
pub fn normal(raw: &str) -> String {
    let raw = raw.trim();
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if raw.starts_with('+') {
        return digits;
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return rest.to_string();
    }
    if digits.len() == 13 && digits.starts_with(HOME_CODE) {
        return digits;
    }
    match digits.strip_prefix('0') {
        Some(rest) => format!("{HOME_CODE}{rest}"),
        None if digits.is_empty() => digits,
        None => format!("{HOME_CODE}{digits}"),
    }
}

/// The number as dialled at home: a mainland mobile as its eleven digits, any other mainland
/// number with its trunk `0` (`010…`), a number abroad with `+` and its code.
pub fn national(normal: &str) -> String {
    match normal.strip_prefix(HOME_CODE) {
        Some(rest) if rest.len() == 11 && rest.starts_with('1') => rest.to_string(),
        // An area code and a number (9 to 11 digits) take the trunk 0; a short local number none.
        Some(rest) if rest.len() >= 9 => format!("0{rest}"),
        Some(rest) => rest.to_string(),
        None if normal.is_empty() => String::new(),
        None => format!("+{normal}"),
    }
}

/// The digits a search for a phone looks for: those typed, less a country code typed with the
/// number (`+86 138…`, `0086 138…`, `86138…` of twelve digits or more), since the number's
/// runs are kept without it.
pub fn typed_digits(typed: &str) -> String {
    let t = typed.trim();
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let coded = t.starts_with('+') || digits.starts_with("00") || digits.len() >= 12;
    let without = digits.strip_prefix("00").unwrap_or(&digits);
    match without.strip_prefix(HOME_CODE) {
        Some(rest) if coded => rest.to_string(),
        _ => without.to_string(),
    }
}

/// The masked form of a number, from its normal form: the first three and last four digits of
/// the number as dialled at home (`138****5678`); shorter numbers keep less.
pub fn masked(raw: &str) -> String {
    let home = national(&normal(raw));
    let (plus, digits) = match home.strip_prefix('+') {
        Some(d) => ("+", d),
        None => ("", home.as_str()),
    };
    let chars: Vec<char> = digits.chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        _ if n >= 10 => (3, 4),
        _ if n > 4 => (0, 2),
        _ => (0, 0),
    };
    let mut out = plus.to_string();
    out.extend(&chars[..head]);
    out.extend(std::iter::repeat_n('*', n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_writing_a_number_has_one_normal_form() {
        for raw in ["+8613549554583", "+86 135-4955-4583", "008613549554583", "13549554583", "8613549554583"]
        {
            assert_eq!(normal(raw), "8613549554583", "{raw}");
            assert_eq!(national(&normal(raw)), "13549554583", "{raw}");
            assert_eq!(masked(raw), "135****4583", "{raw}");
        }
        assert_eq!(normal("010-6123 4567"), "861061234567");
        assert_eq!(national("861061234567"), "01061234567");
        assert_eq!(masked("+86 10 6123 4567"), "010****4567");
        assert_eq!(normal("+1 415 555 0100"), "14155550100");
        assert_eq!(national("14155550100"), "+14155550100");
        assert_eq!(masked("+1 415 555 0100"), "+141****0100");
        assert_eq!(normal(""), "");
        assert_eq!(masked(""), "");
        assert_eq!(masked("1234"), "****");
    }

    #[test]
    fn a_typed_country_code_is_dropped_from_the_digits_looked_for() {
        assert_eq!(typed_digits("+86 1354955"), "1354955");
        assert_eq!(typed_digits("0086135495"), "135495");
        assert_eq!(typed_digits("861354955458"), "1354955458");
        assert_eq!(typed_digits("1354955"), "1354955");
        // Eight-six inside a short run is just digits.
        assert_eq!(typed_digits("8613"), "8613");
        assert_eq!(typed_digits("4583"), "4583");
    }
}
