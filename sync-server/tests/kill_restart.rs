//! The server is killed with SIGKILL while a phone is sending, then restarted on the same
//! data directory: every change the phone saw acknowledged is still there.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{TestDb, WAIT, area_one, connect, full_replica};
use estate_core::DocumentId;
use estate_core::records::inspection::{Inspection, InspectionForm};
use estate_core::time::Month;
use sync_server::client::NativeClient;
use sync_server::config::Database;

/// The real server binary on port 0 over `db`; returns the child and its WebSocket URL.
fn spawn_server(db: &TestDb) -> (Child, std::net::SocketAddr) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sync-server"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--demo", "--data"])
        .arg(db.dir.path());
    if let Database::Url(url) = &db.database {
        command.args(["--database", url]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("reads");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .expect("listening line")
        .to_owned();
    (child, addr.parse().expect("an address"))
}

async fn record(client: &NativeClient, marker: String) -> DocumentId {
    client
        .with(move |r| {
            let now = sync_server::now_ms();
            let units = r.vacant_units(Month::at(now)).expect("units");
            let unit = units[marker.len() % units.len()].id;
            let form = InspectionForm {
                notes: marker,
                ventilated: true,
                ..InspectionForm::default()
            };
            r.record_inspection(unit, form, "hk-zhang", now)
                .expect("recorded")
        })
        .await
        .expect("client alive")
}

on_both_databases!(nothing_acknowledged_is_lost_when_the_server_is_killed);
async fn nothing_acknowledged_is_lost_when_the_server_is_killed(db: TestDb) {
    let (mut server, addr) = spawn_server(&db);
    let phone = full_replica(addr, "phone-a").await;

    let mut made = Vec::new();
    for n in 0..5 {
        made.push((
            record(&phone, format!("before-{n}")).await,
            format!("before-{n}"),
        ));
    }
    phone
        .wait_until("the first edits to be acknowledged", WAIT, |r| {
            r.engine().unconfirmed().is_empty()
        })
        .await
        .expect("acked");
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
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");

    let unconfirmed = phone
        .with(|r| r.engine().unconfirmed())
        .await
        .expect("client alive");
    let acknowledged: Vec<(DocumentId, String)> = made
        .into_iter()
        .filter(|(id, _)| !unconfirmed.contains(id))
        .collect();
    assert!(
        acknowledged.len() >= 5,
        "at least the first edits were acknowledged"
    );
    phone.close();

    let (mut server, addr) = spawn_server(&db);
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
    server.kill().expect("stops");
    server.wait().expect("reaped");
}
