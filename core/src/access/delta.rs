//! What a batch of changes did to one document, read from the Automerge operations
//! themselves rather than from the document's content before and after.
//!
//! Content comparisons miss what merging hides: an event whose ID repeats an older one
//! (readers keep the first), a journal list replaced by an equal copy (later appends to
//! the old list vanish), a value written concurrently with an older one so that it wins
//! the conflict. So every operation of every new change is placed: one inside an object
//! the same batch made is free; otherwise only these may pass —
//! - an insertion of a new map (an event) into a journal list that existed before;
//! - a new key in an area index's `entries` (a new entry, a map);
//! - a scalar field, other than `kind`, set in an existing index entry (its status and
//!   other listing hints follow the record).
//!
//! Anything else on an existing document (a root field, a deletion, an overwrite, a
//! counter, a mark) breaks the rule that records only grow, whoever sends it.

use std::collections::{HashMap, HashSet};

use automerge::legacy::{self, ObjectId, OpType};
use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc};
use serde_json::Value;

use super::{ENTRIES, EVENTS, Owner};
use crate::records::json;

/// An object's identity independent of one document's actor table: its creating
/// operation's counter and actor.
type ObjKey = (u64, automerge::ActorId);

/// One event the changes added to a journal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddedEvent {
    pub id: String,
    /// The event's `type`.
    pub kind: String,
    /// The user it says acted.
    pub by: String,
    /// The device it says it was written on, if it names one.
    pub device: Option<String>,
}

/// One area-index entry the changes added or updated.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryEdit {
    /// The record's document ID, as the entry's key.
    pub key: String,
    /// The entry's record kind.
    pub kind: String,
    /// A new entry, rather than fields of an existing one.
    pub added: bool,
}

/// What a batch of changes did to one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Delta {
    /// The document had no content before.
    pub created: bool,
    pub kind: Option<String>,
    /// The owner after the changes (for an existing document the same as before: its
    /// root never changes).
    pub owner: Option<Owner>,
    /// The first thing the changes did that only adding may do, in plain words.
    pub broken: Option<String>,
    pub added: Vec<AddedEvent>,
    pub entries: Vec<EntryEdit>,
    /// The new changes: hash and actor (hex).
    pub changes: Vec<(ChangeHash, String)>,
}

impl Delta {
    /// Reads what the changes since `before` did to `doc`.
    pub fn between(doc: &mut AutoCommit, before: &[ChangeHash]) -> Delta {
        let new_changes = doc.get_changes(before);
        let changes = new_changes
            .iter()
            .map(|c| (c.hash(), c.actor_id().to_hex_string()))
            .collect();
        // Only the fields that say what the document is: an index holds thousands of
        // entries, and reading them all would cost every batch tens of milliseconds.
        let mut delta = Delta {
            created: before.is_empty(),
            kind: json::read_prop(doc, "kind").and_then(|k| k.as_str().map(str::to_owned)),
            owner: Owner::of_doc(doc),
            changes,
            ..Delta::default()
        };
        let mut walk = Walk::new(doc, before);
        if delta.created {
            delta.added = all_events(doc).into_iter().map(|e| summary(&e)).collect();
        } else {
            for change in &new_changes {
                let expanded = change.decode();
                for (n, op) in expanded.operations.iter().enumerate() {
                    let id = (
                        expanded.start_op.get() + n as u64,
                        expanded.actor_id.clone(),
                    );
                    if let Err(why) = walk.place(op, id) {
                        delta.broken.get_or_insert(why);
                    }
                }
            }
            delta.added = walk
                .events
                .iter()
                .map(|key| summary(&read_at(doc, key)))
                .collect();
            delta.entries = walk.entries_read();
        }
        if delta.broken.is_none() {
            delta.broken = repeated_id(doc, &delta.added);
        }
        delta
    }
}

/// The state of placing one batch's operations.
struct Walk<'a> {
    doc: &'a AutoCommit,
    before: &'a [ChangeHash],
    /// Objects made by this batch that may stay.
    made: HashSet<ObjKey>,
    /// Every object this batch made, refused or not: none of them existed before.
    created: HashSet<ObjKey>,
    /// The journal lists and index entry maps as they were before.
    journals: HashSet<ObjKey>,
    entry_maps: HashSet<ObjKey>,
    /// Events inserted into a journal, in order.
    events: Vec<ObjKey>,
    entries: Vec<EntryEdit>,
    /// Existing objects already placed: an index entry's key and kind, or none.
    placed: HashMap<ObjKey, Option<(String, String)>>,
}

impl<'a> Walk<'a> {
    fn new(doc: &'a AutoCommit, before: &'a [ChangeHash]) -> Self {
        let lists = |key: &str, ty: ObjType| -> HashSet<ObjKey> {
            doc.get_all_at(ROOT, key, before)
                .unwrap_or_default()
                .into_iter()
                .filter(|(value, _)| *value == automerge::Value::Object(ty))
                .filter_map(|(_, obj)| key_of(&obj))
                .collect()
        };
        Walk {
            doc,
            before,
            made: HashSet::new(),
            created: HashSet::new(),
            journals: lists(EVENTS, ObjType::List),
            entry_maps: lists(ENTRIES, ObjType::Map),
            events: Vec::new(),
            entries: Vec::new(),
            placed: HashMap::new(),
        }
    }

