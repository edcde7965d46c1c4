//! The phone app and the office console as static files: each file's brotli or gzip copy
//! (written beside it by the app's build) when the browser accepts one, hashed files under
//! `/assets/` cached for a year, everything else revalidated on every load so a new
//! version is seen at once.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Files whose names carry their content's hash: never fetched twice.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The pages, the service worker and the manifest: asked again each time, answered
/// "not modified" when unchanged.
pub const REVALIDATE: &str = "no-cache";

fn dir(path: &Path) -> ServeDir {
    ServeDir::new(path).precompressed_br().precompressed_gzip()
}

/// The service for every path no route answers: `/assets/…` from the hashed files, the
/// rest from the app's directory, falling back to `index.html` (the phone app's routes).
pub fn router<S: Clone + Send + Sync + 'static>(app_dir: &Path) -> Router<S> {
    let index = ServeFile::new(app_dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let assets = Router::new()
        .fallback_service(dir(&app_dir.join("assets")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(IMMUTABLE),
        ));
    Router::new()
        .nest("/assets", assets)
        .fallback_service(dir(app_dir).fallback(index))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(REVALIDATE),
        ))
        // Which copy is sent depends on what the browser accepts: a shared cache on the
        // way must keep them apart (`ServeDir` does not say so itself).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
}
