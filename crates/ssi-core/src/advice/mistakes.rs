//! Mistake warnings: habits that hold a score back, each with the numbers and dates that show it.

use super::actions::{section_fill, snapshot_on};
use super::simulate::{history_until, is_by_member};
use crate::engine::profile_completeness;
use crate::event::{ActivityEvent, ActivityKind};
use crate::model::{Metric, ScoringModel};
use crate::profile::ProfileSnapshot;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The thresholds of every warning, in one place. They are heuristics of good
/// practice, not part of the scoring model.
pub mod thresholds {
    /// Days looked back for connection requests, reaction bursts and gaps.
    pub const LOOKBACK_DAYS: u64 = 90;
    /// Fewest pending connection requests in the lookback before notes are judged.
    pub const MIN_REQUESTS: usize = 5;
    /// Share of requests without a personal note at or above which requests count as impersonal.
    pub const IMPERSONAL_SHARE: f64 = 0.5;
    /// Acceptance rate (connections made over connections made plus pending requests) below which it is low.
    pub const LOW_ACCEPTANCE_RATE: f64 = 0.4;
    /// Reactions on one day that make a burst.
    pub const REACTION_BURST: usize = 10;
    /// Days looked back when comparing posting with engaging.
    pub const POSTING_WINDOW_DAYS: u64 = 30;
    /// Fewest posts (posts and articles) in that window before it is judged.
    pub const MIN_POSTS: usize = 2;
    /// Days without any activity by the member that make a silence or a gap.
    pub const SILENCE_DAYS: i64 = 14;
    /// Profile completeness (0–1) below which a missing section is a critical warning.
    pub const CRITICAL_COMPLETENESS: f64 = 0.5;
    /// Profile completeness below which it is a warning rather than a note.
    pub const LOW_COMPLETENESS: f64 = 0.8;
}
use thresholds::*;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Connection requests mostly without a personal note, and few accepted.
    ImpersonalRequests,
    /// Days with many reactions and not a single comment.
    ReactionBursts,
    /// Posting while hardly engaging with others' posts.
    PostingWithoutEngaging,
    /// No activity by the member for a long while, up to today.
    LongSilence,
    /// A long gap in the member's activity in the lookback.
    ActivityGap,
    /// Missing profile sections.
    IncompleteProfile,
}

/// How much a warning matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Costs points.
    Warning,
    /// Costs many points now.
    Critical,
}

/// A number, date or text backing a warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum EvidenceValue {
    /// A count.
    Count(u64),
    /// A measure (a rate 0–1, points).
    Number(f64),
    /// A day.
    Date(NaiveDate),
    /// Words (e.g. a list of sections).
    Text(String),
}

/// One warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// How much it matters.
    pub severity: Severity,
    /// The warning and what to do, in plain words.
    pub message: String,
    /// The numbers and dates behind it, by stable snake_case name.
    pub evidence: BTreeMap<String, EvidenceValue>,
}

/// Looks for the habits that hold the member's score back, as of `today`.
///
/// Warnings come most severe first. Every threshold is in [`thresholds`].
/// Events after `today` are ignored; without a profile snapshot the profile is
/// not judged.
pub fn mistakes(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    events: &[ActivityEvent],
    today: NaiveDate,
) -> Vec<Warning> {
    let history = history_until(events, today);
    let lookback_from = days_before(today, LOOKBACK_DAYS - 1);
    let mut warnings: Vec<Warning> = [
        impersonal_requests(&history, lookback_from, today),
        reaction_bursts(&history, lookback_from, today),
        posting_without_engaging(&history, today),
        long_silence(&history, today),
        activity_gap(&history, lookback_from, today),
        incomplete_profile(model, profiles, &history, today),
    ]
    .into_iter()
    .flatten()
    .collect();
    warnings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.kind.cmp(&b.kind)));
    warnings
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN)
}

fn evidence<const N: usize>(items: [(&str, EvidenceValue); N]) -> BTreeMap<String, EvidenceValue> {
    items.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn between<'a>(
    history: &'a [&'a ActivityEvent],
    from: NaiveDate,
    to: NaiveDate,
) -> impl Iterator<Item = &'a ActivityEvent> + 'a {
    history.iter().copied().filter(move |e| e.day() >= from && e.day() <= to)
}

