//! PostgreSQL migrations against a real throwaway cluster: applied once and idempotent,
//! safe when replicas migrate at the same moment, pinned by hash, the same tables and
//! columns as SQLite's schema, and the data version moved by every write transaction.

mod pg_pair;

use pg_pair::Direct;
use sha2::{Digest, Sha256};
use ssi_pg_harness::PgCluster;
use ssi_store::StoreError;
use ssi_store::pg::{LATEST_VERSION, MIGRATIONS, PgStore, SQLITE_SCHEMA_MIRRORED};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Barrier};

/// SHA-256 of every shipped PostgreSQL migration. A shipped migration is never edited:
/// if this test fails, revert the edit and add a new migration instead. A new migration
/// gets its line here when it ships.
const PINNED: &[(&str, &str)] = &[
    ("0001_initial.sql", "32e58f40a4b08f0e4a3f4bdf1c97b4308661d07bef5377a5da1e0675a8d89150"),
    ("0002_replicas.sql", "946bfd894409c6bdcfa8a48b87bf3a1f637da2ae72b488d14d074311fd81c536"),
    ("0003_creator_analytics.sql", "e6c9b363943278f5d0ec0fb8b6e065e3fae13792fe251f5a909d41696badf679"),
    (
        "0004_quiet_sessions_and_daily_runs.sql",
        "3902a6557bd6835a3253392493fbe84a519e4be70a20d471a0e603299b35a25f",
    ),
];

/// (version, name, sha256, applied_at as text) of every recorded migration.
fn ledger(direct: &Direct) -> Vec<(i32, String, String, String)> {
    direct
        .rows("SELECT version, name, sha256, applied_at::text FROM schema_migrations ORDER BY version")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

fn fresh_database(cluster: &PgCluster, name: &str) -> String {
    cluster.create_database(name).unwrap()
}

#[test]
fn shipped_migrations_are_pinned_by_hash() {
    assert_eq!(MIGRATIONS.len(), PINNED.len(), "every migration needs a pinned hash");
    for (i, (migration, (name, hash))) in MIGRATIONS.iter().zip(PINNED).enumerate() {
        assert_eq!(migration.version as usize, i + 1);
        assert_eq!(migration.name, *name);
        assert_eq!(
            format!("{:x}", Sha256::digest(migration.sql.as_bytes())),
            *hash,
            "{name} was edited after shipping"
        );
    }
}

#[test]
fn migrate_applies_every_migration_once_and_a_second_run_changes_nothing() {
    let cluster = PgCluster::for_test();
    let url = fresh_database(&cluster, "once");
    let store = PgStore::connect(&url, 2).unwrap();
    assert_eq!(store.schema_version().unwrap(), 0);

    assert_eq!(store.migrate().unwrap(), LATEST_VERSION);
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    let direct = Direct::connect(&url);
    let first_ledger = ledger(&direct);
    let recorded: Vec<(i32, &str, String)> =
        first_ledger.iter().map(|(v, name, sha, _)| (*v, name.as_str(), sha.clone())).collect();
    let expected: Vec<(i32, &str, String)> = MIGRATIONS
        .iter()
        .map(|m| (m.version as i32, m.name, format!("{:x}", Sha256::digest(m.sql.as_bytes()))))
        .collect();
    assert_eq!(recorded, expected);

    // Again, from another store: nothing is applied or recorded twice.
    let again = PgStore::connect(&url, 2).unwrap();
    assert_eq!(again.migrate().unwrap(), LATEST_VERSION);
    assert_eq!(ledger(&direct), first_ledger);
}

#[test]
fn replicas_migrating_at_the_same_moment_never_race() {
    let cluster = PgCluster::for_test();
    let url = fresh_database(&cluster, "race");
    let replicas = 4;
    let barrier = Arc::new(Barrier::new(replicas));
    let threads: Vec<_> = (0..replicas)
        .map(|_| {
            let (barrier, url) = (Arc::clone(&barrier), url.clone());
            std::thread::spawn(move || {
                let store = PgStore::connect(&url, 1).unwrap();
                barrier.wait();
                store.migrate()
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap().unwrap(), LATEST_VERSION);
    }
    let versions: Vec<i32> = ledger(&Direct::connect(&url)).into_iter().map(|(v, ..)| v).collect();
    assert_eq!(versions, (1..=LATEST_VERSION as i32).collect::<Vec<_>>(), "each migration applied once");
}

#[test]
fn a_store_connected_in_the_servers_runtime_works_from_spawn_blocking() {
    let cluster = PgCluster::for_test();
    let url = fresh_database(&cluster, "runtime");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (migrated, version) = runtime.block_on(async move {
        let store = tokio::task::spawn_blocking(move || PgStore::connect(&url, 2)).await.unwrap().unwrap();
        let migrating = store.clone();
        let migrated = tokio::task::spawn_blocking(move || migrating.migrate()).await.unwrap().unwrap();
        let version = tokio::task::spawn_blocking(move || store.data_version()).await.unwrap().unwrap();
        (migrated, version)
    });
    assert_eq!(migrated, LATEST_VERSION);
    assert_eq!(version, 0, "no data written yet");
}

#[test]
fn an_unreachable_database_is_one_clear_error_without_the_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = PgStore::connect(&format!("postgres://ssi:secret-word@127.0.0.1:{port}/ssi"), 1).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, StoreError::Postgres(_) | StoreError::PostgresPool(_)), "{err:?}");
    assert!(message.starts_with("PostgreSQL"), "{message}");
    assert!(message.contains("onnection refused"), "{message}");
    assert!(!message.contains("secret-word") && !message.contains('\n'), "{message}");

    let err = PgStore::connect("postgres://ssi@127.0.0.1:notaport/ssi", 1).unwrap_err();
    assert!(err.to_string().contains("invalid"), "{err}");
}

