//! Imports of exports into PostgreSQL: `imports.rs`'s methods of [`crate::Store`] on
//! [`PgStore`], with the same results.
//!
//! One import is one transaction: the member (when named and new), the import
//! record, its events, its profile snapshot and the re-score land together or not at
//! all. Events are read from the export in batches and inserted as they come with
//! `ON CONFLICT DO NOTHING` in arrival order, so a re-import adds nothing and, of two
//! events with one key, the first is kept, as in SQLite.

use super::PgStore;
use super::events::{history_start, load_snapshots};
use super::rescore::{next_unscored_day, rescore_in};
use super::rows::{
    active_model, begin_write, find_or_create_member, member_by_id, now, refresh_horizon, whole_seconds,
};
use crate::db::check_day;
use crate::error::{ImportFailure, StoreError};
use crate::events::{earlier_day, event_key, parse_snapshot};
use crate::imports::{
    BATCH, check_event, import_rescore_start, parse_report, recorded_horizon_source, report_text,
    snapshot_text, stands_for_earlier_days,
};
use crate::types::{ImportMeta, ImportOutcome, ImportRecord, ImportTarget, MemberId, TargetedImport};
use chrono::{DateTime, NaiveDate, Utc};
use ssi_core::{ActivityEvent, ProfileSnapshot, PseudonymKey};
use tokio_postgres::Transaction;

impl PgStore {
    /// [`crate::Store::import_export`]: one export for `member` in one transaction,
    /// then re-scored; an export imported already changes nothing.
    pub fn import_export<E>(
        &self,
        member: MemberId,
        meta: &ImportMeta,
        profile: Option<&ProfileSnapshot>,
        events: impl IntoIterator<Item = Result<ActivityEvent, E>>,
        today: NaiveDate,
    ) -> Result<ImportOutcome, ImportFailure<E>> {
        let report = meta.report.clone();
        self.import_export_reporting(member, meta, profile, events.into_iter(), |_| report, today)
    }

    /// [`crate::Store::import_export_reporting`]: the report to record is taken from
    /// the event source once it has been read to its end.
    pub fn import_export_reporting<I, E>(
        &self,
        member: MemberId,
        meta: &ImportMeta,
        profile: Option<&ProfileSnapshot>,
        events: I,
        final_report: impl FnOnce(&I) -> serde_json::Value,
        today: NaiveDate,
    ) -> Result<ImportOutcome, ImportFailure<E>>
    where
        I: Iterator<Item = Result<ActivityEvent, E>>,
    {
        self.import_export_for(ImportTarget::Member(member), meta, profile, events, final_report, today)
            .map(|done| done.outcome)
    }

    /// [`crate::Store::import_export_for`]: for a member given by id or by name; a
    /// member named but not stored yet is created in the import's own transaction.
    pub fn import_export_for<I, E>(
        &self,
        target: ImportTarget<'_>,
        meta: &ImportMeta,
        profile: Option<&ProfileSnapshot>,
        events: I,
        final_report: impl FnOnce(&I) -> serde_json::Value,
        today: NaiveDate,
    ) -> Result<TargetedImport, ImportFailure<E>>
    where
        I: Iterator<Item = Result<ActivityEvent, E>>,
    {
        if meta.fingerprint.trim().is_empty() {
            return Err(StoreError::invalid("the import's fingerprint must not be empty").into());
        }
        // The future runs on this thread (block_on), so the export is read here, between
        // the batches sent; nothing of it needs to be Send.
        self.block_on(async {
            let mut client = self.client().await?;
            let tx = begin_write(&mut client).await?;
            let done = write_import(&tx, target, meta, profile, events, final_report, today).await?;
            tx.commit().await.map_err(StoreError::from)?;
            Ok(done)
        })
    }

    /// [`crate::Store::imports`]: the member's imports, oldest first.
    pub fn imports(&self, member: MemberId) -> Result<Vec<ImportRecord>, StoreError> {
        self.read_member(member, async |tx| {
            let rows = tx
                .query(
                    "SELECT id, fingerprint, imported_at, export_date, source_name, events_seen, events_added,
                            report::text
                     FROM imports WHERE member_id = $1 ORDER BY imported_at, id",
                    &[&member.0],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(ImportRecord {
                        id: row.try_get(0)?,
                        member,
                        fingerprint: row.try_get(1)?,
                        imported_at: row.try_get(2)?,
                        export_date: row.try_get(3)?,
                        source_name: row.try_get(4)?,
                        events_seen: row.try_get::<_, i64>(5)?.max(0) as u64,
                        events_added: row.try_get::<_, i64>(6)?.max(0) as u64,
                        report: parse_report(row.try_get(7)?)?,
                    })
                })
                .collect()
        })
    }
}

