//! The `/sync` WebSocket: one session per connection, joined to the hub. A session
//! enforces the frame-size and rate limits, and lasts until the phone leaves or the hub
//! closes it (when the server stops, only once the phone's exchange is finished).

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use crate::api::signed::Signed;
use crate::hub::{Inbound, OUTBOX_DEPTH, Outbound};
use crate::state::AppState;

/// Whether the socket refused a frame or message for its size.
fn too_large(error: &axum::Error) -> bool {
    std::error::Error::source(error)
        .and_then(|e| e.downcast_ref::<tungstenite::Error>())
        .is_some_and(|e| matches!(e, tungstenite::Error::Capacity(_)))
}

pub fn router() -> Router<AppState> {
    Router::new().route("/sync", get(upgrade))
}

/// Per connection: what the socket reads into at a time, and what it gathers before
/// writing (every batch of frames is flushed at once anyway).
const READ_BUFFER_BYTES: usize = 8 * 1024;
const WRITE_BUFFER_BYTES: usize = 8 * 1024;

/// Signs the caller in before upgrading: no token, a wrong, expired or revoked one is
/// answered 401 and nothing else happens.
async fn upgrade(State(state): State<AppState>, signed: Signed, ws: WebSocketUpgrade) -> Response {
    tracing::debug!(user = %signed.identity.user, device = %signed.identity.device, "sync connection");
    // The socket's own limits are ours: a larger frame is refused by the library before
    // it is read, and the session then tells the phone why (see `session`).
    let limit = state.limits.max_frame_bytes;
    ws.max_message_size(limit)
        .max_frame_size(limit)
        // The library's default reserves 128 KiB a connection to read into; a phone's
        // frames are mostly small, and a large one grows the buffer while it is read.
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .on_upgrade(move |socket| session(state, signed, socket))
}

async fn session(state: AppState, signed: Signed, socket: WebSocket) {
    let hub = state.hub.clone();
    let conn = hub.next_conn();
    let (outbox, mut outbound) = mpsc::channel(OUTBOX_DEPTH);
    let grant = signed.grant;
    if !hub
        .send(Inbound::Connect {
            conn,
            outbox,
            grant,
        })
        .await
    {
        return;
    }
    state.metrics.connections.inc();
    let limits = state.limits;
    let rate = limits.rate();
    let (mut sink, mut stream) = socket.split();
    let mut refused = false;
    let mut reading = true;
    loop {
        tokio::select! {
            out = outbound.recv() => match out {
                Some(Outbound::Frames(frames)) => {
                    let mut sent = true;
                    for frame in frames {
                        sent = sent && sink.feed(Message::Binary(frame.into())).await.is_ok();
                    }
                    if !sent || sink.flush().await.is_err() {
                        break;
                    }
                }
                Some(Outbound::Close) | None => {
                    let _ = sink.close().await;
                    break;
                }
            },
            message = stream.next(), if reading => match message {
                Some(Ok(Message::Binary(bytes))) if !refused => {
                    state.metrics.frames.inc();
                    let inbound = match limits.check(&bytes, &rate) {
                        Some(why) => {
                            state.metrics.limited.inc();
                            refused = true;
                            Inbound::Refuse { conn, message: why }
                        }
                        None => Inbound::Frame { conn, frame: bytes.to_vec() },
                    };
                    if !hub.send(inbound).await {
                        break;
                    }
                }
                Some(Err(e)) if !refused && too_large(&e) => {
                    // The socket refused a frame past the limit before reading it;
                    // nothing more is read, but the phone still hears why before the
                    // connection closes.
                    tracing::info!(%conn, error = %e, "frame refused by the socket");
                    state.metrics.limited.inc();
                    refused = true;
                    reading = false;
                    let message = format!(
                        "frame refused: {e} (the server's limit of {} bytes per frame)",
                        limits.max_frame_bytes
                    );
                    if !hub.send(Inbound::Refuse { conn, message }).await {
                        break;
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                // The protocol is binary CBOR; text frames carry nothing we understand.
                Some(Ok(_)) => {}
            },
        }
    }
    state.metrics.connections.dec();
    hub.send(Inbound::Disconnect { conn }).await;
}
