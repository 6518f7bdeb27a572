//! Daily scores: materialising them from events, and reading them back as history and explanations.
//!
//! Only the metric values of each component are stored (with the pillars and
//! total derived from them, for SQL); explanations are rebuilt on read by
//! [`ssi_core::engine::score_day`], so they always match the model's text.

use crate::Store;
use crate::db::{LAST_DAY, check_day, range_end, range_start, row_text};
use crate::error::StoreError;
use crate::imports::{KeyBuffers, load_snapshots, scoring_event_columns, view_from_row};
use crate::members::{ensure_member, member_horizon, refresh_horizon};
use crate::models::{active_model_in, active_version, stored_model};
use crate::readings::readings_in;
use crate::types::{HistoryRow, MemberId, PushedScore, ScorePoint};
use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension, Row, params};
use ssi_core::engine::{DayValues, MetricSweep, pillar_points, score_day};
use ssi_core::{Band, DailyScore, PILLAR_MAX, PillarScores, ProfileSnapshot, ScoringModel, TOTAL_MAX};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Model versions of pushed scores start with this.
pub const PUSH_PREFIX: &str = "push:";

/// How far a pushed total may stray from the sum of its pillars.
const PUSH_SUM_TOLERANCE: f64 = 0.01;

macro_rules! point_columns {
    () => {
        "date, model_version, brand, people, insights, relationships, total"
    };
}

impl Store {
    /// Materialises the member's daily scores under the active model from
    /// `from` (or the member's first event or snapshot day; never earlier) up
    /// to `today`, replacing stored rows of those days, in one transaction.
    /// Returns the number of days scored (0 for a member with no data); a
    /// stored day whose figures come out the same is left as it is.
    pub fn rescore_member(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<usize, StoreError> {
        self.pool.write(|tx| {
            ensure_member(tx, member)?;
            let model = active_model_in(tx)?;
            rescore_in(tx, &model, member, from, today)
        })
    }

    /// Recomputes every member's whole history under the active model.
    /// Returns the days scored (stored days whose figures come out the same
    /// are not rewritten). Members are scored in parallel; see
    /// [`Store::rescore_members`].
    pub fn rescore_all(&self, today: NaiveDate) -> Result<usize, StoreError> {
        let members = self.pool.read(|tx| crate::members::all_member_ids(tx))?;
        self.rescore_many(members, today, RescoreFrom::Start)
    }

    /// Recomputes the whole history of `members` under the active model
    /// (members deleted meanwhile are skipped). Returns the days scored.
    ///
    /// Members are scored in parallel, one reader connection per core,
    /// while this thread holds the write lock and writes what changed: in
    /// transactions of up to 64 members, so other
    /// writers wait for one such group at most. The readers start their
    /// snapshots after the write lock is taken, so they see every earlier
    /// commit, and nothing else can commit until the group's results are
    /// written: the result is the same as scoring the members one by one.
    pub fn rescore_members(&self, members: &[MemberId], today: NaiveDate) -> Result<usize, StoreError> {
        self.rescore_many(members.to_vec(), today, RescoreFrom::Start)
    }

    /// Brings every member's scores under the active model up to `today`,
    /// computing only the days after each member's last stored day (the
    /// server's daily job), in parallel as [`Store::rescore_members`] does.
    /// Idempotent: a second run writes nothing.
    ///
    /// Which members are due is read first in one read transaction, so a run
    /// with nothing due (every command of the CLI starts with one) takes no
    /// write lock at all.
    pub fn materialise_all(&self, today: NaiveDate) -> Result<usize, StoreError> {
        let due = self.pool.read(|tx| members_due(tx, &active_version(tx)?, today))?;
        if due.is_empty() {
            return Ok(0);
        }
        self.rescore_many(due, today, RescoreFrom::NextUnscored)
    }

    fn rescore_many(
        &self,
        members: Vec<MemberId>,
        today: NaiveDate,
        from: RescoreFrom,
    ) -> Result<usize, StoreError> {
        let workers =
            std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_RESCORE_WORKERS);
        let mut model: Option<ScoringModel> = None;
        let mut written = 0;
        for group in members.chunks(MEMBERS_PER_TRANSACTION) {
            written += self.pool.write(|tx| {
                // The model may have been switched since the last group.
                let version = active_version(tx)?;
                let current = match model.take() {
                    Some(m) if m.version == version => m,
                    _ => active_model_in(tx)?,
                };
                let rows = self.rescore_group(tx, &current, group, today, from, workers);
                model = Some(current);
                rows
            })?;
        }
        Ok(written)
    }

