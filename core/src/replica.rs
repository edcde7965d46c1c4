//! A field replica: the sync engine plus the area index that says which documents a phone
//! (or a native client) holds, and the parsed records the rules read. Used by the WASM
//! app and by native clients alike, so both fetch an area the same way — the index
//! first, then every listed record in one burst — and both derive the same record views
//! (offers and clocks), due work and statistics.

use std::collections::HashMap;

use automerge::{AutoCommit, ChangeHash};
use serde::Serialize;
use serde_json::Value;

use crate::access::may_add;
use crate::engine::{Config, Effects, Engine, EngineError};
use crate::ids::DocumentId;
use crate::records::any::AnyRecord;
use crate::records::index::{AreaIndex, Entry};
use crate::records::inspection::{self, Inspection, InspectionForm, InspectionRecord};
use crate::records::journal::{EventId, Input};
use crate::records::kind::{Kind, Record};
use crate::records::people::{Actor, StaffRole};
use crate::records::project::{self, PublishedPrice};
use crate::records::unit::{self, UnitStatus, natural_key};
use crate::records::{RecordError, json};
use crate::rules::deadlines::Deadline;
use crate::rules::fees::{FeeCollection, fee_collection};
use crate::rules::visits::{Candidate, plan_candidates};
use crate::rules::{
    Checkpoint, DueWork, MonthlyStatistics, Portfolio, Scope, checkpoints, due_work,
    monthly_statistics, record_clocks,
};
use crate::storage::StorageKey;
use crate::time::Month;

/// Why a replica operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("the area index has not arrived yet")]
    NoIndex,
    #[error("unit {0} is not in this area")]
    UnknownUnit(DocumentId),
    #[error("document {0} is not a record of this area")]
    NotARecord(DocumentId),
    #[error("a record of area {found} cannot be filed in area {area}")]
    WrongArea { area: String, found: String },
}

/// A vacant unit as the housekeeper's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VacantUnit {
    pub id: DocumentId,
    pub code: String,
    pub status: UnitStatus,
    pub status_label: &'static str,
    /// Had its monthly inspections in the month asked about, as many as the project's
    /// service level asks (`rules::vacant`).
    pub inspected: bool,
    /// Monthly inspections in the month, and how many the service level asks.
    pub inspections: usize,
    pub required: u8,
}

/// A record as a person opens it: the record as their role sees it, what they can do to
/// it next and its clocks, all decided here, so a screen only renders.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordView {
    /// `AnyRecord::view`: kind, header, state, events, flags.
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub record: Value,
    /// The actions the record accepts now that the viewer's role may take, as stored
    /// (`{"type": …}`; see `Record::offers`).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub offers: Vec<Value>,
    /// Every clock the record runs against, met or not (`rules::record_clocks`).
    pub clocks: Vec<Deadline>,
}

impl RecordView {
    /// `record` as `viewer` sees it at `now_ms`, with the `clocks` it runs against.
    pub fn new(
        record: &AnyRecord,
        clocks: Vec<Deadline>,
        viewer: StaffRole,
        now_ms: i64,
    ) -> Result<Self, RecordError> {
        let kind = record.kind();
        let offers = record
            .offers(viewer, now_ms)
            .into_iter()
            .filter(|offer| {
                offer
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| may_add(viewer, kind, t))
            })
            .collect();
        Ok(Self {
            record: record.view(viewer)?,
            offers,
            clocks,
        })
    }
}

/// A parsed record, remembered with the heads it was read at.
#[derive(Debug)]
struct Parsed {
    heads: Vec<ChangeHash>,
    record: Result<AnyRecord, String>,
}

