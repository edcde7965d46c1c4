//! Who acts on records, and the contact details records carry. Phone numbers are stored
//! in full (only devices allowed to hold the area ever receive the document) and are
//! masked in every view unless the viewer's role needs to call the number.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::RecordError;

/// A member of staff's role; it decides what they may do (the server enforces access,
/// the records enforce the few rules tied to a role, such as approving a lost key).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StaffRole {
    /// 片区管家
    Housekeeper,
    /// 服务中心客服主管 / 项目经理
    Supervisor,
    /// 公司运营管理部 / 客服组 / 品质部
    Office,
    Admin,
}

impl StaffRole {
    /// Roles that phone customers (housekeepers at the door, supervisors on escalations,
    /// office staff making callbacks) see numbers in full; the others see them masked.
    pub fn sees_full_phone(self) -> bool {
        !matches!(self, StaffRole::Admin)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            StaffRole::Housekeeper => "片区管家",
            StaffRole::Supervisor => "客服主管",
            StaffRole::Office => "公司客服",
            StaffRole::Admin => "管理员",
        }
    }

    /// Every role, in order of reach.
    pub const ALL: [StaffRole; 4] = [
        StaffRole::Housekeeper,
        StaffRole::Supervisor,
        StaffRole::Office,
        StaffRole::Admin,
    ];

    /// The stored name (`housekeeper`, …), as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Housekeeper => "housekeeper",
            StaffRole::Supervisor => "supervisor",
            StaffRole::Office => "office",
            StaffRole::Admin => "admin",
        }
    }
}

impl std::str::FromStr for StaffRole {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("unknown role {s:?}: use housekeeper, supervisor, office or admin")
            })
    }
}

/// Who is acting: the signed-in user and their role.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Actor {
    pub user: String,
    pub role: StaffRole,
}

impl Actor {
    pub fn new(user: impl Into<String>, role: StaffRole) -> Self {
        Self {
            user: user.into(),
            role,
        }
    }
}

/// A telephone number: a mainland mobile (11 digits starting with 1) or a landline
/// with its area code (e.g. `021-62345678`).
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`: enough to recognise, not enough to call.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks the middle digits of a number, keeping the first three and the last four.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

impl TryFrom<String> for Phone {
    type Error = RecordError;

    fn try_from(text: String) -> Result<Self, RecordError> {
        let compact: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = compact.chars().all(|c| c.is_ascii_digit());
        let mobile = digits && compact.len() == 11 && compact.starts_with('1');
        let landline = digits && compact.starts_with('0') && (10..=12).contains(&compact.len());
        if mobile || landline {
            Ok(Self(compact))
        } else {
            Err(RecordError::Invalid {
                field: "phone",
                reason: format!("电话应为 11 位手机号或带区号的座机号，而不是 {text:?}"),
            })
        }
    }
}

impl From<Phone> for String {
    fn from(phone: Phone) -> Self {
        phone.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Masks every string under a `phone` key of a JSON view, for viewers whose role does
/// not call customers. Views are built in one place, so one pass covers every record.
pub fn mask_phones(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(s) if key == "phone" => *s = mask(s),
                    other => mask_phones(other),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_phones),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        let parsed = Phone::try_from(input.to_owned()).ok();
        assert_eq!(
            parsed.as_ref().map(Phone::masked).as_deref(),
            expected,
            "{input}"
        );
    }

    #[test]
    fn phones_parse_and_mask() {
        check("13812345678", Some("138****5678"));
        check("138 1234 5678", Some("138****5678"));
        check("021-62345678", Some("021****5678"));
        check("23812345678", None);
        check("1381234567", None);
        check("call me", None);
    }

    #[test]
    fn views_mask_every_phone_field() {
        let mut view = serde_json::json!({
            "people": [{"name": "王芳", "phone": "13812345678"}],
            "reporter": {"phone": "02162345678"}, "note": "13812345678"
        });
        mask_phones(&mut view);
        assert_eq!(view["people"][0]["phone"], "138****5678");
        assert_eq!(view["reporter"]["phone"], "021****5678");
        assert_eq!(view["note"], "13812345678", "only phone fields are masked");
    }
}
