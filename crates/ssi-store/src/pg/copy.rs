//! Moving a SQLite store into a freshly migrated PostgreSQL store
//! (`ssi-server migrate-from-sqlite`): every table copied in one PostgreSQL
//! transaction, ids kept, then verified before the commit.
//!
//! The SQLite side is read in one read transaction, so a single-node server may keep
//! running (and writing) while it is copied: the copy is the store as of that snapshot.
//! Rows travel in batches of [`BATCH_ROWS`], each one `INSERT … SELECT … FROM unnest(…)`
//! with one bound array per column. The PostgreSQL side is one write transaction that
//! first takes the data version's row lock (as every writer does) and refuses a target
//! holding any row; whatever fails after that (a row the target rejects, a difference
//! found by the verification) rolls all of it back.
//!
//! Verification compares, in the same two transactions, the row count of every table and
//! what the functions behind both backends' public reads answer: every team's
//! leaderboard, the member list and, for up to [`SAMPLED_MEMBERS`] members spread over
//! the ids, the latest score and the whole history (docs/store.md, "Moving from SQLite
//! to PostgreSQL").

use super::PgStore;
use super::groups::leaderboard_in;
use super::rows::{all_members, begin_write};
use super::score_reads::{history_in, latest_score_in};
use crate::Store;
use crate::db::instant;
use crate::error::StoreError;
use crate::events::pseudonym_text;
use crate::types::{MemberId, TeamId};
use chrono::{DateTime, NaiveDate, Utc};
use std::fmt::Debug;
use std::time::{Duration, Instant};
use tokio_postgres::Transaction;
use tokio_postgres::types::ToSql;

/// Rows sent in one `INSERT … FROM unnest(…)` statement.
pub const BATCH_ROWS: usize = 5_000;

/// Members whose latest score and history are compared after a copy, at most.
pub const SAMPLED_MEMBERS: usize = 300;

/// What a copy did: the rows of each table, what the verification compared, how long
/// it all took.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyReport {
    /// Every table copied, in copy order, with its number of rows (equal on both sides).
    pub tables: Vec<TableCopied>,
    /// Members whose latest score and history were compared.
    pub members_sampled: usize,
    /// Teams whose leaderboards were compared.
    pub teams_compared: usize,
    /// The day the leaderboards were compared on.
    pub compared_on: NaiveDate,
    /// From the start of the copy to its commit.
    pub elapsed: Duration,
}

/// One table of a [`CopyReport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopied {
    /// The table's name (the same on both backends).
    pub table: &'static str,
    /// Rows copied.
    pub rows: u64,
}

/// How a SQLite column is read and bound for PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// INTEGER → bigint.
    Int,
    /// REAL → double precision.
    Real,
    /// TEXT → text (JSON too: the INSERT casts it to jsonb).
    Text,
    /// BLOB → bytea.
    Bytes,
    /// 0/1 → boolean.
    Flag,
    /// ISO day text → date.
    Day,
    /// Unix seconds → timestamptz.
    Instant,
    /// A pseudonym key, 16 bytes or text in SQLite → its text.
    Pseudonym,
}

/// One table: how it is read from SQLite (in a fixed order), written to PostgreSQL
/// (one array per column, in the SELECT's order) and counted on both.
struct TableCopy {
    name: &'static str,
    select: &'static str,
    insert: &'static str,
    count: &'static str,
    kinds: &'static [Kind],
}

use Kind::{Bytes, Day, Flag, Instant as At, Int, Pseudonym, Real, Text};

