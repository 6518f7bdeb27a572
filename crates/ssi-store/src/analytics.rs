//! Creator analytics: importing LinkedIn's analytics workbook in one transaction, and reading its days, followers and posts back.
//!
//! The workbook's engagements and new followers are stored as events (see
//! `ssi_core::analytics`), so scoring, calibration and advice read them like
//! any other; the tables of migration 0005 keep what is shown beside them.
//! Overlapping workbooks merge: every figure keeps the larger of the values
//! reported (LinkedIn revises recent days upward), and a workbook imported
//! again changes nothing.

use crate::Store;
use crate::db::{cached_row, check_day, instant, now_seconds};
use crate::error::StoreError;
use crate::events::{earlier_day, event_key};
use crate::imports::rescore_after_import;
use crate::members::ensure_member;
use crate::types::MemberId;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use ssi_core::analytics::{DayFigures, ExportPost, FollowerTotal, PostFigures, day_events};

/// A read workbook, as the store keeps it.
#[derive(Debug, Clone, Copy)]
pub struct WorkbookImport<'a> {
    /// The file's fingerprint: the same file is imported once per member.
    pub fingerprint: &'a str,
    /// The file's name as the member knows it.
    pub source_name: &'a str,
    /// The daily figures.
    pub days: &'a [DayFigures],
    /// The follower total on its date.
    pub follower_total: Option<FollowerTotal>,
    /// The posts' figures.
    pub posts: &'a [PostFigures],
    /// The importer's report, recorded with the import.
    pub report: &'a serde_json::Value,
}

/// What importing a workbook did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkbookOutcome {
    /// This member already imported this very file; nothing changed.
    AlreadyImported {
        /// When the earlier import happened.
        on: DateTime<Utc>,
    },
    /// The workbook was merged in.
    Imported {
        /// Days whose stored figures it added or raised.
        days_changed: u64,
        /// Engagement, follower and day-marker events that were new.
        events_added: u64,
        /// Posts whose figures it added or raised.
        posts_changed: u64,
        /// Whether the follower total was new or higher.
        follower_total_changed: bool,
        /// The first day whose score inputs changed, if any did.
        first_changed_day: Option<NaiveDate>,
        /// Daily score rows written under the active model.
        days_rescored: usize,
    },
}

impl Store {
    /// Imports a creator analytics workbook for `member` in ONE transaction:
    /// records the import, merges its days, follower total and posts (the
    /// larger value wins), adds the events its days score as, and re-scores
    /// the member from the first day whose inputs changed up to `today`.
    /// A file this member imported already changes nothing.
    pub fn import_workbook(
        &self,
        member: MemberId,
        workbook: &WorkbookImport<'_>,
        today: NaiveDate,
    ) -> Result<WorkbookOutcome, StoreError> {
        check_workbook(workbook)?;
        self.pool.write(|tx| write_workbook(tx, member, workbook, today))
    }

