//! P1: an empty client fetching a whole area. Our native client from our server; the
//! JS automerge-repo client from ours and from the stock Node server
//! (`NodeWSServerAdapter` + `NodeFSStorageAdapter`), the same client on both; and our
//! native client from the stock server holding the very same documents, so that the
//! server is all that differs.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use estate_core::DocumentId;
use estate_core::demo::bench_area;
use sync_server::client::{NativeClient, sign_in};
use sync_server::config::Database;
use sync_server::demo::DEMO_PASSWORD;
use sync_server::store::Store;

use super::process::{CpuShare, ServerProcess};
use super::stock::{self, Stock};
use super::{ROOT_DIR, Row};

struct Ours {
    server: ServerProcess,
    ws: String,
    index_url: String,
    elapsed: Duration,
    /// How busy the server and the client were meanwhile, in percent of one core.
    cpu: [f64; 2],
    _dir: tempfile::TempDir,
}

/// Our server (its own process) over a seeded area of `n` documents, fetched by an empty
/// native client in this one.
async fn p1_ours(n: usize) -> anyhow::Result<Ours> {
    let dir = tempfile::tempdir()?;
    let estate = bench_area(n)?;
    let index = estate.areas[0].index;
    let store = Store::open(&Database::SqliteIn(dir.path().to_owned())).await?;
    sync_server::demo::seed(&store, estate, sync_server::now_ms()).await?;
    drop(store);
    let server = ServerProcess::spawn(dir.path(), None, &[])?;
    let credentials = sign_in(server.addr, "office-chen", DEMO_PASSWORD, "压测").await?;
    let ws = format!("ws://{}/sync", server.addr);
    let cpu = CpuShare::start(vec![server.pid(), std::process::id()])?;
    let started = Instant::now();
    let client = NativeClient::connect(&ws, &credentials, "bench-p1", index).await?;
    client
        .wait_until("the whole area", Duration::from_secs(300), |r| {
            r.read_index().is_ok() && r.missing() == 0
        })
        .await?;
    let elapsed = started.elapsed();
    let [server_cpu, client_cpu] = cpu.percent()?[..] else {
        unreachable!("two processes measured")
    };
    let held = client.with(|r| r.engine().loaded_ids().len()).await?;
    if held != n {
        bail!("expected {n} documents, the client holds {held}");
    }
    client.close();
    Ok(Ours {
        server,
        ws: format!("{ws}?token={}", credentials.token),
        index_url: index.url(),
        elapsed,
        cpu: [server_cpu, client_cpu],
        _dir: dir,
    })
}

/// Runs a JS bench script; `BENCH_NODE_FLAGS` (say `--cpu-prof --cpu-prof-dir=/tmp/p`)
/// are handed to node first, for profiling the JS client.
pub(super) fn node(args: &[&str], timeout: Duration) -> anyhow::Result<serde_json::Value> {
    let flags = std::env::var("BENCH_NODE_FLAGS").unwrap_or_default();
    let mut child = Command::new("node")
        .current_dir(Path::new(ROOT_DIR).join("tests/js"))
        .args(flags.split_whitespace())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("node runs")?;
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(_status) = child.try_wait()? {
            break;
        }
        if Instant::now() > deadline {
            child.kill()?;
            bail!("timed out after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(100)); // polling a child process until its deadline
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().context("stdout")?, &mut out)?;
    let value: serde_json::Value =
        serde_json::from_str(out.trim()).with_context(|| format!("node printed {out:?}"))?;
    if let Some(error) = value.get("error") {
        bail!("{error}");
    }
    Ok(value)
}

/// One fetch by the JS client: its time, the messages it received, the CPU time it
/// spent itself, the garbage collector's pauses in it, its largest JS heap and memory
/// outside it (Automerge's WebAssembly memory, mostly), and how busy the server was
/// (percent of one core): together they tell a busy client from a slow server.
#[derive(Debug, Clone, Copy)]
struct JsFetch {
    ms: f64,
    messages: u64,
    client_cpu_ms: f64,
    gc_ms: f64,
    heap_mb: f64,
    external_mb: f64,
    server_cpu: f64,
}

impl JsFetch {
    fn read(out: &serde_json::Value, server_cpu: f64) -> anyhow::Result<Self> {
        Ok(Self {
            ms: out["ms"].as_f64().context("ms")?,
            messages: out["messages"].as_u64().context("messages")?,
            client_cpu_ms: out["clientCpuMs"].as_f64().context("clientCpuMs")?,
            gc_ms: out["gcMs"].as_f64().context("gcMs")?,
            heap_mb: out["heapMb"].as_f64().context("heapMb")?,
            external_mb: out["externalMb"].as_f64().context("externalMb")?,
            server_cpu,
        })
    }
}

impl std::fmt::Display for JsFetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.0} ms ({} messages in; the client busy {:.0} % of it, GC pauses {:.1} s, heap up to {:.0} MB and {:.0} MB outside it; the server busy {:.0} %)",
            self.ms,
            self.messages,
            100.0 * self.client_cpu_ms / self.ms,
            self.gc_ms / 1000.0,
            self.heap_mb,
            self.external_mb,
            self.server_cpu
        )
    }
}

