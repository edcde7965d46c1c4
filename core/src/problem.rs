//! Refusals as data. Every error the core hands a person carries a stable `code` (what
//! the apps key on, never the words), the `field` it concerns where there is one, and a
//! message for the person, in Chinese.

use serde::Serialize;

use crate::engine::EngineError;
use crate::records::RecordError;
use crate::replica::ReplicaError;

/// One refusal, as the phone and the office show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// Stable: `invalid`, `refused`, `wrong-kind`, `malformed`, `storage`, `no-index`,
    /// `unknown-unit`, `not-a-record`, `wrong-area`, `not-loaded`, `exists`.
    pub code: &'static str,
    /// The input field (or, for `refused`, the action) the problem is about.
    pub field: Option<String>,
    pub message: String,
}

impl Problem {
    /// What the host itself could not read or write (code `internal`).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("internal", None, message)
    }

    /// Input not acceptable at `field` (code `invalid`), for a host's own checks.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new("invalid", Some(field.to_owned()), message)
    }

    fn new(code: &'static str, field: Option<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            field,
            message: message.into(),
        }
    }
}

impl From<&RecordError> for Problem {
    fn from(e: &RecordError) -> Self {
        match e {
            RecordError::Invalid { field, reason } => {
                Problem::new("invalid", Some((*field).to_owned()), reason.clone())
            }
            RecordError::Refused { action, reason } => {
                Problem::new("refused", Some(action.clone()), reason.clone())
            }
            RecordError::WrongKind { expected, .. } => {
                Problem::new("wrong-kind", None, format!("这不是{expected}记录"))
            }
            RecordError::Malformed { what, reason } => {
                Problem::new("malformed", None, format!("{what}无法读取：{reason}"))
            }
            RecordError::Automerge(e) => Problem::new("storage", None, format!("保存失败：{e}")),
        }
    }
}

impl From<&EngineError> for Problem {
    fn from(e: &EngineError) -> Self {
        match e {
            EngineError::NotLoaded(_) => {
                Problem::new("not-loaded", None, "这条记录还没有下载到本机")
            }
            EngineError::Exists(_) => Problem::new("exists", None, "这条记录已经存在"),
        }
    }
}

impl From<&ReplicaError> for Problem {
    fn from(e: &ReplicaError) -> Self {
        match e {
            ReplicaError::Engine(e) => e.into(),
            ReplicaError::Record(e) => e.into(),
            ReplicaError::NoIndex => {
                Problem::new("no-index", None, "片区资料还没有下载完成，请联网后再试")
            }
            ReplicaError::UnknownUnit(_) => {
                Problem::new("unknown-unit", Some("unit".into()), "该房号不在本片区")
            }
            ReplicaError::NotARecord(_) => Problem::new("not-a-record", None, "本片区没有这条记录"),
            ReplicaError::WrongArea { area, found } => Problem::new(
                "wrong-area",
                Some("areaId".into()),
                format!("该记录属于 {found}，不能记在 {area}"),
            ),
        }
    }
}

macro_rules! by_value {
    ($($error:ty),+) => {
        $(impl From<$error> for Problem {
            fn from(e: $error) -> Self {
                Problem::from(&e)
            }
        })+
    };
}

by_value!(RecordError, EngineError, ReplicaError);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::DocumentId;

    #[test]
    fn every_refusal_has_a_stable_code_and_a_chinese_message() {
        let cases: [(ReplicaError, &str, Option<&str>); 5] = [
            (ReplicaError::NoIndex, "no-index", None),
            (
                ReplicaError::UnknownUnit(DocumentId::from_bytes([1; 16])),
                "unknown-unit",
                Some("unit"),
            ),
            (
                RecordError::invalid("findings", "有异常项时，请在“发现问题”中写明情况").into(),
                "invalid",
                Some("findings"),
            ),
            (
                RecordError::Refused {
                    action: "close".into(),
                    reason: "尚未完成".into(),
                }
                .into(),
                "refused",
                Some("close"),
            ),
            (
                ReplicaError::WrongArea {
                    area: "A1".into(),
                    found: "A2".into(),
                },
                "wrong-area",
                Some("areaId"),
            ),
        ];
        for (error, code, field) in cases {
            let problem = Problem::from(&error);
            assert_eq!((problem.code, problem.field.as_deref()), (code, field));
            assert!(
                problem
                    .message
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code}: {}",
                problem.message
            );
        }
    }
}
