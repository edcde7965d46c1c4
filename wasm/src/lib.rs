//! The phone's view of the core: one [`FieldReplica`] per signed-in housekeeper. JS does
//! only IO — the WebSocket, IndexedDB, the clock — and carries out the effects this
//! returns, in order: storage writes (awaited), then frames. Every rule lives in
//! `estate-core`; nothing here decides anything.

use estate_core::engine::{Config, ConnId, Effects, Event, Role};
use estate_core::problem::Problem;
use estate_core::records::inspection::InspectionForm;
use estate_core::records::{Actor, StaffRole};
use estate_core::replica::Replica;
use estate_core::storage::{StorageKey, StorageOp};
use estate_core::time::Month;
use estate_core::{DocumentId, ids::IdError};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// A JS `Error` carrying a refusal: its `message` is for the person (Chinese), its
/// `code` and `field` for the app, which keys on them and never on the words.
fn problem_error(problem: &Problem) -> JsValue {
    let error = js_sys::Error::new(&problem.message);
    let _ = js_sys::Reflect::set(&error, &"code".into(), &problem.code.into());
    if let Some(field) = &problem.field {
        let _ = js_sys::Reflect::set(&error, &"field".into(), &field.as_str().into());
    }
    error.into()
}

/// The core's refusal, typed.
fn refusal(e: impl Into<Problem>) -> JsValue {
    problem_error(&e.into())
}

/// Anything else: input the skin could not read, output it could not write.
fn js_error(e: impl std::fmt::Display) -> JsValue {
    problem_error(&Problem {
        code: "internal",
        field: None,
        message: e.to_string(),
    })
}

fn parse_id(text: &str) -> Result<DocumentId, JsValue> {
    DocumentId::parse_url_or_id(text).map_err(|e: IdError| {
        problem_error(&Problem {
            code: "invalid",
            field: Some("id".into()),
            message: format!("记录编号无效：{e}"),
        })
    })
}

/// A JS value as JSON. Through JSON text, so whole numbers stay integers (a timestamp
/// must not arrive as a float).
fn from_js<T: serde::de::DeserializeOwned>(value: &JsValue) -> Result<T, JsValue> {
    let text: String = js_sys::JSON::stringify(value)
        .map_err(|_| js_error("value cannot be turned into JSON"))?
        .into();
    let value: serde_json::Value = serde_json::from_str(&text).map_err(js_error)?;
    serde_json::from_value(value).map_err(js_error)
}

fn parse_role(text: &str) -> Result<StaffRole, JsValue> {
    text.parse().map_err(|_| {
        problem_error(&Problem {
            code: "invalid",
            field: Some("viewer".into()),
            message: format!("角色应为 housekeeper、supervisor、office 或 admin，而不是 {text:?}"),
        })
    })
}

fn parse_month(text: &str) -> Result<Month, JsValue> {
    text.parse().map_err(refusal)
}

/// Effects carry bytes, which must reach JS as `Uint8Array`s.
fn effects_to_js(value: &JsEffects) -> Result<JsValue, JsValue> {
    value
        .serialize(
            &serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false),
        )
        .map_err(js_error)
}

/// Everything else crosses as JSON text, parsed by the browser: one serializer for every
/// type keeps the WASM small.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    // Through a `Value`: typed data then needs only the one serializer the core uses.
    let value = serde_json::to_value(value).map_err(js_error)?;
    let text = serde_json::to_string(&value).map_err(js_error)?;
    js_sys::JSON::parse(&text).map_err(|_| js_error("the core produced invalid JSON"))
}

/// One stored chunk as IndexedDB holds it.
#[derive(Deserialize)]
struct Chunk {
    key: Vec<String>,
    #[serde(with = "serde_bytes")]
    data: Vec<u8>,
}

/// A storage write for IndexedDB.
#[derive(Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
enum JsStorageOp {
    Put {
        key: [String; 3],
        #[serde(with = "serde_bytes")]
        data: Vec<u8>,
    },
    Delete {
        key: [String; 3],
    },
}

/// What JS must do after a call, in this order.
#[derive(Serialize)]
struct JsEffects {
    storage: Vec<JsStorageOp>,
    loads: Vec<String>,
    sends: Vec<serde_bytes::ByteBuf>,
    close: bool,
    changed: Vec<String>,
    errors: Vec<String>,
}

