//! What a notice is filled from: its kind and language, the loan's facts as of its date, its
//! number, date and contact, and the sums it demands.

use chrono::{Duration, NaiveDate};

use crate::domain::money::div_round;
use crate::domain::{Money, Product, Rate};

/// Days the addressee has to pay, counted from the notice's as-of date.
pub const PAY_WITHIN_DAYS: i64 = 10;

text_enum!(NoticeKind, "notice kind", {
    /// 催收通知书: to the borrower, monthly while overdue.
    Dunning => "dunning",
    /// 履行担保责任通知书: to the guarantor.
    GuarantorDemand => "guarantor_demand",
    /// 到期通知书: to the borrower, a month before final maturity.
    Maturity => "maturity",
});

impl NoticeKind {
    /// The prefix of the notice number: 催收 (CS), 担保 (DB).
    pub fn number_prefix(self) -> &'static str {
        match self {
            NoticeKind::Dunning => "CS",
            NoticeKind::GuarantorDemand => "DB",
            NoticeKind::Maturity => "DQ",
        }
    }

    pub(super) fn title(self, lang: NoticeLang) -> &'static str {
        match (self, lang) {
            (NoticeKind::Dunning, NoticeLang::Zh) => "贷款催收通知书",
            (NoticeKind::GuarantorDemand, NoticeLang::Zh) => "履行担保责任通知书",
            (NoticeKind::Dunning, NoticeLang::En) => "DUNNING NOTICE",
            (NoticeKind::GuarantorDemand, NoticeLang::En) => "GUARANTOR DEMAND NOTICE",
            (NoticeKind::Maturity, NoticeLang::Zh) => "贷款到期通知书",
            (NoticeKind::Maturity, NoticeLang::En) => "LOAN MATURITY NOTICE",
        }
    }
}

text_enum!(#[derive(Default)] NoticeLang, "language", { #[default] Zh => "zh", En => "en" });

/// The loan a notice is about, as of the notice's date (from `show` in full).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeLoan {
    pub loan_id: String,
    pub customer_id: String,
    pub borrower: String,
    pub guarantor: Option<String>,
    /// The lending branch, named as the lender.
    pub branch: Option<String>,
    pub product: Product,
    pub principal: Money,
    pub annual_rate: Rate,
    pub term_months: u32,
    pub disbursed_on: NaiveDate,
    pub dpd: i64,
    pub outstanding_principal: Money,
    pub overdue_principal: Money,
    pub overdue_interest: Money,
    pub penalty_interest: Money,
    /// The final installment's due date.
    pub maturity_on: NaiveDate,
    /// What is left to repay by maturity: every installment's unpaid principal and interest.
    pub to_repay: Money,
}

/// What a notice states besides the loan: its number and date, who to contact, the penalty basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeFacts<'a> {
    pub loan: &'a NoticeLoan,
    pub kind: NoticeKind,
    pub lang: NoticeLang,
    pub number: &'a str,
    /// The date the notice is issued and its figures are as of.
    pub issued_on: NaiveDate,
    /// Penalty uplift over the contract rate, percent (DOMAIN §4).
    pub penalty_uplift_pct: i64,
    /// Who at the desk to contact: name and, when known, a phone.
    pub contact: &'a str,
}

impl NoticeFacts<'_> {
    /// The day the notice asks payment by: the maturity for a maturity notice, else ten days on.
    pub fn pay_by(&self) -> NaiveDate {
        match self.kind {
            NoticeKind::Maturity => self.loan.maturity_on,
            _ => self.issued_on + Duration::days(PAY_WITHIN_DAYS),
        }
    }

    /// What the notice asks for.
    pub fn total(&self) -> Money {
        total_for(self.loan, self.kind)
    }

    /// Who the notice goes to: the borrower, or the guarantor for a demand notice.
    pub fn addressee(&self) -> String {
        addressee(self.loan, self.kind)
    }
}

/// The person a notice of this kind is addressed to.
pub fn addressee(d: &NoticeLoan, kind: NoticeKind) -> String {
    match kind {
        NoticeKind::Dunning | NoticeKind::Maturity => d.borrower.trim().to_string(),
        NoticeKind::GuarantorDemand => d.guarantor.as_deref().unwrap_or("").trim().to_string(),
    }
}

/// What a notice demands: the overdue principal and interest plus penalty interest as of its date.
pub fn total_demanded(d: &NoticeLoan) -> Money {
    d.overdue_principal + d.overdue_interest + d.penalty_interest
}

/// What a notice of `kind` asks for: the arrears demanded, or all that is left to repay by maturity.
pub fn total_for(d: &NoticeLoan, kind: NoticeKind) -> Money {
    match kind {
        NoticeKind::Maturity => d.to_repay,
        _ => total_demanded(d),
    }
}

/// The filled notice in both forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedNotice {
    pub text: String,
    pub html: String,
}

/// The penalty rate: the contract rate raised by the uplift (`rate × (100 + uplift) / 100`).
pub(crate) fn penalty_rate(rate: Rate, uplift_pct: i64) -> Rate {
    Rate::from_e4(div_round(i128::from(rate.e4()) * i128::from(100 + uplift_pct), 100) as i64)
}

/// A text that says something: trimmed, not empty.
pub(super) fn nonempty(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penalty_rate_is_the_uplifted_contract_rate() {
        let r = Rate::parse("4.90").expect("rate");
        assert_eq!(penalty_rate(r, 50).to_string(), "7.35");
        assert_eq!(penalty_rate(Rate::parse("19.03").expect("rate"), 30).to_string(), "24.739");
    }
}
