//! P3: the server's memory, read from `/proc`, as phones connect and sit idle over many
//! stored documents, as some of them fetch whole areas, and after the server has evicted
//! what nobody uses any more.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use estate_core::DocumentId;
use estate_core::demo::bench_areas;
use sync_server::config::Database;
use sync_server::store::Store;

use super::Row;
use super::load::{Fleet, enrol};
use super::process::ServerProcess;

/// Documents in each stored area, and in each of the small areas the idle phones hold.
const STORED_AREA: usize = 1_000;
const PHONE_AREA: usize = 20;
const PHONE_AREAS: usize = 20;
/// The server forgets a document nobody has used for this long.
const EVICT_AFTER_SECS: u64 = 5;

const RESIDENT: &str = "estate_sync_resident_documents";
const HEAP_ALLOCATED: &str = "estate_sync_heap_allocated_bytes";

pub async fn rows(quick: bool) -> anyhow::Result<Vec<Row>> {
    let (stored_areas, idle, resync) = if quick {
        (5, 100, 10)
    } else {
        (100, 2_000, 200)
    };
    let stored = stored_areas * STORED_AREA;
    let dir = tempfile::tempdir()?;
    let mut sizes = vec![PHONE_AREA; PHONE_AREAS];
    sizes.extend(std::iter::repeat_n(STORED_AREA, stored_areas));
    let seeding = Instant::now();
    let estate = bench_areas(&sizes)?;
    let made = seeding.elapsed().as_secs_f64();
    let indexes: Vec<DocumentId> = estate.areas.iter().map(|a| a.index).collect();
    let store = Store::open(&Database::SqliteIn(dir.path().to_owned())).await?;
    let now = sync_server::now_ms();
    sync_server::demo::seed(&store, estate, now).await?;
    let storing = seeding.elapsed().as_secs_f64() - made;
    let idle_phones = enrol(&store, &indexes[..PHONE_AREAS], idle, now).await?;
    let resync_phones = enrol(&store, &indexes[PHONE_AREAS..], resync, now).await?;
    store.pool().close().await;
    eprintln!(
        "P3: {} documents made in {made:.0} s and stored in {storing:.0} s, {} phones enrolled in {:.0} s",
        sizes.iter().sum::<usize>(),
        idle + resync,
        seeding.elapsed().as_secs_f64() - made - storing
    );

    let evict = EVICT_AFTER_SECS.to_string();
    let server = ServerProcess::spawn(dir.path(), None, &["--evict-after-secs", &evict])?;
    let at_start = server.rss_mb()?;
    let idle_fleet = Fleet::connect(&idle_phones, &[server.addr], 100).await?;
    let idle_resident = server.metric(RESIDENT).await?;
    let with_idle = server.rss_mb()?;
    let idle_live_mb = server.metric(HEAP_ALLOCATED).await? / 1e6;

    // The re-sync, with the server's memory sampled every 50 ms for its peak.
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (peak, pid_rss) = (Arc::clone(&peak), server.rss_reader());
        tokio::spawn(async move {
            loop {
                if let Ok(mb) = pid_rss() {
                    peak.fetch_max((mb * 1000.0) as u64, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let resyncing = Fleet::connect(&resync_phones, &[server.addr], resync).await?;
    let resident = server.metric(RESIDENT).await?;
    let after_resync = server.rss_mb()?;
    let live_mb = server.metric(HEAP_ALLOCATED).await? / 1e6;
    sampler.abort();
    let peak_mb = (peak.load(Ordering::Relaxed) as f64 / 1000.0).max(after_resync);
    let resync_ms = resyncing.connect_ms;
    resyncing.close();

    // Eviction: wait until what the re-syncing phones loaded has been let go.
    let deadline = Instant::now() + Duration::from_secs(EVICT_AFTER_SECS * 6 + 30);
    let mut evicted_resident = server.metric(RESIDENT).await?;
    while evicted_resident > idle_resident && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        evicted_resident = server.metric(RESIDENT).await?;
    }
    let evicted_at = server.rss_mb()?;
    // An allocator hands freed memory back to the system in its own time (jemalloc's
    // decay, mimalloc's purge delay): measured again a little later.
    tokio::time::sleep(Duration::from_secs(EVICT_AFTER_SECS * 3)).await;
    let after_eviction = server.rss_mb()?;
    idle_fleet.close();
    server.stop();

    let per_connection_kb = (with_idle - at_start) * 1024.0 / idle as f64;
    // Phones that have nothing are answered from storage: what grows is what the server
    // keeps per phone and per document it follows, plus any document read into memory.
    // Counted in live objects: the resident size also holds what the allocator keeps.
    let grown_kb = (live_mb - idle_live_mb) * 1000.0;
    let followed = (resync * STORED_AREA) as f64;
    let per_resync = if resident > idle_resident {
        let per_resident = grown_kb / (resident - idle_resident);
        format!("{per_resident:.1} KB of live objects a resident document")
    } else {
        format!(
            "{:.0} KB of live objects a re-syncing phone, {:.2} KB a document it follows; none read into memory",
            grown_kb / resync as f64,
            grown_kb / followed
        )
    };
    let row = |what: String, ours: String, ratio: String, verdict| Row {
        id: "P3",
        what,
        ours,
        baseline: "target 300 MB".into(),
        ratio,
        verdict,
    };
    Ok(vec![
        row(
            format!(
                "server started over {stored} stored documents (and {} in the phones' areas)",
                PHONE_AREA * PHONE_AREAS
            ),
            format!("{at_start:.0} MB"),
            "—".into(),
            None,
        ),
        row(
            format!("{idle} phones connected and idle ({idle_resident:.0} documents resident)"),
            format!("{with_idle:.0} MB ({idle_live_mb:.0} MB of it live objects)"),
            format!("{per_connection_kb:.0} KB a connection"),
            None,
        ),
        row(
            format!(
                "then {resync} empty phones fetch a {STORED_AREA}-document area each ({:.1} s)",
                resync_ms / 1000.0
            ),
            format!(
                "peak {peak_mb:.0} MB; {after_resync:.0} MB with {resident:.0} resident ({live_mb:.0} MB of it live objects)"
            ),
            per_resync,
            (!quick).then_some(peak_mb <= 300.0),
        ),
        row(
            format!(
                "those phones gone and their documents evicted ({evicted_resident:.0} resident)"
            ),
            format!(
                "{evicted_at:.0} MB when evicted, {after_eviction:.0} MB {}s later",
                EVICT_AFTER_SECS * 3
            ),
            format!(
                "{:.0} MB below the re-sync's peak",
                peak_mb - after_eviction
            ),
            None,
        ),
    ])
}
