//! The phone app in headless Chromium on a seeded area (`tests/e2e/bench-app.mjs`): first
//! sync of the whole area, the offline cold open to the home screen, and the time to save
//! an action; and the gzipped size of what the app ships.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};
use sync_server::demo::DEMO_PASSWORD;

use super::{ROOT_DIR, Row, quantile, seeded_server};

/// Who uses the phone: the benchmark project's supervisor, who works its one area.
const USER: &str = "sup-wang";

/// What the browser measured.
struct Measured {
    /// The first visit: requests, bytes as sent, bytes as the files are.
    first_load: (u64, u64, u64),
    first_sync_ms: f64,
    /// The app's sync counters after it: ms in the core's sync calls and in IndexedDB.
    first_sync_core_ms: f64,
    first_sync_storage_ms: f64,
    /// Of `first_sync_storage_ms`, reading what the core asked to load.
    first_sync_read_ms: f64,
    /// Batches of frames the app carried out in it (each one IndexedDB transaction).
    first_sync_batches: f64,
    /// The home screen's redraws while it ran, and their time in all (ms).
    first_sync_redraws: f64,
    first_sync_redraw_ms: f64,
    /// When the app's marks fell in the timed first sync (ms since 登录 was tapped).
    first_sync_marks: serde_json::Value,
    /// Where a profiled first sync's main thread spent its time, by self time.
    first_sync_profile: Vec<(String, f64)>,
    cold_open_ms: Vec<f64>,
    /// The same cold opens, until every stored record is loaded.
    cold_ready_ms: Vec<f64>,
    /// For each cold open, the app's marks (ms since navigation).
    cold_open_marks: Vec<serde_json::Value>,
    save_core_ms: Vec<f64>,
    save_durable_ms: Vec<f64>,
}

impl Measured {
    /// Reads `bench-app.mjs`'s one line of JSON.
    fn parse(out: &[u8]) -> anyhow::Result<Self> {
        let v: serde_json::Value = serde_json::from_slice(out).context("bench-app.mjs output")?;
        let list = |key: &str| -> anyhow::Result<Vec<f64>> {
            v[key]
                .as_array()
                .with_context(|| format!("bench-app.mjs gave no {key}"))?
                .iter()
                .map(|x| {
                    x.as_f64()
                        .with_context(|| format!("{key} holds a non-number"))
                })
                .collect()
        };
        let load = |key: &str| v["firstLoad"][key].as_u64().unwrap_or_default();
        Ok(Self {
            first_load: (load("requests"), load("transferred"), load("decoded")),
            first_sync_profile: v["firstSyncProfile"]
                .as_array()
                .context("bench-app.mjs gave no firstSyncProfile")?
                .iter()
                .map(|e| {
                    let at = e["where"].as_str().unwrap_or("?").to_owned();
                    (at, e["ms"].as_f64().unwrap_or_default())
                })
                .collect(),
            first_sync_core_ms: v["firstSyncStats"]["coreMs"].as_f64().unwrap_or_default(),
            first_sync_storage_ms: v["firstSyncStats"]["storageMs"]
                .as_f64()
                .unwrap_or_default(),
            first_sync_read_ms: v["firstSyncStats"]["readMs"].as_f64().unwrap_or_default(),
            first_sync_batches: v["firstSyncStats"]["batches"].as_f64().unwrap_or_default(),
            first_sync_redraws: v["firstSyncStats"]["redraws"].as_f64().unwrap_or_default(),
            first_sync_redraw_ms: v["firstSyncStats"]["redrawMs"].as_f64().unwrap_or_default(),
            first_sync_ms: v["firstSyncMs"]
                .as_f64()
                .context("bench-app.mjs gave no firstSyncMs")?,
            cold_open_ms: list("coldOpenMs")?,
            cold_ready_ms: list("coldReadyMs")?,
            cold_open_marks: v["coldOpenMarks"].as_array().cloned().unwrap_or_default(),
            first_sync_marks: v["firstSyncMarks"].clone(),
            save_core_ms: list("saveCoreMs")?,
            save_durable_ms: list("saveDurableMs")?,
        })
    }
}

