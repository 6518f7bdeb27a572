//! The JSON bodies of the server's API beyond the push types of `ssi-api`: requests,
//! answers and query parameters, each with a JSON Schema for the OpenAPI document.
//!
//! Answers are built from store and core types here, so handlers stay thin and the wire
//! shape is decided in one file. Fields holding ssi-core and ssi-api types carry those very
//! types, whose JSON Schemas are derived from them (their `schema` feature): no type has a
//! second, hand-written description.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use ssi_core::advice::{Advice, ImpactReport, Projection, Warning, WeeklyPlan};
use ssi_core::{
    Band, ComponentScore, DailyScore, Freshness, GroupStats, Horizon, OfficialReading, Pillar, PillarScores,
};
use ssi_store::{
    HistoryRow, ImportOutcome, LeaderboardRow, Member, Mover, Percentile, Role, ScorePoint, Team,
    TeamSummary, TokenInfo,
};

/// Deserialises a field that may be absent (outer `None`), `null` (inner `None`) or a value.
fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// How fresh a member's figures are: the day they answer for and the age of
/// the data behind them. Days after a member's horizon (the last day their
/// data covers) are unknown: no estimate is made for them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct FreshnessView {
    /// The day the figures describe: the day asked for, or the member's
    /// horizon when that is earlier; `null` for a member without data.
    pub as_of: Option<NaiveDate>,
    /// Whole days from the member's horizon to the day asked for (today by default).
    pub data_age_days: Option<i64>,
    /// Whether the data is older than the server's `stale_after_days`.
    pub stale: bool,
    /// Where the horizon comes from: `file_name`, `newest_row`, `entry_times`,
    /// `pushed_scores` or `stored_activity`.
    pub horizon_source: Option<String>,
}

impl FreshnessView {
    /// The freshness of a member whose data ends at `horizon`, for figures
    /// asked for `requested`, with data older than `stale_after_days` stale.
    pub(crate) fn new(horizon: Option<Horizon>, requested: NaiveDate, stale_after_days: u32) -> Self {
        match horizon {
            Some(h) => {
                let f = Freshness::new(h, requested, requested, stale_after_days);
                FreshnessView {
                    as_of: Some(f.as_of),
                    data_age_days: Some(f.data_age_days),
                    stale: f.stale,
                    horizon_source: Some(f.source.as_str().to_string()),
                }
            }
            None => FreshnessView::default(),
        }
    }
}

/// A token's role, as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    /// Everything, across teams.
    Admin,
    /// One team's members and reports.
    Manager,
    /// One member's own data, and their team's leaderboard.
    Member,
}

impl From<Role> for RoleName {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => RoleName::Admin,
            Role::Manager => RoleName::Manager,
            Role::Member => RoleName::Member,
        }
    }
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Admin => Role::Admin,
            RoleName::Manager => Role::Manager,
            RoleName::Member => Role::Member,
        }
    }
}

/// A team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct TeamView {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// When it was created.
    pub created: DateTime<Utc>,
}

impl From<Team> for TeamView {
    fn from(team: Team) -> Self {
        TeamView { id: team.id.0, name: team.name, created: team.created }
    }
}

/// Body of `POST /api/v1/teams` and `PATCH /api/v1/teams/{team}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TeamBody {
    /// The team's name, unique ignoring case; not blank.
    #[schemars(regex(pattern = r"\S"))]
    pub name: String,
}

/// A member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct MemberView {
    /// Its id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Industry, the peer group of the industry benchmark.
    pub industry: Option<String>,
    /// The member's team.
    pub team: Option<i64>,
    /// When the member was created.
    pub created: DateTime<Utc>,
    /// The last day the member's data covers (newest export or push); `null` without data.
    pub horizon: Option<NaiveDate>,
    /// Where the horizon comes from (see [`FreshnessView::horizon_source`]).
    pub horizon_source: Option<String>,
}

impl From<Member> for MemberView {
    fn from(member: Member) -> Self {
        MemberView {
            id: member.id.0,
            name: member.name,
            industry: member.industry,
            team: member.team.map(|t| t.0),
            created: member.created,
            horizon: member.horizon.map(|h| h.day),
            horizon_source: member.horizon.map(|h| h.source.as_str().to_string()),
        }
    }
}

/// Body of `POST /api/v1/teams/{team}/members`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateMember {
    /// Display name, unique ignoring case; not blank.
    #[schemars(regex(pattern = r"\S"))]
    pub name: String,
    /// Industry, e.g. "Software Development".
    #[serde(default)]
    pub industry: Option<String>,
}

