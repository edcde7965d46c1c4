//! Helpers shared by the server's integration tests.
#![allow(dead_code)]

pub mod app;
pub mod proxy;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use automerge::ChangeHash;
use estate_core::DocumentId;
use estate_core::demo::demo_estate;
use estate_core::records::inspection::{Inspection, InspectionForm};
use estate_core::time::Month;
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};
use sync_server::client::{self, Credentials, NativeClient};
use sync_server::config::{Database, DbArgs, ServeArgs};
use sync_server::demo::DEMO_PASSWORD;

pub const WAIT: Duration = Duration::from_secs(30);

/// A fresh, empty database for one test: a SQLite file in a temporary directory, or a
/// new database on the PostgreSQL that `TEST_DATABASE_URL` names (`scripts/test.sh`
/// starts one with `scripts/postgres.sh`).
#[derive(Debug)]
pub struct TestDb {
    pub database: Database,
    /// The data directory (SQLite's file, or nothing with PostgreSQL).
    pub dir: tempfile::TempDir,
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self {
            database: Database::SqliteIn(dir.path().to_owned()),
            dir,
        }
    }

    /// `None` (and a line saying so) when no PostgreSQL is configured.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin) = std::env::var("TEST_DATABASE_URL") else {
            eprintln!(
                "PostgreSQL case skipped: TEST_DATABASE_URL is not set (`bash scripts/postgres.sh` prints one; scripts/test.sh sets it)"
            );
            return None;
        };
        let name = format!("estate_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(&admin)
            .await
            .expect("TEST_DATABASE_URL reaches a PostgreSQL server");
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("creates a test database");
        let (base, _) = admin.rsplit_once('/').expect("a URL with a database name");
        Some(Self {
            database: Database::Url(format!("{base}/{name}")),
            dir: tempfile::tempdir().expect("temp dir"),
        })
    }

    /// Server arguments on port 0 over this database.
    pub fn args(&self, demo: bool) -> ServeArgs {
        let db = DbArgs {
            data: self.dir.path().to_owned(),
            database: match &self.database {
                Database::Url(url) => Some(url.clone()),
                Database::SqliteIn(_) => None,
            },
        };
        ServeArgs {
            demo,
            ..ServeArgs::new("127.0.0.1:0".parse().expect("addr"), db)
        }
    }

    /// The real server binary on port 0 over this database, with or without the demo.
    pub fn spawn(&self, demo: bool) -> ServerProcess {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sync-server"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(self.dir.path());
        if demo {
            command.arg("--demo");
        }
        if let Database::Url(url) = &self.database {
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
            .parse()
            .expect("an address");
        ServerProcess { child, addr }
    }

    /// A server on port 0 with the demo estate.
    pub async fn demo_server(&self) -> sync_server::Running {
        sync_server::start(&self.args(true))
            .await
            .expect("server starts")
    }
}

/// A server process; killed (SIGKILL) when dropped, so a failed test leaves none behind.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// How the process ended, if it ends by itself within `WAIT`.
    pub async fn exited(&mut self) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + WAIT;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// SIGKILL, and waits for the process to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs an async test body once on SQLite and once on PostgreSQL, as two tests.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::TestDb::sqlite()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::common::TestDb::postgres().await {
                    super::$name(db).await;
                }
            }
        }
    };
}

/// The database with the demo's areas, projects and accounts, no server running.
pub async fn seeded_store(db: &TestDb) -> sync_server::store::Store {
    let store = sync_server::store::Store::open(&db.database)
        .await
        .expect("store");
    sync_server::demo::seed(&store, demo_estate().expect("demo"), 0)
        .await
        .expect("seeded");
    store
}

/// A server on port 0 with the demo estate in a fresh SQLite data directory.
pub async fn demo_server() -> (sync_server::Running, TestDb) {
    let db = TestDb::sqlite();
    (db.demo_server().await, db)
}

pub fn ws_url(addr: SocketAddr) -> String {
    format!("ws://{addr}/sync")
}

/// Area A1's index document of the demo estate.
pub fn area_one() -> DocumentId {
    demo_estate().expect("demo").areas[0].index
}

/// Signs a demo user in as a new device.
pub async fn sign_in(addr: SocketAddr, user: &str) -> Credentials {
    client::sign_in(addr, user, DEMO_PASSWORD, "测试手机")
        .await
        .expect("demo user signs in")
}

/// A client signed in as `user` replicating the area whose index is `index`.
pub async fn connect(addr: SocketAddr, user: &str, name: &str, index: DocumentId) -> NativeClient {
    let credentials = sign_in(addr, user).await;
    NativeClient::connect(&ws_url(addr), &credentials, name, index)
        .await
        .expect("connects")
}

/// A client of area A1's housekeeper (hk-zhang) that holds the whole area.
pub async fn full_replica(addr: SocketAddr, name: &str) -> NativeClient {
    let client = connect(addr, "hk-zhang", name, area_one()).await;
    whole_area(&client).await;
    client
}

