//! One shape for every record: a header of facts fixed when the record is made, and a
//! journal of events from which the current state is derived.
//!
//! A record kind says how its actions change its state ([`Kind::apply`]) and which
//! actions contend when phones make them at the same time ([`Kind::contends`]). The
//! rest is shared: reading, writing, refusing an action that makes no sense now, and
//! flagging conflicts after a merge. The derived state depends only on the merged
//! journal, whose order Automerge makes the same on every replica, so every phone and
//! the server derive the same state.
//!
//! Conflicts: every event carries a version vector (`journal.rs`), so for any two events
//! the fold knows whether one's writer had seen the other. Earlier events its writer had
//! not seen were made at the same time on another phone; if one of them contends with
//! it, both are flagged for a person. An event that makes no sense where it lands is
//! kept in the journal, not applied, and flagged. Nothing is silently dropped.

use std::collections::BTreeMap;
use std::fmt::Debug;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::content::ContentHash;
use super::index::Entry;
use super::journal::{Event, EventId, Flag, Input, Step, device_of, flatten_action};
use super::json::{self, from_value, to_value};
use super::office::OfficeRow;
use super::people::{Actor, StaffRole};
use super::{RecordError, expect_kind};
use crate::ids::DocumentId;

/// The root key of the journal.
const EVENTS: &str = "events";

/// What a probe carries where a person will supply the real thing: words, a signature,
/// another record. Enough for [`Kind::apply`] to judge the action, never stored.
pub(crate) mod placeholder {
    use crate::ids::DocumentId;
    use crate::records::content::ContentHash;

    pub const TEXT: &str = "…";

    pub fn signature() -> ContentHash {
        ContentHash::of(b"")
    }

    pub fn record() -> DocumentId {
        DocumentId::from_bytes([0; 16])
    }
}

/// A kind of record.
pub trait Kind: Clone + Debug + PartialEq + 'static {
    /// The `kind` string at the document's root.
    const KIND: &'static str;
    /// What the kind is called, in Chinese.
    const LABEL: &'static str;
    /// Every action's stored `type` with its Chinese name, in the order a form offers
    /// them: the one place an action is named (`vocabulary.rs` hands them to the apps).
    const ACTIONS: &'static [(&'static str, &'static str)];
    /// Facts fixed when the record is made.
    type Header: Serialize + DeserializeOwned + Clone + Debug + PartialEq;
    /// What can happen to the record afterwards (serde-tagged by `type`).
    type Action: Serialize + DeserializeOwned + Clone + Debug + PartialEq;
    /// What the journal adds up to.
    type State: Serialize + Clone + Debug + PartialEq;

    /// The area the record belongs to.
    fn area(header: &Self::Header) -> &str;

    /// The state before any event.
    fn start(header: &Self::Header) -> Self::State;

    /// Applies an action, or says in plain words why it makes no sense now. On refusal
    /// the state is discarded by the caller, so it may be left half-changed.
    fn apply(
        header: &Self::Header,
        state: &mut Self::State,
        event: &Event<Self::Action>,
        action: &Self::Action,
    ) -> Result<(), String>;

    /// Whether two different actions, made on phones that did not see each other,
    /// need a person to look (e.g. completed on one phone, reassigned on another).
    fn contends(a: &Self::Action, b: &Self::Action) -> bool;

    /// Key facts for the area index.
    fn entry(header: &Self::Header, state: &Self::State) -> Entry;

    /// Rules a new header must meet beyond what parsing guarantees.
    fn check_new(_header: &Self::Header) -> Result<(), RecordError> {
        Ok(())
    }

    /// Photos and signatures the header refers to.
    fn header_content(_header: &Self::Header) -> Vec<&ContentHash> {
        Vec::new()
    }

    /// A short line naming the record in the office's lists, when the index entry's
    /// code does not say enough.
    fn title(_header: &Self::Header, _state: &Self::State) -> Option<String> {
        None
    }

    /// Tables whose rows of one record are replaced whole each time it is projected,
    /// with the column naming the record (rows that can disappear, a ledger's keys).
    const OFFICE_OWNS: &'static [(&'static str, &'static str)] = &[];

    /// The kind's own office rows (see `office.rs`), from its derived state.
    fn office_rows(
        _id: DocumentId,
        _header: &Self::Header,
        _state: &Self::State,
    ) -> Vec<OfficeRow> {
        Vec::new()
    }

    /// Signatures and other content an action refers to (besides the event's photos).
    fn action_content(_action: &Self::Action) -> Vec<&ContentHash> {
        Vec::new()
    }

    /// One representative of every action the record might take next, with plausible
    /// parameters (today's date, the key it is about, a placeholder signature): what
    /// [`Record::offers`] tries against [`Kind::apply`]. More than one where the action
    /// is about one thing among several (each key of a ledger, each person of a unit).
    fn probes(_header: &Self::Header, _state: &Self::State, _now_ms: i64) -> Vec<Self::Action> {
        Vec::new()
    }
}

