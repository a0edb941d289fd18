//! The written notices of a case, filled from the loan's facts: the dunning notice (催收通知书) and
//! the guarantor demand notice (履行担保责任通知书), in Chinese or English, as printable text (80
//! columns by display width) and as a standalone HTML page. Pure: no I/O, no clock.

use chrono::{Datelike, Duration, NaiveDate};

use super::views::LoanDetail;
use crate::domain::money::div_round;
use crate::domain::{Money, Product, Rate};
use crate::text;

/// Days the addressee has to pay, counted from the notice's as-of date.
pub const PAY_WITHIN_DAYS: i64 = 10;

/// Display width of the text notice (fits an 80-column terminal or printer line).
pub const TEXT_WIDTH: usize = 78;

text_enum!(NoticeKind, "notice kind", {
    /// 催收通知书: to the borrower, monthly while overdue.
    Dunning => "dunning",
    /// 履行担保责任通知书: to the guarantor.
    GuarantorDemand => "guarantor_demand",
});

impl NoticeKind {
    /// The prefix of the notice number: 催收 (CS), 担保 (DB).
    pub fn number_prefix(self) -> &'static str {
        match self {
            NoticeKind::Dunning => "CS",
            NoticeKind::GuarantorDemand => "DB",
        }
    }

    fn title(self, lang: NoticeLang) -> &'static str {
        match (self, lang) {
            (NoticeKind::Dunning, NoticeLang::Zh) => "贷款催收通知书",
            (NoticeKind::GuarantorDemand, NoticeLang::Zh) => "履行担保责任通知书",
            (NoticeKind::Dunning, NoticeLang::En) => "DUNNING NOTICE",
            (NoticeKind::GuarantorDemand, NoticeLang::En) => "GUARANTOR DEMAND NOTICE",
        }
    }
}

text_enum!(#[derive(Default)] NoticeLang, "language", { #[default] Zh => "zh", En => "en" });

/// What a notice states besides the loan: its number and date, who to contact, the penalty basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeFacts<'a> {
    pub detail: &'a LoanDetail,
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
    pub fn pay_by(&self) -> NaiveDate {
        self.issued_on + Duration::days(PAY_WITHIN_DAYS)
    }

    /// Who the notice goes to: the borrower, or the guarantor for a demand notice.
    pub fn addressee(&self) -> String {
        addressee(self.detail, self.kind)
    }
}

/// The person a notice of this kind is addressed to.
pub fn addressee(d: &LoanDetail, kind: NoticeKind) -> String {
    match kind {
        NoticeKind::Dunning => d.summary.borrower.trim().to_string(),
        NoticeKind::GuarantorDemand => d.guarantor.as_deref().unwrap_or("").trim().to_string(),
    }
}

/// What a notice demands: the overdue principal and interest plus penalty interest as of its date.
pub fn total_demanded(d: &LoanDetail) -> Money {
    d.summary.overdue_amount + d.summary.penalty_interest
}

/// The filled notice in both forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedNotice {
    pub text: String,
    pub html: String,
}