/// The tables before `daily_scores`, parents before children.
const LEADING_TABLES: &[TableCopy] = &[
    TableCopy {
        name: "settings",
        select: "SELECT key, value FROM settings ORDER BY key",
        insert: "INSERT INTO settings (key, value) SELECT * FROM unnest($1::text[], $2::bytea[])",
        count: "SELECT count(*) FROM settings",
        kinds: &[Text, Bytes],
    },
    TableCopy {
        name: "teams",
        select: "SELECT id, name, created FROM teams ORDER BY id",
        insert: "INSERT INTO teams (id, name, created)
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[])",
        count: "SELECT count(*) FROM teams",
        kinds: &[Int, Text, At],
    },
    TableCopy {
        name: "members",
        select: "SELECT id, name, industry, team_id, created, horizon, horizon_source FROM members ORDER BY id",
        insert: "INSERT INTO members (id, name, industry, team_id, created, horizon, horizon_source)
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[],
                                      $6::date[], $7::text[])",
        count: "SELECT count(*) FROM members",
        kinds: &[Int, Text, Text, Int, At, Day, Text],
    },
    TableCopy {
        name: "api_tokens",
        select: "SELECT id, hash, role, member_id, team_id, label, created, last_used, revoked
                 FROM api_tokens ORDER BY id",
        insert: "INSERT INTO api_tokens (id, hash, role, member_id, team_id, label, created, last_used, revoked)
                 SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::text[], $4::bigint[], $5::bigint[],
                                      $6::text[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[])",
        count: "SELECT count(*) FROM api_tokens",
        kinds: &[Int, Bytes, Text, Int, Int, Text, At, At, At],
    },
    TableCopy {
        name: "imports",
        select: "SELECT id, member_id, fingerprint, imported_at, export_date, source_name, events_seen,
                        events_added, report, horizon_source
                 FROM imports ORDER BY id",
        insert: "INSERT INTO imports (id, member_id, fingerprint, imported_at, export_date, source_name,
                                      events_seen, events_added, report, horizon_source)
                 SELECT id, member_id, fingerprint, imported_at, export_date, source_name, events_seen,
                        events_added, report::jsonb, horizon_source
                 FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::date[], $6::text[],
                             $7::bigint[], $8::bigint[], $9::text[], $10::text[])
                      AS r (id, member_id, fingerprint, imported_at, export_date, source_name, events_seen,
                            events_added, report, horizon_source)",
        count: "SELECT count(*) FROM imports",
        kinds: &[Int, Int, Text, At, Day, Text, Int, Int, Text, Text],
    },
    TableCopy {
        name: "profile_snapshots",
        select: "SELECT id, member_id, taken_on, profile FROM profile_snapshots ORDER BY id",
        insert: "INSERT INTO profile_snapshots (id, member_id, taken_on, profile)
                 SELECT id, member_id, taken_on, profile::jsonb
                 FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::text[])
                      AS r (id, member_id, taken_on, profile)",
        count: "SELECT count(*) FROM profile_snapshots",
        kinds: &[Int, Int, Day, Text],
    },
    TableCopy {
        name: "events",
        select: "SELECT member_id, at, key, kind, counterpart, conversation, counterpart_title,
                        counterpart_company, personalised
                 FROM events ORDER BY member_id, at, key",
        insert: "INSERT INTO events (member_id, at, key, kind, counterpart, conversation, counterpart_title,
                                     counterpart_company, personalised)
                 SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::bigint[], $4::text[], $5::text[],
                                      $6::text[], $7::text[], $8::text[], $9::bool[])",
        count: "SELECT count(*) FROM events",
        kinds: &[Int, At, Int, Text, Pseudonym, Pseudonym, Text, Text, Flag],
    },
    TableCopy {
        name: "official_readings",
        select: "SELECT id, member_id, date, source, total, brand, people, insights, relationships,
                        industry_rank, industry_average, network_rank, network_average, team_rank,
                        team_average, groups, confirmed
                 FROM official_readings ORDER BY id",
        insert: "INSERT INTO official_readings (id, member_id, date, source, total, brand, people, insights,
                     relationships, industry_rank, industry_average, network_rank, network_average, team_rank,
                     team_average, groups, confirmed)
                 SELECT id, member_id, date, source, total, brand, people, insights, relationships,
                        industry_rank, industry_average, network_rank, network_average, team_rank,
                        team_average, groups::jsonb, confirmed
                 FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::text[], $5::float8[], $6::float8[],
                             $7::float8[], $8::float8[], $9::float8[], $10::bigint[], $11::float8[],
                             $12::bigint[], $13::float8[], $14::bigint[], $15::float8[], $16::text[],
                             $17::bool[])
                      AS r (id, member_id, date, source, total, brand, people, insights, relationships,
                            industry_rank, industry_average, network_rank, network_average, team_rank,
                            team_average, groups, confirmed)",
        count: "SELECT count(*) FROM official_readings",
        kinds: &[Int, Int, Day, Text, Real, Real, Real, Real, Real, Int, Real, Int, Real, Int, Real, Text, Flag],
    },
    TableCopy {
        name: "scoring_models",
        select: "SELECT version, definition, created, active FROM scoring_models ORDER BY version",
        insert: "INSERT INTO scoring_models (version, definition, created, active)
                 SELECT version, definition::jsonb, created, active
                 FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bool[])
                      AS r (version, definition, created, active)",
        count: "SELECT count(*) FROM scoring_models",
        kinds: &[Text, Text, At, Flag],
    },
];

