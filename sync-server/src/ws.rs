//! The `/sync` WebSocket: a reader and a writer per connection, joined to the hub.

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use estate_core::protocol::MAX_FRAME_BYTES;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use crate::AppState;
use crate::access::Signed;
use crate::hub::{Inbound, OUTBOX_DEPTH, Outbound};

pub fn router() -> Router<AppState> {
    Router::new().route("/sync", get(upgrade))
}

/// Signs the caller in before upgrading: no token, a wrong, expired or revoked one is
/// answered 401 and nothing else happens.
async fn upgrade(State(state): State<AppState>, signed: Signed, ws: WebSocketUpgrade) -> Response {
    tracing::debug!(user = %signed.identity.user, device = %signed.identity.device, "sync connection");
    ws.max_message_size(MAX_FRAME_BYTES)
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
    let (mut sink, mut stream) = socket.split();
    let mut shutdown = state.shutdown.clone();
    let writer = async {
        while let Some(out) = outbound.recv().await {
            match out {
                Outbound::Frames(frames) => {
                    for frame in frames {
                        if sink.feed(Message::Binary(frame.into())).await.is_err() {
                            return;
                        }
                    }
                    if sink.flush().await.is_err() {
                        return;
                    }
                }
                Outbound::Close => {
                    let _ = sink.close().await;
                    return;
                }
            }
        }
    };
    let reader = async {
        while let Some(Ok(message)) = stream.next().await {
            match message {
                Message::Binary(bytes) => {
                    if !hub
                        .send(Inbound::Frame {
                            conn,
                            frame: bytes.to_vec(),
                        })
                        .await
                    {
                        return;
                    }
                }
                Message::Close(_) => return,
                // The protocol is binary CBOR; text frames carry nothing we understand.
                Message::Text(_) | Message::Ping(_) | Message::Pong(_) => {}
            }
        }
    };
    tokio::select! {
        () = writer => {}
        () = reader => {}
        _ = shutdown.changed() => {}
    }
    hub.send(Inbound::Disconnect { conn }).await;
}
