//! Stored events and profile snapshots read back from PostgreSQL: `events.rs`'s
//! methods of [`crate::Store`] on [`PgStore`], with the same results.
//!
//! Pseudonym keys are text in PostgreSQL (migrations-pg/0001), so rows need no
//! spelling out; the event key is read back as the same 16 hex digits.

use super::PgStore;
use super::rows::active_model;
use crate::error::StoreError;
use crate::events::{first_day, key_text, parse_kind, parse_snapshot, scoring_event_columns};
use crate::types::{ActivitySpan, MemberId, ScoringInputs};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use ssi_core::engine::EventView;
use ssi_core::{ActivityEvent, ActivityKind, ProfileSnapshot, PseudonymKey};
use tokio_postgres::{Row, Transaction};

impl PgStore {
    /// [`crate::Store::load_events`]: every stored event of the member, in time order.
    pub fn load_events(&self, member: MemberId) -> Result<Vec<ActivityEvent>, StoreError> {
        self.read_member(member, async |tx| events_in(tx, member).await)
    }

    /// [`crate::Store::scoring_inputs`]: the active model, the member's profile
    /// snapshots and every stored event, from one consistent read.
    pub fn scoring_inputs(&self, member: MemberId) -> Result<ScoringInputs, StoreError> {
        self.read_member(member, async |tx| {
            Ok(ScoringInputs {
                model: active_model(tx).await?,
                profiles: load_snapshots(tx, member).await?,
                events: events_in(tx, member).await?,
            })
        })
    }

    /// [`crate::Store::profile_snapshots`]: the member's profile snapshots, oldest first.
    pub fn profile_snapshots(&self, member: MemberId) -> Result<Vec<ProfileSnapshot>, StoreError> {
        self.read_member(member, async |tx| load_snapshots(tx, member).await)
    }

    /// [`crate::Store::activity_span`]: first and last event days, the latest export
    /// date and the latest import time.
    pub fn activity_span(&self, member: MemberId) -> Result<ActivitySpan, StoreError> {
        self.read_member(member, async |tx| activity_span_in(tx, member).await)
    }

    /// [`crate::Store::daily_activity_counts`]: events per UTC day and kind between
    /// `from` and `to` inclusive, by day then kind.
    pub fn daily_activity_counts(
        &self,
        member: MemberId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<(NaiveDate, ActivityKind, u32)>, StoreError> {
        self.read_member(member, async |tx| daily_counts_in(tx, member, from, to).await)
    }
}

/// [`PgStore::activity_span`] in the caller's transaction.
pub(crate) async fn activity_span_in(
    tx: &Transaction<'_>,
    member: MemberId,
) -> Result<ActivitySpan, StoreError> {
    let events = tx
        .query_one(
            "SELECT (min(at) AT TIME ZONE 'UTC')::date, (max(at) AT TIME ZONE 'UTC')::date
             FROM events WHERE member_id = $1",
            &[&member.0],
        )
        .await?;
    let imports = tx
        .query_one(
            "SELECT max(export_date), max(imported_at) FROM imports WHERE member_id = $1",
            &[&member.0],
        )
        .await?;
    Ok(ActivitySpan {
        first_event: events.try_get(0)?,
        last_event: events.try_get(1)?,
        last_export: imports.try_get(0)?,
        last_import: imports.try_get(1)?,
    })
}

/// [`PgStore::daily_activity_counts`] in the caller's transaction.
pub(crate) async fn daily_counts_in(
    tx: &Transaction<'_>,
    member: MemberId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<(NaiveDate, ActivityKind, u32)>, StoreError> {
    let midnight = |day: NaiveDate| -> DateTime<Utc> { day.and_time(NaiveTime::MIN).and_utc() };
    let start = from.map(midnight);
    let end = to.and_then(|d| d.checked_add_days(Days::new(1))).map(midnight);
    let rows = tx
        .query(
            "SELECT (at AT TIME ZONE 'UTC')::date AS day, kind, count(*) FROM events
             WHERE member_id = $1 AND ($2::timestamptz IS NULL OR at >= $2)
               AND ($3::timestamptz IS NULL OR at < $3)
             GROUP BY day, kind",
            &[&member.0, &start, &end],
        )
        .await?;
    let mut counts = rows
        .iter()
        .map(|row| {
            let n: i64 = row.try_get(2)?;
            Ok((row.try_get(0)?, parse_kind(row.try_get(1)?)?, u32::try_from(n).unwrap_or(u32::MAX)))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    counts.sort_by_key(|&(day, kind, _)| (day, kind));
    Ok(counts)
}

/// Every stored event of the member, in time order, with its natural key.
async fn events_in(tx: &Transaction<'_>, member: MemberId) -> Result<Vec<ActivityEvent>, StoreError> {
    let rows = tx
        .query(
            concat!(
                "SELECT ",
                scoring_event_columns!(),
                ", key FROM events WHERE member_id = $1 ORDER BY at, key"
            ),
            &[&member.0],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let view = view_from_row(row)?;
            let key = |text: Option<&str>| text.map(|key| PseudonymKey(key.to_string()));
            Ok(ActivityEvent {
                at: view.at,
                kind: view.kind,
                counterpart: key(view.counterpart),
                conversation: key(view.conversation),
                counterpart_title: view.counterpart_title.map(str::to_string),
                counterpart_company: view.counterpart_company.map(str::to_string),
                personalised: row.try_get(6)?,
                natural_key: key_text(row.try_get(7)?),
            })
        })
        .collect()
}

/// The sweep's view of a row of `scoring_event_columns!()`, borrowing its text.
pub(crate) fn view_from_row(row: &Row) -> Result<EventView<'_>, StoreError> {
    Ok(EventView {
        at: row.try_get(0)?,
        kind: parse_kind(row.try_get(1)?)?,
        counterpart: row.try_get(2)?,
        conversation: row.try_get(3)?,
        counterpart_title: row.try_get(4)?,
        counterpart_company: row.try_get(5)?,
    })
}

/// The member's snapshots, oldest first.
pub(crate) async fn load_snapshots(
    tx: &Transaction<'_>,
    member: MemberId,
) -> Result<Vec<ProfileSnapshot>, StoreError> {
    let rows = tx
        .query(
            "SELECT profile::text FROM profile_snapshots WHERE member_id = $1 ORDER BY taken_on",
            &[&member.0],
        )
        .await?;
    rows.iter().map(|row| parse_snapshot(row.try_get(0)?)).collect()
}

/// The member's first day: the earlier of the first event's day and the first snapshot's day.
pub(crate) async fn history_start(
    tx: &Transaction<'_>,
    member: MemberId,
    profiles: &[ProfileSnapshot],
) -> Result<Option<NaiveDate>, StoreError> {
    let row = tx
        .query_one("SELECT (min(at) AT TIME ZONE 'UTC')::date FROM events WHERE member_id = $1", &[&member.0])
        .await?;
    Ok(first_day(row.try_get(0)?, profiles))
}
