//! The owner meeting (业主沟通会, seed 002) as one record: its time and place; the
//! invitation list with each owner's answer ("在预邀名单上注明邀请结果，哪些业主确定会来，
//! 哪些业主待定"); the reminders ("在沟通会开始的前一天，再次打电话提醒……确定会来的和待定
//! 的业主"; "会议开始前10分钟打电话提醒未到业主"); the sign-in by name and unit ("指导业主签到
//! （姓名、房号）"); the staff attending; every issue under the seed's five headings, with
//! the answer when one was given on the spot ("有些问题能当场确定解决的，就可立即在会上给业主
//! 明确的答复"); the minutes ("做好相关会议纪要"); and the rectification plan published
//! ("会后做整改计划方案并予以公布") — its items are `rectification` records.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::RecordError;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record, placeholder};
use crate::time::{Month, local_date};

pub const KIND: &str = "owner-meeting";

labelled! {
    /// An owner's answer to the invitation.
    Answer {
        Coming = "coming" / "确定参加",
        Undecided = "undecided" / "待定",
        Declined = "declined" / "不参加",
    }
}

labelled! {
    /// Which reminder: the day before, or ten minutes before the start.
    Reminder {
        DayBefore = "day_before" / "会前一天提醒",
        TenMinutes = "ten_minutes" / "会前10分钟提醒",
    }
}