    /// Plans the members of `group` on `workers` reader threads and applies
    /// the plans on `tx` (the writer) as they come.
    fn rescore_group(
        &self,
        tx: &Connection,
        model: &ScoringModel,
        group: &[MemberId],
        today: NaiveDate,
        from: RescoreFrom,
        workers: usize,
    ) -> Result<usize, StoreError> {
        type Planned = Result<(MemberId, Option<RescorePlan>), StoreError>;
        let next = AtomicUsize::new(0);
        let (plans_in, plans_out) = mpsc::sync_channel::<Planned>(workers * 2);
        std::thread::scope(|scope| {
            for _ in 0..workers.min(group.len()) {
                let plans_in = plans_in.clone();
                let next = &next;
                scope.spawn(move || {
                    let outcome = self.pool.read(|read| {
                        loop {
                            let Some(&member) = group.get(next.fetch_add(1, Ordering::Relaxed)) else {
                                return Ok(());
                            };
                            let plan = plan_member(read, model, member, today, from);
                            let failed = plan.is_err();
                            // The writer stopped (it failed): so does this reader.
                            if plans_in.send(plan.map(|p| (member, p))).is_err() || failed {
                                return Ok(());
                            }
                        }
                    });
                    if let Err(e) = outcome {
                        let _ = plans_in.send(Err(e));
                    }
                });
            }
            drop(plans_in);
            let mut written = 0;
            for planned in plans_out {
                let (member, plan) = planned?;
                if let Some(plan) = plan {
                    written += apply_rescore(tx, model, member, plan)?;
                }
            }
            Ok(written)
        })
    }

