//! What commands show, as plain data: the same structs feed the text renderers
//! and `--json`, so both always agree. Their JSON shapes are documented in
//! docs/cli.md and only ever grow (fields are added, never renamed or removed),
//! and a concept the team server's API also answers with is shown as the same
//! library type (an advice action is ssi-core's `ActionGain`), never a copy.

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;
use ssi_core::advice::{
    ActionGain, AlertReason, AssociationTest, MemberCalibration, ProjectedDay, Projection, ReadingStatus,
    SeriesSource, SkippedTest, Warning, WeeklyPlan, WeeklyRhythm, WeightChange,
};
use ssi_core::{
    ActivityKind, Band, DailyScore, Freshness, GroupStats, HorizonSource, OfficialReading, Pillar,
    PillarScores, ReadingSource, round_display,
};
use std::io::Write;

/// The four pillars by short name.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct PillarsJson {
    /// Establish your professional brand.
    pub(crate) brand: f64,
    /// Find the right people.
    pub(crate) people: f64,
    /// Engage with insights.
    pub(crate) insights: f64,
    /// Build relationships.
    pub(crate) relationships: f64,
}

impl From<PillarScores> for PillarsJson {
    fn from(p: PillarScores) -> Self {
        PillarsJson { brand: p.brand, people: p.people, insights: p.insights, relationships: p.relationships }
    }
}

impl PillarsJson {
    /// The value of one pillar.
    pub(crate) fn get(&self, pillar: Pillar) -> f64 {
        match pillar {
            Pillar::ProfessionalBrand => self.brand,
            Pillar::FindRightPeople => self.people,
            Pillar::InsightEngagement => self.insights,
            Pillar::StrongRelationship => self.relationships,
        }
    }
}

/// The four pillars of an official reading, each where known.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct OptionalPillarsJson {
    /// Establish your professional brand.
    pub(crate) brand: Option<f64>,
    /// Find the right people.
    pub(crate) people: Option<f64>,
    /// Engage with insights.
    pub(crate) insights: Option<f64>,
    /// Build relationships.
    pub(crate) relationships: Option<f64>,
}

/// One day's estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct EstimateJson {
    /// The day scored.
    pub(crate) date: NaiveDate,
    /// The model version that scored it.
    pub(crate) model_version: String,
    /// The unrounded total, 0–100.
    pub(crate) total: f64,
    /// The total as LinkedIn shows it (rounded).
    pub(crate) shown: u32,
    /// The band of the shown total.
    pub(crate) band: Band,
    /// The four pillars, 0–25 each.
    pub(crate) pillars: PillarsJson,
    /// Calibrated estimates only: the low end of the total's 80% interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) low: Option<f64>,
    /// Calibrated estimates only: the high end of the total's 80% interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) high: Option<f64>,
}

impl EstimateJson {
    /// The estimate of a scored day.
    pub(crate) fn of(score: &DailyScore) -> Self {
        EstimateJson::from_parts(score.date, &score.model_version, score.pillars, score.total)
    }

    /// An estimate from its parts.
    pub(crate) fn from_parts(
        date: NaiveDate,
        model_version: &str,
        pillars: PillarScores,
        total: f64,
    ) -> Self {
        EstimateJson {
            date,
            model_version: model_version.to_string(),
            total,
            shown: round_display(total),
            band: Band::of_total(total),
            pillars: pillars.into(),
            low: None,
            high: None,
        }
    }
}

/// What is known of a comparison group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct GroupJson {
    /// "Top N%", 1–100, lower is better.
    pub(crate) rank: Option<u8>,
    /// The group's average total.
    pub(crate) average: Option<f64>,
    /// The group's name (industry), where given.
    pub(crate) name: Option<String>,
}

impl From<&GroupStats> for GroupJson {
    fn from(g: &GroupStats) -> Self {
        GroupJson { rank: g.rank, average: g.average, name: g.name.clone() }
    }
}

