//! Imports of exports: events and profile snapshots stored in one transaction, then re-scored; the import records.

use crate::Store;
use crate::db::{cached_row, check_day, day_in_range, instant, now_seconds, run_write};
use crate::error::{ImportFailure, StoreError};
use crate::events::{earlier_day, event_key, history_start, load_snapshots, parse_snapshot, pseudonym_value};
use crate::members::{ensure_member, find_or_create_member, member_by_id, refresh_horizon};
use crate::models::active_model_in;
use crate::rescore::{next_unscored_day, rescore_in};
use crate::types::{ImportMeta, ImportOutcome, ImportRecord, ImportTarget, MemberId, TargetedImport};
use chrono::NaiveDate;
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OptionalExtension, params};
use ssi_core::{ActivityEvent, HorizonSource, ProfileSnapshot, PseudonymKey};
use std::sync::mpsc;

/// The columns of an import's staged events, in [`move_staged_events`]'s order.
macro_rules! import_event_columns {
    () => {
        "at, key, kind, counterpart, conversation, counterpart_title, counterpart_company, personalised"
    };
}

impl Store {
    /// Imports one export for `member` in ONE transaction, then re-scores.
    ///
    /// - An export whose fingerprint this member already imported changes
    ///   nothing: [`ImportOutcome::AlreadyImported`] with the earlier date,
    ///   and the iterator is not read.
    /// - Otherwise the events are streamed (never collected) into a prepared
    ///   `INSERT OR IGNORE`: the natural key makes re-imports and overlapping
    ///   exports add only events not stored yet. The profile snapshot (if
    ///   any) is stored for its day, the import is recorded, and the member's
    ///   scores under the active model are recomputed from the first day
    ///   whose inputs changed (or from the day after the last scored day, if
    ///   earlier) up to `today`, in the same transaction.
    /// - An `Err` from the iterator rolls everything back and is returned as
    ///   [`ImportFailure::Source`].
    ///
    /// Event times are stored as whole UTC seconds.
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

    /// [`Store::import_export`], with the report to record taken from the
    /// event source once it has been read to its end (`meta.report` is then
    /// ignored). An importer's report is only complete after its events, and
    /// this records the complete one in the same transaction.
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

