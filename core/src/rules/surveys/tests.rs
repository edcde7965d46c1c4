//! Survey campaigns, each case quoting seed 000 or 001 篇2.

use super::*;
use crate::records::any::AnyRecord;
use crate::records::journal::Input;
use crate::records::kind::Record;
use crate::records::people::{Actor, StaffRole};
use crate::records::survey::{Survey, SurveyAction, SurveyHeader};
use crate::records::unit::{Unit, UnitAction, UnitHeader, UnitStatus};
use crate::rules::deadlines::Standing;
use crate::rules::testing::{Built, at, date, keeper, wrap};

fn desk() -> Actor {
    Actor::new("office-chen", StaffRole::Office)
}

fn unit(n: u8) -> DocumentId {
    DocumentId::from_bytes([n; 16])
}

fn code(n: u8) -> crate::records::unit::UnitCode {
    format!("1-1-{}", 100 + u32::from(n)).parse().expect("code")
}

fn survey() -> Built<Survey> {
    Built::new(&SurveyHeader {
        area_id: "A1".into(),
        campaign: "2026-11".parse().expect("month"),
        purpose: "了解业主对物业服务的满意程度".into(),
        items: vec!["客户服务".into(), "环境保洁".into()],
        planned: 5,
        opens: date("2026-11-02"),
        closes: date("2026-11-15"),
        staff: vec!["张敏".into()],
    })
}

fn act(
    s: &mut Built<Survey>,
    action: SurveyAction,
    who: &Actor,
    note: &str,
    when: &str,
) -> Result<(), String> {
    let input = Input::act(action).with_note(note);
    Record::<Survey>::act(&mut s.doc, input, who, at(when))
        .map(|(_, r)| s.record = r)
        .map_err(|e| e.to_string())
}

/// An act on a survey: what, by whom, the note.
type Act<'a> = (SurveyAction, &'a Actor, &'a str);

fn hand(n: u8) -> SurveyAction {
    SurveyAction::Hand {
        unit: unit(n),
        unit_code: code(n),
    }
}

fn back(n: u8, ratings: Vec<Rating>, comment: &str, topic: Option<BusinessType>) -> SurveyAction {
    SurveyAction::Return {
        unit: unit(n),
        unit_code: code(n),
        ratings,
        comment: comment.into(),
        topic,
    }
}

use Rating::{
    Dissatisfied as No, FairlySatisfied as Fair, Satisfied as Yes, VerySatisfied as Very,
};

#[test]
fn a_survey_runs_only_as_its_approved_plan_allows() {
    // 4.1.2 b "各管理处编制的实施计划…由管理者代表批准"; 4.1.3 b the four levels per item.
    let (hk, desk) = (&keeper(), &desk());
    let cases: Vec<(&str, Vec<Act<'_>>, &str)> = vec![
        (
            "no form before the plan is approved",
            vec![(hand(1), hk, "")],
            "尚未批准",
        ),
        (
            "the housekeeper does not approve",
            vec![(SurveyAction::Approve {}, hk, "")],
            "批准",
        ),
        (
            "a form comes back from a household it went to",
            vec![
                (SurveyAction::Approve {}, desk, ""),
                (back(1, vec![Yes, Yes], "", None), hk, ""),
            ],
            "未发放",
        ),
        (
            "every item is rated",
            vec![
                (SurveyAction::Approve {}, desk, ""),
                (hand(1), hk, ""),
                (back(1, vec![Yes], "", None), hk, ""),
            ],
            "逐项评价",
        ),
        (
            "a comment has its category, for the Pareto chart",
            vec![
                (SurveyAction::Approve {}, desk, ""),
                (hand(1), hk, ""),
                (back(1, vec![Yes, No], "垃圾清运不及时", None), hk, ""),
            ],
            "类别",
        ),
        (
            "only a household that commented is called back",
            vec![
                (SurveyAction::Approve {}, desk, ""),
                (hand(1), hk, ""),
                (back(1, vec![Yes, Yes], "", None), hk, ""),
                (
                    SurveyAction::CallBack {
                        unit: unit(1),
                        unit_code: code(1),
                        at_home: false,
                    },
                    hk,
                    "已回访",
                ),
            ],
            "没有提出意见",
        ),
        (
            "no analysis before collection closes",
            vec![
                (SurveyAction::Approve {}, desk, ""),
                (SurveyAction::Analyse {}, desk, "满意率92%"),
            ],
            "回收结束后",
        ),
        (
            "no form after collection closes",
            vec![
                (SurveyAction::Approve {}, desk, ""),
                (SurveyAction::Close {}, hk, ""),
                (hand(1), hk, ""),
            ],
            "已结束回收",
        ),
    ];
    for (why, acts, refused) in cases {
        let mut s = survey();
        let got = acts
            .into_iter()
            .enumerate()
            .try_for_each(|(i, (action, who, note))| {
                act(
                    &mut s,
                    action,
                    who,
                    note,
                    &format!("2026-11-0{} 10:00", i + 2),
                )
            });
        match got {
            Err(e) => assert!(e.contains(refused), "{why}: {e}"),
            Ok(()) => panic!("{why}: accepted"),
        }
    }
}

