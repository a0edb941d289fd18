//! Theme files: the shipped themes (TOML files in `themes/`, embedded) and a user's, read by the
//! same code into named styles, a user's laid over the theme chosen. Drawing gives the styles
//! their meanings (`ui::Theme`).

use ratatui::style::{Color, Modifier, Style};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::bad::Bad;

/// The styles a theme file names, one per name of `STYLE_NAMES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Styles {
    pub mono: bool,
    pub base: Style,
    pub title: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub header: Style,
    pub selected: Style,
    pub dim: Style,
    pub status: Style,
    pub message: Style,
    pub key: Style,
    pub late: Style,
    pub severe: Style,
}

/// The shipped themes, embedded: `themes/*.toml` at the top of the repository.
pub const DARK: &str = include_str!("../../themes/dark.toml");
pub const LIGHT: &str = include_str!("../../themes/light.toml");
pub const MONO: &str = include_str!("../../themes/mono.toml");

/// The shipped themes by name, the default first.
pub const SHIPPED: [(&str, &str); 3] = [("dark", DARK), ("light", LIGHT), ("mono", MONO)];

/// The style names a theme file sets, in the order of the shipped files.
pub const STYLE_NAMES: [&str; 12] = [
    "base",
    "title",
    "tab",
    "tab_active",
    "header",
    "selected",
    "dim",
    "status",
    "message",
    "key",
    "late",
    "severe",
];

const MODIFIERS: [(&str, Modifier); 9] = [
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
    ("crossed_out", Modifier::CROSSED_OUT),
    ("slow_blink", Modifier::SLOW_BLINK),
    ("rapid_blink", Modifier::RAPID_BLINK),
    ("hidden", Modifier::HIDDEN),
];

impl Styles {
    /// The default theme, from `themes/dark.toml`.
    pub fn dark() -> Styles {
        Styles::embedded(DARK, false)
    }

    /// From `themes/light.toml`, for light terminal backgrounds.
    pub fn light() -> Styles {
        Styles::embedded(LIGHT, false)
    }

    /// From `themes/mono.toml`: no colours; what `NO_COLOR` forces.
    pub fn mono() -> Styles {
        Styles::embedded(MONO, true)
    }

    /// A shipped theme by name.
    pub fn shipped(name: &str) -> Option<Styles> {
        match name {
            "dark" => Some(Styles::dark()),
            "light" => Some(Styles::light()),
            "mono" => Some(Styles::mono()),
            _ => None,
        }
    }

    /// No colours and only the selection marked: what a shipped file falls back on.
    fn plain() -> Styles {
        let s = Style::new();
        Styles {
            mono: true,
            base: s,
            title: s,
            tab: s,
            tab_active: s.add_modifier(Modifier::REVERSED),
            header: s,
            selected: s.add_modifier(Modifier::REVERSED),
            dim: s,
            status: s.add_modifier(Modifier::REVERSED),
            message: s.add_modifier(Modifier::REVERSED),
            key: s,
            late: s,
            severe: s.add_modifier(Modifier::BOLD),
        }
    }

    fn embedded(text: &str, mono: bool) -> Styles {
        // The shipped files are parsed in full by a test; a bad entry would only keep the plain style.
        let mut theme = Styles::plain();
        let _ = theme.overlay(text);
        theme.mono = mono;
        theme
    }

    fn slot(&mut self, name: &str) -> Option<&mut Style> {
        Some(match name {
            "base" => &mut self.base,
            "title" => &mut self.title,
            "tab" => &mut self.tab,
            "tab_active" => &mut self.tab_active,
            "header" => &mut self.header,
            "selected" => &mut self.selected,
            "dim" => &mut self.dim,
            "status" => &mut self.status,
            "message" => &mut self.message,
            "key" => &mut self.key,
            "late" => &mut self.late,
            "severe" => &mut self.severe,
            _ => return None,
        })
    }

    /// Applies a theme file on top of this theme: each style it names replaces that style whole;
    /// the others stay. A bad entry is reported and leaves its style as it was; a syntax error
    /// leaves the whole theme as it was.
    pub fn overlay(&mut self, text: &str) -> Vec<Bad> {
        let doc = match DeTable::parse(text) {
            Ok(d) => d,
            Err(_) => {
                let (_, errors) = DeTable::parse_recoverable(text);
                return errors.iter().take(1).map(Bad::syntax).collect();
            }
        };
        let mut bad = Vec::new();
        for (name, value) in doc.get_ref() {
            let Some(slot) = self.slot(name.get_ref()) else {
                bad.push(Bad::new(
                    name.span(),
                    format!(
                        "unknown style \"{}\"; the styles are {}",
                        name.get_ref(),
                        STYLE_NAMES.join(", ")
                    ),
                ));
                continue;
            };
            match parse_style(name.get_ref(), value) {
                Ok(style) => *slot = style,
                Err(b) => bad.push(b),
            }
        }
        bad.sort_by_key(|b| b.span.start);
        bad
    }
}

