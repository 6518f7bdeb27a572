//! Calibration: one member's estimate made to follow that member's official SSI readings (a tracked per-pillar level, optionally refitted weights), chosen and judged by walk-forward validation.
//!
//! The method, its assumptions and its limits are in docs/advice.md
//! ("Calibration"). In short:
//!
//! 1. Readings are reviewed ([`review_readings`]): of two readings on one day
//!    the later counts; a reading whose residual (reading minus estimate)
//!    stands far from the residuals of the readings around it is an outlier
//!    (a typo, most likely) and is left out until the user confirms it.
//! 2. Three methods are candidates: the default estimate; the default
//!    estimate plus a per-pillar *level*, a local-level (random-walk) state
//!    tracked through the readings by a Kalman filter; and the level on top
//!    of component weights refitted to the readings, shrunk toward the
//!    model's weights and never below a floor.
//! 3. Each is judged walk-forward: every reading is predicted only from the
//!    readings before it, at every horizon up to [`HORIZON_DAYS`] days. The
//!    method (and the level's drift rate) with the lowest mean absolute error
//!    of the total is chosen and refitted on all readings; its walk-forward
//!    error, with the number of predictions it rests on, is what the user is
//!    told, and the spread of its walk-forward errors is the interval shown.

use super::simulate::history_until;
use super::stats::least_squares_on_simplex;
use crate::engine::{component_shares, metric_series};
use crate::event::ActivityEvent;
use crate::model::ScoringModel;
use crate::pillar::{PILLAR_MAX, Pillar, PillarScores};
use crate::profile::ProfileSnapshot;
use crate::reading::{OfficialReading, ReadingError, ReadingSource};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How far ahead (days after the last reading used) walk-forward validation
/// predicts: a month, the gap a user may leave between readings.
pub const HORIZON_DAYS: i64 = 31;
/// Walk-forward predictions start once this share of the readings is known:
/// a prediction from the first one or two readings says little about a
/// calibration that rests on all of them.
pub const MIN_ORIGIN_SHARE: f64 = 0.5;
/// Share of walk-forward errors the interval covers (10 % below, 10 % above).
pub const INTERVAL_COVERAGE: f64 = 0.8;
/// Half the width of a normal distribution's central 80%, in standard deviations.
const NORMAL_80: f64 = 1.2816;
/// Fewest walk-forward errors the interval is read from directly; with fewer,
/// it is a normal band as wide as the errors' root mean square plus the
/// level's own uncertainty.
pub const MIN_INTERVAL_ERRORS: usize = 8;
/// Variance (points²) of a pillar's level before any reading: a standard
/// deviation of 5 points, so that the first reading moves it almost all the way.
pub const PRIOR_LEVEL_VARIANCE: f64 = 25.0;
/// Variance (points²) of one pillar of a reading around the truth (LinkedIn
/// rounds to 2 decimals and its figures wobble from day to day).
pub const PILLAR_READING_VARIANCE: f64 = 0.1;
/// Variance (points²) of a reading's total: four pillars' worth.
pub const TOTAL_READING_VARIANCE: f64 = 0.4;
/// Candidate drift rates of the level, in points² per day: from a fixed
/// offset (0) to a level that mostly follows the last reading. The one with
/// the lowest walk-forward error is used.
pub const LEVEL_DRIFT_RATES: [f64; 6] = [0.0, 0.005, 0.02, 0.08, 0.3, 1.2];
/// Fewest readings carrying a pillar's score before its weights may be refitted.
pub const MIN_WEIGHT_READINGS: usize = 8;
/// Pull of the refitted weights toward the model's weights (points² of
/// squared share per point² of weight): weights move only as far as the
/// readings' variation over time says they should.
pub const WEIGHT_SHRINKAGE: f64 = 0.5;
/// Share of its model weight a component keeps at least when weights are
/// refitted, so that no component advice recommends ever falls to zero.
pub const WEIGHT_FLOOR_SHARE: f64 = 0.5;
/// Readings within this many days of a reading are its neighbours for the outlier test.
pub const NEIGHBOUR_DAYS: i64 = 28;
/// Fewest neighbours a reading needs before it can be called an outlier.
pub const MIN_NEIGHBOURS: usize = 2;
/// A pillar whose residual is this many points (or more) from its
/// neighbours' median, and more than [`OUTLIER_SPREADS`] robust spreads, is an outlier.
pub const OUTLIER_PILLAR_POINTS: f64 = 4.0;
/// The same for a total.
pub const OUTLIER_TOTAL_POINTS: f64 = 6.0;
/// The same for the first or last reading (neighbours on one side only), where
/// a typo cannot be told from a change of habits that later readings would confirm.
pub const OUTLIER_EDGE_PILLAR_POINTS: f64 = 8.0;
/// The same for a total.
pub const OUTLIER_EDGE_TOTAL_POINTS: f64 = 12.0;
/// Robust spreads (1.4826 × median absolute deviation) beyond which a residual is an outlier.
pub const OUTLIER_SPREADS: f64 = 5.0;

