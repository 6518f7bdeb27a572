//! Imports and scores: idempotence, overlap, rollback on failure, incremental re-scoring, models, pushes, readings.

mod common;

use chrono::{Datelike, Days, NaiveDate};
use common::*;
use ssi_core::engine::metric_series;
use ssi_core::{
    ActivityKind, Curve, OfficialReading, PillarScores, ProfileSnapshot, ReadingSource, ScoringModel,
};
use ssi_store::{ImportFailure, ImportOutcome, MemberId, PushedScore, StoreError};
use std::collections::BTreeMap;
use std::path::Path;

const DEFAULT_VERSION: &str = "ssi-default-2";

/// Totals of every stored score of the member under `version`, by day.
fn totals(path: &Path, member: MemberId, version: &str) -> BTreeMap<NaiveDate, f64> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT date, total FROM daily_scores WHERE member_id = ?1 AND model_version = ?2")
        .unwrap();
    stmt.query_map(rusqlite::params![member.0, version], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Marks every stored score of the member (total -1, which no computation
/// writes), so that rows rewritten later are told from rows left alone.
/// Returns the totals before marking.
fn mark_scores(path: &Path, member: MemberId, version: &str) -> BTreeMap<NaiveDate, f64> {
    let before = totals(path, member, version);
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute(
        "UPDATE daily_scores SET total = -1 WHERE member_id = ?1 AND model_version = ?2",
        rusqlite::params![member.0, version],
    )
    .unwrap();
    before
}

/// The days whose marked rows were rewritten since [`mark_scores`].
fn rewritten_days(path: &Path, member: MemberId, version: &str) -> Vec<NaiveDate> {
    totals(path, member, version).into_iter().filter(|(_, total)| *total != -1.0).map(|(d, _)| d).collect()
}

fn days_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d <= to).collect()
}

fn imported(outcome: ImportOutcome) -> (u64, u64, Option<NaiveDate>, usize) {
    match outcome {
        ImportOutcome::Imported { events_seen, events_added, first_changed_day, days_rescored } => {
            (events_seen, events_added, first_changed_day, days_rescored)
        }
        other => panic!("expected an import, got {other:?}"),
    }
}

#[test]
fn reimporting_the_same_export_changes_nothing() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let events = synthetic_events(7, day(2026, 1, 1), 90);
    let today = day(2026, 4, 15);
    let (seen, added, first, rescored) = imported(
        store.import_export(alice.id, &meta_on("export-a", today), None, ok(events.clone()), today).unwrap(),
    );
    assert_eq!(seen as usize, events.len());
    assert_eq!(added, seen);
    assert_eq!(first, Some(day(2026, 1, 1)));
    assert_eq!(rescored, (today - day(2026, 1, 1)).num_days() as usize + 1);

    let before = dump(store.path());
    let again = store.import_export(alice.id, &meta_on("export-a", today), None, ok(events), today).unwrap();
    let on = store.imports(alice.id).unwrap()[0].imported_at;
    assert_eq!(again, ImportOutcome::AlreadyImported { on });
    assert_eq!(dump(store.path()), before);
    assert_integrity(&store);
}

#[test]
fn account_keys_are_read_back_from_each_members_import_reports() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let bob = store.create_member("Bob", None, None).unwrap();
    let today = day(2026, 1, 31);
    assert!(store.member_account_keys(alice.id).unwrap().is_empty());
    let with_keys = |fingerprint: &str, keys: &[&str]| {
        let mut meta = meta(fingerprint);
        meta.report = serde_json::json!({ "member": { "account_keys": keys } });
        meta
    };
    let events = synthetic_events(3, day(2026, 1, 1), 5);
    store
        .import_export(
            alice.id,
            &with_keys("a1", &["email:aa", "registered:r1"]),
            None,
            ok(events.clone()),
            today,
        )
        .unwrap();
    store
        .import_export(alice.id, &with_keys("a2", &["email:aa", "url:u1"]), None, ok(vec![]), today)
        .unwrap();
    // A report of an older build, without the keys, adds none.
    store.import_export(alice.id, &meta("a3"), None, ok(vec![]), today).unwrap();
    store.import_export(bob.id, &with_keys("b1", &["email:bb"]), None, ok(events), today).unwrap();
    assert_eq!(store.member_account_keys(alice.id).unwrap(), ["email:aa", "registered:r1", "url:u1"]);
    assert_eq!(store.member_account_keys(bob.id).unwrap(), ["email:bb"]);
    store.delete_member(bob.id).unwrap();
    assert!(matches!(store.member_account_keys(bob.id), Err(StoreError::NotFound { .. })));
}

#[test]
fn the_same_export_for_another_member_is_imported_for_them() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let bob = store.create_member("Bob", None, None).unwrap();
    let events = synthetic_events(3, day(2026, 1, 1), 20);
    let today = day(2026, 1, 31);
    store.import_export(alice.id, &meta("same"), None, ok(events.clone()), today).unwrap();
    let (_, added, _, _) =
        imported(store.import_export(bob.id, &meta("same"), None, ok(events.clone()), today).unwrap());
    assert_eq!(added as usize, events.len());
    assert_eq!(row_count(store.path(), "events"), 2 * events.len() as i64);
    assert_integrity(&store);
}

