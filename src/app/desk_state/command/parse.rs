//! What a `:` line means: each command's parser turns the words after its name into a `Command`,
//! or says why it cannot (`ArgError`, shown with the command's usage). Parsing knows no state;
//! `apply` carries the command out on the screen it concerns.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::app::assign::{AssignArgs, BulkAssign};
use crate::app::desk_state::level_filter::WarningsFilter;
use crate::app::desk_state::lists::parse_stage_tab;
use crate::app::moves::HoldKind;
use crate::app::notice_text::{NoticeKind, NoticeLang};
use crate::app::privacy::PiiField;
use crate::app::queue_sort::QueueSort;
use crate::domain::plan::{PlanKind, PlanRequest, PlanScope};
use crate::domain::warning::{Category, Level, MeasureKind};
use crate::domain::worklog::WorkLogKind;
use crate::domain::{Channel, Money, Outcome, Party, Stage, parse_date};
use crate::store::SortKey;

/// Where `:notice` writes its files when no directory is given: `notices` under the directory the
/// desk was started in, as the command line's `--out` is relative to it too.
pub const NOTICE_DIR: &str = "notices";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Quit,
    Goto(String),
    Sort(SortKey),
    Stage(Option<Stage>),
    Escalate {
        dry_run: bool,
    },
    Team,
    /// The Reports screen, at a month-end if one is named.
    Reports(Option<crate::domain::report::Month>),
    /// The status bar's last messages in full.
    Messages,
    /// The marked cases, else the one under the cursor or open, to `to`.
    Assign {
        to: String,
        reason: Option<String>,
    },
    /// Named loans' cases to `to` (`:assign --to USER LOAN…`).
    AssignLoans {
        loans: Vec<String>,
        to: String,
        reason: Option<String>,
    },
    AssignBulk(BulkAssign),
    /// The reason to log the next contact over a refusing conduct rule.
    Override(String),
    /// The Inspections list, all due or overdue only (`None`: as it was).
    Inspections(Option<bool>),
    /// The Warnings list with this filter (`None`: as it was).
    Warnings(Option<WarningsFilter>),
    /// The due-soon list and the overdue queue by warning level and the watchlist.
    Level(WarningsFilter),
    /// The Review list.
    Review,
    /// Signs the Review list's entry under the cursor, accepting an inspection's class or not.
    Sign {
        accept: bool,
        comment: String,
    },
    /// Work on the open case.
    Case(CaseCommand),
}

/// A command on the open case; the case adds its loan and the version on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseCommand {
    Call {
        outcome: Outcome,
        note: String,
    },
    Promise {
        amount: Money,
        on: NaiveDate,
        note: String,
    },
    Log {
        outcome: Outcome,
        party: Option<Party>,
        channel: Option<Channel>,
        note: String,
    },
    /// A call the debtor (or another party) made to the desk: at any hour, toward no cap.
    Inbound {
        outcome: Outcome,
        party: Option<Party>,
        note: String,
    },
    /// A note on the last contact.
    Note(String),
    /// `on: None` clears the next action.
    Next {
        on: Option<NaiveDate>,
        kind: Option<String>,
    },
    PlanPreview(PlanRequest),
    PlanSave(String),
    Notice {
        kind: NoticeKind,
        lang: NoticeLang,
        force: bool,
        dir: PathBuf,
    },
    Hold {
        kind: HoldKind,
        from: Option<NaiveDate>,
        until: NaiveDate,
        reason: String,
    },
    Lift(String),
    Move {
        to: Stage,
        reason: String,
    },
    /// `name: None` takes the case back from its agency.
    Agency {
        name: Option<String>,
        reason: Option<String>,
    },
    WriteOff(String),
    Reopen(String),
    Reveal(PiiField),
    TakeOver(String),
    /// The inspection form.
    InspectForm,
    /// A work log entry on the case's customer.
    WorkLog {
        kind: WorkLogKind,
        note: String,
    },
    /// Early warning on the case (`warn`, `warn-confirm`, …): the command line's actions.
    Signal(SignalCommand),
}