/// Which estimate calibration settled on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The model as it is: the readings did not show a better way.
    Default,
    /// The model plus a per-pillar level tracked through the readings.
    Level,
    /// Refitted weights plus the tracked level.
    LevelAndWeights,
}

impl Method {
    /// The method's stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Default => "default",
            Method::Level => "level",
            Method::LevelAndWeights => "level_and_weights",
        }
    }
}

/// What calibration makes of one stored reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ReadingStatus {
    /// Used.
    Used,
    /// Used although it looked like an outlier, because the user confirmed it.
    Confirmed,
    /// Not used: a later reading of the same day counts instead.
    Superseded {
        /// The source of the reading that counts.
        by: ReadingSource,
    },
    /// Not used: it stands too far from the readings around it.
    Outlier {
        /// Why, in a sentence naming the figure.
        reason: String,
    },
}

impl ReadingStatus {
    /// Whether the reading takes part in calibration.
    pub fn is_used(&self) -> bool {
        matches!(self, ReadingStatus::Used | ReadingStatus::Confirmed)
    }
}

/// A stored reading and whether its owner confirmed it (so that it is never an outlier).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredReading {
    /// The reading.
    pub reading: OfficialReading,
    /// Whether the user confirmed it is right.
    pub confirmed: bool,
}

/// The tracked level of each pillar after one reading.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LevelPoint {
    /// The reading's day; the level holds from it until the next one.
    pub date: NaiveDate,
    /// Points added to each pillar, in [`Pillar::ALL`] order.
    pub levels: [f64; 4],
}

/// One component's weight before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightChange {
    /// The component's id.
    pub component: String,
    /// Weight in the model.
    pub before: f64,
    /// Weight in this member's calibration.
    pub after: f64,
}

/// Walk-forward errors of one candidate method.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CandidateError {
    /// The method.
    pub method: Method,
    /// Its best drift rate of the level (points² per day); 0 for the default.
    pub drift: f64,
    /// Mean absolute walk-forward error of the total, points (`None` without predictions).
    pub total: Option<f64>,
}

/// The walk-forward evaluation of the chosen method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalkForward {
    /// Predictions made: pairs of (readings known so far, a later reading
    /// within [`HORIZON_DAYS`] days).
    pub predictions: usize,
    /// Readings predicted at least once.
    pub readings_predicted: usize,
    /// Mean absolute error of the total, points.
    pub total: Option<f64>,
    /// Mean absolute error of each pillar, points, in [`Pillar::ALL`] order.
    pub pillars: [Option<f64>; 4],
    /// The same error of the total for the uncalibrated model, on the same predictions.
    pub default_total: Option<f64>,
    /// Every candidate's error of the total.
    pub candidates: Vec<CandidateError>,
}

/// One member's calibration: what is added to the model's estimate, and how good it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberCalibration {
    /// The model version the estimate it corrects was scored with.
    pub model_version: String,
    /// The chosen method.
    pub method: Method,
    /// The level's drift rate (points² per day).
    pub drift: f64,
    /// The weights applied: refitted for [`Method::LevelAndWeights`], else the model's (`after == before`).
    pub weights: Vec<WeightChange>,
    /// The weights a refit on every reading used gives, whether or not the
    /// method applies them (each at least [`WEIGHT_FLOOR_SHARE`] of the model's).
    pub refitted_weights: Vec<WeightChange>,
    /// The level after each reading used (empty for [`Method::Default`]).
    pub levels: Vec<LevelPoint>,
    /// The interval of the calibrated total: points added to it for the low
    /// and the high end ([`INTERVAL_COVERAGE`] of walk-forward errors).
    pub interval: [f64; 2],
    /// The walk-forward evaluation.
    pub walk_forward: WalkForward,
    /// Readings stored.
    pub readings_stored: usize,
    /// Readings used (one per day, outliers left out).
    pub readings_used: usize,
    /// Day of the first reading used.
    pub first_date: NaiveDate,
    /// Day of the last reading used.
    pub last_date: NaiveDate,
    /// What became of every stored reading, in the order given.
    pub statuses: Vec<(NaiveDate, ReadingSource, ReadingStatus)>,
    /// A digest of the model version and the readings (with their
    /// confirmations): the same digest, the same calibration.
    pub fingerprint: String,
    /// The outcome in a sentence or two.
    pub summary: String,
}

