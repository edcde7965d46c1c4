//! A native client replica: the core's [`Replica`] over a real WebSocket, with storage in
//! memory. It does exactly what the phone's JS does — carry out the engine's effects in
//! order — so tests and benchmarks exercise the phone's path without a browser. It signs
//! in like a phone: a bearer token, and Automerge actors that start with its device ID.

mod http;

pub use http::{Credentials, request, sign_in};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use estate_core::DocumentId;
use estate_core::engine::{Config, Effects, Event, Role};
pub use estate_core::ids::device_actor;
use estate_core::replica::Replica;
use estate_core::storage::{MemoryStore as Memory, apply_in_memory, chunks_in_memory};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

type Job = Box<dyn FnOnce(&mut Replica) + Send>;

/// A connected native client.
#[derive(Debug)]
pub struct NativeClient {
    jobs: mpsc::UnboundedSender<Job>,
    /// Bumps after every batch of work, so waiters re-check their condition.
    progress: watch::Receiver<u64>,
    task: tokio::task::JoinHandle<()>,
    heard: Arc<Mutex<Heard>>,
}

/// What the server said besides syncing: documents it does not have (or will not show),
/// and protocol errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Heard {
    pub unavailable: Vec<DocumentId>,
    pub errors: Vec<String>,
    /// Connections made so far: 1, and one more each time it connected again.
    pub connections: usize,
}

/// Why the client stopped or an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("could not connect: {0}")]
    Connect(#[from] tokio_tungstenite::tungstenite::Error),
    #[error("the client has stopped")]
    Stopped,
    #[error("timed out after {0:?} waiting for {1}")]
    Timeout(Duration, String),
    #[error("HTTP: {0}")]
    Http(String),
}

impl NativeClient {
    /// Connects to `ws_url` (`ws://host:port/sync`) with `credentials` (sent as a bearer
    /// header) as a replica of the area `index`. When the connection ends, the client
    /// stays as it is and keeps answering [`Self::with`].
    pub async fn connect(
        ws_url: &str,
        credentials: &Credentials,
        peer_id: &str,
        index: DocumentId,
    ) -> Result<Self, ClientError> {
        Self::start(ws_url, credentials, peer_id, index, false, true).await
    }

    /// Like [`Self::connect`], but the replica saves nothing ([`Config::saves`]): for a
    /// load generator playing many phones in one process, where each phone's saving would
    /// be its own CPU's work, not the server's.
    pub async fn connect_without_saving(
        ws_url: &str,
        credentials: &Credentials,
        peer_id: &str,
        index: DocumentId,
    ) -> Result<Self, ClientError> {
        Self::start(ws_url, credentials, peer_id, index, false, false).await
    }

    /// Like [`Self::connect`], but when the connection ends (the server restarts, the
    /// network cuts it) the client connects again as the phone's app does, backing off
    /// from 20 ms to 1 s, and keeps all it holds: what the server had not acknowledged is
    /// offered again on the new connection.
    pub async fn connect_resilient(
        ws_url: &str,
        credentials: &Credentials,
        peer_id: &str,
        index: DocumentId,
    ) -> Result<Self, ClientError> {
        Self::start(ws_url, credentials, peer_id, index, true, true).await
    }

    async fn start(
        ws_url: &str,
        credentials: &Credentials,
        peer_id: &str,
        index: DocumentId,
        reconnect: bool,
        saves: bool,
    ) -> Result<Self, ClientError> {
        let dial = Dial {
            url: ws_url.to_owned(),
            bearer: format!("Bearer {}", credentials.token)
                .parse()
                .map_err(|_| ClientError::Http("a token must be plain text".into()))?,
        };
        let socket = dial.open().await?;
        let mut config = Config::new(Role::Client, peer_id);
        config.saves = saves;
        config.actor = Some(
            device_actor(&credentials.device)
                .ok_or_else(|| ClientError::Http("a device ID is 16 hex digits".into()))?,
        );
        let replica = Replica::new(config, index);
        let (jobs, job_rx) = mpsc::unbounded_channel();
        let (bump, progress) = watch::channel(0);
        let heard = Arc::new(Mutex::new(Heard::default()));
        let task = tokio::spawn(run(
            Connection {
                dial,
                reconnect,
                bump,
                heard: heard.clone(),
            },
            socket,
            replica,
            job_rx,
        ));
        Ok(Self {
            jobs,
            progress,
            task,
            heard,
        })
    }

    /// What the server said so far besides syncing.
    pub fn heard(&self) -> Heard {
        self.heard.lock().map(|h| h.clone()).unwrap_or_default()
    }

    /// Waits until what the server said satisfies `condition`.
    pub async fn wait_heard(
        &self,
        what: &str,
        timeout: Duration,
        condition: impl Fn(&Heard) -> bool + Send + Sync + Clone + 'static,
    ) -> Result<(), ClientError> {
        let heard = self.heard.clone();
        self.wait_until(what, timeout, move |_| {
            heard.lock().is_ok_and(|h| condition(&h))
        })
        .await
    }