/// Column name, type and nullability of every table, in column order, from SQLite's
/// catalog of a database at schema `version`.
type Columns = BTreeMap<String, Vec<(String, String, bool)>>;

fn sqlite_schema(version: u32) -> (Columns, BTreeSet<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ssi.db");
    ssi_store::migrations::migrate_file(&path, version).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut columns = Columns::new();
    let mut stmt = conn
        .prepare(
            "SELECT m.name, p.name, upper(p.type), p.\"notnull\" OR p.pk > 0
             FROM sqlite_master AS m, pragma_table_info(m.name) AS p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?))
        })
        .unwrap();
    for row in rows {
        let (table, column, kind, not_null) = row.unwrap();
        columns.entry(table).or_default().push((column, kind, not_null));
    }
    // Keys: the primary key and every unique index, as "table(col, …)".
    let mut keys = BTreeSet::new();
    let mut stmt = conn
        .prepare(
            "SELECT name, group_concat(column, ', ') FROM (
                 SELECT m.name AS name, p.name AS column FROM sqlite_master AS m, pragma_table_info(m.name) AS p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.pk > 0 ORDER BY m.name, p.pk
             ) GROUP BY name",
        )
        .unwrap();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap() {
        let (table, key) = row.unwrap();
        keys.insert(format!("primary {table}({key})"));
    }
    let mut stmt = conn
        .prepare(
            "SELECT m.name, l.name, l.partial FROM sqlite_master AS m, pragma_index_list(m.name) AS l
             WHERE m.type = 'table' AND l.\"unique\" AND l.origin <> 'pk'",
        )
        .unwrap();
    let indexes: Vec<(String, String, bool)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
    for (table, index, partial) in indexes {
        let mut stmt = conn.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno").unwrap();
        let cols: Vec<String> = stmt.query_map([&index], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        keys.insert(format!("unique {table}({}){}", cols.join(", "), if partial { " partial" } else { "" }));
    }
    (columns, keys)
}