/// A calibrated day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibratedDay {
    /// The pillars, 0–25 each.
    pub pillars: PillarScores,
    /// Their sum.
    pub total: f64,
    /// Low end of the interval of the total.
    pub low: f64,
    /// High end of the interval of the total.
    pub high: f64,
}

impl MemberCalibration {
    /// Whether this calibration corrects estimates of `version`.
    pub fn applies_to(&self, version: &str) -> bool {
        self.model_version == version
    }

    /// The calibrated estimate of a day, from the model's pillars of that day
    /// and (for refitted weights) its metric values in model order.
    ///
    /// Before the first reading the first level applies, after the last the
    /// last one carries forward.
    pub fn apply(
        &self,
        model: &ScoringModel,
        date: NaiveDate,
        pillars: PillarScores,
        values: Option<&[f64]>,
    ) -> CalibratedDay {
        let mut base = pillars.to_array();
        if self.method == Method::LevelAndWeights
            && let Some(values) = values.filter(|v| v.len() == model.components.len())
        {
            let weights = self.weights_in_model_order(model);
            base = pillar_estimates(model, &weights, values);
        }
        let level = level_on(&self.levels, date);
        let calibrated = std::array::from_fn(|i| (base[i] + level[i]).clamp(0.0, PILLAR_MAX));
        let pillars = PillarScores::from_array(calibrated);
        let total = pillars.total();
        CalibratedDay {
            pillars,
            total,
            low: (total + self.interval[0]).clamp(0.0, 100.0),
            high: (total + self.interval[1]).clamp(0.0, 100.0),
        }
    }

    /// The calibration's weight of each component of `model`, in model order
    /// (the model's own weight for a component it does not name).
    pub fn weights_in_model_order(&self, model: &ScoringModel) -> Vec<f64> {
        model
            .components
            .iter()
            .map(|c| self.weights.iter().find(|w| w.component == c.id).map_or(c.weight, |w| w.after))
            .collect()
    }
}

/// Why calibration refused.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    /// No reading to calibrate on.
    #[error(
        "there are no official readings to calibrate on: record one with `ssi reading add` or `ssi reading import`"
    )]
    NoReadings,
    /// Every reading was left out.
    #[error(
        "every reading is left out ({0}); confirm a reading with `ssi reading confirm --date DATE` or delete it"
    )]
    NothingUsable(String),
    /// A reading is out of range.
    #[error("the official reading of {date} is not valid: {source}")]
    InvalidReading {
        /// Its day.
        date: NaiveDate,
        /// What is wrong.
        source: ReadingError,
    },
}

