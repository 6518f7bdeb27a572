//! Writes that are all or nothing even across failures and kills: imports for a member
//! named rather than given by id (the member is created inside the import's transaction,
//! so a failed or killed import leaves no member behind), and pushes of scores with
//! readings in one transaction.

mod common;

use common::*;
use ssi_core::{OfficialReading, PillarScores, ProfileSnapshot, ReadingSource};
use ssi_store::{
    ImportFailure, ImportOutcome, ImportTarget, MemberId, PUSH_PREFIX, PushedScore, Store, StoreError,
};

fn no_report<I>(_: &I) -> serde_json::Value {
    serde_json::json!({})
}

#[test]
fn a_named_import_creates_the_member_once_and_then_finds_it() {
    let (_dir, store) = temp_store();
    let today = day(2026, 3, 31);
    let target = ImportTarget::Named { name: "  Dora Diaz ", industry: Some("Retail") };
    let events = synthetic_events(3, day(2026, 1, 1), 30);
    let done =
        store.import_export_for(target, &meta("first"), None, ok(events.clone()), no_report, today).unwrap();
    assert!(done.created);
    assert_eq!(done.member.name, "Dora Diaz", "the name is trimmed");
    assert_eq!(done.member.industry.as_deref(), Some("Retail"));
    assert!(
        matches!(done.outcome, ImportOutcome::Imported { events_added, .. } if events_added == events.len() as u64)
    );
    assert_eq!(store.load_events(done.member.id).unwrap().len(), events.len());

    // The same name in another case is the same member; its industry stays; the same
    // export is recognised.
    let again = ImportTarget::Named { name: "dora diaz", industry: Some("Banking") };
    let second = store.import_export_for(again, &meta("first"), None, ok(events), no_report, today).unwrap();
    assert!(!second.created);
    assert_eq!(second.member, done.member);
    assert!(matches!(second.outcome, ImportOutcome::AlreadyImported { .. }), "{:?}", second.outcome);
    assert_eq!(store.list_members().unwrap().len(), 1);

    // By id, the existing behaviour.
    let by_id = store
        .import_export_for(
            ImportTarget::Member(done.member.id),
            &meta("second"),
            None,
            ok(synthetic_events(4, day(2026, 2, 1), 10)),
            no_report,
            today,
        )
        .unwrap();
    assert!(!by_id.created && by_id.member.id == done.member.id);
    assert_integrity(&store);
}

#[test]
fn a_failing_named_import_leaves_no_member_behind() {
    let (_dir, store) = temp_store();
    let today = day(2026, 3, 31);
    let alice = store.create_member("Alice", None, None).unwrap();
    store
        .import_export(alice.id, &meta("alice"), None, ok(synthetic_events(1, day(2026, 1, 1), 20)), today)
        .unwrap();
    let before = dump(store.path());

    let mut profile = ProfileSnapshot::empty(day(2026, 3, 1));
    profile.headline = Some("Seller".into());
    let target = ImportTarget::Named { name: "Newcomer", industry: None };
    let err = store
        .import_export_for(
            target,
            &meta("broken"),
            Some(&profile),
            failing_after(synthetic_events(2, day(2026, 1, 1), 40), 25),
            no_report,
            today,
        )
        .unwrap_err();
    assert!(matches!(err, ImportFailure::Source(Broken(25))), "{err:?}");
    assert_eq!(dump(store.path()), before, "no member, event, snapshot or import of the failed one");
    assert!(matches!(store.member_by_name("Newcomer"), Err(StoreError::NotFound { .. })));
    assert_integrity(&store);
}

#[test]
fn a_blank_name_or_an_unknown_id_is_refused_and_stores_nothing() {
    let (_dir, store) = temp_store();
    let before = dump(store.path());
    let today = day(2026, 3, 31);
    let blank = ImportTarget::Named { name: "   ", industry: None };
    let err = store
        .import_export_for(
            blank,
            &meta("x"),
            None,
            ok(synthetic_events(1, day(2026, 1, 1), 5)),
            no_report,
            today,
        )
        .unwrap_err();
    assert!(matches!(err, ImportFailure::Store(StoreError::InvalidData { .. })), "{err:?}");
    let missing = ImportTarget::Member(MemberId(42));
    let err = store
        .import_export_for(
            missing,
            &meta("x"),
            None,
            ok(synthetic_events(1, day(2026, 1, 1), 5)),
            no_report,
            today,
        )
        .unwrap_err();
    assert!(matches!(err, ImportFailure::Store(StoreError::NotFound { .. })), "{err:?}");
    assert_eq!(dump(store.path()), before);
}

#[test]
fn a_process_killed_during_a_named_import_leaves_no_member_behind() {
    // Child side: import for a new member until half-way, say so, then hang until killed.
    if let Some((store, marker)) = kill_child() {
        let target = ImportTarget::Named { name: "Killed Kim", industry: Some("Retail") };
        let _ = store.import_export_for(
            target,
            &meta("killed"),
            None,
            hang_half_way(marker),
            no_report,
            day(2026, 3, 31),
        );
        return;
    }
    let (_dir, path, before) =
        kill_mid_import("a_process_killed_during_a_named_import_leaves_no_member_behind");
    let store = Store::open(&path).unwrap();
    assert_integrity(&store);
    assert_eq!(dump(&path), before, "the member created by the killed import is gone with it");
    assert!(matches!(store.member_by_name("Killed Kim"), Err(StoreError::NotFound { .. })));
}

#[test]
fn a_push_stores_its_scores_and_readings_together_or_not_at_all() {
    let (_dir, store) = temp_store();
    let alice = store.create_member("Alice", None, None).unwrap();
    let score = |d: u32, total: f64| PushedScore {
        date: day(2026, 3, d),
        model_version: "cli-1".into(),
        pillars: PillarScores::from_array([total / 4.0; 4]),
        total,
        components: Vec::new(),
    };
    let reading = |d: u32, total: f64| OfficialReading::new(day(2026, 3, d), total, ReadingSource::Push);
    let before = dump(store.path());
    // A bad reading after good scores: nothing of the push is stored.
    let err = store
        .push_scores_and_readings(alice.id, &[score(1, 40.0), score(2, 44.0)], &[reading(2, 250.0)])
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidData { .. }), "{err:?}");
    // A bad score: nothing either.
    let err = store.push_scores_and_readings(alice.id, &[score(3, 140.0)], &[reading(3, 30.0)]).unwrap_err();
    assert!(matches!(err, StoreError::InvalidData { .. }), "{err:?}");
    assert_eq!(dump(store.path()), before);

    let stored = store
        .push_scores_and_readings(alice.id, &[score(1, 40.0), score(2, 44.0)], &[reading(2, 31.0)])
        .unwrap();
    assert_eq!(stored, (2, 1));
    let version = format!("{PUSH_PREFIX}cli-1");
    assert_eq!(store.score_points(alice.id, &version, None, None).unwrap().len(), 2);
    assert_eq!(store.readings(alice.id, None, None).unwrap().len(), 1);
    assert!(matches!(
        store.push_scores_and_readings(MemberId(99), &[score(1, 40.0)], &[]),
        Err(StoreError::NotFound { .. })
    ));
    assert_integrity(&store);
}
