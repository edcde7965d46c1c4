//! Records as serde sees them. Fields are written as plain Automerge maps, lists and
//! scalars and read back through `serde_json::Value`, so one serde derive gives both the
//! stored shape and the shape JS receives. Reading accepts what any Automerge writer
//! produces: strings as scalars or as Text (JS Automerge 3 writes Text), whole numbers
//! as integers or as floats, counters and timestamps as numbers.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value as AmValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use super::RecordError;

/// Largest integer a float holds exactly (2^53).
const EXACT_FLOAT_INT: f64 = 9_007_199_254_740_992.0;

/// The whole document as a JSON-like value (the root is always an object).
pub fn read_root(doc: &impl ReadDoc) -> Value {
    read_object(doc, &automerge::ROOT, ObjType::Map)
}

/// The same content written afresh by `actor`: a record made by a throwaway actor,
/// before anyone has seen it, becomes this device's own.
pub fn rewrite(doc: &AutoCommit, actor: automerge::ActorId) -> Result<AutoCommit, RecordError> {
    let mut fresh = AutoCommit::new().with_actor(actor);
    if let Value::Object(fields) = read_root(doc) {
        for (key, value) in &fields {
            put(&mut fresh, &automerge::ROOT, key, value)?;
        }
    }
    Ok(fresh)
}

/// One property of the root, if present.
pub fn read_prop(doc: &impl ReadDoc, key: &str) -> Option<Value> {
    match doc.get(automerge::ROOT, key).ok().flatten()? {
        (AmValue::Object(kind), id) => Some(read_object(doc, &id, kind)),
        (AmValue::Scalar(s), _) => Some(scalar(&s)),
    }
}

/// The object `obj`, whatever its type.
pub fn read_object_at(doc: &impl ReadDoc, obj: &ObjId) -> Value {
    doc.object_type(obj)
        .map_or(Value::Null, |kind| read_object(doc, obj, kind))
}

fn read_object(doc: &impl ReadDoc, obj: &ObjId, kind: ObjType) -> Value {
    match kind {
        ObjType::Text => Value::String(doc.text(obj).unwrap_or_default()),
        ObjType::List => Value::Array(
            doc.list_range(obj, ..)
                .map(|item| {
                    let id = item.id();
                    read_value(doc, item.value.into(), &id)
                })
                .collect(),
        ),
        ObjType::Map | ObjType::Table => Value::Object(
            doc.map_range(obj, ..)
                .map(|item| {
                    let id = item.id();
                    let value = read_value(doc, item.value.into(), &id);
                    (item.key.to_string(), value)
                })
                .collect::<Map<_, _>>(),
        ),
    }
}

fn read_value(doc: &impl ReadDoc, value: AmValue<'_>, id: &ObjId) -> Value {
    match value {
        AmValue::Object(kind) => read_object(doc, id, kind),
        AmValue::Scalar(s) => scalar(&s),
    }
}

fn scalar(value: &ScalarValue) -> Value {
    match value {
        ScalarValue::Str(s) => Value::String(s.to_string()),
        ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Value::from(*i),
        ScalarValue::Uint(u) => Value::from(*u),
        ScalarValue::Counter(c) => Value::from(i64::from(c)),
        ScalarValue::F64(f) if f.fract() == 0.0 && f.abs() <= EXACT_FLOAT_INT => {
            Value::from(*f as i64)
        }
        ScalarValue::F64(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        ScalarValue::Boolean(b) => Value::Bool(*b),
        ScalarValue::Bytes(b) => Value::Array(b.iter().map(|x| Value::from(*x)).collect()),
        ScalarValue::Null | ScalarValue::Unknown { .. } => Value::Null,
    }
}

/// Writes `value` under `key` of the map `obj`. A map written over a map is updated
/// key by key and an unchanged scalar is not written again, so concurrent updates of
/// different fields merge and rewriting the same value costs nothing.
pub fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &Value) -> Result<(), RecordError> {
    let existing = doc.get(obj, key)?;
    match (value, existing) {
        (Value::Object(map), Some((AmValue::Object(ObjType::Map), child))) => {
            fill_map(doc, &child, map)
        }
        (Value::Object(map), _) => {
            let child = doc.put_object(obj, key, ObjType::Map)?;
            fill_map(doc, &child, map)
        }
        (Value::Array(items), _) => {
            let child = doc.put_object(obj, key, ObjType::List)?;
            fill_list(doc, &child, items)
        }
        (other, Some((AmValue::Scalar(old), _))) if scalar(&old) == *other => Ok(()),
        (other, _) => Ok(doc.put(obj, key, to_scalar(other))?),
    }
}

