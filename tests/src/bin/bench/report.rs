//! `BENCHMARKS.md`: a table per target of issue 16's list — ours, the anchor, the ratio,
//! whether the target is met — each with the command that measures it again.

use std::path::Path;

use super::ROOT_DIR;

/// One measured line.
#[derive(Debug)]
pub struct Row {
    pub id: &'static str,
    pub what: String,
    pub ours: String,
    pub baseline: String,
    pub ratio: String,
    /// Whether the row's target is met; `None` when the row has no target of its own.
    pub verdict: Option<bool>,
}

impl Row {
    /// A section that could not run: the error stands in the table.
    pub fn failed(id: &'static str, error: &anyhow::Error) -> Self {
        Self {
            id,
            what: "the run failed".into(),
            ours: format!("failed: {error:#}").replace('|', "/"),
            baseline: "—".into(),
            ratio: "—".into(),
            verdict: Some(false),
        }
    }
}

/// The targets, in the report's order: id, workload, target.
pub const TARGETS: &[(&str, &str, &str)] = &[
    (
        "P1-browser",
        "the real app in headless Chromium, signed in, fetches a whole area from empty IndexedDB to usable",
        "≤ 3 s at 9,000 documents, ≥ 5× faster than the JS automerge-repo client on the stock server",
    ),
    (
        "P1-server",
        "our native client fetches the same documents from our server and from the stock Node server",
        "ours ≥ 5× faster at 9,000 documents",
    ),
    (
        "P1-native",
        "our native client fetches a whole area from our server",
        "≤ 0.5 s at 9,000 documents",
    ),
    (
        "P1-JS",
        "the JS automerge-repo client fetches the same documents from our server and from the stock Node server",
        "never slower than stock",
    ),
    (
        "P2",
        "edit on one phone → arrival on another phone of the same area, every edit committed before it is relayed",
        "p50 ≤ 10 ms, p99 ≤ 50 ms with 1,000 phones in 10 areas making 200 edits/s",
    ),
    (
        "P3",
        "server memory: phones connected idle over many stored documents (eviction on), then some re-syncing",
        "RSS ≤ 300 MB with 2,000 phones and 100,000 stored documents",
    ),
    (
        "P4",
        "sustained edits a second the server commits with p99 arrival ≤ 50 ms",
        "≥ 5× the stock server's throughput, ≤ ¼ of its memory",
    ),
    (
        "P5",
        "the gzipped WASM the app ships",
        "≤ 500 KB (stretch 400 KB)",
    ),
    (
        "P6",
        "the app opened offline with a whole area stored; saving one action",
        "open to interactive ≤ 1 s at 9,000 documents; save ≤ 16 ms p95",
    ),
    (
        "P7",
        "static assets",
        "served compressed (brotli/gzip) with long immutable caching for hashed files; the first load's transfer reported",
    ),
    ("gate", "the server's gate on a large area", "—"),
    (
        "office",
        "the office console",
        "p99 ≤ 1 s from a phone to the board",
    ),
];

/// What bounds the target `id` when it is not met, from `bounds.md`: the paragraphs
/// under its `## id` heading, kept beside the code that measures it and written from
/// the profiles that showed it.
fn bound(id: &str) -> Option<&'static str> {
    const BOUNDS: &str = include_str!("bounds.md");
    let heading = format!("\n## {id}\n");
    let start = BOUNDS.find(&heading)? + heading.len();
    let rest = &BOUNDS[start..];
    Some(rest[..rest.find("\n## ").unwrap_or(rest.len())].trim())
}

fn verdict(row: &Row) -> &'static str {
    match row.verdict {
        Some(true) => "met",
        Some(false) => "**not met**",
        None => "—",
    }
}

/// The report; `took` is how long each section ran, in seconds, once per section.
pub fn write(rows: &[Row], took: &[(&str, f64)], quick: bool) -> anyhow::Result<String> {
    let mut md = String::from("# Benchmarks\n\n");
    md.push_str(
        "Measured by `bash scripts/bench.sh` (release builds, then \
         `target/release/bench`) on a 2-core machine. Both sides of every ratio run in the \
         same invocation, so compare the ratio, not the absolute numbers. Servers and \
         clients share the machine's two cores; the load generator's own work is part of \
         every latency it reports.\n\n",
    );
    let total: f64 = took.iter().map(|(_, s)| s).sum();
    let parts: Vec<String> = took
        .iter()
        .map(|(id, s)| format!("{id} {s:.0} s"))
        .collect();
    md.push_str(&format!(
        "This run's benchmarks took {:.1} minutes, builds not counted: {}.\n\n",
        total / 60.0,
        parts.join(", ")
    ));
    if quick {
        md.push_str(
            "**Quick mode** (`--quick`): small sizes, for checking that every benchmark \
             runs; its figures are not the targets' workloads.\n\n",
        );
    }
    for (id, workload, target) in TARGETS {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.id == *id).collect();
        if mine.is_empty() {
            continue;
        }
        md.push_str(&format!(
            "## {id}: {workload}\n\nTarget: {target}. Again: `bash scripts/bench.sh --only {id}`\n\n\
             | what | ours | anchor | ratio | target |\n|---|---|---|---|---|\n"
        ));
        for r in &mine {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                r.what,
                r.ours,
                r.baseline,
                r.ratio,
                verdict(r)
            ));
        }
        md.push('\n');
        if mine.iter().any(|r| r.verdict == Some(false))
            && let Some(why) = bound(id)
        {
            md.push_str(&format!(
                "**What bounds it, and what would be needed.** {why}\n\n"
            ));
        }
    }
    Ok(md)
}

/// Writes the report at the repository's root and prints it.
pub fn save(rows: &[Row], took: &[(&str, f64)], quick: bool) -> anyhow::Result<()> {
    let md = write(rows, took, quick)?;
    print!("{md}");
    std::fs::write(Path::new(ROOT_DIR).join("BENCHMARKS.md"), md)?;
    Ok(())
}
