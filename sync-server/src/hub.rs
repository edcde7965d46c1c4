//! The hub: one task owning the sync engine. Connections send it frames; it feeds them to
//! the engine in batches, commits every storage write and projection of a batch in one
//! transaction, and only then hands the replies to the connections — so no reply ever
//! reflects a change the database could still lose.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use std::collections::{BTreeSet, HashMap};

use estate_core::DocumentId;
use estate_core::access::{Grant, Grants};
use estate_core::engine::{Config, ConnId, Effects, Engine, Event, Role};
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;

mod submit;

pub use submit::{Drafts, Edit, Reply, Submission, SubmitFailure};

use crate::commit::{Announcer, Commit};
use crate::metrics::Metrics;
use crate::retry::Retry;
use crate::store::Store;
use crate::{accounts, grants, nodes, projection};

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
    /// Another server sharing the database stored these documents.
    StoredElsewhere {
        documents: Vec<DocumentId>,
    },
    /// Announcements may have been missed: re-read every document held.
    StoredElsewhereMissed,
    /// The session ends the connection for a reason of its own (a broken limit).
    Refuse {
        conn: ConnId,
        message: String,
    },
    /// An edit made through the HTTP API.
    Submit(Submission),
}

/// The handle connections use to reach the hub.
#[derive(Debug, Clone)]
pub struct HubHandle {
    tx: mpsc::Sender<Inbound>,
    next: Arc<AtomicU64>,
    stored: broadcast::Sender<Stored>,
}

/// Documents just committed (here or by another server sharing the database).
pub type Stored = Arc<[DocumentId]>;

/// Commits an office screen may fall behind by before it is told to read everything again.
const STORED_BACKLOG: usize = 256;

impl HubHandle {
    /// Every commit from now on, as the documents it stored: what the office's live
    /// screens follow. A receiver that falls behind is told it lagged.
    pub fn stored(&self) -> broadcast::Receiver<Stored> {
        self.stored.subscribe()
    }

    pub fn next_conn(&self) -> ConnId {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    /// Whether the hub still takes messages.
    pub fn is_running(&self) -> bool {
        !self.tx.is_closed()
    }

    pub async fn send(&self, message: Inbound) -> bool {
        self.tx.send(message).await.is_ok()
    }

    /// Runs `edit` on `docs` as `grant` and waits until what it changed is committed
    /// (or refused). Gives up after `SUBMIT_WAIT`: the edit may still be stored.
    pub async fn submit(
        &self,
        grant: Grant,
        docs: Vec<DocumentId>,
        edit: Edit,
    ) -> Result<serde_json::Value, SubmitFailure> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let submission = Submission {
            grant,
            docs,
            edit,
            reply,
        };
        if !self.send(Inbound::Submit(submission)).await {
            return Err(SubmitFailure::Stopping);
        }
        match tokio::time::timeout(SUBMIT_WAIT, answer).await {
            Ok(Ok(result)) => result,
            _ => Err(SubmitFailure::Stopping),
        }
    }
}

impl nodes::Listener for HubHandle {
    async fn tell(&self, heard: nodes::Heard) -> bool {
        self.send(match heard {
            nodes::Heard::Stored(documents) => Inbound::StoredElsewhere { documents },
            nodes::Heard::Missed => Inbound::StoredElsewhereMissed,
        })
        .await
    }
}

/// How long an API edit waits for its commit (the database may be out of reach).
const SUBMIT_WAIT: Duration = Duration::from_secs(30);

/// Inputs taken per batch: big enough to amortize a commit, small enough to stay fair.
const BATCH: usize = 4096;
/// How often connected devices are checked against revocations made meanwhile (by the
/// admin CLI, or on another server).
const REVOCATION_CHECK: Duration = Duration::from_secs(10);
/// How long phones must be silent, once the server is stopping, before they are let go.
const QUIET: Duration = Duration::from_millis(300);
/// Flushes queued per connection before it counts as too slow and is closed.
pub const OUTBOX_DEPTH: usize = 256;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// How the hub runs.
#[derive(Debug, Clone)]
pub struct HubConfig {
    /// This server's name among those sharing the database.
    pub node: String,
    /// A document nobody is syncing leaves memory after this long.
    pub evict_after: Duration,
    /// The most documents held in memory at once.
    pub max_resident: usize,
    /// How long a stopping server lets its phones finish their exchange.
    pub drain: Duration,
    pub metrics: Arc<Metrics>,
}

