//! Which stored score series a member is read from, on PostgreSQL: `series.rs`'s rule
//! ([`crate::series::choose_version`]) over PostgreSQL's rows.
//!
//! Versions are compared and ordered byte by byte (`COLLATE "C"`), as SQLite compares
//! text, whatever the database's collation.

use super::rows::active_version;
use crate::error::StoreError;
use crate::series::{Choice, choose_version, score_point};
use crate::types::{MemberId, ScorePoint};
use tokio_postgres::{Row, Transaction};

/// The columns of a [`ScorePoint`], in [`point_from_row`] order.
macro_rules! point_columns {
    () => {
        "date, model_version, brand, people, insights, relationships, total"
    };
}
pub(crate) use point_columns;

/// The order that puts a member's latest pushed row first: the latest day, then the
/// row stored last, the greatest inserting transaction id (`xmin`), as SQLite takes the
/// greatest rowid. (Transaction ids order commits until they wrap around, after about
/// two billion writing transactions.)
macro_rules! latest_pushed_first {
    () => {
        r#" ORDER BY date DESC, xmin::text::bigint DESC, model_version COLLATE "C" DESC"#
    };
}
pub(crate) use latest_pushed_first;

/// A [`ScorePoint`] from a row of `point_columns!()`.
pub(crate) fn point_from_row(row: &Row) -> Result<ScorePoint, StoreError> {
    let pillars = [row.try_get(2)?, row.try_get(3)?, row.try_get(4)?, row.try_get(5)?];
    Ok(score_point(row.try_get(0)?, row.try_get(1)?, pillars, row.try_get(6)?))
}

/// The series a member's scores are read from: the active model's when the member has
/// rows under it, else the pushed series with the latest day.
pub(crate) async fn chosen_version(
    tx: &Transaction<'_>,
    member: MemberId,
) -> Result<Option<String>, StoreError> {
    chosen_version_given(tx, member, &active_version(tx).await?).await
}

/// [`chosen_version`] with the active model's version already read.
pub(crate) async fn chosen_version_given(
    tx: &Transaction<'_>,
    member: MemberId,
    active: &str,
) -> Result<Option<String>, StoreError> {
    let row = tx
        .query_one(
            r#"SELECT EXISTS (SELECT 1 FROM daily_scores WHERE member_id = $1 AND model_version = $2),
                 (SELECT min(model_version COLLATE "C") FROM daily_scores
                  WHERE member_id = $1 AND starts_with(model_version, 'push:')),
                 (SELECT max(model_version COLLATE "C") FROM daily_scores
                  WHERE member_id = $1 AND starts_with(model_version, 'push:'))"#,
            &[&member.0, &active],
        )
        .await?;
    match choose_version(active, row.try_get(0)?, row.try_get(1)?, row.try_get(2)?) {
        Choice::Version(version) => Ok(version),
        Choice::LatestPushed => {
            let row = tx
                .query_opt(
                    concat!(
                        "SELECT model_version FROM daily_scores
                         WHERE member_id = $1 AND starts_with(model_version, 'push:')",
                        latest_pushed_first!(),
                        " LIMIT 1"
                    ),
                    &[&member.0],
                )
                .await?;
            Ok(row.map(|row| row.try_get(0)).transpose()?)
        }
    }
}