/// The columns of `daily_scores`, read in two parts (estimates, then pushed rows).
const SCORE_KINDS: &[Kind] = &[Int, Text, Day, Real, Real, Real, Real, Real, Text];

/// `daily_scores`, whose SELECT reads the estimates (every row not pushed from a CLI;
/// the pushed ones are [`PUSHED_SCORES`]); its INSERT and count serve both.
const DAILY_SCORES: TableCopy = TableCopy {
    name: "daily_scores",
    select: "SELECT member_id, model_version, date, brand, people, insights, relationships, total, components
             FROM daily_scores WHERE NOT (model_version > 'push:' AND model_version < 'push;')
             ORDER BY member_id, model_version, date",
    insert:
        "INSERT INTO daily_scores (member_id, model_version, date, brand, people, insights, relationships,
                                       total, components)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[], $4::float8[], $5::float8[],
                                  $6::float8[], $7::float8[], $8::float8[], $9::text[])",
    count: "SELECT count(*) FROM daily_scores",
    kinds: SCORE_KINDS,
};

/// Pushed daily scores with their rank among the member's rows of the same day, in the
/// order SQLite stored them (its rowid): which was stored last decides which pushed
/// series a member is read from ([`crate::series`]).
const PUSHED_SCORES: &str =
    "SELECT member_id, model_version, date, brand, people, insights, relationships, total, components,
            row_number() OVER (PARTITION BY member_id, date ORDER BY rowid) AS stored
     FROM daily_scores WHERE model_version > 'push:' AND model_version < 'push;'
     ORDER BY stored, rowid";

/// The tables after `daily_scores`.
const TRAILING_TABLES: &[TableCopy] = &[
    TableCopy {
        name: "member_calibrations",
        select: "SELECT member_id, model_version, fingerprint, calibration, created
                 FROM member_calibrations ORDER BY member_id",
        insert:
            "INSERT INTO member_calibrations (member_id, model_version, fingerprint, calibration, created)
                 SELECT member_id, model_version, fingerprint, calibration::jsonb, created
                 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
                      AS r (member_id, model_version, fingerprint, calibration, created)",
        count: "SELECT count(*) FROM member_calibrations",
        kinds: &[Int, Text, Text, Text, At],
    },
    TableCopy {
        name: "analytics_days",
        select: "SELECT member_id, date, impressions, engagements, new_followers
                 FROM analytics_days ORDER BY member_id, date",
        insert: "INSERT INTO analytics_days (member_id, date, impressions, engagements, new_followers)
                 SELECT * FROM unnest($1::bigint[], $2::date[], $3::bigint[], $4::bigint[], $5::bigint[])",
        count: "SELECT count(*) FROM analytics_days",
        kinds: &[Int, Day, Int, Int, Int],
    },
    TableCopy {
        name: "follower_totals",
        select: "SELECT member_id, date, followers FROM follower_totals ORDER BY member_id, date",
        insert: "INSERT INTO follower_totals (member_id, date, followers)
                 SELECT * FROM unnest($1::bigint[], $2::date[], $3::bigint[])",
        count: "SELECT count(*) FROM follower_totals",
        kinds: &[Int, Day, Int],
    },
    TableCopy {
        name: "post_analytics",
        select: "SELECT member_id, activity_id, published, engagements, impressions
                 FROM post_analytics ORDER BY member_id, activity_id",
        insert: "INSERT INTO post_analytics (member_id, activity_id, published, engagements, impressions)
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[], $4::bigint[], $5::bigint[])",
        count: "SELECT count(*) FROM post_analytics",
        kinds: &[Int, Text, Day, Int, Int],
    },
];

