//! One bad entry of a configuration file: where it is (a byte range of the text) and what is
//! wrong; the file's line is found from the range when it is reported.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    pub span: Range<usize>,
    pub what: String,
}

impl Bad {
    pub fn new(span: Range<usize>, what: impl Into<String>) -> Bad {
        Bad { span, what: what.into() }
    }

    /// A TOML syntax error, as one line: only a file's first is said, since those after it
    /// mostly follow from it (one missing quote gave five messages).
    pub fn syntax(e: &toml::de::Error) -> Bad {
        let msg = e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ");
        Bad::new(
            e.span().unwrap_or(0..0),
            format!("TOML syntax: {msg}; fix the syntax (until then the whole file is ignored)"),
        )
    }
}
