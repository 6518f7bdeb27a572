//! The store's own data types: ids, members, teams, tokens, import outcomes and query rows.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ssi_core::{Band, Horizon, HorizonSource, OfficialReading, PillarScores};
use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// The row id of a team.
    TeamId
);
id_type!(
    /// The row id of a member.
    MemberId
);
id_type!(
    /// The row id of an API token.
    TokenId
);

/// A team of members (a sales team, a region).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Its id.
    pub id: TeamId,
    /// Its name, unique ignoring ASCII case.
    pub name: String,
    /// When it was created.
    pub created: DateTime<Utc>,
}

/// A person whose SSI is estimated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Its id.
    pub id: MemberId,
    /// Display name, unique ignoring ASCII case.
    pub name: String,
    /// Industry, the peer group of [`Store::percentile_in_industry`](crate::Store::percentile_in_industry).
    pub industry: Option<String>,
    /// The team the member belongs to, if any.
    pub team: Option<TeamId>,
    /// When the member was created.
    pub created: DateTime<Utc>,
    /// The last day the member's data covers (their newest export's date, or
    /// their last pushed day) and where it comes from; `None` without data.
    /// No score is stored past it.
    pub horizon: Option<Horizon>,
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, across teams; scoped to nothing.
    Admin,
    /// One team's members and reports; scoped to a team.
    Manager,
    /// One member's own data; scoped to a member.
    Member,
}

impl Role {
    /// The stable lower-case name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Member => "member",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a [`Role`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?} (expected admin, manager or member)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "manager" => Ok(Role::Manager),
            "member" => Ok(Role::Member),
            _ => Err(UnknownRole(s.to_string())),
        }
    }
}

/// What is known of an API token (never its plaintext, which is shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Its id.
    pub id: TokenId,
    /// What it may do.
    pub role: Role,
    /// The member it is scoped to (role member).
    pub member: Option<MemberId>,
    /// The team it is scoped to (role manager).
    pub team: Option<TeamId>,
    /// A label to recognise it by ("Alice's laptop").
    pub label: String,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it last authenticated, to the minute (best effort).
    pub last_used: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked token never authenticates.
    pub revoked: Option<DateTime<Utc>>,
}

/// What an import says about itself, recorded with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportMeta {
    /// A stable hash of the export's content: the same export imported twice
    /// is recognised by it.
    pub fingerprint: String,
    /// The export's file name, as the user knows it.
    pub source_name: String,
    /// The export's horizon, the last day its data covers (the day the export
    /// was made), when known.
    pub export_date: Option<NaiveDate>,
    /// Where `export_date` comes from (the file name, the newest row, …).
    #[serde(default)]
    pub horizon_source: Option<HorizonSource>,
    /// The importer's report (counts per file, warnings), stored as given.
    pub report: serde_json::Value,
}

/// What [`Store::import_export`](crate::Store::import_export) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// This member already imported an export with this fingerprint; nothing changed.
    AlreadyImported {
        /// When the earlier import happened.
        on: DateTime<Utc>,
    },
    /// The export was imported.
    Imported {
        /// Events the export yielded.
        events_seen: u64,
        /// Events that were new (the rest were already stored).
        events_added: u64,
        /// The first day whose score inputs changed (new events or a changed
        /// profile snapshot), if any did.
        first_changed_day: Option<NaiveDate>,
        /// Daily score rows written under the active model.
        days_rescored: usize,
    },
}

/// One recorded import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRecord {
    /// Row id.
    pub id: i64,
    /// The member it belongs to.
    pub member: MemberId,
    /// The export's fingerprint.
    pub fingerprint: String,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
    /// The day the export was made, when known.
    pub export_date: Option<NaiveDate>,
    /// The export's file name.
    pub source_name: String,
    /// Events the export yielded.
    pub events_seen: u64,
    /// Events that were new.
    pub events_added: u64,
    /// The importer's report, as given.
    pub report: serde_json::Value,
}

