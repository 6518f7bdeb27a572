//! Scores pushed from a member's CLI: validated, then stored under `push:<version>` beside the server's own.

use crate::Store;
use crate::db::check_day;
use crate::error::StoreError;
use crate::members::{ensure_member, refresh_horizon};
use crate::readings::{add_readings_in, validate_readings};
use crate::series::{INSERT_SCORE, PUSH_PREFIX, encode_components};
use crate::types::{MemberId, PushedScore};
use rusqlite::{Connection, params};
use ssi_core::{OfficialReading, PILLAR_MAX, TOTAL_MAX};

/// How far a pushed total may stray from the sum of its pillars.
const PUSH_SUM_TOLERANCE: f64 = 0.01;

impl Store {
    /// Stores scores pushed from a member's CLI, under the model version
    /// `push:<model_version>` (so they never mix with scores the server
    /// computes), replacing earlier pushes of the same days. All or nothing.
    /// Returns the number of rows stored.
    pub fn push_scores(&self, member: MemberId, scores: &[PushedScore]) -> Result<usize, StoreError> {
        validate_pushed_all(scores)?;
        self.pool.write(|tx| push_scores_in(tx, member, scores))
    }

    /// Stores a push of a member's CLI in ONE transaction: the scores as
    /// [`Store::push_scores`] does and the readings as [`Store::add_readings`] does.
    /// Everything is checked first; all of it is stored or none of it, even when the
    /// process dies half-way. Returns (scores stored, readings stored).
    pub fn push_scores_and_readings(
        &self,
        member: MemberId,
        scores: &[PushedScore],
        readings: &[OfficialReading],
    ) -> Result<(usize, usize), StoreError> {
        validate_pushed_all(scores)?;
        validate_readings(readings)?;
        self.pool
            .write(|tx| Ok((push_scores_in(tx, member, scores)?, add_readings_in(tx, member, readings)?)))
    }
}

/// Writes pushed scores (already validated) in the caller's transaction.
pub(crate) fn push_scores_in(
    tx: &Connection,
    member: MemberId,
    scores: &[PushedScore],
) -> Result<usize, StoreError> {
    ensure_member(tx, member)?;
    let mut insert = tx.prepare_cached(INSERT_SCORE)?;
    for score in scores {
        let (version, components) = pushed_row(score)?;
        let p = score.pillars;
        insert.execute(params![
            member.0,
            version,
            score.date,
            p.brand,
            p.people,
            p.insights,
            p.relationships,
            score.total,
            components
        ])?;
    }
    refresh_horizon(tx, member)?;
    Ok(scores.len())
}

/// The series version and the encoded component values a pushed score is stored with.
pub(crate) fn pushed_row(score: &PushedScore) -> Result<(String, String), StoreError> {
    let mut components = String::new();
    encode_components(&score.components, &mut components)?;
    Ok((format!("{PUSH_PREFIX}{}", score.model_version), components))
}

/// Checks every pushed score, before anything is written.
pub(crate) fn validate_pushed_all(scores: &[PushedScore]) -> Result<(), StoreError> {
    scores.iter().try_for_each(validate_pushed)
}

fn validate_pushed(score: &PushedScore) -> Result<(), StoreError> {
    let what = |problem: String| StoreError::invalid(format!("pushed score of {}: {problem}", score.date));
    check_day(score.date, "pushed score")?;
    let version = score.model_version.trim();
    if version.is_empty() || version.starts_with(PUSH_PREFIX) {
        return Err(what(format!("model_version {:?} must be a model's own version", score.model_version)));
    }
    for (pillar, value) in score.pillars.iter() {
        if !(0.0..=PILLAR_MAX).contains(&value) {
            return Err(what(format!("pillar {pillar} score {value} is outside 0–25")));
        }
    }
    if !(0.0..=TOTAL_MAX).contains(&score.total) {
        return Err(what(format!("total {} is outside 0–100", score.total)));
    }
    let sum = score.pillars.total();
    if (sum - score.total).abs() > PUSH_SUM_TOLERANCE {
        return Err(what(format!("pillars add up to {sum} but the total is {}", score.total)));
    }
    if score.components.iter().any(|v| !v.is_finite()) {
        return Err(what("a component value is not a finite number".to_string()));
    }
    Ok(())
}