    /// [`Store::import_export_reporting`] for a member given by id or by name. A member
    /// named but not stored yet is created in the import's own transaction: an import that
    /// fails, or whose process is killed, leaves no member behind (creating the member
    /// first and deleting it on failure cannot promise that).
    pub fn import_export_for<I, E>(
        &self,
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
        if meta.fingerprint.trim().is_empty() {
            return Err(StoreError::invalid("the import's fingerprint must not be empty").into());
        }
        // Two threads: this one reads the export (the iterator: unzip, decode,
        // parse, pseudonymise) while a helper holds the writer connection and
        // inserts, records and re-scores, so parsing and SQLite work overlap.
        // Events cross in bounded batches: memory stays flat in the export's size.
        let (batches_in, batches_out) = mpsc::sync_channel::<Vec<ActivityEvent>>(BATCHES_IN_FLIGHT);
        let (end_in, end_out) = mpsc::sync_channel::<Option<serde_json::Value>>(1);
        let (go_in, go_out) = mpsc::sync_channel::<()>(1);
        self.pool.with_writer(|conn| {
            std::thread::scope(|scope| {
                let writer = scope.spawn(move || {
                    run_write(conn, |tx| {
                        write_import(tx, target, meta, profile, today, &go_in, &batches_out, &end_out)
                    })
                });
                // Nothing is read from the export before the writer says the
                // import goes ahead (an export imported already is not read).
                let mut failure: Option<ImportFailure<E>> = None;
                if go_out.recv().is_ok() {
                    let mut batch = Vec::with_capacity(BATCH);
                    let mut seen = 0u64;
                    for item in events.by_ref() {
                        let event = match item {
                            Ok(event) => event,
                            Err(e) => {
                                failure = Some(ImportFailure::Source(e));
                                break;
                            }
                        };
                        seen += 1;
                        if let Err(e) = check_event(&event, seen) {
                            failure = Some(e.into());
                            break;
                        }
                        batch.push(event);
                        if batch.len() == BATCH
                            && batches_in
                                .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                                .is_err()
                        {
                            // The writer stopped: its error is the answer.
                            break;
                        }
                    }
                    if !batch.is_empty() && failure.is_none() {
                        let _ = batches_in.send(batch);
                    }
                    drop(batches_in);
                    let report = if failure.is_none() { Some(final_report(&events)) } else { None };
                    let _ = end_in.send(report);
                }
                match writer.join() {
                    Ok(Ok(done)) => Ok(done),
                    // The writer's own failure happened at an earlier event than
                    // anything this side saw, so it is the answer.
                    Ok(Err(WriterEnd::Failed(e))) => Err(ImportFailure::Store(e)),
                    Ok(Err(WriterEnd::Stopped)) => {
                        Err(failure.unwrap_or_else(|| StoreError::invalid("the import stopped").into()))
                    }
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            })
        })
    }

    /// The member's imports, oldest first.
    pub fn imports(&self, member: MemberId) -> Result<Vec<ImportRecord>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let mut stmt = tx.prepare_cached(
                "SELECT id, fingerprint, imported_at, export_date, source_name, events_seen, events_added, report
                 FROM imports WHERE member_id = ?1 ORDER BY imported_at, id",
            )?;
            let mut rows = stmt.query([member.0])?;
            let mut imports = Vec::new();
            while let Some(row) = rows.next()? {
                let report: String = row.get(7)?;
                imports.push(ImportRecord {
                    id: row.get(0)?,
                    member,
                    fingerprint: row.get(1)?,
                    imported_at: instant(row.get(2)?)?,
                    export_date: row.get(3)?,
                    source_name: row.get(4)?,
                    events_seen: row.get::<_, i64>(5)?.max(0) as u64,
                    events_added: row.get::<_, i64>(6)?.max(0) as u64,
                    report: parse_report(&report)?,
                });
            }
            Ok(imports)
        })
    }
}

/// Events per batch handed from the reading thread to the writing one.
pub(crate) const BATCH: usize = 512;
/// Batches queued between the two threads.
const BATCHES_IN_FLIGHT: usize = 8;

/// Why the writing side of an import ended without an outcome.
enum WriterEnd {
    /// The reading side stopped it (the export failed, or an event was refused there).
    Stopped,
    /// The store failed.
    Failed(StoreError),
}

impl From<StoreError> for WriterEnd {
    fn from(e: StoreError) -> Self {
        WriterEnd::Failed(e)
    }
}

impl From<rusqlite::Error> for WriterEnd {
    fn from(e: rusqlite::Error) -> Self {
        WriterEnd::Failed(e.into())
    }
}

/// The horizon source an import records: where its export date comes from (the file
/// name unless the importer said otherwise), none without an export date.
pub(crate) fn recorded_horizon_source(meta: &ImportMeta) -> Option<&'static str> {
    meta.export_date.map(|_| meta.horizon_source.unwrap_or(HorizonSource::FileName).as_str())
}

/// The import report as stored text.
pub(crate) fn report_text(report: &serde_json::Value) -> Result<String, StoreError> {
    serde_json::to_string(report)
        .map_err(|e| StoreError::invalid(format!("the import report cannot be stored: {e}")))
}

/// A stored import report read back.
pub(crate) fn parse_report(text: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::invalid(format!("stored import report does not load: {e}")))
}

