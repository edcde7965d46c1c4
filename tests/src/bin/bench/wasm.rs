//! P5: the WASM core the app ships — gzipped, as brotli, and what it is made of, by
//! crate, from `twiggy` over the build's unstripped output (when twiggy is installed;
//! `scripts/bench.sh` installs it).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;

use super::{ROOT_DIR, Row};

fn wasm_size() -> anyhow::Result<(usize, usize)> {
    let path = PathBuf::from(ROOT_DIR).join("app/src/wasm/estate_wasm_bg.wasm");
    let raw = std::fs::read(&path)
        .with_context(|| format!("{} (run scripts/build-wasm.sh)", path.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw)?;
    Ok((raw.len(), gz.finish()?.len()))
}

/// P5: the WASM the app ships, gzipped (the target's measure) and as brotli (what the
/// server sends a browser that takes it, from the build's `.br` copy).
pub fn rows() -> anyhow::Result<Vec<Row>> {
    let (raw, gz) = wasm_size()?;
    let assets = PathBuf::from(ROOT_DIR).join("app/dist/assets");
    let br = std::fs::read_dir(&assets)
        .with_context(|| format!("{} (run scripts/build-app.sh)", assets.display()))?
        .filter_map(|e| e.ok())
        .find(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("estate_wasm_bg") && name.ends_with(".wasm.br")
        })
        .and_then(|e| e.metadata().ok())
        .map(|m| m.len());
    let mut rows = vec![
        Row {
            id: "P5",
            what: "WASM core shipped to phones, gzipped (-9)".into(),
            ours: format!("{} KB ({} KB raw)", gz / 1000, raw / 1000),
            baseline: "target 500 KB; @automerge/automerge npm wasm: 1,140 KB".into(),
            ratio: format!(
                "{:.2}× the target, {:.2}× smaller than the npm wasm",
                gz as f64 / 500_000.0,
                1_140_000.0 / gz as f64
            ),
            verdict: Some(gz <= 500_000),
        },
        Row {
            id: "P5",
            what: "the same as the server sends it to a browser that takes brotli".into(),
            ours: br.map_or("— (no .br copy: run scripts/build-app.sh)".into(), |b| {
                format!("{} KB", b / 1000)
            }),
            baseline: "—".into(),
            ratio: "—".into(),
            verdict: None,
        },
    ];
    rows.push(match by_crate() {
        Ok(shares) => Row {
            id: "P5",
            what: "what the core's code is made of, by crate (twiggy, shallow size before wasm-opt; generic code counts where it is instantiated)".into(),
            ours: shares,
            baseline: "—".into(),
            ratio: "—".into(),
            verdict: None,
        },
        Err(e) => Row {
            id: "P5",
            what: "what the core's code is made of, by crate".into(),
            ours: format!("not measured: {e:#}"),
            baseline: "—".into(),
            ratio: "—".into(),
            verdict: None,
        },
    });
    Ok(rows)
}

/// The code's shares by crate, largest first: `automerge 10 %, …`.
fn by_crate() -> anyhow::Result<String> {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| format!("{ROOT_DIR}/target"));
    let wasm = PathBuf::from(target).join("wasm32-unknown-unknown/wasm-release/estate_wasm.wasm");
    let out = Command::new("twiggy")
        .args(["top", "-f", "csv"])
        .arg(&wasm)
        .output()
        .context("twiggy (cargo install twiggy)")?;
    anyhow::ensure!(
        out.status.success(),
        "twiggy: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    for record in reader.records() {
        let record = record?;
        let (Some(name), Some(size)) = (record.get(0), record.get(1)) else {
            continue;
        };
        let Some(owner) = owner(name) else { continue };
        *sizes.entry(owner).or_default() += size.parse::<u64>()?;
    }
    let total: u64 = sizes.values().sum();
    let mut ranked: Vec<(String, u64)> = sizes.into_iter().collect();
    ranked.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    Ok(ranked
        .iter()
        .take(10)
        .map(|(name, size)| format!("{name} {:.0} %", 100.0 * *size as f64 / total as f64))
        .collect::<Vec<_>>()
        .join(", "))
}

/// Whose code an item is: the first crate its name mentions (`<serde_json::… as …>` is
/// serde_json's); `None` for the names and custom sections, which are not shipped.
fn owner(item: &str) -> Option<String> {
    if item.contains("names") || item.starts_with("custom section") {
        return None;
    }
    if item.starts_with("data segment") {
        return Some("data".into());
    }
    if item.starts_with("export ") || item.starts_with("__wbindgen") {
        return Some("wasm-bindgen glue".into());
    }
    let name = item
        .trim_start_matches(['<', '&'])
        .trim_start_matches("mut ");
    let krate: String = name
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Some(match krate.as_str() {
        "" => "other".into(),
        "core" | "alloc" | "std" => "std (incl. generics)".into(),
        _ => krate,
    })
}
