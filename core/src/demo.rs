//! A generated estate, the same on every run: the demo the server starts with, the data of
//! the benchmarks, and fixtures for tests. IDs derive from names, so a second run finds
//! the documents of the first.
//!
//! The demo project 翠湖花园 has two areas of five buildings (600 units). Unit statuses
//! follow a pattern a person can count: in each entrance, floors 14–15 are undelivered
//! (4 units), room 1301 is entrusted vacant, room 1202 is renovating, the rest occupied —
//! per area 40 undelivered, 10 entrusted, 10 renovating, 240 occupied. October 2026 is
//! filled with a month of work (`month.rs`) whose statistics are checked against a
//! fixture computed by hand.

mod month;

use std::collections::BTreeMap;

use automerge::AutoCommit;
use sha2::{Digest, Sha256};

use month::add_sample_month;
pub use month::{SAMPLE_AS_OF, SAMPLE_MONTH, sample_as_of};

use crate::ids::DocumentId;
use crate::records::RecordError;
use crate::records::any::AnyRecord;
use crate::records::index::AreaIndex;
use crate::records::inspection::{Inspection, InspectionForm, VacantInspection};
use crate::records::kind::{Kind, Record};
use crate::records::unit::{Unit, UnitHeader, UnitStatus};

/// An area (片区) and its index document.
#[derive(Debug, Clone)]
pub struct Area {
    pub id: String,
    pub name: String,
    /// The project it belongs to (`P1`).
    pub project_id: String,
    pub index: DocumentId,
}

/// A housekeeper (片区管家) and the area they own.
#[derive(Debug, Clone)]
pub struct Housekeeper {
    pub id: String,
    pub name: String,
    pub area_id: String,
}

/// A project's areas, people and every document, ready to store.
#[derive(Debug)]
pub struct Estate {
    pub project: String,
    pub areas: Vec<Area>,
    pub housekeepers: Vec<Housekeeper>,
    pub docs: Vec<(DocumentId, AutoCommit)>,
}

impl Estate {
    /// Every document that is a record, read.
    pub fn records(&self) -> Result<Vec<(DocumentId, AnyRecord)>, RecordError> {
        let mut records = Vec::new();
        for (id, doc) in &self.docs {
            if let Some(record) = AnyRecord::from_doc(doc)? {
                records.push((*id, record));
            }
        }
        Ok(records)
    }
}

/// A stable document ID derived from a name.
pub fn stable_id(name: &str) -> DocumentId {
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    DocumentId::from_bytes(bytes)
}

/// Builds an estate: files documents and keeps each area's index up to date.
pub(crate) struct Builder {
    estate: Estate,
    indexes: BTreeMap<String, AutoCommit>,
    /// The areas each filed record is listed in.
    listed: Vec<(DocumentId, Vec<String>)>,
    /// Unit document IDs by area and code.
    units: BTreeMap<(String, String), DocumentId>,
}

impl Builder {
    fn new(project: &str) -> Self {
        Self {
            estate: Estate {
                project: project.into(),
                areas: Vec::new(),
                housekeepers: Vec::new(),
                docs: Vec::new(),
            },
            indexes: BTreeMap::new(),
            listed: Vec::new(),
            units: BTreeMap::new(),
        }
    }

    fn area(&mut self, id: &str, name: &str, project_id: &str) -> Result<(), RecordError> {
        let index = stable_id(&format!("{}/{id}/index", self.estate.project));
        self.indexes
            .insert(id.into(), AreaIndex::new_doc(id, name, Some(project_id))?);
        self.estate.areas.push(Area {
            id: id.into(),
            name: name.into(),
            project_id: project_id.into(),
            index,
        });
        Ok(())
    }

    /// Files a record under `name` (its stable ID) in the areas `areas`.
    pub(crate) fn file<K: Kind>(
        &mut self,
        areas: &[&str],
        name: &str,
        doc: AutoCommit,
    ) -> Result<DocumentId, RecordError> {
        let id = stable_id(&format!("{}/{name}", self.estate.project));
        Record::<K>::from_doc(&doc)?;
        self.listed
            .push((id, areas.iter().map(|a| (*a).to_owned()).collect()));
        self.estate.docs.push((id, doc));
        Ok(id)
    }

    /// Acts on a filed record (the demo's history is written with real events).
    pub(crate) fn act<K: Kind>(
        &mut self,
        id: DocumentId,
        input: crate::records::journal::Input<K::Action>,
        actor: &crate::records::people::Actor,
        at: i64,
    ) -> Result<(), RecordError> {
        let doc = self
            .estate
            .docs
            .iter_mut()
            .find(|(d, _)| *d == id)
            .map(|(_, doc)| doc)
            .ok_or_else(|| {
                RecordError::invalid("document", format!("{id} is not in the estate"))
            })?;
        Record::<K>::act(doc, input, actor, at)?;
        Ok(())
    }

