//! Daily scores and their explanations: every point traced to the component that earned it.

use crate::pillar::{Band, Pillar, PillarScores, round_display};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One component's part of a daily score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ComponentScore {
    /// The component's id in the model.
    pub id: String,
    /// Its pillar.
    pub pillar: Pillar,
    /// Human label.
    pub label: String,
    /// The metric's name.
    pub metric: String,
    /// The metric's value on the day (a count, a rate in 0–1, …).
    pub value: f64,
    /// Unit of the value in plain words.
    pub unit: String,
    /// Points earned.
    pub points: f64,
    /// Points possible (the component's weight).
    pub possible: f64,
    /// The concrete action that would earn the missing points, with the
    /// amount needed where the curve allows computing it.
    pub action: String,
    /// `false` when the value cannot be known: a component that reads
    /// messages, for an export that does not tell which messages are the
    /// member's (its value and points then count no message at all).
    #[serde(default = "known_by_default")]
    pub known: bool,
    /// `true` when the component has no data on the day (a source the
    /// member never imported, such as the creator analytics workbook): its
    /// value is [`crate::model::NO_DATA`], it earns and can earn nothing, and
    /// its weight is shared out over the pillar's other components, whose
    /// `possible` points grow to match.
    #[serde(default)]
    pub no_data: bool,
}

fn known_by_default() -> bool {
    true
}

impl ComponentScore {
    /// The value with its unit as a person writes it: a percentage for rates
    /// and profile completeness ("98% of the checklist"), a whole count bare,
    /// a count that decay made fractional with one decimal ("14.5 reactions").
    pub fn value_text(&self) -> String {
        if self.no_data {
            return "no data".to_string();
        }
        const RATES: [&str; 3] = ["profile_completeness", "response_rate", "acceptance_rate"];
        if RATES.contains(&self.metric.as_str()) {
            format!("{:.0}% {}", self.value * 100.0, self.unit)
        } else if (self.value - self.value.round()).abs() < 1e-9 {
            format!("{:.0} {}", self.value, self.unit)
        } else {
            format!("{:.1} {}", self.value, self.unit)
        }
    }

    /// Points still to be earned.
    pub fn gap(&self) -> f64 {
        (self.possible - self.points).max(0.0)
    }
}

/// The estimated SSI of one member on one day, with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyScore {
    /// The UTC day scored.
    pub date: NaiveDate,
    /// The version of the model that scored it.
    pub model_version: String,
    /// The four pillars, 0–25 each.
    pub pillars: PillarScores,
    /// The unrounded sum of the pillars, 0–100.
    pub total: f64,
    /// Every component's contribution, in model order.
    pub components: Vec<ComponentScore>,
}

impl DailyScore {
    /// The total as LinkedIn would show it.
    pub fn shown_total(&self) -> u32 {
        round_display(self.total)
    }

    /// The band of the total.
    pub fn band(&self) -> Band {
        Band::of_total(self.total)
    }

    /// The components of one pillar, biggest gap first.
    pub fn explain(&self, pillar: Option<Pillar>) -> Vec<&ComponentScore> {
        let mut parts: Vec<&ComponentScore> =
            self.components.iter().filter(|c| pillar.is_none_or(|p| c.pillar == p)).collect();
        parts.sort_by(|a, b| b.gap().total_cmp(&a.gap()).then_with(|| a.id.cmp(&b.id)));
        parts
    }
}
