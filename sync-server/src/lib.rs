//! The sync server: the same core engine as the phones, with tokio and sqlx doing the IO.
//!
//! Layout:
//! - [`config`] — command line and environment;
//! - [`accounts`] — users, roles, scopes, devices and their tokens;
//! - [`access`] — signing requests in and resolving what the caller may reach;
//! - [`throttle`] — back-off after wrong passwords, per account and per address;
//! - [`attachments`] — photos and signatures by content hash, and who may read them;
//! - [`audit`] — each document's owner as first seen, and who sent every change;
//! - [`commit`] — the one write path: chunks, history, announcement and office rows;
//! - [`store`] — the database: chunks in automerge-repo's layout, places, projections;
//! - [`stored`] — records read from storage outside the engine, with their calendar;
//! - [`hub`] — the one task that owns the engine and orders commit-before-reply;
//! - [`nodes`] — several servers on one PostgreSQL telling each other what they stored;
//! - [`ws`] — the `/sync` WebSocket sessions;
//! - [`projection`] — records into SQL rows, in the same transaction as their chunks;
//! - [`retry`] — writing again when the database is busy or briefly out of reach;
//! - [`api`] — JSON for the app and the office;
//! - [`probes`], [`metrics`] — `/healthz`, `/readyz`, `/metrics`;
//! - [`demo`] — loads the demo estate;
//! - [`import`] — units and owners from a spreadsheet;
//! - [`client`] — a native client replica over a WebSocket (tests, benchmarks, tools).

pub mod access;
pub mod accounts;
pub mod api;
pub mod attachments;
pub mod audit;
pub mod client;
pub mod commit;
pub mod config;
pub mod demo;
pub mod hub;
pub mod import;
pub mod metrics;
pub mod nodes;
pub mod probes;
pub mod projection;
pub mod retry;
pub mod store;
pub mod stored;
pub mod throttle;
pub mod ws;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use tokio::sync::watch;
use tower_http::services::{ServeDir, ServeFile};

use crate::config::{Database, ServeArgs};
use crate::hub::{HubConfig, HubHandle};
use crate::metrics::Metrics;
use crate::store::Store;
use crate::ws::Limits;

/// Shared by every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub hub: HubHandle,
    /// How long a device stays signed in.
    pub token_ttl_ms: i64,
    /// What one `/sync` connection may send.
    pub limits: Limits,
    pub metrics: Arc<Metrics>,
    /// Where photos and signatures are kept.
    pub blobs: Arc<dyn attachments::Blobs>,
    /// The largest photo or signature a phone may upload.
    pub max_attachment_bytes: usize,
    /// Wrong passwords per account and address, for back-off.
    pub sign_ins: Arc<throttle::SignInThrottle>,
    /// Who may read `/metrics` from elsewhere than this machine.
    pub metrics_token: Option<Arc<str>>,
    /// Flips to true once, when the server is stopping.
    pub shutdown: watch::Receiver<bool>,
}

/// Every route: the WebSocket, the API, and the app as static files.
pub fn app(state: AppState, app_dir: &std::path::Path) -> Router {
    let files = ServeDir::new(app_dir).fallback(ServeFile::new(app_dir.join("index.html")));
    Router::new()
        .merge(ws::router())
        .merge(api::router())
        .merge(probes::router())
        .fallback_service(files)
        .with_state(state)
}

/// Resolves once the server is stopping (or whoever could stop it is gone).
pub async fn stopping(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stopping| *stopping).await;
}

/// Milliseconds since the Unix epoch, from the server's clock.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
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
    let state = AppState {
        store,
        hub,
        token_ttl_ms: i64::from(args.token_days) * 24 * 3_600_000,
        limits: args.limits(),
        metrics,
        blobs,
        max_attachment_bytes: args.max_attachment_bytes,
        sign_ins: Arc::default(),
        metrics_token: args.metrics_token.as_deref().map(Arc::from),
        shutdown: shutdown.clone(),
    };
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
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
