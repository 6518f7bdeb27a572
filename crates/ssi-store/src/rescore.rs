//! Materialising daily scores: re-scoring members from their events under the active model, and switching models.
//!
//! Only the metric values of each component are stored (with the pillars and
//! total derived from them, for SQL); explanations are rebuilt on read
//! (`score_reads`), so they always match the model's text.

use crate::Store;
use crate::db::{LAST_DAY, row_text};
use crate::error::StoreError;
use crate::events::{KeyBuffers, history_start, load_snapshots, scoring_event_columns, view_from_row};
use crate::members::{all_member_ids, ensure_member, member_horizon};
use crate::models::{activate, active_model_in, active_version, insert_model, stored_model};
use crate::series::{INSERT_SCORE, PUSH_PREFIX, encode_components};
use crate::types::MemberId;
use chrono::{Days, NaiveDate};
use rusqlite::{Connection, params};
use ssi_core::engine::{MetricSweep, pillar_points};
use ssi_core::{PillarScores, ScoringModel};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

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
        let members = self.pool.read(|tx| all_member_ids(tx))?;
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

    /// Makes `model` the active model and re-scores every member's whole
    /// history under it up to `today`, all in one transaction.
    ///
    /// The model is validated and stored under its version; a version already
    /// stored is reused when the stored model is identical, and refused with
    /// [`StoreError::Conflict`] when it differs (change the version label).
    /// Rows of other versions stay, queryable with [`Store::score_points`].
    /// Returns the number of days scored.
    pub fn use_model(&self, model: &ScoringModel, today: NaiveDate) -> Result<usize, StoreError> {
        model.validate().map_err(|e| StoreError::invalid(e.to_string()))?;
        if model.version.starts_with(PUSH_PREFIX) {
            return Err(StoreError::invalid(format!(
                "model version {:?} must not start with {:?}, which marks pushed scores",
                model.version, PUSH_PREFIX
            )));
        }
        self.pool.write(|tx| {
            match stored_model(tx, &model.version)? {
                Some(stored) if stored == *model => {}
                Some(_) => {
                    return Err(StoreError::conflict(format!(
                        "a different model is already stored as version {:?}; give the new one its own version",
                        model.version
                    )));
                }
                None => insert_model(tx, model)?,
            }
            activate(tx, &model.version)?;
            let mut written = 0;
            for member in all_member_ids(tx)? {
                written += rescore_in(tx, model, member, None, today)?;
            }
            tracing::info!(version = %model.version, rows = written, "activated scoring model");
            Ok(written)
        })
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
}

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
