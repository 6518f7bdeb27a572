//! The scoring model as data: components, windows, curves and weights, versioned and loadable.
//!
//! The default model ships as `model/default.toml` inside this crate and is
//! documented component by component in `docs/SCORING.md`. A user can export
//! it, edit it and load it back; [`ScoringModel::validate`] keeps an edited
//! model honest (each pillar's weights add up to 25, curves are well formed).

use crate::event::ActivityKind;
use crate::pillar::{PILLAR_MAX, Pillar};
use crate::seniority::Seniority;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The default model's TOML text, as shipped.
pub const DEFAULT_MODEL_TOML: &str = include_str!("../model/default.toml");

/// A complete, versioned scoring model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringModel {
    /// Unique version label, e.g. `ssi-default-1`. Scores are stored per version.
    pub version: String,
    /// One-line description of the model.
    pub description: String,
    /// The member's ideal customer profile, which "target" metrics measure reach into.
    #[serde(default)]
    pub target: TargetProfile,
    /// The profile completeness checklist.
    pub profile_checklist: Vec<ChecklistItem>,
    /// The components; each pillar's weights add up to 25.
    pub components: Vec<Component>,
    /// Minutes of effort one unit of each activity takes, for advice.
    #[serde(default)]
    pub effort_minutes: BTreeMap<ActivityKind, f64>,
}

/// The member's ideal customer profile (ICP).
///
/// A connection is "on target" when its title has one of the seniorities, or
/// contains one of the title keywords, or its company or title contains one of
/// the company or industry keywords. The export does not carry a contact's
/// industry, so industry keywords are matched against company and title text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetProfile {
    /// Seniorities that count as target (default: the decision makers).
    #[serde(default = "Seniority::decision_makers_vec")]
    pub seniorities: Vec<Seniority>,
    /// Title keywords, matched case-insensitively as whole words.
    #[serde(default)]
    pub titles: Vec<String>,
    /// Industry keywords, matched against company and title.
    #[serde(default)]
    pub industries: Vec<String>,
    /// Company names, matched case-insensitively as whole words.
    #[serde(default)]
    pub companies: Vec<String>,
}

impl Default for TargetProfile {
    fn default() -> Self {
        TargetProfile {
            seniorities: Seniority::decision_makers_vec(),
            titles: Vec::new(),
            industries: Vec::new(),
            companies: Vec::new(),
        }
    }
}

/// A profile section the completeness checklist looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProfileSection {
    /// A profile photo.
    Photo,
    /// A background banner.
    Banner,
    /// A headline.
    Headline,
    /// An About section of some substance.
    Summary,
    /// Industry set.
    Industry,
    /// Location set.
    Location,
    /// A current position.
    CurrentPosition,
    /// Descriptions on positions.
    PositionDescriptions,
    /// Past positions.
    PastPositions,
    /// Education.
    Education,
    /// Skills.
    Skills,
    /// Certifications.
    Certifications,
    /// Languages.
    Languages,
    /// Websites.
    Websites,
    /// Projects, publications or honors.
    Accomplishments,
}

/// One line of the completeness checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// The section.
    pub section: ProfileSection,
    /// Relative weight within the checklist.
    pub weight: f64,
    /// How much of the section counts as complete (e.g. 5 skills, 200 characters of summary).
    #[serde(default = "one")]
    pub complete_at: f64,
    /// What to do when it is missing.
    pub action: String,
}

fn one() -> f64 {
    1.0
}