/// A `:` command on the case's early warning; confirm, close and measure work on the signal under
/// the Signals pane's cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalCommand {
    Warn { category: Category, level: Level, note: String },
    Confirm(String),
    Close(String),
    Measure { kind: MeasureKind, note: String },
    Watch(String),
    Unwatch(String),
}

/// Why a command's words were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgError {
    /// They do not fit the usage: the usage is said.
    Usage,
    /// What is wrong, said before the usage (a flag without its value).
    Why(String),
    /// The first word is none of the words the command takes: said with the words it takes.
    Unknown(String),
    /// Another command does this (`:log promise` is `:ptp`): its usage is said.
    See(&'static str),
}

pub type Parsed = Result<Command, ArgError>;

pub(super) fn unknown(word: &str) -> ArgError {
    ArgError::Unknown(word.to_string())
}

pub(super) fn case(c: CaseCommand) -> Parsed {
    Ok(Command::Case(c))
}

/// The first word and the rest of the line after it.
pub(super) fn first_word(args: &str) -> (&str, &str) {
    let args = args.trim();
    args.split_once(char::is_whitespace).map_or((args, ""), |(w, rest)| (w, rest.trim()))
}

/// A reason is the rest of the line and may not be empty.
pub(super) fn reason(args: &str) -> Result<String, ArgError> {
    Some(args.trim().to_string()).filter(|r| !r.is_empty()).ok_or(ArgError::Usage)
}

fn words_joined<'a>(words: impl Iterator<Item = &'a str>) -> String {
    words.collect::<Vec<_>>().join(" ")
}

pub fn quit(_: &str) -> Parsed {
    Ok(Command::Quit)
}

pub fn goto(args: &str) -> Parsed {
    match first_word(args).0 {
        "" => Err(ArgError::Usage),
        loan => Ok(Command::Goto(loan.to_string())),
    }
}

pub fn sort(args: &str) -> Parsed {
    match first_word(args).0 {
        "" => Err(ArgError::Usage),
        word => word.parse::<QueueSort>().map(|s| Command::Sort(s.key())).map_err(|_| unknown(word)),
    }
}

pub fn stage(args: &str) -> Parsed {
    match first_word(args).0 {
        "" => Err(ArgError::Usage),
        word => parse_stage_tab(word).map(Command::Stage).ok_or_else(|| unknown(word)),
    }
}

pub fn no_answer(args: &str) -> Parsed {
    case(CaseCommand::Call { outcome: Outcome::NoAnswer, note: args.trim().to_string() })
}

pub fn busy(args: &str) -> Parsed {
    case(CaseCommand::Call { outcome: Outcome::Busy, note: args.trim().to_string() })
}

/// A date word, or what is wrong with it (said before the usage).
fn date(word: Option<&str>) -> Result<NaiveDate, ArgError> {
    parse_date(word.ok_or(ArgError::Usage)?).map_err(ArgError::Why)
}

/// `AMOUNT DATE [note]`
pub fn promise(args: &str) -> Parsed {
    let mut words = args.split_whitespace();
    let amount = match words.next() {
        None => return Err(ArgError::Usage),
        Some(a) => Money::parse(a)
            .ok()
            .filter(|m| m.is_positive())
            .ok_or_else(|| ArgError::Why(format!("'{a}' is not an amount: write it as 1500 or 1500.00")))?,
    };
    let on = date(words.next())?;
    case(CaseCommand::Promise { amount, on, note: words_joined(words) })
}