#[test]
fn the_campaign_is_counted_and_its_afterwards_clocked() {
    let hk = &keeper();
    let mut s = survey();
    act(
        &mut s,
        SurveyAction::Approve {},
        &desk(),
        "同意",
        "2026-11-01 09:00",
    )
    .expect("approved");
    for n in 1..=5 {
        act(&mut s, hand(n), hk, "", "2026-11-02 09:00").expect("handed");
    }
    let returns = [
        (1, vec![Very, Yes], "", None, "2026-11-05 10:00"),
        (
            2,
            vec![Fair, No],
            "垃圾清运不及时",
            Some(BusinessType::Environment),
            "2026-11-08 10:00",
        ),
        (
            3,
            vec![No, No],
            "保洁员态度差",
            Some(BusinessType::Environment),
            "2026-11-12 10:00",
        ),
        (
            4,
            vec![Yes, Yes],
            "停车位不够",
            Some(BusinessType::Vehicle),
            "2026-11-16 10:00",
        ),
    ];
    for (n, ratings, comment, topic, when) in returns.iter().take(3).cloned() {
        act(&mut s, back(n, ratings, comment, topic), hk, "", when).expect("returned");
    }
    let mut key = Built::<Unit>::new(&UnitHeader::new(code(3), "A1", UnitStatus::Occupied));
    key.record = Record::<Unit>::act(
        &mut key.doc,
        Input::act(UnitAction::KeyCustomer { key: true }),
        hk,
        at("2026-10-01 09:00"),
    )
    .expect("key customer")
    .1;
    let report = |s: &Built<Survey>, key: &Built<Unit>, now: &str| {
        let mut records = wrap(vec![AnyRecord::Survey(Box::new(s.record.clone()))]);
        records.push((unit(3), AnyRecord::Unit(Box::new(key.record.clone()))));
        let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
        survey_report(
            &p,
            &Scope::everything("翠湖"),
            "2026-11".parse().expect("month"),
            at(now),
        )
    };
    let r = report(&s, &key, "2026-11-13 09:00");
    assert_eq!(
        (r.handed, r.returned, r.return_permille, r.return_met),
        (5, 3, Some(600), Some(true))
    );
    assert_eq!(
        (r.ratings, r.satisfied, r.satisfied_permille),
        (6, 3, Some(500)),
        "4.1.5 b: 很满意、满意、较满意 are satisfied"
    );
    assert_eq!(r.items[0].counts, [1, 0, 1, 1]);
    let clocks = &r.areas[0].clocks;
    assert_eq!(
        (clocks[0].clock, clocks[0].met_at),
        (Clock::SurveyReturn, Some(at("2026-11-12 10:00"))),
        "the third of five reached 60 %"
    );
    assert_eq!(
        clocks[1].due_at,
        Some(at("2026-11-23 00:00")),
        "a week after the 15th"
    );

    // The fourth form comes back after the collection's last day: still counted.
    let (n, ratings, comment, topic, when) = returns[3].clone();
    act(&mut s, back(n, ratings, comment, topic), hk, "", when).expect("returned late");
    let r = report(&s, &key, "2026-11-17 09:00");
    let pareto: Vec<_> = r
        .topics
        .iter()
        .map(|t| (t.label, t.count, t.cumulative_permille))
        .collect();
    assert_eq!(pareto, [("环境管理", 2, 667), ("车辆管理", 1, 1000)]);
    assert_eq!(r.commenters.len(), 3);
    assert!(
        r.commenters
            .iter()
            .any(|c| c.unit_code == "1-1-103" && c.key_customer)
    );

    // 000 "对提出意见和建议的客户应逐户回访，重要客户应登门拜访".
    act(&mut s, SurveyAction::Close {}, hk, "", "2026-11-16 18:00").expect("closed");
    for n in [2, 3, 4] {
        let call = SurveyAction::CallBack {
            unit: unit(n),
            unit_code: code(n),
            at_home: false,
        };
        act(
            &mut s,
            call,
            hk,
            "已电话回访并说明整改计划",
            "2026-11-18 10:00",
        )
        .expect("called");
    }
    let callback = |r: &SurveyReport| {
        r.areas[0]
            .clocks
            .iter()
            .find(|c| c.clock == Clock::SurveyCallback)
            .cloned()
    };
    let by_phone = callback(&report(&s, &key, "2026-11-19 09:00")).expect("callbacks owed");
    assert_eq!(
        by_phone.standing,
        Standing::Pending,
        "the key customer was only phoned"
    );
    let visit = SurveyAction::CallBack {
        unit: unit(3),
        unit_code: code(3),
        at_home: true,
    };
    act(
        &mut s,
        visit,
        hk,
        "登门拜访，业主认可整改安排",
        "2026-11-20 15:00",
    )
    .expect("visited");
    let visited = callback(&report(&s, &key, "2026-11-21 09:00")).expect("callbacks");
    assert_eq!(
        (visited.standing, visited.met_at),
        (Standing::MetOnTime, Some(at("2026-11-20 15:00")))
    );
    act(
        &mut s,
        SurveyAction::Analyse {},
        &desk(),
        "满意率50%，环境管理为主要问题",
        "2026-11-24 10:00",
    )
    .expect("analysed");
    let analysed = &report(&s, &key, "2026-11-25 09:00").areas[0].clocks[1];
    assert_eq!(
        analysed.standing,
        Standing::MetLate,
        "the 24th is past the week"
    );
}
