//! The office's rows are the core's reading of each record: a vacant unit ventilated
//! after its inspection shows ventilated, and a change of a project's calendar moves the
//! deadlines of its open records.

use crate::common;

use common::{TestDb, full_replica, whole_area};
use estate_core::DocumentId;
use estate_core::records::inspection::InspectionForm;
use estate_core::records::{Actor, StaffRole};
use estate_core::time::Month;
use estate_core::time::{at_local, end_of_day, parse_date};
use serde_json::json;
use sync_server::client::NativeClient;
use sync_server::store::Store;

async fn one_int(store: &Store, sql: &'static str, id: &str) -> Option<i64> {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(store.pool())
        .await
        .expect("reads")
}

async fn act(
    phone: &NativeClient,
    user: &'static str,
    role: StaffRole,
    id: DocumentId,
    input: serde_json::Value,
) {
    phone
        .with(move |r| {
            r.act_json(id, input, &Actor::new(user, role), sync_server::now_ms())
                .expect("accepted");
        })
        .await
        .expect("client alive");
    common::acknowledged(phone, "acknowledged").await;
}

on_both_databases!(a_unit_ventilated_after_its_inspection_shows_ventilated);
async fn a_unit_ventilated_after_its_inspection_shows_ventilated(db: TestDb) {
    let server = db.demo_server().await;
    let store = Store::open(&db.database).await.expect("opens");
    let zhang = full_replica(server.addr, "zhang").await;
    // Inspected with the windows shut…
    let inspection = zhang
        .with(|r| {
            let now = sync_server::now_ms();
            let unit = r.vacant_units(Month::at(now)).expect("units")[0].id;
            r.record_inspection(unit, InspectionForm::default(), "hk-zhang", now)
                .expect("recorded")
        })
        .await
        .expect("client alive");
    common::acknowledged(&zhang, "acknowledged").await;
    let ventilated = "SELECT ventilated FROM vacant_inspections WHERE doc_id = $1";
    assert_eq!(
        one_int(&store, ventilated, &inspection.to_string()).await,
        Some(0)
    );
    // …and aired a few days later.
    act(
        &zhang,
        "hk-zhang",
        StaffRole::Housekeeper,
        inspection,
        json!({"type": "ventilated"}),
    )
    .await;
    assert_eq!(
        one_int(&store, ventilated, &inspection.to_string()).await,
        Some(1),
        "ventilated later the same month"
    );
    server.stop().await.expect("stops");
}

on_both_databases!(a_change_of_calendar_moves_the_deadlines_of_open_records);
async fn a_change_of_calendar_moves_the_deadlines_of_open_records(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let store = Store::open(&db.database).await.expect("opens");
    let zhang = full_replica(addr, "zhang").await;
    whole_area(&zhang).await;
    // Applied for on Friday 20 November 2026 at 16:00: reviewed within three working days.
    let applied_at = at_local(parse_date("2026-11-20").expect("date"), 16, 0);
    let renovation = zhang
        .with(move |r| {
            let (unit, entry) = r.list("unit").expect("units").remove(0);
            let header = json!({
                "areaId": "A1", "unit": unit, "unitCode": entry.code, "applicant": "业主",
                "contractor": "装饰公司", "plan": "翻新", "shop": false,
                "appliedAt": applied_at, "depositYuan": 2000,
            });
            r.create_json("renovation", header).expect("created")
        })
        .await
        .expect("client alive");
    common::acknowledged(&zhang, "acknowledged").await;
    let id = renovation.to_string();
    let due = "SELECT due_at FROM records WHERE doc_id = $1";
    let day = |d: &str| Some(end_of_day(parse_date(d).expect("date")));
    assert_eq!(one_int(&store, due, &id).await, day("2026-11-25"));

    // The supervisor makes Monday 23 November a holiday for the project.
    let calendar: String =
        sqlx::query_scalar("SELECT project_doc FROM project_calendars WHERE area_id = 'A1'")
            .fetch_one(store.pool())
            .await
            .expect("A1 has its project's calendar");
    let calendar: DocumentId = calendar.parse().expect("an ID");
    let wang = common::connect(addr, "sup-wang", "wang", common::area_one()).await;
    whole_area(&wang).await;
    act(
        &wang,
        "sup-wang",
        StaffRole::Supervisor,
        calendar,
        json!({"type": "day", "date": "2026-11-23", "day": "holiday"}),
    )
    .await;
    assert_eq!(
        one_int(&store, due, &id).await,
        day("2026-11-26"),
        "a working day later"
    );
    server.stop().await.expect("stops");
}
