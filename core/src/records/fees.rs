//! A household's fee ledger (收费管理, seed 003 G8): what it was billed month by month,
//! what it paid and against which receipt (000 forbids "收费不给票据"), the arrears, every
//! contact made to collect them ("是否对欠缴客户采取措施，措施是否得当（电话、上户、发单、
//! 短信等）") and every promise to pay. Amounts are in fen (分), so no sum is ever rounded.
//! The area's ledger, the month's plan and the check against the cashier's ledger are
//! `rules::fees`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record};
use super::unit::UnitCode;
use crate::ids::DocumentId;
use crate::time::Month;

pub const KIND: &str = "fee-account";

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeAccountHeader {
    pub area_id: String,
    pub unit: DocumentId,
    pub unit_code: UnitCode,
    /// Arrears when the account was opened, in fen.
    pub arrears_fen: u64,
    pub opened_at: i64,
}

/// How the household was contacted.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    /// 电话
    Phone,
    /// 上户
    Door,
    /// 发单 (催缴通知单)
    Notice,
    /// 短信
    Sms,
}

impl ContactMethod {
    pub const ALL: [ContactMethod; 4] = [
        ContactMethod::Phone,
        ContactMethod::Door,
        ContactMethod::Notice,
        ContactMethod::Sms,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            ContactMethod::Phone => "电话",
            ContactMethod::Door => "上户",
            ContactMethod::Notice => "发单",
            ContactMethod::Sms => "短信",
        }
    }
}

/// A promise to pay.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Promise {
    pub amount_fen: u64,
    /// Pays by the end of this day.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub by: NaiveDate,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum FeeAction {
    Contact {
        method: ContactMethod,
        /// Whether someone was reached.
        reached: bool,
        #[serde(default)]
        promise: Option<Promise>,
    },
    Payment {
        amount_fen: u64,
        /// The receipt's number. The phone's form asks for it; an older phone's payment
        /// without one is kept, not refused.
        #[serde(default)]
        receipt: String,
    },
    /// A month's fees billed to the household.
    Bill { month: Month, amount_fen: u64 },
    /// The arrears restated (a new bill, a correction), in fen.
    Arrears { amount_fen: u64 },
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub at: i64,
    pub by: String,
    pub method: ContactMethod,
    pub reached: bool,
}

/// A payment taken.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub at: i64,
    pub by: String,
    pub amount_fen: u64,
    pub receipt: String,
}

/// A month billed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bill {
    pub month: Month,
    pub amount_fen: u64,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeAccountState {
    pub outstanding_fen: u64,
    pub paid_fen: u64,
    /// Billed since the account was opened (the arrears it opened with not included).
    pub billed_fen: u64,
    pub bills: Vec<Bill>,
    pub payments: Vec<Payment>,
    pub contacts: Vec<Contact>,
    /// The latest promise not yet kept.
    pub promise: Option<Promise>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FeeAccount;

pub type FeeAccountRecord = Record<FeeAccount>;

impl Kind for FeeAccount {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "收费跟进";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("contact", "催缴联系"),
        ("payment", "缴费"),
        ("bill", "出账"),
        ("arrears", "调整欠费"),
    ];
    type Header = FeeAccountHeader;
    type Action = FeeAction;
    type State = FeeAccountState;

    fn area(header: &FeeAccountHeader) -> &str {
        &header.area_id
    }

    fn start(header: &FeeAccountHeader) -> FeeAccountState {
        FeeAccountState {
            outstanding_fen: header.arrears_fen,
            paid_fen: 0,
            billed_fen: 0,
            bills: Vec::new(),
            payments: Vec::new(),
            contacts: Vec::new(),
            promise: None,
        }
    }

    fn apply(
        _header: &FeeAccountHeader,
        state: &mut FeeAccountState,
        event: &Event<FeeAction>,
        action: &FeeAction,
    ) -> Result<(), String> {
        match action {
            FeeAction::Contact {
                method,
                reached,
                promise,
            } => {
                if promise.is_some() && !reached {
                    return Err("未联系上业主，不能记录承诺".into());
                }
                if promise.is_some_and(|p| p.amount_fen == 0) {
                    return Err("承诺金额须大于0".into());
                }
                state.contacts.push(Contact {
                    at: event.at,
                    by: event.by.clone(),
                    method: *method,
                    reached: *reached,
                });
                if promise.is_some() {
                    state.promise = *promise;
                }
            }
            FeeAction::Payment { amount_fen: 0, .. } => return Err("缴费金额须大于0".into()),
            FeeAction::Payment {
                amount_fen,
                receipt,
            } => {
                state.payments.push(Payment {
                    at: event.at,
                    by: event.by.clone(),
                    amount_fen: *amount_fen,
                    receipt: receipt.trim().to_owned(),
                });
                state.paid_fen += amount_fen;
                state.outstanding_fen = state.outstanding_fen.saturating_sub(*amount_fen);
                if state
                    .promise
                    .is_some_and(|p| *amount_fen >= p.amount_fen || state.outstanding_fen == 0)
                {
                    state.promise = None;
                }
            }
            FeeAction::Bill { amount_fen: 0, .. } => return Err("出账金额须大于0".into()),
            FeeAction::Bill { month, .. } if state.bills.iter().any(|b| b.month == *month) => {
                return Err(format!("{month} 已出账；金额有误请调整欠费"));
            }
            FeeAction::Bill { month, amount_fen } => {
                state.bills.push(Bill {
                    month: *month,
                    amount_fen: *amount_fen,
                });
                state.billed_fen += amount_fen;
                state.outstanding_fen += amount_fen;
            }
            FeeAction::Arrears { amount_fen } => state.outstanding_fen = *amount_fen,
        }
        Ok(())
    }

    fn contends(a: &FeeAction, b: &FeeAction) -> bool {
        match (a, b) {
            (FeeAction::Arrears { .. }, FeeAction::Arrears { .. }) => true,
            (FeeAction::Bill { month: m, .. }, FeeAction::Bill { month: n, .. }) => m == n,
            _ => false,
        }
    }

    fn entry(header: &FeeAccountHeader, state: &FeeAccountState) -> Entry {
        Entry {
            kind: KIND.into(),
            code: Some(header.unit_code.to_string()),
            unit: Some(header.unit.to_string()),
            status: Some(STATUSES[usize::from(state.outstanding_fen > 0)].0.into()),
            ..Entry::default()
        }
    }

    fn title(header: &FeeAccountHeader, state: &FeeAccountState) -> Option<String> {
        Some(format!(
            "{} · 欠费 {}",
            header.unit_code,
            super::yuan_text(state.outstanding_fen)
        ))
    }

    fn probes(_: &FeeAccountHeader, state: &FeeAccountState, now_ms: i64) -> Vec<FeeAction> {
        vec![
            FeeAction::Contact {
                method: ContactMethod::Phone,
                reached: true,
                promise: None,
            },
            FeeAction::Payment {
                amount_fen: state.outstanding_fen.max(1),
                receipt: "0001".into(),
            },
            FeeAction::Bill {
                month: Month::at(now_ms),
                amount_fen: 1,
            },
            FeeAction::Arrears {
                amount_fen: state.outstanding_fen,
            },
        ]
    }
}

/// Every status of an account as stored (its index entry's `status`), with its label.
pub const STATUSES: &[(&str, &str)] = &[("paid", "已缴清"), ("arrears", "欠费")];
