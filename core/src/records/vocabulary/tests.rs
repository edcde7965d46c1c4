//! The vocabulary holds every closed set the apps render, and names every action of
//! every kind.

use serde::Deserialize;
use serde::de::value::Error;
use serde::de::{Error as _, Visitor};

use super::*;
use crate::records::any::KINDS;
use crate::records::duty::DutyLog;
use crate::records::engagement::Engagement;
use crate::records::fee_plan::FeePlan;
use crate::records::meeting::OwnerMeeting;
use crate::records::project::Project;
use crate::records::survey::Survey;
use crate::records::weather::SpecialWeather;

fn list<'a>(v: &'a Value, path: &[&str]) -> Vec<(&'a str, &'a str)> {
    let mut at = v;
    for key in path {
        at = &at[key];
    }
    at.as_array()
        .unwrap_or_else(|| panic!("{path:?} is a list"))
        .iter()
        .map(|c| {
            (
                c["value"].as_str().expect("value"),
                c["label"].as_str().expect("label"),
            )
        })
        .collect()
}

fn values<'a>(v: &'a Value, path: &[&str]) -> Vec<&'a str> {
    list(v, path).into_iter().map(|(value, _)| value).collect()
}

#[test]
fn kinds_are_listed_in_menu_order_with_their_names() {
    let v = vocabulary();
    assert_eq!(
        list(&v, &["kinds"]),
        [
            ("ticket", "客户信息"),
            ("vacant-inspection", "空置房巡查"),
            ("public-patrol", "公共部位巡视"),
            ("renovation", "装修"),
            ("visit", "拜访"),
            ("visit-plan", "拜访计划"),
            ("key-ledger", "钥匙台账"),
            ("fee-account", "收费跟进"),
            ("fee-plan", "收费计划"),
            ("rectification", "整改事项"),
            ("duty-log", "值班记录"),
            ("owner-meeting", "业主沟通会"),
            ("engagement", "接待日与客户送迎"),
            ("survey", "满意度调查"),
            ("special-weather", "特殊天气"),
            ("unit", "房屋"),
        ]
    );
}

#[test]
fn lists_hold_stored_values_in_form_order() {
    let v = vocabulary();
    assert_eq!(list(&v, &["ticket", "category"]).len(), 14, "seed 004 §4.1");
    assert_eq!(list(&v, &["ticket", "category"])[0], ("complaint", "投诉"));
    assert_eq!(
        list(&v, &["ticket", "status"])[2],
        ("in_progress", "处理中")
    );
    assert_eq!(
        list(&v, &["inspection", "checklist"])[0],
        ("doorsWindows", "门窗")
    );
    assert_eq!(
        values(&v, &["inspection", "occasion"]),
        ["monthly", "special_weather"]
    );
    assert_eq!(
        list(&v, &["renovation", "checks"])[0],
        ("loadBearing", "墙体承重")
    );
    assert_eq!(
        values(&v, &["renovation", "acceptance"]),
        ["passed", "minor_faults", "structural_damage"]
    );
    assert_eq!(
        values(&v, &["visit", "method"]),
        ["phone", "door", "in_estate"]
    );
    assert_eq!(
        list(&v, &["fees", "contactMethod"]),
        [
            ("phone", "电话"),
            ("door", "上户"),
            ("notice", "发单"),
            ("sms", "短信")
        ]
    );
    assert_eq!(
        list(&v, &["patrol", "point"])[3],
        ("fire_equipment", "消防设施")
    );
    assert_eq!(list(&v, &["unit", "status"]).len(), 4);
    assert_eq!(list(&v, &["clock"])[0], ("dispatch", "派工"));
    assert_eq!(
        list(&v, &["standing"]),
        [
            ("waiting", "等待"),
            ("pending", "进行中"),
            ("overdue", "已超时"),
            ("met_on_time", "按时完成"),
            ("met_late", "超时完成"),
        ]
    );
    assert_eq!(values(&v, &["roles"])[0], "housekeeper");
    for (group, lists) in v.as_object().expect("a map") {
        let lists: Vec<&Value> = match lists {
            Value::Array(_) => vec![lists],
            Value::Object(map) => map.values().collect(),
            _ => panic!("{group} is a list or lists"),
        };
        for l in lists {
            let choices: Vec<&Value> = l.as_array().expect("a list").iter().collect();
            assert!(!choices.is_empty(), "{group}");
            for c in &choices {
                assert!(
                    c["value"].as_str().is_some_and(|s| !s.is_empty()),
                    "{group}: {c}"
                );
                assert!(
                    c["label"].as_str().is_some_and(|s| !s.is_empty()),
                    "{group}: {c}"
                );
            }
            let mut seen: Vec<&str> = choices.iter().filter_map(|c| c["value"].as_str()).collect();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), choices.len(), "{group}: values repeat");
        }
    }
}

