//! Official SSI readings: what LinkedIn itself said on a given day.

use crate::pillar::{PILLAR_MAX, Pillar, TOTAL_MAX};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a reading came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReadingSource {
    /// LinkedIn's `salesApiSsi` JSON, saved by the member.
    Json,
    /// A row of a CSV of readings (from a tracker or a team export).
    Csv,
    /// Typed in by hand.
    Manual,
    /// Pushed to the team server from a member's CLI.
    Push,
}

impl ReadingSource {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadingSource::Json => "json",
            ReadingSource::Csv => "csv",
            ReadingSource::Manual => "manual",
            ReadingSource::Push => "push",
        }
    }
}

/// Averages (and the member's rank) within a comparison group: the member's
/// industry, network or Sales Navigator team.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupStats {
    /// "Top N%": lower is better, 1–100.
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 100)))]
    pub rank: Option<u8>,
    /// The group's average total.
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 100.0)))]
    pub average: Option<f64>,
    /// The group's per-pillar averages, where LinkedIn gave them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(inner(range(min = 0.0, max = 100.0))))]
    pub pillar_averages: Option<[Option<f64>; 4]>,
    /// Number of members in the group, where given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The group's name (for the industry group), where given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl GroupStats {
    /// Whether nothing is known about the group.
    pub fn is_empty(&self) -> bool {
        self.rank.is_none()
            && self.average.is_none()
            && self.pillar_averages.is_none()
            && self.size.is_none()
            && self.name.is_none()
    }
}

/// One official reading of the member's SSI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OfficialReading {
    /// The day it was read (a snapshot has no date of its own: it is when it was saved).
    pub date: NaiveDate,
    /// The total, unrounded where known.
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 100.0)))]
    pub total: f64,
    /// Per-pillar scores in [`Pillar::ALL`] order, where known.
    #[cfg_attr(feature = "schema", schemars(inner(range(min = 0.0, max = 25.0))))]
    pub pillars: [Option<f64>; 4],
    /// The industry group.
    #[serde(default, skip_serializing_if = "GroupStats::is_empty", deserialize_with = "object_only")]
    pub industry: GroupStats,
    /// The network group (first-degree connections).
    #[serde(default, skip_serializing_if = "GroupStats::is_empty", deserialize_with = "object_only")]
    pub network: GroupStats,
    /// The Sales Navigator team group.
    #[serde(default, skip_serializing_if = "GroupStats::is_empty", deserialize_with = "object_only")]
    pub team: GroupStats,
    /// Where it came from.
    pub source: ReadingSource,
}

/// Why a reading is not acceptable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadingError {
    /// The total is outside 0–100 or not a number.
    #[error("total {0} is outside 0–100")]
    Total(f64),
    /// A pillar is outside 0–25 or not a number.
    #[error("pillar {pillar} score {value} is outside 0–25")]
    Pillar {
        /// Which pillar.
        pillar: Pillar,
        /// The rejected value.
        value: f64,
    },
    /// A rank is outside 1–100.
    #[error("{group} rank {value} is outside 1–100")]
    Rank {
        /// "industry", "network" or "team".
        group: &'static str,
        /// The rejected value.
        value: i64,
    },
    /// An average is outside 0–100 or not a number.
    #[error("{group} average {value} is outside 0–100")]
    Average {
        /// "industry", "network" or "team".
        group: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// The pillars are all known but do not add up to the total.
    #[error("pillars add up to {sum:.2} but the total is {total:.2}")]
    Sum {
        /// Sum of the pillars.
        sum: f64,
        /// The stated total.
        total: f64,
    },
}

/// How far the sum of the pillars may stray from the total (LinkedIn's JSON
/// carries float32 noise; trackers round to one or two decimals).
pub const SUM_TOLERANCE: f64 = 0.6;

impl OfficialReading {
    /// A reading with a total only.
    pub fn new(date: NaiveDate, total: f64, source: ReadingSource) -> Self {
        OfficialReading {
            date,
            total,
            pillars: [None; 4],
            industry: GroupStats::default(),
            network: GroupStats::default(),
            team: GroupStats::default(),
            source,
        }
    }

