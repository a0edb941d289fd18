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

impl std::str::FromStr for BulkAssign {
    type Err = String;

    /// The command line's words, for the desk's `:assign`: `--stage S`, `--from U` (or
    /// `--assignee U`), `--dpd-min N`, `--to U`, `--balance`, `--among a,b,c`, `--by count|amount`,
    /// `--dry-run`, and `--reason` taking the rest of the line.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let mut req = BulkAssign::default();
        let mut words = s.split_whitespace();
        let mut by = None;
        while let Some(w) = words.next() {
            let mut value = |flag: &str| words.next().ok_or_else(|| format!("{flag} needs a value"));
            match w {
                "--stage" => req.stage = Some(value(w)?.parse()?),
                "--from" | "--assignee" => req.from = Some(value(w)?.to_string()),
                "--dpd-min" => {
                    let v = value(w)?;
                    req.dpd_min =
                        Some(v.parse().map_err(|_| format!("--dpd-min {v}: give a number of days"))?);
                }
                "--to" => req.to = Some(value(w)?.to_string()),
                "--balance" => req.balance = Some(BalanceBy::Count),
                "--among" => {
                    req.among = value(w)?.split(',').filter(|u| !u.is_empty()).map(String::from).collect()
                }
                "--by" => by = Some(value(w)?.parse::<BalanceBy>()?),
                "--dry-run" => req.dry_run = true,
                "--reason" => {
                    req.reason = Some(words.by_ref().collect::<Vec<_>>().join(" "));
                }
                other => {
                    return Err(format!(
                        "'{other}': use --stage, --from, --dpd-min, --to, --balance --among, --by, --dry-run, --reason"
                    ));
                }
            }
        }
        if let Some(by) = by {
            if req.balance.is_none() {
                return Err("--by goes with --balance".into());
            }
            req.balance = Some(by);
        }
        Ok(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_desk_command_parses_like_the_command_line() {
        let req: BulkAssign =
            "--balance --stage legal --among xu.na,hu.bin --by amount --dry-run --reason 月初 均衡"
                .parse()
                .expect("parse");
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
        let req: BulkAssign = "--assignee li.qiang --dpd-min 31 --to xu.na".parse().expect("parse");
        assert_eq!(
            (req.from.as_deref(), req.dpd_min, req.to.as_deref()),
            (Some("li.qiang"), Some(31), Some("xu.na"))
        );
        for bad in ["--stage nowhere", "--dpd-min x", "--to", "--by amount", "--whatever"] {
            assert!(bad.parse::<BulkAssign>().is_err(), "{bad}");
        }
    }
}
