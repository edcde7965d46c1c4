//! References to photos and signatures. Blobs never enter the CRDT: a record holds the
//! SHA-256 of the content, and the blob travels separately, uploaded and fetched by hash.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::RecordError;

/// A SHA-256 content hash as 64 lowercase hex digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContentHash(String);

impl ContentHash {
    /// The hash of some content.
    pub fn of(content: &[u8]) -> Self {
        use sha2::{Digest, Sha256};
        Self(hex::encode(Sha256::digest(content)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ContentHash {
    type Error = RecordError;

    fn try_from(text: String) -> Result<Self, RecordError> {
        let lower = text.to_ascii_lowercase();
        if lower.len() == 64 && lower.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(Self(lower))
        } else {
            Err(RecordError::Invalid {
                field: "content hash",
                reason: format!("照片编号应为 64 位十六进制（SHA-256），而不是 {text:?}"),
            })
        }
    }
}

impl From<ContentHash> for String {
    fn from(hash: ContentHash) -> Self {
        hash.0
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_parse_only_as_sha256_hex() {
        let made = ContentHash::of(b"photo");
        assert_eq!(
            ContentHash::try_from(made.to_string().to_uppercase()).ok(),
            Some(made)
        );
        for bad in ["", "abc", &"g".repeat(64), "../../etc/passwd"] {
            assert!(ContentHash::try_from(bad.to_owned()).is_err(), "{bad}");
        }
    }
}