/// One official reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ReadingJson {
    /// The day it was read.
    pub(crate) date: NaiveDate,
    /// The total LinkedIn gave, unrounded where known.
    pub(crate) total: f64,
    /// The total as LinkedIn shows it.
    pub(crate) shown: u32,
    /// The band of the shown total.
    pub(crate) band: Band,
    /// The pillars, where known.
    pub(crate) pillars: OptionalPillarsJson,
    /// The industry group.
    pub(crate) industry: GroupJson,
    /// The network group.
    pub(crate) network: GroupJson,
    /// The Sales Navigator team group.
    pub(crate) team: GroupJson,
    /// Where it came from: `json`, `csv`, `manual` or `push`.
    pub(crate) source: &'static str,
}

impl From<&OfficialReading> for ReadingJson {
    fn from(r: &OfficialReading) -> Self {
        ReadingJson {
            date: r.date,
            total: r.total,
            shown: round_display(r.total),
            band: Band::of_total(r.total),
            pillars: OptionalPillarsJson {
                brand: r.pillar(Pillar::ProfessionalBrand),
                people: r.pillar(Pillar::FindRightPeople),
                insights: r.pillar(Pillar::InsightEngagement),
                relationships: r.pillar(Pillar::StrongRelationship),
            },
            industry: (&r.industry).into(),
            network: (&r.network).into(),
            team: (&r.team).into(),
            source: r.source.as_str(),
        }
    }
}

/// The estimate's change over several spans; `null` where the earlier day is not scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ChangesJson {
    /// Since the day before.
    pub(crate) since_yesterday: Option<f64>,
    /// Since seven days before.
    pub(crate) since_7_days: Option<f64>,
    /// Since thirty days before.
    pub(crate) since_30_days: Option<f64>,
}

/// A starting point and how far the member has come since.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct BaselinePointJson {
    /// The baseline day.
    pub(crate) date: NaiveDate,
    /// The total on that day.
    pub(crate) total: f64,
    /// The latest total minus the baseline total.
    pub(crate) change: f64,
}

/// The member's baselines: the first day scored and the first official reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct BaselineJson {
    /// The first day scored, against the estimate of the dashboard's day.
    pub(crate) estimate: Option<BaselinePointJson>,
    /// The first official reading, against the latest one.
    pub(crate) official: Option<BaselinePointJson>,
}

/// The daily totals of a trailing period, for the sparkline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TrendJson {
    /// First day.
    pub(crate) from: NaiveDate,
    /// Last day.
    pub(crate) to: NaiveDate,
    /// One unrounded total per day from `from` to `to`; `null` for a day not scored.
    pub(crate) totals: Vec<Option<f64>>,
}

/// The day a command's figures answer for and the age of the data behind
/// them, flattened into every JSON shape that shows a score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct AsOfJson {
    /// The day the figures describe: the day asked for, or the member's data
    /// horizon (the last day their data covers) when that is earlier.
    pub(crate) as_of: Option<NaiveDate>,
    /// Whole days from the horizon to today; `null` without data.
    pub(crate) data_age_days: Option<i64>,
    /// Whether the data is older than the stale threshold (`stale_after_days`, default 14).
    pub(crate) stale: bool,
    /// The last day the member's data covers.
    pub(crate) horizon: Option<NaiveDate>,
    /// Where the horizon comes from: `file_name`, `newest_row`, `entry_times`,
    /// `pushed_scores` or `stored_activity`.
    pub(crate) horizon_source: Option<HorizonSource>,
}

impl AsOfJson {
    /// The JSON of a freshness (all `null` without data).
    pub(crate) fn of(freshness: Option<Freshness>) -> Self {
        AsOfJson {
            as_of: freshness.map(|f| f.as_of),
            data_age_days: freshness.map(|f| f.data_age_days),
            stale: freshness.is_some_and(|f| f.stale),
            horizon: freshness.map(|f| f.horizon),
            horizon_source: freshness.map(|f| f.source),
        }
    }
}