/// Where an import's re-score starts, given the first day whose inputs changed and the
/// day after the member's last stored score (`None`: nothing stored, so from the member's
/// first day): `Some(from)` to re-score (`Some(None)`: from the first day), `None` when
/// that start lies after `today`.
pub(crate) fn import_rescore_start(
    first_changed_day: Option<NaiveDate>,
    next_unscored: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Option<NaiveDate>> {
    let from = match (first_changed_day, next_unscored) {
        (_, None) => None,
        (changed, Some(pending)) => earlier_day(changed, Some(pending)),
    };
    match from {
        Some(from) if from > today => None,
        from => Some(from),
    }
}

/// Refuses an event the store cannot keep; `seen` numbers it from 1.
pub(crate) fn check_event(event: &ActivityEvent, seen: u64) -> Result<(), StoreError> {
    if !day_in_range(event.day()) {
        return Err(StoreError::invalid(format!(
            "event {seen} of the export ({} at {}) lies outside years 1–9999",
            event.kind, event.at
        )));
    }
    if event.natural_key.trim().is_empty() {
        return Err(StoreError::invalid(format!(
            "event {seen} of the export ({} at {}) has an empty natural key",
            event.kind, event.at
        )));
    }
    Ok(())
}

/// The writing side of an import, in its transaction: find (or create) the
/// member, stop at an export imported already, else say go, insert the
/// batches as they come, then store the snapshot and the report and re-score.
#[allow(clippy::too_many_arguments)]
fn write_import(
    tx: &Connection,
    target: ImportTarget<'_>,
    meta: &ImportMeta,
    profile: Option<&ProfileSnapshot>,
    today: NaiveDate,
    go: &mpsc::SyncSender<()>,
    batches: &mpsc::Receiver<Vec<ActivityEvent>>,
    end: &mpsc::Receiver<Option<serde_json::Value>>,
) -> Result<TargetedImport, WriterEnd> {
    let (target_member, created) = match target {
        ImportTarget::Member(id) => (member_by_id(tx, id)?, false),
        ImportTarget::Named { name, industry } => find_or_create_member(tx, name, industry)?,
    };
    let member = target_member.id;
    let done = |outcome| TargetedImport { member: target_member.clone(), created, outcome };
    let earlier: Option<i64> = cached_row(
        tx,
        "SELECT imported_at FROM imports WHERE member_id = ?1 AND fingerprint = ?2",
        params![member.0, meta.fingerprint],
        |row| row.get(0),
    )
    .optional()?;
    if let Some(on) = earlier {
        return Ok(done(ImportOutcome::AlreadyImported { on: instant(on)? }));
    }
    tx.execute(
        "INSERT INTO imports (member_id, fingerprint, imported_at, export_date, horizon_source, source_name, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '{}')",
        params![
            member.0,
            meta.fingerprint,
            now_seconds(),
            meta.export_date,
            recorded_horizon_source(meta),
            meta.source_name
        ],
    )?;
    let import_id = tx.last_insert_rowid();
    if go.send(()).is_err() {
        return Err(WriterEnd::Stopped);
    }

    // The events are first staged in a temporary table keyed by (time, key,
    // arrival), then moved into `events` in that order. The export's files
    // each span years (and messages.csv runs conversation by conversation),
    // so inserting them into `events` as they come would touch pages all
    // over the member's range of its B-tree, and a bounded page cache would
    // write the same pages to the WAL again and again. The temporary table
    // takes those scattered inserts instead: it has no WAL and is never
    // synced, and it is filled while the other thread is still reading the
    // export. The move is then an ordered read and an append that walks the
    // events B-tree front to back once (measured on the heavy export: the
    // move 0.29 s → 0.13 s against staging in arrival order and sorting at
    // the end with SQLite's sorter).
    tx.execute_batch(concat!(
        "CREATE TEMP TABLE IF NOT EXISTS import_events (seq, ",
        import_event_columns!(),
        ", PRIMARY KEY (at, key, seq)) WITHOUT ROWID; DELETE FROM temp.import_events;"
    ))?;
    let mut seen = 0u64;
    for batch in batches {
        stage_events(tx, &batch, seen)?;
        seen += batch.len() as u64;
    }
    // The reading side sends the report once every event is through, or
    // nothing when it stopped.
    let Ok(Some(report)) = end.recv() else { return Err(WriterEnd::Stopped) };
    let (added, first_new_day) = move_staged_events(tx, member)?;

    let snapshot_changed = match profile {
        Some(profile) => store_snapshot(tx, member, profile)?,
        None => None,
    };
    let report = report_text(&report)?;
    tx.execute(
        "UPDATE imports SET events_seen = ?1, events_added = ?2, report = ?3 WHERE id = ?4",
        params![seen as i64, added as i64, report, import_id],
    )?;

    let first_changed_day = earlier_day(first_new_day, snapshot_changed);
    let days_rescored = rescore_after_import(tx, member, first_changed_day, today)?;
    tracing::info!(member = member.0, seen, added, ?first_changed_day, days_rescored, "imported export");
    // Read again: the import moved the member's horizon.
    Ok(TargetedImport {
        member: member_by_id(tx, member)?,
        created,
        outcome: ImportOutcome::Imported {
            events_seen: seen,
            events_added: added,
            first_changed_day,
            days_rescored,
        },
    })
}

/// After an import changed the member's inputs from `first_changed_day`
/// (if any): refreshes the horizon first (re-scoring stops at it), then
/// re-scores from that day, or from the day after the last scored one if
/// earlier, up to `today`. Returns the days scored.
pub(crate) fn rescore_after_import(
    tx: &Connection,
    member: MemberId,
    first_changed_day: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<usize, StoreError> {
    // The horizon first: re-scoring stops at it.
    refresh_horizon(tx, member)?;
    let model = active_model_in(tx)?;
    match import_rescore_start(first_changed_day, next_unscored_day(tx, member, &model.version)?, today) {
        Some(from) => rescore_in(tx, &model, member, from, today),
        None => Ok(0),
    }
}

/// Staged events per multi-row INSERT (9 parameters each).
const STAGE_ROWS: usize = 64;

/// A multi-row INSERT of [`STAGE_ROWS`] staged events: one statement step
/// per 64 events instead of one per event.
static STAGE_ROWS_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    // Only placeholders are repeated here: values are always bound.
    let mut sql =
        String::from(concat!("INSERT INTO temp.import_events (seq, ", import_event_columns!(), ") VALUES "));
    sql.push_str(&vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?)"; STAGE_ROWS].join(", "));
    sql
});