/// Starts the hub task. Once `shutdown` flips it keeps serving the connections still
/// draining, and ends when the last is gone (or the drain time is up), after its last
/// commit; it also ends when every handle is dropped. It fails, ending every
/// connection, on a storage error that trying again cannot cure.
pub fn spawn(
    store: Store,
    config: HubConfig,
    mut shutdown: watch::Receiver<bool>,
) -> (HubHandle, tokio::task::JoinHandle<anyhow::Result<()>>) {
    let (tx, mut rx) = mpsc::channel::<Inbound>(BATCH * 4);
    let handle = HubHandle {
        tx,
        next: Arc::new(AtomicU64::new(1)),
        stored: broadcast::channel(STORED_BACKLOG).0,
    };
    let conn_ids = handle.next.clone();
    let stored = handle.stored.clone();
    let task = tokio::spawn(async move {
        let mut engine_config = Config::new(Role::Server, config.node.clone());
        engine_config.evict_after_ms = config.evict_after.as_millis() as u64;
        engine_config.max_resident = Some(config.max_resident);
        // Idle documents leave memory between one and one and a half `evict_after`s.
        let mut ticker =
            tokio::time::interval((config.evict_after / 2).max(Duration::from_millis(100)));
        let drain = config.drain;
        let mut hub = Hub {
            conn_ids,
            stored,
            submissions: Vec::new(),
            answers: Vec::new(),
            engine: Engine::with_gate(engine_config, Grants::default()),
            store,
            retry: Retry {
                metrics: config.metrics.clone(),
                shutdown: shutdown.clone(),
                drain: config.drain,
            },
            config,
            outboxes: HashMap::new(),
            elsewhere: BTreeSet::new(),
            closing: false,
        };
        let mut revocations = tokio::time::interval(REVOCATION_CHECK);
        // Once stopping: the hard deadline, and when to close if the phones fall quiet.
        let mut stop_by: Option<Instant> = None;
        let mut quiet_at: Option<Instant> = None;
        loop {
            if stop_by.is_some() && hub.outboxes.is_empty() {
                break;
            }
            let wake = quiet_at.into_iter().chain(stop_by).min();
            let deadline = async {
                match wake {
                    Some(t) => tokio::time::sleep_until(t).await,
                    None => std::future::pending().await,
                }
            };
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
                _ = ticker.tick() => {
                    hub.engine.tick(now_ms());
                    hub.config.metrics.sweeps.inc();
                }
                _ = revocations.tick() => {
                    if let Err(e) = hub.cut_revoked().await {
                        tracing::warn!("could not check for revoked devices: {e}");
                    }
                }
                () = crate::clock::stopping(&mut shutdown), if stop_by.is_none() => {
                    stop_by = Some(Instant::now() + drain);
                }
                () = deadline => {
                    if stop_by.is_some_and(|t| Instant::now() >= t) {
                        break;
                    }
                    // Everyone is quiet: close the sessions, then wait for them to go.
                    hub.close_all();
                    quiet_at = None;
                    continue;
                }
            }
            if let Err(e) = hub.settle().await {
                tracing::error!(
                    "storage failed, stopping the hub so nothing unsaved is acknowledged: {e:#}"
                );
                hub.outboxes.clear();
                return Err(e);
            }
            hub.config
                .metrics
                .resident
                .set(hub.engine.resident() as i64);
            if stop_by.is_some() && !hub.closing {
                // The phones get a moment to answer what was just sent.
                quiet_at = Some(Instant::now() + QUIET);
            }
        }
        hub.outboxes.clear();
        Ok(())
    });
    (handle, task)
}