/// How fresh the data is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FreshnessJson {
    /// The last day activity is known for: the date of the newest export imported
    /// (or, for imports that recorded none, the day of the last event).
    pub(crate) activity_known_to: Option<NaiveDate>,
    /// Where that day comes from: `export_date`, `last_event` or `pushed_scores`;
    /// `null` without data (`horizon_source` says which export date).
    pub(crate) known_from: Option<&'static str>,
    /// Days between that day and the day asked for (0 when up to date).
    pub(crate) days_behind: Option<i64>,
    /// Days between that day and today (the data's age).
    pub(crate) data_age_days: Option<i64>,
    /// Whether the data is older than the stale threshold.
    pub(crate) stale: bool,
    /// When stale: what to do, with the menu path of LinkedIn's export.
    pub(crate) advice: Option<String>,
}

/// `ssi dashboard --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DashboardJson {
    /// The member's name.
    pub(crate) member: String,
    /// The day shown.
    pub(crate) date: NaiveDate,
    /// The estimate on that day.
    pub(crate) estimate: EstimateJson,
    /// Changes of the estimate.
    pub(crate) change: ChangesJson,
    /// Change since the member's baselines.
    pub(crate) baseline: BaselineJson,
    /// The last 90 days.
    pub(crate) trend: TrendJson,
    /// The latest official reading on or before the day, if any.
    pub(crate) official: Option<ReadingJson>,
    /// The estimate beside that reading, on the reading's own day.
    pub(crate) official_comparison: Option<ComparisonJson>,
    /// How fresh the data is.
    pub(crate) freshness: FreshnessJson,
    /// The day shown and the data's age.
    #[serde(flatten)]
    pub(crate) as_of: AsOfJson,
    /// The member's calibrated estimate of the day, when `ssi calibrate` was run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) calibrated: Option<DashboardCalibrationJson>,
    /// Engagement received and followers, from the creator analytics
    /// workbook; absent for a member who never imported one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) creator_analytics: Option<ssi_core::analytics::AudienceSummary>,
}

/// An official reading beside the estimate of the same day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ComparisonJson {
    /// The reading's day.
    pub(crate) reading_date: NaiveDate,
    /// The day of the estimate compared: the reading's own day, or the
    /// horizon when the reading is newer than the member's data.
    pub(crate) estimate_date: NaiveDate,
    /// That day's estimated total.
    pub(crate) estimate_total: f64,
    /// The estimate minus the official total.
    pub(crate) difference: f64,
    /// Whether the reading is newer than the member's data (so compared with the horizon's estimate).
    pub(crate) reading_after_horizon: bool,
    /// Whole days from the reading to today.
    pub(crate) reading_age_days: i64,
}

/// The calibration part of `ssi dashboard --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DashboardCalibrationJson {
    /// The calibrated estimate of the day, with its 80% interval (`low`, `high`); `null` when stale.
    pub(crate) estimate: Option<EstimateJson>,
    /// `default`, `level` or `level_and_weights`.
    pub(crate) method: &'static str,
    /// Walk-forward mean absolute error of the total.
    pub(crate) error: Option<f64>,
    /// Predictions that error rests on.
    pub(crate) predictions: usize,
    /// `current`, or `stale` when the readings or the model changed since (run `ssi calibrate`).
    pub(crate) status: &'static str,
}

/// One component of an explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ComponentJson {
    /// The component's id in the model.
    pub(crate) id: String,
    /// Its pillar's short name.
    pub(crate) pillar: &'static str,
    /// Human label.
    pub(crate) label: String,
    /// The metric's name.
    pub(crate) metric: String,
    /// The metric's value.
    pub(crate) value: f64,
    /// The value's unit.
    pub(crate) unit: String,
    /// Points earned.
    pub(crate) points: f64,
    /// Points possible.
    pub(crate) possible: f64,
    /// Points missing (`possible - points`).
    pub(crate) gap: f64,
    /// What would earn the missing points.
    pub(crate) action: String,
    /// `false` when the value cannot be known (messages, for an export that
    /// does not tell which are the member's): the text shows "unknown".
    pub(crate) known: bool,
    /// `true` when the component has no data (no creator analytics
    /// workbook covers its window): it earns and can earn nothing, and its
    /// weight is shared out over the pillar's other components.
    pub(crate) no_data: bool,
    /// For a component read from the creator analytics workbook: the
    /// workbook days its value comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) workbook_days: Option<WorkbookDaysJson>,
}

