//! Phones (native clients over real WebSockets) and the server, end to end.

use crate::common;

use common::{TestDb, WAIT, connect, full_replica, sign_in, ws_url};
use estate_core::records::inspection::{Condition, InspectionForm};
use estate_core::time::Month;
use futures_util::{SinkExt, StreamExt};
use sqlx::Row;
use tokio_tungstenite::tungstenite::Message;

on_both_databases!(an_inspection_on_one_phone_reaches_the_other_phone_and_the_office);
async fn an_inspection_on_one_phone_reaches_the_other_phone_and_the_office(db: TestDb) {
    let server = db.demo_server().await;
    let phone_a = full_replica(server.addr, "phone-a").await;
    let phone_b = full_replica(server.addr, "phone-b").await;
    let now = sync_server::now_ms();

    let (unit, inspection) = phone_a
        .with(move |r| {
            let unit = r
                .vacant_units(Month::at(now))
                .expect("list")
                .into_iter()
                .find(|u| !u.inspected)
                .expect("a unit to inspect");
            let mut form = InspectionForm {
                ventilated: true,
                cleaning_arranged: true,
                ..InspectionForm::default()
            };
            form.checklist.leaks = Condition::Abnormal;
            form.findings = "卫生间天花渗水".into();
            (
                unit.id,
                r.record_inspection(unit.id, form, "hk-zhang", now)
                    .expect("recorded"),
            )
        })
        .await
        .expect("client alive");

    common::acknowledged(&phone_a, "the server to confirm the edit").await;
    phone_b
        .wait_until("the inspection to reach phone B", WAIT, move |r| {
            r.vacant_units(Month::at(now))
                .map(|l| l.iter().any(|u| u.id == unit && u.inspected))
                .unwrap_or(false)
                && r.inspections()
                    .map(|l| l.iter().any(|(id, _)| *id == inspection))
                    .unwrap_or(false)
        })
        .await
        .expect("phone B sees it");

    // The office reads SQL: the projection was committed with the change.
    let store = sync_server::store::Store::open(&db.database)
        .await
        .expect("open store");
    let row = sqlx::query(
        "SELECT unit_doc, abnormal, findings, received_at FROM vacant_inspections WHERE doc_id = $1",
    )
    .bind(inspection.to_string())
    .fetch_one(store.pool())
    .await
    .expect("projected row");
    assert_eq!(row.get::<String, _>(0), unit.to_string());
    assert_eq!(row.get::<i64, _>(1), 1);
    assert_eq!(row.get::<String, _>(2), "卫生间天花渗水");
    assert!(row.get::<i64, _>(3) >= now);
    server.stop().await.expect("stops cleanly");
}

on_both_databases!(malformed_frames_close_only_the_offending_connection);
async fn malformed_frames_close_only_the_offending_connection(db: TestDb) {
    let server = db.demo_server().await;
    let token = sign_in(server.addr, "hk-zhang").await.token;
    let url = format!("{}?token={token}", ws_url(server.addr));
    let (mut bad, _) = tokio_tungstenite::connect_async(&url)
        .await
        .expect("connects");
    bad.send(Message::Binary(vec![0xff, 0x13, 0x00, 0x42].into()))
        .await
        .expect("sends");
    let mut got_error = false;
    while let Ok(Some(Ok(message))) = tokio::time::timeout(WAIT, bad.next()).await {
        if let Message::Binary(frame) = message {
            let decoded =
                estate_core::protocol::Message::decode(&frame).expect("server frames decode");
            got_error |= matches!(decoded, estate_core::protocol::Message::Error { .. });
        }
    }
    assert!(got_error, "the server explains why it closes");
    // Everyone else is unaffected.
    let phone = full_replica(server.addr, "phone-after-garbage").await;
    assert!(
        phone
            .with(|r| r.index().map(|i| i.entries.len()))
            .await
            .expect("alive")
            .expect("index")
            >= 300
    );
    server.stop().await.expect("stops cleanly");
}

on_both_databases!(a_request_for_an_unknown_document_is_answered_unavailable);
async fn a_request_for_an_unknown_document_is_answered_unavailable(db: TestDb) {
    let server = db.demo_server().await;
    let unknown = estate_core::DocumentId::from_bytes([42; 16]);
    let client = connect(server.addr, "hk-zhang", "phone", unknown).await;
    // The server says so, and the connection lives on.
    client
        .wait_until("the server's answer", WAIT, |r| {
            r.engine().ready_conns().count() == 1
        })
        .await
        .expect("connected");
    client
        .wait_heard("doc-unavailable", WAIT, move |h| {
            h.unavailable.contains(&unknown)
        })
        .await
        .expect("told the document is unavailable");
    assert!(client.with(|r| r.index().is_err()).await.expect("alive"));
    assert_eq!(
        client
            .with(|r| r.engine().ready_conns().count())
            .await
            .expect("alive"),
        1
    );
    server.stop().await.expect("stops cleanly");
}
