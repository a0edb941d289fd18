//! The inspection form of a case (DOMAIN §10): a row per field, the checklist and the other
//! choices answered with one key each (the key moves on to the next row), the date and the
//! findings typed. Pure: a key changes the form and says whether it is sent or dropped.

use chrono::NaiveDate;

use super::line::{Edit, LineEdit};
use crate::app::inspect::InspectInput;
use crate::app::keymap::{Key, KeyCode};
use crate::domain::RiskClass;
use crate::domain::inspection::{Check, Checklist, Conclusion, InspectionKind, InspectionMode};

text_enum!(
    /// The form's rows, in order.
    FormRow, "form row", {
        Kind => "kind",
        Mode => "mode",
        Funds => "funds",
        Business => "business",
        Collateral => "collateral",
        Guarantor => "guarantor",
        Conclusion => "conclusion",
        Recommend => "recommend_class",
        Date => "date",
        Findings => "findings",
    }
);

impl FormRow {
    /// The one-key choices of a row: the key and the word it stands for (typed rows have none).
    pub fn choices(self) -> &'static [(char, &'static str)] {
        const CHECK: &[(char, &str)] = &[('o', "ok"), ('c', "concern"), ('n', "n/a")];
        match self {
            FormRow::Kind => &[('f', "first"), ('r', "routine"), ('s', "special")],
            FormRow::Mode => &[('o', "onsite"), ('f', "offsite")],
            FormRow::Funds | FormRow::Business | FormRow::Collateral | FormRow::Guarantor => CHECK,
            FormRow::Conclusion => &[('n', "normal"), ('c', "concern"), ('r', "risk")],
            FormRow::Recommend => &[
                ('-', "none"),
                ('m', "special_mention"),
                ('s', "substandard"),
                ('d', "doubtful"),
                ('l', "loss"),
            ],
            FormRow::Date | FormRow::Findings => &[],
        }
    }
}

/// An inspection being recorded on the open case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionForm {
    /// The focused row (an index into `FormRow::ALL`).
    pub row: usize,
    pub kind: InspectionKind,
    pub mode: InspectionMode,
    /// Funds, business, collateral, guarantor.
    pub checks: [Check; 4],
    pub conclusion: Conclusion,
    pub recommend: Option<RiskClass>,
    pub date: LineEdit,
    pub findings: LineEdit,
    /// Why the form was not sent (an empty finding, a bad date).
    pub problem: Option<String>,
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormStep {
    Stay,
    Send(Box<InspectInput>),
    Drop,
}

impl InspectionForm {
    /// A new form for the inspection the case has due (`kind`), made on `day`.
    pub fn new(kind: InspectionKind, day: NaiveDate) -> Self {
        let mut date = LineEdit::default();
        date.set(day.to_string());
        InspectionForm {
            row: 0,
            kind,
            mode: InspectionMode::Onsite,
            checks: [Check::Ok; 4],
            conclusion: Conclusion::Normal,
            recommend: None,
            date,
            findings: LineEdit::default(),
            problem: None,
        }
    }

    pub fn focused(&self) -> FormRow {
        FormRow::ALL[self.row.min(FormRow::ALL.len() - 1)]
    }

