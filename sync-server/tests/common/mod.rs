//! Helpers shared by the server's integration tests.
#![allow(dead_code)]

use std::time::Duration;

use estate_core::DocumentId;
use estate_core::demo::demo_estate;
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};
use sync_server::client::NativeClient;
use sync_server::config::{Database, DbArgs, ServeArgs};

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

    /// A server on port 0 with the demo estate.
    pub async fn demo_server(&self) -> sync_server::Running {
        sync_server::start(&self.args(true))
            .await
            .expect("server starts")
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

/// A server on port 0 with the demo estate in a fresh SQLite data directory.
pub async fn demo_server() -> (sync_server::Running, TestDb) {
    let db = TestDb::sqlite();
    (db.demo_server().await, db)
}

pub fn ws_url(addr: std::net::SocketAddr) -> String {
    format!("ws://{addr}/sync")
}

/// Area A1's index document of the demo estate.
pub fn area_one() -> DocumentId {
    demo_estate().expect("demo").areas[0].index
}

/// A client that holds the whole of area A1.
pub async fn full_replica(url: &str, name: &str) -> NativeClient {
    let client = NativeClient::connect(url, name, area_one())
        .await
        .expect("connects");
    client
        .wait_until("the whole area to arrive", WAIT, |r| {
            r.index().is_ok() && r.missing() == 0
        })
        .await
        .expect("area arrives");
    client
}

/// One HTTP request to the server over a real socket: `(status, JSON body)`; a body that
/// is not JSON comes back as a JSON string.
pub async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;

    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("handshake");
    tokio::spawn(conn);
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let bytes = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Bytes::from(json.to_string())
        }
        None => Bytes::new(),
    };
    let response = sender
        .send_request(request.body(Full::new(bytes)).expect("request"))
        .await
        .expect("response");
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&body).into()));
    (status, json)
}