/// Body of `PATCH /api/v1/members/{member}`: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateMember {
    /// New display name; not blank.
    #[serde(default)]
    #[schemars(regex(pattern = r"\S"))]
    pub name: Option<String>,
    /// New industry; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    pub industry: Option<Option<String>>,
    /// Move to another team (admin only); `null` removes the member from any team.
    #[serde(default, deserialize_with = "double_option")]
    pub team: Option<Option<i64>>,
}

/// An API token's record (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct TokenView {
    /// Its id.
    pub id: i64,
    /// What it may do.
    pub role: RoleName,
    /// The member it is scoped to.
    pub member: Option<i64>,
    /// The team it is scoped to.
    pub team: Option<i64>,
    /// A label to recognise it by.
    pub label: String,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it was last used, to the minute.
    pub last_used: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked: Option<DateTime<Utc>>,
}

impl From<TokenInfo> for TokenView {
    fn from(token: TokenInfo) -> Self {
        TokenView {
            id: token.id.0,
            role: token.role.into(),
            member: token.member.map(|m| m.0),
            team: token.team.map(|t| t.0),
            label: token.label,
            created: token.created,
            last_used: token.last_used,
            revoked: token.revoked,
        }
    }
}

/// Body of `POST /api/v1/tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateToken {
    /// The role: a manager token needs `team`, a member token needs `member`.
    pub role: RoleName,
    /// The member a member token is scoped to.
    #[serde(default)]
    pub member: Option<i64>,
    /// The team a manager token is scoped to.
    #[serde(default)]
    pub team: Option<i64>,
    /// A label to recognise it by.
    #[serde(default)]
    pub label: String,
}

/// The documented shape of [`CreateToken`]: the scope each role needs, so that a client
/// generated from the OpenAPI document cannot ask for an admin token scoped to a team.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(tag = "role", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum CreateTokenShape {
    /// An admin token: no scope.
    Admin {
        /// A label to recognise it by.
        #[serde(default)]
        label: String,
    },
    /// A manager token, scoped to a team.
    Manager {
        /// The team.
        team: i64,
        /// A label to recognise it by.
        #[serde(default)]
        label: String,
    },
    /// A member token, scoped to a member.
    Member {
        /// The member.
        member: i64,
        /// A label to recognise it by.
        #[serde(default)]
        label: String,
    },
}

/// Answer to `POST /api/v1/tokens`: the secret, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct CreatedToken {
    /// The bearer token; the server keeps only its hash.
    pub token: String,
    /// Its record.
    pub info: TokenView,
}

/// Answer to `GET /api/v1/me`: who the token belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct MeView {
    /// The token's record.
    pub token: TokenView,
    /// The member the token is scoped to.
    pub member: Option<MemberView>,
    /// The team in scope (a manager's team, or a member's team).
    pub team: Option<TeamView>,
}

/// A member's score on one day, without the explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct ScoreView {
    /// The member.
    pub member: i64,
    /// The day scored.
    pub date: NaiveDate,
    /// The model version that scored it (`push:<version>` for scores pushed from a CLI).
    pub model_version: String,
    /// The unrounded total, 0–100.
    pub total: f64,
    /// The total as LinkedIn would show it.
    pub shown_total: u32,
    /// The band of the total.
    pub band: Band,
    /// The four pillars, 0–25 each.
    pub pillars: PillarScores,
    /// The pillar with the fewest points.
    pub weakest: Pillar,
    /// The day the score answers for and the data's age.
    #[serde(flatten)]
    pub freshness: FreshnessView,
}

impl ScoreView {
    /// The view of a daily score of a member (see [`ScoreView::with_freshness`]).
    pub(crate) fn new(member: i64, score: &DailyScore) -> Self {
        ScoreView {
            freshness: FreshnessView::default(),
            member,
            date: score.date,
            model_version: score.model_version.clone(),
            total: score.total,
            shown_total: score.shown_total(),
            band: score.band(),
            pillars: score.pillars,
            weakest: score.pillars.weakest(),
        }
    }

    /// The same view saying how fresh the member's data is.
    pub(crate) fn with_freshness(mut self, freshness: FreshnessView) -> Self {
        self.freshness = freshness;
        self
    }
}