#[test]
fn an_overlapping_export_adds_exactly_the_new_events() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let older = synthetic_events(11, day(2026, 1, 1), 60);
    let today = day(2026, 3, 31);
    store.import_export(alice.id, &meta("january"), None, ok(older.clone()), today).unwrap();

    let half = older.len() / 2;
    let newer_only = synthetic_events(12, day(2026, 3, 2), 20);
    let overlapping: Vec<_> = older[half..].iter().cloned().chain(newer_only.iter().cloned()).collect();
    let (seen, added, first, _) = imported(
        store.import_export(alice.id, &meta("march"), None, ok(overlapping.clone()), today).unwrap(),
    );
    assert_eq!(seen as usize, overlapping.len());
    assert_eq!(added as usize, newer_only.len());
    assert_eq!(first, Some(day(2026, 3, 2)));
    assert_eq!(row_count(store.path(), "events"), (older.len() + newer_only.len()) as i64);
    let mut expected: Vec<_> = older.into_iter().chain(newer_only).collect();
    expected.sort_by_key(|e| e.at);
    let stored = store.load_events(alice.id).unwrap();
    assert_eq!(stored.len(), expected.len());
    assert!(stored.windows(2).all(|w| w[0].at <= w[1].at), "events come back in time order");
    let imports = store.imports(alice.id).unwrap();
    assert_eq!(imports.len(), 2);
    assert_eq!(imports[1].events_added, added);
    assert_integrity(&store);
}

#[test]
fn a_source_failing_midway_leaves_the_database_as_it_was() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let bob = store.create_member("Bob", None, None).unwrap();
    let today = day(2026, 3, 31);
    let mut profile = ProfileSnapshot::empty(day(2026, 3, 1));
    profile.headline = Some("Seller".into());
    store
        .import_export(
            alice.id,
            &meta("first"),
            Some(&profile),
            ok(synthetic_events(1, day(2026, 1, 1), 40)),
            today,
        )
        .unwrap();

    let before = dump(store.path());
    // Alice's second export breaks after 50 new events; Bob's first after 30.
    let mut changed = profile.clone();
    changed.headline = Some("Changed".into());
    let events = synthetic_events(2, day(2026, 2, 1), 50);
    assert!(events.len() > 60);
    let err = store
        .import_export(alice.id, &meta("second"), Some(&changed), failing_after(events.clone(), 50), today)
        .unwrap_err();
    assert!(matches!(err, ImportFailure::Source(Broken(50))), "{err:?}");
    assert!(err.to_string().contains("Connections.csv line 52"), "{err}");
    let err = store.import_export(bob.id, &meta("bob"), None, failing_after(events, 30), today).unwrap_err();
    assert!(matches!(err, ImportFailure::Source(Broken(30))));
    assert_eq!(dump(store.path()), before);
    assert_integrity(&store);

    // The same exports import fine once readable.
    let retry = store.import_export(
        alice.id,
        &meta("second"),
        Some(&changed),
        ok(synthetic_events(2, day(2026, 2, 1), 50)),
        today,
    );
    assert!(matches!(retry.unwrap(), ImportOutcome::Imported { .. }));
}

#[test]
fn an_invalid_event_fails_the_import_as_a_store_error_and_keeps_nothing() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let mut events = synthetic_events(5, day(2026, 1, 1), 10);
    events[3].natural_key = "  ".into();
    let before = dump(store.path());
    let err = store.import_export(alice.id, &meta("bad"), None, ok(events), day(2026, 1, 31)).unwrap_err();
    assert!(matches!(err, ImportFailure::Store(StoreError::InvalidData { .. })), "{err:?}");
    assert!(err.to_string().contains("event 4"), "{err}");
    assert_eq!(dump(store.path()), before);
    let unknown = store.import_export(MemberId(999), &meta("x"), None, ok(vec![]), day(2026, 1, 31));
    assert!(matches!(unknown, Err(ImportFailure::Store(StoreError::NotFound { .. }))));
    assert_integrity(&store);
}

#[test]
fn later_events_rescore_only_from_their_first_day() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let today = day(2026, 4, 30);
    store
        .import_export(
            alice.id,
            &meta_on("q1", today),
            None,
            ok(synthetic_events(1, day(2026, 1, 1), 90)),
            today,
        )
        .unwrap();
    let before = mark_scores(store.path(), alice.id, DEFAULT_VERSION);
    assert_eq!(before.len(), 120);

    let april = synthetic_events(2, day(2026, 4, 20), 5);
    let (_, added, first, rescored) = imported(
        store.import_export(alice.id, &meta_on("april", today), None, ok(april.clone()), today).unwrap(),
    );
    assert_eq!(added as usize, april.len());
    assert_eq!(first, Some(day(2026, 4, 20)));
    assert_eq!(rescored, 11);
    assert_eq!(
        rewritten_days(store.path(), alice.id, DEFAULT_VERSION),
        days_between(day(2026, 4, 20), today)
    );
    let after = totals(store.path(), alice.id, DEFAULT_VERSION);
    assert_eq!(after.len(), 120);
    // The new activity raised the score at the end.
    assert!(after[&today] > before[&today]);
    assert_integrity(&store);
}

#[test]
fn an_import_with_nothing_new_only_extends_the_history_to_today() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let events = synthetic_events(4, day(2026, 1, 1), 30);
    store
        .import_export(alice.id, &meta_on("a", day(2026, 1, 31)), None, ok(events.clone()), day(2026, 1, 31))
        .unwrap();
    let before = mark_scores(store.path(), alice.id, DEFAULT_VERSION);
    let (_, added, first, rescored) = imported(
        store
            .import_export(alice.id, &meta_on("b", day(2026, 2, 5)), None, ok(events), day(2026, 2, 5))
            .unwrap(),
    );
    assert_eq!((added, first, rescored), (0, None, 5));
    assert_eq!(
        rewritten_days(store.path(), alice.id, DEFAULT_VERSION),
        days_between(day(2026, 2, 1), day(2026, 2, 5))
    );
    assert_eq!(totals(store.path(), alice.id, DEFAULT_VERSION).len(), before.len() + 5);
    assert_integrity(&store);
}

