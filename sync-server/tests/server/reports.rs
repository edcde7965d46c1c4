//! The monthly table as it is handed in (seed 004 §4.3.6: a project's "次月5日上报", the
//! company's "次月10日上报"), through the API and into the workbook, on both databases.

use crate::common;

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use common::TestDb;
use common::app::App;
use serde_json::json;

on_both_databases!(a_projects_table_is_handed_in_by_its_head_and_travels_with_the_workbook);
async fn a_projects_table_is_handed_in_by_its_head_and_travels_with_the_workbook(db: TestDb) {
    let app = App::demo(&db).await;
    let head = app.sign_in("sup-wang").await;
    let office = app.sign_in("office-chen").await;
    let read = app
        .get("/api/reports?month=2026-10&project=P1", &head)
        .await;
    assert_eq!(read.status, 200, "{:?}", read.json());
    let read = read.json();
    assert_eq!(read["deadline"]["clock"], "monthly_report");
    assert!(read["report"].is_null());
    assert_eq!(read["mayWrite"], true);
    // Due the 5th of November, long past: overdue until handed in.
    assert_eq!(read["deadline"]["standing"], "overdue");

    let empty = app
        .json(
            "PUT",
            "/api/reports",
            &head,
            json!({"month": "2026-10", "project": "P1", "analysis": "", "measures": "x"}),
        )
        .await;
    assert_eq!(empty.status, 422);
    assert_eq!(empty.json()["field"], "analysis");
    // The desk reads the project's table; writing it is the project's.
    let office_write = app
        .json(
            "PUT",
            "/api/reports",
            &office,
            json!({"month": "2026-10", "project": "P1", "analysis": "a", "measures": "m"}),
        )
        .await;
    assert_eq!(office_write.status, 403);

    let analysis = "投诉响应及时率未达标：1-1-201 保安态度差回访不满意，重新派单后未闭环";
    let handed = app
        .json("PUT", "/api/reports", &head, json!({"month": "2026-10", "project": "P1", "analysis": analysis, "measures": "保安主管每周抽查岗位礼仪；不满意工单48小时内二次回访"}))
        .await;
    assert_eq!(handed.status, 200, "{:?}", handed.json());
    let handed = handed.json();
    assert_eq!(handed["report"]["submittedBy"], "sup-wang");
    assert_eq!(handed["deadline"]["standing"], "met_late");

    let book = app
        .get("/api/statistics.xlsx?month=2026-10&project=P1", &office)
        .await;
    assert_eq!(book.status, 200);
    let mut xlsx: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(book.body)).expect("a workbook");
    let sheets = xlsx.sheet_names();
    assert!(
        sheets.contains(&"热点问题".to_owned())
            && sheets.contains(&"特约服务账单".to_owned())
            && sheets.contains(&"月服务质量报告".to_owned()),
        "{sheets:?}"
    );
    let written = xlsx
        .worksheet_range("分析与改进措施")
        .expect("the analysis sheet");
    assert!(
        written.rows().any(|r| r
            .iter()
            .any(|c| matches!(c, calamine::Data::String(s) if s == analysis))),
        "the head's analysis beside the figures"
    );

    // The company's table is the office's, due the 10th; a housekeeper has none.
    let company = app.get("/api/reports?month=2026-10", &office).await.json();
    assert_eq!(company["level"], "company");
    let no_weak_spots = app
        .json(
            "PUT",
            "/api/reports",
            &office,
            json!({"month": "2026-10", "analysis": "a", "measures": "m"}),
        )
        .await;
    assert_eq!(no_weak_spots.json()["field"], "weakSpots");
    let zhang = app.sign_in("hk-zhang").await;
    assert_eq!(
        app.get("/api/reports?month=2026-10", &zhang).await.status,
        404
    );
}

on_both_databases!(a_quarters_table_adds_up_its_months);
async fn a_quarters_table_adds_up_its_months(db: TestDb) {
    // 004 §4.3.6 c: "按月度和季度输出《月度客户信息统计分析表》".
    let app = App::demo(&db).await;
    let office = app.sign_in("office-chen").await;
    let book = app
        .get("/api/statistics.xlsx?quarter=2026-Q4&project=P1", &office)
        .await;
    assert_eq!(book.status, 200);
    let mut xlsx: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(book.body)).expect("a workbook");
    assert_eq!(xlsx.sheet_names(), ["指标", "分类", "热点问题"]);
    let title = xlsx.worksheet_range("指标").expect("indicators");
    assert!(
        title
            .rows()
            .next()
            .is_some_and(|r| r.iter().any(|c| c.to_string().contains("2026年第4季度"))),
        "titled by its quarter"
    );
    for bad in ["2026-Q5", "2026-10"] {
        let refused = app
            .get(
                &format!("/api/statistics.xlsx?quarter={bad}&project=P1"),
                &office,
            )
            .await;
        assert_eq!(refused.status, 400, "{bad}");
    }
}