    /// Whether one operation (with ID `id`) is one that may pass; why not if not.
    fn place(&mut self, op: &legacy::Op, id: ObjKey) -> Result<(), String> {
        let makes = matches!(op.action, OpType::Make(_));
        let target = match &op.obj {
            ObjectId::Root => None,
            ObjectId::Id(legacy::OpId(counter, actor)) => Some((*counter, actor.clone())),
        };
        let result = match &target {
            None => Err(root_rule(op)),
            Some(obj) if self.made.contains(obj) => Ok(()),
            Some(obj) if self.journals.contains(obj) => {
                if !op.insert || !op.pred.is_empty() {
                    Err(self.rewritten(op))
                } else if op.action != OpType::Make(ObjType::Map) {
                    Err("a journal event must be a map".to_owned())
                } else {
                    self.events.push(id.clone());
                    Ok(())
                }
            }
            Some(obj) if self.entry_maps.contains(obj) => self.new_entry(obj, op),
            Some(obj) => self.entry_field(obj, op),
        };
        if makes {
            self.created.insert(id.clone());
            if result.is_ok() {
                self.made.insert(id);
            }
        }
        result
    }

    /// An operation on an index's `entries`: only a new key holding a new map.
    fn new_entry(&mut self, entries: &ObjKey, op: &legacy::Op) -> Result<(), String> {
        let legacy::Key::Map(key) = &op.key else {
            return Err("an index's entries are a map".to_owned());
        };
        let existed = self
            .object(entries)
            .and_then(|obj| self.doc.get_all_at(&obj, key.as_str(), self.before).ok())
            .is_some_and(|values| !values.is_empty());
        if existed || !op.pred.is_empty() || op.action == OpType::Delete {
            return Err(format!(
                "index entries are never removed or replaced (entry {key})"
            ));
        }
        if op.action != OpType::Make(ObjType::Map) {
            return Err(format!("an index entry must be a map (entry {key})"));
        }
        self.entries.push(EntryEdit {
            key: key.to_string(),
            kind: String::new(),
            added: true,
        });
        Ok(())
    }

    /// An operation on an object that existed before: only a scalar field of an index
    /// entry other than its kind.
    fn entry_field(&mut self, obj: &ObjKey, op: &legacy::Op) -> Result<(), String> {
        let entry = match self.placed.get(obj) {
            Some(known) => known.clone(),
            None => {
                let found = self.entry_of(obj);
                self.placed.insert(obj.clone(), found.clone());
                found
            }
        };
        let Some((key, kind)) = entry else {
            return Err(self.describe(obj));
        };
        let field = match &op.key {
            legacy::Key::Map(field) => field.as_str(),
            legacy::Key::Seq(_) => "",
        };
        if field == "kind" || field.is_empty() || !matches!(op.action, OpType::Put(_)) {
            return Err(format!(
                "an index entry's fields are only set, and its kind never changes (entry {key})"
            ));
        }
        if !self
            .entries
            .iter()
            .any(|e| e.key == key.as_str() && !e.added)
        {
            self.entries.push(EntryEdit {
                key,
                kind,
                added: false,
            });
        }
        Ok(())
    }

    /// The key and kind of an existing index entry, if `obj` is one: a map whose parent
    /// is an index's entries and that was there before this batch.
    fn entry_of(&self, obj: &ObjKey) -> Option<(String, String)> {
        if self.created.contains(obj) {
            return None;
        }
        let exid = self.object(obj)?;
        // Only a real object is asked for its parent (Automerge expects one).
        if self.doc.object_type(&exid).ok()? != ObjType::Map {
            return None;
        }
        // Where it sat before this batch, which is what the rule asks (it existed then: the
        // batch did not make it). At the batch's own heads it may be deleted, and asking
        // there trips Automerge's own list-seek check.
        let parent = self.doc.parents_at(&exid, self.before).ok()?.next()?;
        let (Some(owner), automerge::Prop::Map(key)) = (key_of(&parent.obj), parent.prop) else {
            return None;
        };
        let existed = self.entry_maps.contains(&owner)
            && self
                .doc
                .get_all_at(&parent.obj, key.as_str(), self.before)
                .ok()?
                .iter()
                .any(|(_, at)| *at == exid);
        if !existed {
            return None;
        }
        let kind = json::read_object_at(self.doc, &exid)
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Some((key, kind))
    }

    /// The refusal of an operation that changes or removes an element of a journal.
    fn rewritten(&self, op: &legacy::Op) -> String {
        let event = match &op.key {
            legacy::Key::Seq(legacy::ElementId::Id(legacy::OpId(counter, actor))) => {
                self.event_id(&(*counter, actor.clone()))
            }
            _ => None,
        };
        match event {
            Some(id) => format!("journal events are never changed or removed (event {id})"),
            None => "journal events are never changed or removed".to_owned(),
        }
    }

