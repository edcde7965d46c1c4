//! The load generator: one process, many real WebSocket connections, each a signed-in
//! phone ([`NativeClient`], the phone's own engine and replica) holding its area. Phones
//! add notes to their area's units at a fixed total rate; for each edit another phone of
//! the same area (on the other server, when there are two) waits for the change, and the
//! time from the edit to its arrival is the latency. The server commits every change
//! before it relays it, so each arrival was durable first.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use automerge::{ChangeHash, ReadDoc};
use estate_core::DocumentId;
use estate_core::demo::bench_company;
use estate_core::records::{Actor, StaffRole};
use rand::{Rng, SeedableRng};
use serde_json::json;
use sync_server::client::{Credentials, NativeClient};
use sync_server::config::Database;
use sync_server::store::Store;

use super::process::{CpuShare, ServerProcess, cores};
use super::{Row, fresh_postgres, quantile};

/// A fleet's shape.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub areas: usize,
    /// Documents in each area (its index and units).
    pub documents: usize,
    pub phones: usize,
}

/// Seeds `database` with `shape.areas` areas and enrols `shape.phones` devices of the
/// project supervisor (`sup-wang`, who may work in every area), as many phones a person.
/// Returns each phone's credentials and area index, areas dealt round-robin.
pub async fn prepare(
    database: &Database,
    shape: Shape,
) -> anyhow::Result<Vec<(Credentials, DocumentId)>> {
    let estate = bench_company(shape.areas, shape.documents)?;
    let indexes: Vec<DocumentId> = estate.areas.iter().map(|a| a.index).collect();
    let store = Store::open(database).await?;
    let now = sync_server::now_ms();
    sync_server::demo::seed(&store, estate, now).await?;
    let phones = enrol(&store, &indexes, shape.phones, now).await;
    store.pool().close().await;
    phones
}

/// `count` phones of the project supervisor, dealt round-robin over `indexes`.
pub async fn enrol(
    store: &Store,
    indexes: &[DocumentId],
    count: usize,
    now: i64,
) -> anyhow::Result<Vec<(Credentials, DocumentId)>> {
    let mut phones = Vec::with_capacity(count);
    for i in 0..count {
        let name = format!("压测手机 {i}");
        let session = sync_server::accounts::open_session(
            store.pool(),
            "sup-wang",
            &name,
            None,
            now,
            86_400_000,
        )
        .await?;
        let credentials = Credentials {
            token: session.token,
            device: session.identity.device,
        };
        phones.push((credentials, indexes[i % indexes.len()]));
    }
    Ok(phones)
}

/// Connected phones, each with its whole area.
pub struct Fleet {
    pub phones: Vec<Arc<NativeClient>>,
    /// Per phone: its area's position in `units`, and which server it talks to.
    area_of: Vec<usize>,
    server_of: Vec<usize>,
    units: Vec<Vec<DocumentId>>,
    /// Wall-clock ms from the first connection to the last phone holding its whole area.
    pub connect_ms: f64,
}

impl Fleet {
    /// Connects every phone, phone `i` to `servers[i % servers.len()]`, `parallel` at a
    /// time, and waits until each holds its whole area.
    pub async fn connect(
        phones: &[(Credentials, DocumentId)],
        servers: &[std::net::SocketAddr],
        parallel: usize,
    ) -> anyhow::Result<Self> {
        let started = Instant::now();
        let mut connected: Vec<Option<Arc<NativeClient>>> = vec![None; phones.len()];
        for batch in (0..phones.len())
            .collect::<Vec<_>>()
            .chunks(parallel.max(1))
        {
            let mut joins = tokio::task::JoinSet::new();
            for &i in batch {
                let (credentials, index) = phones[i].clone();
                let ws = format!("ws://{}/sync", servers[i % servers.len()]);
                joins.spawn(async move {
                    let peer = format!("load-{i}");
                    // Each phone's saving is its own CPU's work, not the server's.
                    let client =
                        NativeClient::connect_without_saving(&ws, &credentials, &peer, index)
                            .await?;
                    client
                        .wait_until("the whole area", Duration::from_secs(120), |r| {
                            r.read_index().is_ok() && r.missing() == 0
                        })
                        .await?;
                    anyhow::Ok((i, client))
                });
            }
            while let Some(joined) = joins.join_next().await {
                let (i, client) = joined??;
                connected[i] = Some(Arc::new(client));
            }
        }
        let connect_ms = started.elapsed().as_secs_f64() * 1000.0;
        let phones_held: Vec<Arc<NativeClient>> = connected.into_iter().flatten().collect();
        let mut indexes: Vec<DocumentId> = Vec::new();
        let mut area_of = Vec::new();
        for (_, index) in phones {
            let at = match indexes.iter().position(|i| i == index) {
                Some(at) => at,
                None => {
                    indexes.push(*index);
                    indexes.len() - 1
                }
            };
            area_of.push(at);
        }
        let mut units = Vec::new();
        for at in 0..indexes.len() {
            let phone = area_of.iter().position(|a| *a == at).context("a phone")?;
            let listed = phones_held[phone]
                .with(|r| {
                    r.list("unit")
                        .map(|l| l.into_iter().map(|(id, _)| id).collect())
                })
                .await??;
            units.push(listed);
        }
        Ok(Self {
            server_of: (0..phones_held.len()).map(|i| i % servers.len()).collect(),
            phones: phones_held,
            area_of,
            units,
            connect_ms,
        })
    }