impl From<Effects> for JsEffects {
    fn from(effects: Effects) -> Self {
        let storage = effects
            .storage
            .into_iter()
            .map(|op| match op {
                StorageOp::Put(key, data) => JsStorageOp::Put {
                    key: key.to_parts(),
                    data,
                },
                StorageOp::Delete(key) => JsStorageOp::Delete {
                    key: key.to_parts(),
                },
            })
            .collect();
        let mut changed = Vec::new();
        let mut errors = Vec::new();
        for event in effects.events {
            match event {
                Event::DocChanged { document } => changed.push(document.to_string()),
                Event::PeerError { message, .. }
                | Event::Refused { message, .. }
                | Event::Denied {
                    reason: message, ..
                } => {
                    errors.push(message);
                }
                Event::StorageDamaged { document, problems } => {
                    errors.push(format!(
                        "本机存储中 {document} 的部分内容无法读取：{}",
                        problems.join("；")
                    ));
                }
                Event::DocUnavailable { .. } | Event::PeerReady { .. } => {}
            }
        }
        Self {
            storage,
            loads: effects.loads.iter().map(ToString::to_string).collect(),
            sends: effects
                .sends
                .into_iter()
                .map(|(_, f)| serde_bytes::ByteBuf::from(f))
                .collect(),
            close: !effects.closes.is_empty(),
            changed,
            errors,
        }
    }
}

/// A housekeeper's replica of one area.
#[wasm_bindgen]
#[derive(Debug)]
pub struct FieldReplica {
    inner: Replica,
    /// The current WebSocket session, if any.
    conn: Option<ConnId>,
    next_conn: ConnId,
}

