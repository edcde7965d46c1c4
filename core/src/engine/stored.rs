//! Server role: answering a phone straight from a document's stored snapshot, without
//! loading it into Automerge. A phone that has nothing of a document is sent the
//! compacted bytes as they lie in storage; one that already has exactly what is stored is
//! told so. Either way the document stays out of memory, and the phone follows it as it
//! would a resting one (`Engine::resting`).
//!
//! Only a snapshot whose header names heads that hash to its storage key is served this
//! way, and only to peers whose messages carry nothing to apply; everything else loads the
//! document as before.

use std::collections::BTreeSet;

use automerge::ChangeHash;
use automerge::sync::{self, BloomFilter, ChunkList, Have, MessageFlags};
use sha2::{Digest, Sha256};

use crate::storage::{ChunkKind, StorageKey, heads_hash};
use crate::untrusted::untrusted;

/// The first bytes of every Automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The chunk type of a whole document.
const DOCUMENT_CHUNK: u8 = 0;

/// A document's one stored snapshot and the heads it holds.
#[derive(Debug)]
pub(super) struct Snapshot {
    pub heads: Vec<ChangeHash>,
    pub bytes: Vec<u8>,
}

impl Snapshot {
    /// The snapshot, when the chunks are exactly one whole document chunk (nothing
    /// appended, no increments beside it) with a valid checksum and heads that hash to
    /// its key. Sync states stored beside it are ignored.
    pub fn of(chunks: &[(StorageKey, Vec<u8>)]) -> Option<Self> {
        let mut data = chunks
            .iter()
            .filter(|(k, _)| k.kind != ChunkKind::SyncState);
        let (key, bytes) = data.next()?;
        if data.next().is_some() || key.kind != ChunkKind::Snapshot {
            return None;
        }
        Self::parse(bytes).filter(|s| heads_hash(&s.heads) == key.name)
    }

    /// The bytes as a snapshot, when they are exactly one whole document chunk with a
    /// valid checksum (a peer sends one to a replica that has nothing). Its heads are
    /// sorted, as Automerge's `get_heads` gives them.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let mut heads = document_heads(bytes)?;
        heads.sort_unstable();
        Some(Self {
            heads,
            bytes: bytes.to_vec(),
        })
    }
}

/// One whole-document chunk, split at its header: the checksum, the length as encoded,
/// and the body. `None` unless the bytes are exactly one such chunk.
fn document_chunk(bytes: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let rest = bytes.strip_prefix(&MAGIC)?;
    let (checksum, rest) = rest.split_at_checked(4)?;
    let (&kind, mut rest) = rest.split_first()?;
    let header_end = bytes.len() - rest.len();
    let length = usize::try_from(leb128::read::unsigned(&mut rest).ok()?).ok()?;
    let length_bytes = &bytes[header_end..bytes.len() - rest.len()];
    if kind != DOCUMENT_CHUNK || rest.len() != length {
        return None;
    }
    Some((checksum, length_bytes, rest))
}

/// Whether the bytes are exactly one whole-document chunk, by its header alone: for
/// bytes Automerge has just loaded, which checked the rest.
pub(super) fn is_whole_document(bytes: &[u8]) -> bool {
    document_chunk(bytes).is_some()
}

/// Reads the heads from a whole-document chunk's header, checking the chunk's checksum
/// and that no other chunk follows it. `None` for anything else.
fn document_heads(bytes: &[u8]) -> Option<Vec<ChangeHash>> {
    let (checksum, length_bytes, body) = document_chunk(bytes)?;
    let digest = Sha256::new()
        .chain_update([DOCUMENT_CHUNK])
        .chain_update(length_bytes)
        .chain_update(body)
        .finalize();
    if digest[..4] != *checksum {
        return None;
    }
    let mut body = body;
    let actors = leb128::read::unsigned(&mut body).ok()?;
    for _ in 0..actors {
        let len = usize::try_from(leb128::read::unsigned(&mut body).ok()?).ok()?;
        body = body.get(len..)?;
    }
    let count = usize::try_from(leb128::read::unsigned(&mut body).ok()?).ok()?;
    let (heads, _) = body.split_at_checked(count.checked_mul(32)?)?;
    heads
        .chunks_exact(32)
        .map(|h| ChangeHash::try_from(h).ok())
        .collect()
}

/// What a peer's sync message about a document not in memory asks of it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ask {
    /// They have nothing of it and take whole documents (sync message format 2).
    Everything,
    /// They have exactly `heads`, and send nothing.
    Nothing,
    /// Anything else: the document must be read.
    More,
}

