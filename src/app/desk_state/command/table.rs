//! Every `:` command in one table: its name and aliases, the screens where it applies, its usage
//! and description in both languages, what Tab completes after it, and its parser. The `:` line,
//! the `?` help, Tab completion and the message for a bad command all read this table.

use super::parse::{self, ArgError, Parsed};
use crate::app::desk_state::lists::stage_tab_words;
use crate::app::keymap::Scope;
use crate::app::moves::HoldKind;
use crate::app::notice_text::NoticeKind;
use crate::app::privacy::PiiField;
use crate::app::queue_sort::QueueSort;
use crate::app::strings::{Lang, fill};
use crate::domain::worklog::WorkLogKind;
use crate::domain::{Outcome, Stage};

/// A text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Texts {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Texts {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

const fn tr(en: &'static str, zh: &'static str) -> Texts {
    Texts { en, zh }
}

/// What the first word after the command's name is, for Tab and for help.
#[derive(Debug, Clone, Copy)]
pub enum Arg {
    /// Free text, or words Tab does not complete.
    Text,
    /// A loan id: Tab asks the worker for the loans starting with what is typed.
    Loan,
    /// One of these words: named in the usage by `name`, a `what` in a refusal.
    Words { name: Texts, what: Texts, words: fn() -> Vec<&'static str> },
}

#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// Where it applies: a case command needs the case open; the others work from any screen.
    pub scopes: &'static [Scope],
    pub usage: Texts,
    pub desc: Texts,
    pub arg: Arg,
    /// Words it takes, for the test that every command parses its own example.
    pub example: &'static str,
    pub parse: fn(&str) -> Parsed,
}

impl CommandSpec {
    /// The usage, with the words a placeholder stands for: `:sort ORDER (ORDER: dpd|overdue|…)`.
    pub fn usage(&self, lang: Lang) -> String {
        match self.arg {
            Arg::Words { name, words, .. } => {
                fill(lang.text().usage_words, &[&self.usage.get(lang), &name.get(lang), &words().join("|")])
            }
            Arg::Text | Arg::Loan => self.usage.get(lang).to_string(),
        }
    }

    /// Whether the command works on the open case.
    pub fn needs_case(&self) -> bool {
        self.scopes == [Scope::Case]
    }

    fn answers_to(&self, word: &str) -> bool {
        self.name == word || self.aliases.contains(&word)
    }
}

const GLOBAL: &[Scope] = &[Scope::Global];
const CASE: &[Scope] = &[Scope::Case];

fn sorts() -> Vec<&'static str> {
    QueueSort::ALL.iter().map(|s| s.as_str()).collect()
}

fn outcomes() -> Vec<&'static str> {
    Outcome::ALL.iter().filter(|o| **o != Outcome::Promise).map(|o| o.as_str()).collect()
}

fn notice_kinds() -> Vec<&'static str> {
    NoticeKind::ALL.iter().map(|k| k.as_str()).collect()
}

fn hold_kinds() -> Vec<&'static str> {
    HoldKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The stages a case is moved to by hand (closing and writing off have their own ways).
fn move_stages() -> Vec<&'static str> {
    Stage::ALL
        .iter()
        .filter(|s| !matches!(s, Stage::Closed | Stage::WrittenOff))
        .map(|s| s.as_str())
        .collect()
}

fn inspection_lists() -> Vec<&'static str> {
    vec!["due", "overdue"]
}

fn work_log_kinds() -> Vec<&'static str> {
    WorkLogKind::ALL.iter().map(|k| k.as_str()).collect()
}

fn pii_fields() -> Vec<&'static str> {
    PiiField::ALL.iter().map(|f| f.as_str()).collect()
}