// ---------------------------------------------------------------------------------------------
// 人民币大写

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// An amount in Chinese capital numerals as written on bank documents (人民币大写), e.g. 12345.67 →
/// 壹万贰仟叁佰肆拾伍元陆角柒分. Conventions (《支付结算办法》 rules for writing amounts): a whole amount
/// ends in 整; 10 is 壹拾 (never a bare 拾); a run of zeros inside the number is one 零; when the
/// 元 digit is zero and 角 is not, no 零 is written (100.50 → 壹佰元伍角); a zero 角 before a 分 is
/// written 零 (100.05 → 壹佰元零伍分); an amount ending in 角 takes no 整 (1001.10 → 壹仟零壹元壹角).
pub fn rmb_upper(amount: Money) -> String {
    let cents = amount.cents();
    let mut out = String::new();
    if cents < 0 {
        out.push('负');
    }
    let abs = cents.unsigned_abs();
    let yuan = abs / 100;
    let jiao = (abs / 10 % 10) as usize;
    let fen = (abs % 10) as usize;
    if yuan > 0 {
        out.push_str(&integer_upper(yuan));
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => {
            if yuan == 0 {
                out.push_str("零元");
            }
            out.push('整');
        }
        (j, 0) => {
            out.push(DIGITS[j]);
            out.push('角');
        }
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    out
}

/// A positive whole number in capitals, grouped by 万 and 亿.
fn integer_upper(n: u64) -> String {
    const YI: u64 = 100_000_000;
    const WAN: u64 = 10_000;
    let (high, low, unit, low_full) =
        if n >= YI { (n / YI, n % YI, "亿", YI / 10) } else { (n / WAN, n % WAN, "万", WAN / 10) };
    if high == 0 {
        return group_upper(low);
    }
    let mut s = if n >= YI { integer_upper(high) } else { group_upper(high) };
    s.push_str(unit);
    if low > 0 {
        // A gap below the unit is read as one 零: 壹亿零壹万, 壹万零壹.
        if low < low_full {
            s.push('零');
        }
        s.push_str(&integer_upper(low));
    }
    s
}

/// 1..=9999 in capitals with 仟佰拾, inner zeros as one 零, trailing zeros dropped.
fn group_upper(n: u64) -> String {
    const UNITS: [&str; 4] = ["仟", "佰", "拾", ""];
    let digits = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let mut s = String::new();
    let mut zero_pending = false;
    for (d, unit) in digits.iter().zip(UNITS) {
        if *d == 0 {
            zero_pending = !s.is_empty();
            continue;
        }
        if zero_pending {
            s.push('零');
            zero_pending = false;
        }
        s.push(DIGITS[*d as usize]);
        s.push_str(unit);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The notice as a sequence of blocks, laid out as text or HTML.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    Title(String),
    Subtitle(String),
    /// A line flush right (number, seal, date).
    Right(String),
    /// A line flush left (salutation), wrapped if long.
    Line(String),
    /// A body paragraph, first line indented.
    Para(String),
    /// A smaller explanatory paragraph.
    Note(String),
    /// Label / amount rows; the last is the total.
    Figures(Vec<(String, Money)>),
    Gap,
}

struct Doc {
    lang: NoticeLang,
    title: String,
    body: Vec<Block>,
    cut: String,
    receipt: Vec<Block>,
}

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

pub(crate) fn product_en(p: Product) -> &'static str {
    match p {
        Product::Annuity => "equal monthly installments",
        Product::EqualPrincipal => "equal principal installments",
        Product::InterestOnly => "monthly interest, principal at maturity",
        Product::Bullet => "principal and interest at maturity",
    }
}

/// The penalty rate: the contract rate raised by the uplift (`rate × (100 + uplift) / 100`).
pub(crate) fn penalty_rate(rate: Rate, uplift_pct: i64) -> Rate {
    Rate::from_e4(div_round(i128::from(rate.e4()) * i128::from(100 + uplift_pct), 100) as i64)
}

fn build(f: &NoticeFacts<'_>) -> Doc {
    match f.lang {
        NoticeLang::Zh => build_zh(f),
        NoticeLang::En => build_en(f),
    }
}

fn nonempty(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

fn build_zh(f: &NoticeFacts<'_>) -> Doc {
    let d = f.detail;
    let s = &d.summary;
    let lender = nonempty(d.branch.as_deref()).unwrap_or("本行").to_string();
    let total = total_demanded(d);
    let contract = format!(
        "{}与我行（{lender}）签订借款合同（贷款编号 {}），借款本金人民币 {} 元，年利率 {}%，期限 {} 个月，还款方式为{}",
        zh_date(d.disbursed_on),
        s.loan_id,
        s.principal,
        d.annual_rate,
        d.term_months,
        product_zh(s.product),
    );
    let arrears = format!(
        "截至{}，该笔贷款已逾期 {} 天，尚欠下列款项（剩余未到期本金 {} 元另计）：",
        zh_date(f.issued_on),
        s.dpd,
        s.outstanding_principal - s.overdue_principal,
    );
    let figures = Block::Figures(vec![
        ("逾期本金".into(), s.overdue_principal),
        ("逾期利息".into(), s.overdue_interest),
        ("罚息".into(), s.penalty_interest),
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
        NoticeKind::Dunning => {
            body.push(Block::Line(format!("{}（客户号 {}）：", s.borrower.trim(), d.customer_id)));
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
                s.loan_id,
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
                s.borrower.trim(),
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
                s.borrower.trim(),
                s.loan_id,
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

fn build_en(f: &NoticeFacts<'_>) -> Doc {
    let d = f.detail;
    let s = &d.summary;
    let lender = nonempty(d.branch.as_deref()).map_or_else(|| "the bank".to_string(), str::to_string);
    let total = total_demanded(d);
    let contract = format!(
        "under loan contract {} signed on {} with {lender}: principal CNY {} at an annual rate of {} % over {} months, repaid in {}",
        s.loan_id,
        d.disbursed_on,
        s.principal,
        d.annual_rate,
        d.term_months,
        product_en(s.product),
    );
    let arrears = format!(
        "As of {} the loan is {} days past due and the following amounts are unpaid (principal not yet due, CNY {}, is not included):",
        f.issued_on,
        s.dpd,
        s.outstanding_principal - s.overdue_principal,
    );
    let figures = Block::Figures(vec![
        ("Overdue principal".into(), s.overdue_principal),
        ("Overdue interest".into(), s.overdue_interest),
        ("Penalty interest".into(), s.penalty_interest),
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
        NoticeKind::Dunning => {
            body.push(Block::Line(format!("To: {} (customer {})", s.borrower.trim(), d.customer_id)));
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
                f.number, f.issued_on, s.loan_id, total,
            );
            receipt_sign = "Borrower (signature): __________________";
        }
        NoticeKind::GuarantorDemand => {
            body.push(Block::Line(format!("To: {} (guarantor)", f.addressee())));
            body.push(Block::Para(format!(
                "{} (customer {}) borrowed {contract}. You guaranteed this loan. {arrears}",
                s.borrower.trim(),
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
                s.loan_id,
                s.borrower.trim(),
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

/// Fills the notice and lays it out as text and HTML.
pub fn render(f: &NoticeFacts<'_>) -> RenderedNotice {
    let doc = build(f);
    RenderedNotice { text: to_text(&doc), html: to_html(&doc) }
}

// ---------------------------------------------------------------------------------------------
// Text

/// Characters that may not start a line (避头): they stay with the character before them.
fn no_line_start(c: char) -> bool {
    "，。、；：！？）》」』”’,.;:!?)".contains(c)
}

/// Characters that may not end a line (避尾): they move to the next line.
fn no_line_end(c: char) -> bool {
    "（《「『“‘(".contains(c)
}

/// Breaks `s` into lines of at most `width` cells, the first prefixed by `first`, the others by
/// `rest`. Breaks at spaces when the line has one, else between characters (Chinese).
pub(crate) fn wrap(s: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut prefix = first;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let room = width.saturating_sub(text::width(prefix)).max(2);
        // The longest run of characters that fits.
        let mut used = 0;
        let mut j = i;
        while j < chars.len() {
            let w = text::width(chars[j].encode_utf8(&mut [0; 4]));
            if used + w > room {
                break;
            }
            used += w;
            j += 1;
        }
        let mut end = j;
        if j < chars.len() && chars[j] != ' ' {
            // Never start a line with closing punctuation: it stays with the character before it.
            while end > i + 1 && no_line_start(chars[end]) {
                end -= 1;
            }
            // Never end a line with opening punctuation.
            while end > i + 1 && no_line_end(chars[end - 1]) {
                end -= 1;
            }
            // Never break inside a word or number: the line ends before it unless it fills the line.
            let wordy = |c: char| c.is_ascii_graphic();
            if wordy(chars[end]) && wordy(chars[end - 1]) {
                let mut start = end;
                while start > i && wordy(chars[start - 1]) {
                    start -= 1;
                }
                if start > i {
                    end = start;
                }
            }
        }
        let line: String = chars[i..end].iter().collect();
        lines.push(format!("{prefix}{}", line.trim_end()));
        i = end;
        while i < chars.len() && chars[i] == ' ' {
            i += 1;
        }
        prefix = rest;
    }
    if lines.is_empty() {
        lines.push(prefix.trim_end().to_string());
    }
    lines
}

pub(crate) fn centered(s: &str, width: usize) -> String {
    let pad = width.saturating_sub(text::width(s)) / 2;
    format!("{}{s}", " ".repeat(pad))
}

fn flush_right(s: &str, width: usize) -> Vec<String> {
    if text::width(s) >= width {
        return wrap(s, width, "", "");
    }
    vec![format!("{}{s}", " ".repeat(width - text::width(s)))]
}

fn text_blocks(blocks: &[Block], lang: NoticeLang, out: &mut Vec<String>) {
    let indent = match lang {
        NoticeLang::Zh => "    ",
        NoticeLang::En => "    ",
    };
    for b in blocks {
        match b {
            Block::Title(t) => {
                out.push(centered(t, TEXT_WIDTH));
                out.push(String::new());
            }
            Block::Subtitle(t) => out.push(centered(t, TEXT_WIDTH)),
            Block::Right(t) => out.extend(flush_right(t, TEXT_WIDTH)),
            Block::Line(t) => out.extend(wrap(t, TEXT_WIDTH, "", "")),
            Block::Para(t) => {
                out.extend(wrap(t, TEXT_WIDTH, indent, ""));
                out.push(String::new());
            }
            Block::Note(t) => {
                out.extend(wrap(t, TEXT_WIDTH, "  ", "  "));
                out.push(String::new());
            }
            Block::Figures(rows) => {
                let (currency, unit) = match lang {
                    NoticeLang::Zh => ("人民币", " 元"),
                    NoticeLang::En => ("CNY", ""),
                };
                for (k, (label, amount)) in rows.iter().enumerate() {
                    if k + 1 == rows.len() {
                        out.push(format!("{indent}{}", "-".repeat(46)));
                    }
                    out.push(format!(
                        "{indent}{}{}{}{unit}",
                        text::fit(label, 22, false),
                        text::fit(currency, 8, false),
                        text::fit(&amount.to_string(), 16, true),
                    ));
                }
                out.push(String::new());
            }
            Block::Gap => out.push(String::new()),
        }
    }
}

fn cut_line(label: &str) -> String {
    let inner = format!(" {label} ");
    let side = TEXT_WIDTH.saturating_sub(text::width(&inner)) / 2;
    let dashes = |n: usize| "-".repeat(n);
    format!("{}{inner}{}", dashes(side), dashes(TEXT_WIDTH.saturating_sub(side + text::width(&inner))))
}

fn to_text(doc: &Doc) -> String {
    let mut lines = vec![centered(&doc.title, TEXT_WIDTH)];
    let body = match doc.body.split_first() {
        Some((Block::Subtitle(sub), rest)) => {
            lines.push(centered(sub, TEXT_WIDTH));
            rest
        }
        _ => &doc.body[..],
    };
    lines.push(String::new());
    text_blocks(body, doc.lang, &mut lines);
    lines.push(String::new());
    lines.push(cut_line(&doc.cut));
    lines.push(String::new());
    text_blocks(&doc.receipt, doc.lang, &mut lines);
    let mut s = lines.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n");
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------------
// HTML

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "\
body { font-family: \"Songti SC\", SimSun, \"Noto Serif CJK SC\", serif; font-size: 12pt; line-height: 1.7;
       max-width: 46em; margin: 2em auto; color: #000; background: #fff; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 0.2em; margin: 0 0 0.2em; }
h2 { text-align: center; font-size: 16pt; letter-spacing: 0.3em; margin: 0 0 0.5em; }
.subtitle { text-align: center; margin: 0; }
.right { text-align: right; margin: 0.2em 0; }
.para { text-indent: 2em; margin: 0.5em 0; }
.note { font-size: 10.5pt; margin: 0.5em 2em; }
table.figures { margin: 0.5em 2em; border-collapse: collapse; }
table.figures td { padding: 0.1em 1em; }
table.figures td.amount { text-align: right; font-variant-numeric: tabular-nums; }
table.figures tr.total td { border-top: 1px solid #000; font-weight: bold; }
.cut { border-top: 1px dashed #000; margin: 2em 0 1em; padding-top: 0.2em; text-align: center;
       font-size: 9pt; color: #444; }
.gap { height: 1em; }
@page { size: A4; margin: 20mm; }
@media print {
  body { margin: 0; max-width: none; }
  .receipt { break-inside: avoid; page-break-inside: avoid; }
}
";

fn html_blocks(blocks: &[Block], lang: NoticeLang, heading: &str, out: &mut String) {
    use std::fmt::Write as _;
    for b in blocks {
        match b {
            Block::Title(t) => {
                let _ = writeln!(out, "<{heading}>{}</{heading}>", html_escape(t));
            }
            Block::Subtitle(t) => {
                let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", html_escape(t));
            }
            Block::Right(t) => {
                let _ = writeln!(out, "<p class=\"right\">{}</p>", html_escape(t));
            }
            Block::Line(t) => {
                let _ = writeln!(out, "<p>{}</p>", html_escape(t));
            }
            Block::Para(t) => {
                let _ = writeln!(out, "<p class=\"para\">{}</p>", html_escape(t));
            }
            Block::Note(t) => {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", html_escape(t));
            }
            Block::Figures(rows) => {
                let (currency, unit) = match lang {
                    NoticeLang::Zh => ("人民币", "元"),
                    NoticeLang::En => ("CNY", ""),
                };
                out.push_str("<table class=\"figures\">\n");
                for (k, (label, amount)) in rows.iter().enumerate() {
                    let class = if k + 1 == rows.len() { " class=\"total\"" } else { "" };
                    let _ = writeln!(
                        out,
                        "<tr{class}><td>{}</td><td>{currency}</td><td class=\"amount\">{}</td><td>{unit}</td></tr>",
                        html_escape(label),
                        html_escape(&amount.to_string()),
                    );
                }
                out.push_str("</table>\n");
            }
            Block::Gap => out.push_str("<div class=\"gap\"></div>\n"),
        }
    }
}

fn to_html(doc: &Doc) -> String {
    use std::fmt::Write as _;
    let lang = match doc.lang {
        NoticeLang::Zh => "zh-CN",
        NoticeLang::En => "en",
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main class=\"notice\">\n<h1>{}</h1>\n",
        html_escape(&doc.title),
        html_escape(&doc.title),
    );
    html_blocks(&doc.body, doc.lang, "h1", &mut s);
    let _ = writeln!(s, "</main>\n<div class=\"cut\">✂ {}</div>", html_escape(&doc.cut));
    s.push_str("<section class=\"receipt\">\n");
    html_blocks(&doc.receipt, doc.lang, "h2", &mut s);
    s.push_str("</section>\n</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(s: &str) -> String {
        rmb_upper(Money::parse(s).expect("amount"))
    }

    #[test]
    fn uppercase_amounts_follow_the_bank_conventions() {
        let cases = [
            ("0.00", "零元整"),
            ("10.00", "壹拾元整"),
            ("100.05", "壹佰元零伍分"),
            ("1001.10", "壹仟零壹元壹角"),
            ("10000000.00", "壹仟万元整"),
            ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
            ("0.05", "伍分"),
            ("0.50", "伍角"),
            ("0.56", "伍角陆分"),
            ("1.00", "壹元整"),
            ("15.00", "壹拾伍元整"),
            ("100.50", "壹佰元伍角"),
            ("1010.00", "壹仟零壹拾元整"),
            ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
            ("100000.00", "壹拾万元整"),
            ("105000.00", "壹拾万伍仟元整"),
            ("100100.00", "壹拾万零壹佰元整"),
            ("10010001.00", "壹仟零壹万零壹元整"),
            ("100000001.00", "壹亿零壹元整"),
            ("100010000.00", "壹亿零壹万元整"),
            ("110000000.00", "壹亿壹仟万元整"),
            ("123456789.01", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分"),
            ("1000000000000.00", "壹万亿元整"),
            ("1000100000000.00", "壹万零壹亿元整"),
            ("-5.00", "负伍元整"),
        ];
        for (amount, words) in cases {
            assert_eq!(up(amount), words, "{amount}");
        }
    }

    #[test]
    fn wrapping_keeps_to_the_width_and_the_punctuation_rule() {
        let long = "截至2026年3月1日，该笔贷款已逾期四十五天，尚欠下列款项，请您于规定日期前归还，逾期仍不归还的，我行将依法采取措施。";
        for w in [10, 11, 20, 33] {
            for line in wrap(long, w, "    ", "") {
                assert!(text::width(&line) <= w, "{line:?} > {w}");
                assert!(!line.starts_with('，') && !line.starts_with('。'), "{line:?}");
            }
        }
        let en = "Please pay the total above by 2026-03-11 into your repayment account.";
        let lines = wrap(en, 20, "", "");
        assert!(lines.iter().all(|l| text::width(l) <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), en);
        // A loan id or an amount is never cut, even when punctuation pulls the break back.
        let mixed = "您于2025年6月2日与我行（广州天河支行）签订借款合同（贷款编号 DL00000859），借款本金人民币 67000.00 元";
        let lines = wrap(mixed, 78, "    ", "");
        assert_eq!(lines[0], "    您于2025年6月2日与我行（广州天河支行）签订借款合同（贷款编号");
        assert!(lines[1].starts_with("DL00000859），"), "{lines:?}");
    }

    #[test]
    fn html_escaping_covers_the_markup_characters() {
        assert_eq!(html_escape("<王&\"'>"), "&lt;王&amp;&quot;&#39;&gt;");
    }

    #[test]
    fn penalty_rate_is_the_uplifted_contract_rate() {
        let r = Rate::parse("4.90").expect("rate");
        assert_eq!(penalty_rate(r, 50).to_string(), "7.35");
        assert_eq!(penalty_rate(Rate::parse("19.03").expect("rate"), 30).to_string(), "24.739");
    }
}