/// Judges a sync message against the stored heads.
pub(super) fn ask(data: &[u8], heads: &[ChangeHash]) -> Ask {
    // A peer's bytes: whatever fails to parse, or panics Automerge, is read the usual way
    // (which refuses it).
    let Ok(message) = untrusted(|| sync::Message::decode(data)) else {
        return Ask::More;
    };
    if !message.changes.is_empty() || !message.need.is_empty() {
        return Ask::More;
    }
    let their: BTreeSet<_> = message.heads.iter().collect();
    if their.is_empty()
        && message.flags.is_some()
        && message.have.iter().all(|h| h.last_sync.is_empty())
    {
        Ask::Everything
    } else if their == heads.iter().collect() {
        Ask::Nothing
    } else {
        Ask::More
    }
}

/// Our sync message to a peer: our heads, that we hold nothing beyond them, and (for one
/// that has nothing) the whole stored document. This is what Automerge itself sends from
/// the loaded document, except that the whole document goes out as it was stored
/// rather than encoded afresh.
pub(super) fn answer(heads: &[ChangeHash], whole: Option<&[u8]>) -> Vec<u8> {
    let mut flags = MessageFlags::new();
    flags.set(MessageFlags::SUPPORTS_SYNC_RESET);
    let version = if whole.is_some() {
        sync::MessageVersion::V2
    } else {
        sync::MessageVersion::V1
    };
    sync::Message {
        heads: heads.to_vec(),
        need: Vec::new(),
        have: vec![nothing_since(heads)],
        changes: whole.map_or_else(ChunkList::empty, |bytes| bytes.to_vec().into()),
        flags: Some(flags),
        version,
    }
    .encode()
}

/// A summary saying: exactly `heads`, nothing since.
fn nothing_since(heads: &[ChangeHash]) -> Have {
    Have {
        last_sync: heads.to_vec(),
        bloom: BloomFilter::from_hashes(std::iter::empty::<ChangeHash>()),
    }
}

/// The sync state kept for a peer answered from storage: we told it our heads, and once
/// it has said it holds exactly them, that it has nothing beyond them — so the first change
/// after that goes to it in one message, as from a document that stayed in memory, rather
/// than after it asks.
pub(super) fn answered(heads: &[ChangeHash], they_have_them: bool) -> sync::State {
    let mut state = sync::State::new();
    state.last_sent_heads = heads.to_vec();
    state.have_responded = true;
    if they_have_them {
        state.shared_heads = heads.to_vec();
        state.their_heads = Some(heads.to_vec());
        state.their_need = Some(Vec::new());
        state.their_have = Some(vec![nothing_since(heads)]);
    }
    state
}

#[cfg(test)]
mod tests {
    use super::super::document::Loaded;
    use super::*;
    use crate::ids::DocumentId;
    use crate::storage::{StorageOp, snapshot_bytes};
    use automerge::sync::SyncDoc;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    fn stored(doc: &mut AutoCommit) -> Vec<(StorageKey, Vec<u8>)> {
        let id = DocumentId::from_bytes([7; 16]);
        vec![(
            StorageKey::snapshot(id, &doc.get_heads()),
            snapshot_bytes(doc),
        )]
    }

