//! Issuing the written notices of a case and recording their receipts: the dunning notice
//! (催收通知书, monthly while overdue), the guarantor demand notice (履行担保责任通知书) and the
//! maturity notice (到期通知书, in the month before final maturity).

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};

use super::notice_text::{self, NoticeFacts, NoticeKind, NoticeLang, NoticeLoan};
use super::views::LoanDetail;
use super::{AppError, Desk, Result};
use crate::domain::{LoanStatus, Role, add_months};
use crate::store::{self, NewNotice, NoticeRecord, StoreError};

pub use super::views::{NoticeView, ReceiptStatus};

/// What `issue_notice` returns: the notice as recorded.
pub type IssuedNotice = NoticeView;

/// The loan as a notice states it, from `show` in full.
pub(crate) fn notice_loan(d: &LoanDetail) -> NoticeLoan {
    let s = &d.summary;
    NoticeLoan {
        loan_id: s.loan_id.clone(),
        customer_id: d.customer_id.clone(),
        borrower: s.borrower.clone(),
        guarantor: d.guarantor.clone(),
        branch: d.branch.clone(),
        product: s.product,
        principal: s.principal,
        annual_rate: d.annual_rate,
        term_months: d.term_months,
        disbursed_on: d.disbursed_on,
        dpd: s.dpd,
        outstanding_principal: s.outstanding_principal,
        overdue_principal: s.overdue_principal,
        overdue_interest: s.overdue_interest,
        penalty_interest: s.penalty_interest,
        maturity_on: d.schedule.last().map_or(d.disbursed_on, |l| l.due_on),
        to_repay: d.schedule.iter().map(|l| l.payment - (l.paid_principal + l.paid_interest)).sum(),
    }
}

/// A file name part from a loan id: letters, digits, `-`, `_` and `.` kept, anything else `_`.
pub(crate) fn file_part(s: &str) -> String {
    let cleaned: String =
        s.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    cleaned.trim_start_matches('.').to_string()
}

/// Files written so far; removed again unless `keep` is called (nothing recorded, nothing left).
struct Written(Vec<PathBuf>);

