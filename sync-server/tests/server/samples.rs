//! The company's weekly 20 % sample of a project's repairs (seed 000: "公司专人每周对各管理处
//! 维修派工单抽样20%进行电话回访"), drawn once, worked through by callbacks, on both databases.

use crate::common;

use std::collections::BTreeSet;

use common::TestDb;
use common::app::App;
use serde_json::{Value, json};

fn ids(sample: &Value) -> BTreeSet<String> {
    sample["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

on_both_databases!(a_weeks_sample_is_drawn_once_and_done_as_its_callbacks_are_made);
async fn a_weeks_sample_is_drawn_once_and_done_as_its_callbacks_are_made(db: TestDb) {
    let app = App::demo(&db).await;
    let office = app.sign_in("office-chen").await;
    // The demo's 12–18 October: repairs completed in 翠湖花园 that week.
    let week = "/api/samples?project=P1&week=2026-10-12";
    let before = app.get(week, &office).await;
    assert_eq!(before.status, 200, "{:?}", before.json());
    let before = before.json();
    let repairs = before["population"].as_i64().expect("repairs");
    assert!(repairs >= 2, "{before}");
    assert_eq!(
        before["size"],
        json!((repairs * 20 + 99) / 100),
        "20 %, rounded up"
    );
    assert!(before["drawnAt"].is_null());

    let asked = json!({"project": "P1", "week": "2026-10-12"});
    let drawn = app
        .json("POST", "/api/samples", &office, asked.clone())
        .await;
    assert_eq!(drawn.status, 200, "{:?}", drawn.json());
    let drawn = drawn.json();
    assert_eq!(
        drawn["items"].as_array().expect("items").len() as i64,
        drawn["size"].as_i64().expect("size")
    );
    assert_eq!(drawn["drawnBy"], "office-chen");
    for item in drawn["items"].as_array().expect("items") {
        let at = item["at"].as_i64().expect("completed");
        assert!(
            (estate_core::time::at_local(
                estate_core::time::parse_date("2026-10-12").expect("date"),
                0,
                0
            )
                ..estate_core::time::at_local(
                    estate_core::time::parse_date("2026-10-19").expect("date"),
                    0,
                    0
                ))
                .contains(&at),
            "completed in the week: {item}"
        );
        assert_eq!(
            item["done"], false,
            "a callback before the draw is not the company's"
        );
    }
    // Asked again (another desk, a double click): the same sample.
    let again = app
        .json("POST", "/api/samples", &office, asked.clone())
        .await
        .json();
    assert_eq!(ids(&again), ids(&drawn));

    // The company's callback on one of them.
    let first = drawn["items"][0]["id"].as_str().expect("id").to_owned();
    let called = app
        .json(
            "POST",
            &format!("/api/records/{first}/actions"),
            &office,
            json!({"type": "callback", "satisfaction": "satisfied", "resolved": true, "note": "抽样回访"}),
        )
        .await;
    assert_eq!(called.status, 200, "{:?}", called.json());
    let after = app.get(week, &office).await.json();
    assert_eq!(after["done"], 1, "{after}");

    // Refused clearly: a housekeeper sees one area, not the project; no such Monday; a
    // week not yet begun; nobody but company staff draws.
    let zhang = app.sign_in("hk-zhang").await;
    assert_eq!(app.get(week, &zhang).await.status, 404);
    let tuesday = app
        .get("/api/samples?project=P1&week=2026-10-13", &office)
        .await;
    assert_eq!(tuesday.status, 400);
    assert!(
        tuesday.json()["error"]
            .as_str()
            .unwrap_or_default()
            .contains("周一")
    );
    let future = app
        .json(
            "POST",
            "/api/samples",
            &office,
            json!({"project": "P1", "week": "2099-01-05"}),
        )
        .await;
    assert_eq!(future.status, 400);
    let admin = app.sign_in("admin").await;
    assert_eq!(
        app.json(
            "POST",
            "/api/samples",
            &admin,
            json!({"project": "P1", "week": "2026-10-05"})
        )
        .await
        .status,
        200
    );
}

on_both_databases!(a_months_visits_are_sampled_at_the_desks_rate_and_checked);
async fn a_months_visits_are_sampled_at_the_desks_rate_and_checked(db: TestDb) {
    // 004 §4.4.5: "运营管理部/客户服务组每月抽样回访服务中心客户拜访情况，抽样率可根据服务中心
    // 客户群体或实际情况随机抽样".
    let app = App::demo(&db).await;
    let office = app.sign_in("office-chen").await;
    let before = app
        .get("/api/samples?project=P1&month=2026-10", &office)
        .await
        .json();
    let visits = before["population"].as_i64().expect("visits");
    assert!(visits >= 5, "{before}");
    assert_eq!(
        before["size"],
        json!((visits + 9) / 10),
        "10 % unless the desk says"
    );
    let drawn = app
        .json(
            "POST",
            "/api/samples",
            &office,
            json!({"project": "P1", "month": "2026-10", "rate": 50}),
        )
        .await;
    assert_eq!(drawn.status, 200, "{:?}", drawn.json());
    let drawn = drawn.json();
    assert_eq!(drawn["size"], json!((visits + 1) / 2), "half, rounded up");
    let first = drawn["items"][0]["id"].as_str().expect("id").to_owned();
    let checked = app
        .json(
            "POST",
            &format!("/api/records/{first}/actions"),
            &office,
            json!({"type": "verify", "confirmed": true, "satisfaction": "satisfied", "note": "业主确认管家上门"}),
        )
        .await;
    assert_eq!(checked.status, 200, "{:?}", checked.json());
    let after = app
        .get("/api/samples?project=P1&month=2026-10", &office)
        .await
        .json();
    assert_eq!(after["done"], 1, "{after}");
    // Nothing else of a visit is the desk's.
    let linked = app
        .json(
            "POST",
            &format!("/api/records/{first}/actions"),
            &office,
            json!({"type": "ticket", "ticket": first}),
        )
        .await;
    assert!(
        matches!(linked.status, 403 | 409 | 422),
        "{:?}",
        linked.json()
    );
    let both = app
        .get(
            "/api/samples?project=P1&month=2026-10&week=2026-10-12",
            &office,
        )
        .await;
    assert_eq!(both.status, 400);
    let rate = app
        .json(
            "POST",
            "/api/samples",
            &office,
            json!({"project": "P1", "month": "2026-09", "rate": 0}),
        )
        .await;
    assert_eq!(rate.status, 400);
}
