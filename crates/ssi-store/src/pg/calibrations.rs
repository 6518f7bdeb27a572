//! Per-member calibrations and reading confirmations on PostgreSQL: [`crate::Store`]'s
//! methods of `calibrations.rs`, by the rules of that module (`refit`,
//! `applied_calibration`, `lay_over`), which both backends call.

use super::PgStore;
use super::members::lock_member;
use super::readings::{reading_columns, reading_from_row};
use super::rows::active_model;
use super::rows::{ensure_member, now};
use super::series::chosen_version;
use super::transactions::{Db, execute, optional_row, rows};
use crate::calibrations::{
    CalibratedHistory, CalibrationRefit, applied_calibration, calibration_text, lay_over, parse_calibration,
    refit,
};
use crate::db::{range_end, range_start};
use crate::error::StoreError;
use crate::series::parse_components;
use crate::types::MemberId;
use chrono::NaiveDate;
use ssi_core::ReadingSource;
use ssi_core::advice::{CalibrationError, MemberCalibration, StoredReading, calibrate};

impl PgStore {
    /// The calibration the member's stored readings give under the active model, not
    /// stored (as [`crate::Store::fit_calibration`]).
    pub fn fit_calibration(
        &self,
        member: MemberId,
    ) -> Result<Result<MemberCalibration, CalibrationError>, StoreError> {
        let inputs = self.scoring_inputs(member)?;
        let readings = self.stored_readings(member)?;
        Ok(calibrate(&inputs.model, &inputs.profiles, &inputs.events, &readings))
    }

    /// After the member's readings changed: refits the member's calibration, if any, or
    /// removes one the readings no longer support (as [`crate::Store::refit_calibration`]).
    pub fn refit_calibration(&self, member: MemberId) -> Result<CalibrationRefit, StoreError> {
        refit(
            self.calibration(member)?.is_some(),
            || self.fit_calibration(member),
            |calibration| self.save_calibration(member, calibration),
            || self.delete_calibration(member),
        )
    }

    /// The member's history with their calibration laid over the estimates when asked
    /// for and applicable (as [`crate::Store::calibrated_history`]).
    pub fn calibrated_history(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        calibrated: bool,
    ) -> Result<CalibratedHistory, StoreError> {
        let mut rows = self.history(member, from, to)?;
        self.read(async move |tx| {
            let calibration = calibration_in(tx, member).await?;
            let version = chosen_version(tx, member).await?;
            let (applicable, applied) = applied_calibration(calibration.as_ref(), version, calibrated);
            let is_applied = applied.is_some();
            let intervals = match applied {
                Some((calibration, version)) => {
                    let model = active_model(tx).await?;
                    let values = component_values(tx, member, &version, from, to).await?;
                    lay_over(&mut rows, calibration, &model, &values)
                }
                None => vec![None; rows.len()],
            };
            Ok(CalibratedHistory { rows, intervals, calibrated: is_applied, applicable, calibration })
        })
    }

    /// Stores the member's calibration, replacing any earlier one; returns whether the
    /// stored calibration changed (as [`crate::Store::save_calibration`]).
    pub fn save_calibration(
        &self,
        member: MemberId,
        calibration: &MemberCalibration,
    ) -> Result<bool, StoreError> {
        let text = calibration_text(member, calibration)?;
        self.write(async |tx| {
            lock_member(tx, member).await?;
            // Compared as JSON values: jsonb keeps neither the key order nor the spacing
            // of the text, so equal text is equal jsonb and the other way round.
            let unchanged = optional_row(
                tx,
                "SELECT 1 FROM member_calibrations WHERE member_id = $1 AND calibration = $2::text::jsonb",
                &[&member.0, &text],
            )
            .await?
            .is_some();
            if unchanged {
                return Ok(false);
            }
            execute(
                tx,
                "INSERT INTO member_calibrations (member_id, model_version, fingerprint, calibration, created)
                 VALUES ($1, $2, $3, $4::text::jsonb, $5)
                 ON CONFLICT (member_id) DO UPDATE SET model_version = excluded.model_version,
                     fingerprint = excluded.fingerprint, calibration = excluded.calibration,
                     created = excluded.created",
                &[&member.0, &calibration.model_version, &calibration.fingerprint, &text, &now()?],
            )
            .await?;
            Ok(true)
        })
    }