fn impersonal_requests(history: &[&ActivityEvent], from: NaiveDate, today: NaiveDate) -> Option<Warning> {
    let requests: Vec<&ActivityEvent> =
        between(history, from, today).filter(|e| e.kind == ActivityKind::InvitationSent).collect();
    let without_note = requests.iter().filter(|e| !e.personalised).count();
    let made = between(history, from, today).filter(|e| e.kind == ActivityKind::ConnectionMade).count();
    if requests.len() < MIN_REQUESTS {
        return None;
    }
    let share = without_note as f64 / requests.len() as f64;
    let acceptance = made as f64 / (made + requests.len()) as f64;
    (share >= IMPERSONAL_SHARE && acceptance < LOW_ACCEPTANCE_RATE).then(|| Warning {
        kind: WarningKind::ImpersonalRequests,
        severity: Severity::Warning,
        message: format!(
            "{without_note} of your {} pending connection requests since {from} have no personal note, and only \
             {:.0}% of requests get accepted. Send fewer, targeted requests, each with a line on why you want to \
             connect.",
            requests.len(),
            acceptance * 100.0
        ),
        evidence: evidence([
            ("from", EvidenceValue::Date(from)),
            ("to", EvidenceValue::Date(today)),
            ("pending_requests", EvidenceValue::Count(requests.len() as u64)),
            ("requests_without_note", EvidenceValue::Count(without_note as u64)),
            ("share_without_note", EvidenceValue::Number(share)),
            ("connections_made", EvidenceValue::Count(made as u64)),
            ("acceptance_rate", EvidenceValue::Number(acceptance)),
        ]),
    })
}

fn reaction_bursts(history: &[&ActivityEvent], from: NaiveDate, today: NaiveDate) -> Option<Warning> {
    let mut per_day: BTreeMap<NaiveDate, (usize, usize)> = BTreeMap::new();
    for e in between(history, from, today) {
        match e.kind {
            ActivityKind::Reaction => per_day.entry(e.day()).or_default().0 += 1,
            ActivityKind::Comment => per_day.entry(e.day()).or_default().1 += 1,
            _ => {}
        }
    }
    let bursts: Vec<(NaiveDate, usize)> = per_day
        .into_iter()
        .filter(|(_, (reactions, comments))| *reactions >= REACTION_BURST && *comments == 0)
        .map(|(day, (reactions, _))| (day, reactions))
        .collect();
    let (largest_on, largest) =
        bursts.iter().copied().max_by_key(|(day, n)| (*n, std::cmp::Reverse(*day)))?;
    let reactions: usize = bursts.iter().map(|b| b.1).sum();
    Some(Warning {
        kind: WarningKind::ReactionBursts,
        severity: if bursts.len() >= 3 { Severity::Warning } else { Severity::Info },
        message: format!(
            "On {} day(s) since {from} you reacted {REACTION_BURST} or more times without writing a single comment \
             (most: {largest} reactions on {largest_on}). Reactions saturate fast; one thoughtful comment is worth \
             more than a burst of likes.",
            bursts.len()
        ),
        evidence: evidence([
            ("from", EvidenceValue::Date(from)),
            ("to", EvidenceValue::Date(today)),
            ("burst_days", EvidenceValue::Count(bursts.len() as u64)),
            ("reactions_on_burst_days", EvidenceValue::Count(reactions as u64)),
            ("largest_burst", EvidenceValue::Count(largest as u64)),
            ("largest_burst_on", EvidenceValue::Date(largest_on)),
            ("last_burst_on", EvidenceValue::Date(bursts[bursts.len() - 1].0)),
        ]),
    })
}

fn posting_without_engaging(history: &[&ActivityEvent], today: NaiveDate) -> Option<Warning> {
    let from = days_before(today, POSTING_WINDOW_DAYS - 1);
    let count =
        |kinds: &[ActivityKind]| between(history, from, today).filter(|e| kinds.contains(&e.kind)).count();
    let posts = count(&[ActivityKind::Post, ActivityKind::Article]);
    let comments = count(&[ActivityKind::Comment]);
    let reactions = count(&[ActivityKind::Reaction]);
    (posts >= MIN_POSTS && comments < posts).then(|| Warning {
        kind: WarningKind::PostingWithoutEngaging,
        severity: if comments == 0 { Severity::Warning } else { Severity::Info },
        message: format!(
            "Since {from} you published {posts} posts but wrote only {comments} comments on others' posts. \
             Comment at least as often as you post: engaging with others is what earns attention for your own posts."
        ),
        evidence: evidence([
            ("from", EvidenceValue::Date(from)),
            ("to", EvidenceValue::Date(today)),
            ("posts", EvidenceValue::Count(posts as u64)),
            ("comments", EvidenceValue::Count(comments as u64)),
            ("reactions", EvidenceValue::Count(reactions as u64)),
        ]),
    })
}

fn active_days(history: &[&ActivityEvent]) -> BTreeSet<NaiveDate> {
    history.iter().filter(|e| is_by_member(e.kind)).map(|e| e.day()).collect()
}

