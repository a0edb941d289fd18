//! What a search finds a loan by, as terms the store keeps (migration 0017) and looks up by
//! prefix: a range of an index finds every term starting with what was typed, so keeping a
//! value's suffixes finds it by any run of its characters.
//!
//! - **names**, case-insensitive, by any run of their characters (`chen` finds "Chen Wei");
//! - **Chinese names** by full pinyin and by initials, from any syllable on (`zw`, `zhangwei`,
//!   `wei` find 张伟; `wm` finds 张伟明), and Latin-letter names likewise by their words run
//!   together (`wangwei` finds "Wang Wei");
//! - **loan ids** in any case by their start (`dl0000134`), and by their number without the
//!   letters and zeros before it (`1346` finds DL00001346; `134` DL00000134 and DL00001346);
//! - **phones** by any run of four or more digits of the number as dialled at home (`phone.rs`),
//!   the last four (尾号) included; only for those who may see phones in full.
//!
//! Each term starts with a tag saying which of these it is, so a query looks only where it can
//! match: one or two letters are never taken for pinyin initials of half the book, nor three
//! digits for the start of every phone.

use std::collections::BTreeSet;

use pinyin::ToPinyin;

use super::phone;

const NAME: char = 'n';
const PINYIN: char = 'p';
const LOAN: char = 'i';
const NUMBER: char = '#';
const PHONE: char = 't';

/// Digits a search needs before it matches phone numbers: one to three select nearly the whole
/// book (every mainland mobile starts with 1) and no collector looks for that.
pub const PHONE_DIGITS: usize = 4;
/// Letters a search needs before it matches pinyin.
pub const PINYIN_LETTERS: usize = 2;