/// The JS client's fetch from the server at `ws` (process `server`), with how busy the
/// server was meanwhile.
fn p1_js_against(ws: &str, index_url: &str, server: u32) -> anyhow::Result<JsFetch> {
    let cpu = CpuShare::start(vec![server])?;
    let out = node(
        &["bench/p1.mjs", "fetch", ws, index_url],
        Duration::from_secs(600),
    )?;
    let server_cpu = cpu.percent()?[0];
    JsFetch::read(&out, server_cpu)
}

/// The stock Node server: seed with one JS client, fetch with a fresh one.
fn p1_stock(n: usize) -> anyhow::Result<JsFetch> {
    let mut stock = Stock::spawn()?;
    let seeded = node(
        &["bench/p1.mjs", "seed", &stock.ws, &n.to_string()],
        Duration::from_secs(600),
    )
    .map_err(|e| stock.explain(e))
    .context("seeding the stock server")?;
    let index = seeded["indexUrl"].as_str().context("indexUrl")?.to_owned();
    let seed_s = seeded["seedMs"].as_f64().unwrap_or(f64::NAN) / 1000.0;
    eprintln!("P1 {n}: the stock server seeded by a JS client in {seed_s:.0} s");
    if let Some(how) = stock.ended() {
        bail!("{how}, after seeding {n} documents");
    }
    p1_js_against(&stock.ws, &index, stock.pid())
        .map_err(|e| stock.explain(e))
        .context("fetching from the stock server")
}

/// P1 at each size: our native client on our server; the JS client on ours and on the
/// stock Node server, the same client and the same documents; up to `plain_up_to`
/// documents, the JS client also on the stock server holding as many plain ones.
/// Also the JS client's time on the stock server at each size, the anchor of P1-browser.
/// With `native_only`, only our native client on our server (P1-native alone).
pub async fn rows(
    sizes: &[usize],
    native_only: bool,
    plain_up_to: usize,
) -> anyhow::Result<(Vec<Row>, BTreeMap<usize, f64>)> {
    let mut rows = Vec::new();
    let mut stock_js = BTreeMap::new();
    for &n in sizes {
        let ours = p1_ours(n).await?;
        let ours_ms = ours.elapsed.as_secs_f64() * 1000.0;
        let native_row = Row {
            id: "P1-native",
            what: format!("native client, empty → whole area of {n} documents, our server"),
            ours: format!(
                "{ours_ms:.0} ms (CPU: server {:.0} %, client {:.0} %)",
                ours.cpu[0], ours.cpu[1]
            ),
            baseline: "target 500 ms at 9,000".into(),
            ratio: if n == 9_000 {
                format!("{:.2}× the target", ours_ms / 500.0)
            } else {
                "—".into()
            },
            verdict: (n == 9_000).then_some(ours_ms <= 500.0),
        };
        if native_only {
            ours.server.stop();
            eprintln!("P1 {n}: native {ours_ms:.0} ms");
            rows.push(native_row);
            continue;
        }
        let js_ours = p1_js_against(&ours.ws, &ours.index_url, ours.server.pid());
        ours.server.stop();
        let plain = (n <= plain_up_to).then(|| p1_stock(n));
        let (native_stock, js_stock_same) = match native_from_stock(n).await {
            Ok((native, js)) => (Ok(native), js),
            Err(e) => {
                let again = anyhow::anyhow!("{e:#}");
                (Err(e), Err(again))
            }
        };
        if let Ok(fetch) = &js_stock_same {
            stock_js.insert(n, fetch.ms);
        }
        eprintln!(
            "P1 {n}: native {ours_ms:.0} ms, from stock {native_stock:?}; JS client on ours {js_ours:?}, on stock {js_stock_same:?}"
        );
        rows.push(native_row);
        let shown = |r: Result<String, &anyhow::Error>| match r {
            Ok(shown) => shown,
            Err(e) => format!("failed: {e:#}").replace('|', "/"),
        };
        let ms = |r: &anyhow::Result<Native>| {
            shown(r.as_ref().map(|s| match &s.stalled {
                Some(how) => format!("{:.0} ms (a fetch before it {how})", s.ms),
                None => format!("{:.0} ms", s.ms),
            }))
        };
        let js = |r: &anyhow::Result<JsFetch>| shown(r.as_ref().map(JsFetch::to_string));
        rows.push(Row {
            id: "P1-server",
            what: format!("our native client, empty → the same {n} documents, from our server and from the stock Node server"),
            ours: format!("{ours_ms:.0} ms"),
            baseline: format!("stock Node server: {}", ms(&native_stock)),
            ratio: native_stock.as_ref().map_or("—".into(), |s| format!("{:.1}× faster", s.ms / ours_ms)),
            verdict: (n == 9_000).then(|| native_stock.as_ref().is_ok_and(|s| s.ms / ours_ms >= 5.0)),
        });
        // How many times faster the JS client fetched from ours than from the stock server.
        let faster = |stock: &anyhow::Result<JsFetch>| match (&js_ours, stock) {
            (Ok(o), Ok(s)) => Some(s.ms / o.ms),
            _ => None,
        };
        let ratio = |times: Option<f64>| times.map_or("—".into(), |t| format!("{t:.2}× faster"));
        rows.push(Row {
            id: "P1-JS",
            what: format!("JS automerge-repo client, empty → the same {n} documents (our bench area) from our server and from the stock server"),
            ours: js(&js_ours),
            baseline: format!("stock Node server: {}", js(&js_stock_same)),
            ratio: ratio(faster(&js_stock_same)),
            verdict: faster(&js_stock_same).map(|t| t >= 1.0),
        });
        if let Some(plain) = plain {
            rows.push(Row {
                id: "P1-JS",
                what: format!("the same client, {n} documents: our bench area from our server, against as many plain unit documents seeded on the stock server by a JS client"),
                ours: js(&js_ours),
                baseline: format!("stock Node server: {}", js(&plain)),
                ratio: ratio(faster(&plain)),
                verdict: None,
            });
        }
    }
    Ok((rows, stock_js))
}