    /// The member's score on `on` (or the latest day scored), from the latest
    /// stored day on or before it, with the full explanation rebuilt under the
    /// model that scored it and the profile snapshot in force that day.
    ///
    /// The pillars and total are the stored ones; each component's points are
    /// recomputed from its stored value (kept to six decimals), so they add up
    /// to the total within a hair.
    ///
    /// Uses the active model's rows; a member without any (scores pushed from
    /// a CLI) gets their latest pushed series, explained when the server knows
    /// that model version and has the component values, else without components.
    pub fn latest_score(
        &self,
        member: MemberId,
        on: Option<NaiveDate>,
    ) -> Result<Option<DailyScore>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let Some(version) = chosen_version(tx, member)? else { return Ok(None) };
            let Some((point, components)) = score_as_of(tx, member, &version, on)? else { return Ok(None) };
            let values = parse_components(member, point.date, &components)?;
            let base = version.strip_prefix(PUSH_PREFIX).unwrap_or(&version);
            let model = stored_model(tx, base)?;
            match model {
                Some(model) if values.len() == model.components.len() => {
                    let profiles = load_snapshots(tx, member)?;
                    let day = DayValues { date: point.date, values };
                    let mut score = score_day(&model, profile_on(&profiles, point.date), &day);
                    // The stored figures are the ones every other query shows;
                    // the explanation's points come from the rounded values.
                    score.model_version = version;
                    score.pillars = point.pillars;
                    score.total = point.total;
                    Ok(Some(score))
                }
                _ => Ok(Some(DailyScore {
                    date: point.date,
                    model_version: version,
                    pillars: point.pillars,
                    total: point.total,
                    components: Vec::new(),
                })),
            }
        })
    }

    /// The stored scores of one model version (e.g. an older model, or
    /// `push:<version>`) between `from` and `to` inclusive, by day.
    pub fn score_points(
        &self,
        member: MemberId,
        version: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<ScorePoint>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            points_in(tx, member, version, from, to)
        })
    }

    /// The member's history between `from` and `to` inclusive: every day with
    /// an estimate (active model, or the pushed series as in
    /// [`Store::latest_score`]) or an official reading, both side by side.
    pub fn history(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<HistoryRow>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            // Both series come in date order: the estimates are read straight
            // into the rows, and the (few) readings merged in. This is most of
            // the server's history route (cargo xtask bench, row 5b).
            let mut rows: Vec<HistoryRow> = Vec::new();
            if let Some(version) = chosen_version(tx, member)? {
                for_each_point(tx, member, &version, from, to, |point| {
                    rows.push(HistoryRow { date: point.date, estimate: Some(point), official: None })
                })?;
            }
            // Several sources on one day: the one stored last wins.
            let mut only_official: Vec<HistoryRow> = Vec::new();
            for reading in readings_in(tx, member, from, to)? {
                let date = reading.date;
                match rows.binary_search_by_key(&date, |r| r.date) {
                    Ok(i) => rows[i].official = Some(reading),
                    Err(_) => match only_official.last_mut() {
                        Some(last) if last.date == date => last.official = Some(reading),
                        _ => only_official.push(HistoryRow { date, estimate: None, official: Some(reading) }),
                    },
                }
            }
            if only_official.is_empty() {
                return Ok(rows);
            }
            let mut merged = Vec::with_capacity(rows.len() + only_official.len());
            let (mut estimates, mut officials) =
                (rows.into_iter().peekable(), only_official.into_iter().peekable());
            loop {
                let take_estimate = match (estimates.peek(), officials.peek()) {
                    (Some(e), Some(o)) => e.date < o.date,
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => break,
                };
                merged.extend(if take_estimate { estimates.next() } else { officials.next() });
            }
            Ok(merged)
        })
    }

    /// The member's earliest estimate on or before `to` (or at all), from
    /// the series [`Store::latest_score`] reads; one index seek, where
    /// [`Store::history`] would read every day.
    pub fn first_score(
        &self,
        member: MemberId,
        to: Option<NaiveDate>,
    ) -> Result<Option<ScorePoint>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let Some(version) = chosen_version(tx, member)? else { return Ok(None) };
            let mut stmt = tx.prepare_cached(concat!(
                "SELECT ",
                point_columns!(),
                " FROM daily_scores
                 WHERE member_id = ?1 AND model_version = ?2 AND date <= ?3
                 ORDER BY date LIMIT 1"
            ))?;
            Ok(stmt.query_row(params![member.0, version, range_end(to)], point_from_row).optional()?)
        })
    }

    /// How much the total changed over the `days` days up to `on`: the score
    /// as of `on` minus the score `days` before *that score's* day ("as of":
    /// the latest stored day on or before), so that a change asked for after
    /// the member's horizon ends at the horizon. `None` when either is missing.
    pub fn change_over(&self, member: MemberId, days: u32, on: NaiveDate) -> Result<Option<f64>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            let Some(version) = chosen_version(tx, member)? else { return Ok(None) };
            change_in(tx, member, &version, days, on)
        })
    }

    /// Stores scores pushed from a member's CLI, under the model version
    /// `push:<model_version>` (so they never mix with scores the server
    /// computes), replacing earlier pushes of the same days. All or nothing.
    /// Returns the number of rows stored.
    pub fn push_scores(&self, member: MemberId, scores: &[PushedScore]) -> Result<usize, StoreError> {
        for score in scores {
            validate_pushed(score)?;
        }
        self.pool.write(|tx| push_scores_in(tx, member, scores))
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
        let mut components = String::new();
        encode_components(&score.components, &mut components)?;
        let p = score.pillars;
        insert.execute(params![
            member.0,
            format!("{PUSH_PREFIX}{}", score.model_version),
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

/// Checks every pushed score, before anything is written.
pub(crate) fn validate_pushed_all(scores: &[PushedScore]) -> Result<(), StoreError> {
    scores.iter().try_for_each(validate_pushed)
}

const INSERT_SCORE: &str = "INSERT OR REPLACE INTO daily_scores
    (member_id, model_version, date, brand, people, insights, relationships, total, components)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// Rows per multi-row INSERT when materialising (9 parameters each).
const INSERT_BATCH: usize = 64;

/// A multi-row INSERT of [`INSERT_BATCH`] rows.
static INSERT_SCORES_BATCH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    // Only placeholders are repeated here: values are always bound.
    let mut sql = String::from(
        "INSERT INTO daily_scores
         (member_id, model_version, date, brand, people, insights, relationships, total, components)
         VALUES ",
    );
    sql.push_str(&vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?)"; INSERT_BATCH].join(", "));
    sql
});

/// One daily score row to write.
struct ScoreRow {
    date: NaiveDate,
    pillars: PillarScores,
    total: f64,
    components: String,
}

/// Inserts rows (whose days must be free) with one prepared multi-row
/// statement per batch, and the single-row statement for the remainder.
fn insert_scores(
    conn: &Connection,
    member: MemberId,
    version: &str,
    rows: &[ScoreRow],
) -> Result<(), StoreError> {
    fn bind(
        stmt: &mut rusqlite::Statement<'_>,
        first: usize,
        member: MemberId,
        version: &str,
        row: &ScoreRow,
    ) -> rusqlite::Result<()> {
        let p = row.pillars;
        stmt.raw_bind_parameter(first, member.0)?;
        stmt.raw_bind_parameter(first + 1, version)?;
        stmt.raw_bind_parameter(first + 2, row.date)?;
        stmt.raw_bind_parameter(first + 3, p.brand)?;
        stmt.raw_bind_parameter(first + 4, p.people)?;
        stmt.raw_bind_parameter(first + 5, p.insights)?;
        stmt.raw_bind_parameter(first + 6, p.relationships)?;
        stmt.raw_bind_parameter(first + 7, row.total)?;
        stmt.raw_bind_parameter(first + 8, row.components.as_str())
    }
    let mut batches = rows.chunks_exact(INSERT_BATCH);
    if rows.len() >= INSERT_BATCH {
        let mut stmt = conn.prepare_cached(&INSERT_SCORES_BATCH)?;
        for batch in &mut batches {
            for (i, row) in batch.iter().enumerate() {
                bind(&mut stmt, i * 9 + 1, member, version, row)?;
            }
            stmt.raw_execute()?;
        }
    }
    let mut single = conn.prepare_cached(INSERT_SCORE)?;
    for row in batches.remainder() {
        bind(&mut single, 1, member, version, row)?;
        single.raw_execute()?;
    }
    Ok(())
}

/// Scores the member under `model` from `from` (clamped to the member's
/// first day) to `today` and writes the rows that changed
/// ([`plan_rescore`], then [`apply_rescore`] on the same connection).
/// Returns the days scored.
pub(crate) fn rescore_in(
    conn: &Connection,
    model: &ScoringModel,
    member: MemberId,
    from: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<usize, StoreError> {
    match plan_rescore(conn, model, member, from, today)? {
        Some(plan) => apply_rescore(conn, model, member, plan),
        None => Ok(0),
    }
}

/// What re-scoring one member changes: found by [`plan_rescore`] (reads
/// only), written by [`apply_rescore`].
pub(crate) struct RescorePlan {
    from: NaiveDate,
    today: NaiveDate,
    /// Days scored.
    days: usize,
    /// Stored days whose figures changed.
    stale: Vec<NaiveDate>,
    /// Whether every stored day of the range changed (one range delete).
    all_stale: bool,
    /// The rows to insert: the changed days and the days not stored yet.
    changed: Vec<ScoreRow>,
}

/// Scores the member under `model` from `from` (clamped to the member's
/// first day) to `today` (clamped to the member's horizon: no day past it is
/// ever scored) and compares the days with the stored rows,
/// reading only: `None` when there is nothing to score. Reads the events in
/// one ordered query, each row handed to the sweep as borrowed text
/// (nothing is copied per event).
///
/// Re-scoring a history that is already stored (the daily job after a
/// restart, a re-import that adds nothing new, `rescore_all`) mostly finds
/// the same figures again: comparing with one ordered read of the stored
/// rows is far cheaper than deleting and rewriting every day.
pub(crate) fn plan_rescore(
    conn: &Connection,
    model: &ScoringModel,
    member: MemberId,
    from: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Option<RescorePlan>, StoreError> {
    // Days past the member's horizon are unknown: they are never scored.
    let Some(horizon) = member_horizon(conn, member)? else { return Ok(None) };
    let profiles = load_snapshots(conn, member)?;
    let Some(start) = history_start(conn, member, &profiles)? else { return Ok(None) };
    let from = from.map_or(start, |from| from.max(start));
    let today = today.min(horizon.day).min(LAST_DAY);
    if from > today {
        return Ok(None);
    }
    let mut sweep = MetricSweep::new(model, from, today);
    {
        let mut select = conn.prepare_cached(concat!(
            "SELECT ",
            scoring_event_columns!(),
            " FROM events WHERE member_id = ?1 ORDER BY at, key"
        ))?;
        let mut rows = select.query([member.0])?;
        let mut keys: KeyBuffers = ([0; 32], [0; 32]);
        while let Some(row) = rows.next()? {
            sweep.add_view(view_from_row(row, &mut keys)?);
        }
    }
    let days = sweep.finish(&profiles);

    let mut stored = conn.prepare_cached(
        "SELECT date, brand, people, insights, relationships, total, components FROM daily_scores
         WHERE member_id = ?1 AND model_version = ?2 AND date >= ?3 AND date <= ?4 ORDER BY date",
    )?;
    let mut stored_rows = stored.query(params![member.0, model.version, from, today])?;
    let mut next_stored = stored_rows.next()?;
    let (mut stored_count, mut stale) = (0usize, Vec::new());
    let mut changed = Vec::new();
    let mut components = String::new();
    for day in &days {
        let (pillars, total) = pillar_points(model, &day.values);
        encode_components(&day.values, &mut components)?;
        let mut same = false;
        // Stored days before this one were not scored now: impossible, as the
        // sweep yields every day of the range, but skip them safely.
        while let Some(row) = next_stored {
            let date: NaiveDate = row.get(0)?;
            if date > day.date {
                break;
            }
            stored_count += 1;
            if date == day.date {
                same = [pillars.brand, pillars.people, pillars.insights, pillars.relationships, total]
                    .iter()
                    .enumerate()
                    .all(|(i, v)| row.get::<_, f64>(i + 1).is_ok_and(|stored| stored == *v))
                    && row_text(row, 6)? == components;
                if !same {
                    stale.push(date);
                }
            }
            next_stored = stored_rows.next()?;
        }
        if !same {
            changed.push(ScoreRow { date: day.date, pillars, total, components: components.clone() });
        }
    }
    let all_stale = !stale.is_empty() && stale.len() == stored_count;
    Ok(Some(RescorePlan { from, today, days: days.len(), stale, all_stale, changed }))
}

/// Writes what [`plan_rescore`] found: deletes the stale days (one range
/// delete when every stored day changed) and inserts the changed ones with
/// batched statements. Returns the days scored.
pub(crate) fn apply_rescore(
    conn: &Connection,
    model: &ScoringModel,
    member: MemberId,
    plan: RescorePlan,
) -> Result<usize, StoreError> {
    if plan.all_stale {
        conn.prepare_cached(
            "DELETE FROM daily_scores WHERE member_id = ?1 AND model_version = ?2 AND date >= ?3 AND date <= ?4",
        )?
        .execute(params![member.0, model.version, plan.from, plan.today])?;
    } else {
        let mut delete = conn.prepare_cached(
            "DELETE FROM daily_scores WHERE member_id = ?1 AND model_version = ?2 AND date = ?3",
        )?;
        for date in &plan.stale {
            delete.execute(params![member.0, model.version, date])?;
        }
    }
    insert_scores(conn, member, &model.version, &plan.changed)?;
    tracing::debug!(member = member.0, from = %plan.from, today = %plan.today, rows = plan.days, "rescored");
    Ok(plan.days)
}

/// Members re-scored per write transaction by [`Store::rescore_members`].
const MEMBERS_PER_TRANSACTION: usize = 64;

/// Reader threads of a re-score, at most (one per core up to this).
const MAX_RESCORE_WORKERS: usize = 8;

/// Which days a group re-score computes.
#[derive(Debug, Clone, Copy)]
enum RescoreFrom {
    /// Every day from the member's first.
    Start,
    /// The days after the member's last stored day under the model.
    NextUnscored,
}

/// [`plan_rescore`] for one member of a group: `None` for a member deleted
/// since the group was listed or with nothing to score.
fn plan_member(
    conn: &Connection,
    model: &ScoringModel,
    member: MemberId,
    today: NaiveDate,
    from: RescoreFrom,
) -> Result<Option<RescorePlan>, StoreError> {
    if ensure_member(conn, member).is_err() {
        return Ok(None);
    }
    let from = match from {
        RescoreFrom::Start => None,
        RescoreFrom::NextUnscored => match next_unscored_day(conn, member, &model.version)? {
            Some(day) if day > today => return Ok(None),
            day => day,
        },
    };
    plan_rescore(conn, model, member, from, today)
}

/// The member's first day: the earlier of the first event's day and the first snapshot's day.
pub(crate) fn history_start(
    conn: &Connection,
    member: MemberId,
    profiles: &[ProfileSnapshot],
) -> Result<Option<NaiveDate>, StoreError> {
    let first_at: Option<i64> = conn
        .prepare_cached("SELECT min(at) FROM events WHERE member_id = ?1")?
        .query_row([member.0], |r| r.get(0))?;
    let first_event = first_at.map(crate::db::instant).transpose()?.map(|t| t.date_naive());
    let first_snapshot = profiles.iter().map(|p| p.taken_on).min();
    Ok(match (first_event, first_snapshot) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

/// Members with something to score under `version` up to `today` or their
/// horizon, whichever comes first: they have a horizon (events, a profile
/// snapshot or an import), and no stored row on or after that day. (The
/// model may change before they are scored; each member is checked again in
/// its own write transaction.)
fn members_due(conn: &Connection, version: &str, today: NaiveDate) -> Result<Vec<MemberId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id FROM members AS m
         WHERE m.horizon IS NOT NULL
           AND (EXISTS (SELECT 1 FROM events WHERE member_id = m.id)
                OR EXISTS (SELECT 1 FROM profile_snapshots WHERE member_id = m.id))
           AND NOT EXISTS (SELECT 1 FROM daily_scores
                           WHERE member_id = m.id AND model_version = ?1 AND date >= min(?2, m.horizon))
         ORDER BY m.id",
    )?;
    let ids = stmt.query_map(params![version, today.min(LAST_DAY)], |r| Ok(MemberId(r.get(0)?)))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

/// The day after the member's last stored day under `version`, or `None`
/// when nothing is stored yet (score from the start).
pub(crate) fn next_unscored_day(
    conn: &Connection,
    member: MemberId,
    version: &str,
) -> Result<Option<NaiveDate>, StoreError> {
    let last: Option<NaiveDate> = conn
        .prepare_cached("SELECT max(date) FROM daily_scores WHERE member_id = ?1 AND model_version = ?2")?
        .query_row(params![member.0, version], |r| r.get(0))?;
    Ok(last.map(|d| d.checked_add_days(Days::new(1)).unwrap_or(d)))
}

/// The series a member's scores are read from: the active model's when the
/// member has rows under it, else the pushed series with the latest day
/// (ties: the row stored last).
pub(crate) fn chosen_version(conn: &Connection, member: MemberId) -> Result<Option<String>, StoreError> {
    chosen_version_given(conn, member, &active_version(conn)?)
}

/// [`chosen_version`] with the active model's version already read.
pub(crate) fn chosen_version_given(
    conn: &Connection,
    member: MemberId,
    active: &str,
) -> Result<Option<String>, StoreError> {
    // One statement: whether the active series exists, and the first and
    // last pushed versions (the same when there is one, as nearly always).
    let (has_active, first, last): (bool, Option<String>, Option<String>) = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM daily_scores WHERE member_id = ?1 AND model_version = ?2),
               (SELECT model_version FROM daily_scores
                WHERE member_id = ?1 AND model_version > 'push:' AND model_version < 'push;'
                ORDER BY model_version LIMIT 1),
               (SELECT model_version FROM daily_scores
                WHERE member_id = ?1 AND model_version > 'push:' AND model_version < 'push;'
                ORDER BY model_version DESC LIMIT 1)",
        )?
        .query_row(params![member.0, active], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    if has_active {
        return Ok(Some(active.to_string()));
    }
    match (first, last) {
        (Some(first), Some(last)) if first == last => Ok(Some(first)),
        (None, _) => Ok(None),
        _ => latest_pushed_version(conn, member),
    }
}

/// A score with the changes of its total over 7 and over 30 days.
pub(crate) type PointWithChanges = (ScorePoint, Option<f64>, Option<f64>);

/// The score as of `on` (the latest stored day on or before it) with the
/// changes of its total over 7 and 30 days before that day, in one
/// statement: what a leaderboard row needs of a member.
pub(crate) fn point_with_changes(
    conn: &Connection,
    member: MemberId,
    version: &str,
    on: NaiveDate,
) -> Result<Option<PointWithChanges>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        point_columns!(),
        ",
           (SELECT b.total FROM daily_scores AS b
            WHERE b.member_id = d.member_id AND b.model_version = d.model_version
              AND b.date <= date(d.date, '-7 days')
            ORDER BY b.date DESC LIMIT 1),
           (SELECT b.total FROM daily_scores AS b
            WHERE b.member_id = d.member_id AND b.model_version = d.model_version
              AND b.date <= date(d.date, '-30 days')
            ORDER BY b.date DESC LIMIT 1)
         FROM daily_scores AS d
         WHERE d.member_id = ?1 AND d.model_version = ?2 AND d.date <= ?3
         ORDER BY d.date DESC LIMIT 1"
    ))?;
    Ok(stmt
        .query_row(params![member.0, version, range_end(Some(on))], |row| {
            let point = point_from_row(row)?;
            let week: Option<f64> = row.get(7)?;
            let month: Option<f64> = row.get(8)?;
            Ok((point.clone(), week.map(|w| point.total - w), month.map(|m| point.total - m)))
        })
        .optional()?)
}

