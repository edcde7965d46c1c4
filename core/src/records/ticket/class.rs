//! How customer information is classified (seed 004): its category (§4.1), the channel
//! it came through (§3.5, §4.4.5), a repair's scope and scale (§4.4.2), a complaint's
//! validity and severity (§4.4.1), and the four levels of satisfaction (seed 001 篇2
//! §4.1.3).

use serde::{Deserialize, Serialize};

labelled! {
    /// The 14 categories of customer information (seed 004 §4.1: "投诉、报修、装修、安全、
    /// 车辆、设备设施、环境管理、物业人员、社区经营、建议、表扬、咨询、特约服务、其他").
    Category {
        Complaint = "complaint" / "投诉",
        Repair = "repair" / "报修",
        Renovation = "renovation" / "装修",
        Security = "security" / "安全",
        Vehicle = "vehicle" / "车辆",
        Facilities = "facilities" / "设备设施",
        Environment = "environment" / "环境管理",
        Staff = "staff" / "物业人员",
        CommunityBusiness = "community_business" / "社区经营",
        Suggestion = "suggestion" / "建议",
        Praise = "praise" / "表扬",
        Consultation = "consultation" / "咨询",
        SpecialService = "special_service" / "特约服务",
        Other = "other" / "其他",
    }
}

impl Category {
    /// Categories whose closure needs a callback first: complaints ("处理完成3个工作日内
    /// 100%回访") and special services ("对客户特约服务100%回访").
    pub fn callback_required(self) -> bool {
        matches!(self, Category::Complaint | Category::SpecialService)
    }

    /// Categories answered on the spot: a consultation or a praise may be closed as
    /// soon as it is registered.
    pub fn closes_at_intake(self) -> bool {
        matches!(self, Category::Consultation | Category::Praise)
    }
}

labelled! {
    /// Where the information came from.
    Channel {
        /// 服务中心24小时服务热线 / 电话
        Hotline = "hotline" / "服务热线",
        /// 400服务监督热线
        SupervisionHotline = "supervision_hotline" / "400监督热线",
        /// 前台来访
        FrontDesk = "front_desk" / "前台来访",
        /// 管家拜访
        Visit = "visit" / "管家拜访",
        /// 巡查发现
        Patrol = "patrol" / "巡查发现",
        /// 业主沟通会
        OwnerMeeting = "owner_meeting" / "业主沟通会",
        /// 客户信息数据平台 / 网络
        Online = "online" / "线上平台",
    }
}

labelled! {
    /// A repair's scope (seed 004 §4.4.2 a: "按维修范围分为家政报修和公共区域报修").
    RepairScope {
        Household = "household" / "家政报修",
        Public = "public" / "公共区域报修",
    }
}

labelled! {
    /// A repair's scale; the completion deadline follows it (seed 004 §4.4.2 b).
    RepairScale {
        /// 急修: called back within 24 hours (seed 003).
        Emergency = "emergency" / "急修",
        /// 一般性故障: ≤ 8 hours.
        General = "general" / "一般故障",
        /// 小修: a public facility's the same day (不过夜).
        Minor = "minor" / "小修",
        /// 中修: 1–3 days.
        Medium = "medium" / "中修",
        /// 大修: 2–5 days.
        Major = "major" / "大修",
    }
}

labelled! {
    /// Whom a complaint is reported up to (seed 004 §4.4.1 c; seed 000).
    Referee {
        /// 项目负责人 / 项目经理: every general complaint ("及时上报项目负责人"), and the
        /// early warning of a group complaint (seed 003 G5: "第一时间告知项目经理").
        ProjectHead = "project_head" / "项目负责人",
        /// 公司领导: compensation of any amount, a complaint against the office director.
        CompanyLeadership = "company_leadership" / "公司领导",
        /// 400服务监督热线: the result of a complaint it took, after the company's callback.
        Hotline400 = "hotline_400" / "400服务监督热线",
    }
}

