//! The notices in Chinese.

use chrono::{Datelike, NaiveDate};

use super::facts::{
    NoticeFacts, NoticeKind, NoticeLang, PAY_WITHIN_DAYS, nonempty, penalty_rate, total_demanded,
};
use super::layout::{Block, Doc};
use super::rmb::rmb_upper;
use crate::domain::Product;

pub(crate) fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

pub(crate) fn product_zh(p: Product) -> &'static str {
    match p {
        Product::Annuity => "等额本息",
        Product::EqualPrincipal => "等额本金",
        Product::InterestOnly => "按月付息、到期还本",
        Product::Bullet => "到期一次还本付息",
    }
}

pub(super) fn build(f: &NoticeFacts<'_>) -> Doc {
    let d = f.loan;
    let lender = nonempty(d.branch.as_deref()).unwrap_or("本行").to_string();
    let total = total_demanded(d);
    let contract = format!(
        "{}与我行（{lender}）签订借款合同（贷款编号 {}），借款本金人民币 {} 元，年利率 {}%，期限 {} 个月，还款方式为{}",
        zh_date(d.disbursed_on),
        d.loan_id,
        d.principal,
        d.annual_rate,
        d.term_months,
        product_zh(d.product),
    );
    let arrears = format!(
        "截至{}，该笔贷款已逾期 {} 天，尚欠下列款项（剩余未到期本金 {} 元另计）：",
        zh_date(f.issued_on),
        d.dpd,
        d.outstanding_principal - d.overdue_principal,
    );
    let figures = Block::Figures(vec![
        ("逾期本金".into(), d.overdue_principal),
        ("逾期利息".into(), d.overdue_interest),
        ("罚息".into(), d.penalty_interest),
        ("合计".into(), total),
    ]);
    let words = format!("合计金额大写：人民币{}", rmb_upper(total));
    let basis = format!(
        "罚息计算依据：对各期逾期本金，自应还款日次日起至{}止，按合同年利率 {}% 上浮 {}%（即年利率 {}%），日利率 = 年利率 ÷ 360，逐日计收；结清前罚息继续计收。",
        zh_date(f.issued_on),
        d.annual_rate,
        f.penalty_uplift_pct,
        penalty_rate(d.annual_rate, f.penalty_uplift_pct),
    );
    let contact = format!("如有疑问或已还款，请与我行联系：{}。", f.contact);
    let mut body = Vec::new();
    let receipt_text;
    let receipt_sign;
    match f.kind {
        // A maturity notice is `maturity.rs`'s own; `render` never brings one here.
        NoticeKind::Dunning | NoticeKind::Maturity => {
            body.push(Block::Line(format!("{}（客户号 {}）：", d.borrower.trim(), d.customer_id)));
            body.push(Block::Para(format!("您于{contract}。{arrears}")));
            body.push(figures);
            body.push(Block::Para(words));
            body.push(Block::Note(basis));
            body.push(Block::Para(format!(
                "请您于{}前（本通知书发出之日起 {} 日内）将上述款项足额存入还款账户或到我行营业网点归还。逾期仍不归还的，我行将依照合同约定和法律规定采取进一步措施，包括但不限于向保证人追偿、处置担保物、提起诉讼或申请仲裁，由此产生的费用和法律后果由您承担。",
                zh_date(f.pay_by()),
                PAY_WITHIN_DAYS,
            )));
            body.push(Block::Para(contact));
            receipt_text = format!(
                "贵行编号为 {} 的《贷款催收通知书》已收到。本人确认截至{}尚欠贷款（贷款编号 {}）逾期本息及罚息合计人民币 {} 元（大写：{}）。",
                f.number,
                zh_date(f.issued_on),
                d.loan_id,
                total,
                rmb_upper(total),
            );
            receipt_sign = "借款人（签字、盖章）：________________";
        }
        NoticeKind::GuarantorDemand => {
            let guarantor = f.addressee();
            body.push(Block::Line(format!("{guarantor}（保证人）：")));
            body.push(Block::Para(format!(
                "借款人 {}（客户号 {}）于{contract}。您为该笔贷款提供保证担保。{arrears}",
                d.borrower.trim(),
                d.customer_id,
            )));
            body.push(figures);
            body.push(Block::Para(words));
            body.push(Block::Note(basis));
            body.push(Block::Para(format!(
                "借款人未按合同约定履行还款义务。根据保证合同约定及《中华人民共和国民法典》有关规定，请您于{}前（本通知书发出之日起 {} 日内）履行担保责任，代借款人清偿上述款项。逾期不履行的，我行将依法追究您的保证责任，由此产生的费用和法律后果由您承担。",
                zh_date(f.pay_by()),
                PAY_WITHIN_DAYS,
            )));
            body.push(Block::Para(contact));
            receipt_text = format!(
                "贵行编号为 {} 的《履行担保责任通知书》已收到。本人知悉借款人 {} 的贷款（贷款编号 {}）截至{}尚欠逾期本息及罚息合计人民币 {} 元（大写：{}），以及本人应承担的保证责任。",
                f.number,
                d.borrower.trim(),
                d.loan_id,
                zh_date(f.issued_on),
                total,
                rmb_upper(total),
            );
            receipt_sign = "保证人（签字、盖章）：________________";
        }
    }
    body.push(Block::Gap);
    body.push(Block::Right(format!("{lender}（盖章）")));
    body.push(Block::Right(zh_date(f.issued_on)));
    let receipt = vec![
        Block::Title("回  执".into()),
        Block::Right(format!("通知书编号：{}", f.number)),
        Block::Line(format!("{lender}：")),
        Block::Para(receipt_text),
        Block::Gap,
        Block::Right(receipt_sign.into()),
        Block::Right("签收日期：______年____月____日".into()),
    ];
    let mut head = vec![Block::Right(format!("编号：{}", f.number)), Block::Gap];
    head.extend(body);
    Doc {
        lang: NoticeLang::Zh,
        title: f.kind.title(NoticeLang::Zh).into(),
        body: head,
        cut: "沿此线剪下，回执请签字后交回".into(),
        receipt,
    }
}