/// The pushed series (`push:…`) whose latest row is the latest, by day and
/// then by the order rows were stored.
///
/// Walks the member's pushed versions one index seek at a time (a member has
/// one or a few) and reads each version's latest row from the primary key,
/// instead of sorting every pushed row: `LIKE` cannot use the index.
fn latest_pushed_version(conn: &Connection, member: MemberId) -> Result<Option<String>, StoreError> {
    // Pushed versions sort between "push:" and "push;" (';' follows ':').
    let mut next_version = conn.prepare_cached(
        "SELECT model_version FROM daily_scores
         WHERE member_id = ?1 AND model_version > ?2 AND model_version < 'push;'
         ORDER BY model_version LIMIT 1",
    )?;
    let mut latest_row = conn.prepare_cached(
        "SELECT date, rowid FROM daily_scores WHERE member_id = ?1 AND model_version = ?2
         ORDER BY date DESC LIMIT 1",
    )?;
    let mut best: Option<((String, i64), String)> = None;
    let mut after = PUSH_PREFIX.to_string();
    while let Some(version) =
        next_version.query_row(params![member.0, after], |r| r.get::<_, String>(0)).optional()?
    {
        let row: (String, i64) =
            latest_row.query_row(params![member.0, version], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if best.as_ref().is_none_or(|(b, _)| row > *b) {
            best = Some((row, version.clone()));
        }
        after = version;
    }
    Ok(best.map(|(_, version)| version))
}

/// The stored score on the latest day on or before `on` (or the latest day),
/// with its component values as stored JSON.
pub(crate) fn score_as_of(
    conn: &Connection,
    member: MemberId,
    version: &str,
    on: Option<NaiveDate>,
) -> Result<Option<(ScorePoint, String)>, StoreError> {
    let on = range_end(on);
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        point_columns!(),
        ", components FROM daily_scores
         WHERE member_id = ?1 AND model_version = ?2 AND date <= ?3
         ORDER BY date DESC LIMIT 1"
    ))?;
    Ok(stmt
        .query_row(params![member.0, version, on], |row| Ok((point_from_row(row)?, row.get(7)?)))
        .optional()?)
}