#[test]
fn a_changed_profile_rescores_from_its_day_or_from_the_start_when_earliest() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let today = day(2026, 3, 31);
    let events = synthetic_events(9, day(2026, 1, 1), 30);
    let march = ProfileSnapshot::empty(day(2026, 3, 1));
    store.import_export(alice.id, &meta_on("a", today), Some(&march), ok(events.clone()), today).unwrap();

    // A later, fuller snapshot changes the days from its own day on.
    let mut later = ProfileSnapshot::empty(day(2026, 3, 20));
    later.has_photo = true;
    later.headline = Some("Helping CFOs".into());
    let (_, _, first, rescored) = imported(
        store.import_export(alice.id, &meta_on("b", today), Some(&later), ok(events.clone()), today).unwrap(),
    );
    assert_eq!((first, rescored), (Some(day(2026, 3, 20)), 12));

    // The same snapshot again changes nothing.
    let (_, _, first, rescored) = imported(
        store.import_export(alice.id, &meta_on("c", today), Some(&later), ok(events.clone()), today).unwrap(),
    );
    assert_eq!((first, rescored), (None, 0));

    // A new earliest snapshot stands for every day before it too.
    let mut earliest = ProfileSnapshot::empty(day(2026, 2, 1));
    earliest.has_banner = true;
    let (_, _, first, _) = imported(
        store.import_export(alice.id, &meta_on("d", today), Some(&earliest), ok(events), today).unwrap(),
    );
    assert_eq!(first, Some(day(2026, 1, 1)));
    assert_eq!(store.profile_snapshots(alice.id).unwrap().len(), 3);
    assert_integrity(&store);
}

#[test]
fn incremental_scores_equal_a_full_recompute() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let today = day(2026, 6, 30);
    let mut profile = ProfileSnapshot::empty(day(2026, 6, 1));
    profile.has_photo = true;
    // The newer export first, then an older one, then an overlapping one.
    store
        .import_export(
            alice.id,
            &meta_on("recent", today),
            Some(&profile),
            ok(synthetic_events(1, day(2026, 4, 1), 80)),
            today,
        )
        .unwrap();
    store
        .import_export(
            alice.id,
            &meta_on("old", today),
            None,
            ok(synthetic_events(2, day(2025, 12, 1), 100)),
            today,
        )
        .unwrap();
    store
        .import_export(
            alice.id,
            &meta_on("mid", today),
            None,
            ok(synthetic_events(3, day(2026, 3, 1), 45)),
            today,
        )
        .unwrap();

    let model = ScoringModel::default_model();
    let events = store.load_events(alice.id).unwrap();
    let profiles = store.profile_snapshots(alice.id).unwrap();
    let start = events[0].day();
    let full = metric_series(&model, &profiles, &events, start, today);
    let stored = store.score_points(alice.id, DEFAULT_VERSION, None, None).unwrap();
    assert_eq!(stored.len(), full.len());
    assert_eq!(stored[0].date, start);
    for (point, day_values) in stored.iter().zip(&full) {
        let (pillars, total) = ssi_core::engine::pillar_points(&model, &day_values.values);
        assert_eq!(point.date, day_values.date);
        assert!((point.total - total).abs() < 1e-9, "{}: {} vs {}", point.date, point.total, total);
        for (pillar, value) in pillars.iter() {
            assert!((point.pillars[pillar] - value).abs() < 1e-9);
        }
    }
    // And a from-scratch re-score writes the same values.
    store.rescore_member(alice.id, None, today).unwrap();
    let again = store.score_points(alice.id, DEFAULT_VERSION, None, None).unwrap();
    for (a, b) in stored.iter().zip(&again) {
        assert!((a.total - b.total).abs() < 1e-9);
    }
    assert_integrity(&store);
}

#[test]
fn latest_score_explains_every_component_with_the_profile_of_the_day() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let today = day(2026, 3, 31);
    assert_eq!(store.latest_score(alice.id, None).unwrap(), None);
    let mut profile = ProfileSnapshot::empty(day(2026, 3, 15));
    profile.has_photo = true;
    let events = synthetic_events(5, day(2026, 1, 1), 80);
    store.import_export(alice.id, &meta_on("a", today), Some(&profile), ok(events.clone()), today).unwrap();

    let model = ScoringModel::default_model();
    let expected = ssi_core::score_series(&model, &[profile], &events, day(2026, 2, 10), day(2026, 2, 10));
    let score = store.latest_score(alice.id, Some(day(2026, 2, 10))).unwrap().unwrap();
    assert_eq!(score.date, day(2026, 2, 10));
    assert_eq!(score.components.len(), model.components.len());
    assert_eq!(
        score.components.iter().map(|c| &c.action).collect::<Vec<_>>(),
        expected[0].components.iter().map(|c| &c.action).collect::<Vec<_>>()
    );
    // Stored component values are rounded to six decimals; the points they earn barely move.
    assert!((score.total - expected[0].total).abs() < 1e-9);
    let points: f64 = score.components.iter().map(|c| c.points).sum();
    assert!((points - score.total).abs() < 1e-4);
    for (got, want) in score.components.iter().zip(&expected[0].components) {
        assert!((got.value - want.value).abs() <= 5e-7, "{}: {} vs {}", got.id, got.value, want.value);
    }
    // "As of" a day after the last scored one: the last scored day.
    assert_eq!(store.latest_score(alice.id, Some(day(2026, 5, 1))).unwrap().unwrap().date, today);
    assert_eq!(store.latest_score(alice.id, None).unwrap().unwrap().date, today);
    assert_eq!(store.latest_score(alice.id, Some(day(2025, 1, 1))).unwrap(), None);

    let change = store.change_over(alice.id, 30, today).unwrap().unwrap();
    let now = store.latest_score(alice.id, Some(today)).unwrap().unwrap().total;
    let then = store.latest_score(alice.id, Some(day(2026, 3, 1))).unwrap().unwrap().total;
    assert!((change - (now - then)).abs() < 1e-12);
    assert_eq!(store.change_over(alice.id, 365, today).unwrap(), None);
    assert_integrity(&store);
}

