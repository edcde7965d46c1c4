//! The office's monthly statistics and patrol checkpoints over HTTP, on both databases:
//! what the server answers is the core's computation over the records it holds — for
//! the demo's October, the hand-computed fixture — and an area the caller may not see
//! answers as a missing one.

use crate::common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::TestDb;
use common::app::App;
use estate_core::demo::{SAMPLE_MONTH, demo_estate, sample_as_of};
use estate_core::records::any::AnyRecord;
use estate_core::rules::{Portfolio, Scope, checkpoints, monthly_statistics};

use serde_json::{Value, json};

fn fixture() -> Value {
    serde_json::from_str(include_str!(
        "../../../core/tests/fixtures/statistics-2026-10.json"
    ))
    .expect("fixture is JSON")
}

/// The core's statistics of the sample month over the whole demo estate.
fn core_statistics(scope: &Scope) -> estate_core::rules::MonthlyStatistics {
    let records = demo_estate()
        .expect("demo")
        .records()
        .expect("demo records read");
    let all = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    let month = SAMPLE_MONTH.parse().expect("month");
    monthly_statistics(&all, scope, month, sample_as_of())
}

/// What a request should be answered: the scope's name and areas with the fixture's
/// scope that holds its figures, or a refusal's status.
enum Expect {
    Figures(&'static str, &'static [&'static str], &'static str),
    Refused(u16),
}

on_both_databases!(the_statistics_are_the_cores_over_what_the_server_holds);
async fn the_statistics_are_the_cores_over_what_the_server_holds(db: TestDb) {
    use Expect::{Figures, Refused};
    let app = App::demo(&db).await;
    let fixture = fixture();
    let cases: [(&str, &str, Expect); 14] = [
        ("office-chen", "area=A1", Figures("一区", &["A1"], "A1")),
        (
            "office-chen",
            "project=P1",
            Figures("翠湖花园", &["A1", "A2"], "P1"),
        ),
        ("office-chen", "", Figures("全公司", &["A1", "A2"], "P1")),
        ("admin", "area=A2", Figures("二区", &["A2"], "A2")),
        ("hk-zhang", "area=A1", Figures("一区", &["A1"], "A1")),
        (
            "sup-wang",
            "project=P1",
            Figures("翠湖花园", &["A1", "A2"], "P1"),
        ),
        // A housekeeper's "everything" is their own area.
        ("hk-li", "", Figures("全公司", &["A2"], "A2")),
        // Another's area or project looks exactly like one that does not exist.
        ("hk-li", "area=A1", Refused(404)),
        ("hk-li", "project=P1", Refused(404)),
        ("office-chen", "area=Z9", Refused(404)),
        ("office-chen", "project=P9", Refused(404)),
        ("office-chen", "area=A1&project=P1", Refused(400)),
        ("office-chen", "area=A1&month=2026-13", Refused(400)),
        ("office-chen", "area=A1&colour=red", Refused(400)),
    ];
    for (user, query, expect) in cases {
        let token = app.sign_in(user).await;
        let month = if query.contains("month=") {
            String::new()
        } else {
            format!("month={SAMPLE_MONTH}&")
        };
        let path = format!("/api/statistics?{month}asOf={}&{query}", sample_as_of());
        let answer = app.get(&path, &token).await;
        let body = answer.json();
        match expect {
            Figures(name, areas, figures) => {
                assert_eq!(answer.status, 200, "{user} {query}: {body}");
                let core = core_statistics(&Scope::areas(name, areas.iter().copied()));
                assert_eq!(
                    body,
                    serde_json::to_value(&core).expect("JSON"),
                    "{user} {query}"
                );
                assert_eq!(core.summary(), fixture["scopes"][figures], "{user} {query}");
            }
            Refused(status) => {
                assert_eq!(answer.status, status, "{user} {query}: {body}");
                let said = body["error"].as_str().expect("an error message");
                assert!(
                    said.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "said in Chinese: {said}"
                );
            }
        }
    }

    let office = app.sign_in("office-chen").await;
    let li = app.sign_in("hk-li").await;
    let missing = app.get("/api/statistics?month=2026-10&area=Z9", &li).await;
    let hidden = app.get("/api/statistics?month=2026-10&area=A1", &li).await;
    assert_eq!(
        hidden.json(),
        json!({"error": missing.json()["error"].as_str().unwrap().replace("Z9", "A1")}),
        "a hidden area and a missing one answer alike"
    );
    let bad = app
        .get("/api/statistics?month=2026-13&area=A1", &office)
        .await;
    assert!(bad.json()["error"].as_str().unwrap().contains("YYYY-MM"));
    let none = app.get("/api/statistics?area=A1", &office).await;
    assert_eq!(none.status, 400);
    assert!(none.json()["error"].as_str().unwrap().contains("月份"));
    let anonymous = app
        .send("GET", "/api/statistics?month=2026-10", None, None)
        .await;
    assert_eq!(anonymous.status, 401);

    // Each indicator carries its key, label, group, measure, formula, target and figures.
    let answer = app
        .get("/api/statistics?month=2026-10&area=A1", &office)
        .await;
    let indicator = &answer.json()["indicators"][0];
    let mut fields: Vec<&str> = indicator
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "denominator",
            "formula",
            "group",
            "key",
            "label",
            "measure",
            "met",
            "numerator",
            "permille",
            "rate",
            "target",
            "targetPercent"
        ]
    );
}

