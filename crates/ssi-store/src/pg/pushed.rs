//! Scores pushed from a member's CLI, on PostgreSQL: [`crate::Store`]'s methods of
//! `pushed.rs`, checked by the same rules and stored under `push:<version>` in the same
//! row format, replacing earlier pushes of the same days; all or nothing.

use super::PgStore;
use super::members::lock_member;
use super::readings::add_readings_in;
use super::rows::refresh_horizon;
use super::transactions::Db;
use crate::error::StoreError;
use crate::pushed::{pushed_row, validate_pushed_all};
use crate::readings::validate_readings;
use crate::types::{MemberId, PushedScore};
use ssi_core::OfficialReading;

impl PgStore {
    /// Stores scores pushed from a member's CLI (as [`crate::Store::push_scores`]).
    pub fn push_scores(&self, member: MemberId, scores: &[PushedScore]) -> Result<usize, StoreError> {
        validate_pushed_all(scores)?;
        self.write(async |tx| push_scores_in(tx, member, scores).await)
    }

    /// Stores a push's scores and readings in one transaction (as
    /// [`crate::Store::push_scores_and_readings`]).
    pub fn push_scores_and_readings(
        &self,
        member: MemberId,
        scores: &[PushedScore],
        readings: &[OfficialReading],
    ) -> Result<(usize, usize), StoreError> {
        validate_pushed_all(scores)?;
        validate_readings(readings)?;
        self.write(async |tx| {
            Ok((push_scores_in(tx, member, scores).await?, add_readings_in(tx, member, readings).await?))
        })
    }
}

/// Writes pushed scores (already validated) in the caller's transaction, then the
/// member's horizon.
async fn push_scores_in(tx: &impl Db, member: MemberId, scores: &[PushedScore]) -> Result<usize, StoreError> {
    lock_member(tx, member).await?;
    let upsert = tx
        .prepare(
            "INSERT INTO daily_scores
                 (member_id, model_version, date, brand, people, insights, relationships, total, components)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (member_id, model_version, date) DO UPDATE SET
                 brand = excluded.brand, people = excluded.people, insights = excluded.insights,
                 relationships = excluded.relationships, total = excluded.total,
                 components = excluded.components",
        )
        .await?;
    for score in scores {
        let (version, components) = pushed_row(score)?;
        let p = score.pillars;
        tx.execute(
            &upsert,
            &[
                &member.0,
                &version,
                &score.date,
                &p.brand,
                &p.people,
                &p.insights,
                &p.relationships,
                &score.total,
                &components,
            ],
        )
        .await?;
    }
    refresh_horizon(tx, member).await?;
    Ok(scores.len())
}
