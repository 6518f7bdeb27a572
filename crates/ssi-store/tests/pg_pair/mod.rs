//! The two backends side by side for the PostgreSQL parity tests: a SQLite store in a
//! temp dir and a PgStore on a fresh database of a throwaway cluster, fed the same
//! calls, and raw views of what each stored.
#![allow(dead_code, unreachable_pub)]

use chrono::NaiveDate;
use ssi_core::ScoringModel;
use ssi_pg_harness::PgCluster;
use ssi_store::pg::PgStore;
use ssi_store::{MemberId, Store, StoreError, TeamId};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tempfile::TempDir;

/// Numbers the databases of one cluster.
static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// One row of `daily_scores`: member, version, day, the four pillars and the total,
/// and the components' text.
pub type ScoreRow = (i64, String, NaiveDate, [f64; 5], String);

/// A SQLite store and a PostgreSQL store, both fresh, both with the default model active.
pub struct Pair {
    pub sqlite: Store,
    pub pg: PgStore,
    sqlite_path: std::path::PathBuf,
    direct: Direct,
    // Dropped last: the stores close before their files and cluster go.
    _dir: TempDir,
    _cluster: Arc<PgCluster>,
}

impl Pair {
    pub fn new() -> Pair {
        let cluster = PgCluster::shared_for_tests();
        let name = format!("parity_{}", DATABASES.fetch_add(1, Ordering::Relaxed));
        let url = cluster.create_database(&name).unwrap();
        let pg = PgStore::connect(&url, 4).unwrap();
        pg.migrate().unwrap();
        // SQLite seeds the default model on first open; PostgreSQL's migrations do not.
        pg.use_model(&ScoringModel::default_model(), NaiveDate::MIN).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let sqlite_path = dir.path().join("ssi.db");
        let sqlite = Store::open(&sqlite_path).unwrap();
        Pair { sqlite, pg, sqlite_path, direct: Direct::connect(&url), _dir: dir, _cluster: cluster }
    }

    /// The member `name` on both sides (PostgreSQL's through SQL: members are another
    /// port's), with the same id and creation time.
    pub fn add_member(&self, name: &str, industry: Option<&str>) -> MemberId {
        self.add_member_in(name, industry, None)
    }

    /// [`Pair::add_member`] in a team.
    pub fn add_member_in(&self, name: &str, industry: Option<&str>, team: Option<TeamId>) -> MemberId {
        let member = self.sqlite.create_member(name, industry, team).unwrap();
        let rows = self.direct.query(
            "INSERT INTO members (name, industry, team_id, created) VALUES ($1, $2, $3, $4) RETURNING id",
            &[&member.name, &member.industry, &team.map(|t| t.0), &member.created],
        );
        assert_eq!(rows[0].get::<_, i64>(0), member.id.0, "both stores number members alike");
        member.id
    }

    /// The team `name` on both sides, with the same id and creation time.
    pub fn add_team(&self, name: &str) -> TeamId {
        let team = self.sqlite.create_team(name).unwrap();
        let rows = self.direct.query(
            "INSERT INTO teams (name, created) VALUES ($1, $2) RETURNING id",
            &[&team.name, &team.created],
        );
        assert_eq!(rows[0].get::<_, i64>(0), team.id.0, "both stores number teams alike");
        team.id
    }

