//! The notices in English.

use super::facts::{
    NoticeFacts, NoticeKind, NoticeLang, PAY_WITHIN_DAYS, nonempty, penalty_rate, total_demanded,
};
use super::layout::{Block, Doc};
use super::rmb::rmb_upper;
use crate::domain::Product;

pub(crate) fn product_en(p: Product) -> &'static str {
    match p {
        Product::Annuity => "equal monthly installments",
        Product::EqualPrincipal => "equal principal installments",
        Product::InterestOnly => "monthly interest, principal at maturity",
        Product::Bullet => "principal and interest at maturity",
    }
}

pub(super) fn build(f: &NoticeFacts<'_>) -> Doc {
    let d = f.loan;
    let lender = nonempty(d.branch.as_deref()).map_or_else(|| "the bank".to_string(), str::to_string);
    let total = total_demanded(d);
    let contract = format!(
        "under loan contract {} signed on {} with {lender}: principal CNY {} at an annual rate of {} % over {} months, repaid in {}",
        d.loan_id,
        d.disbursed_on,
        d.principal,
        d.annual_rate,
        d.term_months,
        product_en(d.product),
    );
    let arrears = format!(
        "As of {} the loan is {} days past due and the following amounts are unpaid (principal not yet due, CNY {}, is not included):",
        f.issued_on,
        d.dpd,
        d.outstanding_principal - d.overdue_principal,
    );
    let figures = Block::Figures(vec![
        ("Overdue principal".into(), d.overdue_principal),
        ("Overdue interest".into(), d.overdue_interest),
        ("Penalty interest".into(), d.penalty_interest),
        ("Total now due".into(), total),
    ]);
    let words = format!("Total in Chinese capitals: 人民币{}", rmb_upper(total));
    let basis = format!(
        "Penalty interest: on each installment's overdue principal, from the day after its due date to {}, at the contract rate of {} % raised by {} % ({} % a year), daily at the annual rate / 360. It accrues until the arrears are paid.",
        f.issued_on,
        d.annual_rate,
        f.penalty_uplift_pct,
        penalty_rate(d.annual_rate, f.penalty_uplift_pct),
    );
    let contact = format!("If you have questions, or have already paid, please contact {}.", f.contact);
    let mut body = vec![Block::Right(format!("No. {}", f.number)), Block::Gap];
    let receipt_text;
    let receipt_sign;
    match f.kind {
        // A maturity notice is `maturity.rs`'s own; `render` never brings one here.
        NoticeKind::Dunning | NoticeKind::Maturity => {
            body.push(Block::Line(format!("To: {} (customer {})", d.borrower.trim(), d.customer_id)));
            body.push(Block::Para(format!("You borrowed {contract}. {arrears}")));
            body.push(figures);
            body.push(Block::Para(words));
            body.push(Block::Note(basis));
            body.push(Block::Para(format!(
                "Please pay the total above by {} (within {} days of this notice) into your repayment account or at any of our branches. If you do not, we will take further steps under the contract and the law, which may include calling on the guarantor, enforcing the collateral, and litigation or arbitration; the costs and consequences will be yours.",
                f.pay_by(),
                PAY_WITHIN_DAYS,
            )));
            body.push(Block::Para(contact));
            receipt_text = format!(
                "I have received Dunning Notice No. {} and confirm that as of {} loan {} has overdue principal, interest and penalty interest of CNY {} unpaid.",
                f.number, f.issued_on, d.loan_id, total,
            );
            receipt_sign = "Borrower (signature): __________________";
        }
        NoticeKind::GuarantorDemand => {
            body.push(Block::Line(format!("To: {} (guarantor)", f.addressee())));
            body.push(Block::Para(format!(
                "{} (customer {}) borrowed {contract}. You guaranteed this loan. {arrears}",
                d.borrower.trim(),
                d.customer_id,
            )));
            body.push(figures);
            body.push(Block::Para(words));
            body.push(Block::Note(basis));
            body.push(Block::Para(format!(
                "The borrower has not repaid as the contract requires. Under your guarantee and the Civil Code of the People's Republic of China, please perform your guarantee by paying the total above on the borrower's behalf by {} (within {} days of this notice). If you do not, we will enforce the guarantee by law, and the costs and consequences will be yours.",
                f.pay_by(),
                PAY_WITHIN_DAYS,
            )));
            body.push(Block::Para(contact));
            receipt_text = format!(
                "I have received Guarantor Demand Notice No. {} and understand that as of {} loan {} of {} has CNY {} overdue, and my liability as guarantor.",
                f.number,
                f.issued_on,
                d.loan_id,
                d.borrower.trim(),
                total,
            );
            receipt_sign = "Guarantor (signature): __________________";
        }
    }
    body.push(Block::Gap);
    body.push(Block::Right(format!("{lender} (seal)")));
    body.push(Block::Right(f.issued_on.to_string()));
    let receipt = vec![
        Block::Title("RECEIPT".into()),
        Block::Right(format!("Notice No. {}", f.number)),
        Block::Line(format!("To: {lender}")),
        Block::Para(receipt_text),
        Block::Gap,
        Block::Right(receipt_sign.into()),
        Block::Right("Date received: ____________".into()),
    ];
    let mut doc = Doc {
        lang: NoticeLang::En,
        title: f.kind.title(NoticeLang::En).into(),
        body,
        cut: "cut here and return the signed receipt".into(),
        receipt,
    };
    doc.body.insert(0, Block::Subtitle(format!("({})", f.kind.title(NoticeLang::Zh))));
    doc
}
