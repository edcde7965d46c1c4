//! Major complaints and major customer events (seed 004 §4.4.1, §4.3.4).
//!
//! - A group complaint: "同时发生5户以上对同一问题的投诉事件" — complaints on the same
//!   problem (their `topic`) from 5 or more households within the project's window make
//!   each of them major. "以上" includes the figure, as Chinese legal usage has it.
//! - Other reasons a complaint is major: judged so by a person (accident, injury, loss,
//!   a promise repeatedly broken), raised by government or the media, or "有效投诉在一个
//!   月内得不到合理解决的".
//! - An early warning (seed 003 G5: "定期梳理投诉风险点，存在群诉风险预警（存在风险第一时间
//!   告知项目经理）"): the same problem from 3 households within the window, before it
//!   is a group — the seed names no figure; three is the reading, well short of five.
//! - A major customer event: a group complaint, negative media, an escalation to a higher
//!   authority, compensation of 5,000 yuan or more ("赔偿金额为5000元以上"), litigation,
//!   or a valid complaint unresolved for a month — raised with the special report
//!   (description, cause, responsibility, measures).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::deadlines::Major;
use super::portfolio::Portfolio;
use crate::ids::DocumentId;
use crate::records::ticket::{
    Category, Escalation, Location, Referee, SpecialReport, TicketRecord, Validity,
};
use crate::time::one_month_after;

/// "5户以上": five households or more.
pub const GROUP_HOUSEHOLDS: usize = 5;
/// Households on one problem that raise the early warning of a group complaint.
pub const WARNING_HOUSEHOLDS: usize = 3;
/// "赔偿金额为5000元以上": 5,000 yuan or more.
pub const MAJOR_COMPENSATION_YUAN: u64 = 5_000;

/// Why a complaint is major, or a ticket a major customer event.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MajorReason {
    /// 群诉
    GroupComplaint,
    /// 媒体负面报道
    Media,
    /// 上级单位上访 / 政府反馈
    Authority,
    /// 诉讼
    Litigation,
    /// 大额赔偿（5000元以上）
    Compensation,
    /// 有效投诉一个月内未解决
    UnresolvedMonth,
    /// Judged major by a person (accident, injury, loss, repeated requests).
    Judged,
}

impl MajorReason {
    pub const ALL: [MajorReason; 7] = [
        MajorReason::GroupComplaint,
        MajorReason::Media,
        MajorReason::Authority,
        MajorReason::Litigation,
        MajorReason::Compensation,
        MajorReason::UnresolvedMonth,
        MajorReason::Judged,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            MajorReason::GroupComplaint => "群诉",
            MajorReason::Media => "媒体负面报道",
            MajorReason::Authority => "上级单位上访",
            MajorReason::Litigation => "诉讼",
            MajorReason::Compensation => "大额赔偿",
            MajorReason::UnresolvedMonth => "有效投诉一个月内未解决",
            MajorReason::Judged => "认定为重大投诉",
        }
    }

    /// Reasons that make a major customer event (§4.3.4), not only a major complaint.
    pub fn is_customer_event(self) -> bool {
        self != MajorReason::Judged
    }
}

/// Complaints about one problem from five households or more at the same time.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupComplaint {
    pub topic: String,
    pub tickets: Vec<DocumentId>,
    pub households: usize,
    pub first_at: i64,
    pub last_at: i64,
    /// When the fifth household complained (the third, for a warning): it became a group
    /// complaint (a risk of one) then.
    pub formed_at: i64,
}

/// The early warning of a group complaint forming, for one of its tickets.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Warning {
    /// When the third household complained.
    pub since: i64,
    /// When the project head was told, on any ticket of the set, since then.
    pub told_at: Option<i64>,
}

/// A major customer event and its special report. A group complaint is one event for
/// all its tickets.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MajorEvent {
    /// The tickets of the event, the first registered first.
    pub tickets: Vec<DocumentId>,
    pub category: Category,
    pub place: String,
    pub description: String,
    pub registered_at: i64,
    pub reasons: Vec<MajorReason>,
    /// The special report, from whichever ticket of the event holds one.
    pub report: Option<SpecialReport>,
    /// The special report is still to be written.
    pub needs_report: bool,
}

