//! The work log (工作日志, DOMAIN §10): a dated note on a customer by its owner, signed by a
//! supervisor.

text_enum!(
    /// What a work log entry is about.
    WorkLogKind, "work log kind", {
        Visit => "visit",
        Call => "call",
        Analysis => "analysis",
        Other => "other",
    }
);