/// `ssi explain --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ExplainJson {
    /// The member's name.
    pub(crate) member: String,
    /// The pillar asked about (short name), or `null` for all.
    pub(crate) pillar: Option<&'static str>,
    /// The estimate explained.
    pub(crate) estimate: EstimateJson,
    /// The components, biggest gap first.
    pub(crate) components: Vec<ComponentJson>,
    /// The day explained and the data's age.
    #[serde(flatten)]
    pub(crate) as_of: AsOfJson,
}

impl ExplainJson {
    /// The explanation of a score, limited to one pillar if asked.
    pub(crate) fn of(member: &str, score: &DailyScore, pillar: Option<Pillar>, as_of: AsOfJson) -> Self {
        let components = score
            .explain(pillar)
            .into_iter()
            .map(|c| ComponentJson {
                id: c.id.clone(),
                pillar: c.pillar.short_name(),
                label: c.label.clone(),
                metric: c.metric.clone(),
                value: c.value,
                unit: c.unit.clone(),
                points: c.points,
                possible: c.possible,
                gap: c.gap(),
                action: c.action.clone(),
                known: c.known,
                no_data: c.no_data,
                workbook_days: None,
            })
            .collect();
        ExplainJson {
            member: member.to_string(),
            pillar: pillar.map(Pillar::short_name),
            estimate: EstimateJson::of(score),
            components,
            as_of,
        }
    }
}

/// One day of history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct HistoryDayJson {
    /// The day.
    pub(crate) date: NaiveDate,
    /// The estimate, if the day is scored.
    pub(crate) estimate: Option<EstimateJson>,
    /// The official reading of that day, if one was recorded.
    pub(crate) official: Option<ReadingJson>,
    /// The follower count that day, where a creator analytics workbook tells it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) followers: Option<u64>,
}

/// `ssi history --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct HistoryJson {
    /// The member's name.
    pub(crate) member: String,
    /// First day asked for.
    pub(crate) from: NaiveDate,
    /// Last day asked for.
    pub(crate) to: NaiveDate,
    /// The days with an estimate or a reading, oldest first. No day past the
    /// member's horizon has an estimate.
    pub(crate) days: Vec<HistoryDayJson>,
    /// Which estimate the days carry: `calibrated` (the member's calibration
    /// laid over the model's estimate) or `default` (the model's estimate).
    pub(crate) model: &'static str,
    /// The member's calibration, when one is saved.
    pub(crate) calibration: Option<HistoryCalibrationJson>,
    /// The member's data horizon and its age (`as_of`: the last day shown with an estimate).
    #[serde(flatten)]
    pub(crate) as_of: AsOfJson,
}

/// What `ssi history --json` says of the member's calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct HistoryCalibrationJson {
    /// `default`, `level` or `level_and_weights`.
    pub(crate) method: &'static str,
    /// Walk-forward mean absolute error of the total, points.
    pub(crate) error: Option<f64>,
    /// Predictions that error rests on.
    pub(crate) predictions: usize,
    /// Readings used.
    pub(crate) readings: usize,
    /// Day of the last reading used; the level carries forward after it.
    pub(crate) last_date: NaiveDate,
    /// Whether it applies to the estimates shown (it was made under the model that scored them).
    pub(crate) applies: bool,
}

/// One candidate action of `ssi advise --json`: the library's [`ActionGain`] with its rank,
/// in the very shape the team server's advice answer gives it (one shape per concept:
/// `action` is `{"type": "post"}`, or `{"type": "complete_profile_section", "section": …}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ActionJson {
    /// 1 for the best points per minute.
    pub(crate) rank: usize,
    /// The action, its expected gain and its effort.
    #[serde(flatten)]
    pub(crate) gain: ActionGain,
}

