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

mod delta;

use std::collections::{BTreeSet, HashMap};

use automerge::{AutoCommit, ChangeHash};
use serde_json::Value;

pub use delta::{AddedEvent, Delta, EntryEdit};

use crate::engine::{ConnId, Gate};
use crate::ids::DocumentId;
use crate::records::people::StaffRole;
use crate::records::{index, json, project, survey, ticket, visit};

/// The root key of a record's journal, and of an area index's entries.
const EVENTS: &str = "events";
const ENTRIES: &str = "entries";

/// Event types office staff may add to a ticket.
/// The service centre registers what comes in, dispatches it within 10 minutes ("服务中心
/// 接收报修信息后录入客户信息数据平台……在10分钟内传递至责任部门", seed 004), classifies
/// complaints, tells customers of delays and agrees a time (contact), calls back, reopens
/// what a callback finds unresolved, closes, escalates, reports complaints up and forms
/// the handling team of a major one (seed 004 §4.4.1 c: "由公司运营管理部/客户服务组组织
/// ……成立处理小组"); the work itself (respond, start, complete) is the field's.
const OFFICE_TICKET_EVENTS: &[&str] = &[
    "dispatch", "classify", "contact", "callback", "reopen", "close", "note", "escalate", "refer",
    "team", "collect",
];

/// The area records office staff add events to (`may_add`).
const OFFICE_KINDS: [&str; 3] = [ticket::KIND, visit::KIND, survey::KIND];

/// The company's part of a satisfaction survey: approving the plan (001 篇2 4.1.2 b), the
/// statistical analysis (4.1.5) and calling back the households that commented (000).
const OFFICE_SURVEY_EVENTS: &[&str] = &["approve", "analyse", "call_back", "note"];

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
        if let Some(broken) = &delta.broken {
            return Err(broken.clone());
        }
        self.signed(&delta.added)?;
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
            (StaffRole::Office, Owner::Area(_)) if OFFICE_KINDS.contains(&kind) => {
                office_events(kind, delta)
            }
            (StaffRole::Office, Owner::Area(_)) if kind == index::KIND && !delta.created => {
                office_entries(delta)
            }
            (StaffRole::Office, _) => Err(format!(
                "office staff may register and follow up tickets; \
                 they never change a {kind} record"
            )),
            (role, _) => Err(format!("a {} may not change this document", role.as_str())),
        }
    }

    /// Every added event is signed by this user on this device.
    fn signed(&self, added: &[AddedEvent]) -> Result<(), String> {
        if let Some(event) = added.iter().find(|e| e.by != self.user) {
            return Err(format!(
                "an event must be signed by the user who sends it ({:?} is not {:?})",
                event.by, self.user
            ));
        }
        match added
            .iter()
            .find(|e| e.device.as_ref().is_some_and(|d| *d != self.device))
        {
            Some(event) => Err(format!(
                "event {} names device {:?}, not the one that sends it",
                event.id,
                event.device.as_deref().unwrap_or_default()
            )),
            None => Ok(()),
        }
    }
}

/// Whether someone in `role` may add an event of type `event` to a record of `kind`
/// within their reach (their areas; a supervisor's or an admin's project calendars):
/// what [`Grant::may_write`] holds them to, so a phone offers nothing the server would
/// refuse.
pub fn may_add(role: StaffRole, kind: &str, event: &str) -> bool {
    match role {
        StaffRole::Housekeeper => kind != project::KIND,
        StaffRole::Supervisor => true,
        StaffRole::Office => {
            (kind == ticket::KIND && OFFICE_TICKET_EVENTS.contains(&event))
                || (kind == visit::KIND && event == "verify")
                || (kind == survey::KIND && OFFICE_SURVEY_EVENTS.contains(&event))
        }
        StaffRole::Admin => kind == project::KIND,
    }
}

/// Office staff add only the service centre's events to a ticket, the company's check to
/// a visit (seed 004 §4.4.5: "运营管理部/客户服务组每月抽样回访服务中心客户拜访情况") and
/// the company's part of a satisfaction survey (001 篇2 4.1.2 b, 4.1.5; 000); they create
/// neither a visit nor a survey.
fn office_events(kind: &str, delta: &Delta) -> Result<(), String> {
    if (kind == visit::KIND || kind == survey::KIND) && delta.created {
        return Err(format!(
            "office staff check a {kind}; the management office makes it"
        ));
    }
    match delta
        .added
        .iter()
        .find(|e| !may_add(StaffRole::Office, kind, &e.kind))
    {
        Some(event) => Err(format!(
            "office staff may register, dispatch, classify, call back, reopen, close, \
             comment on and escalate tickets, check visits and approve, analyse and call \
             back surveys, not `{}` on a {kind}",
            event.kind
        )),
        None => Ok(()),
    }
}

/// Office staff file the tickets they register in an area's index and keep the entries
/// of the records they act on current; no other entry is theirs to add or change.
fn office_entries(delta: &Delta) -> Result<(), String> {
    match delta
        .entries
        .iter()
        .find(|e| !OFFICE_KINDS.contains(&e.kind.as_str()))
    {
        Some(entry) => Err(format!(
            "office staff keep only the index entries of tickets, visits and surveys, not the {} entry {}",
            entry.kind, entry.key
        )),
        None => Ok(()),
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
    type Label = Option<Owner>;

    fn label(&self, doc: &AutoCommit) -> Option<Owner> {
        Owner::of_doc(doc)
    }

    fn may_read(&self, conn: ConnId, owner: &Option<Owner>) -> bool {
        self.by_conn
            .get(&conn)
            .is_some_and(|grant| grant.may_read(owner.as_ref()))
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
            events: delta.added.into_iter().map(|event| event.kind).collect(),
            changes: delta.changes,
        });
        Ok(())
    }

    fn not_kept(&mut self, conn: ConnId, document: DocumentId) {
        if let Some(at) = self
            .admitted
            .iter()
            .rposition(|a| a.conn == conn && a.document == document)
        {
            self.admitted.remove(at);
        }
    }
}

#[cfg(test)]
mod tests;
