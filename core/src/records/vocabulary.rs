//! Every closed choice set the records store, with its Chinese labels, in the order a
//! form shows them: what the apps render choices, statuses and action names from, so no
//! label or list has a second copy in TypeScript. Built from the types' own `ALL`,
//! `label_zh`, checklist `points()` and `Kind::ACTIONS`; each value is the type's stored
//! form (its serde name), so a list can never drift from what records hold.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::any::ACTIONS;
use super::duty::{self, DutyLog, Shift};
use super::engagement::{self, Engagement, Host};
use super::fee_plan::{self, FeePlan};
use super::fees::{self, ContactMethod, FeeAccount};
use super::inspection::{Checklist, Condition, Occasion, VacantInspection};
use super::journal::COMMON_ACTIONS;
use super::keys::{self, KeyLedger};
use super::kind::Kind;
use super::meeting::{self, Answer, Heading, OwnerMeeting, Reminder};
use super::patrol::{self, Patrol, PatrolPoint};
use super::people::StaffRole;
use super::rectification::{self, Rectification};
use super::renovation::{AcceptanceResult, Renovation, RenovationChecks, RenovationStatus};
use super::survey::{self, Rating, Survey};
use super::ticket::{
    BusinessType, Category, Channel, ContactWay, Escalation, Referee, RepairScale, RepairScope,
    Satisfaction, Severity, Status, Ticket, Validity,
};
use super::unit::{Unit, UnitStatus};
use super::visit::{Visit, VisitMethod};
use super::visit_plan::VisitPlan;
use super::weather::{self, SpecialWeather, Weather};
use crate::rules::complaints::MajorReason;
use crate::rules::deadlines::{Clock, Standing};

/// One choice: the value as stored, and its label.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: &'static str,
}

/// The stored form of a closed-set value (its serde name).
fn stored<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(text)) => text,
        _ => String::new(),
    }
}

fn choices<T: Copy + Serialize>(all: &[T], label: fn(T) -> &'static str) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: stored(v),
            label: label(*v),
        })
        .collect()
}