/// Appends `events` to the import's staging table.
fn stage_events(tx: &Connection, events: &[ActivityEvent], mut seq: u64) -> Result<(), StoreError> {
    let mut groups = events.chunks_exact(STAGE_ROWS);
    if events.len() >= STAGE_ROWS {
        let mut stmt = tx.prepare_cached(&STAGE_ROWS_SQL)?;
        for group in &mut groups {
            for (i, event) in group.iter().enumerate() {
                bind_staged(&mut stmt, i * 9 + 1, seq, event)?;
                seq += 1;
            }
            stmt.raw_execute()?;
        }
    }
    let mut single = tx.prepare_cached(concat!(
        "INSERT INTO temp.import_events (seq, ",
        import_event_columns!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))?;
    for event in groups.remainder() {
        bind_staged(&mut single, 1, seq, event)?;
        seq += 1;
        single.raw_execute()?;
    }
    Ok(())
}

/// Binds one staged event's columns from parameter `first` on.
fn bind_staged(
    stmt: &mut rusqlite::Statement<'_>,
    first: usize,
    seq: u64,
    event: &ActivityEvent,
) -> rusqlite::Result<()> {
    let (mut counterpart, mut conversation) = ([0u8; 16], [0u8; 16]);
    let counterpart = pseudonym_value(event.counterpart.as_ref().map(PseudonymKey::as_str), &mut counterpart);
    let conversation =
        pseudonym_value(event.conversation.as_ref().map(PseudonymKey::as_str), &mut conversation);
    stmt.raw_bind_parameter(first, seq as i64)?;
    stmt.raw_bind_parameter(first + 1, event.at.timestamp())?;
    stmt.raw_bind_parameter(first + 2, event_key(&event.natural_key))?;
    stmt.raw_bind_parameter(first + 3, event.kind.as_str())?;
    stmt.raw_bind_parameter(first + 4, ToSqlOutput::Borrowed(counterpart))?;
    stmt.raw_bind_parameter(first + 5, ToSqlOutput::Borrowed(conversation))?;
    stmt.raw_bind_parameter(first + 6, event.counterpart_title.as_deref())?;
    stmt.raw_bind_parameter(first + 7, event.counterpart_company.as_deref())?;
    stmt.raw_bind_parameter(first + 8, event.personalised)
}

