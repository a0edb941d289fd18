//! A user's `keys.toml`: sections named after the key map's scopes, each line an action and
//! its keys, which replace that action's default keys in that scope; everything else keeps the
//! default.
//!
//! ```toml
//! [list]
//! page_down = "<PgDn> <C-d>"      # alternatives separated by spaces
//! open = ["<Enter>", "l"]         # or as a list
//! ```

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::bad::Bad;
use crate::app::keymap::{Cmd, DEFAULT_KEYMAP, Key, Keymap, Scope, parse_keys};

/// Lays a key file over the key map. A bad entry is reported and leaves that action's default
/// keys; a syntax error leaves the whole key map as it was.
pub fn apply(keymap: &mut Keymap, text: &str) -> Vec<Bad> {
    let doc = match DeTable::parse(text) {
        Ok(d) => d,
        Err(_) => {
            let (_, errors) = DeTable::parse_recoverable(text);
            return errors.iter().take(1).map(Bad::syntax).collect();
        }
    };
    let known = Scope::ALL.map(Scope::name).join("], [");
    let mut bad = Vec::new();
    // (scope, action, keys) of every good entry, to find keys given twice.
    let mut given: Vec<(Scope, &str, Vec<Vec<Key>>)> = Vec::new();
    // In the order of the file, so that of two lines giving the same key the later is reported.
    let mut sections: Vec<_> = doc.get_ref().iter().collect();
    sections.sort_by_key(|(k, _)| k.span().start);
    for (section, value) in sections {
        let Some(scope) = Scope::from_name(section.get_ref()) else {
            bad.push(Bad::new(
                section.span(),
                format!("unknown section [{}]; the sections are [{known}]", section.get_ref()),
            ));
            continue;
        };
        let DeValue::Table(table) = value.get_ref() else {
            bad.push(Bad::new(
                section.span(),
                format!(
                    "{} must be a section of actions, e.g. [{}] followed by lines like down = \"j <Down>\"",
                    section.get_ref(),
                    scope.name()
                ),
            ));
            continue;
        };
        let mut lines: Vec<_> = table.iter().collect();
        lines.sort_by_key(|(k, _)| k.span().start);
        for (action, keys) in lines {
            match entry(scope, action, keys) {
                Ok(seqs) => {
                    let clash = given
                        .iter()
                        .find(|(s, _, k)| s.overlaps(scope) && k.iter().any(|seq| seqs.contains(seq)));
                    if let Some((s, a, _)) = clash {
                        bad.push(Bad::new(
                            keys.span(),
                            format!(
                                "{}.{} reuses a key of {}.{} (on the same screen); give each key to one action",
                                scope.name(),
                                action.get_ref(),
                                s.name(),
                                a
                            ),
                        ));
                        continue;
                    }
                    given.push((scope, action.get_ref(), seqs));
                }
                Err(b) => bad.push(b),
            }
        }
    }
    let spans: Vec<_> = lines_of(&doc);
    let overrides: Vec<_> = given
        .into_iter()
        .filter_map(|(scope, action, seqs)| Some((scope, Cmd::from_name(action)?, seqs)))
        .collect();
    let before = keymap.clone();
    keymap.rebind(&overrides);
    // An action whose every key another took is left without one: said at the line that took it.
    for (b, seqs) in &before.bindings {
        if keymap.keys_of(b.scope, b.cmd).is_some() {
            continue;
        }
        let taker = overrides.iter().find(|(s, c, new)| {
            s.overlaps(b.scope) && !(*s == b.scope && *c == b.cmd) && seqs.iter().any(|k| new.contains(k))
        });
        let Some((s, c, _)) = taker else { continue };
        let span =
            spans.iter().find(|(sc, ac, _)| sc == s.name() && ac == c.name()).map_or(0..0, |x| x.2.clone());
        bad.push(Bad::new(
            span,
            format!(
                "{}.{} takes {}, the only key of {}.{}, which is left without a key; give {} a key of its own in [{}]",
                s.name(),
                c.name(),
                Keymap::keys_label(seqs),
                b.scope.name(),
                b.cmd.name(),
                b.cmd.name(),
                b.scope.name()
            ),
        ));
    }
    bad.sort_by_key(|b| b.span.start);
    bad
}

/// Each `[scope] action = …` line's place, by the names written.
fn lines_of(doc: &Spanned<DeTable<'_>>) -> Vec<(String, String, Range<usize>)> {
    let mut out = Vec::new();
    for (section, value) in doc.get_ref() {
        if let DeValue::Table(table) = value.get_ref() {
            for (action, keys) in table {
                out.push((section.get_ref().to_string(), action.get_ref().to_string(), keys.span()));
            }
        }
    }
    out
}