    /// The word a choice row holds now.
    pub fn chosen(&self, row: FormRow) -> &'static str {
        match row {
            FormRow::Kind => self.kind.as_str(),
            FormRow::Mode => self.mode.as_str(),
            FormRow::Funds => self.checks[0].as_str(),
            FormRow::Business => self.checks[1].as_str(),
            FormRow::Collateral => self.checks[2].as_str(),
            FormRow::Guarantor => self.checks[3].as_str(),
            FormRow::Conclusion => self.conclusion.as_str(),
            FormRow::Recommend => self.recommend.map_or("none", RiskClass::as_str),
            FormRow::Date | FormRow::Findings => "",
        }
    }

    fn choose(&mut self, row: FormRow, word: &str) {
        let check = |w: &str| w.parse::<Check>().ok();
        match row {
            FormRow::Kind => self.kind = word.parse().unwrap_or(self.kind),
            FormRow::Mode => self.mode = word.parse().unwrap_or(self.mode),
            FormRow::Funds => self.checks[0] = check(word).unwrap_or(self.checks[0]),
            FormRow::Business => self.checks[1] = check(word).unwrap_or(self.checks[1]),
            FormRow::Collateral => self.checks[2] = check(word).unwrap_or(self.checks[2]),
            FormRow::Guarantor => self.checks[3] = check(word).unwrap_or(self.checks[3]),
            FormRow::Conclusion => self.conclusion = word.parse().unwrap_or(self.conclusion),
            FormRow::Recommend => self.recommend = word.parse().ok(),
            FormRow::Date | FormRow::Findings => {}
        }
    }

    fn move_by(&mut self, down: bool) {
        let last = FormRow::ALL.len() - 1;
        self.row = if down { (self.row + 1).min(last) } else { self.row.saturating_sub(1) };
    }

    /// A key on the form.
    pub fn key(&mut self, key: Key, loan: &str) -> FormStep {
        self.problem = None;
        let row = self.focused();
        let date_row = row == FormRow::Date;
        match key.code {
            KeyCode::Esc => return FormStep::Drop,
            KeyCode::Up | KeyCode::BackTab => self.move_by(false),
            KeyCode::Down | KeyCode::Tab => self.move_by(true),
            KeyCode::Enter if row == FormRow::Findings => return self.send(loan),
            KeyCode::Enter => self.move_by(true),
            KeyCode::Left | KeyCode::Right if !row.choices().is_empty() => {
                let choices = row.choices();
                let at = choices.iter().position(|(_, w)| *w == self.chosen(row)).unwrap_or(0);
                let n = choices.len();
                let to = if key.code == KeyCode::Right { (at + 1) % n } else { (at + n - 1) % n };
                self.choose(row, choices[to].1);
            }
            KeyCode::Char(c) if !key.ctrl && !row.choices().is_empty() => {
                if let Some((_, word)) = row.choices().iter().find(|(k, _)| *k == c) {
                    self.choose(row, word);
                    self.move_by(true);
                }
            }
            _ if row.choices().is_empty() => {
                let edit = match (key.code, key.ctrl) {
                    (KeyCode::Char(c), false) => Some(Edit::Insert(c)),
                    (KeyCode::Backspace, _) => Some(Edit::Backspace),
                    (KeyCode::Delete, _) => Some(Edit::Delete),
                    (KeyCode::Left, _) => Some(Edit::Left),
                    (KeyCode::Right, _) => Some(Edit::Right),
                    (KeyCode::Home, _) | (KeyCode::Char('a'), true) => Some(Edit::Home),
                    (KeyCode::End, _) | (KeyCode::Char('e'), true) => Some(Edit::End),
                    (KeyCode::Char('u'), true) => Some(Edit::KillToStart),
                    _ => None,
                };
                if let Some(e) = edit {
                    if date_row { self.date.edit(e) } else { self.findings.edit(e) }
                }
            }
            _ => {}
        }
        FormStep::Stay
    }

    /// The inspection the form holds, or why it cannot be sent (kept in `problem`).
    fn send(&mut self, loan: &str) -> FormStep {
        let date = crate::domain::parse_date(self.date.as_str().trim());
        let findings = self.findings.as_str().trim();
        match date {
            Err(e) => {
                self.row = FormRow::ALL.iter().position(|r| *r == FormRow::Date).unwrap_or(0);
                self.problem = Some(e);
                FormStep::Stay
            }
            Ok(_) if findings.is_empty() => {
                self.problem = Some(String::new());
                FormStep::Stay
            }
            Ok(on) => FormStep::Send(Box::new(InspectInput {
                loan: loan.to_string(),
                kind: self.kind,
                mode: self.mode,
                on: Some(on),
                checklist: Checklist {
                    funds: self.checks[0],
                    business: self.checks[1],
                    collateral: self.checks[2],
                    guarantor: self.checks[3],
                },
                findings: findings.to_string(),
                conclusion: self.conclusion,
                recommend_class: self.recommend,
                corrects: None,
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::parse_keys;

    fn press(form: &mut InspectionForm, keys: &str) -> FormStep {
        let mut last = FormStep::Stay;
        for k in parse_keys(keys).expect("keys") {
            last = form.key(k, "L-1");
        }
        last
    }

    #[test]
    fn one_key_a_row_then_the_findings_typed_sends_the_inspection() {
        let day = crate::domain::parse_date("2026-03-01").expect("date");
        let mut form = InspectionForm::new(InspectionKind::Routine, day);
        // Kind, mode, the four checks, conclusion, recommendation: a key each.
        assert_eq!(press(&mut form, "ffocnocs"), FormStep::Stay);
        assert_eq!(form.focused(), FormRow::Date);
        assert_eq!(
            (form.kind, form.mode, form.conclusion),
            (InspectionKind::First, InspectionMode::Offsite, Conclusion::Concern)
        );
        assert_eq!(form.checks, [Check::Ok, Check::Concern, Check::NotApplicable, Check::Ok]);
        assert_eq!(form.recommend, Some(RiskClass::Substandard));
        // An empty finding is not sent.
        assert_eq!(press(&mut form, "<Enter><Enter>"), FormStep::Stay);
        assert_eq!(form.problem.as_deref(), Some(""));
        let FormStep::Send(input) = press(&mut form, "订单下降<Enter>") else { panic!("sent") };
        assert_eq!(input.findings, "订单下降");
        assert_eq!(input.on, Some(day));
        assert_eq!(input.recommend_class, Some(RiskClass::Substandard));
        // A key a row does not take changes nothing; arrows cycle; a bad date is said.
        let mut form = InspectionForm::new(InspectionKind::Routine, day);
        press(&mut form, "x<Right><Down><Down><Down><Down><Down><Down><Down>");
        assert_eq!(form.kind, InspectionKind::Special);
        press(&mut form, "<Down><C-u>2026-02-30<Down>done<Enter>");
        assert_eq!(form.focused(), FormRow::Date);
        assert!(form.problem.as_deref().is_some_and(|p| p.contains("2026-02-30")), "{form:?}");
        assert_eq!(press(&mut form, "<Esc>"), FormStep::Drop);
    }
}
