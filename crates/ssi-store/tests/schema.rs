//! Schema and lifecycle: migrations, pragmas, file layout, and a full round trip through a re-open.

mod common;

use common::*;
use sha2::{Digest, Sha256};
use ssi_core::{
    ActivityKind, GroupStats, HorizonSource, OfficialReading, ProfileSnapshot, ReadingSource, ScoringModel,
};
use ssi_store::migrations::{LATEST_VERSION, MIGRATIONS, migrate_file};
use ssi_store::{ImportMeta, PushedScore, Role, Store, StoreError};

/// SHA-256 of every shipped migration. A shipped migration is never edited:
/// if this test fails, revert the edit and add a new migration instead.
/// A new migration gets its line here when it ships.
const PINNED: &[(&str, &str)] = &[
    ("0001_initial.sql", "1540a2a12a4058648f9890a48b51451767ca0056870c2967f5b1209e96a3ba96"),
    ("0002_events_by_time.sql", "ea2ee45298a5aacddb6dae2548bc60d4c9b9420a250e4eb8313c160d0a523465"),
    ("0003_data_horizon.sql", "4dfc61b69cb04165c35c311e5335f75f92cdb948f6084d5e8c4f2fb1326ab26c"),
    ("0004_member_calibrations.sql", "99507d7e8a492a318d18116d38a6de3b58dcff3ce5ce7d03be8204da59bba4cd"),
    ("0005_creator_analytics.sql", "3994eb48db370f234a9051dbcaafbc148428a94ea1f3ef17093511811aca6111"),
    ("0006_sessions_and_daily_runs.sql", "32873231e81879ac7b9487cb4ce0b8d3b5bce9f1c6948ca6a2e9be3f5c68bd92"),
    ("0007_upload_jobs.sql", "f6c854539c5090605d3597648033f2706455b277227a7857f7028a62c88242e2"),
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn shipped_migrations_are_pinned_by_hash() {
    assert_eq!(MIGRATIONS.len(), PINNED.len(), "every migration needs a pinned hash");
    for (migration, (name, hash)) in MIGRATIONS.iter().zip(PINNED) {
        assert_eq!(migration.name, *name);
        assert_eq!(hex(&Sha256::digest(migration.sql.as_bytes())), *hash, "{name} was edited after shipping");
    }
}

fn schema(path: &std::path::Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn migrates_from_empty_and_from_every_earlier_version() {
    let (_fresh_dir, fresh) = temp_store();
    let expected = schema(fresh.path());
    assert_eq!(fresh.schema_version().unwrap(), LATEST_VERSION);

    for start in 0..=LATEST_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ssi.db");
        assert_eq!(migrate_file(&path, start).unwrap(), start);
        if start >= 1 {
            // Data written under the old schema must survive the upgrade.
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute("INSERT INTO members (name, created) VALUES ('Old Member', 0)", []).unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), LATEST_VERSION, "from version {start}");
        assert_eq!(schema(&path), expected, "schema after migrating from version {start}");
        if start >= 1 {
            assert_eq!(store.member_by_name("old member").unwrap().name, "Old Member");
        }
        assert_eq!(store.active_model().unwrap(), ScoringModel::default_model());
        assert_integrity(&store);
    }
}

#[test]
fn a_database_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ssi.db");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", LATEST_VERSION + 1).unwrap();
    drop(conn);
    match Store::open(&path) {
        Err(StoreError::Migration { version, .. }) => assert_eq!(version, LATEST_VERSION + 1),
        other => panic!("expected a migration error, got {other:?}"),
    }
}

#[test]
fn open_sets_wal_and_creates_a_private_directory_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("data").join("ssi.db");
    let store = Store::open(&path).unwrap();
    assert!(path.exists());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file_mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(file_mode, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777;
        assert_eq!(dir_mode, 0o700);
    }
    // Foreign keys are enforced on the store's connections.
    let err = store.create_member("Alice", None, Some(ssi_store::TeamId(42))).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    assert_integrity(&store);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "these are not the tables you are looking for ".repeat(200)).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("notes.txt"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap().len(), 45 * 200, "the file is left alone");
}