/// The server's bookkeeping (migration 0002; sessions and daily runs are in SQLite's
/// 0006, upload jobs in its 0007): nothing is copied into them (a move signs everyone out
/// once, the daily job runs its day again, which is idempotent, and upload jobs are work
/// in flight, not data: a server is moved once its uploads are imported), but a target
/// holding rows in them is not fresh either.
const REPLICA_TABLE_COUNTS: &[(&str, &str)] = &[
    ("sessions", "SELECT count(*) FROM sessions"),
    ("upload_jobs", "SELECT count(*) FROM upload_jobs"),
    ("daily_runs", "SELECT count(*) FROM daily_runs"),
];

/// Moves each identity sequence past the ids copied, so a new row never reuses one.
const ADVANCE_SEQUENCES: &[&str] = &[
    "SELECT setval(pg_get_serial_sequence('teams', 'id'), coalesce(max(id), 0) + 1, false) FROM teams",
    "SELECT setval(pg_get_serial_sequence('members', 'id'), coalesce(max(id), 0) + 1, false) FROM members",
    "SELECT setval(pg_get_serial_sequence('api_tokens', 'id'), coalesce(max(id), 0) + 1, false) FROM api_tokens",
    "SELECT setval(pg_get_serial_sequence('imports', 'id'), coalesce(max(id), 0) + 1, false) FROM imports",
    "SELECT setval(pg_get_serial_sequence('profile_snapshots', 'id'), coalesce(max(id), 0) + 1, false)
     FROM profile_snapshots",
    "SELECT setval(pg_get_serial_sequence('official_readings', 'id'), coalesce(max(id), 0) + 1, false)
     FROM official_readings",
];

impl PgStore {
    /// Copies every table of `source` into this store, which must be migrated and hold
    /// no rows, in one transaction; verifies the copy (row counts of every table, every
    /// team's leaderboard on `on`, the latest score and history of up to
    /// [`SAMPLED_MEMBERS`] members) and commits only if all of it agrees. Fails with
    /// [`StoreError::Conflict`] (nothing written) when the target holds data, and with
    /// [`StoreError::InvalidData`] naming the table, row or member when a row cannot be
    /// copied or the two sides differ; the target is then left as it was.
    pub fn copy_from_sqlite(&self, source: &Store, on: NaiveDate) -> Result<CopyReport, StoreError> {
        let started = Instant::now();
        source.pool.read(|sqlite| {
            self.block_on(async {
                let mut client = self.client().await?;
                let tx = begin_write(&mut client).await?;
                refuse_occupied(&tx).await?;
                let mut tables = Vec::new();
                for table in LEADING_TABLES {
                    tables.push(copy_table(sqlite, &tx, table).await?);
                }
                tables.push(copy_daily_scores(sqlite, &tx).await?);
                for table in TRAILING_TABLES {
                    tables.push(copy_table(sqlite, &tx, table).await?);
                }
                for statement in ADVANCE_SEQUENCES {
                    tx.execute(*statement, &[]).await?;
                }
                let (members_sampled, teams_compared) = verify_scores(sqlite, &tx, on).await?;
                tx.commit().await?;
                Ok(CopyReport {
                    tables,
                    members_sampled,
                    teams_compared,
                    compared_on: on,
                    elapsed: started.elapsed(),
                })
            })
        })
    }
}