impl Written {
    fn keep(mut self) -> Vec<String> {
        std::mem::take(&mut self.0).iter().map(|p| p.display().to_string()).collect()
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Writes the text and HTML forms as `<stem>.txt` and `<stem>.html` in `dir`, never over an earlier
/// notice's files: a second notice on the same day gets `<stem>-2`, and so on.
fn write_files(dir: &Path, stem: &str, text: &str, html: &str) -> Result<Written> {
    let failed =
        |p: &Path, e: std::io::Error| AppError::Input(format!("writing the notice to {}: {e}", p.display()));
    super::install::user_may_write_in(dir).map_err(|e| failed(dir, e))?;
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    for n in 1..=99 {
        let name = if n == 1 { stem.to_string() } else { format!("{stem}-{n}") };
        let (txt, htm) = (dir.join(format!("{name}.txt")), dir.join(format!("{name}.html")));
        if txt.exists() || htm.exists() {
            continue;
        }
        let mut written = Written(Vec::new());
        for (path, body) in [(txt, text), (htm, html)] {
            let mut f = match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(f) => f,
                Err(e) => return Err(failed(&path, e)),
            };
            written.0.push(path.clone());
            std::io::Write::write_all(&mut f, body.as_bytes()).map_err(|e| failed(&path, e))?;
        }
        return Ok(written);
    }
    Err(AppError::Input(format!("{}: too many notices named {stem} already", dir.display())))
}

impl Desk {
    /// Issues a notice on a loan: fills it from the loan's facts as of the desk's date, writes
    /// `<out_dir>/<loan>-<kind>-<date>.txt` and `.html`, and records it with an audit entry in one
    /// transaction. If the files cannot be written nothing is recorded.
    pub fn issue_notice(
        &mut self,
        loan_ref: &str,
        kind: NoticeKind,
        lang: NoticeLang,
        out_dir: &Path,
        force: bool,
    ) -> Result<IssuedNotice> {
        let loan = self.loan(loan_ref)?;
        self.require_case(&loan, &format!("issuing a {} notice", kind.as_str().replace('_', " ")))?;
        let detail = self.show_full(loan_ref)?;
        let s = &detail.summary;
        let facts_of_loan = notice_loan(&detail);
        if kind == NoticeKind::Maturity {
            let maturity = facts_of_loan.maturity_on;
            if s.status != LoanStatus::Active || !super::tasks::maturity_notice_wanted(maturity, self.as_of) {
                return Err(AppError::Input(format!(
                    "loan {} matures on {maturity} (status {}): a maturity notice goes out in the month before, from {} to {maturity}",
                    s.loan_id,
                    s.status,
                    super::tasks::maturity_notice_on(maturity)
                )));
            }
        } else if s.status != LoanStatus::Active || s.dpd <= 0 {
            return Err(AppError::Input(format!(
                "loan {} is not overdue as of {} (status {}, DPD {}): a {} notice is only for an active overdue loan",
                s.loan_id,
                self.as_of,
                s.status,
                s.dpd,
                kind.as_str().replace('_', " ")
            )));
        }
        let addressee = notice_text::addressee(&facts_of_loan, kind);
        if kind == NoticeKind::GuarantorDemand && addressee.is_empty() {
            return Err(AppError::Input(format!(
                "loan {} has no guarantor on file: a guarantor demand notice needs one",
                s.loan_id
            )));
        }
        let issued_on = self.as_of;
        let month_start = issued_on.with_day(1).unwrap_or(issued_on);
        let month_end = add_months(month_start, 1) - Duration::days(1);
        let contact = self.notice_contact(loan.assignee.as_deref(), lang)?;
        let uplift = self.rules.penalty_uplift_pct;
        let at = self.stamp();
        let actor = self.actor.login.clone();
        let user = self.actor.user.as_ref().map(|u| u.id);
        let supervisor = self.actor.role().is_some_and(|r| r.includes(Role::Supervisor));
        // The files are removed again if anything after writing them fails, the commit included.
        let (issued, written) = self.store.write(|tx| -> Result<(IssuedNotice, Written)> {
            // Monthly while overdue: one dunning notice a calendar month unless a supervisor forces another.
            let this_month: Vec<NoticeRecord> = store::notices_of(tx, loan.id)?
                .into_iter()
                .filter(|n| n.kind == kind.as_str() && (month_start..=month_end).contains(&n.issued_on))
                .collect();
            let forced = match this_month.first() {
                Some(earlier) if kind == NoticeKind::Dunning => {
                    if !force {
                        return Err(AppError::Refused(format!(
                            "a dunning notice for {} was already issued this month (No. {} on {}); dunning notices go \
                             out monthly while overdue — a supervisor may issue another with --force",
                            loan.loan_ref, earlier.number, earlier.issued_on
                        )));
                    }
                    if !supervisor {
                        return Err(AppError::Refused(format!(
                            "a second dunning notice in a month (after No. {}) needs the supervisor role with --force",
                            earlier.number
                        )));
                    }
                    true
                }
                _ => false,
            };
            let id = store::next_notice_id(tx)?;
            let number = format!("{}{}-{id:06}", kind.number_prefix(), issued_on.format("%Y%m%d"));
            let facts = NoticeFacts {
                loan: &facts_of_loan,
                kind,
                lang,
                number: &number,
                issued_on,
                penalty_uplift_pct: uplift,
                contact: &contact,
            };
            let rendered = notice_text::render(&facts);
            let stem = format!("{}-{}-{issued_on}", file_part(&loan.loan_ref), kind.as_str());
            let written = write_files(out_dir, &stem, &rendered.text, &rendered.html)?;
            let paths: Vec<String> = written.0.iter().map(|p| p.display().to_string()).collect();
            store::insert_notice(
                tx,
                &NewNotice {
                    id,
                    loan: loan.id,
                    number: &number,
                    kind: kind.as_str(),
                    lang: lang.as_str(),
                    issued_on,
                    as_of: detail.summary.as_of,
                    pay_by: facts.pay_by(),
                    overdue_principal: detail.summary.overdue_principal,
                    overdue_interest: detail.summary.overdue_interest,
                    penalty: detail.summary.penalty_interest,
                    total: facts.total(),
                    addressee: &addressee,
                    files: &paths,
                    user,
                    created_at: &at,
                },
            )?;
            let audit = serde_json::json!({
                "notice": id,
                "number": number,
                "kind": kind.as_str(),
                "lang": lang.as_str(),
                "total": facts.total(),
                "files": paths,
                "forced": forced,
            });
            store::insert_audit(tx, &at, &actor, "notice_issue", "loan", Some(&loan.loan_ref), &audit.to_string())?;
            let task = match kind {
                NoticeKind::Dunning => super::tasks::TaskKind::DunningNotice,
                NoticeKind::GuarantorDemand => super::tasks::TaskKind::GuarantorDemand,
                NoticeKind::Maturity => super::tasks::TaskKind::MaturityNotice,
            };
            super::tasks::complete_work(tx, loan.id, task, issued_on, &actor, &format!("notice No. {number}"))?;
            let record = store::notice_by_id(tx, id)?
                .ok_or_else(|| AppError::Store(StoreError::Corrupt(format!("notice {id} vanished"))))?;
            Ok((NoticeView::try_from(record)?, written))
        })?;
        written.keep();
        Ok(issued)
    }

