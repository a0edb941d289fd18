//! A bulk reassignment as a supervisor asks for it, on the command line or the desk's `:assign`.

use serde::Serialize;

use crate::domain::Stage;

/// How a balance weighs cases: by how many there are, or by their overdue amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BalanceBy {
    Count,
    Amount,
}

impl std::str::FromStr for BalanceBy {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "count" => Ok(BalanceBy::Count),
            "amount" => Ok(BalanceBy::Amount),
            _ => Err(format!("balance by '{s}': use count or amount")),
        }
    }
}

/// A bulk reassignment as the supervisor asks for it (`duedesk assign --stage legal --to NAME`,
/// `--from USER --to NAME`, `--balance --stage S --among a,b,c --by count|amount`; the desk's
/// `:assign` parses into the same). The filters select loans; each brings its whole customer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkAssign {
    /// Only loans in this stage.
    pub stage: Option<Stage>,
    /// Only cases owned by this desk user (a hand-over when they leave).
    pub from: Option<String>,
    /// Only loans at least this many days past due.
    pub dpd_min: Option<i64>,
    /// The one new owner (not with `balance`).
    pub to: Option<String>,
    /// Spread the cases across `among` evenly by this weight instead of giving them to `to`.
    pub balance: Option<BalanceBy>,
    pub among: Vec<String>,
    /// Kept in each case's assignment history (default "reassigned").
    pub reason: Option<String>,
    /// Plan only: say what would move, change nothing.
    pub dry_run: bool,
}

/// The arguments of `duedesk assign` and of the desk's `:assign --…`: clap parses both, so the
/// desk and the command line take the same flags with the same checks and messages.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct AssignArgs {
    /// Loan ids (each brings its customer's other loans along); or select cases with --stage,
    /// --from, --dpd-min
    #[arg(required_unless_present_any = ["stage", "from", "dpd_min"], conflicts_with_all = ["stage", "from", "dpd_min", "balance"])]
    pub loans: Vec<String>,
    /// The new owner
    #[arg(long, value_name = "USER", required_unless_present = "balance", conflicts_with = "balance")]
    pub to: Option<String>,
    /// Why (kept in the assignment history)
    #[arg(long)]
    pub reason: Option<String>,
    /// Every case with a loan in this stage
    #[arg(long, value_parser = parse_stage)]
    pub stage: Option<Stage>,
    /// Every case this desk user owns (a hand-over when they leave)
    #[arg(long, visible_alias = "assignee", value_name = "USER")]
    pub from: Option<String>,
    /// Every case with a loan at least this many days past due
    #[arg(long, value_name = "N")]
    pub dpd_min: Option<i64>,
    /// Spread the selected cases evenly --among these users instead of giving them to one
    #[arg(long, requires = "among")]
    pub balance: bool,
    /// The users to balance across, comma separated
    #[arg(long, value_delimiter = ',', value_name = "USER,USER,…", requires = "balance")]
    pub among: Vec<String>,
    /// What to even out: the number of cases or their overdue amount
    #[arg(long, value_parser = parse_by, default_value = "count", value_name = "count|amount", requires = "balance")]
    pub by: BalanceBy,
    /// Show what would move; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

fn parse_stage(s: &str) -> std::result::Result<Stage, String> {
    s.parse()
}

fn parse_by(s: &str) -> std::result::Result<BalanceBy, String> {
    s.parse()
}

impl AssignArgs {
    /// The desk's words (`--stage legal --to xu.na`), checked by the command line's own rules; a
    /// refusal is clap's message on one line, for the status bar.
    pub fn parse_words<S: AsRef<str>>(words: &[S]) -> std::result::Result<AssignArgs, String> {
        #[derive(clap::Parser)]
        #[command(name = "assign", no_binary_name = true, disable_help_flag = true)]
        struct Line {
            #[command(flatten)]
            args: AssignArgs,
        }
        <Line as clap::Parser>::try_parse_from(words.iter().map(AsRef::as_ref))
            .map(|l| l.args)
            .map_err(|e| one_line(&e))
    }

    /// The filters' selection as a bulk reassignment (named loans go to `Desk::assign` instead).
    pub fn bulk(&self) -> BulkAssign {
        BulkAssign {
            stage: self.stage,
            from: self.from.clone(),
            dpd_min: self.dpd_min,
            to: self.to.clone(),
            balance: self.balance.then_some(self.by),
            among: self.among.clone(),
            reason: self.reason.clone(),
            dry_run: self.dry_run,
        }
    }
}

/// A clap error as one line: `--to needs a value`, `unexpected argument 'x' found`.
fn one_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.as_str()),
        _ => None,
    };
    if e.kind() == ErrorKind::InvalidValue && context(ContextKind::InvalidValue) == Some("") {
        let arg = context(ContextKind::InvalidArg).unwrap_or("");
        return format!("{} needs a value", arg.split_whitespace().next().unwrap_or(arg));
    }
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or("");
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_desk_command_parses_like_the_command_line() {
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let parse = |s: &str| AssignArgs::parse_words(&words(s));
        let mut w = words("--balance --stage legal --among xu.na,hu.bin --by amount --dry-run --reason");
        w.push("月初 均衡".into());
        let req = AssignArgs::parse_words(&w).expect("parse").bulk();
        assert_eq!(
            req,
            BulkAssign {
                stage: Some(Stage::Legal),
                balance: Some(BalanceBy::Amount),
                among: vec!["xu.na".into(), "hu.bin".into()],
                dry_run: true,
                reason: Some("月初 均衡".into()),
                ..Default::default()
            }
        );
        let req = parse("--assignee li.qiang --dpd-min 31 --to xu.na").expect("parse").bulk();
        assert_eq!(
            (req.from.as_deref(), req.dpd_min, req.to.as_deref()),
            (Some("li.qiang"), Some(31), Some("xu.na"))
        );
        let named = parse("DL1 DL2 --to xu.na").expect("parse");
        assert_eq!((named.loans.len(), named.to.as_deref()), (2, Some("xu.na")));
        assert_eq!(parse("--stage legal --to").expect_err("no value"), "--to needs a value");
        for bad in
            ["--stage nowhere --to x", "--dpd-min x --to y", "--stage legal --to x --by amount", "--whatever"]
        {
            let e = parse(bad).expect_err(bad);
            assert!(!e.contains('\n') && !e.is_empty(), "{bad}: {e}");
        }
        assert!(parse("--stage nowhere --to x").expect_err("stage").contains("unknown stage 'nowhere'"));
    }
}
