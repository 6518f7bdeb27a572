//! The data horizon: the last day a member's data covers, and how old that is.
//!
//! Days after the horizon are *unknown*, not days of inactivity: no estimate
//! is made for them, every "today" answers for the horizon, and the age of
//! the data is shown beside every score (docs/SCORING.md, "Time").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Data older than this many days is stale unless configured otherwise.
pub const DEFAULT_STALE_AFTER_DAYS: u32 = 14;

/// How long after the newest row of an undated export the archive entries'
/// modification times may lie and still be believed as the export's date.
///
/// LinkedIn writes the entries when it builds the export, so an export taken
/// after a few quiet days has entry times a few days after its newest row. An
/// export re-zipped long afterwards has entry times that say nothing about
/// its data: believing them would claim months of inactivity.
pub const ENTRY_TIMES_AGREE_WITHIN_DAYS: i64 = 14;

/// Where a member's horizon comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HorizonSource {
    /// The date in the export's name (`Basic_LinkedInDataExport_MM-DD-YYYY`).
    FileName,
    /// The newest dated row of the export.
    NewestRow,
    /// The export entries' modification times, where they agree with the rows.
    EntryTimes,
    /// The last day of scores pushed from the member's own CLI.
    PushedScores,
    /// The newest stored activity or profile day (data stored without a
    /// recorded export date, e.g. before horizons were recorded).
    StoredActivity,
}

impl HorizonSource {
    /// Every source, in the order of the names above.
    pub const ALL: [HorizonSource; 5] = [
        HorizonSource::FileName,
        HorizonSource::NewestRow,
        HorizonSource::EntryTimes,
        HorizonSource::PushedScores,
        HorizonSource::StoredActivity,
    ];

    /// The stable name used in JSON and in the store (`file_name`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            HorizonSource::FileName => "file_name",
            HorizonSource::NewestRow => "newest_row",
            HorizonSource::EntryTimes => "entry_times",
            HorizonSource::PushedScores => "pushed_scores",
            HorizonSource::StoredActivity => "stored_activity",
        }
    }

    /// Parses [`HorizonSource::as_str`].
    pub fn parse(text: &str) -> Option<HorizonSource> {
        HorizonSource::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// How a person would say where the date came from.
    pub fn describe(self) -> &'static str {
        match self {
            HorizonSource::FileName => "the export's file name",
            HorizonSource::NewestRow => "the newest row in the export",
            HorizonSource::EntryTimes => "the export's entry times",
            HorizonSource::PushedScores => "the last pushed score",
            HorizonSource::StoredActivity => "the newest stored activity",
        }
    }
}

/// The last day a member's data covers, and where that day comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Horizon {
    /// The last day covered.
    pub day: NaiveDate,
    /// Where it comes from.
    pub source: HorizonSource,
}

/// How fresh a score is: the day it describes and the age of the data behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freshness {
    /// The day the figures describe: the requested day, or the horizon when
    /// the request is later.
    pub as_of: NaiveDate,
    /// The member's horizon.
    pub horizon: NaiveDate,
    /// Where the horizon comes from.
    pub source: HorizonSource,
    /// Whole days from the horizon to today (0 when the data is today's).
    pub data_age_days: i64,
    /// Whether the data is older than the stale threshold.
    pub stale: bool,
}

impl Freshness {
    /// The freshness of a score asked for `requested` (usually today) of a
    /// member whose data ends at `horizon`, seen on `today`, with data older
    /// than `stale_after_days` counted as stale.
    pub fn new(horizon: Horizon, requested: NaiveDate, today: NaiveDate, stale_after_days: u32) -> Freshness {
        let data_age_days = (today - horizon.day).num_days().max(0);
        Freshness {
            as_of: requested.min(horizon.day),
            horizon: horizon.day,
            source: horizon.source,
            data_age_days,
            stale: data_age_days > i64::from(stale_after_days),
        }
    }

    /// "15 days old", "1 day old", "from today".
    pub fn age_phrase(&self) -> String {
        age_phrase(self.data_age_days)
    }
}

/// "15 days old", "1 day old", "from today".
pub fn age_phrase(days: i64) -> String {
    match days {
        i64::MIN..=0 => "from today".to_string(),
        1 => "1 day old".to_string(),
        n => format!("{n} days old"),
    }
}

/// Where a member gets newer data: the menu path of LinkedIn's data export.
pub const EXPORT_MENU_PATH: &str = "Settings → Data privacy → Get a copy of your data";

/// Chooses the horizon of an export that has no date in its name: its
/// newest row, or the entries' modification day where that lies on or after
/// the newest row and within [`ENTRY_TIMES_AGREE_WITHIN_DAYS`] of it. With no
/// dated row at all, the entry day (if any) is all there is.
pub fn undated_export_horizon(
    newest_row: Option<NaiveDate>,
    entry_day: Option<NaiveDate>,
) -> Option<Horizon> {
    match (newest_row, entry_day) {
        (Some(row), Some(entry))
            if entry >= row && (entry - row).num_days() <= ENTRY_TIMES_AGREE_WITHIN_DAYS =>
        {
            Some(Horizon { day: entry, source: HorizonSource::EntryTimes })
        }
        (Some(row), _) => Some(Horizon { day: row, source: HorizonSource::NewestRow }),
        (None, Some(entry)) => Some(Horizon { day: entry, source: HorizonSource::EntryTimes }),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn freshness_answers_for_the_horizon_and_counts_its_age() {
        let horizon = Horizon { day: day(2026, 11, 20), source: HorizonSource::FileName };
        let fresh = Freshness::new(horizon, day(2026, 12, 5), day(2026, 12, 5), 14);
        assert_eq!(fresh.as_of, day(2026, 11, 20));
        assert_eq!(fresh.data_age_days, 15);
        assert!(fresh.stale);
        assert_eq!(fresh.age_phrase(), "15 days old");
        let earlier = Freshness::new(horizon, day(2026, 11, 1), day(2026, 11, 30), 14);
        assert_eq!(earlier.as_of, day(2026, 11, 1));
        assert_eq!(earlier.data_age_days, 10);
        assert!(!earlier.stale);
        assert_eq!(
            Freshness::new(horizon, day(2026, 11, 20), day(2026, 11, 20), 14).age_phrase(),
            "from today"
        );
        assert_eq!(age_phrase(1), "1 day old");
    }

    #[test]
    fn entry_times_count_only_when_they_agree_with_the_rows() {
        let row = Some(day(2021, 3, 1));
        // Re-zipped years later: the rows win.
        assert_eq!(
            undated_export_horizon(row, Some(day(2026, 12, 5))),
            Some(Horizon { day: day(2021, 3, 1), source: HorizonSource::NewestRow })
        );
        // Exported after a few quiet days: the entry times stand.
        assert_eq!(
            undated_export_horizon(row, Some(day(2021, 3, 4))),
            Some(Horizon { day: day(2021, 3, 4), source: HorizonSource::EntryTimes })
        );
        // Entries older than the data cannot be the export's date.
        assert_eq!(
            undated_export_horizon(row, Some(day(2021, 2, 1))).unwrap().source,
            HorizonSource::NewestRow
        );
        assert_eq!(undated_export_horizon(None, None), None);
    }

    #[test]
    fn sources_round_trip_through_their_names() {
        for source in HorizonSource::ALL {
            assert_eq!(HorizonSource::parse(source.as_str()), Some(source));
            assert_eq!(serde_json::to_value(source).unwrap(), source.as_str());
        }
        assert_eq!(HorizonSource::parse("clock"), None);
    }
}
