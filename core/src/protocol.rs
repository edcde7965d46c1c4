//! The automerge-repo network protocol, version 1: CBOR maps tagged by `type`.
//!
//! Wire types stay apart from the engine's own types: what is serialized here is a
//! compatibility promise to every automerge-repo peer. Unknown message types decode to
//! [`Message::Unknown`] so newer peers never break older ones.

pub mod inflation;

use serde::{Deserialize, Serialize};

use crate::ids::{DocumentId, IdError, PeerId};

/// The only protocol version this engine speaks.
pub const PROTOCOL_VERSION: &str = "1";

/// Frames larger than this are refused before decoding (a whole area's snapshot fits easily).
pub const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;

/// Why a frame could not be understood.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("frame of {0} bytes exceeds the limit of {MAX_FRAME_BYTES} bytes")]
    TooLarge(usize),
    #[error("frame is not a CBOR map: {0}")]
    Cbor(String),
    #[error("`{kind}` message lacks the `{field}` field")]
    Missing {
        kind: &'static str,
        field: &'static str,
    },
    #[error("bad document id: {0}")]
    DocumentId(#[from] IdError),
}

/// What a peer tells about itself in `join` and `peer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_id: Option<String>,
    #[serde(default)]
    pub is_ephemeral: bool,
}

/// A decoded protocol message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Join {
        sender: PeerId,
        metadata: PeerMetadata,
        versions: Vec<String>,
    },
    Peer {
        sender: PeerId,
        target: PeerId,
        metadata: PeerMetadata,
        version: String,
    },
    Leave {
        sender: PeerId,
    },
    Error {
        sender: Option<PeerId>,
        message: String,
        /// The document whose changes were refused, when the error is about one (an
        /// extension of the protocol: other peers ignore the field, and the connection
        /// stays open for every other document).
        document: Option<DocumentId>,
    },
    /// First sync message for a document the sender does not have yet.
    Request {
        sender: PeerId,
        target: PeerId,
        document: DocumentId,
        data: Vec<u8>,
    },
    Sync {
        sender: PeerId,
        target: PeerId,
        document: DocumentId,
        data: Vec<u8>,
    },
    DocUnavailable {
        sender: PeerId,
        target: PeerId,
        document: DocumentId,
    },
    /// A message type this engine does not act on (ephemeral, heads gossip, newer types).
    Unknown {
        kind: String,
    },
}

/// The flat wire shape: every field any message type uses, all optional.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sender_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "serde_bytes")]
    data: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    peer_metadata: Option<PeerMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    supported_protocol_versions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    selected_protocol_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

impl Message {
    /// Decodes one WebSocket binary frame.
    pub fn decode(frame: &[u8]) -> Result<Self, DecodeError> {
        if frame.len() > MAX_FRAME_BYTES {
            return Err(DecodeError::TooLarge(frame.len()));
        }
        let wire: Wire =
            ciborium::from_reader(frame).map_err(|e| DecodeError::Cbor(e.to_string()))?;
        wire.into_message()
    }

    /// Encodes to the bytes of one WebSocket binary frame.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(&Wire::from_message(self), &mut out)
            .expect("writing CBOR to a Vec cannot fail");
        out
    }
}

impl Wire {
    fn into_message(self) -> Result<Message, DecodeError> {
        fn need<T>(
            value: Option<T>,
            kind: &'static str,
            field: &'static str,
        ) -> Result<T, DecodeError> {
            value.ok_or(DecodeError::Missing { kind, field })
        }
        let peer = |v: Option<String>, kind, field| need(v, kind, field).map(PeerId::new);
        let doc = |v: Option<String>, kind| -> Result<DocumentId, DecodeError> {
            Ok(need(v, kind, "documentId")?.parse()?)
        };
        Ok(match self.kind.as_str() {
            "join" => Message::Join {
                sender: peer(self.sender_id, "join", "senderId")?,
                metadata: self.peer_metadata.unwrap_or_default(),
                versions: self.supported_protocol_versions.unwrap_or_default(),
            },
            "peer" => Message::Peer {
                sender: peer(self.sender_id, "peer", "senderId")?,
                target: peer(self.target_id, "peer", "targetId")?,
                metadata: self.peer_metadata.unwrap_or_default(),
                version: need(
                    self.selected_protocol_version,
                    "peer",
                    "selectedProtocolVersion",
                )?,
            },
            "leave" => Message::Leave {
                sender: peer(self.sender_id, "leave", "senderId")?,
            },
            "error" => Message::Error {
                sender: self.sender_id.map(PeerId::new),
                message: self.message.unwrap_or_default(),
                document: self.document_id.and_then(|d| d.parse().ok()),
            },
            kind @ ("request" | "sync") => {
                let kind: &'static str = if kind == "request" { "request" } else { "sync" };
                let sender = peer(self.sender_id, kind, "senderId")?;
                let target = peer(self.target_id, kind, "targetId")?;
                let document = doc(self.document_id, kind)?;
                let data = need(self.data, kind, "data")?;
                if kind == "request" {
                    Message::Request {
                        sender,
                        target,
                        document,
                        data,
                    }
                } else {
                    Message::Sync {
                        sender,
                        target,
                        document,
                        data,
                    }
                }
            }
            "doc-unavailable" => Message::DocUnavailable {
                sender: peer(self.sender_id, "doc-unavailable", "senderId")?,
                target: peer(self.target_id, "doc-unavailable", "targetId")?,
                document: doc(self.document_id, "doc-unavailable")?,
            },
            _ => Message::Unknown { kind: self.kind },
        })
    }

