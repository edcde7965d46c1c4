//! What `/metrics` reports, in the Prometheus (OpenMetrics) text format.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Metric, Registry};

/// The server's counters, shared by the hub, the sessions and the `/metrics` route.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Open `/sync` connections.
    pub connections: Gauge,
    /// Documents held in memory.
    pub resident: Gauge,
    /// Passes over memory for idle documents.
    pub sweeps: Counter,
    /// Frames received from phones.
    pub frames: Counter,
    /// Connections closed for breaking the frame-size or rate limits.
    pub limited: Counter,
    /// Connections the server ended with a protocol `error`: a broken protocol or limit,
    /// a revoked device or changed access.
    pub refused: Counter,
    /// Changes to a document the access rules refused (the connection goes on).
    pub denied: Counter,
    /// Changes stored (the ones phones sent, after the access rules).
    pub changes: Counter,
    /// Documents another server stored that this one took in.
    pub taken_in: Counter,
    /// Time to commit one batch to the database.
    pub commit_seconds: Histogram,
    /// Storage attempts that failed for a transient reason and were made again.
    pub storage_retries: Counter,
    /// 1 while the hub waits for the database to answer again, else 0.
    pub storage_waiting: Gauge,
    /// Bytes the server's live objects hold (jemalloc's `stats.allocated`).
    heap_allocated: Gauge,
    /// Bytes of memory the allocator keeps resident, free pages not yet given back
    /// included (jemalloc's `stats.resident`): against `heap_allocated`, what the process
    /// holds beyond its live data.
    heap_resident: Gauge,
}

/// Registers `metric` under `name` and hands it back, so each metric is named once.
fn add<M: Metric + Clone>(registry: &mut Registry, name: &str, help: &str, metric: M) -> M {
    registry.register(name, help, metric.clone());
    metric
}

impl Default for Metrics {
    fn default() -> Self {
        let mut r = Registry::with_prefix("estate_sync");
        let reg = &mut r;
        Self {
            connections: add(
                reg,
                "connections",
                "Open /sync connections",
                Gauge::default(),
            ),
            resident: add(
                reg,
                "resident_documents",
                "Documents held in memory",
                Gauge::default(),
            ),
            sweeps: add(
                reg,
                "eviction_sweeps",
                "Passes over memory for idle documents",
                Counter::default(),
            ),
            frames: add(
                reg,
                "frames",
                "Frames received from phones",
                Counter::default(),
            ),
            limited: add(
                reg,
                "limited",
                "Connections closed for breaking the frame-size or rate limits",
                Counter::default(),
            ),
            refused: add(
                reg,
                "refused",
                "Connections the server ended with a protocol error",
                Counter::default(),
            ),
            denied: add(
                reg,
                "denied",
                "Changes to a document the access rules refused",
                Counter::default(),
            ),
            changes: add(reg, "changes", "Changes stored", Counter::default()),
            taken_in: add(
                reg,
                "taken_in",
                "Documents another server stored that this one took in",
                Counter::default(),
            ),
            // 0.5 ms … about 4 s.
            commit_seconds: add(
                reg,
                "commit_seconds",
                "Time to commit one batch to the database",
                Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            ),
            storage_retries: add(
                reg,
                "storage_retries",
                "Storage attempts made again after the database was busy or unreachable",
                Counter::default(),
            ),
            storage_waiting: add(
                reg,
                "storage_waiting",
                "1 while the hub waits for the database to answer again",
                Gauge::default(),
            ),
            heap_allocated: add(
                reg,
                "heap_allocated_bytes",
                "Bytes the server's live objects hold (jemalloc stats.allocated)",
                Gauge::default(),
            ),
            heap_resident: add(
                reg,
                "heap_resident_bytes",
                "Bytes the allocator keeps resident, free pages included (jemalloc stats.resident)",
                Gauge::default(),
            ),
            registry: r,
        }
    }
}

impl Metrics {
    /// The text `/metrics` serves, the allocator's figures read afresh.
    pub fn encode(&self) -> String {
        self.read_heap();
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }

    /// Reads the allocator's statistics into the heap gauges. They stay 0 where jemalloc
    /// is not the allocator (the library's tests).
    fn read_heap(&self) {
        use tikv_jemalloc_ctl::{epoch, stats};
        if epoch::advance().is_err() {
            return;
        }
        if let (Ok(allocated), Ok(resident)) = (stats::allocated::read(), stats::resident::read()) {
            self.heap_allocated
                .set(i64::try_from(allocated).unwrap_or(i64::MAX));
            self.heap_resident
                .set(i64::try_from(resident).unwrap_or(i64::MAX));
        }
    }
}
