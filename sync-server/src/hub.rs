//! The hub: one task owning the sync engine. Connections send it frames; it feeds them to
//! the engine in batches, commits every storage write and projection of a batch in one
//! transaction, and only then hands the replies to the connections — so no reply ever
//! reflects a change the database could still lose.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use estate_core::access::{Grant, Grants};
use estate_core::engine::{Config, ConnId, Effects, Engine, Event, Role};
use tokio::sync::{mpsc, watch};

use crate::store::{self, Store};
use crate::{audit, projection};

/// Frames for one connection, handed over one flush at a time.
pub type Outbox = mpsc::Sender<Outbound>;

/// What the hub tells a connection.
#[derive(Debug)]
pub enum Outbound {
    Frames(Vec<Vec<u8>>),
    Close,
}

/// What connections tell the hub.
#[derive(Debug)]
pub enum Inbound {
    /// A signed-in connection and what it may reach.
    Connect {
        conn: ConnId,
        outbox: Outbox,
        grant: Grant,
    },
    Frame {
        conn: ConnId,
        frame: Vec<u8>,
    },
    Disconnect {
        conn: ConnId,
    },
}

/// The handle connections use to reach the hub.
#[derive(Debug, Clone)]
pub struct HubHandle {
    tx: mpsc::Sender<Inbound>,
    next: std::sync::Arc<AtomicU64>,
}

impl HubHandle {
    pub fn next_conn(&self) -> ConnId {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    pub async fn send(&self, message: Inbound) -> bool {
        self.tx.send(message).await.is_ok()
    }
}

/// Inputs taken per batch: big enough to amortize a commit, small enough to stay fair.
const BATCH: usize = 4096;
/// Flushes queued per connection before it counts as too slow and is closed.
pub const OUTBOX_DEPTH: usize = 256;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// Starts the hub task; it ends when `shutdown` flips or every handle is dropped.
pub fn spawn(
    store: Store,
    peer_id: String,
    mut shutdown: watch::Receiver<bool>,
) -> (HubHandle, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = mpsc::channel::<Inbound>(BATCH * 4);
    let handle = HubHandle {
        tx,
        next: std::sync::Arc::new(AtomicU64::new(1)),
    };
    let task = tokio::spawn(async move {
        let mut hub = Hub {
            engine: Engine::with_gate(Config::new(Role::Server, peer_id), Grants::default()),
            store,
            outboxes: Default::default(),
        };
        let mut ticker = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                first = rx.recv() => {
                    let Some(first) = first else { break };
                    hub.accept(first);
                    let mut taken = 1;
                    while taken < BATCH {
                        match rx.try_recv() {
                            Ok(next) => { hub.accept(next); taken += 1; }
                            Err(_) => break,
                        }
                    }
                }
                _ = ticker.tick() => hub.engine.tick(now_ms()),
                _ = shutdown.changed() => break,
            }
            if let Err(e) = hub.settle().await {
                tracing::error!(
                    "storage failed, stopping the hub so nothing unsaved is acknowledged: {e:#}"
                );
                break;
            }
        }
        hub.outboxes.clear();
    });
    (handle, task)
}

struct Hub {
    engine: Engine<Grants>,
    store: Store,
    outboxes: std::collections::HashMap<ConnId, Outbox>,
}

impl Hub {
    fn accept(&mut self, input: Inbound) {
        let now = now_ms();
        match input {
            Inbound::Connect {
                conn,
                outbox,
                grant,
            } => {
                self.outboxes.insert(conn, outbox);
                self.engine.gate_mut().insert(conn, grant);
                self.engine.connect(conn, now);
            }
            Inbound::Frame { conn, frame } => self.engine.receive(conn, &frame, now),
            Inbound::Disconnect { conn } => {
                self.outboxes.remove(&conn);
                self.engine.gate_mut().remove(conn);
                self.engine.disconnect(conn);
            }
        }
    }

    /// Flushes until the engine has nothing left: commit, send, load, repeat.
    async fn settle(&mut self) -> anyhow::Result<()> {
        loop {
            let effects = self.engine.flush();
            let loads = effects.loads.clone();
            self.commit(&effects).await?;
            self.dispatch(effects);
            if loads.is_empty() {
                return Ok(());
            }
            for (doc, chunks) in self.store.load(&loads).await? {
                self.engine.loaded(doc, chunks);
            }
        }
    }

    async fn commit(&mut self, effects: &Effects) -> anyhow::Result<()> {
        if effects.storage.is_empty() {
            return Ok(());
        }
        let received_at = now_ms() as i64;
        let admitted = self.engine.gate_mut().take_admitted();
        let mut tx = self.store.begin().await?;
        store::apply(&mut tx, &effects.storage).await?;
        audit::record(&mut tx, &admitted, received_at).await?;
        let changed = effects.events.iter().filter_map(|e| match e {
            Event::DocChanged { document } => Some(*document),
            _ => None,
        });
        for document in changed {
            let Ok(doc) = self.engine.doc_mut(document) else {
                continue;
            };
            if let Err(e) = projection::project(&mut tx, document, doc, received_at).await {
                tracing::warn!(%document, "stored but not projected: {e}");
            }
        }
        tx.commit().await?;
        Ok(())
    }

    fn dispatch(&mut self, effects: Effects) {
        let mut batches: std::collections::HashMap<ConnId, Vec<Vec<u8>>> = Default::default();
        for (conn, frame) in effects.sends {
            batches.entry(conn).or_default().push(frame);
        }
        for (conn, frames) in batches {
            let Some(outbox) = self.outboxes.get(&conn) else {
                continue;
            };
            if outbox.try_send(Outbound::Frames(frames)).is_err() {
                tracing::warn!(conn, "connection too slow or gone; closing it");
                self.outboxes.remove(&conn);
                self.engine.disconnect(conn);
            }
        }
        for conn in effects.closes {
            if let Some(outbox) = self.outboxes.remove(&conn) {
                let _ = outbox.try_send(Outbound::Close);
            }
        }
        for event in effects.events {
            if let Event::PeerError { conn, message } = event {
                tracing::info!(conn, "protocol error: {message}");
            }
        }
    }
}