/// One style: `{ fg = "cyan", bg = "#202020", modifiers = ["bold"] }`.
fn parse_style(name: &str, value: &Spanned<DeValue<'_>>) -> Result<Style, Bad> {
    let DeValue::Table(table) = value.get_ref() else {
        return Err(Bad::new(
            value.span(),
            format!(
                "style {name} is a {} (not a table); write {name} = {{ fg = \"cyan\", modifiers = [\"bold\"] }}",
                value.get_ref().type_str()
            ),
        ));
    };
    let mut style = Style::new();
    for (key, v) in table {
        match key.get_ref().as_ref() {
            "fg" => style = style.fg(parse_color(name, "fg", v)?),
            "bg" => style = style.bg(parse_color(name, "bg", v)?),
            "modifiers" => style = style.add_modifier(parse_modifiers(name, v)?),
            other => {
                return Err(Bad::new(
                    key.span(),
                    format!("unknown key \"{other}\" in style {name}; use fg, bg and modifiers"),
                ));
            }
        }
    }
    Ok(style)
}

fn parse_color(name: &str, part: &str, v: &Spanned<DeValue<'_>>) -> Result<Color, Bad> {
    let text = v.get_ref().as_str().unwrap_or("");
    // Palette numbers are written as text too ("236"), so a bare 236 is refused rather than guessed.
    match text.parse::<Color>() {
        Ok(c) if v.get_ref().is_str() => Ok(c),
        _ => Err(Bad::new(
            v.span(),
            format!(
                "unknown colour {} for {name}.{part}; use a name (red, light_blue, dark_gray, reset, …), \
                 a palette number as text (\"236\") or \"#rrggbb\"",
                shown(v)
            ),
        )),
    }
}

fn parse_modifiers(name: &str, v: &Spanned<DeValue<'_>>) -> Result<Modifier, Bad> {
    let names: Vec<&str> = MODIFIERS.iter().map(|(n, _)| *n).collect();
    let one = |item: &Spanned<DeValue<'_>>| {
        let text = item.get_ref().as_str().unwrap_or("");
        MODIFIERS.iter().find(|(n, _)| *n == text).map(|(_, m)| *m).ok_or_else(|| {
            Bad::new(
                item.span(),
                format!("unknown modifier {} in {name}.modifiers; use {}", shown(item), names.join(", ")),
            )
        })
    };
    match v.get_ref() {
        DeValue::Array(items) => items.iter().try_fold(Modifier::empty(), |acc, i| Ok(acc | one(i)?)),
        _ => Err(Bad::new(
            v.span(),
            format!(
                "{name}.modifiers must be a list, e.g. modifiers = [\"bold\", \"reversed\"]; got {}",
                shown(v)
            ),
        )),
    }
}

/// A value as the user wrote it, for messages: strings quoted, other kinds by their type.
fn shown(v: &Spanned<DeValue<'_>>) -> String {
    match v.get_ref() {
        DeValue::String(s) => format!("\"{s}\""),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        other => format!("(a {})", other.type_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_sets_every_style_and_parses_cleanly() {
        for (name, text) in SHIPPED {
            let mut theme = Styles::plain();
            assert_eq!(theme.overlay(text), Vec::new(), "themes/{name}.toml");
            let doc = DeTable::parse(text).expect("toml");
            let keys: Vec<&str> = doc.get_ref().iter().map(|(k, _)| k.get_ref().as_ref()).collect();
            for style in STYLE_NAMES {
                assert!(keys.contains(&style), "themes/{name}.toml lacks {style}");
            }
        }
    }

    #[test]
    fn mono_has_no_colour() {
        let m = Styles::mono();
        assert!(m.mono && !Styles::dark().mono);
        for s in STYLE_NAMES {
            let mut t = m;
            let style = *t.slot(s).expect("slot");
            assert_eq!((style.fg, style.bg), (None, None), "mono {s} has a colour");
        }
    }

    #[test]
    fn an_overlay_replaces_the_styles_it_names_and_reports_bad_entries() {
        let mut t = Styles::dark();
        let text = "title = { fg = \"#ff0000\" }\nkey = { fg = \"purplish\" }\ntitel = {}\n\
                    dim = { fg = \"red\", colour = \"x\" }\nlate = { modifiers = [\"blod\"] }\nsevere = \"red\"\n";
        let bad = t.overlay(text);
        assert_eq!(t.title, Style::new().fg(Color::Rgb(255, 0, 0)));
        assert_eq!(t.key, Styles::dark().key);
        let whats: Vec<&str> = bad.iter().map(|b| b.what.as_str()).collect();
        assert_eq!(bad.len(), 5, "{whats:#?}");
        assert!(whats[0].starts_with("unknown colour \"purplish\" for key.fg"), "{}", whats[0]);
        assert!(whats[1].starts_with("unknown style \"titel\""), "{}", whats[1]);
        assert!(whats[2].starts_with("unknown key \"colour\" in style dim"), "{}", whats[2]);
        assert!(whats[3].starts_with("unknown modifier \"blod\""), "{}", whats[3]);
        assert!(whats[4].starts_with("style severe is a string"), "{}", whats[4]);
        assert_eq!(&text[bad[0].span.clone()], "\"purplish\"");
        let mut t = Styles::dark();
        let bad = t.overlay("title = { fg = \"red\"\n");
        assert_eq!(t, Styles::dark());
        assert!(bad[0].what.starts_with("TOML syntax:"), "{:?}", bad);
    }
}