/// A cell as text, numbers as written.
fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other:?}"),
    }
}

fn number(cell: Option<&Data>) -> f64 {
    match cell {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("a number, not {other:?}"),
    }
}

on_both_databases!(the_statistics_workbook_holds_the_same_table);
async fn the_statistics_workbook_holds_the_same_table(db: TestDb) {
    let app = App::demo(&db).await;
    let office = app.sign_in("office-chen").await;
    let query = format!("month={SAMPLE_MONTH}&area=A1&asOf={}", sample_as_of());
    let table = app
        .get(&format!("/api/statistics?{query}"), &office)
        .await
        .json();
    let answer = app
        .get(&format!("/api/statistics.xlsx?{query}"), &office)
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header(&axum::http::header::CONTENT_TYPE),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = answer.header(&axum::http::header::CONTENT_DISPOSITION);
    let named = "一区 2026年10月 客户服务月度统计.xlsx";
    let encoded: String = named
        .bytes()
        .map(|b| match b {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    assert!(
        disposition.starts_with("attachment;")
            && disposition.ends_with(&format!("filename*=UTF-8''{encoded}")),
        "{disposition}"
    );

    let mut book = Xlsx::new(Cursor::new(answer.body)).expect("a workbook");
    assert_eq!(
        book.sheet_names(),
        [
            "指标",
            "分类",
            "空置房·装修·拜访",
            "未关闭",
            "不满意",
            "超时",
            "重大事件",
            "群诉",
            "热点问题",
            "特约服务账单",
            "月服务质量报告"
        ],
        "an area's table: no analysis sheet, which a project's or the company's carries"
    );
    // 004 §4.4.2 b: 《月服务质量报告》 counts the repairs the table counts.
    let quality = book
        .worksheet_range("月服务质量报告")
        .expect("the quality report");
    assert_eq!(text(quality.get_value((3, 0))), "报修受理");
    let hot = book.worksheet_range("热点问题").expect("the hot issues");
    assert_eq!(text(hot.get_value((3, 0))), "设备设施管理");
    assert_eq!(
        hot.get_value((3, 1)).map(ToString::to_string).as_deref(),
        Some("6")
    );
    let bill = book.worksheet_range("特约服务账单").expect("the bill");
    assert!(
        text(bill.get_value((1, 0))).contains("应收 140.00 元"),
        "S1 120 + S2 20 yuan"
    );
    let sheet = book.worksheet_range("指标").expect("the indicator sheet");
    let cell = |r: u32, c: u32| sheet.get_value((r, c));
    assert_eq!(text(cell(0, 0)), "一区 2026年10月 客户服务月度统计");
    assert!(text(cell(1, 0)).contains("2026-11-05 10:00"));
    let headers: Vec<String> = (0..9).map(|c| text(cell(2, c))).collect();
    assert_eq!(
        headers,
        [
            "沟通类别",
            "指标",
            "计算公式",
            "分子",
            "分母",
            "比率",
            "目标",
            "本月目标",
            "是否达标"
        ]
    );
    let indicators = table["indicators"].as_array().expect("indicators");
    assert_eq!(sheet.height(), 3 + indicators.len());
    for (n, i) in indicators.iter().enumerate() {
        let r = 3 + n as u32;
        let at = format!("row {r}: {i}");
        assert_eq!(text(cell(r, 0)), i["group"].as_str().unwrap(), "{at}");
        assert_eq!(text(cell(r, 1)), i["measure"].as_str().unwrap(), "{at}");
        assert_eq!(text(cell(r, 2)), i["formula"].as_str().unwrap(), "{at}");
        assert_eq!(number(cell(r, 3)), i["numerator"].as_f64().unwrap(), "{at}");
        assert_eq!(
            number(cell(r, 4)),
            i["denominator"].as_f64().unwrap(),
            "{at}"
        );
        match i["permille"].as_f64() {
            Some(p) => assert_eq!(number(cell(r, 5)), p / 1000.0, "{at}"),
            None => assert_eq!(text(cell(r, 5)), "—", "{at}"),
        }
        assert_eq!(text(cell(r, 6)), i["target"].as_str().unwrap(), "{at}");
        let target = i["targetPercent"].as_f64().unwrap() / 100.0;
        assert_eq!(number(cell(r, 7)), target, "{at}");
        let met = match i["met"].as_bool() {
            Some(true) => "是",
            Some(false) => "否",
            None => "—",
        };
        assert_eq!(text(cell(r, 8)), met, "{at}");
    }
    // Each list has a row per item, in order: (sheet, list, a field, its column).
    for (sheet, list, field, column) in [
        ("未关闭", "open", "place", 2),
        ("不满意", "unsatisfied", "place", 2),
        ("超时", "overdue", "place", 0),
        ("重大事件", "majorEvents", "place", 2),
        ("群诉", "groupComplaints", "topic", 0),
    ] {
        let range = book.worksheet_range(sheet).expect(sheet);
        let items = table[list].as_array().expect(list);
        assert_eq!(range.height(), 3 + items.len(), "{sheet}");
        for (n, item) in items.iter().enumerate() {
            let at = (3 + n as u32, column);
            assert_eq!(
                text(range.get_value(at)),
                item[field].as_str().unwrap(),
                "{sheet}"
            );
        }
    }
    let li = app.sign_in("hk-li").await;
    let hidden = app.get(&format!("/api/statistics.xlsx?{query}"), &li).await;
    assert_eq!(hidden.status, 404);
    assert_eq!(hidden.json()["error"], "没有片区 A1");
}

on_both_databases!(checkpoints_are_the_ones_the_phones_scan);
async fn checkpoints_are_the_ones_the_phones_scan(db: TestDb) {
    let app = App::demo(&db).await;
    let estate = demo_estate().expect("demo");
    let records = estate.records().expect("records read");
    let codes: Vec<String> = records
        .iter()
        .filter_map(|(_, r)| match r {
            AnyRecord::Unit(u) if u.header.area_id == "A1" => {
                Some(u.header.code.as_str().to_owned())
            }
            _ => None,
        })
        .collect();
    let expected = checkpoints("A1", codes.iter().map(String::as_str));
    let office = app.sign_in("office-chen").await;
    let answer = app.get("/api/checkpoints?area=A1", &office).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({"areaId": "A1", "areaName": "一区", "checkpoints": expected})
    );
    let li = app.sign_in("hk-li").await;
    assert_eq!(app.get("/api/checkpoints?area=A1", &li).await.status, 404);
    assert_eq!(app.get("/api/checkpoints?area=A2", &li).await.status, 200);
    assert_eq!(app.get("/api/checkpoints", &office).await.status, 400);
}