/// Reviews stored readings (in the order they were stored) against the
/// model's estimate of their days (`estimates[i]` for `readings[i]`; `None`
/// when the day has no estimate): which are used, which superseded by a
/// later reading of the same day, which are outliers.
pub fn review_readings(readings: &[StoredReading], estimates: &[Option<PillarScores>]) -> Vec<ReadingStatus> {
    let mut statuses: Vec<ReadingStatus> = vec![ReadingStatus::Used; readings.len()];
    for (i, r) in readings.iter().enumerate() {
        if let Some(later) = readings.iter().skip(i + 1).rev().find(|o| o.reading.date == r.reading.date) {
            statuses[i] = ReadingStatus::Superseded { by: later.reading.source };
        }
    }
    let residual = |i: usize, pillar: Option<Pillar>| -> Option<f64> {
        let estimate = estimates.get(i).copied().flatten()?;
        let reading = &readings[i].reading;
        match pillar {
            Some(p) => reading.pillar(p).map(|y| y - estimate[p]),
            None => Some(reading.total - estimate.total()),
        }
    };
    let candidates: Vec<usize> = (0..readings.len()).filter(|&i| statuses[i].is_used()).collect();
    let mut outliers: Vec<(usize, String)> = Vec::new();
    for &i in &candidates {
        if readings[i].confirmed {
            continue;
        }
        let date = readings[i].reading.date;
        let checks = Pillar::ALL.iter().map(|p| Some(*p)).chain([None]);
        for pillar in checks {
            let Some(own) = residual(i, pillar) else { continue };
            // Neighbours before and after, judged apart: a change of habits
            // shows in every reading after it, a typo in one reading only.
            let side = |later: bool| -> Vec<f64> {
                candidates
                    .iter()
                    .filter(|&&j| j != i)
                    .filter(|&&j| {
                        let days = (readings[j].reading.date - date).num_days();
                        days != 0 && days.abs() <= NEIGHBOUR_DAYS && (days > 0) == later
                    })
                    .filter_map(|&j| residual(j, pillar))
                    .collect()
            };
            let sides: Vec<Vec<f64>> =
                [side(false), side(true)].into_iter().filter(|s| !s.is_empty()).collect();
            if sides.iter().map(Vec::len).sum::<usize>() < MIN_NEIGHBOURS {
                continue;
            }
            let floor = match (pillar.is_some(), sides.len()) {
                (true, 2) => OUTLIER_PILLAR_POINTS,
                (false, 2) => OUTLIER_TOTAL_POINTS,
                (true, _) => OUTLIER_EDGE_PILLAR_POINTS,
                (false, _) => OUTLIER_EDGE_TOTAL_POINTS,
            };
            // Far from every side's median: the smallest of the distances decides.
            let distances: Vec<(f64, f64)> = sides
                .iter()
                .map(|neighbours| {
                    let centre = median(neighbours);
                    let spread =
                        1.4826 * median(&neighbours.iter().map(|r| (r - centre).abs()).collect::<Vec<_>>());
                    (own - centre, floor.max(OUTLIER_SPREADS * spread))
                })
                .collect();
            let is_outlier = distances.iter().all(|(distance, threshold)| distance.abs() >= *threshold)
                && distances.windows(2).all(|w| w[0].0.signum() == w[1].0.signum());
            let distance = distances
                .iter()
                .map(|(d, _)| *d)
                .min_by(|a, b| a.abs().total_cmp(&b.abs()))
                .unwrap_or_default();
            if is_outlier {
                let (name, value) = match pillar {
                    Some(p) => (p.short_name(), readings[i].reading.pillar(p).unwrap_or_default()),
                    None => ("total", readings[i].reading.total),
                };
                let expected = value - distance;
                outliers.push((
                    i,
                    format!(
                        "{name} {value:.2} is {:.2} points {} what the readings around it suggest ({expected:.2}): \
                         a typo? Left out until confirmed (`ssi reading confirm --date {date}`) or deleted",
                        distance.abs(),
                        if distance > 0.0 { "above" } else { "below" },
                    ),
                ));
                break;
            }
        }
    }
    for (i, reason) in outliers {
        statuses[i] = ReadingStatus::Outlier { reason };
    }
    for (i, r) in readings.iter().enumerate() {
        if r.confirmed && statuses[i] == ReadingStatus::Used {
            statuses[i] = ReadingStatus::Confirmed;
        }
    }
    statuses
}