#[test]
fn materialise_all_fills_up_to_today_or_the_horizon_and_is_idempotent() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let bob = store.create_member("Bob", None, None).unwrap();
    let _empty = store.create_member("Carol", None, None).unwrap();
    let today = day(2026, 2, 28);
    // Alice's export is dated 5 March, Bob's 28 February: the import runs on
    // 28 February (the clock of a machine that is behind, or a backfill).
    store
        .import_export(
            alice.id,
            &meta_on("a", day(2026, 3, 5)),
            None,
            ok(synthetic_events(1, day(2026, 1, 1), 59)),
            today,
        )
        .unwrap();
    store
        .import_export(
            bob.id,
            &meta_on("b", today),
            None,
            ok(synthetic_events(2, day(2026, 2, 1), 28)),
            today,
        )
        .unwrap();
    assert_eq!(store.materialise_all(today).unwrap(), 0);
    let before = mark_scores(store.path(), alice.id, DEFAULT_VERSION);
    // Alice gains her last five days; Bob's data ends on the 28th.
    assert_eq!(store.materialise_all(day(2026, 3, 5)).unwrap(), 5);
    assert_eq!(store.materialise_all(day(2026, 3, 5)).unwrap(), 0);
    assert_eq!(
        rewritten_days(store.path(), alice.id, DEFAULT_VERSION),
        days_between(day(2026, 3, 1), day(2026, 3, 5))
    );
    assert_eq!(totals(store.path(), alice.id, DEFAULT_VERSION).len(), before.len() + 5);
    // Weeks later nothing is added: days past a member's horizon are unknown.
    assert_eq!(store.materialise_all(day(2026, 4, 30)).unwrap(), 0);
    let last = |member| store.score_points(member, DEFAULT_VERSION, None, None).unwrap().last().unwrap().date;
    assert_eq!((last(alice.id), last(bob.id)), (day(2026, 3, 5), today));
    // A full re-score rewrites every day of every member with data, up to each horizon.
    assert_eq!(store.rescore_all(day(2026, 4, 30)).unwrap(), 64 + 28);
    assert_eq!(rewritten_days(store.path(), alice.id, DEFAULT_VERSION).len(), 64);
    assert_integrity(&store);
}

fn tweaked_model(version: &str) -> ScoringModel {
    let mut model = ScoringModel::default_model();
    model.version = version.into();
    let publishing = model.components.iter_mut().find(|c| c.id == "insights.reactions").unwrap();
    publishing.curve = Curve::Saturating { half_at: 2.0 };
    model
}

#[test]
fn a_model_change_rescores_under_the_new_version_and_keeps_the_old_rows() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let today = day(2026, 3, 31);
    store
        .import_export(alice.id, &meta("a"), None, ok(synthetic_events(1, day(2026, 1, 1), 90)), today)
        .unwrap();
    let old = store.score_points(alice.id, DEFAULT_VERSION, None, None).unwrap();

    let model = tweaked_model("reactions-2");
    assert_eq!(store.use_model(&model, today).unwrap(), old.len());
    assert_eq!(store.active_model().unwrap(), model);
    let new = store.score_points(alice.id, "reactions-2", None, None).unwrap();
    assert_eq!(new.len(), old.len());
    assert!(new.iter().zip(&old).any(|(n, o)| n.total > o.total), "the easier curve raises some days");
    assert_eq!(store.score_points(alice.id, DEFAULT_VERSION, None, None).unwrap(), old);
    let latest = store.latest_score(alice.id, None).unwrap().unwrap();
    assert_eq!(latest.model_version, "reactions-2");
    assert_eq!(
        store.history(alice.id, None, None).unwrap().last().unwrap().estimate.as_ref().unwrap().model_version,
        "reactions-2"
    );

    let models = store.list_models().unwrap();
    assert_eq!(models.len(), 2);
    assert_eq!(
        models.iter().filter(|m| m.active).map(|m| m.version.as_str()).collect::<Vec<_>>(),
        ["reactions-2"]
    );

    // A different model under a used version is refused, and changes nothing.
    let mut impostor = tweaked_model("reactions-2");
    impostor.description = "something else".into();
    let before = dump(store.path());
    assert!(matches!(store.use_model(&impostor, today), Err(StoreError::Conflict { .. })));
    assert_eq!(dump(store.path()), before);
    // An invalid model is refused.
    let mut broken = tweaked_model("broken-3");
    broken.components[0].weight = 100.0;
    assert!(matches!(store.use_model(&broken, today), Err(StoreError::InvalidData { .. })));

    // Switching back reuses the stored default and recomputes it.
    store.use_model(&ScoringModel::default_model(), today).unwrap();
    assert_eq!(store.active_model().unwrap().version, DEFAULT_VERSION);
    assert_eq!(store.list_models().unwrap().len(), 2);
    let back = store.score_points(alice.id, DEFAULT_VERSION, None, None).unwrap();
    assert_eq!(back.len(), old.len());
    for (a, b) in back.iter().zip(&old) {
        assert!((a.total - b.total).abs() < 1e-9);
    }
    assert_integrity(&store);
}

