//! Activity impact: how weekly counts of each activity go together with later daily changes of each pillar (association, not cause).

use super::stats::{Z_95, is_constant, pearson, two_sided_p};
use crate::event::ActivityKind;
use crate::pillar::{Pillar, PillarScores};
use crate::reading::OfficialReading;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Fewest day-to-day pillar changes the analysis accepts.
pub const MIN_TRANSITIONS: usize = 30;
/// Longest lag examined, in days.
pub const MAX_LAG_DAYS: u32 = 14;
/// Days in the trailing count of an activity.
pub const COUNT_WINDOW_DAYS: u32 = 7;
/// False discovery rate at which associations are flagged significant (Benjamini–Hochberg).
pub const FALSE_DISCOVERY_RATE: f64 = 0.05;
/// Fewest pairs for a correlation (Fisher's z needs n > 3).
pub const MIN_PAIRS: usize = 4;

/// Where a daily pillar series comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SeriesSource {
    /// ssi's own estimate, which is computed from the very activities analysed.
    Estimate,
    /// LinkedIn's official readings.
    Official,
}

/// One test: an activity's weekly count on day t against a pillar's change on day t + lag.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AssociationTest {
    /// The activity.
    pub kind: ActivityKind,
    /// The pillar.
    pub pillar: Pillar,
    /// Days between the end of the week counted and the pillar's change.
    pub lag_days: u32,
    /// Number of (count, change) pairs.
    pub n: usize,
    /// Pearson's correlation.
    pub r: f64,
    /// Lower end of the 95% confidence interval of r (Fisher's z).
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval of r.
    pub ci_high: f64,
    /// Two-sided p-value of r = 0 (Fisher's z, normal approximation).
    pub p_value: f64,
    /// The p-value adjusted by Benjamini–Hochberg across every test of the report.
    pub p_adjusted: f64,
    /// Whether `p_adjusted ≤` [`FALSE_DISCOVERY_RATE`].
    pub significant: bool,
}

/// A test that could not be computed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkippedTest {
    /// The activity.
    pub kind: ActivityKind,
    /// The pillar.
    pub pillar: Pillar,
    /// The lag.
    pub lag_days: u32,
    /// Pairs available.
    pub n: usize,
    /// Why: `constant_count` (the activity's weekly count never varies),
    /// `constant_pillar` (the pillar's change never varies) or `too_few_pairs`.
    pub reason: String,
}

/// The association of activities with later pillar changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImpactReport {
    /// Where the pillar series came from.
    pub source: SeriesSource,
    /// What the numbers mean and do not mean: association, not cause.
    pub note: String,
    /// First day of the pillar series.
    pub first_date: NaiveDate,
    /// Last day of the pillar series.
    pub last_date: NaiveDate,
    /// Day-to-day pillar changes available (pairs of consecutive days).
    pub transitions: usize,
    /// The multiple-comparison correction (`benjamini_hochberg`).
    pub correction: String,
    /// The false discovery rate used.
    pub false_discovery_rate: f64,
    /// Every computed test, by kind, pillar and lag.
    pub tests: Vec<AssociationTest>,
    /// For each kind and pillar, the lag with the largest |r|.
    pub strongest: Vec<AssociationTest>,
    /// Tests that could not be computed.
    pub skipped: Vec<SkippedTest>,
}

/// Why the analysis refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImpactError {
    /// Too short a series.
    #[error(
        "the analysis needs at least {needed} day-to-day pillar changes (pairs of consecutive days), \
         but there are {found}"
    )]
    TooFewTransitions {
        /// Pairs of consecutive days with pillar values.
        found: usize,
        /// [`MIN_TRANSITIONS`].
        needed: usize,
    },
    /// A day appears twice in the pillar series.
    #[error("the pillar series has two values for {0}")]
    DuplicateDate(NaiveDate),
    /// A pillar value is not a number.
    #[error("the pillar series has a value that is not a finite number on {0}")]
    NotFinite(NaiveDate),
}

