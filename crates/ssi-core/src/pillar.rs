//! The four pillars of the Social Selling Index, pillar scores and score bands.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Index, IndexMut};
use std::str::FromStr;

/// Most points a single pillar can hold.
pub const PILLAR_MAX: f64 = 25.0;
/// Most points the total can hold.
pub const TOTAL_MAX: f64 = 100.0;

/// One of the four pillars LinkedIn's SSI is built from.
///
/// Serialised with LinkedIn's API names (`PROFESSIONAL_BRAND`, …) so that the
/// official `salesApiSsi` JSON and ssi's own files speak the same language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Pillar {
    /// Establish your professional brand.
    ProfessionalBrand,
    /// Find the right people.
    FindRightPeople,
    /// Engage with insights.
    InsightEngagement,
    /// Build relationships.
    StrongRelationship,
}

impl Pillar {
    /// The four pillars in LinkedIn's display order.
    pub const ALL: [Pillar; 4] = [
        Pillar::ProfessionalBrand,
        Pillar::FindRightPeople,
        Pillar::InsightEngagement,
        Pillar::StrongRelationship,
    ];

    /// LinkedIn's API name, e.g. `PROFESSIONAL_BRAND`.
    pub fn api_name(self) -> &'static str {
        match self {
            Pillar::ProfessionalBrand => "PROFESSIONAL_BRAND",
            Pillar::FindRightPeople => "FIND_RIGHT_PEOPLE",
            Pillar::InsightEngagement => "INSIGHT_ENGAGEMENT",
            Pillar::StrongRelationship => "STRONG_RELATIONSHIP",
        }
    }

    /// The short, stable name used on the command line and in CSV headers.
    pub fn short_name(self) -> &'static str {
        match self {
            Pillar::ProfessionalBrand => "brand",
            Pillar::FindRightPeople => "people",
            Pillar::InsightEngagement => "insights",
            Pillar::StrongRelationship => "relationships",
        }
    }

    /// The label LinkedIn shows on the SSI page.
    pub fn label(self) -> &'static str {
        match self {
            Pillar::ProfessionalBrand => "Establish your professional brand",
            Pillar::FindRightPeople => "Find the right people",
            Pillar::InsightEngagement => "Engage with insights",
            Pillar::StrongRelationship => "Build relationships",
        }
    }

    /// Position in [`Pillar::ALL`], for array indexing.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Pillar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short_name())
    }
}

/// A pillar name that matched none of the accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown pillar {0:?} (expected brand, people, insights, relationships or a LinkedIn API name)")]
pub struct UnknownPillar(pub String);

impl FromStr for Pillar {
    type Err = UnknownPillar;

    /// Accepts the short name, the API name and common aliases, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm: String =
            s.trim().chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        let pillar = match norm.as_str() {
            "brand" | "professionalbrand" | "establishyourprofessionalbrand" | "pb" => {
                Pillar::ProfessionalBrand
            }
            "people" | "findrightpeople" | "findtherightpeople" | "frp" => Pillar::FindRightPeople,
            "insights" | "insight" | "insightengagement" | "engagewithinsights" | "ie" => {
                Pillar::InsightEngagement
            }
            "relationships" | "relationship" | "strongrelationship" | "buildrelationships" | "br" | "sr" => {
                Pillar::StrongRelationship
            }
            _ => return Err(UnknownPillar(s.to_string())),
        };
        Ok(pillar)
    }
}

/// A value per pillar, indexable by [`Pillar`].
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PillarScores {
    /// Establish your professional brand, 0–25.
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 25.0)))]
    pub brand: f64,
    /// Find the right people, 0–25.
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 25.0)))]
    pub people: f64,
    /// Engage with insights, 0–25.
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 25.0)))]
    pub insights: f64,
    /// Build relationships, 0–25.
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 25.0)))]
    pub relationships: f64,
}

impl PillarScores {
    /// Builds scores from an array in [`Pillar::ALL`] order.
    pub fn from_array(values: [f64; 4]) -> Self {
        let [brand, people, insights, relationships] = values;
        PillarScores { brand, people, insights, relationships }
    }

    /// The scores as an array in [`Pillar::ALL`] order.
    pub fn to_array(self) -> [f64; 4] {
        [self.brand, self.people, self.insights, self.relationships]
    }

    /// The unrounded sum of the four pillars, which is the SSI total.
    pub fn total(&self) -> f64 {
        self.brand + self.people + self.insights + self.relationships
    }

    /// The pillar with the fewest points (the first one on a tie).
    pub fn weakest(&self) -> Pillar {
        let mut weakest = Pillar::ProfessionalBrand;
        for pillar in Pillar::ALL {
            if self[pillar] < self[weakest] {
                weakest = pillar;
            }
        }
        weakest
    }

