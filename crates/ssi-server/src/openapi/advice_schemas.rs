//! JSON Schemas of the `ssi_core::advice` types the advice routes answer with.
//!
//! ssi-core does not depend on schemars, so the serde shape of each type is described here,
//! like [`super::core_schemas`]; a test serialises real values and checks every key and
//! every enum value against these descriptions, so a change in ssi-core that is not
//! reflected here fails.

#![allow(missing_docs, dead_code)]

use super::core_schemas::{Pillar, PillarScores};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of activity an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Post,
    Article,
    Repost,
    Comment,
    Reaction,
    PollVote,
    ConnectionMade,
    InvitationSent,
    InvitationReceived,
    MessageSent,
    MessageReceived,
    PeopleSearch,
    DayActive,
    EndorsementGiven,
    EndorsementReceived,
    RecommendationGiven,
    RecommendationReceived,
    CompanyFollow,
    MemberFollow,
    EventAttended,
    EngagementReceived,
    FollowerGained,
    EngagementReported,
    FollowersReported,
}

/// A profile section of the completeness checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProfileSection {
    Photo,
    Banner,
    Headline,
    Summary,
    Industry,
    Location,
    CurrentPosition,
    PositionDescriptions,
    PastPositions,
    Education,
    Skills,
    Certifications,
    Languages,
    Websites,
    Accomplishments,
}

/// One candidate step: one more unit a week of an activity, or completing a profile section once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AdviceAction {
    Post,
    Article,
    Comment,
    Reaction,
    Repost,
    ConnectionRequest,
    ReplyToMessage,
    PeopleSearch,
    DayActive,
    EndorsementGiven,
    CompleteProfileSection { section: ProfileSection },
}

/// The expected effect of one candidate action on the horizon's last day.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ActionGain {
    pub action: AdviceAction,
    /// What to do, in plain words.
    pub description: String,
    /// The activity kind each unit was simulated as (none for a profile section).
    pub simulated_as: Option<ActivityKind>,
    /// Units added within the horizon.
    pub units: u32,
    /// Points gained per pillar against the baseline.
    pub gain: PillarScores,
    pub total_gain: f64,
    pub minutes_per_unit: f64,
    /// Minutes a week, for weekly actions; null for a one-off.
    pub minutes_per_week: Option<f64>,
    pub minutes_total: f64,
    /// Whether the minutes are a convention rather than the model's effort table.
    pub effort_is_convention: bool,
    /// The ranking key: total gain per minute spent over the horizon.
    pub points_per_minute: f64,
    /// One line of advice.
    pub message: String,
}

/// The member's average weekly activity over the four weeks ending on `to`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct WeeklyRhythm {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Average events per week of each kind seen.
    pub per_week: BTreeMap<ActivityKind, f64>,
    pub target_connections_per_week: f64,
    pub other_connections_per_week: f64,
    pub incoming_turns_per_week: f64,
    /// Share (0–1) of incoming turns answered.
    pub replied_share: f64,
    pub outbound_messages_per_week: f64,
    pub active_days_per_week: f64,
}

/// Next-best-action advice for one member on one day.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Advice {
    pub model_version: String,
    /// The day advised on.
    pub today: NaiveDate,
    /// Days ahead the gains are measured at.
    pub horizon_days: u32,
    pub current: PillarScores,
    pub current_total: f64,
    pub weakest_pillar: Pillar,
    pub rhythm: WeeklyRhythm,
    /// Pillars on the horizon's last day if the rhythm simply continues.
    pub baseline: PillarScores,
    pub baseline_total: f64,
    /// Every candidate worth at least 0.1 point, best points per minute first.
    pub actions: Vec<ActionGain>,
    /// Candidates left out because they would add less than 0.1 point.
    pub actions_not_shown: u32,
    /// Points that being active on the weekly actions' days would bring: shared by every
    /// weekly action, so counted once (in `day_active`), not in each.
    pub shared_active_day_gain: f64,
    /// Plain-language advice tied to the weakest pillar.
    pub summary: String,
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    ImpersonalRequests,
    ReactionBursts,
    PostingWithoutEngaging,
    LongSilence,
    ActivityGap,
    IncompleteProfile,
}

