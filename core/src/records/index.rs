//! The area index (片区索引): one document per area mapping each record's document ID to
//! its kind and key facts, so a phone knows what to fetch and can list records without
//! opening them. Entries are only ever added or updated key by key, so indexes written
//! on many phones offline merge without losing an entry.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
use autosurgeon::{Hydrate, Reconcile};
use serde::Serialize;

use super::text::Str;
use super::{RecordError, expect_kind};
use crate::ids::DocumentId;

pub const KIND: &str = "area-index";

/// Key facts about one record, enough to list it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Reconcile, Hydrate, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub kind: Str,
    /// Unit code for units and unit-bound records.
    #[autosurgeon(rename = "code")]
    pub code: Option<Str>,
    /// Unit status (units) — lets the phone list vacant units without opening them.
    pub status: Option<Str>,
    /// The unit document a record is about.
    pub unit: Option<Str>,
    /// The month a monthly record counts for.
    pub month: Option<Str>,
}

/// An area index, read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AreaIndex {
    pub area_id: String,
    pub name: String,
    pub entries: BTreeMap<DocumentId, Entry>,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
struct Header {
    kind: Str,
    #[autosurgeon(rename = "areaId")]
    area_id: Str,
    name: Str,
}

impl AreaIndex {
    /// A new, empty index document for an area.
    pub fn new_doc(area_id: &str, name: &str) -> Result<AutoCommit, RecordError> {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(
            &mut doc,
            Header {
                kind: KIND.into(),
                area_id: area_id.into(),
                name: name.into(),
            },
        )?;
        doc.put_object(ROOT, "entries", ObjType::Map)
            .map_err(autosurgeon::ReconcileError::from)?;
        Ok(doc)
    }

    /// Adds or updates one entry, leaving every other entry alone.
    pub fn put_entry(
        doc: &mut AutoCommit,
        id: DocumentId,
        entry: &Entry,
    ) -> Result<(), RecordError> {
        expect_kind(doc, KIND)?;
        let entries = match doc.get(ROOT, "entries") {
            Ok(Some((_, obj))) => obj,
            _ => doc
                .put_object(ROOT, "entries", ObjType::Map)
                .map_err(autosurgeon::ReconcileError::from)?,
        };
        autosurgeon::reconcile_prop(doc, &entries, id.to_string().as_str(), entry)?;
        Ok(())
    }

    pub fn from_doc(doc: &AutoCommit) -> Result<Self, RecordError> {
        expect_kind(doc, KIND)?;
        let header: Header = autosurgeon::hydrate(doc)?;
        let raw: BTreeMap<String, Entry> = match doc.get(ROOT, "entries") {
            Ok(Some((_, _))) => autosurgeon::hydrate_prop(doc, ROOT, "entries")?,
            _ => BTreeMap::new(),
        };
        // An entry under a key that is not a document ID is skipped, not fatal.
        let entries = raw
            .into_iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
            .collect();
        Ok(Self {
            area_id: header.area_id.into(),
            name: header.name.into(),
            entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_added_on_two_replicas_both_survive_the_merge() {
        let mut a = AreaIndex::new_doc("A1", "一区").expect("index");
        let mut b = a.fork();
        let x = DocumentId::from_bytes([1; 16]);
        let y = DocumentId::from_bytes([2; 16]);
        let unit = Entry {
            kind: "unit".into(),
            code: Some("1-1-0101".into()),
            ..Entry::default()
        };
        AreaIndex::put_entry(&mut a, x, &unit).expect("put");
        AreaIndex::put_entry(&mut b, y, &unit).expect("put");
        a.merge(&mut b).expect("merge");
        let index = AreaIndex::from_doc(&a).expect("read");
        assert_eq!(
            index.entries.keys().copied().collect::<Vec<_>>(),
            vec![x, y]
        );
        assert_eq!(index.name, "一区");
    }
}
