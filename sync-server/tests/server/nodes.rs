//! Two real server processes on one PostgreSQL: a phone on each sees the other's edits,
//! passed between the servers by LISTEN/NOTIFY.

use crate::common;

use std::time::Instant;

use common::{TestDb, WAIT, full_replica, record_inspection};
use estate_core::DocumentId;
use estate_core::records::inspection::Inspection;
use estate_core::records::journal::Input;
use estate_core::records::people::{Actor, StaffRole};
use estate_core::records::visit::{Visit, VisitAction, VisitHeader, VisitMethod};
use estate_core::time::Month;
use sqlx::{Connection, PgConnection};
use sync_server::client::NativeClient;
use sync_server::config::Database;

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

/// Polls a count (`sql`, with `$1` bound to `param` if given) until it is `want`, or
/// fails after `WAIT` saying what it waited for.
async fn count_until(
    conn: &mut PgConnection,
    sql: &'static str,
    param: Option<String>,
    want: i64,
    what: &str,
) {
    let deadline = Instant::now() + WAIT;
    loop {
        let mut query = sqlx::query_scalar::<_, i64>(sql);
        if let Some(param) = &param {
            query = query.bind(param.clone());
        }
        let got = query.fetch_one(&mut *conn).await.expect("reads the count");
        if got == want {
            return;
        }
        assert!(Instant::now() < deadline, "waited for {what}; still {got}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Links a new ticket to `visit` on `phone`.
async fn link_ticket(phone: &NativeClient, visit: DocumentId) {
    phone
        .with(move |r| {
            let link = Input::act(VisitAction::Ticket {
                ticket: DocumentId::random(),
            });
            let by = Actor::new("hk-zhang", StaffRole::Housekeeper);
            r.act::<Visit>(visit, link, &by, sync_server::now_ms())
                .expect("linked");
        })
        .await
        .expect("client alive");
}

/// Two phones on two servers edit the same visit at once. The visits table is held
/// locked until both servers wait inside their commits, so each projects only its own
/// phone's edit; once each takes in the other's, the merged visit is projected and the
/// row counts both tickets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_edited_on_two_servers_at_once_is_projected_merged() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let Database::Url(url) = &db.database else {
        unreachable!("a PostgreSQL test database has a URL");
    };
    let one = db.spawn(true);
    let two = db.spawn(false);
    let on_one = full_replica(one.addr, "phone-on-one").await;
    let on_two = full_replica(two.addr, "phone-on-two").await;
    let visit = on_one
        .with(|r| {
            let area_id = r.index().expect("index").area_id;
            let unit = r
                .vacant_units(Month::at(sync_server::now_ms()))
                .expect("units")[0]
                .clone();
            let header = VisitHeader {
                area_id,
                unit: unit.id,
                unit_code: unit.code.parse().expect("a unit code"),
                method: VisitMethod::Door,
                visited_at: sync_server::now_ms(),
                by: "hk-zhang".into(),
                person: "业主".into(),
                notes: String::new(),
                satisfaction: None,
            };
            r.create::<Visit>(&header).expect("created")
        })
        .await
        .expect("client alive");
    on_two
        .wait_until(
            "the visit to reach the other server's phone",
            WAIT,
            move |r| r.record(visit).is_ok(),
        )
        .await
        .expect("the visit arrives");

    let mut office = PgConnection::connect(url).await.expect("connects");
    let mut lock = office.begin().await.expect("begins");
    sqlx::query("LOCK TABLE visits IN EXCLUSIVE MODE")
        .execute(&mut *lock)
        .await
        .expect("locks the visits table");
    link_ticket(&on_one, visit).await;
    link_ticket(&on_two, visit).await;
    let mut watcher = PgConnection::connect(url).await.expect("connects");
    // The first waits on the table, the second on the first's row in `records`.
    let waiting = "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted";
    count_until(
        &mut watcher,
        waiting,
        None,
        2,
        "both servers wait on the table",
    )
    .await;
    lock.commit().await.expect("lets go");

    let tickets = "SELECT tickets FROM visits WHERE doc_id = $1";
    let row = Some(visit.to_string());
    count_until(
        &mut watcher,
        tickets,
        row,
        2,
        "the row to count both tickets, not one server's side only",
    )
    .await;
}
