//! What-if plans: a weekly change to the member's habits simulated forward from today's state, beside the habits alone, with the day each band threshold is first reached.

use super::actions::effort_of;
use super::rhythm::{WeeklyRhythm, rhythm_of};
use super::simulate::{
    Synthetic, active_days_of, add_days, baseline_events, even_schedule, free_days, history_until,
    score_days, target_counterpart, weekly_slots,
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
/// By default a plan is a change to the member's habits: its counts come **on
/// top of** the member's rhythm of the last four weeks, which continues (so a
/// plan never projects below the habits alone). With `only`, the plan is the
/// member's whole activity: every habit it does not name stops.
///
/// Every field defaults to zero (or false), so a plan file or request only
/// names what it plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Days a week with a sign-in (at most 7); on top of the habits, days the
    /// habits leave inactive.
    pub active_days: u32,
    /// Whether every incoming message is answered the day it arrives.
    pub reply_to_all: bool,
    /// Endorsements given a week.
    pub endorsements: u32,
    /// The plan alone: the member's habits that the plan does not name stop
    /// (false: the habits continue and the plan comes on top).
    pub only: bool,
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ThresholdDate {
    /// The total (unrounded) to reach.
    pub threshold: f64,
    /// The first projected day whose total is at least the threshold (today
    /// when it already is), or `None` when the projection never gets there.
    pub first_date: Option<NaiveDate>,
}

/// A plan projected forward, beside the member's habits alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The member's rhythm of the last four weeks: what continues under the plan
    /// (unless `plan.only`) and in `baseline`.
    pub rhythm: WeeklyRhythm,
    /// Today and every projected day with the plan, in order.
    pub series: Vec<ProjectedDay>,
    /// Today and every projected day if the habits simply continue and nothing
    /// is added: the plan's own effect is `series` minus this.
    pub baseline: Vec<ProjectedDay>,
    /// For each of [`PLAN_THRESHOLDS`], the first day it is reached.
    pub thresholds: Vec<ThresholdDate>,
}

impl Projection {
    /// The last projected day.
    pub fn last(&self) -> Option<&ProjectedDay> {
        self.series.last()
    }

    /// The last day of the baseline (the habits alone).
    pub fn baseline_last(&self) -> Option<&ProjectedDay> {
        self.baseline.last()
    }
}

/// Projects `plan` forward `days` days from today's state, beside the habits alone.
///
/// The history (events on or before `today`) stays as it is. The baseline
/// continues the member's rhythm of the last four weeks (the same simulation
/// as the next best actions' baseline, incoming messages answered at the
/// recent share). The plan's units are spread deterministically over each week
/// (unit `j` of a week on the week's day `[2, 5, 0, 3, 6, 1, 4][j % 7]`, so a
/// plan with more of anything keeps every unit of the smaller plan in place)
/// and, unless `plan.only`, come on top of that baseline: its active days go to
/// days the habits leave inactive, and `reply_to_all` answers every incoming
/// message of the baseline. Every plan then holds every event of the baseline,
/// so it never projects below it. With `plan.only` the future is the plan
/// alone, with incoming messages at the member's recent rate, each in a new
/// conversation, answered the same day only when `plan.reply_to_all`.
/// Connection requests are simulated as accepted requests from decision
/// makers; `messages` as messages opening conversations of their own (no
/// reply from the other side is assumed).
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
    let end = add_days(today, u64::from(days));
    let score = |future: &[&[ActivityEvent]]| -> Vec<ProjectedDay> {
        score_days(model, profiles, &history, future, today, end)
            .into_iter()
            .map(|(date, pillars, total)| ProjectedDay { date, pillars, total })
            .collect()
    };
    let habits = baseline_events(model, &rhythm, today, days, false);
    let baseline = score(&[&habits]);
    let series = if plan.only {
        score(&[&plan_events(
            model,
            plan,
            Some(rhythm.incoming_turns_per_week),
            &Default::default(),
            today,
            days,
        )])
    } else {
        let habits =
            if plan.reply_to_all { baseline_events(model, &rhythm, today, days, true) } else { habits };
        let added = plan_events(model, plan, None, &active_days_of(&habits), today, days);
        score(&[&habits, &added])
    };
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
        // Only the answers the habits do not give already are the plan's effort.
        let unanswered = if plan.only { 1.0 } else { 1.0 - rhythm.replied_share.clamp(0.0, 1.0) };
        minutes_per_week +=
            rhythm.incoming_turns_per_week * unanswered * effort_of(model, ActivityKind::MessageSent).0;
    }
    Ok(Projection {
        model_version: model.version.clone(),
        today,
        days,
        plan: *plan,
        incoming_messages_per_week: rhythm.incoming_turns_per_week,
        minutes_per_week,
        rhythm,
        series,
        baseline,
        thresholds,
    })
}

/// The synthetic events of a plan: its weekly units, its active days on days
/// not in `busy`, and, when `incoming_per_week` is given (a plan alone), the
/// incoming messages, answered when `plan.reply_to_all`.
fn plan_events(
    model: &ScoringModel,
    plan: &WeeklyPlan,
    incoming_per_week: Option<f64>,
    busy: &std::collections::BTreeSet<NaiveDate>,
    today: NaiveDate,
    days: u32,
) -> Vec<ActivityEvent> {
    let mut synthetic = Synthetic::new("plan");
    let decision_maker = target_counterpart(model);
    for (date, week) in free_days(today, plan.active_days, days, busy) {
        synthetic.plain(ActivityKind::DayActive, date, "active_days", &format!("w{week}{date}"));
    }
    for (field, per_week, kind) in plan.counted() {
        if field == "active_days" {
            continue;
        }
        for (date, week, unit) in weekly_slots(today, per_week, days) {
            let unit = format!("w{week}u{unit}");
            match field {
                "connection_requests" => synthetic.connection(date, &decision_maker, field, &unit),
                "messages" => synthetic.outbound(date, field, &unit),
                _ => synthetic.plain(kind, date, field, &unit),
            }
        }
    }
    if let Some(per_week) = incoming_per_week {
        for (m, date) in even_schedule(today, per_week, days).into_iter().enumerate() {
            synthetic.incoming(date, plan.reply_to_all, "incoming", &m.to_string());
        }
    }
    synthetic.into_sorted()
}