/// Every `:` command, in the order help lists them: moving about, the case's work, the supervisor's.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "goto",
        aliases: &["g"],
        scopes: GLOBAL,
        usage: tr(":goto LOAN|NAME|PHONE", ":goto 贷款编号|姓名|电话"),
        desc: tr(
            "open a loan's case: by its id in any case or its bare number, or a name, pinyin or phone that finds one loan (Tab completes the loan id)",
            "打开贷款的案件：贷款编号（不分大小写，可省略前缀）、姓名、拼音或电话，只找到一笔时打开（Tab 补全贷款编号）",
        ),
        arg: Arg::Loan,
        example: "DL00000045",
        parse: parse::goto,
    },
    CommandSpec {
        name: "sort",
        aliases: &[],
        scopes: GLOBAL,
        usage: tr(":sort ORDER", ":sort 排序"),
        desc: tr("the overdue queue in this order", "按此顺序显示逾期队列"),
        arg: Arg::Words { name: tr("ORDER", "排序"), what: tr("sort", "排序"), words: sorts },
        example: "last_contact",
        parse: parse::sort,
    },
    CommandSpec {
        name: "stage",
        aliases: &[],
        scopes: GLOBAL,
        usage: tr(":stage STAGE", ":stage 阶段"),
        desc: tr("the overdue queue at this stage", "只显示该阶段的逾期队列"),
        arg: Arg::Words { name: tr("STAGE", "阶段"), what: tr("stage", "阶段"), words: stage_tab_words },
        example: "negotiation",
        parse: parse::stage,
    },
    CommandSpec {
        name: "na",
        aliases: &[],
        scopes: CASE,
        usage: tr(":na [NOTE]", ":na [备注]"),
        desc: tr("log a call to the debtor: no answer", "记录致电借款人：无人接听"),
        arg: Arg::Text,
        example: "关机",
        parse: parse::no_answer,
    },
    CommandSpec {
        name: "busy",
        aliases: &[],
        scopes: CASE,
        usage: tr(":busy [NOTE]", ":busy [备注]"),
        desc: tr("log a call to the debtor: busy", "记录致电借款人：占线"),
        arg: Arg::Text,
        example: "",
        parse: parse::busy,
    },
    CommandSpec {
        name: "ptp",
        aliases: &[],
        scopes: CASE,
        usage: tr(":ptp AMOUNT YYYY-MM-DD [NOTE]", ":ptp 金额 YYYY-MM-DD [备注]"),
        desc: tr("log a promise to pay the amount by the date", "记录承诺还款：金额与日期"),
        arg: Arg::Text,
        example: "1500 2026-03-15 月底前结清",
        parse: parse::promise,
    },
    CommandSpec {
        name: "log",
        aliases: &[],
        scopes: CASE,
        usage: tr(
            ":log OUTCOME [party=PARTY] [channel=CHANNEL] [NOTE]",
            ":log 结果 [party=对象] [channel=方式] [备注]",
        ),
        desc: tr(
            "log a contact and its outcome (a promise: :ptp)",
            "记录一次联系及其结果（承诺还款用 :ptp）",
        ),
        arg: Arg::Words {
            name: tr("OUTCOME", "结果"), what: tr("outcome", "联系结果"), words: outcomes
        },
        example: "refused party=debtor channel=call 称无力还款",
        parse: parse::log,
    },
    CommandSpec {
        name: "in",
        aliases: &["inbound"],
        scopes: CASE,
        usage: tr(":in OUTCOME [party=PARTY] [NOTE]", ":in 结果 [party=对象] [备注]"),
        desc: tr(
            "log a call the debtor made to the desk: at any hour, counted against no cap",
            "记录借款人来电：任何时段均可，不计入次数上限",
        ),
        arg: Arg::Words {
            name: tr("OUTCOME", "结果"), what: tr("outcome", "联系结果"), words: outcomes
        },
        example: "callback 借款人来电说明天还款",
        parse: parse::inbound,
    },
    CommandSpec {
        name: "note",
        aliases: &[],
        scopes: CASE,
        usage: tr(":note TEXT", ":note 内容"),
        desc: tr(
            "add a note to the last contact (the record stays as it was)",
            "为最近一次联系补充备注（原记录保留）",
        ),
        arg: Arg::Text,
        example: "借款人称下周发工资",
        parse: parse::note,
    },
    CommandSpec {
        name: "next",
        aliases: &[],
        scopes: CASE,
        usage: tr(
            ":next YYYY-MM-DD [callback|visit|letter] · :next clear",
            ":next YYYY-MM-DD [callback|visit|letter] · :next clear",
        ),
        desc: tr("set the case's next action, or clear it", "设定或清除下次跟进"),
        arg: Arg::Text,
        example: "2026-03-03 visit",
        parse: parse::next,
    },
    CommandSpec {
        name: "plan",
        aliases: &[],
        scopes: CASE,
        usage: tr(
            ":plan N FIRST [amount=X] [scope=arrears|balance] [kind=plan|extension|restructure] · :plan save REASON",
            ":plan 期数 首期日 [amount=金额] [scope=arrears|balance] [kind=plan|extension|restructure] · :plan save 原因",
        ),
        desc: tr(
            "preview a payment plan, extension or restructure, then put it in force with a reason",
            "预览还款计划、展期或重组，再填写原因使其生效",
        ),
        arg: Arg::Text,
        example: "12 2026-03-20 scope=balance kind=restructure",
        parse: parse::plan,
    },
    CommandSpec {
        name: "notice",
        aliases: &[],
        scopes: CASE,
        usage: tr(":notice KIND [zh|en] [force] [DIR]", ":notice 类型 [zh|en] [force] [目录]"),
        desc: tr(
            "issue a notice as text and HTML into DIR (./notices); force: a second this month (supervisors)",
            "出具通知书（文本与 HTML，默认目录 ./notices）；force：本月第二份（主管）",
        ),
        arg: Arg::Words {
            name: tr("KIND", "类型"),
            what: tr("notice kind", "通知书类型"),
            words: notice_kinds,
        },
        example: "guarantor_demand en force /tmp/notices",
        parse: parse::notice,
    },
    CommandSpec {
        name: "hold",
        aliases: &[],
        scopes: CASE,
        usage: tr(":hold KIND UNTIL [from=DATE] REASON", ":hold 类型 截止日 [from=起始日] 原因"),
        desc: tr(
            "pause collection until a date: no calls, no escalation (supervisors)",
            "暂停催收至某日：不外呼、不自动升级（主管）",
        ),
        arg: Arg::Words {
            name: tr("KIND", "类型"), what: tr("hold kind", "暂停类型"), words: hold_kinds
        },
        example: "dispute 2026-04-30 from=2026-02-20 借款人对罚息有异议",
        parse: parse::hold,
    },
    CommandSpec {
        name: "lift",
        aliases: &[],
        scopes: CASE,
        usage: tr(":lift REASON", ":lift 原因"),
        desc: tr("lift the case's hold early (supervisors)", "提前解除暂停（主管）"),
        arg: Arg::Text,
        example: "核实无误",
        parse: parse::lift,
    },
    CommandSpec {
        name: "move",
        aliases: &[],
        scopes: CASE,
        usage: tr(":move STAGE REASON", ":move 阶段 原因"),
        desc: tr("move the case to a stage by hand (back: supervisors)", "手动调整案件阶段（回退须主管）"),
        arg: Arg::Words { name: tr("STAGE", "阶段"), what: tr("stage", "阶段"), words: move_stages },
        example: "negotiation 客户同意协商",
        parse: parse::move_stage,
    },
    CommandSpec {
        name: "agency",
        aliases: &[],
        scopes: CASE,
        usage: tr(":agency NAME [REASON] · :agency off REASON", ":agency 机构名称 [原因] · :agency off 原因"),
        desc: tr(
            "place the case with a collection agency, or take it back (supervisors)",
            "委外催收，或收回委外（主管）",
        ),
        arg: Arg::Text,
        example: "off 客户已还款",
        parse: parse::agency,
    },
    CommandSpec {
        name: "writeoff",
        aliases: &["write-off"],
        scopes: CASE,
        usage: tr(":writeoff REASON", ":writeoff 原因"),
        desc: tr("write the loan off (supervisors)", "核销贷款（主管）"),
        arg: Arg::Text,
        example: "经批准核销",
        parse: parse::write_off,
    },
    CommandSpec {
        name: "reopen",
        aliases: &[],
        scopes: CASE,
        usage: tr(":reopen REASON", ":reopen 原因"),
        desc: tr("reopen a loan written off by mistake (supervisors)", "恢复误核销的贷款（主管）"),
        arg: Arg::Text,
        example: "误核销",
        parse: parse::reopen,
    },
    CommandSpec {
        name: "reveal",
        aliases: &[],
        scopes: CASE,
        usage: tr(":reveal [FIELD]", ":reveal [字段]"),
        desc: tr(
            "show a masked number of the case in full (the phone unless named; recorded in the audit log)",
            "显示案件中被遮盖的号码（默认电话；记入审计日志）",
        ),
        arg: Arg::Words { name: tr("FIELD", "字段"), what: tr("field", "字段"), words: pii_fields },
        example: "guarantor_phone",
        parse: parse::reveal,
    },
    CommandSpec {
        name: "takeover",
        aliases: &["take-over"],
        scopes: CASE,
        usage: tr(":takeover REASON", ":takeover 原因"),
        desc: tr(
            "take the case over from the user working it (supervisors)",
            "从正在处理的人手中接管案件（主管）",
        ),
        arg: Arg::Text,
        example: "催收员请假",
        parse: parse::take_over,
    },
    CommandSpec {
        name: "override",
        aliases: &[],
        scopes: CASE,
        usage: tr(":override REASON", ":override 理由"),
        desc: tr(
            "log the next contact over a refusing conduct rule (supervisors; recorded)",
            "下一次联系越过限制规则记录（主管；留痕）",
        ),
        arg: Arg::Text,
        example: "借款人要求立即回电",
        parse: parse::override_rule,
    },
    CommandSpec {
        name: "inspect",
        aliases: &[],
        scopes: CASE,
        usage: tr(":inspect", ":inspect"),
        desc: tr(
            "record an inspection of the loan (贷后检查): the form, one key a row, then the findings",
            "记录贷后检查：逐行一键选择，再填写检查发现",
        ),
        arg: Arg::Text,
        example: "",
        parse: parse::inspect,
    },
    CommandSpec {
        name: "worklog",
        aliases: &["wl"],
        scopes: CASE,
        usage: tr(":worklog KIND NOTE", ":worklog 类型 内容"),
        desc: tr("write the work log (工作日志) on the case's customer", "为该客户填写工作日志"),
        arg: Arg::Words {
            name: tr("KIND", "类型"),
            what: tr("work log kind", "日志类型"),
            words: work_log_kinds,
        },
        example: "visit 上门走访，借款人称月底还款",
        parse: parse::work_log,
    },
    CommandSpec {
        name: "assign",
        aliases: &[],
        scopes: GLOBAL,
        usage: tr(
            ":assign USER [REASON] · :assign --stage S|--from USER|--dpd-min N --to USER [--dry-run] [--reason TEXT] · :assign --balance --among A,B [--by count|amount]",
            ":assign 用户 [原因] · :assign --stage 阶段|--from 用户|--dpd-min 天数 --to 用户 [--dry-run] [--reason 原因] · :assign --balance --among A,B [--by count|amount]",
        ),
        desc: tr(
            "give the marked cases (else the one under the cursor or open) to a user, or every case the flags select as `duedesk assign` does (supervisors)",
            "把已标记的案件（否则当前案件）交给某人，或像 duedesk assign 一样按条件批量分配（主管）",
        ),
        arg: Arg::Text,
        example: "--balance --stage legal --among xu.na,hu.bin --by amount --dry-run --reason 月初 均衡",
        parse: parse::assign,
    },
    CommandSpec {
        name: "escalate",
        aliases: &["run"],
        scopes: GLOBAL,
        usage: tr(":escalate [run]", ":escalate [run]"),
        desc: tr(
            "preview tonight's escalation run; run: apply it to the book (supervisors)",
            "预览今晚的升级批处理；run：对全部台账执行（主管）",
        ),
        arg: Arg::Text,
        example: "run",
        parse: parse::escalate,
    },
    CommandSpec {
        name: "team",
        aliases: &[],
        scopes: GLOBAL,
        usage: tr(":team", ":team"),
        desc: tr("the team's figures this month (supervisors)", "本月团队业绩（主管）"),
        arg: Arg::Text,
        example: "",
        parse: parse::team,
    },
    CommandSpec {
        name: "reports",
        aliases: &["rep"],
        scopes: GLOBAL,
        usage: tr(":reports [YYYY-MM]", ":reports [年-月]"),
        desc: tr(
            "month-end risk reports as charts: migration, roll rates, NPL ratio, vintage (supervisors)",
            "月末风险报告图表：五级分类迁徙、滚动率、不良率、账龄（主管）",
        ),
        arg: Arg::Text,
        example: "2026-02",
        parse: parse::reports,
    },
    CommandSpec {
        name: "inspections",
        aliases: &["insp"],
        scopes: GLOBAL,
        usage: tr(":inspections [LIST]", ":inspections [清单]"),
        desc: tr(
            "the post-loan inspections due, by due date (overdue: only those overdue)",
            "按到期日列出应做的贷后检查（overdue：只看逾期的）",
        ),
        arg: Arg::Words { name: tr("LIST", "清单"), what: tr("list", "清单"), words: inspection_lists },
        example: "overdue",
        parse: parse::inspections,
    },
    CommandSpec {
        name: "review",
        aliases: &[],
        scopes: GLOBAL,
        usage: tr(":review", ":review"),
        desc: tr(
            "inspections and work logs awaiting a signature, with the working days left (supervisors)",
            "待签署意见的检查与工作日志及剩余工作日（主管）",
        ),
        arg: Arg::Text,
        example: "",
        parse: parse::review,
    },
    CommandSpec {
        name: "sign",
        aliases: &[],
        scopes: GLOBAL,
        usage: tr(":sign [accept] COMMENT", ":sign [accept] 意见"),
        desc: tr(
            "on the Review list, sign the entry under the cursor; accept: take an inspection's recommended class (supervisors)",
            "在待签署清单上签署光标所在项；accept：采纳检查建议的分类（主管）",
        ),
        arg: Arg::Text,
        example: "accept 同意下调分类",
        parse: parse::sign,
    },
    CommandSpec {
        name: "messages",
        aliases: &["msg"],
        scopes: GLOBAL,
        usage: tr(":messages", ":messages"),
        desc: tr("the status bar's last messages in full", "状态栏最近的消息（完整）"),
        arg: Arg::Text,
        example: "",
        parse: parse::messages,
    },
    CommandSpec {
        name: "quit",
        aliases: &["q"],
        scopes: GLOBAL,
        usage: tr(":quit", ":quit"),
        desc: tr("quit the desk", "退出"),
        arg: Arg::Text,
        example: "",
        parse: parse::quit,
    },
];