/// What a component measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Metric {
    /// Share of the profile checklist that is complete, 0–1.
    ProfileCompleteness,
    /// A weighted, decayed count of events of the given kinds in the window.
    Count {
        /// Weight of each counted kind.
        kinds: BTreeMap<ActivityKind, f64>,
        /// For counts from a source the member may never have imported (the
        /// creator analytics workbook): the kind of event that marks a day
        /// that source covers. On a day whose window holds no such event the
        /// component has no data ([`NO_DATA`]): it earns nothing and possibly
        /// nothing, and its weight is shared out over the pillar's other
        /// components in proportion to theirs.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reported_by: Option<ActivityKind>,
    },
    /// Connections made with on-target counterparts in the window (decayed).
    TargetConnections,
    /// Distinct days with any activity in the window.
    ActiveDays,
    /// Replies to incoming messages over incoming messages awaiting reply, in the window.
    ResponseRate {
        /// Pseudo-count added to the denominator, so that one reply out of one
        /// message is not a perfect rate.
        smoothing: f64,
    },
    /// Connections made over connections made plus requests still pending, in the window.
    AcceptanceRate {
        /// Pseudo-count added to the denominator.
        smoothing: f64,
    },
    /// First-degree connections made, ever (no window).
    NetworkSize,
    /// On-target first-degree connections, ever (no window).
    TargetNetwork,
    /// Conversations with messages both ways within the window.
    TwoWayConversations,
}

impl Metric {
    /// Whether the metric depends on a trailing window of activity (as opposed
    /// to the profile or the cumulative network).
    pub fn is_windowed(&self) -> bool {
        !matches!(self, Metric::ProfileCompleteness | Metric::NetworkSize | Metric::TargetNetwork)
    }

    /// A short name for the metric, for tables.
    pub fn name(&self) -> &'static str {
        match self {
            Metric::ProfileCompleteness => "profile_completeness",
            Metric::Count { .. } => "count",
            Metric::TargetConnections => "target_connections",
            Metric::ActiveDays => "active_days",
            Metric::ResponseRate { .. } => "response_rate",
            Metric::AcceptanceRate { .. } => "acceptance_rate",
            Metric::NetworkSize => "network_size",
            Metric::TargetNetwork => "target_network",
            Metric::TwoWayConversations => "two_way_conversations",
        }
    }

    /// Whether the value is computed from messages (sent or received), so
    /// that it cannot be known when the export does not say which are the member's.
    pub fn reads_messages(&self) -> bool {
        match self {
            Metric::ResponseRate { .. } | Metric::TwoWayConversations => true,
            Metric::Count { kinds, .. } => {
                kinds.keys().any(|k| matches!(k, ActivityKind::MessageSent | ActivityKind::MessageReceived))
            }
            _ => false,
        }
    }

    /// The kind of event marking the days the metric's source covers, for a
    /// metric that can have no data.
    pub fn reported_by(&self) -> Option<ActivityKind> {
        match self {
            Metric::Count { reported_by, .. } => *reported_by,
            _ => None,
        }
    }

    /// Whether the value is a rate in 0–1.
    pub fn is_rate(&self) -> bool {
        matches!(
            self,
            Metric::ProfileCompleteness | Metric::ResponseRate { .. } | Metric::AcceptanceRate { .. }
        )
    }
}

/// The metric value of a component that has no data on a day (see
/// [`Metric::Count`]'s `reported_by`). Every measured value is ≥ 0.
pub const NO_DATA: f64 = -1.0;

/// Whether a stored metric value means "no data".
pub fn is_no_data(value: f64) -> bool {
    value < 0.0
}

/// How a metric's value turns into a share (0–1) of the component's weight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Curve {
    /// `min(value / full_at, 1)`: straight up to full marks at `full_at`.
    Linear {
        /// The value that earns full marks.
        full_at: f64,
    },
    /// `1 - 0.5^(value / half_at)`: half the points at `half_at`, diminishing returns after.
    Saturating {
        /// The value that earns half the points.
        half_at: f64,
    },
}

impl Curve {
    /// The share of the weight earned by `value` (0–1; negative values earn 0).
    pub fn share(self, value: f64) -> f64 {
        let value = value.max(0.0);
        match self {
            Curve::Linear { full_at } => (value / full_at).min(1.0),
            Curve::Saturating { half_at } => 1.0 - 0.5f64.powf(value / half_at),
        }
    }

