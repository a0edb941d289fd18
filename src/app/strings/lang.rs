//! The desk's language and how it is chosen: config.toml's `lang`, `DUEDESK_LANG`, the locale.

use super::texts::{EN, Text, ZH};

/// The language of the terminal desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// The environment variables read by [`Lang::detect`], in order after `DUEDESK_LANG`.
pub const LOCALE_VARS: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// A `lang` setting as a user writes it (config file, `DUEDESK_LANG`): `en`, `zh`, or a locale
    /// such as `zh_CN.UTF-8` or `zh-Hans`. `Ok(None)` for `auto` or empty (use the locale).
    pub fn parse(value: &str) -> Result<Option<Lang>, String> {
        let v = value.trim().to_ascii_lowercase();
        if v.is_empty() || v == "auto" {
            return Ok(None);
        }
        let base = v.split(['_', '-', '.', '@']).next().unwrap_or("");
        match base {
            "en" | "english" => Ok(Some(Lang::En)),
            "zh" | "chinese" => Ok(Some(Lang::Zh)),
            _ => Err(format!("unknown language '{}': use en, zh or auto", value.trim())),
        }
    }

    /// A POSIX locale name: `zh…` is Chinese, anything else (`C`, `POSIX`, `en_US.UTF-8`, empty)
    /// English.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.trim().to_ascii_lowercase().starts_with("zh") { Lang::Zh } else { Lang::En }
    }

    /// The desk's language: the config file's `lang` when it names one, else `DUEDESK_LANG`, else
    /// the locale (the first non-empty of `LC_ALL`, `LC_MESSAGES`, `LANG`), else English. A value
    /// that names no language is passed over here; report it with [`Lang::parse`].
    pub fn detect(config: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Lang {
        if let Some(Ok(Some(l))) = config.map(Lang::parse) {
            return l;
        }
        if let Some(Ok(Some(l))) = env("DUEDESK_LANG").as_deref().map(Lang::parse) {
            return l;
        }
        LOCALE_VARS
            .iter()
            .filter_map(|v| env(v))
            .find(|v| !v.is_empty())
            .map_or(Lang::En, |v| Lang::from_locale(&v))
    }

    /// [`Lang::detect`] on the process environment.
    pub fn from_env(config: Option<&str>) -> Lang {
        Lang::detect(config, |k| std::env::var(k).ok())
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_detection() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_string())
        };
        assert_eq!(Lang::detect(None, env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::detect(None, env(&[("LANG", "en_US.UTF-8")])), Lang::En);
        assert_eq!(Lang::detect(None, env(&[("LANG", "C")])), Lang::En);
        assert_eq!(Lang::detect(None, env(&[("LANG", "")])), Lang::En);
        assert_eq!(Lang::detect(None, env(&[])), Lang::En);
        // LC_ALL, then LC_MESSAGES, then LANG; an empty one is passed over.
        assert_eq!(Lang::detect(None, env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])), Lang::En);
        assert_eq!(Lang::detect(None, env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::detect(None, env(&[("LC_MESSAGES", "zh_TW"), ("LANG", "en_US")])), Lang::Zh);
        // DUEDESK_LANG over the locale, the config file over both.
        assert_eq!(Lang::detect(None, env(&[("DUEDESK_LANG", "zh"), ("LANG", "C")])), Lang::Zh);
        assert_eq!(Lang::detect(None, env(&[("DUEDESK_LANG", "auto"), ("LANG", "zh_CN")])), Lang::Zh);
        assert_eq!(Lang::detect(Some("en"), env(&[("DUEDESK_LANG", "zh")])), Lang::En);
        assert_eq!(Lang::detect(Some("zh-Hans"), env(&[])), Lang::Zh);
        assert_eq!(Lang::detect(Some("klingon"), env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert!(Lang::parse("klingon").is_err());
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Ok(Some(Lang::Zh)));
        assert_eq!(Lang::parse(" EN "), Ok(Some(Lang::En)));
    }
}
