//! The database busy or out of reach under a running server: the hub waits and writes
//! the same batch again, acknowledging nothing meanwhile and losing nothing.

use crate::common;

use std::time::Duration;

use common::{TestDb, WAIT, full_replica, http, metric, metric_until, record_inspection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, PgConnection};
use sync_server::retry::is_transient;

/// Another writer on the server's SQLite file, waiting up to `patience` for its lock.
async fn sqlite_writer(db: &TestDb, patience: Duration) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(db.dir.path().join("estate.sqlite3"))
        .busy_timeout(patience)
        .connect()
        .await
        .expect("opens the server's file")
}

/// A connection to the server's SQLite file that holds its write lock until rolled back.
async fn holding_the_write_lock(db: &TestDb) -> SqliteConnection {
    let mut holder = sqlite_writer(db, WAIT).await;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut holder)
        .await
        .expect("takes the write lock");
    holder
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_sqlite_file_is_transient_and_a_missing_table_is_not() {
    let db = TestDb::sqlite();
    sync_server::store::Store::open(&db.database)
        .await
        .expect("creates the file");
    let _holder = holding_the_write_lock(&db).await;
    let mut other = sqlite_writer(&db, Duration::ZERO).await;
    let busy = sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect_err("the file is locked");
    assert!(is_transient(&busy), "{busy}");
    let missing = sqlx::query("SELECT * FROM nowhere")
        .execute(&mut other)
        .await
        .expect_err("no such table");
    assert!(!is_transient(&missing), "{missing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_postgres_connection_is_transient_and_a_missing_table_is_not() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let sync_server::config::Database::Url(url) = &db.database else {
        unreachable!("a PostgreSQL test database has a URL");
    };
    let mut conn = PgConnection::connect(url).await.expect("connects");
    let missing = sqlx::query("SELECT * FROM nowhere")
        .execute(&mut conn)
        .await
        .expect_err("no such table");
    assert!(!is_transient(&missing), "{missing}");
    let cut = sqlx::query("SELECT pg_terminate_backend(pg_backend_pid())")
        .execute(&mut conn)
        .await
        .expect_err("the server ends the connection");
    assert!(is_transient(&cut), "{cut}");
}

/// SQLite gives up on a lock after its busy timeout (5 s); the hub must not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_made_while_sqlite_is_locked_is_stored_once_the_lock_goes() {
    let db = TestDb::sqlite();
    let server = db.demo_server().await;
    let phone = full_replica(server.addr, "phone").await;
    let mut holder = holding_the_write_lock(&db).await;

    let made = record_inspection(&phone, "made while locked".into()).await;
    metric_until(server.addr, "estate_sync_storage_retries_total", |n| {
        n >= 1.0
    })
    .await;
    assert_eq!(
        http(server.addr, "GET", "/readyz", &[], None).await.0,
        503,
        "not ready while waiting for the database"
    );
    let unconfirmed = common::unacknowledged(&phone).await;
    assert!(
        unconfirmed.contains(&made),
        "nothing is acknowledged before it is stored"
    );

    sqlx::query("ROLLBACK")
        .execute(&mut holder)
        .await
        .expect("lets go");
    common::acknowledged(&phone, "the edit to be acknowledged").await;
    assert_eq!(
        metric(server.addr, "estate_sync_storage_waiting").await,
        0.0
    );
    assert_eq!(http(server.addr, "GET", "/readyz", &[], None).await.0, 200);
    // The hub still serves.
    record_inspection(&phone, "made afterwards".into()).await;
    common::acknowledged(&phone, "the next edit to be acknowledged").await;
    phone.close();
    server.stop().await.expect("stops cleanly");
}

/// PostgreSQL restarted under the server: every connection it had is cut, the
/// listener's too. Edits made afterwards are still stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_cut_by_postgres_are_made_again() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let sync_server::config::Database::Url(url) = &db.database else {
        unreachable!("a PostgreSQL test database has a URL");
    };
    let server = db.demo_server().await;
    let phone = full_replica(server.addr, "phone").await;
    record_inspection(&phone, "before".into()).await;
    common::acknowledged(&phone, "the first edit to be acknowledged").await;

    let mut admin = PgConnection::connect(url).await.expect("connects");
    let cut: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut admin)
    .await
    .expect("cuts the server's connections");
    assert!(!cut.is_empty(), "the server had connections to cut");

    for n in 0..3 {
        record_inspection(&phone, format!("after {n}")).await;
    }
    common::acknowledged(&phone, "the edits after the cut to be acknowledged").await;
    assert_eq!(http(server.addr, "GET", "/readyz", &[], None).await.0, 200);
    phone.close();
    server.stop().await.expect("stops cleanly");
}

/// A failure that trying again cannot cure (here the chunks table is gone): the server
/// stops with an error, for its supervisor to see, rather than take connections it
/// cannot serve; the edit stays unacknowledged on the phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storage_failure_that_retrying_cannot_cure_stops_the_server() {
    let db = TestDb::sqlite();
    let mut server = db.spawn(true);
    let phone = full_replica(server.addr, "phone").await;
    let mut writer = sqlite_writer(&db, WAIT).await;
    sqlx::query("DROP TABLE chunks")
        .execute(&mut writer)
        .await
        .expect("drops the table");
    let made = record_inspection(&phone, "nowhere to go".into()).await;
    let status = server.exited().await.expect("the server stops by itself");
    assert!(!status.success(), "it stops with an error: {status}");
    let unconfirmed = common::unacknowledged(&phone).await;
    assert!(
        unconfirmed.contains(&made),
        "the edit was never acknowledged"
    );
}
