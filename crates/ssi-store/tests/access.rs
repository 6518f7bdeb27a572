//! Who and how: members and teams, tokens, team leaderboards and percentiles, and concurrent use.

mod common;

use chrono::{Days, NaiveDate};
use common::*;
use ssi_core::{Band, PillarScores};
use ssi_store::{MemberId, PushedScore, Role, Store, StoreError, TeamId};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};

fn db_bytes(store: &Store) -> Vec<u8> {
    let mut bytes = std::fs::read(store.path()).unwrap();
    let wal = store.path().with_extension("db-wal");
    if let Ok(wal) = std::fs::read(wal) {
        bytes.extend(wal);
    }
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn tokens_are_stored_only_as_hashes_and_revocation_sticks() {
    let (_dir, store) = temp_store();
    let team = store.create_team("North").unwrap();
    let alice = store.create_member("Alice", None, Some(team.id)).unwrap();
    let (plaintext, info) = store.create_token(Role::Member, Some(alice.id), None, "alice laptop").unwrap();
    assert!(plaintext.starts_with(ssi_store::TOKEN_PREFIX));
    assert_eq!(plaintext.len(), 4 + 64);
    assert_eq!((info.role, info.member, info.team), (Role::Member, Some(alice.id), None));
    let (manager_token, _) = store.create_token(Role::Manager, None, Some(team.id), "lead").unwrap();
    assert_ne!(plaintext, manager_token);

    let found = store.authenticate(&plaintext).unwrap().unwrap();
    assert_eq!(found.id, info.id);
    assert!(found.last_used.is_none(), "the record returned is the one read before this use");
    assert!(store.list_tokens().unwrap()[0].last_used.is_some());
    assert_eq!(store.authenticate(&format!("{plaintext}x")).unwrap(), None);
    assert_eq!(store.authenticate("ssi_0000").unwrap(), None);
    assert_eq!(store.authenticate("").unwrap(), None);

    let bytes = db_bytes(&store);
    for token in [&plaintext, &manager_token] {
        let secret = token.trim_start_matches("ssi_");
        assert!(!contains(&bytes, token.as_bytes()), "a plaintext token is in the file");
        assert!(!contains(&bytes, secret.as_bytes()), "a token's secret is in the file");
    }
    use sha2::Digest;
    assert!(contains(&bytes, &sha2::Sha256::digest(plaintext.as_bytes())), "its hash is");

    let revoked = store.revoke_token(info.id).unwrap();
    assert!(revoked.revoked.is_some());
    assert_eq!(store.authenticate(&plaintext).unwrap(), None);
    assert_eq!(store.revoke_token(info.id).unwrap().revoked, revoked.revoked);
    assert!(store.authenticate(&manager_token).unwrap().is_some());
    assert!(matches!(store.revoke_token(ssi_store::TokenId(99)), Err(StoreError::NotFound { .. })));
    assert_integrity(&store);
}

#[test]
fn token_scopes_are_checked() {
    let (_dir, store) = temp_store();
    let team = store.create_team("North").unwrap();
    let alice = store.create_member("Alice", None, None).unwrap();
    let invalid = [
        (Role::Admin, Some(alice.id), None),
        (Role::Admin, None, Some(team.id)),
        (Role::Manager, None, None),
        (Role::Manager, Some(alice.id), Some(team.id)),
        (Role::Member, None, Some(team.id)),
    ];
    for (role, member, team) in invalid {
        let err = store.create_token(role, member, team, "x").unwrap_err();
        assert!(matches!(err, StoreError::InvalidData { .. }), "{role} {member:?} {team:?}: {err}");
    }
    assert!(matches!(
        store.create_token(Role::Member, Some(MemberId(77)), None, "x"),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.create_token(Role::Manager, None, Some(TeamId(77)), "x"),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.list_tokens().unwrap(), vec![]);
    assert_eq!("Manager".parse::<Role>().unwrap(), Role::Manager);
    assert!("boss".parse::<Role>().is_err());
    assert_integrity(&store);
}

#[test]
fn members_and_teams_are_named_uniquely_and_deleted_with_their_data() {
    let (_dir, store) = temp_store();
    let north = store.create_team("North").unwrap();
    let south = store.create_team("South").unwrap();
    assert!(matches!(store.create_team("north"), Err(StoreError::Conflict { .. })));
    assert!(matches!(store.create_team("  "), Err(StoreError::InvalidData { .. })));
    let alice = store.create_member(" Alice ", Some("Software"), Some(north.id)).unwrap();
    assert_eq!(alice.name, "Alice");
    assert!(matches!(store.create_member("ALICE", None, None), Err(StoreError::Conflict { .. })));
    let bob = store.create_member("Bob", Some(""), Some(north.id)).unwrap();
    assert_eq!(bob.industry, None);
    assert_eq!(store.member_by_name("alice").unwrap(), alice);
    assert!(matches!(store.member_by_name("Zed"), Err(StoreError::NotFound { .. })));
    assert!(matches!(store.rename_member(bob.id, "alice"), Err(StoreError::Conflict { .. })));
    assert_eq!(store.rename_member(bob.id, "Robert").unwrap().name, "Robert");
    assert_eq!(
        store.set_member_industry(bob.id, Some("Retail")).unwrap().industry.as_deref(),
        Some("Retail")
    );
    assert_eq!(store.set_member_team(bob.id, Some(south.id)).unwrap().team, Some(south.id));
    assert!(matches!(store.set_member_team(bob.id, Some(TeamId(99))), Err(StoreError::NotFound { .. })));
    assert_eq!(store.list_team_members(north.id).unwrap(), vec![alice.clone()]);
    assert_eq!(store.rename_team(south.id, "Southwest").unwrap().name, "Southwest");
    assert_eq!(store.team_by_name("SOUTHWEST").unwrap().id, south.id);
    assert_eq!(store.list_teams().unwrap().len(), 2);

    // Give Alice data in every table, then delete her.
    let today = day(2026, 2, 28);
    store
        .import_export(
            alice.id,
            &meta("a"),
            Some(&ssi_core::ProfileSnapshot::empty(today)),
            ok(synthetic_events(1, day(2026, 1, 1), 30)),
            today,
        )
        .unwrap();
    store
        .add_reading(alice.id, &ssi_core::OfficialReading::new(today, 20.0, ssi_core::ReadingSource::Manual))
        .unwrap();
    let calibration = ssi_core::advice::calibrate(
        &store.active_model().unwrap(),
        &store.profile_snapshots(alice.id).unwrap(),
        &store.load_events(alice.id).unwrap(),
        &store.stored_readings(alice.id).unwrap(),
    )
    .unwrap();
    assert!(store.save_calibration(alice.id, &calibration).unwrap());
    assert_eq!(store.calibration(alice.id).unwrap(), Some(calibration));
    store.create_token(Role::Member, Some(alice.id), None, "alice").unwrap();
    store.create_token(Role::Manager, None, Some(south.id), "south lead").unwrap();
    store
        .import_export(bob.id, &meta("b"), None, ok(synthetic_events(2, day(2026, 1, 1), 30)), today)
        .unwrap();
    store.delete_member(alice.id).unwrap();
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    for table in [
        "events",
        "profile_snapshots",
        "imports",
        "official_readings",
        "daily_scores",
        "api_tokens",
        "member_calibrations",
    ] {
        let left: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table} WHERE member_id = ?1"), [alice.id.0], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(left, 0, "{table} keeps rows of a deleted member");
    }
    assert_eq!(row_count(store.path(), "events"), store.load_events(bob.id).unwrap().len() as i64);
    assert!(matches!(store.get_member(alice.id), Err(StoreError::NotFound { .. })));
    assert!(matches!(store.delete_member(alice.id), Err(StoreError::NotFound { .. })));

    // Deleting a team keeps its members, teamless, and drops its managers' tokens.
    store.delete_team(south.id).unwrap();
    assert_eq!(store.get_member(bob.id).unwrap().team, None);
    assert_eq!(store.list_tokens().unwrap(), vec![]);
    assert!(matches!(store.get_team(south.id), Err(StoreError::NotFound { .. })));
    assert_integrity(&store);
}

/// rank, name, total, 7-day change, 30-day change.
type BoardLine<'a> = (u32, &'a str, f64, Option<f64>, Option<f64>);

