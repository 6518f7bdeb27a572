//! Reading daily scores back from PostgreSQL: `score_reads.rs`'s methods of
//! [`crate::Store`] on [`PgStore`], with the same results.
//!
//! The explanation, the merged history and the impact series are built by the same
//! functions as SQLite's (`score_reads.rs`, ssi-core's advice); only the SQL is
//! PostgreSQL's.

use super::PgStore;
use super::events::{daily_counts_in, load_snapshots};
use super::readings::readings_in;
use super::rows::stored_model;
use super::series::{chosen_version, point_columns, point_from_row};
use crate::db::{range_end, range_start};
use crate::error::StoreError;
use crate::score_reads::{
    PointWithChanges, changes_of, days_before, estimate_row, explained_score, explains, merge_history,
    scored_by,
};
use crate::series::parse_components;
use crate::types::{HistoryRow, ImpactInputs, MemberId, ScorePoint};
use chrono::NaiveDate;
use ssi_core::DailyScore;
use ssi_core::advice::choose_impact_series;
use ssi_core::advice::impact::counts_window;
use tokio_postgres::Transaction;

impl PgStore {
    /// [`crate::Store::latest_score`]: the member's score on `on` (or the latest day
    /// scored), explained under the model that scored it.
    pub fn latest_score(
        &self,
        member: MemberId,
        on: Option<NaiveDate>,
    ) -> Result<Option<DailyScore>, StoreError> {
        self.read_member(member, async |tx| latest_score_in(tx, member, on).await)
    }

