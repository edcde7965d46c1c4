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
use sync_server::client::{Credentials, NativeClient};

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
        let log = std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default();
        // What it said, not where: stack frames and the version banner left out.
        let said: Vec<&str> = log
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("at ") && !l.starts_with("Node.js v"))
            .collect();
        let last = &said[said.len().saturating_sub(3)..];
        Some(format!(
            "the stock server exited ({status}): {}",
            last.join(" / ")
        ))
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
pub async fn upload(stock: &mut Stock, estate: Estate) -> anyhow::Result<()> {
    // Its own area is none of the estate's: a replica asks for its index at once, and
    // the uploader must create every document itself, the indexes included.
    let nowhere = DocumentId::from_bytes([0xee; 16]);
    let count = estate.docs.len();
    let uploader = NativeClient::connect(&stock.ws, &phone(0), "bench-upload", nowhere).await?;
    let mut docs = estate.docs;
    let mut sent = 0;
    let uploaded = loop {
        if docs.is_empty() {
            break Ok(());
        }
        let batch: Vec<_> = docs.drain(..UPLOAD_BATCH.min(docs.len())).collect();
        sent += batch.len();
        uploader
            .with(move |r| {
                for (id, doc) in batch {
                    r.engine().create(id, doc)?;
                }
                anyhow::Ok(())
            })
            .await??;
        let confirmed = stock
            .watching(
                &format!("uploading {count} documents ({sent} offered)"),
                async {
                    uploader
                        .wait_until(
                            "the stock server has every document",
                            Duration::from_secs(600),
                            |r| r.engine().unconfirmed().is_empty(),
                        )
                        .await
                        .map_err(anyhow::Error::from)
                },
            )
            .await;
        if confirmed.is_err() {
            break confirmed;
        }
    };
    uploader.close();
    uploaded
}

/// How many documents [`upload`] offers the stock server at a time.
const UPLOAD_BATCH: usize = 1_000;