/// Our native client fetching `n` documents from the stock Node server: the same bench
/// area as ours serves, uploaded first, then fetched by an empty client. Then the JS
/// client fetching the same documents from it, the anchor for the JS client on ours.
///
/// Now and then the stock server stops sending in the middle of a fetch. The first time,
/// a fresh client fetches again, and the time is that fetch's, with what stalled noted.
async fn native_from_stock(n: usize) -> anyhow::Result<(Native, anyhow::Result<JsFetch>)> {
    let mut stock = Stock::spawn()?;
    let estate = bench_area(n)?;
    let index = estate.areas[0].index;
    let uploading = Instant::now();
    stock::upload(&mut stock, estate).await?;
    eprintln!(
        "P1 {n}: the bench area uploaded to the stock server in {:.0} s",
        uploading.elapsed().as_secs_f64()
    );
    let ws = stock.ws.clone();
    let mut stalled = None;
    let ms = loop {
        let fetched = stock
            .watching(&format!("fetching {n} documents"), fetch(&ws, index, n))
            .await;
        match fetched {
            Ok(Ok(ms)) => break ms,
            Ok(Err(how)) if stalled.is_none() => {
                eprintln!(
                    "P1 {n}: the native fetch from the stock server {how}; fetching again. The stock server last said: {}",
                    stock.log_tail(5)
                );
                stalled = Some(how);
            }
            Ok(Err(how)) => bail!(
                "{how}, twice; the stock server last said: {}",
                stock.log_tail(5)
            ),
            Err(e) => {
                return Err(e.context(format!("the stock server last said: {}", stock.log_tail(5))));
            }
        }
    };
    let js = p1_js_against(&stock.ws, &index.url(), stock.pid()).map_err(|e| stock.explain(e));
    Ok((Native { ms, stalled }, js))
}

/// Our native client's fetch from the stock server, and how an earlier one stalled.
#[derive(Debug)]
struct Native {
    ms: f64,
    stalled: Option<String>,
}

/// An empty native client fetching the whole area of `n` documents from the stock server
/// at `ws`: how long it took, or how the stock server stalled.
async fn fetch(ws: &str, index: DocumentId, n: usize) -> anyhow::Result<Result<f64, String>> {
    let started = Instant::now();
    let fetcher = NativeClient::connect(ws, &stock::phone(1), "bench-fetch", index).await?;
    let left = stock::until_none_left(&fetcher, "a document from the stock server", |r| {
        if r.read_index().is_ok() {
            r.missing()
        } else {
            usize::MAX
        }
    })
    .await?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let held = fetcher.with(|r| r.engine().loaded_ids().len()).await?;
    let heard = fetcher.heard();
    fetcher.close();
    if left > 0 {
        let at = if left == usize::MAX {
            "before the area's index came".to_owned()
        } else {
            format!("with {left} of {n} documents still to come")
        };
        return Ok(Err(format!(
            "stalled {at}: nothing more for {} s ({} said unavailable, {} errors)",
            stock::STALLED_AFTER.as_secs(),
            heard.unavailable.len(),
            heard.errors.len()
        )));
    }
    if held != n {
        bail!("expected {n} documents, the client holds {held}");
    }
    Ok(Ok(ms))
}