    /// Every stored daily score on each side, in key order.
    pub fn scores(&self) -> (Vec<ScoreRow>, Vec<ScoreRow>) {
        let conn = rusqlite::Connection::open(&self.sqlite_path).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT member_id, model_version, date, brand, people, insights, relationships, total, components
                 FROM daily_scores ORDER BY member_id, model_version, date",
            )
            .unwrap();
        let sqlite = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    [r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
                    r.get(8)?,
                ))
            })
            .unwrap()
            .collect::<Result<Vec<ScoreRow>, _>>()
            .unwrap();
        let pg = self
            .direct
            .query(
                "SELECT member_id, model_version, date, brand, people, insights, relationships, total, components
                 FROM daily_scores ORDER BY member_id, model_version, date",
                &[],
            )
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), [r.get(3), r.get(4), r.get(5), r.get(6), r.get(7)], r.get(8)))
            .collect();
        (sqlite, pg)
    }

    /// Runs one statement on each side (a test's own change to the stored data, such
    /// as marking rows), written once with `?` placeholders-free SQL both accept.
    pub fn execute_both(&self, sql: &str) {
        rusqlite::Connection::open(&self.sqlite_path).unwrap().execute_batch(sql).unwrap();
        self.direct.batch(sql);
    }

    /// Copies SQLite's official readings and pushed scores to PostgreSQL, row by row in
    /// the order SQLite stored them, each in its own transaction (so "stored last" means
    /// the same on both sides), and the horizons the pushes moved: readings and pushes
    /// are another port's writes.
    pub fn copy_readings_and_pushes(&self) {
        self.copy_horizons();
        let conn = rusqlite::Connection::open(&self.sqlite_path).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT id, member_id, date, source, total, brand, people, insights, relationships, groups, confirmed
                 FROM official_readings ORDER BY id",
            )
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let (id, member, date, source): (i64, i64, NaiveDate, String) =
                (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap(), r.get(3).unwrap());
            let figures: [Option<f64>; 5] = std::array::from_fn(|i| r.get(4 + i).unwrap());
            let (groups, confirmed): (String, bool) = (r.get(9).unwrap(), r.get(10).unwrap());
            self.direct.query(
                "INSERT INTO official_readings (id, member_id, date, source, total, brand, people, insights,
                     relationships, groups, confirmed)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb, $11)",
                &[
                    &id,
                    &member,
                    &date,
                    &source,
                    &figures[0],
                    &figures[1],
                    &figures[2],
                    &figures[3],
                    &figures[4],
                    &groups,
                    &confirmed,
                ],
            );
        }
        let mut stmt = conn
            .prepare(
                "SELECT member_id, model_version, date, brand, people, insights, relationships, total, components
                 FROM daily_scores WHERE model_version LIKE 'push:%' ORDER BY rowid",
            )
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let (member, version, date): (i64, String, NaiveDate) =
                (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap());
            let figures: [f64; 5] = std::array::from_fn(|i| r.get(3 + i).unwrap());
            let components: String = r.get(8).unwrap();
            self.direct.query(
                "INSERT INTO daily_scores (member_id, model_version, date, brand, people, insights, relationships,
                     total, components)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    &member, &version, &date, &figures[0], &figures[1], &figures[2], &figures[3], &figures[4],
                    &components,
                ],
            );
        }
    }

    /// Copies the members' horizons from SQLite (pushes moved them there).
    pub fn copy_horizons(&self) {
        let conn = rusqlite::Connection::open(&self.sqlite_path).unwrap();
        let mut stmt = conn.prepare("SELECT id, horizon, horizon_source FROM members").unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let (id, horizon, source): (i64, Option<NaiveDate>, Option<String>) =
                (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap());
            self.direct.query(
                "UPDATE members SET horizon = $2, horizon_source = $3 WHERE id = $1",
                &[&id, &horizon, &source],
            );
        }
    }

    /// How many rows `table` holds on each side.
    pub fn counts(&self, table: &str) -> (i64, i64) {
        let sql = format!("SELECT count(*) FROM {table}");
        let sqlite =
            rusqlite::Connection::open(&self.sqlite_path).unwrap().query_row(&sql, [], |r| r.get(0)).unwrap();
        (sqlite, self.direct.query(&sql, &[])[0].get(0))
    }
}

/// Both backends' answers to one call, which must agree: equal values, or errors of the
/// same kind with the same text.
pub fn assert_same<T: PartialEq + std::fmt::Debug>(
    sqlite: Result<T, StoreError>,
    pg: Result<T, StoreError>,
) -> Option<T> {
    match (sqlite, pg) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "SQLite and PostgreSQL answered differently");
            Some(a)
        }
        (Err(a), Err(b)) => {
            assert_eq!(kind(&a), kind(&b), "SQLite failed with {a}, PostgreSQL with {b}");
            assert_eq!(a.to_string(), b.to_string());
            None
        }
        (a, b) => panic!("SQLite answered {a:?}, PostgreSQL {b:?}"),
    }
}

/// The variant of a store error, the part callers branch on.
pub fn kind(error: &StoreError) -> &'static str {
    match error {
        StoreError::NotFound { .. } => "not found",
        StoreError::Conflict { .. } => "conflict",
        StoreError::InvalidData { .. } => "invalid",
        _ => "other",
    }
}

/// A direct connection (no pool) for looking at what the PostgreSQL store did.
pub struct Direct {
    runtime: tokio::runtime::Runtime,
    client: tokio_postgres::Client,
}

impl Direct {
    pub fn connect(url: &str) -> Direct {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            client
        });
        Direct { runtime, client }
    }

    /// The rows of a statement without parameters.
    pub fn rows(&self, sql: &str) -> Vec<tokio_postgres::Row> {
        self.query(sql, &[])
    }

    pub fn query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Vec<tokio_postgres::Row> {
        self.runtime.block_on(self.client.query(sql, params)).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    pub fn batch(&self, sql: &str) {
        self.try_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Runs statements that may fail, and says how.
    pub fn try_batch(&self, sql: &str) -> Result<(), tokio_postgres::Error> {
        self.runtime.block_on(self.client.batch_execute(sql))
    }
}

/// A fresh database of the shared cluster, migrated and holding nothing (not even a
/// model), with its URL; the cluster lives as long as the returned handle.
pub fn fresh_database() -> (Arc<PgCluster>, String) {
    let cluster = PgCluster::shared_for_tests();
    let name = format!("fresh_{}", DATABASES.fetch_add(1, Ordering::Relaxed));
    let url = cluster.create_database(&name).unwrap();
    PgStore::connect(&url, 1).unwrap().migrate().unwrap();
    (cluster, url)
}
