//! Importing units and their owners from a company's spreadsheet (CSV, or the first
//! sheet of an XLSX/XLS/ODS workbook). The first row names the columns, in Chinese or
//! English: 房号/code, 片区/area (both required), 状态/status, 业主/owner, 电话/phone.
//!
//! Every row is checked on its own; good rows become unit records (with the owner as a
//! person) filed in their area's index, in one transaction, and every rejected row is
//! reported with its line and reason. Units already on file are skipped, so a corrected
//! sheet can simply be imported again.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use automerge::AutoCommit;
use calamine::{Reader, open_workbook_auto};
use estate_core::DocumentId;
use estate_core::access::Owner;
use estate_core::records::index::AreaIndex;
use estate_core::records::journal::Input;
use estate_core::records::kind::{Kind, Record};
use estate_core::records::people::{Actor, Phone, StaffRole};
use estate_core::records::unit::{
    Person, Relation, Unit, UnitAction, UnitCode, UnitHeader, UnitStatus,
};
use estate_core::storage::{StorageKey, StorageOp};
use serde::{Deserialize, Serialize};

use crate::commit::{Announcer, Commit, Made};
use crate::store::{self, Store};

/// Units written per transaction.
const UNITS_PER_COMMIT: usize = 200;

/// Who the import's events are signed by.
const IMPORTER: &str = "import";

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {0}: {1}")]
    Read(String, String),
    #[error("the sheet has no header row")]
    Empty,
    #[error("the header row lacks the column {0} (房号/code and 片区/area are required)")]
    Column(&'static str),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Record(#[from] estate_core::records::RecordError),
}

/// One rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rejected {
    /// The row's line in the sheet (the header is line 1).
    pub line: usize,
    pub reason: String,
}

/// What an import did (or, dry, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub imported: usize,
    /// Units already on file (same area and code).
    pub skipped: Vec<usize>,
    pub rejected: Vec<Rejected>,
}

/// A row that passed every check.
#[derive(Debug)]
struct Good {
    code: UnitCode,
    area: String,
    status: UnitStatus,
    owner: Option<(String, Option<Phone>)>,
}

/// The sheet's rows as text with their line numbers in the sheet, header first.
pub(crate) fn read_rows(path: &Path) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let shown = path.display().to_string();
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)
            .map_err(|e| ImportError::Read(shown.clone(), e.to_string()))?;
        return reader
            .records()
            .map(|r| {
                let r = r.map_err(|e| ImportError::Read(shown.clone(), e.to_string()))?;
                let line = r.position().map_or(0, |p| p.line() as usize);
                Ok((line, r.iter().map(str::to_owned).collect()))
            })
            .collect();
    }
    let mut book =
        open_workbook_auto(path).map_err(|e| ImportError::Read(shown.clone(), e.to_string()))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or(ImportError::Empty)?
        .map_err(|e| ImportError::Read(shown, e.to_string()))?;
    // The range starts at the first cell in use; sheet rows count from 1.
    let first = sheet.start().map_or(0, |(row, _)| row as usize) + 1;
    Ok(sheet
        .rows()
        .enumerate()
        .map(|(n, row)| (first + n, row.iter().map(ToString::to_string).collect()))
        .collect())
}

/// Which column holds each field.
struct Columns {
    code: usize,
    area: usize,
    status: Option<usize>,
    owner: Option<usize>,
    phone: Option<usize>,
}

/// The column of `header` named any of `names` (in Chinese or English, any case).
pub(crate) fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
}

impl Columns {
    fn find(header: &[String]) -> Result<Self, ImportError> {
        let at = |names: &[&str]| column(header, names);
        Ok(Self {
            code: at(&["房号", "code"]).ok_or(ImportError::Column("房号/code"))?,
            area: at(&["片区", "area"]).ok_or(ImportError::Column("片区/area"))?,
            status: at(&["状态", "status"]),
            owner: at(&["业主", "owner"]),
            phone: at(&["电话", "phone"]),
        })
    }
}

fn parse_status(text: &str) -> Result<UnitStatus, String> {
    if text.is_empty() {
        return Ok(UnitStatus::Occupied);
    }
    UnitStatus::ALL
        .into_iter()
        .find(|s| s.as_str() == text || s.label_zh() == text)
        .ok_or_else(|| {
            let known: Vec<&str> = UnitStatus::ALL.iter().map(|s| s.label_zh()).collect();
            format!("状态 {text:?} 不认识，应为：{}", known.join("、"))
        })
}

/// Checks one row; `areas` are the areas on file.
fn check_row(row: &[String], columns: &Columns, areas: &BTreeSet<String>) -> Result<Good, String> {
    let cell = |i: usize| row.get(i).map_or("", |s| s.trim());
    let code_text = cell(columns.code);
    if code_text.is_empty() {
        return Err("缺少房号".into());
    }
    let code: UnitCode = code_text
        .parse()
        .map_err(|_| format!("房号 {code_text:?} 格式不对，应为 楼-单元-房号，如 1-2-301"))?;
    let area = cell(columns.area);
    if !areas.contains(area) {
        return Err(format!("没有片区 {area:?}"));
    }
    let status = parse_status(columns.status.map_or("", cell))?;
    let owner = columns.owner.map_or("", cell);
    let phone = columns.phone.map_or("", cell);
    let phone = (!phone.is_empty())
        .then(|| Phone::try_from(phone.to_owned()).map_err(|e| format!("电话：{e}")))
        .transpose()?;
    if owner.is_empty() && phone.is_some() {
        return Err("有电话但没有业主姓名".into());
    }
    Ok(Good {
        code,
        area: area.to_owned(),
        status,
        owner: (!owner.is_empty()).then(|| (owner.to_owned(), phone)),
    })
}