/// One area's replica.
#[derive(Debug)]
pub struct Replica {
    engine: Engine,
    index: DocumentId,
    /// Index heads whose entries have already been asked for.
    scanned: Vec<ChangeHash>,
    /// Every document the index listed at the last scan.
    listed: Vec<DocumentId>,
    /// Those of `listed` without content at the last count: all `missing` looks at again.
    unfetched: Vec<DocumentId>,
    /// Records parsed at their current heads, so the rules re-read only what changed.
    parsed: HashMap<DocumentId, Parsed>,
    /// The area index as last read, with the heads it was read at: screens ask for it
    /// many times between changes, and reading thousands of entries is the slow part.
    index_read: Option<(Vec<ChangeHash>, AreaIndex)>,
    /// Where new records' IDs come from: random, or a seed and a count (simulations).
    ids: Option<([u8; 8], u64)>,
}

impl Replica {
    pub fn new(config: Config, index: DocumentId) -> Self {
        let mut engine = Engine::new(config);
        engine.want(index);
        engine.send_after_new_records(index);
        Self {
            engine,
            index,
            scanned: Vec::new(),
            listed: Vec::new(),
            unfetched: Vec::new(),
            parsed: HashMap::new(),
            index_read: None,
            ids: None,
        }
    }

    /// New records get IDs made from `seed` and a count instead of random ones, so a
    /// simulation replays a seed exactly. Two replicas must not share a seed.
    pub fn with_seeded_ids(mut self, seed: u64) -> Self {
        self.ids = Some((seed.to_be_bytes(), 0));
        self
    }

    fn next_id(&mut self) -> DocumentId {
        match &mut self.ids {
            None => DocumentId::random(),
            Some((seed, count)) => {
                *count += 1;
                let mut bytes = [0; 16];
                bytes[..8].copy_from_slice(seed);
                bytes[8..].copy_from_slice(&count.to_be_bytes());
                DocumentId::from_bytes(bytes)
            }
        }
    }

    pub fn engine(&mut self) -> &mut Engine {
        &mut self.engine
    }

    pub fn index_id(&self) -> DocumentId {
        self.index
    }

    /// Flushes the engine; when the index gained entries, asks for all of them at once.
    /// The documents that changed are read at the next `read_loaded`.
    pub fn flush(&mut self) -> Effects {
        self.want_listed();
        self.engine.flush()
    }

    fn want_listed(&mut self) {
        let Ok(doc) = self.engine.doc_mut(self.index) else {
            return;
        };
        let heads = doc.get_heads();
        if heads == self.scanned || heads.is_empty() {
            return;
        }
        let Ok(index) = self.read_index() else {
            return;
        };
        self.listed = index.entries.keys().copied().collect();
        self.unfetched.clone_from(&self.listed);
        self.scanned = heads;
        for id in &self.listed {
            if !self.engine.holds(*id) {
                self.engine.want(*id);
            }
        }
    }

    /// The area index, if it has arrived.
    pub fn index(&mut self) -> Result<AreaIndex, ReplicaError> {
        self.read_index().cloned()
    }

    /// The area index as last read, read again only when its document changed: one
    /// reading serves the sync's scan for listed records and every screen.
    pub fn read_index(&mut self) -> Result<&AreaIndex, ReplicaError> {
        let heads = self.index_doc()?.get_heads();
        if self.index_read.as_ref().is_none_or(|(at, _)| *at != heads) {
            let index = AreaIndex::from_doc(self.index_doc()?)?;
            self.index_read = Some((heads, index));
        }
        let (_, index) = self.index_read.as_ref().ok_or(ReplicaError::NoIndex)?;
        Ok(index)
    }

    /// The area index's document, once it has arrived.
    fn index_doc(&mut self) -> Result<&mut AutoCommit, ReplicaError> {
        let doc = self
            .engine
            .doc_mut(self.index)
            .map_err(|_| ReplicaError::NoIndex)?;
        if doc.get_heads().is_empty() {
            return Err(ReplicaError::NoIndex);
        }
        Ok(doc)
    }

