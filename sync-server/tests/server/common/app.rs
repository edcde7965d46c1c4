//! The server's routes without a socket: `sync_server::app` over a demo database, driven
//! one request at a time with `tower::ServiceExt::oneshot`.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use sync_server::demo::DEMO_PASSWORD;
use sync_server::hub::{self, HubConfig};
use sync_server::limits::Limits;
use sync_server::parsed::ParsedRecords;
use sync_server::state::AppState;
use sync_server::store::Store;
use tokio::sync::watch;
use tower::ServiceExt;

use super::{TestDb, seeded_store};

/// The routes over a database seeded with the demo estate.
pub struct App {
    router: Router,
    pub store: Store,
    /// Dropped with the app: the hub stops.
    _stop: watch::Sender<bool>,
}

/// What a request was answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("a {name} header"))
    }
}

impl App {
    pub async fn demo(db: &TestDb) -> Self {
        let store = seeded_store(db).await;
        let (stop, shutdown) = watch::channel(false);
        let args = db.args(false);
        let metrics = std::sync::Arc::default();
        let config = HubConfig {
            node: "test".into(),
            evict_after: Duration::from_secs(300),
            max_resident: args.max_resident_docs,
            drain: Duration::from_secs(1),
            metrics: std::sync::Arc::clone(&metrics),
        };
        let (hub, _task) = hub::spawn(store.clone(), config, shutdown.clone());
        let parsed = std::sync::Arc::new(ParsedRecords::following(hub.stored()));
        let state = AppState {
            store: store.clone(),
            hub,
            token_ttl_ms: 24 * 3_600_000,
            limits: Limits::of(&args),
            metrics,
            blobs: std::sync::Arc::new(sync_server::attachments::DatabaseBlobs::new(store.clone())),
            max_attachment_bytes: args.max_attachment_bytes,
            sign_ins: std::sync::Arc::default(),
            metrics_token: None,
            parsed,
            shutdown,
        };
        let router = sync_server::app(state, db.dir.path());
        Self {
            router,
            store,
            _stop: stop,
        }
    }

    /// One request; `body` with its content type.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Answer {
        self.send_with(method, path, token, &[], body).await
    }

    /// One request with extra headers.
    pub async fn send_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(header::HeaderName, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some((content_type, bytes)) => {
                request = request.header(header::CONTENT_TYPE, content_type);
                Body::from(bytes)
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).expect("a request"))
            .await
            .expect("the router answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.send("GET", path, Some(token), None).await
    }

    /// A JSON request.
    pub async fn json(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> Answer {
        let body = ("application/json", body.to_string().into_bytes());
        self.send(method, path, Some(token), Some(body)).await
    }

    /// Signs a demo user in as a new device: its bearer token.
    pub async fn sign_in(&self, user: &str) -> String {
        self.sign_in_as(user, DEMO_PASSWORD).await
    }

    pub async fn sign_in_as(&self, user: &str, password: &str) -> String {
        let body = serde_json::json!({
            "username": user, "password": password, "device_name": "办公室电脑",
        });
        let answer = self
            .send(
                "POST",
                "/api/login",
                None,
                Some(("application/json", body.to_string().into_bytes())),
            )
            .await;
        assert_eq!(answer.status, 200, "{user} signs in: {}", answer.json());
        answer.json()["token"].as_str().expect("a token").to_owned()
    }
}
