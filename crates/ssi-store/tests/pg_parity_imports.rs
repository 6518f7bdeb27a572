//! Imports and the events read back, SQLite against PostgreSQL: the same calls give the
//! same outcomes, rows, scores and errors, and a failed import leaves both unchanged.

mod common;
mod pg_pair;

use chrono::{Duration, NaiveDate};
use common::*;
use pg_pair::{Pair, assert_same, kind};
use ssi_core::{ActivityEvent, ActivityKind, ProfileSnapshot, PseudonymKey};
use ssi_store::{ImportFailure, ImportOutcome, ImportRecord, ImportTarget, Member, MemberId, TargetedImport};

/// Events as the importer makes them (32-hex-digit natural and pseudonym keys), beside
/// the test streams' free-form keys, and one event repeated under the same key with
/// other content: the first of the two must be kept.
fn export_events(seed: u64, from: NaiveDate, days: u32) -> Vec<ActivityEvent> {
    let mut events = synthetic_events(seed, from, days);
    for i in 0..5u64 {
        let mut e =
            event(ActivityKind::MessageSent, at(from, 10, i as u32), &format!("{:032x}", seed * 1000 + i));
        e.counterpart = Some(PseudonymKey(format!("{:032x}", 0xabc0 + i)));
        e.conversation = Some(PseudonymKey(format!("{:032x}", 0xc0c0)));
        e.personalised = i % 2 == 0;
        events.push(e);
    }
    let mut repeat = events[0].clone();
    repeat.counterpart_title = Some("Someone else".into());
    events.push(repeat);
    events
}

fn profile_on(date: NaiveDate, headline: &str) -> ProfileSnapshot {
    let mut profile = ProfileSnapshot::empty(date);
    profile.headline = Some(headline.into());
    profile.skills = vec!["Negotiation".into(), "CRM".into()];
    profile
}

/// An import record without its time (each store takes its own clock).
fn untimed(mut records: Vec<ImportRecord>) -> Vec<ImportRecord> {
    for record in &mut records {
        record.imported_at = chrono::DateTime::UNIX_EPOCH;
    }
    records
}

fn untimed_member(mut member: Member) -> Member {
    member.created = chrono::DateTime::UNIX_EPOCH;
    member
}

/// Both stores' answers to the same read, which must agree.
fn same_reads(pair: &Pair, member: MemberId) {
    let events = assert_same(pair.sqlite.load_events(member), pair.pg.load_events(member)).unwrap();
    assert!(!events.is_empty());
    assert_same(pair.sqlite.scoring_inputs(member), pair.pg.scoring_inputs(member));
    assert_same(pair.sqlite.profile_snapshots(member), pair.pg.profile_snapshots(member));
    assert_same(pair.sqlite.imports(member).map(untimed), pair.pg.imports(member).map(untimed));
    let (mut span_sqlite, mut span_pg) =
        (pair.sqlite.activity_span(member).unwrap(), pair.pg.activity_span(member).unwrap());
    let (import_sqlite, import_pg) =
        (span_sqlite.last_import.take().unwrap(), span_pg.last_import.take().unwrap());
    assert!((import_sqlite - import_pg).abs() <= Duration::seconds(5), "{import_sqlite} against {import_pg}");
    assert_eq!(span_sqlite, span_pg);
    for (from, to) in
        [(None, None), (Some(day(2026, 1, 10)), Some(day(2026, 1, 20))), (Some(day(2026, 3, 1)), None)]
    {
        assert_same(
            pair.sqlite.daily_activity_counts(member, from, to),
            pair.pg.daily_activity_counts(member, from, to),
        );
    }
    let (sqlite, pg) = pair.scores();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, pg, "the materialised scores differ");
}

/// The same import on both sides, which must have the same outcome.
fn import_both(
    pair: &Pair,
    member: MemberId,
    meta: &ssi_store::ImportMeta,
    profile: Option<&ProfileSnapshot>,
    events: &[ActivityEvent],
    today: NaiveDate,
) -> ImportOutcome {
    let sqlite = pair.sqlite.import_export(member, meta, profile, ok(events.to_vec()), today);
    let pg = pair.pg.import_export(member, meta, profile, ok(events.to_vec()), today);
    assert_same(sqlite.map_err(store), pg.map_err(store)).expect("both imported")
}

