//! Typed records over Automerge documents. Each record is one document whose root has a
//! `kind`, the facts fixed when it was made, and an append-only journal of events from
//! which its state is derived (`kind.rs`); each area has one index document listing its
//! records.
//!
//! Layout:
//! - [`json`] — Automerge values as serde values, so one derive gives the stored shape
//!   and the JS shape;
//! - [`journal`], [`kind`] — events, the shared record shape, folding, conflicts;
//! - [`people`], [`content`] — roles and phone numbers; photo and signature hashes;
//! - the kinds: [`unit`](mod@unit) (archive), [`ticket`] (customer information), [`inspection`]
//!   (vacant units), [`patrol`] (public areas), [`renovation`], [`visit`] and
//!   [`visit_plan`], [`keys`], [`fees`] and [`fee_plan`], [`rectification`], [`survey`] (a satisfaction survey campaign of an area), [`weather`] (a spell of special
//!   weather), [`duty`] (a shift's duty log
//!   and handover), [`project`] (calendar, rain days, settings, special-service prices);
//! - [`index`] — the area index; [`any`] — every kind behind one enum, by `kind` string;
//! - [`vocabulary`] — every closed choice set and action name with its Chinese label,
//!   for the apps to render from.
//!
//! Stored shapes (field names, string values) are a compatibility promise with every
//! replica ever deployed: rename nothing, only add.

/// Declares a closed set of stored string values with Chinese labels.
macro_rules! labelled {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal / $zh:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn label_zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh,)+
                }
            }
        }
    };
}

/// An amount in fen as the forms write it: `120.00 元`.
pub fn yuan_text(fen: u64) -> String {
    format!("{}.{:02} 元", fen / 100, fen % 100)
}

pub mod any;
pub mod content;
pub mod duty;
pub mod engagement;
pub mod fee_plan;
pub mod fees;
pub mod index;
pub mod inspection;
pub mod journal;
pub mod json;
pub mod keys;
pub mod kind;
pub mod meeting;
pub mod office;
pub mod patrol;
pub mod people;
pub mod project;
pub mod rectification;
pub mod renovation;
pub mod survey;
pub mod ticket;
pub mod unit;
pub mod visit;
pub mod visit_plan;
pub mod vocabulary;
pub mod weather;

use automerge::{AutoCommit, ROOT, ReadDoc};

pub use journal::{Event, EventId, Flag, Input, Step};
pub use kind::{Kind, Record};
pub use people::{Actor, StaffRole};

/// Why a record could not be read, written or acted on.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("document is not a {expected} (its kind is {found:?})")]
    WrongKind {
        expected: &'static str,
        found: Option<String>,
    },
    #[error("{what} is malformed: {reason}")]
    Malformed { what: &'static str, reason: String },
    #[error("document could not be changed: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// An action that makes no sense from the record's current state; the reason is
    /// written for the person who tried it.
    #[error("{action} refused: {reason}")]
    Refused { action: String, reason: String },
}

impl RecordError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }
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

#[cfg(test)]
mod tests;