    /// The contact line of a notice: the case owner's name (and login), else the desk user's.
    fn notice_contact(&self, owner: Option<&str>, lang: NoticeLang) -> Result<String> {
        let login = owner.unwrap_or(&self.actor.login);
        let name = store::user_by_login(self.store.db(), login)?
            .and_then(|u| u.display_name)
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        Ok(match (name, lang) {
            (Some(n), NoticeLang::Zh) => format!("经办人 {n}（{login}）"),
            (None, NoticeLang::Zh) => format!("经办人 {login}"),
            (Some(n), NoticeLang::En) => format!("{n} ({login}), the officer in charge"),
            (None, NoticeLang::En) => format!("{login}, the officer in charge"),
        })
    }

    /// Records what became of a notice's receipt (回执): received back signed, or returned
    /// undelivered, on `on` (default: the desk's date).
    pub fn notice_receipt(
        &mut self,
        notice_id: i64,
        status: ReceiptStatus,
        on: Option<NaiveDate>,
    ) -> Result<NoticeView> {
        let record = store::notice_by_id(self.store.db(), notice_id)?
            .ok_or_else(|| AppError::Input(format!("unknown notice {notice_id}")))?;
        let loan = self.loan(&record.loan_ref)?;
        self.require_case(&loan, "recording a notice receipt")?;
        if status == ReceiptStatus::Pending {
            return Err(AppError::Input("a receipt is recorded as received or returned".into()));
        }
        let on = on.unwrap_or(self.as_of);
        let today = self.now.date_naive();
        if on > today {
            return Err(AppError::Input(format!(
                "receipt date {on} is after today ({today}): a receipt is recorded once it came back"
            )));
        }
        if on < record.issued_on {
            return Err(AppError::Input(format!(
                "receipt date {on} is before notice {} was issued ({})",
                record.number, record.issued_on
            )));
        }
        let at = self.stamp();
        let actor = self.actor.login.clone();
        self.store.write(|tx| -> Result<NoticeView> {
            // Read again inside the transaction: another desk may have recorded it meanwhile.
            let current = store::notice_by_id(tx, notice_id)?
                .ok_or_else(|| AppError::Input(format!("unknown notice {notice_id}")))?;
            if current.receipt_status != ReceiptStatus::Pending.as_str() {
                return Err(AppError::Refused(format!(
                    "the receipt of notice {} is already recorded as {}{}",
                    current.number,
                    current.receipt_status,
                    current.receipt_on.map(|d| format!(" on {d}")).unwrap_or_default()
                )));
            }
            store::set_notice_receipt(tx, notice_id, status.as_str(), Some(on))?;
            let audit = serde_json::json!({
                "notice": notice_id,
                "number": current.number,
                "before": current.receipt_status,
                "receipt_status": status.as_str(),
                "receipt_on": on.to_string(),
            });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "notice_receipt",
                "loan",
                Some(&loan.loan_ref),
                &audit.to_string(),
            )?;
            let record = store::notice_by_id(tx, notice_id)?
                .ok_or_else(|| AppError::Input(format!("unknown notice {notice_id}")))?;
            NoticeView::try_from(record)
        })
    }