/// Pushes a member's total (split evenly over the pillars) for a day.
fn push_total(store: &Store, member: MemberId, date: NaiveDate, total: f64) {
    let score = PushedScore {
        date,
        model_version: "ssi-default-2".into(),
        pillars: PillarScores::from_array([total / 4.0; 4]),
        total,
        components: vec![],
    };
    store.push_scores(member, &[score]).unwrap();
}

#[test]
fn leaderboard_summary_and_percentiles_of_a_small_team() {
    let (_dir, store) = temp_store();
    let team = store.create_team("North").unwrap();
    let other = store.create_team("South").unwrap();
    let on = day(2026, 3, 31);
    let week_ago = on.checked_sub_days(Days::new(7)).unwrap();
    let month_ago = on.checked_sub_days(Days::new(30)).unwrap();
    // name, industry, team, total a month ago, a week ago, today
    let people = [
        ("Ann", "Software", team.id, 40.0, 50.0, 60.0),
        ("Ben", "Software", team.id, 45.0, 45.0, 45.0),
        ("Cat", "Retail", team.id, 45.0, 40.0, 45.0),
        ("Dan", "Software", team.id, 10.0, 30.0, 20.0),
        ("Eve", "Software", other.id, 90.0, 90.0, 90.0),
    ];
    let mut ids = Vec::new();
    for (name, industry, team, month, week, now) in people {
        let m = store.create_member(name, Some(industry), Some(team)).unwrap();
        push_total(&store, m.id, month_ago, month);
        push_total(&store, m.id, week_ago, week);
        push_total(&store, m.id, on, now);
        ids.push(m.id);
    }
    let idle = store.create_member("Fay", Some("Software"), Some(team.id)).unwrap();

    let board = store.team_leaderboard(team.id, on).unwrap();
    let summary: Vec<BoardLine<'_>> =
        board.iter().map(|r| (r.rank, r.name.as_str(), r.score.total, r.change_7d, r.change_30d)).collect();
    assert_eq!(
        summary,
        vec![
            (1, "Ann", 60.0, Some(10.0), Some(20.0)),
            (2, "Ben", 45.0, Some(0.0), Some(0.0)),
            (2, "Cat", 45.0, Some(5.0), Some(0.0)),
            (4, "Dan", 20.0, Some(-10.0), Some(10.0)),
        ]
    );
    // As of a day between pushes: each member's latest score before it.
    let earlier = store.team_leaderboard(team.id, day(2026, 3, 30)).unwrap();
    assert_eq!((earlier[0].name.as_str(), earlier[0].score.total), ("Ann", 50.0));
    assert_eq!(earlier[0].score.date, week_ago);
    assert_eq!(earlier[3].name, "Dan");

    let s = store.team_summary(team.id, on, 30.0, 14).unwrap();
    assert_eq!(s.scored_members, 4);
    assert_eq!(s.average_total, Some(42.5));
    assert_eq!(s.average_pillars.unwrap().brand, 42.5 / 4.0);
    let bands: Vec<(Band, usize)> = s.bands.iter().map(|b| (b.band, b.members)).collect();
    assert_eq!(bands[0], (Band::Beginner, 1));
    assert_eq!(bands[1], (Band::Average, 2));
    assert_eq!(bands[2], (Band::AboveAverage, 1));
    assert_eq!(bands.iter().map(|b| b.1).sum::<usize>(), 4);
    let movers: Vec<(&str, f64)> = s.movers_7d.iter().map(|m| (m.name.as_str(), m.change)).collect();
    assert_eq!(movers, vec![("Ann", 10.0), ("Dan", -10.0), ("Cat", 5.0), ("Ben", 0.0)]);
    assert_eq!(s.movers_30d[0].name, "Ann");
    assert_eq!(s.below.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["Dan"]);
    assert_eq!(s.unscored, vec![idle.clone()]);

    let ann = store.percentile_in_team(ids[0], on).unwrap().unwrap();
    assert_eq!((ann.top_percent, ann.rank, ann.group_size, ann.group_average), (25, 1, 4, 42.5));
    let cat = store.percentile_in_team(ids[2], on).unwrap().unwrap();
    assert_eq!((cat.top_percent, cat.rank), (50, 2));
    let dan = store.percentile_in_team(ids[3], on).unwrap().unwrap();
    assert_eq!(dan.top_percent, 100);
    // Industry "Software" spans both teams: Eve 90, Ann 60, Ben 45, Dan 20 (Fay unscored).
    let ben = store.percentile_in_industry(ids[1], on).unwrap().unwrap();
    assert_eq!((ben.top_percent, ben.rank, ben.group_size), (75, 3, 4));
    assert_eq!(ben.group_average, (90.0 + 60.0 + 45.0 + 20.0) / 4.0);
    let cat_industry = store.percentile_in_industry(ids[2], on).unwrap().unwrap();
    assert_eq!((cat_industry.top_percent, cat_industry.group_size), (100, 1));
    assert_eq!(store.percentile_in_team(idle.id, on).unwrap(), None);
    let loner = store.create_member("Gus", None, None).unwrap();
    assert_eq!(store.percentile_in_team(loner.id, on).unwrap(), None);
    assert_eq!(store.percentile_in_industry(loner.id, on).unwrap(), None);
    assert!(matches!(store.team_leaderboard(TeamId(99), on), Err(StoreError::NotFound { .. })));

    let empty = store.create_team("Empty").unwrap();
    let nobody = store.team_summary(empty.id, on, 30.0, 14).unwrap();
    assert_eq!((nobody.scored_members, nobody.average_total), (0, None));
    assert_integrity(&store);
}

