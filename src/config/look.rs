//! How boxes are drawn, as `config.toml` says (`borders = "ascii"`).

/// The characters boxes are drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Borders {
    /// Box-drawing characters (`┌─┐│`).
    #[default]
    Unicode,
    /// `+ - |`, for fonts without box-drawing characters.
    Ascii,
}