fn long_silence(history: &[&ActivityEvent], today: NaiveDate) -> Option<Warning> {
    let Some(last) = active_days(history).last().copied() else {
        return Some(Warning {
            kind: WarningKind::LongSilence,
            severity: Severity::Warning,
            message:
                "No activity of yours is recorded at all: import a LinkedIn data export, or start with a few \
                      minutes on LinkedIn on most working days."
                    .into(),
            evidence: evidence([
                ("to", EvidenceValue::Date(today)),
                ("active_days_recorded", EvidenceValue::Count(0)),
            ]),
        });
    };
    let silent = (today - last).num_days();
    (silent >= SILENCE_DAYS).then(|| Warning {
        kind: WarningKind::LongSilence,
        severity: Severity::Critical,
        message: format!(
            "Nothing from you since {last}: {silent} days. Every activity component is decaying; a few minutes a \
             day (a comment, a search, a reply) stops the slide."
        ),
        evidence: evidence([
            ("last_active_on", EvidenceValue::Date(last)),
            ("to", EvidenceValue::Date(today)),
            ("silent_days", EvidenceValue::Count(silent as u64)),
        ]),
    })
}

fn activity_gap(history: &[&ActivityEvent], from: NaiveDate, today: NaiveDate) -> Option<Warning> {
    let days = active_days(history);
    // A gap counts when it ends inside the lookback; it may start before it.
    let anchor = days.range(..from).next_back().copied();
    let inside: Vec<NaiveDate> = days.range(from..=today).copied().collect();
    let mut gaps: Vec<(NaiveDate, NaiveDate, i64)> = Vec::new();
    let mut previous = anchor;
    for day in inside {
        if let Some(before) = previous {
            let silent = (day - before).num_days() - 1;
            if silent >= SILENCE_DAYS {
                gaps.push((before.succ_opt()?, day.pred_opt()?, silent));
            }
        }
        previous = Some(day);
    }
    let (gap_from, gap_to, longest) = gaps.iter().copied().max_by_key(|g| (g.2, std::cmp::Reverse(g.0)))?;
    Some(Warning {
        kind: WarningKind::ActivityGap,
        severity: Severity::Info,
        message: format!(
            "Your activity stopped for {longest} days, from {gap_from} to {gap_to}. A steady rhythm beats bursts: \
             the score's windows forget a gap only slowly."
        ),
        evidence: evidence([
            ("from", EvidenceValue::Date(from)),
            ("to", EvidenceValue::Date(today)),
            ("gaps", EvidenceValue::Count(gaps.len() as u64)),
            ("longest_gap_days", EvidenceValue::Count(longest as u64)),
            ("gap_from", EvidenceValue::Date(gap_from)),
            ("gap_to", EvidenceValue::Date(gap_to)),
        ]),
    })
}

fn incomplete_profile(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    history: &[&ActivityEvent],
    today: NaiveDate,
) -> Option<Warning> {
    let profile = snapshot_on(profiles, today)?;
    let mut missing: Vec<(f64, &crate::model::ChecklistItem)> = model
        .profile_checklist
        .iter()
        .map(|item| (item.weight * (1.0 - section_fill(item, profile)), item))
        .filter(|(lost, _)| *lost > 1e-9)
        .collect();
    if missing.is_empty() {
        return None;
    }
    missing.sort_by(|a, b| b.0.total_cmp(&a.0));
    let completeness = profile_completeness(&model.profile_checklist, profile);
    // A pillar's weights grow on days some of its components have no data.
    let scales = crate::engine::metric_series(model, profiles, history.iter().copied(), today, today)
        .first()
        .map_or([1.0; 4], |day| crate::engine::pillar_scales(model, &day.values));
    let points: f64 = model
        .components
        .iter()
        .filter(|c| matches!(c.metric, Metric::ProfileCompleteness))
        .map(|c| c.weight * scales[c.pillar.index()] * (c.curve.share(1.0) - c.curve.share(completeness)))
        .sum();
    let sections: Vec<String> = missing
        .iter()
        .map(|(_, item)| {
            serde_json::to_value(item.section)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        })
        .collect();
    let severity = if completeness < CRITICAL_COMPLETENESS {
        Severity::Critical
    } else if completeness < LOW_COMPLETENESS {
        Severity::Warning
    } else {
        Severity::Info
    };
    Some(Warning {
        kind: WarningKind::IncompleteProfile,
        severity,
        message: format!(
            "Your profile (as of {}) is {:.0}% complete; {} missing or short, worth {points:.1} points. \
             Start here: {}.",
            profile.taken_on,
            completeness * 100.0,
            match missing.len() {
                1 => "1 section is".to_string(),
                n => format!("{n} sections are"),
            },
            missing[0].1.action
        ),
        evidence: evidence([
            ("snapshot_taken_on", EvidenceValue::Date(profile.taken_on)),
            ("completeness", EvidenceValue::Number(completeness)),
            ("points_available", EvidenceValue::Number(points)),
            ("missing_sections", EvidenceValue::Text(sections.join(", "))),
        ]),
    })
}
