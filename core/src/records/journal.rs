//! The journal: each record's append-only list of events — who, when, what was said,
//! which photos — stored as an Automerge list, one map per event.
//!
//! Events are only ever appended, so phones that act on the same record offline keep
//! every event after merging. Each event carries a version vector: the writer's device
//! (its Automerge actor), its own sequence number, and the last sequence number it had
//! seen from every other device. Two events neither of which saw the other were made
//! at the same time on different phones, which is how a conflict between phones is
//! recognised (see `kind.rs`).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::RecordError;
use super::content::ContentHash;
use super::json::{from_value, to_value};
use super::people::StaffRole;

/// An event's identity, unique across phones: the writer's device and its sequence
/// number there (`3f9a…-4`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub String);

impl EventId {
    pub fn of(device: &str, seq: u32) -> Self {
        Self(format!("{device}-{seq}"))
    }
}

/// How many hex digits of the Automerge actor name a device (64 bits).
const DEVICE_DIGITS: usize = 16;

/// The device name of an Automerge actor.
pub fn device_of(actor: &automerge::ActorId) -> String {
    let hex = actor.to_hex_string();
    hex[..hex.len().min(DEVICE_DIGITS)].to_owned()
}

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an event does.
#[derive(Clone, Debug, PartialEq)]
pub enum Step<A> {
    /// Only a note and/or photos; allowed on any record in any state.
    Note,
    /// A person settles flagged events (a conflict between phones, a refused event).
    Resolve { events: Vec<EventId> },
    /// One of the record kind's own actions.
    Act(A),
    /// An event this version cannot read (from a newer app or a foreign tool): kept in
    /// the journal and flagged, never dropped.
    Unreadable { kind: String, reason: String },
}

/// One journal entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<A> {
    pub id: EventId,
    /// The writing device (its Automerge actor).
    pub device: String,
    /// This event's number among the device's events on this record, from 1.
    pub seq: u32,
    /// For every other device, the last of its events the writer had seen.
    pub seen: BTreeMap<String, u32>,
    /// When, by the phone's clock (ms since the epoch). The server keeps its own
    /// receive time for the audit trail.
    pub at: i64,
    /// The user who acted.
    pub by: String,
    pub role: StaffRole,
    /// What was said.
    pub note: String,
    pub photos: Vec<ContentHash>,
    pub step: Step<A>,
}

/// What a caller asks a record to do: the step plus its note and photos. The JSON form
/// is an event without its head: `{"type": "dispatch", "to": "…", "note": "…"}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Input<A> {
    pub step: Step<A>,
    pub note: String,
    pub photos: Vec<ContentHash>,
}

impl<A> Input<A> {
    pub fn act(action: A) -> Self {
        Self {
            step: Step::Act(action),
            note: String::new(),
            photos: Vec::new(),
        }
    }

    pub fn note(text: impl Into<String>) -> Self {
        Self {
            step: Step::Note,
            note: text.into(),
            photos: Vec::new(),
        }
    }

    pub fn with_note(mut self, text: impl Into<String>) -> Self {
        self.note = text.into();
        self
    }

    pub fn with_photos(mut self, photos: Vec<ContentHash>) -> Self {
        self.photos = photos;
        self
    }
}

const NOTE: &str = "note";
const RESOLVE: &str = "resolve";

/// The steps every record kind takes, with their Chinese names (see `Kind::ACTIONS`).
pub const COMMON_ACTIONS: &[(&str, &str)] = &[(NOTE, "备注"), (RESOLVE, "处理冲突")];

/// The fields every event has.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Head {
    id: EventId,
    device: String,
    seq: u32,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    seen: BTreeMap<String, u32>,
    at: i64,
    by: String,
    role: StaffRole,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    photos: Vec<ContentHash>,
}

/// The note and photos of an input.
#[derive(Deserialize, Default)]
struct Said {
    #[serde(default)]
    note: String,
    #[serde(default)]
    photos: Vec<ContentHash>,
}

#[derive(Deserialize)]
struct Resolving {
    events: Vec<EventId>,
}

fn type_of(value: &Value) -> Option<&str> {
    value.get("type").and_then(Value::as_str)
}