    /// The vacant-unit rounds a month of `area`'s project (1 until its record is read):
    /// only project records already parsed are read again, so this costs nothing at start.
    fn vacant_rounds(&mut self, area: &str) -> u8 {
        let projects: Vec<DocumentId> = self
            .parsed
            .iter()
            .filter(|(_, p)| matches!(p.record, Ok(AnyRecord::Project(_))))
            .map(|(id, _)| *id)
            .collect();
        for id in projects {
            self.refresh(id);
        }
        self.parsed
            .values()
            .find_map(|p| match &p.record {
                Ok(AnyRecord::Project(r)) if r.header.areas.iter().any(|a| a == area) => {
                    Some(r.state.vacant_rounds)
                }
                _ => None,
            })
            .unwrap_or(1)
            .max(1)
    }

    /// Vacant units of the area and whether each had its monthly inspections in `month`.
    /// Read from the index (and the project's settings, once read), so it is fast with
    /// thousands of records.
    pub fn vacant_units(&mut self, month: Month) -> Result<Vec<VacantUnit>, ReplicaError> {
        let area = self.read_index()?.area_id.clone();
        let required = self.vacant_rounds(&area);
        let index = self.read_index()?;
        let month = month.to_string();
        let mut inspections: HashMap<&str, usize> = HashMap::new();
        for unit in index
            .entries
            .values()
            .filter(|e| e.kind == inspection::KIND && e.month.as_deref() == Some(&month))
            // Special-weather inspections are extra; they do not stand in for the round.
            .filter(|e| {
                e.category
                    .as_deref()
                    .is_none_or(|c| c == inspection::Occasion::Monthly.as_str())
            })
            .filter_map(|e| e.unit.as_deref())
        {
            *inspections.entry(unit).or_default() += 1;
        }
        let mut units: Vec<VacantUnit> = index
            .entries
            .iter()
            .filter(|(_, e)| e.kind == unit::KIND)
            .filter_map(|(id, e)| {
                let status = UnitStatus::parse(e.status.as_deref()?)?;
                let done = inspections
                    .get(id.to_string().as_str())
                    .copied()
                    .unwrap_or(0);
                status.is_vacant().then(|| VacantUnit {
                    id: *id,
                    code: e.code.clone().unwrap_or_default(),
                    status,
                    status_label: status.label_zh(),
                    inspected: done >= usize::from(required),
                    inspections: done,
                    required,
                })
            })
            .collect();
        units.sort_by_key(|u| natural_key(&u.code));
        Ok(units)
    }

    /// Records an inspection of a unit: a new document plus its index entry. Works offline;
    /// the next flush writes both and offers them to the server when connected.
    pub fn record_inspection(
        &mut self,
        unit_id: DocumentId,
        form: InspectionForm,
        inspector: &str,
        now_ms: i64,
    ) -> Result<DocumentId, ReplicaError> {
        let index = self.read_index()?;
        let entry = index
            .entries
            .get(&unit_id)
            .filter(|e| e.kind == unit::KIND)
            .ok_or(ReplicaError::UnknownUnit(unit_id))?;
        let code = entry.code.clone().unwrap_or_default().parse()?;
        let area = index.area_id.clone();
        let made = Inspection::new(unit_id, code, area, form, inspector.to_owned(), now_ms)?;
        self.create::<inspection::VacantInspection>(&made)
    }

    /// Files a new record of this area: its document and its index entry.
    pub fn create<K: Kind>(&mut self, header: &K::Header) -> Result<DocumentId, ReplicaError> {
        self.file(Record::<K>::new_doc(header)?)
    }

    /// Files a new record of any kind from a JSON header.
    pub fn create_json(&mut self, kind: &str, header: Value) -> Result<DocumentId, ReplicaError> {
        let (doc, _) = AnyRecord::create(kind, header)?;
        self.file(doc)
    }

    fn file(&mut self, doc: AutoCommit) -> Result<DocumentId, ReplicaError> {
        let area_id = AreaIndex::area_of(self.index_doc()?)?;
        let record = AnyRecord::from_doc(&doc)?.ok_or(ReplicaError::NotARecord(self.index))?;
        if record.kind() != project::KIND && record.area() != area_id {
            return Err(ReplicaError::WrongArea {
                area: area_id,
                found: record.area().to_owned(),
            });
        }
        let id = self.next_id();
        let entry = record.entry();
        // Written by a throwaway actor; every change this device sends carries its own.
        let doc = match self.engine.config().actor.clone() {
            Some(actor) => json::rewrite(&doc, actor)?,
            None => doc,
        };
        self.engine.create(id, doc)?;
        self.engine
            .change(self.index, |doc| AreaIndex::put_entry(doc, id, &entry))??;
        Ok(id)
    }

