//! Score reads, SQLite against PostgreSQL: the latest score and its explanation,
//! points, history beside the readings, the first score, changes and the impact
//! inputs are the same on both, for estimated and for pushed series.

mod common;
mod pg_pair;

use chrono::NaiveDate;
use common::*;
use pg_pair::{Pair, assert_same};
use ssi_core::{GroupStats, OfficialReading, PillarScores, ProfileSnapshot, ReadingSource, ScoringModel};
use ssi_store::{MemberId, PushedScore};

fn reading(date: NaiveDate, total: f64, source: ReadingSource) -> OfficialReading {
    OfficialReading {
        date,
        total,
        pillars: [Some(total / 4.0), None, Some(total / 4.0), None],
        industry: GroupStats { rank: Some(12), average: Some(31.5), ..GroupStats::default() },
        network: GroupStats::default(),
        team: GroupStats::default(),
        source,
    }
}

fn pushed(version: &str, from: NaiveDate, days: u64, components: Vec<f64>) -> Vec<PushedScore> {
    (0..days)
        .map(|i| PushedScore {
            date: from + chrono::Days::new(i),
            model_version: version.into(),
            pillars: PillarScores::from_array([5.0, 6.0, 7.0, 8.0 + i as f64 / 10.0]),
            total: 26.0 + i as f64 / 10.0,
            components: components.clone(),
        })
        .collect()
}

/// Every read of `member` on both sides, over a few ranges and days.
fn same_reads(pair: &Pair, member: MemberId) {
    let (s, p) = (&pair.sqlite, &pair.pg);
    let estimated = ScoringModel::default_model().version;
    let days =
        [None, Some(day(2025, 12, 1)), Some(day(2026, 1, 20)), Some(day(2026, 3, 3)), Some(day(2027, 1, 1))];
    for on in days {
        assert_same(s.latest_score(member, on), p.latest_score(member, on));
        assert_same(s.first_score(member, on), p.first_score(member, on));
        for to in days {
            assert_same(s.history(member, on, to), p.history(member, on, to));
            assert_same(s.impact_inputs(member, on, to), p.impact_inputs(member, on, to));
            for version in [estimated.as_str(), "push:zeta", "push:alpha", "missing"] {
                assert_same(s.score_points(member, version, on, to), p.score_points(member, version, on, to));
            }
        }
        if let Some(on) = on {
            for span in [1, 7, 30, 365] {
                assert_same(s.change_over(member, span, on), p.change_over(member, span, on));
            }
        }
    }
}

#[test]
fn estimated_scores_read_back_alike_with_their_explanations_and_readings() {
    let pair = Pair::new();
    let alice = pair.add_member("Alice", None);
    let mut profile = ProfileSnapshot::empty(day(2026, 2, 1));
    profile.headline = Some("Seller".into());
    let events = synthetic_events(1, day(2026, 1, 1), 60);
    let meta = meta_on("first", day(2026, 3, 1));
    pair.sqlite.import_export(alice, &meta, Some(&profile), ok(events.clone()), day(2026, 3, 9)).unwrap();
    pair.pg.import_export(alice, &meta, Some(&profile), ok(events), day(2026, 3, 9)).unwrap();
    // Readings on scored days, before the first score, after the horizon, and two on one day.
    pair.sqlite
        .add_readings(
            alice,
            &[
                reading(day(2025, 12, 24), 20.0, ReadingSource::Csv),
                reading(day(2026, 1, 20), 30.0, ReadingSource::Json),
                reading(day(2026, 1, 20), 31.0, ReadingSource::Manual),
                reading(day(2026, 2, 10), 33.0, ReadingSource::Csv),
                reading(day(2026, 3, 5), 35.0, ReadingSource::Csv),
                reading(day(2026, 3, 5), 36.0, ReadingSource::Json),
            ],
        )
        .unwrap();
    pair.copy_readings_and_pushes();

    let latest = assert_same(pair.sqlite.latest_score(alice, None), pair.pg.latest_score(alice, None))
        .unwrap()
        .unwrap();
    assert_eq!(latest.date, day(2026, 3, 1));
    assert!(!latest.components.is_empty(), "explained under the model that scored it");
    let history =
        assert_same(pair.sqlite.history(alice, None, None), pair.pg.history(alice, None, None)).unwrap();
    assert!(
        history.iter().any(|row| row.estimate.is_none()) && history.iter().any(|row| row.official.is_some())
    );
    same_reads(&pair, alice);

    // Under another model the old rows stay readable by version.
    let mut other = ScoringModel::default_model();
    other.version = "second".into();
    pair.sqlite.use_model(&other, day(2026, 3, 9)).unwrap();
    pair.pg.use_model(&other, day(2026, 3, 9)).unwrap();
    same_reads(&pair, alice);
}

#[test]
fn pushed_series_read_back_alike_the_one_stored_last_winning_a_tie() {
    let pair = Pair::new();
    let bob = pair.add_member("Bob", None);
    let carol = pair.add_member("Carol", None);
    // Two pushed versions ending on the same day: the one pushed last is read, though
    // it sorts first by name.
    pair.sqlite.push_scores(bob, &pushed("zeta", day(2026, 1, 10), 40, Vec::new())).unwrap();
    pair.sqlite.push_scores(bob, &pushed("alpha", day(2026, 1, 19), 31, Vec::new())).unwrap();
    // A pushed series of a model the store knows, with its components: explained.
    let model = ScoringModel::default_model();
    let components = vec![0.5; model.components.len()];
    pair.sqlite.push_scores(carol, &pushed(&model.version, day(2026, 2, 1), 20, components)).unwrap();
    pair.copy_readings_and_pushes();

    let latest =
        assert_same(pair.sqlite.latest_score(bob, None), pair.pg.latest_score(bob, None)).unwrap().unwrap();
    assert_eq!(latest.model_version, "push:alpha");
    assert!(latest.components.is_empty());
    let latest = assert_same(pair.sqlite.latest_score(carol, None), pair.pg.latest_score(carol, None))
        .unwrap()
        .unwrap();
    assert_eq!(latest.model_version, format!("push:{}", model.version));
    assert!(!latest.components.is_empty());
    same_reads(&pair, bob);
    same_reads(&pair, carol);
}

#[test]
fn reads_of_a_missing_member_fail_alike_and_a_member_without_scores_reads_empty() {
    let pair = Pair::new();
    let quiet = pair.add_member("Quiet", None);
    for member in [MemberId(31), quiet] {
        let (s, p) = (&pair.sqlite, &pair.pg);
        assert_same(s.latest_score(member, None), p.latest_score(member, None));
        assert_same(s.first_score(member, None), p.first_score(member, None));
        assert_same(s.history(member, None, None), p.history(member, None, None));
        assert_same(s.impact_inputs(member, None, None), p.impact_inputs(member, None, None));
        assert_same(
            s.score_points(member, "ssi-default-1", None, None),
            p.score_points(member, "ssi-default-1", None, None),
        );
        assert_same(s.change_over(member, 7, day(2026, 1, 1)), p.change_over(member, 7, day(2026, 1, 1)));
    }
}
