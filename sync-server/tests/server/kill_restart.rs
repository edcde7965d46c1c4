//! The server is killed with SIGKILL while a phone is sending, then restarted on the same
//! data directory: every change the phone saw acknowledged is still there.

use crate::common;

use std::time::Duration;

use common::{TestDb, WAIT, area_one, connect, full_replica, record_inspection as record};
use estate_core::DocumentId;
use estate_core::records::inspection::Inspection;

on_both_databases!(nothing_acknowledged_is_lost_when_the_server_is_killed);
async fn nothing_acknowledged_is_lost_when_the_server_is_killed(db: TestDb) {
    let mut server = db.spawn(true);
    let addr = server.addr;
    let phone = full_replica(addr, "phone-a").await;

    let mut made = Vec::new();
    for n in 0..5 {
        made.push((
            record(&phone, format!("before-{n}")).await,
            format!("before-{n}"),
        ));
    }
    common::acknowledged(&phone, "the first edits to be acknowledged").await;
    // A burst, and the kill lands while it is being acknowledged.
    for n in 0..40 {
        made.push((
            record(&phone, format!("burst-{n}")).await,
            format!("burst-{n}"),
        ));
    }
    phone
        .wait_until("part of the burst to be acknowledged", WAIT, |r| {
            r.engine().unconfirmed().len() < 40
        })
        .await
        .expect("some acked");
    server.kill();

    let unconfirmed = common::unacknowledged(&phone).await;
    let acknowledged: Vec<(DocumentId, String)> = made
        .into_iter()
        .filter(|(id, _)| !unconfirmed.contains(id))
        .collect();
    assert!(
        acknowledged.len() >= 5,
        "at least the first edits were acknowledged"
    );
    phone.close();

    let mut server = db.spawn(true);
    let addr = server.addr;
    let checker = connect(addr, "hk-zhang", "checker", area_one()).await;
    let expected = acknowledged.clone();
    checker
        .with(move |r| {
            for (id, _) in &expected {
                r.engine().want(*id);
            }
        })
        .await
        .expect("alive");
    checker
        .wait_until(
            "every acknowledged inspection after the restart",
            Duration::from_secs(30),
            move |r| {
                acknowledged.iter().all(|(id, marker)| {
                    r.doc(*id)
                        .ok()
                        .and_then(|d| Inspection::from_doc(d).ok())
                        .is_some_and(|i| &i.notes == marker)
                })
            },
        )
        .await
        .expect("nothing acknowledged was lost");
    server.kill();
}
