//! What-if plans: a weekly plan simulated forward from today's state, with the day each band threshold is first reached.

use super::actions::effort_of;
use super::rhythm::rhythm_of;
use super::simulate::{
    Synthetic, add_days, even_schedule, history_until, score_days, target_counterpart, weekly_slots,
};
use crate::event::{ActivityEvent, ActivityKind};
use crate::model::ScoringModel;
use crate::pillar::PillarScores;
use crate::profile::ProfileSnapshot;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The totals whose first date a projection reports: the average member
/// (45), the top of "above average" (70), the sales teams' target (75) and the
/// top of "strong" (80).
pub const PLAN_THRESHOLDS: [f64; 4] = [45.0, 70.0, 75.0, 80.0];

/// Most units a week any one activity of a plan may have.
pub const MAX_UNITS_PER_WEEK: u32 = 200;

/// Longest projection, in days (ten years: long enough for every window of a
/// valid model to run out).
pub const MAX_PROJECTION_DAYS: u32 = 3660;

/// What the member plans to do each week from tomorrow on.
///
/// Every field defaults to zero (or false), so a plan file or request only
/// names what it plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeeklyPlan {
    /// Posts published a week.
    pub posts: u32,
    /// Long-form articles a week.
    pub articles: u32,
    /// Comments a week.
    pub comments: u32,
    /// Reactions a week.
    pub reactions: u32,
    /// Reposts a week.
    pub reposts: u32,
    /// Personalised connection requests to decision makers a week (simulated as accepted).
    pub connection_requests: u32,
    /// Messages a week that start a conversation (replies are `reply_to_all`).
    pub messages: u32,
    /// People searches a week.
    pub searches: u32,
    /// Days a week with a sign-in (at most 7).
    pub active_days: u32,
    /// Whether every incoming message is answered the day it arrives.
    pub reply_to_all: bool,
    /// Endorsements given a week.
    pub endorsements: u32,
}

impl WeeklyPlan {
    /// The counted fields with the kind each unit is simulated as, in a stable order.
    fn counted(&self) -> [(&'static str, u32, ActivityKind); 10] {
        [
            ("posts", self.posts, ActivityKind::Post),
            ("articles", self.articles, ActivityKind::Article),
            ("comments", self.comments, ActivityKind::Comment),
            ("reactions", self.reactions, ActivityKind::Reaction),
            ("reposts", self.reposts, ActivityKind::Repost),
            ("connection_requests", self.connection_requests, ActivityKind::ConnectionMade),
            ("messages", self.messages, ActivityKind::MessageSent),
            ("searches", self.searches, ActivityKind::PeopleSearch),
            ("active_days", self.active_days, ActivityKind::DayActive),
            ("endorsements", self.endorsements, ActivityKind::EndorsementGiven),
        ]
    }
}

/// Why a plan cannot be projected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A week has seven days.
    #[error("plan field active_days is {0}, but a week has only 7 days")]
    TooManyActiveDays(u32),
    /// A count is beyond any realistic plan.
    #[error("plan field {field} is {value} a week; at most {max} a week can be projected")]
    TooManyUnits {
        /// The plan field.
        field: &'static str,
        /// Its value.
        value: u32,
        /// The most allowed ([`MAX_UNITS_PER_WEEK`]).
        max: u32,
    },
    /// The projection is too long.
    #[error("a projection of {days} days is too long; at most {max} days can be projected")]
    TooManyDays {
        /// Days asked for.
        days: u32,
        /// The most allowed ([`MAX_PROJECTION_DAYS`]).
        max: u32,
    },
}

/// One projected day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProjectedDay {
    /// The day.
    pub date: NaiveDate,
    /// The four pillars.
    pub pillars: PillarScores,
    /// The unrounded total.
    pub total: f64,
}

/// When a total threshold is first reached.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThresholdDate {
    /// The total (unrounded) to reach.
    pub threshold: f64,
    /// The first projected day whose total is at least the threshold (today
    /// when it already is), or `None` when the projection never gets there.
    pub first_date: Option<NaiveDate>,
}

