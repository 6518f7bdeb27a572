//! The member's recent rhythm: average weekly counts over the last four weeks, the baseline every projection continues.

use super::simulate::{history_until, is_by_member};
use crate::event::{ActivityEvent, ActivityKind, PseudonymKey};
use crate::model::ScoringModel;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Days of history the recent rhythm is measured over (four weeks).
pub const RHYTHM_WINDOW_DAYS: u32 = 28;

/// The member's average weekly activity over the [`RHYTHM_WINDOW_DAYS`] days
/// ending on `to`.
///
/// `per_week` is the plain average of every kind seen. Messages and
/// connections carry structure that the score depends on (which message
/// answered which, whether a connection is on target), so they are also broken
/// down in the other fields, and projections simulate them from those.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WeeklyRhythm {
    /// First day measured.
    pub from: NaiveDate,
    /// Last day measured (the day advised on).
    pub to: NaiveDate,
    /// Average events per week of each kind seen in the window (kinds never
    /// seen are left out).
    pub per_week: BTreeMap<ActivityKind, f64>,
    /// Connections made per week with on-target counterparts (the model's ideal customer profile).
    pub target_connections_per_week: f64,
    /// Other connections made per week.
    pub other_connections_per_week: f64,
    /// Incoming conversation turns per week: messages received in a
    /// conversation with no message already awaiting the member's reply.
    pub incoming_turns_per_week: f64,
    /// Share (0–1) of those turns the member answered; 0 when nothing arrived.
    pub replied_share: f64,
    /// Messages sent per week that did not answer an incoming turn.
    pub outbound_messages_per_week: f64,
    /// Distinct days per week with any activity by the member.
    pub active_days_per_week: f64,
}

impl WeeklyRhythm {
    /// The average weekly count of one kind (0 when never seen).
    pub fn of(&self, kind: ActivityKind) -> f64 {
        self.per_week.get(&kind).copied().unwrap_or(0.0)
    }
}

/// Measures the member's rhythm over the four weeks ending on `today`.
///
/// Events after `today` are ignored; `events` may come in any order. The
/// model's target profile decides which connections are on target.
pub fn recent_rhythm(model: &ScoringModel, events: &[ActivityEvent], today: NaiveDate) -> WeeklyRhythm {
    rhythm_of(model, &history_until(events, today), today)
}

/// [`recent_rhythm`] over a history already cut at `today` and in time order.
pub(crate) fn rhythm_of(model: &ScoringModel, history: &[&ActivityEvent], today: NaiveDate) -> WeeklyRhythm {
    let from = today.checked_sub_days(Days::new(u64::from(RHYTHM_WINDOW_DAYS - 1))).unwrap_or(NaiveDate::MIN);
    let weeks = f64::from(RHYTHM_WINDOW_DAYS) / 7.0;
    let in_window = |e: &ActivityEvent| e.day() >= from && e.day() <= today;

    let mut counts: BTreeMap<ActivityKind, f64> = BTreeMap::new();
    let mut target_connections = 0.0;
    let mut other_connections = 0.0;
    let mut active_days = std::collections::BTreeSet::new();
    let mut sent = 0.0;
    let mut turns = 0.0;
    let mut replies = 0.0;
    // Turns, not single messages: a burst of incoming messages is one thing to
    // answer, so a turn opens on an incoming message unless one is open and the
    // member's next message closes it. Simulated incoming messages each open a
    // conversation of their own, so turns per week is the rate to simulate.
    let mut open: HashMap<&PseudonymKey, bool> = HashMap::new();
    for e in history {
        let counted = in_window(e);
        if counted {
            *counts.entry(e.kind).or_default() += 1.0;
            if is_by_member(e.kind) {
                active_days.insert(e.day());
            }
        }
        match e.kind {
            ActivityKind::ConnectionMade if counted => {
                if model.target.matches(e.counterpart_title.as_deref(), e.counterpart_company.as_deref()) {
                    target_connections += 1.0;
                } else {
                    other_connections += 1.0;
                }
            }
            ActivityKind::MessageReceived => {
                if let Some(key) = e.conversation.as_ref().or(e.counterpart.as_ref()) {
                    let state = open.entry(key).or_default();
                    if !*state {
                        *state = true;
                        if counted {
                            turns += 1.0;
                        }
                    }
                }
            }
            ActivityKind::MessageSent => {
                if counted {
                    sent += 1.0;
                }
                if let Some(key) = e.conversation.as_ref().or(e.counterpart.as_ref())
                    && let Some(state) = open.get_mut(key)
                    && *state
                {
                    *state = false;
                    if counted {
                        replies += 1.0;
                    }
                }
            }
            _ => {}
        }
    }
    WeeklyRhythm {
        from,
        to: today,
        per_week: counts.into_iter().map(|(k, n)| (k, n / weeks)).collect(),
        target_connections_per_week: target_connections / weeks,
        other_connections_per_week: other_connections / weeks,
        incoming_turns_per_week: turns / weeks,
        replied_share: if turns > 0.0 { (replies / turns).min(1.0) } else { 0.0 },
        outbound_messages_per_week: (sent - replies).max(0.0) / weeks,
        active_days_per_week: active_days.len() as f64 / weeks,
    }
}
