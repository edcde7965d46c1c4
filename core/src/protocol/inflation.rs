//! How large a peer's compressed data grows, measured before anything holds it.
//!
//! Automerge inflates DEFLATE-compressed parts of the data it is given in full: a whole
//! compressed change, or the compressed columns of a document or bundle chunk. A 65 KB
//! message can inflate to 64 MiB, a 1 MiB one to 1 GiB. [`check`] walks the chunks of a
//! sync message the way Automerge lays them out, inflates each compressed part into
//! nothing, and stops as soon as the total passes the cap, so a host can refuse the
//! message before handing it to Automerge. Bundle chunks, which no sync peer sends, are
//! refused outright.

use std::io::Read;

/// Chunk types of Automerge's storage format.
const DOCUMENT: u8 = 0;
const COMPRESSED_CHANGE: u8 = 2;
const BUNDLE: u8 = 3;
/// The bit of a column's specification that says its data is DEFLATE-compressed.
const DEFLATE_COLUMN: u64 = 0b1000;
const HASH_BYTES: usize = 32;

/// Why a peer's data is refused before it is inflated.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InflationError {
    #[error("compressed data inflates past the server's limit of {0} bytes")]
    TooLarge(usize),
    #[error("malformed chunk in a sync message: {0}")]
    Malformed(&'static str),
}

/// Checks that the compressed parts of one sync message (the `data` of a `sync` or
/// `request`) inflate to at most `cap` bytes in all. Data that is not a sync message is
/// let through: decoding it fails later with its own error.
pub fn check(data: &[u8], cap: usize) -> Result<(), InflationError> {
    let Ok(message) = automerge::sync::Message::decode(data) else {
        return Ok(());
    };
    let mut budget = cap;
    for entry in message.changes.iter() {
        let mut rest = Reader(entry);
        while !rest.0.is_empty() {
            chunk(&mut rest, &mut budget, cap)?;
        }
    }
    Ok(())
}

/// One chunk: its header, then whatever in its body is compressed.
fn chunk(input: &mut Reader<'_>, budget: &mut usize, cap: usize) -> Result<(), InflationError> {
    input.take(4 + 4)?; // magic bytes and checksum
    let kind = input.take(1)?[0];
    let len = input.length()?;
    let mut body = Reader(input.take(len)?);
    match kind {
        COMPRESSED_CHANGE => inflate(body.0, budget, cap),
        DOCUMENT => {
            body.skip_list(|r| r.skip_prefixed())?; // actors
            body.skip_list(|r| r.take(HASH_BYTES).map(drop))?; // heads
            columns(&mut body, budget, cap)
        }
        // Automerge's sync never sends bundles (an experimental format); a malformed one
        // makes its parser panic or run for minutes on a few bytes (found by fuzzing).
        BUNDLE => Err(InflationError::Malformed("bundle chunks are not accepted")),
        _ => Ok(()),
    }
}

/// A document's change and operation column metadata, then their data.
fn columns(body: &mut Reader<'_>, budget: &mut usize, cap: usize) -> Result<(), InflationError> {
    let change_columns = body.column_specs()?;
    let op_columns = body.column_specs()?;
    inflate_columns(body, &change_columns, budget, cap)?;
    inflate_columns(body, &op_columns, budget, cap)
}

fn inflate_columns(
    body: &mut Reader<'_>,
    specs: &[(u64, usize)],
    budget: &mut usize,
    cap: usize,
) -> Result<(), InflationError> {
    for (spec, len) in specs {
        let data = body.take(*len)?;
        if spec & DEFLATE_COLUMN != 0 {
            inflate(data, budget, cap)?;
        }
    }
    Ok(())
}

/// Inflates `data` into nothing, taking what it grows to from `budget`.
fn inflate(data: &[u8], budget: &mut usize, cap: usize) -> Result<(), InflationError> {
    let limit = (*budget as u64).saturating_add(1);
    let mut decoder = flate2::read::DeflateDecoder::new(data).take(limit);
    let grown = std::io::copy(&mut decoder, &mut std::io::sink())
        .map_err(|_| InflationError::Malformed("compressed data does not inflate"))?;
    if grown >= limit {
        return Err(InflationError::TooLarge(cap));
    }
    *budget -= grown as usize;
    Ok(())
}

