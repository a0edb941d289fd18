//! duedesk: a terminal desk for loan-collection teams.
//!
//! Layers, each depending only on the ones below it: `domain` (pure rules) ← `store` (SQLite)
//! ← `app` (actions shared by the command line and the terminal interface) ← `cli`; `ui` draws
//! the desk state and `tui` owns the terminal (`tui → ui → app`).

/// An enum of fixed words (stored, typed on the command line, shown): `as_str`, `Display`,
/// `FromStr` naming the words allowed, `ALL` in declaration order, serialized as the word.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let names: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    format!(concat!("unknown ", $what, " '{}': use {}"), s, names.join(", "))
                })
            }
        }
    };
}

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