/// Change of the total from `days` before the score as of `on` to that score (see [`change_since`]).
pub(crate) fn change_in(
    conn: &Connection,
    member: MemberId,
    version: &str,
    days: u32,
    on: NaiveDate,
) -> Result<Option<f64>, StoreError> {
    let Some((now, _)) = score_as_of(conn, member, version, Some(on))? else { return Ok(None) };
    change_since(conn, member, version, &now, days)
}

/// Change of the total from the score as of `now.date - days` to `now`. The
/// change ends at the day of `now`, not at the day asked for: after the
/// member's horizon nothing is known, so a change "over the last 7 days" is
/// the one over the last 7 days of their data.
pub(crate) fn change_since(
    conn: &Connection,
    member: MemberId,
    version: &str,
    now: &ScorePoint,
    days: u32,
) -> Result<Option<f64>, StoreError> {
    let Some(before_day) = now.date.checked_sub_days(Days::new(u64::from(days))) else { return Ok(None) };
    let mut stmt = conn.prepare_cached(
        "SELECT total FROM daily_scores
         WHERE member_id = ?1 AND model_version = ?2 AND date <= ?3
         ORDER BY date DESC LIMIT 1",
    )?;
    let before: Option<f64> =
        stmt.query_row(params![member.0, version, before_day], |r| r.get(0)).optional()?;
    Ok(before.map(|before| now.total - before))
}

