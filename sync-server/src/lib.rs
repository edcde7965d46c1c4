//! The sync server: the same core engine as the phones, with tokio and sqlx doing the IO.
//!
//! Layers, imports flowing one way (down); `tests/server/layers.rs` holds every module to them:
//!
//! 1. Foundation: [`clock`] (time and the stop signal), [`config`] (command line and
//!    environment), [`limits`] (what one `/sync` connection may send), [`metrics`] (the counters), [`store`] (the database: chunks in
//!    automerge-repo's layout), [`retry`] (writing again when the database is busy or
//!    briefly out of reach).
//! 2. Services over storage: [`accounts`] (users, roles, scopes, devices, tokens),
//!    [`grants`] (what an identity reaches), [`throttle`] (back-off after wrong
//!    passwords), [`audit`] (each document's owner and who sent every change),
//!    [`stored`] (records read outside the engine), [`projection`] (the office rows),
//!    [`nodes`] (servers sharing PostgreSQL telling each other what they stored),
//!    [`commit`] (the one write path), [`parsed`] (records parsed for reports, kept), [`attachments`] (photos and signatures),
//!    [`import`] (units and owners from a spreadsheet), [`demo`] (the demo estate).
//! 3. Sync and HTTP: [`hub`] (the task owning the engine, commit-before-reply),
//!    [`state`] (what every route is handed), [`ws`] (`/sync` sessions), [`api`] (JSON
//!    for the app and the office, its error and the sign-in extractor), [`probes`]
//!    (`/healthz`, `/readyz`, `/metrics`), [`client`] (a native client replica, for
//!    tests, benchmarks and tools).
//!
//! This file only wires them: [`app`] merges the routes, [`start`] opens, seeds, spawns
//! and serves.

pub mod accounts;
pub mod api;
pub mod attachments;
pub mod audit;
pub mod client;
pub mod clock;
pub mod commit;
pub mod config;
pub mod demo;
pub mod files;
pub mod grants;
pub mod hub;
pub mod import;
pub mod limits;
pub mod metrics;
pub mod nodes;
pub mod parsed;
pub mod probes;
pub mod projection;
pub mod retry;
pub mod state;
pub mod store;
pub mod stored;
pub mod throttle;
pub mod ws;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::serve::ListenerExt as _;
use tokio::sync::watch;
use tower_http::compression::CompressionLayer;

pub use crate::clock::{now_ms, stopping};
use crate::config::{Database, ServeArgs};
use crate::hub::HubConfig;
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::parsed::ParsedRecords;
use crate::state::AppState;
use crate::store::Store;

/// Every route: the WebSocket, the API (its answers compressed when the client accepts
/// it; the event stream and the WebSocket are not), and the app as static files.
pub fn app(state: AppState, app_dir: &std::path::Path) -> Router {
    Router::new()
        .merge(ws::router())
        .merge(api::router().layer(CompressionLayer::new()))
        .merge(probes::router())
        .merge(files::router(app_dir))
        .with_state(state)
}

/// A running server.
#[derive(Debug)]
pub struct Running {
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Stops accepting, lets connected phones finish their exchange (up to the drain
    /// time), and waits for the hub's last commit.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.task.await?
    }

    /// Resolves only if the server stops by itself: its storage failed in a way that
    /// trying again cannot cure.
    pub async fn failed(&mut self) -> anyhow::Error {
        match (&mut self.task).await {
            Ok(Err(e)) => e,
            Ok(Ok(())) => anyhow::anyhow!("the server stopped unasked"),
            Err(e) => e.into(),
        }
    }
}

/// Opens the store, seeds the demo if asked, binds, and serves in the background.
pub async fn start(args: &ServeArgs) -> anyhow::Result<Running> {
    let database = args.db.database();
    let store = Store::open(&database).await?;
    match &database {
        Database::SqliteIn(dir) => {
            tracing::info!("database: SQLite {}", dir.join("estate.sqlite3").display());
        }
        Database::Url(url) => tracing::info!("database: {}", store::redact(url)),
    }
    if args.demo && demo::seed(&store, estate_core::demo::demo_estate()?, now_ms()).await? {
        tracing::info!(
            "demo estate loaded; accounts hk-zhang, hk-li (片区管家), sup-wang (客服主管), \
             office-chen (客服组), admin — password {}",
            demo::DEMO_PASSWORD
        );
    }
    projection::backfill(&store, now_ms()).await?;
    let (stop, shutdown) = watch::channel(false);
    let metrics = Arc::new(Metrics::default());
    let config = HubConfig {
        node: nodes::node_id(),
        evict_after: Duration::from_secs(args.evict_after_secs.into()),
        max_resident: args.max_resident_docs,
        drain: Duration::from_secs(args.drain_secs.into()),
        metrics: metrics.clone(),
    };
    let node = config.node.clone();
    let (hub, hub_task) = hub::spawn(store.clone(), config, shutdown.clone());
    match (&database, store.backend()) {
        (Database::Url(url), store::Backend::Postgres) => {
            nodes::listen(url, node, hub.clone(), shutdown.clone()).await?;
        }
        _ => {
            nodes::poll(store.clone(), hub.clone(), shutdown.clone()).await?;
        }
    }
    let blobs = Arc::new(attachments::DatabaseBlobs::new(store.clone()));
    let parsed = Arc::new(ParsedRecords::following(hub.stored()));
    let state = AppState {
        store,
        hub,
        token_ttl_ms: i64::from(args.token_days) * 24 * 3_600_000,
        limits: Limits::of(args),
        metrics,
        blobs,
        max_attachment_bytes: args.max_attachment_bytes,
        sign_ins: Arc::default(),
        metrics_token: args.metrics_token.as_deref().map(Arc::from),
        parsed,
        shutdown: shutdown.clone(),
    };
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    // Frames are small and go out one after another: without TCP_NODELAY, Nagle holds each
    // one behind the previous one's acknowledgement, which the phone delays by up to 40 ms.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY not set on a connection: {e}");
        }
    });
    let router = app(state, &args.app_dir());
    let mut wait = shutdown;
    let task = tokio::spawn(async move {
        let serve = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move { stopping(&mut wait).await })
        .into_future();
        tokio::pin!(serve, hub_task);
        tokio::select! {
            served = &mut serve => {
                served?;
                hub_task.await?
            }
            // The hub fails only on storage it cannot recover: the server stops with it
            // rather than keep taking connections it cannot serve.
            hub = &mut hub_task => {
                hub??;
                Ok(serve.await?)
            }
        }
    });
    Ok(Running { addr, stop, task })
}