/// How much a warning matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// A number, date or text backing a warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EvidenceValue {
    Count(u64),
    Number(f64),
    Date(NaiveDate),
    Text(String),
}

/// A habit that holds the score back, with the numbers and dates that show it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Warning {
    pub kind: WarningKind,
    pub severity: Severity,
    /// The warning and what to do, in plain words.
    pub message: String,
    /// The numbers and dates behind it, by stable snake_case name.
    pub evidence: BTreeMap<String, EvidenceValue>,
}

/// What the member plans to add each week from tomorrow on, on top of their habits of the
/// last four weeks (which continue unless `only`); every field defaults to 0 (false).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct WeeklyPlan {
    pub posts: u32,
    pub articles: u32,
    pub comments: u32,
    pub reactions: u32,
    pub reposts: u32,
    /// Personalised connection requests to decision makers (simulated as accepted).
    pub connection_requests: u32,
    /// Messages that start a conversation.
    pub messages: u32,
    pub searches: u32,
    /// More days a week with a sign-in, on days the habits leave inactive (at most 7).
    pub active_days: u32,
    /// Whether every incoming message is answered the day it arrives.
    pub reply_to_all: bool,
    pub endorsements: u32,
    /// The plan alone: the habits it does not name stop.
    pub only: bool,
}

/// Body of `POST /api/v1/members/{member}/plan`: a weekly plan (every field optional, unknown
/// fields refused; at most 200 units of anything a week, `active_days` at most 7) and,
/// optionally, the days to project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PlanBody {
    pub posts: u32,
    pub articles: u32,
    pub comments: u32,
    pub reactions: u32,
    pub reposts: u32,
    pub connection_requests: u32,
    pub messages: u32,
    pub searches: u32,
    pub active_days: u32,
    pub reply_to_all: bool,
    pub endorsements: u32,
    /// The plan alone: the habits it does not name stop (default: they continue).
    pub only: bool,
    /// Days to project (1–365); the `days` query parameter may say it instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = crate::handlers::advice::MAX_PLAN_DAYS))]
    pub days: Option<u32>,
}

/// One projected day.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProjectedDay {
    pub date: NaiveDate,
    pub pillars: PillarScores,
    /// The unrounded total.
    pub total: f64,
}

/// When a total threshold is first reached.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ThresholdDate {
    pub threshold: f64,
    /// The first projected day at or above the threshold; null when never.
    pub first_date: Option<NaiveDate>,
}

/// A plan projected forward.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Projection {
    pub model_version: String,
    /// The first day of `series`.
    pub today: NaiveDate,
    /// Days projected after today.
    pub days: u32,
    pub plan: WeeklyPlan,
    /// Incoming conversation turns a week, assumed to continue.
    pub incoming_messages_per_week: f64,
    /// Minutes a week the plan takes (on top of the habits unless `plan.only`).
    pub minutes_per_week: f64,
    /// The member's rhythm of the last four weeks, which continues unless `plan.only`.
    pub rhythm: WeeklyRhythm,
    /// Today and every projected day with the plan, in order.
    pub series: Vec<ProjectedDay>,
    /// Today and every projected day if the habits continue and nothing is added.
    pub baseline: Vec<ProjectedDay>,
    /// For 45, 70, 75 and 80, the first day each is reached.
    pub thresholds: Vec<ThresholdDate>,
}

/// Where a daily pillar series comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeriesSource {
    Estimate,
    Official,
}

/// One test: an activity's weekly count on day t against a pillar's change on day t + lag.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AssociationTest {
    pub kind: ActivityKind,
    pub pillar: Pillar,
    pub lag_days: u32,
    pub n: usize,
    /// Pearson's correlation.
    pub r: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub p_value: f64,
    /// Adjusted by Benjamini–Hochberg across the report.
    pub p_adjusted: f64,
    pub significant: bool,
}