impl ActionJson {
    /// The JSON of a ranked action.
    pub(crate) fn of(rank: usize, gain: &ActionGain) -> Self {
        ActionJson { rank, gain: gain.clone() }
    }
}

/// `ssi advise --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct AdviseJson {
    /// The member's name.
    pub(crate) member: String,
    /// The day advised on (today).
    pub(crate) date: NaiveDate,
    /// The model that scored the simulation.
    pub(crate) model_version: String,
    /// Days ahead the gains are measured at.
    pub(crate) horizon_days: u32,
    /// Today's estimate.
    pub(crate) current: EstimateJson,
    /// The weakest pillar today (short name).
    pub(crate) weakest_pillar: &'static str,
    /// The member's rhythm of the last four weeks, which the baseline continues.
    pub(crate) rhythm: WeeklyRhythm,
    /// The estimate at the horizon if the rhythm simply continues.
    pub(crate) baseline: EstimateJson,
    /// Every candidate worth at least 0.1 point, best points per minute first.
    pub(crate) actions: Vec<ActionJson>,
    /// Candidates left out because they would add less than 0.1 point.
    pub(crate) actions_not_shown: u32,
    /// Points that being active on the weekly actions' days would bring: shared by
    /// every weekly action, so counted once (in `day_active`), not in each.
    pub(crate) shared_active_day_gain: f64,
    /// Plain-language advice tied to the weakest pillar.
    pub(crate) summary: String,
    /// Habits that hold the score back, most severe first.
    pub(crate) warnings: Vec<Warning>,
    /// The day advised from (the member's horizon when today is past it) and the data's age.
    #[serde(flatten)]
    pub(crate) as_of: AsOfJson,
}

/// One projected day of `ssi plan --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ProjectedDayJson {
    /// The day.
    pub(crate) date: NaiveDate,
    /// The unrounded total.
    pub(crate) total: f64,
    /// The total as LinkedIn would show it.
    pub(crate) shown: u32,
    /// The band of the shown total.
    pub(crate) band: Band,
    /// The four pillars.
    pub(crate) pillars: PillarsJson,
}

impl From<&ProjectedDay> for ProjectedDayJson {
    fn from(day: &ProjectedDay) -> Self {
        ProjectedDayJson {
            date: day.date,
            total: day.total,
            shown: round_display(day.total),
            band: Band::of_total(day.total),
            pillars: day.pillars.into(),
        }
    }
}

/// When a threshold is first reached in `ssi plan --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ThresholdJson {
    /// The unrounded total to reach.
    pub(crate) threshold: f64,
    /// The first projected day at or above it (today when it already is); `null` when never within the plan.
    pub(crate) first_date: Option<NaiveDate>,
    /// Days from today to `first_date`; `null` when not reached.
    pub(crate) days_from_today: Option<i64>,
}

/// `ssi plan --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PlanJson {
    /// The member's name.
    pub(crate) member: String,
    /// The day the projection starts from (the first day of `series`).
    pub(crate) today: NaiveDate,
    /// Days projected after today.
    pub(crate) days: u32,
    /// The model that scored it.
    pub(crate) model_version: String,
    /// The weekly plan.
    pub(crate) plan: WeeklyPlan,
    /// Incoming conversation turns a week assumed to continue (the last four weeks' rate).
    pub(crate) incoming_messages_per_week: f64,
    /// Minutes a week the plan takes (on top of the habits, unless `plan.only`).
    pub(crate) minutes_per_week: f64,
    /// Whether the member's habits of the last four weeks continue under the plan
    /// (false with `--only`: the plan alone).
    pub(crate) habits_continue: bool,
    /// The member's rhythm of the last four weeks.
    pub(crate) rhythm: WeeklyRhythm,
    /// Today and every projected day with the plan, in order.
    pub(crate) series: Vec<ProjectedDayJson>,
    /// Today and every projected day if the habits continue and nothing is added.
    pub(crate) baseline: Vec<ProjectedDayJson>,
    /// The first day each threshold (45, 70, 75, 80) is reached.
    pub(crate) thresholds: Vec<ThresholdJson>,
    /// The day the plan starts from (the member's horizon when today is past it) and the data's age.
    #[serde(flatten)]
    pub(crate) as_of: AsOfJson,
}

