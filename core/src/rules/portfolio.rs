//! A portfolio: the parsed records of one or more areas, sorted by kind and document ID
//! so every computation over it is deterministic, with each area's project rules
//! (calendar, rain days, group-complaint window) at hand.

use std::collections::BTreeSet;

use serde::Serialize;

use super::deadlines::DeadlineRules;
use crate::ids::DocumentId;
use crate::records::any::AnyRecord;
use crate::records::duty::DutyLogRecord;
use crate::records::engagement::EngagementRecord;
use crate::records::fee_plan::FeePlanRecord;
use crate::records::fees::FeeAccountRecord;
use crate::records::inspection::InspectionRecord;
use crate::records::keys::KeyLedgerRecord;
use crate::records::meeting::OwnerMeetingRecord;
use crate::records::patrol::PatrolRecord;
use crate::records::project::{DEFAULT_GROUP_WINDOW_HOURS, ProjectRecord};
use crate::records::rectification::RectificationRecord;
use crate::records::renovation::RenovationRecord;
use crate::records::survey::SurveyRecord;
use crate::records::ticket::TicketRecord;
use crate::records::unit::UnitRecord;
use crate::records::visit::VisitRecord;
use crate::records::visit_plan::VisitPlanRecord;
use crate::records::weather::SpellRecord;
use crate::time::HOUR_MS;

/// Records of one kind, by document ID.
pub type Records<'a, R> = Vec<(DocumentId, &'a R)>;

/// What a set of areas holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Portfolio<'a> {
    pub units: Records<'a, UnitRecord>,
    pub tickets: Records<'a, TicketRecord>,
    pub inspections: Records<'a, InspectionRecord>,
    pub patrols: Records<'a, PatrolRecord>,
    pub renovations: Records<'a, RenovationRecord>,
    pub visits: Records<'a, VisitRecord>,
    pub plans: Records<'a, VisitPlanRecord>,
    pub key_ledgers: Records<'a, KeyLedgerRecord>,
    pub fee_accounts: Records<'a, FeeAccountRecord>,
    pub fee_plans: Records<'a, FeePlanRecord>,
    pub rectifications: Records<'a, RectificationRecord>,
    pub duty_logs: Records<'a, DutyLogRecord>,
    pub meetings: Records<'a, OwnerMeetingRecord>,
    pub engagements: Records<'a, EngagementRecord>,
    pub surveys: Records<'a, SurveyRecord>,
    pub spells: Records<'a, SpellRecord>,
    pub projects: Records<'a, ProjectRecord>,
}

/// The rules a project sets for its areas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRules {
    pub deadlines: DeadlineRules,
    /// Complaints this close together count as "at the same time".
    pub group_window_ms: i64,
    /// Vacant-unit rounds a month at the project's service level.
    pub vacant_rounds: u8,
}

impl Default for ProjectRules {
    fn default() -> Self {
        Self {
            deadlines: DeadlineRules::default(),
            group_window_ms: i64::from(DEFAULT_GROUP_WINDOW_HOURS) * HOUR_MS,
            vacant_rounds: 1,
        }
    }
}

/// Which areas a computation covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scope {
    /// What the scope is called (an area, a project, the company).
    pub name: String,
    /// The areas covered; `None` covers everything held.
    pub areas: Option<BTreeSet<String>>,
}

impl Scope {
    pub fn everything(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            areas: None,
        }
    }

    pub fn areas(
        name: impl Into<String>,
        areas: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            name: name.into(),
            areas: Some(areas.into_iter().map(Into::into).collect()),
        }
    }

    pub fn covers(&self, area: &str) -> bool {
        self.areas.as_ref().is_none_or(|a| a.contains(area))
    }
}