/// Reads the step of an event or input. Actions are externally tagged enums in Rust
/// (`{"dispatch": {…}}`) and flat with a `type` when stored (`{"type": "dispatch", …}`):
/// a derived internally tagged enum would buffer its input, which costs the phone's WASM
/// far more code than this conversion.
fn step_from<A: DeserializeOwned>(value: &Value) -> Result<Step<A>, RecordError> {
    match type_of(value) {
        Some(NOTE) => Ok(Step::Note),
        Some(RESOLVE) => {
            let r: Resolving = from_value(value.clone(), "resolve event")?;
            Ok(Step::Resolve { events: r.events })
        }
        Some(kind) => {
            let mut fields = value.clone();
            if let Some(map) = fields.as_object_mut() {
                map.remove("type");
            }
            let tagged = Value::Object(Map::from_iter([(kind.to_owned(), fields)]));
            Ok(Step::Act(from_value(tagged, "action")?))
        }
        None => Err(RecordError::Malformed {
            what: "event",
            reason: "it has no \"type\"".into(),
        }),
    }
}

fn step_to<A: Serialize>(step: &Step<A>) -> Result<Map<String, Value>, RecordError> {
    let value = match step {
        Step::Note => serde_json::json!({ "type": NOTE }),
        Step::Resolve { events } => serde_json::json!({ "type": RESOLVE, "events": events }),
        Step::Act(action) => flatten_action(to_value(action)?)?,
        Step::Unreadable { kind, .. } => serde_json::json!({ "type": kind }),
    };
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(RecordError::Malformed {
            what: "action",
            reason: "an action must be a map".into(),
        }),
    }
}

/// `{"dispatch": {"to": …}}` (or `"start"`) as `{"type": "dispatch", "to": …}`.
pub(crate) fn flatten_action(value: Value) -> Result<Value, RecordError> {
    match value {
        Value::String(kind) => Ok(serde_json::json!({ "type": kind })),
        Value::Object(map) if map.len() == 1 => {
            let (kind, fields) = map.into_iter().next().unwrap_or_default();
            let mut flat = match fields {
                Value::Object(fields) => fields,
                _ => Map::new(),
            };
            flat.insert("type".into(), Value::String(kind));
            Ok(Value::Object(flat))
        }
        _ => Err(RecordError::Malformed {
            what: "action",
            reason: "an action must be an enum variant".into(),
        }),
    }
}

impl<A: DeserializeOwned> Input<A> {
    /// Parses a caller's JSON input, with a clear error when it is not one this record
    /// kind knows.
    pub fn from_json(value: Value) -> Result<Self, RecordError> {
        let step = step_from(&value)?;
        let said: Said = from_value(value, "note or photos")?;
        Ok(Self {
            step,
            note: said.note,
            photos: said.photos,
        })
    }
}

impl<A: DeserializeOwned> Event<A> {
    /// Reads one stored event. Whatever cannot be read becomes [`Step::Unreadable`] so
    /// that the record still opens and the event is still shown.
    pub fn from_stored(value: &Value, position: usize) -> Self {
        let head: Head = match from_value(value.clone(), "event") {
            Ok(head) => head,
            Err(e) => {
                return Self {
                    id: EventId(format!("unreadable-{position}")),
                    device: String::new(),
                    seq: 0,
                    seen: BTreeMap::new(),
                    at: 0,
                    by: String::new(),
                    role: StaffRole::Housekeeper,
                    note: String::new(),
                    photos: Vec::new(),
                    step: Step::Unreadable {
                        kind: type_of(value).unwrap_or("?").to_owned(),
                        reason: e.to_string(),
                    },
                };
            }
        };
        let step = step_from(value).unwrap_or_else(|e| Step::Unreadable {
            kind: type_of(value).unwrap_or("?").to_owned(),
            reason: e.to_string(),
        });
        Self {
            id: head.id,
            device: head.device,
            seq: head.seq,
            seen: head.seen,
            at: head.at,
            by: head.by,
            role: head.role,
            note: head.note,
            photos: head.photos,
            step,
        }
    }
}

