//! A TCP proxy between phones and the server that breaks the network on purpose. It
//! passes bytes through both ways and, as its [`Faults`] say, delays them, cuts a
//! connection in the middle of a frame, closes one right after passing a whole chunk
//! (so an answer is lost and the phone sends again on its next connection), and
//! partitions: every connection cut and new ones refused until it heals. The server it
//! forwards to can change, so a phone behind it follows a server that restarts on another
//! port. Its choices come from one seeded generator; which chunk each lands on depends on
//! timing as well.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// How often each fault strikes, per chunk of bytes passed (each between 0 and 1).
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// A chunk waits up to `max_delay` before it passes.
    pub delay: f64,
    pub max_delay: Duration,
    /// The connection is cut after part of a chunk: a frame arrives half-written.
    pub cut_mid_frame: f64,
    /// The connection is cut right after a whole chunk: what answers it is lost.
    pub cut_after: f64,
}

/// What the proxy has done so far.
#[derive(Debug, Default)]
pub struct Injected {
    pub connections: AtomicUsize,
    pub delays: AtomicUsize,
    pub cuts_mid_frame: AtomicUsize,
    pub cuts_after: AtomicUsize,
    pub partitions: AtomicUsize,
    pub refused: AtomicUsize,
}

impl Injected {
    /// Whether a cut mid-frame, a cut after a chunk and a partition have each happened.
    pub fn every_kind(&self) -> bool {
        [&self.cuts_mid_frame, &self.cuts_after, &self.partitions]
            .iter()
            .all(|n| n.load(Ordering::Relaxed) > 0)
    }

    /// Every fault injected, of every kind.
    pub fn faults(&self) -> usize {
        [
            &self.delays,
            &self.cuts_mid_frame,
            &self.cuts_after,
            &self.partitions,
            &self.refused,
        ]
        .iter()
        .map(|n| n.load(Ordering::Relaxed))
        .sum()
    }
}

impl std::fmt::Display for Injected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = |a: &AtomicUsize| a.load(Ordering::Relaxed);
        write!(
            f,
            "{} connections; {} delays, {} cuts mid-frame, {} cuts after a chunk, {} partitions, {} connections refused while partitioned",
            n(&self.connections),
            n(&self.delays),
            n(&self.cuts_mid_frame),
            n(&self.cuts_after),
            n(&self.partitions),
            n(&self.refused)
        )
    }
}

struct Shared {
    /// Where connections go; `None` while partitioned.
    upstream: Mutex<Option<SocketAddr>>,
    faults: Mutex<Faults>,
    rng: Mutex<ChaCha8Rng>,
    injected: Injected,
    /// The live connections' tasks, aborted by a partition.
    live: Mutex<JoinSet<()>>,
}

impl Shared {
    fn draw(&self, p: f64) -> bool {
        p > 0.0 && self.rng.lock().expect("rng").random_bool(p.min(1.0))
    }
}

/// A running proxy; it stops when dropped.
pub struct FaultProxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    accept: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// A proxy on port 0 of loopback forwarding to `upstream`, no faults yet.
    pub async fn start(upstream: SocketAddr, seed: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let addr = listener.local_addr().expect("address");
        let shared = Arc::new(Shared {
            upstream: Mutex::new(Some(upstream)),
            faults: Mutex::new(Faults::default()),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
            injected: Injected::default(),
            live: Mutex::new(JoinSet::new()),
        });
        let accepting = shared.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = *accepting.upstream.lock().expect("upstream");
                let Some(upstream) = upstream else {
                    accepting.injected.refused.fetch_add(1, Ordering::Relaxed);
                    drop(client);
                    continue;
                };
                accepting
                    .injected
                    .connections
                    .fetch_add(1, Ordering::Relaxed);
                let shared = accepting.clone();
                accepting
                    .live
                    .lock()
                    .expect("live")
                    .spawn(relay(client, upstream, shared));
            }
        });
        Self {
            addr,
            shared,
            accept,
        }
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults.lock().expect("faults") = faults;
    }

    /// Cuts every connection and refuses new ones until [`Self::heal`].
    pub fn partition(&self) {
        *self.shared.upstream.lock().expect("upstream") = None;
        self.shared.live.lock().expect("live").abort_all();
        self.shared
            .injected
            .partitions
            .fetch_add(1, Ordering::Relaxed);
    }

    /// Lets connections through again, to `upstream`.
    pub fn heal(&self, upstream: SocketAddr) {
        *self.shared.upstream.lock().expect("upstream") = Some(upstream);
    }

    pub fn injected(&self) -> &Injected {
        &self.shared.injected
    }

    /// A whole number in `range` from the proxy's seeded generator.
    pub fn pick(&self, range: std::ops::Range<u64>) -> u64 {
        self.shared.rng.lock().expect("rng").random_range(range)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.shared.live.lock().expect("live").abort_all();
    }
}

/// One connection: both directions pumped until either ends or a fault cuts it.
async fn relay(client: TcpStream, upstream: SocketAddr, shared: Arc<Shared>) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    tokio::select! {
        () = pump(client_read, server_write, &shared) => {}
        () = pump(server_read, client_write, &shared) => {}
    }
}

/// Copies one direction chunk by chunk, each chunk exposed to the faults.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    shared: &Shared,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let faults = *shared.faults.lock().expect("faults");
        if shared.draw(faults.delay) {
            shared.injected.delays.fetch_add(1, Ordering::Relaxed);
            let ms = shared
                .rng
                .lock()
                .expect("rng")
                .random_range(0..=faults.max_delay.as_millis() as u64);
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if n > 1 && shared.draw(faults.cut_mid_frame) {
            shared
                .injected
                .cuts_mid_frame
                .fetch_add(1, Ordering::Relaxed);
            let _ = to.write_all(&buf[..n / 2]).await;
            return;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
        if shared.draw(faults.cut_after) {
            shared.injected.cuts_after.fetch_add(1, Ordering::Relaxed);
            return;
        }
    }
}