/// A unit record made from a good row.
fn unit_doc(good: &Good, now: i64) -> Result<AutoCommit, ImportError> {
    let header = UnitHeader::new(good.code.clone(), good.area.clone(), good.status);
    let mut doc = Record::<Unit>::new_doc(&header)?;
    if let Some((name, phone)) = &good.owner {
        let person = Person {
            id: "owner".into(),
            name: name.clone(),
            relation: Relation::Owner,
            phone: phone.clone(),
        };
        let actor = Actor::new(IMPORTER, StaffRole::Admin);
        let input = Input::act(UnitAction::Person { person });
        Record::<Unit>::act(&mut doc, input, &actor, now)?;
    }
    Ok(doc)
}

/// Imports `path` into `store`; with `dry_run`, only checks and reports.
pub async fn import_units(
    store: &Store,
    path: &Path,
    dry_run: bool,
    now: i64,
) -> Result<Report, ImportError> {
    let rows = read_rows(path)?;
    let ((_, header), rows) = rows.split_first().ok_or(ImportError::Empty)?;
    let columns = Columns::find(header)?;
    let pool = store.pool();
    let index_of: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT id, index_doc FROM areas")
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
    let areas: BTreeSet<String> = index_of.keys().cloned().collect();
    let on_file: BTreeSet<(String, String)> =
        sqlx::query_as::<_, (String, String)>("SELECT area_id, code FROM units")
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
    let mut report = Report::default();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut good = Vec::new();
    for (line, row) in rows {
        let line = *line;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match check_row(row, &columns, &areas) {
            Err(reason) => report.rejected.push(Rejected { line, reason }),
            Ok(g) => {
                let key = (g.area.clone(), g.code.as_str().to_owned());
                if on_file.contains(&key) {
                    report.skipped.push(line);
                } else if let Some(first) = seen.get(&key) {
                    report.rejected.push(Rejected {
                        line,
                        reason: format!("与第 {first} 行重复"),
                    });
                } else {
                    seen.insert(key, line);
                    good.push(g);
                }
            }
        }
    }
    report.imported = good.len();
    if dry_run || good.is_empty() {
        return Ok(report);
    }
    // Batches keep each write transaction short: a running SQLite server waits for
    // them, and must never wait long.
    for batch in good.chunks(UNITS_PER_COMMIT) {
        write(store, batch, &index_of, now).await?;
    }
    Ok(report)
}

/// Stores a batch of new units and their index entries in one transaction.
async fn write(
    store: &Store,
    good: &[Good],
    index_of: &HashMap<String, String>,
    now: i64,
) -> Result<(), ImportError> {
    let mut by_area: BTreeMap<&str, Vec<(DocumentId, AutoCommit)>> = BTreeMap::new();
    for g in good {
        by_area
            .entry(&g.area)
            .or_default()
            .push((DocumentId::random(), unit_doc(g, now)?));
    }
    let indexes: Vec<DocumentId> = by_area
        .keys()
        .filter_map(|a| index_of.get(*a)?.parse().ok())
        .collect();
    let mut index_docs: HashMap<DocumentId, AutoCommit> = HashMap::new();
    for (id, chunks) in store.load(&indexes).await? {
        index_docs.insert(id, store::assemble(id, chunks));
    }
    let mut storage = Vec::new();
    let mut made = Vec::new();
    for (area, units) in &mut by_area {
        let broken = || ImportError::Read(format!("area {area}"), "its index is missing".into());
        let index = index_of
            .get(*area)
            .and_then(|i| i.parse::<DocumentId>().ok())
            .ok_or_else(broken)?;
        let index_doc = index_docs.get_mut(&index).ok_or_else(broken)?;
        let before = index_doc.get_heads();
        for (id, doc) in units.iter_mut() {
            let entry = Record::<Unit>::from_doc(doc).map(|u| Unit::entry(&u.header, &u.state))?;
            AreaIndex::put_entry(index_doc, *id, &entry)?;
            storage.push(StorageOp::Put(
                StorageKey::snapshot(*id, &doc.get_heads()),
                doc.save(),
            ));
            made.push(Made {
                id: *id,
                kind: Unit::KIND.to_owned(),
                owner: Some(Owner::Area((*area).to_owned())),
            });
        }
        let change = index_doc.save_after(&before);
        storage.push(StorageOp::Put(
            StorageKey::incremental(index, &change),
            change,
        ));
    }
    let units = by_area.values().flatten().map(|(id, doc)| (*id, doc));
    let indexes = index_docs.iter().map(|(id, doc)| (*id, doc));
    let docs: Vec<(DocumentId, &AutoCommit)> = units.chain(indexes).collect();
    let changed: Vec<DocumentId> = docs.iter().map(|(id, _)| *id).collect();
    // Running servers holding an index take the new entries in at once.
    Commit {
        storage: &storage,
        admitted: &[],
        made: &made,
        changed: &changed,
        docs,
        received_at: now,
    }
    .write(store, Announcer::Outside)
    .await?;
    Ok(())
}