/// A plan projected forward.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// The model version that scored it.
    pub model_version: String,
    /// The day the projection starts from (the first day of `series`).
    pub today: NaiveDate,
    /// Days projected after today.
    pub days: u32,
    /// The plan.
    pub plan: WeeklyPlan,
    /// Incoming conversation turns a week, the member's recent rate, assumed to continue.
    pub incoming_messages_per_week: f64,
    /// Minutes a week the plan takes, from the model's effort table (replies
    /// to incoming messages included when `reply_to_all`).
    pub minutes_per_week: f64,
    /// Today and every projected day, in order.
    pub series: Vec<ProjectedDay>,
    /// For each of [`PLAN_THRESHOLDS`], the first day it is reached.
    pub thresholds: Vec<ThresholdDate>,
}

impl Projection {
    /// The last projected day.
    pub fn last(&self) -> Option<&ProjectedDay> {
        self.series.last()
    }
}

/// Projects `plan` forward `days` days from today's state.
///
/// The history (events on or before `today`) stays as it is; from tomorrow
/// on, the future is the plan alone, spread deterministically over each week
/// (unit `j` of a week on the week's day `[2, 5, 0, 3, 6, 1, 4][j % 7]`, so a
/// plan with more of anything keeps every unit of the smaller plan in place).
/// Incoming messages keep arriving at the member's rate of the last four
/// weeks, each in a new conversation, and are answered the same day only when
/// `plan.reply_to_all`. Connection requests are simulated as accepted
/// requests from decision makers; `messages` as messages opening conversations
/// of their own (no reply from the other side is assumed).
pub fn project_plan(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    events: &[ActivityEvent],
    today: NaiveDate,
    plan: &WeeklyPlan,
    days: u32,
) -> Result<Projection, PlanError> {
    if plan.active_days > 7 {
        return Err(PlanError::TooManyActiveDays(plan.active_days));
    }
    if let Some((field, value, _)) = plan.counted().into_iter().find(|(_, n, _)| *n > MAX_UNITS_PER_WEEK) {
        return Err(PlanError::TooManyUnits { field, value, max: MAX_UNITS_PER_WEEK });
    }
    if days > MAX_PROJECTION_DAYS {
        return Err(PlanError::TooManyDays { days, max: MAX_PROJECTION_DAYS });
    }
    let history = history_until(events, today);
    let rhythm = rhythm_of(model, &history, today);
    let future = plan_events(model, plan, rhythm.incoming_turns_per_week, today, days);
    let end = add_days(today, u64::from(days));
    let series: Vec<ProjectedDay> = score_days(model, profiles, &history, &[&future], today, end)
        .into_iter()
        .map(|(date, pillars, total)| ProjectedDay { date, pillars, total })
        .collect();
    let thresholds = PLAN_THRESHOLDS
        .iter()
        .map(|&threshold| ThresholdDate {
            threshold,
            first_date: series.iter().find(|d| d.total >= threshold).map(|d| d.date),
        })
        .collect();
    let mut minutes_per_week: f64 =
        plan.counted().iter().map(|(_, n, kind)| f64::from(*n) * effort_of(model, *kind).0).sum();
    if plan.reply_to_all {
        minutes_per_week += rhythm.incoming_turns_per_week * effort_of(model, ActivityKind::MessageSent).0;
    }
    Ok(Projection {
        model_version: model.version.clone(),
        today,
        days,
        plan: *plan,
        incoming_messages_per_week: rhythm.incoming_turns_per_week,
        minutes_per_week,
        series,
        thresholds,
    })
}

/// The synthetic future of a plan.
fn plan_events(
    model: &ScoringModel,
    plan: &WeeklyPlan,
    incoming_per_week: f64,
    today: NaiveDate,
    days: u32,
) -> Vec<ActivityEvent> {
    let mut synthetic = Synthetic::new("plan");
    let decision_maker = target_counterpart(model);
    for (field, per_week, kind) in plan.counted() {
        for (date, week, unit) in weekly_slots(today, per_week, days) {
            let unit = format!("w{week}u{unit}");
            match field {
                "connection_requests" => synthetic.connection(date, &decision_maker, field, &unit),
                "messages" => synthetic.outbound(date, field, &unit),
                _ => synthetic.plain(kind, date, field, &unit),
            }
        }
    }
    for (m, date) in even_schedule(today, incoming_per_week, days).into_iter().enumerate() {
        synthetic.incoming(date, plan.reply_to_all, "incoming", &m.to_string());
    }
    synthetic.into_sorted()
}