/// The bytes not read yet.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], InflationError> {
        if n > self.0.len() {
            return Err(InflationError::Malformed("it ends early"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn uleb(&mut self) -> Result<u64, InflationError> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(InflationError::Malformed("a number is too long"))
    }

    fn length(&mut self) -> Result<usize, InflationError> {
        usize::try_from(self.uleb()?)
            .map_err(|_| InflationError::Malformed("a length is too large"))
    }

    fn skip_prefixed(&mut self) -> Result<(), InflationError> {
        let len = self.length()?;
        self.take(len).map(drop)
    }

    fn skip_list(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<(), InflationError>,
    ) -> Result<(), InflationError> {
        for _ in 0..self.uleb()? {
            item(self)?;
        }
        Ok(())
    }

    /// A column metadata list: each column's specification and data length.
    fn column_specs(&mut self) -> Result<Vec<(u64, usize)>, InflationError> {
        let count = self.uleb()?;
        let mut specs = Vec::new();
        for _ in 0..count {
            let spec = self.uleb()?;
            specs.push((spec, self.length()?));
        }
        Ok(specs)
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};
    use flate2::Compression;
    use flate2::write::DeflateEncoder;
    use std::io::Write;

    use super::*;

    /// A sync message carrying `chunks`.
    fn message(chunks: Vec<Vec<u8>>) -> Vec<u8> {
        automerge::sync::Message {
            heads: Vec::new(),
            need: Vec::new(),
            have: Vec::new(),
            changes: chunks.into(),
            flags: None,
            version: automerge::sync::MessageVersion::V1,
        }
        .encode()
    }

    /// A compressed-change chunk whose body inflates to `size` zero bytes (its checksum
    /// is wrong, which Automerge would only find after inflating).
    fn bomb(size: usize) -> Vec<u8> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..size / zeros.len() {
            encoder.write_all(&zeros).expect("deflate");
        }
        let body = encoder.finish().expect("deflate");
        let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, COMPRESSED_CHANGE];
        let mut len = body.len();
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            chunk.push(if len == 0 { byte } else { byte | 0x80 });
            if len == 0 {
                break;
            }
        }
        chunk.extend(body);
        chunk
    }

    fn large_document() -> AutoCommit {
        let mut doc = AutoCommit::new();
        for n in 0..2_000 {
            doc.put(ROOT, format!("field-{n}"), "同样的内容 ".repeat(20))
                .expect("put");
        }
        doc.commit();
        doc
    }

    #[test]
    fn honest_data_passes_and_bombs_are_stopped_at_the_cap() {
        const CAP: usize = 16 << 20;
        let mut doc = large_document();
        let whole = doc.save();
        let mut change = doc.get_last_local_change().expect("change");
        let compressed = change.bytes().to_vec();
        assert_ne!(
            compressed,
            change.raw_bytes(),
            "the change travels compressed"
        );
        assert_eq!(check(&message(vec![whole.clone()]), CAP), Ok(()));
        assert_eq!(check(&message(vec![compressed]), CAP), Ok(()));

        let small = message(vec![bomb(64 << 20)]);
        assert!(small.len() < 100_000, "{} bytes on the wire", small.len());
        assert_eq!(check(&small, CAP), Err(InflationError::TooLarge(CAP)));
        // Many parts each under the cap add up.
        let parts = message(vec![bomb(8 << 20), bomb(8 << 20), bomb(8 << 20)]);
        assert_eq!(check(&parts, CAP), Err(InflationError::TooLarge(CAP)));
        // The whole document fits a generous cap and not a tiny one.
        assert_eq!(
            check(&message(vec![whole]), 1_000),
            Err(InflationError::TooLarge(1_000))
        );
    }

    #[test]
    fn truncated_chunks_are_malformed_not_a_panic() {
        let whole = large_document().save();
        for cut in [5, 9, 12, whole.len() / 2] {
            let answer = check(&message(vec![whole[..cut].to_vec()]), 1 << 20);
            assert!(
                matches!(answer, Err(InflationError::Malformed(_))),
                "cut at {cut}: {answer:?}"
            );
        }
    }

    /// A bundle chunk that made Automerge's parser run for minutes (found by fuzzing):
    /// no sync peer sends bundles, so it is refused before Automerge sees it.
    #[test]
    fn bundle_chunks_are_refused() {
        let bundle = include_bytes!("../../../fuzz/regressions/record_parse/slow-bundle");
        assert_eq!(
            check(&message(vec![bundle.to_vec()]), 1 << 20),
            Err(InflationError::Malformed("bundle chunks are not accepted"))
        );
    }
}
