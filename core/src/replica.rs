//! A field replica: the sync engine plus the area index that says which documents a phone
//! (or a native client) holds. Used by the WASM app and by native clients alike, so both
//! fetch an area the same way: the index first, then every listed record in one burst.

use automerge::{AutoCommit, ChangeHash};
use serde::Serialize;

use crate::engine::{Config, Effects, Engine, EngineError};
use crate::ids::DocumentId;
use crate::records::RecordError;
use crate::records::index::AreaIndex;
use crate::records::inspection::{self, Inspection, InspectionForm, InspectionRecord};
use crate::records::unit::{self, UnitStatus};
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
}

/// A vacant unit as the housekeeper's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VacantUnit {
    pub id: DocumentId,
    pub code: String,
    pub status: UnitStatus,
    pub status_label: &'static str,
    /// Inspected (monthly round) in the month asked about.
    pub inspected: bool,
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
}

impl Replica {
    pub fn new(config: Config, index: DocumentId) -> Self {
        let mut engine = Engine::new(config);
        engine.want(index);
        Self {
            engine,
            index,
            scanned: Vec::new(),
            listed: Vec::new(),
        }
    }

    pub fn engine(&mut self) -> &mut Engine {
        &mut self.engine
    }

    pub fn index_id(&self) -> DocumentId {
        self.index
    }

    /// Flushes the engine; when the index gained entries, asks for all of them at once.
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
        let Ok(index) = AreaIndex::from_doc(doc) else {
            return;
        };
        self.scanned = heads;
        self.listed = index.entries.into_keys().collect();
        for id in &self.listed {
            if !self.engine.holds(*id) {
                self.engine.want(*id);
            }
        }
    }

    /// The area index, if it has arrived.
    pub fn index(&mut self) -> Result<AreaIndex, ReplicaError> {
        let doc = self
            .engine
            .doc_mut(self.index)
            .map_err(|_| ReplicaError::NoIndex)?;
        if doc.get_heads().is_empty() {
            return Err(ReplicaError::NoIndex);
        }
        Ok(AreaIndex::from_doc(doc)?)
    }

    /// Vacant units of the area and whether each had its monthly inspection in `month`.
    /// Read from the index alone, so it is fast with thousands of records.
    pub fn vacant_units(&mut self, month: Month) -> Result<Vec<VacantUnit>, ReplicaError> {
        let index = self.index()?;
        let month = month.to_string();
        let inspected: std::collections::HashSet<&str> = index
            .entries
            .values()
            .filter(|e| e.kind == inspection::KIND && e.month.as_deref() == Some(&month))
            .filter_map(|e| e.unit.as_deref())
            .collect();
        let mut units: Vec<VacantUnit> = index
            .entries
            .iter()
            .filter(|(_, e)| e.kind == unit::KIND)
            .filter_map(|(id, e)| {
                let status = UnitStatus::parse(e.status.as_deref()?)?;
                status.is_vacant().then(|| VacantUnit {
                    id: *id,
                    code: e.code.clone().unwrap_or_default(),
                    status,
                    status_label: status.label_zh(),
                    inspected: inspected.contains(id.to_string().as_str()),
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
        let index = self.index()?;
        let entry = index
            .entries
            .get(&unit_id)
            .filter(|e| e.kind == unit::KIND)
            .ok_or(ReplicaError::UnknownUnit(unit_id))?;
        let code = entry.code.clone().unwrap_or_default().parse()?;
        let made = Inspection::new(
            unit_id,
            code,
            index.area_id.clone(),
            form,
            inspector.to_owned(),
            now_ms,
        )?;
        let id = DocumentId::random();
        self.engine.create(id, made.to_doc()?)?;
        let listed = InspectionRecord::from_parts(made, Vec::new()).entry();
        self.engine
            .change(self.index, |doc| AreaIndex::put_entry(doc, id, &listed))??;
        Ok(id)
    }

    /// Every inspection held, newest first.
    pub fn inspections(&mut self) -> Result<Vec<(DocumentId, Inspection)>, ReplicaError> {
        let index = self.index()?;
        let mut found = Vec::new();
        for (id, _) in index
            .entries
            .iter()
            .filter(|(_, e)| e.kind == inspection::KIND)
        {
            if let Ok(record) = self
                .engine
                .doc_mut(*id)
                .map(|doc| Inspection::from_doc(doc))
            {
                found.extend(record.ok().map(|r| (*id, r)));
            }
        }
        found.sort_by_key(|(_, i)| std::cmp::Reverse(i.inspected_at));
        Ok(found)
    }

    /// Documents the index lists that have not arrived yet (1 while the index itself is
    /// missing). Cheap: called after every batch of frames to show progress.
    pub fn missing(&mut self) -> usize {
        if self.scanned.is_empty() {
            return 1;
        }
        let absent = self
            .listed
            .iter()
            .filter(|id| !self.engine.holds(**id))
            .count();
        absent + self.engine.incomplete()
    }

    /// A document held by this replica, for reading.
    pub fn doc(&mut self, id: DocumentId) -> Result<&mut AutoCommit, ReplicaError> {
        Ok(self.engine.doc_mut(id)?)
    }
}

/// Sorts `3-2-1201` after `3-2-901`: numeric parts compare as numbers.
fn natural_key(code: &str) -> Vec<(u64, String)> {
    code.split('-')
        .map(|p| (p.parse().unwrap_or(u64::MAX), p.to_owned()))
        .collect()
}
