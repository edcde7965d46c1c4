//! Satisfaction survey campaigns (seed 000; seed 001 篇2 《意见征询》): each area's clocks
//! and the campaign's analysis across the areas asked for. Readings, written down once:
//! - "回收率原则上应不低于发放数量的60%" (4.1.4): returned against handed out; the return
//!   clock is due at the end of the collection's last day — or when collection was closed,
//!   if earlier — and met by the return that reached 60 % of the forms handed out.
//! - "公司在达到回收率要求和回收期限后的一周内开展统计、分析、回访等事后工作" (000): the
//!   analysis and the callbacks are due seven days after the collection's last day.
//! - "对提出意见和建议的客户应逐户回访，重要客户应登门拜访" (000): every household whose
//!   form carries a comment is called back; a key customer's callback counts only at home.
//! - "对业主（住户）评价为'很满意'、'满意'、'较满意'的可确定为满意项" (4.1.5 b): the
//!   satisfaction rate is satisfied ratings over all ratings; the issues, by the category
//!   of each comment, most frequent first with their cumulative share — the Pareto chart
//!   (排列图法, 4.1.5 a).

use std::collections::BTreeMap;

use serde::Serialize;

use super::deadlines::{Clock, Deadline, nth_earliest};
use super::portfolio::{Portfolio, Scope};
use super::statistics::permille;
use crate::ids::DocumentId;
use crate::records::survey::{Rating, SurveyRecord};
use crate::records::ticket::BusinessType;
use crate::time::{Month, add_days, end_of_day};

const RETURN_RULE: &str = "调查表回收率不低于发放数量的60%（001 篇2 4.1.4）";
const ANALYSIS_RULE: &str = "达到回收率要求和回收期限后的一周内统计分析（000）";
const CALLBACK_RULE: &str = "对提出意见和建议的客户逐户回访，重要客户登门拜访（000）";
/// "不低于发放数量的60%".
pub const RETURN_PERCENT: usize = 60;
/// "一周内".
pub const AFTERWARDS_DAYS: i64 = 7;

/// A household that commented, and whether it was called back as it should be.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commenter {
    pub survey: DocumentId,
    pub area_id: String,
    pub unit: DocumentId,
    pub unit_code: String,
    pub comment: String,
    pub topic: Option<BusinessType>,
    pub key_customer: bool,
    pub called_back_at: Option<i64>,
    pub at_home: bool,
    /// Called back, at home for a key customer.
    pub done: bool,
}

/// One item's ratings.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemRatings {
    pub item: String,
    /// By rating, in the form's order (很满意, 满意, 较满意, 不满意).
    pub counts: Vec<usize>,
    pub satisfied_permille: Option<u32>,
}

/// A category of the comments, for the Pareto chart.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicCount {
    pub topic: BusinessType,
    pub label: &'static str,
    pub count: usize,
    /// This and every more frequent category's share of all comments.
    pub cumulative_permille: u32,
}

/// One area's survey of the campaign.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaSurvey {
    pub survey: DocumentId,
    pub area_id: String,
    pub planned: u32,
    pub handed: usize,
    pub returned: usize,
    pub approved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub analysed_at: Option<i64>,
    pub clocks: Vec<Deadline>,
}

/// A campaign across the areas asked for.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyReport {
    pub campaign: Month,
    pub areas: Vec<AreaSurvey>,
    pub planned: u32,
    pub handed: usize,
    pub returned: usize,
    pub return_permille: Option<u32>,
    /// At least 60 % returned; none before any form is handed out.
    pub return_met: Option<bool>,
    pub ratings: usize,
    pub satisfied: usize,
    pub satisfied_permille: Option<u32>,
    pub items: Vec<ItemRatings>,
    /// Most frequent first.
    pub topics: Vec<TopicCount>,
    pub commenters: Vec<Commenter>,
}

fn commenters(p: &Portfolio<'_>, id: DocumentId, s: &SurveyRecord) -> Vec<Commenter> {
    let key = |unit: DocumentId| {
        p.units
            .iter()
            .any(|(u, r)| *u == unit && r.state.key_customer)
    };
    s.state
        .returned
        .iter()
        .filter(|(_, r)| !r.comment.is_empty())
        .map(|(unit, r)| {
            let called = s.state.called_back.get(unit);
            let key_customer = key(*unit);
            let at_home = called.is_some_and(|c| c.at_home);
            Commenter {
                survey: id,
                area_id: s.area().to_owned(),
                unit: *unit,
                unit_code: r.unit_code.to_string(),
                comment: r.comment.clone(),
                topic: r.topic,
                key_customer,
                called_back_at: called.map(|c| c.at),
                at_home,
                done: called.is_some() && (at_home || !key_customer),
            }
        })
        .collect()
}

