//! Writing command results as a table (fits the terminal, aligned by display width), CSV or JSON.

use std::io::Write;

use serde::Serialize;

use super::format::Format;
use super::table::{self, Column, flex, left, right};
use crate::app::User;
use crate::app::casework::{LoggedContact, PromiseListRow};
use crate::app::plans::PlanOutcome;
use crate::app::views::{LoanDetail, LoanSummary, MonthEndLoan, ScheduleLine};
use crate::app::{AppError, Result};

/// The CSV columns of the lists, written alone when a list is empty (`tests/outputs.rs` checks
/// them against a list's own header).
pub(super) mod header {
    pub const LOANS: &str = "loan_id,borrower,product,assignee,stage,agency,status,dpd,bucket,class,class_reason,warning_level,watchlist,customer_rating,principal,outstanding_principal,overdue_principal,overdue_interest,overdue_amount,penalty_interest,next_due_on,next_due_amount,payoff_amount,due_soon_on,phone,last_contact_at,last_outcome,next_action_on,promise_due_on,promise_status,held_until,as_of,worked_by";
    pub const PROMISES: &str = "loan_id,borrower,assignee,amount,made_on,due_on,status,made_by";
    pub const AUDIT: &str = "id,at,actor,action,entity,entity_id,detail";
    pub const CHANGES: &str = "loan_id,from,to,dpd,reason";
    pub const HOLDS: &str =
        "id,loan_id,kind,from_on,until_on,reason,by,created_at,lifted_on,lifted_by,lift_reason,in_force";
    pub const NOTICES: &str = "id,number,loan_id,kind,lang,addressee,issued_on,pay_by,overdue_principal,overdue_interest,penalty_interest,total_demanded,receipt_status,receipt_on,files,user";
    pub const TASKS: &str =
        "id,loan_id,borrower,assignee,kind,due_on,created_by,created_at,done_on,done_by,note";
    pub const INSPECTIONS: &str = "loan_id,borrower,owner,kind,due_on,overdue,asked_on,reason,id,done_on,mode,inspector,conclusion,reviewed_by,review_due";
    pub const REVIEWS: &str = "kind,id,subject,loan_id,name,by,on,what,due_on,days_left";
    pub const WORK_LOGS: &str =
        "id,customer_id,loan_id,name,user,kind,note,logged_on,sign_due,signed_by,signed_on,sign_comment,late";
    pub const MISSING_LOGS: &str = "owner,display_name,cases,last_logged_on,month";
    pub const COLLATERAL: &str = "id,customer_id,loan_id,kind,description,owner,status,insured_until,uninsured,value,valued_on,valuer,revalue_by,stale,valuations";
    pub const HOLIDAYS: &str = "date,kind,name";
    pub const SIGNALS: &str = "id,loan_id,customer_id,borrower,owner,code,category,level,state,raised_on,raised_by,closed_on,reason,days_open,measures";
    pub const WATCHLIST: &str =
        "customer_id,name,owner,entered_on,entered_by,reason,left_on,left_by,left_reason";
}

pub struct Out {
    format: Format,
    width: usize,
}

fn io(e: impl std::fmt::Display) -> AppError {
    AppError::Input(format!("writing output: {e}"))
}

/// Writes to stdout, control characters from the book made visible. A reader that closes the pipe
/// early (`duedesk loans | head -1`) ends the program quietly, as it ends any Unix tool.
pub(super) fn print(text: &str) -> Result<()> {
    written(std::io::stdout().lock().write_all(crate::text::visible_lines(text).as_bytes()))
}

/// A write to stdout, flushed: a closed pipe ends the program (`closed_pipe`), another failure is
/// an error.
fn written(r: std::io::Result<()>) -> Result<()> {
    match r.and_then(|()| std::io::stdout().lock().flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => closed_pipe(),
        other => other.map_err(io),
    }
}

/// The reader of stdout is gone: end as SIGPIPE ends a tool (status 141 in the shell), with
/// nothing said, instead of a panic or an error message.
pub(super) fn closed_pipe() -> ! {
    let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGPIPE);
    std::process::exit(128 + signal_hook::consts::SIGPIPE)
}

