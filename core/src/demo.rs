//! A generated estate, the same on every run: the demo the server starts with, the data of
//! the benchmarks, and fixtures for tests. IDs derive from names, so a second run finds
//! the documents of the first.

use automerge::AutoCommit;
use sha2::{Digest, Sha256};

use crate::ids::DocumentId;
use crate::records::RecordError;
use crate::records::index::AreaIndex;
use crate::records::inspection::{Inspection, InspectionForm, InspectionRecord};
use crate::records::unit::{UnitHeader, UnitRecord, UnitStatus};

/// An area (片区) and its index document.
#[derive(Debug, Clone)]
pub struct Area {
    pub id: String,
    pub name: String,
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

/// A stable document ID derived from a name.
pub fn stable_id(name: &str) -> DocumentId {
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    DocumentId::from_bytes(bytes)
}

/// The demo: project 翠湖花园, two areas of five buildings, 600 units, about a quarter of
/// them vacant, one housekeeper per area.
pub fn demo_estate() -> Result<Estate, RecordError> {
    let mut estate = Estate {
        project: "翠湖花园".into(),
        areas: Vec::new(),
        housekeepers: Vec::new(),
        docs: Vec::new(),
    };
    for (n, (area_name, keeper_id, keeper)) in
        [("一区", "hk-zhang", "张敏"), ("二区", "hk-li", "李强")]
            .into_iter()
            .enumerate()
    {
        let area_id = format!("A{}", n + 1);
        let buildings = (n * 5 + 1)..=(n * 5 + 5);
        let codes = buildings.flat_map(|b| {
            (1..=2).flat_map(move |e| {
                (1..=15).flat_map(move |f| (1..=2).map(move |r| format!("{b}-{e}-{f}{r:02}")))
            })
        });
        add_area(&mut estate, &area_id, area_name, codes.collect(), 0)?;
        estate.housekeepers.push(Housekeeper {
            id: keeper_id.into(),
            name: keeper.into(),
            area_id,
        });
    }
    Ok(estate)
}

/// One large area for the P1 benchmark: 600 units and enough past inspections to make
/// `documents` documents in all (the index included).
pub fn bench_area(documents: usize) -> Result<Estate, RecordError> {
    let mut estate = Estate {
        project: "压测项目".into(),
        areas: Vec::new(),
        housekeepers: Vec::new(),
        docs: Vec::new(),
    };
    let units = documents.saturating_sub(1).min(600);
    let codes = (0..units)
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
    let inspections = documents.saturating_sub(1 + units);
    add_area(&mut estate, "B1", "压测片区", codes, inspections)?;
    Ok(estate)
}

fn status_for(code: &str) -> UnitStatus {
    match Sha256::digest(code.as_bytes())[0] % 20 {
        0..=2 => UnitStatus::UndeliveredVacant,
        3..=4 => UnitStatus::EntrustedVacant,
        5 => UnitStatus::Renovating,
        _ => UnitStatus::Occupied,
    }
}

fn add_area(
    estate: &mut Estate,
    area_id: &str,
    name: &str,
    codes: Vec<String>,
    inspections: usize,
) -> Result<(), RecordError> {
    let index_id = stable_id(&format!("{}/{area_id}/index", estate.project));
    let mut index = AreaIndex::new_doc(area_id, name, Some("P1"))?;
    let mut units = Vec::new();
    let mut unit_ids = Vec::new();
    for code in codes {
        let id = stable_id(&format!("{}/{area_id}/unit/{code}", estate.project));
        let status = status_for(&code);
        let unit = UnitHeader::new(code.parse()?, area_id, status);
        let entry = UnitRecord::from_parts(unit.clone(), Vec::new()).entry();
        AreaIndex::put_entry(&mut index, id, &entry)?;
        estate.docs.push((id, UnitRecord::new_doc(&unit)?));
        units.push(unit.code);
        unit_ids.push(id);
    }
    // Past months' inspections, spread over the units, a month apart.
    for i in 0..inspections {
        let k = i % units.len().max(1);
        let form = InspectionForm {
            ventilated: true,
            cleaning_arranged: i % 3 != 0,
            notes: "例行巡查".into(),
            ..InspectionForm::default()
        };
        let at =
            1_700_000_000_000 + (i / units.len().max(1)) as i64 * 2_592_000_000 + k as i64 * 60_000;
        let record = Inspection::new(
            unit_ids[k],
            units[k].clone(),
            area_id.into(),
            form,
            "hk-bench".into(),
            at,
        )?;
        let id = stable_id(&format!("{}/{area_id}/inspection/{i}", estate.project));
        let doc = record.to_doc()?;
        let entry = InspectionRecord::from_parts(record, Vec::new()).entry();
        AreaIndex::put_entry(&mut index, id, &entry)?;
        estate.docs.push((id, doc));
    }
    estate.docs.push((index_id, index));
    estate.areas.push(Area {
        id: area_id.into(),
        name: name.into(),
        index: index_id,
    });
    Ok(())
}
