//! The app's files go out compressed and cached as they should: the brotli or gzip copy
//! the build wrote beside a file when the browser takes it, hashed files cached for a
//! year, pages and the service worker revalidated each load; the API's JSON compressed.

use crate::common;

use std::io::Read;

use axum::http::header;
use common::TestDb;
use common::app::{Answer, App};

/// An app directory as the build leaves it: a page and a hashed script, each with its
/// compressed copies (marked so the test can tell which one was sent).
fn write_app(dir: &std::path::Path) {
    let assets = dir.join("assets");
    std::fs::create_dir_all(&assets).expect("assets");
    for (path, body) in [
        ("index.html", "<html>片区管家</html>"),
        ("index.html.br", "brotli index"),
        ("index.html.gz", "gzip index"),
        ("sw.js", "self.addEventListener('fetch', () => {})"),
        ("assets/main-0a1b2c.js", "console.log('main')"),
        ("assets/main-0a1b2c.js.br", "brotli main"),
        ("assets/main-0a1b2c.js.gz", "gzip main"),
    ] {
        std::fs::write(dir.join(path), body).expect("a file");
    }
}

async fn get(app: &App, path: &str, accept: Option<&str>) -> Answer {
    let headers: Vec<_> = accept
        .map(|a| (header::ACCEPT_ENCODING, a))
        .into_iter()
        .collect();
    let answer = app.send_with("GET", path, None, &headers, None).await;
    assert_eq!(answer.status, 200, "GET {path}");
    answer
}

fn encoding(answer: &Answer) -> Option<&str> {
    answer
        .headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn hashed_files_go_out_precompressed_and_cached_for_a_year() {
    let db = TestDb::sqlite();
    write_app(db.dir.path());
    let app = App::demo(&db).await;

    let br = get(&app, "/assets/main-0a1b2c.js", Some("gzip, deflate, br")).await;
    assert_eq!(encoding(&br), Some("br"));
    assert_eq!(br.body, b"brotli main");
    assert_eq!(
        br.header(&header::CACHE_CONTROL),
        sync_server::files::IMMUTABLE
    );
    assert_eq!(br.header(&header::VARY), "accept-encoding");
    assert!(
        br.header(&header::CONTENT_TYPE).contains("javascript"),
        "the type is the file's, not the copy's"
    );

    let gz = get(&app, "/assets/main-0a1b2c.js", Some("gzip")).await;
    assert_eq!(encoding(&gz), Some("gzip"));
    assert_eq!(gz.body, b"gzip main");

    let plain = get(&app, "/assets/main-0a1b2c.js", None).await;
    assert_eq!(encoding(&plain), None);
    assert_eq!(plain.body, b"console.log('main')");
    assert_eq!(
        plain.header(&header::CACHE_CONTROL),
        sync_server::files::IMMUTABLE
    );
}

#[tokio::test]
async fn pages_and_the_service_worker_are_revalidated() {
    let db = TestDb::sqlite();
    write_app(db.dir.path());
    let app = App::demo(&db).await;

    for path in ["/", "/index.html", "/sw.js"] {
        let answer = get(&app, path, Some("br")).await;
        assert_eq!(
            answer.header(&header::CACHE_CONTROL),
            sync_server::files::REVALIDATE,
            "{path}"
        );
    }
    // A route of the phone app is its page, compressed as the page is.
    let route = get(&app, "/records/some-record", Some("br")).await;
    assert_eq!(encoding(&route), Some("br"));
    assert_eq!(route.body, b"brotli index");
    assert_eq!(
        route.header(&header::CACHE_CONTROL),
        sync_server::files::REVALIDATE
    );
}

#[tokio::test]
async fn the_apis_json_is_compressed_when_the_client_takes_it() {
    let db = TestDb::sqlite();
    let app = App::demo(&db).await;

    let plain = get(&app, "/api/openapi.json", None).await;
    assert_eq!(encoding(&plain), None);
    let gz = get(&app, "/api/openapi.json", Some("gzip")).await;
    assert_eq!(encoding(&gz), Some("gzip"));
    assert!(
        gz.body.len() * 3 < plain.body.len(),
        "{} of {}",
        gz.body.len(),
        plain.body.len()
    );
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(gz.body.as_slice())
        .read_to_end(&mut unpacked)
        .expect("gzip");
    assert_eq!(unpacked, plain.body);
}
