//! Plain HTTP calls to the server's JSON API over a real socket (hyper), and signing in.

use std::net::SocketAddr;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde_json::{Value, json};

use super::ClientError;

/// One request: `(status, JSON body)`; a body that is not JSON comes back as a string.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Result<(u16, Value), ClientError> {
    let http = |e: &dyn std::fmt::Display| ClientError::Http(e.to_string());
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| http(&e))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| http(&e))?;
    tokio::spawn(conn);
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let bytes = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Bytes::from(json.to_string())
        }
        None => Bytes::new(),
    };
    let request = request.body(Full::new(bytes)).map_err(|e| http(&e))?;
    let response = sender.send_request(request).await.map_err(|e| http(&e))?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| http(&e))?
        .to_bytes();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into()));
    Ok((status, json))
}

/// What a device needs to sync: its bearer token and its device ID (the prefix of its
/// Automerge actors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub token: String,
    pub device: String,
}

/// Signs in through `POST /api/login` as a new device.
pub async fn sign_in(
    addr: SocketAddr,
    username: &str,
    password: &str,
    device_name: &str,
) -> Result<Credentials, ClientError> {
    let body = json!({"username": username, "password": password, "device_name": device_name});
    let (status, session) = request(addr, "POST", "/api/login", &[], Some(body)).await?;
    let text = |key: &str| session.get(key).and_then(Value::as_str).map(str::to_owned);
    match (status, text("token"), text("device")) {
        (200, Some(token), Some(device)) => Ok(Credentials { token, device }),
        _ => Err(ClientError::Http(format!(
            "sign-in as {username} answered {status}: {session}"
        ))),
    }
}
