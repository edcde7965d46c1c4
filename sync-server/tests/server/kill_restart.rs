//! The server is killed with SIGKILL while a phone is sending, then restarted on the same
//! data directory: every change the phone saw acknowledged is still there, the area reads
//! whole, and the phone sends again whatever was not acknowledged.

use crate::common;

use std::time::{Duration, Instant};

use common::proxy::FaultProxy;
use common::{
    TestDb, area_one, full_replica, record_inspection as record, sign_in, stored, ws_url,
};
use estate_core::DocumentId;
use sync_server::client::NativeClient;

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
        .wait_until("part of the burst to be acknowledged", common::WAIT, |r| {
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
    stored(server.addr, &acknowledged).await;
    server.kill();
}

/// How many times the loop kills the server (`KILLS` overrides).
const KILLS: usize = 20;

on_both_databases!(killed_twenty_times_during_a_busy_sync_the_server_loses_nothing);
/// One phone keeps recording through a proxy while the server is killed at a random
/// moment, `KILLS` times. After each kill, and before the phone may reach the restarted
/// server, a new phone checks that everything acknowledged so far is there; then the
/// phone reconnects and sends again what was not. At the end the phone and the server
/// hold the same.
async fn killed_twenty_times_during_a_busy_sync_the_server_loses_nothing(db: TestDb) {
    let seed = common::seed("KILL_SEED", 29);
    let kills = std::env::var("KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(KILLS);
    let mut server = db.spawn(true);
    let proxy = FaultProxy::start(server.addr, seed).await;
    let credentials = sign_in(server.addr, "hk-zhang").await;
    let phone =
        NativeClient::connect_resilient(&ws_url(proxy.addr), &credentials, "phone", area_one())
            .await
            .expect("connects through the proxy");
    common::whole_area(&phone).await;

    let mut made: Vec<(DocumentId, String)> = Vec::new();
    let mut in_flight_at_kills = 0;
    for kill in 0..kills {
        // Busy: a record every few milliseconds until the kill, at a random moment.
        let until = Instant::now() + Duration::from_millis(proxy.pick(20..400));
        let mut n = 0;
        while Instant::now() < until {
            let marker = format!("kill-{seed}-{kill}-{n}");
            made.push((record(&phone, marker.clone()).await, marker));
            n += 1;
            tokio::time::sleep(Duration::from_millis(proxy.pick(1..6))).await;
        }
        server.kill();
        proxy.partition();
        let unconfirmed = common::unacknowledged(&phone).await;
        if made.iter().any(|(id, _)| unconfirmed.contains(id)) {
            in_flight_at_kills += 1;
        }
        let acknowledged: Vec<(DocumentId, String)> = made
            .iter()
            .filter(|(id, _)| !unconfirmed.contains(id))
            .cloned()
            .collect();
        server = db.spawn(true);
        stored(server.addr, &acknowledged).await;
        proxy.heal(server.addr);
        // The next kill lands on a phone that is connected again, not one still waiting.
        let connections = phone.heard().connections;
        phone
            .wait_heard("the phone to connect again", common::WAIT, move |h| {
                h.connections > connections
            })
            .await
            .expect("the phone reconnects to the restarted server");
    }
    common::acknowledged(&phone, "everything, sent again after the restarts").await;
    let heads = stored(server.addr, &made).await;
    common::holds_the_same(&phone, &heads).await;
    eprintln!(
        "{kills} kills survived (seed {seed}): {} inspections recorded, {in_flight_at_kills} kills landed with edits not yet acknowledged, the phone connected {} times",
        made.len(),
        phone.heard().connections
    );
    assert!(
        in_flight_at_kills > 0,
        "some kills landed in the middle of the sync"
    );
    phone.close();
}