    /// Runs `f` on the replica inside the client's task and returns its result.
    pub async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Replica) -> T + Send + 'static,
    ) -> Result<T, ClientError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |r| {
            let _ = tx.send(f(r));
        });
        self.jobs.send(job).map_err(|_| ClientError::Stopped)?;
        rx.await.map_err(|_| ClientError::Stopped)
    }

    /// Waits until `condition` holds on the replica, re-checking after every batch.
    pub async fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        condition: impl Fn(&mut Replica) -> bool + Send + Sync + Clone + 'static,
    ) -> Result<(), ClientError> {
        let mut progress = self.progress.clone();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            progress.borrow_and_update();
            if self.with(condition.clone()).await? {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ClientError::Timeout(timeout, what.to_owned()));
            }
            match tokio::time::timeout_at(deadline, progress.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return Err(ClientError::Stopped),
                Err(_) => return Err(ClientError::Timeout(timeout, what.to_owned())),
            }
        }
    }

    /// Closes the connection and stops the task.
    pub fn close(self) {
        self.task.abort();
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Where the client connects, kept for connecting again.
#[derive(Debug, Clone)]
struct Dial {
    url: String,
    bearer: tokio_tungstenite::tungstenite::http::HeaderValue,
}

impl Dial {
    async fn open(&self) -> Result<Socket, ClientError> {
        let mut request = self.url.as_str().into_client_request()?;
        request
            .headers_mut()
            .insert("authorization", self.bearer.clone());
        // TCP_NODELAY, as a browser sets it: acknowledgements are small frames.
        Ok(
            tokio_tungstenite::connect_async_with_config(request, None, true)
                .await?
                .0,
        )
    }
}

/// The client task's ties to the outside: how to connect again, and whom to tell.
struct Connection {
    dial: Dial,
    reconnect: bool,
    /// Bumps after every batch of work, so waiters re-check their condition.
    bump: watch::Sender<u64>,
    heard: Arc<Mutex<Heard>>,
}

/// How a connection ended.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// The socket closed or failed.
    Socket,
    /// Every handle to the client is gone.
    Dropped,
}

const CONN: u64 = 1;

async fn run(
    connection: Connection,
    first: Socket,
    mut replica: Replica,
    mut jobs: mpsc::UnboundedReceiver<Job>,
) {
    let mut memory = Memory::new();
    let mut socket = Some(first);
    loop {
        if let Some(open) = socket.take() {
            if let Ok(mut heard) = connection.heard.lock() {
                heard.connections += 1;
            }
            let ended = session(open, &connection, &mut replica, &mut memory, &mut jobs).await;
            replica.engine().disconnect(CONN);
            connection.bump.send_modify(|n| *n += 1);
            if ended == Ended::Dropped {
                return;
            }
            if !connection.reconnect {
                break;
            }
        }
        // Connecting again, answering jobs meanwhile.
        let mut backoff = Duration::from_millis(20);
        while socket.is_none() {
            tokio::select! {
                // A handshake the network swallows gives up after a while, as a phone's does.
                () = tokio::time::sleep(backoff) => match tokio::time::timeout(Duration::from_secs(2), connection.dial.open()).await {
                    Ok(Ok(open)) => socket = Some(open),
                    Ok(Err(_)) | Err(_) => backoff = (backoff * 2).min(Duration::from_secs(1)),
                },
                job = jobs.recv() => match job {
                    Some(job) => job(&mut replica),
                    None => return,
                },
            }
        }
    }
    // Keep answering jobs after the connection is gone, so callers see the final state.
    while let Some(job) = jobs.recv().await {
        job(&mut replica);
    }
}

/// One connection, from its first frame to its end.
async fn session(
    socket: Socket,
    connection: &Connection,
    replica: &mut Replica,
    memory: &mut Memory,
    jobs: &mut mpsc::UnboundedReceiver<Job>,
) -> Ended {
    let (mut sink, mut stream) = socket.split();
    let heard = &connection.heard;
    replica
        .engine()
        .connect(CONN, crate::clock::now_ms() as u64);
    loop {
        if !settle(replica, memory, &mut sink, heard).await {
            return Ended::Socket;
        }
        tokio::select! {
            frame = stream.next() => match frame {
                Some(Ok(Message::Binary(bytes))) => {
                    replica.engine().receive(CONN, &bytes, crate::clock::now_ms() as u64);
                    // Take whatever else already arrived before flushing: one burst, one flush.
                    while let Some(Some(Ok(Message::Binary(more)))) = futures_util::FutureExt::now_or_never(stream.next()) {
                        replica.engine().receive(CONN, &more, crate::clock::now_ms() as u64);
                    }
                    // Only the network moves a waiter's condition; local jobs answer directly.
                    if !settle(replica, memory, &mut sink, heard).await {
                        return Ended::Socket;
                    }
                    connection.bump.send_modify(|n| *n += 1);
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Ended::Socket,
            },
            job = jobs.recv() => match job {
                Some(job) => job(replica),
                None => return Ended::Dropped,
            },
        }
    }
}

/// Flushes until quiet: storage first, then loads, then frames. False if the socket died.
async fn settle<S>(
    replica: &mut Replica,
    memory: &mut Memory,
    sink: &mut S,
    heard: &Mutex<Heard>,
) -> bool
where
    S: futures_util::Sink<Message> + Unpin,
{
    loop {
        let Effects {
            storage,
            loads,
            sends,
            closes,
            events,
        } = replica.flush();
        if let Ok(mut heard) = heard.lock() {
            for event in events {
                match event {
                    Event::DocUnavailable { document, .. } => heard.unavailable.push(document),
                    Event::PeerError { message, .. }
                    | Event::Refused { message, .. }
                    | Event::Denied {
                        reason: message, ..
                    } => {
                        heard.errors.push(message);
                    }
                    _ => {}
                }
            }
        }
        apply_in_memory(memory, storage);
        for id in &loads {
            let chunks = chunks_in_memory(memory, *id);
            replica.engine().loaded(*id, chunks);
        }
        for (_, frame) in sends {
            if sink.feed(Message::Binary(frame.into())).await.is_err() {
                return false;
            }
        }
        if sink.flush().await.is_err() || !closes.is_empty() {
            return false;
        }
        if loads.is_empty() {
            return true;
        }
    }
}