fn postgres_schema(direct: &Direct) -> (Columns, BTreeSet<String>) {
    let mut columns = Columns::new();
    for row in direct.rows(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO'
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
    ) {
        columns.entry(row.get(0)).or_default().push((row.get(1), row.get(2), row.get(3)));
    }
    let mut keys = BTreeSet::new();
    for row in direct.rows(
        "SELECT c.relname::text, i.indisprimary, i.indpred IS NOT NULL,
                regexp_replace(substring(pg_get_indexdef(i.indexrelid) from '\\((.*)\\)'), 'ssi_nocase\\((\\w+)\\)', '\\1', 'g')
         FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indrelid
         JOIN pg_namespace AS n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND i.indisunique",
    ) {
        let (table, primary, partial, cols): (String, bool, bool, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        // A partial index's definition ends in "WHERE …"; keep the column list only.
        let cols = cols.split(") WHERE").next().unwrap_or_default().to_string();
        let kind = if primary { "primary" } else { "unique" };
        keys.insert(format!("{kind} {table}({cols}){}", if partial { " partial" } else { "" }));
    }
    (columns, keys)
}

/// Whether a PostgreSQL column type stores what a SQLite declared type does, as the
/// migrations map them (instants, days, JSON, flags; docs/store.md).
fn same_kind(sqlite: &str, postgres: &str) -> bool {
    match sqlite {
        "INTEGER" => ["bigint", "integer", "boolean", "timestamp with time zone"].contains(&postgres),
        "TEXT" => ["text", "date", "jsonb"].contains(&postgres),
        "REAL" => postgres == "double precision",
        "BLOB" => postgres == "bytea",
        // Untyped in SQLite (pseudonym keys, BLOB or TEXT): text in PostgreSQL.
        "" => postgres == "text",
        _ => false,
    }
}

#[test]
fn every_sqlite_migration_has_a_postgresql_counterpart() {
    assert_eq!(
        ssi_store::migrations::LATEST_VERSION,
        SQLITE_SCHEMA_MIRRORED,
        "SQLite's schema went past version {SQLITE_SCHEMA_MIRRORED}: add a crates/ssi-store/migrations-pg/ \
         migration with the same tables and columns and raise ssi_store::pg::SQLITE_SCHEMA_MIRRORED"
    );
}

#[test]
fn the_tables_both_backends_share_have_the_same_columns_and_keys() {
    let cluster = PgCluster::for_test();
    let url = fresh_database(&cluster, "catalog");
    PgStore::connect(&url, 1).unwrap().migrate().unwrap();
    let (pg_columns, pg_keys) = postgres_schema(&Direct::connect(&url));
    let (sqlite_columns, sqlite_keys) = sqlite_schema(SQLITE_SCHEMA_MIRRORED);

    // Every SQLite table exists in PostgreSQL; the others are the replicas' own.
    let sqlite_tables: BTreeSet<&String> = sqlite_columns.keys().collect();
    let pg_only: BTreeSet<&str> =
        pg_columns.keys().filter(|t| !sqlite_tables.contains(t)).map(String::as_str).collect();
    assert_eq!(pg_only, BTreeSet::from(["data_version", "schema_migrations"]));
    for (table, columns) in &sqlite_columns {
        let pg = pg_columns.get(table).unwrap_or_else(|| panic!("PostgreSQL has no table {table}"));
        let names = |cols: &[(String, String, bool)]| cols.iter().map(|c| c.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(pg), names(columns), "columns of {table}, in order");
        for ((name, sqlite_type, sqlite_not_null), (_, pg_type, pg_not_null)) in columns.iter().zip(pg) {
            assert!(
                same_kind(sqlite_type, pg_type),
                "{table}.{name}: SQLite {sqlite_type:?}, PostgreSQL {pg_type}"
            );
            assert_eq!(sqlite_not_null, pg_not_null, "{table}.{name}: NOT NULL differs");
        }
    }
    let pg_shared_keys: BTreeSet<String> = pg_keys
        .into_iter()
        .filter(|key| {
            sqlite_tables
                .iter()
                .any(|t| key.split_once(' ').is_some_and(|(_, k)| k.starts_with(&format!("{t}("))))
        })
        .collect();
    assert_eq!(pg_shared_keys, sqlite_keys, "primary keys and unique constraints");
}

#[test]
fn every_write_transaction_moves_the_data_version_once_and_nothing_else_does() {
    let cluster = PgCluster::for_test();
    let url = fresh_database(&cluster, "versions");
    let store = PgStore::connect(&url, 1).unwrap();
    store.migrate().unwrap();
    let direct = Direct::connect(&url);
    let start = store.data_version().unwrap();

    // One transaction of several writes to several tables: one step.
    direct.batch(
        "BEGIN;
         INSERT INTO teams (name, created) VALUES ('Sales', now());
         INSERT INTO members (name, created, team_id) SELECT 'Alice', now(), id FROM teams;
         UPDATE members SET industry = 'Software';
         COMMIT;",
    );
    assert_eq!(store.data_version().unwrap(), start + 1);
    // Each statement on its own is its own transaction.
    direct.batch("INSERT INTO settings (key, value) VALUES ('k', '\\x00')");
    direct.batch("DELETE FROM settings");
    assert_eq!(store.data_version().unwrap(), start + 3);
    // Reads, and a write rolled back, leave it.
    direct.rows("SELECT count(*) FROM members");
    direct.batch("BEGIN; DELETE FROM members; ROLLBACK;");
    assert_eq!(store.data_version().unwrap(), start + 3);
    // Names are unique ignoring ASCII case, as SQLite's NOCASE has them.
    let clash = direct.try_batch("INSERT INTO members (name, created) VALUES ('ALICE', now())");
    assert!(clash.is_err_and(|e| e.as_db_error().is_some_and(|db| db.constraint() == Some("members_name"))));
    direct.batch("INSERT INTO members (name, created) VALUES ('Ålice', now()), ('ålice', now())");

    // Every table but the version row, the migration ledger and the bookkeeping no cached
    // answer is made from (sessions, daily runs: migration 0004) has the trigger.
    let untracked: Vec<String> = direct
        .rows(
            "SELECT c.relname::text FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r'
               AND NOT EXISTS (SELECT 1 FROM pg_trigger AS t
                               WHERE t.tgrelid = c.oid AND t.tgname = c.relname || '_bumps_data_version')
             ORDER BY 1",
        )
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(untracked, ["daily_runs", "data_version", "schema_migrations", "sessions"]);
}

#[test]
fn a_store_recovers_by_itself_when_the_database_comes_back() {
    let mut cluster = PgCluster::for_test();
    let url = fresh_database(&cluster, "recover");
    let store = PgStore::connect(&url, 2).unwrap();
    store.migrate().unwrap();
    let version = store.data_version().unwrap();

    cluster.pause();
    let err = store.data_version().unwrap_err();
    assert!(matches!(err, StoreError::Postgres(_) | StoreError::PostgresPool(_)), "{err:?}");

    cluster.resume().unwrap();
    // The pool drops the connections the restart closed and opens new ones.
    assert_eq!(store.data_version().unwrap(), version);
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
}

#[test]
fn the_replica_tables_keep_their_rules() {
    let cluster = PgCluster::for_test();
    let url = fresh_database(&cluster, "replicas");
    PgStore::connect(&url, 1).unwrap().migrate().unwrap();
    let direct = Direct::connect(&url);
    let fails = |sql: &str| direct.try_batch(sql).is_err();
    direct.batch(
        "INSERT INTO members (id, name, created) VALUES (1, 'Alice', now());
         INSERT INTO api_tokens (id, hash, role, member_id, label, created)
             VALUES (1, sha256('token'), 'member', 1, 'laptop', now());
         INSERT INTO sessions (id_hash, token_id, created, expires)
             VALUES (sha256('session'), 1, now(), now() + interval '1 day');",
    );

    // Upload job ids come from a sequence: a deleted job's id is never handed out again.
    let insert_job = "INSERT INTO upload_jobs (member_id, source_name, bytes, payload, created)
                      VALUES (1, 'export.zip', 3, '\\x010203', now()) RETURNING id";
    let first: i64 = direct.rows(insert_job)[0].get(0);
    direct.batch("DELETE FROM upload_jobs");
    let second: i64 = direct.rows(insert_job)[0].get(0);
    assert!(second > first, "{second} after {first}");
    assert!(fails(
        "INSERT INTO upload_jobs (id, member_id, source_name, bytes, created) VALUES (1, 1, 'x', 0, now())"
    ));
    // A running job names who claimed it and when.
    assert!(fails("UPDATE upload_jobs SET state = 'running'"));
    assert!(fails("UPDATE upload_jobs SET state = 'done'"));
    direct.batch("UPDATE upload_jobs SET state = 'running', claimed_by = 'replica-a', claimed_at = now(), attempts = 1");

    // One daily run per day.
    direct.batch(
        "INSERT INTO daily_runs (day, claimed_by, claimed_at) VALUES ('2026-12-05', 'replica-a', now())",
    );
    let again = direct.rows(
        "INSERT INTO daily_runs (day, claimed_by, claimed_at) VALUES ('2026-12-05', 'replica-b', now())
         ON CONFLICT (day) DO NOTHING RETURNING day::text",
    );
    assert!(again.is_empty(), "a second replica does not get the same day");

    // Deleting a token ends its sessions; deleting the member, its jobs.
    direct.batch("DELETE FROM api_tokens");
    assert_eq!(direct.rows("SELECT count(*) FROM sessions")[0].get::<_, i64>(0), 0);
    direct.batch("DELETE FROM members");
    assert_eq!(direct.rows("SELECT count(*) FROM upload_jobs")[0].get::<_, i64>(0), 0);
}
