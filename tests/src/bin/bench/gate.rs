//! The gate's cost for one batch of changes to a large area index: reading what the
//! operations did (`access::Delta`) against judging by content, reading the document as
//! it was before and is after (what the gate once did).

use std::time::Instant;

use automerge::{AutoCommit, ChangeHash, ROOT, ReadDoc, transaction::Transactable};
use estate_core::DocumentId;
use estate_core::access::Delta;
use estate_core::records::index::{AreaIndex, Entry};
use estate_core::records::json;

use super::Row;

const ENTRIES: u32 = 9_000;

fn entry_id(n: u32) -> DocumentId {
    let mut bytes = [0u8; 16];
    bytes[..4].copy_from_slice(&n.to_be_bytes());
    DocumentId::from_bytes(bytes)
}

fn index() -> anyhow::Result<AutoCommit> {
    let mut doc = AreaIndex::new_doc("A1", "一区", Some("P1"))?;
    for n in 0..ENTRIES {
        let entry = Entry {
            kind: "unit".into(),
            status: Some("occupied".into()),
            ..Entry::default()
        };
        AreaIndex::put_entry(&mut doc, entry_id(n), &entry)?;
    }
    doc.commit();
    Ok(doc)
}

/// The content comparison: the whole document before and after.
fn by_content(doc: &mut AutoCommit, before: &[ChangeHash]) -> bool {
    doc.isolate(before);
    let old = json::read_root(doc);
    doc.integrate();
    old != json::read_root(doc)
}

/// Median milliseconds of judging `rounds` batches, each made by `edit(round)` for the
/// rounds from `first` on (each round changes something new).
fn median_ms(
    doc: &mut AutoCommit,
    first: u32,
    rounds: u32,
    mut edit: impl FnMut(&mut AutoCommit, u32) -> anyhow::Result<()>,
    mut judge: impl FnMut(&mut AutoCommit, &[ChangeHash]),
) -> anyhow::Result<f64> {
    let mut samples = Vec::new();
    for round in first..first + rounds {
        let before = doc.get_heads();
        edit(doc, round)?;
        doc.commit();
        let started = Instant::now();
        judge(doc, &before);
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    Ok(samples[samples.len() / 2])
}

fn set_status(doc: &mut AutoCommit, round: u32) -> anyhow::Result<()> {
    let (_, entries) = doc
        .get(ROOT, "entries")?
        .ok_or_else(|| anyhow::anyhow!("entries"))?;
    let key = entry_id(round * 97 % ENTRIES).to_string();
    let (_, entry) = doc
        .get(&entries, key)?
        .ok_or_else(|| anyhow::anyhow!("entry"))?;
    doc.put(&entry, "status", format!("round-{round}"))?;
    Ok(())
}

fn add_entry(doc: &mut AutoCommit, round: u32) -> anyhow::Result<()> {
    let entry = Entry {
        kind: "ticket".into(),
        ..Entry::default()
    };
    AreaIndex::put_entry(doc, entry_id(ENTRIES + round), &entry)?;
    Ok(())
}

pub fn rows(rounds: u32, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let mut doc = index()?;
    type Edit = fn(&mut AutoCommit, u32) -> anyhow::Result<()>;
    let edits: [(&str, Edit); 2] = [
        ("an entry's status set", set_status),
        ("a new entry filed", add_entry),
    ];
    for (what, edit) in edits {
        let ours = median_ms(&mut doc, 0, rounds, edit, |d, b| {
            assert!(Delta::between(d, b).broken.is_none(), "an honest batch");
        })?;
        let content = median_ms(&mut doc, rounds, rounds, edit, |d, b| {
            assert!(by_content(d, b));
        })?;
        eprintln!("gate, {what}: {ours:.3} ms, by content {content:.3} ms");
        rows.push(Row {
            verdict: None,
            id: "gate",
            what: format!(
                "the server's gate judging one batch on a {ENTRIES}-entry area index: {what} (baseline: comparing the document's content before and after)"
            ),
            ours: format!("{ours:.3} ms"),
            baseline: format!("{content:.1} ms"),
            ratio: format!("{:.0}× faster", content / ours),
        });
    }
    Ok(())
}