/// A stored scoring model's registry entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The model's version label.
    pub version: String,
    /// The model's one-line description.
    pub description: String,
    /// When it was stored.
    pub created: DateTime<Utc>,
    /// Whether it is the active model (exactly one is).
    pub active: bool,
}

/// One stored daily score, without the explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorePoint {
    /// The day.
    pub date: NaiveDate,
    /// The model version that scored it (`push:<version>` for pushed scores).
    pub model_version: String,
    /// The four pillars.
    pub pillars: PillarScores,
    /// The unrounded total.
    pub total: f64,
    /// The band of the total.
    pub band: Band,
}

/// A day of a member's history: the estimate, the official reading, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// The day.
    pub date: NaiveDate,
    /// ssi's estimate of the day, if scored.
    pub estimate: Option<ScorePoint>,
    /// LinkedIn's own reading of the day, if one was recorded.
    pub official: Option<OfficialReading>,
}

/// When the member's data starts and ends: how fresh it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ActivitySpan {
    /// The UTC day of the first stored event.
    pub first_event: Option<NaiveDate>,
    /// The UTC day of the last stored event.
    pub last_event: Option<NaiveDate>,
    /// The latest export date among the member's imports.
    pub last_export: Option<NaiveDate>,
    /// When the member last imported anything.
    pub last_import: Option<DateTime<Utc>>,
}

/// A score pushed to the server from a member's CLI (the server then holds
/// scores, not events). Stored under the model version `push:<model_version>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushedScore {
    /// The day scored.
    pub date: NaiveDate,
    /// The version of the model the CLI scored with (without `push:`).
    pub model_version: String,
    /// The four pillars, 0–25 each.
    pub pillars: PillarScores,
    /// The total, the sum of the pillars.
    pub total: f64,
    /// The metric value of each component in model order; may be empty.
    #[serde(default)]
    pub components: Vec<f64>,
}

impl From<&ssi_core::DailyScore> for PushedScore {
    fn from(score: &ssi_core::DailyScore) -> Self {
        PushedScore {
            date: score.date,
            model_version: score.model_version.clone(),
            pillars: score.pillars,
            total: score.total,
            components: score.components.iter().map(|c| c.value).collect(),
        }
    }
}

/// One line of a team's leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    /// 1 for the highest total; equal totals share a rank (1, 1, 3).
    pub rank: u32,
    /// The member.
    pub member: MemberId,
    /// The member's name.
    pub name: String,
    /// The member's latest score on or before the day asked for.
    pub score: ScorePoint,
    /// Change of the total over the 7 days before the score's day.
    pub change_7d: Option<f64>,
    /// Change of the total over the 30 days before the score's day.
    pub change_30d: Option<f64>,
    /// The last day the member's data covers (the score's day is never later).
    pub horizon: Option<Horizon>,
}

/// How many members of a group are in one band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandCount {
    /// The band.
    pub band: Band,
    /// Members in it.
    pub members: usize,
}

/// A member whose total moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mover {
    /// The member.
    pub member: MemberId,
    /// The member's name.
    pub name: String,
    /// Change of the total (positive: up).
    pub change: f64,
}

/// A team at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamSummary {
    /// The team.
    pub team: Team,
    /// The day summarised.
    pub on: NaiveDate,
    /// Members with a score on or before the day.
    pub scored_members: usize,
    /// Average of each pillar over the scored members.
    pub average_pillars: Option<PillarScores>,
    /// Average total over the scored members.
    pub average_total: Option<f64>,
    /// Scored members per band, every band from lowest to highest.
    pub bands: Vec<BandCount>,
    /// Biggest 7-day changes, largest absolute change first (at most five),
    /// among members whose data is not stale; each change is measured inside
    /// the member's own data (it ends at their horizon).
    pub movers_7d: Vec<Mover>,
    /// Biggest 30-day changes, as `movers_7d`.
    pub movers_30d: Vec<Mover>,
    /// Leaderboard rows of members whose total is below the threshold, lowest first.
    pub below: Vec<LeaderboardRow>,
    /// Leaderboard rows of members whose data is older than the stale
    /// threshold on the day summarised, oldest data first. They are never
    /// counted as movers: no data is not a fall.
    pub stale: Vec<LeaderboardRow>,
    /// Members of the team with no score yet.
    pub unscored: Vec<Member>,
    /// The leaderboard the summary is made from ([`Store::team_leaderboard`](crate::Store::team_leaderboard)).
    pub leaderboard: Vec<LeaderboardRow>,
}

