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
use automerge::{AutoCommit, ObjType, ROOT, transaction::Transactable};
use estate_core::DocumentId;
use estate_core::storage::StorageKey;
use sync_server::client::Credentials;

use super::ROOT_DIR;
use super::p1::node;

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
        Self::holding(Vec::new())
    }

    /// The stock server with `docs` already in its storage, as after a restart: it reads
    /// each from disk when a client first asks for it.
    pub fn holding(docs: Vec<(DocumentId, AutoCommit)>) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        if !docs.is_empty() {
            store(&dir.path().join("storage"), docs)?;
        }
        let (child, addr) = start(dir.path())?;
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

/// The stock server over `dir`'s `storage`, its error output in `dir`'s `stderr.log`;
/// started once it listens.
fn start(dir: &Path) -> anyhow::Result<(Child, SocketAddr)> {
    let log = std::fs::File::create(dir.join("stderr.log"))?;
    let mut child = Command::new("node")
        .current_dir(Path::new(ROOT_DIR).join("tests/js"))
        .args(["bench/node-server.mjs", "--port", "0", "--dir"])
        .arg(dir.join("storage"))
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
    Ok((child, addr.parse()?))
}

/// Writes `docs` into the file storage of a stock server that has not started yet, in
/// `storage`: each saved whole, under the key automerge-repo gives a snapshot
/// (`StorageKey::snapshot`), handed to its own `NodeFSStorageAdapter`
/// (`tests/js/bench/stock-storage.mjs`), which lays the files out. Pushed through a running
/// server instead, 9,000 documents took it longer to take in than to serve back, and
/// offered all at once they kept it busy past its own 60 s timeout on storing one, which
/// ended it.
fn store(storage: &Path, docs: Vec<(DocumentId, AutoCommit)>) -> anyhow::Result<()> {
    let staged = tempfile::tempdir()?;
    let count = docs.len();
    for (id, mut doc) in docs {
        let key = StorageKey::snapshot(id, &doc.get_heads()).to_parts();
        std::fs::write(staged.path().join(key.join(".")), doc.save())?;
    }
    let stored = node(
        &[
            "bench/stock-storage.mjs",
            &storage.to_string_lossy(),
            &staged.path().to_string_lossy(),
        ],
        Duration::from_secs(300),
    )
    .context("storing documents for the stock server")?;
    if stored["count"].as_u64() != Some(count as u64) {
        bail!("stored {stored} for {count} documents");
    }
    Ok(())
}

/// A plain area of `count` unit documents, as a JS client writing one makes it: the index
/// `{kind: "area-index", areaId: "bench", name, entries: {}}`, each unit
/// `{kind: "unit", code, building: "B", areaId: "bench", status: "occupied"}` in one
/// change, added to the index as `entries[id] = {kind: "unit", code}` a hundred at a
/// time. Its index, and every document.
pub fn plain_area(count: usize) -> anyhow::Result<(DocumentId, Vec<(DocumentId, AutoCommit)>)> {
    let index_id = DocumentId::random();
    let mut index = AutoCommit::new();
    index.put(ROOT, "kind", "area-index")?;
    index.put(ROOT, "areaId", "bench")?;
    index.put(ROOT, "name", "压测片区")?;
    let entries = index.put_object(ROOT, "entries", ObjType::Map)?;
    index.commit();
    let mut docs = Vec::with_capacity(count + 1);
    for i in 0..count {
        let code = unit_code(i);
        let id = DocumentId::random();
        let mut unit = AutoCommit::new();
        for (field, value) in [
            ("kind", "unit"),
            ("code", &code),
            ("building", "B"),
            ("areaId", "bench"),
            ("status", "occupied"),
        ] {
            unit.put(ROOT, field, value)?;
        }
        unit.commit();
        docs.push((id, unit));
        let entry = index.put_object(&entries, id.to_string(), ObjType::Map)?;
        index.put(&entry, "kind", "unit")?;
        index.put(&entry, "code", code)?;
        if (i + 1) % 100 == 0 {
            index.commit();
        }
    }
    index.commit();
    docs.push((index_id, index));
    Ok((index_id, docs))
}

/// Unit code number `i`: stairwell, floor 01–99, unit 01–20, e.g. B-1-0101.
fn unit_code(i: usize) -> String {
    let per_stair = 99 * 20;
    let rest = i % per_stair;
    format!(
        "B-{}-{:02}{:02}",
        1 + i / per_stair,
        1 + rest / 20,
        1 + rest % 20
    )
}