#[wasm_bindgen]
impl FieldReplica {
    /// `peerId` names this device; `indexUrl` is the area index (`automerge:…`);
    /// `device` is the device ID the server gave at sign-in: every change this replica
    /// makes carries an actor that starts with it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        peer_id: String,
        index_url: &str,
        device: Option<String>,
    ) -> Result<FieldReplica, JsValue> {
        let index = parse_id(index_url)?;
        let mut config = Config::new(Role::Client, peer_id);
        if let Some(device) = device {
            config.actor = Some(estate_core::ids::device_actor(&device).ok_or_else(|| {
                problem_error(&Problem {
                    code: "invalid",
                    field: Some("device".into()),
                    message: "设备编号应为 16 位十六进制数字".into(),
                })
            })?);
        }
        Ok(Self {
            inner: Replica::new(config, index),
            conn: None,
            next_conn: 1,
        })
    }

    /// Hands over one document's chunks read from IndexedDB (an empty list if none).
    #[wasm_bindgen(js_name = loadChunks)]
    pub fn load_chunks(&mut self, doc_id: &str, chunks: JsValue) -> Result<(), JsValue> {
        let id = parse_id(doc_id)?;
        let chunks: Vec<Chunk> = serde_wasm_bindgen::from_value(chunks).map_err(js_error)?;
        let parsed = chunks
            .into_iter()
            .filter_map(|c| Some((StorageKey::from_parts(&c.key)?, c.data)))
            .collect();
        self.inner.load(id, parsed);
        Ok(())
    }

    /// Every document IndexedDB holds has been handed over (`loadChunks`): one wanted from
    /// now on that is not held is not stored, and is asked of the server without a read.
    #[wasm_bindgen(js_name = allStoredLoaded)]
    pub fn all_stored_loaded(&mut self) {
        self.inner.engine().all_stored_loaded();
    }

    /// IndexedDB did not take a batch's writes for these documents: each is written whole
    /// with the next batch, so no later increment is stored without what it builds on.
    #[wasm_bindgen(js_name = storageFailed)]
    pub fn storage_failed(&mut self, doc_ids: Vec<String>) -> Result<(), JsValue> {
        let ids = doc_ids
            .into_iter()
            .map(|id| parse_id(&id))
            .collect::<Result<Vec<_>, _>>()?;
        self.inner.engine().storage_failed(ids);
        Ok(())
    }

    /// The WebSocket opened.
    pub fn connected(&mut self, now_ms: f64) {
        let conn = self.next_conn;
        self.next_conn += 1;
        self.conn = Some(conn);
        self.inner.engine().connect(conn, now_ms as u64);
    }

    /// The WebSocket closed.
    pub fn disconnected(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.inner.engine().disconnect(conn);
        }
    }

    /// A binary frame arrived.
    pub fn receive(&mut self, frame: &[u8], now_ms: f64) {
        if let Some(conn) = self.conn {
            self.inner.engine().receive(conn, frame, now_ms as u64);
        }
    }

    /// Collects the work to do: storage writes, loads, frames (see the type's docs).
    pub fn flush(&mut self) -> Result<JsValue, JsValue> {
        effects_to_js(&JsEffects::from(self.inner.flush()))
    }

    /// The area's name and ID, or null before the index has arrived.
    #[wasm_bindgen(js_name = areaInfo)]
    pub fn area_info(&mut self) -> Result<JsValue, JsValue> {
        match self.inner.read_index() {
            Ok(index) => to_js(&serde_json_like::AreaInfo {
                area_id: index.area_id.clone(),
                name: index.name.clone(),
                entries: index.entries.len(),
            }),
            Err(_) => Ok(JsValue::NULL),
        }
    }

    /// Vacant units and whether each is inspected this month (Asia/Shanghai).
    #[wasm_bindgen(js_name = vacantUnits)]
    pub fn vacant_units(&mut self, now_ms: f64) -> Result<JsValue, JsValue> {
        let units = self
            .inner
            .vacant_units(Month::at(now_ms as i64))
            .map_err(refusal)?;
        to_js(&units)
    }

    /// Records an inspection; returns the new document's ID.
    #[wasm_bindgen(js_name = recordInspection)]
    pub fn record_inspection(
        &mut self,
        unit_id: &str,
        form: &JsValue,
        inspector: &str,
        now_ms: f64,
    ) -> Result<String, JsValue> {
        let unit = parse_id(unit_id)?;
        let form: InspectionForm = from_js(form)?;
        let id = self
            .inner
            .record_inspection(unit, form, inspector, now_ms as i64)
            .map_err(refusal)?;
        Ok(id.to_string())
    }

    /// Every inspection held, newest first.
    pub fn inspections(&mut self) -> Result<JsValue, JsValue> {
        let list: Vec<serde_json_like::Listed> = self
            .inner
            .inspections()
            .map_err(refusal)?
            .into_iter()
            .map(|(id, record)| serde_json_like::Listed {
                id: id.to_string(),
                record,
            })
            .collect();
        to_js(&list)
    }

    /// Files a new record of `kind` from its header; returns the new document's ID.
    #[wasm_bindgen(js_name = createRecord)]
    pub fn create_record(&mut self, kind: &str, header: &JsValue) -> Result<String, JsValue> {
        let header = from_js(header)?;
        let id = self.inner.create_json(kind, header).map_err(refusal)?;
        Ok(id.to_string())
    }

    /// Acts on a record (`{"type": "dispatch", "to": …, "note": …}`) as `actor`
    /// (`{"user", "role"}`); returns the new event's ID. Throws when the action makes no
    /// sense from the record's current state, saying why.
    pub fn act(
        &mut self,
        doc_id: &str,
        input: &JsValue,
        actor: &JsValue,
        now_ms: f64,
    ) -> Result<String, JsValue> {
        let id = parse_id(doc_id)?;
        let actor: Actor = from_js(actor)?;
        let event = self
            .inner
            .act_json(id, from_js(input)?, &actor, now_ms as i64)
            .map_err(refusal)?;
        Ok(event.0)
    }

    /// A record with its journal, state and open flags, as `viewer` (a role) sees it.
    pub fn record(&mut self, doc_id: &str, viewer: &JsValue) -> Result<JsValue, JsValue> {
        let id = parse_id(doc_id)?;
        let viewer: StaffRole = from_js(viewer)?;
        let view = self
            .inner
            .record(id)
            .map_err(refusal)?
            .view(viewer)
            .map_err(refusal)?;
        to_js(&view)
    }

    /// What a record screen renders, as `viewer` (a role: `housekeeper`, …) sees it at
    /// `nowMs`: `record()`'s object plus `offers` (the actions it accepts now that the
    /// role may take, each as stored: `{type, …}`) and `clocks` (every deadline it runs
    /// against, met or not).
    #[wasm_bindgen(js_name = recordView)]
    pub fn record_view(
        &mut self,
        doc_id: &str,
        viewer: &str,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let id = parse_id(doc_id)?;
        let viewer = parse_role(viewer)?;
        let view = self
            .inner
            .record_view(id, viewer, now_ms as i64)
            .map_err(refusal)?;
        to_js(&view)
    }

    /// The records of one kind the index lists, with their key facts.
    #[wasm_bindgen(js_name = listRecords)]
    pub fn list_records(&mut self, kind: &str) -> Result<JsValue, JsValue> {
        let list: Vec<serde_json_like::Entry> = self
            .inner
            .list(kind)
            .map_err(refusal)?
            .into_iter()
            .map(|(id, entry)| serde_json_like::Entry {
                id: id.to_string(),
                entry,
            })
            .collect();
        to_js(&list)
    }

    /// The households a visit plan for `month` (`YYYY-MM`) chooses from:
    /// `[{unit, code, keyCustomer, visitedInRound}]`, key customers first.
    #[wasm_bindgen(js_name = visitCandidates)]
    pub fn visit_candidates(&mut self, month: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.visit_candidates(parse_month(month)?))
    }

    /// The checkpoints of the area's daily patrol: `[{id, place, point}]`.
    pub fn checkpoints(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.checkpoints().map_err(refusal)?)
    }

    /// The special-service prices the area's project publishes: `[{item, unit, priceFen}]`.
    #[wasm_bindgen(js_name = servicePrices)]
    pub fn service_prices(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.service_prices().map_err(refusal)?)
    }

    /// What is due in the area at `nowMs`.
    #[wasm_bindgen(js_name = dueWork)]
    pub fn due_work(&mut self, now_ms: f64) -> Result<JsValue, JsValue> {
        to_js(&self.inner.due_work(now_ms as i64))
    }

    /// The area's monthly statistics (`month` is `YYYY-MM`) as of `nowMs`, with the
    /// summary the fixtures hold.
    pub fn statistics(&mut self, month: &str, now_ms: f64) -> Result<JsValue, JsValue> {
        let stats = self
            .inner
            .statistics(parse_month(month)?, now_ms as i64)
            .map_err(refusal)?;
        to_js(&serde_json_like::Statistics {
            summary: stats.summary(),
            statistics: stats,
        })
    }

    /// The area's fee collection for `month` (`YYYY-MM`) as of `nowMs`: the plan, what
    /// was collected, the ledger per household.
    #[wasm_bindgen(js_name = feeCollection)]
    pub fn fee_collection(&mut self, month: &str, now_ms: f64) -> Result<JsValue, JsValue> {
        let month = parse_month(month)?;
        to_js(
            &self
                .inner
                .fee_collection(month, now_ms as i64)
                .map_err(refusal)?,
        )
    }

    /// Records the server refused: `[{id, reason}]`, the reason in the server's words.
    #[wasm_bindgen(js_name = refusedRecords)]
    pub fn refused_records(&self) -> Result<JsValue, JsValue> {
        let list: Vec<serde_json_like::Refused> = self
            .inner
            .refused()
            .into_iter()
            .map(|(id, reason)| serde_json_like::Refused {
                id: id.to_string(),
                reason,
            })
            .collect();
        to_js(&list)
    }

    /// Records with work the server has not yet confirmed (the area index not counted).
    #[wasm_bindgen(js_name = pendingCount)]
    pub fn pending_count(&mut self) -> usize {
        self.inner.pending_records().len()
    }

    /// Reads the records loaded so far (between slices of an opening phone's stored
    /// documents, so no one screen reads them all at once); how many are read.
    #[wasm_bindgen(js_name = readLoaded)]
    pub fn read_loaded(&mut self) -> usize {
        self.inner.read_loaded()
    }

    /// Whether anything made here (a record or the index) is not yet confirmed by the server.
    #[wasm_bindgen(js_name = holdsUnsent)]
    pub fn holds_unsent(&mut self) -> bool {
        self.inner.holds_unsent()
    }

    /// Documents listed in the index that have not arrived yet.
    #[wasm_bindgen(js_name = missingCount)]
    pub fn missing_count(&mut self) -> usize {
        self.inner.missing()
    }
}

/// Every closed choice set the records store with its Chinese labels, and every
/// action's name by record kind (`[{value, label}]` lists; see
/// `estate_core::records::vocabulary`).
#[wasm_bindgen]
pub fn vocabulary() -> Result<JsValue, JsValue> {
    to_js(&estate_core::records::vocabulary::vocabulary())
}

/// Shapes handed to JS as plain objects.
mod serde_json_like {
    use estate_core::records::index;
    use estate_core::records::inspection::Inspection;
    use estate_core::rules::MonthlyStatistics;
    use serde::Serialize;

    #[derive(Serialize)]
    pub struct Entry {
        pub id: String,
        #[serde(flatten)]
        pub entry: index::Entry,
    }

    #[derive(Serialize)]
    pub struct Statistics {
        pub statistics: MonthlyStatistics,
        pub summary: serde_json::Value,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AreaInfo {
        pub area_id: String,
        pub name: String,
        pub entries: usize,
    }

    #[derive(Serialize)]
    pub struct Listed {
        pub id: String,
        #[serde(flatten)]
        pub record: Inspection,
    }

    #[derive(Serialize)]
    pub struct Refused {
        pub id: String,
        pub reason: String,
    }
}