    /// The notices issued on a loan, newest first.
    pub fn notices(&self, loan_ref: &str) -> Result<Vec<NoticeView>> {
        let loan = self.loan(loan_ref)?;
        store::notices_of(self.store.db(), loan.id)?.into_iter().map(NoticeView::try_from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::views::LoanQuery;
    use crate::text;

    /// Every overdue loan of a small demo book, in both languages and both kinds, and once more with
    /// names far too long for a line: the text keeps to 80 columns and states `show`'s figures.
    #[test]
    fn notices_of_a_demo_book_fit_80_columns_and_state_the_figures() {
        let store = crate::store::Store::open_in_memory().expect("store");
        let as_of = crate::domain::parse_date("2026-03-01").expect("date");
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now");
        let mut desk = Desk::open(store, "admin", as_of, now).expect("desk");
        crate::app::demo::generate(&mut desk, 120, 7, &mut |_| {}).expect("demo");
        let q = LoanQuery { dpd_min: Some(1), ..Default::default() };
        let rows = desk.list_loans(&q, &mut |_| {}).expect("list");
        assert!(rows.len() > 10, "{}", rows.len());
        let mut checked = 0;
        for row in &rows {
            let mut detail = desk.show(&row.loan_id).expect("show");
            for long in [false, true] {
                if long {
                    detail.summary.borrower = format!("{}<b>", "欧阳娜娜".repeat(25));
                    detail.guarantor = Some("Alexander-Maximilian-Wolfgang-Longname".repeat(3));
                    detail.branch = Some("中国某某银行股份有限公司".repeat(5));
                }
                let facts_of_loan = notice_loan(&detail);
                for kind in [NoticeKind::Dunning, NoticeKind::GuarantorDemand] {
                    for lang in [NoticeLang::Zh, NoticeLang::En] {
                        let facts = NoticeFacts {
                            loan: &facts_of_loan,
                            kind,
                            lang,
                            number: "CS20260301-000001",
                            issued_on: as_of,
                            penalty_uplift_pct: 50,
                            contact: "经办人 王芳（wang.fang）",
                        };
                        let r = notice_text::render(&facts);
                        for line in r.text.lines() {
                            assert!(text::width(line) <= 80, "{} {kind} {lang}: {line:?}", row.loan_id);
                        }
                        let s = &detail.summary;
                        for v in [s.overdue_principal, s.overdue_interest, s.penalty_interest] {
                            assert!(r.text.contains(&v.to_string()), "{v} missing:\n{}", r.text);
                        }
                        assert!(r.text.contains(&notice_text::total_demanded(&facts_of_loan).to_string()));
                        assert!(
                            r.text.contains(&notice_text::rmb_upper(notice_text::total_demanded(
                                &facts_of_loan
                            )))
                        );
                        if long {
                            assert!(!r.html.contains("<b>"), "unescaped name in the HTML");
                            assert!(r.html.contains("&lt;b&gt;"));
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 40);
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_part("L000123"), "L000123");
        assert_eq!(file_part("../a/b c"), "_a_b_c");
        assert_eq!(file_part("贷-01"), "贷-01");
    }

    #[test]
    fn files_are_written_once_and_removed_unless_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("notices/new");
        let first = write_files(&out, "L1-dunning-2026-03-01", "t", "h").expect("write");
        let kept = first.keep();
        assert_eq!(kept.len(), 2);
        assert!(kept[0].ends_with("L1-dunning-2026-03-01.txt"));
        let second = write_files(&out, "L1-dunning-2026-03-01", "t2", "h2").expect("write");
        let names: Vec<String> = second.0.iter().map(|p| p.display().to_string()).collect();
        assert!(names[0].ends_with("L1-dunning-2026-03-01-2.txt"), "{names:?}");
        drop(second);
        assert!(!out.join("L1-dunning-2026-03-01-2.txt").exists());
        assert_eq!(std::fs::read_to_string(out.join("L1-dunning-2026-03-01.txt")).expect("read"), "t");
    }
}
