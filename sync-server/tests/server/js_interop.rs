//! Our native client and the independent JS automerge-repo client read each other's
//! documents through our server. Needs `npm ci` in tests/js (scripts/setup.sh does it).

use crate::common;

use automerge::ReadDoc;
use common::{WAIT, area_one, connect, demo_server, full_replica, node, sign_in, ws_url};
use estate_core::DocumentId;
use estate_core::records::inspection::InspectionForm;
use estate_core::time::Month;

/// The sync URL with a fresh device token of hk-zhang, as a browser or the JS client
/// passes it.
async fn signed_url(addr: std::net::SocketAddr) -> String {
    let token = sign_in(addr, "hk-zhang").await.token;
    format!("{}?token={token}", ws_url(addr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_js_client_reads_an_inspection_made_by_our_client() {
    let (server, _dir) = demo_server().await;
    let phone = full_replica(server.addr, "phone").await;
    let url = signed_url(server.addr).await;
    let id = phone
        .with(|r| {
            let now = sync_server::now_ms();
            let unit = r.vacant_units(Month::at(now)).expect("units")[0].id;
            let form = InspectionForm {
                notes: "楼道灯不亮".into(),
                ventilated: true,
                ..InspectionForm::default()
            };
            r.record_inspection(unit, form, "hk-zhang", now)
                .expect("recorded")
        })
        .await
        .expect("alive");
    common::acknowledged(&phone, "the server to confirm").await;

    let read = node("interop/read.mjs", &[&url, &id.url(), "notes"]);
    let doc = &read["doc"];
    assert_eq!(doc["kind"], "vacant-inspection");
    assert_eq!(doc["notes"], "楼道灯不亮");
    assert_eq!(doc["ventilated"], true);
    assert_eq!(doc["checklist"]["leaks"], "normal");
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_reads_a_document_made_by_the_js_client() {
    let (server, _dir) = demo_server().await;
    let url = signed_url(server.addr).await;
    let made = node(
        "interop/create.mjs",
        &[
            &url,
            r#"{"kind":"note","areaId":"A1","text":"电梯异响","floor":12}"#,
        ],
    );
    let id = DocumentId::from_url(made["url"].as_str().expect("url")).expect("valid automerge URL");
    let client = connect(server.addr, "hk-zhang", "reader", area_one()).await;
    client
        .with(move |r| r.engine().want(id))
        .await
        .expect("alive");
    client
        .wait_until("the JS document", WAIT, move |r| {
            r.doc(id).ok().is_some_and(|d| {
                let text = estate_core::records::json::read_prop(&*d, "text");
                let floor = d
                    .get(automerge::ROOT, "floor")
                    .ok()
                    .flatten()
                    .and_then(|(v, _)| v.as_i64());
                text.as_ref().and_then(|t| t.as_str()) == Some("电梯异响") && floor == Some(12)
            })
        })
        .await
        .expect("our client reads JS text and numbers");
    server.stop().await.expect("stops");
}