fn points_in(
    conn: &Connection,
    member: MemberId,
    version: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<ScorePoint>, StoreError> {
    let mut points = Vec::new();
    for_each_point(conn, member, version, from, to, |point| points.push(point))?;
    Ok(points)
}

/// Hands the points of the series between `from` and `to` to `each`, in date order.
fn for_each_point(
    conn: &Connection,
    member: MemberId,
    version: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    mut each: impl FnMut(ScorePoint),
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        point_columns!(),
        " FROM daily_scores
         WHERE member_id = ?1 AND model_version = ?2 AND date >= ?3 AND date <= ?4
         ORDER BY date"
    ))?;
    let mut rows = stmt.query(params![member.0, version, range_start(from), range_end(to)])?;
    while let Some(row) = rows.next()? {
        each(point_from_row(row)?);
    }
    Ok(())
}

/// Column `index` of `row`, a stored `YYYY-MM-DD` day, read digit by digit
/// (chrono's general parser was a seventh of a history request); anything
/// else goes through rusqlite's own conversion, and its error.
fn stored_day(row: &Row<'_>, index: usize) -> rusqlite::Result<NaiveDate> {
    let b = match row.get_ref(index)? {
        rusqlite::types::ValueRef::Text(b) => b,
        _ => return row.get(index),
    };
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let fast = (b.len() == 10 && b[4] == b'-' && b[7] == b'-')
        .then(|| NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?))
        .flatten();
    match fast {
        Some(day) => Ok(day),
        None => row.get(index),
    }
}