/// A member's score on one day with every component's contribution, biggest gap first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct ExplanationView {
    /// The score.
    pub score: ScoreView,
    /// The pillar the explanation is limited to, if one was asked for.
    pub pillar: Option<Pillar>,
    /// Components, biggest gap (points still to earn) first. Empty for pushed scores
    /// whose model the server does not know.
    pub components: Vec<ComponentScore>,
}

impl ExplanationView {
    /// The explanation of a score, optionally for one pillar.
    pub(crate) fn new(member: i64, score: &DailyScore, pillar: Option<Pillar>) -> Self {
        ExplanationView {
            score: ScoreView::new(member, score),
            pillar,
            components: score.explain(pillar).into_iter().cloned().collect(),
        }
    }
}

/// A stored daily estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct PointView {
    /// The day.
    pub date: NaiveDate,
    /// The model version that scored it.
    pub model_version: String,
    /// The unrounded total.
    pub total: f64,
    /// The band of the total.
    pub band: Band,
    /// The four pillars.
    pub pillars: PillarScores,
    /// A calibrated estimate (the member ran `ssi calibrate`): the low end of the total's 80% interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// A calibrated estimate: the high end of the total's 80% interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
}

impl From<ScorePoint> for PointView {
    fn from(point: ScorePoint) -> Self {
        PointView {
            date: point.date,
            model_version: point.model_version,
            total: point.total,
            band: point.band,
            pillars: point.pillars,
            low: None,
            high: None,
        }
    }
}

/// One day of history: the estimate, the official reading, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct HistoryDay {
    /// The day.
    pub date: NaiveDate,
    /// ssi's estimate.
    pub estimate: Option<PointView>,
    /// LinkedIn's reading.
    pub official: Option<OfficialReading>,
}

impl From<HistoryRow> for HistoryDay {
    fn from(row: HistoryRow) -> Self {
        HistoryDay { date: row.date, estimate: row.estimate.map(PointView::from), official: row.official }
    }
}

/// Answer to `GET /api/v1/members/{member}/history`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct HistoryView {
    /// The member.
    pub member: i64,
    /// First day asked for, if any.
    pub from: Option<NaiveDate>,
    /// Last day asked for, if any.
    pub to: Option<NaiveDate>,
    /// Days with an estimate or a reading, oldest first; no estimate past the member's horizon.
    pub days: Vec<HistoryDay>,
    /// `calibrated` when the estimates are the member's calibrated ones (with intervals); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The member's horizon and the data's age (`as_of`: the last day with an estimate).
    #[serde(flatten)]
    pub freshness: FreshnessView,
}

/// Answer to `GET /api/v1/members/{member}/readings` and to a POST of readings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct ReadingsView {
    /// The member.
    pub member: i64,
    /// The readings, oldest first.
    pub readings: Vec<OfficialReading>,
}

/// One leaderboard line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct LeaderboardEntry {
    /// 1 for the highest total; equal totals share a rank.
    pub rank: u32,
    /// The member.
    pub member: i64,
    /// The member's name.
    pub name: String,
    /// The day of the score shown (the latest on or before the day asked for).
    pub date: NaiveDate,
    /// The unrounded total.
    pub total: f64,
    /// The total as LinkedIn would show it.
    pub shown_total: u32,
    /// The band.
    pub band: Band,
    /// The four pillars.
    pub pillars: PillarScores,
    /// Change of the total over 7 days.
    pub change_7d: Option<f64>,
    /// Change of the total over 30 days.
    pub change_30d: Option<f64>,
    /// The day the row answers for and the data's age: changes end at `as_of`.
    #[serde(flatten)]
    pub freshness: FreshnessView,
}

impl LeaderboardEntry {
    /// The line of a store row on the day asked for `on`.
    pub(crate) fn new(row: LeaderboardRow, on: NaiveDate, stale_after_days: u32) -> Self {
        LeaderboardEntry {
            freshness: FreshnessView::new(row.horizon, on, stale_after_days),
            rank: row.rank,
            member: row.member.0,
            name: row.name,
            date: row.score.date,
            total: row.score.total,
            shown_total: ssi_core::round_display(row.score.total),
            band: row.score.band,
            pillars: row.score.pillars,
            change_7d: row.change_7d,
            change_30d: row.change_30d,
        }
    }
}

/// Answer to `GET /api/v1/teams/{team}/leaderboard`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct LeaderboardView {
    /// The team.
    pub team: TeamView,
    /// The day asked for.
    pub date: NaiveDate,
    /// Scored members, best first.
    pub rows: Vec<LeaderboardEntry>,
}

