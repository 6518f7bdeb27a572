//! Per-member calibrations: stored, read, and laid over the member's estimates; readings with their confirmations.

use crate::Store;
use crate::db::{now_seconds, range_end, range_start};
use crate::error::StoreError;
use crate::members::ensure_member;
use crate::models::active_model_in;
use crate::readings::reading_from_row;
use crate::series::{chosen_version, parse_components};
use crate::types::{HistoryRow, MemberId};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use ssi_core::advice::{CalibrationError, MemberCalibration, StoredReading, calibrate};
use ssi_core::{Band, ScoringModel};

/// A member's history as calibration sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibratedHistory {
    /// The days; with `calibrated`, the estimates are the calibrated ones.
    pub rows: Vec<HistoryRow>,
    /// For each row with an estimate, when calibrated: the interval of the total (low, high).
    pub intervals: Vec<Option<(f64, f64)>>,
    /// Whether the member's calibration was laid over the estimates.
    pub calibrated: bool,
    /// Whether the member's calibration applies to the estimates (it was
    /// made under the model that scored them), asked for or not.
    pub applicable: bool,
    /// The member's calibration, if one is stored (applied or not).
    pub calibration: Option<MemberCalibration>,
}

/// What refitting a member's calibration did after the member's readings changed.
#[derive(Debug, Clone, PartialEq)]
pub enum CalibrationRefit {
    /// The member has no calibration, so there was nothing to bring up to date.
    NotCalibrated,
    /// The calibration was refitted to the member's readings and stored.
    Updated(Box<MemberCalibration>),
    /// The readings no longer give a calibration, so the stored one was removed; the
    /// text says why.
    Removed(String),
}

impl Store {
    /// The calibration the member's stored readings give under the active model (not
    /// stored); the inner error says why the readings give none.
    pub fn fit_calibration(
        &self,
        member: MemberId,
    ) -> Result<Result<MemberCalibration, CalibrationError>, StoreError> {
        let inputs = self.scoring_inputs(member)?;
        let readings = self.stored_readings(member)?;
        Ok(calibrate(&inputs.model, &inputs.profiles, &inputs.events, &readings))
    }

    /// After the member's readings changed: refits the member's calibration, if the member
    /// has one, so that new readings count without a manual step. A calibration the
    /// readings no longer support is removed rather than kept stale. The CLI and the
    /// server both call this one rule.
    pub fn refit_calibration(&self, member: MemberId) -> Result<CalibrationRefit, StoreError> {
        refit(
            self.calibration(member)?.is_some(),
            || self.fit_calibration(member),
            |calibration| self.save_calibration(member, calibration),
            || self.delete_calibration(member),
        )
    }

    /// Stores the member's calibration, replacing any earlier one. Returns
    /// whether the stored calibration changed (a calibration of the same
    /// readings is the same, and is not written again).
    pub fn save_calibration(
        &self,
        member: MemberId,
        calibration: &MemberCalibration,
    ) -> Result<bool, StoreError> {
        let text = calibration_text(member, calibration)?;
        self.pool.write(|tx| {
            ensure_member(tx, member)?;
            let stored: Option<String> = tx
                .prepare_cached("SELECT calibration FROM member_calibrations WHERE member_id = ?1")?
                .query_row([member.0], |r| r.get(0))
                .optional()?;
            if stored.as_deref() == Some(text.as_str()) {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO member_calibrations (member_id, model_version, fingerprint, calibration, created)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (member_id) DO UPDATE SET model_version = excluded.model_version,
                     fingerprint = excluded.fingerprint, calibration = excluded.calibration,
                     created = excluded.created",
                params![member.0, calibration.model_version, calibration.fingerprint, text, now_seconds()],
            )?;
            Ok(true)
        })
    }

    /// The member's stored calibration, if any.
    pub fn calibration(&self, member: MemberId) -> Result<Option<MemberCalibration>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            calibration_in(tx, member)
        })
    }

    /// Forgets the member's calibration. Returns whether there was one.
    pub fn delete_calibration(&self, member: MemberId) -> Result<bool, StoreError> {
        self.pool.write(|tx| {
            ensure_member(tx, member)?;
            Ok(tx.execute("DELETE FROM member_calibrations WHERE member_id = ?1", [member.0])? > 0)
        })
    }

    /// Every reading of the member in the order stored (by day, then as
    /// stored), with whether the user confirmed it.
    pub fn stored_readings(&self, member: MemberId) -> Result<Vec<StoredReading>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let mut stmt = tx.prepare_cached(
                "SELECT date, source, total, brand, people, insights, relationships, groups, confirmed
                 FROM official_readings WHERE member_id = ?1 ORDER BY date, id",
            )?;
            let rows = stmt.query_map([member.0], |row| {
                let confirmed: bool = row.get(8)?;
                Ok(reading_from_row(row)?.map(|reading| StoredReading { reading, confirmed }))
            })?;
            rows.map(|r| r?).collect()
        })
    }

    /// Marks the member's readings of `date` as confirmed (right, although
    /// they may look like typos). Returns how many readings that day has.
    pub fn confirm_readings(&self, member: MemberId, date: NaiveDate) -> Result<usize, StoreError> {
        self.pool.write(|tx| {
            ensure_member(tx, member)?;
            Ok(tx.execute(
                "UPDATE official_readings SET confirmed = 1 WHERE member_id = ?1 AND date = ?2",
                params![member.0, date],
            )?)
        })
    }

    /// Deletes the member's readings of `date` (of one source, or all).
    /// Returns how many were deleted.
    pub fn delete_readings(
        &self,
        member: MemberId,
        date: NaiveDate,
        source: Option<ssi_core::ReadingSource>,
    ) -> Result<usize, StoreError> {
        self.pool.write(|tx| {
            ensure_member(tx, member)?;
            Ok(tx.execute(
                "DELETE FROM official_readings WHERE member_id = ?1 AND date = ?2 AND (?3 IS NULL OR source = ?3)",
                params![member.0, date, source.map(|s| s.as_str())],
            )?)
        })
    }

    /// The member's history between `from` and `to` (as [`Store::history`]),
    /// with the member's calibration laid over the estimates when `calibrated`
    /// is asked for and a calibration of the series' model version is stored.
    pub fn calibrated_history(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        calibrated: bool,
    ) -> Result<CalibratedHistory, StoreError> {
        let mut rows = self.history(member, from, to)?;
        self.pool.read(|tx| {
            let calibration = calibration_in(tx, member)?;
            let version = chosen_version(tx, member)?;
            let (applicable, applied) = applied_calibration(calibration.as_ref(), version, calibrated);
            let is_applied = applied.is_some();
            let intervals = match applied {
                Some((calibration, version)) => {
                    let model = active_model_in(tx)?;
                    let values = component_values(tx, member, &version, from, to)?;
                    lay_over(&mut rows, calibration, &model, &values)
                }
                None => vec![None; rows.len()],
            };
            Ok(CalibratedHistory { rows, intervals, calibrated: is_applied, applicable, calibration })
        })
    }
}