    pub fn close(self) {
        for phone in self.phones {
            if let Ok(phone) = Arc::try_unwrap(phone) {
                phone.close();
            }
        }
    }

    /// Another phone of `phone`'s area, on another server when there is one.
    fn receiver(&self, phone: usize, rng: &mut impl Rng) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.phones.len())
            .filter(|&j| j != phone && self.area_of[j] == self.area_of[phone])
            .collect();
        let across: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&j| self.server_of[j] != self.server_of[phone])
            .collect();
        let pool = if across.is_empty() {
            candidates
        } else {
            across
        };
        (!pool.is_empty()).then(|| pool[rng.random_range(0..pool.len())])
    }
}

/// What a run measured.
#[derive(Debug)]
pub struct Latency {
    pub edits: usize,
    /// Edits whose arrival was not seen within 10 s.
    pub lost: usize,
    pub p50: f64,
    pub p99: f64,
    /// Edits the phones made per second, as achieved.
    pub rate: f64,
}

/// `rate` edits a second for `seconds`, each a note on a unit by a random phone, timed
/// to its arrival on another phone of the same area.
pub async fn edits(fleet: &Fleet, rate: f64, seconds: f64, seed: u64) -> anyhow::Result<Latency> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let total = (rate * seconds).round() as usize;
    let actor = Actor::new("sup-wang", StaffRole::Supervisor);
    let mut joins = tokio::task::JoinSet::new();
    let started = Instant::now();
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for n in 0..total {
        ticks.tick().await;
        let phone = rng.random_range(0..fleet.phones.len());
        let Some(receiver) = fleet.receiver(phone, &mut rng) else {
            bail!("an area needs two phones");
        };
        let units = &fleet.units[fleet.area_of[phone]];
        let unit = units[rng.random_range(0..units.len())];
        let (editor, watcher) = (
            Arc::clone(&fleet.phones[phone]),
            Arc::clone(&fleet.phones[receiver]),
        );
        let actor = actor.clone();
        joins.spawn(async move {
            let at = Instant::now();
            let heads: Vec<ChangeHash> = editor
                .with(move |r| {
                    let note = json!({"type": "note", "note": format!("压测备注 {n}")});
                    r.act_json(unit, note, &actor, sync_server::now_ms())?;
                    anyhow::Ok(r.engine().doc_mut(unit)?.get_heads())
                })
                .await??;
            let arrived = watcher
                .wait_until("the edit", Duration::from_secs(10), move |r| {
                    r.engine()
                        .doc(unit)
                        .is_ok_and(|d| heads.iter().all(|h| d.get_change_by_hash(h).is_some()))
                })
                .await;
            anyhow::Ok(arrived.ok().map(|()| at.elapsed().as_secs_f64() * 1000.0))
        });
    }
    let rate = total as f64 / started.elapsed().as_secs_f64();
    let mut samples = Vec::with_capacity(total);
    let mut lost = 0;
    while let Some(joined) = joins.join_next().await {
        match joined?? {
            Some(ms) => samples.push(ms),
            None => lost += 1,
        }
    }
    if samples.is_empty() {
        bail!("no edit arrived");
    }
    Ok(Latency {
        edits: total,
        lost,
        p50: quantile(&samples, 0.5),
        p99: quantile(&samples, 0.99),
        rate,
    })
}

