//! Shared helpers of the store's acceptance tests: temp stores, synthetic events, table dumps.
#![allow(dead_code, unreachable_pub)]

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use rusqlite::types::Value;
use ssi_core::{ActivityEvent, ActivityKind, PseudonymKey};
use ssi_store::{ImportMeta, Store};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::Path;
use tempfile::TempDir;

/// A calendar day.
pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An instant on a day, at an hour (UTC).
pub fn at(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(hour, minute, 0).unwrap())
}

/// A store in a fresh temp dir (kept alive by the returned guard).
pub fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("ssi.db")).unwrap();
    (dir, store)
}

/// Import metadata with this fingerprint.
pub fn meta(fingerprint: &str) -> ImportMeta {
    ImportMeta {
        fingerprint: fingerprint.to_string(),
        source_name: format!("{fingerprint}.zip"),
        export_date: None,
        horizon_source: None,
        report: serde_json::json!({ "files": 3, "warnings": [] }),
    }
}

/// Import metadata of an export taken on `date` (its horizon, from its name).
pub fn meta_on(fingerprint: &str, date: NaiveDate) -> ImportMeta {
    ImportMeta {
        export_date: Some(date),
        horizon_source: Some(ssi_core::HorizonSource::FileName),
        ..meta(fingerprint)
    }
}

/// Events wrapped as an infallible import source.
pub fn ok(events: Vec<ActivityEvent>) -> impl Iterator<Item = Result<ActivityEvent, Infallible>> {
    events.into_iter().map(Ok)
}

/// An event with an explicit natural key.
pub fn event(kind: ActivityKind, when: DateTime<Utc>, key: &str) -> ActivityEvent {
    let mut e = ActivityEvent::new(kind, when);
    e.natural_key = key.to_string();
    e
}

/// A deterministic, varied activity stream for `days` days from `from`:
/// posts, comments, reactions, searches, messages both ways in a few
/// conversations, invitations and connections (some with decision makers).
pub fn synthetic_events(seed: u64, from: NaiveDate, days: u32) -> Vec<ActivityEvent> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move |n: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let mut events = Vec::new();
    for i in 0..days {
        let date = from.checked_add_days(Days::new(u64::from(i))).unwrap();
        let mut push = |kind: ActivityKind, hour: u32, j: u64, f: &dyn Fn(&mut ActivityEvent)| {
            let mut e = event(kind, at(date, hour, (j % 60) as u32), &format!("{kind}:{seed}:{date}:{j}"));
            f(&mut e);
            events.push(e);
        };
        if next(7) == 0 {
            push(ActivityKind::Post, 9, 0, &|_| {});
        }
        for j in 0..next(3) {
            push(ActivityKind::Comment, 10, j, &|_| {});
        }
        for j in 0..next(5) {
            push(ActivityKind::Reaction, 11, j, &|_| {});
        }
        if next(3) == 0 {
            push(ActivityKind::PeopleSearch, 12, 0, &|_| {});
        }
        let conversation = PseudonymKey(format!("conv-{seed}-{}", next(4)));
        if next(2) == 0 {
            let c = conversation.clone();
            push(ActivityKind::MessageReceived, 13, 0, &move |e| e.conversation = Some(c.clone()));
            if next(3) > 0 {
                let c = conversation.clone();
                push(ActivityKind::MessageSent, 15, 1, &move |e| e.conversation = Some(c.clone()));
            }
        }
        if next(4) == 0 {
            push(ActivityKind::InvitationSent, 16, 0, &|e| e.personalised = true);
        }
        if next(3) == 0 {
            let title = if next(2) == 0 { "VP Sales" } else { "Software Engineer" };
            let who = PseudonymKey(format!("person-{seed}-{i}"));
            push(ActivityKind::ConnectionMade, 17, 0, &move |e| {
                e.counterpart = Some(who.clone());
                e.counterpart_title = Some(title.to_string());
                e.counterpart_company = Some("Acme".to_string());
            });
        }
    }
    events
}