/// The command a word names, by name or alias.
pub fn find(word: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.answers_to(word))
}

/// The names (not aliases) starting with `prefix`, in table order.
pub fn names_from(prefix: &str) -> Vec<String> {
    COMMANDS.iter().filter(|c| c.name.starts_with(prefix)).map(|c| c.name.to_string()).collect()
}

/// The command a mistyped word most likely meant: one it starts, else the nearest by edits if
/// that is near enough (two edits, one for a short word).
pub fn closest(word: &str) -> Option<&'static str> {
    let all = || COMMANDS.iter().flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()));
    if let Some(c) = COMMANDS.iter().find(|c| !word.is_empty() && c.name.starts_with(word)) {
        return Some(c.name);
    }
    let limit = if word.chars().count() <= 3 { 1 } else { 2 };
    let (best, d) = all().map(|n| (n, distance(word, n))).min_by_key(|(_, d)| *d)?;
    let name = find(best).map_or(best, |c| c.name);
    (d <= limit).then_some(name)
}

/// Edits (insert, delete, change, swap two neighbours) from one word to another.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// What the status bar says of a command's refused words.
pub fn refusal(spec: &CommandSpec, e: &ArgError, lang: Lang) -> String {
    let t = lang.text();
    match e {
        ArgError::Usage => fill(t.msg_usage, &[&spec.usage(lang)]),
        ArgError::Why(why) => fill(t.msg_bad_args, &[why, &spec.usage(lang)]),
        ArgError::Unknown(word) => {
            let why = match spec.arg {
                Arg::Words { what, words, .. } => {
                    fill(t.msg_unknown_word, &[&what.get(lang), word, &words().join(t.list_separator)])
                }
                Arg::Text | Arg::Loan => return fill(t.msg_usage, &[&spec.usage(lang)]),
            };
            fill(t.msg_bad_args, &[&why, &spec.usage(lang)])
        }
        ArgError::See(other) => {
            fill(t.msg_usage, &[&find(other).map_or_else(String::new, |o| o.usage(lang))])
        }
    }
}

