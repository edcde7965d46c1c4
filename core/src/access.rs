//! Who may see and change which document: the server's rules, as pure functions.
//!
//! Every document belongs to one area — records and area indexes name it in `areaId` —
//! or, for a project's calendar, to one project. The owner is read from the document the
//! first time the server sees it and can never change afterwards: a change to a record's
//! header is refused, so the owner seen first is the owner for good.
//!
//! What a change did is worked out from the document before and after it ([`Delta`]);
//! whether the sender may do that is decided from their [`Grant`]. [`Grants`] puts the
//! two behind the engine's [`Gate`], one grant per connection, and keeps a list of the
//! changes it let in and who sent them, for the audit trail.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::{AutoCommit, ChangeHash};
use serde_json::Value;

use crate::engine::{ConnId, Gate};
use crate::ids::DocumentId;
use crate::records::people::StaffRole;
use crate::records::{index, json, kind, project, ticket};

/// The root key of a record's journal, and of an area index's entries.
const EVENTS: &str = "events";
const ENTRIES: &str = "entries";

/// Event types office staff may add to a ticket: 回访, comments, escalation.
const OFFICE_TICKET_EVENTS: &[&str] = &["callback", "note", "escalate"];

/// The area or project a document belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    Area(String),
    Project(String),
}

impl Owner {
    /// Reads the owner from a document's root; `None` when it names none.
    pub fn of(root: &Value) -> Option<Owner> {
        let text = |key: &str| {
            root.get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        if text("kind").as_deref() == Some(project::KIND) {
            text("projectId").map(Owner::Project)
        } else {
            text("areaId").map(Owner::Area)
        }
    }

    /// Reads the owner without reading the whole document.
    pub fn of_doc(doc: &AutoCommit) -> Option<Owner> {
        let mut root = serde_json::Map::new();
        for key in ["kind", "areaId", "projectId"] {
            if let Some(value) = json::read_prop(doc, key) {
                root.insert(key.into(), value);
            }
        }
        Owner::of(&Value::Object(root))
    }
}

/// What one user, on one device, may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub user: String,
    pub role: StaffRole,
    /// Areas whose documents the user reads and writes (for a supervisor, every area of
    /// their projects).
    pub areas: BTreeSet<String>,
    /// Projects whose calendar the user reads (for a supervisor, also writes).
    pub projects: BTreeSet<String>,
    /// The device's actor prefix (hex): every change it sends carries an actor that
    /// starts with it, and no other device's does.
    pub device: String,
}

/// What a batch of changes did to one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Delta {
    /// The document had no content before.
    pub created: bool,
    pub kind: Option<String>,
    /// The owner before (none for a new document) and after.
    pub owner_before: Option<Owner>,
    pub owner: Option<Owner>,
    /// A root field other than the journal or the index entries changed.
    pub header_changed: bool,
    /// Events that were there before and were changed or removed.
    pub rewritten: Vec<String>,
    /// New events: their type and who they say wrote them.
    pub added: Vec<(String, String)>,
    /// The new changes: hash and actor (hex).
    pub changes: Vec<(ChangeHash, String)>,
}

impl Delta {
    /// Compares the document at `before` with the document now.
    pub fn between(doc: &mut AutoCommit, before: &[ChangeHash]) -> Delta {
        let changes = doc
            .get_changes_meta(before)
            .iter()
            .map(|c| (c.hash, c.actor.to_hex_string()))
            .collect();
        let after = Parts::read(doc);
        let old = if before.is_empty() {
            None
        } else {
            doc.isolate(before);
            let old = Parts::read(doc);
            doc.integrate();
            Some(old)
        };
        let Some(old) = old else {
            return Delta {
                created: true,
                kind: after.kind(),
                owner: Owner::of(&after.header),
                added: after.events.values().map(event_summary).collect(),
                changes,
                ..Delta::default()
            };
        };
        let rewritten = old
            .events
            .iter()
            .filter(|(id, event)| after.events.get(*id) != Some(event))
            .map(|(id, _)| id.clone())
            .collect();
        let added = after
            .events
            .iter()
            .filter(|(id, _)| !old.events.contains_key(*id))
            .map(|(_, event)| event_summary(event))
            .collect();
        Delta {
            created: false,
            kind: after.kind(),
            owner_before: Owner::of(&old.header),
            owner: Owner::of(&after.header),
            header_changed: old.header != after.header,
            rewritten,
            added,
            changes,
        }
    }
}

/// A document split into its header and its journal's events by ID.
struct Parts {
    header: Value,
    events: BTreeMap<String, Value>,
}

impl Parts {
    fn read(doc: &AutoCommit) -> Parts {
        let mut header = json::read_root(doc);
        if let Some(fields) = header.as_object_mut() {
            fields.remove(EVENTS);
            fields.remove(ENTRIES);
        }
        let events = kind::journal(doc)
            .into_iter()
            .enumerate()
            .map(|(i, event)| {
                let id = event
                    .get("id")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("#{i}"), str::to_owned);
                (id, event)
            })
            .collect();
        Parts { header, events }
    }

    fn kind(&self) -> Option<String> {
        self.header
            .get("kind")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
}

