//! `GET /api/records.xlsx`: the rows of the office list's filter, all of them, in one
//! workbook with the core's Chinese names, on both databases.

use crate::common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::TestDb;
use common::app::App;
use estate_core::records::inspection::{self, Occasion};
use estate_core::records::ticket::{self, Category};
use estate_core::records::vocabulary::{self, vocabulary};
use serde_json::Value;

/// Every row `GET /api/records?{filter}` lists, page after page.
async fn listed(app: &App, token: &str, filter: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/records?{filter}&limit=500{cursor}");
        let page = app.get(&path, token).await.json();
        rows.extend(page["records"].as_array().expect("records").iter().cloned());
        match page["next"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return rows,
        }
    }
}

/// The Chinese the workbook should show for a stored status or category of `kind`.
/// A status as the workbook writes it: in Chinese where the core names it.
fn status_label(kind: &str, status: &str) -> String {
    vocabulary::status_label(kind, status)
        .unwrap_or(status)
        .to_owned()
}

fn category_label(kind: &str, category: &str) -> String {
    let label = match kind {
        ticket::KIND => Category::ALL
            .iter()
            .find(|c| c.as_str() == category)
            .map(|c| c.label_zh()),
        inspection::KIND => Occasion::ALL
            .iter()
            .find(|o| o.as_str() == category)
            .map(|o| o.label_zh()),
        _ => None,
    };
    label.unwrap_or(category).to_owned()
}

fn kind_label(kind: &str) -> String {
    vocabulary()["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .find(|k| k["value"] == kind)
        .and_then(|k| k["label"].as_str())
        .expect("a kind the vocabulary names")
        .to_owned()
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other:?}"),
    }
}

/// The workbook's rows below its header, as text.
async fn exported(app: &App, token: &str, filter: &str) -> (String, Vec<Vec<String>>) {
    let answer = app.get(&format!("/api/records.xlsx?{filter}"), token).await;
    assert_eq!(
        answer.status,
        200,
        "{filter}: {}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(
        answer.header(&axum::http::header::CONTENT_TYPE),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = answer.header(&axum::http::header::CONTENT_DISPOSITION);
    assert!(
        disposition.contains("filename*=UTF-8''%E8%AE%B0%E5%BD%95"),
        "记录…: {disposition}"
    );
    let mut book = Xlsx::new(Cursor::new(answer.body)).expect("a workbook");
    let sheet = book.worksheet_range("记录").expect("the sheet");
    let headers: Vec<String> = (0..13).map(|c| text(sheet.get_value((2, c)))).collect();
    assert_eq!(
        headers,
        [
            "记录编号",
            "类型",
            "片区",
            "房号",
            "状态",
            "分类",
            "月份",
            "日期",
            "摘要",
            "期限",
            "已超期",
            "首次入库",
            "最近更新"
        ]
    );
    let rows = sheet
        .rows()
        .skip(3)
        .map(|row| row.iter().map(|c| text(Some(c))).collect())
        .collect();
    (text(sheet.get_value((0, 0))), rows)
}

on_both_databases!(the_records_workbook_holds_every_row_the_list_filter_matches);
async fn the_records_workbook_holds_every_row_the_list_filter_matches(db: TestDb) {
    let app = App::demo(&db).await;
    let office = app.sign_in("office-chen").await;
    // (filter, words the title names it by)
    let cases = [
        ("kind=ticket&area=A1", "客户信息·一区"),
        ("kind=unit&area=A2", "二区"),
        ("kind=vacant-inspection&month=2026-10", "2026-10"),
        ("kind=ticket&category=complaint&project=P1", "翠湖花园"),
        ("overdue=true", "已超期"),
    ];
    for (filter, title) in cases {
        let list = listed(&app, &office, filter).await;
        assert!(!list.is_empty(), "{filter} lists something");
        let (said, rows) = exported(&app, &office, filter).await;
        assert!(said.contains(title), "{filter}: {said}");
        assert_eq!(rows.len(), list.len(), "{filter}: one row per record");
        for (row, r) in rows.iter().zip(&list) {
            let kind = r["kind"].as_str().unwrap();
            let area = if r["areaId"] == "A1" {
                "一区"
            } else {
                "二区"
            };
            let status = r["status"]
                .as_str()
                .map_or_else(String::new, |s| status_label(kind, s));
            let category = r["category"]
                .as_str()
                .map_or_else(String::new, |c| category_label(kind, c));
            let expected = [
                r["id"].as_str().unwrap().to_owned(),
                kind_label(kind),
                area.to_owned(),
                r["code"].as_str().unwrap_or_default().to_owned(),
                status,
                category,
                r["month"].as_str().unwrap_or_default().to_owned(),
                r["date"].as_str().unwrap_or_default().to_owned(),
                r["title"].as_str().unwrap().to_owned(),
            ];
            assert_eq!(row[..9], expected, "{filter}");
            let overdue = if r["overdue"] == true { "是" } else { "否" };
            assert_eq!(row[10], overdue, "{filter}: {r}");
            // The demo was stored at the epoch: 08:00 in Shanghai.
            assert_eq!(row[11], "1970-01-01 08:00", "{filter}");
            if r["dueAt"].is_null() {
                assert_eq!(row[9], "", "{filter}");
            } else {
                assert_eq!(
                    row[9].len(),
                    "2026-10-01 09:00".len(),
                    "{filter}: {}",
                    row[9]
                );
            }
        }
    }

    // A housekeeper exports what their list shows: nothing of another's area.
    let li = app.sign_in("hk-li").await;
    let (_, rows) = exported(&app, &li, "kind=ticket&area=A1").await;
    assert!(rows.is_empty());
    // The workbook is not paged, and a bad filter is refused as the list refuses it.
    for filter in [
        "kind=ticket&limit=10",
        "cursor=1~x",
        "kind=nonsense",
        "month=10月",
    ] {
        let answer = app
            .get(&format!("/api/records.xlsx?{filter}"), &office)
            .await;
        assert_eq!(answer.status, 400, "{filter}");
        let said = answer.json()["error"]
            .as_str()
            .expect("a reason")
            .to_owned();
        assert!(
            said.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{filter}: said in Chinese: {said}"
        );
    }
}

on_both_databases!(past_fifty_thousand_rows_the_office_is_asked_to_narrow_the_filter);
async fn past_fifty_thousand_rows_the_office_is_asked_to_narrow_the_filter(db: TestDb) {
    let app = App::demo(&db).await;
    // A year of a large area's inspections, as the projection would hold them.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50001)
         INSERT INTO records (doc_id, kind, area_id, month, category, title, created_at, received_at)
         SELECT 'bulk-' || i, 'vacant-inspection', 'A1', '2026-09', 'monthly', '巡查', i, i FROM n",
    )
    .execute(app.store.pool())
    .await
    .expect("rows");
    let office = app.sign_in("office-chen").await;
    let answer = app
        .get("/api/records.xlsx?kind=vacant-inspection", &office)
        .await;
    assert_eq!(answer.status, 400);
    let said = answer.json()["error"].as_str().unwrap().to_owned();
    assert!(said.contains("50000") && said.contains("缩小"), "{said}");
    let (_, rows) = exported(&app, &office, "kind=vacant-inspection&area=A2").await;
    assert!(!rows.is_empty());
}