/// Calibrates one member's estimate to that member's readings (stored order).
///
/// Needs one usable reading; with one, the level alone is used (wide
/// interval, no measured error); from two on, walk-forward validation
/// chooses between the methods. The same inputs give the same result.
pub fn calibrate(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    events: &[ActivityEvent],
    readings: &[StoredReading],
) -> Result<MemberCalibration, CalibrationError> {
    if readings.is_empty() {
        return Err(CalibrationError::NoReadings);
    }
    for r in readings {
        r.reading
            .validate()
            .map_err(|source| CalibrationError::InvalidReading { date: r.reading.date, source })?;
    }
    let first_day = readings.iter().map(|r| r.reading.date).min().unwrap_or_default();
    let last_day = readings.iter().map(|r| r.reading.date).max().unwrap_or_default();
    let history = history_until(events, last_day);
    let days = metric_series(model, profiles, history.iter().copied(), first_day, last_day);
    let values_on = |date: NaiveDate| &days[(date - first_day).num_days() as usize].values;
    let model_weights: Vec<f64> = model.components.iter().map(|c| c.weight).collect();
    let estimates: Vec<Option<PillarScores>> = readings
        .iter()
        .map(|r| {
            Some(PillarScores::from_array(pillar_estimates(model, &model_weights, values_on(r.reading.date))))
        })
        .collect();
    let statuses = review_readings(readings, &estimates);

    let mut used: Vec<&OfficialReading> =
        readings.iter().zip(&statuses).filter(|(_, s)| s.is_used()).map(|(r, _)| &r.reading).collect();
    used.sort_by_key(|r| r.date);
    if used.is_empty() {
        let left_out = statuses.iter().filter(|s| matches!(s, ReadingStatus::Outlier { .. })).count();
        return Err(CalibrationError::NothingUsable(format!("{left_out} look like typos")));
    }
    let shares: Vec<Vec<f64>> =
        used.iter().map(|r| component_shares(model, &model_weights, values_on(r.date))).collect();
    let data = Data { model, readings: &used, shares: &shares };

    // Walk-forward: weights refitted once per origin, levels per drift rate.
    let mut candidates: Vec<(Method, f64, Errors)> = vec![(Method::Default, 0.0, Errors::default())];
    for method in [Method::Level, Method::LevelAndWeights] {
        for drift in LEVEL_DRIFT_RATES {
            candidates.push((method, drift, Errors::default()));
        }
    }
    let first_origin = ((used.len() as f64 * MIN_ORIGIN_SHARE).ceil() as usize).max(1);
    for origin in first_origin..used.len() {
        let refitted = data.fit_weights(origin);
        let horizon_end = used[origin - 1].date + chrono::Days::new(HORIZON_DAYS as u64);
        let targets: Vec<usize> = (origin..used.len()).take_while(|&j| used[j].date <= horizon_end).collect();
        for (method, drift, errors) in &mut candidates {
            let weights = if *method == Method::LevelAndWeights { &refitted } else { &model_weights };
            let levels = match method {
                Method::Default => Vec::new(),
                _ => data.track_levels(weights, origin, *drift).0,
            };
            for &j in &targets {
                let level = level_on(&levels, used[j].date);
                let base = pillar_estimates(model, weights, &values_on(used[j].date)[..]);
                let predicted: [f64; 4] =
                    std::array::from_fn(|p| (base[p] + level[p]).clamp(0.0, PILLAR_MAX));
                errors.add(j, used[j], &predicted);
            }
        }
    }
    let default_errors = candidates[0].2.clone();
    let (method, drift, chosen) = if used.len() < 2 {
        (Method::Level, LEVEL_DRIFT_RATES[2], Errors::default())
    } else {
        // Strictly better only: the simpler method wins ties.
        candidates
            .iter()
            .fold(None::<&(Method, f64, Errors)>, |best, c| match best {
                Some(b) if order(c.2.mean_total(), b.2.mean_total()).is_ge() => Some(b),
                _ => Some(c),
            })
            .cloned()
            .unwrap_or((Method::Default, 0.0, Errors::default()))
    };

    // Refit the chosen method on every reading.
    let refitted = data.fit_weights(used.len());
    let weight_changes = |weights: &[f64]| -> Vec<WeightChange> {
        model
            .components
            .iter()
            .zip(weights)
            .map(|(c, w)| WeightChange { component: c.id.clone(), before: c.weight, after: *w })
            .collect()
    };
    let refitted_weights = weight_changes(&refitted);
    let weights = if method == Method::LevelAndWeights { refitted } else { model_weights };
    let (levels, variance) = match method {
        Method::Default => (Vec::new(), 0.0),
        _ => data.track_levels(&weights, used.len(), drift),
    };
    let interval = chosen.interval(variance);
    let first_date = used[0].date;
    let last_date = used[used.len() - 1].date;
    let walk_forward = WalkForward {
        predictions: chosen.total.len(),
        readings_predicted: chosen.readings.len(),
        total: chosen.mean_total(),
        pillars: std::array::from_fn(|p| mean(&chosen.pillars[p])),
        default_total: default_errors.mean_total(),
        candidates: candidates
            .iter()
            .filter(|(m, d, _)| {
                // Per method, its best drift rate.
                *m == Method::Default
                    || candidates
                        .iter()
                        .filter(|(o, _, _)| o == m)
                        .min_by(|a, b| order(a.2.mean_total(), b.2.mean_total()))
                        .is_some_and(|best| best.1 == *d)
            })
            .map(|(m, d, e)| CandidateError { method: *m, drift: *d, total: e.mean_total() })
            .collect(),
    };
    let summary = summarise(method, &walk_forward, used.len(), &statuses);
    Ok(MemberCalibration {
        model_version: model.version.clone(),
        method,
        drift,
        weights: weight_changes(&weights),
        refitted_weights,
        levels,
        interval,
        walk_forward,
        readings_stored: readings.len(),
        readings_used: used.len(),
        first_date,
        last_date,
        statuses: readings.iter().zip(statuses).map(|(r, s)| (r.reading.date, r.reading.source, s)).collect(),
        fingerprint: fingerprint(&model.version, readings),
        summary,
    })
}

/// A digest of the model version and the readings, to tell whether a stored
/// calibration is still the one these readings give (FNV-1a, 64 bits: a
/// change detector, not a security measure).
pub fn fingerprint(model_version: &str, readings: &[StoredReading]) -> String {
    let mut text = String::from(model_version);
    for r in readings {
        let p = r.reading.pillars.map(|v| v.map_or_else(|| "-".to_string(), |v| format!("{v:.4}")));
        text.push_str(&format!(
            "|{} {} {:.4} {} {} {} {} {}",
            r.reading.date,
            r.reading.source.as_str(),
            r.reading.total,
            p[0],
            p[1],
            p[2],
            p[3],
            r.confirmed
        ));
    }
    let hash =
        text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{hash:016x}")
}

