//! Records parsed once and kept in memory, each with the time the server last stored it:
//! a report such as the monthly statistics reads every record of a project, and reading
//! and parsing each from its chunks on every request is what costs. A record stored
//! again since it was parsed (its `records.received_at` moved) is read afresh; nothing
//! else is read twice.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use anyhow::Context;
use estate_core::DocumentId;
use estate_core::records::any::AnyRecord;
use estate_core::storage::StorageKey;

use crate::store::{self, Store};

/// Documents read per query when some are not held.
const BATCH: usize = 2_000;

/// A document's stored chunks.
type Chunks = Vec<(DocumentId, Vec<(StorageKey, Vec<u8>)>)>;

/// Parsed records, by document, with when each was last stored.
#[derive(Debug, Default)]
pub struct ParsedRecords {
    held: RwLock<HashMap<DocumentId, (i64, Arc<AnyRecord>)>>,
}

impl ParsedRecords {
    /// The records `wanted` (each with the time the server last stored it), parsed: from
    /// memory where what is held is current, else from storage. A document that is no
    /// record, or does not read, is left out.
    pub async fn get(
        &self,
        store: &Store,
        wanted: &[(DocumentId, i64)],
    ) -> anyhow::Result<Vec<(DocumentId, Arc<AnyRecord>)>> {
        let mut found = Vec::with_capacity(wanted.len());
        let mut missing = Vec::new();
        {
            let held = self.held.read().map_err(|_| anyhow::anyhow!("poisoned"))?;
            for &(id, stored_at) in wanted {
                match held.get(&id) {
                    Some((at, record)) if *at == stored_at => found.push((id, record.clone())),
                    _ => missing.push((id, stored_at)),
                }
            }
        }
        for batch in missing.chunks(BATCH) {
            let ids: Vec<DocumentId> = batch.iter().map(|(id, _)| *id).collect();
            let chunks = store.load(&ids).await?;
            let parsed = tokio::task::spawn_blocking(move || parse(chunks))
                .await
                .context("parsing records")?;
            let stored_at: HashMap<DocumentId, i64> = batch.iter().copied().collect();
            let mut held = self.held.write().map_err(|_| anyhow::anyhow!("poisoned"))?;
            for (id, record) in parsed {
                let record = Arc::new(record);
                held.insert(id, (stored_at[&id], record.clone()));
                found.push((id, record));
            }
        }
        Ok(found)
    }

    /// How many records are held.
    pub fn len(&self) -> usize {
        self.held.read().map_or(0, |held| held.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Every record among `chunks`; a document that is no record, or does not read, is left
/// out (the projection logs the second kind when it is stored).
fn parse(chunks: Chunks) -> Vec<(DocumentId, AnyRecord)> {
    chunks
        .into_iter()
        .filter_map(|(id, chunks)| {
            let doc = store::assemble(id, chunks);
            match AnyRecord::from_doc(&doc) {
                Ok(record) => record.map(|r| (id, r)),
                Err(e) => {
                    tracing::debug!(document = %id, "left out of the report: {e}");
                    None
                }
            }
        })
        .collect()
}
