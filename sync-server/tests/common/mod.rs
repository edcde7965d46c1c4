//! Helpers shared by the server's integration tests.
#![allow(dead_code)]

use std::time::Duration;

use estate_core::DocumentId;
use estate_core::demo::demo_estate;
use sync_server::client::NativeClient;
use sync_server::config::ServeArgs;

pub const WAIT: Duration = Duration::from_secs(30);

/// A server on port 0 with the demo estate in a fresh data directory.
pub async fn demo_server() -> (sync_server::Running, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = ServeArgs {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data: dir.path().to_owned(),
        app_dir: None,
        demo: true,
    };
    (sync_server::start(&args).await.expect("server starts"), dir)
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