impl PlanJson {
    /// The JSON of a projection for `member`.
    pub(crate) fn of(member: &str, projection: &Projection, as_of: AsOfJson) -> Self {
        PlanJson {
            as_of,
            member: member.to_string(),
            today: projection.today,
            days: projection.days,
            model_version: projection.model_version.clone(),
            plan: projection.plan,
            incoming_messages_per_week: projection.incoming_messages_per_week,
            minutes_per_week: projection.minutes_per_week,
            habits_continue: !projection.plan.only,
            rhythm: projection.rhythm.clone(),
            series: projection.series.iter().map(ProjectedDayJson::from).collect(),
            baseline: projection.baseline.iter().map(ProjectedDayJson::from).collect(),
            thresholds: projection
                .thresholds
                .iter()
                .map(|t| ThresholdJson {
                    threshold: t.threshold,
                    first_date: t.first_date,
                    days_from_today: t.first_date.map(|d| (d - projection.today).num_days()),
                })
                .collect(),
        }
    }
}

/// The walk-forward error of `ssi calibrate --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CalibrationErrorJson {
    /// Mean absolute error of the total, predicting each reading from the
    /// readings before it (up to 31 days ahead); `null` with a single reading.
    pub(crate) total: Option<f64>,
    /// The same per pillar.
    pub(crate) pillars: OptionalPillarsJson,
    /// The uncalibrated model's error on the same predictions.
    pub(crate) default_total: Option<f64>,
    /// Predictions the errors rest on.
    pub(crate) predictions: usize,
    /// Readings predicted at least once.
    pub(crate) readings_predicted: usize,
}

/// A reading `ssi calibrate` or `ssi reading list` did not use as it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ReadingFlagJson {
    /// The reading's day.
    pub(crate) date: NaiveDate,
    /// The reading's source.
    pub(crate) source: &'static str,
    /// `used`, `confirmed`, `superseded` or `outlier`.
    pub(crate) status: &'static str,
    /// Why, for an outlier or a superseded reading.
    pub(crate) reason: Option<String>,
}

impl ReadingFlagJson {
    /// The flag of one reading.
    pub(crate) fn of(date: NaiveDate, source: ReadingSource, status: &ReadingStatus) -> Self {
        let (name, reason) = match status {
            ReadingStatus::Used => ("used", None),
            ReadingStatus::Confirmed => ("confirmed", None),
            ReadingStatus::Superseded { by } => (
                "superseded",
                Some(format!("a later reading of the same day ({}) counts instead", by.as_str())),
            ),
            ReadingStatus::Outlier { reason } => ("outlier", Some(reason.clone())),
        };
        ReadingFlagJson { date, source: source.as_str(), status: name, reason }
    }
}

