//! The legal case packet (法律诉讼/仲裁材料): for each loan, a folder with what a lawyer or an
//! arbitration body needs — parties, contract terms, schedule with what is paid, payment history,
//! arrears and penalty as of the date with its basis, guarantor and collateral, notices with their
//! receipts, the contact log and the stage history — as 80-column text and as JSON carrying the
//! same figures as `show`; a batch writes `index.csv` for batch arbitration.

use std::path::Path;

use super::out_folder::Written;

use serde::Serialize;

use super::notice_text::{self, NoticeLang, TEXT_WIDTH};
use super::strings::Lang;
use super::tasks::TaskKind;
use super::views::{LoanDetail, LoanQuery};
use super::{AppError, Desk, Result};
use crate::domain::{Direction, Money, Rate, Role, Stage};
use crate::store::{self, Loan};
use crate::text;

/// Which loans get a packet: named ones, or every loan of a stage (up to `limit`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PacketQuery {
    pub loans: Vec<String>,
    pub stage: Option<Stage>,
    pub limit: Option<u64>,
    /// The language of `packet.txt` (`packet.json` keeps its English keys).
    pub lang: NoticeLang,
}

/// One line of `index.csv` (and of the command's output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PacketIndexRow {
    pub loan_id: String,
    pub borrower: String,
    pub customer_id: String,
    pub principal: Money,
    pub outstanding_principal: Money,
    pub overdue_amount: Money,
    pub penalty_interest: Money,
    pub payoff_amount: Money,
    pub dpd: i64,
    pub folder: String,
}

/// How the penalty interest was computed (DOMAIN §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PenaltyBasis {
    pub contract_rate: Rate,
    pub uplift_pct: i64,
    pub penalty_rate: Rate,
    pub basis: String,
}

/// What the packet says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PacketMeta {
    pub as_of: chrono::NaiveDate,
    pub prepared_at: String,
    pub prepared_by: String,
    /// The lender: the branch that holds the loan.
    pub lender: Option<String>,
    pub penalty_basis: PenaltyBasis,
}

/// `packet.json`: the packet's own facts, then the loan exactly as `show --format json` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PacketJson<'a> {
    pub packet: PacketMeta,
    #[serde(flatten)]
    pub loan: &'a LoanDetail,
}

/// What a packet run wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PacketReport {
    pub out: String,
    pub index: String,
    pub packets: Vec<PacketIndexRow>,
}

/// A loan's folder name, one per loan id however the disk compares names: `A–Z 0–9 _ -` and `.`
/// (not first or last) stay, a lowercase letter is `+` and its capital, any other byte `%HH`. No
/// name has a lowercase letter, so a disk that ignores case tells them apart too; none is `.`,
/// `..`, hidden, has a `/`, or is `index.csv`.
pub fn folder_name(id: &str) -> String {
    use std::fmt::Write as _;
    let mut name = String::with_capacity(id.len() + 4);
    let last = id.len().saturating_sub(1);
    for (i, c) in id.char_indices() {
        match c {
            'A'..='Z' | '0'..='9' | '_' | '-' => name.push(c),
            '.' if i != 0 && i != last => name.push(c),
            'a'..='z' => {
                name.push('+');
                name.push(c.to_ascii_uppercase());
            }
            c => {
                for b in c.encode_utf8(&mut [0; 4]).bytes() {
                    let _ = write!(name, "%{b:02X}");
                }
            }
        }
    }
    if name.is_empty() {
        // `+` alone: no id's letters make it.
        name.push('+');
    }
    if name.eq_ignore_ascii_case("index.csv") {
        name.replace_range(..1, "%49");
    }
    name
}