#[test]
fn the_pseudonym_key_is_random_per_database_and_stable() {
    let (dir_a, a) = temp_store();
    let (_dir_b, b) = temp_store();
    let key_a = a.pseudonym_key().unwrap();
    assert_ne!(key_a, [0u8; 32]);
    assert_ne!(key_a, b.pseudonym_key().unwrap());
    drop(a);
    let reopened = Store::open(&dir_a.path().join("ssi.db")).unwrap();
    assert_eq!(reopened.pseudonym_key().unwrap(), key_a);
    assert_integrity(&reopened);
}

#[test]
fn default_db_path_honours_ssi_db() {
    // The environment is process-wide, so the check runs in a child process.
    if let Ok(expected) = std::env::var("SSI_STORE_TEST_EXPECT") {
        assert_eq!(ssi_store::default_db_path().unwrap(), std::path::PathBuf::from(expected));
        return;
    }
    let me = std::env::current_exe().unwrap();
    let run = |envs: &[(&str, &str)], expect: &str| {
        let mut cmd = std::process::Command::new(&me);
        cmd.args(["--exact", "default_db_path_honours_ssi_db", "--test-threads=1"])
            .env_remove("SSI_DB")
            .env("SSI_STORE_TEST_EXPECT", expect);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    };
    run(&[("SSI_DB", "/tmp/somewhere/else.db")], "/tmp/somewhere/else.db");
    #[cfg(target_os = "linux")]
    run(&[("HOME", "/tmp/ssi-home"), ("XDG_DATA_HOME", "/tmp/ssi-xdg")], "/tmp/ssi-xdg/ssi/ssi.db");
}