/// Moves the staged events of one import into `events`, in (time, key)
/// order, leaving out those the member has already. Returns how many were
/// added and the earliest day among them.
fn move_staged_events(tx: &Connection, member: MemberId) -> Result<(u64, Option<NaiveDate>), StoreError> {
    let had_events: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM main.events WHERE member_id = ?1)")?
        .query_row([member.0], |row| row.get(0))?;
    if had_events {
        tx.prepare_cached(
            "DELETE FROM temp.import_events AS staged WHERE EXISTS (
                 SELECT 1 FROM main.events AS stored
                 WHERE stored.member_id = ?1 AND stored.at = staged.at AND stored.key = staged.key)",
        )?
        .execute([member.0])?;
    }
    let first: Option<i64> =
        tx.prepare_cached("SELECT min(at) FROM temp.import_events")?.query_row([], |row| row.get(0))?;
    // The staging table's key order; ties keep the order the events came
    // in (seq): of two events with one key in one call, the first is kept.
    let added = tx
        .prepare_cached(concat!(
            "INSERT OR IGNORE INTO main.events (member_id, ",
            import_event_columns!(),
            ") SELECT ?1, ",
            import_event_columns!(),
            " FROM temp.import_events ORDER BY at, key, seq"
        ))?
        .execute([member.0])?;
    tx.execute_batch("DELETE FROM temp.import_events")?;
    let first_new_day = first.map(instant).transpose()?.map(|at| at.date_naive());
    Ok((added as u64, first_new_day))
}

/// A profile snapshot as stored text.
pub(crate) fn snapshot_text(profile: &ProfileSnapshot) -> Result<String, StoreError> {
    serde_json::to_string(profile)
        .map_err(|e| StoreError::invalid(format!("the profile snapshot cannot be stored: {e}")))
}

/// Whether a snapshot just stored is (or replaces) the member's earliest, given the
/// earliest day stored before it: it then stands for every day before it too, so the
/// member's inputs changed from their first day.
pub(crate) fn stands_for_earlier_days(profile: &ProfileSnapshot, earliest: Option<NaiveDate>) -> bool {
    earliest.is_none_or(|earliest| profile.taken_on <= earliest)
}

/// Stores a snapshot for its day unless an identical one is there. Returns the
/// first day whose profile input changed: its own day, or the member's first
/// day when it is (or replaces) the earliest snapshot, which also stands for
/// every day before it.
fn store_snapshot(
    conn: &Connection,
    member: MemberId,
    profile: &ProfileSnapshot,
) -> Result<Option<NaiveDate>, StoreError> {
    check_day(profile.taken_on, "profile snapshot")?;
    let existing: Option<String> = conn
        .prepare_cached("SELECT profile FROM profile_snapshots WHERE member_id = ?1 AND taken_on = ?2")?
        .query_row(params![member.0, profile.taken_on], |r| r.get(0))
        .optional()?;
    if let Some(text) = existing
        && parse_snapshot(&text)? == *profile
    {
        return Ok(None);
    }
    let earliest: Option<NaiveDate> = conn
        .prepare_cached("SELECT min(taken_on) FROM profile_snapshots WHERE member_id = ?1")?
        .query_row([member.0], |r| r.get(0))?;
    let json = snapshot_text(profile)?;
    conn.prepare_cached(
        "INSERT INTO profile_snapshots (member_id, taken_on, profile) VALUES (?1, ?2, ?3)
         ON CONFLICT (member_id, taken_on) DO UPDATE SET profile = excluded.profile",
    )?
    .execute(params![member.0, profile.taken_on, json])?;
    if stands_for_earlier_days(profile, earliest) {
        let profiles = load_snapshots(conn, member)?;
        return history_start(conn, member, &profiles);
    }
    Ok(Some(profile.taken_on))
}
