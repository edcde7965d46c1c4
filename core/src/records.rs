//! Typed records over Automerge documents. Each record is one document whose root has a
//! `kind`; each area has one index document listing its records.
//!
//! Stored shapes (field names, string values) are a compatibility promise with every
//! replica ever deployed: rename nothing, only add.

pub mod index;
pub mod inspection;
pub mod month;
pub mod text;
pub mod unit;

use automerge::{AutoCommit, ROOT, ReadDoc};

/// Why a record could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("document is not a {expected} (its kind is {found:?})")]
    WrongKind {
        expected: &'static str,
        found: Option<String>,
    },
    #[error("record is malformed: {0}")]
    Hydrate(Box<autosurgeon::HydrateError>),
    #[error("record could not be written: {0}")]
    Reconcile(Box<autosurgeon::ReconcileError>),
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
}

impl From<autosurgeon::HydrateError> for RecordError {
    fn from(e: autosurgeon::HydrateError) -> Self {
        Self::Hydrate(Box::new(e))
    }
}

impl From<autosurgeon::ReconcileError> for RecordError {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        Self::Reconcile(Box::new(e))
    }
}

/// A new document whose root is `value`.
pub(crate) fn new_doc(value: impl autosurgeon::Reconcile) -> Result<AutoCommit, RecordError> {
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, value)?;
    Ok(doc)
}

/// The `kind` string at a document's root, if any.
pub fn kind_of(doc: &AutoCommit) -> Option<String> {
    match doc.get(ROOT, "kind") {
        Ok(Some((automerge::Value::Scalar(s), _))) => s.as_str().map(str::to_owned),
        Ok(Some((automerge::Value::Object(automerge::ObjType::Text), id))) => doc.text(id).ok(),
        _ => None,
    }
}

/// Refuses a document whose root `kind` is not the expected one.
pub(crate) fn expect_kind(doc: &AutoCommit, expected: &'static str) -> Result<(), RecordError> {
    match kind_of(doc) {
        Some(found) if found == expected => Ok(()),
        found => Err(RecordError::WrongKind { expected, found }),
    }
}
