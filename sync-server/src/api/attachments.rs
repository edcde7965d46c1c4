//! `PUT`, `HEAD` and `GET /api/attachments/{sha256}`: photos and signatures by content.
//!
//! An upload is checked against its hash and kept once however often it is sent; what is
//! not readable by the caller answers exactly as what does not exist (404).

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use estate_core::records::content::ContentHash;
use futures_util::StreamExt;

use super::ApiError;
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::attachments::{self, Meta};
use crate::state::AppState;

/// What a phone sends: photos from the camera, compressed, and signatures drawn on a pad.
const CONTENT_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp"];

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(upload, exists, download))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        "/api/attachments/{hash}",
        put(upload).head(exists).get(download),
    )
}

fn parse(hash: &str) -> Result<ContentHash, ApiError> {
    ContentHash::try_from(hash.to_owned())
        .map_err(|_| ApiError::BadRequest(format!("附件须以 SHA-256（64 位十六进制）标识：{hash}")))
}

fn missing() -> ApiError {
    ApiError::NotFound("附件不存在".into())
}

/// `PUT`: the body's SHA-256 must be the hash named; 201 when stored now, 200 when the
/// same content was stored before.
#[utoipa::path(put, operation_id = "uploadAttachment", path = "/api/attachments/{sha256}", tag = "attachments", params(("sha256" = String, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, description = "新存"), (status = 200, description = "已有"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody)))]
async fn upload(
    State(state): State<AppState>,
    signed: Signed,
    Path(hash): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let hash = parse(&hash)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| CONTENT_TYPES.contains(&v.as_str()))
        .ok_or_else(|| {
            ApiError::UnsupportedMediaType(format!("附件须为 {}", CONTENT_TYPES.join("、")))
        })?;
    let limit = state.max_attachment_bytes;
    let too_large = || ApiError::PayloadTooLarge(format!("附件不得超过 {limit} 字节"));
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    // Read whole before anything is written: an upload cut off midway leaves nothing.
    let mut data = Vec::with_capacity(declared.unwrap_or_default().min(limit));
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("上传中断：{e}")))?;
        if data.len() + chunk.len() > limit {
            return Err(too_large());
        }
        data.extend_from_slice(&chunk);
    }
    if ContentHash::of(&data) != hash {
        return Err(ApiError::BadRequest(format!(
            "内容的 SHA-256 为 {}，与 {hash} 不符",
            ContentHash::of(&data)
        )));
    }
    let stored = state
        .blobs
        .put(
            hash.as_str(),
            &content_type,
            &data,
            &signed.grant.device,
            crate::clock::now_ms(),
        )
        .await?;
    Ok(if stored {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    })
}

/// Whether the caller may read what is stored under `hash` as `meta`; a 404 exactly as for
/// a missing one if not.
async fn readable(
    state: &AppState,
    signed: &Signed,
    hash: &str,
    meta: &Meta,
) -> Result<(), ApiError> {
    if attachments::may_read(&state.store, &signed.grant, hash, meta).await? {
        Ok(())
    } else {
        Err(missing())
    }
}

fn described(meta: &Meta, hash: &str) -> [(header::HeaderName, HeaderValue); 4] {
    let text = |s: &str| HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static(""));
    [
        (header::CONTENT_TYPE, text(&meta.content_type)),
        (header::CONTENT_LENGTH, HeaderValue::from(meta.size)),
        (header::ETAG, text(&format!("\"{hash}\""))),
        // Content never changes under its hash; only who may read it is checked.
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=31536000, immutable"),
        ),
    ]
}

/// `HEAD`: 200 if stored and readable (a phone asks before uploading), 404 if not.
#[utoipa::path(head, operation_id = "attachmentExists", path = "/api/attachments/{sha256}", tag = "attachments", params(("sha256" = String, Path)), responses((status = 200, description = "有，且调用者可读"), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn exists(
    State(state): State<AppState>,
    signed: Signed,
    Path(hash): Path<String>,
) -> Result<Response, ApiError> {
    let hash = parse(&hash)?;
    let meta = state.blobs.meta(hash.as_str()).await?.ok_or_else(missing)?;
    readable(&state, &signed, hash.as_str(), &meta).await?;
    Ok((described(&meta, hash.as_str()), Body::empty()).into_response())
}

/// `GET`: the bytes, with their content type and a long cache.
#[utoipa::path(get, operation_id = "downloadAttachment", path = "/api/attachments/{sha256}", tag = "attachments", params(("sha256" = String, Path)), responses((status = 200, description = "照片或签名", content_type = "image/jpeg"), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn download(
    State(state): State<AppState>,
    signed: Signed,
    Path(hash): Path<String>,
) -> Result<Response, ApiError> {
    // One read: the bytes come with what decides who may have them.
    let hash = parse(&hash)?;
    let (meta, data) = state.blobs.get(hash.as_str()).await?.ok_or_else(missing)?;
    readable(&state, &signed, hash.as_str(), &meta).await?;
    Ok((described(&meta, hash.as_str()), data).into_response())
}