/// The rule of [`Store::refit_calibration`], which both backends follow: nothing to do
/// without a calibration; else the fit replaces it, or it is removed when the readings
/// no longer give one.
pub(crate) fn refit(
    calibrated: bool,
    fit: impl FnOnce() -> Result<Result<MemberCalibration, CalibrationError>, StoreError>,
    save: impl FnOnce(&MemberCalibration) -> Result<bool, StoreError>,
    delete: impl FnOnce() -> Result<bool, StoreError>,
) -> Result<CalibrationRefit, StoreError> {
    if !calibrated {
        return Ok(CalibrationRefit::NotCalibrated);
    }
    match fit()? {
        Ok(calibration) => {
            save(&calibration)?;
            Ok(CalibrationRefit::Updated(Box::new(calibration)))
        }
        Err(why) => {
            delete()?;
            Ok(CalibrationRefit::Removed(why.to_string()))
        }
    }
}

/// Whether the member's stored `calibration` applies to the series `version` their
/// history is read from, and, when it applies and `calibrated` is asked for, the
/// calibration to lay over that series.
pub(crate) fn applied_calibration(
    calibration: Option<&MemberCalibration>,
    version: Option<String>,
    calibrated: bool,
) -> (bool, Option<(&MemberCalibration, String)>) {
    let applicable = calibration.zip(version.as_deref()).is_some_and(|(c, v)| c.applies_to(v));
    (applicable, calibration.zip(version).filter(|_| calibrated && applicable))
}

/// Lays a calibration over the estimates of history `rows` (scored under `model`, with
/// each day's stored component `values` in date order); returns each row's interval of
/// the total (`None` for a row without an estimate). The rule both backends apply.
pub(crate) fn lay_over(
    rows: &mut [HistoryRow],
    calibration: &MemberCalibration,
    model: &ScoringModel,
    values: &[(NaiveDate, Vec<f64>)],
) -> Vec<Option<(f64, f64)>> {
    rows.iter_mut()
        .map(|row| {
            let estimate = row.estimate.as_mut()?;
            let day_values =
                values.binary_search_by_key(&estimate.date, |(d, _)| *d).ok().map(|i| values[i].1.as_slice());
            let day = calibration.apply(model, estimate.date, estimate.pillars, day_values);
            estimate.pillars = day.pillars;
            estimate.total = day.total;
            estimate.band = Band::of_total(day.total);
            Some((day.low, day.high))
        })
        .collect()
}

fn calibration_in(conn: &Connection, member: MemberId) -> Result<Option<MemberCalibration>, StoreError> {
    let text: Option<String> = conn
        .prepare_cached("SELECT calibration FROM member_calibrations WHERE member_id = ?1")?
        .query_row([member.0], |r| r.get(0))
        .optional()?;
    text.map(|text| parse_calibration(member, &text)).transpose()
}

/// A calibration as stored: its JSON.
pub(crate) fn calibration_text(
    member: MemberId,
    calibration: &MemberCalibration,
) -> Result<String, StoreError> {
    serde_json::to_string(calibration)
        .map_err(|e| StoreError::invalid(format!("calibration of member {member} cannot be stored: {e}")))
}

/// A stored calibration's JSON back as a calibration.
pub(crate) fn parse_calibration(member: MemberId, text: &str) -> Result<MemberCalibration, StoreError> {
    serde_json::from_str(text).map_err(|e| {
        StoreError::invalid(format!("the stored calibration of member {member} does not load: {e}"))
    })
}

/// The stored metric values of each day of one series, in date order.
fn component_values(
    conn: &Connection,
    member: MemberId,
    version: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<(NaiveDate, Vec<f64>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT date, components FROM daily_scores
         WHERE member_id = ?1 AND model_version = ?2 AND date >= ?3 AND date <= ?4 ORDER BY date",
    )?;
    let rows = stmt.query_map(params![member.0, version, range_start(from), range_end(to)], |row| {
        let date: NaiveDate = row.get(0)?;
        let text: String = row.get(1)?;
        Ok((date, text))
    })?;
    rows.map(|r| {
        let (date, text) = r?;
        Ok((date, parse_components(member, date, &text)?))
    })
    .collect()
}