    fn two_writers() -> AutoCommit {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "kind", "unit").expect("put");
        let mut other = doc.fork();
        other.put(ROOT, "by", "other").expect("put");
        doc.put(ROOT, "by", "me").expect("put");
        doc.merge(&mut other).expect("merged");
        doc
    }

    #[test]
    fn a_snapshot_is_read_for_its_heads_and_anything_else_is_not() {
        let mut doc = two_writers();
        let chunks = stored(&mut doc);
        let snapshot = Snapshot::of(&chunks).expect("one snapshot");
        assert_eq!(snapshot.heads, doc.get_heads());
        assert_eq!(snapshot.heads.len(), 2);

        let (key, bytes) = chunks[0].clone();
        let mut flipped = bytes.clone();
        *flipped.last_mut().expect("bytes") ^= 1;
        assert!(
            Snapshot::of(&[(key.clone(), flipped)]).is_none(),
            "checksum"
        );
        let mut appended = bytes.clone();
        appended.extend(doc.save_after(&[]));
        assert!(
            Snapshot::of(&[(key.clone(), appended)]).is_none(),
            "more after it"
        );
        let other = StorageKey::snapshot(key.document, &[]);
        assert!(Snapshot::of(&[(other, bytes.clone())]).is_none(), "key");
        let increment = StorageKey::incremental(key.document, b"x");
        let both = vec![(key, bytes), (increment, b"x".to_vec())];
        assert!(Snapshot::of(&both).is_none(), "increments beside it");
    }

    #[test]
    fn a_follower_answered_from_storage_gets_the_next_change_in_one_message() {
        let mut doc = two_writers();
        let mut state = answered(&doc.get_heads(), true);
        doc.put(ROOT, "n", 1).expect("put");
        let message = doc.sync().generate_sync_message(&mut state).expect("sends");
        assert_eq!(message.changes.len(), 1, "the change, not a question");
    }

    /// Saved as it came, not encoded again: the sender's bytes here are uncompressed, and
    /// our own encoding would compress the long text.
    #[test]
    fn a_whole_document_received_into_an_empty_one_is_saved_as_it_came() {
        let mut doc = two_writers();
        doc.put(ROOT, "notes", "楼道灯不亮".repeat(200))
            .expect("put");
        let bytes = doc.save_nocompress();
        assert_ne!(bytes, snapshot_bytes(&mut doc), "our encoding differs");
        let heads = doc.get_heads();
        let id = DocumentId::from_bytes([8; 16]);

        // Read as it arrives (the server) or kept unread (a phone).
        for keep_whole in [false, true] {
            let mut phone = Loaded::empty();
            let mut state = sync::State::new();
            phone.doc_mut().sync().generate_sync_message(&mut state);
            let gained = phone
                .receive(&mut state, &answer(&heads, Some(&bytes)), keep_whole)
                .expect("applies");
            assert!(gained);
            assert_eq!(phone.unread(), keep_whole);
            let mut out = Vec::new();
            assert!(phone.persist(id, &mut out));
            // Kept unread, it is named as the server's own (`StorageKey::served`).
            let key = if keep_whole {
                StorageKey::served(id, &heads)
            } else {
                StorageKey::snapshot(id, &heads)
            };
            assert_eq!(out, vec![StorageOp::Put(key, bytes.clone())]);
            assert_eq!(phone.doc_mut().get_heads(), heads, "reads as it came");
        }

        // Once changed here, it is encoded as usual.
        let mut phone = Loaded::empty();
        let mut state = sync::State::new();
        phone.doc_mut().sync().generate_sync_message(&mut state);
        let whole = doc.save_nocompress();
        phone
            .receive(&mut state, &answer(&heads, Some(&whole)), true)
            .expect("applies");
        phone.doc_mut().put(ROOT, "n", 1).expect("put");
        let mut out = Vec::new();
        assert!(phone.persist(id, &mut out));
        let [StorageOp::Put(_, written)] = &out[..] else {
            panic!("one snapshot: {out:?}");
        };
        assert_ne!(*written, whole);
    }

    #[test]
    fn a_phone_with_nothing_gets_the_document_and_one_up_to_date_hears_our_heads() {
        let mut doc = two_writers();
        let snapshot = Snapshot::of(&stored(&mut doc)).expect("one snapshot");

        let mut phone = AutoCommit::new();
        let mut state = sync::State::new();
        let request = phone
            .sync()
            .generate_sync_message(&mut state)
            .expect("asks");
        assert_eq!(ask(&request.encode(), &snapshot.heads), Ask::Everything);
        let whole = answer(&snapshot.heads, Some(&snapshot.bytes));
        let message = sync::Message::decode(&whole).expect("decodes");
        phone
            .sync()
            .receive_sync_message(&mut state, message)
            .expect("applies");
        assert_eq!(phone.get_heads(), doc.get_heads());
        let ack = phone
            .sync()
            .generate_sync_message(&mut state)
            .expect("acks");
        assert_eq!(ask(&ack.encode(), &snapshot.heads), Ask::Nothing);

        // The phone's next change goes out in full: our answer said what we have.
        phone.put(ROOT, "note", "later").expect("put");
        let next = phone
            .sync()
            .generate_sync_message(&mut state)
            .expect("sends");
        assert_eq!(next.changes.len(), 1, "the new change is sent");
        assert_eq!(ask(&next.encode(), &snapshot.heads), Ask::More);

        let heads_only = sync::Message::decode(&answer(&snapshot.heads, None)).expect("decodes");
        assert!(heads_only.changes.is_empty());
        assert_eq!(heads_only.heads, doc.get_heads());
    }
}
