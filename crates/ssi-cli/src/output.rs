//! What commands show, as plain data: the same structs feed the text renderers
//! and `--json`, so both always agree. Their JSON shapes are documented in
//! docs/cli.md and only ever grow (fields are added, never renamed or removed).

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;
use ssi_core::{Band, DailyScore, GroupStats, OfficialReading, Pillar, PillarScores, round_display};
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

/// How fresh the data is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FreshnessJson {
    /// The last day activity is known for: the date of the newest export imported
    /// (or, for imports that recorded none, the day of the last event).
    pub(crate) activity_known_to: Option<NaiveDate>,
    /// Where that day comes from: `export_date` or `last_event`; `null` without data.
    pub(crate) known_from: Option<&'static str>,
    /// Days between that day and the dashboard's day (0 when up to date).
    pub(crate) days_behind: Option<i64>,
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
    /// How fresh the data is.
    pub(crate) freshness: FreshnessJson,
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
}

impl ExplainJson {
    /// The explanation of a score, limited to one pillar if asked.
    pub(crate) fn of(member: &str, score: &DailyScore, pillar: Option<Pillar>) -> Self {
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
            })
            .collect();
        ExplainJson {
            member: member.to_string(),
            pillar: pillar.map(Pillar::short_name),
            estimate: EstimateJson::of(score),
            components,
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
    /// The days with an estimate or a reading, oldest first.
    pub(crate) days: Vec<HistoryDayJson>,
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