/// Members in one band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct BandCountView {
    /// The band.
    pub band: Band,
    /// Members in it.
    pub members: usize,
}

/// A member whose total moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct MoverView {
    /// The member.
    pub member: i64,
    /// The member's name.
    pub name: String,
    /// Change of the total (positive: up).
    pub change: f64,
}

impl From<Mover> for MoverView {
    fn from(mover: Mover) -> Self {
        MoverView { member: mover.member.0, name: mover.name, change: mover.change }
    }
}

/// Answer to `GET /api/v1/teams/{team}/summary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct SummaryView {
    /// The team.
    pub team: TeamView,
    /// The day summarised.
    pub date: NaiveDate,
    /// Members with a score on or before the day.
    pub scored_members: usize,
    /// Average total of the scored members.
    pub average_total: Option<f64>,
    /// Average of each pillar over the scored members.
    pub average_pillars: Option<PillarScores>,
    /// Average of each pillar over every member on this server sharing the team's most
    /// common industry, and that industry's name.
    pub industry: Option<IndustryAverage>,
    /// Members per band, every band from lowest to highest.
    pub bands: Vec<BandCountView>,
    /// Biggest 7-day changes.
    pub movers_7d: Vec<MoverView>,
    /// Biggest 30-day changes.
    pub movers_30d: Vec<MoverView>,
    /// The threshold of `below`.
    pub threshold: f64,
    /// Members whose total is below the threshold, lowest first.
    pub below: Vec<LeaderboardEntry>,
    /// Members whose data is older than `stale_after_days`, oldest data first:
    /// listed apart and never counted as movers (no data is not a fall).
    pub stale: Vec<StaleMemberView>,
    /// Members with no score yet.
    pub unscored: Vec<MemberView>,
}

/// A member whose data is stale, in a team summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct StaleMemberView {
    /// The member.
    pub member: i64,
    /// The member's name.
    pub name: String,
    /// The last day the member's data covers.
    pub last_day: NaiveDate,
    /// Whole days from then to the day summarised.
    pub data_age_days: i64,
    /// The member's last known total (as of `last_day`).
    pub total: f64,
    /// In words: "no data for 23 days".
    pub message: String,
}

impl SummaryView {
    /// The view of a store summary.
    pub(crate) fn new(
        summary: TeamSummary,
        threshold: f64,
        industry: Option<IndustryAverage>,
        stale_after_days: u32,
    ) -> Self {
        let on = summary.on;
        let stale = summary
            .stale
            .into_iter()
            .filter_map(|row| {
                let last_day = row.horizon?.day;
                let data_age_days = (on - last_day).num_days();
                Some(StaleMemberView {
                    member: row.member.0,
                    name: row.name,
                    last_day,
                    data_age_days,
                    total: row.score.total,
                    message: format!("no data for {data_age_days} days"),
                })
            })
            .collect();
        SummaryView {
            stale,
            team: summary.team.into(),
            date: summary.on,
            scored_members: summary.scored_members,
            average_total: summary.average_total,
            average_pillars: summary.average_pillars,
            industry,
            bands: summary
                .bands
                .into_iter()
                .map(|b| BandCountView { band: b.band, members: b.members })
                .collect(),
            movers_7d: summary.movers_7d.into_iter().map(MoverView::from).collect(),
            movers_30d: summary.movers_30d.into_iter().map(MoverView::from).collect(),
            threshold,
            below: summary
                .below
                .into_iter()
                .map(|r| LeaderboardEntry::new(r, on, stale_after_days))
                .collect(),
            unscored: summary.unscored.into_iter().map(MemberView::from).collect(),
        }
    }
}

/// An industry's average on this server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct IndustryAverage {
    /// The industry.
    pub name: String,
    /// Scored members of the industry on this server.
    pub members: usize,
    /// Their average total.
    pub average_total: f64,
    /// Their average per pillar.
    pub average_pillars: PillarScores,
}

/// Where a member stands in a group, like LinkedIn's "Top N%".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Standing {
    /// "Top N%": 1–100, lower is better.
    pub top_percent: u8,
    /// 1 for the highest total in the group.
    pub rank: u32,
    /// Scored members in the group, the member included.
    pub group_size: u32,
    /// The group's average total.
    pub group_average: f64,
}

impl From<Percentile> for Standing {
    fn from(p: Percentile) -> Self {
        Standing {
            top_percent: p.top_percent,
            rank: p.rank,
            group_size: p.group_size,
            group_average: p.group_average,
        }
    }
}

