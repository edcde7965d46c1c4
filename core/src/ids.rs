//! Identifiers on the wire: document IDs (base58check-encoded UUIDs, as automerge-repo
//! writes them), `automerge:` URLs and peer IDs.

use std::fmt;
use std::str::FromStr;

/// Why a document ID or URL was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdError {
    #[error("document id is not valid base58check: {0}")]
    Base58(String),
    #[error("document id must encode 16 bytes, found {0}")]
    Length(usize),
    #[error("automerge URL must start with `automerge:`")]
    UrlScheme,
}

/// A document's identity: 16 random bytes, shown as base58check.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId([u8; 16]);

/// A fresh Automerge actor for a replica on `device` (its 16-hex-digit ID, given by the
/// server at sign-in): the device's 8 bytes, then 8 random ones, so every change carries
/// its device and two replicas on one device never share an actor. `None` if `device` is
/// not 16 hex digits.
pub fn device_actor(device: &str) -> Option<automerge::ActorId> {
    let mut bytes = hex::decode(device).ok().filter(|b| b.len() == 8)?;
    bytes.extend_from_slice(&uuid::Uuid::new_v4().as_bytes()[..8]);
    Some(automerge::ActorId::from(bytes))
}

impl DocumentId {
    /// A fresh random ID (from the platform's randomness: getrandom on both hosts).
    pub fn random() -> Self {
        Self(*uuid::Uuid::new_v4().as_bytes())
    }

    /// An ID made from given bytes: used by deterministic simulations and demo data.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The `automerge:` URL that automerge-repo clients open.
    pub fn url(&self) -> String {
        format!("automerge:{self}")
    }

    /// Parses either a bare ID or an `automerge:` URL (any `#heads` suffix is ignored).
    pub fn parse_url_or_id(text: &str) -> Result<Self, IdError> {
        let bare = text.strip_prefix("automerge:").unwrap_or(text);
        let bare = bare.split('#').next().unwrap_or(bare);
        bare.parse()
    }

    /// Parses an `automerge:` URL.
    pub fn from_url(url: &str) -> Result<Self, IdError> {
        url.strip_prefix("automerge:")
            .ok_or(IdError::UrlScheme)
            .and_then(Self::parse_url_or_id)
    }
}

impl FromStr for DocumentId {
    type Err = IdError;

    fn from_str(text: &str) -> Result<Self, IdError> {
        let bytes = bs58::decode(text)
            .with_check(None)
            .into_vec()
            .map_err(|e| IdError::Base58(e.to_string()))?;
        let array: [u8; 16] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| IdError::Length(bytes.len()))?;
        Ok(Self(array))
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(self.0).with_check().into_string())
    }
}

impl serde::Serialize for DocumentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DocumentId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse_url_or_id(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({self})")
    }
}

/// A peer's self-chosen name in the handshake. Untrusted: the server identifies
/// connections by its own connection IDs, never by this string.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct PeerId(String);

impl PeerId {
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text_and_url() {
        let id = DocumentId::from_bytes([7; 16]);
        let text = id.to_string();
        assert_eq!(text.parse::<DocumentId>(), Ok(id));
        assert_eq!(DocumentId::from_url(&id.url()), Ok(id));
        assert_eq!(
            DocumentId::parse_url_or_id(&format!("{}#abc", id.url())),
            Ok(id)
        );
    }

    #[test]
    fn matches_an_id_written_by_automerge_repo() {
        // From @automerge/automerge-repo 2.5.6: generateAutomergeUrl(), then
        // parseAutomergeUrl() for its documentId and binaryDocumentId.
        let id: DocumentId = "3jHeq6Mro3UMFVghqqvwGmMCL74i".parse().expect("valid id");
        assert_eq!(
            hex::encode(id.as_bytes()),
            "c3e40b4e18b34e53847402549ef46550"
        );
        assert_eq!(id.to_string(), "3jHeq6Mro3UMFVghqqvwGmMCL74i");
    }

    #[test]
    fn refuses_bad_ids_with_a_reason() {
        assert!(matches!(
            "not-base58!".parse::<DocumentId>(),
            Err(IdError::Base58(_))
        ));
        let short = bs58::encode([1u8; 8]).with_check().into_string();
        assert_eq!(short.parse::<DocumentId>(), Err(IdError::Length(8)));
        assert_eq!(DocumentId::from_url("http://x"), Err(IdError::UrlScheme));
    }
}
