//! An owner meeting's clocks, each quoting seed 002.

use super::*;
use crate::records::journal::Input;
use crate::records::kind::Record;
use crate::records::meeting::{Answer, Heading, MeetingAction, MeetingHeader, OwnerMeeting};
use crate::rules::deadlines::Standing;
use crate::rules::testing::{Built, at, keeper};

fn meeting() -> Built<OwnerMeeting> {
    Built::new(&MeetingHeader {
        area_id: "A1".into(),
        title: "2026年第四季度业主沟通会".into(),
        starts_at: at("2026-12-10 20:00"),
        place: "物业培训室".into(),
    })
}

fn act(
    m: &mut Built<OwnerMeeting>,
    action: MeetingAction,
    note: &str,
    when: &str,
) -> Result<(), String> {
    Record::<OwnerMeeting>::act(
        &mut m.doc,
        Input::act(action).with_note(note),
        &keeper(),
        at(when),
    )
    .map(|(_, r)| m.record = r)
    .map_err(|e| e.to_string())
}

fn invite(name: &str, answer: Answer) -> MeetingAction {
    MeetingAction::Invite {
        name: name.into(),
        unit_code: Some("1-1-0101".into()),
        answer,
    }
}

fn remind(reminder: Reminder, names: &[&str]) -> MeetingAction {
    MeetingAction::Remind {
        reminder,
        names: names.iter().map(|n| (*n).to_owned()).collect(),
    }
}

fn clock(m: &Built<OwnerMeeting>, which: Clock, now: &str) -> Option<(Option<i64>, Standing)> {
    meeting_clocks(&m.record, at(now))
        .into_iter()
        .find(|d| d.clock == which)
        .map(|d| (d.due_at, d.standing))
}

#[test]
fn owners_coming_or_undecided_are_called_the_day_before_and_the_absent_ten_minutes_before() {
    // 002: "在沟通会开始的前一天，再次打电话提醒预邀确定会来的和待定……的业主";
    // "会议开始前10分钟打电话提醒未到业主".
    let mut m = meeting();
    act(
        &mut m,
        invite("王先生", Answer::Coming),
        "",
        "2026-12-01 10:00",
    )
    .expect("invited");
    act(
        &mut m,
        invite("李女士", Answer::Undecided),
        "",
        "2026-12-01 10:05",
    )
    .expect("invited");
    act(
        &mut m,
        invite("赵先生", Answer::Declined),
        "",
        "2026-12-01 10:10",
    )
    .expect("invited");
    assert_eq!(
        clock(&m, Clock::MeetingReminder, "2026-12-09 12:00"),
        Some((Some(at("2026-12-10 00:00")), Standing::Pending)),
        "by the end of the day before"
    );
    act(
        &mut m,
        remind(Reminder::DayBefore, &["王先生"]),
        "",
        "2026-12-09 15:00",
    )
    .expect("called");
    assert_eq!(
        clock(&m, Clock::MeetingReminder, "2026-12-10 00:01").map(|c| c.1),
        Some(Standing::Overdue),
        "the undecided owner was not called; the one declining needs no call"
    );
    act(
        &mut m,
        remind(Reminder::DayBefore, &["李女士"]),
        "",
        "2026-12-09 16:00",
    )
    .expect("called");
    assert_eq!(
        clock(&m, Clock::MeetingReminder, "2026-12-10 09:00").map(|c| c.1),
        Some(Standing::MetOnTime)
    );

    act(
        &mut m,
        MeetingAction::SignIn {
            name: "王先生".into(),
            unit_code: "1-1-0101".into(),
        },
        "",
        "2026-12-10 19:40",
    )
    .expect("signed in");
    assert_eq!(
        clock(&m, Clock::MeetingCall, "2026-12-10 20:01").map(|c| c.1),
        Some(Standing::Overdue),
        "李女士 had not come ten minutes before: she is called"
    );
    act(
        &mut m,
        remind(Reminder::TenMinutes, &["李女士"]),
        "",
        "2026-12-10 19:50",
    )
    .expect("called");
    assert_eq!(
        clock(&m, Clock::MeetingCall, "2026-12-10 20:01").map(|c| c.1),
        Some(Standing::MetOnTime)
    );
    assert!(
        act(
            &mut m,
            MeetingAction::SignIn {
                name: "李女士".into(),
                unit_code: " ".into()
            },
            "",
            "2026-12-10 20:05"
        )
        .unwrap_err()
        .contains("姓名和房号"),
        "002: 签到（姓名、房号）"
    );
}

#[test]
fn issues_left_open_on_the_spot_need_the_plan_published_and_every_meeting_its_minutes() {
    // 002: "有些问题能当场确定解决的，就可立即在会上给业主明确的答复；有些问题不能当场确定解决
    // 的，会后做整改计划方案并予以公布"; "做好相关会议纪要".
    let mut m = meeting();
    let issue = |answer: Option<&str>| MeetingAction::Issue {
        heading: Heading::Engineering,
        raised_by: "王先生".into(),
        issue: "地库照明不足".into(),
        answer: answer.map(str::to_owned),
    };
    act(
        &mut m,
        issue(Some("本周内更换灯管")),
        "",
        "2026-12-10 20:30",
    )
    .expect("answered on the spot");
    assert_eq!(
        clock(&m, Clock::RectificationPlan, "2026-12-11 09:00"),
        None,
        "nothing left open"
    );
    act(&mut m, issue(None), "", "2026-12-10 20:40").expect("left open");
    assert_eq!(
        clock(&m, Clock::RectificationPlan, "2026-12-11 09:00"),
        Some((Some(at("2026-12-18 00:00")), Standing::Pending))
    );
    assert_eq!(
        clock(&m, Clock::MeetingMinutes, "2026-12-12 00:01").map(|c| c.1),
        Some(Standing::Overdue),
        "the minutes by the end of the next day"
    );
    assert!(
        act(&mut m, MeetingAction::Minutes {}, "", "2026-12-11 10:00")
            .unwrap_err()
            .contains("会议纪要")
    );
    act(
        &mut m,
        MeetingAction::Minutes {},
        "到会业主8户，提出问题2项，1项当场答复",
        "2026-12-11 10:00",
    )
    .expect("minuted");
    act(
        &mut m,
        MeetingAction::Publish {},
        "整改方案已在公告栏公布",
        "2026-12-14 10:00",
    )
    .expect("published");
    assert_eq!(
        clock(&m, Clock::RectificationPlan, "2026-12-14 11:00").map(|c| c.1),
        Some(Standing::MetOnTime)
    );
    assert_eq!(m.record.state.open_issues(), 1);
}