/// The import in its transaction: find (or create) the member, stop at an export
/// imported already, else insert the events batch by batch, store the snapshot and
/// the report, refresh the horizon and re-score.
async fn write_import<I, E>(
    tx: &Transaction<'_>,
    target: ImportTarget<'_>,
    meta: &ImportMeta,
    profile: Option<&ProfileSnapshot>,
    mut events: I,
    final_report: impl FnOnce(&I) -> serde_json::Value,
    today: NaiveDate,
) -> Result<TargetedImport, ImportFailure<E>>
where
    I: Iterator<Item = Result<ActivityEvent, E>>,
{
    let (target_member, created) = match target {
        ImportTarget::Member(id) => (member_by_id(tx, id).await?, false),
        ImportTarget::Named { name, industry } => find_or_create_member(tx, name, industry).await?,
    };
    let member = target_member.id;
    let earlier = tx
        .query_opt(
            "SELECT imported_at FROM imports WHERE member_id = $1 AND fingerprint = $2",
            &[&member.0, &meta.fingerprint],
        )
        .await
        .map_err(StoreError::from)?;
    if let Some(row) = earlier {
        let on: DateTime<Utc> = row.try_get(0).map_err(StoreError::from)?;
        return Ok(TargetedImport {
            member: target_member,
            created,
            outcome: ImportOutcome::AlreadyImported { on },
        });
    }
    let import_id: i64 = tx
        .query_one(
            "INSERT INTO imports (member_id, fingerprint, imported_at, export_date, horizon_source, source_name, report)
             VALUES ($1, $2, $3, $4, $5, $6, '{}'::jsonb) RETURNING id",
            &[
                &member.0,
                &meta.fingerprint,
                &now()?,
                &meta.export_date,
                &recorded_horizon_source(meta),
                &meta.source_name,
            ],
        )
        .await
        .and_then(|row| row.try_get(0))
        .map_err(StoreError::from)?;

    let (mut seen, mut added, mut first_new_day) = (0u64, 0u64, None);
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let next = events.next();
        let end = next.is_none();
        if let Some(item) = next {
            let event = item.map_err(ImportFailure::Source)?;
            seen += 1;
            check_event(&event, seen)?;
            batch.push(event);
        }
        if batch.len() == BATCH || (end && !batch.is_empty()) {
            let (count, first) = insert_events(tx, member, &batch).await?;
            added += count;
            first_new_day = earlier_day(first_new_day, first.map(|at| at.date_naive()));
            batch.clear();
        }
        if end {
            break;
        }
    }
    let report = report_text(&final_report(&events))?;

    let snapshot_changed = match profile {
        Some(profile) => store_snapshot(tx, member, profile).await?,
        None => None,
    };
    tx.execute(
        "UPDATE imports SET events_seen = $1, events_added = $2, report = $3::text::jsonb WHERE id = $4",
        &[&(seen as i64), &(added as i64), &report, &import_id],
    )
    .await
    .map_err(StoreError::from)?;

    let first_changed_day = earlier_day(first_new_day, snapshot_changed);
    let days_rescored = rescore_after_import(tx, member, first_changed_day, today).await?;
    tracing::info!(member = member.0, seen, added, ?first_changed_day, days_rescored, "imported export");
    // Read again: the import moved the member's horizon.
    Ok(TargetedImport {
        member: member_by_id(tx, member).await?,
        created,
        outcome: ImportOutcome::Imported {
            events_seen: seen,
            events_added: added,
            first_changed_day,
            days_rescored,
        },
    })
}