fn summarise(method: Method, wf: &WalkForward, used: usize, statuses: &[ReadingStatus]) -> String {
    let left_out = statuses.iter().filter(|s| matches!(s, ReadingStatus::Outlier { .. })).count();
    let chosen = match method {
        Method::Default => "the model as it is (the readings did not show a better way)",
        Method::Level => "the model plus a level per pillar that follows your readings",
        Method::LevelAndWeights => "refitted weights plus a level per pillar that follows your readings",
    };
    let error = match (wf.total, wf.default_total) {
        (Some(after), Some(before)) => format!(
            "predicting each reading from the ones before it (up to {HORIZON_DAYS} days ahead, {} predictions), \
             the total was off by {after:.2} points on average, against {before:.2} uncalibrated",
            wf.predictions
        ),
        _ => "with a single reading the error cannot be measured yet; record more readings".to_string(),
    };
    let outliers = match left_out {
        0 => String::new(),
        n => format!(" {n} reading(s) left out as likely typos (see `ssi reading list`)."),
    };
    format!("Calibrated on {used} reading(s) with {chosen}; {error}.{outliers}")
}

/// The used readings and their components' shares.
struct Data<'a> {
    model: &'a ScoringModel,
    readings: &'a [&'a OfficialReading],
    shares: &'a [Vec<f64>],
}

impl Data<'_> {
    /// Weights refitted on the first `count` readings: per pillar with at
    /// least [`MIN_WEIGHT_READINGS`] scores, centred least squares (the level
    /// takes the offset) shrunk toward the model's weights, each weight at
    /// least [`WEIGHT_FLOOR_SHARE`] of the model's, the pillar's sum kept.
    fn fit_weights(&self, count: usize) -> Vec<f64> {
        let mut weights: Vec<f64> = self.model.components.iter().map(|c| c.weight).collect();
        for pillar in Pillar::ALL {
            let members: Vec<usize> = (0..self.model.components.len())
                .filter(|&c| self.model.components[c].pillar == pillar)
                .collect();
            let rows: Vec<usize> =
                (0..count).filter(|&i| self.readings[i].pillar(pillar).is_some()).collect();
            if members.len() < 2 || rows.len() < MIN_WEIGHT_READINGS {
                continue;
            }
            let floors: Vec<f64> = members.iter().map(|&c| weights[c] * WEIGHT_FLOOR_SHARE).collect();
            let spare = PILLAR_MAX - floors.iter().sum::<f64>();
            // Targets net of the floors' points, both sides centred over the readings.
            let x: Vec<Vec<f64>> =
                rows.iter().map(|&i| members.iter().map(|&c| self.shares[i][c]).collect()).collect();
            let y: Vec<f64> = rows
                .iter()
                .zip(&x)
                .map(|(&i, s)| {
                    self.readings[i].pillar(pillar).unwrap_or_default()
                        - s.iter().zip(&floors).map(|(a, f)| a * f).sum::<f64>()
                })
                .collect();
            let n = rows.len() as f64;
            let x_mean: Vec<f64> =
                (0..members.len()).map(|k| x.iter().map(|r| r[k]).sum::<f64>() / n).collect();
            let y_mean = y.iter().sum::<f64>() / n;
            let xc: Vec<Vec<f64>> =
                x.iter().map(|r| r.iter().zip(&x_mean).map(|(a, m)| a - m).collect()).collect();
            let yc: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
            let start: Vec<f64> = members.iter().zip(&floors).map(|(&c, f)| weights[c] - f).collect();
            let spare_weights = least_squares_on_simplex(&xc, &yc, &start, spare, WEIGHT_SHRINKAGE);
            let sum: f64 = spare_weights.iter().sum();
            for ((&c, f), s) in members.iter().zip(&floors).zip(&spare_weights) {
                // Remove the solver's rounding drift so the pillar still adds up to 25.
                weights[c] = f + if sum > 0.0 { s * spare / sum } else { spare / members.len() as f64 };
            }
        }
        weights
    }

    /// Runs the level filter through the first `count` readings under
    /// `weights`. Returns the level after each reading and the summed
    /// variance of the last level.
    fn track_levels(&self, weights: &[f64], count: usize, drift: f64) -> (Vec<LevelPoint>, f64) {
        let mut filter = LevelFilter::new();
        let mut points = Vec::with_capacity(count);
        for i in 0..count {
            let reading = self.readings[i];
            let base = pillar_estimates_from_shares(self.model, weights, &self.shares[i]);
            filter.advance(reading.date, drift);
            let all_pillars = reading.pillars.iter().all(Option::is_some);
            for pillar in Pillar::ALL {
                if let Some(y) = reading.pillar(pillar) {
                    let mut h = [0.0; 4];
                    h[pillar.index()] = 1.0;
                    filter.observe(h, y - base[pillar.index()], PILLAR_READING_VARIANCE);
                }
            }
            if !all_pillars {
                filter.observe([1.0; 4], reading.total - base.iter().sum::<f64>(), TOTAL_READING_VARIANCE);
            }
            points.push(LevelPoint { date: reading.date, levels: filter.level });
        }
        (points, (0..4).map(|i| filter.covariance[i][i]).sum::<f64>())
    }
}