#[test]
fn pushed_scores_are_kept_apart_and_read_when_nothing_is_computed() {
    let (_dir, store) = temp_store();
    let bob = store.create_member("Bob", None, None).unwrap();
    let model = ScoringModel::default_model();
    let values: Vec<f64> = vec![0.5; model.components.len()];
    let (pillars, total) = ssi_core::engine::pillar_points(&model, &values);
    let pushes: Vec<PushedScore> = (0..10)
        .map(|i| PushedScore {
            date: day(2026, 3, 1).checked_add_days(Days::new(i)).unwrap(),
            model_version: DEFAULT_VERSION.into(),
            pillars,
            total,
            components: values.clone(),
        })
        .collect();
    assert_eq!(store.push_scores(bob.id, &pushes).unwrap(), 10);
    let latest = store.latest_score(bob.id, None).unwrap().unwrap();
    assert_eq!(latest.model_version, "push:ssi-default-2");
    assert_eq!(latest.date, day(2026, 3, 10));
    assert_eq!(latest.components.len(), model.components.len());
    assert_eq!(latest.pillars, pillars);
    assert_eq!(store.history(bob.id, None, None).unwrap().len(), 10);
    assert_eq!(store.score_points(bob.id, DEFAULT_VERSION, None, None).unwrap(), vec![]);
    assert_eq!(store.change_over(bob.id, 5, day(2026, 3, 10)).unwrap(), Some(0.0));

    // Without component values, the score comes without an explanation.
    let bare = PushedScore { date: day(2026, 3, 11), components: vec![], ..pushes[0].clone() };
    store.push_scores(bob.id, &[bare]).unwrap();
    assert!(store.latest_score(bob.id, None).unwrap().unwrap().components.is_empty());

    // All or nothing: one bad row stores none.
    let before = dump(store.path());
    let mut bad = pushes[0].clone();
    bad.date = day(2026, 3, 20);
    bad.pillars.brand = 30.0;
    let good = PushedScore { date: day(2026, 3, 21), ..pushes[0].clone() };
    assert!(matches!(store.push_scores(bob.id, &[good.clone(), bad]), Err(StoreError::InvalidData { .. })));
    let mut wrong_total = good.clone();
    wrong_total.total += 1.0;
    assert!(matches!(store.push_scores(bob.id, &[wrong_total]), Err(StoreError::InvalidData { .. })));
    let mut nested = good;
    nested.model_version = "push:x".into();
    assert!(matches!(store.push_scores(bob.id, &[nested]), Err(StoreError::InvalidData { .. })));
    assert_eq!(dump(store.path()), before);

    // Once the member has computed scores, those are the ones read.
    store
        .import_export(
            bob.id,
            &meta("b"),
            None,
            ok(synthetic_events(1, day(2026, 3, 1), 5)),
            day(2026, 3, 12),
        )
        .unwrap();
    assert_eq!(store.latest_score(bob.id, None).unwrap().unwrap().model_version, DEFAULT_VERSION);
    assert_integrity(&store);
}

#[test]
fn readings_are_validated_upserted_and_shown_beside_the_estimate() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let today = day(2026, 3, 31);
    store
        .import_export(alice.id, &meta("a"), None, ok(synthetic_events(1, day(2026, 3, 1), 31)), today)
        .unwrap();

    let mut first = OfficialReading::new(day(2026, 3, 10), 20.0, ReadingSource::Manual);
    store.add_reading(alice.id, &first).unwrap();
    first.total = 21.5;
    store.add_reading(alice.id, &first).unwrap();
    assert_eq!(store.readings(alice.id, None, None).unwrap(), vec![first.clone()]);
    let other_source = OfficialReading::new(day(2026, 3, 10), 22.0, ReadingSource::Json);
    let early = OfficialReading::new(day(2026, 2, 1), 18.0, ReadingSource::Csv);
    assert_eq!(store.add_readings(alice.id, &[other_source.clone(), early.clone()]).unwrap(), 2);
    assert_eq!(
        store.readings(alice.id, Some(day(2026, 3, 1)), None).unwrap(),
        vec![first.clone(), other_source.clone()]
    );
    assert_eq!(store.latest_reading(alice.id).unwrap(), Some(other_source.clone()));

    let before = dump(store.path());
    let mut invalid = OfficialReading::new(day(2026, 3, 12), 20.0, ReadingSource::Manual);
    invalid.pillars = [Some(30.0), None, None, None];
    let err = store
        .add_readings(
            alice.id,
            &[OfficialReading::new(day(2026, 3, 11), 10.0, ReadingSource::Manual), invalid.clone()],
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");
    assert!(matches!(store.add_reading(alice.id, &invalid), Err(StoreError::InvalidData { .. })));
    assert_eq!(dump(store.path()), before);

    let history = store.history(alice.id, None, None).unwrap();
    // Every scored day, plus the reading's day before the history began.
    assert_eq!(history.len(), 31 + 1);
    assert_eq!(history[0].date, day(2026, 2, 1));
    assert!(history[0].estimate.is_none());
    assert_eq!(history[0].official, Some(early));
    let tenth = history.iter().find(|r| r.date == day(2026, 3, 10)).unwrap();
    assert!(tenth.estimate.is_some());
    assert_eq!(tenth.official, Some(other_source));
    assert_eq!(store.history(alice.id, Some(day(2026, 3, 5)), Some(day(2026, 3, 6))).unwrap().len(), 2);
    assert_integrity(&store);
}