/// What a command did: its sentence in a table, the object under JSON, one row of CSV (lists
/// inside it joined with `;`).
pub(super) fn done<T: Serialize>(format: Format, what: &T, sentence: &str) -> Result<()> {
    match format {
        Format::Table => print(&format!("{sentence}\n")),
        Format::Json => json(what),
        Format::Csv => csv_object(what),
    }
}

/// One object as a CSV header and row, control characters visible (`print`).
fn csv_object<T: Serialize>(what: &T) -> Result<()> {
    let value = serde_json::to_value(what).map_err(io)?;
    let serde_json::Value::Object(fields) = value else {
        return csv([value.to_string()]);
    };
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(";"),
        other => other.to_string(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields.keys()).map_err(io)?;
    w.write_record(fields.values().map(cell)).map_err(io)?;
    let bytes = w.into_inner().map_err(io)?;
    print(&String::from_utf8_lossy(&bytes))
}

/// JSON on stdout; what JSON leaves raw that a terminal would act on is escaped (`text::json_escaped`).
pub(super) fn json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(io)?;
    text.push('\n');
    written(std::io::stdout().lock().write_all(crate::text::json_escaped(&text).as_bytes()))
}

/// Rows as CSV with a header from the first row's field names, control characters visible.
pub(super) fn csv<T: Serialize>(rows: impl IntoIterator<Item = T>) -> Result<()> {
    written(crate::app::export::write_csv(&mut std::io::stdout().lock(), rows))
}

/// Rows as CSV, and the header alone when there are none (a script reads the columns either way).
pub(super) fn csv_list<T: Serialize>(rows: impl ExactSizeIterator<Item = T>, header: &str) -> Result<()> {
    if rows.len() == 0 {
        return print(&format!("{header}\n"));
    }
    csv(rows)
}

/// Tables fit 80 columns unless the terminal says it is wider.
pub(super) fn table_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|w| *w >= 80).unwrap_or(80)
}

/// A value for a line of text: `-` when absent, control characters visible (no value breaks a line).
fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".to_string(), |v| crate::text::visible(&v.to_string()).into_owned())
}

fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    crate::text::visible(s)
}

impl Out {
    pub fn new(format: Format) -> Self {
        Out { format, width: table_width() }
    }

    fn print(&self, text: &str) -> Result<()> {
        print(text)
    }

    fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        json(value)
    }

    fn csv<T: Serialize>(&self, rows: &[T]) -> Result<()> {
        csv(rows)
    }

    fn table(&self, columns: &[Column], rows: &[Vec<String>]) -> Result<()> {
        self.print(&table::render(columns, rows, self.width))
    }

    pub fn loans(&self, rows: &[LoanSummary]) -> Result<()> {
        match self.format {
            Format::Json => self.json(rows),
            Format::Csv => csv_list(rows.iter(), header::LOANS),
            Format::Table => self.loans_table(
                rows.iter()
                    .map(|r| {
                        vec![
                            r.loan_id.clone(),
                            r.borrower.clone(),
                            format!("{}{}", r.stage, if r.agency { "*" } else { "" }),
                            r.dpd.to_string(),
                            r.bucket.to_string(),
                            r.overdue_amount.to_string(),
                            opt(&r.next_due_on),
                            opt(&r.assignee),
                        ]
                    })
                    .collect(),
            ),
        }
    }

    /// The loan list as of a month-end from its rows: the same columns, `-` where they keep nothing.
    pub fn month_end_loans(&self, rows: &[MonthEndLoan]) -> Result<()> {
        match self.format {
            Format::Json => self.json(rows),
            Format::Csv => csv_list(rows.iter(), header::LOANS),
            Format::Table => self.loans_table(
                rows.iter()
                    .map(|r| {
                        vec![
                            r.loan_id.clone(),
                            r.borrower.clone(),
                            format!("{}{}", opt(&r.stage), if r.agency { "*" } else { "" }),
                            r.dpd.to_string(),
                            r.bucket.to_string(),
                            r.overdue_amount.to_string(),
                            opt(&r.next_due_on),
                            opt(&r.assignee),
                        ]
                    })
                    .collect(),
            ),
        }
    }

    fn loans_table(&self, body: Vec<Vec<String>>) -> Result<()> {
        let cols = [
            left("LOAN"),
            flex("BORROWER", 8),
            left("STAGE"),
            right("DPD"),
            left("BKT"),
            right("OVERDUE"),
            left("NEXT DUE"),
            flex("OWNER", 6),
        ];
        self.table(&cols, &body)?;
        if body.is_empty() {
            self.print("(no loans)\n")?;
        }
        Ok(())
    }

    pub fn due_soon(&self, rows: &[LoanSummary]) -> Result<()> {
        let cols = [
            left("DUE"),
            right("AMOUNT"),
            left("LOAN"),
            flex("BORROWER", 6),
            left("PHONE"),
            left("OWNER"),
            left("LAST CONTACT"),
        ];
        let body: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    opt(&r.due_soon_on),
                    r.next_due_amount.to_string(),
                    r.loan_id.clone(),
                    r.borrower.clone(),
                    opt(&r.phone),
                    opt(&r.assignee),
                    r.last_contact_at.as_deref().map_or("-".into(), |t| t.chars().take(10).collect()),
                ]
            })
            .collect();
        self.table(&cols, &body)?;
        if rows.is_empty() {
            self.print("(nothing due soon)\n")?;
        }
        Ok(())
    }

    pub fn schedule(&self, rows: &[ScheduleLine]) -> Result<()> {
        match self.format {
            Format::Json => self.json(rows),
            Format::Csv => self.csv(rows),
            Format::Table => self.table(&schedule_columns(), &schedule_rows(rows)),
        }
    }

    pub fn show(&self, d: &LoanDetail) -> Result<()> {
        match self.format {
            Format::Json => self.json(d),
            Format::Csv => self.csv(std::slice::from_ref(&d.summary)),
            Format::Table => self.print(&show_text(d, self.width)),
        }
    }

    pub fn logged_contact(&self, c: &LoggedContact) -> Result<()> {
        match self.format {
            Format::Json => self.json(c),
            Format::Csv => self.csv(std::slice::from_ref(c)),
            Format::Table => {
                let promise = c.promise_id.map(|p| format!(", promise #{p}")).unwrap_or_default();
                let over = c.overridden.as_deref().map(|r| format!(" (overrode {r})")).unwrap_or_default();
                self.print(&format!(
                    "logged contact #{} on {} at {}{promise}{over}\n",
                    c.contact_id, c.loan_id, c.at
                ))
            }
        }
    }

    pub fn plan(&self, p: &PlanOutcome) -> Result<()> {
        match self.format {
            Format::Json => self.json(p),
            Format::Csv => self.csv(&p.schedule),
            Format::Table => {
                let head = match p.saved {
                    Some(id) => {
                        format!("{} #{id} saved for {}, in force from {}", p.kind, p.loan_id, p.effective_on)
                    }
                    None => format!("{} for {} (preview; --save REASON puts it in force)", p.kind, p.loan_id),
                };
                let watch = p.observation_until.map(|d| format!("; observed until {d}")).unwrap_or_default();
                self.print(&format!(
                    "{head}: {} installments, {} in all{watch}\n",
                    p.schedule.len(),
                    p.total
                ))?;
                self.table(&schedule_columns(), &schedule_rows(&p.schedule))
            }
        }
    }

    pub fn promises(&self, rows: &[PromiseListRow]) -> Result<()> {
        match self.format {
            Format::Json => self.json(rows),
            Format::Csv => csv_list(rows.iter(), header::PROMISES),
            Format::Table => {
                let body: Vec<Vec<String>> = rows
                    .iter()
                    .map(|p| {
                        vec![
                            p.due_on.to_string(),
                            p.amount.to_string(),
                            p.status.to_string(),
                            p.loan_id.clone(),
                            p.borrower.clone(),
                            opt(&p.assignee),
                            p.made_on.to_string(),
                        ]
                    })
                    .collect();
                let cols = [
                    left("DUE"),
                    right("AMOUNT"),
                    left("STATUS"),
                    left("LOAN"),
                    flex("BORROWER", 6),
                    left("OWNER"),
                    left("MADE"),
                ];
                self.table(&cols, &body)
            }
        }
    }

    pub fn reassigned(&self, rows: &[crate::app::assign::Reassigned]) -> Result<()> {
        match self.format {
            Format::Json => self.json(rows),
            Format::Csv => self.csv(rows),
            Format::Table => {
                let body: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| vec![r.loan_id.clone(), r.customer_id.clone(), opt(&r.from), r.to.clone()])
                    .collect();
                self.table(&[left("LOAN"), left("CUSTOMER"), left("FROM"), left("TO")], &body)?;
                self.print(&format!("reassigned {} case(s)\n", rows.len()))
            }
        }
    }

    pub fn users(&self, users: &[User]) -> Result<()> {
        match self.format {
            Format::Json => self.json(users),
            Format::Csv => self.csv(users),
            Format::Table => {
                let body: Vec<Vec<String>> = users
                    .iter()
                    .map(|u| {
                        vec![
                            u.login.clone(),
                            u.display_name.clone().unwrap_or_default(),
                            u.role.to_string(),
                            if u.active { "yes".into() } else { "no".into() },
                        ]
                    })
                    .collect();
                self.table(&[left("LOGIN"), flex("NAME", 6), left("ROLE"), left("ACTIVE")], &body)
            }
        }
    }

    pub fn settings(&self, settings: &[(&'static str, String)]) -> Result<()> {
        #[derive(Serialize)]
        struct Setting<'a> {
            key: &'a str,
            value: &'a str,
        }
        let rows: Vec<Setting<'_>> = settings.iter().map(|(k, v)| Setting { key: k, value: v }).collect();
        match self.format {
            Format::Json => self.json(&rows),
            Format::Csv => self.csv(&rows),
            Format::Table => {
                let body: Vec<Vec<String>> =
                    settings.iter().map(|(k, v)| vec![k.to_string(), v.clone()]).collect();
                self.table(&[left("SETTING"), left("VALUE")], &body)
            }
        }
    }
}