#[test]
fn leaderboard_of_computed_scores_follows_the_latest_totals() {
    let (_dir, store) = temp_store();
    let team = store.create_team("North").unwrap();
    let today = day(2026, 3, 31);
    let mut expected = Vec::new();
    for seed in 1..=4u64 {
        let m = store.create_member(&format!("Member {seed}"), None, Some(team.id)).unwrap();
        let days = 20 * seed as u32;
        store
            .import_export(
                m.id,
                &meta(&format!("e{seed}")),
                None,
                ok(synthetic_events(seed, day(2026, 1, 1), days)),
                today,
            )
            .unwrap();
        expected.push((store.latest_score(m.id, Some(today)).unwrap().unwrap().total, m.id));
    }
    expected.sort_by(|a, b| b.0.total_cmp(&a.0));
    let board = store.team_leaderboard(team.id, today).unwrap();
    assert_eq!(
        board.iter().map(|r| r.member).collect::<Vec<_>>(),
        expected.iter().map(|e| e.1).collect::<Vec<_>>()
    );
    for row in &board {
        let change = store.change_over(row.member, 7, today).unwrap();
        assert_eq!(row.change_7d, change);
    }
    assert_integrity(&store);
}

#[test]
fn concurrent_writers_and_readers_never_see_a_locked_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ssi.db");
    // Two independent stores on one file stand for two processes (the server and a CLI).
    let first = Store::open(&path).unwrap();
    let second = Store::open(&path).unwrap();
    let team = first.create_team("North").unwrap();
    let a = first.create_member("Writer A", None, Some(team.id)).unwrap();
    let b = second.create_member("Writer B", None, Some(team.id)).unwrap();
    let today = day(2026, 6, 30);
    let rounds = 8u32;
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(2 + 3));

    let writer = |store: Store, member: MemberId, seed: u64| {
        let start = start.clone();
        std::thread::spawn(move || -> Result<(), StoreError> {
            start.wait();
            for round in 0..rounds {
                let from = day(2026, 1, 1).checked_add_days(Days::new(u64::from(round) * 20)).unwrap();
                let events = synthetic_events(seed * 100 + u64::from(round), from, 20);
                store
                    .import_export(member, &meta(&format!("{seed}-{round}")), None, ok(events), today)
                    .map_err(|e| match e {
                        ssi_store::ImportFailure::Store(e) => e,
                        ssi_store::ImportFailure::Source(never) => match never {},
                    })?;
                store.add_reading(
                    member,
                    &ssi_core::OfficialReading::new(from, 30.0, ssi_core::ReadingSource::Manual),
                )?;
            }
            Ok(())
        })
    };
    let writers = vec![writer(first.clone(), a.id, 1), writer(second.clone(), b.id, 2)];
    let readers: Vec<_> = (0..3)
        .map(|i| {
            let store = if i % 2 == 0 { first.clone() } else { second.clone() };
            let (done, start) = (done.clone(), start.clone());
            std::thread::spawn(move || -> Result<usize, StoreError> {
                start.wait();
                let mut reads = 0;
                while !done.load(Ordering::Relaxed) {
                    for member in [a.id, b.id] {
                        store.history(member, None, None)?;
                        store.latest_score(member, None)?;
                    }
                    store.team_leaderboard(team.id, today)?;
                    store.list_members()?;
                    reads += 1;
                }
                Ok(reads)
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap().unwrap();
    }
    done.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap().unwrap();
    }
    assert_eq!(first.imports(a.id).unwrap().len(), rounds as usize);
    assert_eq!(second.imports(b.id).unwrap().len(), rounds as usize);
    assert_eq!(first.team_leaderboard(team.id, today).unwrap().len(), 2);
    assert_integrity(&first);
}

#[test]
fn an_operator_chosen_token_installs_once_and_authenticates() {
    let (_dir, store) = temp_store();
    let chosen = "ssi_operator-chosen-admin-secret-0001";
    let info = store.install_token(chosen, Role::Admin, None, None, "from SSI_ADMIN_TOKEN").unwrap();
    assert_eq!(store.authenticate(chosen).unwrap().map(|t| t.id), Some(info.id));
    assert_eq!(store.get_token(info.id).unwrap().label, "from SSI_ADMIN_TOKEN");
    assert!(matches!(
        store.install_token(chosen, Role::Admin, None, None, "again"),
        Err(StoreError::Conflict { .. })
    ));
    for bad in ["ssi_short", "not-prefixed-but-long-enough-0001"] {
        assert!(matches!(
            store.install_token(bad, Role::Admin, None, None, "x"),
            Err(StoreError::InvalidData { .. })
        ));
    }
    assert!(matches!(
        store.install_token("ssi_operator-chosen-member-secret", Role::Member, None, None, "x"),
        Err(StoreError::InvalidData { .. })
    ));
    assert!(!contains(&db_bytes(&store), chosen.as_bytes()));
    let revoked = store.revoke_token(info.id).unwrap();
    assert_eq!(store.get_token(info.id).unwrap().revoked, revoked.revoked);
    assert!(matches!(store.get_token(ssi_store::TokenId(info.id.0 + 99)), Err(StoreError::NotFound { .. })));
    assert_integrity(&store);
}

#[test]
fn data_version_changes_with_every_commit_from_any_process_and_only_then() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ssi.db");
    let server = Store::open(&path).unwrap();
    let before = server.data_version().unwrap();
    // Reads change nothing.
    server.list_members().unwrap();
    assert_eq!(server.data_version().unwrap(), before);

    // A write through this store's own writer connection.
    server.create_member("Alice", None, None).unwrap();
    let after_own = server.data_version().unwrap();
    assert_ne!(after_own, before);
    assert_eq!(server.data_version().unwrap(), after_own);

    // A write by another opener of the file (a CLI beside the server).
    let cli = Store::open(&path).unwrap();
    cli.create_member("Bob", None, None).unwrap();
    assert_ne!(server.data_version().unwrap(), after_own);
}