    /// The ID of the journal event `obj`, if it is one that existed before.
    fn event_id(&self, obj: &ObjKey) -> Option<String> {
        let journals = self.journals.iter().filter_map(|k| self.object(k));
        journals
            .flat_map(|list| {
                self.doc
                    .list_range_at(&list, .., self.before)
                    .map(|item| item.id())
                    .collect::<Vec<_>>()
            })
            .find(|event| key_of(event).as_ref() == Some(obj))
            .map(|event| match self.doc.get_at(&event, "id", self.before) {
                Ok(Some((automerge::Value::Scalar(s), _))) => {
                    s.as_str().unwrap_or_default().to_owned()
                }
                Ok(Some((automerge::Value::Object(_), text))) => {
                    self.doc.text_at(&text, self.before).unwrap_or_default()
                }
                _ => String::new(),
            })
    }

    /// Why an operation on an existing object other than the journal or index is refused.
    fn describe(&self, obj: &ObjKey) -> String {
        match self.event_id(obj) {
            Some(id) => format!("journal events are never changed or removed (event {id})"),
            None => "a record's header and past events never change".to_owned(),
        }
    }

    /// The entries edited, each new one with the kind it was given.
    fn entries_read(mut self) -> Vec<EntryEdit> {
        let maps: Vec<ObjId> = self
            .entry_maps
            .iter()
            .filter_map(|k| self.object(k))
            .collect();
        for edit in self.entries.iter_mut().filter(|e| e.added) {
            let value = maps
                .iter()
                .find_map(|map| match self.doc.get(map, edit.key.as_str()) {
                    Ok(Some((automerge::Value::Object(_), obj))) => {
                        Some(json::read_object_at(self.doc, &obj))
                    }
                    _ => None,
                })
                .unwrap_or(Value::Null);
            edit.kind = value
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
        }
        self.entries
    }

    fn object(&self, key: &ObjKey) -> Option<ObjId> {
        object_in(self.doc, key)
    }
}

/// Why an operation on the root of an existing document is refused.
fn root_rule(op: &legacy::Op) -> String {
    match &op.key {
        legacy::Key::Map(key) if key.as_str() == EVENTS => {
            "the journal is never replaced or removed".to_owned()
        }
        legacy::Key::Map(key) if key.as_str() == ENTRIES => {
            "an index's entries are never replaced or removed".to_owned()
        }
        _ => "a record's header is fixed once it is made".to_owned(),
    }
}

fn key_of(obj: &ObjId) -> Option<ObjKey> {
    match obj {
        ObjId::Root => None,
        ObjId::Id(counter, actor, _) => Some((*counter, actor.clone())),
    }
}

/// The object `key` names in `doc`, if it names one.
fn object_in(doc: &AutoCommit, key: &ObjKey) -> Option<ObjId> {
    doc.import_obj(&format!("{}@{}", key.0, key.1.to_hex_string()))
        .ok()
}

fn read_at(doc: &AutoCommit, key: &ObjKey) -> Value {
    object_in(doc, key).map_or(Value::Null, |obj| json::read_object_at(doc, &obj))
}

/// Every event of every journal list, duplicates included (readers keep the first of an
/// ID; the gate must see them all). A scalar where an event belongs reads as null.
fn all_events(doc: &AutoCommit) -> Vec<Value> {
    let lists = doc.get_all(ROOT, EVENTS).unwrap_or_default();
    lists
        .into_iter()
        .filter(|(value, _)| *value == automerge::Value::Object(ObjType::List))
        .flat_map(|(_, list)| {
            doc.list_range(&list, ..)
                .map(|item| {
                    let id = item.id();
                    match item.value.into() {
                        automerge::Value::Object(_) => json::read_object_at(doc, &id),
                        automerge::Value::Scalar(_) => Value::Null,
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Why the added events are not uniquely identified, if they are not: an event without
/// an ID, or one whose ID the journal already holds (readers would keep only the first).
fn repeated_id(doc: &AutoCommit, added: &[AddedEvent]) -> Option<String> {
    if added.iter().any(|e| e.id.is_empty()) {
        return Some("every journal event needs an `id`".to_owned());
    }
    let mut count: HashMap<String, usize> = HashMap::new();
    for event in all_events(doc) {
        if let Some(id) = event.get("id").and_then(Value::as_str) {
            *count.entry(id.to_owned()).or_default() += 1;
        }
    }
    added
        .iter()
        .find(|e| count.get(&e.id).copied().unwrap_or_default() != 1)
        .map(|e| {
            format!(
                "event ID {:?} is already in the journal; every event's ID is new",
                e.id
            )
        })
}

fn summary(event: &Value) -> AddedEvent {
    let text = |key| event.get(key).and_then(Value::as_str).map(str::to_owned);
    AddedEvent {
        id: text("id").unwrap_or_default(),
        kind: text("type").unwrap_or_default(),
        by: text("by").unwrap_or_default(),
        device: text("device"),
    }
}