/// `OUTCOME [party=P] [channel=C] [note]`
pub fn log(args: &str) -> Parsed {
    let mut words = args.split_whitespace().peekable();
    let word = words.next().ok_or(ArgError::Usage)?;
    let outcome = word.parse::<Outcome>().map_err(|_| unknown(word))?;
    if outcome == Outcome::Promise {
        return Err(ArgError::See("ptp"));
    }
    let (mut party, mut channel) = (None, None);
    while let Some((key, value)) = words.peek().and_then(|w| w.split_once('=')) {
        match key {
            "party" => party = Some(value.parse::<Party>().map_err(ArgError::Why)?),
            "channel" => channel = Some(value.parse::<Channel>().map_err(ArgError::Why)?),
            _ => return Err(ArgError::Usage),
        }
        words.next();
    }
    case(CaseCommand::Log { outcome, party, channel, note: words_joined(words) })
}

/// `OUTCOME [party=PARTY] [NOTE]`
pub fn inbound(args: &str) -> Parsed {
    match log(args)? {
        Command::Case(CaseCommand::Log { outcome, party, channel: None, note }) => {
            case(CaseCommand::Inbound { outcome, party, note })
        }
        _ => Err(ArgError::Usage),
    }
}

pub fn note(args: &str) -> Parsed {
    case(CaseCommand::Note(reason(args)?))
}

/// `DATE [kind]` or `clear`.
pub fn next(args: &str) -> Parsed {
    let mut words = args.split_whitespace();
    match words.next() {
        Some("clear") => case(CaseCommand::Next { on: None, kind: None }),
        Some(d) => {
            let on = date(Some(d))?;
            let kind = words.next().unwrap_or("callback").to_string();
            case(CaseCommand::Next { on: Some(on), kind: Some(kind) })
        }
        None => Err(ArgError::Usage),
    }
}

/// `N FIRST [amount=X] [scope=arrears|balance] [kind=plan|extension|restructure]` previews;
/// `save REASON` puts the preview in force.
pub fn plan(args: &str) -> Parsed {
    let (first, rest) = first_word(args);
    if first == "save" {
        return case(CaseCommand::PlanSave(reason(rest)?));
    }
    if let Some(d) = args.split_whitespace().nth(1) {
        date(Some(d))?;
    }
    parse_plan(args).map(CaseCommand::PlanPreview).map(Command::Case).ok_or(ArgError::Usage)
}

/// The scope is the arrears for a plan and the whole balance for an extension or restructure
/// unless given.
fn parse_plan(args: &str) -> Option<PlanRequest> {
    let mut words = args.split_whitespace();
    let installments = words.next()?.parse::<u32>().ok()?;
    let first_due = parse_date(words.next()?).ok()?;
    let (mut kind, mut scope, mut amount) = (PlanKind::Plan, None, None);
    for w in words {
        match w.split_once('=')? {
            ("amount", v) => amount = Some(Money::parse(v).ok()?),
            ("scope", "arrears") => scope = Some(PlanScope::Arrears),
            ("scope", "balance") => scope = Some(PlanScope::Balance),
            ("kind", v) => kind = v.parse().ok()?,
            _ => return None,
        }
    }
    let default = if kind == PlanKind::Plan { PlanScope::Arrears } else { PlanScope::Balance };
    Some(PlanRequest {
        kind,
        scope: scope.unwrap_or(default),
        installments: Some(installments),
        first_due,
        amount,
    })
}

/// `KIND [zh|en] [force] [DIR]`: Chinese and `notices/` unless given.
pub fn notice(args: &str) -> Parsed {
    let mut words = args.split_whitespace().peekable();
    let word = words.next().ok_or(ArgError::Usage)?;
    let kind = word.parse::<NoticeKind>().map_err(|_| unknown(word))?;
    let lang = match words.peek().map(|w| w.parse::<NoticeLang>()) {
        Some(Ok(l)) => {
            words.next();
            l
        }
        _ => NoticeLang::Zh,
    };
    let force = words.next_if_eq(&"force").is_some();
    let dir = words_joined(words);
    let dir = PathBuf::from(if dir.is_empty() { NOTICE_DIR } else { dir.as_str() });
    case(CaseCommand::Notice { kind, lang, force, dir })
}