    /// Lists a filed record in another area's index too.
    pub(crate) fn list_also(&mut self, id: DocumentId, area: &str) {
        if let Some((_, areas)) = self.listed.iter_mut().find(|(d, _)| *d == id) {
            areas.push(area.to_owned());
        }
    }

    /// The ID of a record's latest event.
    pub(crate) fn last_event<K: Kind>(
        &self,
        id: DocumentId,
    ) -> Result<crate::records::EventId, RecordError> {
        let doc = self
            .estate
            .docs
            .iter()
            .find(|(d, _)| *d == id)
            .map(|(_, doc)| doc)
            .ok_or_else(|| {
                RecordError::invalid("document", format!("{id} is not in the estate"))
            })?;
        Record::<K>::from_doc(doc)?
            .events
            .last()
            .map(|e| e.id.clone())
            .ok_or_else(|| RecordError::invalid("events", "the record has no events"))
    }

    /// Files a new record with no events.
    pub(crate) fn add<K: Kind>(
        &mut self,
        area: &str,
        name: &str,
        header: &K::Header,
    ) -> Result<DocumentId, RecordError> {
        self.file::<K>(&[area], name, Record::<K>::new_doc(header)?)
    }

    fn units(
        &mut self,
        area: &str,
        codes: impl IntoIterator<Item = String>,
    ) -> Result<(), RecordError> {
        for code in codes {
            let status = demo_status(&code);
            let header = UnitHeader::new(code.parse()?, area, status);
            let id = self.add::<Unit>(area, &format!("{area}/unit/{code}"), &header)?;
            self.units.insert((area.into(), code), id);
        }
        Ok(())
    }

    /// A unit's document ID.
    pub(crate) fn unit(&self, area: &str, code: &str) -> DocumentId {
        self.units
            .get(&(area.to_owned(), code.to_owned()))
            .copied()
            .unwrap_or_else(|| stable_id(&format!("{}/{area}/unit/{code}", self.estate.project)))
    }

    /// The codes of an area's units in a status, in natural order.
    pub(crate) fn codes_with(&self, area: &str, status: UnitStatus) -> Vec<String> {
        let mut codes: Vec<String> = self
            .units
            .keys()
            .filter(|(a, code)| a == area && demo_status(code) == status)
            .map(|(_, code)| code.clone())
            .collect();
        codes.sort_by_key(|c| crate::records::unit::natural_key(c));
        codes
    }

    /// Lists every record, as its events left it, in its areas' indexes.
    fn finish(mut self) -> Result<Estate, RecordError> {
        let docs: std::collections::HashMap<DocumentId, &AutoCommit> = self
            .estate
            .docs
            .iter()
            .map(|(id, doc)| (*id, doc))
            .collect();
        for (id, areas) in &self.listed {
            let Some(record) = docs
                .get(id)
                .map(|d| AnyRecord::from_doc(d))
                .transpose()?
                .flatten()
            else {
                continue;
            };
            let entry = record.entry();
            for area in areas {
                if let Some(index) = self.indexes.get_mut(area) {
                    AreaIndex::put_entry(index, *id, &entry)?;
                }
            }
        }
        for area in &self.estate.areas {
            if let Some(index) = self.indexes.remove(&area.id) {
                self.estate.docs.push((area.index, index));
            }
        }
        Ok(self.estate)
    }
}

/// The demo statuses: floors 14–15 undelivered, room 1301 entrusted vacant, room 1202
/// renovating, the rest occupied.
pub fn demo_status(code: &str) -> UnitStatus {
    let room = code.rsplit('-').next().unwrap_or_default();
    let (floor, number) = room.split_at(room.len().saturating_sub(2));
    match (floor.parse::<u32>().unwrap_or(0), number) {
        (14.., _) => UnitStatus::UndeliveredVacant,
        (13, "01") => UnitStatus::EntrustedVacant,
        (12, "02") => UnitStatus::Renovating,
        _ => UnitStatus::Occupied,
    }
}

/// The codes of five buildings from `first`: 2 entrances, 15 floors, 2 rooms a floor.
fn five_buildings(first: usize) -> impl Iterator<Item = String> {
    (first..first + 5).flat_map(|b| {
        (1..=2).flat_map(move |e| {
            (1..=15).flat_map(move |f| (1..=2).map(move |r| format!("{b}-{e}-{f}{r:02}")))
        })
    })
}