/// A survey's clocks at `now`, once its plan is approved.
pub fn survey_clocks(
    p: &Portfolio<'_>,
    id: DocumentId,
    s: &SurveyRecord,
    now: i64,
) -> Vec<Deadline> {
    if s.state.approved_at.is_none() {
        return Vec::new();
    }
    let st = &s.state;
    let needed = (st.handed.len() * RETURN_PERCENT).div_ceil(100);
    let reached = (needed > 0)
        .then(|| nth_earliest(st.returned.values().map(|r| r.at), needed))
        .flatten();
    let afterwards = end_of_day(add_days(s.header.closes, AFTERWARDS_DAYS));
    let mut clocks = vec![
        Deadline::new(
            Clock::SurveyReturn,
            RETURN_RULE,
            Some(end_of_day(s.header.closes).min(st.closed_at.unwrap_or(i64::MAX))),
            reached,
            now,
        ),
        Deadline::new(
            Clock::SurveyAnalysis,
            ANALYSIS_RULE,
            Some(afterwards),
            st.analysed_at,
            now,
        ),
    ];
    let owed = commenters(p, id, s);
    if !owed.is_empty() {
        let done = owed
            .iter()
            .map(|c| c.done.then_some(c.called_back_at).flatten())
            .collect::<Option<Vec<i64>>>()
            .and_then(|all| all.into_iter().max());
        clocks.push(Deadline::new(
            Clock::SurveyCallback,
            CALLBACK_RULE,
            Some(afterwards),
            done,
            now,
        ));
    }
    clocks
}

/// The campaign `campaign` across the scope's areas at `now`.
pub fn survey_report(p: &Portfolio<'_>, scope: &Scope, campaign: Month, now: i64) -> SurveyReport {
    let surveys: Vec<&(DocumentId, &SurveyRecord)> = p
        .surveys
        .iter()
        .filter(|(_, s)| s.header.campaign == campaign && scope.covers(s.area()))
        .collect();
    let mut items: Vec<(String, Vec<usize>)> = Vec::new();
    let mut topics: BTreeMap<BusinessType, usize> = BTreeMap::new();
    for (_, s) in &surveys {
        let names = s.header.items();
        for r in s.state.returned.values() {
            for (name, rating) in names.iter().zip(&r.ratings) {
                let at = match items.iter().position(|(n, _)| n == name) {
                    Some(at) => at,
                    None => {
                        items.push((name.clone(), vec![0; Rating::ALL.len()]));
                        items.len() - 1
                    }
                };
                let column = Rating::ALL.iter().position(|x| x == rating).unwrap_or(0);
                items[at].1[column] += 1;
            }
            if let Some(topic) = r.topic {
                *topics.entry(topic).or_default() += 1;
            }
        }
    }
    let satisfied_of = |counts: &[usize]| {
        Rating::ALL
            .iter()
            .zip(counts)
            .filter(|(r, _)| r.satisfied())
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    let ratings: usize = items.iter().flat_map(|(_, c)| c).sum();
    let satisfied: usize = items.iter().map(|(_, c)| satisfied_of(c)).sum();
    let mut topics: Vec<(BusinessType, usize)> = topics.into_iter().collect();
    topics.sort_by_key(|(t, n)| (std::cmp::Reverse(*n), *t));
    let comments: usize = topics.iter().map(|(_, n)| n).sum();
    let mut running = 0;
    let handed: usize = surveys.iter().map(|(_, s)| s.state.handed.len()).sum();
    let returned: usize = surveys.iter().map(|(_, s)| s.state.returned.len()).sum();
    SurveyReport {
        campaign,
        areas: surveys
            .iter()
            .map(|(id, s)| AreaSurvey {
                survey: *id,
                area_id: s.area().to_owned(),
                planned: s.header.planned,
                handed: s.state.handed.len(),
                returned: s.state.returned.len(),
                approved_at: s.state.approved_at,
                closed_at: s.state.closed_at,
                analysed_at: s.state.analysed_at,
                clocks: survey_clocks(p, *id, s, now),
            })
            .collect(),
        planned: surveys.iter().map(|(_, s)| s.header.planned).sum(),
        handed,
        returned,
        return_permille: permille(returned, handed),
        return_met: (handed > 0).then(|| returned * 100 >= RETURN_PERCENT * handed),
        ratings,
        satisfied,
        satisfied_permille: permille(satisfied, ratings),
        items: items
            .into_iter()
            .map(|(item, counts)| ItemRatings {
                satisfied_permille: permille(satisfied_of(&counts), counts.iter().sum()),
                item,
                counts,
            })
            .collect(),
        topics: topics
            .into_iter()
            .map(|(topic, count)| {
                running += count;
                TopicCount {
                    topic,
                    label: topic.label_zh(),
                    count,
                    cumulative_permille: permille(running, comments).unwrap_or(0),
                }
            })
            .collect(),
        commenters: surveys
            .iter()
            .flat_map(|(id, s)| commenters(p, *id, s))
            .collect(),
    }
}

/// The open clocks of the portfolio's surveys, for due work: (survey, what, clock).
pub fn surveys_due(p: &Portfolio<'_>, now: i64) -> Vec<(DocumentId, String, Deadline)> {
    p.surveys
        .iter()
        .flat_map(|(id, s)| {
            survey_clocks(p, *id, s, now)
                .into_iter()
                .filter(|d| d.met_at.is_none())
                .map(move |d| (*id, format!("{} 满意度调查", s.header.campaign), d))
        })
        .collect()
}

#[cfg(test)]
mod tests;
