//! What help and the footer say of a key binding: English is the key map's own text.

use crate::app::keymap::{Binding, Cmd, Scope};

use super::lang::Lang;

impl Lang {
    pub fn scope(self, s: Scope) -> &'static str {
        match self {
            Lang::En => match s {
                Scope::Global => "Everywhere",
                Scope::List => "Lists",
                Scope::Queue => "Overdue queue",
                Scope::Case => "Case",
                Scope::Run => "Escalation run",
                Scope::Team => "Team",
                Scope::Work => "Inspections, Review and Warnings lists",
                Scope::Reports => "Reports",
            },
            Lang::Zh => match s {
                Scope::Global => "全局",
                Scope::List => "列表",
                Scope::Queue => "逾期队列",
                Scope::Case => "案件",
                Scope::Run => "升级批处理",
                Scope::Team => "团队",
                Scope::Work => "贷后检查、待签署与预警清单",
                Scope::Reports => "风险报告",
            },
        }
    }

    /// What help says a binding does. English is the key map's own `desc`.
    pub fn key_desc(self, b: &Binding) -> &'static str {
        match self {
            Lang::En => b.desc,
            Lang::Zh => zh_key_desc(b.scope, b.cmd).unwrap_or(b.desc),
        }
    }

    /// The footer's label of a binding, if it has one.
    pub fn key_hint(self, b: &Binding) -> Option<&'static str> {
        match self {
            Lang::En => b.hint,
            Lang::Zh => b.hint.map(|h| zh_key_hint(b.cmd).unwrap_or(h)),
        }
    }
}

fn zh_key_desc(scope: Scope, cmd: Cmd) -> Option<&'static str> {
    let case = scope == Scope::Case;
    Some(match cmd {
        Cmd::Down if scope == Scope::Run => "下一条变动",
        Cmd::Up if scope == Scope::Run => "上一条变动",
        Cmd::Top if scope == Scope::Run => "第一条变动",
        Cmd::Bottom if scope == Scope::Run => "最后一条变动",
        Cmd::Open if scope == Scope::Run => "打开该变动的案件",
        Cmd::Back if matches!(scope, Scope::Run | Scope::Team | Scope::Work | Scope::Reports) => "返回列表",
        Cmd::NextPane if scope == Scope::Reports => "下一视图：迁徙/滚动率/不良率/账龄/考核",
        Cmd::PrevPane if scope == Scope::Reports => "上一视图",
        Cmd::Down if case => "向下滚动",
        Cmd::Up if case => "向上滚动",
        Cmd::PageDown if case => "下翻一页",
        Cmd::PageUp if case => "上翻一页",
        Cmd::Top if case => "顶部",
        Cmd::Bottom if case => "底部",
        Cmd::NextPane if case => "下一栏：还款计划/联系记录/还款与承诺/阶段/检查/押品/工作日志/预警",
        Cmd::PrevPane => "上一栏",
        Cmd::Back if case => "返回列表",
        Cmd::Open if case => "完整查看光标所在行",
        Cmd::Down => "下一行",
        Cmd::Up => "上一行",
        Cmd::PageDown => "下一页",
        Cmd::PageUp => "上一页",
        Cmd::Top => "第一行",
        Cmd::Bottom => "最后一行",
        Cmd::Open => "打开案件",
        Cmd::NextPane => "即将到期 ⇄ 逾期队列",
        Cmd::Filter => "按姓名、贷款编号或电话筛选",
        Cmd::Back => "清除筛选",
        Cmd::ToggleMine => "我的案件 ⇄ 全部案件",
        Cmd::LoadDemo => "载入演示台账（仅限空库）",
        Cmd::NextStage => "阶段：全部/提醒/协商/担保/法律",
        Cmd::NextSort => "排序：逾期天数/逾期金额/最近联系/下次跟进",
        Cmd::CommandLine => "命令行（全部命令见下方）",
        Cmd::LogNoAnswer => "记录致电借款人：无人接听",
        Cmd::LogBusy => "记录致电借款人：占线",
        Cmd::LogInbound => "记录借款人来电（打开 :in）",
        Cmd::TakeBack => "撤回刚用 n 或 b 记录的致电（数秒内）",
        Cmd::LogPromise => "记录承诺还款（打开 :ptp）",
        Cmd::LogContact => "记录联系（打开 :log）",
        Cmd::NextAction => "设定下次跟进（打开 :next）",
        Cmd::ProposePlan => "提出还款方案（打开 :plan）",
        Cmd::IssueNotice => "出具通知书（打开 :notice）",
        Cmd::RunPreview => "预览今晚的升级批处理",
        Cmd::ToggleMark => "标记案件以便 :assign（Esc 清除标记）",
        Cmd::TeamView => "本月团队业绩（主管）",
        Cmd::RunApply => "对全部台账执行升级（主管；按两次）",
        Cmd::InspectionsView => "应做与逾期的贷后检查",
        Cmd::ReviewView => "待签署意见的检查与工作日志（主管）",
        Cmd::ToggleOverdue => "检查：全部应做 ⇄ 仅逾期",
        Cmd::InspectForm => "记录贷后检查（检查表）",
        Cmd::WorkLog => "填写工作日志（打开 :worklog）",
        Cmd::ReportsView => "月末风险报告图表（主管）",
        Cmd::PrevMonth => "上一个月末",
        Cmd::NextMonth => "下一个月末",
        Cmd::NextGrouping => "不良率分组：全部/机构/产品/客户经理",
        Cmd::ToggleTable => "图表 ⇄ 表格",
        Cmd::WarningsView => "未解除的风险预警信号（红色在前）",
        Cmd::NextLevel if scope == Scope::List => "按预警级别显示贷款：全部/红/橙/黄",
        Cmd::ToggleWatched if scope == Scope::List => "全部贷款 ⇄ 仅重点监测客户",
        Cmd::NextLevel => "预警：全部/红/橙/黄",
        Cmd::ToggleWatched => "预警：全部 ⇄ 仅重点监测客户",
        Cmd::RaiseWarning => "发起人工预警（打开 :warn）",
        Cmd::ConfirmSignal => "核实光标所在的预警信号（打开 :warn-confirm）",
        Cmd::AddMeasure => "为光标所在的信号登记处置措施（打开 :warn-measure）",
        Cmd::CloseSignal => "解除光标所在的预警信号（打开 :warn-close）",
        Cmd::ToggleWatch => "重点监测：列入或移出该客户（打开 :watch/:unwatch）",
        Cmd::Help => "本帮助",
        Cmd::Quit => "退出",
    })
}

