//! The area index (片区索引): one document per area mapping each record's document ID to
//! its kind and key facts, so a phone knows what to fetch and can list records without
//! opening them. Entries are only ever added or updated field by field, so indexes
//! written on many phones offline merge without losing an entry. Index facts are hints
//! for listing; the record itself is the truth.

use std::collections::BTreeMap;

use automerge::{
    AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValueRef, ValueRef, transaction::Transactable,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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

    /// Reads the index. An area lists thousands of records and a phone reads its index
    /// whenever it changes, so each entry is read field by field straight from the
    /// document rather than through a JSON value. An entry that is not keyed by a document
    /// ID, or whose fields are not text, is skipped, not fatal.
    pub fn from_doc(doc: &AutoCommit) -> Result<Self, RecordError> {
        expect_kind(doc, KIND)?;
        let mut root = Map::new();
        for key in ["areaId", "name", "projectId"] {
            if let Some(value) = json::read_prop(doc, key) {
                root.insert(key.to_owned(), value);
            }
        }
        let header: Header = from_value(Value::Object(root), "area index")?;
        let entries = match doc.get(ROOT, "entries")? {
            Some((automerge::Value::Object(ObjType::Map), obj)) => doc
                .map_range(&obj, ..)
                .filter_map(|item| {
                    let ValueRef::Object(ObjType::Map) = item.value else {
                        return None;
                    };
                    Some((item.key.parse().ok()?, read_entry(doc, &item.id())?))
                })
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

/// One entry's fields; `None` when one it knows is not text (or null, for the optional
/// ones), or it has no kind. Fields it does not know are left alone.
fn read_entry(doc: &AutoCommit, obj: &ObjId) -> Option<Entry> {
    let mut kind = None;
    let mut entry = Entry::default();
    for field in doc.map_range(obj, ..) {
        let slot = match field.key.as_ref() {
            "kind" => &mut kind,
            "code" => &mut entry.code,
            "status" => &mut entry.status,
            "unit" => &mut entry.unit,
            "month" => &mut entry.month,
            "date" => &mut entry.date,
            "category" => &mut entry.category,
            _ => continue,
        };
        *slot = match field.value {
            ValueRef::Scalar(ScalarValueRef::Str(text)) => Some(text.into_owned()),
            ValueRef::Scalar(ScalarValueRef::Null) => None,
            ValueRef::Object(ObjType::Text) => Some(doc.text(field.id()).ok()?),
            _ => return None,
        };
    }
    entry.kind = kind?;
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A unit's entry, as a phone lists it.
    fn unit_entry() -> Entry {
        Entry {
            kind: "unit".into(),
            code: Some("1-1-0101".into()),
            ..Entry::default()
        }
    }

    #[test]
    fn entries_added_on_two_replicas_both_survive_the_merge() {
        let mut a = AreaIndex::new_doc("A1", "一区", Some("P1")).expect("index");
        let mut b = a.fork();
        let x = DocumentId::from_bytes([1; 16]);
        let y = DocumentId::from_bytes([2; 16]);
        let unit = unit_entry();
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

    /// Entries are written by phones, any of which may be modified: one that does not
    /// read is skipped, and the rest of the index still reads.
    #[test]
    fn entries_that_do_not_read_are_skipped_and_the_rest_read() {
        let mut doc = AreaIndex::new_doc("A1", "一区", None).expect("index");
        let good = DocumentId::from_bytes([6; 16]);
        let text_kind = DocumentId::from_bytes([7; 16]);
        let entry = unit_entry();
        AreaIndex::put_entry(&mut doc, good, &entry).expect("put");
        let entries = match doc.get(ROOT, "entries").expect("read") {
            Some((_, obj)) => obj,
            None => panic!("no entries"),
        };
        let mut entry_map = |id: DocumentId| {
            doc.put_object(&entries, id.to_string(), ObjType::Map)
                .expect("put")
        };
        let odd = entry_map(text_kind);
        let bad = entry_map(DocumentId::from_bytes([8; 16]));
        let no_kind = entry_map(DocumentId::from_bytes([9; 16]));
        let kind = doc.put_object(&odd, "kind", ObjType::Text).expect("put");
        doc.splice_text(&kind, 0, 0, "ticket").expect("splice");
        doc.put(&odd, "someday", 3).expect("an unknown field");
        doc.put(&bad, "kind", "unit").expect("put");
        doc.put(&bad, "status", 5)
            .expect("a status that is not text");
        doc.put(&no_kind, "code", "1-1-0102").expect("put");
        doc.put(&entries, "not-an-id", "x").expect("put");
        doc.put_object(&entries, "also-not-an-id", ObjType::Map)
            .expect("put");

        let index = AreaIndex::from_doc(&doc).expect("read");
        assert_eq!(index.entries.len(), 2, "{:?}", index.entries);
        assert_eq!(index.entries[&good], entry);
        assert_eq!(index.entries[&text_kind].kind, "ticket");
        assert_eq!(index.area_id, "A1");
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
