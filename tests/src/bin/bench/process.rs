//! Our server as its own process — the `sync-server` binary beside this one, or the one
//! `SYNC_SERVER_BIN` names — so that its memory, read from `/proc`, is its own and the
//! load generator's work does not count as the server's.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};
use sync_server::client::request;

/// A running `sync-server serve`.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
}

/// The server binary: `SYNC_SERVER_BIN`, else `sync-server` beside the bench's own binary
/// (built by `cargo build [--release] -p sync-server`, which `scripts/bench.sh` does).
pub fn server_binary() -> anyhow::Result<PathBuf> {
    let path = match std::env::var_os("SYNC_SERVER_BIN") {
        Some(path) => PathBuf::from(path),
        None => std::env::current_exe()?
            .parent()
            .context("the bench's directory")?
            .join("sync-server"),
    };
    if !path.exists() {
        bail!(
            "{} is missing: build it with `cargo build --release -p sync-server` (scripts/bench.sh does)",
            path.display()
        );
    }
    Ok(path)
}

impl ServerProcess {
    /// `sync-server serve` on port 0 over `data` (SQLite there, or `database`), with
    /// `extra` options; waits for its "listening on" line.
    pub fn spawn(data: &Path, database: Option<&str>, extra: &[&str]) -> anyhow::Result<Self> {
        let mut command = Command::new(server_binary()?);
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(url) = database {
            command.args(["--database", url]);
        }
        let mut child = command.spawn().context("starting sync-server")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
        let addr = match line.trim().strip_prefix("listening on http://") {
            Some(addr) => addr.parse()?,
            None => {
                let _ = child.kill();
                bail!("sync-server did not start: it printed {line:?}");
            }
        };
        Ok(Self { child, addr })
    }

    /// Resident memory, from `/proc/<pid>/status`, in MB.
    pub fn rss_mb(&self) -> anyhow::Result<f64> {
        rss_mb_of(self.child.id())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A reader of the process's resident memory, for a task that samples it.
    pub fn rss_reader(&self) -> impl Fn() -> anyhow::Result<f64> + Send + 'static {
        let pid = self.child.id();
        move || rss_mb_of(pid)
    }

    /// A gauge from the server's `/metrics` (read from this machine, so no token).
    pub async fn metric(&self, name: &str) -> anyhow::Result<f64> {
        let (status, body) = request(self.addr, "GET", "/metrics", &[], None).await?;
        let text = body.as_str().unwrap_or_default();
        if status != 200 {
            bail!("/metrics answered {status}: {text}");
        }
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .with_context(|| format!("{name} in /metrics"))
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory of process `pid` in MB (`VmRSS`).
pub fn rss_mb_of(pid: u32) -> anyhow::Result<f64> {
    let status = procfs::process::Process::new(pid as i32)?.status()?;
    let kb = status.vmrss.context("VmRSS")?;
    Ok(kb as f64 / 1024.0)
}

/// CPU time process `pid` has used so far, in seconds, every thread and both user and
/// kernel time.
pub fn cpu_seconds_of(pid: u32) -> anyhow::Result<f64> {
    let stat = procfs::process::Process::new(pid as i32)?.stat()?;
    Ok((stat.utime + stat.stime) as f64 / procfs::ticks_per_second() as f64)
}

/// How busy processes were over a stretch of time: each one's CPU time as a share of
/// one core, read from `/proc` at the start and the end.
#[derive(Debug)]
pub struct CpuShare {
    pids: Vec<u32>,
    started: std::time::Instant,
    at_start: Vec<f64>,
}

impl CpuShare {
    pub fn start(pids: Vec<u32>) -> anyhow::Result<Self> {
        let at_start = pids
            .iter()
            .map(|&p| cpu_seconds_of(p))
            .collect::<anyhow::Result<_>>()?;
        Ok(Self {
            pids,
            started: std::time::Instant::now(),
            at_start,
        })
    }

    /// Each process's CPU time since `start`, in percent of one core (this machine has
    /// `cores` of them).
    pub fn percent(&self) -> anyhow::Result<Vec<f64>> {
        let wall = self.started.elapsed().as_secs_f64();
        self.pids
            .iter()
            .zip(&self.at_start)
            .map(|(&p, start)| Ok(100.0 * (cpu_seconds_of(p)? - start) / wall))
            .collect()
    }
}

/// The cores this machine has.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
