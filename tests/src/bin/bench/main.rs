//! `bash scripts/bench.sh [--quick] [--only ID]` (release builds, then this binary).
//!
//! A section per target (`report.rs` lists them): P1 an empty client fetching a whole
//! area — our native client from our server and from the stock Node server holding the
//! same documents, the JS automerge-repo client from both (`p1.rs`); P2 edit-to-arrival
//! latency, two phones alone and a thousand under load (`load.rs`), on one server and
//! on two sharing PostgreSQL (when `TEST_DATABASE_URL` names one); P3 the server's memory
//! (`memory.rs`); P4 the edit rate it sustains against the stock server's
//! (`throughput.rs`); P5 the WASM (`wasm.rs`); P1-browser, P6 and P7 the phone app in
//! headless Chromium (`app.rs`); the gate's cost on a large area (`gate.rs`) and the
//! office console (`office.rs`). A section that fails is a row of the report and the run
//! goes on; the run then exits non-zero. Writes BENCHMARKS.md unless `--quick` or
//! `--only`, which print.

mod app;
mod gate;
mod load;
mod memory;
mod office;
mod p1;
mod pairs;
mod process;
mod report;
mod stock;
mod throughput;
mod wasm;

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use automerge::{ROOT, ReadDoc, transaction::Transactable};
use estate_core::DocumentId;
use estate_core::demo::bench_area;
use sync_server::client::{NativeClient, sign_in};
use sync_server::config::{Database, DbArgs, ServeArgs};
use sync_server::demo::DEMO_PASSWORD;

use report::Row;

const ROOT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// What to run: `--quick` (small sizes, the report printed, not written), `--only ID`
/// (one target's section, printed), `--sizes N,N…` (P1's area sizes, printed).
#[derive(Debug, Clone)]
struct Options {
    quick: bool,
    only: Option<String>,
    sizes: Option<Vec<usize>>,
}

impl Options {
    fn parse() -> anyhow::Result<Self> {
        let mut options = Self {
            quick: false,
            only: None,
            sizes: None,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--only" => options.only = Some(args.next().context("--only needs an id")?),
                "--sizes" => {
                    let list = args.next().context("--sizes needs N,N…")?;
                    let sizes = list.split(',').map(str::parse).collect::<Result<_, _>>();
                    options.sizes = Some(sizes.with_context(|| format!("--sizes {list:?}"))?);
                }
                "--company-records" => {
                    args.next();
                }
                other => bail!(
                    "unknown option {other:?}; use --quick, --sizes N,N…, --only ID (P1-server, P1-native, P1-JS, P1-browser, P2, P3, P4, P5, P6, P7, gate, office)"
                ),
            }
        }
        Ok(options)
    }

    /// Whether the section holding `ids` runs.
    fn runs(&self, ids: &[&str]) -> bool {
        self.only.as_deref().is_none_or(|only| ids.contains(&only))
    }
}