/// Waits until `client` holds its whole area.
pub async fn whole_area(client: &NativeClient) {
    client
        .wait_until("the whole area to arrive", WAIT, |r| {
            r.read_index().is_ok() && r.missing() == 0
        })
        .await
        .expect("area arrives");
}

/// Waits until the server has acknowledged everything `client` made: it is stored.
pub async fn acknowledged(client: &NativeClient, what: &'static str) {
    client
        .wait_until(what, WAIT, |r| r.engine().unconfirmed().is_empty())
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
}

/// What `client` made that the server has not yet acknowledged.
pub async fn unacknowledged(client: &NativeClient) -> Vec<DocumentId> {
    client
        .with(|r| r.engine().unconfirmed())
        .await
        .expect("client alive")
}

/// Waits until the server has refused something of `client`'s with an error saying `why`.
pub async fn refused(client: &NativeClient, why: &'static str) {
    client
        .wait_heard(why, WAIT, move |h| h.errors.iter().any(|e| e.contains(why)))
        .await
        .expect("refused with a reason");
}

/// One HTTP request to the server over a real socket: `(status, JSON body)`.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    client::request(addr, method, path, headers, body)
        .await
        .expect("the server answers")
}

/// Records a vacant-unit inspection whose notes are `marker`, on one of the area's units.
pub async fn record_inspection(client: &NativeClient, marker: String) -> DocumentId {
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

/// A test's seed: the environment variable `var` when set (to replay a run), else
/// `default`. Printed either way.
pub fn seed(var: &str, default: u64) -> u64 {
    let seed = std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    eprintln!("{var}={seed}");
    seed
}

/// Checks that the server at `addr` holds every inspection of `made` with its notes,
/// and a readable area index, as a new phone of the area receives them; returns each
/// inspection's heads there.
pub async fn stored(
    addr: SocketAddr,
    made: &[(DocumentId, String)],
) -> Vec<(DocumentId, Vec<ChangeHash>)> {
    let checker = connect(addr, "hk-zhang", "checker", area_one()).await;
    checker
        .wait_until("the area index", WAIT, |r| r.read_index().is_ok())
        .await
        .expect("the area index arrives and reads");
    let ids: Vec<DocumentId> = made.iter().map(|(id, _)| *id).collect();
    let wanted = ids.clone();
    checker
        .with(move |r| {
            for id in wanted {
                r.engine().want(id);
            }
        })
        .await
        .expect("alive");
    let expected = made.to_vec();
    checker
        .wait_until("every acknowledged inspection", WAIT, move |r| {
            expected.iter().all(|(id, marker)| {
                r.doc(*id)
                    .ok()
                    .and_then(|d| Inspection::from_doc(d).ok())
                    .is_some_and(|i| &i.notes == marker)
            })
        })
        .await
        .expect("nothing acknowledged was lost");
    // Whole: every record the stored index lists is stored too (an entry never goes out
    // before its record, so a kill cannot leave one listed but absent).
    checker
        .wait_until("every record the index lists", WAIT, |r| r.missing() == 0)
        .await
        .expect("the index lists only stored records");
    let heads = checker
        .with(move |r| {
            ids.into_iter()
                .map(|id| (id, r.doc(id).map(|d| d.get_heads()).unwrap_or_default()))
                .collect()
        })
        .await
        .expect("alive");
    checker.close();
    heads
}

/// Waits until `phone` holds each document of `heads` at exactly those heads.
pub async fn holds_the_same(phone: &NativeClient, heads: &[(DocumentId, Vec<ChangeHash>)]) {
    let heads = heads.to_vec();
    phone
        .wait_until("the phone to hold what the server holds", WAIT, move |r| {
            heads
                .iter()
                .all(|(id, h)| r.doc(*id).is_ok_and(|d| &d.get_heads() == h))
        })
        .await
        .expect("the phone converges with the server");
}

/// One metric's value from `/metrics`.
pub async fn metric(addr: SocketAddr, name: &str) -> f64 {
    let (status, body) = http(addr, "GET", "/metrics", &[], None).await;
    assert_eq!(status, 200);
    let text = body.as_str().expect("text").to_owned();
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} in /metrics:\n{text}"))
}

/// Polls a metric until it satisfies `ok`, or fails after `WAIT`.
pub async fn metric_until(addr: SocketAddr, name: &str, ok: impl Fn(f64) -> bool) -> f64 {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let value = metric(addr, name).await;
        if ok(value) {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{name} stayed at {value}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs a script of `tests/js` (its npm packages installed by `scripts/setup.sh`) and
/// reads the one JSON line it prints.
pub fn node(script: &str, args: &[&str]) -> serde_json::Value {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/js");
    let out = Command::new("node")
        .current_dir(dir)
        .arg(script)
        .args(args)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}