/// Inserts `value` at `index` of the list `obj`.
pub fn insert(
    doc: &mut AutoCommit,
    obj: &ObjId,
    index: usize,
    value: &Value,
) -> Result<(), RecordError> {
    match value {
        Value::Object(map) => {
            let child = doc.insert_object(obj, index, ObjType::Map)?;
            fill_map(doc, &child, map)
        }
        Value::Array(items) => {
            let child = doc.insert_object(obj, index, ObjType::List)?;
            fill_list(doc, &child, items)
        }
        other => Ok(doc.insert(obj, index, to_scalar(other))?),
    }
}

fn fill_map(
    doc: &mut AutoCommit,
    obj: &ObjId,
    map: &Map<String, Value>,
) -> Result<(), RecordError> {
    map.iter().try_for_each(|(k, v)| put(doc, obj, k, v))
}

fn fill_list(doc: &mut AutoCommit, obj: &ObjId, items: &[Value]) -> Result<(), RecordError> {
    items
        .iter()
        .enumerate()
        .try_for_each(|(i, v)| insert(doc, obj, i, v))
}

fn to_scalar(value: &Value) -> ScalarValue {
    match value {
        Value::String(s) => ScalarValue::Str(s.as_str().into()),
        Value::Bool(b) => ScalarValue::Boolean(*b),
        Value::Number(n) => n
            .as_i64()
            .map(ScalarValue::Int)
            .or_else(|| n.as_u64().map(ScalarValue::Uint))
            .unwrap_or_else(|| ScalarValue::F64(n.as_f64().unwrap_or_default())),
        Value::Null | Value::Object(_) | Value::Array(_) => ScalarValue::Null,
    }
}

/// Any serializable value as JSON.
pub fn to_value<T: Serialize>(value: &T) -> Result<Value, RecordError> {
    serde_json::to_value(value).map_err(|e| RecordError::Malformed {
        what: "value",
        reason: e.to_string(),
    })
}

/// A typed value from JSON; `what` names it in the error.
pub fn from_value<T: DeserializeOwned>(value: Value, what: &'static str) -> Result<T, RecordError> {
    serde_json::from_value(value).map_err(|e| RecordError::Malformed {
        what,
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use automerge::ROOT;
    use serde_json::json;

    use super::*;

    #[test]
    fn values_round_trip_through_a_document() {
        let value = json!({
            "kind": "ticket", "n": -3, "big": 1_800_000_000_000_i64, "ok": true, "none": null,
            "nested": {"list": [1, "二", {"x": 2.5}]}
        });
        let mut doc = AutoCommit::new();
        for (k, v) in value.as_object().expect("object") {
            put(&mut doc, &ROOT, k, v).expect("put");
        }
        assert_eq!(read_root(&doc), value);
    }

    #[test]
    fn reads_text_and_whole_floats_as_other_writers_store_them() {
        let mut doc = AutoCommit::new();
        let text = doc.put_object(ROOT, "name", ObjType::Text).expect("text");
        doc.splice_text(&text, 0, 0, "门窗完好").expect("splice");
        doc.put(ROOT, "at", 1_700_000_000_000.0_f64).expect("float");
        doc.put(ROOT, "ratio", 0.5_f64).expect("float");
        assert_eq!(
            read_root(&doc),
            json!({"name": "门窗完好", "at": 1_700_000_000_000_i64, "ratio": 0.5})
        );
    }
}