/// Measures how each activity's count in the 7 days ending on day t goes
/// together with each pillar's change from day t + lag − 1 to day t + lag, for
/// lags 0 to [`MAX_LAG_DAYS`].
///
/// `daily_counts` is taken as complete: a day or kind without a row had no
/// events (duplicate rows add up). A pillar change exists only between two
/// consecutive days that both have pillar values, so gaps in an official series
/// are skipped, not interpolated. Each test reports n, Pearson's r, a 95%
/// confidence interval by Fisher's z transformation and a two-sided p-value
/// from the same; significance is judged after the Benjamini–Hochberg
/// correction across all the report's tests. Constant series are skipped and
/// listed. These are associations: they do not show that an activity causes a
/// change.
pub fn activity_impact(
    daily_pillars: &[(NaiveDate, PillarScores)],
    daily_counts: &[(NaiveDate, ActivityKind, u32)],
    source: SeriesSource,
) -> Result<ImpactReport, ImpactError> {
    let mut pillars: BTreeMap<NaiveDate, PillarScores> = BTreeMap::new();
    for (date, scores) in daily_pillars {
        if scores.to_array().iter().any(|v| !v.is_finite()) {
            return Err(ImpactError::NotFinite(*date));
        }
        if pillars.insert(*date, *scores).is_some() {
            return Err(ImpactError::DuplicateDate(*date));
        }
    }
    let changes: BTreeMap<NaiveDate, PillarScores> = pillars
        .iter()
        .filter_map(|(date, today)| {
            let yesterday = pillars.get(&date.pred_opt()?)?;
            Some((
                *date,
                PillarScores::from_array(std::array::from_fn(|i| {
                    today.to_array()[i] - yesterday.to_array()[i]
                })),
            ))
        })
        .collect();
    let (Some(first_date), Some(last_date)) =
        (pillars.keys().next().copied(), pillars.keys().next_back().copied())
    else {
        return Err(ImpactError::TooFewTransitions { found: 0, needed: MIN_TRANSITIONS });
    };
    if changes.len() < MIN_TRANSITIONS {
        return Err(ImpactError::TooFewTransitions { found: changes.len(), needed: MIN_TRANSITIONS });
    }

    // Daily counts on a common day index covering both inputs.
    let start = daily_counts.iter().map(|c| c.0).min().map_or(first_date, |d| d.min(first_date));
    let end = daily_counts.iter().map(|c| c.0).max().map_or(last_date, |d| d.max(last_date));
    let length = (end - start).num_days() as usize + 1;
    let kinds: BTreeSet<ActivityKind> = daily_counts.iter().map(|c| c.1).collect();
    let mut per_day: BTreeMap<ActivityKind, Vec<u64>> = kinds.iter().map(|k| (*k, vec![0; length])).collect();
    for (date, kind, count) in daily_counts {
        if let Some(days) = per_day.get_mut(kind) {
            days[(*date - start).num_days() as usize] += u64::from(*count);
        }
    }
    let window = COUNT_WINDOW_DAYS as usize;
    // The trailing weekly count on each day index (None until a full week is known).
    let weekly: BTreeMap<ActivityKind, Vec<Option<f64>>> = per_day
        .iter()
        .map(|(kind, days)| {
            let mut sum = 0u64;
            let counts = (0..length)
                .map(|i| {
                    sum += days[i];
                    if i >= window {
                        sum -= days[i - window];
                    }
                    (i + 1 >= window).then_some(sum as f64)
                })
                .collect();
            (*kind, counts)
        })
        .collect();

    let mut tests = Vec::new();
    let mut skipped = Vec::new();
    for (kind, counts) in &weekly {
        for pillar in Pillar::ALL {
            for lag in 0..=MAX_LAG_DAYS {
                let (mut x, mut y) = (Vec::new(), Vec::new());
                for (date, change) in &changes {
                    let Some(t) = date.checked_sub_days(chrono::Days::new(u64::from(lag))) else { continue };
                    if t < start {
                        continue;
                    }
                    if let Some(Some(count)) = counts.get((t - start).num_days() as usize) {
                        x.push(*count);
                        y.push(change[pillar]);
                    }
                }
                let n = x.len();
                let skip = |reason: &str| SkippedTest {
                    kind: *kind,
                    pillar,
                    lag_days: lag,
                    n,
                    reason: reason.into(),
                };
                if n < MIN_PAIRS {
                    skipped.push(skip("too_few_pairs"));
                } else if is_constant(&x) {
                    skipped.push(skip("constant_count"));
                } else if is_constant(&y) {
                    skipped.push(skip("constant_pillar"));
                } else if let Some(r) = pearson(&x, &y) {
                    // Fisher's z: atanh(r) is about normal with standard error 1/√(n−3).
                    let z = r.clamp(-0.999_999_999_999, 0.999_999_999_999).atanh();
                    let se = 1.0 / ((n - 3) as f64).sqrt();
                    tests.push(AssociationTest {
                        kind: *kind,
                        pillar,
                        lag_days: lag,
                        n,
                        r,
                        ci_low: (z - Z_95 * se).tanh(),
                        ci_high: (z + Z_95 * se).tanh(),
                        p_value: two_sided_p(z / se),
                        p_adjusted: 1.0,
                        significant: false,
                    });
                } else {
                    skipped.push(skip("constant_count"));
                }
            }
        }
    }
    benjamini_hochberg(&mut tests);

    let mut strongest: BTreeMap<(ActivityKind, Pillar), AssociationTest> = BTreeMap::new();
    for test in &tests {
        strongest
            .entry((test.kind, test.pillar))
            .and_modify(|best| {
                if test.r.abs() > best.r.abs() {
                    *best = *test;
                }
            })
            .or_insert(*test);
    }
    let note = match source {
        SeriesSource::Estimate => {
            "Association, not cause. These pillar values are ssi's own estimate, which is computed from \
             these very activities: a strong association mostly restates the scoring model. Run this on \
             official readings to learn how LinkedIn responds."
        }
        SeriesSource::Official => {
            "Association, not cause. An activity that goes together with a pillar's later rise may share a \
             cause with it (a busy season, a campaign), and LinkedIn's own formula changes without notice."
        }
    };
    Ok(ImpactReport {
        source,
        note: note.to_string(),
        first_date,
        last_date,
        transitions: changes.len(),
        correction: "benjamini_hochberg".into(),
        false_discovery_rate: FALSE_DISCOVERY_RATE,
        tests,
        strongest: strongest.into_values().collect(),
        skipped,
    })
}