fn point_from_row(row: &Row<'_>) -> rusqlite::Result<ScorePoint> {
    let pillars = PillarScores::from_array([row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?]);
    let total: f64 = row.get(6)?;
    Ok(ScorePoint {
        date: stored_day(row, 0)?,
        model_version: row.get(1)?,
        pillars,
        total,
        band: Band::of_total(total),
    })
}

/// The snapshot in force on `date`: the latest taken on or before it, else the
/// earliest (the rule of [`ssi_core::engine::score_series`]). `profiles` are sorted by day.
fn profile_on(profiles: &[ProfileSnapshot], date: NaiveDate) -> Option<&ProfileSnapshot> {
    let after = profiles.partition_point(|p| p.taken_on <= date);
    if after == 0 { profiles.first() } else { profiles.get(after - 1) }
}

/// Decimal places kept of a component value: far below anything the curves
/// can tell apart, and it halves the stored text.
const COMPONENT_DECIMALS: f64 = 1e6;

/// Writes component values as a compact JSON array (`[0,5.263257,29]`):
/// rounded to six decimals, whole numbers without a fraction.
fn encode_components(values: &[f64], out: &mut String) -> Result<(), StoreError> {
    use std::fmt::Write;
    out.clear();
    out.push('[');
    for (i, value) in values.iter().enumerate() {
        if !value.is_finite() {
            return Err(StoreError::invalid(format!("component value {value} is not a finite number")));
        }
        if i > 0 {
            out.push(',');
        }
        let millionths = (value * COMPONENT_DECIMALS).round();
        if millionths.abs() < 1e15 {
            // Fixed-point text from integers: exact, and much cheaper than
            // float formatting. It reads back as round(value * 1e6) / 1e6.
            push_millionths(out, millionths as i64);
        } else {
            // Display never uses exponents, so the text is a JSON number.
            let _ = write!(out, "{}", value.round());
        }
    }
    out.push(']');
    Ok(())
}