#[test]
fn an_import_lands_alike_and_a_reimport_or_an_overlap_adds_only_what_is_new() {
    let pair = Pair::new();
    let alice = pair.add_member("Alice", Some("Software"));
    let events = export_events(1, day(2026, 1, 1), 60);
    let profile = profile_on(day(2026, 2, 20), "Seller");
    let first = meta_on("first", day(2026, 3, 1));
    let today = day(2026, 3, 10);

    let outcome = import_both(&pair, alice, &first, Some(&profile), &events, today);
    let ImportOutcome::Imported { events_seen, events_added, days_rescored, .. } = outcome else { panic!() };
    assert_eq!(events_seen, events.len() as u64);
    assert_eq!(events_added, events_seen - 1, "the repeated key is stored once");
    assert!(days_rescored > 50);
    same_reads(&pair, alice);
    let kept = pair.pg.load_events(alice).unwrap();
    assert!(
        kept.iter().all(|e| e.counterpart_title.as_deref() != Some("Someone else")),
        "the first of two is kept"
    );
    let (scores, _) = pair.scores();
    assert_eq!(scores.last().unwrap().2, day(2026, 3, 1), "no day past the horizon is scored");

    // The same export again: nothing changes, and the iterator is not even read.
    let untouched = || std::iter::from_fn(|| -> Option<Result<ActivityEvent, String>> { panic!("read") });
    let again_sqlite = pair.sqlite.import_export(alice, &first, None, untouched(), today).unwrap();
    let again_pg = pair.pg.import_export(alice, &first, None, untouched(), today).unwrap();
    for (again, store_imports) in
        [(again_sqlite, pair.sqlite.imports(alice).unwrap()), (again_pg, pair.pg.imports(alice).unwrap())]
    {
        assert_eq!(again, ImportOutcome::AlreadyImported { on: store_imports[0].imported_at });
    }

    // An overlapping, later export: only its new events are added, from their first day.
    let mut overlap: Vec<ActivityEvent> = events[events.len() - 40..].to_vec();
    let new = synthetic_events(3, day(2026, 3, 2), 14);
    overlap.extend(new.iter().cloned());
    let second = meta_on("second", day(2026, 3, 15));
    let later = day(2026, 3, 20);
    let outcome =
        import_both(&pair, alice, &second, Some(&profile_on(day(2026, 3, 15), "Seller")), &overlap, later);
    let ImportOutcome::Imported { events_added, first_changed_day, .. } = outcome else { panic!() };
    assert_eq!(events_added, new.len() as u64);
    assert_eq!(first_changed_day, new.iter().map(ActivityEvent::day).min());
    same_reads(&pair, alice);
    let (scores, _) = pair.scores();
    assert_eq!(scores.last().unwrap().2, day(2026, 3, 15));

    // A snapshot earlier than every other one stands for the days before it too.
    let third = meta("third");
    let earliest = profile_on(day(2026, 1, 15), "Junior seller");
    let outcome = import_both(&pair, alice, &third, Some(&earliest), &[], later);
    assert!(
        matches!(outcome, ImportOutcome::Imported { first_changed_day: Some(d), .. } if d == day(2026, 1, 1))
    );
    same_reads(&pair, alice);
}