/// What a run measured, and how long each section took (seconds; a section run in parts
/// has one entry, their sum, where it first ran).
#[derive(Default)]
struct Run {
    rows: Vec<Row>,
    took: Vec<(&'static str, f64)>,
}

/// Runs one section; a failure becomes a row of the report and the run goes on.
async fn section(
    run: &mut Run,
    id: &'static str,
    section: impl Future<Output = anyhow::Result<Vec<Row>>>,
) {
    let started = Instant::now();
    match section.await {
        Ok(mut mine) => run.rows.append(&mut mine),
        Err(e) => {
            eprintln!("{id} failed: {e:#}");
            run.rows.push(Row::failed(id, &e));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("{id}: {seconds:.0} s");
    match run.took.iter_mut().find(|(seen, _)| *seen == id) {
        Some((_, sum)) => *sum += seconds,
        None => run.took.push((id, seconds)),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse()?;
    let quick = options.quick;
    let mut run = Run::default();
    let mut stock_js = std::collections::BTreeMap::new();
    if options.runs(&["P1-server", "P1-native", "P1-JS"]) {
        let sizes: &[usize] = match &options.sizes {
            Some(sizes) => sizes,
            None if quick => &[500],
            None => &[500, 2_000, 9_000],
        };
        section(
            &mut run,
            "P1-native",
            Box::pin(async {
                let native_only = options.only.as_deref() == Some("P1-native");
                // The plain documents at 9,000 add four to five minutes to a run bounded
                // at 20; a run of P1 alone, or of chosen sizes, has them at every size.
                let plain_up_to = match (&options.only, &options.sizes) {
                    (None, None) => 2_000,
                    _ => usize::MAX,
                };
                let (mine, stock) = p1::rows(sizes, native_only, plain_up_to).await?;
                stock_js = stock;
                Ok(mine)
            }),
        )
        .await;
    }
    if options.runs(&["P2"]) {
        section(&mut run, "P2", p2_rows(if quick { 50 } else { 300 })).await;
        section(&mut run, "P2", load::rows(quick)).await;
        section(&mut run, "P2", pairs::rows(quick)).await;
    }
    if options.runs(&["P4"]) {
        section(&mut run, "P4", throughput::rows(quick)).await;
    }
    if options.runs(&["P3"]) {
        section(&mut run, "P3", memory::rows(quick)).await;
    }
    if options.runs(&["gate"]) {
        section(&mut run, "gate", async {
            let mut mine = Vec::new();
            gate::rows(if quick { 11 } else { 51 }, &mut mine)?;
            Ok(mine)
        })
        .await;
    }
    if options.runs(&["office"]) {
        section(
            &mut run,
            "office",
            Box::pin(async {
                let mut mine = Vec::new();
                office::rows(quick, &mut mine).await?;
                Ok(mine)
            }),
        )
        .await;
    }
    if options.runs(&["P5"]) {
        section(&mut run, "P5", async { wasm::rows() }).await;
    }
    if options.runs(&["P1-browser", "P6", "P7"]) {
        section(&mut run, "P6", async {
            let mut mine = Vec::new();
            let documents = if quick { 500 } else { 9_000 };
            app::rows(documents, stock_js.get(&documents).copied(), &mut mine).await?;
            Ok(mine)
        })
        .await;
    }
    if quick || options.only.is_some() || options.sizes.is_some() {
        print!("{}", report::write(&run.rows, &run.took, quick)?);
    } else {
        report::save(&run.rows, &run.took, quick)?;
    }
    if let Some(failed) = run.rows.iter().find(|r| r.what == "the run failed") {
        bail!("{} did not run: {}", failed.id, failed.ours);
    }
    Ok(())
}

/// Our server on port 0 over a fresh data directory holding one area of `documents`.
async fn seeded_server(
    documents: usize,
) -> anyhow::Result<(sync_server::Running, DocumentId, tempfile::TempDir)> {
    seeded_with(bench_area(documents)?).await
}

/// Our server on port 0 over a fresh SQLite directory holding `estate`; the index of
/// its first area.
async fn seeded_with(
    estate: estate_core::demo::Estate,
) -> anyhow::Result<(sync_server::Running, DocumentId, tempfile::TempDir)> {
    let dir = tempfile::tempdir()?;
    let index = estate.areas[0].index;
    let store = sync_server::store::Store::open(&Database::SqliteIn(dir.path().to_owned())).await?;
    sync_server::demo::seed(&store, estate, sync_server::now_ms()).await?;
    drop(store);
    let args = ServeArgs::new(
        "127.0.0.1:0".parse()?,
        DbArgs {
            data: dir.path().to_owned(),
            database: None,
        },
    );
    Ok((sync_server::start(&args).await?, index, dir))
}

/// Edit-to-arrival latency between two clients of one area (the project supervisor on
/// two phones), one on each of `servers` (the same server twice, or two servers sharing
/// a database): A sets an index entry's status, B waits for it. p50 and p99 in ms.
async fn p2_latency(
    rounds: usize,
    servers: [std::net::SocketAddr; 2],
    index: DocumentId,
) -> anyhow::Result<(f64, f64)> {
    let mut clients = Vec::new();
    for (addr, name) in servers.into_iter().zip(["bench-a", "bench-b"]) {
        let ws = format!("ws://{addr}/sync");
        let credentials = sign_in(addr, "sup-wang", DEMO_PASSWORD, name).await?;
        let c = NativeClient::connect(&ws, &credentials, name, index).await?;
        c.wait_until("the area", Duration::from_secs(60), |r| {
            r.read_index().is_ok() && r.missing() == 0
        })
        .await?;
        clients.push(c);
    }
    // The edit: the status hint of one index entry, the smallest change the gate lets a
    // phone make to an index (`access/delta.rs`).
    let entry = clients[0]
        .with(|r| r.index().map(|i| i.entries.into_keys().next()))
        .await??
        .context("an index entry")?
        .to_string();
    let mut samples = Vec::with_capacity(rounds);
    for round in 0..rounds as i64 {
        let started = Instant::now();
        let status = format!("p2-{round}");
        let (key, value) = (entry.clone(), status.clone());
        clients[0]
            .with(move |r| {
                r.engine()
                    .change(index, |d| {
                        let (_, entries) = d.get(ROOT, "entries")?.context("entries")?;
                        let (_, at) = d.get(&entries, key.as_str())?.context("the entry")?;
                        d.put(at, "status", value)?;
                        anyhow::Ok(())
                    })
                    .map_err(anyhow::Error::from)
            })
            .await???;
        let key = entry.clone();
        clients[1]
            .wait_until("the edit", Duration::from_secs(10), move |r| {
                r.index()
                    .ok()
                    .and_then(|i| i.entries.into_iter().find(|(id, _)| id.to_string() == key))
                    .and_then(|(_, e)| e.status)
                    == Some(status.clone())
            })
            .await?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Ok((at(0.5), at(0.99)))
}

/// A fresh database on the PostgreSQL server `TEST_DATABASE_URL` names, if it names one.
async fn fresh_postgres() -> anyhow::Result<Option<String>> {
    use sqlx::Connection;
    let Ok(admin) = std::env::var("TEST_DATABASE_URL") else {
        return Ok(None);
    };
    let name = format!("estate_bench_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::postgres::PgConnection::connect(&admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    let (base, _) = admin
        .rsplit_once('/')
        .context("a URL with a database name")?;
    Ok(Some(format!("{base}/{name}")))
}

/// Two servers sharing a fresh PostgreSQL database holding one area of `documents`, and
/// that area's index; `None` without `TEST_DATABASE_URL`.
async fn two_servers(
    documents: usize,
) -> anyhow::Result<Option<(sync_server::Running, sync_server::Running, DocumentId)>> {
    let Some(url) = fresh_postgres().await? else {
        return Ok(None);
    };
    let estate = bench_area(documents)?;
    let index = estate.areas[0].index;
    let store = sync_server::store::Store::open(&Database::Url(url.clone())).await?;
    sync_server::demo::seed(&store, estate, sync_server::now_ms()).await?;
    // The servers keep nothing in their data directory with a database URL.
    let dir = tempfile::tempdir()?;
    let args = ServeArgs::new(
        "127.0.0.1:0".parse()?,
        DbArgs {
            data: dir.path().to_owned(),
            database: Some(url),
        },
    );
    let one = sync_server::start(&args).await?;
    let two = sync_server::start(&args).await?;
    Ok(Some((one, two, index)))
}

/// P2 on one server, and across two servers sharing PostgreSQL (skipped without one).
async fn p2_rows(rounds: usize) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    let (server, index, _dir) = seeded_server(50).await?;
    let (p50, p99) = p2_latency(rounds, [server.addr, server.addr], index).await?;
    server.stop().await?;
    rows.push(Row {
        verdict: None,
        id: "P2",
        what: "two phones alone: edit on A → visible on B, one server, loopback".into(),
        ours: format!("p50 {p50:.1} ms, p99 {p99:.1} ms"),
        baseline: "—".into(),
        ratio: "—".into(),
    });
    let Some((one, two, index)) = two_servers(50).await? else {
        eprintln!("P2 across servers skipped: set TEST_DATABASE_URL (bash scripts/postgres.sh)");
        return Ok(rows);
    };
    let (x50, x99) = p2_latency(rounds, [one.addr, two.addr], index).await?;
    one.stop().await?;
    two.stop().await?;
    rows.push(Row {
        verdict: None,
        id: "P2",
        what:
            "the same, A and B on two servers sharing PostgreSQL (LISTEN/NOTIFY; target under 1 s)"
                .into(),
        ours: format!("p50 {x50:.1} ms, p99 {x99:.1} ms"),
        baseline: "one server (row above)".into(),
        ratio: format!("{:.1}× the one-server p50", x50 / p50),
    });
    Ok(rows)
}

/// The `q`-quantile of `values` (nearest rank).
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
