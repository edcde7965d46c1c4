//! A spreadsheet sent as a request body (the units' import, the cashier's ledger): its
//! file type checked by the name the client gives, its size bounded, and written to a
//! directory of its own under a name the server chooses, gone when the handle drops —
//! the readers (`import.rs`) open a workbook by its extension.

use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use tempfile::TempDir;

use super::ApiError;

/// The largest sheet taken: tens of thousands of rows.
pub(super) const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The file types read, by extension.
const TYPES: [&str; 4] = ["csv", "xlsx", "xls", "ods"];

/// An uploaded sheet on disk.
pub(super) struct Sheet {
    _dir: TempDir,
    pub path: PathBuf,
}

/// The sheet sent as `body` under the client's file name `filename`.
pub(super) async fn sheet(
    filename: Option<&str>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Sheet, ApiError> {
    let extension = filename
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| TYPES.contains(&e.as_str()))
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "请用 filename= 给出文件名，扩展名须为 {} 之一",
                TYPES.join("、")
            ))
        })?;
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(format!(
            "文件超过 {} MB，请分成几个文件导入",
            MAX_BYTES / 1024 / 1024
        )),
        _ => ApiError::BadRequest(format!("文件没有传完：{}", e.body_text())),
    })?;
    if body.is_empty() {
        return Err(ApiError::BadRequest(
            "请求体为空：请上传表格文件本身".into(),
        ));
    }
    let dir = tempfile::tempdir().map_err(|e| ApiError::Internal(format!("temp dir: {e}")))?;
    let path = dir.path().join(format!("upload.{extension}"));
    tokio::fs::write(&path, &body)
        .await
        .map_err(|e| ApiError::Internal(format!("writing the upload: {e}")))?;
    Ok(Sheet { _dir: dir, path })
}
