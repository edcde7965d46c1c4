//! What every route and session is handed: the store, the hub, the limits and counters,
//! and the stop signal.

use std::sync::Arc;

use tokio::sync::watch;

use crate::hub::HubHandle;
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::parsed::ParsedRecords;
use crate::store::Store;
use crate::{attachments, throttle};

/// Shared by every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub hub: HubHandle,
    /// How long a device stays signed in.
    pub token_ttl_ms: i64,
    /// What one `/sync` connection may send.
    pub limits: Limits,
    pub metrics: Arc<Metrics>,
    /// Where photos and signatures are kept.
    pub blobs: Arc<dyn attachments::Blobs>,
    /// The largest photo or signature a phone may upload.
    pub max_attachment_bytes: usize,
    /// Wrong passwords per account and address, for back-off.
    pub sign_ins: Arc<throttle::SignInThrottle>,
    /// Who may read `/metrics` from elsewhere than this machine.
    pub metrics_token: Option<Arc<str>>,
    /// Records parsed for reports, kept between requests.
    pub parsed: Arc<ParsedRecords>,
    /// Flips to true once, when the server is stopping.
    pub shutdown: watch::Receiver<bool>,
}