/// One `action = keys` line, checked.
fn entry(
    scope: Scope,
    action: &Spanned<std::borrow::Cow<'_, str>>,
    keys: &Spanned<DeValue<'_>>,
) -> Result<Vec<Vec<Key>>, Bad> {
    let name = action.get_ref().as_ref();
    let here: Vec<&str> = DEFAULT_KEYMAP.iter().filter(|b| b.scope == scope).map(|b| b.cmd.name()).collect();
    let Some(cmd) = Cmd::from_name(name) else {
        return Err(Bad::new(
            action.span(),
            format!(
                "unknown action \"{name}\" in [{}]; the actions here are {}",
                scope.name(),
                here.join(", ")
            ),
        ));
    };
    if !DEFAULT_KEYMAP.iter().any(|b| b.scope == scope && b.cmd == cmd) {
        let homes: Vec<&str> =
            DEFAULT_KEYMAP.iter().filter(|b| b.cmd == cmd).map(|b| b.scope.name()).collect();
        return Err(Bad::new(
            action.span(),
            format!(
                "action \"{name}\" has no place in [{}]; put it in [{}]",
                scope.name(),
                homes.join("] or [")
            ),
        ));
    }
    let texts: Vec<(&str, Range<usize>)> = match keys.get_ref() {
        DeValue::String(s) => vec![(s.as_ref(), keys.span())],
        DeValue::Array(items) => items
            .iter()
            .map(|i| match i.get_ref() {
                DeValue::String(s) => Ok((s.as_ref(), i.span())),
                other => Err(Bad::new(
                    i.span(),
                    format!("{}.{name}: a key must be text, not a {}", scope.name(), other.type_str()),
                )),
            })
            .collect::<Result<_, _>>()?,
        other => {
            return Err(Bad::new(
                keys.span(),
                format!(
                    "{}.{name} is a {}; write its keys as text, e.g. {name} = \"j <Down>\" or {name} = [\"j\", \"<Down>\"]",
                    scope.name(),
                    other.type_str()
                ),
            ));
        }
    };
    let mut seqs = Vec::new();
    for (text, span) in texts {
        for alt in text.split_whitespace() {
            let seq = parse_keys(alt).map_err(|e| {
                Bad::new(
                    span.clone(),
                    format!(
                        "{}.{name}: {e}; write keys like j, gg, <Enter>, <Esc>, <Tab>, <C-d>, <PgDn>, <Space>, <lt>",
                        scope.name()
                    ),
                )
            })?;
            if !seq.is_empty() && !seqs.contains(&seq) {
                seqs.push(seq);
            }
        }
    }
    if seqs.is_empty() {
        return Err(Bad::new(
            keys.span(),
            format!(
                "{}.{name} has no keys; give at least one, e.g. {name} = \"x\", or leave the line out",
                scope.name()
            ),
        ));
    }
    Ok(seqs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<Key> {
        parse_keys(text).expect("keys")
    }

    #[test]
    fn an_override_replaces_one_action_and_keeps_the_rest() {
        let mut km = Keymap::default();
        let bad = apply(
            &mut km,
            "[list]\npage_down = \"<PgDn> <C-d>\"\n\n[case]\nback = [\"<Esc>\", \"<BackTab>\"]\n",
        );
        // Said, at the line that took the key: the previous pane is left without one.
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(
            bad[0].what.starts_with("case.back takes BackTab, the only key of case.prev_pane"),
            "{bad:?}"
        );
        let default = Keymap::default();
        assert_eq!(km.keys_of(Scope::List, Cmd::PageDown), Some(&[keys("<PgDn>"), keys("<C-d>")][..]));
        assert_eq!(km.lookup(&[Scope::List], &keys("<C-f>")), Err(false));
        // <BackTab> left the case's previous-pane binding, which had no other key.
        assert_eq!(km.lookup(&[Scope::Case], &keys("<BackTab>")), Ok(Cmd::Back));
        assert_eq!(km.keys_of(Scope::Case, Cmd::PrevPane), None);
        // Every other binding is as it was.
        for (b, seqs) in &default.bindings {
            if (b.scope, b.cmd) != (Scope::List, Cmd::PageDown)
                && (b.scope, b.cmd) != (Scope::Case, Cmd::Back)
                && (b.scope, b.cmd) != (Scope::Case, Cmd::PrevPane)
            {
                assert_eq!(km.keys_of(b.scope, b.cmd), Some(seqs.as_slice()), "{:?} {:?}", b.scope, b.cmd);
            }
        }
    }

    #[test]
    fn each_bad_entry_is_named_and_keeps_its_default() {
        let mut km = Keymap::default();
        let text = "[list]\npg_down = \"x\"\ndown = \"<Dwn>\"\nnext_stage = \"S\"\nup = 5\ntop = \"\"\n\
                    [lists]\nopen = \"o\"\n[global]\nquit = \"Q\"\nhelp = \"Q\"\n";
        let bad = apply(&mut km, text);
        let whats: Vec<&str> = bad.iter().map(|b| b.what.as_str()).collect();
        assert_eq!(whats.len(), 7, "{whats:#?}");
        assert!(
            whats[0].starts_with("unknown action \"pg_down\" in [list]; the actions here are down, up"),
            "{}",
            whats[0]
        );
        assert!(whats[1].starts_with("list.down: unknown key <Dwn>"), "{}", whats[1]);
        assert!(
            whats[2].starts_with("action \"next_stage\" has no place in [list]; put it in [queue]"),
            "{}",
            whats[2]
        );
        assert!(whats[3].starts_with("list.up is a integer"), "{}", whats[3]);
        assert!(whats[4].starts_with("list.top has no keys"), "{}", whats[4]);
        assert!(whats[5].starts_with("unknown section [lists]"), "{}", whats[5]);
        assert!(whats[6].starts_with("global.help reuses a key of global.quit"), "{}", whats[6]);
        assert_eq!(&text[bad[1].span.clone()], "\"<Dwn>\"");
        // The good line applied, the bad ones kept their defaults.
        assert_eq!(km.lookup(&[Scope::Global], &keys("Q")), Ok(Cmd::Quit));
        assert_eq!(km.lookup(&[Scope::List], &keys("j")), Ok(Cmd::Down));
        assert_eq!(km.lookup(&[Scope::Global], &keys("?")), Ok(Cmd::Help));
    }

    #[test]
    fn a_syntax_error_keeps_every_default() {
        let mut km = Keymap::default();
        let bad = apply(&mut km, "[list]\ndown = \"j\nup = \"k\"\n");
        assert!(!bad.is_empty());
        assert!(bad[0].what.starts_with("TOML syntax:"), "{bad:?}");
        assert_eq!(km.bindings, Keymap::default().bindings);
    }
}
