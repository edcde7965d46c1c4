//! The shared core of the field system: domain records and the sans-IO sync engine.
//!
//! Layout:
//! - [`ids`] — document IDs (base58check), `automerge:` URLs, peer IDs;
//! - [`protocol`] — automerge-repo network protocol v1 messages in CBOR;
//! - [`storage`] — automerge-repo's storage key layout and compaction rule;
//! - [`engine`] — the sync engine: frames, storage reads and edits in; frames and storage
//!   writes out; no sockets, files or clock;
//! - [`records`] — typed records over Automerge: each a header and an append-only journal
//!   of events (units, tickets, inspections, patrols, renovations, visits and plans, keys,
//!   fees, rectification items, the project calendar), what each can do next, the area
//!   index, and the vocabulary of choices and action names the apps render from;
//! - [`rules`] — deadlines (each record's clocks), major complaints, due work and monthly
//!   statistics, as pure functions of parsed records and `now`;
//! - [`time`] — Asia/Shanghai days and months, half-year rounds, the working-day calendar;
//! - [`replica`] — one area's replica: the engine, the area index that says which
//!   documents to hold, and the records parsed at their current heads;
//! - [`problem`] — refusals as data: a stable code, the field, a message in Chinese;
//! - [`demo`] — a generated estate for demos, tests and benchmarks;
//!
//! Architecture invariant: nothing in this crate performs IO or reads the clock.

pub mod access;
#[cfg(feature = "demo")]
pub mod demo;
pub mod engine;
#[cfg(feature = "demo")]
pub mod fuzzing;
pub mod ids;
#[cfg(feature = "openapi")]
mod openapi;
pub mod problem;
pub mod protocol;
pub mod records;
pub mod replica;
pub mod rules;
pub mod storage;
pub mod time;
pub mod untrusted;

pub use engine::{Config, ConnId, Effects, Engine, EngineError, Event, Gate, Open, Role};
pub use ids::{DocumentId, PeerId};