/// Sets `p_adjusted` and `significant` by the Benjamini–Hochberg step-up
/// procedure: the i-th smallest of m p-values is adjusted to
/// `min over j ≥ i of p_(j) · m / j`.
/// The pillar series an impact analysis runs on, with why it was chosen
/// ([`choose_impact_series`]): the one rule behind `ssi impact` and the
/// server's impact endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactSeries {
    /// Where the series comes from.
    pub source: SeriesSource,
    /// The daily pillars, by day.
    pub series: Vec<(NaiveDate, PillarScores)>,
    /// Day-to-day changes the official readings with all four pillars give.
    pub official_transitions: usize,
    /// Why this series was chosen, in words.
    pub reason: String,
}

impl SeriesSource {
    /// The series named in a sentence: "official readings" or "estimate".
    pub fn label(self) -> &'static str {
        match self {
            SeriesSource::Official => "official readings",
            SeriesSource::Estimate => "estimate",
        }
    }
}

/// The official readings that carry all four pillars as a daily series, one
/// per day (of several on a day, the last in `readings`' order).
pub fn official_pillar_series(readings: &[OfficialReading]) -> Vec<(NaiveDate, PillarScores)> {
    let mut by_day = BTreeMap::new();
    for reading in readings {
        if let [Some(brand), Some(people), Some(insights), Some(relationships)] = reading.pillars {
            by_day.insert(reading.date, PillarScores { brand, people, insights, relationships });
        }
    }
    by_day.into_iter().collect()
}

/// Pairs of consecutive days in a series sorted by day.
pub fn day_to_day_changes(series: &[(NaiveDate, PillarScores)]) -> usize {
    series.windows(2).filter(|w| w[0].0.succ_opt() == Some(w[1].0)).count()
}

/// Chooses the series to analyse: the official readings (`readings`, by day)
/// when their complete days give at least [`MIN_TRANSITIONS`] day-to-day
/// changes, else ssi's daily estimate, which `estimate` gives when asked
/// (only then: reading it may cost a query).
pub fn choose_impact_series<E>(
    readings: &[OfficialReading],
    estimate: impl FnOnce() -> Result<Vec<(NaiveDate, PillarScores)>, E>,
) -> Result<ImpactSeries, E> {
    let official = official_pillar_series(readings);
    let official_transitions = day_to_day_changes(&official);
    if official_transitions >= MIN_TRANSITIONS {
        return Ok(ImpactSeries {
            source: SeriesSource::Official,
            series: official,
            official_transitions,
            reason: format!(
                "official readings: {official_transitions} day-to-day changes of all four pillars \
                 (at least {MIN_TRANSITIONS} needed)"
            ),
        });
    }
    Ok(ImpactSeries {
        source: SeriesSource::Estimate,
        series: estimate()?,
        official_transitions,
        reason: format!(
            "ssi's estimate: the official readings with all four pillars give only {official_transitions} \
             day-to-day changes, and at least {MIN_TRANSITIONS} are needed to use them"
        ),
    })
}