/// Everything that scores one member ([`Store::scoring_inputs`](crate::Store::scoring_inputs)):
/// what the advice, plans and calibration of `ssi_core::advice` simulate from.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoringInputs {
    /// The active scoring model.
    pub model: ssi_core::ScoringModel,
    /// The member's profile snapshots, oldest first.
    pub profiles: Vec<ssi_core::ProfileSnapshot>,
    /// Every stored event of the member, in time order.
    pub events: Vec<ssi_core::ActivityEvent>,
}

impl ScoringInputs {
    /// Whether the store holds any activity of the member (events or a
    /// profile): a member whose scores were only pushed from a CLI has none.
    pub fn has_activity(&self) -> bool {
        !self.events.is_empty() || !self.profiles.is_empty()
    }
}

/// What an activity impact analysis reads of a member ([`Store::impact_inputs`](crate::Store::impact_inputs)).
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactInputs {
    /// The pillar series chosen, and why.
    pub series: ssi_core::advice::ImpactSeries,
    /// Events per day and kind over the days the analysis of the series needs.
    pub counts: Vec<(NaiveDate, ssi_core::ActivityKind, u32)>,
}

/// A member at a glance ([`Store::member_overviews`](crate::Store::member_overviews)).
#[derive(Debug, Clone, PartialEq)]
pub struct MemberOverview {
    /// The member.
    pub member: Member,
    /// Their latest score on or before the day asked, explained.
    pub latest_score: Option<ssi_core::DailyScore>,
    /// How many official readings they have.
    pub readings: usize,
    /// How far their activity and exports go.
    pub activity: ActivitySpan,
}

/// The average score of the members of one industry on this server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndustryAverage {
    /// The industry, as the first of the team's members in it (by name) spells it.
    pub name: String,
    /// Members of the industry with a score on or before the day asked.
    pub members: usize,
    /// Their average total.
    pub average_total: f64,
    /// Their average per pillar.
    pub average_pillars: PillarScores,
}

/// Where a member stands in a group, shaped like LinkedIn's "Top N%".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Percentile {
    /// "Top N%": 1–100, lower is better.
    pub top_percent: u8,
    /// 1 for the highest total in the group; equal totals share a rank.
    pub rank: u32,
    /// Scored members in the group, the member included.
    pub group_size: u32,
    /// The group's average total.
    pub group_average: f64,
}

/// Whom an import is for: [`Store::import_export_for`](crate::Store::import_export_for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportTarget<'a> {
    /// An existing member; the import fails with [`StoreError::NotFound`](crate::StoreError::NotFound)
    /// when there is none.
    Member(MemberId),
    /// The member with this name (trimmed, ignoring ASCII case). When there is none, it is
    /// created with `industry` **inside the import's transaction**, so an import that fails
    /// or whose process dies leaves no member behind.
    Named {
        /// The member's name.
        name: &'a str,
        /// The industry of a member created now (an existing member's is left alone).
        industry: Option<&'a str>,
    },
}

/// What [`Store::import_export_for`](crate::Store::import_export_for) did.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetedImport {
    /// The member imported for.
    pub member: Member,
    /// Whether the import created the member (always `false` for [`ImportTarget::Member`]).
    pub created: bool,
    /// What the import did.
    pub outcome: ImportOutcome,
}
