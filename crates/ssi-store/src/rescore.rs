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
use ssi_core::engine::{DayValues, MetricSweep, pillar_points};
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
        check_new_model(model)?;
        self.pool.write(|tx| {
            if must_store_model(model, stored_model(tx, &model.version)?)? {
                insert_model(tx, model)?;
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

/// Refuses a model [`Store::use_model`] cannot store: an invalid one, or one whose
/// version marks pushed scores.
pub(crate) fn check_new_model(model: &ScoringModel) -> Result<(), StoreError> {
    model.validate().map_err(|e| StoreError::invalid(e.to_string()))?;
    if model.version.starts_with(PUSH_PREFIX) {
        return Err(StoreError::invalid(format!(
            "model version {:?} must not start with {:?}, which marks pushed scores",
            model.version, PUSH_PREFIX
        )));
    }
    Ok(())
}

/// Whether `model` must be stored before it is activated, given the model already
/// stored under its version: not when it is identical, a conflict when it differs.
pub(crate) fn must_store_model(
    model: &ScoringModel,
    stored: Option<ScoringModel>,
) -> Result<bool, StoreError> {
    match stored {
        Some(stored) if stored == *model => Ok(false),
        Some(_) => Err(StoreError::conflict(format!(
            "a different model is already stored as version {:?}; give the new one its own version",
            model.version
        ))),
        None => Ok(true),
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
pub(crate) struct ScoreRow {
    pub(crate) date: NaiveDate,
    pub(crate) pillars: PillarScores,
    pub(crate) total: f64,
    pub(crate) components: String,
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
    pub(crate) from: NaiveDate,
    pub(crate) today: NaiveDate,
    /// Days scored.
    pub(crate) days: usize,
    /// Stored days whose figures changed.
    pub(crate) stale: Vec<NaiveDate>,
    /// Whether every stored day of the range changed (one range delete).
    pub(crate) all_stale: bool,
    /// The rows to insert: the changed days and the days not stored yet.
    pub(crate) changed: Vec<ScoreRow>,
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
    let Some((from, today)) = scoring_range(start, horizon.day, from, today) else { return Ok(None) };
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
    let mut plan = PlanBuilder::new(model, from, today, &sweep.finish(&profiles))?;
    let mut stored = conn.prepare_cached(
        "SELECT date, brand, people, insights, relationships, total, components FROM daily_scores
         WHERE member_id = ?1 AND model_version = ?2 AND date >= ?3 AND date <= ?4 ORDER BY date",
    )?;
    let mut stored_rows = stored.query(params![member.0, model.version, from, today])?;
    while let Some(row) = stored_rows.next()? {
        let figures = std::array::from_fn(|i| row.get::<_, f64>(i + 1).ok());
        plan.observe_stored(row.get(0)?, figures, row_text(row, 6)?);
    }
    Ok(Some(plan.finish()))
}

/// The days a re-score computes: from `from` (never before the member's first day,
/// `start`) to `today` (never past the member's horizon nor the last storable day);
/// `None` when that range is empty. Both backends clamp with it.
pub(crate) fn scoring_range(
    start: NaiveDate,
    horizon: NaiveDate,
    from: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<(NaiveDate, NaiveDate)> {
    let from = from.map_or(start, |from| from.max(start));
    let today = today.min(horizon).min(LAST_DAY);
    (from <= today).then_some((from, today))
}

/// Builds a [`RescorePlan`] from a fresh sweep's days and the stored rows of the same
/// range, whatever the backend that read them: each day is encoded once, the stored
/// rows are then observed in date order, and the plan keeps the days whose figures
/// changed or were not stored.
pub(crate) struct PlanBuilder {
    from: NaiveDate,
    today: NaiveDate,
    /// Every day scored, in date order.
    computed: Vec<ComputedDay>,
    /// The components of every computed day, one after the other.
    components: String,
    stored_count: usize,
    stale: Vec<NaiveDate>,
}

/// One day of a sweep, encoded as a stored row would be.
struct ComputedDay {
    date: NaiveDate,
    figures: [f64; 5],
    components: std::ops::Range<usize>,
    /// Whether the stored row of the day has the same figures.
    unchanged: bool,
}

impl PlanBuilder {
    /// Encodes the sweep's `days` (consecutive, from `from`) under `model`.
    pub(crate) fn new(
        model: &ScoringModel,
        from: NaiveDate,
        today: NaiveDate,
        days: &[DayValues],
    ) -> Result<PlanBuilder, StoreError> {
        let mut text = String::new();
        let mut components = String::new();
        let mut computed = Vec::with_capacity(days.len());
        for day in days {
            let (pillars, total) = pillar_points(model, &day.values);
            encode_components(&day.values, &mut text)?;
            let start = components.len();
            components.push_str(&text);
            computed.push(ComputedDay {
                date: day.date,
                figures: [pillars.brand, pillars.people, pillars.insights, pillars.relationships, total],
                components: start..components.len(),
                unchanged: false,
            });
        }
        Ok(PlanBuilder { from, today, computed, components, stored_count: 0, stale: Vec::new() })
    }

    /// One stored row of the range: its day, its pillars and total (`None` for a value
    /// that does not read as a number) and its components' text.
    pub(crate) fn observe_stored(&mut self, date: NaiveDate, figures: [Option<f64>; 5], components: &str) {
        let Some(first) = self.computed.first() else { return };
        let Ok(index) = usize::try_from((date - first.date).num_days()) else { return };
        let Some(day) = self.computed.get_mut(index) else { return };
        self.stored_count += 1;
        day.unchanged = figures.iter().zip(&day.figures).all(|(stored, fresh)| *stored == Some(*fresh))
            && self.components[day.components.clone()] == *components;
        if !day.unchanged {
            self.stale.push(date);
        }
    }

    /// The plan: the stale stored days and the rows to insert.
    pub(crate) fn finish(self) -> RescorePlan {
        let all_stale = !self.stale.is_empty() && self.stale.len() == self.stored_count;
        let changed = self
            .computed
            .iter()
            .filter(|day| !day.unchanged)
            .map(|day| ScoreRow {
                date: day.date,
                pillars: PillarScores::from_array([
                    day.figures[0],
                    day.figures[1],
                    day.figures[2],
                    day.figures[3],
                ]),
                total: day.figures[4],
                components: self.components[day.components.clone()].to_string(),
            })
            .collect();
        RescorePlan {
            from: self.from,
            today: self.today,
            days: self.computed.len(),
            stale: self.stale,
            all_stale,
            changed,
        }
    }
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
pub(crate) const MEMBERS_PER_TRANSACTION: usize = 64;

/// Reader threads of a re-score, at most (one per core up to this).
const MAX_RESCORE_WORKERS: usize = 8;

/// Which days a group re-score computes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RescoreFrom {
    /// Every day from the member's first.
    Start,
    /// The days after the member's last stored day under the model.
    NextUnscored,
}

impl RescoreFrom {
    /// The day a member's re-score starts from (`None`: the member's first day), given
    /// how to read the day after their last stored one; `Ok(None)` when nothing is due.
    pub(crate) fn start(
        self,
        today: NaiveDate,
        next_unscored: impl FnOnce() -> Result<Option<NaiveDate>, StoreError>,
    ) -> Result<Option<Option<NaiveDate>>, StoreError> {
        Ok(match self {
            RescoreFrom::Start => Some(None),
            RescoreFrom::NextUnscored => match next_unscored()? {
                Some(day) if day > today => None,
                day => Some(day),
            },
        })
    }
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
    match from.start(today, || next_unscored_day(conn, member, &model.version))? {
        Some(from) => plan_rescore(conn, model, member, from, today),
        None => Ok(None),
    }
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
    Ok(day_after(last))
}

/// The day after the last stored day, if any (the last storable day stays itself).
pub(crate) fn day_after(last: Option<NaiveDate>) -> Option<NaiveDate> {
    last.map(|d| d.checked_add_days(Days::new(1)).unwrap_or(d))
}
