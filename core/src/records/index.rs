//! The area index (片区索引): one document per area mapping each record's document ID to
//! its kind and key facts, so a phone knows what to fetch and can list records without
//! opening them. Entries are only ever added or updated field by field, so indexes
//! written on many phones offline merge without losing an entry. Index facts are hints
//! for listing; the record itself is the truth.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json::{self, from_value, to_value};
use super::{RecordError, expect_kind};
use crate::ids::DocumentId;

pub const KIND: &str = "area-index";

/// Key facts about one record, enough to list it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub kind: String,
    /// Unit code for units and unit-bound records.
    #[serde(default)]
    pub code: Option<String>,
    /// Unit status (units) or lifecycle status (records with one).
    #[serde(default)]
    pub status: Option<String>,
    /// The unit document a record is about.
    #[serde(default)]
    pub unit: Option<String>,
    /// The month a monthly record counts for.
    #[serde(default)]
    pub month: Option<String>,
    /// The local date of a daily record, or the registration date of a ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// A ticket's category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// An area index, read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AreaIndex {
    pub area_id: String,
    pub name: String,
    /// The project the area belongs to, when known.
    pub project_id: Option<String>,
    pub entries: BTreeMap<DocumentId, Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    area_id: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
}

impl AreaIndex {
    /// A new, empty index document for an area.
    pub fn new_doc(
        area_id: &str,
        name: &str,
        project_id: Option<&str>,
    ) -> Result<AutoCommit, RecordError> {
        let mut doc = AutoCommit::new();
        let header = Header {
            area_id: area_id.into(),
            name: name.into(),
            project_id: project_id.map(str::to_owned),
        };
        if let Value::Object(fields) = to_value(&header)? {
            for (key, value) in &fields {
                json::put(&mut doc, &ROOT, key, value)?;
            }
        }
        doc.put(ROOT, "kind", KIND)?;
        doc.put_object(ROOT, "entries", ObjType::Map)?;
        Ok(doc)
    }

    /// Adds or updates one entry, leaving every other entry alone.
    pub fn put_entry(
        doc: &mut AutoCommit,
        id: DocumentId,
        entry: &Entry,
    ) -> Result<(), RecordError> {
        expect_kind(doc, KIND)?;
        let entries = match doc.get(ROOT, "entries")? {
            Some((automerge::Value::Object(ObjType::Map), obj)) => obj,
            _ => doc.put_object(ROOT, "entries", ObjType::Map)?,
        };
        json::put(doc, &entries, &id.to_string(), &to_value(entry)?)
    }

    /// Whether the index lists `id`: one lookup, not a read of every entry (an area holds
    /// thousands, and this is asked on every save).
    pub fn lists(doc: &AutoCommit, id: DocumentId) -> bool {
        match doc.get(ROOT, "entries") {
            Ok(Some((automerge::Value::Object(ObjType::Map), entries))) => {
                matches!(doc.get(&entries, id.to_string()), Ok(Some(_)))
            }
            _ => false,
        }
    }

    /// The area the index is of, read without its entries.
    pub fn area_of(doc: &AutoCommit) -> Result<String, RecordError> {
        expect_kind(doc, KIND)?;
        json::read_prop(doc, "areaId")
            .and_then(|v| v.as_str().map(str::to_owned))
            .ok_or_else(|| RecordError::Malformed {
                what: "area index",
                reason: "it names no area (`areaId`)".into(),
            })
    }

    pub fn from_doc(doc: &AutoCommit) -> Result<Self, RecordError> {
        expect_kind(doc, KIND)?;
        let mut root = json::read_root(doc);
        let raw = root
            .as_object_mut()
            .and_then(|m| m.remove("entries"))
            .unwrap_or(Value::Null);
        let header: Header = from_value(root, "area index")?;
        // An entry that is not a document ID or does not read is skipped, not fatal.
        let entries = match raw {
            Value::Object(map) => map
                .into_iter()
                .filter_map(|(k, v)| Some((k.parse().ok()?, serde_json::from_value(v).ok()?)))
                .collect(),
            _ => BTreeMap::new(),
        };
        Ok(Self {
            area_id: header.area_id,
            name: header.name,
            project_id: header.project_id,
            entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_added_on_two_replicas_both_survive_the_merge() {
        let mut a = AreaIndex::new_doc("A1", "一区", Some("P1")).expect("index");
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
        assert_eq!(
            (index.name.as_str(), index.project_id.as_deref()),
            ("一区", Some("P1"))
        );
    }

    #[test]
    fn an_entry_and_the_area_are_read_without_reading_every_entry() {
        let mut doc = AreaIndex::new_doc("A1", "一区", None).expect("index");
        let listed = DocumentId::from_bytes([4; 16]);
        AreaIndex::put_entry(&mut doc, listed, &Entry::default()).expect("put");
        assert!(AreaIndex::lists(&doc, listed));
        assert!(!AreaIndex::lists(&doc, DocumentId::from_bytes([5; 16])));
        assert_eq!(AreaIndex::area_of(&doc).expect("area"), "A1");
    }

    #[test]
    fn an_unchanged_entry_writes_nothing() {
        let mut doc = AreaIndex::new_doc("A1", "一区", None).expect("index");
        let id = DocumentId::from_bytes([3; 16]);
        let entry = Entry {
            kind: "unit".into(),
            status: Some("occupied".into()),
            ..Entry::default()
        };
        AreaIndex::put_entry(&mut doc, id, &entry).expect("put");
        doc.commit();
        let heads = doc.get_heads();
        AreaIndex::put_entry(&mut doc, id, &entry).expect("put again");
        doc.commit();
        assert_eq!(doc.get_heads(), heads, "no new change");
    }
}