/// The same problem, however it was typed.
fn topic_key(topic: &str) -> String {
    topic
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Who complained: the unit, else the reporter's phone or name. A complaint about a
/// public place with no reporter named cannot show it came from another household, so it
/// does not count toward the five.
fn household(t: &TicketRecord) -> Option<String> {
    match (&t.header.location, &t.header.reporter) {
        (Location::Unit { unit, .. }, _) => Some(unit.to_string()),
        (_, Some(r)) => Some(
            r.phone
                .as_ref()
                .map_or_else(|| r.name.clone(), |p| p.as_str().to_owned()),
        ),
        _ => None,
    }
}

fn counts_toward_group(t: &TicketRecord) -> bool {
    let Some(c) = &t.state.complaint else {
        return false;
    };
    t.header.category == Category::Complaint
        && !c.topic.trim().is_empty()
        && c.validity.is_none_or(|v| v == Validity::Valid)
}

/// Group complaints among a portfolio's complaints, per project and topic.
pub fn group_complaints(p: &Portfolio<'_>) -> Vec<GroupComplaint> {
    complaints_on_one_problem(p, GROUP_HOUSEHOLDS)
}

/// Complaints about one problem from `households` households or more within the
/// project's window, per project and topic.
fn complaints_on_one_problem(p: &Portfolio<'_>, households: usize) -> Vec<GroupComplaint> {
    let mut by_topic: BTreeMap<(String, String), Vec<(DocumentId, &TicketRecord)>> =
        BTreeMap::new();
    for (id, t) in p.tickets.iter().filter(|(_, t)| counts_toward_group(t)) {
        let project = p
            .projects
            .iter()
            .find(|(_, pr)| pr.header.areas.iter().any(|a| a == t.area()))
            .map_or_else(
                || t.area().to_owned(),
                |(_, pr)| pr.header.project_id.clone(),
            );
        let topic = t
            .state
            .complaint
            .as_ref()
            .map(|c| topic_key(&c.topic))
            .unwrap_or_default();
        by_topic.entry((project, topic)).or_default().push((*id, t));
    }
    let mut groups = Vec::new();
    for (_, mut list) in by_topic {
        list.sort_by_key(|(id, t)| (t.header.registered_at, *id));
        let window = p.rules_for(list[0].1.area()).group_window_ms;
        // Mark every complaint in some window holding five households or more.
        let mut marked = vec![false; list.len()];
        let mut end = 0;
        for start in 0..list.len() {
            end = end.max(start);
            while end + 1 < list.len()
                && list[end + 1].1.header.registered_at - list[start].1.header.registered_at
                    <= window
            {
                end += 1;
            }
            let homes: HashSet<String> = list[start..=end]
                .iter()
                .filter_map(|(_, t)| household(t))
                .collect();
            if homes.len() >= households {
                marked[start..=end].iter_mut().for_each(|m| *m = true);
            }
        }
        // Marked complaints within a window of each other form one group.
        let mut current: Vec<(DocumentId, &TicketRecord)> = Vec::new();
        for (i, item) in list.iter().enumerate() {
            if !marked[i] {
                continue;
            }
            if let Some(last) = current.last()
                && item.1.header.registered_at - last.1.header.registered_at > window
            {
                groups.push(group(&current, households));
                current.clear();
            }
            current.push(*item);
        }
        if !current.is_empty() {
            groups.push(group(&current, households));
        }
    }
    groups
}

fn group(members: &[(DocumentId, &TicketRecord)], households: usize) -> GroupComplaint {
    let mut homes: HashSet<String> = HashSet::new();
    let mut formed_at = members[members.len() - 1].1.header.registered_at;
    for (_, t) in members {
        if let Some(home) = household(t)
            && homes.insert(home)
            && homes.len() == households
        {
            formed_at = t.header.registered_at;
        }
    }
    GroupComplaint {
        topic: members[0]
            .1
            .state
            .complaint
            .as_ref()
            .map(|c| c.topic.trim().to_owned())
            .unwrap_or_default(),
        tickets: members.iter().map(|(id, _)| *id).collect(),
        households: homes.len(),
        first_at: members[0].1.header.registered_at,
        last_at: members[members.len() - 1].1.header.registered_at,
        formed_at,
    }
}

/// What the portfolio says of one ticket: whether it is a major complaint, and whether
/// it is one of three households or more on one problem.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Assessed {
    pub major: Option<Major>,
    pub warning: Option<Warning>,
}

/// What makes the tickets of a portfolio major at `now`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assessment {
    /// Why each ticket is major (tickets that are not are absent).
    pub reasons: HashMap<DocumentId, Vec<MajorReason>>,
    /// For major complaints: since when, and the (group's) agreed answer and team.
    pub majors: HashMap<DocumentId, Major>,
    pub groups: Vec<GroupComplaint>,
    /// Complaints in a set of three households or more on one problem, not yet a group.
    pub warnings: HashMap<DocumentId, Warning>,
}

impl Assessment {
    /// What it says of ticket `id`.
    pub fn of(&self, id: DocumentId) -> Assessed {
        Assessed {
            major: self.majors.get(&id).copied(),
            warning: self.warnings.get(&id).copied(),
        }
    }
}