/// `KIND UNTIL [from=DATE] REASON`
pub fn hold(args: &str) -> Parsed {
    let mut words = args.split_whitespace().peekable();
    let kind = words.next().and_then(|k| k.parse::<HoldKind>().ok());
    let until = match words.next() {
        Some(d) => Some(date(Some(d))?),
        None => None,
    };
    let from = words.peek().and_then(|w| w.strip_prefix("from=")).and_then(|d| parse_date(d).ok());
    if from.is_some() {
        words.next();
    }
    let reason = words_joined(words);
    match (kind, until) {
        (Some(kind), Some(until)) if !reason.is_empty() => {
            case(CaseCommand::Hold { kind, from, until, reason })
        }
        _ => Err(ArgError::Usage),
    }
}

pub fn lift(args: &str) -> Parsed {
    case(CaseCommand::Lift(reason(args)?))
}

/// `STAGE REASON`
pub fn move_stage(args: &str) -> Parsed {
    let (stage, rest) = first_word(args);
    let to = stage.parse::<Stage>().map_err(|_| ArgError::Usage)?;
    case(CaseCommand::Move { to, reason: reason(rest)? })
}

/// `NAME [REASON]` places the case; `off REASON` takes it back.
pub fn agency(args: &str) -> Parsed {
    let (name, rest) = first_word(args);
    let reason = Some(rest.to_string()).filter(|r| !r.is_empty());
    let name = match (name, &reason) {
        ("", _) | ("off", None) => return Err(ArgError::Usage),
        ("off", Some(_)) => None,
        (n, _) => Some(n.to_string()),
    };
    case(CaseCommand::Agency { name, reason })
}

pub fn write_off(args: &str) -> Parsed {
    case(CaseCommand::WriteOff(reason(args)?))
}

pub fn reopen(args: &str) -> Parsed {
    case(CaseCommand::Reopen(reason(args)?))
}

/// Nothing or `preview`: a preview; `run`: the run itself.
pub fn escalate(args: &str) -> Parsed {
    match args.trim() {
        "" | "preview" => Ok(Command::Escalate { dry_run: true }),
        "run" => Ok(Command::Escalate { dry_run: false }),
        _ => Err(ArgError::Usage),
    }
}

/// `USER [REASON]`, or the command line's flags (`--stage legal --to xu.na`), parsed by the
/// command line's own `AssignArgs`.
pub fn assign(args: &str) -> Parsed {
    let args = args.trim();
    if args.starts_with('-') {
        let a = AssignArgs::parse_words(&flag_words(args)).map_err(ArgError::Why)?;
        return Ok(match (a.loans.is_empty(), &a.to) {
            (false, Some(to)) => {
                Command::AssignLoans { loans: a.loans.clone(), to: to.clone(), reason: a.reason }
            }
            _ => Command::AssignBulk(a.bulk()),
        });
    }
    match first_word(args) {
        ("", _) => Err(ArgError::Usage),
        (to, reason) => Ok(Command::Assign {
            to: to.to_string(),
            reason: Some(reason.to_string()).filter(|r| !r.is_empty()),
        }),
    }
}

/// The words of a flag line; `--reason` takes the rest of the line, as the short form's reason does.
fn flag_words(args: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = args.trim();
    while !rest.is_empty() {
        let (word, after) = first_word(rest);
        words.push(word.to_string());
        if word == "--reason" && !after.is_empty() {
            words.push(after.to_string());
            break;
        }
        rest = after;
    }
    words
}

pub fn messages(_: &str) -> Parsed {
    Ok(Command::Messages)
}

pub fn team(_: &str) -> Parsed {
    Ok(Command::Team)
}

/// `[YYYY-MM]`.
pub fn reports(args: &str) -> Parsed {
    match args.trim() {
        "" => Ok(Command::Reports(None)),
        month => month.parse().map(|m| Command::Reports(Some(m))).map_err(|_| ArgError::Usage),
    }
}

/// `[phone|guarantor_phone|id]`, the phone unless given.
pub fn reveal(args: &str) -> Parsed {
    let field = match first_word(args).0 {
        "" => PiiField::Phone,
        f => f.parse::<PiiField>().map_err(|_| ArgError::Usage)?,
    };
    case(CaseCommand::Reveal(field))
}

