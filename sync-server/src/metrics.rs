//! What `/metrics` reports, in the Prometheus (OpenMetrics) text format.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The server's counters, shared by the hub, the sessions and the `/metrics` route.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Open `/sync` connections.
    pub connections: Gauge,
    /// Documents held in memory.
    pub resident: Gauge,
    /// Frames received from phones.
    pub frames: Counter,
    /// Connections closed for breaking the frame-size or rate limits.
    pub limited: Counter,
    /// Connections closed for a refused change or a protocol error.
    pub refused: Counter,
    /// Changes stored (the ones phones sent, after the access rules).
    pub changes: Counter,
    /// Documents another server stored that this one took in.
    pub taken_in: Counter,
    /// Time to commit one batch to the database.
    pub commit_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut m = Self {
            registry: Registry::with_prefix("estate_sync"),
            connections: Gauge::default(),
            resident: Gauge::default(),
            frames: Counter::default(),
            limited: Counter::default(),
            refused: Counter::default(),
            changes: Counter::default(),
            taken_in: Counter::default(),
            // 0.5 ms … about 4 s.
            commit_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
        };
        let registry = &mut m.registry;
        registry.register(
            "connections",
            "Open /sync connections",
            m.connections.clone(),
        );
        registry.register(
            "resident_documents",
            "Documents held in memory",
            m.resident.clone(),
        );
        registry.register("frames", "Frames received from phones", m.frames.clone());
        registry.register(
            "limited",
            "Connections closed for breaking the frame-size or rate limits",
            m.limited.clone(),
        );
        registry.register(
            "refused",
            "Connections closed for a refused change or a protocol error",
            m.refused.clone(),
        );
        registry.register("changes", "Changes stored", m.changes.clone());
        registry.register(
            "taken_in",
            "Documents another server stored that this one took in",
            m.taken_in.clone(),
        );
        registry.register(
            "commit_seconds",
            "Time to commit one batch to the database",
            m.commit_seconds.clone(),
        );
        m
    }
}

impl Metrics {
    /// The text `/metrics` serves.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}
