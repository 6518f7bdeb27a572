//! Re-scoring and materialisation, SQLite against PostgreSQL: the same calls write the
//! same daily scores, count the same days and fail alike.

mod common;
mod pg_pair;

use common::*;
use pg_pair::{Pair, assert_same};
use ssi_core::{ProfileSnapshot, ScoringModel};
use ssi_store::{MemberId, PUSH_PREFIX};

/// Two members with imported histories on both sides, scored up to `today`.
fn two_members(pair: &Pair, today: chrono::NaiveDate) -> [MemberId; 2] {
    let alice = pair.add_member("Alice", Some("Software"));
    let bob = pair.add_member("Bob", Some("Banking"));
    let mut profile = ProfileSnapshot::empty(day(2026, 2, 1));
    profile.headline = Some("Seller".into());
    for (member, seed, export) in [(alice, 1, day(2026, 3, 1)), (bob, 2, day(2026, 3, 5))] {
        let events = synthetic_events(seed, day(2026, 1, 1), 60);
        let meta = meta_on(&format!("export-{seed}"), export);
        pair.sqlite.import_export(member, &meta, Some(&profile), ok(events.clone()), today).unwrap();
        pair.pg.import_export(member, &meta, Some(&profile), ok(events), today).unwrap();
    }
    [alice, bob]
}

fn same_scores(pair: &Pair) -> usize {
    let (sqlite, pg) = pair.scores();
    assert_eq!(sqlite, pg, "the materialised scores differ");
    sqlite.len()
}

#[test]
fn rescoring_a_member_rewrites_the_same_days_on_both() {
    let pair = Pair::new();
    let today = day(2026, 3, 10);
    let [alice, bob] = two_members(&pair, today);
    let stored = same_scores(&pair);

    // Nothing changed: the days are scored, and left as they are.
    let days = assert_same(
        pair.sqlite.rescore_member(alice, Some(day(2026, 2, 1)), today),
        pair.pg.rescore_member(alice, Some(day(2026, 2, 1)), today),
    );
    assert_eq!(days, Some(29), "2026-02-01 to the horizon, 2026-03-01");
    assert_eq!(same_scores(&pair), stored);

    // Rows spoilt on both sides: a re-score from a day mends that day on, not before.
    pair.execute_both("UPDATE daily_scores SET total = -1");
    assert_same(
        pair.sqlite.rescore_member(bob, Some(day(2026, 2, 20)), today),
        pair.pg.rescore_member(bob, Some(day(2026, 2, 20)), today),
    );
    let (sqlite, _) = pair.scores();
    assert!(sqlite.iter().any(|row| row.3[4] == -1.0) && sqlite.iter().any(|row| row.3[4] != -1.0));
    same_scores(&pair);
    // Some rows spoilt, not all: only those are rewritten.
    pair.execute_both("UPDATE daily_scores SET brand = brand + 1 WHERE date = '2026-01-15'");
    assert_same(pair.sqlite.rescore_all(today), pair.pg.rescore_all(today));
    assert_eq!(same_scores(&pair), stored);
    assert!(pair.scores().0.iter().all(|row| row.3[4] != -1.0));

    // A start before the member's first day is their first day; after today, nothing.
    assert_same(
        pair.sqlite.rescore_member(alice, Some(day(2020, 1, 1)), today),
        pair.pg.rescore_member(alice, Some(day(2020, 1, 1)), today),
    );
    assert_eq!(
        assert_same(
            pair.sqlite.rescore_member(alice, Some(day(2026, 4, 1)), today),
            pair.pg.rescore_member(alice, Some(day(2026, 4, 1)), today)
        ),
        Some(0)
    );
    assert_same(
        pair.sqlite.rescore_member(MemberId(77), None, today),
        pair.pg.rescore_member(MemberId(77), None, today),
    );
    // Members that do not exist are skipped by a group re-score.
    assert_same(
        pair.sqlite.rescore_members(&[MemberId(77), bob, alice], today),
        pair.pg.rescore_members(&[MemberId(77), bob, alice], today),
    );
    same_scores(&pair);
}

#[test]
fn the_daily_job_brings_scores_up_to_today_once() {
    let pair = Pair::new();
    // Imported on an earlier day than the exports' horizons: the job has days to add.
    let [_, bob] = two_members(&pair, day(2026, 2, 20));
    let stored = same_scores(&pair);
    let added =
        assert_same(pair.sqlite.materialise_all(day(2026, 3, 3)), pair.pg.materialise_all(day(2026, 3, 3)));
    assert_eq!(added, Some(9 + 11), "Alice to her horizon (03-01), Bob to today (03-03)");
    assert_eq!(same_scores(&pair), stored + 20);
    assert_eq!(
        assert_same(pair.sqlite.materialise_all(day(2026, 3, 3)), pair.pg.materialise_all(day(2026, 3, 3))),
        Some(0)
    );
    // Up to Bob's horizon, never past it.
    assert_eq!(
        assert_same(
            pair.sqlite.materialise_all(day(2026, 12, 31)),
            pair.pg.materialise_all(day(2026, 12, 31))
        ),
        Some(2)
    );
    let (sqlite, _) = pair.scores();
    assert_eq!(sqlite.iter().filter(|row| row.0 == bob.0).map(|row| row.2).max(), Some(day(2026, 3, 5)));
    same_scores(&pair);
}

#[test]
fn switching_models_rescores_everyone_alike_and_refuses_what_sqlite_refuses() {
    let pair = Pair::new();
    let today = day(2026, 3, 10);
    two_members(&pair, today);
    let mut model = ScoringModel::default_model();
    model.version = "tuned-1".into();
    model.description = "the default under a second version".into();
    let days = assert_same(pair.sqlite.use_model(&model, today), pair.pg.use_model(&model, today));
    assert!(days.unwrap() > 100);
    same_scores(&pair);
    assert_same(
        pair.sqlite.scoring_inputs(MemberId(1)).map(|i| i.model),
        pair.pg.scoring_inputs(MemberId(1)).map(|i| i.model),
    );

    // The same version again is reused; a different model under it is a conflict.
    assert_same(pair.sqlite.use_model(&model, today), pair.pg.use_model(&model, today));
    let mut clash = model.clone();
    clash.description = "something else".into();
    assert_same(pair.sqlite.use_model(&clash, today), pair.pg.use_model(&clash, today));
    let mut pushed = model.clone();
    pushed.version = format!("{PUSH_PREFIX}tuned");
    assert_same(pair.sqlite.use_model(&pushed, today), pair.pg.use_model(&pushed, today));
    // Back to the default: its rows are there already, only re-checked.
    let default = ScoringModel::default_model();
    assert_same(pair.sqlite.use_model(&default, today), pair.pg.use_model(&default, today));
    same_scores(&pair);
}
