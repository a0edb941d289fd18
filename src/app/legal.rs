//! The legal case packet (法律诉讼/仲裁材料): for each loan, a folder with what a lawyer or an
//! arbitration body needs — parties, contract terms, schedule with what is paid, payment history,
//! arrears and penalty as of the date with its basis, guarantor and collateral, notices with their
//! receipts, the contact log and the stage history — as 80-column text and as JSON carrying the
//! same figures as `show`; a batch writes `index.csv` for batch arbitration.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::notice_text::{self, TEXT_WIDTH};
use super::tasks::TaskKind;
use super::views::{LoanDetail, LoanQuery};
use super::{AppError, Desk, Result};
use crate::domain::{Money, Rate, Role, Stage};
use crate::store::{self, Loan};
use crate::text;

/// Which loans get a packet: named ones, or every loan of a stage (up to `limit`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PacketQuery {
    pub loans: Vec<String>,
    pub stage: Option<Stage>,
    pub limit: Option<u64>,
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

/// Files written so far; removed again unless the run is recorded.
struct Written(Vec<PathBuf>);

impl Drop for Written {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn write(written: &mut Written, path: PathBuf, body: &str) -> Result<()> {
    std::fs::write(&path, body)
        .map_err(|e| AppError::Input(format!("writing the legal packet to {}: {e}", path.display())))?;
    written.0.push(path);
    Ok(())
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

/// The packet as text, 80 columns at most.
pub fn render_text(d: &LoanDetail, meta: &PacketMeta) -> String {
    let s = &d.summary;
    let mut p = Page(Vec::new());
    p.0.push(notice_text::centered(&format!("LEGAL CASE PACKET: LOAN {}", s.loan_id), TEXT_WIDTH));
    p.0.push(notice_text::centered(
        &format!("as of {}, prepared by {}", meta.as_of, meta.prepared_by),
        TEXT_WIDTH,
    ));

    p.heading("1. Parties");
    p.field("Lender", &or_dash(meta.lender.as_deref()));
    p.field("Borrower", &s.borrower);
    p.field("Customer id", &d.customer_id);
    p.field("Borrower phone", &or_dash(s.phone.as_deref()));
    p.field("Guarantor", &or_dash(d.guarantor.as_deref()));
    p.field("Guarantor phone", &or_dash(d.guarantor_phone.as_deref()));
    p.field("Case officer", &or_dash(s.assignee.as_deref()));

    p.heading("2. Contract terms");
    p.field("Product", &format!("{} ({})", s.product, notice_text::product_en(s.product)));
    p.field("Principal", &s.principal.to_string());
    p.field("Annual rate", &format!("{} %", d.annual_rate));
    p.field("Term", &format!("{} months", d.term_months));
    p.field("Disbursed on", &d.disbursed_on.to_string());
    if let Some(last) = d.schedule.last() {
        p.field("Matures on", &last.due_on.to_string());
    }
    p.field("Stage / status", &format!("{} / {}", s.stage, s.status));

    p.heading(&format!("3. Arrears and penalty as of {}", meta.as_of));
    p.field("Days past due", &s.dpd.to_string());
    p.field("Outstanding principal", &s.outstanding_principal.to_string());
    p.field("Overdue principal", &s.overdue_principal.to_string());
    p.field("Overdue interest", &s.overdue_interest.to_string());
    p.field("Overdue amount", &s.overdue_amount.to_string());
    p.field("Penalty interest", &s.penalty_interest.to_string());
    p.field("Payoff amount", &s.payoff_amount.to_string());
    p.field("Paid in total", &d.paid_total.to_string());
    p.field("Credit balance", &d.credit_balance.to_string());
    p.field("Penalty basis", &meta.penalty_basis.basis);

    p.heading("4. Schedule and what is paid");
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
    let header = cols("#", "DUE", "PRINCIPAL", "INTEREST", "PAID PRIN", "PAID INT", "STATUS");
    p.row(&header.iter().map(|(s, w, r)| (s.as_str(), *w, *r)).collect::<Vec<_>>());
    for l in &d.schedule {
        let cells = cols(
            &l.seq.to_string(),
            &l.due_on.to_string(),
            &l.principal.to_string(),
            &l.interest.to_string(),
            &l.paid_principal.to_string(),
            &l.paid_interest.to_string(),
            l.status.as_str(),
        );
        p.row(&cells.iter().map(|(s, w, r)| (s.as_str(), *w, *r)).collect::<Vec<_>>());
    }

    p.heading("5. Payment history");
    if d.payments.is_empty() {
        p.para("(no payments)", "  ");
    }
    for pay in &d.payments {
        let reference = or_dash(pay.reference.as_deref());
        p.row(&[
            (&pay.paid_on.to_string(), 10, false),
            (&pay.amount.to_string(), 14, true),
            (&reference, 50, false),
        ]);
    }

    p.heading("6. Guarantor and collateral");
    p.field("Guarantor", &or_dash(d.guarantor.as_deref()));
    p.field("Guarantor phone", &or_dash(d.guarantor_phone.as_deref()));
    p.field("Collateral", &or_dash(d.collateral.as_deref()));

    p.heading("7. Notices issued");
    if d.notices.is_empty() {
        p.para("(no notices)", "  ");
    }
    for n in &d.notices {
        let receipt = match n.receipt_on {
            Some(on) => format!("receipt {} on {on}", n.receipt_status),
            None => format!("receipt {}", n.receipt_status),
        };
        p.para(
            &format!(
                "No. {} {} to {}, issued {}, {} demanded, pay by {}; {}",
                n.number,
                n.kind.as_str().replace('_', " "),
                n.addressee,
                n.issued_on,
                n.total_demanded,
                n.pay_by,
                receipt
            ),
            "  ",
        );
    }

    p.heading("8. Contact log");
    if d.contacts.is_empty() {
        p.para("(no contacts)", "  ");
    }
    for c in &d.contacts {
        let note = if c.note.trim().is_empty() { String::new() } else { format!(": {}", c.note.trim()) };
        p.para(
            &format!(
                "{} {} {} {} {} by {}{note}",
                c.at,
                c.direction,
                c.channel,
                c.party,
                c.outcome,
                or_dash(c.user.as_deref())
            ),
            "  ",
        );
    }

    p.heading("9. Stage history");
    if d.stage_events.is_empty() {
        p.para("(no stage changes)", "  ");
    }
    for e in &d.stage_events {
        p.para(&format!("{} {} -> {} by {}: {}", e.as_of, e.from, e.to, e.actor, e.reason), "  ");
    }
    let mut out = p.0.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n");
    out.push('\n');
    out
}

impl Desk {
    /// Writes a legal packet folder per loan under `out` and `index.csv`, then records an audit
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
        let failed = |p: &Path, e: std::io::Error| {
            AppError::Input(format!("writing the legal packet to {}: {e}", p.display()))
        };
        std::fs::create_dir_all(out).map_err(|e| failed(out, e))?;
        let mut written = Written(Vec::new());
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
            let name = super::notices::file_part(&loan.loan_ref);
            let folder = out.join(&name);
            std::fs::create_dir_all(&folder).map_err(|e| failed(&folder, e))?;
            let json = serde_json::to_string_pretty(&PacketJson { packet: meta.clone(), loan: &d })
                .map_err(|e| AppError::Input(format!("writing the legal packet: {e}")))?;
            write(&mut written, folder.join("packet.txt"), &render_text(&d, &meta))?;
            write(&mut written, folder.join("packet.json"), &format!("{json}\n"))?;
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
        let mut w = csv::Writer::from_path(&index)
            .map_err(|e| AppError::Input(format!("writing {}: {e}", index.display())))?;
        written.0.push(index.clone());
        for (_, r) in &rows {
            w.serialize(r).map_err(|e| AppError::Input(format!("writing {}: {e}", index.display())))?;
        }
        w.flush().map_err(|e| failed(&index, e))?;
        drop(w);
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
        written.0.clear();
        Ok(PacketReport {
            out: out.display().to_string(),
            index: index.display().to_string(),
            packets: rows.into_iter().map(|(_, r)| r).collect(),
        })
    }
}