/// Text as searched: lower case, full-width letters and digits as ASCII, runs of spaces as one.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Surnames read otherwise than the character's common reading (曾 is Zeng as a name).
const SURNAME_READINGS: &[(char, &str)] = &[
    ('曾', "zeng"),
    ('单', "shan"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('朴', "piao"),
    ('查', "zha"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('缪', "miao"),
    ('覃', "qin"),
    ('翟', "zhai"),
    ('尉', "yu"),
    ('长', "chang"),
    ('重', "chong"),
    ('秘', "bi"),
    ('召', "shao"),
    ('句', "gou"),
    ('员', "yun"),
    ('种', "chong"),
    ('藏', "zang"),
];

/// A name's syllables: each Chinese character's reading (the surname's as a surname), each run
/// of Latin letters or digits as written.
fn syllables(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for (i, c) in name.chars().enumerate() {
        let reading = match SURNAME_READINGS.iter().find(|(s, _)| *s == c) {
            Some((_, r)) if i == 0 => Some(*r),
            _ => c.to_pinyin().map(|p| p.plain()),
        };
        match reading {
            Some(r) => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                out.push(r.to_string());
            }
            None if c.is_alphanumeric() => word.extend(c.to_lowercase()),
            None => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn has_han(name: &str) -> bool {
    name.chars().any(|c| c.to_pinyin().is_some())
}

/// The suffixes of `text` from every character `starts` allows, at least `min` characters long.
fn suffixes(text: &str, min: usize, starts: impl Fn(usize, char) -> bool) -> impl Iterator<Item = &str> {
    let n = text.chars().count();
    text.char_indices()
        .enumerate()
        .filter(move |(k, (_, c))| n - k >= min && starts(*k, *c))
        .map(move |(_, (at, _))| &text[at..])
}

fn tagged(tag: char, term: &str) -> String {
    let mut t = String::with_capacity(term.len() + 1);
    t.push(tag);
    t.push_str(term);
    t
}

/// Every term a loan is found by, each once.
pub fn loan_terms(loan_ref: &str, borrower: &str, phone_raw: Option<&str>) -> Vec<String> {
    let mut terms = BTreeSet::new();
    let name = fold(borrower);
    for s in suffixes(&name, 1, |_, c| c != ' ') {
        terms.insert(tagged(NAME, s));
    }
    let syl = syllables(borrower);
    if has_han(borrower) || syl.len() > 1 {
        for k in 0..syl.len() {
            terms.insert(tagged(PINYIN, &syl[k..].concat()));
            if syl.len() - k >= PINYIN_LETTERS {
                let initials: String = syl[k..].iter().filter_map(|s| s.chars().next()).collect();
                terms.insert(tagged(PINYIN, &initials));
            }
        }
    }
    let id = fold(loan_ref);
    terms.insert(tagged(LOAN, &id));
    if let Some(n) = loan_number(&id) {
        terms.insert(tagged(NUMBER, n));
    }
    if let Some(raw) = phone_raw {
        let home = phone::national(&phone::normal(raw));
        let digits = home.trim_start_matches('+');
        for s in suffixes(digits, PHONE_DIGITS, |_, _| true) {
            terms.insert(tagged(PHONE, s));
        }
    }
    terms.into_iter().collect()
}

/// A loan id's number: the digits it ends with, without leading zeros (DL00001346 → 1346).
fn loan_number(id: &str) -> Option<&str> {
    let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let n = id[id.len() - digits..].trim_start_matches('0');
    (!n.is_empty()).then_some(n)
}

/// The loan a bare number names (`1346`, `00001346` → the loan numbered 1346), as a term that
/// must match whole; none when what was typed is not a number.
pub fn number_term(typed: &str) -> Option<String> {
    let t = fold(typed);
    let all_digits = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    all_digits.then(|| loan_number(&t).map(|n| tagged(NUMBER, n))).flatten()
}

/// A whole loan id as typed in any case, as a term that must match whole.
pub fn id_term(typed: &str) -> String {
    tagged(LOAN, &fold(typed))
}

/// A search of loan ids alone, from what was typed in any case: ids starting with it, and ids
/// whose number starts with it (`dl000` → DL00001346; `134` → DL00001346).
pub fn loan_query(typed: &str) -> SearchQuery {
    let t = fold(typed);
    let mut prefixes = if t.is_empty() { Vec::new() } else { vec![tagged(LOAN, &t)] };
    if let Some(n) = number_term(&t) {
        prefixes.push(n);
    }
    SearchQuery { prefixes, exact: Vec::new(), phone: PhoneSearch::No, digits: String::new() }
}

/// Whether a typed search looks for a phone number, and what came of that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneSearch {
    /// Not digits: names and loan ids only.
    No,
    /// Digits, fewer than `PHONE_DIGITS`: names and loan ids only.
    TooShort,
    /// Phones were searched.
    Searched,
    /// Digits enough, but the searcher may not see phones in full, so phones were not searched.
    NotAllowed,
}

/// Where a typed search looks: prefixes of terms, terms that must match whole, and whether it
/// looked for a phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub prefixes: Vec<String>,
    pub exact: Vec<String>,
    pub phone: PhoneSearch,
    /// The digits a phone search looked for (or would have).
    pub digits: String,
}

impl SearchQuery {
    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty() && self.exact.is_empty()
    }
}

/// The terms a typed search looks for. `phones`: the searcher may see phone numbers in full.
pub fn query(typed: &str, phones: bool) -> SearchQuery {
    let q = fold(typed);
    let mut out = SearchQuery {
        prefixes: Vec::new(),
        exact: Vec::new(),
        phone: PhoneSearch::No,
        digits: String::new(),
    };
    if q.is_empty() {
        return out;
    }
    out.prefixes.push(tagged(NAME, &q));
    let joined: String = q.chars().filter(|c| *c != ' ').collect();
    if joined.chars().count() >= PINYIN_LETTERS && joined.chars().all(|c| c.is_ascii_lowercase()) {
        out.prefixes.push(tagged(PINYIN, &joined));
    }
    if !q.contains(' ') {
        out.prefixes.push(tagged(LOAN, &q));
    }
    if let Some(n) = number_term(&q) {
        out.prefixes.push(n);
    }
    let phone_like = q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if phone_like && q.chars().any(|c| c.is_ascii_digit()) {
        out.digits = phone::typed_digits(&q);
        out.phone = match (out.digits.len() >= PHONE_DIGITS, phones) {
            (false, _) => PhoneSearch::TooShort,
            (true, false) => PhoneSearch::NotAllowed,
            (true, true) => {
                out.prefixes.push(tagged(PHONE, &out.digits));
                PhoneSearch::Searched
            }
        };
    }
    out
}

/// Whether a loan's terms match a typed search (what the store's ranges find, for tests and for
/// one loan at hand).
pub fn matches(terms: &[String], q: &SearchQuery) -> bool {
    terms.iter().any(|t| q.prefixes.iter().any(|p| t.starts_with(p.as_str())) || q.exact.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(loan: (&str, &str, Option<&str>), typed: &str) -> bool {
        matches(&loan_terms(loan.0, loan.1, loan.2), &query(typed, true))
    }

    #[test]
    fn names_by_any_run_in_any_case() {
        let chen = ("DL00000001", "Chen Wei", None);
        for q in ["chen", "CHEN", "Chen Wei", "wei", "en w", "hen", "chenwei", "cw"] {
            assert!(finds(chen, q), "{q}");
        }
        assert!(!finds(chen, "wei chen"));
        let ouyang = ("DL00000002", "欧阳娜娜", None);
        for q in ["欧阳", "娜娜", "阳娜", "ouyang", "ouyangnana", "nana", "oynn", "yn", "OY"] {
            assert!(finds(ouyang, q), "{q}");
        }
        assert!(!finds(ouyang, "o"), "one letter is not taken for initials");
    }

    #[test]
    fn chinese_names_by_pinyin_and_initials() {
        let zhang = ("DL1", "张伟", None);
        for q in ["zw", "zhangwei", "ZhangWei", "zhang wei", "zhangw", "wei", "zh"] {
            assert!(finds(zhang, q), "{q}");
        }
        assert!(!finds(zhang, "wz"));
        assert!(!finds(zhang, "z"));
        // A surname read as a surname.
        assert!(finds(("DL2", "曾国藩", None), "zgf"));
        assert!(finds(("DL2", "曾国藩", None), "zengguofan"));
        assert!(finds(("DL3", "单田芳", None), "shantianfang"));
        assert!(finds(("DL4", "Wang Wei", None), "wangwei"));
    }

    #[test]
    fn loan_ids_without_their_prefix_and_in_any_case() {
        let loan = ("DL00001346", "王芳", None);
        for q in ["1346", "00001346", "dl00001346", "DL00001346", "dl0000", "134", "1", "d", "dl"] {
            assert!(finds(loan, q), "{q}");
        }
        for q in ["346", "0", "l0000", "13460"] {
            assert!(!finds(loan, q), "{q}");
        }
        assert!(finds(("L1", "王芳", None), "l1"));
        assert_eq!(number_term("001346"), Some("#1346".into()));
        assert_eq!(number_term("dl1346"), None);
        assert_eq!(number_term("000"), None);
    }

    #[test]
    fn phones_by_any_four_digits_however_written() {
        for raw in ["+8613549554583", "13549554583", "+86 135 4955 4583"] {
            let loan = ("DL1", "王芳", Some(raw));
            for q in ["4583", "1354955", "+86 1354955", "8613549554583", "135-4955-4583", "5495"] {
                assert!(finds(loan, q), "{raw} {q}");
            }
            assert!(!finds(loan, "135"), "three digits do not look at phones");
            assert!(!finds(loan, "2583"), "nor at loan numbers unless they start there");
            assert!(!finds(loan, "4584"));
        }
    }

    #[test]
    fn a_searcher_who_may_not_see_phones_does_not_search_them() {
        let terms = loan_terms("DL1", "王芳", Some("13549554583"));
        let q = query("4583", false);
        assert_eq!(q.phone, PhoneSearch::NotAllowed);
        assert!(!matches(&terms, &q));
        assert_eq!(query("4583", true).phone, PhoneSearch::Searched);
        assert_eq!(query("458", true).phone, PhoneSearch::TooShort);
        assert_eq!(query("王", true).phone, PhoneSearch::No);
    }

    #[test]
    fn folding() {
        assert_eq!(fold("  Chen   WEI "), "chen wei");
        assert_eq!(fold("ＤＬ１３４６"), "dl1346");
        assert_eq!(fold("欧阳\u{3000}娜娜"), "欧阳 娜娜");
    }
}