/// Records the variant names serde's derive hands to `deserialize_enum` (an action's
/// stored `type`s, renames applied), then stops.
struct VariantNames<'a>(&'a mut &'static [&'static str]);

impl<'de> serde::Deserializer<'de> for VariantNames<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
        Err(Error::custom("not an enum"))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Error> {
        *self.0 = variants;
        Err(Error::custom("names read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// Every `type` of a kind's actions has exactly one label, and every label names one.
fn check_labelled<K: Kind>() -> &'static str {
    let mut types: &'static [&'static str] = &[];
    let _ = K::Action::deserialize(VariantNames(&mut types));
    assert!(
        !types.is_empty(),
        "{}: the action enum names its types",
        K::KIND
    );
    let mut labelled: Vec<&str> = K::ACTIONS.iter().map(|(t, _)| *t).collect();
    let mut known = types.to_vec();
    labelled.sort_unstable();
    known.sort_unstable();
    assert_eq!(
        labelled,
        known,
        "{}: every action and only actions are labelled",
        K::KIND
    );
    let v = vocabulary();
    assert_eq!(list(&v, &["actions", K::KIND]), K::ACTIONS, "{}", K::KIND);
    K::KIND
}

#[test]
fn every_action_of_every_kind_has_a_label() {
    let checked = [
        check_labelled::<Unit>(),
        check_labelled::<Ticket>(),
        check_labelled::<VacantInspection>(),
        check_labelled::<Patrol>(),
        check_labelled::<Renovation>(),
        check_labelled::<Visit>(),
        check_labelled::<VisitPlan>(),
        check_labelled::<KeyLedger>(),
        check_labelled::<FeeAccount>(),
        check_labelled::<FeePlan>(),
        check_labelled::<Rectification>(),
        check_labelled::<DutyLog>(),
        check_labelled::<OwnerMeeting>(),
        check_labelled::<Engagement>(),
        check_labelled::<Survey>(),
        check_labelled::<SpecialWeather>(),
        check_labelled::<Project>(),
    ];
    assert_eq!(checked, KINDS, "every kind is checked");
    let v = vocabulary();
    assert_eq!(
        list(&v, &["actions", "common"]),
        [("note", "备注"), ("resolve", "处理冲突")]
    );
    assert_eq!(
        list(&v, &["actions", "ticket"])[0..2],
        [("dispatch", "派工"), ("respond", "首次响应")]
    );
}

#[test]
fn key_statuses_are_listed_as_stored() {
    use crate::records::keys::KeyStatus;
    let samples = [
        KeyStatus::InCustody,
        KeyStatus::Lent {
            borrower: "王师傅".into(),
            since: 0,
        },
        KeyStatus::LossReported,
        KeyStatus::Lost {
            approved_by: "经理".into(),
        },
        KeyStatus::HandedBack,
    ];
    let stored: Vec<String> = samples
        .iter()
        .map(|s| {
            serde_json::to_value(s).expect("serializes")["status"]
                .as_str()
                .expect("tag")
                .to_owned()
        })
        .collect();
    assert_eq!(values(&vocabulary(), &["keys", "status"]), stored);
}

#[test]
fn every_status_a_list_shows_has_its_chinese_name() {
    for (kind, status, label) in [
        ("ticket", "dispatched", "已派工"),
        ("public-patrol", "finished", "已完成"),
        ("rectification", "open", "整改中"),
        ("fee-account", "arrears", "欠费"),
        ("fee-plan", "reviewed", "已考核"),
        ("unit", "undelivered_vacant", "未交付空置"),
    ] {
        assert_eq!(status_label(kind, status), Some(label), "{kind} {status}");
    }
    assert_eq!(status_label("ticket", "lost"), None);
}