/// A record, read: its header, derived state, whole journal and open questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<K: Kind> {
    pub header: K::Header,
    pub state: K::State,
    pub events: Vec<Event<K::Action>>,
    pub flags: Vec<Flag>,
}

impl<K: Kind> Serialize for Record<K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a, H, St, E> {
            kind: &'static str,
            header: &'a H,
            state: &'a St,
            events: &'a [E],
            flags: &'a [Flag],
        }
        View {
            kind: K::KIND,
            header: &self.header,
            state: &self.state,
            events: &self.events,
            flags: &self.flags,
        }
        .serialize(s)
    }
}

impl<K: Kind> Record<K> {
    /// A new document for a record: the header's fields at the root, an empty journal.
    pub fn new_doc(header: &K::Header) -> Result<AutoCommit, RecordError> {
        K::check_new(header)?;
        let Value::Object(mut fields) = to_value(header)? else {
            return Err(RecordError::Malformed {
                what: "header",
                reason: "a header must be a map".into(),
            });
        };
        fields.insert("kind".into(), K::KIND.into());
        fields.insert(EVENTS.into(), Value::Array(Vec::new()));
        let mut doc = AutoCommit::new();
        for (key, value) in &fields {
            json::put(&mut doc, &ROOT, key, value)?;
        }
        Ok(doc)
    }

    /// Reads a record from its document.
    pub fn from_doc(doc: &AutoCommit) -> Result<Self, RecordError> {
        expect_kind(doc, K::KIND)?;
        let header: K::Header = from_value(json::read_root(doc), K::KIND)?;
        let events = journal(doc)
            .into_iter()
            .enumerate()
            .map(|(i, v)| Event::from_stored(&v, i))
            .collect();
        Ok(Self::from_parts(header, events))
    }

    /// Derives the state and flags from a header and a journal.
    pub fn from_parts(header: K::Header, events: Vec<Event<K::Action>>) -> Self {
        let (state, flags) = fold::<K>(&header, &events);
        Self {
            header,
            state,
            events,
            flags,
        }
    }