    /// The smallest value that earns `share` of the weight, or `None` when the
    /// curve never gets there.
    pub fn value_for_share(self, share: f64) -> Option<f64> {
        if share <= 0.0 {
            return Some(0.0);
        }
        match self {
            Curve::Linear { full_at } => (share <= 1.0).then_some(share * full_at),
            Curve::Saturating { half_at } => (share < 1.0).then(|| half_at * (1.0 / (1.0 - share)).log2()),
        }
    }

    fn validate(self) -> Result<(), String> {
        let p = match self {
            Curve::Linear { full_at } => full_at,
            Curve::Saturating { half_at } => half_at,
        };
        if p.is_finite() && p > 0.0 {
            Ok(())
        } else {
            Err(format!("curve parameter {p} must be a positive number"))
        }
    }
}

/// One scored component of a pillar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Stable identifier, e.g. `brand.publishing`.
    pub id: String,
    /// The pillar it belongs to.
    pub pillar: Pillar,
    /// Human label.
    pub label: String,
    /// What is measured.
    pub metric: Metric,
    /// Unit of the metric's value in plain words (e.g. "posts"), for explanations.
    pub unit: String,
    /// Length of the trailing window in days (windowed metrics only).
    #[serde(default)]
    pub window_days: u32,
    /// Half-life of an event's weight in days; 0 means no decay inside the window.
    #[serde(default)]
    pub half_life_days: f64,
    /// The response curve.
    pub curve: Curve,
    /// Points this component can earn.
    pub weight: f64,
    /// The action that earns the missing points, in the imperative.
    pub action: String,
    /// The activity whose one more unit moves this metric, for advice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lever: Option<ActivityKind>,
}

/// Why a model is not usable.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The text is not valid TOML or JSON for a model.
    #[error("model file is not a valid model: {0}")]
    Parse(String),
    /// The model parses but breaks a rule.
    #[error("model {version}: {problem}")]
    Invalid {
        /// The model's version label.
        version: String,
        /// What is wrong.
        problem: String,
    },
}

impl ScoringModel {
    /// The model that ships with ssi.
    pub fn default_model() -> ScoringModel {
        ScoringModel::from_toml(DEFAULT_MODEL_TOML).expect("the shipped default model is valid")
    }

    /// Parses and validates a model from TOML.
    pub fn from_toml(text: &str) -> Result<ScoringModel, ModelError> {
        let model: ScoringModel = toml::from_str(text).map_err(|e| ModelError::Parse(e.to_string()))?;
        model.validate()?;
        Ok(model)
    }

    /// Parses and validates a model from JSON.
    pub fn from_json(text: &str) -> Result<ScoringModel, ModelError> {
        let model: ScoringModel = serde_json::from_str(text).map_err(|e| ModelError::Parse(e.to_string()))?;
        model.validate()?;
        Ok(model)
    }

    /// Parses TOML or JSON, whichever the text is (JSON starts with `{`).
    pub fn parse(text: &str) -> Result<ScoringModel, ModelError> {
        if text.trim_start().starts_with('{') { Self::from_json(text) } else { Self::from_toml(text) }
    }

