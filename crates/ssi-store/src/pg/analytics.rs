//! Creator analytics on PostgreSQL: `analytics.rs`'s methods of [`crate::Store`] on
//! [`PgStore`], with the same results.
//!
//! A workbook import is one write transaction (queued behind the data version's row,
//! as every PostgreSQL write is): the days, the follower total and the posts merge by
//! the same statements SQLite runs (`analytics.rs`'s `MERGE_*_SQL`), the events the
//! days score as are inserted like an export's, the import is recorded, and the member
//! is re-scored as after an export. Reads order rows as SQLite does: NULLs lowest and
//! text byte by byte (`COLLATE "C"`).

use super::PgStore;
use super::imports::{insert_events, rescore_after_import};
use super::members::lock_member;
use super::rows::now;
use super::transactions::{Params, execute, optional_row, rows};
use crate::analytics::{
    MERGE_DAY_SQL, MERGE_FOLLOWER_TOTAL_SQL, MERGE_POST_SQL, WorkbookImport, WorkbookOutcome, WorkbookTally,
    check_follower_total, check_workbook, count_from, export_posts_from, stored, workbook_report_text,
};
use crate::error::StoreError;
use crate::events::earlier_day;
use crate::imports::BATCH;
use crate::types::MemberId;
use chrono::{DateTime, NaiveDate, Utc};
use ssi_core::ActivityEvent;
use ssi_core::analytics::{DayFigures, ExportPost, FollowerTotal, PostFigures, day_events};
use tokio_postgres::Row;
use tokio_postgres::Transaction;

impl PgStore {
    /// [`crate::Store::import_workbook`]: a creator analytics workbook for `member` in
    /// ONE transaction, merged by the larger value, its events added and the member
    /// re-scored from the first day whose inputs changed up to `today`; a file this
    /// member imported already changes nothing.
    pub fn import_workbook(
        &self,
        member: MemberId,
        workbook: &WorkbookImport<'_>,
        today: NaiveDate,
    ) -> Result<WorkbookOutcome, StoreError> {
        check_workbook(workbook)?;
        self.write(async |tx| write_workbook(tx, member, workbook, today).await)
    }

