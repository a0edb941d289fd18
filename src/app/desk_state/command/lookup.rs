//! Finding a command by the word typed: by name or alias, by prefix for Tab, the closest for a
//! mistyped one, and what the status bar says of a refusal.

use super::parse::ArgError;
use super::spec::{Arg, CommandSpec};
use super::table::COMMANDS;
use crate::app::strings::{Lang, fill};

/// The command a word names, by name or alias.
pub fn find(word: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.answers_to(word))
}

/// The names (not aliases) starting with `prefix`, in table order.
pub fn names_from(prefix: &str) -> Vec<String> {
    COMMANDS.iter().filter(|c| c.name.starts_with(prefix)).map(|c| c.name.to_string()).collect()
}

/// The command a mistyped word most likely meant: one it starts, else the nearest by edits if
/// that is near enough (two edits, one for a short word).
pub fn closest(word: &str) -> Option<&'static str> {
    let all = || COMMANDS.iter().flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()));
    if let Some(c) = COMMANDS.iter().find(|c| !word.is_empty() && c.name.starts_with(word)) {
        return Some(c.name);
    }
    let limit = if word.chars().count() <= 3 { 1 } else { 2 };
    let (best, d) = all().map(|n| (n, distance(word, n))).min_by_key(|(_, d)| *d)?;
    let name = find(best).map_or(best, |c| c.name);
    (d <= limit).then_some(name)
}

/// Edits (insert, delete, change, swap two neighbours) from one word to another.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// What the status bar says of a command's refused words.
pub fn refusal(spec: &CommandSpec, e: &ArgError, lang: Lang) -> String {
    let t = lang.text();
    match e {
        ArgError::Usage => fill(t.msg_usage, &[&spec.usage(lang)]),
        ArgError::Why(why) => fill(t.msg_bad_args, &[why, &spec.usage(lang)]),
        ArgError::Unknown(word) => {
            let why = match spec.arg {
                Arg::Words { what, words, .. } => {
                    fill(t.msg_unknown_word, &[&what.get(lang), word, &words().join(t.list_separator)])
                }
                Arg::Text | Arg::Loan => return fill(t.msg_usage, &[&spec.usage(lang)]),
            };
            fill(t.msg_bad_args, &[&why, &spec.usage(lang)])
        }
        ArgError::See(other) => {
            fill(t.msg_usage, &[&find(other).map_or_else(String::new, |o| o.usage(lang))])
        }
    }
}

/// What the status bar says of a word that names no command.
pub fn unknown(word: &str, lang: Lang) -> String {
    let t = lang.text();
    match closest(word) {
        Some(c) => fill(t.msg_unknown_command, &[&word, &c]),
        None => fill(t.msg_unknown_command_none, &[&word]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_parses_its_own_example_and_is_said_in_both_languages() {
        for c in COMMANDS {
            assert!((c.parse)(c.example).is_ok(), ":{} {} does not parse", c.name, c.example);
            for lang in Lang::ALL {
                let usage = c.usage(lang);
                assert!(usage.starts_with(&format!(":{}", c.name)), "{usage}");
                assert!(!c.desc.get(lang).is_empty());
            }
            assert_ne!(c.desc.en, c.desc.zh, ":{} has no Chinese description", c.name);
            assert_eq!(find(c.name).map(|f| f.name), Some(c.name));
            for a in c.aliases {
                assert_eq!(find(a).map(|f| f.name), Some(c.name));
            }
        }
        let mut words: Vec<&str> =
            COMMANDS.iter().flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied())).collect();
        let n = words.len();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), n, "a name or alias is used twice");
    }

    #[test]
    fn a_mistyped_command_finds_the_one_meant() {
        assert_eq!(closest("asign"), Some("assign"));
        assert_eq!(closest("ass"), Some("assign"));
        assert_eq!(closest("gtoo"), Some("goto"));
        assert_eq!(closest("writeof"), Some("writeoff"));
        assert_eq!(closest("take-ovr"), Some("takeover"));
        assert_eq!(closest("xyzzy"), None);
        assert_eq!(names_from("a"), ["agency", "assign"]);
        assert_eq!(distance("ab", "ba"), 1);
    }

    #[test]
    fn a_refusal_gives_the_usage_and_what_the_placeholder_takes() {
        let sort = find("sort").expect("sort");
        let e = (sort.parse)("sideways").expect_err("refused");
        let said = refusal(sort, &e, Lang::En);
        assert!(
            said.starts_with("unknown sort 'sideways'") && said.contains("usage: :sort ORDER (ORDER: dpd|"),
            "{said}"
        );
        let log = find("log").expect("log");
        assert!(refusal(log, &ArgError::See("ptp"), Lang::Zh).starts_with("用法：:ptp 金额"));
    }
}