    /// Appends an event for `input`, unless it makes no sense from the current state;
    /// returns the new event's ID and the record as it now reads.
    pub fn act(
        doc: &mut AutoCommit,
        input: Input<K::Action>,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<(EventId, Self), RecordError> {
        let mut record = Self::from_doc(doc)?;
        let device = device_of(doc.get_actor());
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        for e in record.events.iter().filter(|e| !e.device.is_empty()) {
            let last = seen.entry(e.device.clone()).or_default();
            *last = (*last).max(e.seq);
        }
        let seq = seen.remove(&device).unwrap_or(0) + 1;
        let event = Event {
            id: EventId::of(&device, seq),
            device,
            seq,
            seen,
            at: now_ms,
            by: actor.user.clone(),
            role: actor.role,
            note: input.note,
            photos: input.photos,
            step: input.step,
        };
        record.admit(&event)?;
        let value = event.to_value()?;
        let id = event.id.clone();
        let list = match doc.get(ROOT, EVENTS)? {
            Some((automerge::Value::Object(ObjType::List), list)) => list,
            _ => doc.put_object(ROOT, EVENTS, ObjType::List)?,
        };
        let end = doc.length(&list);
        json::insert(doc, &list, end, &value)?;
        record.events.push(Event {
            id: id.clone(),
            ..event
        });
        let (state, flags) = fold::<K>(&record.header, &record.events);
        record.state = state;
        record.flags = flags;
        Ok((id, record))
    }

    /// Checks a new event against the record as it stands.
    fn admit(&self, event: &Event<K::Action>) -> Result<(), RecordError> {
        match &event.step {
            Step::Act(action) => {
                let mut probe = self.state.clone();
                K::apply(&self.header, &mut probe, event, action).map_err(|reason| {
                    RecordError::Refused {
                        action: action_name(action),
                        reason,
                    }
                })
            }
            Step::Note if event.note.trim().is_empty() && event.photos.is_empty() => {
                Err(RecordError::Invalid {
                    field: "note",
                    reason: "备注需要文字或照片".into(),
                })
            }
            Step::Note => Ok(()),
            Step::Resolve { events } => {
                let open: Vec<&EventId> = self
                    .flags
                    .iter()
                    .filter(|f| f.is_open())
                    .flat_map(|f| &f.events)
                    .collect();
                match events.iter().find(|e| !open.contains(e)) {
                    _ if events.is_empty() => Err(RecordError::Invalid {
                        field: "events",
                        reason: "请指明要处理的冲突记录".into(),
                    }),
                    Some(e) => Err(RecordError::Invalid {
                        field: "events",
                        reason: format!("记录 {e} 不在待处理的冲突中"),
                    }),
                    None => Ok(()),
                }
            }
            Step::Unreadable { kind, .. } => Err(RecordError::Invalid {
                field: "type",
                reason: format!("{kind:?} 不是{}记录可做的操作", K::KIND),
            }),
        }
    }

    /// The area the record belongs to.
    pub fn area(&self) -> &str {
        K::area(&self.header)
    }

    /// Every photo and signature the record refers to.
    pub fn content(&self) -> Vec<&ContentHash> {
        let mut all = K::header_content(&self.header);
        for event in &self.events {
            all.extend(&event.photos);
            all.extend(event.action().map(K::action_content).unwrap_or_default());
        }
        all
    }

    /// Every note written in the journal.
    pub fn notes(&self) -> impl Iterator<Item = &str> {
        self.events
            .iter()
            .map(|e| e.note.as_str())
            .filter(|n| !n.is_empty())
    }

    /// Flags nobody has settled yet.
    pub fn open_flags(&self) -> impl Iterator<Item = &Flag> {
        self.flags.iter().filter(|f| f.is_open())
    }

    /// The record's index entry.
    pub fn entry(&self) -> Entry {
        K::entry(&self.header, &self.state)
    }

    /// The line naming the record in the office's lists.
    pub fn title(&self) -> String {
        K::title(&self.header, &self.state)
            .or_else(|| self.entry().code)
            .unwrap_or_else(|| K::LABEL.to_owned())
    }

    /// The kind's own office rows of the record `id`.
    pub fn office_rows(&self, id: DocumentId) -> Vec<OfficeRow> {
        K::office_rows(id, &self.header, &self.state)
    }

    /// What the record can do next for someone in `role` at `now_ms`: every probe
    /// ([`Kind::probes`]) that [`Kind::apply`] accepts from the current state, with a
    /// note said, as stored (`{"type": "dispatch", "to": …}`). The apps show these and
    /// nothing else, so whether an action makes sense now is decided here only.
    pub fn offers(&self, role: StaffRole, now_ms: i64) -> Vec<Value> {
        let event = Event {
            id: EventId("offer".into()),
            device: String::new(),
            seq: 0,
            seen: BTreeMap::new(),
            at: now_ms,
            by: String::new(),
            role,
            // Actions that need words (统一口径, 进展, 改期) get them from the form.
            note: placeholder::TEXT.into(),
            photos: Vec::new(),
            step: Step::Note,
        };
        K::probes(&self.header, &self.state, now_ms)
            .into_iter()
            .filter(|action| {
                let mut state = self.state.clone();
                K::apply(&self.header, &mut state, &event, action).is_ok()
            })
            .filter_map(|action| to_value(&action).and_then(flatten_action).ok())
            .collect()
    }
}

/// The `type` of an action, for error messages.
fn action_name(action: &impl Serialize) -> String {
    to_value(action)
        .and_then(flatten_action)
        .ok()
        .and_then(|v| v.get("type").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "action".into())
}

/// The journal's events as stored. If phones made the list concurrently (a record
/// written before journals existed), every copy is read, so no event is lost.
pub(crate) fn journal(doc: &AutoCommit) -> Vec<Value> {
    let Ok(lists) = doc.get_all(ROOT, EVENTS) else {
        return Vec::new();
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (value, obj) in lists {
        if !matches!(value, automerge::Value::Object(ObjType::List)) {
            continue;
        }
        for item in doc.list_range(&obj, ..) {
            let id = item.id();
            let value = match item.value.into() {
                automerge::Value::Object(_) => json::read_object_at(doc, &id),
                automerge::Value::Scalar(_) => Value::Null,
            };
            let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
            if id.is_none_or(|id| seen.insert(id)) {
                out.push(value);
            }
        }
    }
    out
}

/// Folds a journal into a state, flagging what needs a person (see the module docs).
pub fn fold<K: Kind>(header: &K::Header, events: &[Event<K::Action>]) -> (K::State, Vec<Flag>) {
    let mut state = K::start(header);
    let mut applied = vec![false; events.len()];
    let mut flags: Vec<Flag> = Vec::new();
    let mut resolutions: Vec<(&EventId, &[EventId])> = Vec::new();
    for (i, event) in events.iter().enumerate() {
        match &event.step {
            Step::Act(action) => {
                // Earlier events this one's writer had not seen, made on another phone.
                let concurrent: Vec<usize> = (0..i).filter(|&j| !event.saw(&events[j])).collect();
                let rivals: Vec<usize> = concurrent
                    .iter()
                    .copied()
                    .filter(|&j| applied[j])
                    .filter(|&j| {
                        events[j]
                            .action()
                            .is_some_and(|b| b != action && K::contends(b, action))
                    })
                    .collect();
                let mut next = state.clone();
                match K::apply(header, &mut next, event, action) {
                    Ok(()) => {
                        state = next;
                        applied[i] = true;
                        if !rivals.is_empty() {
                            flags.push(conflict(
                                events,
                                &rivals,
                                i,
                                "同一时间在不同手机上做了不同处理".into(),
                            ));
                        }
                    }
                    // The same action, made at once on another phone and applied: this adds nothing.
                    Err(_)
                        if concurrent
                            .iter()
                            .any(|&j| applied[j] && events[j].action() == Some(action)) => {}
                    Err(reason) if !rivals.is_empty() => {
                        flags.push(conflict(events, &rivals, i, reason));
                    }
                    Err(reason) => flags.push(Flag {
                        events: vec![event.id.clone()],
                        reason,
                        concurrent: false,
                        resolved_by: None,
                    }),
                }
            }
            Step::Resolve { events: settled } => resolutions.push((&event.id, settled)),
            Step::Unreadable { kind, reason } => flags.push(Flag {
                events: vec![event.id.clone()],
                reason: format!("无法识别的记录（{kind}）：{reason}"),
                concurrent: false,
                resolved_by: None,
            }),
            Step::Note => {}
        }
    }
    for flag in &mut flags {
        flag.resolved_by = resolutions
            .iter()
            .find(|(_, settled)| flag.events.iter().all(|e| settled.contains(e)))
            .map(|(by, _)| (*by).clone());
    }
    (state, flags)
}

fn conflict<A>(events: &[Event<A>], rivals: &[usize], i: usize, reason: String) -> Flag {
    Flag {
        events: rivals
            .iter()
            .chain(std::iter::once(&i))
            .map(|&j| events[j].id.clone())
            .collect(),
        reason,
        concurrent: true,
        resolved_by: None,
    }
}

#[cfg(test)]
mod tests;
