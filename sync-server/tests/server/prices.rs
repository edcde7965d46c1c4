//! A project's special-service price list through the API (seed 004 §4.4.3 a: "编制《特约
//! 服务项目及收费标准》……审批或备案……并将批准后的收费标准公示"), on both databases.

use crate::common;

use common::TestDb;
use common::app::App;
use serde_json::{Value, json};

fn published(list: &Value) -> Vec<(String, u64)> {
    list["published"]
        .as_array()
        .expect("published")
        .iter()
        .map(|p| {
            (
                p["item"].as_str().expect("item").to_owned(),
                p["priceFen"].as_u64().expect("price"),
            )
        })
        .collect()
}

on_both_databases!(prices_are_proposed_approved_and_published_by_the_project_alone);
async fn prices_are_proposed_approved_and_published_by_the_project_alone(db: TestDb) {
    let app = App::demo(&db).await;
    let office = app.sign_in("office-chen").await;
    let list = app.get("/api/projects/P1/prices", &office).await;
    assert_eq!(list.status, 200, "{:?}", list.json());
    let list = list.json();
    assert_eq!(
        published(&list),
        [
            ("代客购物".to_owned(), 2_000),
            ("室内保洁".to_owned(), 12_000)
        ],
        "家电清洗 awaits its approval: {list}"
    );
    assert_eq!(list["mayChange"], false);

    // The service desk reads the list; changing it is the project's.
    let refused = app
        .json(
            "POST",
            "/api/projects/P1/prices",
            &office,
            json!({"type": "approve_price", "item": "家电清洗", "reference": "x"}),
        )
        .await;
    assert_eq!(refused.status, 403, "{:?}", refused.json());

    let head = app.sign_in("sup-wang").await;
    let missing = app
        .json(
            "POST",
            "/api/projects/P1/prices",
            &head,
            json!({"type": "approve_price", "item": "家电清洗", "reference": ""}),
        )
        .await;
    assert_eq!(missing.status, 409, "{:?}", missing.json());
    assert!(
        missing.json()["error"]
            .as_str()
            .unwrap_or_default()
            .contains("文号")
    );
    let approved = app
        .json("POST", "/api/projects/P1/prices", &head, json!({"type": "approve_price", "item": "家电清洗", "reference": "深价备〔2026〕131号"}))
        .await;
    assert_eq!(approved.status, 200, "{:?}", approved.json());
    assert_eq!(published(&approved.json()).len(), 3);
    let other = app
        .json(
            "POST",
            "/api/projects/P1/prices",
            &head,
            json!({"type": "day", "date": "2026-12-25", "day": "holiday"}),
        )
        .await;
    assert_eq!(other.status, 400, "only the project's standards here");

    // 003: "以下服务频次可根据项目服务级别制定" — twice a month at this project's level.
    assert_eq!(
        approved.json()["vacantRounds"],
        1,
        "once a month unless the level asks more"
    );
    let twice = app
        .json(
            "POST",
            "/api/projects/P1/prices",
            &head,
            json!({"type": "vacant_rounds", "perMonth": 2}),
        )
        .await;
    assert_eq!(twice.status, 200, "{:?}", twice.json());
    assert_eq!(twice.json()["vacantRounds"], 2);
    let never = app
        .json(
            "POST",
            "/api/projects/P1/prices",
            &head,
            json!({"type": "vacant_rounds", "perMonth": 0}),
        )
        .await;
    assert!(never.status >= 400, "{:?}", never.json());
    let desk = app
        .json(
            "POST",
            "/api/projects/P1/prices",
            &office,
            json!({"type": "vacant_rounds", "perMonth": 3}),
        )
        .await;
    assert_eq!(desk.status, 403, "the project sets its own level");
    assert_eq!(app.get("/api/projects/P9/prices", &head).await.status, 404);
}