/// `ssi calibrate --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CalibrateJson {
    /// The member's name.
    pub(crate) member: String,
    /// Whether `--dry-run` was given.
    pub(crate) dry_run: bool,
    /// `saved` (a new calibration), `unchanged` (the same readings gave the
    /// stored calibration again) or `dry_run`.
    pub(crate) outcome: &'static str,
    /// Whether this member's calibration was written.
    pub(crate) saved: bool,
    /// The active model (calibration never changes it, nor any other member).
    pub(crate) active_version: String,
    /// The model whose estimates are calibrated (the active one).
    pub(crate) previous_version: String,
    /// `default`, `level` or `level_and_weights`: the method walk-forward validation chose.
    pub(crate) method: &'static str,
    /// The level's drift rate, points² per day.
    pub(crate) drift: f64,
    /// Whether the chosen method's walk-forward error is lower than the uncalibrated model's.
    pub(crate) improves: bool,
    /// Readings used (one per day, outliers left out).
    pub(crate) readings: usize,
    /// Readings stored.
    pub(crate) readings_stored: usize,
    /// Day of the first reading used.
    pub(crate) first_date: NaiveDate,
    /// Day of the last reading used.
    pub(crate) last_date: NaiveDate,
    /// The walk-forward error of the chosen method.
    pub(crate) error: CalibrationErrorJson,
    /// Points added to the calibrated total for the low and high end of its 80% interval.
    pub(crate) interval: [f64; 2],
    /// Points the level adds to each pillar after the last reading.
    pub(crate) level: PillarsJson,
    /// Every component's weight before and after.
    pub(crate) weights: Vec<WeightChange>,
    /// Readings not used as they stand (outliers, superseded).
    pub(crate) flagged: Vec<ReadingFlagJson>,
    /// The library's summary of the outcome.
    pub(crate) summary: String,
}

impl CalibrateJson {
    /// The JSON of a calibration; the outcome fields are filled in by the command.
    pub(crate) fn of(member: &str, calibration: &MemberCalibration, dry_run: bool) -> Self {
        let wf = &calibration.walk_forward;
        let level = calibration.levels.last().map_or([0.0; 4], |l| l.levels);
        CalibrateJson {
            member: member.to_string(),
            dry_run,
            outcome: "dry_run",
            saved: false,
            active_version: calibration.model_version.clone(),
            previous_version: calibration.model_version.clone(),
            method: calibration.method.as_str(),
            drift: calibration.drift,
            improves: matches!((wf.total, wf.default_total), (Some(a), Some(b)) if a < b),
            readings: calibration.readings_used,
            readings_stored: calibration.readings_stored,
            first_date: calibration.first_date,
            last_date: calibration.last_date,
            error: CalibrationErrorJson {
                total: wf.total,
                pillars: OptionalPillarsJson {
                    brand: wf.pillars[0],
                    people: wf.pillars[1],
                    insights: wf.pillars[2],
                    relationships: wf.pillars[3],
                },
                default_total: wf.default_total,
                predictions: wf.predictions,
                readings_predicted: wf.readings_predicted,
            },
            interval: calibration.interval,
            level: PillarScores::from_array(level).into(),
            weights: calibration.weights.clone(),
            flagged: calibration
                .statuses
                .iter()
                .filter(|(_, _, s)| !s.is_used())
                .map(|(d, source, s)| ReadingFlagJson::of(*d, *source, s))
                .collect(),
            summary: calibration.summary.clone(),
        }
    }
}

/// One association test of `ssi impact --json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct AssociationJson {
    /// The activity.
    pub(crate) kind: ActivityKind,
    /// The pillar's short name.
    pub(crate) pillar: &'static str,
    /// Days between the end of the week counted and the pillar's change.
    pub(crate) lag_days: u32,
    /// Pairs.
    pub(crate) n: usize,
    /// Pearson's correlation.
    pub(crate) r: f64,
    /// Lower end of the 95% confidence interval.
    pub(crate) ci_low: f64,
    /// Upper end of the 95% confidence interval.
    pub(crate) ci_high: f64,
    /// Two-sided p-value.
    pub(crate) p_value: f64,
    /// p-value adjusted by Benjamini–Hochberg.
    pub(crate) p_adjusted: f64,
    /// Whether significant at the false discovery rate.
    pub(crate) significant: bool,
}

impl From<&AssociationTest> for AssociationJson {
    fn from(t: &AssociationTest) -> Self {
        AssociationJson {
            kind: t.kind,
            pillar: t.pillar.short_name(),
            lag_days: t.lag_days,
            n: t.n,
            r: t.r,
            ci_low: t.ci_low,
            ci_high: t.ci_high,
            p_value: t.p_value,
            p_adjusted: t.p_adjusted,
            significant: t.significant,
        }
    }
}