    /// The member's daily creator analytics from `from` to `to` (inclusive; `None` = open), oldest first.
    pub fn analytics_days(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<DayFigures>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let mut stmt = tx.prepare_cached(
                "SELECT date, impressions, engagements, new_followers FROM analytics_days
                 WHERE member_id = ?1 AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3) ORDER BY date",
            )?;
            let rows = stmt.query_map(params![member.0, from, to], |row| {
                Ok(DayFigures {
                    date: row.get(0)?,
                    impressions: count_from(row.get(1)?),
                    engagements: count_from(row.get(2)?),
                    new_followers: count_from(row.get(3)?),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The member's follower totals, oldest first.
    pub fn follower_totals(&self, member: MemberId) -> Result<Vec<FollowerTotal>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let mut stmt = tx.prepare_cached(
                "SELECT date, followers FROM follower_totals WHERE member_id = ?1 ORDER BY date",
            )?;
            let rows = stmt.query_map([member.0], |row| {
                Ok(FollowerTotal { date: row.get(0)?, followers: count_from(row.get(1)?).unwrap_or(0) })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The member's posts with their figures, most engagements first (then
    /// most impressions, then newest).
    pub fn post_analytics(&self, member: MemberId) -> Result<Vec<PostFigures>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let mut stmt = tx.prepare_cached(
                "SELECT activity_id, published, engagements, impressions FROM post_analytics WHERE member_id = ?1
                 ORDER BY coalesce(engagements, -1) DESC, coalesce(impressions, -1) DESC, published DESC, activity_id",
            )?;
            let rows = stmt.query_map([member.0], |row| {
                Ok(PostFigures {
                    activity_id: row.get(0)?,
                    published: row.get(1)?,
                    engagements: count_from(row.get(2)?),
                    impressions: count_from(row.get(3)?),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

impl Store {
    /// The member's own posts as their data exports list them (recorded in
    /// the exports' import reports), one per activity id, oldest first.
    pub fn export_posts(&self, member: MemberId) -> Result<Vec<ExportPost>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let mut stmt = tx.prepare_cached(
                "SELECT DISTINCT post.value FROM imports, json_each(imports.report, '$.posts') AS post
                 WHERE imports.member_id = ?1 AND json_valid(imports.report) AND post.type = 'object'",
            )?;
            let rows = stmt.query_map([member.0], |row| row.get::<_, String>(0))?;
            export_posts_from(rows.map(|text| text.map_err(StoreError::from)))
        })
    }
}

/// Refuses a workbook the store cannot keep, before any transaction: an empty
/// fingerprint, or a day outside years 1–9999.
pub(crate) fn check_workbook(workbook: &WorkbookImport<'_>) -> Result<(), StoreError> {
    if workbook.fingerprint.trim().is_empty() {
        return Err(StoreError::invalid("the workbook's fingerprint must not be empty"));
    }
    for day in workbook.days {
        check_day(day.date, "a workbook day")?;
    }
    Ok(())
}

/// Refuses a follower total outside years 1–9999 (checked inside the import's
/// transaction, after the days are merged, so a refusal rolls them back).
pub(crate) fn check_follower_total(total: &FollowerTotal) -> Result<(), StoreError> {
    check_day(total.date, "the follower total's day")
}

/// The workbook's report as stored text.
pub(crate) fn workbook_report_text(report: &serde_json::Value) -> Result<String, StoreError> {
    serde_json::to_string(report)
        .map_err(|e| StoreError::invalid(format!("the workbook report cannot be stored: {e}")))
}

/// The export posts recorded in import reports (their JSON texts, in any order) as
/// [`Store::export_posts`] gives them: one per activity id (its oldest day, and of
/// that day's the first by form, so the answer never depends on the order the
/// database gave the texts in), oldest first.
pub(crate) fn export_posts_from(
    texts: impl IntoIterator<Item = Result<String, StoreError>>,
) -> Result<Vec<ExportPost>, StoreError> {
    let mut posts: Vec<ExportPost> = Vec::new();
    for text in texts {
        let post: ExportPost = serde_json::from_str(&text?)
            .map_err(|e| StoreError::invalid(format!("a stored export post does not load: {e}")))?;
        posts.push(post);
    }
    posts.sort_by(|a, b| (&a.activity_id, a.date, a.form).cmp(&(&b.activity_id, b.date, b.form)));
    posts.dedup_by(|later, kept| later.activity_id == kept.activity_id);
    posts.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.activity_id.cmp(&b.activity_id)));
    Ok(posts)
}

/// A stored count back (never negative: the tables check it).
pub(crate) fn count_from(stored: Option<i64>) -> Option<u64> {
    stored.map(|n| n.max(0) as u64)
}

/// A count as the tables store it.
pub(crate) fn stored(n: Option<u64>) -> Option<i64> {
    n.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

// The merges of a workbook into what is stored, the same statements on both backends
// (`$n` parameters, which SQLite binds by position too; CASE where SQLite would say
// max() and PostgreSQL greatest()): every figure keeps the larger value reported, a
// missing one never replaces a known one, and a row counts as changed only when a
// figure rose or appeared.

/// Merges one day's figures: member, date, impressions, engagements, new followers.
pub(crate) const MERGE_DAY_SQL: &str = "INSERT INTO analytics_days AS d (member_id, date, impressions, engagements, new_followers)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (member_id, date) DO UPDATE SET
         impressions = CASE WHEN excluded.impressions > coalesce(d.impressions, -1) THEN excluded.impressions ELSE d.impressions END,
         engagements = CASE WHEN excluded.engagements > coalesce(d.engagements, -1) THEN excluded.engagements ELSE d.engagements END,
         new_followers = CASE WHEN excluded.new_followers > coalesce(d.new_followers, -1) THEN excluded.new_followers ELSE d.new_followers END
     WHERE excluded.impressions > coalesce(d.impressions, -1)
        OR excluded.engagements > coalesce(d.engagements, -1)
        OR excluded.new_followers > coalesce(d.new_followers, -1)";

/// Merges the follower total: member, date, followers.
pub(crate) const MERGE_FOLLOWER_TOTAL_SQL: &str =
    "INSERT INTO follower_totals AS t (member_id, date, followers) VALUES ($1, $2, $3)
     ON CONFLICT (member_id, date) DO UPDATE SET followers = excluded.followers
     WHERE excluded.followers > t.followers";

/// Merges one post's figures: member, activity id, published, engagements, impressions.
pub(crate) const MERGE_POST_SQL: &str = "INSERT INTO post_analytics AS p (member_id, activity_id, published, engagements, impressions)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (member_id, activity_id) DO UPDATE SET
         published = coalesce(p.published, excluded.published),
         engagements = CASE WHEN excluded.engagements > coalesce(p.engagements, -1) THEN excluded.engagements ELSE p.engagements END,
         impressions = CASE WHEN excluded.impressions > coalesce(p.impressions, -1) THEN excluded.impressions ELSE p.impressions END
     WHERE excluded.engagements > coalesce(p.engagements, -1)
        OR excluded.impressions > coalesce(p.impressions, -1)
        OR (p.published IS NULL AND excluded.published IS NOT NULL)";

fn write_workbook(
    tx: &Connection,
    member: MemberId,
    workbook: &WorkbookImport<'_>,
    today: NaiveDate,
) -> Result<WorkbookOutcome, StoreError> {
    ensure_member(tx, member)?;
    let earlier: Option<i64> = cached_row(
        tx,
        "SELECT imported_at FROM imports WHERE member_id = ?1 AND fingerprint = ?2",
        params![member.0, workbook.fingerprint],
        |row| row.get(0),
    )
    .optional()?;
    if let Some(on) = earlier {
        return Ok(WorkbookOutcome::AlreadyImported { on: instant(on)? });
    }
    let report = workbook_report_text(workbook.report)?;

    let mut tally = WorkbookTally::default();
    {
        let mut upsert = tx.prepare_cached(MERGE_DAY_SQL)?;
        for day in workbook.days {
            tally.days_changed += upsert.execute(params![
                member.0,
                day.date,
                stored(day.impressions),
                stored(day.engagements),
                stored(day.new_followers)
            ])? as u64;
        }
    }

    tally.follower_total_changed = match workbook.follower_total {
        Some(total) => {
            check_follower_total(&total)?;
            tx.prepare_cached(MERGE_FOLLOWER_TOTAL_SQL)?.execute(params![
                member.0,
                total.date,
                stored(Some(total.followers))
            ])? > 0
        }
        None => false,
    };

    {
        let mut upsert = tx.prepare_cached(MERGE_POST_SQL)?;
        for post in workbook.posts {
            tally.posts_changed += upsert.execute(params![
                member.0,
                post.activity_id,
                post.published,
                stored(post.engagements),
                stored(post.impressions)
            ])? as u64;
        }
    }

    // One event per engagement and follower, keyed by day and ordinal: a
    // raised figure adds exactly the difference (see ssi_core::analytics).
    {
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO events (member_id, at, key, kind, personalised) VALUES (?1, ?2, ?3, ?4, 0)",
        )?;
        for event in day_events(workbook.days) {
            tally.events_seen += 1;
            let added = insert.execute(params![
                member.0,
                event.at.timestamp(),
                event_key(&event.natural_key),
                event.kind.as_str()
            ])?;
            if added > 0 {
                tally.events_added += 1;
                tally.first_changed_day = earlier_day(tally.first_changed_day, Some(event.day()));
            }
        }
    }

    tx.execute(
        "INSERT INTO imports (member_id, fingerprint, imported_at, export_date, horizon_source, source_name,
                              events_seen, events_added, report)
         VALUES (?1, ?2, ?3, NULL, NULL, ?4, ?5, ?6, ?7)",
        params![
            member.0,
            workbook.fingerprint,
            now_seconds(),
            workbook.source_name,
            tally.events_seen as i64,
            tally.events_added as i64,
            report
        ],
    )?;

    let days_rescored = rescore_after_import(tx, member, tally.first_changed_day, today)?;
    Ok(tally.outcome(member, days_rescored))
}

/// What a workbook import changed, counted as it goes (on either backend).
#[derive(Debug, Default)]
pub(crate) struct WorkbookTally {
    /// Days whose stored figures it added or raised.
    pub(crate) days_changed: u64,
    /// The events its days score as.
    pub(crate) events_seen: u64,
    /// Those of them that were new.
    pub(crate) events_added: u64,
    /// Posts whose figures it added or raised.
    pub(crate) posts_changed: u64,
    /// Whether the follower total was new or higher.
    pub(crate) follower_total_changed: bool,
    /// The first day of a new event.
    pub(crate) first_changed_day: Option<NaiveDate>,
}

impl WorkbookTally {
    /// The import's outcome once the member was re-scored (`days_rescored` rows), logged.
    pub(crate) fn outcome(self, member: MemberId, days_rescored: usize) -> WorkbookOutcome {
        tracing::info!(
            member = member.0,
            days_changed = self.days_changed,
            events_added = self.events_added,
            posts_changed = self.posts_changed,
            days_rescored,
            "imported workbook"
        );
        WorkbookOutcome::Imported {
            days_changed: self.days_changed,
            events_added: self.events_added,
            posts_changed: self.posts_changed,
            follower_total_changed: self.follower_total_changed,
            first_changed_day: self.first_changed_day,
            days_rescored,
        }
    }
}
