//! Stored events and profile snapshots read back: the row format the scoring sweep, `load_events` and the migrations share.
//!
//! Events are stored under (member, time, 64-bit key) with their pseudonym
//! keys as bytes (docs/store.md, "Event identity"); this module turns rows
//! back into the sweep's borrowed [`EventView`]s or owned [`ActivityEvent`]s.

use crate::Store;
use crate::db::{instant, row_text};
use crate::error::StoreError;
use crate::members::ensure_member;
use crate::models::active_model_in;
use crate::types::{ActivitySpan, MemberId, ScoringInputs};
use chrono::{Days, NaiveDate, NaiveTime};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row, params};
use sha2::{Digest, Sha256};
use ssi_core::engine::EventView;
use ssi_core::event::digest_from_hex;
use ssi_core::{ActivityEvent, ActivityKind, ProfileSnapshot, PseudonymKey};

/// The event columns the scoring sweep needs, in [`event_from_row`] order.
macro_rules! scoring_event_columns {
    () => {
        "at, kind, counterpart, conversation, counterpart_title, counterpart_company, personalised"
    };
}
pub(crate) use scoring_event_columns;

impl Store {
    /// Every stored event of the member, in time order.
    pub fn load_events(&self, member: MemberId) -> Result<Vec<ActivityEvent>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            events_in(tx, member)
        })
    }

    /// Everything that scores the member, from one consistent read: the
    /// active model, the member's profile snapshots and every stored event
    /// (what advice, plans and calibration simulate from).
    pub fn scoring_inputs(&self, member: MemberId) -> Result<ScoringInputs, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            Ok(ScoringInputs {
                model: active_model_in(tx)?,
                profiles: load_snapshots(tx, member)?,
                events: events_in(tx, member)?,
            })
        })
    }

    /// The member's profile snapshots, oldest first.
    pub fn profile_snapshots(&self, member: MemberId) -> Result<Vec<ProfileSnapshot>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            load_snapshots(tx, member)
        })
    }

    /// How fresh the member's data is: first and last event days, the latest
    /// export date and the latest import time.
    pub fn activity_span(&self, member: MemberId) -> Result<ActivitySpan, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            activity_span_in(tx, member)
        })
    }

    /// Events per UTC day and kind between `from` and `to` inclusive, by day
    /// then kind (in [`ActivityKind::ALL`] order).
    pub fn daily_activity_counts(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<(NaiveDate, ActivityKind, u32)>, StoreError> {
        self.pool.read(|tx| {
            ensure_member(tx, member)?;
            daily_counts_in(tx, member, from, to)
        })
    }
}

