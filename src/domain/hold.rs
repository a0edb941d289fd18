//! Holds (DOMAIN §6, §8): a supervisor's pause of a case; while in force no automatic escalation
//! forward and no outbound collection contact.

text_enum!(
    /// Why a case is paused.
    HoldKind, "hold kind", {
    /// The debtor disputes the debt.
    Dispute => "dispute",
    /// The debtor cannot pay for a time (illness, job loss, disaster).
    Hardship => "hardship",
});
