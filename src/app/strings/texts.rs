//! The desk's messages in both languages, and `fill` for their arguments.

use std::fmt;

/// Fills `{0}`, `{1}`, … of a template; a mark without an argument stays as it is.
pub fn fill(template: &str, args: &[&dyn fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let arg = after
            .find('}')
            .and_then(|end| after[..end].parse::<usize>().ok().map(|i| (i, end)))
            .and_then(|(i, end)| args.get(i).map(|a| (a, end)));
        match arg {
            Some((a, end)) => {
                out.push_str(&a.to_string());
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

macro_rules! texts {
    ($($name:ident: $en:literal, $zh:literal;)+) => {
        /// The desk's text in one language: one field per message, the same fields in both.
        #[derive(Debug)]
        pub struct Text {
            $(pub $name: &'static str,)+
        }

        pub const EN: Text = Text { $($name: $en,)+ };
        pub const ZH: Text = Text { $($name: $zh,)+ };

        impl Text {
            /// Every message by name, for the tests that compare the languages.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name)),+]
            }
        }
    };
}

texts! {
    // Tabs and the tab line.
    tab_due_soon: "Due soon", "即将到期";
    tab_overdue: "Overdue", "逾期";
    tab_case: "Case", "案件";
    tab_run: "Run", "升级";
    tab_team: "Team", "团队";
    tab_inspections: "Inspections", "贷后检查";
    tab_review: "Review", "待签署";
    team_loading: "  the team's figures…", "  正在统计团队业绩…";
    tab_reports: "Reports", "风险报告";
    reports_loading: "  the month-end figures…", "  正在读取月末数据…";
    reports_title: "Month-end {0} against {1} · {2}", "月末 {0} 对比 {1} · {2}";
    reports_title_alone: "Month-end {0} · {1}", "月末 {0} · {1}";
    reports_pane_migration: "class migration (% of principal)", "五级分类迁徙（占本金 %）";
    reports_pane_roll: "roll rates Mi→Mi+1 (% of principal)", "滚动率 Mi→Mi+1（占本金 %）";
    reports_pane_npl: "NPL ratio over 12 month-ends", "近 12 个月末不良率";
    reports_pane_npl_by: "NPL ratio by {0}", "按{0}的不良率";
    reports_pane_vintage: "vintage: 30+ DPD share by months on book", "账龄：逾期 30 天以上占比（按账龄月数）";
    reports_by_branch: "branch", "机构";
    reports_by_product: "product", "产品";
    reports_by_owner: "owner", "客户经理";
    reports_none_before: "  no earlier month-end recorded to compare with", "  没有更早的月末数据可供比较";
    reports_no_figures: "  no figures for this month-end", "  该月末没有数据";
    reports_from_to: "from \\ to", "期初 \\ 期末";
    reports_closed: "closed", "结清";
    reports_class_normal: "normal", "正常";
    reports_class_special: "special", "关注";
    reports_class_substandard: "substd", "次级";
    reports_class_doubtful: "doubtful", "可疑";
    reports_class_loss: "loss", "损失";
    reports_written_off: "w/off", "核销";
    reports_col_from: "FROM", "期初";
    reports_col_to: "TO", "期末";
    reports_col_loans: "LOANS", "笔数";
    reports_col_principal: "PRINCIPAL", "本金";
    reports_col_rate: "RATE %", "比率 %";
    reports_col_rolled: "ROLLED ON", "滚入下一档";
    reports_col_month: "MONTH", "月份";
    reports_col_group: "GROUP", "分组";
    reports_col_outstanding: "OUTSTANDING", "余额";
    reports_col_npl: "NPL", "不良";
    reports_col_cohort: "COHORT", "放款月";
    reports_col_mob: "MOB", "账龄";
    reports_col_bad: "30+ DPD", "逾期30+";
    reports_axis_mob: "months on book", "账龄（月）";
    reports_pane_scorecard: "team scorecard of the month (out of 100)", "本月团队考核得分（百分制）";
    reports_no_scorecards: "  no scorecards this month", "  本月没有考核记录";
    reports_col_user: "USER", "人员";
    reports_col_score: "SCORE", "得分";
    reports_col_collected: "COLLECTED", "回收金额";
    reports_col_ptp: "PTP KEPT", "承诺兑现";
    reports_col_rpc: "RPC", "有效接通";
    reports_col_cured: "CURED", "治愈";
    my_cases: "my cases", "我的案件";
    all_cases: "all cases", "全部案件";
    stage_label: "stage {0}", "阶段 {0}";
    stage_all: "all", "全部";
    sort_label: "sort {0}", "排序 {0}";
    // Status bar and footer.
    who: "{0} ({1})", "{0}（{1}）";
    read_only: "read-only", "只读";
    read_only_note: "read only: ask {0} to add you (duedesk users add {1} --role collector)", "只读：请联系 {0} 为你开通（duedesk users add {1} --role collector）";
    an_admin: "an admin", "管理员";
    status_left: " {0} · as of {1} · {2} · {3}", " {0} · 截至 {1} · {2} · {3}";
    loans_count: "{0} loans", "{0} 笔贷款";
    filter_hint: "Enter keep · Esc clear", "Enter 保留 · Esc 清除";
    command_hint: "Enter run · Esc cancel", "Enter 执行 · Esc 取消";
    help_footer: " j/k PgUp/PgDn scroll · / search · any other key closes", " j/k PgUp/PgDn 滚动 · / 搜索 · 其他键关闭";
    help_title: " Keys and commands ", " 按键与命令 ";
    help_commands: "Commands: type : and one of these (Tab completes)", "命令：先按 : 再输入（Tab 补全）";
    help_case_commands: "Commands on the open case", "作用于当前案件的命令";
    help_no_match: "  nothing matches '{0}' (Esc clears the search)", "  没有与“{0}”相符的条目（Esc 清除搜索）";
    help_position: " {0}–{1} of {2} ", " {0}–{1} / {2} ";
    reading_row: "{0} {1}/{2} · {3}", "{0} {1}/{2} · {3}";
    reading_messages: "Messages, newest last", "消息（最新在后）";
    reading_no_messages: "no messages yet", "暂无消息";
    reading_footer: " j/k scroll · any other key closes ", " j/k 滚动 · 其他键关闭 ";
    too_small: "terminal too small: need {0}×{1}, have {2}×{3}", "终端太小：至少需要 {0}×{1}，当前 {2}×{3}";
    loading: "  loading…", "  载入中…";
    contact_correction: "correction of {0}: ", "更正 {0}：";
    // The empty store.
    loading_demo: "  loading the demo book (demo data)…", "  正在载入演示台账（演示数据）…";
    empty_store: "  The store at {0} holds no loans yet.", "  数据库 {0} 中还没有贷款。";
    press: "  Press ", "  按 ";
    to_load_demo: " to load the demo book: ", " 载入演示台账：";
    demo_loans: "{0} loans of demo data.", "{0} 笔演示数据。";
    or_import: "  Or import a book from CSV:", "  或从 CSV 导入台账：";
    // Lists.
    col_loan: "LOAN", "贷款编号";
    col_borrower: "BORROWER", "借款人";
    col_name: "NAME", "借款人";
    queue_marks: "+ marked · W worked by another · H held · - no call now · P promise today · p open · ! broken", "+ 已标记 · W 他人处理中 · H 暂停 · - 暂不可致电 · P 今日承诺 · p 承诺中 · ! 违约";
    col_stage: "STAGE", "阶段";
    col_dpd: "DPD", "逾期天数";
    col_bucket: "BKT", "账龄";
    col_overdue: "OVERDUE", "逾期金额";
    col_last_contact: "CONTACTED", "最近联系";
    col_next: "NEXT", "下次";
    col_owner: "OWNER", "催收员";
    col_due: "DUE", "到期日";
    col_amount: "AMOUNT", "应还金额";
    col_product: "PRODUCT", "产品";
    col_phone: "PHONE", "电话";
    col_last: "LAST", "联系";
    never: "never", "从未";
    nothing_due: "nothing is due soon", "近期没有到期的贷款";
    no_overdue: "no overdue loans", "没有逾期贷款";
    among_marked: " at this warning level (L or :level all shows every loan)", "（当前预警筛选下；按 L 或 :level all 显示全部）";
    matching: " matching '{0}'", "（匹配“{0}”）";
    matching_phone_from: " matching '{0}' (phone numbers match from the {1}th digit)", "（匹配“{0}”；电话号码从第 {1} 位起匹配）";
    matching_phone_not_allowed: " matching '{0}' (phone numbers are searched only by roles that see them in full)", "（匹配“{0}”；只有可查看完整号码的角色才能按电话搜索）";
    search_too_broad: "more than {0} loans match '{1}': type more of the name, loan id or number", "超过 {0} 笔贷款匹配“{1}”：请多输入几个字、编号或号码";
    note_phones_not_searched: "phone numbers not searched: only roles that see them in full search by them", "未按电话号码搜索：只有可查看完整号码的角色才能按电话搜索";
    among_mine: " among my cases (m: everything)", "（仅我的案件；m：全部）";
    // The case view.
    case_loading: "  loading {0}…", "  正在载入 {0}…";
    case_failed: "  {0}: {1}", "  {0}：{1}";
    case_line1: "{0}  {1}  · phone {2} · owner {3} · customer {4} · branch {5}", "{0}  {1}  · 电话 {2} · 催收员 {3} · 客户 {4} · 网点 {5}";
    case_line2: "{0} {1} at {2}% for {3} months from {4}", "{0} {1} 年利率 {2}% {3} 期 {4} 放款";
    case_line3: "DPD {0} · {1} · {2} · stage {3}{4} · {5}", "逾期天数 {0} · {1} · {2} · 阶段 {3}{4} · {5}";
    case_agency: " (agency {0})", "（委外 {0}）";
    case_line4: "overdue principal {0} · interest {1} · penalty {2} · payoff {3}", "逾期本金 {0} · 利息 {1} · 罚息 {2} · 结清金额 {3}";
    case_line5: "outstanding {0} · paid {1} · next due {2} {3}", "剩余本金 {0} · 已还 {1} · 下期 {2} {3}";
    case_line6: "guarantor {0} · collateral {1}{2}", "担保人 {0} · 抵押物 {1}{2}";
    case_line7: "inspection: {1} · other loans: {0}", "贷后检查：{1} · 其他贷款：{0}";
    case_ltv: " · LTV {0}", " · 抵押率 {0}";
    case_class_reason: "{0} ({1})", "{0}（{1}）";
    case_warning: " · warning {0}", " · 预警{0}";
    case_watchlist: " · watchlist", " · 重点监测";
    case_rating: " · {0} risk", " · {0}风险";
    none: "none", "无";
    none_yet: "  none yet", "  暂无";
    pane_schedule: "Schedule", "还款计划";
    pane_contacts: "Contacts", "联系记录";
    pane_payments: "Payments & promises", "还款与承诺";
    pane_history: "Stages & owners", "阶段与归属";
    pane_inspections: "Inspections", "检查";
    pane_collateral: "Collateral", "押品";
    pane_work_log: "Work log", "工作日志";
    pane_signals: "Signals", "预警";
    pane_short: "Sch Con Pay Stg Insp Coll Log Sig", "计划 联系 还款 阶段 检查 押品 日志 预警";
    pane_tiny: "Sc Ct Py St In Cl Lg Sg", "计 联 还 阶 检 押 志 警";
    signal_open: "open {0}d", "未解除 {0}天";
    signal_confirmed: "confirmed {0}", "{0} 已确认";
    signal_closed: "closed {0}", "{0} 已解除";
    col_seq: "#", "#";
    col_payment: "PAYMENT", "应还";
    col_principal: "PRINCIPAL", "本金";
    col_interest: "INTEREST", "利息";
    col_paid: "PAID", "已还";
    col_status: "STATUS", "状态";
    col_done: "DONE", "处置";
    step_confirmed: "confirmed", "已核实";
    step_special_asked: "insp. asked", "待专项检查";
    col_when: "WHEN", "时间";
    col_party: "PARTY", "对象";
    col_by: "BY", "方式";
    col_outcome: "OUTCOME", "结果";
    col_user: "USER", "经办人";
    col_note: "NOTE", "备注";
    col_date: "DATE", "日期";
    col_change: "CHANGE", "变更";
    col_actor: "BY", "操作人";
    col_reason: "REASON", "原因";
    col_kind: "WHAT", "类型";
    col_sum: "AMOUNT", "金额";
    col_by_date: "BY DATE", "承诺日";
    col_ref: "REFERENCE / USER", "流水号 / 经办人";
    stage_change: "stage {0} → {1}", "阶段 {0} → {1}";
    owner_change: "owner {0} → {1}", "催收员 {0} → {1}";
    class_change: "class {0} → {1}", "分类 {0} → {1}";
    class_change_why: "{0}; by {1}", "{0};{1}";
    kind_payment: "payment", "还款";
    kind_promise: "promise", "承诺还款";
    plan_record: "{0}: {1} payments{2}", "{0}：{1} 期{2}";
    plan_in_force: " in force", "，生效中";
    notice_record: "{0} ({1})", "{0}（{1}）";
    plan_kind_plan: "plan", "还款计划";
    plan_kind_extension: "extension", "展期";
    plan_kind_restructure: "restructure", "重组";
    notice_dunning: "dunning notice", "催收通知书";
    notice_guarantor: "guarantor notice", "担保责任通知书";
    notice_maturity: "maturity notice", "到期通知书";
    receipt_pending: "pending", "待回执";
    receipt_received: "received", "已签收";
    receipt_returned: "returned", "已退回";
    plan_preview: "Preview: {0}", "预览：{0}";
    plan_preview_line: " {0} {2} in {1} payments from {3} · paid {4}{5}", " {0} {2} 分 {1} 期 · 自 {3} 起 · 已还 {4}{5}";
    plan_line: "plan · {0}", "方案 · {0}";
    plan_scope_arrears: "arrears", "逾期部分";
    plan_scope_balance: "whole balance", "全部余额";
    plan_observation: " · observed until {0}", " · 观察期至 {0}";
    hold_dispute: "dispute", "争议";
    hold_hardship: "hardship", "困难";
    case_hold: " · on hold ({0}) until {1}", " · 暂停催收（{0}）至 {1}";
    hold_record: "{0} hold to {1}{2}", "暂停（{0}）至 {1}{2}";
    hold_lifted: ", lifted {0}", "，{0} 解除";
    task_record: "task: {0}{1}", "任务：{0}{1}";
    task_call: "call", "电话催收";
    task_dunning: "dunning notice due", "应发催收通知书";
    task_guarantor: "guarantor demand due", "应发担保责任通知书";
    task_revalue: "revalue collateral", "抵押物重估";
    task_packet: "legal packet due", "应备诉讼材料";
    task_plan: "offer a plan", "协商还款方案";
    task_maturity: "maturity notice due", "应发到期通知书";
    task_done: ", done {0}", "，{0} 完成";
    plan_footer: " :plan save REASON puts it in force · Esc drops it", " :plan save 原因 使其生效 · Esc 放弃";
    // The team view (supervisors).
    team_title: " Team · {0} to {1}", " 团队 · {0} 至 {1}";
    team_collected: "collected {0} ", "本月回收 {0} ";
    team_col_user: "COLLECTOR", "催收员";
    team_col_cases: "CASES", "案件";
    team_col_overdue: "OVERDUE", "逾期金额";
    team_col_today: "TODAY", "今日联系";
    team_col_ptp: "PTP", "承诺";
    team_col_kept: "KEPT", "兑现";
    team_col_broken: "BROKEN", "违约";
    team_col_collected: "COLLECTED", "本月回收";
    team_col_signals: "WARN", "预警";
    team_col_watch: "WATCH", "监测";
    team_no_collectors: "  no collectors on this desk", "  暂无催收员";
    team_funnel: " Loans by stage ", " 各阶段贷款 ";
    team_daily: " Collected each day · {0} ", " 每日回收 · {0} ";
    // Messages.
    msg_mine: "showing my cases", "只显示我的案件";
    msg_everything: "showing every case", "显示全部案件";
    msg_demo_only_empty: "the demo book loads only into an empty store", "演示台账只能载入空库";
    msg_demo_loading: "loading the demo book ({0} loans of demo data)…", "正在载入演示台账（{0} 笔演示数据）…";
    msg_demo_loaded: "loaded the demo book: {0} loans of demo data", "演示台账已载入：{0} 笔演示数据";
    rolling_note: "bringing the book to {0}: {1} of {2} loans recomputed…", "正在把台账推进到 {0}：已重算 {1}/{2} 笔…";
    msg_rolled: "the book is as of {0} ({1} loans recomputed)", "台账已推进到 {0}（重算 {1} 笔）";
    msg_logged: "logged {0} on {1}", "已记录 {1}：{0}";
    msg_logged_take_back: "logged {0} on {1} · u takes it back", "已记录 {1}：{0} · 按 u 撤回";
    msg_taken_back: "taken back: the call on {0} is marked entered in error and counts toward nothing", "已撤回：{0} 的这次致电标记为误录，不计入任何次数";
    msg_nothing_to_take_back: "nothing to take back: u takes back the call just logged with n or b", "没有可撤回的记录：u 只撤回刚用 n 或 b 记录的致电";
    msg_held_no_calls: "on hold ({0}) until {1}: no collection calls; a call from the debtor: :in", "暂停催收（{0}）至 {1}：不外呼；借款人来电请用 :in";
    msg_logged_promise: "logged a promise of {0} by {1} on {2}", "已记录 {2} 的承诺还款：{1} 前还 {0}";
    msg_noted: "note added to the last contact on {0}", "已为 {0} 的最近一次联系补充备注";
    msg_next_set: "next action on {0}: {1} {2}", "{0} 下次跟进：{2} {1}";
    msg_override_set: "the next contact goes ahead over a refusing rule, for: {0} (supervisors; recorded)", "下一次联系将越过限制规则记录，理由：{0}（须主管权限，留痕）";
    msg_plan_previewed: "{0} preview on {1}: nothing saved yet", "{1} 的{0}预览：尚未保存";
    msg_plan_dropped: "plan preview dropped; nothing saved", "已放弃方案预览，未保存";
    msg_plan_saved: "{0} saved on {1}: the new schedule is in force", "{1} 的{0}已保存：新还款计划生效";
    msg_plan_nothing_to_save: "no plan to save: preview one first with :plan N FIRST", "没有可保存的方案：请先用 :plan 期数 首期日 预览";
    msg_notice_issued: "notice {0} written: {1}", "通知书 {0} 已生成：{1}";
    msg_held: "{0} on hold ({1}) until {2}: no collection calls, no automatic escalation", "{0} 已暂停催收（{1}）至 {2}：不外呼、不自动升级";
    msg_lifted: "hold lifted on {0}", "{0} 已解除暂停";
    msg_moved: "{0} moved to stage {1}", "{0} 已调整至阶段 {1}";
    msg_agency_placed: "{0} placed with agency {1}", "{0} 已委外至 {1}";
    msg_agency_back: "{0} taken back from its agency", "{0} 已收回委外";
    msg_written_off: "{0} written off", "{0} 已核销";
    msg_reopened: "{0} reopened", "{0} 已恢复催收";
    msg_run_busy: "the escalation run is still working", "升级批处理仍在进行";
    msg_run_supervisors: "applying the run is a supervisor's: this preview writes nothing", "执行升级须主管权限：本预览不写入任何内容";
    msg_run_confirm: "press R again to apply the run as of {0} to the whole book", "再按一次 R，对全部台账执行截至 {0} 的升级";
    msg_run_previewed: "preview: {0} loans would change as of {1}; nothing written", "预览：截至 {1} 将有 {0} 笔贷款变动；未写入";
    msg_run_applied: "escalation as of {1} applied: {0} loans changed", "截至 {1} 的升级已执行：{0} 笔贷款变动";
    run_title_preview: "Tonight's run as of {0} · preview, nothing written", "截至 {0} 的升级批处理 · 预览，未写入";
    run_title_applied: "Escalation run as of {0} · applied", "截至 {0} 的升级批处理 · 已执行";
    run_working: "{0}: {1} of {2} loans…", "{0}：{1} / {2} 笔…";
    run_starting: "starting…", "正在开始…";
    run_phase_refresh: "refreshing the book", "刷新台账";
    run_phase_apply: "applying the policy", "应用升级策略";
    run_phase_signals: "opening and closing warnings", "更新风险预警";
    run_phase_classes: "recording class changes", "记录分类变动";
    run_phase_month_end: "recording the month-end", "记录月末数据";
    run_summary_preview: "{0} loans · {1} would change · {2} held by a promise · {3} on hold · {4} notices due", "检查 {0} 笔 · 将变动 {1} · 承诺暂缓 {2} · 暂停催收 {3} · 应发催收通知 {4}";
    run_summary_applied: "{0} loans · {1} changed · {2} held by a promise · {3} on hold · {4} notices due", "检查 {0} 笔 · 已变动 {1} · 承诺暂缓 {2} · 暂停催收 {3} · 应发催收通知 {4}";
    run_no_changes: "no changes", "无变动";
    run_failed: "the run stopped: {0}", "批处理中止：{0}";
    col_from: "FROM", "原阶段";
    col_to: "TO", "新阶段";
    marked_count: "{0} marked", "已标记 {0}";
    msg_marks_cleared: "marks cleared", "已清除标记";
    msg_assigned: "{0} cases given to {1}", "{0} 户案件已分配给 {1}";
    msg_taken_over: "{0} taken over: the case is yours to edit", "已接管 {0}：现在由你处理";
    msg_lease_lost: "{0} was taken over by a supervisor: this desk no longer holds it, and edits are refused; leave the case and open it again to read it", "{0} 已被主管接管：本终端不再持有该案件，编辑将被拒绝；请退出案件后重新打开查看";
    worked_by_row: "{0} is being worked by {1}", "{0} 正由 {1} 处理";
    worked_by_case: "being worked by {0} until {1}: read only (supervisors: :takeover REASON)", "正由 {0} 处理至 {1}：只读（主管可 :takeover 原因）";
    msg_confirm: "{0} — y does it, any other key leaves everything as it is", "{0}——按 y 执行，其他键取消";
    msg_confirm_cancelled: "cancelled: nothing changed", "已取消：没有任何改动";
    confirm_bulk: "move {0} cases ({1}): {2}", "移交 {0} 户（{1}）：{2}";
    confirm_assign: "give {0} cases to {1}: {2}", "把 {0} 笔案件交给 {1}：{2}";
    confirm_write_off: "write off {0} (payoff {1}) for: {2}", "核销 {0}（结清金额 {1}），原因：{2}";
    and_more: "{0} and {1} more", "{0} 等另外 {1} 笔";
    msg_bulk_nothing: "no case to move: the filter selects none (or all are open elsewhere)", "没有可移交的案件：条件未选中任何案件（或均在他人处理中）";
    msg_bulk_planned: "would move {0} cases ({1} open elsewhere, skipped); then: {2}", "将移交 {0} 户（{1} 户他人处理中，跳过）；之后：{2}";
    msg_bulk_moved: "{0} cases moved ({1} open elsewhere, skipped); now: {2}", "已移交 {0} 户（{1} 户他人处理中，已跳过）；现在：{2}";
    msg_revealed: "{0} {1}: {2} (recorded)", "{0} {1}：{2}（已留痕）";
    msg_open_case_first: "open a case first", "请先打开一个案件";
    msg_no_contact_to_note: "no contact on this case to add a note to", "该案件还没有联系记录，无法补充备注";
    msg_usage: "usage: {0}", "用法：{0}";
    usage_words: "{0} ({1}: {2})", "{0}（{1}：{2}）";
    msg_unknown_word: "unknown {0} '{1}': use {2}", "未知{0}“{1}”：可用 {2}";
    list_separator: ", ", "、";
    msg_bad_args: "{0} · usage: {1}", "{0} · 用法：{1}";
    msg_unknown_command: "unknown command ':{0}': did you mean :{1}? (? lists every command)", "未知命令“:{0}”：是否要用 :{1}？（? 列出全部命令）";
    msg_unknown_command_none: "unknown command ':{0}' (? lists every command)", "未知命令“:{0}”（? 列出全部命令）";
    msg_goto_nothing: "no loan matches '{0}': staying here", "没有贷款匹配“{0}”：停留在当前页面";
    msg_goto_many: "{0} loans match '{1}': {2} (:goto a whole loan id)", "{0} 笔贷款匹配“{1}”：{2}（:goto 完整贷款编号）";
    msg_no_loan_starts: "no loan id starts with '{0}'", "没有以“{0}”开头的贷款编号";
    msg_config_problem: "config: {0} bad entry replaced by its default; duedesk config check", "配置：{0} 处错误已用默认值代替；duedesk config check";
    msg_config_problems: "config: {0} bad entries replaced by defaults; duedesk config check", "配置：{0} 处错误已用默认值代替；duedesk config check";
    // Post-loan work: the Inspections and Review lists, the case's panes and its form.
    msg_inspected: "{0} inspection of {1} recorded; its next one is on the Inspections pane", "已记录 {1} 的{0}检查；下次检查见“检查”页";
    msg_work_logged: "work log written on the customer of {0}; a supervisor signs it", "已为 {0} 的客户填写工作日志，待主管签署";
    msg_form_dropped: "inspection form dropped, nothing recorded", "已放弃检查表，未记录";
    msg_no_signal_here: "put the cursor on a signal in the Signals pane first (Tab to it)", "请先切换到预警页（Tab），把光标移到一条信号上";
    msg_warned: "{0} warning raised on {1}", "已对 {1} 发起{0}预警";
    msg_signal_confirmed: "signal {0} on {1} confirmed", "已核实 {1} 的预警信号 {0}";
    msg_signal_closed: "signal {0} on {1} closed", "已解除 {1} 的预警信号 {0}";
    msg_measure_recorded: "measure recorded on signal {1}: {0}", "已为预警信号 {1} 登记处置措施：{0}";
    msg_watched: "the customer of {0} is on the watchlist", "{0} 的客户已列入重点监测名单";
    msg_unwatched: "the customer of {0} is off the watchlist", "{0} 的客户已移出重点监测名单";
    msg_review_open_first: "open the Review list (V) and put the cursor on what to sign", "请先打开待签署清单（V），把光标移到要签署的项";
    msg_accept_inspections_only: "accept takes an inspection's recommended class; a work log is signed without it", "accept 只用于采纳检查建议的分类，工作日志直接签署";
    msg_signed: "{0} {1} signed", "已签署{0} {1}";
    review_inspection: "inspection", "检查";
    review_work_log: "work log", "工作日志";
    inspections_title: "Inspections due by date{0} · {1}", "应做贷后检查（按到期日）{0} · {1}";
    inspections_overdue_only: " · overdue only", " · 仅逾期";
    tab_warnings: "Warnings", "风险预警";
    warnings_watched: " · watchlist", " · 重点监测";
    warnings_none: "  no open warning", "  没有未解除的预警";
    col_level: "LEVEL", "级别";
    col_signal: "SIGNAL", "预警信号";
    col_opened: "OPENED", "发起日";
    col_days_open: "DAYS", "天数";
    inspections_none: "  no inspection due", "  没有应做的检查";
    inspections_none_overdue: "  no inspection overdue", "  没有逾期的检查";
    review_title: "Awaiting a signature (working days left) · {0}", "待签署意见（剩余工作日）· {0}";
    review_none: "  nothing awaits a signature", "  没有待签署的项";
    col_late: "LATE", "逾期";
    col_left: "LEFT", "剩余";
    col_what: "WHAT", "事项";
    col_about: "ABOUT", "内容";
    col_inspector: "BY", "检查人";
    col_result: "RESULT", "结论";
    col_mode: "MODE", "方式";
    col_item: "ITEM", "押品";
    col_value: "VALUE", "估值";
    col_valued: "VALUED", "估值日";
    col_revalue: "REVALUE BY", "重估日";
    col_insured: "INSURED TO", "保险至";
    col_sign_by: "SIGN BY", "签署期限";
    col_signed: "SIGNED", "签署";
    next_inspection: "next {0} due {1}", "下次{0}检查 {1}";
    next_inspection_late: "next {0} due {1}, {2} days overdue", "下次{0}检查 {1}，已逾期 {2} 天";
    collateral_summary: "held value {0} · loan to value {1}", "在押估值 {0} · 抵押率 {1}";
    form_title: " Inspection of {0} ", " {0} 贷后检查 ";
    form_hint: "one key a row · ↑↓ move · Enter on the findings records it · Esc drops it", "每行一键 · ↑↓ 移动 · 在“检查发现”按 Enter 记录 · Esc 放弃";
    form_need_findings: "write the findings, then Enter", "请填写检查发现后按 Enter";
    form_kind: "Kind", "检查类型";
    form_mode: "Mode", "检查方式";
    form_funds: "Funds used", "资金用途";
    form_business: "Business", "经营/收入";
    form_collateral: "Collateral", "押品状况";
    form_guarantor: "Guarantor", "担保能力";
    form_conclusion: "Conclusion", "检查结论";
    form_recommend: "Recommend", "建议分类";
    form_date: "Date", "检查日期";
    form_findings: "Findings", "检查发现";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(t: &str) -> Vec<String> {
        let mut m: Vec<String> =
            (0..10).map(|i| format!("{{{i}}}")).filter(|p| t.contains(p.as_str())).collect();
        m.sort();
        m
    }

    #[test]
    fn every_english_text_has_a_chinese_one_with_the_same_arguments() {
        let (en, zh) = (EN.entries(), ZH.entries());
        assert_eq!(en.len(), zh.len());
        for ((name, e), (zname, z)) in en.iter().zip(&zh) {
            assert_eq!(name, zname);
            assert!(!e.is_empty() && !z.is_empty(), "{name} is empty");
            assert_eq!(marks(e), marks(z), "{name}: the languages take different arguments");
            // Only symbols and names stay the same in both.
            if e == z {
                assert!(!e.chars().any(|c| c.is_ascii_alphabetic()), "{name} is not translated: {e}");
            }
        }
    }

    #[test]
    fn templates_fill_their_marks() {
        assert_eq!(fill("{0} 笔贷款", &[&12]), "12 笔贷款");
        assert_eq!(fill("{1}-{0}-{2}", &[&"a", &"b"]), "b-a-{2}");
        assert_eq!(fill("{x} {", &[]), "{x} {");
    }
}