/// Judges every ticket of a portfolio at `now`.
pub fn assess(p: &Portfolio<'_>, now: i64) -> Assessment {
    let groups = group_complaints(p);
    let tickets: HashMap<DocumentId, &TicketRecord> =
        p.tickets.iter().map(|(id, t)| (*id, *t)).collect();
    // The earliest of something any ticket of a set did.
    let first = |ids: &[DocumentId], of: &dyn Fn(&TicketRecord) -> Option<i64>| {
        ids.iter().filter_map(|id| of(tickets.get(id)?)).min()
    };
    // Each grouped ticket: since when the group counts, its one answer and one team.
    let mut grouped: HashMap<DocumentId, (i64, Option<i64>, Option<i64>)> = HashMap::new();
    for g in &groups {
        let answer = first(&g.tickets, &|t| t.state.answered_at);
        let team = first(&g.tickets, &|t| t.state.team.as_ref().map(|x| x.at));
        for id in &g.tickets {
            grouped.insert(*id, (g.formed_at, answer, team));
        }
    }
    let mut warnings = HashMap::new();
    for w in complaints_on_one_problem(p, WARNING_HOUSEHOLDS) {
        let told_at = first(&w.tickets, &|t| {
            t.state.referred(Referee::ProjectHead, w.formed_at)
        });
        for id in w.tickets.iter().filter(|id| !grouped.contains_key(id)) {
            warnings.insert(
                *id,
                Warning {
                    since: w.formed_at,
                    told_at,
                },
            );
        }
    }
    let mut out = Assessment::default();
    for (id, t) in &p.tickets {
        let mut reasons: Vec<(MajorReason, i64)> = Vec::new();
        if let Some((formed, ..)) = grouped.get(id) {
            reasons.push((
                MajorReason::GroupComplaint,
                (*formed).max(t.header.registered_at),
            ));
        }
        for e in &t.state.escalations {
            let reason = match e.escalation {
                Escalation::Media => Some(MajorReason::Media),
                Escalation::Authority => Some(MajorReason::Authority),
                Escalation::Litigation => Some(MajorReason::Litigation),
                Escalation::Compensation => e
                    .amount_yuan
                    .filter(|y| *y >= MAJOR_COMPENSATION_YUAN)
                    .map(|_| MajorReason::Compensation),
            };
            reasons.extend(reason.map(|r| (r, e.at)));
        }
        let complaint = t
            .state
            .complaint
            .as_ref()
            .filter(|_| t.header.category == Category::Complaint);
        if let Some(c) = complaint {
            let month_later = one_month_after(t.header.registered_at);
            let resolved_by = t
                .state
                .completed_at
                .filter(|_| t.state.status.is_resolved());
            let unresolved = resolved_by.is_none_or(|at| at > month_later);
            if c.validity == Some(Validity::Valid) && now >= month_later && unresolved {
                reasons.push((MajorReason::UnresolvedMonth, month_later));
            }
            if let Some(at) = t.state.judged_major_at {
                reasons.push((MajorReason::Judged, at));
            }
        }
        let Some(since) = reasons.iter().map(|(_, at)| *at).min() else {
            continue;
        };
        if complaint.is_some() {
            let own_team = t.state.team.as_ref().map(|x| x.at);
            let (answered_at, team_at) = grouped
                .get(id)
                .map_or((t.state.answered_at, own_team), |(_, answer, team)| {
                    (*answer, *team)
                });
            out.majors.insert(
                *id,
                Major {
                    since,
                    answered_at,
                    team_at,
                },
            );
        }
        let mut reasons: Vec<MajorReason> = reasons.into_iter().map(|(r, _)| r).collect();
        reasons.sort();
        reasons.dedup();
        out.reasons.insert(*id, reasons);
    }
    out.groups = groups;
    out.warnings = warnings;
    out
}

/// The major customer events of a portfolio, oldest first.
pub fn major_events(p: &Portfolio<'_>, assessment: &Assessment) -> Vec<MajorEvent> {
    let reasons = &assessment.reasons;
    let tickets: HashMap<DocumentId, &TicketRecord> =
        p.tickets.iter().map(|(id, t)| (*id, *t)).collect();
    // Each group is one event; every other ticket with a reason is its own.
    let mut sets: Vec<Vec<DocumentId>> = assessment
        .groups
        .iter()
        .map(|g| g.tickets.clone())
        .collect();
    let grouped: HashSet<DocumentId> = sets.iter().flatten().copied().collect();
    let mut singles: Vec<DocumentId> = reasons
        .keys()
        .filter(|id| !grouped.contains(id))
        .copied()
        .collect();
    singles.sort();
    sets.extend(singles.into_iter().map(|id| vec![id]));
    let mut events: Vec<MajorEvent> = sets
        .into_iter()
        .filter_map(|ids| {
            let mut r: Vec<MajorReason> = ids
                .iter()
                .flat_map(|id| reasons.get(id).into_iter().flatten().copied())
                .filter(|r| r.is_customer_event())
                .collect();
            r.sort();
            r.dedup();
            let first = tickets.get(ids.first()?)?;
            let report = ids
                .iter()
                .find_map(|id| tickets.get(id)?.state.report.clone());
            (!r.is_empty()).then(|| MajorEvent {
                category: first.header.category,
                place: first.header.location.label().to_owned(),
                description: first.header.description.clone(),
                registered_at: first.header.registered_at,
                reasons: r,
                needs_report: report.is_none(),
                report,
                tickets: ids,
            })
        })
        .collect();
    events.sort_by_key(|e| (e.registered_at, e.tickets.first().copied()));
    events
}

#[cfg(test)]
mod tests;