#[test]
fn activity_span_and_daily_counts_describe_the_events() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    assert_eq!(store.activity_span(alice.id).unwrap(), Default::default());
    let d1 = day(2026, 1, 5);
    let d2 = day(2026, 1, 6);
    let events = vec![
        event(ActivityKind::Post, at(d1, 9, 0), "p1"),
        event(ActivityKind::Comment, at(d1, 10, 0), "c1"),
        event(ActivityKind::Comment, at(d1, 23, 59), "c2"),
        event(ActivityKind::Comment, at(d2, 0, 0), "c3"),
        event(ActivityKind::Reaction, at(d2, 8, 0), "r1"),
    ];
    let m = ssi_store::ImportMeta { export_date: Some(day(2026, 1, 7)), ..meta("a") };
    store.import_export(alice.id, &m, None, ok(events), day(2026, 1, 7)).unwrap();
    let span = store.activity_span(alice.id).unwrap();
    assert_eq!(
        (span.first_event, span.last_event, span.last_export),
        (Some(d1), Some(d2), Some(day(2026, 1, 7)))
    );
    assert!(span.last_import.is_some());
    let counts = store.daily_activity_counts(alice.id, None, None).unwrap();
    assert_eq!(
        counts,
        vec![
            (d1, ActivityKind::Post, 1),
            (d1, ActivityKind::Comment, 2),
            (d2, ActivityKind::Comment, 1),
            (d2, ActivityKind::Reaction, 1)
        ]
    );
    assert_eq!(store.daily_activity_counts(alice.id, Some(d2), Some(d2)).unwrap().len(), 2);
    assert_eq!(store.daily_activity_counts(alice.id, None, Some(d1)).unwrap().len(), 2);
    assert_integrity(&store);
}

#[test]
fn pillars_of_stored_scores_add_up_to_the_total() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    store
        .import_export(
            alice.id,
            &meta("a"),
            None,
            ok(synthetic_events(8, day(2026, 1, 1), 60)),
            day(2026, 3, 1),
        )
        .unwrap();
    for point in store.score_points(alice.id, DEFAULT_VERSION, None, None).unwrap() {
        assert!((point.pillars.total() - point.total).abs() < 1e-9);
        assert!(point.pillars.to_array().iter().all(|p| (0.0..=25.0).contains(p)));
        assert_eq!(point.band, ssi_core::Band::of_total(point.total));
        assert_ne!(point.pillars, PillarScores::default());
    }
    assert_integrity(&store);
}

#[test]
fn the_report_recorded_is_the_one_the_source_has_once_read_to_its_end() {
    let (_dir, store) = temp_store();
    let member = store.create_member("Ada", None, None).unwrap();
    let events = synthetic_events(3, day(2026, 9, 1), 30);
    let count = events.len();
    let source = ok(events);
    let outcome = store
        .import_export_reporting(
            member.id,
            &meta("report-after"),
            None,
            source,
            // The source is exhausted when this runs: it can report what it saw.
            |rest| serde_json::json!({ "left_unread": rest.size_hint().1 }),
            day(2026, 10, 1),
        )
        .unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported { events_seen, .. } if events_seen as usize == count));
    let record = &store.imports(member.id).unwrap()[0];
    assert_eq!(record.report, serde_json::json!({ "left_unread": 0 }));
    assert_integrity(&store);
}

/// Row ids of every stored score of the member under `version`, by day.
fn row_ids(path: &Path, member: MemberId, version: &str) -> BTreeMap<NaiveDate, i64> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT date, rowid FROM daily_scores WHERE member_id = ?1 AND model_version = ?2")
        .unwrap();
    stmt.query_map(rusqlite::params![member.0, version], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn rescoring_a_stored_history_rewrites_only_the_days_that_differ() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let today = day(2026, 4, 30);
    store
        .import_export(
            alice.id,
            &meta_on("q1", today),
            None,
            ok(synthetic_events(3, day(2026, 1, 1), 90)),
            today,
        )
        .unwrap();
    let good = totals(store.path(), alice.id, DEFAULT_VERSION);
    let ids = row_ids(store.path(), alice.id, DEFAULT_VERSION);

    // Nothing changed: every day is scored again, and no row is rewritten.
    assert_eq!(store.rescore_member(alice.id, None, today).unwrap(), good.len());
    assert_eq!(row_ids(store.path(), alice.id, DEFAULT_VERSION), ids);

    // Two stale days (as after a bug, or a model edited in place) are repaired, and only they.
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    for stale in [day(2026, 2, 10), day(2026, 4, 1)] {
        conn.execute(
            "UPDATE daily_scores SET components = '[0]' WHERE member_id = ?1 AND date = ?2",
            rusqlite::params![alice.id.0, stale],
        )
        .unwrap();
    }
    assert_eq!(store.rescore_all(today).unwrap(), good.len());
    let after = row_ids(store.path(), alice.id, DEFAULT_VERSION);
    let rewritten: Vec<NaiveDate> = after.iter().filter(|(d, id)| ids[*d] != **id).map(|(d, _)| *d).collect();
    assert_eq!(rewritten, vec![day(2026, 2, 10), day(2026, 4, 1)]);
    assert_eq!(totals(store.path(), alice.id, DEFAULT_VERSION), good);
    assert_integrity(&store);
}