/// A test that could not be computed, and why.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SkippedTest {
    pub kind: ActivityKind,
    pub pillar: Pillar,
    pub lag_days: u32,
    pub n: usize,
    /// constant_count, constant_pillar or too_few_pairs.
    pub reason: String,
}

/// The association of activities with later pillar changes (association, not cause).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ImpactReport {
    pub source: SeriesSource,
    /// What the numbers mean and do not mean.
    pub note: String,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub transitions: usize,
    pub correction: String,
    pub false_discovery_rate: f64,
    pub tests: Vec<AssociationTest>,
    /// Per kind and pillar, the lag with the largest |r|.
    pub strongest: Vec<AssociationTest>,
    pub skipped: Vec<SkippedTest>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;
    use serde::de::DeserializeOwned;
    use serde_json::Value;
    use ssi_core::ScoringModel;
    use ssi_core::advice::{self as core_advice, SeriesSource as CoreSource};

    /// Real value → JSON → mirror → JSON must give the same JSON: a key the mirror lacks, a
    /// key it invents, or an enum value it does not know all break the round trip.
    fn round_trips<Mirror: DeserializeOwned + Serialize>(real: &impl Serialize) {
        let original = serde_json::to_value(real).unwrap();
        let mirror: Mirror = serde_json::from_value(original.clone())
            .unwrap_or_else(|e| panic!("the mirror does not read {original}: {e}"));
        assert_eq!(serde_json::to_value(mirror).unwrap(), original);
    }

    fn day(offset: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, 1).unwrap() + Days::new(offset)
    }

    #[test]
    fn the_mirrors_have_the_serde_shape_of_the_advice_types() {
        let model = ScoringModel::default_model();
        let today = day(60);
        let advice = core_advice::next_best_actions(&model, &[], &[], today);
        assert!(!advice.actions.is_empty());
        round_trips::<Advice>(&advice);
        let warnings = core_advice::mistakes(&model, &[], &[], today);
        assert!(!warnings.is_empty(), "no activity at all is a warning");
        round_trips::<Vec<Warning>>(&warnings);
        let plan =
            core_advice::WeeklyPlan { posts: 2, reply_to_all: true, active_days: 5, ..Default::default() };
        let projection = core_advice::project_plan(&model, &[], &[], today, &plan, 30).unwrap();
        round_trips::<Projection>(&projection);
        round_trips::<WeeklyPlan>(&plan);

        let pillars: Vec<_> = (0..45u64)
            .map(|i| {
                let wobble = ((i * 7) % 5) as f64;
                let scores = ssi_core::PillarScores {
                    brand: 10.0 + wobble,
                    people: 8.0,
                    insights: 5.0 + ((i * 3) % 4) as f64,
                    relationships: 9.0 + wobble / 2.0,
                };
                (day(i), scores)
            })
            .collect();
        let counts: Vec<_> = (0..45u64)
            .flat_map(|i| {
                [
                    (day(i), ssi_core::ActivityKind::Comment, ((i * 5) % 3) as u32),
                    (day(i), ssi_core::ActivityKind::Post, 1),
                ]
            })
            .collect();
        let report = core_advice::activity_impact(&pillars, &counts, CoreSource::Official).unwrap();
        assert!(!report.tests.is_empty() && !report.skipped.is_empty());
        round_trips::<ImpactReport>(&report);

        // Every activity kind is known to the mirror, and the plan body reads every plan.
        for kind in ssi_core::ActivityKind::ALL {
            round_trips::<ActivityKind>(&kind);
        }
        let body: PlanBody = serde_json::from_value(serde_json::to_value(plan).unwrap()).unwrap();
        assert_eq!((body.posts, body.reply_to_all, body.days), (2, true, None));
        let keys = |v: Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        let mut plan_keys = keys(serde_json::to_value(plan).unwrap());
        plan_keys.push("days".into());
        plan_keys.sort();
        let mut body_keys = keys(serde_json::to_value(PlanBody { days: Some(1), ..body }).unwrap());
        body_keys.sort();
        assert_eq!(plan_keys, body_keys, "the plan body is the plan plus days");
    }
}
