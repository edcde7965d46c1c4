//! Fee collection for the office (seed 003 G8): the month's plan against the ledger, and
//! the weekly check against the cashier's sheet, CSV and XLSX, on both databases.

use crate::common;

use common::TestDb;
use common::app::App;
use rust_xlsxwriter::Workbook;

const CSV: &str = "text/csv";

on_both_databases!(the_month_is_counted_against_the_plan_and_the_cashier_checked_weekly);
async fn the_month_is_counted_against_the_plan_and_the_cashier_checked_weekly(db: TestDb) {
    let app = App::demo(&db).await;
    let head = app.sign_in("sup-wang").await;
    let office = app.sign_in("office-chen").await;
    let keeper = app.sign_in("hk-zhang").await;

    // The demo's October in A1: a target of 2,000 元, 1,269.20 元 collected.
    let fees = app.get("/api/fees?month=2026-10&project=P1", &office).await;
    assert_eq!(fees.status, 200, "{:?}", fees.json());
    let fees = fees.json();
    let a1 = &fees["areas"][0];
    assert_eq!(a1["areaId"], "A1");
    assert_eq!(a1["target"]["amountFen"], 200_000);
    assert_eq!(a1["collectedFen"], 126_920);
    assert_eq!(a1["planDeadline"]["standing"], "met_late", "set on the 6th");
    assert_eq!(a1["reviewDeadline"]["standing"], "met_on_time");
    let ledger = fees["ledger"].as_array().expect("a ledger");
    let paid_on_the_8th = ledger
        .iter()
        .find(|l| l["paidFen"] == 35_640 && l["billedFen"] == 35_640)
        .expect("a household paid in full");
    assert_eq!(
        app.get("/api/fees?month=2026-10&area=A1", &keeper)
            .await
            .status,
        200,
        "the housekeeper reads their own area"
    );
    assert_eq!(
        app.get("/api/fees?month=2026-10&project=P1", &keeper)
            .await
            .status,
        404,
        "not the whole project"
    );

    // The week of 5 October: one payment of 356.40 元 in the service ledger (No.100231).
    let week = "/api/fees/checks?project=P1&week=2026-10-07";
    let before = app.get(week, &head).await.json();
    assert_eq!(before["week"], "2026-10-05", "any day names its week");
    assert!(before["check"].is_null());
    assert_eq!(before["deadline"]["standing"], "overdue");
    let ours = paid_on_the_8th["unitCode"].as_str().expect("code");
    let sheet = format!(
        "房号,金额,票据号,日期\n{ours},356.40,No.100231,2026-10-08\n1-1-101,100,No.100240,2026-10-09\n\
         1-1-102,三百,No.100241,2026-10-09\n1-1-103,50,No.100299,2026-10-20\n"
    );
    let refused = app
        .send(
            "POST",
            &format!("{week}&filename=出纳.csv"),
            Some(&keeper),
            Some((CSV, sheet.clone().into_bytes())),
        )
        .await;
    assert_eq!(
        refused.status, 404,
        "a housekeeper does not check the project"
    );
    let checked = app
        .send(
            "POST",
            &format!("{week}&filename=出纳.csv"),
            Some(&head),
            Some((CSV, sheet.into_bytes())),
        )
        .await;
    assert_eq!(checked.status, 200, "{:?}", checked.json());
    let checked = checked.json();
    let made = &checked["check"];
    assert_eq!(
        (made["serviceFen"].as_u64(), made["cashierFen"].as_u64()),
        (Some(35_640), Some(45_640))
    );
    let differences = made["differences"].as_array().expect("differences");
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert_eq!(differences[0]["unitCode"], "1-1-101");
    assert_eq!(differences[0]["cashierReceipts"][0], "No.100240");
    let rejected: Vec<_> = made["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or(0),
                r["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert!(
        rejected[0].0 == 4 && rejected[0].1.contains("不是以元为单位"),
        "{rejected:?}"
    );
    assert!(
        rejected[1].0 == 5 && rejected[1].1.contains("不在本周"),
        "{rejected:?}"
    );
    assert_eq!(checked["deadline"]["standing"], "met_late");

    // The corrected sheet, as a workbook: the ledgers agree, the first check's time kept.
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (col, title) in ["房号", "金额", "票据号"].into_iter().enumerate() {
        ws.write_string(0, col as u16, title).expect("cell");
    }
    ws.write_string(1, 0, ours).expect("cell");
    ws.write_number(1, 1, 356.4).expect("cell");
    ws.write_string(1, 2, "No.100231").expect("cell");
    let xlsx = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        book.save_to_buffer().expect("a workbook"),
    );
    let again = app
        .send(
            "POST",
            &format!("{week}&filename=出纳.xlsx"),
            Some(&office),
            Some(xlsx),
        )
        .await;
    assert_eq!(again.status, 200, "{:?}", again.json());
    let again = again.json();
    assert_eq!(again["check"]["differences"], serde_json::json!([]));
    assert_eq!(again["check"]["checkedAt"], made["checkedAt"]);
    assert!(again["check"]["revisedAt"].is_i64());
    assert_eq!(
        app.get(week, &office).await.json()["check"]["checkedBy"],
        "office-chen"
    );

    for (query, status, says) in [
        ("project=P1&week=2026-10-07&filename=a.txt", 400, "扩展名"),
        ("project=P1&week=tomorrow&filename=a.csv", 400, "YYYY-MM-DD"),
        ("project=P9&week=2026-10-07&filename=a.csv", 404, "P9"),
        (
            "project=P1&week=2099-01-05&filename=a.csv",
            400,
            "还没有开始",
        ),
    ] {
        let answer = app
            .send(
                "POST",
                &format!("/api/fees/checks?{query}"),
                Some(&head),
                Some((CSV, b"x".to_vec())),
            )
            .await;
        assert_eq!(answer.status, status, "{query}");
        let message = answer.json()["error"].as_str().unwrap_or("").to_owned();
        assert!(message.contains(says), "{query}: {message}");
    }
    let no_columns = app
        .send(
            "POST",
            &format!("{week}&filename=a.csv"),
            Some(&head),
            Some((CSV, "名字,电话\n张三,1\n".into())),
        )
        .await;
    assert_eq!(no_columns.status, 400);
}
