//! Materialising daily scores on PostgreSQL: `rescore.rs`'s methods of
//! [`crate::Store`] on [`PgStore`], with the same results.
//!
//! The rules are `rescore.rs`'s own (the range clamped to the member's first day and
//! horizon, the comparison with the stored rows, where a group re-score starts, which
//! model may be stored); only the SQL is PostgreSQL's. Group re-scores plan their
//! members one after the other inside each group's write transaction: the database
//! already holds the writers in a queue, so parallel readers would buy nothing here.

use super::PgStore;
use super::events::{history_start, load_snapshots, view_from_row};
use super::rows::{
    activate, active_model, active_version, all_member_ids, ensure_member, insert_model, member_horizon,
    stored_model,
};
use crate::db::LAST_DAY;
use crate::error::StoreError;
use crate::events::scoring_event_columns;
use crate::rescore::{
    MEMBERS_PER_TRANSACTION, PlanBuilder, RescoreFrom, RescorePlan, check_new_model, day_after,
    must_store_model, scoring_range,
};
use crate::types::MemberId;
use chrono::NaiveDate;
use ssi_core::ScoringModel;
use ssi_core::engine::MetricSweep;
use tokio_postgres::Transaction;

impl PgStore {
    /// [`crate::Store::rescore_member`]: the member's daily scores under the active
    /// model from `from` (never before their first day) to `today`, in one transaction.
    pub fn rescore_member(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<usize, StoreError> {
        self.write(async |tx| {
            ensure_member(tx, member).await?;
            let model = active_model(tx).await?;
            rescore_in(tx, &model, member, from, today).await
        })
    }

    /// [`crate::Store::rescore_all`]: every member's whole history under the active model.
    pub fn rescore_all(&self, today: NaiveDate) -> Result<usize, StoreError> {
        let members = self.read(async |tx| all_member_ids(tx).await)?;
        self.rescore_many(&members, today, RescoreFrom::Start)
    }

    /// [`crate::Store::rescore_members`]: the whole history of `members` (members
    /// deleted meanwhile are skipped), in transactions of up to 64 members.
    pub fn rescore_members(&self, members: &[MemberId], today: NaiveDate) -> Result<usize, StoreError> {
        self.rescore_many(members, today, RescoreFrom::Start)
    }

    /// [`crate::Store::materialise_all`]: every member's scores brought up to `today`,
    /// only the days after each member's last stored day; a second run writes nothing.
    pub fn materialise_all(&self, today: NaiveDate) -> Result<usize, StoreError> {
        let due = self.read(async |tx| {
            let version = active_version(tx).await?;
            let rows = tx
                .query(
                    "SELECT m.id FROM members AS m
                         WHERE m.horizon IS NOT NULL
                           AND (EXISTS (SELECT 1 FROM events WHERE member_id = m.id)
                                OR EXISTS (SELECT 1 FROM profile_snapshots WHERE member_id = m.id))
                           AND NOT EXISTS (SELECT 1 FROM daily_scores
                                           WHERE member_id = m.id AND model_version = $1
                                             AND date >= least($2::date, m.horizon))
                         ORDER BY m.id",
                    &[&version, &today.min(LAST_DAY)],
                )
                .await?;
            rows.iter().map(|row| Ok(MemberId(row.try_get(0)?))).collect::<Result<Vec<_>, StoreError>>()
        })?;
        if due.is_empty() {
            return Ok(0);
        }
        self.rescore_many(&due, today, RescoreFrom::NextUnscored)
    }

    /// [`crate::Store::use_model`]: makes `model` the active model and re-scores every
    /// member's whole history under it, all in one transaction. A version stored with a
    /// different model is a [`StoreError::Conflict`].
    pub fn use_model(&self, model: &ScoringModel, today: NaiveDate) -> Result<usize, StoreError> {
        check_new_model(model)?;
        self.write(async |tx| {
            if must_store_model(model, stored_model(tx, &model.version).await?)? {
                insert_model(tx, model).await?;
            }
            activate(tx, &model.version).await?;
            let mut written = 0;
            for member in all_member_ids(tx).await? {
                written += rescore_in(tx, model, member, None, today).await?;
            }
            tracing::info!(version = %model.version, rows = written, "activated scoring model");
            Ok(written)
        })
    }

    fn rescore_many(
        &self,
        members: &[MemberId],
        today: NaiveDate,
        from: RescoreFrom,
    ) -> Result<usize, StoreError> {
        let mut written = 0;
        for group in members.chunks(MEMBERS_PER_TRANSACTION) {
            written += self.write(async |tx| {
                // The model may have been switched since the last group.
                let model = active_model(tx).await?;
                let mut rows = 0;
                for &member in group {
                    if let Some(plan) = plan_member(tx, &model, member, today, from).await? {
                        rows += apply_rescore(tx, &model, member, plan).await?;
                    }
                }
                Ok(rows)
            })?;
        }
        Ok(written)
    }
}

/// A group's member planned: `None` for a member deleted since the group was listed
/// or with nothing to score.
async fn plan_member(
    tx: &Transaction<'_>,
    model: &ScoringModel,
    member: MemberId,
    today: NaiveDate,
    from: RescoreFrom,
) -> Result<Option<RescorePlan>, StoreError> {
    if ensure_member(tx, member).await.is_err() {
        return Ok(None);
    }
    let next_unscored = match from {
        RescoreFrom::Start => None,
        RescoreFrom::NextUnscored => next_unscored_day(tx, member, &model.version).await?,
    };
    match from.start(today, || Ok(next_unscored))? {
        Some(from) => plan_rescore(tx, model, member, from, today).await,
        None => Ok(None),
    }
}

/// Scores the member under `model` from `from` to `today` and writes the rows that
/// changed, in the caller's transaction. Returns the days scored.
pub(crate) async fn rescore_in(
    tx: &Transaction<'_>,
    model: &ScoringModel,
    member: MemberId,
    from: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<usize, StoreError> {
    match plan_rescore(tx, model, member, from, today).await? {
        Some(plan) => apply_rescore(tx, model, member, plan).await,
        None => Ok(0),
    }
}

/// `rescore.rs`'s `plan_rescore` on PostgreSQL: the sweep over the member's events,
/// compared with the stored rows of the range (reads only).
async fn plan_rescore(
    tx: &Transaction<'_>,
    model: &ScoringModel,
    member: MemberId,
    from: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Option<RescorePlan>, StoreError> {
    let Some(horizon) = member_horizon(tx, member).await? else { return Ok(None) };
    let profiles = load_snapshots(tx, member).await?;
    let Some(start) = history_start(tx, member, &profiles).await? else { return Ok(None) };
    let Some((from, today)) = scoring_range(start, horizon.day, from, today) else { return Ok(None) };
    let mut sweep = MetricSweep::new(model, from, today);
    let events = tx
        .query(
            concat!(
                "SELECT ",
                scoring_event_columns!(),
                " FROM events WHERE member_id = $1 ORDER BY at, key"
            ),
            &[&member.0],
        )
        .await?;
    for row in &events {
        sweep.add_view(view_from_row(row)?);
    }
    let mut plan = PlanBuilder::new(model, from, today, &sweep.finish(&profiles))?;
    let stored = tx
        .query(
            "SELECT date, brand, people, insights, relationships, total, components FROM daily_scores
             WHERE member_id = $1 AND model_version = $2 AND date >= $3 AND date <= $4 ORDER BY date",
            &[&member.0, &model.version, &from, &today],
        )
        .await?;
    for row in &stored {
        let figures = std::array::from_fn(|i| row.try_get::<_, f64>(i + 1).ok());
        plan.observe_stored(row.try_get(0)?, figures, row.try_get(6)?);
    }
    Ok(Some(plan.finish()))
}

/// Writes a plan: deletes the stale days (one range delete when every stored day
/// changed) and inserts the changed ones in one statement. Returns the days scored.
async fn apply_rescore(
    tx: &Transaction<'_>,
    model: &ScoringModel,
    member: MemberId,
    plan: RescorePlan,
) -> Result<usize, StoreError> {
    if plan.all_stale {
        tx.execute(
            "DELETE FROM daily_scores WHERE member_id = $1 AND model_version = $2 AND date >= $3 AND date <= $4",
            &[&member.0, &model.version, &plan.from, &plan.today],
        )
        .await?;
    } else if !plan.stale.is_empty() {
        tx.execute(
            "DELETE FROM daily_scores WHERE member_id = $1 AND model_version = $2 AND date = ANY($3)",
            &[&member.0, &model.version, &plan.stale],
        )
        .await?;
    }
    if !plan.changed.is_empty() {
        let column =
            |pick: fn(&crate::rescore::ScoreRow) -> f64| plan.changed.iter().map(pick).collect::<Vec<f64>>();
        let dates: Vec<NaiveDate> = plan.changed.iter().map(|row| row.date).collect();
        let components: Vec<&str> = plan.changed.iter().map(|row| row.components.as_str()).collect();
        tx.execute(
            "INSERT INTO daily_scores
             (member_id, model_version, date, brand, people, insights, relationships, total, components)
             SELECT $1, $2, * FROM unnest($3::date[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
                                          $8::float8[], $9::text[])",
            &[
                &member.0,
                &model.version,
                &dates,
                &column(|row| row.pillars.brand),
                &column(|row| row.pillars.people),
                &column(|row| row.pillars.insights),
                &column(|row| row.pillars.relationships),
                &column(|row| row.total),
                &components,
            ],
        )
        .await?;
    }
    tracing::debug!(member = member.0, from = %plan.from, today = %plan.today, rows = plan.days, "rescored");
    Ok(plan.days)
}

/// The day after the member's last stored day under `version`, or `None` when nothing
/// is stored yet.
pub(crate) async fn next_unscored_day(
    tx: &Transaction<'_>,
    member: MemberId,
    version: &str,
) -> Result<Option<NaiveDate>, StoreError> {
    let row = tx
        .query_one(
            "SELECT max(date) FROM daily_scores WHERE member_id = $1 AND model_version = $2",
            &[&member.0, &version],
        )
        .await?;
    Ok(day_after(row.try_get(0)?))
}
