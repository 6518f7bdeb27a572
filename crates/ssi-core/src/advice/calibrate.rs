//! Calibration: refits each pillar's component weights to the member's official SSI readings, validated on a time-ordered holdout.

use super::simulate::history_until;
use super::stats::least_squares_on_simplex;
use crate::engine::metric_series;
use crate::event::ActivityEvent;
use crate::model::{ModelError, ScoringModel};
use crate::pillar::{PILLAR_MAX, Pillar};
use crate::profile::ProfileSnapshot;
use crate::reading::{OfficialReading, ReadingError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Fewest readings (on distinct days) calibration accepts.
pub const MIN_CALIBRATION_READINGS: usize = 10;
/// Fewest days, first reading to last inclusive, the readings must cover.
pub const MIN_CALIBRATION_SPAN_DAYS: i64 = 14;
/// Share of the readings, the latest by date, held out to validate the fit.
pub const HOLDOUT_SHARE: f64 = 0.3;
/// Fewest training readings with a pillar's score for that pillar to be refitted.
pub const MIN_PILLAR_TRAIN_READINGS: usize = 5;
/// Strength of the pull toward the current weights, per training reading. It
/// only decides between weightings the readings cannot tell apart (components
/// whose shares never vary, or vary together); it is too small to bias the fit
/// elsewhere.
pub const RIDGE_PER_READING: f64 = 1e-3;

/// Mean absolute errors (points) of a pillar or the total, before and after calibration.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ErrorSummary {
    /// Readings in the training part that carry this value.
    pub train_readings: usize,
    /// Readings in the holdout part that carry this value.
    pub holdout_readings: usize,
    /// Mean absolute error on the training part, current model (`None` without readings).
    pub train_before: Option<f64>,
    /// Mean absolute error on the training part, calibrated model.
    pub train_after: Option<f64>,
    /// Mean absolute error on the holdout part, current model.
    pub holdout_before: Option<f64>,
    /// Mean absolute error on the holdout part, calibrated model.
    pub holdout_after: Option<f64>,
}

/// One component's weight before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightChange {
    /// The component's id.
    pub component: String,
    /// Weight in the current model.
    pub before: f64,
    /// Weight in the calibrated model.
    pub after: f64,
}

/// What calibration did to one pillar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PillarCalibration {
    /// The pillar.
    pub pillar: Pillar,
    /// Whether its weights were refitted (otherwise they are kept).
    pub fitted: bool,
    /// What was done and why, in a sentence.
    pub note: String,
    /// Its components' weights.
    pub weights: Vec<WeightChange>,
    /// Its errors against the readings that carry its score.
    pub error: ErrorSummary,
}

/// The result of a calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The calibrated model, versioned `<old version>-cal-<last reading date>`.
    /// Save it only when `improves`.
    pub model: ScoringModel,
    /// The version of the model calibrated from.
    pub previous_version: String,
    /// Readings used (one per day).
    pub readings: usize,
    /// Day of the first reading.
    pub first_date: NaiveDate,
    /// Day of the last reading.
    pub last_date: NaiveDate,
    /// First day of the holdout part.
    pub holdout_from: NaiveDate,
    /// Per pillar, in display order.
    pub pillars: Vec<PillarCalibration>,
    /// Errors of the total against every reading.
    pub total: ErrorSummary,
    /// Whether the calibrated model's holdout error of the total is strictly
    /// lower than the current model's.
    pub improves: bool,
    /// The outcome in a sentence or two.
    pub summary: String,
}

/// Why calibration refused.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    /// Not enough readings.
    #[error(
        "calibration needs at least {needed} official readings on different days, but there are {found}: \
         record a reading every day or two for a few weeks (`ssi reading add`)"
    )]
    TooFewReadings {
        /// Readings on distinct days.
        found: usize,
        /// [`MIN_CALIBRATION_READINGS`].
        needed: usize,
    },
    /// The readings cover too short a period.
    #[error(
        "calibration needs readings spread over at least {needed} days, but they cover only {days} \
         (from {first} to {last})"
    )]
    TooShortSpan {
        /// Days covered, first to last inclusive.
        days: i64,
        /// [`MIN_CALIBRATION_SPAN_DAYS`].
        needed: i64,
        /// Day of the first reading.
        first: NaiveDate,
        /// Day of the last reading.
        last: NaiveDate,
    },
    /// A reading is out of range.
    #[error("the official reading of {date} is not valid: {source}")]
    InvalidReading {
        /// Its day.
        date: NaiveDate,
        /// What is wrong.
        source: ReadingError,
    },
    /// No reading has a pillar score.
    #[error(
        "none of the readings carries pillar scores, and calibration refits each pillar's weights: \
         record readings with the four pillars (LinkedIn's SSI page shows them)"
    )]
    NoPillarScores,
    /// The calibrated weights do not make a valid model (a bug, reported rather than hidden).
    #[error("the calibrated model is not valid: {0}")]
    InvalidModel(#[from] ModelError),
}