struct Hub {
    /// Numbers for connections, and for API edits passing the gate.
    conn_ids: Arc<AtomicU64>,
    /// Told of every commit, here or elsewhere.
    stored: broadcast::Sender<Stored>,
    /// API edits waiting for their documents to load.
    submissions: Vec<Submission>,
    /// API edits run, to be answered once the commit holding them is done.
    answers: Vec<(Reply, Result<serde_json::Value, SubmitFailure>)>,
    engine: Engine<Grants>,
    store: Store,
    config: HubConfig,
    retry: Retry,
    outboxes: HashMap<ConnId, Outbox>,
    /// Documents other servers stored since the last settle.
    elsewhere: BTreeSet<DocumentId>,
    /// Every session has been told to close (the server is stopping).
    closing: bool,
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
                if self.closing {
                    // Too late: the server is stopping. Dropping the outbox ends it.
                    return;
                }
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
            Inbound::StoredElsewhere { documents } => {
                // Committed already: the office's screens may read it at once.
                let _ = self.stored.send(documents.clone().into());
                let followed = documents.into_iter().filter(|d| self.engine.follows(*d));
                self.elsewhere.extend(followed);
            }
            Inbound::StoredElsewhereMissed => self.elsewhere.extend(self.engine.followed_ids()),
            Inbound::Refuse { conn, message } => self.engine.refuse(conn, message),
            Inbound::Submit(submission) => {
                // Kept in memory until the edit has run: a phone fetching its area could
                // otherwise push them out as fast as they load.
                for doc in &submission.docs {
                    self.engine.hold(*doc);
                }
                self.submissions.push(submission);
            }
        }
    }

    /// Runs every API edit whose documents are all in memory.
    fn run_submissions(&mut self) {
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.submissions)
            .into_iter()
            .partition(|s| s.docs.iter().all(|d| self.engine.holds(*d)));
        self.submissions = waiting;
        for submission in ready {
            let result = self.run(submission.grant, &submission.docs, submission.edit);
            for doc in &submission.docs {
                self.engine.release(*doc);
            }
            self.answers.push((submission.reply, result));
        }
    }

    fn run(
        &mut self,
        grant: Grant,
        docs: &[DocumentId],
        edit: Edit,
    ) -> Result<serde_json::Value, SubmitFailure> {
        let actor = estate_core::ids::device_actor(&grant.device)
            .ok_or_else(|| SubmitFailure::NoActor(grant.device.clone()))?;
        let mut drafts = Drafts::new(actor);
        for id in docs {
            let doc = self
                .engine
                .doc(*id)
                .map_err(|e| SubmitFailure::Problem((&e).into()))?;
            drafts.add(*id, doc.clone());
        }
        let answer = edit(&mut drafts).map_err(SubmitFailure::Problem)?;
        let conn = self.conn_ids.fetch_add(1, Ordering::Relaxed);
        self.engine.gate_mut().insert(conn, grant);
        let submitted = self.engine.submit(conn, &drafts.changes());
        self.engine.gate_mut().remove(conn);
        submitted?;
        Ok(answer)
    }

    /// Ends the connections of devices revoked since they connected (the phone gets an
    /// `error`, asks for its session, learns it was revoked and wipes itself), and of
    /// users whose role, areas or projects changed (the phone reconnects under the new
    /// ones).
    async fn cut_revoked(&mut self) -> sqlx::Result<()> {
        let connected: Vec<(ConnId, Grant)> = self
            .engine
            .gate()
            .iter()
            .map(|(conn, grant)| (conn, grant.clone()))
            .collect();
        if connected.is_empty() {
            return Ok(());
        }
        let pool = self.store.pool();
        let devices: BTreeSet<&str> = connected.iter().map(|(_, g)| g.device.as_str()).collect();
        let users: BTreeSet<&str> = connected.iter().map(|(_, g)| g.user.as_str()).collect();
        let revoked = accounts::revoked_among(pool, &devices).await?;
        let identities = accounts::identities(pool, &users).await?;
        let places = grants::places(pool).await?;
        for (conn, grant) in &connected {
            if revoked.contains(&grant.device) {
                tracing::info!(conn, device = %grant.device, "closing the connection of a revoked device");
                self.engine.refuse(*conn, "device revoked".into());
                continue;
            }
            let now = identities.get(&grant.user).map(|identity| {
                let mut now = grants::grant_among(&places, identity);
                now.device.clone_from(&grant.device);
                now
            });
            if now.as_ref() != Some(grant) {
                tracing::info!(conn, user = %grant.user, "access changed; closing so the phone reconnects");
                self.engine.refuse(
                    *conn,
                    "access changed: reconnect to sync under the new areas".into(),
                );
            }
        }
        Ok(())
    }

    /// Tells every session to close once it has written what it was sent.
    fn close_all(&mut self) {
        self.closing = true;
        let mut full = Vec::new();
        for (conn, outbox) in &self.outboxes {
            if outbox.try_send(Outbound::Close).is_err() {
                full.push(*conn);
            }
        }
        // A session whose queue is full ends once it has written what is queued.
        for conn in full {
            self.outboxes.remove(&conn);
            self.engine.disconnect(conn);
        }
    }

    /// Reads what other servers stored of the documents followed here (in memory, or
    /// resting with phones connected), so the phones syncing them here get those changes.
    async fn take_in_elsewhere(&mut self) -> anyhow::Result<()> {
        let documents: Vec<_> = std::mem::take(&mut self.elsewhere).into_iter().collect();
        if documents.is_empty() {
            return Ok(());
        }
        let store = &self.store;
        let documents = &documents;
        let read = self
            .retry
            .run("reading what another server stored", move || {
                store.load(documents)
            })
            .await?;
        let mut gained = Vec::new();
        for (doc, chunks) in read {
            if self.engine.stored_elsewhere(doc, chunks) {
                self.config.metrics.taken_in.inc();
                gained.push(doc);
            }
        }
        if gained.is_empty() {
            return Ok(());
        }
        // The merged document may differ from what either server projected (two phones
        // on two servers edited it at once): project the merge, so the rows converge.
        let docs: Vec<_> = gained
            .iter()
            .filter_map(|&id| Some((id, self.engine.doc(id).ok()?)))
            .collect();
        let (store, docs, at) = (&self.store, &docs, now_ms() as i64);
        self.retry
            .run(
                "projecting what another server stored",
                move || async move {
                    let mut tx = store.begin().await?;
                    projection::project_all(&mut tx, docs, at).await?;
                    tx.commit().await
                },
            )
            .await
    }

    /// Flushes until the engine has nothing left: commit, send, load, repeat.
    async fn settle(&mut self) -> anyhow::Result<()> {
        self.take_in_elsewhere().await?;
        loop {
            self.run_submissions();
            let effects = self.engine.flush();
            let loads = effects.loads.clone();
            self.commit(&effects).await?;
            for (reply, answer) in self.answers.drain(..) {
                let _ = reply.send(answer);
            }
            self.dispatch(effects);
            if loads.is_empty() {
                return Ok(());
            }
            let (store, loads) = (&self.store, &loads);
            let read = self
                .retry
                .run("loading documents", move || {
                    crate::audit::load_owned(store, loads)
                })
                .await?;
            for (doc, chunks, owner) in read {
                // With its owner known, phones that have all or nothing of it are
                // answered from the stored bytes, and it is not read (`engine/stored.rs`).
                self.engine.loaded_with(doc, chunks, owner.map(Some));
            }
        }
    }

    async fn commit(&mut self, effects: &Effects) -> anyhow::Result<()> {
        if effects.storage.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let admitted = self.engine.gate_mut().take_admitted();
        let changes: usize = admitted.iter().map(|a| a.changes.len()).sum();
        let changed: Vec<DocumentId> = effects
            .events
            .iter()
            .filter_map(|e| match e {
                Event::DocChanged { document } => Some(*document),
                _ => None,
            })
            .collect();
        let commit = Commit {
            storage: &effects.storage,
            admitted: &admitted,
            made: &[],
            changed: &changed,
            docs: changed
                .iter()
                .filter_map(|&id| Some((id, self.engine.doc(id).ok()?)))
                .collect(),
            received_at: now_ms() as i64,
        };
        let (store, node) = (&self.store, self.config.node.as_str());
        let commit = &commit;
        self.retry
            .run("storing a batch", move || {
                commit.write(store, Announcer::Server(node))
            })
            .await?;
        let _ = self.stored.send(changed.into());
        let metrics = &self.config.metrics;
        metrics.changes.inc_by(changes as u64);
        metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        Ok(())
    }

    fn dispatch(&mut self, effects: Effects) {
        let mut batches: HashMap<ConnId, Vec<Vec<u8>>> = HashMap::new();
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
            match event {
                Event::PeerError { conn, message } => {
                    tracing::info!(conn, "the phone reported an error: {message}");
                }
                Event::Refused { conn, message } => {
                    self.config.metrics.refused.inc();
                    tracing::info!(conn, "ending the connection: {message}");
                }
                Event::Denied {
                    conn,
                    document,
                    reason,
                } => {
                    self.config.metrics.denied.inc();
                    tracing::info!(conn, %document, "changes refused: {reason}");
                }
                Event::StorageDamaged { document, problems } => {
                    tracing::warn!(%document, "stored chunks left out: {}", problems.join("; "));
                }
                _ => {}
            }
        }
    }
}