fn or_dash(v: Option<&str>) -> String {
    v.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

/// 80-column text lines of a packet.
struct Page(Vec<String>);

const LABEL: usize = 24;

impl Page {
    fn heading(&mut self, s: &str) {
        self.0.push(String::new());
        self.0.push(s.to_string());
        self.0.push("-".repeat(text::width(s).min(TEXT_WIDTH)));
    }

    fn field(&mut self, label: &str, value: &str) {
        let first = format!("  {}", text::fit(label, LABEL - 2, false));
        self.0.extend(notice_text::wrap(value, TEXT_WIDTH, &first, &" ".repeat(LABEL)));
    }

    fn para(&mut self, s: &str, indent: &str) {
        self.0.extend(notice_text::wrap(s, TEXT_WIDTH, indent, indent));
    }

    fn row(&mut self, cells: &[(&str, usize, bool)]) {
        let line: Vec<String> = cells.iter().map(|(s, w, right)| text::fit(s, *w, *right)).collect();
        self.0.push(format!("  {}", line.join(" ")).trim_end().to_string());
    }
}

/// An amount a claim states: in figures, and in Chinese also in capitals (人民币大写).
fn sum(m: Money, zh: bool) -> String {
    if zh { format!("{m} 元（大写：人民币{}）", notice_text::rmb_upper(m)) } else { m.to_string() }
}

/// The packet as text, 80 columns at most: labels in Simplified Chinese for a Chinese court or
/// arbitration body (诉讼/仲裁材料), or in English; the figures are `show`'s either way.
pub fn render_text(d: &LoanDetail, meta: &PacketMeta, lang: NoticeLang) -> String {
    let zh = lang == NoticeLang::Zh;
    let tr = |en: &'static str, cn: &'static str| if zh { cn } else { en };
    let names = if zh { Lang::Zh } else { Lang::En };
    let day = |d: chrono::NaiveDate| if zh { notice_text::zh_date(d) } else { d.to_string() };
    let s = &d.summary;
    let mut p = Page(Vec::new());
    let (title, sub) = if zh {
        (
            format!("诉讼/仲裁材料：贷款编号 {}", s.loan_id),
            format!("截至{}，经办人 {}", day(meta.as_of), meta.prepared_by),
        )
    } else {
        (
            format!("LEGAL CASE PACKET: LOAN {}", s.loan_id),
            format!("as of {}, prepared by {}", meta.as_of, meta.prepared_by),
        )
    };
    p.0.push(notice_text::centered(&title, TEXT_WIDTH));
    p.0.push(notice_text::centered(&sub, TEXT_WIDTH));

    p.heading(tr("1. Parties", "一、当事人"));
    p.field(tr("Lender", "贷款人"), &or_dash(meta.lender.as_deref()));
    p.field(tr("Borrower", "借款人"), &s.borrower);
    p.field(tr("Customer id", "客户编号"), &d.customer_id);
    p.field(tr("Borrower phone", "借款人电话"), &or_dash(s.phone.as_deref()));
    p.field(tr("Guarantor", "担保人"), &or_dash(d.guarantor.as_deref()));
    p.field(tr("Guarantor phone", "担保人电话"), &or_dash(d.guarantor_phone.as_deref()));
    p.field(tr("Case officer", "催收经办人"), &or_dash(s.assignee.as_deref()));

    p.heading(tr("2. Contract terms", "二、合同条款"));
    let product = if zh {
        format!("{}（{}）", notice_text::product_zh(s.product), s.product)
    } else {
        format!("{} ({})", s.product, notice_text::product_en(s.product))
    };
    p.field(tr("Product", "产品"), &product);
    p.field(tr("Principal", "合同金额"), &s.principal.to_string());
    p.field(tr("Annual rate", "年利率"), &format!("{} %", d.annual_rate));
    let term = if zh { format!("{} 个月", d.term_months) } else { format!("{} months", d.term_months) };
    p.field(tr("Term", "借款期限"), &term);
    p.field(tr("Disbursed on", "放款日"), &day(d.disbursed_on));
    if let Some(last) = d.schedule.last() {
        p.field(tr("Matures on", "到期日"), &day(last.due_on));
    }
    let stage = format!("{} / {}", names.stage(s.stage), names.status(s.status));
    p.field(tr("Stage / status", "催收阶段 / 状态"), &stage);

    let heading = if zh {
        format!("三、截至{}的逾期及罚息", day(meta.as_of))
    } else {
        format!("3. Arrears and penalty as of {}", meta.as_of)
    };
    p.heading(&heading);
    p.field(tr("Days past due", "逾期天数"), &s.dpd.to_string());
    p.field(tr("Outstanding principal", "剩余本金"), &s.outstanding_principal.to_string());
    p.field(tr("Overdue principal", "逾期本金"), &sum(s.overdue_principal, zh));
    p.field(tr("Overdue interest", "逾期利息"), &sum(s.overdue_interest, zh));
    p.field(tr("Overdue amount", "逾期本息合计"), &sum(s.overdue_amount, zh));
    p.field(tr("Penalty interest", "罚息"), &sum(s.penalty_interest, zh));
    p.field(tr("Payoff amount", "提前结清应还总额"), &sum(s.payoff_amount, zh));
    p.field(tr("Paid in total", "已还款合计"), &d.paid_total.to_string());
    p.field(tr("Credit balance", "溢缴款"), &d.credit_balance.to_string());
    let basis = if zh {
        let b = &meta.penalty_basis;
        format!(
            "以各期逾期本金为基数，自该期到期日次日起至{}止，按合同利率 {} % 上浮 {} %（即年利率 {} %）计收，\
             日利率按年利率 ÷ 360 计算",
            day(meta.as_of),
            b.contract_rate,
            b.uplift_pct,
            b.penalty_rate
        )
    } else {
        meta.penalty_basis.basis.clone()
    };
    p.field(tr("Penalty basis", "罚息计算依据"), &basis);

    p.heading(tr("4. Schedule and what is paid", "四、还款计划及还款情况"));
    let cols = |a: &str, b: &str, c: &str, d: &str, e: &str, f: &str, g: &str| {
        [
            (a, 3, true),
            (b, 10, false),
            (c, 11, true),
            (d, 10, true),
            (e, 11, true),
            (f, 11, true),
            (g, 8, false),
        ]
        .map(|(s, w, r)| (s.to_string(), w, r))
    };
    let header = if zh {
        cols("期", "应还日", "应还本金", "应还利息", "已还本金", "已还利息", "状态")
    } else {
        cols("#", "DUE", "PRINCIPAL", "INTEREST", "PAID PRIN", "PAID INT", "STATUS")
    };
    p.row(&header.iter().map(|(s, w, r)| (s.as_str(), *w, *r)).collect::<Vec<_>>());
    for l in &d.schedule {
        let cells = cols(
            &l.seq.to_string(),
            &l.due_on.to_string(),
            &l.principal.to_string(),
            &l.interest.to_string(),
            &l.paid_principal.to_string(),
            &l.paid_interest.to_string(),
            names.installment(l.status),
        );
        p.row(&cells.iter().map(|(s, w, r)| (s.as_str(), *w, *r)).collect::<Vec<_>>());
    }

    p.heading(tr("5. Payment history", "五、还款记录"));
    if d.payments.is_empty() {
        p.para(tr("(no payments)", "（无还款记录）"), "  ");
    }
    for pay in &d.payments {
        let reference = or_dash(pay.reference.as_deref());
        p.row(&[
            (&pay.paid_on.to_string(), 10, false),
            (&pay.amount.to_string(), 14, true),
            (&reference, 50, false),
        ]);
    }

    p.heading(tr("6. Guarantor and collateral", "六、担保人及抵押物"));
    p.field(tr("Guarantor", "担保人"), &or_dash(d.guarantor.as_deref()));
    p.field(tr("Guarantor phone", "担保人电话"), &or_dash(d.guarantor_phone.as_deref()));
    p.field(tr("Collateral", "抵押物"), &or_dash(d.collateral.as_deref()));

    p.heading(tr("7. Notices issued", "七、催收通知书送达情况"));
    if d.notices.is_empty() {
        p.para(tr("(no notices)", "（无催收通知书）"), "  ");
    }
    for n in &d.notices {
        let line = if zh {
            let receipt = match n.receipt_on {
                Some(on) => format!("回执{}（{}）", names.receipt(n.receipt_status), day(on)),
                None => format!("回执{}", names.receipt(n.receipt_status)),
            };
            format!(
                "编号 {}《{}》致 {}，{}发出，催收金额 {}，限{}前还款；{}",
                n.number,
                names.notice_kind(n.kind),
                n.addressee,
                day(n.issued_on),
                sum(n.total_demanded, true),
                day(n.pay_by),
                receipt
            )
        } else {
            let receipt = match n.receipt_on {
                Some(on) => format!("receipt {} on {on}", n.receipt_status),
                None => format!("receipt {}", n.receipt_status),
            };
            format!(
                "No. {} {} to {}, issued {}, {} demanded, pay by {}; {}",
                n.number,
                n.kind.as_str().replace('_', " "),
                n.addressee,
                n.issued_on,
                n.total_demanded,
                n.pay_by,
                receipt
            )
        };
        p.para(&line, "  ");
    }

    p.heading(tr("8. Contact log", "八、催收记录"));
    if d.contacts.is_empty() {
        p.para(tr("(no contacts)", "（无催收记录）"), "  ");
    }
    for c in &d.contacts {
        let line = if zh {
            let note = if c.note.trim().is_empty() { String::new() } else { format!("：{}", c.note.trim()) };
            let direction = if c.direction == Direction::Inbound { "来电/来访" } else { "联系" };
            format!(
                "{} {}{}（{}），结果：{}，经办人 {}{note}",
                c.at,
                direction,
                names.party(c.party),
                names.channel(c.channel),
                names.outcome(c.outcome),
                or_dash(c.user.as_deref())
            )
        } else {
            let note = if c.note.trim().is_empty() { String::new() } else { format!(": {}", c.note.trim()) };
            format!(
                "{} {} {} {} {} by {}{note}",
                c.at,
                c.direction,
                c.channel,
                c.party,
                c.outcome,
                or_dash(c.user.as_deref())
            )
        };
        p.para(&line, "  ");
    }

    p.heading(tr("9. Stage history", "九、催收阶段变更记录"));
    if d.stage_events.is_empty() {
        p.para(tr("(no stage changes)", "（无阶段变更）"), "  ");
    }
    // The packet tells the history in order; the case lists it newest first.
    for e in d.stage_events.iter().rev() {
        let line = if zh {
            format!(
                "{} {} → {}，操作人 {}：{}",
                day(e.as_of),
                names.stage(e.from),
                names.stage(e.to),
                e.actor,
                e.reason
            )
        } else {
            format!("{} {} -> {} by {}: {}", e.as_of, e.from, e.to, e.actor, e.reason)
        };
        p.para(&line, "  ");
    }
    let mut out = p.0.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n");
    out.push('\n');
    out
}

impl Desk {
    /// Writes a legal packet folder per loan under `out` (new or empty) and `index.csv`, then records an audit
    /// entry per loan and completes its open legal-packet task, in one transaction (the files are
    /// removed again if it fails). A supervisor's, or the owning collector's for own cases.
    pub fn legal_packets(&mut self, q: &PacketQuery, out: &Path) -> Result<PacketReport> {
        let user = self.actor.require(Role::Collector, "a legal packet")?;
        let supervisor = user.role.includes(Role::Supervisor);
        let own = user.login.clone();
        let mut refs = q.loans.clone();
        if let Some(stage) = q.stage {
            let query = LoanQuery {
                stage: Some(stage),
                // A collector's batch takes own cases only.
                assignee: (!supervisor).then_some(own),
                limit: q.limit,
                ..Default::default()
            };
            for l in self.list_loans(&query, &mut |_| {})? {
                if !refs.contains(&l.loan_id) {
                    refs.push(l.loan_id);
                }
            }
        }
        if refs.is_empty() {
            return Err(AppError::Input("name the loans for the legal packet, or give --stage".into()));
        }
        // Every loan known and permitted before anything is written.
        let loans: Vec<Loan> = refs.iter().map(|r| self.loan(r)).collect::<Result<_>>()?;
        for loan in &loans {
            self.require_case(loan, "a legal packet")?;
        }
        let (as_of, at, actor) = (self.as_of, self.stamp(), self.actor.login.clone());
        let uplift = self.rules.penalty_uplift_pct;
        let mut written = Written::in_folder(
            out,
            "the legal packet",
            "legal packets go to a new or empty folder, so one run never replaces another's",
        )?;
        let mut rows = Vec::new();
        for loan in &loans {
            let d = self.show_full(&loan.loan_ref)?;
            let rate = notice_text::penalty_rate(d.annual_rate, uplift);
            let meta = PacketMeta {
                as_of,
                prepared_at: at.clone(),
                prepared_by: actor.clone(),
                lender: d.branch.clone(),
                penalty_basis: PenaltyBasis {
                    contract_rate: d.annual_rate,
                    uplift_pct: uplift,
                    penalty_rate: rate,
                    basis: format!(
                        "on each installment's overdue principal, from the day after its due date to {as_of}, at \
                         the contract rate of {} % raised by {uplift} % ({rate} % a year), daily at the annual \
                         rate / 360",
                        d.annual_rate
                    ),
                },
            };
            let name = folder_name(&loan.loan_ref);
            let folder = out.join(&name);
            written.folder(folder.clone())?;
            let json = serde_json::to_string_pretty(&PacketJson { packet: meta.clone(), loan: &d })
                .map_err(|e| AppError::Input(format!("writing the legal packet: {e}")))?;
            let json = text::json_escaped(&json);
            written.write(folder.join("packet.txt"), &render_text(&d, &meta, q.lang))?;
            written.write(folder.join("packet.json"), &format!("{json}\n"))?;
            let s = &d.summary;
            rows.push((
                loan.id,
                PacketIndexRow {
                    loan_id: s.loan_id.clone(),
                    borrower: s.borrower.clone(),
                    customer_id: d.customer_id.clone(),
                    principal: s.principal,
                    outstanding_principal: s.outstanding_principal,
                    overdue_amount: s.overdue_amount,
                    penalty_interest: s.penalty_interest,
                    payoff_amount: s.payoff_amount,
                    dpd: s.dpd,
                    folder: name,
                },
            ));
        }
        let index = out.join("index.csv");
        let mut file = written.create(index.clone())?;
        super::export::write_csv(&mut file, rows.iter().map(|(_, r)| r))
            .map_err(|e| written.failed(&index, e))?;
        drop(file);
        self.store.write(|tx| -> Result<()> {
            for (id, r) in &rows {
                let audit = serde_json::json!({
                    "as_of": as_of.to_string(),
                    "folder": out.join(&r.folder).display().to_string(),
                    "payoff_amount": r.payoff_amount,
                    "penalty_interest": r.penalty_interest,
                });
                store::insert_audit(
                    tx,
                    &at,
                    &actor,
                    "legal_packet",
                    "loan",
                    Some(&r.loan_id),
                    &audit.to_string(),
                )?;
                let note = format!("packet written to {}", out.join(&r.folder).display());
                super::tasks::complete_work(tx, *id, TaskKind::LegalPacket, as_of, &actor, &note)?;
            }
            Ok(())
        })?;
        written.keep();
        Ok(PacketReport {
            out: out.display().to_string(),
            index: index.display().to_string(),
            packets: rows.into_iter().map(|(_, r)| r).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::folder_name;

    #[test]
    fn folder_names_are_one_per_id_whatever_the_case() {
        let cases = [
            ("DL00001380", "DL00001380"),
            ("A_B", "A_B"),
            ("A/B", "A%2FB"),
            ("A-B.7", "A-B.7"),
            ("ab", "+A+B"),
            ("Ab", "A+B"),
            (".", "%2E"),
            ("..", "%2E%2E"),
            (".x.", "%2E+X%2E"),
            ("A+B", "A%2BB"),
            ("A%2FB", "A%252FB"),
            ("王", "%E7%8E%8B"),
            ("INDEX.CSV", "%49NDEX.CSV"),
            ("index.csv", "+I+N+D+E+X.+C+S+V"),
            ("", "+"),
        ];
        for (id, name) in cases {
            assert_eq!(folder_name(id), name, "{id:?}");
        }
        let folded: std::collections::BTreeSet<String> =
            cases.iter().map(|(id, _)| folder_name(id).to_lowercase()).collect();
        assert_eq!(folded.len(), cases.len());
    }
}