impl PgStore {
    /// The row count of every table [`PgStore::copy_from_sqlite`] copies (the store's data,
    /// not the replicas' sessions, jobs and daily runs), in copy order, read in one
    /// snapshot: what `cargo xtask crash --database postgres://…` compares before and after
    /// a kill, to tell a whole write from a torn one.
    pub fn row_counts(&self) -> Result<Vec<(&'static str, i64)>, StoreError> {
        self.block_on(async {
            let mut client = self.client().await?;
            let tx = client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let mut counts = Vec::new();
            for table in LEADING_TABLES.iter().chain([&DAILY_SCORES]).chain(TRAILING_TABLES) {
                counts.push((table.name, tx.query_one(table.count, &[]).await?.try_get(0)?));
            }
            tx.commit().await?;
            Ok(counts)
        })
    }
}

/// Fails with [`StoreError::Conflict`] when any table of the target holds a row.
async fn refuse_occupied(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let copied =
        LEADING_TABLES.iter().chain([&DAILY_SCORES]).chain(TRAILING_TABLES).map(|t| (t.name, t.count));
    for (name, count) in copied.chain(REPLICA_TABLE_COUNTS.iter().copied()) {
        let rows: i64 = tx.query_one(count, &[]).await?.try_get(0)?;
        if rows > 0 {
            return Err(StoreError::conflict(format!(
                "the PostgreSQL database is not empty (table {name} holds {rows} rows); \
                 copy into a freshly created database"
            )));
        }
    }
    Ok(())
}

/// Copies one table and checks that both sides then count the same rows.
async fn copy_table(
    sqlite: &rusqlite::Connection,
    tx: &Transaction<'_>,
    table: &TableCopy,
) -> Result<TableCopied, StoreError> {
    insert_rows(sqlite, tx, table).await?;
    same_count(sqlite, tx, table).await
}

/// Reads every row of `table.select` and inserts them in batches of [`BATCH_ROWS`].
async fn insert_rows(
    sqlite: &rusqlite::Connection,
    tx: &Transaction<'_>,
    table: &TableCopy,
) -> Result<(), StoreError> {
    let mut statement = sqlite.prepare(table.select)?;
    let mut rows = statement.query([])?;
    let mut batch = Batch::new(table.kinds);
    let mut read = 0u64;
    while let Some(row) = rows.next()? {
        read += 1;
        batch.push(row, table.name, read)?;
        if batch.len() == BATCH_ROWS {
            batch.flush(tx, table).await?;
        }
    }
    batch.flush(tx, table).await
}

/// Copies `daily_scores`: the estimates in one run, then the pushed rows in the order
/// SQLite stored them. A pushed row stored after another of the same member and day is
/// inserted in a later subtransaction (a savepoint), whose transaction id, PostgreSQL's
/// "stored last" (`xmin`), is greater, so both backends read a member from the same
/// pushed series.
async fn copy_daily_scores(
    sqlite: &rusqlite::Connection,
    tx: &Transaction<'_>,
) -> Result<TableCopied, StoreError> {
    insert_rows(sqlite, tx, &DAILY_SCORES).await?;
    let mut read = 0u64;
    let mut statement = sqlite.prepare(PUSHED_SCORES)?;
    let mut rows = statement.query([])?;
    let mut batch = Batch::new(SCORE_KINDS);
    let mut rank = 1i64;
    while let Some(row) = rows.next()? {
        read += 1;
        let stored: i64 = row.get(SCORE_KINDS.len())?;
        if stored != rank {
            batch.flush(tx, &DAILY_SCORES).await?;
            if rank > 1 {
                tx.batch_execute("RELEASE SAVEPOINT stored_later").await?;
            }
            tx.batch_execute("SAVEPOINT stored_later").await?;
            rank = stored;
        }
        batch.push(row, "daily_scores (pushed rows)", read)?;
        if batch.len() == BATCH_ROWS {
            batch.flush(tx, &DAILY_SCORES).await?;
        }
    }
    batch.flush(tx, &DAILY_SCORES).await?;
    if rank > 1 {
        tx.batch_execute("RELEASE SAVEPOINT stored_later").await?;
    }
    same_count(sqlite, tx, &DAILY_SCORES).await
}

