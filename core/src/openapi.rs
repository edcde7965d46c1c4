//! JSON schemas of the core's types that serialize as plain strings, for the server's
//! OpenAPI document (the `openapi` feature; the phones never build it).

use utoipa::openapi::schema::{Schema, Type};
use utoipa::openapi::{ObjectBuilder, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::ids::DocumentId;
use crate::time::Month;

fn text(description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .into()
}

impl PartialSchema for DocumentId {
    fn schema() -> RefOr<Schema> {
        text("A document ID: 16 bytes in base58check")
    }
}

impl ToSchema for DocumentId {}

impl PartialSchema for Month {
    fn schema() -> RefOr<Schema> {
        text("A calendar month, YYYY-MM")
    }
}

impl ToSchema for Month {}
