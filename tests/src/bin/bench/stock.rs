//! The stock automerge-repo server (`tests/js/bench/node-server.mjs`: the Node WebSocket
//! adapter over file storage, no token) as a child process, watched: when it dies
//! mid-run, what waits on it fails at once with its exit status and the last of what it
//! printed, instead of waiting out a timeout.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use estate_core::DocumentId;
use estate_core::demo::Estate;
use estate_core::replica::Replica;
use sync_server::client::{ClientError, Credentials, NativeClient};

use super::ROOT_DIR;

/// A running stock server over its own temporary directory.
#[derive(Debug)]
pub struct Stock {
    child: Child,
    pub ws: String,
    pub addr: SocketAddr,
    dir: tempfile::TempDir,
}

impl Stock {
    pub fn spawn() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let log = std::fs::File::create(dir.path().join("stderr.log"))?;
        let mut child = Command::new("node")
            .current_dir(Path::new(ROOT_DIR).join("tests/js"))
            .args(["bench/node-server.mjs", "--port", "0", "--dir"])
            .arg(dir.path().join("storage"))
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .context("starting the stock Node server")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
        let Some(addr) = line.trim().strip_prefix("listening on http://") else {
            let _ = child.kill();
            bail!("the stock server did not start: {line:?}");
        };
        let addr: SocketAddr = addr.parse()?;
        Ok(Self {
            child,
            ws: format!("ws://{addr}/sync"),
            addr,
            dir,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How it ended, if it has: its status and the end of its error output.
    pub fn ended(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok().flatten()?;
        Some(format!(
            "the stock server exited ({status}): {}",
            self.log_tail(3)
        ))
    }

    /// The last `lines` of what it printed as errors, what it said but not where: stack
    /// frames and the version banner left out; "nothing" when it printed none.
    pub fn log_tail(&self, lines: usize) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default();
        let said: Vec<&str> = log
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("at ") && !l.starts_with("Node.js v"))
            .collect();
        if said.is_empty() {
            return "nothing".into();
        }
        said[said.len().saturating_sub(lines)..].join(" / ")
    }

    /// `error`, with how the server ended if that is why.
    pub fn explain(&mut self, error: anyhow::Error) -> anyhow::Error {
        match self.ended() {
            Some(how) => error.context(how),
            None => error,
        }
    }

    /// `work`, unless the server dies first.
    pub async fn watching<T>(
        &mut self,
        what: &str,
        work: impl Future<Output = anyhow::Result<T>>,
    ) -> anyhow::Result<T> {
        tokio::pin!(work);
        loop {
            tokio::select! {
                done = &mut work => return done,
                () = tokio::time::sleep(Duration::from_millis(250)) => {
                    if let Some(how) = self.ended() {
                        bail!("{how}, while {what}");
                    }
                }
            }
        }
    }
}

impl Drop for Stock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Credentials for the stock server, which takes no token: phone `n`'s device ID, and
/// a token it ignores.
pub fn phone(n: usize) -> Credentials {
    Credentials {
        token: "stock-server-takes-no-token".into(),
        device: format!("{n:016x}"),
    }
}

/// Puts every document of `estate` on the stock server: a native client that holds them
/// offers them in batches of [`UPLOAD_BATCH`], each confirmed before the next. Offered
/// all at once, 9,000 documents kept the stock server busy past its own 60 s timeout on
/// storing one, which ended it (an unhandled `TimeoutError` in `withTimeout`).
///
/// Now and then the stock server stops answering for some documents of a batch while it
/// answers the rest. When none is confirmed for [`STALLED_AFTER`], the uploader says so
/// with the end of the stock server's log, and a fresh connection offers those documents
/// again, up to [`FRESH_CONNECTIONS`] times.
pub async fn upload(stock: &mut Stock, estate: Estate) -> anyhow::Result<()> {
    let count = estate.docs.len();
    let mut docs = estate.docs;
    let mut sent = 0;
    let mut fresh = 0;
    let mut uploader = uploader(&stock.ws).await?;
    while !docs.is_empty() {
        let batch: Vec<_> = docs.drain(..UPLOAD_BATCH.min(docs.len())).collect();
        sent += batch.len();
        let mut pending = batch;
        loop {
            uploader
                .with(move |r| {
                    for (id, doc) in pending {
                        r.engine().create(id, doc)?;
                    }
                    anyhow::Ok(())
                })
                .await??;
            let what = format!("uploading {count} documents ({sent} offered)");
            let left = stock.watching(&what, confirm(&uploader)).await?;
            if left.is_empty() {
                break;
            }
            fresh += 1;
            eprintln!(
                "stock upload: {} of {sent} documents unconfirmed for {} s; the stock server \
                 last said: {}",
                left.len(),
                STALLED_AFTER.as_secs(),
                stock.log_tail(5)
            );
            if fresh > FRESH_CONNECTIONS {
                bail!(
                    "the stock server confirmed none of {} documents in {} s, {FRESH_CONNECTIONS} \
                     fresh connections tried, while {what}",
                    left.len(),
                    STALLED_AFTER.as_secs()
                );
            }
            pending = uploader
                .with(move |r| {
                    left.into_iter()
                        .map(|id| Ok((id, r.engine().doc(id)?.clone())))
                        .collect::<anyhow::Result<Vec<_>>>()
                })
                .await??;
            uploader.close();
            uploader = self::uploader(&stock.ws).await?;
        }
    }
    uploader.close();
    Ok(())
}

/// A native client that holds nothing yet. Its own area is none of the estate's: a
/// replica asks for its index at once, and the uploader must create every document
/// itself, the indexes included.
async fn uploader(ws: &str) -> anyhow::Result<NativeClient> {
    let nowhere = DocumentId::from_bytes([0xee; 16]);
    Ok(NativeClient::connect(ws, &phone(0), "bench-upload", nowhere).await?)
}

/// Waits until the stock server has confirmed everything `uploader` offered, or until
/// it has confirmed nothing more for [`STALLED_AFTER`]; what is still unconfirmed.
async fn confirm(uploader: &NativeClient) -> anyhow::Result<Vec<DocumentId>> {
    let unconfirmed = |r: &mut Replica| r.engine().unconfirmed().len();
    if until_none_left(uploader, "a document confirmed", unconfirmed).await? == 0 {
        return Ok(Vec::new());
    }
    Ok(uploader.with(|r| r.engine().unconfirmed()).await?)
}

/// Waits until `left` counts nothing left on `client`'s replica, or until the count has
/// not gone down for [`STALLED_AFTER`]: how many are left then (0 when done).
pub async fn until_none_left(
    client: &NativeClient,
    what: &str,
    left: impl Fn(&mut Replica) -> usize + Send + Sync + Clone + 'static,
) -> Result<usize, ClientError> {
    loop {
        let before = client.with(left.clone()).await?;
        if before == 0 {
            return Ok(0);
        }
        let left = left.clone();
        let fewer = client
            .wait_until(what, STALLED_AFTER, move |r| left(r) < before)
            .await;
        match fewer {
            Ok(()) => {}
            Err(ClientError::Timeout(..)) => return Ok(before),
            Err(e) => return Err(e),
        }
    }
}

/// How many documents [`upload`] offers the stock server at a time.
const UPLOAD_BATCH: usize = 1_000;

/// How long the stock server may go without confirming or sending one more document
/// before a client takes it to have stalled: at 9,000 documents it confirms about 60 a
/// second, and sends a fetching client about 1,000.
pub const STALLED_AFTER: Duration = Duration::from_secs(60);

/// How many times [`upload`] offers again, on a fresh connection, what stalled.
const FRESH_CONNECTIONS: usize = 2;