    /// The score of one pillar, where known.
    pub fn pillar(&self, pillar: Pillar) -> Option<f64> {
        self.pillars[pillar.index()]
    }

    /// Checks ranges: total 0–100, pillars 0–25, ranks 1–100, averages 0–100,
    /// and that four known pillars add up to the total.
    pub fn validate(&self) -> Result<(), ReadingError> {
        if !(0.0..=TOTAL_MAX).contains(&self.total) {
            return Err(ReadingError::Total(self.total));
        }
        for pillar in Pillar::ALL {
            if let Some(value) = self.pillar(pillar)
                && !(0.0..=PILLAR_MAX).contains(&value)
            {
                return Err(ReadingError::Pillar { pillar, value });
            }
        }
        for (group, stats) in [("industry", &self.industry), ("network", &self.network), ("team", &self.team)]
        {
            if let Some(rank) = stats.rank
                && !(1..=100).contains(&rank)
            {
                return Err(ReadingError::Rank { group, value: i64::from(rank) });
            }
            let averages =
                stats.average.into_iter().chain(stats.pillar_averages.iter().flatten().flatten().copied());
            for value in averages {
                if !(0.0..=TOTAL_MAX).contains(&value) {
                    return Err(ReadingError::Average { group, value });
                }
            }
        }
        if self.pillars.iter().all(Option::is_some) {
            let sum: f64 = self.pillars.iter().flatten().sum();
            if (sum - self.total).abs() > SUM_TOLERANCE {
                return Err(ReadingError::Sum { sum, total: self.total });
            }
        }
        Ok(())
    }
}

/// Deserialises a struct only from a map: serde's derived structs also accept a sequence of
/// their fields (`[null, null]`), which would let a wrong shape through as empty figures.
fn object_only<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct MapOnly<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for MapOnly<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    deserializer.deserialize_map(MapOnly(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    }

    #[test]
    fn validation_rejects_each_out_of_range_field() {
        let mut r = OfficialReading::new(day(), 19.7, ReadingSource::Manual);
        r.pillars = [Some(13.1), Some(3.68), Some(0.3), Some(2.6)];
        assert_eq!(r.validate(), Ok(()));

        let mut bad = r.clone();
        bad.total = 100.5;
        assert!(matches!(bad.validate(), Err(ReadingError::Total(_))));
        let mut bad = r.clone();
        bad.total = f64::NAN;
        assert!(matches!(bad.validate(), Err(ReadingError::Total(_))));
        let mut bad = r.clone();
        bad.pillars[1] = Some(25.1);
        assert!(matches!(bad.validate(), Err(ReadingError::Pillar { pillar: Pillar::FindRightPeople, .. })));
        let mut bad = r.clone();
        bad.industry.rank = Some(0);
        assert!(matches!(bad.validate(), Err(ReadingError::Rank { group: "industry", .. })));
        let mut bad = r.clone();
        bad.network.average = Some(-1.0);
        assert!(matches!(bad.validate(), Err(ReadingError::Average { group: "network", .. })));
        let mut bad = r;
        bad.total = 40.0;
        assert!(matches!(bad.validate(), Err(ReadingError::Sum { .. })));
    }

    #[test]
    fn a_group_given_as_a_list_is_refused() {
        let text = r#"{"date":"2026-11-20","total":40,"pillars":[10,10,10,10],"source":"manual","team":[null,null]}"#;
        let error = serde_json::from_str::<OfficialReading>(text).unwrap_err().to_string();
        assert!(error.contains("an object"), "{error}");
        let text =
            r#"{"date":"2026-11-20","total":40,"pillars":[10,10,10,10],"source":"manual","team":{"rank":5}}"#;
        assert_eq!(serde_json::from_str::<OfficialReading>(text).unwrap().team.rank, Some(5));
    }
}