impl<'a> Portfolio<'a> {
    /// Sorts records by kind; a document that is not a record is ignored.
    pub fn new(records: impl IntoIterator<Item = (DocumentId, &'a AnyRecord)>) -> Self {
        let mut p = Self::default();
        for (id, record) in records {
            match record {
                AnyRecord::Unit(r) => p.units.push((id, r)),
                AnyRecord::Ticket(r) => p.tickets.push((id, r)),
                AnyRecord::Inspection(r) => p.inspections.push((id, r)),
                AnyRecord::Patrol(r) => p.patrols.push((id, r)),
                AnyRecord::Renovation(r) => p.renovations.push((id, r)),
                AnyRecord::Visit(r) => p.visits.push((id, r)),
                AnyRecord::VisitPlan(r) => p.plans.push((id, r)),
                AnyRecord::KeyLedger(r) => p.key_ledgers.push((id, r)),
                AnyRecord::FeeAccount(r) => p.fee_accounts.push((id, r)),
                AnyRecord::FeePlan(r) => p.fee_plans.push((id, r)),
                AnyRecord::Rectification(r) => p.rectifications.push((id, r)),
                AnyRecord::DutyLog(r) => p.duty_logs.push((id, r)),
                AnyRecord::Meeting(r) => p.meetings.push((id, r)),
                AnyRecord::Engagement(r) => p.engagements.push((id, r)),
                AnyRecord::Survey(r) => p.surveys.push((id, r)),
                AnyRecord::Spell(r) => p.spells.push((id, r)),
                AnyRecord::Project(r) => p.projects.push((id, r)),
            }
        }
        p.sort();
        p
    }

    fn sort(&mut self) {
        fn by_id<R>(v: &mut Records<'_, R>) {
            v.sort_by_key(|(id, _)| *id);
        }
        by_id(&mut self.units);
        by_id(&mut self.tickets);
        by_id(&mut self.inspections);
        by_id(&mut self.patrols);
        by_id(&mut self.renovations);
        by_id(&mut self.visits);
        by_id(&mut self.plans);
        by_id(&mut self.key_ledgers);
        by_id(&mut self.fee_accounts);
        by_id(&mut self.fee_plans);
        by_id(&mut self.rectifications);
        by_id(&mut self.duty_logs);
        by_id(&mut self.meetings);
        by_id(&mut self.engagements);
        by_id(&mut self.surveys);
        by_id(&mut self.spells);
        by_id(&mut self.projects);
    }

    /// The records of the areas `scope` covers (project records are kept: they hold
    /// the rules).
    pub fn within(&self, scope: &Scope) -> Self {
        fn keep<'a, R>(
            v: &Records<'a, R>,
            f: impl Fn(&R) -> &str,
            scope: &Scope,
        ) -> Records<'a, R> {
            v.iter()
                .filter(|(_, r)| scope.covers(f(r)))
                .copied()
                .collect()
        }
        Self {
            units: keep(&self.units, |r| r.area(), scope),
            tickets: keep(&self.tickets, |r| r.area(), scope),
            inspections: keep(&self.inspections, |r| r.area(), scope),
            patrols: keep(&self.patrols, |r| r.area(), scope),
            renovations: keep(&self.renovations, |r| r.area(), scope),
            visits: keep(&self.visits, |r| r.area(), scope),
            plans: keep(&self.plans, |r| r.area(), scope),
            key_ledgers: keep(&self.key_ledgers, |r| r.area(), scope),
            fee_accounts: keep(&self.fee_accounts, |r| r.area(), scope),
            fee_plans: keep(&self.fee_plans, |r| r.area(), scope),
            rectifications: keep(&self.rectifications, |r| r.area(), scope),
            duty_logs: keep(&self.duty_logs, |r| r.area(), scope),
            meetings: keep(&self.meetings, |r| r.area(), scope),
            // A project's occasions count for every area of it (`statistics`).
            engagements: self.engagements.clone(),
            surveys: keep(&self.surveys, |r| r.area(), scope),
            spells: keep(&self.spells, |r| r.area(), scope),
            projects: self.projects.clone(),
        }
    }

    /// The rules of the project an area belongs to (the defaults when none is held).
    pub fn rules_for(&self, area: &str) -> ProjectRules {
        self.projects
            .iter()
            .find(|(_, p)| p.header.areas.iter().any(|a| a == area))
            .map(|(_, p)| ProjectRules {
                deadlines: DeadlineRules {
                    calendar: p.state.calendar(),
                    rain_days: p.state.rain_days.clone(),
                },
                group_window_ms: p.state.group_window_ms(),
                vacant_rounds: p.state.vacant_rounds,
            })
            .unwrap_or_default()
    }

    /// The areas that hold any record.
    pub fn areas(&self) -> BTreeSet<&str> {
        self.units.iter().map(|(_, u)| u.area()).collect()
    }
}