    /// Acts on a record of this area with a typed input; refused if it makes no sense
    /// from the record's current state.
    pub fn act<K: Kind>(
        &mut self,
        id: DocumentId,
        input: Input<K::Action>,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<(EventId, Record<K>), ReplicaError> {
        self.listed_record(id)?;
        let (event, record) = self
            .engine
            .change(id, |doc| Record::<K>::act(doc, input, actor, now_ms))??;
        let entry = record.entry();
        self.engine
            .change(self.index, |doc| AreaIndex::put_entry(doc, id, &entry))??;
        Ok((event, record))
    }

    /// Acts on a record of any kind with a JSON input (`{"type": "dispatch", …}`).
    pub fn act_json(
        &mut self,
        id: DocumentId,
        input: Value,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<EventId, ReplicaError> {
        self.listed_record(id)?;
        let (event, record) = self
            .engine
            .change(id, |doc| AnyRecord::act(doc, input, actor, now_ms))??;
        let entry = record.entry();
        self.engine
            .change(self.index, |doc| AreaIndex::put_entry(doc, id, &entry))??;
        Ok(event)
    }

    /// Only records this area's index lists may be acted on through it.
    fn listed_record(&mut self, id: DocumentId) -> Result<(), ReplicaError> {
        if AreaIndex::lists(self.index_doc()?, id) {
            Ok(())
        } else {
            Err(ReplicaError::NotARecord(id))
        }
    }

    /// Whether anything made here (a record or the index) is not yet confirmed by the
    /// server. Until then every write must reach the disk before anything leaves the
    /// phone; what the server holds alone can be fetched again.
    pub fn holds_unsent(&mut self) -> bool {
        self.engine.holds_unsent()
    }

    /// Records with work the server has not yet confirmed. The area index changes with
    /// every record filed or acted on, so it is not counted: one inspection is one record
    /// waiting, not two documents.
    pub fn pending_records(&mut self) -> Vec<DocumentId> {
        let index = self.index;
        let mut pending = self.engine.unconfirmed();
        pending.retain(|id| *id != index);
        pending
    }

    /// Records whose changes the server refused, with its reason: shown apart from work
    /// waiting to be sent, since sending again will not help.
    pub fn refused(&self) -> Vec<(DocumentId, String)> {
        self.engine.refused()
    }

    /// A record held by this replica, read at its current heads.
    pub fn record(&mut self, id: DocumentId) -> Result<&AnyRecord, ReplicaError> {
        self.refresh(id);
        match self.parsed.get(&id).map(|p| &p.record) {
            Some(Ok(record)) => Ok(record),
            Some(Err(reason)) => Err(RecordError::Malformed {
                what: "record",
                reason: reason.clone(),
            }
            .into()),
            None => Err(ReplicaError::NotARecord(id)),
        }
    }

    /// A record as `viewer` sees it at `now_ms`, with its offers and clocks.
    pub fn record_view(
        &mut self,
        id: DocumentId,
        viewer: StaffRole,
        now_ms: i64,
    ) -> Result<RecordView, ReplicaError> {
        let clocks = record_clocks(&self.portfolio(), id, now_ms);
        Ok(RecordView::new(self.record(id)?, clocks, viewer, now_ms)?)
    }

    /// The records of one kind the index lists, with their key facts (fast: no record
    /// is opened).
    pub fn list(&mut self, kind: &str) -> Result<Vec<(DocumentId, Entry)>, ReplicaError> {
        Ok(self
            .read_index()?
            .entries
            .iter()
            .filter(|(_, e)| e.kind == kind)
            .map(|(id, e)| (*id, e.clone()))
            .collect())
    }

    /// Re-reads a document if it changed since it was last parsed.
    fn refresh(&mut self, id: DocumentId) {
        let Ok(doc) = self.engine.doc_mut(id) else {
            self.parsed.remove(&id);
            return;
        };
        let heads = doc.get_heads();
        if self.parsed.get(&id).is_some_and(|p| p.heads == heads) {
            return;
        }
        let record = match AnyRecord::from_doc(doc) {
            Ok(Some(record)) => Ok(record),
            Ok(None) => {
                self.parsed.remove(&id);
                return;
            }
            Err(e) => Err(e.to_string()),
        };
        self.parsed.insert(id, Parsed { heads, record });
    }

    /// Every record held, parsed (re-reading only what may have changed since the last
    /// read: a screen drawn after each batch of a first sync costs that batch, not the
    /// whole area).
    pub fn portfolio(&mut self) -> Portfolio<'_> {
        self.read_loaded();
        Portfolio::new(
            self.parsed
                .iter()
                .filter_map(|(id, p)| Some((*id, p.record.as_ref().ok()?))),
        )
    }

    /// The host read a document's chunks from storage (empty if it has none).
    pub fn load(&mut self, document: DocumentId, chunks: Vec<(StorageKey, Vec<u8>)>) {
        self.engine.loaded(document, chunks);
    }

    /// Reads the records loaded or changed since the last read, and only those; how many
    /// documents are read in all. An opening phone calls it between slices of its stored
    /// documents, and a syncing one after each batch it has answered, so the screen drawn
    /// afterwards does not read them all at once.
    pub fn read_loaded(&mut self) -> usize {
        for id in self.engine.take_changed() {
            self.refresh(id);
        }
        self.parsed.len()
    }

    /// Documents that hold a record this version cannot read, and why.
    pub fn unreadable(&mut self) -> Vec<(DocumentId, String)> {
        let _ = self.portfolio();
        let mut list: Vec<(DocumentId, String)> = self
            .parsed
            .iter()
            .filter_map(|(id, p)| Some((*id, p.record.as_ref().err()?.clone())))
            .collect();
        list.sort();
        list
    }

    /// The households a visit plan for `month` chooses from (key customers first, those
    /// visited in the round marked).
    pub fn visit_candidates(&mut self, month: Month) -> Vec<Candidate> {
        plan_candidates(&self.portfolio(), month)
    }

    /// The checkpoints of this area's daily patrol (from its units' buildings).
    pub fn checkpoints(&mut self) -> Result<Vec<Checkpoint>, ReplicaError> {
        let index = self.read_index()?;
        let codes = index
            .entries
            .values()
            .filter(|e| e.kind == unit::KIND)
            .filter_map(|e| e.code.as_deref());
        Ok(checkpoints(&index.area_id, codes))
    }

    /// The special-service prices this area's project publishes (seed 004 §4.4.3 a), shown
    /// to the customer before the service; none before the project's record arrives.
    pub fn service_prices(&mut self) -> Result<Vec<PublishedPrice>, ReplicaError> {
        let area = self.read_index()?.area_id.clone();
        Ok(self
            .portfolio()
            .projects
            .iter()
            .find(|(_, p)| p.header.areas.contains(&area))
            .map(|(_, p)| p.state.published_prices())
            .unwrap_or_default())
    }

    /// What is due in this area at `now`.
    pub fn due_work(&mut self, now_ms: i64) -> DueWork {
        due_work(&self.portfolio(), now_ms)
    }

    /// This area's monthly statistics.
    pub fn statistics(
        &mut self,
        month: Month,
        now_ms: i64,
    ) -> Result<MonthlyStatistics, ReplicaError> {
        let index = self.read_index()?;
        let scope = Scope::areas(index.name.clone(), [index.area_id.clone()]);
        Ok(monthly_statistics(&self.portfolio(), &scope, month, now_ms))
    }

    /// This area's fee collection for `month`: the plan against the ledger.
    pub fn fee_collection(
        &mut self,
        month: Month,
        now_ms: i64,
    ) -> Result<FeeCollection, ReplicaError> {
        let index = self.read_index()?;
        let scope = Scope::areas(index.name.clone(), [index.area_id.clone()]);
        Ok(fee_collection(&self.portfolio(), &scope, month, now_ms))
    }

    /// Every inspection held, newest first.
    pub fn inspections(&mut self) -> Result<Vec<(DocumentId, Inspection)>, ReplicaError> {
        let mut found: Vec<(DocumentId, Inspection)> = self
            .portfolio()
            .inspections
            .iter()
            .map(|(id, r): &(DocumentId, &InspectionRecord)| (*id, r.header.clone()))
            .collect();
        found.sort_by_key(|(_, i)| std::cmp::Reverse(i.inspected_at));
        Ok(found)
    }

    /// Documents the index lists that have not arrived yet (1 while the index itself is
    /// missing). Cheap: called after every batch of frames to show progress, it looks
    /// again only at those still missing at the last count.
    pub fn missing(&mut self) -> usize {
        if self.scanned.is_empty() {
            return 1;
        }
        let engine = &mut self.engine;
        self.unfetched.retain(|id| !engine.has_content(*id));
        self.unfetched.len()
    }

    /// A document held by this replica, for reading.
    pub fn doc(&mut self, id: DocumentId) -> Result<&mut AutoCommit, ReplicaError> {
        Ok(self.engine.doc_mut(id)?)
    }
}

#[cfg(all(test, feature = "demo"))]
mod tests {
    use super::*;
    use crate::engine::Role;