#[test]
fn of_several_pushed_series_the_one_with_the_latest_day_is_read() {
    let (_dir, store) = temp_store();
    let bob = store.create_member("Bob", None, None).unwrap();
    let push = |version: &str, date: NaiveDate, total: f64| PushedScore {
        date,
        model_version: version.into(),
        pillars: PillarScores::from_array([total / 4.0; 4]),
        total,
        components: vec![],
    };
    store.push_scores(bob.id, &[push("b-model", day(2026, 3, 1), 40.0)]).unwrap();
    assert_eq!(store.latest_score(bob.id, None).unwrap().unwrap().model_version, "push:b-model");
    // A series whose version sorts first but reaches a later day wins ...
    store.push_scores(bob.id, &[push("a-model", day(2026, 3, 5), 60.0)]).unwrap();
    let latest = store.latest_score(bob.id, None).unwrap().unwrap();
    assert_eq!((latest.model_version.as_str(), latest.total), ("push:a-model", 60.0));
    // ... and on the same day, the series stored last.
    store.push_scores(bob.id, &[push("c-model", day(2026, 3, 5), 20.0)]).unwrap();
    let latest = store.latest_score(bob.id, None).unwrap().unwrap();
    assert_eq!((latest.model_version.as_str(), latest.total), ("push:c-model", 20.0));
}

#[test]
fn the_first_score_is_the_earliest_day_of_the_series_read() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    assert_eq!(store.first_score(alice.id, None).unwrap(), None);
    let today = day(2026, 4, 30);
    store
        .import_export(alice.id, &meta("q1"), None, ok(synthetic_events(5, day(2026, 2, 1), 30)), today)
        .unwrap();
    let history = store.history(alice.id, None, None).unwrap();
    let first = history.iter().find_map(|row| row.estimate.clone()).unwrap();
    assert_eq!(store.first_score(alice.id, None).unwrap(), Some(first.clone()));
    assert_eq!(store.first_score(alice.id, Some(today)).unwrap(), Some(first.clone()));
    assert_eq!(store.first_score(alice.id, first.date.pred_opt()).unwrap(), None);
    assert!(matches!(store.first_score(MemberId(99), None), Err(StoreError::NotFound { .. })));
}

#[test]
fn a_parallel_rescore_of_many_members_equals_scoring_them_one_by_one() {
    // More members than one write transaction takes (64), so groups meet.
    let dir = tempfile::tempdir().unwrap();
    let (parallel_path, serial_path) = (dir.path().join("parallel.db"), dir.path().join("serial.db"));
    let today = day(2026, 3, 31);
    let mut members = Vec::new();
    {
        let store = ssi_store::Store::open(&parallel_path).unwrap();
        for i in 0..70u64 {
            let member = store.create_member(&format!("Member {i}"), None, None).unwrap();
            let events = synthetic_events(i + 1, day(2026, 1, 1) + chrono::Days::new(i % 20), 40);
            // "Today" before the first event: nothing is scored yet.
            store
                .import_export(member.id, &meta(&format!("m{i}")), None, ok(events), day(2025, 12, 1))
                .unwrap();
            members.push(member.id);
        }
    }
    std::fs::copy(&parallel_path, &serial_path).unwrap();

    let parallel = ssi_store::Store::open(&parallel_path).unwrap();
    let serial = ssi_store::Store::open(&serial_path).unwrap();
    let scored = parallel.rescore_all(today).unwrap();
    let mut serial_scored = 0;
    for &member in &members {
        serial_scored += serial.rescore_member(member, None, today).unwrap();
    }
    assert_eq!(scored, serial_scored);
    for &member in &members {
        let history = parallel.history(member, None, None).unwrap();
        assert!(!history.is_empty());
        assert_eq!(history, serial.history(member, None, None).unwrap(), "member {}", member.0);
    }
    // A second run finds every day the same and rewrites none of them (a
    // rewritten row would get a new rowid); a changed day is rewritten alone.
    let rowids = || -> Vec<(i64, i64)> {
        let conn = rusqlite::Connection::open(&parallel_path).unwrap();
        let mut stmt = conn.prepare("SELECT rowid, member_id FROM daily_scores ORDER BY rowid").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let before = rowids();
    assert_eq!(parallel.rescore_members(&members, today).unwrap(), scored);
    assert_eq!(rowids(), before);
    let marked = mark_scores(&parallel_path, members[65], DEFAULT_VERSION);
    assert_eq!(parallel.rescore_members(&members, today).unwrap(), scored);
    assert_eq!(totals(&parallel_path, members[65], DEFAULT_VERSION), marked);
    let after = rowids();
    assert_eq!(
        after.iter().filter(|(_, m)| *m != members[65].0).count(),
        before.iter().filter(|(_, m)| *m != members[65].0).count()
    );
    assert!(after.iter().filter(|(_, m)| *m != members[65].0).all(|row| before.contains(row)));
    assert_integrity(&parallel);
}

#[test]
fn an_event_given_twice_in_one_import_is_stored_once_as_first_given() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let when = at(day(2026, 2, 3), 10, 0);
    let mut first = event(ActivityKind::ConnectionMade, when, "same-key");
    first.counterpart_title = Some("CEO".into());
    let mut second = first.clone();
    second.counterpart_title = Some("Analyst".into());
    // A different event in the same second, and one later with another key.
    let other = event(ActivityKind::Reaction, when, "other-key");
    let later = event(ActivityKind::Comment, at(day(2026, 2, 4), 9, 0), "later-key");
    let events = vec![later.clone(), first.clone(), other.clone(), second];
    let (seen, added, first_day, _) =
        imported(store.import_export(alice.id, &meta("dup"), None, ok(events), day(2026, 2, 28)).unwrap());
    assert_eq!((seen, added, first_day), (4, 3, Some(day(2026, 2, 3))));
    let stored = store.load_events(alice.id).unwrap();
    assert_eq!(stored.len(), 3);
    let connection = stored.iter().find(|e| e.kind == ActivityKind::ConnectionMade).unwrap();
    assert_eq!(connection.counterpart_title.as_deref(), Some("CEO"));
    assert!(stored.windows(2).all(|w| w[0].at <= w[1].at), "events come back in time order");
    assert_integrity(&store);
}