    /// The member's stored calibration, if any (as [`crate::Store::calibration`]).
    pub fn calibration(&self, member: MemberId) -> Result<Option<MemberCalibration>, StoreError> {
        self.read_member(member, async |tx| calibration_in(tx, member).await)
    }

    /// Forgets the member's calibration; returns whether there was one (as
    /// [`crate::Store::delete_calibration`]).
    pub fn delete_calibration(&self, member: MemberId) -> Result<bool, StoreError> {
        self.write(async |tx| {
            ensure_member(tx, member).await?;
            Ok(execute(tx, "DELETE FROM member_calibrations WHERE member_id = $1", &[&member.0]).await? > 0)
        })
    }

    /// Every reading of the member with whether the user confirmed it, by day and then
    /// as stored (as [`crate::Store::stored_readings`]).
    pub fn stored_readings(&self, member: MemberId) -> Result<Vec<StoredReading>, StoreError> {
        self.read(async |tx| {
            ensure_member(tx, member).await?;
            rows(
                tx,
                concat!(
                    "SELECT ",
                    reading_columns!(),
                    ", confirmed FROM official_readings WHERE member_id = $1 ORDER BY date, id"
                ),
                &[&member.0],
            )
            .await?
            .iter()
            .map(|row| Ok(StoredReading { reading: reading_from_row(row)?, confirmed: row.try_get(8)? }))
            .collect()
        })
    }

    /// Marks the member's readings of `date` as confirmed; returns how many readings
    /// that day has (as [`crate::Store::confirm_readings`]).
    pub fn confirm_readings(&self, member: MemberId, date: NaiveDate) -> Result<usize, StoreError> {
        self.write(async |tx| {
            ensure_member(tx, member).await?;
            let sql = "UPDATE official_readings SET confirmed = true WHERE member_id = $1 AND date = $2";
            Ok(usize::try_from(execute(tx, sql, &[&member.0, &date]).await?).unwrap_or(usize::MAX))
        })
    }

    /// Deletes the member's readings of `date`, of one source or all; returns how many
    /// (as [`crate::Store::delete_readings`]).
    pub fn delete_readings(
        &self,
        member: MemberId,
        date: NaiveDate,
        source: Option<ReadingSource>,
    ) -> Result<usize, StoreError> {
        self.write(async |tx| {
            ensure_member(tx, member).await?;
            let deleted = execute(
                tx,
                "DELETE FROM official_readings
                 WHERE member_id = $1 AND date = $2 AND ($3::text IS NULL OR source = $3)",
                &[&member.0, &date, &source.map(|s| s.as_str())],
            )
            .await?;
            Ok(usize::try_from(deleted).unwrap_or(usize::MAX))
        })
    }
}

async fn calibration_in(tx: &impl Db, member: MemberId) -> Result<Option<MemberCalibration>, StoreError> {
    optional_row(tx, "SELECT calibration::text FROM member_calibrations WHERE member_id = $1", &[&member.0])
        .await?
        .map(|row| parse_calibration(member, row.try_get(0)?))
        .transpose()
}

/// The stored metric values of each day of one series, in date order.
async fn component_values(
    tx: &impl Db,
    member: MemberId,
    version: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<(NaiveDate, Vec<f64>)>, StoreError> {
    let stored = rows(
        tx,
        "SELECT date, components FROM daily_scores
         WHERE member_id = $1 AND model_version = $2 AND date >= $3 AND date <= $4 ORDER BY date",
        &[&member.0, &version, &range_start(from), &range_end(to)],
    )
    .await?;
    stored
        .iter()
        .map(|row| {
            let date: NaiveDate = row.try_get(0)?;
            Ok((date, parse_components(member, date, row.try_get(1)?)?))
        })
        .collect()
}
