//! `POST /api/admin/import?filename=NAME.csv&dryRun=true`: units and owners from a
//! spreadsheet sent as the request body, through the same import as the command line
//! (`import.rs`): the answer is its report, row by row — how many imported, the lines
//! skipped as already on file, and each rejected line with its reason. With `dryRun`
//! nothing is written.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;

use super::Admin;
use crate::api::ApiError;
use crate::api::ErrorBody;
use crate::import::{self, ImportError, Report};
use crate::state::AppState;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(upload))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        "/api/admin/import",
        post(upload).layer(DefaultBodyLimit::max(crate::api::upload::MAX_BYTES)),
    )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct Asked {
    /// The sheet's file name; only its extension is used.
    filename: Option<String>,
    #[serde(default)]
    dry_run: bool,
    #[serde(rename = "token")]
    _token: Option<String>,
}

#[utoipa::path(post, operation_id = "importUnits", path = "/api/admin/import", tag = "admin", params(Asked), request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "CSV 或 XLSX 文件"), responses((status = 200, body = Report), (status = 400, body = ErrorBody), (status = 403, description = "仅管理员", body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn upload(
    State(state): State<AppState>,
    Admin(admin): Admin,
    asked: Result<Query<Asked>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Report>, ApiError> {
    let asked = crate::api::query(asked)?;
    let sheet = crate::api::upload::sheet(asked.filename.as_deref(), body).await?;
    let report = import::import_units(
        &state.store,
        &sheet.path,
        asked.dry_run,
        crate::clock::now_ms(),
    )
    .await
    .map_err(refused)?;
    tracing::info!(
        admin = %admin.identity.user,
        dry_run = asked.dry_run,
        imported = report.imported,
        skipped = report.skipped.len(),
        rejected = report.rejected.len(),
        "units imported"
    );
    Ok(Json(report))
}

/// A file the import could not take at all, said in Chinese.
fn refused(e: ImportError) -> ApiError {
    match e {
        ImportError::Read(_, why) => ApiError::BadRequest(format!("文件无法读取：{why}")),
        ImportError::Empty => ApiError::BadRequest("表格是空的：第一行应为列名".into()),
        ImportError::Column(column) => ApiError::BadRequest(format!(
            "第一行缺少 {column} 列（房号/code 与 片区/area 必须有）"
        )),
        ImportError::Database(e) => ApiError::Database(e),
        ImportError::Record(e) => ApiError::Internal(e.to_string()),
    }
}