    /// The model as TOML, the format users edit.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a model always serialises to TOML")
    }

    /// The components of one pillar, in model order.
    pub fn components_of(&self, pillar: Pillar) -> impl Iterator<Item = &Component> {
        self.components.iter().filter(move |c| c.pillar == pillar)
    }

    /// The longest window of any windowed component, in days.
    pub fn longest_window_days(&self) -> u32 {
        self.components.iter().filter(|c| c.metric.is_windowed()).map(|c| c.window_days).max().unwrap_or(0)
    }

    /// Checks the rules every model obeys.
    pub fn validate(&self) -> Result<(), ModelError> {
        let invalid = |problem: String| ModelError::Invalid { version: self.version.clone(), problem };
        if self.version.trim().is_empty() {
            return Err(invalid("version must not be empty".into()));
        }
        let mut ids = HashSet::new();
        for c in &self.components {
            if !ids.insert(c.id.as_str()) {
                return Err(invalid(format!("component id {:?} appears twice", c.id)));
            }
            if !(c.weight.is_finite() && c.weight >= 0.0) {
                return Err(invalid(format!("component {}: weight {} must be ≥ 0", c.id, c.weight)));
            }
            if c.metric.is_windowed() && c.window_days == 0 {
                return Err(invalid(format!("component {}: a windowed metric needs window_days ≥ 1", c.id)));
            }
            if c.window_days > 3660 {
                return Err(invalid(format!(
                    "component {}: window_days {} is over ten years",
                    c.id, c.window_days
                )));
            }
            if !(c.half_life_days.is_finite() && c.half_life_days >= 0.0) {
                return Err(invalid(format!("component {}: half_life_days must be ≥ 0", c.id)));
            }
            c.curve.validate().map_err(|e| invalid(format!("component {}: {e}", c.id)))?;
            match &c.metric {
                Metric::Count { kinds, reported_by } => {
                    if kinds.is_empty() {
                        return Err(invalid(format!("component {}: a count needs at least one kind", c.id)));
                    }
                    if reported_by.is_some_and(|k| !k.is_data_coverage()) {
                        return Err(invalid(format!(
                            "component {}: reported_by must be a day-coverage kind (engagement_reported, followers_reported)",
                            c.id
                        )));
                    }
                    if kinds.values().any(|w| !(w.is_finite() && *w >= 0.0)) {
                        return Err(invalid(format!("component {}: kind weights must be ≥ 0", c.id)));
                    }
                }
                Metric::ResponseRate { smoothing } | Metric::AcceptanceRate { smoothing }
                    if !(smoothing.is_finite() && *smoothing >= 0.0) =>
                {
                    return Err(invalid(format!("component {}: smoothing must be ≥ 0", c.id)));
                }
                _ => {}
            }
        }
        for pillar in Pillar::ALL {
            let sum: f64 = self.components_of(pillar).map(|c| c.weight).sum();
            if (sum - PILLAR_MAX).abs() > 1e-6 {
                return Err(invalid(format!("the weights of {} add up to {sum}, not 25", pillar.api_name())));
            }
            if self.components_of(pillar).all(|c| c.metric.reported_by().is_some()) {
                return Err(invalid(format!(
                    "{} needs a component that always has data (one without reported_by)",
                    pillar.api_name()
                )));
            }
        }
        let checklist: f64 = self.profile_checklist.iter().map(|i| i.weight).sum();
        if self
            .profile_checklist
            .iter()
            .any(|i| !(i.weight.is_finite() && i.weight >= 0.0 && i.complete_at > 0.0))
            || checklist <= 0.0
        {
            return Err(invalid(
                "the profile checklist needs non-negative weights with a positive sum".into(),
            ));
        }
        for (kind, minutes) in &self.effort_minutes {
            if !(minutes.is_finite() && *minutes > 0.0) {
                return Err(invalid(format!("effort for {kind} must be a positive number of minutes")));
            }
        }
        Ok(())
    }
}

impl TargetProfile {
    /// Whether a counterpart with this title and company is on target.
    pub fn matches(&self, title: Option<&str>, company: Option<&str>) -> bool {
        let title = title.unwrap_or("");
        let company = company.unwrap_or("");
        if !title.is_empty() && self.seniorities.contains(&crate::seniority::classify_title(title)) {
            return true;
        }
        let title_hit = self.titles.iter().any(|k| contains_words(title, k));
        let company_hit = self.companies.iter().any(|k| contains_words(company, k));
        let industry_hit =
            self.industries.iter().any(|k| contains_words(company, k) || contains_words(title, k));
        title_hit || company_hit || industry_hit
    }
}

/// Whether `needle` occurs in `haystack` as whole words, case-insensitively.
fn contains_words(haystack: &str, needle: &str) -> bool {
    let norm = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
    };
    let hay = norm(haystack);
    let pin = norm(needle);
    !pin.is_empty() && hay.windows(pin.len()).any(|w| w == pin.as_slice())
}