#[test]
fn refitting_a_calibration_follows_the_readings_and_drops_one_they_no_longer_support() {
    use ssi_core::{OfficialReading, ReadingSource};
    use ssi_store::CalibrationRefit;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("ssi.db")).unwrap();
    let alice = store.create_member("Alice", None, None).unwrap();
    let today = day(2026, 2, 28);
    store
        .import_export(
            alice.id,
            &meta("a"),
            Some(&ssi_core::ProfileSnapshot::empty(today)),
            ok(synthetic_events(1, day(2026, 1, 1), 30)),
            today,
        )
        .unwrap();

    // Without a calibration there is nothing to refit, and none is made.
    store
        .add_reading(alice.id, &OfficialReading::new(day(2026, 2, 20), 20.0, ReadingSource::Manual))
        .unwrap();
    assert_eq!(store.refit_calibration(alice.id).unwrap(), CalibrationRefit::NotCalibrated);
    assert_eq!(store.calibration(alice.id).unwrap(), None);

    // With one, a new reading refits it to exactly what the readings now give.
    let first = store.fit_calibration(alice.id).unwrap().unwrap();
    assert!(store.save_calibration(alice.id, &first).unwrap());
    store
        .add_reading(alice.id, &OfficialReading::new(day(2026, 2, 27), 31.0, ReadingSource::Manual))
        .unwrap();
    let expected = store.fit_calibration(alice.id).unwrap().unwrap();
    assert_ne!(expected, first, "a second, different reading changes the fit");
    assert_eq!(
        store.refit_calibration(alice.id).unwrap(),
        CalibrationRefit::Updated(Box::new(expected.clone()))
    );
    assert_eq!(store.calibration(alice.id).unwrap(), Some(expected));

    // Without readings there is no calibration to keep: it is removed, with the reason.
    store.delete_readings(alice.id, day(2026, 2, 20), None).unwrap();
    store.delete_readings(alice.id, day(2026, 2, 27), None).unwrap();
    let CalibrationRefit::Removed(why) = store.refit_calibration(alice.id).unwrap() else {
        panic!("a calibration without readings is removed")
    };
    assert!(!why.is_empty());
    assert_eq!(store.calibration(alice.id).unwrap(), None);
}