    fn from_message(message: &Message) -> Self {
        let text = |p: &PeerId| Some(p.as_str().to_owned());
        match message {
            Message::Join {
                sender,
                metadata,
                versions,
            } => Wire {
                kind: "join".into(),
                sender_id: text(sender),
                peer_metadata: Some(metadata.clone()),
                supported_protocol_versions: Some(versions.clone()),
                ..Wire::default()
            },
            Message::Peer {
                sender,
                target,
                metadata,
                version,
            } => Wire {
                kind: "peer".into(),
                sender_id: text(sender),
                target_id: text(target),
                peer_metadata: Some(metadata.clone()),
                selected_protocol_version: Some(version.clone()),
                ..Wire::default()
            },
            Message::Leave { sender } => Wire {
                kind: "leave".into(),
                sender_id: text(sender),
                ..Wire::default()
            },
            Message::Error {
                sender,
                message,
                document,
            } => Wire {
                kind: "error".into(),
                sender_id: sender.as_ref().and_then(text),
                message: Some(message.clone()),
                document_id: document.map(|d| d.to_string()),
                ..Wire::default()
            },
            Message::Request {
                sender,
                target,
                document,
                data,
            }
            | Message::Sync {
                sender,
                target,
                document,
                data,
            } => Wire {
                kind: if matches!(message, Message::Request { .. }) {
                    "request"
                } else {
                    "sync"
                }
                .into(),
                sender_id: text(sender),
                target_id: text(target),
                document_id: Some(document.to_string()),
                data: Some(data.clone()),
                ..Wire::default()
            },
            Message::DocUnavailable {
                sender,
                target,
                document,
            } => Wire {
                kind: "doc-unavailable".into(),
                sender_id: text(sender),
                target_id: text(target),
                document_id: Some(document.to_string()),
                ..Wire::default()
            },
            Message::Unknown { kind } => Wire {
                kind: kind.clone(),
                ..Wire::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_round_trip(message: &Message) {
        let decoded = Message::decode(&message.encode()).expect("decodes");
        assert_eq!(&decoded, message);
    }

    #[test]
    fn every_message_round_trips() {
        let a = PeerId::new("phone-a");
        let s = PeerId::new("server");
        let document = DocumentId::from_bytes([3; 16]);
        check_round_trip(&Message::Join {
            sender: a.clone(),
            metadata: PeerMetadata {
                storage_id: Some("st".into()),
                is_ephemeral: false,
            },
            versions: vec!["1".into()],
        });
        check_round_trip(&Message::Peer {
            sender: s.clone(),
            target: a.clone(),
            metadata: PeerMetadata::default(),
            version: "1".into(),
        });
        check_round_trip(&Message::Request {
            sender: a.clone(),
            target: s.clone(),
            document,
            data: vec![1, 2, 3],
        });
        check_round_trip(&Message::Sync {
            sender: s.clone(),
            target: a.clone(),
            document,
            data: vec![],
        });
        check_round_trip(&Message::DocUnavailable {
            sender: s,
            target: a,
            document,
        });
    }

    #[test]
    fn unknown_types_are_not_errors() {
        let frame = Message::Unknown {
            kind: "ephemeral".into(),
        }
        .encode();
        assert_eq!(
            Message::decode(&frame).expect("decodes"),
            Message::Unknown {
                kind: "ephemeral".into()
            }
        );
    }

    #[test]
    fn malformed_frames_get_a_clear_error() {
        assert!(matches!(
            Message::decode(&[0xff, 0x00, 0x13]),
            Err(DecodeError::Cbor(_))
        ));
        let no_doc = Wire {
            kind: "sync".into(),
            sender_id: Some("a".into()),
            target_id: Some("b".into()),
            ..Wire::default()
        };
        let mut frame = Vec::new();
        ciborium::into_writer(&no_doc, &mut frame).expect("encodes");
        let err = Message::decode(&frame).expect_err("must fail");
        assert_eq!(
            err.to_string(),
            "`sync` message lacks the `documentId` field"
        );
    }
}
