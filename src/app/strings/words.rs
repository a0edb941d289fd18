//! The domain's words as the desk shows them: English is the word stored and typed, Chinese its
//! translation.

use crate::app::moves::HoldKind;
use crate::app::notice_text::NoticeKind;
use crate::app::notices::ReceiptStatus;
use crate::app::queue_sort::QueueSort;
use crate::app::tasks::TaskKind;
use crate::domain::contact::{Channel, Outcome, Party, PromiseStatus};
use crate::domain::inspection::InspectionKind;
use crate::domain::{Bucket, InstallmentStatus, LoanStatus, Product, RiskClass, Role, Stage};

use super::lang::Lang;

impl Lang {
    /// A signal's level.
    pub fn level(self, l: crate::domain::warning::Level) -> &'static str {
        use crate::domain::warning::Level;
        match (self, l) {
            (Lang::En, l) => l.as_str(),
            (Lang::Zh, Level::Yellow) => "黄色",
            (Lang::Zh, Level::Orange) => "橙色",
            (Lang::Zh, Level::Red) => "红色",
        }
    }

    /// What a person's signal is about.
    pub fn category(self, c: crate::domain::warning::Category) -> &'static str {
        use crate::domain::warning::Category;
        match (self, c) {
            (Lang::En, c) => c.as_str(),
            (Lang::Zh, Category::Lawsuit) => "涉诉",
            (Lang::Zh, Category::Enforcement) => "被执行",
            (Lang::Zh, Category::AccountFrozen) => "账户冻结",
            (Lang::Zh, Category::CollateralSeized) => "押品被查封",
            (Lang::Zh, Category::BusinessStopped) => "停产停业",
            (Lang::Zh, Category::ControlChange) => "控制权变更",
            (Lang::Zh, Category::MisuseOfFunds) => "挪用贷款",
            (Lang::Zh, Category::FraudSuspicion) => "涉嫌欺诈",
            (Lang::Zh, Category::IncomeLoss) => "收入中断",
            (Lang::Zh, Category::Other) => "其他",
        }
    }

    /// A measure taken on a signal.
    pub fn measure_kind(self, k: crate::domain::warning::MeasureKind) -> &'static str {
        use crate::domain::warning::MeasureKind;
        match (self, k) {
            (Lang::En, k) => k.as_str(),
            (Lang::Zh, MeasureKind::IntensifiedMonitoring) => "加强监测",
            (Lang::Zh, MeasureKind::SpecialInspection) => "专项检查",
            (Lang::Zh, MeasureKind::MoreSecurity) => "追加担保",
            (Lang::Zh, MeasureKind::FreezeCredit) => "冻结额度",
            (Lang::Zh, MeasureKind::CallInEarly) => "提前收回",
            (Lang::Zh, MeasureKind::Restructure) => "重组",
            (Lang::Zh, MeasureKind::Collection) => "清收",
            (Lang::Zh, MeasureKind::Other) => "其他",
        }
    }

    /// A measure in a list's narrow column: English shortened, Chinese as it is.
    pub fn measure_short(self, k: crate::domain::warning::MeasureKind) -> &'static str {
        use crate::domain::warning::MeasureKind;
        match (self, k) {
            (Lang::En, MeasureKind::IntensifiedMonitoring) => "monitoring",
            (Lang::En, MeasureKind::SpecialInspection) => "special insp.",
            (Lang::En, MeasureKind::MoreSecurity) => "more security",
            (Lang::En, MeasureKind::FreezeCredit) => "credit frozen",
            (Lang::En, MeasureKind::CallInEarly) => "called in",
            (Lang::En, k) => k.as_str(),
            (Lang::Zh, k) => self.measure_kind(k),
        }
    }

    /// A customer's rating.
    pub fn rating(self, r: crate::domain::warning::Rating) -> &'static str {
        use crate::domain::warning::Rating;
        match (self, r) {
            (Lang::En, r) => r.as_str(),
            (Lang::Zh, Rating::Low) => "低",
            (Lang::Zh, Rating::Medium) => "中",
            (Lang::Zh, Rating::High) => "高",
        }
    }

    /// The rule that set a class worse than its floor.
    pub fn class_reason(self, r: crate::domain::ClassReason) -> &'static str {
        use crate::domain::ClassReason;
        match (self, r) {
            (Lang::En, ClassReason::NplHold) => "NPL hold",
            (Lang::En, r) => r.as_str(),
            (Lang::Zh, ClassReason::Floor) => "逾期天数",
            (Lang::Zh, ClassReason::NplHold) => "不良保持",
            (Lang::Zh, ClassReason::Manual) => "人工认定",
            (Lang::Zh, ClassReason::Restructure) => "重组观察",
        }
    }

    pub fn stage(self, s: Stage) -> &'static str {
        match self {
            Lang::En => s.as_str(),
            Lang::Zh => match s {
                Stage::Current => "正常",
                Stage::Reminder => "提醒",
                Stage::Negotiation => "协商",
                Stage::Guarantor => "担保",
                Stage::Legal => "法律",
                Stage::Closed => "结清",
                Stage::WrittenOff => "核销",
            },
        }
    }

    /// A stage in at most five cells, for a narrow queue (Chinese names are short already).
    pub fn stage_short(self, s: Stage) -> &'static str {
        match self {
            Lang::En => match s {
                Stage::Current => "curr",
                Stage::Reminder => "remd",
                Stage::Negotiation => "negot",
                Stage::Guarantor => "guar",
                Stage::Legal => "legal",
                Stage::Closed => "closd",
                Stage::WrittenOff => "w-off",
            },
            Lang::Zh => self.stage(s),
        }
    }

    pub fn class(self, c: RiskClass) -> &'static str {
        match self {
            Lang::En => c.as_str(),
            Lang::Zh => match c {
                RiskClass::Normal => "正常",
                RiskClass::SpecialMention => "关注",
                RiskClass::Substandard => "次级",
                RiskClass::Doubtful => "可疑",
                RiskClass::Loss => "损失",
            },
        }
    }

    /// What moved a loan's class, as its history says it.
    pub fn class_cause(self, c: crate::domain::ClassCause) -> &'static str {
        use crate::domain::ClassCause;
        match (self, c) {
            (Lang::En, ClassCause::Run) => "the nightly run",
            (Lang::En, ClassCause::WriteOff) => "write-off",
            (Lang::En, c) => c.as_str(),
            (Lang::Zh, ClassCause::Run) => "日终跑批",
            (Lang::Zh, ClassCause::Payment) => "还款",
            (Lang::Zh, ClassCause::Plan) => "还款计划",
            (Lang::Zh, ClassCause::Classify) => "人工认定",
            (Lang::Zh, ClassCause::Lift) => "解除认定",
            (Lang::Zh, ClassCause::WriteOff) => "核销",
            (Lang::Zh, ClassCause::Reopen) => "撤销核销",
            (Lang::Zh, ClassCause::Policy) => "政策变更",
        }
    }

    /// Buckets are written `M0`…`M7+` in both languages.
    pub fn bucket(self, b: Bucket) -> &'static str {
        b.as_str()
    }

    pub fn status(self, s: LoanStatus) -> &'static str {
        match self {
            Lang::En => s.as_str(),
            Lang::Zh => match s {
                LoanStatus::Active => "未结清",
                LoanStatus::Closed => "结清",
                LoanStatus::WrittenOff => "核销",
            },
        }
    }

    /// The product's full name (the case header).
    pub fn product(self, p: Product) -> &'static str {
        match self {
            Lang::En => p.as_str(),
            Lang::Zh => self.product_short(p),
        }
    }

    /// The product in at most 8 cells (the due-soon list).
    pub fn product_short(self, p: Product) -> &'static str {
        match (self, p) {
            (Lang::En, Product::Annuity) => "annuity",
            (Lang::En, Product::EqualPrincipal) => "eq-princ",
            (Lang::En, Product::InterestOnly) => "int-only",
            (Lang::En, Product::Bullet) => "bullet",
            (Lang::Zh, Product::Annuity) => "等额本息",
            (Lang::Zh, Product::EqualPrincipal) => "等额本金",
            (Lang::Zh, Product::InterestOnly) => "先息后本",
            (Lang::Zh, Product::Bullet) => "到期还本",
        }
    }

    pub fn installment(self, s: InstallmentStatus) -> &'static str {
        match self {
            Lang::En => s.as_str(),
            Lang::Zh => match s {
                InstallmentStatus::Paid => "已还清",
                InstallmentStatus::Overdue => "逾期",
                InstallmentStatus::Partial => "部分还款",
                InstallmentStatus::Due => "今日到期",
                InstallmentStatus::Future => "未到期",
            },
        }
    }

    pub fn party(self, p: Party) -> &'static str {
        match self {
            Lang::En => p.as_str(),
            Lang::Zh => match p {
                Party::Debtor => "借款人",
                Party::Guarantor => "担保人",
                Party::ThirdParty => "第三方",
            },
        }
    }

    pub fn channel(self, c: Channel) -> &'static str {
        match self {
            Lang::En => c.as_str(),
            Lang::Zh => match c {
                Channel::Call => "电话",
                Channel::Sms => "短信",
                Channel::Visit => "上门",
                Channel::Letter => "信函",
                Channel::Email => "邮件",
            },
        }
    }

    pub fn outcome(self, o: Outcome) -> &'static str {
        match self {
            Lang::En => o.as_str(),
            Lang::Zh => match o {
                Outcome::NoAnswer => "未接通",
                Outcome::Busy => "忙线",
                Outcome::WrongNumber => "号码错误",
                Outcome::Refused => "拒绝",
                Outcome::Promise => "承诺还款",
                Outcome::Paid => "已还款",
                Outcome::Dispute => "有争议",
                Outcome::Callback => "约回电",
                Outcome::LeftMessage => "已留言",
            },
        }
    }

    /// An outcome as stored (`no_answer`), shown in this language; unknown text as it is.
    pub fn outcome_text(self, stored: &str) -> String {
        match stored.parse::<Outcome>() {
            Ok(o) => self.outcome(o).to_string(),
            Err(_) => stored.to_string(),
        }
    }

    pub fn promise(self, s: PromiseStatus) -> &'static str {
        match self {
            Lang::En => s.as_str(),
            Lang::Zh => match s {
                PromiseStatus::Active => "有效",
                PromiseStatus::Kept => "已兑现",
                PromiseStatus::Broken => "已违约",
            },
        }
    }

    pub fn role(self, r: Role) -> &'static str {
        match self {
            Lang::En => r.as_str(),
            Lang::Zh => match r {
                Role::Collector => "催收员",
                Role::Supervisor => "主管",
                Role::Admin => "管理员",
            },
        }
    }

    /// A sort order as the tab line shows it; English keeps the names `:sort` takes.
    /// A queue order as the tab line shows it; English is the word `:sort` takes.
    pub fn sort(self, s: QueueSort) -> &'static str {
        match self {
            Lang::En => s.as_str(),
            Lang::Zh => match s {
                QueueSort::Dpd => "逾期天数",
                QueueSort::Overdue => "逾期金额",
                QueueSort::Due => "到期日",
                QueueSort::LastContact => "最近联系",
                QueueSort::NextAction => "下次跟进",
            },
        }
    }

    pub fn hold_kind(self, k: HoldKind) -> &'static str {
        match k {
            HoldKind::Dispute => self.text().hold_dispute,
            HoldKind::Hardship => self.text().hold_hardship,
        }
    }

    pub fn inspection_kind(self, k: InspectionKind) -> &'static str {
        match self {
            Lang::En => k.as_str(),
            Lang::Zh => match k {
                InspectionKind::First => "首次",
                InspectionKind::Routine => "常规",
                InspectionKind::Special => "专项",
            },
        }
    }

    /// A word of the inspection form, a checklist answer, a conclusion, a class or a work log
    /// kind, as stored (`first`, `n/a`, `risk`, `substandard`, `visit`, …); anything else as it is.
    pub fn post_loan_word(self, w: &str) -> String {
        if self == Lang::En {
            return w.replace('_', " ");
        }
        let zh = match w {
            "first" => "首次",
            "routine" => "常规",
            "special" => "专项",
            "onsite" => "现场",
            "offsite" => "非现场",
            "ok" => "正常",
            "concern" => "关注",
            "n/a" => "不适用",
            "normal" => "正常",
            "risk" => "风险",
            "none" => "不建议",
            "special_mention" => "关注类",
            "substandard" => "次级类",
            "doubtful" => "可疑类",
            "loss" => "损失类",
            "visit" => "走访",
            "call" => "电话",
            "analysis" => "分析",
            "other" => "其他",
            "house" => "房产",
            "vehicle" => "车辆",
            "land" => "土地",
            "deposit" => "存单",
            "equipment" => "设备",
            "held" => "在押",
            "released" => "已解押",
            "seized" => "已查封",
            "inspection" => "检查",
            "work_log" => "工作日志",
            other => return other.to_string(),
        };
        zh.to_string()
    }

    pub fn task_kind(self, k: TaskKind) -> &'static str {
        let t = self.text();
        match k {
            TaskKind::Call => t.task_call,
            TaskKind::DunningNotice => t.task_dunning,
            TaskKind::GuarantorDemand => t.task_guarantor,
            TaskKind::CollateralRevaluation => t.task_revalue,
            TaskKind::LegalPacket => t.task_packet,
            TaskKind::PlanOffer => t.task_plan,
            TaskKind::MaturityNotice => t.task_maturity,
        }
    }

    /// A plan's kind as stored (`plan`, `extension`, `restructure`); anything else as it is.
    pub fn plan_kind(self, kind: &str) -> String {
        let t = self.text();
        match kind {
            "plan" => t.plan_kind_plan.to_string(),
            "extension" => t.plan_kind_extension.to_string(),
            "restructure" => t.plan_kind_restructure.to_string(),
            other => other.to_string(),
        }
    }

    pub fn notice_kind(self, k: NoticeKind) -> &'static str {
        match k {
            NoticeKind::Dunning => self.text().notice_dunning,
            NoticeKind::GuarantorDemand => self.text().notice_guarantor,
            NoticeKind::Maturity => self.text().notice_maturity,
        }
    }

    pub fn receipt(self, r: ReceiptStatus) -> &'static str {
        match r {
            ReceiptStatus::Pending => self.text().receipt_pending,
            ReceiptStatus::Received => self.text().receipt_received,
            ReceiptStatus::Returned => self.text().receipt_returned,
        }
    }
}