fn zh_key_hint(cmd: Cmd) -> Option<&'static str> {
    Some(match cmd {
        Cmd::Open => "打开",
        Cmd::NextPane => "切换",
        Cmd::PrevPane => "上一栏",
        Cmd::Filter => "筛选",
        Cmd::ToggleMine => "我的",
        Cmd::LoadDemo => "演示台账",
        Cmd::NextStage => "阶段",
        Cmd::NextSort => "排序",
        Cmd::Back => "返回",
        Cmd::CommandLine => "命令",
        Cmd::Help => "帮助",
        Cmd::RunApply => "执行",
        Cmd::Quit => "退出",
        Cmd::LogNoAnswer => "无人接听",
        Cmd::LogPromise => "承诺",
        Cmd::LogContact => "记录",
        Cmd::ProposePlan => "方案",
        Cmd::ToggleOverdue => "逾期",
        Cmd::PrevMonth => "月份",
        Cmd::NextGrouping => "分组",
        Cmd::ToggleTable => "表格",
        Cmd::NextLevel => "级别",
        Cmd::LogBusy
        | Cmd::LogInbound
        | Cmd::TakeBack
        | Cmd::NextAction
        | Cmd::IssueNotice
        | Cmd::RunPreview
        | Cmd::ToggleMark
        | Cmd::TeamView
        | Cmd::InspectionsView
        | Cmd::ReviewView
        | Cmd::InspectForm
        | Cmd::WorkLog
        | Cmd::ReportsView
        | Cmd::NextMonth
        | Cmd::WarningsView
        | Cmd::ToggleWatched
        | Cmd::RaiseWarning
        | Cmd::ConfirmSignal
        | Cmd::CloseSignal
        | Cmd::AddMeasure
        | Cmd::ToggleWatch => return None,
        Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::DEFAULT_KEYMAP;

    #[test]
    fn every_binding_has_a_chinese_description_and_hint() {
        for b in DEFAULT_KEYMAP {
            assert!(zh_key_desc(b.scope, b.cmd).is_some(), "no Chinese for {:?}", b.cmd);
            if b.hint.is_some() {
                assert!(zh_key_hint(b.cmd).is_some(), "no Chinese hint for {:?}", b.cmd);
            }
            assert_ne!(Lang::Zh.key_desc(b), b.desc);
        }
    }
}