/// Every table's rows (rowid first where there is one), sorted, as text.
pub fn dump(path: &Path) -> BTreeMap<String, Vec<String>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<(String, String)> = {
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let mut dump = BTreeMap::new();
    for (table, sql) in tables {
        let select = if sql.contains("WITHOUT ROWID") {
            format!("SELECT * FROM \"{table}\"")
        } else {
            format!("SELECT rowid, * FROM \"{table}\"")
        };
        let mut stmt = conn.prepare(&select).unwrap();
        let columns = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let values: Vec<Value> = (0..columns).map(|i| r.get(i)).collect::<Result<_, _>>()?;
                Ok(format!("{values:?}"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        dump.insert(table, rows);
    }
    dump
}

/// Rows of one table.
pub fn row_count(path: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get(0)).unwrap()
}

/// The file passes SQLite's integrity and foreign key checks, through the
/// store and through a connection of its own.
pub fn assert_integrity(store: &Store) {
    store.check_integrity().unwrap();
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(result, "ok");
    let broken: i64 =
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(broken, 0, "foreign keys broken");
}

/// An event source that fails after `good` events.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken(pub usize);

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "export.zip: Connections.csv line {}: unreadable row", self.0 + 2)
    }
}

impl std::error::Error for Broken {}

/// `events`, but an error instead of the event after the first `good` ones.
pub fn failing_after(
    events: Vec<ActivityEvent>,
    good: usize,
) -> impl Iterator<Item = Result<ActivityEvent, Broken>> {
    events.into_iter().enumerate().map(move |(i, e)| if i < good { Ok(e) } else { Err(Broken(i)) })
}

/// Environment variables through which a kill test's parent tells the child (the same
/// test binary, re-run on one test) which database to import into and where to say it is
/// half-way.
pub const KILL_DB_VAR: &str = "SSI_STORE_TEST_KILL_DB";
/// See [`KILL_DB_VAR`].
pub const KILL_MARKER_VAR: &str = "SSI_STORE_TEST_KILL_MARKER";

/// Child side of a kill test: the database and the marker, when this process is the child.
pub fn kill_child() -> Option<(Store, std::path::PathBuf)> {
    let db = std::env::var(KILL_DB_VAR).ok()?;
    let marker = std::path::PathBuf::from(std::env::var(KILL_MARKER_VAR).unwrap());
    Some((Store::open(Path::new(&db)).unwrap(), marker))
}

/// Synthetic events that, after the 100th, write `marker` and hang until the process is killed.
pub fn hang_half_way(marker: std::path::PathBuf) -> impl Iterator<Item = Result<ActivityEvent, Infallible>> {
    synthetic_events(2, day(2026, 2, 1), 60).into_iter().enumerate().map(move |(i, e)| {
        if i == 100 {
            std::fs::write(&marker, b"half-way").unwrap();
            std::thread::sleep(std::time::Duration::from_secs(120));
        }
        Ok(e)
    })
}

/// Parent side of a kill test: a database holding Alice with one import, the test `test`
/// re-run as a child that imports into it until half-way, killed there. Returns the temp
/// dir, the database path and its dump from before the child ran.
pub fn kill_mid_import(test: &str) -> (TempDir, std::path::PathBuf, BTreeMap<String, Vec<String>>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ssi.db");
    let marker = dir.path().join("half-way");
    {
        let store = Store::open(&path).unwrap();
        let alice = store.create_member("Alice", None, None).unwrap();
        store
            .import_export(
                alice.id,
                &meta("first"),
                None,
                ok(synthetic_events(1, day(2026, 1, 1), 40)),
                day(2026, 3, 31),
            )
            .unwrap();
    }
    let before = dump(&path);
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1"])
        .env(KILL_DB_VAR, &path)
        .env(KILL_MARKER_VAR, &marker)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut waited = 0;
    while !marker.exists() {
        assert!(waited < 600, "the child never got half-way");
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    (dir, path, before)
}