#[test]
fn an_import_for_a_name_creates_the_member_once_in_its_transaction() {
    let pair = Pair::new();
    let target = ImportTarget::Named { name: "  Bob ", industry: Some("Banking") };
    let report = |_: &_| serde_json::json!({ "files": { "messages.csv": 12 }, "ratio": 0.25 });
    let run = |fingerprint: &str| -> (TargetedImport, TargetedImport) {
        let meta = meta_on(fingerprint, day(2026, 2, 1));
        let events = export_events(7, day(2026, 1, 1), 30);
        let today = day(2026, 2, 3);
        (
            pair.sqlite.import_export_for(target, &meta, None, ok(events.clone()), report, today).unwrap(),
            pair.pg.import_export_for(target, &meta, None, ok(events), report, today).unwrap(),
        )
    };
    for (fingerprint, created) in [("one", true), ("two", false)] {
        let (sqlite, pg) = run(fingerprint);
        assert_eq!(sqlite.created, created);
        assert_eq!(sqlite.outcome, pg.outcome);
        assert_eq!((sqlite.created, untimed_member(sqlite.member)), (pg.created, untimed_member(pg.member)));
    }
    // Named in another case: the same member.
    let meta = meta("three");
    let other_case = ImportTarget::Named { name: "BOB", industry: None };
    let (sqlite, pg) = (
        pair.sqlite
            .import_export_for(other_case, &meta, None, ok(Vec::new()), report, day(2026, 2, 3))
            .unwrap(),
        pair.pg.import_export_for(other_case, &meta, None, ok(Vec::new()), report, day(2026, 2, 3)).unwrap(),
    );
    assert!(!sqlite.created && !pg.created);
    assert_eq!(untimed_member(sqlite.member.clone()), untimed_member(pg.member));
    let records = assert_same(
        pair.sqlite.imports(sqlite.member.id).map(untimed),
        pair.pg.imports(sqlite.member.id).map(untimed),
    )
    .unwrap();
    assert_eq!(records[0].report, serde_json::json!({ "files": { "messages.csv": 12 }, "ratio": 0.25 }));
    same_reads(&pair, sqlite.member.id);
}

/// A source that yields `good` events and then fails.
fn failing_after(good: usize) -> impl Iterator<Item = Result<ActivityEvent, String>> {
    let events = export_events(5, day(2025, 1, 1), 400);
    assert!(events.len() > good, "the source has {good} events to give");
    events.into_iter().take(good).map(Ok).chain(std::iter::once(Err("the zip broke".to_string())))
}