/// The demo: project 翠湖花园, two areas, 600 units, one housekeeper per area, and a
/// month of work in October 2026.
pub fn demo_estate() -> Result<Estate, RecordError> {
    let mut b = Builder::new("翠湖花园");
    for (n, (name, keeper_id, keeper)) in [("一区", "hk-zhang", "张敏"), ("二区", "hk-li", "李强")]
        .into_iter()
        .enumerate()
    {
        let area_id = format!("A{}", n + 1);
        b.area(&area_id, name, "P1")?;
        b.units(&area_id, five_buildings(n * 5 + 1))?;
        b.estate.housekeepers.push(Housekeeper {
            id: keeper_id.into(),
            name: keeper.into(),
            area_id,
        });
    }
    add_sample_month(&mut b)?;
    b.finish()
}

/// One large area for the P1 benchmark: 600 units and enough past inspections to make
/// `documents` documents in all (the index included).
pub fn bench_area(documents: usize) -> Result<Estate, RecordError> {
    bench_company(1, documents)
}

/// A company of `areas` areas (`B1`, `B2`, …, one project) of `documents` documents
/// each: up to 600 units and past inspections, a month apart.
pub fn bench_company(areas: usize, documents: usize) -> Result<Estate, RecordError> {
    bench_areas(&vec![documents; areas])
}

/// A company whose areas (`B1`, `B2`, …) hold `documents[i]` documents each. Areas share
/// nothing but the project's name (every ID comes from names), so runs of them are made
/// on as many threads as the machine has, and joined in order.
pub fn bench_areas(documents: &[usize]) -> Result<Estate, RecordError> {
    const PROJECT: &str = "压测项目";
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let run = documents.len().div_ceil(threads).max(1);
    let parts = std::thread::scope(|scope| {
        let making: Vec<_> = documents
            .chunks(run)
            .enumerate()
            .map(|(r, sizes)| {
                scope.spawn(move || {
                    let mut b = Builder::new(PROJECT);
                    for (i, &count) in sizes.iter().enumerate() {
                        bench_area_into(&mut b, &format!("B{}", r * run + i + 1), count)?;
                    }
                    b.finish()
                })
            })
            .collect();
        making
            .into_iter()
            .map(|m| {
                m.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect::<Result<Vec<Estate>, RecordError>>()
    })?;
    let mut estate = Builder::new(PROJECT).estate;
    for part in parts {
        estate.areas.extend(part.areas);
        estate.housekeepers.extend(part.housekeepers);
        estate.docs.extend(part.docs);
    }
    Ok(estate)
}

fn bench_area_into(b: &mut Builder, area: &str, documents: usize) -> Result<(), RecordError> {
    b.area(area, &format!("压测片区{}", &area[1..]), "P-bench")?;
    let units = documents.saturating_sub(1).min(600);
    let codes: Vec<String> = (0..units)
        .map(|i| {
            format!(
                "{}-{}-{}{:02}",
                i / 60 + 1,
                i % 60 / 30 + 1,
                i % 30 / 2 + 1,
                i % 2 + 1
            )
        })
        .collect();
    b.units(area, codes.clone())?;
    // Past months' inspections, spread over the units, a month apart.
    for i in 0..documents.saturating_sub(1 + units) {
        let k = i % units.max(1);
        let form = InspectionForm {
            ventilated: true,
            cleaning_arranged: i % 3 != 0,
            notes: "例行巡查".into(),
            ..InspectionForm::default()
        };
        let at = 1_700_000_000_000 + (i / units.max(1)) as i64 * 2_592_000_000 + k as i64 * 60_000;
        let unit = b.unit(area, &codes[k]);
        let record = Inspection::new(
            unit,
            codes[k].parse()?,
            area.into(),
            form,
            "hk-bench".into(),
            at,
        )?;
        b.add::<VacantInspection>(area, &format!("{area}/inspection/{i}"), &record)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::records::index::AreaIndex;

    #[test]
    fn areas_made_on_threads_are_joined_in_order_each_listing_its_own_records() {
        let sizes = [30, 45, 20, 61, 12];
        let estate = bench_areas(&sizes).expect("estate");
        let names: Vec<&str> = estate.areas.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(names, ["B1", "B2", "B3", "B4", "B5"]);
        let ids: HashSet<DocumentId> = estate.docs.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids.len(), sizes.iter().sum::<usize>(), "no document twice");
        for (area, size) in estate.areas.iter().zip(sizes) {
            let (_, doc) = estate
                .docs
                .iter()
                .find(|(id, _)| *id == area.index)
                .expect("index");
            let index = AreaIndex::from_doc(doc).expect("reads");
            assert_eq!(
                index.entries.len(),
                size - 1,
                "{} lists its records",
                area.id
            );
            assert!(index.entries.keys().all(|id| ids.contains(id)));
        }
        // The same names give the same IDs however the areas are split among threads.
        let alone = bench_area(30).expect("one area");
        let first: HashSet<DocumentId> = alone.docs.iter().map(|(id, _)| *id).collect();
        assert!(first.is_subset(&ids));
    }
}