/// The table's row count, the same on both sides (else an error naming the table).
async fn same_count(
    sqlite: &rusqlite::Connection,
    tx: &Transaction<'_>,
    table: &TableCopy,
) -> Result<TableCopied, StoreError> {
    let on_sqlite: i64 = sqlite.query_row(table.count, [], |row| row.get(0))?;
    let on_pg: i64 = tx.query_one(table.count, &[]).await?.try_get(0)?;
    if on_sqlite != on_pg {
        return Err(StoreError::invalid(format!(
            "copy verification: table {} has {on_sqlite} rows in SQLite but {on_pg} in PostgreSQL",
            table.name
        )));
    }
    Ok(TableCopied { table: table.name, rows: u64::try_from(on_sqlite).unwrap_or_default() })
}

/// Compares every team's leaderboard on `on`, the member list (names, teams,
/// industries, horizons) and the latest score and history of a sample of members, read with the functions behind `Store`'s and `PgStore`'s public
/// reads; returns how many members and teams were compared.
async fn verify_scores(
    sqlite: &rusqlite::Connection,
    tx: &Transaction<'_>,
    on: NaiveDate,
) -> Result<(usize, usize), StoreError> {
    let teams = sqlite
        .prepare("SELECT id FROM teams ORDER BY id")?
        .query_map([], |row| row.get(0).map(TeamId))?
        .collect::<Result<Vec<_>, _>>()?;
    for &team in &teams {
        same_rows(
            format!("team {team}'s leaderboard on {on}"),
            crate::groups::leaderboard_in(sqlite, team, on)?,
            leaderboard_in(tx, team, on).await?,
        )?;
    }
    let members = crate::members::all_members(sqlite)?;
    same_rows("the member list".to_string(), members.clone(), all_members(tx).await?)?;
    let mut ids: Vec<MemberId> = members.iter().map(|m| m.id).collect();
    ids.sort_unstable();
    let sample = spread(&ids, SAMPLED_MEMBERS);
    for &member in &sample {
        same(
            format!("member {member}'s latest score"),
            crate::score_reads::latest_score_in(sqlite, member, None)?,
            latest_score_in(tx, member, None).await?,
        )?;
        same_rows(
            format!("member {member}'s history"),
            crate::score_reads::history_in(sqlite, member, None, None)?,
            history_in(tx, member, None, None).await?,
        )?;
    }
    Ok((sample.len(), teams.len()))
}

/// Up to `most` of `items`, evenly spread from the first to the last.
fn spread<T: Copy>(items: &[T], most: usize) -> Vec<T> {
    if items.len() <= most {
        return items.to_vec();
    }
    (0..most).map(|i| items[i * (items.len() - 1) / (most - 1).max(1)]).collect()
}

/// Fails, naming `what`, unless both backends answered alike.
fn same<T: PartialEq + Debug>(what: String, sqlite: T, pg: T) -> Result<(), StoreError> {
    if sqlite == pg {
        Ok(())
    } else {
        Err(StoreError::invalid(format!(
            "copy verification: {what} differs between SQLite ({sqlite:?}) and PostgreSQL ({pg:?})"
        )))
    }
}

/// [`same`] for lists, naming the first entry that differs rather than whole lists.
fn same_rows<T: PartialEq + Debug>(what: String, sqlite: Vec<T>, pg: Vec<T>) -> Result<(), StoreError> {
    if sqlite.len() != pg.len() {
        return same(format!("the length of {what}"), sqlite.len(), pg.len());
    }
    match sqlite.iter().zip(&pg).position(|(a, b)| a != b) {
        Some(at) => same(format!("entry {} of {what}", at + 1), &sqlite[at], &pg[at]),
        None => Ok(()),
    }
}

/// One array per column of the rows read so far.
enum Column {
    Int(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
    Bytes(Vec<Option<Vec<u8>>>),
    Flag(Vec<Option<bool>>),
    Day(Vec<Option<NaiveDate>>),
    Instant(Vec<Option<DateTime<Utc>>>),
}

impl Column {
    fn new(kind: Kind) -> Column {
        match kind {
            Int => Column::Int(Vec::new()),
            Real => Column::Real(Vec::new()),
            Text | Pseudonym => Column::Text(Vec::new()),
            Bytes => Column::Bytes(Vec::new()),
            Flag => Column::Flag(Vec::new()),
            Day => Column::Day(Vec::new()),
            At => Column::Instant(Vec::new()),
        }
    }

