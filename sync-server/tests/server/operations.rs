//! Running the server: probes and metrics, limits per connection, eviction of idle
//! documents, draining on shutdown, and the SQLite backup.

use crate::common;

use std::num::NonZeroU32;
use std::time::Duration;

use common::{
    TestDb, WAIT, acknowledged, area_one, connect, full_replica, http, metric, metric_until,
    record_inspection, refused, sign_in,
};
use sync_server::config::{Database, ServeArgs};
use sync_server::store::{BackupError, Store};

async fn start(args: &ServeArgs) -> sync_server::Running {
    sync_server::start(args).await.expect("server starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_answer_and_metrics_count_connections() {
    let db = TestDb::sqlite();
    let server = db.demo_server().await;
    assert_eq!(http(server.addr, "GET", "/healthz", &[], None).await.0, 200);
    assert_eq!(http(server.addr, "GET", "/readyz", &[], None).await.0, 200);
    assert_eq!(metric(server.addr, "estate_sync_connections").await, 0.0);
    let phone = full_replica(server.addr, "phone").await;
    assert_eq!(metric(server.addr, "estate_sync_connections").await, 1.0);
    record_inspection(&phone, "counted".into()).await;
    metric_until(server.addr, "estate_sync_changes_total", |n| n >= 1.0).await;
    // The new record and the index listing it were read; the rest was served as stored.
    assert!(metric(server.addr, "estate_sync_resident_documents").await > 0.0);
    phone.close();
    metric_until(server.addr, "estate_sync_connections", |n| n == 0.0).await;
    // Leaving is not being refused.
    assert_eq!(metric(server.addr, "estate_sync_refused_total").await, 0.0);
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_documents_leave_memory_even_while_phones_follow_them() {
    let db = TestDb::sqlite();
    let server = start(&ServeArgs {
        evict_after_secs: 1,
        ..db.args(true)
    })
    .await;
    let phone = full_replica(server.addr, "phone").await;
    let other = full_replica(server.addr, "other-phone").await;
    // The area was served as stored; storing a change makes the server read the index and
    // hold the new record (how long they stay depends on this machine's pace, so only
    // their leaving is checked).
    record_inspection(&phone, "before rest".into()).await;
    acknowledged(&phone, "the inspection made before the area rested").await;
    // Both phones stay connected and idle: the documents leave memory all the same.
    metric_until(server.addr, "estate_sync_resident_documents", |n| n == 0.0).await;
    // A change is read back in, stored, and reaches the other phone, which follows
    // the area but has said nothing since.
    let made = record_inspection(&phone, "after rest".into()).await;
    acknowledged(&phone, "the inspection made after the area rested").await;
    other
        .wait_until("the new inspection", Duration::from_secs(10), move |r| {
            r.engine().holds(made) && r.missing() == 0
        })
        .await
        .expect("the other phone hears it");
    phone.close();
    other.close();
    metric_until(server.addr, "estate_sync_resident_documents", |n| n == 0.0).await;
    // And they come back from the database when asked again.
    full_replica(server.addr, "phone-again").await;
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_frame_is_refused_with_a_clear_error() {
    let db = TestDb::sqlite();
    let server = start(&ServeArgs {
        max_frame_bytes: 4_000,
        ..db.args(true)
    })
    .await;
    // Syncing sends small frames; a record with 10 KB of notes does not fit in one.
    let phone = full_replica(server.addr, "phone").await;
    record_inspection(&phone, "很长的备注".repeat(700)).await;
    refused(&phone, "limit of 4000 bytes").await;
    assert_eq!(metric(server.addr, "estate_sync_limited_total").await, 1.0);
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_messages_is_refused_with_a_clear_error() {
    let db = TestDb::sqlite();
    let one = NonZeroU32::new(1).expect("non-zero");
    let server = start(&ServeArgs {
        messages_per_sec: one,
        message_burst: NonZeroU32::new(3).expect("non-zero"),
        ..db.args(true)
    })
    .await;
    // Syncing a whole area takes hundreds of messages.
    let phone = connect(server.addr, "hk-zhang", "phone", area_one()).await;
    refused(&phone, "too many messages: the limit is 1 per second").await;
    metric_until(server.addr, "estate_sync_refused_total", |n| n == 1.0).await;
    server.stop().await.expect("stops");
}

on_both_databases!(stopping_lets_phones_finish_their_exchange);
async fn stopping_lets_phones_finish_their_exchange(db: TestDb) {
    let server = db.demo_server().await;
    let phone = full_replica(server.addr, "phone").await;
    for n in 0..20 {
        record_inspection(&phone, format!("last words {n}")).await;
    }
    assert_eq!(http(server.addr, "GET", "/readyz", &[], None).await.0, 200);
    // Stop at once: what the phone sent is still stored and acknowledged.
    server.stop().await.expect("stops");
    let unconfirmed = common::unacknowledged(&phone).await;
    assert!(
        unconfirmed.is_empty(),
        "{} records were cut off",
        unconfirmed.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_sqlite_server_is_backed_up_to_a_file() {
    let db = TestDb::sqlite();
    let server = db.demo_server().await;
    let phone = full_replica(server.addr, "phone").await;
    record_inspection(&phone, "in the backup".into()).await;
    acknowledged(&phone, "acknowledged").await;
    let live = Store::open(&db.database).await.expect("opens");
    let copy = tempfile::tempdir().expect("temp dir");
    let file = copy.path().join("estate.sqlite3");
    live.backup(&file).await.expect("backed up while serving");
    assert!(matches!(
        live.backup(&file).await,
        Err(BackupError::Exists(_))
    ));
    let restored = Store::open(&Database::SqliteIn(copy.path().to_owned()))
        .await
        .expect("the copy opens");
    assert_eq!(
        restored.document_count().await.expect("counts"),
        live.document_count().await.expect("counts")
    );
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backing_up_postgres_points_to_pg_dump() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let store = Store::open(&db.database).await.expect("opens");
    let err = store
        .backup(&db.dir.path().join("x"))
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("pg_dump"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_revoked_while_connected_is_cut_off() {
    let db = TestDb::sqlite();
    let server = db.demo_server().await;
    let credentials = sign_in(server.addr, "hk-zhang").await;
    let phone = sync_server::client::NativeClient::connect(
        &common::ws_url(server.addr),
        &credentials,
        "phone",
        area_one(),
    )
    .await
    .expect("connects");
    common::whole_area(&phone).await;
    let store = Store::open(&db.database).await.expect("opens");
    let revoked = sync_server::accounts::revoke_device(
        store.pool(),
        &credentials.device,
        sync_server::now_ms(),
    )
    .await
    .expect("revokes");
    assert!(revoked);
    refused(&phone, "device revoked").await;
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_moved_to_other_areas_is_reconnected_under_them() {
    let db = TestDb::sqlite();
    let server = db.demo_server().await;
    let estate = estate_core::demo::demo_estate().expect("demo");
    let li = connect(server.addr, "hk-li", "li", estate.areas[1].index).await;
    let zhang = full_replica(server.addr, "zhang").await;
    common::whole_area(&li).await;
    let store = Store::open(&db.database).await.expect("opens");
    let moved = sync_server::accounts::NewScopes {
        id: "hk-li".into(),
        role: estate_core::records::people::StaffRole::Housekeeper,
        areas: vec!["A1".into()],
        projects: Vec::new(),
    };
    sync_server::accounts::assign(store.pool(), &moved)
        .await
        .expect("assigned");
    refused(&li, "access changed").await;
    // Nobody else is disturbed.
    assert!(zhang.heard().errors.is_empty(), "{:?}", zhang.heard());
    server.stop().await.expect("stops");
}

/// After a restart, a phone that has nothing fetches its whole area, and one that has it
/// all reconnects, without the server reading a single document into memory: both are
/// answered from the stored bytes. The first change after that is stored and relayed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phones_are_answered_from_storage_without_filling_memory() {
    let db = TestDb::sqlite();
    let server = start(&db.args(true)).await;
    let old = full_replica(server.addr, "old-phone").await;
    old.close();
    server.stop().await.expect("stops");

    let server = start(&db.args(true)).await;
    let addr = server.addr;
    let resident = metric(addr, "estate_sync_resident_documents").await;
    let fresh = full_replica(addr, "new-phone").await;
    let again = full_replica(addr, "old-phone").await;
    let held = metric(addr, "estate_sync_resident_documents").await;
    assert!(
        held <= resident,
        "{held} documents read, {resident} at start"
    );

    // A new record, and its entry in the area's index (which the server must now read).
    let made = record_inspection(&fresh, "after the restart".into()).await;
    acknowledged(&fresh, "the new record").await;
    again
        .wait_until("the new record to arrive", WAIT, move |r| {
            r.missing() == 0 && r.engine().holds(made)
        })
        .await
        .expect("relayed");
    fresh.close();
    again.close();
    server.stop().await.expect("stops");
}

/// With room for five documents, a phone fetching its whole area keeps pushing others out
/// of memory; calls the desk registers and dispatches meanwhile all go through, and the
/// phone still gets every document.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desks_edits_go_through_while_memory_is_full() {
    let db = TestDb::sqlite();
    let server = start(&ServeArgs {
        max_resident_docs: 5,
        ..db.args(true)
    })
    .await;
    let addr = server.addr;
    let desk = format!("Bearer {}", sign_in(addr, "office-chen").await.token);
    let phone = tokio::spawn(full_replica(addr, "phone"));
    for n in 0..5 {
        let intake = serde_json::json!({"header": {
            "areaId": "A1", "category": "repair", "channel": "hotline",
            "location": {"type": "public", "place": format!("{n}号楼大堂")},
            "description": "大堂灯不亮", "repair": {"scope": "public", "scale": "minor"},
        }});
        let auth = [("authorization", desk.as_str())];
        let (status, body) = http(addr, "POST", "/api/tickets", &auth, Some(intake)).await;
        assert_eq!(status, 201, "{body}");
        let ticket = body["id"].as_str().expect("id").to_owned();
        let dispatch = serde_json::json!({"type": "dispatch", "to": "hk-zhang"});
        let path = format!("/api/records/{ticket}/actions");
        let (status, body) = http(addr, "POST", &path, &auth, Some(dispatch)).await;
        assert_eq!(status, 200, "{body}");
    }
    phone.await.expect("the phone has its whole area").close();
    let held = metric(addr, "estate_sync_resident_documents").await;
    assert!(held <= 5.0, "{held} documents in memory");
    server.stop().await.expect("stops");
}