/// LinkedIn's own figures from the member's latest official reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct OfficialStanding {
    /// The day of the reading.
    pub date: NaiveDate,
    /// The official total.
    pub total: f64,
    /// The industry group as LinkedIn reported it (rank is "Top N%").
    pub industry: GroupStats,
    /// The network group (first-degree connections).
    pub network: GroupStats,
    /// The Sales Navigator team group.
    pub team: GroupStats,
}

/// Answer to `GET /api/v1/members/{member}/benchmark`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct BenchmarkView {
    /// The member.
    pub member: i64,
    /// The day asked for.
    pub date: NaiveDate,
    /// The member's score as of the day.
    pub score: Option<ScoreView>,
    /// The member's industry.
    pub industry_name: Option<String>,
    /// Standing among members of the same industry on this server.
    pub industry: Option<Standing>,
    /// Standing within the member's team.
    pub team: Option<Standing>,
    /// LinkedIn's industry, network and team ranks from the latest official reading.
    pub official: Option<OfficialStanding>,
    /// The day the benchmark answers for and the data's age.
    #[serde(flatten)]
    pub freshness: FreshnessView,
}

/// State of an import job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum JobState {
    /// Received, waiting for a free import slot.
    Queued,
    /// Being read and stored.
    Running,
    /// Stored (or recognised as already imported).
    Succeeded,
    /// Failed; nothing was stored.
    Failed,
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportResult {
    /// This export was imported before; nothing changed.
    AlreadyImported {
        /// When the earlier import happened.
        on: DateTime<Utc>,
    },
    /// The export was imported.
    Imported {
        /// Events the export yielded.
        events_seen: u64,
        /// Events that were new.
        events_added: u64,
        /// The first day whose score inputs changed.
        first_changed_day: Option<NaiveDate>,
        /// Daily scores written.
        days_rescored: usize,
    },
}

impl From<ImportOutcome> for ImportResult {
    fn from(outcome: ImportOutcome) -> Self {
        match outcome {
            ImportOutcome::AlreadyImported { on } => ImportResult::AlreadyImported { on },
            ImportOutcome::Imported { events_seen, events_added, first_changed_day, days_rescored } => {
                ImportResult::Imported { events_seen, events_added, first_changed_day, days_rescored }
            }
        }
    }
}

/// An import job: `POST /api/v1/members/{member}/exports` answers it, `GET /api/v1/jobs/{job}` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct JobView {
    /// Its id.
    pub id: u64,
    /// The member the export belongs to.
    pub member: i64,
    /// Where it is.
    pub state: JobState,
    /// What it is doing, in words ("reading the export", "storing events", …).
    pub stage: String,
    /// Size of the uploaded archive.
    pub bytes: u64,
    /// When it was received.
    pub created: DateTime<Utc>,
    /// When it finished.
    pub finished: Option<DateTime<Utc>>,
    /// What it stored, once succeeded.
    pub result: Option<ImportResult>,
    /// Rows the importer skipped, once succeeded.
    pub skipped_rows: Option<u64>,
    /// Why it failed, once failed.
    pub error: Option<String>,
}

/// Query of a day (`?date=YYYY-MM-DD`), today (UTC) when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DateQuery {
    /// The day, YYYY-MM-DD; today (UTC) when absent.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// Query of a range of days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RangeQuery {
    /// First day, inclusive.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// Query of an explanation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExplanationQuery {
    /// The day; the latest scored day when absent.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Limit to one pillar: brand, people, insights or relationships (LinkedIn's API
    /// names are accepted too).
    #[serde(default)]
    #[schemars(extend("enum" = ["brand", "people", "insights", "relationships", "PROFESSIONAL_BRAND", "FIND_RIGHT_PEOPLE", "INSIGHT_ENGAGEMENT", "STRONG_RELATIONSHIP"]))]
    pub pillar: Option<String>,
}

/// Query of a team summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SummaryQuery {
    /// The day; today (UTC) when absent.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// List members whose total is below this, 0–100 (the server's default when absent).
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub below: Option<f64>,
}

/// Query of an export upload.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UploadQuery {
    /// The export's file name as the member knows it (for the import record).
    #[serde(default)]
    pub name: Option<String>,
}

/// Query of a reading upload: the day of a raw `salesApiSsi` snapshot, which has no date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReadingQuery {
    /// The day the snapshot was saved; today (UTC) when absent.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// Body of `POST /api/v1/members/{member}/readings`: one reading, a list of readings, or