/// `imports.rs`'s `rescore_after_import` on PostgreSQL: after an import changed the
/// member's inputs from `first_changed_day` (if any), refreshes the horizon first
/// (re-scoring stops at it), then re-scores from that day, or from the day after the
/// last scored one if earlier, up to `today`. Returns the days scored.
pub(super) async fn rescore_after_import(
    tx: &Transaction<'_>,
    member: MemberId,
    first_changed_day: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<usize, StoreError> {
    refresh_horizon(tx, member).await?;
    let model = active_model(tx).await?;
    let pending = next_unscored_day(tx, member, &model.version).await?;
    match import_rescore_start(first_changed_day, pending, today) {
        Some(from) => rescore_in(tx, &model, member, from, today).await,
        None => Ok(0),
    }
}

/// Inserts a batch of events in arrival order, leaving out those stored already (and
/// repeats within the batch: the first is kept). Returns how many were added and the
/// earliest time among them.
pub(super) async fn insert_events(
    tx: &Transaction<'_>,
    member: MemberId,
    batch: &[ActivityEvent],
) -> Result<(u64, Option<DateTime<Utc>>), StoreError> {
    let at = batch.iter().map(|e| whole_seconds(e.at)).collect::<Result<Vec<_>, _>>()?;
    let key: Vec<i64> = batch.iter().map(|e| event_key(&e.natural_key)).collect();
    let kind: Vec<&str> = batch.iter().map(|e| e.kind.as_str()).collect();
    let counterpart: Vec<Option<&str>> =
        batch.iter().map(|e| e.counterpart.as_ref().map(PseudonymKey::as_str)).collect();
    let conversation: Vec<Option<&str>> =
        batch.iter().map(|e| e.conversation.as_ref().map(PseudonymKey::as_str)).collect();
    let title: Vec<Option<&str>> = batch.iter().map(|e| e.counterpart_title.as_deref()).collect();
    let company: Vec<Option<&str>> = batch.iter().map(|e| e.counterpart_company.as_deref()).collect();
    let personalised: Vec<bool> = batch.iter().map(|e| e.personalised).collect();
    let row = tx
        .query_one(
            "WITH added AS (
                 INSERT INTO events (member_id, at, key, kind, counterpart, conversation, counterpart_title,
                                     counterpart_company, personalised)
                 SELECT $1, at, key, kind, counterpart, conversation, title, company, personalised
                 FROM unnest($2::timestamptz[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                             $8::text[], $9::bool[])
                      WITH ORDINALITY AS batch (at, key, kind, counterpart, conversation, title, company,
                                               personalised, arrival)
                 ORDER BY arrival
                 ON CONFLICT (member_id, at, key) DO NOTHING
                 RETURNING at)
             SELECT count(*), min(at) FROM added",
            &[&member.0, &at, &key, &kind, &counterpart, &conversation, &title, &company, &personalised],
        )
        .await?;
    Ok((row.try_get::<_, i64>(0)?.max(0) as u64, row.try_get(1)?))
}

/// `imports.rs`'s `store_snapshot` on PostgreSQL: stores a snapshot for its day unless
/// an identical one is there, and returns the first day whose profile input changed.
async fn store_snapshot(
    tx: &Transaction<'_>,
    member: MemberId,
    profile: &ProfileSnapshot,
) -> Result<Option<NaiveDate>, StoreError> {
    check_day(profile.taken_on, "profile snapshot")?;
    let existing = tx
        .query_opt(
            "SELECT profile::text FROM profile_snapshots WHERE member_id = $1 AND taken_on = $2",
            &[&member.0, &profile.taken_on],
        )
        .await?;
    if let Some(row) = existing
        && parse_snapshot(row.try_get(0)?)? == *profile
    {
        return Ok(None);
    }
    let earliest: Option<NaiveDate> = tx
        .query_one("SELECT min(taken_on) FROM profile_snapshots WHERE member_id = $1", &[&member.0])
        .await?
        .try_get(0)?;
    tx.execute(
        "INSERT INTO profile_snapshots (member_id, taken_on, profile) VALUES ($1, $2, $3::text::jsonb)
         ON CONFLICT (member_id, taken_on) DO UPDATE SET profile = excluded.profile",
        &[&member.0, &profile.taken_on, &snapshot_text(profile)?],
    )
    .await?;
    if stands_for_earlier_days(profile, earliest) {
        let profiles = load_snapshots(tx, member).await?;
        return history_start(tx, member, &profiles).await;
    }
    Ok(Some(profile.taken_on))
}