impl<A: Serialize> Event<A> {
    /// The stored (and displayed) form: head fields, `type`, then the action's fields.
    pub fn to_value(&self) -> Result<Value, RecordError> {
        let mut map = step_to(&self.step)?;
        let head = Head {
            id: self.id.clone(),
            device: self.device.clone(),
            seq: self.seq,
            seen: self.seen.clone(),
            at: self.at,
            by: self.by.clone(),
            role: self.role,
            note: self.note.clone(),
            photos: self.photos.clone(),
        };
        if let Value::Object(fields) = to_value(&head)? {
            for (key, value) in fields {
                if map.contains_key(&key) {
                    // An action field named like a head field would be overwritten.
                    return Err(RecordError::Malformed {
                        what: "action",
                        reason: format!("its field {key:?} is an event head's own"),
                    });
                }
                map.insert(key, value);
            }
        }
        Ok(Value::Object(map))
    }
}

impl<A: Serialize> Serialize for Event<A> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value()
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

impl<A> Event<A> {
    /// Whether this event's writer had seen `other` (an earlier event of the journal).
    pub fn saw<B>(&self, other: &Event<B>) -> bool {
        if other.device.is_empty() {
            // An event whose head could not be read: assume everyone saw it.
            return true;
        }
        if other.device == self.device {
            return other.seq < self.seq;
        }
        self.seen
            .get(&other.device)
            .is_some_and(|s| *s >= other.seq)
    }

    /// The kind's action, if this event is one.
    pub fn action(&self) -> Option<&A> {
        match &self.step {
            Step::Act(a) => Some(a),
            _ => None,
        }
    }
}

/// A problem in a journal that needs a person: phones that acted at the same time in
/// ways that contend, or an event that makes no sense where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    /// The events involved, in journal order.
    pub events: Vec<EventId>,
    /// Why a person must look.
    pub reason: String,
    /// True when the events were made on different phones without seeing each other.
    pub concurrent: bool,
    /// The `resolve` event that settled it, if any.
    pub resolved_by: Option<EventId>,
}

impl Flag {
    pub fn is_open(&self) -> bool {
        self.resolved_by.is_none()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
    enum Demo {
        Dispatch {
            to: String,
        },
        Start {},
        /// A field named like a head field: it would be overwritten on the way out.
        Stamp {
            by: String,
        },
    }

    #[test]
    fn events_round_trip_flat() {
        let event = Event {
            id: EventId("e1".into()),
            device: "d1".into(),
            seq: 2,
            seen: BTreeMap::from([("d2".to_owned(), 1)]),
            at: 5,
            by: "hk".into(),
            role: StaffRole::Housekeeper,
            note: "已电话联系".into(),
            photos: vec![ContentHash::of(b"x")],
            step: Step::Act(Demo::Dispatch {
                to: "维修组".into(),
            }),
        };
        let value = event.to_value().expect("serializes");
        assert_eq!(value["type"], "dispatch");
        assert_eq!(value["to"], "维修组");
        assert_eq!(Event::<Demo>::from_stored(&value, 0), event);

        let clash = Event {
            step: Step::Act(Demo::Stamp { by: "章".into() }),
            ..event
        };
        let err = clash.to_value().expect_err("a head field in an action");
        assert!(err.to_string().contains("\"by\""), "{err}");
    }

    #[test]
    fn unknown_events_are_kept_as_unreadable() {
        let stored = json!({"id": "e9", "device": "d", "seq": 1, "at": 1, "by": "x", "role": "office", "type": "teleport"});
        let event = Event::<Demo>::from_stored(&stored, 3);
        assert_eq!(event.id, EventId("e9".into()));
        assert!(matches!(event.step, Step::Unreadable { ref kind, .. } if kind == "teleport"));
        let garbage = Event::<Demo>::from_stored(&json!(42), 3);
        assert_eq!(garbage.id, EventId("unreadable-3".into()));
    }

    #[test]
    fn inputs_parse_with_clear_errors() {
        let input = Input::<Demo>::from_json(json!({"type": "start", "note": "到场"})).expect("ok");
        assert_eq!(input.step, Step::Act(Demo::Start {}));
        assert_eq!(input.note, "到场");
        let err = Input::<Demo>::from_json(json!({"type": "fly"})).expect_err("unknown");
        assert!(err.to_string().contains("fly"), "{err}");
        let err = Input::<Demo>::from_json(json!({"to": "x"})).expect_err("no type");
        assert!(err.to_string().contains("type"), "{err}");
    }
}