    /// [`crate::Store::score_points`]: the stored scores of one model version between
    /// `from` and `to` inclusive, by day.
    pub fn score_points(
        &self,
        member: MemberId,
        version: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<ScorePoint>, StoreError> {
        self.read_member(member, async |tx| points_in(tx, member, version, from, to).await)
    }

    /// [`crate::Store::history`]: every day with an estimate or an official reading
    /// between `from` and `to`, both side by side.
    pub fn history(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<HistoryRow>, StoreError> {
        self.read_member(member, async |tx| history_in(tx, member, from, to).await)
    }

    /// [`crate::Store::first_score`]: the member's earliest estimate on or before `to`.
    pub fn first_score(
        &self,
        member: MemberId,
        to: Option<NaiveDate>,
    ) -> Result<Option<ScorePoint>, StoreError> {
        self.read_member(member, async |tx| {
            let Some(version) = chosen_version(tx, member).await? else { return Ok(None) };
            let row = tx
                .query_opt(
                    concat!(
                        "SELECT ",
                        point_columns!(),
                        " FROM daily_scores WHERE member_id = $1 AND model_version = $2 AND date <= $3
                         ORDER BY date LIMIT 1"
                    ),
                    &[&member.0, &version, &range_end(to)],
                )
                .await?;
            row.as_ref().map(point_from_row).transpose()
        })
    }

    /// [`crate::Store::impact_inputs`]: the series the impact analysis reads and the
    /// daily activity counts over the days it needs, from one consistent read.
    pub fn impact_inputs(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<ImpactInputs, StoreError> {
        self.read_member(member, async |tx| {
            let readings = readings_in(tx, member, from, to).await?;
            // The estimates are read before the rule asks for them (it cannot wait on
            // the database), and used only if it does.
            let estimates = match chosen_version(tx, member).await? {
                Some(version) => points_in(tx, member, &version, from, to).await?,
                None => Vec::new(),
            };
            let series = choose_impact_series(&readings, || {
                Ok::<_, StoreError>(estimates.into_iter().map(|p| (p.date, p.pillars)).collect())
            })?;
            let (counts_from, counts_to) = counts_window(&series.series);
            let counts = daily_counts_in(tx, member, counts_from, counts_to).await?;
            Ok(ImpactInputs { series, counts })
        })
    }

    /// [`crate::Store::change_over`]: how much the total changed over the `days` days
    /// up to the score as of `on`.
    pub fn change_over(&self, member: MemberId, days: u32, on: NaiveDate) -> Result<Option<f64>, StoreError> {
        self.read_member(member, async |tx| {
            let Some(version) = chosen_version(tx, member).await? else { return Ok(None) };
            let Some((now, _)) = score_as_of(tx, member, &version, Some(on)).await? else { return Ok(None) };
            change_since(tx, member, &version, &now, days).await
        })
    }
}

/// [`PgStore::history`] in the caller's transaction.
pub(crate) async fn history_in(
    tx: &Transaction<'_>,
    member: MemberId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<HistoryRow>, StoreError> {
    let rows = match chosen_version(tx, member).await? {
        Some(version) => {
            points_in(tx, member, &version, from, to).await?.into_iter().map(estimate_row).collect()
        }
        None => Vec::new(),
    };
    Ok(merge_history(rows, readings_in(tx, member, from, to).await?))
}

/// [`PgStore::latest_score`] in the caller's transaction.
pub(crate) async fn latest_score_in(
    tx: &Transaction<'_>,
    member: MemberId,
    on: Option<NaiveDate>,
) -> Result<Option<DailyScore>, StoreError> {
    let Some(version) = chosen_version(tx, member).await? else { return Ok(None) };
    let Some((point, components)) = score_as_of(tx, member, &version, on).await? else { return Ok(None) };
    let values = parse_components(member, point.date, &components)?;
    let model = stored_model(tx, scored_by(&version)).await?;
    let profiles = match &model {
        Some(model) if explains(model, &values) => load_snapshots(tx, member).await?,
        _ => Vec::new(),
    };
    Ok(Some(explained_score(version, point, values, model.as_ref(), &profiles)))
}

/// `score_reads.rs`'s `point_with_changes` on PostgreSQL: the score as of `on` with the
/// changes of its total over 7 and 30 days before that day, in one statement.
pub(crate) async fn point_with_changes(
    tx: &Transaction<'_>,
    member: MemberId,
    version: &str,
    on: NaiveDate,
) -> Result<Option<PointWithChanges>, StoreError> {
    let row = tx
        .query_opt(
            concat!(
                "SELECT ",
                point_columns!(),
                ",
                   (SELECT b.total FROM daily_scores AS b
                    WHERE b.member_id = d.member_id AND b.model_version = d.model_version AND b.date <= d.date - 7
                    ORDER BY b.date DESC LIMIT 1),
                   (SELECT b.total FROM daily_scores AS b
                    WHERE b.member_id = d.member_id AND b.model_version = d.model_version AND b.date <= d.date - 30
                    ORDER BY b.date DESC LIMIT 1)
                 FROM daily_scores AS d
                 WHERE d.member_id = $1 AND d.model_version = $2 AND d.date <= $3
                 ORDER BY d.date DESC LIMIT 1"
            ),
            &[&member.0, &version, &range_end(Some(on))],
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    let point = point_from_row(&row)?;
    let (week, month): (Option<f64>, Option<f64>) = (row.try_get(7)?, row.try_get(8)?);
    Ok(Some(changes_of(point, week, month)))
}

/// The stored score on the latest day on or before `on` (or the latest day), with its
/// component values as stored JSON.
pub(crate) async fn score_as_of(
    tx: &Transaction<'_>,
    member: MemberId,
    version: &str,
    on: Option<NaiveDate>,
) -> Result<Option<(ScorePoint, String)>, StoreError> {
    let row = tx
        .query_opt(
            concat!(
                "SELECT ",
                point_columns!(),
                ", components FROM daily_scores WHERE member_id = $1 AND model_version = $2 AND date <= $3
                 ORDER BY date DESC LIMIT 1"
            ),
            &[&member.0, &version, &range_end(on)],
        )
        .await?;
    row.map(|row| Ok((point_from_row(&row)?, row.try_get(7)?))).transpose()
}

/// Change of the total from the score as of `now.date - days` to `now`.
pub(crate) async fn change_since(
    tx: &Transaction<'_>,
    member: MemberId,
    version: &str,
    now: &ScorePoint,
    days: u32,
) -> Result<Option<f64>, StoreError> {
    let Some(before_day) = days_before(now, days) else { return Ok(None) };
    let row = tx
        .query_opt(
            "SELECT total FROM daily_scores WHERE member_id = $1 AND model_version = $2 AND date <= $3
             ORDER BY date DESC LIMIT 1",
            &[&member.0, &version, &before_day],
        )
        .await?;
    let before: Option<f64> = row.map(|row| row.try_get(0)).transpose()?;
    Ok(before.map(|before| now.total - before))
}

/// The points of a series between `from` and `to`, in date order.
pub(crate) async fn points_in(
    tx: &Transaction<'_>,
    member: MemberId,
    version: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<ScorePoint>, StoreError> {
    let rows = tx
        .query(
            concat!(
                "SELECT ",
                point_columns!(),
                " FROM daily_scores WHERE member_id = $1 AND model_version = $2 AND date >= $3 AND date <= $4
                 ORDER BY date"
            ),
            &[&member.0, &version, &range_start(from), &range_end(to)],
        )
        .await?;
    rows.iter().map(point_from_row).collect()
}