/// [`Store::activity_span`] in the caller's transaction.
pub(crate) fn activity_span_in(conn: &Connection, member: MemberId) -> Result<ActivitySpan, StoreError> {
    // Two queries, not one: SQLite answers a lone min() or max() with
    // one index seek, but scans every row for both in one statement.
    let first: Option<i64> = conn
        .prepare_cached("SELECT min(at) FROM events WHERE member_id = ?1")?
        .query_row([member.0], |r| r.get(0))?;
    let last: Option<i64> = conn
        .prepare_cached("SELECT max(at) FROM events WHERE member_id = ?1")?
        .query_row([member.0], |r| r.get(0))?;
    let (last_export, last_import): (Option<NaiveDate>, Option<i64>) = conn
        .prepare_cached("SELECT max(export_date), max(imported_at) FROM imports WHERE member_id = ?1")?
        .query_row([member.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let day = |t: Option<i64>| -> Result<Option<NaiveDate>, StoreError> {
        Ok(t.map(instant).transpose()?.map(|t| t.date_naive()))
    };
    Ok(ActivitySpan {
        first_event: day(first)?,
        last_event: day(last)?,
        last_export,
        last_import: last_import.map(instant).transpose()?,
    })
}

/// [`Store::daily_activity_counts`] in the caller's transaction.
pub(crate) fn daily_counts_in(
    conn: &Connection,
    member: MemberId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<(NaiveDate, ActivityKind, u32)>, StoreError> {
    let start = from.map_or(i64::MIN, |d| d.and_time(NaiveTime::MIN).and_utc().timestamp());
    let end = to
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .map_or(i64::MAX, |d| d.and_time(NaiveTime::MIN).and_utc().timestamp());
    let mut stmt = conn.prepare_cached(
        "SELECT date(at, 'unixepoch') AS day, kind, count(*) FROM events
         WHERE member_id = ?1 AND at >= ?2 AND at < ?3
         GROUP BY day, kind",
    )?;
    let mut rows = stmt.query(params![member.0, start, end])?;
    let mut counts = Vec::new();
    while let Some(row) = rows.next()? {
        let kind = parse_kind(row_text(row, 1)?)?;
        let n: i64 = row.get(2)?;
        counts.push((row.get(0)?, kind, u32::try_from(n).unwrap_or(u32::MAX)));
    }
    counts.sort_by_key(|&(day, kind, _)| (day, kind));
    Ok(counts)
}

/// The 64-bit key an event is stored under, from its natural key: the
/// importer's natural keys are 32 hex digits of a keyed digest, whose first
/// 16 digits are taken as they are; any other natural key (tests, other
/// sources) is hashed with SHA-256 and its first 8 bytes taken. Migration 2
/// computes the same keys for events stored before it.
pub(crate) fn event_key(natural_key: &str) -> i64 {
    let prefix = match digest_from_hex(natural_key) {
        // The first 64 of the 128 bits: the first 16 hex digits.
        Some(digest) => (digest >> 64) as u64,
        None => {
            let mut first = [0u8; 8];
            first.copy_from_slice(&Sha256::digest(natural_key.as_bytes())[..8]);
            u64::from_be_bytes(first)
        }
    };
    prefix as i64
}

/// A stored event key as the natural key events are loaded with: 16 hex
/// digits (for the importer's keys, the first 16 digits of the original).
pub(crate) fn key_text(key: i64) -> String {
    format!("{:016x}", key as u64)
}

/// Every stored event of the member, in time order, with its natural key.
fn events_in(conn: &Connection, member: MemberId) -> Result<Vec<ActivityEvent>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        scoring_event_columns!(),
        ", key FROM events WHERE member_id = ?1 ORDER BY at, key"
    ))?;
    let mut rows = stmt.query([member.0])?;
    let mut events = Vec::new();
    while let Some(row) = rows.next()? {
        events.push(event_from_row(row, true)?);
    }
    Ok(events)
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
    let first_event = first_at.map(instant).transpose()?.map(|t| t.date_naive());
    Ok(first_day(first_event, profiles))
}

/// The member's first day, from their first event's day and their snapshots.
pub(crate) fn first_day(first_event: Option<NaiveDate>, profiles: &[ProfileSnapshot]) -> Option<NaiveDate> {
    earlier_day(first_event, profiles.iter().map(|p| p.taken_on).min())
}

/// The earlier of two optional days.
pub(crate) fn earlier_day(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The member's snapshots, oldest first.
pub(crate) fn load_snapshots(
    conn: &Connection,
    member: MemberId,
) -> Result<Vec<ProfileSnapshot>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT profile FROM profile_snapshots WHERE member_id = ?1 ORDER BY taken_on")?;
    let mut rows = stmt.query([member.0])?;
    let mut snapshots = Vec::new();
    while let Some(row) = rows.next()? {
        snapshots.push(parse_snapshot(row_text(row, 0)?)?);
    }
    Ok(snapshots)
}

pub(crate) fn parse_snapshot(text: &str) -> Result<ProfileSnapshot, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::invalid(format!("stored profile snapshot does not load: {e}")))
}

pub(crate) fn parse_kind(text: &str) -> Result<ActivityKind, StoreError> {
    text.parse().map_err(|e| StoreError::invalid(format!("stored event: {e}")))
}

