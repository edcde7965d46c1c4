//! Who reaches what, on both databases: tokens on the WebSocket, a housekeeper of area
//! A1 trying every path to area A2's documents, a forged actor, office staff writing,
//! and the trusted history.

use crate::common;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use common::{
    TestDb, WAIT, area_one, connect, full_replica, http, refused, sign_in, whole_area, ws_url,
};
use estate_core::DocumentId;
use estate_core::demo::demo_estate;
use estate_core::records::{Actor, StaffRole};
use serde_json::{Value, json};
use sync_server::accounts;
use sync_server::client::{Credentials, NativeClient, device_actor};
use sync_server::demo::DEMO_PASSWORD;
use tokio_tungstenite::tungstenite;

/// The first demo record of `kind` in `area`.
fn demo_record(kind: &str, area: &str) -> DocumentId {
    demo_estate()
        .expect("demo")
        .records()
        .expect("records")
        .into_iter()
        .find(|(_, r)| r.kind() == kind && r.area() == area)
        .map(|(id, _)| id)
        .expect("the demo has one")
}

/// The HTTP status with which the server refuses a WebSocket upgrade, or 101.
async fn upgrade_status(url: &str) -> u16 {
    match tokio_tungstenite::connect_async(url).await {
        Ok(_) => 101,
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("neither accepted nor refused: {e}"),
    }
}

async fn get(addr: std::net::SocketAddr, path: &str, token: &str) -> (u16, Value) {
    let bearer = format!("Bearer {token}");
    http(addr, "GET", path, &[("authorization", &bearer)], None).await
}

on_both_databases!(the_websocket_needs_a_valid_token);
async fn the_websocket_needs_a_valid_token(db: TestDb) {
    let server = db.demo_server().await;
    let url = ws_url(server.addr);
    let good = sign_in(server.addr, "hk-zhang").await;
    assert_eq!(upgrade_status(&url).await, 401, "no token");
    assert_eq!(
        upgrade_status(&format!("{url}?token={}", "0".repeat(64))).await,
        401
    );
    assert_eq!(
        upgrade_status(&format!("{url}?token={}", good.token)).await,
        101
    );

    let store = sync_server::store::Store::open(&db.database)
        .await
        .expect("store");
    let old = accounts::login(
        store.pool(),
        "hk-zhang",
        DEMO_PASSWORD,
        "旧手机",
        None,
        0,
        1,
    )
    .await
    .expect("signs in");
    assert_eq!(
        upgrade_status(&format!("{url}?token={}", old.token)).await,
        401,
        "expired"
    );

    assert!(
        accounts::revoke_device(store.pool(), &good.device, sync_server::now_ms())
            .await
            .expect("revokes")
    );
    assert_eq!(
        upgrade_status(&format!("{url}?token={}", good.token)).await,
        401,
        "revoked"
    );
    let (status, body) = get(server.addr, "/api/session", &good.token).await;
    assert_eq!((status, &body["wipe"]), (401, &json!(true)), "{body}");
    let (status, body) = get(server.addr, "/api/session", &old.token).await;
    assert_eq!(
        (status, body.get("wipe")),
        (401, None),
        "expired is not wiped"
    );
    server.stop().await.expect("stops");
}