/// Four independent random-walk levels, observed one pillar or their sum at a time.
struct LevelFilter {
    level: [f64; 4],
    covariance: [[f64; 4]; 4],
    date: Option<NaiveDate>,
}

impl LevelFilter {
    fn new() -> Self {
        let mut covariance = [[0.0; 4]; 4];
        for (i, row) in covariance.iter_mut().enumerate() {
            row[i] = PRIOR_LEVEL_VARIANCE;
        }
        LevelFilter { level: [0.0; 4], covariance, date: None }
    }

    /// Lets the levels drift from the last reading's day to `date`.
    fn advance(&mut self, date: NaiveDate, drift: f64) {
        if let Some(last) = self.date {
            let days = (date - last).num_days().max(0) as f64;
            for i in 0..4 {
                self.covariance[i][i] += drift * days;
            }
        }
        self.date = Some(date);
    }

    /// One scalar observation `h · level + noise = y`.
    fn observe(&mut self, h: [f64; 4], y: f64, variance: f64) {
        let ph: [f64; 4] = std::array::from_fn(|i| (0..4).map(|j| self.covariance[i][j] * h[j]).sum());
        let s = (0..4).map(|i| h[i] * ph[i]).sum::<f64>() + variance;
        let innovation = y - (0..4).map(|i| h[i] * self.level[i]).sum::<f64>();
        let gain: [f64; 4] = std::array::from_fn(|i| ph[i] / s);
        for (level, g) in self.level.iter_mut().zip(&gain) {
            *level += g * innovation;
        }
        for (row, g) in self.covariance.iter_mut().zip(&gain) {
            for (cell, p) in row.iter_mut().zip(&ph) {
                *cell -= g * p;
            }
        }
    }
}

/// Walk-forward errors collected for one candidate.
#[derive(Debug, Clone, Default)]
struct Errors {
    total: Vec<f64>,
    signed_total: Vec<f64>,
    pillars: [Vec<f64>; 4],
    readings: BTreeSet<usize>,
}

impl Errors {
    fn add(&mut self, index: usize, reading: &OfficialReading, predicted: &[f64; 4]) {
        let total: f64 = predicted.iter().sum();
        self.total.push((reading.total - total).abs());
        self.signed_total.push(reading.total - total);
        for pillar in Pillar::ALL {
            if let Some(y) = reading.pillar(pillar) {
                self.pillars[pillar.index()].push((y - predicted[pillar.index()]).abs());
            }
        }
        self.readings.insert(index);
    }

    fn mean_total(&self) -> Option<f64> {
        mean(&self.total)
    }

    /// Points added to the total for the interval's low and high ends.
    fn interval(&self, level_variance: f64) -> [f64; 2] {
        // Never narrower than a reading's own wobble, which no calibration can predict.
        let floor = NORMAL_80 * TOTAL_READING_VARIANCE.sqrt();
        if self.total.len() >= MIN_INTERVAL_ERRORS {
            // Symmetric: the sign of past errors need not hold for the next month.
            let mut sorted = self.total.clone();
            sorted.sort_by(f64::total_cmp);
            let half = quantile(&sorted, INTERVAL_COVERAGE).max(floor);
            return [-half, half];
        }
        let mean_square = if self.signed_total.is_empty() {
            TOTAL_READING_VARIANCE
        } else {
            self.signed_total.iter().map(|e| e * e).sum::<f64>() / self.signed_total.len() as f64
        };
        let half = (NORMAL_80 * (mean_square + level_variance).sqrt()).max(floor);
        [-half, half]
    }
}

/// The level in force on `date`: the last one on or before it, else the first.
fn level_on(levels: &[LevelPoint], date: NaiveDate) -> [f64; 4] {
    let after = levels.partition_point(|p| p.date <= date);
    match (after, levels.first()) {
        (0, Some(first)) => first.levels,
        (0, None) => [0.0; 4],
        (n, _) => levels[n - 1].levels,
    }
}

