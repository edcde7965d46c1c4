//! automerge-repo's storage key layout, so a data directory written here can be read by
//! automerge-repo's own storage adapters and the other way round:
//!
//! - `[docId, "snapshot", headsHash]` — a whole document, compacted;
//! - `[docId, "incremental", sha256(chunk)]` — changes saved since the last snapshot;
//! - `[docId, "sync-state", storageId]` — what a remote peer is known to have.
//!
//! One addition, on phones only: a snapshot stored exactly as the server sent it into an
//! empty document is named `headsHash.served`. The server holds what it sent, so such a
//! snapshot, stored alone, is its own sync state, and a first sync writes one record per
//! document instead of two. automerge-repo reads it as any other snapshot.
//!
//! Hashes are lowercase hex SHA-256; a heads hash is the hash of the heads' hex strings
//! concatenated, as automerge-repo computes it.

use std::fmt;

use automerge::ChangeHash;
use sha2::{Digest, Sha256};

use crate::ids::DocumentId;

/// What kind of chunk a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
/// Declaration order is the sort order: `Snapshot` first, so a range scan over one
/// document starts at `(doc, Snapshot, "")`.
pub enum ChunkKind {
    Snapshot,
    Incremental,
    SyncState,
}

impl ChunkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChunkKind::Snapshot => "snapshot",
            ChunkKind::Incremental => "incremental",
            ChunkKind::SyncState => "sync-state",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "snapshot" => Some(ChunkKind::Snapshot),
            "incremental" => Some(ChunkKind::Incremental),
            "sync-state" => Some(ChunkKind::SyncState),
            _ => None,
        }
    }
}

/// How the name of a snapshot stored as the server sent it ends.
const SERVED: &str = ".served";

/// One storage key: document, chunk kind, and the chunk's name within the document.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StorageKey {
    pub document: DocumentId,
    pub kind: ChunkKind,
    pub name: String,
}

impl StorageKey {
    pub fn incremental(document: DocumentId, chunk: &[u8]) -> Self {
        Self {
            document,
            kind: ChunkKind::Incremental,
            name: hash_hex(chunk),
        }
    }

    pub fn snapshot(document: DocumentId, heads: &[ChangeHash]) -> Self {
        Self {
            document,
            kind: ChunkKind::Snapshot,
            name: heads_hash(heads),
        }
    }

    /// A snapshot as the server sent it into an empty document (see the module's notes).
    pub fn served(document: DocumentId, heads: &[ChangeHash]) -> Self {
        Self {
            document,
            kind: ChunkKind::Snapshot,
            name: format!("{}{SERVED}", heads_hash(heads)),
        }
    }

    /// Whether it names a snapshot stored as the server sent it.
    pub fn is_served(&self) -> bool {
        self.kind == ChunkKind::Snapshot && self.name.ends_with(SERVED)
    }

    pub fn sync_state(document: DocumentId, storage_id: &str) -> Self {
        Self {
            document,
            kind: ChunkKind::SyncState,
            name: storage_id.to_owned(),
        }
    }

    /// The key as automerge-repo's adapters see it: an array of strings.
    pub fn to_parts(&self) -> [String; 3] {
        [
            self.document.to_string(),
            self.kind.as_str().to_owned(),
            self.name.clone(),
        ]
    }

    /// Parses a key read back from storage; `None` for keys this layout does not use.
    pub fn from_parts(parts: &[impl AsRef<str>]) -> Option<Self> {
        let [document, kind, name] = parts else {
            return None;
        };
        Some(Self {
            document: document.as_ref().parse().ok()?,
            kind: ChunkKind::parse(kind.as_ref())?,
            name: name.as_ref().to_owned(),
        })
    }
}

impl fmt::Debug for StorageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}, {}, {}]",
            self.document,
            self.kind.as_str(),
            self.name
        )
    }
}

/// A durable write the host must perform, in order, before sending what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageOp {
    Put(StorageKey, Vec<u8>),
    Delete(StorageKey),
}

/// Storage held in memory, keyed exactly like the durable stores: what native clients
/// and simulations use in place of IndexedDB or SQL.
pub type MemoryStore = std::collections::BTreeMap<StorageKey, Vec<u8>>;

/// Applies storage writes to a memory store, in order.
pub fn apply_in_memory(store: &mut MemoryStore, ops: Vec<StorageOp>) {
    for op in ops {
        match op {
            StorageOp::Put(key, data) => {
                store.insert(key, data);
            }
            StorageOp::Delete(key) => {
                store.remove(&key);
            }
        }
    }
}

/// Every chunk of one document in a memory store (one range scan).
pub fn chunks_in_memory(store: &MemoryStore, document: DocumentId) -> Vec<(StorageKey, Vec<u8>)> {
    let first = StorageKey {
        document,
        kind: ChunkKind::Snapshot,
        name: String::new(),
    };
    store
        .range(first..)
        .take_while(|(k, _)| k.document == document)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Lowercase hex SHA-256 of a chunk.
pub fn hash_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// automerge-repo's `headsHash`: SHA-256 over the heads' hex strings, concatenated.
pub fn heads_hash(heads: &[ChangeHash]) -> String {
    let mut hasher = Sha256::new();
    for head in heads {
        hasher.update(head.to_string().as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// automerge-repo's compaction rule: once the incremental chunks together are as large
/// as the snapshot, write one new snapshot and delete what it replaces.
pub fn should_compact(snapshot_bytes: usize, incremental_bytes: usize) -> bool {
    incremental_bytes >= snapshot_bytes
}

/// A whole document as one snapshot chunk, without the changes it holds but could not
/// apply for want of their dependencies. Automerge keeps those in its save by default;
/// they were never applied, so never judged by the server's gate, and once a later change
/// claims the same actor and sequence number the chunk no longer loads.
pub fn snapshot_bytes(doc: &mut automerge::AutoCommit) -> Vec<u8> {
    doc.save_with_options(automerge::SaveOptions {
        retain_orphans: false,
        ..automerge::SaveOptions::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_parts() {
        let key = StorageKey::incremental(DocumentId::from_bytes([1; 16]), b"chunk");
        assert_eq!(StorageKey::from_parts(&key.to_parts()), Some(key));
        assert_eq!(StorageKey::from_parts(&["x", "snapshot", "y"]), None);
    }

    #[test]
    fn hashes_match_automerge_repo() {
        // sha256("") and sha256("abc"), the standard test vectors.
        assert_eq!(
            hash_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(heads_hash(&[]), hash_hex(b""));
    }
}