fn schedule_columns() -> [Column; 7] {
    [
        left("#"),
        left("DUE"),
        right("PRINCIPAL"),
        right("INTEREST"),
        right("PAYMENT"),
        right("PAID"),
        left("STATUS"),
    ]
}

fn schedule_rows(rows: &[ScheduleLine]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|l| {
            vec![
                l.seq.to_string(),
                l.due_on.to_string(),
                l.principal.to_string(),
                l.interest.to_string(),
                l.payment.to_string(),
                (l.paid_principal + l.paid_interest).to_string(),
                l.status.as_str().to_string(),
            ]
        })
        .collect()
}

/// The case as text: terms, delinquency, the open part of the schedule, and history.
fn show_text(d: &LoanDetail, width: usize) -> String {
    use std::fmt::Write as _;
    let s = &d.summary;
    let mut t = String::new();
    let _ = writeln!(t, "{}  {}  ({})", shown(&s.loan_id), shown(&s.borrower), opt(&s.phone));
    let _ = writeln!(
        t,
        "customer {} · owner {} · branch {} · as of {}",
        shown(&d.customer_id),
        opt(&s.assignee),
        opt(&d.branch),
        s.as_of
    );
    let _ = writeln!(
        t,
        "{} · {} at {} % over {} months · disbursed {}",
        s.product, s.principal, d.annual_rate, d.term_months, d.disbursed_on
    );
    let agency = d.agency_name.as_deref().map(|a| format!(" · agency {}", shown(a))).unwrap_or_default();
    let _ = writeln!(
        t,
        "\nstatus {} · stage {}{agency} · DPD {} · {} · {}",
        s.status, s.stage, s.dpd, s.bucket, s.class
    );
    if let Some(h) = d.holds.iter().find(|h| h.in_force) {
        let _ = writeln!(t, "on {} hold until {}: no outbound contacts, no escalation", h.kind, h.until_on);
    }
    let _ = writeln!(
        t,
        "overdue {} (principal {}, interest {}) · penalty {}",
        s.overdue_amount, s.overdue_principal, s.overdue_interest, s.penalty_interest
    );
    let _ = writeln!(
        t,
        "outstanding principal {} · next due {} {} · payoff {} · paid {}{}",
        s.outstanding_principal,
        opt(&s.next_due_on),
        s.next_due_amount,
        s.payoff_amount,
        d.paid_total,
        if d.credit_balance.is_positive() {
            format!(" · credit {}", d.credit_balance)
        } else {
            String::new()
        }
    );
    if let Some(g) = &d.guarantor {
        let phone = d.guarantor_phone.as_deref().unwrap_or("");
        let _ = writeln!(t, "guarantor {} {}", shown(g), shown(phone).trim_end());
    }
    if let Some(c) = &d.collateral {
        let _ = writeln!(t, "collateral {}", shown(c));
    }
    if !d.other_loans.is_empty() {
        let _ = writeln!(t, "other loans of this customer: {}", shown(&d.other_loans.join(", ")));
    }
    // The schedule: everything not yet paid, and the last paid installment for context.
    let first_open = d.schedule.iter().position(|l| l.status.as_str() != "paid").unwrap_or(d.schedule.len());
    let from = first_open.saturating_sub(1);
    let shown: Vec<ScheduleLine> = d.schedule[from..].iter().take(12).cloned().collect();
    let paid = d.schedule.iter().filter(|l| l.status.as_str() == "paid").count();
    let in_force = d.plans.iter().find(|p| p.in_force);
    let _ = match (in_force, d.paid_before_plan) {
        (Some(p), Some(before)) => writeln!(
            t,
            "\nSchedule in force: {} from {} ({} installments, {paid} paid; {before} paid before it; full list: \
             duedesk schedule {})",
            p.kind,
            p.effective_on,
            d.schedule.len(),
            s.loan_id
        ),
        _ => writeln!(
            t,
            "\nSchedule ({} installments, {paid} paid; full list: duedesk schedule {})",
            d.schedule.len(),
            s.loan_id
        ),
    };
    t.push_str(&table::render(&schedule_columns(), &schedule_rows(&shown), width));
    let _ = writeln!(t, "\nContacts ({}, newest first)", d.contacts.len());
    let rows: Vec<Vec<String>> = d
        .contacts
        .iter()
        .take(10)
        .map(|c| {
            let when = |at: &str| at.chars().take(16).collect::<String>().replace('T', " ");
            let note = match c.corrects.and_then(|id| d.contacts.iter().find(|o| o.id == id)) {
                // The amended record's time, its date too when it was another day.
                Some(o) if o.at.get(..10) == c.at.get(..10) => {
                    format!("correction of {}: {}", o.at.get(11..16).unwrap_or(&o.at), c.note)
                }
                Some(o) => format!("correction of {}: {}", when(&o.at), c.note),
                None => c.note.clone(),
            };
            vec![
                when(&c.at),
                c.party.to_string(),
                c.channel.to_string(),
                c.outcome.to_string(),
                opt(&c.user),
                note,
            ]
        })
        .collect();
    let cols = [left("AT"), left("PARTY"), left("CHANNEL"), left("OUTCOME"), flex("BY", 6), flex("NOTE", 8)];
    t.push_str(&table::render(&cols, &rows, width));
    if !d.promises.is_empty() {
        let _ = writeln!(t, "\nPromises to pay");
        let rows: Vec<Vec<String>> = d
            .promises
            .iter()
            .map(|p| {
                vec![p.made_on.to_string(), p.amount.to_string(), p.due_on.to_string(), p.status.to_string()]
            })
            .collect();
        t.push_str(&table::render(
            &[left("MADE"), right("AMOUNT"), left("BY DATE"), left("STATUS")],
            &rows,
            width,
        ));
    }
    super::show_history::history(&mut t, d, width);
    if !d.notices.is_empty() {
        let _ = writeln!(t, "\nNotices (newest first; full list: duedesk notices {})", s.loan_id);
        let rows: Vec<Vec<String>> = d
            .notices
            .iter()
            .take(6)
            .map(|n| {
                let receipt = match n.receipt_on {
                    Some(on) => format!("{} {on}", n.receipt_status),
                    None => n.receipt_status.to_string(),
                };
                vec![
                    n.issued_on.to_string(),
                    n.kind.to_string(),
                    n.number.clone(),
                    n.total_demanded.to_string(),
                    receipt,
                ]
            })
            .collect();
        t.push_str(&table::render(
            &[left("ISSUED"), left("KIND"), left("NUMBER"), right("DEMANDED"), left("RECEIPT")],
            &rows,
            width,
        ));
    }
    t
}