/// `stock_js_ms`: the JS automerge-repo client fetching the same area from the stock
/// server (P1-JS), the anchor of the browser's first sync.
pub async fn rows(
    documents: usize,
    stock_js_ms: Option<f64>,
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    let (server, _, _dir) = seeded_server(documents).await?;
    let script = PathBuf::from(ROOT_DIR).join("tests/e2e/bench-app.mjs");
    let out = Command::new("node")
        .arg(&script)
        .arg(format!("http://{}", server.addr))
        .args([USER, DEMO_PASSWORD])
        .current_dir(PathBuf::from(ROOT_DIR).join("tests/e2e"))
        .output()
        .context("running node (scripts/setup.sh --browser installs it)")?;
    server.stop().await?;
    if !out.status.success() {
        bail!(
            "bench-app.mjs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let m = Measured::parse(&out.stdout)?;
    let full = documents == 9_000;
    rows.push(Row {
        id: "P1-browser",
        what: format!("phone app (Chromium, 390×844): sign-in → whole area of {documents} documents from empty IndexedDB, home screen shown"),
        ours: format!(
            "{:.1} s (in the core's sync calls {:.1} s, writing and reading IndexedDB {:.1} s of which reading {:.1} s, in {:.0} batches; the screen redrawn {:.0} times, {:.1} s in all)",
            m.first_sync_ms / 1000.0,
            m.first_sync_core_ms / 1000.0,
            m.first_sync_storage_ms / 1000.0,
            m.first_sync_read_ms / 1000.0,
            m.first_sync_batches,
            m.first_sync_redraws,
            m.first_sync_redraw_ms / 1000.0
        ),
        baseline: stock_js_ms.map_or("target 3 s".into(), |ms| {
            format!("target 3 s; JS client on the stock server: {:.1} s", ms / 1000.0)
        }),
        ratio: stock_js_ms.map_or("—".into(), |ms| format!("{:.1}× faster than the JS client on stock", ms / m.first_sync_ms)),
        verdict: full.then(|| {
            m.first_sync_ms <= 3_000.0 && stock_js_ms.is_some_and(|ms| ms / m.first_sync_ms >= 5.0)
        }),
    });
    let profile: Vec<String> = m
        .first_sync_profile
        .iter()
        .map(|(at, ms)| format!("`{}` {ms:.0}", at.replace('|', "/")))
        .collect();
    rows.push(Row {
        id: "P1-browser",
        what: "where the same first sync's main thread spends its time, by self time (Chromium's CPU profiler, a second run in a fresh context; the WASM core by the app's call into it), ms".into(),
        ours: profile.join(", "),
        baseline: "—".into(),
        ratio: "—".into(),
        verdict: None,
    });
    let synced = |name: &str| {
        m.first_sync_marks[name]
            .as_f64()
            .map_or("—".to_owned(), |ms| format!("{ms:.0}"))
    };
    rows.push(Row {
        id: "P1-browser",
        what: "where the timed first sync's time goes (ms since 登录 is tapped): signed in / WASM core ready / the app open, nothing stored / connected / the first frame in / the last document in / the home screen drawn from every record".into(),
        ours: format!(
            "{} / {} / {} / {} / {} / {} / {:.0}",
            synced("signed-in"),
            synced("core-ready"),
            synced("ready"),
            synced("online"),
            synced("first-frame"),
            synced("all-received"),
            m.first_sync_ms
        ),
        baseline: "—".into(),
        ratio: "—".into(),
        verdict: None,
    });
    rows.push(Row {
        verdict: full.then(|| quantile(&m.cold_open_ms, 0.5) <= 1_000.0),
        id: "P6",
        what: format!("phone app: offline cold open to the home screen (待办, as it was last shown, tabs working, while the records load) with {documents} documents, median of {}", m.cold_open_ms.len()),
        ours: format!("{:.0} ms", quantile(&m.cold_open_ms, 0.5)),
        baseline: "target 1000 ms".into(),
        ratio: format!("{:.2}× the target", quantile(&m.cold_open_ms, 0.5) / 1000.0),
    });
    rows.push(Row {
        verdict: None,
        id: "P6",
        what: format!("the same cold opens until every stored record is loaded and every screen opens, median of {}", m.cold_ready_ms.len()),
        ours: format!("{:.0} ms", quantile(&m.cold_ready_ms, 0.5)),
        baseline: "—".into(),
        ratio: "—".into(),
    });
    let mark = |name: &str| {
        let at: Vec<f64> = m
            .cold_open_marks
            .iter()
            .filter_map(|marks| marks[name].as_f64())
            .collect();
        if at.is_empty() {
            "—".to_owned()
        } else {
            format!("{:.0}", quantile(&at, 0.5))
        }
    };
    rows.push(Row {
            verdict: None,
        id: "P6",
        what: "phone app: where the offline cold open goes (median ms since navigation): WASM core ready / home screen drawn / IndexedDB read / documents loaded into the core and read / every screen ready".into(),
        ours: format!("{} / {} / {} / {} / {}", mark("core-ready"), mark("home"), mark("storage-read"), mark("loaded"), mark("ready")),
        baseline: "—".into(),
        ratio: "—".into(),
    });
    rows.push(Row {
        verdict: Some(quantile(&m.save_core_ms, 0.95) <= 16.0),
        id: "P6",
        what: format!("phone app: saving an action ({} notes on one record) — in the core, holding the screen", m.save_core_ms.len()),
        ours: format!("p50 {:.1} ms, p95 {:.1} ms", quantile(&m.save_core_ms, 0.5), quantile(&m.save_core_ms, 0.95)),
        baseline: "target p95 16 ms".into(),
        ratio: format!("{:.2}× the target", quantile(&m.save_core_ms, 0.95) / 16.0),
    });
    rows.push(Row {
        verdict: None,
        id: "P6",
        what: "phone app: saving an action until durable in IndexedDB".into(),
        ours: format!(
            "p50 {:.1} ms, p95 {:.1} ms",
            quantile(&m.save_durable_ms, 0.5),
            quantile(&m.save_durable_ms, 0.95)
        ),
        baseline: "—".into(),
        ratio: "—".into(),
    });
    let (js, wasm, css) = shipped()?;
    rows.push(Row {
        verdict: None,
        id: "P7",
        what: "phone app shipped, gzipped: JavaScript / WASM (core and QR reader) / CSS".into(),
        ours: format!("{} KB / {} KB / {} KB", js / 1000, wasm / 1000, css / 1000),
        baseline: "—".into(),
        ratio: "—".into(),
    });
    let (requests, sent, files) = m.first_load;
    rows.push(Row {
        id: "P7",
        what: format!("first visit of the phone app (the page, its scripts and the service worker's precache, {requests} responses): bytes sent, headers included, against the files' own size"),
        ours: format!("{} KB", sent / 1000),
        baseline: format!("{} KB uncompressed", files / 1000),
        ratio: format!("{:.1}× smaller", files as f64 / sent.max(1) as f64),
        verdict: Some(sent * 2 < files),
    });
    Ok(())
}

/// Gzipped bytes of the built app's JavaScript, WASM and CSS (`app/dist/assets`).
fn shipped() -> anyhow::Result<(usize, usize, usize)> {
    let assets = PathBuf::from(ROOT_DIR).join("app/dist/assets");
    let (mut js, mut wasm, mut css) = (0, 0, 0);
    for entry in std::fs::read_dir(&assets)
        .with_context(|| format!("{} (run scripts/build-app.sh)", assets.display()))?
    {
        let path = entry?.path();
        // `assets/office/` is the office console's, which phones never load.
        if path.is_dir() {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes)?;
        let size = gz.finish()?.len();
        match path.extension().and_then(|e| e.to_str()) {
            Some("js") => js += size,
            Some("wasm") => wasm += size,
            Some("css") => css += size,
            _ => {}
        }
    }
    Ok((js, wasm, css))
}