    /// Iterates over `(pillar, value)` in display order.
    pub fn iter(&self) -> impl Iterator<Item = (Pillar, f64)> + '_ {
        Pillar::ALL.into_iter().map(move |p| (p, self[p]))
    }
}

impl Index<Pillar> for PillarScores {
    type Output = f64;
    fn index(&self, pillar: Pillar) -> &f64 {
        match pillar {
            Pillar::ProfessionalBrand => &self.brand,
            Pillar::FindRightPeople => &self.people,
            Pillar::InsightEngagement => &self.insights,
            Pillar::StrongRelationship => &self.relationships,
        }
    }
}

impl IndexMut<Pillar> for PillarScores {
    fn index_mut(&mut self, pillar: Pillar) -> &mut f64 {
        match pillar {
            Pillar::ProfessionalBrand => &mut self.brand,
            Pillar::FindRightPeople => &mut self.people,
            Pillar::InsightEngagement => &mut self.insights,
            Pillar::StrongRelationship => &mut self.relationships,
        }
    }
}

/// The commonly quoted SSI bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// 0–25.
    Beginner,
    /// 26–50.
    Average,
    /// 51–70.
    AboveAverage,
    /// 71–80.
    Strong,
    /// 81–90.
    Excellent,
    /// 91–100.
    Outstanding,
}

impl Band {
    /// All bands from lowest to highest.
    pub const ALL: [Band; 6] =
        [Band::Beginner, Band::Average, Band::AboveAverage, Band::Strong, Band::Excellent, Band::Outstanding];

    /// The band of a total. Bands are defined on the total as LinkedIn shows it,
    /// rounded to a whole number, so 25.4 is a beginner and 25.5 is average.
    pub fn of_total(total: f64) -> Band {
        let shown = round_display(total);
        match shown {
            ..=25 => Band::Beginner,
            26..=50 => Band::Average,
            51..=70 => Band::AboveAverage,
            71..=80 => Band::Strong,
            81..=90 => Band::Excellent,
            _ => Band::Outstanding,
        }
    }

    /// Human label, e.g. "above average".
    pub fn label(self) -> &'static str {
        match self {
            Band::Beginner => "beginner",
            Band::Average => "average",
            Band::AboveAverage => "above average",
            Band::Strong => "strong",
            Band::Excellent => "excellent",
            Band::Outstanding => "outstanding",
        }
    }

    /// The lowest displayed total that belongs to this band.
    pub fn lower_bound(self) -> u32 {
        match self {
            Band::Beginner => 0,
            Band::Average => 26,
            Band::AboveAverage => 51,
            Band::Strong => 71,
            Band::Excellent => 81,
            Band::Outstanding => 91,
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Rounds a total the way LinkedIn displays it (half away from zero), clamped to 0–100.
pub fn round_display(total: f64) -> u32 {
    if total.is_nan() {
        return 0;
    }
    total.clamp(0.0, TOTAL_MAX).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_follow_the_published_ranges() {
        let cases = [
            (0.0, Band::Beginner),
            (25.0, Band::Beginner),
            (25.49, Band::Beginner),
            (25.5, Band::Average),
            (50.0, Band::Average),
            (51.0, Band::AboveAverage),
            (70.4, Band::AboveAverage),
            (71.0, Band::Strong),
            (80.0, Band::Strong),
            (81.0, Band::Excellent),
            (90.0, Band::Excellent),
            (91.0, Band::Outstanding),
            (100.0, Band::Outstanding),
        ];
        for (total, band) in cases {
            assert_eq!(Band::of_total(total), band, "total {total}");
        }
    }

    #[test]
    fn pillar_names_round_trip() {
        for pillar in Pillar::ALL {
            assert_eq!(pillar.api_name().parse::<Pillar>().unwrap(), pillar);
            assert_eq!(pillar.short_name().parse::<Pillar>().unwrap(), pillar);
            let json = serde_json::to_string(&pillar).unwrap();
            assert_eq!(json, format!("\"{}\"", pillar.api_name()));
        }
        assert!("growth".parse::<Pillar>().is_err());
    }

    #[test]
    fn total_is_the_unrounded_sum_and_weakest_is_found() {
        let s = PillarScores::from_array([13.118002, 3.68, 0.29999998, 2.6077502]);
        assert!((s.total() - 19.70575218).abs() < 1e-6);
        assert_eq!(round_display(s.total()), 20);
        assert_eq!(s.weakest(), Pillar::InsightEngagement);
    }
}
