//! Two real server processes on one PostgreSQL: a phone on each sees the other's edits,
//! passed between the servers by LISTEN/NOTIFY.

mod common;

use std::time::Instant;

use common::{TestDb, WAIT, full_replica, record_inspection};
use estate_core::DocumentId;
use estate_core::records::inspection::Inspection;
use sync_server::client::NativeClient;

/// Waits until `phone` holds the inspection `id` with notes `marker`; the time it took.
async fn sees(phone: &NativeClient, id: DocumentId, marker: &str) -> u128 {
    let started = Instant::now();
    let marker = marker.to_owned();
    phone
        .wait_until("the edit made on the other server", WAIT, move |r| {
            r.doc(id)
                .ok()
                .and_then(|d| Inspection::from_doc(d).ok())
                .is_some_and(|i| i.notes == marker)
        })
        .await
        .expect("the edit crosses between the servers");
    started.elapsed().as_millis()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phones_on_two_servers_sharing_postgres_see_each_others_edits() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let one = db.spawn(true);
    let two = db.spawn(false);
    let on_one = full_replica(one.addr, "phone-on-one").await;
    let on_two = full_replica(two.addr, "phone-on-two").await;

    for round in 0..3 {
        let marker = format!("made on server one, round {round}");
        let id = record_inspection(&on_one, marker.clone()).await;
        let ms = sees(&on_two, id, &marker).await;
        eprintln!("one → two: {ms} ms");

        let marker = format!("made on server two, round {round}");
        let id = record_inspection(&on_two, marker.clone()).await;
        let ms = sees(&on_one, id, &marker).await;
        eprintln!("two → one: {ms} ms");
    }
}