    /// [`crate::Store::analytics_days`]: the member's daily creator analytics from
    /// `from` to `to` (inclusive; `None` = open), oldest first.
    pub fn analytics_days(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<DayFigures>, StoreError> {
        self.read_member(member, async |tx| {
            mapped(
                tx,
                "SELECT date, impressions, engagements, new_followers FROM analytics_days
                 WHERE member_id = $1 AND ($2::date IS NULL OR date >= $2) AND ($3::date IS NULL OR date <= $3)
                 ORDER BY date",
                &[&member.0, &from, &to],
                |row| {
                    Ok(DayFigures {
                        date: row.try_get(0)?,
                        impressions: count_from(row.try_get(1)?),
                        engagements: count_from(row.try_get(2)?),
                        new_followers: count_from(row.try_get(3)?),
                    })
                },
            )
            .await
        })
    }

    /// [`crate::Store::follower_totals`]: the member's follower totals, oldest first.
    pub fn follower_totals(&self, member: MemberId) -> Result<Vec<FollowerTotal>, StoreError> {
        self.read_member(member, async |tx| {
            mapped(
                tx,
                "SELECT date, followers FROM follower_totals WHERE member_id = $1 ORDER BY date",
                &[&member.0],
                |row| {
                    Ok(FollowerTotal {
                        date: row.try_get(0)?,
                        followers: count_from(row.try_get(1)?).unwrap_or(0),
                    })
                },
            )
            .await
        })
    }

    /// [`crate::Store::post_analytics`]: the member's posts with their figures, most
    /// engagements first (then most impressions, then newest, then by activity id).
    pub fn post_analytics(&self, member: MemberId) -> Result<Vec<PostFigures>, StoreError> {
        self.read_member(member, async |tx| {
            // SQLite sorts NULL below every date, so a post without one comes last.
            mapped(
                tx,
                r#"SELECT activity_id, published, engagements, impressions FROM post_analytics WHERE member_id = $1
                   ORDER BY coalesce(engagements, -1) DESC, coalesce(impressions, -1) DESC,
                            published DESC NULLS LAST, activity_id COLLATE "C""#,
                &[&member.0],
                |row| {
                    Ok(PostFigures {
                        activity_id: row.try_get(0)?,
                        published: row.try_get(1)?,
                        engagements: count_from(row.try_get(2)?),
                        impressions: count_from(row.try_get(3)?),
                    })
                },
            )
            .await
        })
    }

    /// [`crate::Store::export_posts`]: the member's own posts as their data exports
    /// list them (recorded in the exports' import reports), one per activity id,
    /// oldest first.
    pub fn export_posts(&self, member: MemberId) -> Result<Vec<ExportPost>, StoreError> {
        self.read_member(member, async |tx| {
            // SQLite's json_each(report, '$.posts') walks an array's elements or an
            // object's values; both are taken here, and only objects are posts.
            let found = rows(
                tx,
                "SELECT DISTINCT post::text FROM imports,
                     LATERAL (SELECT value FROM jsonb_array_elements(
                                  CASE jsonb_typeof(report -> 'posts') WHEN 'array' THEN report -> 'posts' END)
                              UNION ALL
                              SELECT value FROM jsonb_each(
                                  CASE jsonb_typeof(report -> 'posts') WHEN 'object' THEN report -> 'posts' END))
                         AS posts (post)
                 WHERE imports.member_id = $1 AND jsonb_typeof(post) = 'object'",
                &[&member.0],
            )
            .await?;
            export_posts_from(found.iter().map(|row| Ok(row.try_get::<_, String>(0)?)))
        })
    }
}

/// The import in its transaction, step for step as SQLite's `write_workbook`: stop at
/// a file imported already, else merge the days, the follower total and the posts,
/// add the days' events, record the import and re-score.
async fn write_workbook(
    tx: &Transaction<'_>,
    member: MemberId,
    workbook: &WorkbookImport<'_>,
    today: NaiveDate,
) -> Result<WorkbookOutcome, StoreError> {
    lock_member(tx, member).await?;
    let earlier = optional_row(
        tx,
        "SELECT imported_at FROM imports WHERE member_id = $1 AND fingerprint = $2",
        &[&member.0, &workbook.fingerprint],
    )
    .await?;
    if let Some(row) = earlier {
        let on: DateTime<Utc> = row.try_get(0)?;
        return Ok(WorkbookOutcome::AlreadyImported { on });
    }
    let report = workbook_report_text(workbook.report)?;

    let mut tally = WorkbookTally::default();
    for day in workbook.days {
        let figures = [stored(day.impressions), stored(day.engagements), stored(day.new_followers)];
        tally.days_changed +=
            execute(tx, MERGE_DAY_SQL, &[&member.0, &day.date, &figures[0], &figures[1], &figures[2]])
                .await?;
    }

    tally.follower_total_changed = match workbook.follower_total {
        Some(total) => {
            check_follower_total(&total)?;
            let followers = stored(Some(total.followers));
            execute(tx, MERGE_FOLLOWER_TOTAL_SQL, &[&member.0, &total.date, &followers]).await? > 0
        }
        None => false,
    };

    for post in workbook.posts {
        let figures = [stored(post.engagements), stored(post.impressions)];
        let params: &Params<'_> = &[&member.0, &post.activity_id, &post.published, &figures[0], &figures[1]];
        tally.posts_changed += execute(tx, MERGE_POST_SQL, params).await?;
    }

    // The days' events go in like an export's, batch by batch in their order.
    let mut events = day_events(workbook.days).peekable();
    while events.peek().is_some() {
        let batch: Vec<ActivityEvent> = events.by_ref().take(BATCH).collect();
        tally.events_seen += batch.len() as u64;
        let (added, first) = insert_events(tx, member, &batch).await?;
        tally.events_added += added;
        tally.first_changed_day = earlier_day(tally.first_changed_day, first.map(|at| at.date_naive()));
    }

    execute(
        tx,
        "INSERT INTO imports (member_id, fingerprint, imported_at, export_date, horizon_source, source_name,
                              events_seen, events_added, report)
         VALUES ($1, $2, $3, NULL, NULL, $4, $5, $6, $7::text::jsonb)",
        &[
            &member.0,
            &workbook.fingerprint,
            &now()?,
            &workbook.source_name,
            &(tally.events_seen as i64),
            &(tally.events_added as i64),
            &report,
        ],
    )
    .await?;

    let days_rescored = rescore_after_import(tx, member, tally.first_changed_day, today).await?;
    Ok(tally.outcome(member, days_rescored))
}

/// The rows `sql` gives, each read by `read`.
async fn mapped<T>(
    tx: &Transaction<'_>,
    sql: &str,
    params: &Params<'_>,
    read: impl Fn(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows(tx, sql, params).await?.iter().map(read).collect()
}