#[test]
fn history_interleaves_estimates_and_readings_by_day() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    // Pushed estimates with a gap (no 3rd, no 4th).
    let pushed: Vec<ssi_store::PushedScore> = [1, 2, 5]
        .into_iter()
        .map(|d| ssi_store::PushedScore {
            date: day(2026, 4, d),
            model_version: "ssi-default-2".into(),
            pillars: ssi_core::PillarScores::from_array([5.0, 5.0, 5.0, f64::from(d)]),
            total: 15.0 + f64::from(d),
            components: vec![],
        })
        .collect();
    store.push_scores(alice.id, &pushed).unwrap();
    // Readings before, inside the gap (two sources on one day), on an
    // estimate's day and after the last estimate.
    let reading = |d: u32, total: f64, source| OfficialReading::new(day(2026, 4, d), total, source);
    store
        .add_readings(
            alice.id,
            &[
                reading(9, 40.0, ReadingSource::Manual),
                reading(3, 30.0, ReadingSource::Json),
                reading(3, 31.0, ReadingSource::Manual),
                reading(2, 20.0, ReadingSource::Csv),
                reading(1, 10.0, ReadingSource::Json),
            ],
        )
        .unwrap();
    let mut before = reading(1, 9.0, ReadingSource::Manual);
    before.date = day(2026, 3, 31);
    store.add_reading(alice.id, &before).unwrap();

    let history = store.history(alice.id, None, None).unwrap();
    let shape: Vec<(u32, Option<f64>, Option<f64>)> = history
        .iter()
        .map(|r| {
            let day_of = if r.date.month() == 3 { 0 } else { r.date.day() };
            (day_of, r.estimate.as_ref().map(|e| e.total), r.official.as_ref().map(|o| o.total))
        })
        .collect();
    assert_eq!(
        shape,
        [
            (0, None, Some(9.0)),
            (1, Some(16.0), Some(10.0)),
            (2, Some(17.0), Some(20.0)),
            (3, None, Some(31.0)),
            (5, Some(20.0), None),
            (9, None, Some(40.0)),
        ]
    );
    assert!(
        history.iter().filter_map(|r| r.estimate.as_ref()).all(|e| e.model_version == "push:ssi-default-2")
    );
    // A range cuts both series.
    let cut = store.history(alice.id, Some(day(2026, 4, 2)), Some(day(2026, 4, 5))).unwrap();
    assert_eq!(cut.iter().map(|r| r.date.day()).collect::<Vec<_>>(), [2, 3, 5]);
}

#[test]
fn scoring_inputs_are_the_model_profiles_and_events_of_one_member_in_one_read() {
    let (_dir, store) = temp_store();
    let today = day(2026, 6, 1);
    let alice = store.create_member("Alice", None, None).unwrap();
    let bob = store.create_member("Bob", None, None).unwrap();
    let profile = ProfileSnapshot::empty(day(2026, 1, 5));
    let events = synthetic_events(4, day(2026, 1, 1), 60);
    store.import_export(alice.id, &meta_on("alice", today), Some(&profile), ok(events), today).unwrap();
    store
        .import_export(
            bob.id,
            &meta_on("bob", today),
            None,
            ok(synthetic_events(5, day(2026, 2, 1), 9)),
            today,
        )
        .unwrap();

    let inputs = store.scoring_inputs(alice.id).unwrap();
    assert_eq!(inputs.model, store.active_model().unwrap());
    assert_eq!(inputs.profiles, store.profile_snapshots(alice.id).unwrap());
    assert_eq!(inputs.events, store.load_events(alice.id).unwrap(), "Alice's events only, keys and all");
    assert!(inputs.has_activity());

    // Pushed scores carry no activity.
    let carol = store.create_member("Carol", None, None).unwrap();
    let pushed = PushedScore {
        date: today,
        model_version: "cli-1".into(),
        pillars: PillarScores::from_array([5.0; 4]),
        total: 20.0,
        components: Vec::new(),
    };
    store.push_scores(carol.id, &[pushed]).unwrap();
    let carol_inputs = store.scoring_inputs(carol.id).unwrap();
    assert!(
        carol_inputs.events.is_empty() && carol_inputs.profiles.is_empty() && !carol_inputs.has_activity()
    );
    assert!(matches!(store.scoring_inputs(MemberId(999)), Err(StoreError::NotFound { .. })));
}
