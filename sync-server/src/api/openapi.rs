//! `GET /api/openapi.json`: every route of the API with its parameters, bodies and
//! answers, as an OpenAPI document built by utoipa from the handlers' own types (each
//! module lists its routes in a `Doc`). `sync-server openapi` prints the same document;
//! the office console's TypeScript types are generated from it
//! (`app/src/office/openapi.json`, which the test command checks is current).

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    admin, attachments, checkpoints, events, fees, history, lists, office, prices, record,
    records_xlsx, reports, samples, session, statistics, surveys, tickets,
};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(|| async { Json(document()) }))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "片区管家 API",
        description = "The phone app's and the office console's API. Every route but \
            sign-in takes a device's token (`Authorization: Bearer …`, or `?token=` where a \
            browser cannot set headers) and answers only with what that user may see; \
            refusals are `ErrorBody` in Chinese, with the core's `code` and `field` where \
            the core refused."
    ),
    modifiers(&Bearer),
    security(("bearer" = []))
)]
struct Base;

/// Every route is signed in with a device's bearer token.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = Base::openapi();
    for part in parts() {
        doc.merge(part);
    }
    doc
}

/// Each module's routes and schemas.
fn parts() -> [utoipa::openapi::OpenApi; 17] {
    [
        session::Doc::openapi(),
        office::Doc::openapi(),
        lists::Doc::openapi(),
        history::Doc::openapi(),
        record::Doc::openapi(),
        tickets::Doc::openapi(),
        events::Doc::openapi(),
        statistics::Doc::openapi(),
        records_xlsx::Doc::openapi(),
        checkpoints::Doc::openapi(),
        samples::Doc::openapi(),
        prices::Doc::openapi(),
        reports::Doc::openapi(),
        fees::Doc::openapi(),
        surveys::Doc::openapi(),
        attachments::Doc::openapi(),
        admin::document(),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::parts;

    /// Merging keeps one schema per name: two different types of one name would leave
    /// the document describing only one of them, silently.
    #[test]
    fn no_two_types_share_a_schema_name() {
        let mut seen: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        for part in parts() {
            for (name, schema) in part.components.map(|c| c.schemas).unwrap_or_default() {
                let schema = serde_json::to_value(schema).expect("a schema serializes");
                if let Some(other) = seen.insert(name.clone(), schema.clone()) {
                    assert_eq!(other, schema, "two different types are both called {name}");
                }
            }
        }
        assert!(seen.contains_key("MonthlyReport") && seen.contains_key("Report"));
    }
}