/// A test `ssi impact` could not compute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SkippedJson {
    /// The activity.
    pub(crate) kind: ActivityKind,
    /// The pillar's short name.
    pub(crate) pillar: &'static str,
    /// The lag.
    pub(crate) lag_days: u32,
    /// Pairs available.
    pub(crate) n: usize,
    /// `constant_count`, `constant_pillar` or `too_few_pairs`.
    pub(crate) reason: String,
}

impl From<&SkippedTest> for SkippedJson {
    fn from(t: &SkippedTest) -> Self {
        SkippedJson {
            kind: t.kind,
            pillar: t.pillar.short_name(),
            lag_days: t.lag_days,
            n: t.n,
            reason: t.reason.clone(),
        }
    }
}

/// `ssi impact --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ImpactJson {
    /// The member's name.
    pub(crate) member: String,
    /// The pillar series analysed: `official` or `estimate`.
    pub(crate) source: SeriesSource,
    /// Why that series was chosen.
    pub(crate) source_reason: String,
    /// Day-to-day changes available in the official readings that carry all four pillars.
    pub(crate) official_transitions: usize,
    /// What the numbers mean and do not mean: association, not cause.
    pub(crate) note: String,
    /// First day of the pillar series.
    pub(crate) first_date: NaiveDate,
    /// Last day of the pillar series.
    pub(crate) last_date: NaiveDate,
    /// Day-to-day changes analysed.
    pub(crate) transitions: usize,
    /// The multiple-comparison correction.
    pub(crate) correction: String,
    /// The false discovery rate used.
    pub(crate) false_discovery_rate: f64,
    /// Tests significant after the correction.
    pub(crate) significant_tests: usize,
    /// For each activity and pillar, the lag with the largest |r|: significant first, then by |r|.
    pub(crate) strongest: Vec<AssociationJson>,
    /// Every computed test, by activity, pillar and lag.
    pub(crate) tests: Vec<AssociationJson>,
    /// Tests that could not be computed.
    pub(crate) skipped: Vec<SkippedJson>,
}

/// A `--drop` rule in `ssi check --json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct DropRuleJson {
    /// Points lost that fire the rule.
    pub(crate) points: f64,
    /// Days looked back for the recent high.
    pub(crate) days: u32,
}

/// The rule of `ssi check --json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct RuleJson {
    /// `--below`, or `null`.
    pub(crate) below: Option<f64>,
    /// `--drop` and `--days`, or `null`.
    pub(crate) drop: Option<DropRuleJson>,
    /// `--max-age`, or `null`.
    pub(crate) max_age_days: Option<u32>,
}

/// `ssi check --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CheckJson {
    /// Whether the rule did not fire.
    pub(crate) ok: bool,
    /// The one-line reason when it fired; `null` when ok.
    pub(crate) reason: Option<String>,
    /// The member's name.
    pub(crate) member: String,
    /// The latest day scored, which the rule judges.
    pub(crate) date: NaiveDate,
    /// Its unrounded total.
    pub(crate) value: f64,
    /// The rule checked.
    pub(crate) rule: RuleJson,
    /// The conditions that fired (empty when ok).
    pub(crate) reasons: Vec<AlertReason>,
    /// The day judged (the member's horizon) and the data's age; stale data
    /// past `--max-age` fires the rule on its own.
    #[serde(flatten)]
    pub(crate) as_of: AsOfJson,
}

/// Prints a value as pretty JSON on stdout, with a final newline.
pub(crate) fn print_json<T: Serialize>(value: &T) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value)?;
    writeln!(stdout)?;
    stdout.flush()?;
    Ok(())
}

/// Prints text on stdout as is.
pub(crate) fn print_text(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// The workbook days a component's value was computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct WorkbookDaysJson {
    /// The first and last day of the window that the workbook reports.
    pub(crate) first_day: NaiveDate,
    /// See `first_day`.
    pub(crate) last_day: NaiveDate,
    /// Days of the window the workbook reports.
    pub(crate) days_reported: usize,
    /// What those days add up to, before decay (engagements or new followers).
    pub(crate) total: u64,
}