/// LinkedIn's raw `salesApiSsi` JSON as saved from the SSI page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum ReadingUpload {
    /// One reading in ssi's own shape.
    One(Box<OfficialReading>),
    /// Several readings in ssi's own shape.
    Many(Vec<OfficialReading>),
    /// LinkedIn's raw JSON (`memberScore`, `groupScore`, optionally wrapped in `data`).
    SalesApiSsi(SalesApiSsi),
}

/// LinkedIn's raw `salesApiSsi` JSON as saved from the SSI page (possibly under `data`);
/// the importer's parser (`ssi_import::parse_readings_json`) reads it field by field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SalesApiSsi {
    /// The member's own scores: `overall` and `subScores` per pillar.
    #[serde(default)]
    pub member_score: Option<serde_json::Value>,
    /// The comparison groups (industry, network, team), each with its rank and scores.
    #[serde(default)]
    pub group_score: Option<Vec<serde_json::Value>>,
    /// The same object, wrapped as the SSI page's API answers it.
    #[serde(default)]
    pub data: Option<serde_json::Value>,
}

/// Body of `POST /api/v1/members/{member}/plan`: a weekly plan (every field optional, unknown
/// fields refused; at most 200 units of anything a week, `active_days` at most 7) and,
/// optionally, the days to project.
///
/// The handler reads it with `handlers::advice::parse_plan`, which this type documents (a
/// test holds the two together); serde cannot refuse unknown fields of a flattened struct,
/// so the schema says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub(crate) struct PlanBody {
    /// The weekly plan.
    #[serde(flatten)]
    pub plan: WeeklyPlan,
    /// Days to project (1–365); the `days` query parameter may say it instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = crate::handlers::advice::MAX_PLAN_DAYS))]
    pub days: Option<u32>,
}

/// Form of `POST /login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct LoginForm {
    /// An API token.
    pub token: String,
}

/// Answer to `GET /healthz` and `GET /readyz`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Health {
    /// `ok`, or what is wrong.
    pub status: String,
}

/// Answer to `GET /api/v1/members/{member}/advice`: the next best actions and the mistake
/// warnings, both as of the same day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct AdviceView {
    /// The member.
    pub member: i64,
    /// Every candidate action ranked by points per minute, with the summary.
    pub advice: Advice,
    /// Habits that hold the score back, most severe first, each with its evidence.
    pub warnings: Vec<Warning>,
}

/// Answer to `POST /api/v1/members/{member}/plan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct PlanView {
    /// The member.
    pub member: i64,
    /// The daily series from today and the first day each threshold (45, 70, 75, 80) is reached.
    pub projection: Projection,
}

/// Answer to `GET /api/v1/members/{member}/impact`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct ImpactView {
    /// The member.
    pub member: i64,
    /// Day-to-day changes the official readings (with all four pillars) give in the range.
    pub official_transitions: usize,
    /// Why the report uses the series it uses.
    pub source_note: String,
    /// How each activity's weekly count goes together with later pillar changes.
    pub report: ImpactReport,
}

/// Query of a plan projection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanQuery {
    /// Days to project, 1–365 (90 when neither this nor the body's `days` is given).
    #[serde(default)]
    #[schemars(range(min = 1, max = crate::handlers::advice::MAX_PLAN_DAYS))]
    pub days: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handlers::advice::parse_plan;
    use std::collections::BTreeSet;

    #[test]
    fn the_plan_body_documents_what_the_plan_handler_reads() {
        let plan = WeeklyPlan { posts: 2, comments: 3, reply_to_all: true, only: true, ..Default::default() };
        let body = serde_json::to_value(PlanBody { plan, days: Some(45) }).unwrap();
        assert_eq!(parse_plan(body, None).unwrap(), (plan, 45));

        // Every property the schema names is one the handler reads, and no other.
        let schema = schemars::schema_for!(PlanBody);
        let documented: BTreeSet<String> =
            schema.as_value()["properties"].as_object().unwrap().keys().cloned().collect();
        let mut read: BTreeSet<String> = serde_json::to_value(WeeklyPlan::default())
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        read.insert("days".into());
        assert_eq!(documented, read);
        assert_eq!(schema.as_value()["additionalProperties"], false);
        let unknown = serde_json::json!({"posts": 1, "tweets": 4});
        assert!(parse_plan(unknown, None).is_err(), "the handler refuses what the schema refuses");
    }
}