#[test]
fn every_table_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ssi.db");
    let today = day(2026, 3, 31);
    let store = Store::open(&path).unwrap();

    let team = store.create_team("North").unwrap();
    let alice = store.create_member("Alice", Some("Software"), Some(team.id)).unwrap();
    let bob = store.create_member("Bob", None, None).unwrap();
    let (_, admin) = store.create_token(Role::Admin, None, None, "admin laptop").unwrap();
    let (_, own) = store.create_token(Role::Member, Some(alice.id), None, "alice").unwrap();
    store.revoke_token(own.id).unwrap();

    let mut profile = ProfileSnapshot::empty(day(2026, 3, 1));
    profile.first_name = "Alice".into();
    profile.headline = Some("Helping teams sell".into());
    profile.skills = vec!["Sales".into(), "SaaS".into()];
    profile.has_photo = true;
    let events = synthetic_events(1, day(2026, 1, 1), 60);
    let import_meta = ImportMeta { export_date: Some(day(2026, 3, 1)), ..meta("alice-1") };
    store.import_export(alice.id, &import_meta, Some(&profile), ok(events.clone()), today).unwrap();

    let mut reading = OfficialReading::new(day(2026, 3, 2), 19.7, ReadingSource::Json);
    reading.pillars = [Some(13.1), Some(3.7), Some(0.3), Some(2.6)];
    reading.industry = GroupStats { rank: Some(75), average: Some(20.5), ..GroupStats::default() };
    reading.network =
        GroupStats { rank: Some(81), average: Some(22.0), size: Some(500), ..GroupStats::default() };
    store.add_reading(alice.id, &reading).unwrap();

    let mut custom = ScoringModel::default_model();
    custom.version = "custom-2".into();
    custom.components[1].curve = ssi_core::Curve::Saturating { half_at: 3.0 };
    store.use_model(&custom, today).unwrap();
    let pushed = PushedScore {
        date: day(2026, 3, 30),
        model_version: "ssi-default-2".into(),
        pillars: ssi_core::PillarScores::from_array([10.0, 5.0, 5.0, 5.0]),
        total: 25.0,
        components: vec![],
    };
    store.push_scores(bob.id, std::slice::from_ref(&pushed)).unwrap();

    let before = dump(&path);
    let teams = store.list_teams().unwrap();
    let members = store.list_members().unwrap();
    let tokens = store.list_tokens().unwrap();
    let history = store.history(alice.id, None, None).unwrap();
    let latest = store.latest_score(alice.id, None).unwrap();
    let models = store.list_models().unwrap();
    let imports = store.imports(alice.id).unwrap();
    let key = store.pseudonym_key().unwrap();
    drop(store);

    let store = Store::open(&path).unwrap();
    assert_eq!(dump(&path), before);
    assert_eq!(store.list_teams().unwrap(), teams);
    assert_eq!(store.list_members().unwrap(), members);
    assert_eq!(store.list_tokens().unwrap(), tokens);
    assert_eq!(tokens[0], admin);
    assert!(tokens[1].revoked.is_some());
    assert_eq!(store.pseudonym_key().unwrap(), key);
    assert_eq!(store.profile_snapshots(alice.id).unwrap(), vec![profile]);
    assert_eq!(without_keys(store.load_events(alice.id).unwrap()), without_keys(events));
    assert_eq!(store.imports(alice.id).unwrap(), imports);
    assert_eq!(imports[0].report, import_meta.report);
    assert_eq!(imports[0].export_date, Some(day(2026, 3, 1)));
    assert_eq!(store.readings(alice.id, None, None).unwrap(), vec![reading.clone()]);
    assert_eq!(store.latest_reading(alice.id).unwrap(), Some(reading));
    assert_eq!(store.list_models().unwrap(), models);
    assert_eq!(store.model("custom-2").unwrap(), custom);
    assert_eq!(store.active_model().unwrap(), custom);
    assert_eq!(store.history(alice.id, None, None).unwrap(), history);
    assert_eq!(store.latest_score(alice.id, None).unwrap(), latest);
    let latest = latest.unwrap();
    assert_eq!(latest.model_version, "custom-2");
    // "Today" answers for the export's date, the member's horizon.
    assert_eq!(latest.date, day(2026, 3, 1));
    assert_eq!(
        members.iter().map(|m| m.horizon.map(|h| (h.day, h.source))).collect::<Vec<_>>(),
        [
            Some((day(2026, 3, 1), HorizonSource::FileName)),
            Some((day(2026, 3, 30), HorizonSource::PushedScores))
        ]
    );
    assert_eq!(latest.components.len(), custom.components.len());
    let bob_points = store.score_points(bob.id, "push:ssi-default-2", None, None).unwrap();
    assert_eq!(bob_points.len(), 1);
    assert_eq!(bob_points[0].pillars, pushed.pillars);
    // The event kinds stored are the ones given.
    assert!(store.load_events(alice.id).unwrap().iter().any(|e| e.kind == ActivityKind::ConnectionMade));
    assert_integrity(&store);
}