fn pairs(list: &[(&str, &'static str)]) -> Vec<Choice> {
    list.iter()
        .map(|(value, label)| Choice {
            value: (*value).to_owned(),
            label,
        })
        .collect()
}

fn points<C>(points: &[(&str, &'static str, C)]) -> Vec<Choice> {
    points
        .iter()
        .map(|(key, label, _)| Choice {
            value: (*key).to_owned(),
            label,
        })
        .collect()
}

fn kind<K: Kind>() -> Choice {
    Choice {
        value: K::KIND.to_owned(),
        label: K::LABEL,
    }
}

/// The vocabulary, as the apps read it (camelCase keys, each list
/// `[{value, label}]`): `kinds` (the records a person opens, in menu order); each kind's
/// own lists (`ticket`, `inspection`, `patrol`, `renovation`, `visit`, `fees`, `unit`);
/// `clock` and `standing` for deadlines; `roles`; and `actions` by record kind, with the
/// steps every kind takes (note, resolve) under `common`.
pub fn vocabulary() -> Value {
    let mut actions: Map<String, Value> = ACTIONS
        .iter()
        .map(|(kind, list)| ((*kind).to_owned(), json!(pairs(list))))
        .collect();
    actions.insert("common".into(), json!(pairs(COMMON_ACTIONS)));
    json!({
        "kinds": [
            kind::<Ticket>(),
            kind::<VacantInspection>(),
            kind::<Patrol>(),
            kind::<Renovation>(),
            kind::<Visit>(),
            kind::<VisitPlan>(),
            kind::<KeyLedger>(),
            kind::<FeeAccount>(),
            kind::<FeePlan>(),
            kind::<Rectification>(),
            kind::<DutyLog>(),
            kind::<OwnerMeeting>(),
            kind::<Engagement>(),
            kind::<Survey>(),
            kind::<SpecialWeather>(),
            kind::<Unit>(),
        ],
        "ticket": {
            "category": choices(Category::ALL, Category::label_zh),
            "channel": choices(Channel::ALL, Channel::label_zh),
            "repairScope": choices(RepairScope::ALL, RepairScope::label_zh),
            "repairScale": choices(RepairScale::ALL, RepairScale::label_zh),
            "validity": choices(Validity::ALL, Validity::label_zh),
            "severity": choices(Severity::ALL, Severity::label_zh),
            "satisfaction": choices(Satisfaction::ALL, Satisfaction::label_zh),
            "contactWay": choices(ContactWay::ALL, ContactWay::label_zh),
            "businessType": choices(BusinessType::ALL, BusinessType::label_zh),
            "referee": choices(Referee::ALL, Referee::label_zh),
            "escalation": choices(Escalation::ALL, Escalation::label_zh),
            "status": choices(&Status::ALL, Status::label_zh),
        },
        "inspection": {
            "checklist": points(&Checklist::default().points()),
            "occasion": choices(&Occasion::ALL, Occasion::label_zh),
            "condition": choices(&Condition::ALL, Condition::label_zh),
        },
        "patrol": {
            "point": choices(&PatrolPoint::ALL, PatrolPoint::label_zh),
            "status": pairs(patrol::STATUSES),
        },
        "renovation": {
            "checks": points(&RenovationChecks::default().points()),
            "acceptance": choices(&AcceptanceResult::ALL, AcceptanceResult::label_zh),
            "status": choices(&RenovationStatus::ALL, RenovationStatus::label_zh),
        },
        "visit": {
            "method": choices(&VisitMethod::ALL, VisitMethod::label_zh),
        },
        "fees": {
            "contactMethod": choices(&ContactMethod::ALL, ContactMethod::label_zh),
            "status": pairs(fees::STATUSES),
            "planStatus": pairs(fee_plan::STATUSES),
        },
        "rectification": {
            "status": pairs(rectification::STATUSES),
        },
        "weather": {
            "weather": choices(Weather::ALL, Weather::label_zh),
            "status": pairs(weather::STATUSES),
        },
        "survey": {
            "rating": choices(Rating::ALL, Rating::label_zh),
            // The items a form asks about when its plan names none (each its own label).
            "items": survey::DEFAULT_ITEMS.map(|i| json!({ "value": i, "label": i })),
            "status": pairs(survey::STATUSES),
        },
        "engagement": {
            "occasion": choices(engagement::Occasion::ALL, engagement::Occasion::label_zh),
            "host": choices(Host::ALL, Host::label_zh),
            "status": pairs(engagement::STATUSES),
        },
        "meeting": {
            "answer": choices(Answer::ALL, Answer::label_zh),
            "reminder": choices(Reminder::ALL, Reminder::label_zh),
            "heading": choices(Heading::ALL, Heading::label_zh),
            "status": pairs(meeting::STATUSES),
        },
        "duty": {
            "shift": choices(&Shift::ALL, Shift::label_zh),
            "status": pairs(duty::STATUSES),
        },
        "unit": {
            "status": choices(&UnitStatus::ALL, UnitStatus::label_zh),
        },
        "keys": {
            "status": pairs(keys::STATUSES),
        },
        "clock": choices(&Clock::ALL, Clock::label_zh),
        "majorReason": choices(&MajorReason::ALL, MajorReason::label_zh),
        "standing": choices(&Standing::ALL, Standing::label_zh),
        "roles": choices(&StaffRole::ALL, StaffRole::label_zh),
        "actions": actions,
    })
}

/// The label of a stored value among a closed set (`ALL`, `as_str`, `label_zh`), if it is
/// one.
pub fn among<T: Copy>(
    all: &[T],
    stored: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    value: &str,
) -> Option<&'static str> {
    all.iter().find(|v| stored(**v) == value).map(|v| label(*v))
}

/// A record's stored `status` in Chinese, for any kind; none for a value the kind never
/// stores.
pub fn status_label(kind: &str, status: &str) -> Option<&'static str> {
    let pairs =
        |set: &[(&str, &'static str)]| set.iter().find(|(v, _)| *v == status).map(|(_, l)| *l);
    match kind {
        k if k == Ticket::KIND => among(&Status::ALL, Status::as_str, Status::label_zh, status),
        k if k == Renovation::KIND => among(
            &RenovationStatus::ALL,
            RenovationStatus::as_str,
            RenovationStatus::label_zh,
            status,
        ),
        k if k == Unit::KIND => among(
            &UnitStatus::ALL,
            UnitStatus::as_str,
            UnitStatus::label_zh,
            status,
        ),
        k if k == Patrol::KIND => pairs(patrol::STATUSES),
        k if k == Rectification::KIND => pairs(rectification::STATUSES),
        k if k == FeeAccount::KIND => pairs(fees::STATUSES),
        k if k == FeePlan::KIND => pairs(fee_plan::STATUSES),
        k if k == KeyLedger::KIND => pairs(keys::STATUSES),
        k if k == DutyLog::KIND => pairs(duty::STATUSES),
        k if k == OwnerMeeting::KIND => pairs(meeting::STATUSES),
        k if k == Engagement::KIND => pairs(engagement::STATUSES),
        k if k == Survey::KIND => pairs(survey::STATUSES),
        k if k == SpecialWeather::KIND => pairs(weather::STATUSES),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