    /// A phone holding the whole of a small area, everything confirmed by the server.
    fn synced_phone() -> Replica {
        let estate = crate::demo::bench_area(40).expect("estate");
        let mut replica = Replica::new(Config::new(Role::Client, "phone"), estate.areas[0].index);
        for (id, mut doc) in estate.docs {
            let heads = doc.get_heads();
            let mut shared = automerge::sync::State::new();
            shared.shared_heads = heads.clone();
            let chunks = vec![
                (StorageKey::snapshot(id, &heads), doc.save()),
                (StorageKey::sync_state(id, "phone"), shared.encode()),
            ];
            replica.load(id, chunks);
        }
        replica
    }

    /// An opening phone reads its records a slice at a time: a read takes in what was
    /// loaded since the last, and all of it is what a screen would have read.
    #[test]
    fn records_loaded_from_storage_are_read_once_each() {
        let mut phone = synced_phone();
        let read = phone.read_loaded();
        assert!(read > 0, "the area's records are read");
        assert!(phone.engine.take_changed().is_empty());
        assert_eq!(
            phone.read_loaded(),
            read,
            "nothing loaded since: nothing more read"
        );
        let _ = phone.portfolio();
        assert_eq!(
            phone.parsed.len(),
            read,
            "a screen reads nothing the slices missed"
        );
    }