on_both_databases!(a_housekeeper_of_one_area_reaches_nothing_of_another);
async fn a_housekeeper_of_one_area_reaches_nothing_of_another(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let estate = demo_estate().expect("demo");
    let other_index = estate.areas[1].index;
    let other_inspection = demo_record("vacant-inspection", "A2");
    let nowhere = DocumentId::from_bytes([7; 16]);
    let credentials = sign_in(addr, "hk-zhang").await;
    let phone = NativeClient::connect(&ws_url(addr), &credentials, "phone-a1", area_one())
        .await
        .expect("connects");
    whole_area(&phone).await;

    // WebSocket: another area's documents answer exactly as a missing one.
    phone
        .with(move |r| {
            for id in [other_index, other_inspection, nowhere] {
                r.engine().want(id);
            }
        })
        .await
        .expect("alive");
    phone
        .wait_heard("three doc-unavailable answers", WAIT, move |h| {
            [other_index, other_inspection, nowhere]
                .iter()
                .all(|id| h.unavailable.contains(id))
        })
        .await
        .expect("all three unavailable");
    let held = phone
        .with(move |r| {
            r.doc(other_inspection)
                .is_ok_and(|d| !d.get_heads().is_empty())
        })
        .await
        .expect("alive");
    assert!(!held, "not one change of area A2 arrived");

    // HTTP: lists and history hold only area A1.
    let token = sign_in(addr, "hk-zhang").await.token;
    let (status, directory) = get(addr, "/api/directory", &token).await;
    assert_eq!(status, 200);
    let areas: Vec<&str> = directory["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert_eq!(areas, ["A1"]);
    let (_, listed) = get(addr, "/api/inspections?area=A2", &token).await;
    assert_eq!(listed, json!([]), "area A2's inspections");
    let (_, listed) = get(addr, "/api/inspections", &token).await;
    assert!(
        listed
            .as_array()
            .expect("rows")
            .iter()
            .all(|row| row["areaId"] == "A1")
    );
    let hidden = get(
        addr,
        &format!("/api/records/{other_inspection}/history"),
        &token,
    )
    .await;
    let missing = get(addr, &format!("/api/records/{nowhere}/history"), &token).await;
    assert_eq!(hidden.0, 404);
    assert_eq!(hidden, missing, "hidden and missing look alike");
    let (status, _) = get(addr, "/api/inspections", "").await;
    assert_eq!(status, 401, "no token, no list");

    // Writing a record of area A2 is refused and nothing of it is kept.
    let forged = DocumentId::from_bytes([9; 16]);
    let actor = device_actor(&credentials.device).expect("a device ID");
    let mut doc = AutoCommit::new().with_actor(actor);
    doc.put(ROOT, "kind", "vacant-inspection").expect("put");
    doc.put(ROOT, "areaId", "A2").expect("put");
    phone
        .with(move |r| r.engine().create(forged, doc))
        .await
        .expect("alive")
        .expect("the phone files it (bypassing its own checks)");
    refused(&phone, "area A2").await;
    // The refusal concerns that record alone: the phone shows it as refused, and the same
    // connection goes on carrying the rest of its work.
    let refused_here = phone
        .with(move |r| r.engine().refused())
        .await
        .expect("alive");
    assert_eq!(refused_here.len(), 1);
    assert_eq!(refused_here[0].0, forged);
    common::record_inspection(&phone, "拒绝之后的巡查".into()).await;
    common::acknowledged(&phone, "the next inspection on the same connection").await;
    assert_eq!(common::metric(addr, "estate_sync_denied_total").await, 1.0);
    assert_eq!(common::metric(addr, "estate_sync_refused_total").await, 0.0);
    let store = sync_server::store::Store::open(&db.database)
        .await
        .expect("store");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM chunks WHERE doc_id = $1")
        .bind(forged.to_string())
        .fetch_one(store.pool())
        .await
        .expect("query");
    assert_eq!(kept, 0, "no chunk of the refused record");
    server.stop().await.expect("stops");
}

on_both_databases!(a_change_under_another_devices_actor_is_refused);
async fn a_change_under_another_devices_actor_is_refused(db: TestDb) {
    let server = db.demo_server().await;
    let mine = sign_in(server.addr, "hk-zhang").await;
    let other = sign_in(server.addr, "hk-zhang").await;
    // This device's token, the other device's actors.
    let forged = Credentials {
        token: mine.token,
        device: other.device,
    };
    let phone = NativeClient::connect(&ws_url(server.addr), &forged, "forger", area_one())
        .await
        .expect("connects");
    whole_area(&phone).await;
    let inspection = demo_record("vacant-inspection", "A1");
    let actor = Actor::new("hk-zhang", StaffRole::Housekeeper);
    phone
        .with(move |r| {
            r.act_json(
                inspection,
                json!({"type": "note", "note": "冒名"}),
                &actor,
                0,
            )
        })
        .await
        .expect("alive")
        .expect("the phone writes it");
    refused(&phone, "another device").await;
    // The note is nowhere on the server.
    let checker = full_replica(server.addr, "checker").await;
    let notes = checker
        .with(move |r| {
            r.doc(inspection)
                .map(|d| estate_core::records::json::read_root(&*d).to_string())
                .unwrap_or_default()
        })
        .await
        .expect("alive");
    assert!(!notes.contains("冒名"), "the forged note was not applied");
    server.stop().await.expect("stops");
}

on_both_databases!(office_staff_comment_on_tickets_but_never_change_an_inspection);
async fn office_staff_comment_on_tickets_but_never_change_an_inspection(db: TestDb) {
    let server = db.demo_server().await;
    let addr = server.addr;
    let desk = Actor::new("office-chen", StaffRole::Office);
    let ticket = demo_record("ticket", "A1");
    let office = connect(addr, "office-chen", "desk", area_one()).await;
    whole_area(&office).await;
    let input = json!({"type": "note", "note": "已电话联系业主"});
    let actor = desk.clone();
    office
        .with(move |r| r.act_json(ticket, input, &actor, sync_server::now_ms()))
        .await
        .expect("alive")
        .expect("a comment on a ticket");
    common::acknowledged(&office, "the comment to be acknowledged").await;
    assert!(office.heard().errors.is_empty(), "{:?}", office.heard());

    let token = sign_in(addr, "office-chen").await.token;
    let (status, history) = get(addr, &format!("/api/records/{ticket}/history"), &token).await;
    assert_eq!(status, 200, "{history}");
    let last = history.as_array().and_then(|h| h.last()).expect("an entry");
    assert_eq!(last["user"], "office-chen");
    assert_eq!(last["summary"], "note");
    assert!(last["receivedAt"].as_i64().expect("server time") > 0);

    let inspection = demo_record("vacant-inspection", "A1");
    let input = json!({"type": "note", "note": "改一下"});
    office
        .with(move |r| r.act_json(inspection, input, &desk, sync_server::now_ms()))
        .await
        .expect("alive")
        .expect("the desk writes it locally");
    refused(&office, "vacant-inspection").await;
    server.stop().await.expect("stops");
}