labelled! {
    /// The five headings owners raise issues under (seed 002 三、5).
    Heading {
        Environment = "environment" / "环境事务",
        Engineering = "engineering" / "工程",
        Security = "security" / "安全管理",
        CustomerService = "customer_service" / "客户服务",
        Other = "other" / "其他",
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeetingHeader {
    pub area_id: String,
    pub title: String,
    pub starts_at: i64,
    pub place: String,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum MeetingAction {
    /// 邀请: an owner invited, and the answer (inviting again records the new answer).
    Invite {
        name: String,
        #[serde(default)]
        unit_code: Option<String>,
        answer: Answer,
    },
    /// 提醒: the owners called.
    Remind {
        reminder: Reminder,
        names: Vec<String>,
    },
    /// 签到: an owner signs in, by name and unit.
    SignIn { name: String, unit_code: String },
    /// 与会人员: the staff attending.
    Staff { names: Vec<String> },
    /// 业主意见: an issue raised, and the answer given on the spot, if one was.
    Issue {
        heading: Heading,
        raised_by: String,
        issue: String,
        #[serde(default)]
        answer: Option<String>,
    },
    /// 会议纪要: the minutes, in the note.
    Minutes {},
    /// 公布整改方案: the rectification plan published.
    Publish {},
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub unit_code: Option<String>,
    pub answer: Answer,
    pub at: i64,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reminded {
    pub reminder: Reminder,
    pub names: Vec<String>,
    pub at: i64,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attendee {
    pub name: String,
    pub unit_code: String,
    pub at: i64,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RaisedIssue {
    pub heading: Heading,
    pub raised_by: String,
    pub issue: String,
    pub answer: Option<String>,
    pub at: i64,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MeetingState {
    /// By the owner's name.
    pub invitations: BTreeMap<String, Invitation>,
    pub reminders: Vec<Reminded>,
    pub signed_in: Vec<Attendee>,
    pub staff: Vec<String>,
    pub issues: Vec<RaisedIssue>,
    pub minutes_at: Option<i64>,
    pub minutes: Option<String>,
    pub published_at: Option<i64>,
}

impl MeetingState {
    /// Owners who said they would come or might.
    pub fn expected(&self) -> impl Iterator<Item = &String> {
        self.invitations
            .iter()
            .filter(|(_, i)| i.answer != Answer::Declined)
            .map(|(name, _)| name)
    }

    /// Issues not answered on the spot: the rectification plan's.
    pub fn open_issues(&self) -> usize {
        self.issues.iter().filter(|i| i.answer.is_none()).count()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OwnerMeeting;

pub type OwnerMeetingRecord = Record<OwnerMeeting>;

fn named(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

impl Kind for OwnerMeeting {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "业主沟通会";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("invite", "邀请业主"),
        ("remind", "提醒"),
        ("sign_in", "签到"),
        ("staff", "与会人员"),
        ("issue", "业主意见"),
        ("minutes", "会议纪要"),
        ("publish", "公布整改方案"),
    ];
    type Header = MeetingHeader;
    type Action = MeetingAction;
    type State = MeetingState;

    fn area(header: &MeetingHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &MeetingHeader) -> MeetingState {
        MeetingState {
            invitations: BTreeMap::new(),
            reminders: Vec::new(),
            signed_in: Vec::new(),
            staff: Vec::new(),
            issues: Vec::new(),
            minutes_at: None,
            minutes: None,
            published_at: None,
        }
    }

    fn apply(
        _header: &MeetingHeader,
        state: &mut MeetingState,
        event: &Event<MeetingAction>,
        action: &MeetingAction,
    ) -> Result<(), String> {
        let at = event.at;
        match action {
            MeetingAction::Invite { name, .. } if name.trim().is_empty() => {
                return Err("请填写业主姓名".into());
            }
            MeetingAction::Invite {
                name,
                unit_code,
                answer,
            } => {
                state.invitations.insert(
                    name.trim().to_owned(),
                    Invitation {
                        unit_code: unit_code.clone().filter(|u| !u.trim().is_empty()),
                        answer: *answer,
                        at,
                    },
                );
            }
            MeetingAction::Remind { reminder, names } => {
                let names = named(names);
                if names.is_empty() {
                    return Err("请填写提醒了哪些业主".into());
                }
                state.reminders.push(Reminded {
                    reminder: *reminder,
                    names,
                    at,
                });
            }
            MeetingAction::SignIn { name, unit_code } => {
                if name.trim().is_empty() || unit_code.trim().is_empty() {
                    return Err("签到须写明姓名和房号".into());
                }
                if state.signed_in.iter().any(|a| a.name == name.trim()) {
                    return Err(format!("{name} 已签到"));
                }
                state.signed_in.push(Attendee {
                    name: name.trim().to_owned(),
                    unit_code: unit_code.trim().to_owned(),
                    at,
                });
            }
            MeetingAction::Staff { names } => state.staff = named(names),
            MeetingAction::Issue { issue, .. } if issue.trim().is_empty() => {
                return Err("请写明业主提出的问题".into());
            }
            MeetingAction::Issue {
                heading,
                raised_by,
                issue,
                answer,
            } => state.issues.push(RaisedIssue {
                heading: *heading,
                raised_by: raised_by.trim().to_owned(),
                issue: issue.trim().to_owned(),
                answer: answer
                    .as_deref()
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned),
                at,
            }),
            MeetingAction::Minutes {} if event.note.trim().is_empty() => {
                return Err("请在说明中写明会议纪要".into());
            }
            MeetingAction::Minutes {} => {
                state.minutes_at = Some(at);
                state.minutes = Some(event.note.trim().to_owned());
            }
            MeetingAction::Publish {} if state.published_at.is_some() => {
                return Err("整改方案已公布".into());
            }
            MeetingAction::Publish {} => state.published_at = Some(at),
        }
        Ok(())
    }

    fn contends(a: &MeetingAction, b: &MeetingAction) -> bool {
        matches!(
            (a, b),
            (MeetingAction::Minutes {}, MeetingAction::Minutes {})
                | (MeetingAction::Staff { .. }, MeetingAction::Staff { .. })
        )
    }

    fn title(header: &MeetingHeader, _state: &MeetingState) -> Option<String> {
        Some(header.title.clone())
    }

    fn entry(header: &MeetingHeader, state: &MeetingState) -> Entry {
        let status = match (state.minutes_at, state.published_at) {
            (_, Some(_)) => STATUSES[2].0,
            (Some(_), None) => STATUSES[1].0,
            (None, None) => STATUSES[0].0,
        };
        Entry {
            kind: KIND.into(),
            date: Some(local_date(header.starts_at).to_string()),
            month: Some(Month::at(header.starts_at).to_string()),
            status: Some(status.into()),
            ..Entry::default()
        }
    }

    fn check_new(header: &MeetingHeader) -> Result<(), RecordError> {
        if header.title.trim().is_empty() || header.place.trim().is_empty() {
            return Err(RecordError::invalid("place", "请写明会议名称和地点"));
        }
        Ok(())
    }

    fn probes(_: &MeetingHeader, _: &MeetingState, _now_ms: i64) -> Vec<MeetingAction> {
        let text = || placeholder::TEXT.to_owned();
        vec![
            MeetingAction::Invite {
                name: text(),
                unit_code: None,
                answer: Answer::Coming,
            },
            MeetingAction::Remind {
                reminder: Reminder::DayBefore,
                names: vec![text()],
            },
            MeetingAction::SignIn {
                name: text(),
                unit_code: text(),
            },
            MeetingAction::Staff {
                names: vec![text()],
            },
            MeetingAction::Issue {
                heading: Heading::Environment,
                raised_by: text(),
                issue: text(),
                answer: None,
            },
            MeetingAction::Minutes {},
            MeetingAction::Publish {},
        ]
    }
}

/// Every status of a meeting as stored (its index entry's `status`), with its label.
pub const STATUSES: &[(&str, &str)] = &[
    ("planned", "筹备中"),
    ("minuted", "已出纪要"),
    ("published", "整改方案已公布"),
];