/// Each pillar's points under `weights` for one day's metric values.
fn pillar_estimates(model: &ScoringModel, weights: &[f64], values: &[f64]) -> [f64; 4] {
    pillar_estimates_from_shares(model, weights, &component_shares(model, weights, values))
}

fn pillar_estimates_from_shares(model: &ScoringModel, weights: &[f64], shares: &[f64]) -> [f64; 4] {
    let mut pillars = [0.0; 4];
    for ((c, w), s) in model.components.iter().zip(weights).zip(shares) {
        pillars[c.pillar.index()] += w * s;
    }
    pillars.map(|p| p.clamp(0.0, PILLAR_MAX))
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile(&sorted, 0.5)
}

/// Linear-interpolated quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// Orders optional errors, a missing one last.
fn order(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    a.unwrap_or(f64::INFINITY).total_cmp(&b.unwrap_or(f64::INFINITY))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
    }

    fn reading(d: u32, pillars: [f64; 4], source: ReadingSource) -> StoredReading {
        let mut r = OfficialReading::new(day(d), pillars.iter().sum(), source);
        r.pillars = pillars.map(Some);
        StoredReading { reading: r, confirmed: false }
    }

    #[test]
    fn a_typo_is_an_outlier_a_later_reading_of_the_day_supersedes_and_a_confirmation_keeps_it() {
        let mut readings: Vec<StoredReading> =
            (1..=8).map(|d| reading(d * 3, [10.0, 12.65, 8.0, 9.0], ReadingSource::Csv)).collect();
        readings[4].reading.pillars[1] = Some(21.65);
        readings[4].reading.total += 9.0;
        readings.push(reading(24, [10.1, 12.6, 8.0, 9.0], ReadingSource::Manual));
        let estimates = vec![Some(PillarScores::from_array([9.0, 10.0, 7.0, 9.5])); readings.len()];
        let statuses = review_readings(&readings, &estimates);
        assert!(
            matches!(&statuses[4], ReadingStatus::Outlier { reason } if reason.contains("people 21.65")),
            "{statuses:?}"
        );
        assert_eq!(statuses[7], ReadingStatus::Superseded { by: ReadingSource::Manual });
        assert_eq!(statuses.iter().filter(|s| s.is_used()).count(), 7);
        readings[4].confirmed = true;
        assert_eq!(review_readings(&readings, &estimates)[4], ReadingStatus::Confirmed);
    }

    #[test]
    fn a_change_of_habits_that_later_readings_confirm_is_not_a_typo() {
        // Residuals step from 0 to +5 people points half-way, and stay there.
        let readings: Vec<StoredReading> = (0..12)
            .map(|k| {
                reading(1 + k * 2, [10.0, if k >= 6 { 17.0 } else { 12.0 }, 8.0, 9.0], ReadingSource::Csv)
            })
            .collect();
        let estimates = vec![Some(PillarScores::from_array([10.0, 12.0, 8.0, 9.0])); readings.len()];
        let statuses = review_readings(&readings, &estimates);
        assert!(statuses.iter().all(ReadingStatus::is_used), "{statuses:?}");
        // The last reading alone jumping nine points is a likely typo even without later readings.
        let mut last = readings.clone();
        last[11].reading.pillars[1] = Some(26.0_f64.min(25.0));
        last[11].reading.total = last[11].reading.pillars.iter().flatten().sum();
        let statuses = review_readings(&last, &estimates);
        assert!(matches!(statuses[11], ReadingStatus::Outlier { .. }), "{statuses:?}");
        assert!(statuses[..11].iter().all(ReadingStatus::is_used), "{statuses:?}");
    }

    #[test]
    fn the_level_filter_follows_a_step_and_carries_it_forward() {
        let mut filter = LevelFilter::new();
        filter.advance(day(1), 0.3);
        filter.observe([1.0, 0.0, 0.0, 0.0], 4.0, PILLAR_READING_VARIANCE);
        assert!((filter.level[0] - 4.0).abs() < 0.05, "{:?}", filter.level);
        filter.advance(day(5), 0.3);
        filter.observe([1.0, 1.0, 1.0, 1.0], 4.0 + 2.0, TOTAL_READING_VARIANCE);
        assert!(filter.level[1] > 0.3 && filter.level[0] < 4.2, "{:?}", filter.level);
        let levels = vec![
            LevelPoint { date: day(1), levels: [1.0; 4] },
            LevelPoint { date: day(9), levels: [2.0; 4] },
        ];
        assert_eq!(level_on(&levels, day(3)), [1.0; 4]);
        assert_eq!(level_on(&levels, day(30)), [2.0; 4]);
        assert_eq!(level_on(&levels, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()), [1.0; 4]);
    }
}