    fn as_param(&self) -> &(dyn ToSql + Sync) {
        match self {
            Column::Int(values) => values,
            Column::Real(values) => values,
            Column::Text(values) => values,
            Column::Bytes(values) => values,
            Column::Flag(values) => values,
            Column::Day(values) => values,
            Column::Instant(values) => values,
        }
    }

    fn clear(&mut self) {
        match self {
            Column::Int(values) => values.clear(),
            Column::Real(values) => values.clear(),
            Column::Text(values) => values.clear(),
            Column::Bytes(values) => values.clear(),
            Column::Flag(values) => values.clear(),
            Column::Day(values) => values.clear(),
            Column::Instant(values) => values.clear(),
        }
    }

    /// Appends column `index` of `row`, read as `kind`.
    fn push(&mut self, kind: Kind, row: &rusqlite::Row<'_>, index: usize) -> Result<(), StoreError> {
        match (self, kind) {
            (Column::Int(values), _) => values.push(row.get(index)?),
            (Column::Real(values), _) => values.push(row.get(index)?),
            (Column::Text(values), Pseudonym) => {
                let mut spelt = [0u8; 32];
                values.push(pseudonym_text(row, index, &mut spelt)?.map(str::to_string));
            }
            (Column::Text(values), _) => values.push(row.get(index)?),
            (Column::Bytes(values), _) => values.push(row.get(index)?),
            (Column::Flag(values), _) => values.push(row.get(index)?),
            (Column::Day(values), _) => values.push(row.get(index)?),
            (Column::Instant(values), _) => {
                values.push(row.get::<_, Option<i64>>(index)?.map(instant).transpose()?);
            }
        }
        Ok(())
    }
}

/// A batch of rows of one table, column by column.
struct Batch {
    kinds: &'static [Kind],
    columns: Vec<Column>,
    rows: usize,
}

impl Batch {
    fn new(kinds: &'static [Kind]) -> Batch {
        Batch { kinds, columns: kinds.iter().map(|&kind| Column::new(kind)).collect(), rows: 0 }
    }

    fn len(&self) -> usize {
        self.rows
    }

    /// Appends a row; a value that cannot be read as its column's type is an error
    /// naming the table, the row (counted from 1 in copy order) and the column.
    fn push(&mut self, row: &rusqlite::Row<'_>, table: &str, number: u64) -> Result<(), StoreError> {
        for (index, (column, &kind)) in self.columns.iter_mut().zip(self.kinds).enumerate() {
            column.push(kind, row, index).map_err(|e| {
                let name = row.as_ref().column_name(index).unwrap_or("?");
                StoreError::invalid(format!("SQLite table {table}, row {number}, column {name}: {e}"))
            })?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Inserts the rows gathered (if any) with `table`'s statement, and empties the batch.
    async fn flush(&mut self, tx: &Transaction<'_>, table: &TableCopy) -> Result<(), StoreError> {
        if self.rows == 0 {
            return Ok(());
        }
        let params: Vec<&(dyn ToSql + Sync)> = self.columns.iter().map(Column::as_param).collect();
        tx.execute(table.insert, &params).await.map_err(|e| {
            StoreError::invalid(format!(
                "PostgreSQL refused a row of table {}: {}",
                table.name,
                crate::error::describe_postgres(&e)
            ))
        })?;
        self.columns.iter_mut().for_each(Column::clear);
        self.rows = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::spread;

    #[test]
    fn a_sample_is_spread_from_the_first_to_the_last() {
        let ids: Vec<u32> = (1..=1000).collect();
        let sample = spread(&ids, 300);
        assert_eq!(sample.len(), 300);
        assert_eq!((sample[0], sample[299]), (1, 1000));
        assert!(sample.windows(2).all(|w| w[0] < w[1]), "distinct and in order");
        assert_eq!(spread(&ids[..5], 300), vec![1, 2, 3, 4, 5]);
    }
}