fn event_summary(event: &Value) -> (String, String) {
    let text = |key| {
        event
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    (text("type"), text("by"))
}

impl Grant {
    /// Whether the user may see a document with this owner.
    pub fn may_read(&self, owner: Option<&Owner>) -> bool {
        match self.role {
            StaffRole::Office | StaffRole::Admin => true,
            StaffRole::Housekeeper | StaffRole::Supervisor => match owner {
                Some(Owner::Area(area)) => self.areas.contains(area),
                Some(Owner::Project(project)) => self.projects.contains(project),
                None => false,
            },
        }
    }

    /// Whether the changes described by `delta` stand; the reason in plain words if not.
    pub fn may_write(&self, delta: &Delta) -> Result<(), String> {
        let mut actors = delta.changes.iter().map(|(_, actor)| actor);
        if let Some(actor) = actors.find(|a| !a.starts_with(&self.device)) {
            return Err(format!(
                "change by actor {actor}, which belongs to another device"
            ));
        }
        let Some(owner) = &delta.owner else {
            return Err("a document must name the area it belongs to (`areaId`)".into());
        };
        if !delta.created && (delta.header_changed || delta.owner_before.as_ref() != Some(owner)) {
            return Err("a record's header is fixed once it is made".into());
        }
        if let Some(id) = delta.rewritten.first() {
            return Err(format!(
                "journal events are never changed or removed (event {id})"
            ));
        }
        if let Some((_, by)) = delta.added.iter().find(|(_, by)| *by != self.user) {
            return Err(format!(
                "an event must be signed by the user who sends it ({by:?} is not {:?})",
                self.user
            ));
        }
        let kind = delta.kind.as_deref().unwrap_or_default();
        match (self.role, owner) {
            (StaffRole::Housekeeper, Owner::Area(area))
            | (StaffRole::Supervisor, Owner::Area(area)) => {
                if self.areas.contains(area) {
                    Ok(())
                } else {
                    Err(format!("area {area} is not one of yours"))
                }
            }
            (StaffRole::Supervisor, Owner::Project(project)) if self.projects.contains(project) => {
                Ok(())
            }
            (StaffRole::Admin, Owner::Project(_)) => Ok(()),
            (StaffRole::Office, Owner::Area(_)) if kind == ticket::KIND || kind == index::KIND => {
                match delta
                    .added
                    .iter()
                    .find(|(t, _)| !OFFICE_TICKET_EVENTS.contains(&t.as_str()))
                {
                    Some((t, _)) => Err(format!(
                        "office staff may register tickets, add callbacks and comments and \
                         escalate, not `{t}`"
                    )),
                    None => Ok(()),
                }
            }
            (StaffRole::Office, _) => Err(format!(
                "office staff may register tickets, add callbacks and comments and escalate; \
                 they never change a {kind} record"
            )),
            (role, _) => Err(format!("a {} may not change this document", role.as_str())),
        }
    }
}

/// Changes one connection sent that were let in, and who sent them.
#[derive(Clone, Debug, PartialEq)]
pub struct Admitted {
    pub conn: ConnId,
    pub document: DocumentId,
    pub user: String,
    pub device: String,
    /// The document's kind and owner, and whether these changes made it.
    pub kind: Option<String>,
    pub owner: Option<Owner>,
    pub created: bool,
    /// The types of the journal events the changes added.
    pub events: Vec<String>,
    /// Each change's hash and actor (hex).
    pub changes: Vec<(ChangeHash, String)>,
}

/// The grant of every connection, as the engine's gate.
#[derive(Debug, Default)]
pub struct Grants {
    by_conn: HashMap<ConnId, Grant>,
    admitted: Vec<Admitted>,
}

impl Grants {
    pub fn insert(&mut self, conn: ConnId, grant: Grant) {
        self.by_conn.insert(conn, grant);
    }

    pub fn remove(&mut self, conn: ConnId) -> Option<Grant> {
        self.by_conn.remove(&conn)
    }

    pub fn get(&self, conn: ConnId) -> Option<&Grant> {
        self.by_conn.get(&conn)
    }

    /// Every connection with its grant.
    pub fn iter(&self) -> impl Iterator<Item = (ConnId, &Grant)> {
        self.by_conn.iter().map(|(c, g)| (*c, g))
    }

    /// The changes let in since the last call, oldest first.
    pub fn take_admitted(&mut self) -> Vec<Admitted> {
        std::mem::take(&mut self.admitted)
    }
}

impl Gate for Grants {
    fn may_read(&self, conn: ConnId, doc: &AutoCommit) -> bool {
        self.by_conn
            .get(&conn)
            .is_some_and(|grant| grant.may_read(Owner::of_doc(doc).as_ref()))
    }

    fn may_write(
        &mut self,
        conn: ConnId,
        document: DocumentId,
        doc: &mut AutoCommit,
        before: &[ChangeHash],
    ) -> Result<(), String> {
        let grant = self
            .by_conn
            .get(&conn)
            .ok_or_else(|| "this connection was not signed in".to_owned())?;
        let delta = Delta::between(doc, before);
        grant.may_write(&delta)?;
        self.admitted.push(Admitted {
            conn,
            document,
            user: grant.user.clone(),
            device: grant.device.clone(),
            kind: delta.kind,
            owner: delta.owner,
            created: delta.created,
            events: delta.added.into_iter().map(|(kind, _)| kind).collect(),
            changes: delta.changes,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