pub fn take_over(args: &str) -> Parsed {
    case(CaseCommand::TakeOver(reason(args)?))
}

pub fn override_rule(args: &str) -> Parsed {
    Ok(Command::Override(reason(args)?))
}

/// `[due|overdue]`
pub fn inspections(args: &str) -> Parsed {
    match first_word(args).0 {
        "" => Ok(Command::Inspections(None)),
        "due" => Ok(Command::Inspections(Some(false))),
        "overdue" => Ok(Command::Inspections(Some(true))),
        word => Err(unknown(word)),
    }
}

/// `[all|red|orange|yellow] [watch]`, in any order.
pub fn warnings(args: &str) -> Parsed {
    if args.trim().is_empty() {
        return Ok(Command::Warnings(None));
    }
    let filter = WarningsFilter::parse(args).map_err(|w| unknown(&w))?;
    Ok(Command::Warnings(Some(filter)))
}

/// `[LEVEL|all] [watch]`: the loan lists by warning level and the watchlist (none: all loans).
pub fn level(args: &str) -> Parsed {
    WarningsFilter::parse(args).map(Command::Level).map_err(|w| unknown(&w))
}

pub fn review(_: &str) -> Parsed {
    Ok(Command::Review)
}

/// `[accept] COMMENT`
pub fn sign(args: &str) -> Parsed {
    let (word, rest) = first_word(args);
    let (accept, comment) = if word == "accept" { (true, rest) } else { (false, args) };
    Ok(Command::Sign { accept, comment: reason(comment)? })
}

pub fn inspect(_: &str) -> Parsed {
    case(CaseCommand::InspectForm)
}

/// `KIND NOTE`
pub fn work_log(args: &str) -> Parsed {
    let (word, rest) = first_word(args);
    if word.is_empty() {
        return Err(ArgError::Usage);
    }
    let kind = word.parse::<WorkLogKind>().map_err(|_| unknown(word))?;
    case(CaseCommand::WorkLog { kind, note: reason(rest)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_take_the_rest_of_the_line_as_the_reason() {
        assert_eq!(flag_words(" --stage legal  --to xu.na "), ["--stage", "legal", "--to", "xu.na"]);
        assert_eq!(
            flag_words("--to xu.na --reason 法务 集中处理"),
            ["--to", "xu.na", "--reason", "法务 集中处理"]
        );
        assert_eq!(flag_words("--to x --reason"), ["--to", "x", "--reason"]);
    }

    #[test]
    fn words_parse_into_commands_and_bad_words_say_why() {
        assert_eq!(sort("overdue"), Ok(Command::Sort(SortKey::Overdue)));
        assert_eq!(sort("sideways"), Err(ArgError::Unknown("sideways".into())));
        assert_eq!(stage("all"), Ok(Command::Stage(None)));
        assert_eq!(stage("closed"), Err(ArgError::Unknown("closed".into())));
        assert_eq!(log("promise"), Err(ArgError::See("ptp")));
        assert_eq!(hold("dispute 2026-04-30"), Err(ArgError::Usage));
        assert_eq!(plan("save"), Err(ArgError::Usage));
        assert_eq!(plan("save 同意 分期"), Ok(Command::Case(CaseCommand::PlanSave("同意 分期".into()))));
        assert_eq!(agency("off"), Err(ArgError::Usage));
        assert!(matches!(assign("--stage legal --to"), Err(ArgError::Why(e)) if e == "--to needs a value"));
        assert_eq!(
            assign("--to xu.na DL1 --reason 平衡"),
            Ok(Command::AssignLoans {
                loans: vec!["DL1".into()],
                to: "xu.na".into(),
                reason: Some("平衡".into())
            })
        );
        assert_eq!(reveal(""), Ok(Command::Case(CaseCommand::Reveal(PiiField::Phone))));
    }
}
