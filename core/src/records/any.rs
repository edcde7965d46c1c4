//! Every record kind behind one enum, chosen by the `kind` string at a document's root:
//! what the phone's skin and the server use to create, act on and read records of any
//! kind from JSON, and to build an area's portfolio.

use automerge::AutoCommit;
use serde::Serialize;
use serde_json::Value;

use super::content::ContentHash;
use super::duty::DutyLog;
use super::engagement::Engagement;
use super::fee_plan::FeePlan;
use super::fees::FeeAccount;
use super::index::Entry;
use super::inspection::VacantInspection;
use super::journal::{EventId, Input};
use super::json::{from_value, to_value};
use super::keys::KeyLedger;
use super::kind::{Kind, Record};
use super::meeting::OwnerMeeting;
use super::office::OfficeRow;
use super::patrol::Patrol;
use super::people::{Actor, StaffRole, mask_phones};
use super::project::Project;
use super::rectification::Rectification;
use super::renovation::Renovation;
use super::survey::Survey;
use super::ticket::Ticket;
use super::unit::Unit;
use super::visit::Visit;
use super::visit_plan::VisitPlan;
use super::weather::SpecialWeather;
use super::{RecordError, kind_of};
use crate::ids::DocumentId;

macro_rules! any_record {
    ($($variant:ident => $kind:ty,)+) => {
        /// A record of any kind (boxed: records differ a lot in size).
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum AnyRecord {
            $($variant(Box<Record<$kind>>),)+
        }

        /// Every record kind's `kind` string.
        pub const KINDS: &[&str] = &[$(<$kind as Kind>::KIND,)+];

        /// Every record kind's `kind` string with its actions (`type`, Chinese name).
        pub const ACTIONS: &[(&str, &[(&str, &str)])] =
            &[$((<$kind as Kind>::KIND, <$kind as Kind>::ACTIONS),)+];

        impl AnyRecord {
            /// Reads a document; `Ok(None)` for a document that is not a record (the
            /// area index, a foreign document).
            pub fn from_doc(doc: &AutoCommit) -> Result<Option<Self>, RecordError> {
                Ok(Some(match kind_of(doc).as_deref() {
                    $(Some(<$kind as Kind>::KIND) => Self::$variant(Box::new(Record::<$kind>::from_doc(doc)?)),)+
                    _ => return Ok(None),
                }))
            }

            /// A new document of kind `kind` from a JSON header.
            pub fn create(kind: &str, header: Value) -> Result<(AutoCommit, Self), RecordError> {
                match kind {
                    $(<$kind as Kind>::KIND => {
                        let header: <$kind as Kind>::Header = from_value(header, <$kind as Kind>::KIND)?;
                        let doc = Record::<$kind>::new_doc(&header)?;
                        let record = Record::<$kind>::from_parts(header, Vec::new());
                        Ok((doc, Self::$variant(Box::new(record))))
                    })+
                    other => Err(RecordError::invalid("kind", format!("{other:?} 不是记录种类"))),
                }
            }

            /// Acts on a document of any kind with a JSON input (see `journal::Input`).
            pub fn act(
                doc: &mut AutoCommit,
                input: Value,
                actor: &Actor,
                now_ms: i64,
            ) -> Result<(EventId, Self), RecordError> {
                match kind_of(doc).as_deref() {
                    $(Some(<$kind as Kind>::KIND) => {
                        let input = Input::<<$kind as Kind>::Action>::from_json(input)?;
                        let (id, record) = Record::<$kind>::act(doc, input, actor, now_ms)?;
                        Ok((id, Self::$variant(Box::new(record))))
                    })+
                    found => Err(RecordError::WrongKind { expected: "record", found: found.map(str::to_owned) }),
                }
            }

            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => <$kind as Kind>::KIND,)+
                }
            }

            pub fn area(&self) -> &str {
                match self {
                    $(Self::$variant(r) => r.area(),)+
                }
            }

            pub fn entry(&self) -> Entry {
                match self {
                    $(Self::$variant(r) => r.entry(),)+
                }
            }

            /// The line naming the record in the office's lists.
            pub fn title(&self) -> String {
                match self {
                    $(Self::$variant(r) => r.title(),)+
                }
            }

            /// The kind's own office rows of the record `id` (see `office.rs`).
            pub fn office_rows(&self, id: DocumentId) -> Vec<OfficeRow> {
                match self {
                    $(Self::$variant(r) => r.office_rows(id),)+
                }
            }

            /// Tables whose rows of this record are replaced whole (`Kind::OFFICE_OWNS`).
            pub fn office_owns(&self) -> &'static [(&'static str, &'static str)] {
                match self {
                    $(Self::$variant(_) => <$kind as Kind>::OFFICE_OWNS,)+
                }
            }

            /// Every photo and signature the record refers to.
            pub fn content(&self) -> Vec<&ContentHash> {
                match self {
                    $(Self::$variant(r) => r.content(),)+
                }
            }

            /// What the record can do next for someone in `role` (see `Record::offers`).
            pub fn offers(&self, role: StaffRole, now_ms: i64) -> Vec<Value> {
                match self {
                    $(Self::$variant(r) => r.offers(role, now_ms),)+
                }
            }

            /// The record as `viewer` sees it: phone numbers masked unless the viewer's
            /// role calls customers.
            pub fn view(&self, viewer: StaffRole) -> Result<Value, RecordError> {
                let mut value = to_value(self)?;
                if !viewer.sees_full_phone() {
                    mask_phones(&mut value);
                }
                Ok(value)
            }
        }
    };
}

any_record! {
    Unit => Unit,
    Ticket => Ticket,
    Inspection => VacantInspection,
    Patrol => Patrol,
    Renovation => Renovation,
    Visit => Visit,
    VisitPlan => VisitPlan,
    KeyLedger => KeyLedger,
    FeeAccount => FeeAccount,
    FeePlan => FeePlan,
    Rectification => Rectification,
    DutyLog => DutyLog,
    Meeting => OwnerMeeting,
    Engagement => Engagement,
    Survey => Survey,
    Spell => SpecialWeather,
    Project => Project,
}
