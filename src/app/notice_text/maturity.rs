//! The maturity notice (贷款到期通知书): a month before final maturity, what is left to repay and
//! by when, in Chinese or English, with its receipt.

use super::en::product_en;
use super::facts::{NoticeFacts, NoticeLang, nonempty};
use super::layout::{Block, Doc};
use super::rmb::rmb_upper;
use super::zh::{product_zh, zh_date};

pub(super) fn build(f: &NoticeFacts<'_>, lang: NoticeLang) -> Doc {
    let d = f.loan;
    let total = f.total();
    let interest = total - d.outstanding_principal.min(total);
    let overdue = d.overdue_principal + d.overdue_interest;
    let (body, receipt, cut) = match lang {
        NoticeLang::Zh => {
            let lender = nonempty(d.branch.as_deref()).unwrap_or("本行").to_string();
            let mut body = vec![
                Block::Right(format!("编号：{}", f.number)),
                Block::Gap,
                Block::Line(format!("{}（客户号 {}）：", d.borrower.trim(), d.customer_id)),
                Block::Para(format!(
                    "您于{}与我行（{lender}）签订借款合同（贷款编号 {}），借款本金人民币 {} 元，年利率 {}%，期限 {} 个月，还款方式为{}。该笔贷款将于{}到期。截至{}，尚需归还下列款项：",
                    zh_date(d.disbursed_on),
                    d.loan_id,
                    d.principal,
                    d.annual_rate,
                    d.term_months,
                    product_zh(d.product),
                    zh_date(d.maturity_on),
                    zh_date(f.issued_on),
                )),
                Block::Figures(vec![
                    ("剩余本金".into(), d.outstanding_principal),
                    ("应付利息".into(), interest),
                    ("合计".into(), total),
                ]),
                Block::Para(format!("合计金额大写：人民币{}", rmb_upper(total))),
            ];
            if overdue.cents() > 0 {
                body.push(Block::Note(format!(
                    "其中已逾期本息 {overdue} 元，另计罚息 {} 元（截至{}），请一并归还。",
                    d.penalty_interest,
                    zh_date(f.issued_on)
                )));
            }
            body.push(Block::Para(format!(
                "请您于{}（含当日）前将上述款项足额存入还款账户或到我行营业网点归还，按时结清贷款本息。到期未还的，我行将按合同约定自到期日次日起计收罚息，并依法采取催收措施。",
                zh_date(d.maturity_on)
            )));
            body.push(Block::Para(format!("如有疑问或已还款，请与我行联系：{}。", f.contact)));
            body.extend([
                Block::Gap,
                Block::Right(format!("{lender}（盖章）")),
                Block::Right(zh_date(f.issued_on)),
            ]);
            let receipt = vec![
                Block::Title("回  执".into()),
                Block::Right(format!("通知书编号：{}", f.number)),
                Block::Line(format!("{lender}：")),
                Block::Para(format!(
                    "贵行编号为 {} 的《贷款到期通知书》已收到。本人知悉贷款（贷款编号 {}）将于{}到期，应还本息合计人民币 {} 元（大写：{}）。",
                    f.number,
                    d.loan_id,
                    zh_date(d.maturity_on),
                    total,
                    rmb_upper(total),
                )),
                Block::Gap,
                Block::Right("借款人（签字、盖章）：________________".into()),
                Block::Right("签收日期：______年____月____日".into()),
            ];
            (body, receipt, "沿此线剪下，回执请签字后交回")
        }
        NoticeLang::En => {
            let lender = nonempty(d.branch.as_deref()).map_or_else(|| "the bank".to_string(), str::to_string);
            let mut body = vec![
                Block::Subtitle(format!("({})", f.kind.title(NoticeLang::Zh))),
                Block::Right(format!("No. {}", f.number)),
                Block::Gap,
                Block::Line(format!("To: {} (customer {})", d.borrower.trim(), d.customer_id)),
                Block::Para(format!(
                    "You borrowed under loan contract {} signed on {} with {lender}: principal CNY {} at an annual rate of {} % over {} months, repaid in {}. The loan matures on {}. As of {} the following remains to be repaid:",
                    d.loan_id,
                    d.disbursed_on,
                    d.principal,
                    d.annual_rate,
                    d.term_months,
                    product_en(d.product),
                    d.maturity_on,
                    f.issued_on,
                )),
                Block::Figures(vec![
                    ("Principal outstanding".into(), d.outstanding_principal),
                    ("Interest to pay".into(), interest),
                    ("Total to repay".into(), total),
                ]),
                Block::Para(format!("Total in Chinese capitals: 人民币{}", rmb_upper(total))),
            ];
            if overdue.cents() > 0 {
                body.push(Block::Note(format!(
                    "Of this, CNY {overdue} is overdue already, and penalty interest of CNY {} (as of {}) is due besides.",
                    d.penalty_interest, f.issued_on
                )));
            }
            body.push(Block::Para(format!(
                "Please pay the total above by {} (that day included) into your repayment account or at any of our branches. Anything unpaid at maturity bears penalty interest under the contract from the day after, and we will take steps to collect it.",
                d.maturity_on
            )));
            body.push(Block::Para(format!(
                "If you have questions, or have already paid, please contact {}.",
                f.contact
            )));
            body.extend([
                Block::Gap,
                Block::Right(format!("{lender} (seal)")),
                Block::Right(f.issued_on.to_string()),
            ]);
            let receipt = vec![
                Block::Title("RECEIPT".into()),
                Block::Right(format!("Notice No. {}", f.number)),
                Block::Line(format!("To: {lender}")),
                Block::Para(format!(
                    "I have received Loan Maturity Notice No. {} and understand that loan {} matures on {} with CNY {} to repay.",
                    f.number, d.loan_id, d.maturity_on, total
                )),
                Block::Gap,
                Block::Right("Borrower (signature): __________________".into()),
                Block::Right("Date received: ____________".into()),
            ];
            (body, receipt, "cut here and return the signed receipt")
        }
    };
    Doc { lang, title: f.kind.title(lang).into(), body, cut: cut.into(), receipt }
}