labelled! {
    /// How a customer was reached about their ticket (a 沟通记录).
    ContactWay {
        Phone = "phone" / "电话",
        Visit = "visit" / "上门",
        Sms = "sms" / "短信",
        WeChat = "wechat" / "微信",
    }
}

labelled! {
    /// Whether a complaint is the company's fault (seed 004 §4.4.1 a).
    Validity {
        /// 有效投诉: our management or service fell short.
        Valid = "valid" / "有效投诉",
        /// 求助型: the customer needs help.
        HelpSeeking = "help_seeking" / "无效投诉·求助型",
        /// 咨询型: a question or suggestion.
        Consultation = "consultation" / "无效投诉·咨询型",
        /// 发泄型: venting a grievance or misunderstanding.
        Venting = "venting" / "无效投诉·发泄型",
    }
}

labelled! {
    /// A complaint's business type (seed 004 §4.4.1 b: "投诉按照业务类别分为：装修管理、安全
    /// 管理、车辆管理、设备设施管理、环境管理、物业人员、投诉处理、社区经营、售后服务、其他"):
    /// what the monthly table counts as hot issues.
    BusinessType {
        Renovation = "renovation" / "装修管理",
        Security = "security" / "安全管理",
        Vehicle = "vehicle" / "车辆管理",
        Facilities = "facilities" / "设备设施管理",
        Environment = "environment" / "环境管理",
        Staff = "staff" / "物业人员",
        ComplaintHandling = "complaint_handling" / "投诉处理",
        CommunityBusiness = "community_business" / "社区经营",
        AfterSales = "after_sales" / "售后服务",
        Other = "other" / "其他",
    }
}

labelled! {
    /// A valid complaint's severity (seed 004 §4.4.1 a 1).
    Severity {
        General = "general" / "一般投诉",
        Major = "major" / "重大投诉",
    }
}

labelled! {
    /// The four levels of satisfaction (seed 001 篇2 §4.1.3 b).
    Satisfaction {
        VerySatisfied = "very_satisfied" / "很满意",
        Satisfied = "satisfied" / "满意",
        FairlySatisfied = "fairly_satisfied" / "较满意",
        Unsatisfied = "unsatisfied" / "不满意",
    }
}

impl Satisfaction {
    /// "对业主（住户）评价为“很满意”、“满意”、“较满意”的可确定为满意项" (seed 001 篇2 §4.1.5 b).
    pub fn counts_as_satisfied(self) -> bool {
        self != Satisfaction::Unsatisfied
    }
}

labelled! {
    /// What raises a ticket to a major customer event besides a group complaint and a
    /// month unresolved (seed 004 §4.3.4).
    Escalation {
        /// 媒体负面报道 / 业界公开通报
        Media = "media" / "媒体曝光",
        /// 到上级单位上访 / 政府或行业主管部门反馈
        Authority = "authority" / "上级单位上访",
        /// 诉讼
        Litigation = "litigation" / "诉讼",
        /// 赔偿 (major when 5,000 yuan or more)
        Compensation = "compensation" / "赔偿",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_fourteen_categories_as_in_the_seed() {
        let labels: Vec<&str> = Category::ALL.iter().map(|c| c.label_zh()).collect();
        assert_eq!(
            labels.join("、"),
            "投诉、报修、装修、安全、车辆、设备设施、环境管理、物业人员、社区经营、建议、表扬、咨询、特约服务、其他"
        );
    }

    #[test]
    fn complaints_fall_into_the_ten_business_types_of_the_seed() {
        let labels: Vec<&str> = BusinessType::ALL.iter().map(|c| c.label_zh()).collect();
        assert_eq!(
            labels.join("、"),
            "装修管理、安全管理、车辆管理、设备设施管理、环境管理、物业人员、投诉处理、社区经营、售后服务、其他"
        );
    }

    #[test]
    fn three_of_four_levels_count_as_satisfied() {
        let satisfied: Vec<&str> = Satisfaction::ALL
            .iter()
            .filter(|s| s.counts_as_satisfied())
            .map(|s| s.label_zh())
            .collect();
        assert_eq!(satisfied, ["很满意", "满意", "较满意"]);
    }
}