/// Refits the model's component weights to official readings.
///
/// Readings are taken one per day (the later in the slice wins on a day); at
/// least [`MIN_CALIBRATION_READINGS`] over at least
/// [`MIN_CALIBRATION_SPAN_DAYS`] days are required. The latest
/// [`HOLDOUT_SHARE`] of them (by date) is held out. For each pillar with its
/// score in at least [`MIN_PILLAR_TRAIN_READINGS`] training readings, the
/// component shares `s_c(t)` (each component's curve applied to its metric on
/// the reading's day) are the features, and the weights minimise
/// `Σ_t (Σ_c w_c s_c(t) − y_t)²` over `{w ≥ 0, Σ w = 25}` (plus a tiny pull
/// toward the current weights, [`RIDGE_PER_READING`]), solved by accelerated
/// projected gradient onto the scaled simplex. Other pillars keep their weights.
/// Curves, windows and the checklist are not changed.
pub fn calibrate(
    model: &ScoringModel,
    profiles: &[ProfileSnapshot],
    events: &[ActivityEvent],
    readings: &[OfficialReading],
) -> Result<Calibration, CalibrationError> {
    let mut by_day: BTreeMap<NaiveDate, &OfficialReading> = BTreeMap::new();
    for reading in readings {
        reading
            .validate()
            .map_err(|source| CalibrationError::InvalidReading { date: reading.date, source })?;
        by_day.insert(reading.date, reading);
    }
    let readings: Vec<&OfficialReading> = by_day.into_values().collect();
    if readings.len() < MIN_CALIBRATION_READINGS {
        return Err(CalibrationError::TooFewReadings {
            found: readings.len(),
            needed: MIN_CALIBRATION_READINGS,
        });
    }
    let (first, last) = (readings[0].date, readings[readings.len() - 1].date);
    let span = (last - first).num_days() + 1;
    if span < MIN_CALIBRATION_SPAN_DAYS {
        return Err(CalibrationError::TooShortSpan {
            days: span,
            needed: MIN_CALIBRATION_SPAN_DAYS,
            first,
            last,
        });
    }
    if readings.iter().all(|r| r.pillars.iter().all(Option::is_none)) {
        return Err(CalibrationError::NoPillarScores);
    }

    // Component shares on each reading's day.
    let history = history_until(events, last);
    let days = metric_series(model, profiles, history.iter().copied(), first, last);
    let shares: Vec<Vec<f64>> = readings
        .iter()
        .map(|r| {
            let values = &days[(r.date - first).num_days() as usize].values;
            model.components.iter().zip(values).map(|(c, v)| c.curve.share(*v)).collect()
        })
        .collect();
    let holdout = ((readings.len() as f64 * HOLDOUT_SHARE).ceil() as usize).clamp(1, readings.len() - 1);
    let train_count = readings.len() - holdout;
    let is_train = |i: usize| i < train_count;

    let old_weights: Vec<f64> = model.components.iter().map(|c| c.weight).collect();
    let mut new_weights = old_weights.clone();
    let mut notes: BTreeMap<Pillar, (bool, String)> = BTreeMap::new();
    for pillar in Pillar::ALL {
        let members: Vec<usize> =
            model.components.iter().enumerate().filter(|(_, c)| c.pillar == pillar).map(|(i, _)| i).collect();
        let train: Vec<usize> =
            (0..readings.len()).filter(|&i| is_train(i) && readings[i].pillar(pillar).is_some()).collect();
        let known = readings.iter().filter(|r| r.pillar(pillar).is_some()).count();
        let note = if members.is_empty() {
            (false, "the model has no components in this pillar; nothing to fit".to_string())
        } else if known == 0 {
            (false, "the readings carry no score for this pillar; its weights are kept".to_string())
        } else if train.len() < MIN_PILLAR_TRAIN_READINGS {
            (
                false,
                format!(
                    "only {} training readings carry this pillar's score (at least {MIN_PILLAR_TRAIN_READINGS} \
                     needed); its weights are kept",
                    train.len()
                ),
            )
        } else {
            let rows: Vec<Vec<f64>> =
                train.iter().map(|&i| members.iter().map(|&c| shares[i][c]).collect()).collect();
            let targets: Vec<f64> = train.iter().filter_map(|&i| readings[i].pillar(pillar)).collect();
            let start: Vec<f64> = members.iter().map(|&c| old_weights[c]).collect();
            let ridge = RIDGE_PER_READING * train.len() as f64;
            let fitted = least_squares_on_simplex(&rows, &targets, &start, PILLAR_MAX, ridge);
            // Remove the solver's rounding drift so the model validates exactly.
            let sum: f64 = fitted.iter().sum();
            for (&c, w) in members.iter().zip(&fitted) {
                new_weights[c] =
                    if sum > 0.0 { w * PILLAR_MAX / sum } else { PILLAR_MAX / members.len() as f64 };
            }
            (true, format!("refitted on {} training readings", train.len()))
        };
        notes.insert(pillar, note);
    }

    let mut calibrated = model.clone();
    for (component, weight) in calibrated.components.iter_mut().zip(&new_weights) {
        component.weight = *weight;
    }
    calibrated.version = format!("{}-cal-{last}", model.version);
    calibrated.description = format!(
        "{} (calibrated on {} official readings, {first} to {last})",
        model.description,
        readings.len()
    );
    calibrated.validate()?;

    let pillar_estimate = |weights: &[f64], i: usize, pillar: Pillar| -> f64 {
        model
            .components
            .iter()
            .zip(weights)
            .zip(&shares[i])
            .filter(|((c, _), _)| c.pillar == pillar)
            .map(|((_, w), s)| w * s)
            .sum::<f64>()
            .clamp(0.0, PILLAR_MAX)
    };
    let total_estimate =
        |weights: &[f64], i: usize| Pillar::ALL.iter().map(|p| pillar_estimate(weights, i, *p)).sum::<f64>();
    let summarise_errors = |actual: &dyn Fn(usize) -> Option<f64>,
                            estimate: &dyn Fn(&[f64], usize) -> f64| {
        let mae = |weights: &[f64], train: bool| -> (usize, Option<f64>) {
            let errors: Vec<f64> = (0..readings.len())
                .filter(|&i| is_train(i) == train)
                .filter_map(|i| actual(i).map(|y| (estimate(weights, i) - y).abs()))
                .collect();
            let mean = (!errors.is_empty()).then(|| errors.iter().sum::<f64>() / errors.len() as f64);
            (errors.len(), mean)
        };
        let (train_readings, train_before) = mae(&old_weights, true);
        let (holdout_readings, holdout_before) = mae(&old_weights, false);
        ErrorSummary {
            train_readings,
            holdout_readings,
            train_before,
            train_after: mae(&new_weights, true).1,
            holdout_before,
            holdout_after: mae(&new_weights, false).1,
        }
    };

    let pillars: Vec<PillarCalibration> = Pillar::ALL
        .into_iter()
        .map(|pillar| {
            let (fitted, note) = notes.remove(&pillar).unwrap_or_default();
            PillarCalibration {
                pillar,
                fitted,
                note,
                weights: model
                    .components
                    .iter()
                    .zip(&new_weights)
                    .filter(|(c, _)| c.pillar == pillar)
                    .map(|(c, w)| WeightChange { component: c.id.clone(), before: c.weight, after: *w })
                    .collect(),
                error: summarise_errors(&|i| readings[i].pillar(pillar), &|w, i| {
                    pillar_estimate(w, i, pillar)
                }),
            }
        })
        .collect();
    let total = summarise_errors(&|i| Some(readings[i].total), &total_estimate);
    let improves = matches!((total.holdout_before, total.holdout_after), (Some(b), Some(a)) if a < b);
    let fitted = pillars.iter().filter(|p| p.fitted).count();
    let verdict = if improves {
        "the calibrated model fits better: save it"
    } else {
        "the calibrated model does not fit the held-out readings better: keep the current model"
    };
    let summary = format!(
        "Refitted {fitted} of 4 pillars on {} readings from {first} to {last}; mean absolute error of the \
         total on the {} held-out readings: {:.2} before, {:.2} after, so {verdict}.",
        readings.len(),
        total.holdout_readings,
        total.holdout_before.unwrap_or(f64::NAN),
        total.holdout_after.unwrap_or(f64::NAN),
    );
    Ok(Calibration {
        model: calibrated,
        previous_version: model.version.clone(),
        readings: readings.len(),
        first_date: first,
        last_date: last,
        holdout_from: readings[train_count].date,
        pillars,
        total,
        improves,
        summary,
    })
}
