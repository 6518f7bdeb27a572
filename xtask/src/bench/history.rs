//! Row 3: recomputing every synthetic member's daily history from the store, against a bare scan of its events.
//!
//! The database is filled through the store's public API
//! (`Store::import_export`, one call per member, with "today" set before the
//! first event so that nothing is scored while filling). Each round then
//! empties `daily_scores` (untimed), times a bare `SELECT` of every event row
//! in member/time order through rusqlite, times the first materialisation
//! (`Store::rescore_all` writing every day of every member) and then the
//! recompute of that stored history (`Store::rescore_all` again: every day
//! computed and compared, the unchanged ones not rewritten). Medians over the
//! rounds are compared; the row's figure is the recompute, and the first
//! materialisation is reported beside it.

use super::Plan;
use super::measure::{median, timed};
use super::synthetic::{import_synthetic, member_events};
use anyhow::{Context, Result};
use chrono::{Days, NaiveDate};
use ssi_store::{MemberId, Store};
use std::path::Path;
use std::time::Duration;

/// Seed of the synthetic members.
const SEED: u64 = 20_261_120;

/// One recompute measurement over the first `members` members.
#[derive(Debug, Clone)]
pub(crate) struct HistoryPoint {
    /// Members recomputed.
    pub(crate) members: usize,
    /// Their events.
    pub(crate) events: u64,
    /// Days scored.
    pub(crate) days_scored: usize,
    /// Median time of the recompute over the stored history (the same figures: nothing rewritten).
    pub(crate) recompute: Duration,
    /// Median time of the first materialisation (no stored rows: every day written).
    pub(crate) first: Duration,
    /// Median time of the bare scan of the same members' events.
    pub(crate) scan: Duration,
}

/// Everything row 3 measured.
#[derive(Debug, Clone)]
pub(crate) struct HistoryResult {
    /// The whole team, through `rescore_all`.
    pub(crate) all: HistoryPoint,
    /// Smaller teams, member by member (`rescore_member`).
    pub(crate) growth: Vec<HistoryPoint>,
    /// Days of activity per member.
    pub(crate) days: u32,
}

/// Fills a database and measures.
pub(crate) fn run(plan: &Plan, work: &Path) -> Result<HistoryResult> {
    let db = work.join("history.db");
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).context("a valid day")?;
    let last = today.pred_opt().context("a valid day")?;
    let days = 3 * 365;
    let first = last.checked_sub_days(Days::new(u64::from(days) - 1)).context("a valid day")?;
    eprintln!("==> history: filling {} members × {days} days", plan.history_members);
    let (fill, store) = timed(|| fill(&db, plan.history_members, first, last))?;
    eprintln!("    filled in {:.1} s", fill.as_secs_f64());

    let members: Vec<MemberId> = store.list_members()?.into_iter().map(|m| m.id).collect();
    let mut growth = Vec::new();
    for &size in &plan.history_growth {
        let size = size.min(members.len());
        if size == members.len() {
            continue;
        }
        eprintln!("==> history: recompute {size} members");
        let subset = &members[..size];
        growth.push(measure(&store, &db, subset, today, plan.history_rounds, false)?);
    }
    eprintln!("==> history: recompute all {} members", members.len());
    let all = measure(&store, &db, &members, today, plan.history_rounds, true)?;
    growth.push(all.clone());
    Ok(HistoryResult { all, growth, days })
}

fn fill(db: &Path, members: usize, first: NaiveDate, last: NaiveDate) -> Result<Store> {
    super::import::remove_db(db)?;
    let store = Store::open(db)?;
    // Scoring waits for the measurement: "today" lies before every event.
    let before = first.pred_opt().context("a valid day")?;
    for i in 0..members {
        let member =
            store.create_member(&format!("Synthetic member {i:05}"), Some("Software Development"), None)?;
        let events = member_events(SEED, i as u64, first, last);
        import_synthetic(&store, member.id, format!("synthetic-{SEED}-{i}"), i as u64, events, last, before)?;
    }
    Ok(store)
}

/// Rounds of (empty the scores, scan, first materialisation, recompute) over `members`.
fn measure(
    store: &Store,
    db: &Path,
    members: &[MemberId],
    today: NaiveDate,
    rounds: usize,
    whole_team: bool,
) -> Result<HistoryPoint> {
    let last = members.iter().map(|m| m.0).max().unwrap_or(0);
    let recompute = || -> Result<usize> {
        if whole_team { Ok(store.rescore_all(today)?) } else { Ok(store.rescore_members(members, today)?) }
    };
    let (mut scans, mut firsts, mut recomputes) = (Vec::new(), Vec::new(), Vec::new());
    let (mut events, mut days_scored) = (0, 0);
    for _ in 0..rounds {
        clear_scores(db)?;
        let (scan, n) = timed(|| scan_events(db, last))?;
        events = n;
        let (first, _) = timed(recompute)?;
        let (again, scored) = timed(recompute)?;
        days_scored = scored;
        scans.push(scan);
        firsts.push(first);
        recomputes.push(again);
    }
    Ok(HistoryPoint {
        members: members.len(),
        events,
        days_scored,
        recompute: median(&recomputes),
        first: median(&firsts),
        scan: median(&scans),
    })
}

/// The reference: every event row of members up to `last_member`, in
/// member/time order, each column read, through rusqlite.
fn scan_events(db: &Path, last_member: i64) -> Result<u64> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut stmt = conn.prepare(
        "SELECT at, kind, counterpart, conversation, counterpart_title, counterpart_company, personalised
         FROM events WHERE member_id <= ?1 ORDER BY member_id, at, key",
    )?;
    let mut rows = stmt.query([last_member])?;
    let (mut count, mut checksum) = (0u64, 0u64);
    while let Some(row) = rows.next()? {
        count += 1;
        for column in 0..7 {
            checksum = checksum.wrapping_add(match row.get_ref(column)? {
                rusqlite::types::ValueRef::Integer(i) => i as u64,
                rusqlite::types::ValueRef::Text(t) => t.len() as u64,
                _ => 1,
            });
        }
    }
    std::hint::black_box(checksum);
    Ok(count)
}

fn clear_scores(db: &Path) -> Result<()> {
    let conn = rusqlite::Connection::open(db)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    conn.execute("DELETE FROM daily_scores", [])?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}
