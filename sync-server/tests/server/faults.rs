//! Phones behind a network that breaks on purpose (`common/proxy.rs`): delays, cuts in
//! the middle of a frame, cuts that lose an answer so the phone sends again on its next
//! connection, and partitions, while the phones keep recording. Once the network heals,
//! every phone's work is acknowledged, the server holds all of it, and every phone holds
//! the same documents as the server.

use crate::common;

use std::time::Duration;

use common::proxy::{FaultProxy, Faults};
use common::{TestDb, area_one, record_inspection as record, sign_in, ws_url};
use estate_core::DocumentId;
use sync_server::client::NativeClient;

/// Phones editing through the proxy, and how many rounds of edits each makes.
const PHONES: usize = 3;
const ROUNDS: usize = 40;

on_both_databases!(phones_behind_a_failing_network_lose_nothing_and_converge);
async fn phones_behind_a_failing_network_lose_nothing_and_converge(db: TestDb) {
    let seed = common::seed("FAULT_SEED", 17);
    let server = db.spawn(true);
    let proxy = FaultProxy::start(server.addr, seed).await;
    let mut phones = Vec::new();
    for n in 0..PHONES {
        let credentials = sign_in(server.addr, "hk-zhang").await;
        let phone = NativeClient::connect_resilient(
            &ws_url(proxy.addr),
            &credentials,
            &format!("phone-{n}"),
            area_one(),
        )
        .await
        .expect("connects through the proxy");
        common::whole_area(&phone).await;
        phones.push(phone);
    }

    proxy.set_faults(Faults {
        delay: 0.2,
        max_delay: Duration::from_millis(40),
        cut_mid_frame: 0.03,
        cut_after: 0.03,
    });
    let mut made: Vec<(DocumentId, String)> = Vec::new();
    // The faults are drawn per frame, and how many frames a round takes varies: past
    // `ROUNDS`, rounds go on (up to four times as many) until every kind has happened.
    let mut round = 0;
    while round < ROUNDS || (round < ROUNDS * 4 && !proxy.injected().every_kind()) {
        for (n, phone) in phones.iter().enumerate() {
            let marker = format!("faults-{seed}-{round}-{n}");
            made.push((record(phone, marker.clone()).await, marker));
        }
        // A partition every few rounds, for a random while.
        if round % 8 == 7 {
            proxy.partition();
            tokio::time::sleep(Duration::from_millis(proxy.pick(50..300))).await;
            proxy.heal(server.addr);
        }
        tokio::time::sleep(Duration::from_millis(proxy.pick(5..40))).await;
        round += 1;
    }
    proxy.set_faults(Faults::default());
    proxy.heal(server.addr);
    eprintln!("fault proxy, seed {seed}: {}", proxy.injected());
    let injected = proxy.injected();
    assert!(
        injected.every_kind(),
        "the proxy injected every kind of fault: {injected}"
    );

    for phone in &phones {
        common::acknowledged(phone, "every edit acknowledged once the network heals").await;
        assert!(phone.heard().connections > 1, "the phone connected again");
    }
    let heads = common::stored(server.addr, &made).await;
    for phone in &phones {
        common::holds_the_same(phone, &heads).await;
    }
    for phone in phones {
        phone.close();
    }
}