/// Copies a member's data from a store of the current schema into a new
/// database of schema 2, as version 2 of ssi would have left it: every import
/// with its date (`export_date` replaced by `claimed_date` when given, with the
/// version-2 note that it came from the archive entries' modification dates),
/// and scores past the horizon up to `scored_to`, as version 2 scored every
/// member up to the clock's today.
fn as_schema_2(
    fresh: &std::path::Path,
    old: &std::path::Path,
    claimed_date: Option<chrono::NaiveDate>,
    scored_to: chrono::NaiveDate,
) {
    migrate_file(old, 2).unwrap();
    let conn = rusqlite::Connection::open(old).unwrap();
    conn.execute("ATTACH DATABASE ?1 AS fresh", [fresh.to_str().unwrap()]).unwrap();
    conn.execute_batch(
        "DELETE FROM main.settings;
         INSERT INTO main.settings SELECT * FROM fresh.settings;
         INSERT INTO main.members (id, name, industry, team_id, created)
             SELECT id, name, industry, team_id, created FROM fresh.members;
         INSERT INTO main.imports (id, member_id, fingerprint, imported_at, export_date, source_name,
                                   events_seen, events_added, report)
             SELECT id, member_id, fingerprint, imported_at, export_date, source_name,
                    events_seen, events_added, report FROM fresh.imports;
         INSERT INTO main.profile_snapshots SELECT * FROM fresh.profile_snapshots;
         INSERT INTO main.events SELECT * FROM fresh.events;
         INSERT INTO main.scoring_models SELECT * FROM fresh.scoring_models;
         INSERT INTO main.daily_scores SELECT * FROM fresh.daily_scores;",
    )
    .unwrap();
    if let Some(claimed) = claimed_date {
        conn.execute(
            "UPDATE imports SET export_date = ?1,
                 report = '{\"notes\":[\"profile taken_on ' || ?1 || ' from the archive entries'' modification dates\"]}'",
            [claimed],
        )
        .unwrap();
    }
    // Decayed days past the horizon, as version 2 materialised them.
    let last: (String, f64) = conn
        .query_row("SELECT max(date), total FROM daily_scores", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let mut date = chrono::NaiveDate::parse_from_str(&last.0, "%Y-%m-%d").unwrap();
    let mut total = last.1;
    while date < scored_to {
        date = date.succ_opt().unwrap();
        total *= 0.99;
        conn.execute(
            "INSERT INTO daily_scores
             SELECT member_id, model_version, ?1, brand * 0.99, people, insights, relationships, ?2, components
             FROM daily_scores WHERE date = ?3",
            rusqlite::params![date, total, last.0],
        )
        .unwrap();
    }
    conn.execute("DETACH DATABASE fresh", []).unwrap();
}

#[test]
fn a_database_scored_past_the_horizon_reads_like_a_fresh_import_after_the_upgrade() {
    let today = day(2026, 5, 20);
    let events = synthetic_events(3, day(2026, 1, 1), 60);
    let last_event = events.iter().map(|e| e.at.date_naive()).max().unwrap();
    // A named export, and a re-zipped one whose entry times claimed today.
    for (export_date, source, claimed) in [
        (day(2026, 3, 5), HorizonSource::FileName, None),
        (last_event, HorizonSource::NewestRow, Some(today)),
    ] {
        let (fresh_dir, fresh) = temp_store();
        let alice = fresh.create_member("Alice", None, None).unwrap();
        let meta = ImportMeta {
            source_name: "Basic_LinkedInDataExport_03-05-2026.zip".into(),
            export_date: Some(export_date),
            horizon_source: Some(source),
            ..meta("alice")
        };
        let meta =
            if claimed.is_some() { ImportMeta { source_name: "export.zip".into(), ..meta } } else { meta };
        fresh.import_export(alice.id, &meta, None, ok(events.clone()), today).unwrap();
        let old_dir = tempfile::tempdir().unwrap();
        let old_path = old_dir.path().join("ssi.db");
        as_schema_2(fresh.path(), &old_path, claimed, today);
        let scored_past: i64 = rusqlite::Connection::open(&old_path)
            .unwrap()
            .query_row("SELECT count(*) FROM daily_scores WHERE date > ?1", [export_date], |r| r.get(0))
            .unwrap();
        assert!(scored_past > 60, "the schema-2 copy is scored past the horizon: {scored_past}");

        let upgraded = Store::open(&old_path).unwrap();
        let member = upgraded.member_by_name("Alice").unwrap();
        assert_eq!(member.horizon.map(|h| (h.day, h.source)), Some((export_date, source)));
        assert_eq!(
            upgraded.history(member.id, None, None).unwrap(),
            fresh.history(alice.id, None, None).unwrap()
        );
        assert_eq!(upgraded.latest_score(member.id, Some(today)).unwrap().unwrap().date, export_date);
        assert_eq!(
            upgraded.latest_score(member.id, None).unwrap(),
            fresh.latest_score(alice.id, None).unwrap()
        );
        assert_eq!(upgraded.imports(member.id).unwrap()[0].export_date, Some(export_date));
        // The daily job finds nothing to add past the horizon.
        assert_eq!(upgraded.materialise_all(today).unwrap(), 0);
        assert_integrity(&upgraded);
        drop(fresh_dir);
    }
}

/// Events in a canonical order without their natural keys (which come back
/// as the stored 64-bit key), for comparing what was stored with what was given.
fn without_keys(mut events: Vec<ssi_core::ActivityEvent>) -> Vec<ssi_core::ActivityEvent> {
    for e in &mut events {
        e.natural_key.clear();
    }
    events.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    events
}

#[test]
fn events_stored_under_schema_1_keep_their_identity_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ssi.db");
    migrate_file(&path, 1).unwrap();
    // Two events as the importer keys them (32 hex digits of a digest), one
    // with a key of another shape, and one given twice by an older build.
    let when = at(day(2025, 6, 2), 9, 30);
    let digest_key = "0123456789abcdeffedcba9876543210";
    let mut message = event(ActivityKind::MessageSent, when, digest_key);
    // Pseudonym keys as the importer makes them, and one of another shape.
    message.counterpart = Some(ssi_core::PseudonymKey("a1b2c3d4e5f60718293a4b5c6d7e8f90".into()));
    message.conversation = Some(ssi_core::PseudonymKey("ffeeddccbbaa99887766554433221100".into()));
    let mut follow = event(ActivityKind::MemberFollow, at(day(2025, 6, 3), 8, 0), "follow@1748937600");
    follow.counterpart = Some(ssi_core::PseudonymKey("name:ada lovelace".into()));
    let events =
        vec![message, event(ActivityKind::Comment, when, "00112233445566778899aabbccddeeff"), follow];
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute("INSERT INTO members (id, name, created) VALUES (1, 'Old Member', 0)", []).unwrap();
        for e in &events {
            conn.execute(
                "INSERT INTO events (member_id, at, kind, counterpart, conversation, natural_key)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![
                    e.at.timestamp(),
                    e.kind.as_str(),
                    e.counterpart.as_ref().map(|k| k.as_str()),
                    e.conversation.as_ref().map(|k| k.as_str()),
                    e.natural_key
                ],
            )
            .unwrap();
        }
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    let member = store.member_by_name("Old Member").unwrap();
    let stored = store.load_events(member.id).unwrap();
    assert_eq!(without_keys(stored.clone()), without_keys(events.clone()));
    // The importer's keys come back as their first 16 hex digits.
    assert!(stored.iter().any(|e| e.natural_key == digest_key[..16]), "{stored:?}");
    // Hex pseudonym keys are kept as their 16 bytes, others as text.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let stored_as: Vec<(String, Option<i64>)> = conn
        .prepare("SELECT typeof(counterpart), length(counterpart) FROM events WHERE counterpart IS NOT NULL ORDER BY at")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored_as, [("blob".to_string(), Some(16)), ("text".to_string(), Some(17))]);

    // The same events imported again after the upgrade are recognised, not doubled.
    let again =
        store.import_export(member.id, &meta("after-upgrade"), None, ok(events), day(2025, 6, 30)).unwrap();
    match again {
        ssi_store::ImportOutcome::Imported { events_seen, events_added, .. } => {
            assert_eq!((events_seen, events_added), (3, 0));
        }
        other => panic!("expected an import, got {other:?}"),
    }
    assert_eq!(store.load_events(member.id).unwrap().len(), 3);
    assert_integrity(&store);
}

#[test]
fn a_process_killed_mid_import_leaves_the_database_as_it_was() {
    // Child side: import events until half-way, say so, then hang until killed.
    if let Some((store, marker)) = kill_child() {
        let alice = store.member_by_name("Alice").unwrap();
        let _ = store.import_export(alice.id, &meta("second"), None, hang_half_way(marker), day(2026, 3, 31));
        return;
    }
    let (_dir, path, before) = kill_mid_import("a_process_killed_mid_import_leaves_the_database_as_it_was");
    // The killed writer left a WAL and maybe a hot transaction; opening recovers.
    let store = Store::open(&path).unwrap();
    assert_integrity(&store);
    assert_eq!(dump(&path), before);
    assert_eq!(store.imports(store.member_by_name("Alice").unwrap().id).unwrap().len(), 1);
}