#[test]
fn a_failed_import_leaves_both_stores_exactly_as_they_were_with_the_same_error() {
    let pair = Pair::new();
    let alice = pair.add_member("Alice", None);
    pair.sqlite
        .import_export(alice, &meta("kept"), None, ok(export_events(2, day(2026, 1, 1), 20)), day(2026, 2, 1))
        .unwrap();
    pair.pg
        .import_export(alice, &meta("kept"), None, ok(export_events(2, day(2026, 1, 1), 20)), day(2026, 2, 1))
        .unwrap();
    let tables = ["members", "imports", "events", "profile_snapshots", "daily_scores"];
    let before: Vec<_> = tables.iter().map(|t| pair.counts(t)).collect();
    let scores_before = pair.scores();
    let version_before = pair.pg.data_version().unwrap();
    let today = day(2026, 4, 1);
    let profile = profile_on(day(2026, 3, 1), "Seller");

    // The source fails after more events than one batch: some were already written.
    for target in [ImportTarget::Member(alice), ImportTarget::Named { name: "Carol", industry: None }] {
        let sqlite = pair.sqlite.import_export_for(
            target,
            &meta_on("broken", today),
            Some(&profile),
            failing_after(1500),
            |_| serde_json::Value::Null,
            today,
        );
        let pg = pair.pg.import_export_for(
            target,
            &meta_on("broken", today),
            Some(&profile),
            failing_after(1500),
            |_| serde_json::Value::Null,
            today,
        );
        assert!(matches!(&sqlite, Err(ImportFailure::Source(e)) if e == "the zip broke"), "{sqlite:?}");
        assert!(matches!(&pg, Err(ImportFailure::Source(e)) if e == "the zip broke"), "{pg:?}");
    }

    // An event the store cannot keep, and a fingerprint that is blank.
    let mut bad = export_events(6, day(2025, 1, 1), 400);
    bad[1200].natural_key = " ".into();
    let blank = meta(" ");
    let cases: [(ImportTarget<'_>, &ssi_store::ImportMeta, Vec<ActivityEvent>); 3] = [
        (ImportTarget::Member(alice), &meta("bad-event"), bad.clone()),
        (ImportTarget::Member(alice), &blank, Vec::new()),
        (ImportTarget::Member(MemberId(99)), &meta("nobody"), Vec::new()),
    ];
    for (target, meta, events) in cases {
        let sqlite = pair.sqlite.import_export_for(
            target,
            meta,
            None,
            ok(events.clone()),
            |_| serde_json::Value::Null,
            today,
        );
        let pg =
            pair.pg.import_export_for(target, meta, None, ok(events), |_| serde_json::Value::Null, today);
        let (sqlite, pg) = (store(sqlite.unwrap_err()), store(pg.unwrap_err()));
        assert_eq!((kind(&sqlite), sqlite.to_string()), (kind(&pg), pg.to_string()));
    }

    let after: Vec<_> = tables.iter().map(|t| pair.counts(t)).collect();
    assert_eq!(before, after);
    assert_eq!(scores_before, pair.scores());
    assert_eq!(pair.pg.data_version().unwrap(), version_before, "nothing was committed");
    assert!(pair.sqlite.member_by_name("Carol").is_err());
}

#[test]
fn reads_of_a_member_that_does_not_exist_fail_alike() {
    let pair = Pair::new();
    let nobody = MemberId(42);
    assert_same(pair.sqlite.load_events(nobody), pair.pg.load_events(nobody));
    assert_same(pair.sqlite.scoring_inputs(nobody), pair.pg.scoring_inputs(nobody));
    assert_same(pair.sqlite.profile_snapshots(nobody), pair.pg.profile_snapshots(nobody));
    assert_same(pair.sqlite.activity_span(nobody), pair.pg.activity_span(nobody));
    assert_same(pair.sqlite.imports(nobody), pair.pg.imports(nobody));
    assert_same(
        pair.sqlite.daily_activity_counts(nobody, None, None),
        pair.pg.daily_activity_counts(nobody, None, None),
    );
    // A member without data: empty answers, alike.
    let quiet = pair.add_member("Quiet", None);
    assert_eq!(assert_same(pair.sqlite.load_events(quiet), pair.pg.load_events(quiet)), Some(Vec::new()));
    assert_same(pair.sqlite.activity_span(quiet), pair.pg.activity_span(quiet));
    assert_same(pair.sqlite.scoring_inputs(quiet), pair.pg.scoring_inputs(quiet));
}

/// The store's side of an import failure (the tests' sources fail only where they say).
fn store<E: std::fmt::Debug>(failure: ImportFailure<E>) -> ssi_store::StoreError {
    match failure {
        ImportFailure::Store(e) => e,
        ImportFailure::Source(e) => panic!("the source failed: {e:?}"),
    }
}

#[test]
fn the_same_export_imported_twice_at_once_lands_once_on_both() {
    let pair = Pair::new();
    let alice = pair.add_member("Alice", None);
    let events = export_events(9, day(2025, 1, 1), 400);
    let meta = meta_on("raced", day(2026, 2, 1));
    let today = day(2026, 2, 1);
    // Both imports check the fingerprint before either has recorded it, unless writers
    // queue from their first statement (SQLite's BEGIN IMMEDIATE, PostgreSQL's lock on
    // the data version row): without that, PostgreSQL's second import would fail on
    // the unique fingerprint instead of finding the export imported.
    let race = |import: &(dyn Fn() -> ImportOutcome + Sync)| {
        let start = std::sync::Barrier::new(2);
        let outcomes: Vec<ImportOutcome> = std::thread::scope(|scope| {
            let racers: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| {
                        start.wait();
                        import()
                    })
                })
                .collect();
            racers.into_iter().map(|racer| racer.join().unwrap()).collect()
        });
        let imported = outcomes.iter().filter(|o| matches!(o, ImportOutcome::Imported { .. })).count();
        let already = outcomes.iter().filter(|o| matches!(o, ImportOutcome::AlreadyImported { .. })).count();
        assert_eq!((imported, already), (1, 1), "{outcomes:?}");
    };
    race(&|| pair.sqlite.import_export(alice, &meta, None, ok(events.clone()), today).unwrap());
    race(&|| pair.pg.import_export(alice, &meta, None, ok(events.clone()), today).unwrap());
    same_reads(&pair, alice);
}