    /// A first sync shows how many listed records are still to come, counting down as
    /// they arrive, and only the listed ones count.
    #[test]
    fn missing_counts_down_the_listed_records_still_to_come() {
        let estate = crate::demo::bench_area(40).expect("estate");
        let index = estate.areas[0].index;
        let mut phone = Replica::new(Config::new(Role::Client, "phone"), index);
        assert_eq!(phone.missing(), 1, "the index itself is missing");
        let mut docs = estate.docs;
        let at = docs.iter().position(|(id, _)| *id == index).expect("index");
        let (_, mut index_doc) = docs.remove(at);
        phone.load(
            index,
            vec![(StorageKey::snapshot(index, &[]), index_doc.save())],
        );
        let _ = phone.flush();
        let listed = phone.read_index().expect("index").entries.len();
        assert_eq!(docs.len(), listed);
        for (id, _) in &docs {
            phone.load(*id, Vec::new());
        }
        assert_eq!(
            phone.missing(),
            listed,
            "loaded without content is still missing"
        );
        for (n, (id, doc)) in docs.iter_mut().enumerate() {
            phone.load(*id, vec![(StorageKey::snapshot(*id, &[]), doc.save())]);
            assert_eq!(phone.missing(), listed - n - 1);
        }
    }

    #[test]
    fn one_inspection_is_one_record_waiting_not_two_documents() {
        let mut phone = synced_phone();
        assert!(phone.pending_records().is_empty());
        let now = 1_790_000_000_000;
        let unit = phone.vacant_units(Month::at(now)).expect("units")[0].id;
        let made = phone
            .record_inspection(unit, InspectionForm::default(), "hk", now)
            .expect("recorded");
        assert_eq!(phone.pending_records(), vec![made]);
        assert_eq!(
            phone.engine().unconfirmed().len(),
            2,
            "the record and the index"
        );
    }

