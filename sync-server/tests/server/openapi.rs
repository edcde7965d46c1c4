//! The API is documented: `GET /api/openapi.json` serves the document utoipa builds from
//! the handlers' own types, it names every route the office and the phones use, and the
//! copy the console's TypeScript types are generated from is current — so a field
//! renamed on the server fails the console's type check.

use crate::common;

use std::path::Path;

use common::TestDb;
use common::app::App;
use serde_json::Value;

/// The routes of the API, as the router spells them.
const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/login"),
    ("get", "/api/session"),
    ("post", "/api/sync-ticket"),
    ("get", "/api/directory"),
    ("get", "/api/inspections"),
    ("get", "/api/records"),
    ("get", "/api/records.xlsx"),
    ("get", "/api/records/{id}"),
    ("get", "/api/records/{id}/history"),
    ("post", "/api/records/{id}/actions"),
    ("post", "/api/tickets"),
    ("get", "/api/events"),
    ("get", "/api/statistics"),
    ("get", "/api/statistics.xlsx"),
    ("get", "/api/checkpoints"),
    ("put", "/api/attachments/{sha256}"),
    ("head", "/api/attachments/{sha256}"),
    ("get", "/api/attachments/{sha256}"),
    ("get", "/api/admin/users"),
    ("post", "/api/admin/users"),
    ("put", "/api/admin/users/{id}"),
    ("get", "/api/admin/devices"),
    ("post", "/api/admin/devices/{id}/revoke"),
    ("post", "/api/admin/import"),
];

fn document() -> Value {
    serde_json::to_value(sync_server::api::openapi::document()).expect("serializes")
}

#[test]
fn every_route_is_documented_with_its_answers() {
    let document = document();
    for (method, path) in ROUTES {
        let operation = &document["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        assert!(
            operation["responses"]
                .as_object()
                .is_some_and(|r| !r.is_empty()),
            "{method} {path} documents no answer"
        );
    }
    let schemas = &document["components"]["schemas"];
    for schema in [
        "ListedRecord",
        "OpenedRecord",
        "MonthlyStatistics",
        "Indicator",
        "ErrorBody",
    ] {
        assert!(schemas[schema].is_object(), "schema {schema}");
    }
    let indicator = &schemas["Indicator"]["properties"];
    for field in [
        "key",
        "label",
        "numerator",
        "denominator",
        "rate",
        "target",
        "met",
    ] {
        assert!(indicator[field].is_object(), "Indicator.{field}");
    }
}

#[test]
fn the_consoles_copy_is_current() {
    let copy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/office/openapi.json");
    let text = std::fs::read_to_string(&copy).expect("app/src/office/openapi.json");
    let copy: Value = serde_json::from_str(&text).expect("JSON");
    assert!(
        copy == document(),
        "app/src/office/openapi.json is stale: run \
         `target/debug/sync-server openapi > app/src/office/openapi.json`"
    );
}

on_both_databases!(the_server_serves_its_document);
async fn the_server_serves_its_document(db: TestDb) {
    let app = App::demo(&db).await;
    let token = app.sign_in("office-chen").await;
    let answer = app.get("/api/openapi.json", &token).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), document());
}