/// Room to spell out the two pseudonym keys of one event row.
pub(crate) type KeyBuffers = ([u8; 32], [u8; 32]);

/// The sweep's view of a row of `scoring_event_columns!()`, borrowing its
/// text (pseudonym keys stored as bytes are spelt out into `keys`).
pub(crate) fn view_from_row<'r>(
    row: &'r Row<'_>,
    keys: &'r mut KeyBuffers,
) -> Result<EventView<'r>, StoreError> {
    let (counterpart, conversation) = (&mut keys.0, &mut keys.1);
    Ok(EventView {
        at: instant(row.get(0)?)?,
        kind: parse_kind(row_text(row, 1)?)?,
        counterpart: pseudonym_text(row, 2, counterpart)?,
        conversation: pseudonym_text(row, 3, conversation)?,
        counterpart_title: optional_text(row, 4)?,
        counterpart_company: optional_text(row, 5)?,
    })
}

/// A pseudonym key as stored: its 16 bytes when it is 32 lowercase hex
/// digits (every key the importer makes), else its text as it is. Half the
/// size of the hex text, in a table where most rows carry two keys. `bytes`
/// holds the decoded key.
pub(crate) fn pseudonym_value<'k>(key: Option<&'k str>, bytes: &'k mut [u8; 16]) -> ValueRef<'k> {
    let Some(key) = key else { return ValueRef::Null };
    match digest_from_hex(key) {
        Some(digest) => {
            *bytes = digest.to_be_bytes();
            ValueRef::Blob(&bytes[..])
        }
        None => ValueRef::Text(key.as_bytes()),
    }
}

/// Column `index` of `row` as a pseudonym key's text: stored bytes are
/// spelt out in lowercase hex into `spelt`; text is borrowed; NULL is `None`.
pub(crate) fn pseudonym_text<'r>(
    row: &'r Row<'_>,
    index: usize,
    spelt: &'r mut [u8; 32],
) -> Result<Option<&'r str>, StoreError> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    match row.get_ref(index)? {
        ValueRef::Null => Ok(None),
        ValueRef::Blob(bytes) if bytes.len() == 16 => {
            for (pair, byte) in spelt.chunks_exact_mut(2).zip(bytes) {
                pair[0] = DIGITS[usize::from(byte >> 4)];
                pair[1] = DIGITS[usize::from(byte & 0xf)];
            }
            let text = std::str::from_utf8(&spelt[..])
                .map_err(|_| StoreError::invalid("a stored pseudonym key did not spell out as hex"))?;
            Ok(Some(text))
        }
        _ => row_text(row, index).map(Some),
    }
}

/// Column `index` of `row` as borrowed text, `None` for NULL.
fn optional_text<'r>(row: &'r Row<'_>, index: usize) -> Result<Option<&'r str>, StoreError> {
    match row.get_ref(index)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => row_text(row, index).map(Some),
    }
}

/// An event from a row of `scoring_event_columns!()` (plus the stored `key`
/// when `with_key`, as [`key_text`]; the sweep does not need it).
pub(crate) fn event_from_row(row: &Row<'_>, with_key: bool) -> Result<ActivityEvent, StoreError> {
    let at = instant(row.get(0)?)?;
    let kind = parse_kind(row_text(row, 1)?)?;
    let key = |i: usize| -> Result<Option<PseudonymKey>, StoreError> {
        let mut spelt = [0u8; 32];
        Ok(pseudonym_text(row, i, &mut spelt)?.map(|key| PseudonymKey(key.to_string())))
    };
    Ok(ActivityEvent {
        at,
        kind,
        counterpart: key(2)?,
        conversation: key(3)?,
        counterpart_title: row.get(4)?,
        counterpart_company: row.get(5)?,
        personalised: row.get(6)?,
        natural_key: if with_key { key_text(row.get(7)?) } else { String::new() },
    })
}