/// P2 under load: the phones on one server (SQLite), then on two servers sharing
/// PostgreSQL (when `TEST_DATABASE_URL` names one).
pub async fn rows(quick: bool) -> anyhow::Result<Vec<Row>> {
    let shape = if quick {
        Shape {
            areas: 2,
            documents: 30,
            phones: 40,
        }
    } else {
        Shape {
            areas: 10,
            documents: 50,
            phones: 1_000,
        }
    };
    let (rate, seconds) = if quick { (20.0, 3.0) } else { (200.0, 20.0) };
    let mut rows = Vec::new();
    let dir = tempfile::tempdir()?;
    let phones = prepare(&Database::SqliteIn(dir.path().to_owned()), shape).await?;
    let server = ServerProcess::spawn(dir.path(), None, &[])?;
    let run = measure(&phones, &[&server], rate, seconds).await;
    server.stop();
    rows.push(row(
        shape,
        rate,
        seconds,
        "one server, SQLite",
        &run?,
        quick,
    ));
    let Some(url) = fresh_postgres().await? else {
        eprintln!("P2 across servers skipped: set TEST_DATABASE_URL (bash scripts/postgres.sh)");
        return Ok(rows);
    };
    let phones = prepare(&Database::Url(url.clone()), shape).await?;
    let (one_dir, two_dir) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let one = ServerProcess::spawn(one_dir.path(), Some(&url), &[])?;
    let two = ServerProcess::spawn(two_dir.path(), Some(&url), &[])?;
    let run = measure(&phones, &[&one, &two], rate, seconds).await;
    one.stop();
    two.stop();
    rows.push(row(
        shape,
        rate,
        seconds,
        "two servers sharing PostgreSQL, each edit timed to a phone on the other server",
        &run?,
        quick,
    ));
    Ok(rows)
}

/// What one configuration measured: the latency, the time to connect every phone, the
/// servers' memory with every phone connected, and how busy the servers and the load
/// generator were while the edits ran (percent of one core each).
struct Run {
    latency: Latency,
    connect_ms: f64,
    rss_mb: Vec<f64>,
    servers_cpu: Vec<f64>,
    generator_cpu: f64,
}

async fn measure(
    phones: &[(Credentials, DocumentId)],
    servers: &[&ServerProcess],
    rate: f64,
    seconds: f64,
) -> anyhow::Result<Run> {
    let addrs: Vec<_> = servers.iter().map(|s| s.addr).collect();
    let fleet = Fleet::connect(phones, &addrs, 50).await?;
    // Each phone reads the records it received, as the app does after each batch: a
    // document kept as it came would otherwise be read by the first edit to reach it.
    for phone in &fleet.phones {
        phone.with(|r| r.read_loaded()).await?;
    }
    let mut pids: Vec<u32> = servers.iter().map(|s| s.pid()).collect();
    pids.push(std::process::id());
    let cpu = CpuShare::start(pids)?;
    let latency = edits(&fleet, rate, seconds, 16).await;
    let mut servers_cpu = cpu.percent()?;
    let generator_cpu = servers_cpu.pop().context("the generator's share")?;
    let rss_mb = servers
        .iter()
        .map(|s| s.rss_mb())
        .collect::<anyhow::Result<_>>()?;
    let connect_ms = fleet.connect_ms;
    fleet.close();
    Ok(Run {
        latency: latency?,
        connect_ms,
        rss_mb,
        servers_cpu,
        generator_cpu,
    })
}

fn row(shape: Shape, rate: f64, seconds: f64, servers: &str, run: &Run, quick: bool) -> Row {
    let l = &run.latency;
    let rss: Vec<String> = run.rss_mb.iter().map(|m| format!("{m:.0} MB")).collect();
    let cpu: Vec<String> = run
        .servers_cpu
        .iter()
        .map(|c| format!("{c:.0} %"))
        .collect();
    Row {
        id: "P2",
        what: format!(
            "{} phones in {} areas of {} documents, {rate:.0} edits/s for {seconds:.0} s ({:.0}/s achieved), {servers}",
            shape.phones, shape.areas, shape.documents, l.rate
        ),
        ours: format!("p50 {:.1} ms, p99 {:.1} ms", l.p50, l.p99),
        baseline: "target p50 10 ms, p99 50 ms".into(),
        ratio: format!(
            "{} of {} edits not seen within 10 s; every phone connected and synced in {:.1} s; server RSS {}; CPU while editing: server {}, load generator {:.0} % (of {} % on {} cores)",
            l.lost,
            l.edits,
            run.connect_ms / 1000.0,
            rss.join(" + "),
            cpu.join(" + "),
            run.generator_cpu,
            100 * cores(),
            cores()
        ),
        verdict: (!quick).then_some(l.p50 <= 10.0 && l.p99 <= 50.0 && l.lost == 0),
    }
}