    fn types(view: &RecordView) -> Vec<&str> {
        view.offers
            .iter()
            .filter_map(|o| o["type"].as_str())
            .collect()
    }

    #[test]
    fn a_record_view_offers_what_the_viewers_role_may_do_and_shows_its_clocks() {
        use crate::records::ticket::{
            Category, Channel, Location, RepairInfo, RepairScale, RepairScope, Ticket, TicketHeader,
        };
        use crate::rules::deadlines::Clock;
        let mut phone = synced_phone();
        let now = 1_790_000_000_000;
        let unit = &phone.vacant_units(Month::at(now)).expect("units")[0];
        let (unit_id, code) = (unit.id, unit.code.parse().expect("code"));
        let area_id = phone.index().expect("index").area_id;
        let id = phone
            .create::<Ticket>(&TicketHeader {
                area_id,
                category: Category::Repair,
                channel: Channel::Hotline,
                location: Location::Unit {
                    unit: unit_id,
                    code,
                },
                description: "门锁损坏".into(),
                reporter: None,
                registered_at: now,
                registered_by: "hk".into(),
                repair: Some(RepairInfo {
                    scope: RepairScope::Household,
                    scale: RepairScale::General,
                    leak: false,
                }),
                complaint: None,
                photos: Vec::new(),
                source: None,
            })
            .expect("filed");
        let keeper = phone
            .record_view(id, StaffRole::Housekeeper, now + 60_000)
            .expect("view");
        let json = serde_json::to_value(&keeper).expect("serializes");
        let keys: Vec<&str> = json
            .as_object()
            .expect("a map")
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "kind", "header", "state", "events", "flags", "offers", "clocks",
        ] {
            assert!(keys.contains(&key), "{key} in {keys:?}");
        }
        assert_eq!(json["clocks"][0]["clock"], "dispatch");
        assert_eq!(json["clocks"][0]["dueAt"].as_i64(), keeper.clocks[0].due_at);
        assert_eq!(
            keeper.record,
            phone
                .record(id)
                .expect("record")
                .view(StaffRole::Housekeeper)
                .expect("view")
        );
        assert_eq!(types(&keeper)[..2], ["dispatch", "respond"]);
        let clocks: Vec<Clock> = keeper.clocks.iter().map(|d| d.clock).collect();
        assert_eq!(
            clocks,
            [
                Clock::Dispatch,
                Clock::Completion,
                Clock::FirstResponse,
                Clock::ContactRecord
            ]
        );
        // The service centre dispatches, classifies and escalates; the work is the field's.
        let office = phone
            .record_view(id, StaffRole::Office, now + 60_000)
            .expect("view");
        assert_eq!(
            types(&office),
            ["dispatch", "contact", "classify", "escalate"]
        );

        let archive = phone
            .record_view(unit_id, StaffRole::Housekeeper, now)
            .expect("view");
        assert!(types(&archive).contains(&"status"), "{:?}", archive.offers);
        assert!(archive.clocks.is_empty());
        assert!(
            phone
                .record_view(unit_id, StaffRole::Admin, now)
                .expect("view")
                .offers
                .is_empty(),
            "an admin keeps calendars, not areas"
        );
    }
}