/// What the status bar says of a word that names no command.
pub fn unknown(word: &str, lang: Lang) -> String {
    let t = lang.text();
    match closest(word) {
        Some(c) => fill(t.msg_unknown_command, &[&word, &c]),
        None => fill(t.msg_unknown_command_none, &[&word]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_parses_its_own_example_and_is_said_in_both_languages() {
        for c in COMMANDS {
            assert!((c.parse)(c.example).is_ok(), ":{} {} does not parse", c.name, c.example);
            for lang in Lang::ALL {
                let usage = c.usage(lang);
                assert!(usage.starts_with(&format!(":{}", c.name)), "{usage}");
                assert!(!c.desc.get(lang).is_empty());
            }
            assert_ne!(c.desc.en, c.desc.zh, ":{} has no Chinese description", c.name);
            assert_eq!(find(c.name).map(|f| f.name), Some(c.name));
            for a in c.aliases {
                assert_eq!(find(a).map(|f| f.name), Some(c.name));
            }
        }
        let mut words: Vec<&str> =
            COMMANDS.iter().flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied())).collect();
        let n = words.len();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), n, "a name or alias is used twice");
    }

    #[test]
    fn a_mistyped_command_finds_the_one_meant() {
        assert_eq!(closest("asign"), Some("assign"));
        assert_eq!(closest("ass"), Some("assign"));
        assert_eq!(closest("gtoo"), Some("goto"));
        assert_eq!(closest("writeof"), Some("writeoff"));
        assert_eq!(closest("take-ovr"), Some("takeover"));
        assert_eq!(closest("xyzzy"), None);
        assert_eq!(names_from("a"), ["agency", "assign"]);
        assert_eq!(distance("ab", "ba"), 1);
    }

    #[test]
    fn a_refusal_gives_the_usage_and_what_the_placeholder_takes() {
        let sort = find("sort").expect("sort");
        let e = (sort.parse)("sideways").expect_err("refused");
        let said = refusal(sort, &e, Lang::En);
        assert!(
            said.starts_with("unknown sort 'sideways'") && said.contains("usage: :sort ORDER (ORDER: dpd|"),
            "{said}"
        );
        let log = find("log").expect("log");
        assert!(refusal(log, &ArgError::See("ptp"), Lang::Zh).starts_with("用法：:ptp 金额"));
    }
}