/// Appends `millionths / 1e6` as a decimal number with at most six
/// fraction digits and no trailing zeros, assembled in a small buffer and
/// appended at once.
fn push_millionths(out: &mut String, millionths: i64) {
    // Sign, up to 19 digits, the point: 32 bytes is plenty.
    let mut text = [0u8; 32];
    let mut end = text.len();
    let magnitude = millionths.unsigned_abs();
    let (mut whole, mut fraction) = (magnitude / 1_000_000, magnitude % 1_000_000);
    if fraction != 0 {
        let mut places = 6;
        while fraction % 10 == 0 {
            fraction /= 10;
            places -= 1;
        }
        for _ in 0..places {
            end -= 1;
            text[end] = b'0' + (fraction % 10) as u8;
            fraction /= 10;
        }
        end -= 1;
        text[end] = b'.';
    }
    loop {
        end -= 1;
        text[end] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    if millionths < 0 {
        end -= 1;
        text[end] = b'-';
    }
    out.push_str(std::str::from_utf8(&text[end..]).unwrap_or_default());
}

fn parse_components(member: MemberId, date: NaiveDate, text: &str) -> Result<Vec<f64>, StoreError> {
    serde_json::from_str(text).map_err(|e| {
        StoreError::invalid(format!("stored component values of member {member} on {date} do not load: {e}"))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_encoded_compactly_and_read_back_rounded() {
        let values = [0.0, -0.0, 29.0, 5.263256894485079, 1e-7, 0.5, -1.25, 0.000001, 1e20, 162.0000004];
        let mut text = String::new();
        encode_components(&values, &mut text).unwrap();
        assert_eq!(text, "[0,0,29,5.263257,0,0.5,-1.25,0.000001,100000000000000000000,162]");
        let back = parse_components(MemberId(1), NaiveDate::MIN, &text).unwrap();
        for (value, read) in values.iter().zip(&back) {
            assert!((value - read).abs() <= 5e-7, "{value} came back as {read}");
        }
        assert_eq!(back[3], 5.263257);
        assert!(encode_components(&[f64::NAN], &mut text).is_err());
        assert!(encode_components(&[f64::INFINITY], &mut text).is_err());
    }

    #[test]
    fn the_profile_in_force_is_the_latest_before_else_the_earliest() {
        let march = ProfileSnapshot::empty(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        let june = ProfileSnapshot::empty(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
        let profiles = [march.clone(), june.clone()];
        let on = |m, d| profile_on(&profiles, NaiveDate::from_ymd_opt(2026, m, d).unwrap()).unwrap().taken_on;
        assert_eq!(on(1, 1), march.taken_on);
        assert_eq!(on(3, 1), march.taken_on);
        assert_eq!(on(5, 31), march.taken_on);
        assert_eq!(on(6, 1), june.taken_on);
        assert_eq!(profile_on(&[], march.taken_on), None);
    }
}
