//! The November satisfaction survey of the demo (seed 000; 001 篇2) as the office reads
//! it, and the company's part of it through the gate, on both databases.

use crate::common;

use common::TestDb;
use common::app::App;
use serde_json::json;

on_both_databases!(the_campaign_is_analysed_and_only_the_companys_part_is_the_desks);
async fn the_campaign_is_analysed_and_only_the_companys_part_is_the_desks(db: TestDb) {
    let app = App::demo(&db).await;
    let office = app.sign_in("office-chen").await;
    let keeper = app.sign_in("hk-zhang").await;

    let report = app
        .get("/api/surveys?campaign=2026-11&project=P1", &office)
        .await;
    assert_eq!(report.status, 200, "{:?}", report.json());
    let report = report.json();
    assert_eq!(
        (report["handed"].as_u64(), report["returned"].as_u64()),
        (Some(12), Some(9))
    );
    assert_eq!(report["returnPermille"], 750);
    assert_eq!(report["returnMet"], true, "9 of 12 is above 60 %");
    assert_eq!(
        report["topics"][0]["label"], "环境管理",
        "the Pareto's first bar"
    );
    assert_eq!(report["topics"][0]["count"], 2);
    let commenters = report["commenters"].as_array().expect("commenters");
    assert_eq!(commenters.len(), 4);
    let key = commenters
        .iter()
        .find(|c| c["keyCustomer"] == true)
        .expect("a key customer commented");
    assert_eq!(key["done"], false, "phoned, not yet visited at home");
    let clocks = report["areas"][0]["clocks"].as_array().expect("clocks");
    let standing = |clock: &str| {
        clocks
            .iter()
            .find(|c| c["clock"] == clock)
            .map(|c| c["standing"].as_str().unwrap_or("").to_owned())
    };
    assert_eq!(standing("survey_return").as_deref(), Some("met_on_time"));
    assert_eq!(standing("survey_analysis").as_deref(), Some("overdue"));
    assert_eq!(standing("survey_callback").as_deref(), Some("overdue"));

    assert_eq!(
        app.get("/api/surveys?campaign=2026-11&project=P1", &keeper)
            .await
            .status,
        404,
        "a housekeeper reads their own area's"
    );
    assert_eq!(
        app.get("/api/surveys?campaign=2026-11&area=A1", &keeper)
            .await
            .status,
        200
    );
    assert_eq!(
        app.get("/api/surveys?campaign=11月&area=A1", &keeper)
            .await
            .status,
        400
    );

    // The desk writes the analysis; handing out forms is the management office's.
    let survey = report["areas"][0]["survey"]
        .as_str()
        .expect("an ID")
        .to_owned();
    let path = format!("/api/records/{survey}/actions");
    let analysed = app
        .json("POST", &path, &office, json!({"type": "analyse", "note": "满意率约八成，环境管理为主要问题，已责成保洁主管整改"}))
        .await;
    assert_eq!(analysed.status, 200, "{:?}", analysed.json());
    let hand = json!({"type": "hand", "unit": survey, "unitCode": "9-9-999"});
    let refused = app.json("POST", &path, &office, hand).await;
    assert!(refused.status >= 400, "{:?}", refused.json());
    let after = app
        .get("/api/surveys?campaign=2026-11&area=A1", &office)
        .await
        .json();
    assert!(after["areas"][0]["analysedAt"].is_i64());
}