/// The days of activity counts the analysis of `series` reads: weekly counts
/// reach back [`COUNT_WINDOW_DAYS`] before a change, and lags look
/// [`MAX_LAG_DAYS`] further back, up to the series' last day. `(None, None)`
/// (every day) for an empty series, which the analysis refuses anyway.
pub fn counts_window(series: &[(NaiveDate, PillarScores)]) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let lead = chrono::Days::new(u64::from(COUNT_WINDOW_DAYS + MAX_LAG_DAYS));
    (series.first().and_then(|(d, _)| d.checked_sub_days(lead)), series.last().map(|(d, _)| *d))
}

fn benjamini_hochberg(tests: &mut [AssociationTest]) {
    let m = tests.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|a, b| tests[*a].p_value.total_cmp(&tests[*b].p_value));
    let mut running = 1.0f64;
    for rank in (0..m).rev() {
        let test = &mut tests[order[rank]];
        running = running.min(test.p_value * m as f64 / (rank + 1) as f64).min(1.0);
        test.p_adjusted = running;
        test.significant = running <= FALSE_DISCOVERY_RATE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benjamini_hochberg_adjusts_step_up() {
        let make = |p: f64| AssociationTest {
            kind: ActivityKind::Comment,
            pillar: Pillar::InsightEngagement,
            lag_days: 0,
            n: 10,
            r: 0.0,
            ci_low: 0.0,
            ci_high: 0.0,
            p_value: p,
            p_adjusted: 1.0,
            significant: false,
        };
        let mut tests: Vec<AssociationTest> = [0.01, 0.04, 0.03, 0.5].into_iter().map(make).collect();
        benjamini_hochberg(&mut tests);
        let adjusted: Vec<f64> = tests.iter().map(|t| t.p_adjusted).collect();
        // Sorted: 0.01·4/1 = 0.04, 0.03·4/2 = 0.06, 0.04·4/3 = 0.0533 → min with later: 0.0533, 0.5.
        let expected = [0.04, 0.04 * 4.0 / 3.0, 0.04 * 4.0 / 3.0, 0.5];
        for (a, e) in adjusted.iter().zip(expected) {
            assert!((a - e).abs() < 1e-12, "{adjusted:?}");
        }
        assert_eq!(tests.iter().filter(|t| t.significant).count(), 1);
    }

    fn reading_on(date: NaiveDate, pillars: [Option<f64>; 4]) -> OfficialReading {
        let mut reading = OfficialReading::new(date, 40.0, crate::ReadingSource::Manual);
        reading.pillars = pillars;
        reading
    }

    #[test]
    fn official_readings_are_chosen_from_30_changes_on_else_the_estimate_is_read() {
        let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let days = |n: u64| (0..n).map(move |i| first + chrono::Days::new(i));
        // 31 consecutive complete days: 30 changes. A day missing a pillar breaks the run.
        let mut readings: Vec<OfficialReading> = days(31).map(|d| reading_on(d, [Some(10.0); 4])).collect();
        let chosen =
            choose_impact_series(&readings, || -> Result<_, ()> { panic!("the estimate is not read") })
                .unwrap();
        assert_eq!(
            (chosen.source, chosen.official_transitions, chosen.series.len()),
            (SeriesSource::Official, 30, 31)
        );
        assert!(chosen.reason.starts_with("official readings: 30 day-to-day changes"), "{}", chosen.reason);

        readings[15].pillars[2] = None;
        let estimate: Vec<(NaiveDate, PillarScores)> =
            days(5).map(|d| (d, PillarScores::default())).collect();
        let chosen = choose_impact_series(&readings, || Ok::<_, ()>(estimate.clone())).unwrap();
        assert_eq!((chosen.source, chosen.official_transitions), (SeriesSource::Estimate, 28));
        assert_eq!(chosen.series, estimate);
        assert!(chosen.reason.starts_with("ssi's estimate: "), "{}", chosen.reason);
        assert_eq!(choose_impact_series(&readings, || Err::<Vec<_>, _>("no estimate")), Err("no estimate"));

        // Of two readings of a day, the later one counts.
        let twice = [reading_on(first, [Some(1.0); 4]), reading_on(first, [Some(2.0); 4])];
        assert_eq!(official_pillar_series(&twice), vec![(first, PillarScores::from_array([2.0; 4]))]);
    }

    #[test]
    fn activity_counts_are_read_from_three_weeks_before_the_series_to_its_end() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let series = [(day(22), PillarScores::default()), (day(30), PillarScores::default())];
        assert_eq!(counts_window(&series), (Some(day(1)), Some(day(30))));
        assert_eq!(counts_window(&[]), (None, None));
    }
}
