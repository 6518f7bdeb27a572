//! Parity of the PostgreSQL store with SQLite for official readings (validated,
//! upserted, confirmed, deleted), scores pushed from a CLI (validated, all or nothing,
//! the member's horizon) and stored calibrations (`tests/parity/mod.rs`).

mod parity;

use chrono::NaiveDate;
use parity::{Both, HeldTransaction, pg_rows, within};
use ssi_core::advice::calibrate::{CandidateError, LevelPoint};
use ssi_core::advice::{MemberCalibration, Method, ReadingStatus, WalkForward, WeightChange};
use ssi_core::{GroupStats, OfficialReading, PillarScores, ReadingSource};
use ssi_store::{MemberId, PushedScore, StoreError};
use std::process::ExitCode;

fn main() -> ExitCode {
    parity::run(scenarios![
        readings_are_validated_and_upserted_alike,
        confirmations_hold_for_the_figures_confirmed,
        readings_are_deleted_by_day_and_source,
        pushed_scores_are_checked_and_stored_alike,
        a_push_is_one_transaction_with_its_readings,
        the_horizon_follows_pushes_and_imports,
        calibrations_are_stored_once_and_read_back_alike,
        a_member_deleted_meanwhile_is_not_found,
        calibrations_are_fitted_and_laid_over_alike,
    ])
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ann(both: &Both) -> MemberId {
    same!(both, "ann", create_member("Ann", None, None)).unwrap().id
}

fn reading(date: NaiveDate, source: ReadingSource, total: f64) -> OfficialReading {
    let quarter = total / 4.0;
    OfficialReading {
        date,
        total,
        pillars: [Some(quarter); 4],
        industry: GroupStats {
            rank: Some(12),
            average: Some(0.1 + 0.2),
            name: Some("Software".into()),
            ..Default::default()
        },
        network: GroupStats {
            rank: None,
            average: None,
            pillar_averages: Some([Some(5.5), None, Some(1e-7), None]),
            ..Default::default()
        },
        team: GroupStats::default(),
        source,
    }
}

fn readings_are_validated_and_upserted_alike(both: &Both) {
    let ann = ann(both);
    let first = reading(day(2026, 3, 1), ReadingSource::Json, 60.0);
    let mut bad = reading(day(2026, 3, 2), ReadingSource::Csv, 50.0);
    bad.pillars[0] = Some(30.0);
    let err = same!(both, "one invalid", add_readings(ann, &[first.clone(), bad.clone()])).unwrap_err();
    assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");
    let far = reading(day(10000, 1, 1), ReadingSource::Manual, 10.0);
    same!(both, "out of range", add_reading(ann, &far)).unwrap_err();
    let none = same!(both, "none stored", readings(ann, None, None));
    assert!(none.unwrap().is_empty());

    let batch = [
        reading(day(2026, 3, 5), ReadingSource::Csv, 40.0),
        first.clone(),
        reading(day(2026, 3, 5), ReadingSource::Json, 44.0),
        reading(day(2026, 3, 9), ReadingSource::Manual, 48.0),
    ];
    let stored = same!(both, "store", add_readings(ann, &batch));
    assert_eq!(stored.unwrap(), 4);
    // An upsert of the day's first source keeps its place among the day's readings.
    let replaced = reading(day(2026, 3, 5), ReadingSource::Csv, 41.0);
    same!(both, "upsert", add_reading(ann, &replaced)).unwrap();
    let all = same!(both, "all", readings(ann, None, None)).unwrap();
    assert_eq!(all.iter().map(|r| r.total).collect::<Vec<_>>(), [60.0, 41.0, 44.0, 48.0]);
    assert_eq!(all[0], first, "read back as given, groups included");
    let some = same!(both, "range", readings(ann, Some(day(2026, 3, 2)), Some(day(2026, 3, 5))));
    assert_eq!(some.unwrap().len(), 2);
    let latest = same!(both, "latest", latest_reading(ann)).unwrap();
    assert_eq!(latest.map(|r| r.total), Some(48.0));
    let same_day = reading(day(2026, 3, 9), ReadingSource::Json, 52.0);
    same!(both, "second source", add_reading(ann, &same_day)).unwrap();
    let latest = same!(both, "latest of the day", latest_reading(ann)).unwrap();
    assert_eq!(latest.map(|r| r.total), Some(52.0), "the one stored last");

    let nobody = MemberId(99);
    same!(both, "unknown", add_reading(nobody, &first)).unwrap_err();
    same!(both, "unknown", readings(nobody, None, None)).unwrap_err();
    same!(both, "unknown", latest_reading(nobody)).unwrap_err();
    let bob = same!(both, "bob", create_member("Bob", None, None));
    let bob = bob.unwrap().id;
    let latest = same!(both, "no readings", latest_reading(bob)).unwrap();
    assert_eq!(latest, None);
}

fn confirmations_hold_for_the_figures_confirmed(both: &Both) {
    let ann = ann(both);
    let date = day(2026, 4, 1);
    let readings = [reading(date, ReadingSource::Json, 80.0), reading(date, ReadingSource::Csv, 20.0)];
    same!(both, "store", add_readings(ann, &readings)).unwrap();
    let confirmed = same!(both, "confirm", confirm_readings(ann, date));
    assert_eq!(confirmed.unwrap(), 2);
    let other_day = day(2026, 4, 2);
    let none = same!(both, "no readings", confirm_readings(ann, other_day));
    assert_eq!(none.unwrap(), 0);
    same!(both, "same figures", add_reading(ann, &readings[0])).unwrap();
    let changed = reading(date, ReadingSource::Csv, 24.0);
    same!(both, "new figures", add_reading(ann, &changed)).unwrap();
    let stored = same!(both, "stored", stored_readings(ann)).unwrap();
    assert_eq!(stored.iter().map(|r| r.confirmed).collect::<Vec<_>>(), [true, false]);
    let nobody = MemberId(99);
    same!(both, "unknown", confirm_readings(nobody, date)).unwrap_err();
    same!(both, "unknown", stored_readings(nobody)).unwrap_err();
}

fn readings_are_deleted_by_day_and_source(both: &Both) {
    let ann = ann(both);
    let (d1, d2) = (day(2026, 5, 1), day(2026, 5, 2));
    let readings = [
        reading(d1, ReadingSource::Json, 30.0),
        reading(d1, ReadingSource::Csv, 31.0),
        reading(d1, ReadingSource::Manual, 32.0),
        reading(d2, ReadingSource::Json, 33.0),
    ];
    same!(both, "store", add_readings(ann, &readings)).unwrap();
    let csv = Some(ReadingSource::Csv);
    let one = same!(both, "one source", delete_readings(ann, d1, csv));
    assert_eq!(one.unwrap(), 1);
    let again = same!(both, "again", delete_readings(ann, d1, csv));
    assert_eq!(again.unwrap(), 0);
    let rest = same!(both, "the day", delete_readings(ann, d1, None));
    assert_eq!(rest.unwrap(), 2);
    let left = same!(both, "left", readings(ann, None, None)).unwrap();
    assert_eq!(left.iter().map(|r| r.total).collect::<Vec<_>>(), [33.0]);
    let nobody = MemberId(99);
    same!(both, "unknown", delete_readings(nobody, d1, None)).unwrap_err();
}

fn pushed(date: NaiveDate, version: &str, total: f64, components: Vec<f64>) -> PushedScore {
    let quarter = total / 4.0;
    PushedScore {
        date,
        model_version: version.to_string(),
        pillars: PillarScores { brand: quarter, people: quarter, insights: quarter, relationships: quarter },
        total,
        components,
    }
}

/// Every stored score row, as (member, version, day, pillars and total, components).
type ScoreRow = (i64, String, String, [f64; 5], String);

fn score_rows(both: &Both) -> Vec<ScoreRow> {
    let query =
        "SELECT member_id, model_version, date, brand, people, insights, relationships, total, components
                 FROM daily_scores ORDER BY member_id, model_version, date";
    let conn = rusqlite::Connection::open(both.sqlite.path()).unwrap();
    let mut stmt = conn.prepare(query).unwrap();
    let sqlite: Vec<ScoreRow> = stmt
        .query_map([], |r| {
            let figures = [r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?];
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, figures, r.get(8)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let pg: Vec<ScoreRow> = pg_rows(&both.url, &query.replace("date,", "date::text,"))
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), [r.get(3), r.get(4), r.get(5), r.get(6), r.get(7)], r.get(8)))
        .collect();
    assert_eq!(sqlite, pg, "the stored score rows differ");
    sqlite
}

fn pushed_scores_are_checked_and_stored_alike(both: &Both) {
    let ann = ann(both);
    let good = pushed(day(2026, 6, 1), "v3", 40.0, vec![0.1 + 0.2, 29.0, 5.263256894485079, 1e-7]);
    let mut off_sum = pushed(day(2026, 6, 2), "v3", 40.0, vec![]);
    off_sum.total = 41.0;
    let mut big_pillar = pushed(day(2026, 6, 2), "v3", 40.0, vec![]);
    big_pillar.pillars.brand = 26.0;
    let bad = [
        off_sum,
        big_pillar,
        pushed(day(2026, 6, 2), "push:v3", 40.0, vec![]),
        pushed(day(2026, 6, 2), "  ", 40.0, vec![]),
        pushed(day(2026, 6, 2), "v3", 40.0, vec![f64::NAN]),
        pushed(day(2026, 6, 2), "v3", 101.0, vec![]),
        pushed(day(10000, 1, 1), "v3", 40.0, vec![]),
    ];
    for bad in bad {
        let scores = [good.clone(), bad];
        let err = same!(both, "bad", push_scores(ann, &scores)).unwrap_err();
        assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");
    }
    assert!(score_rows(both).is_empty(), "all or nothing");

    let scores = [
        good.clone(),
        pushed(day(2026, 6, 2), "v3", 42.0, vec![]),
        pushed(day(2026, 6, 2), "v2", 8.0, vec![1.0]),
    ];
    let stored = same!(both, "push", push_scores(ann, &scores));
    assert_eq!(stored.unwrap(), 3);
    let again = [pushed(day(2026, 6, 2), "v3", 44.0, vec![2.5])];
    same!(both, "replace", push_scores(ann, &again)).unwrap();
    let rows = score_rows(both);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1].4, "[0.3,29,5.263257,0]", "the same compact encoding");
    assert_eq!(rows[2].3[4], 44.0, "replaced");
    same!(both, "unknown", push_scores(MemberId(99), &again)).unwrap_err();
}

fn a_push_is_one_transaction_with_its_readings(both: &Both) {
    let ann = ann(both);
    let scores = [pushed(day(2026, 7, 1), "v3", 40.0, vec![1.0])];
    let mut bad = reading(day(2026, 7, 1), ReadingSource::Push, 50.0);
    bad.industry.rank = Some(0);
    let err = same!(both, "bad reading", push_scores_and_readings(ann, &scores, &[bad.clone()])).unwrap_err();
    assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");
    assert!(score_rows(both).is_empty());
    let readings = [reading(day(2026, 7, 1), ReadingSource::Push, 50.0)];
    let stored = same!(both, "push", push_scores_and_readings(ann, &scores, &readings));
    assert_eq!(stored.unwrap(), (1, 1));
    same!(both, "readings", stored_readings(ann)).unwrap();
    let nobody = MemberId(99);
    same!(both, "unknown", push_scores_and_readings(nobody, &scores, &readings)).unwrap_err();
    assert_eq!(score_rows(both).len(), 1);
}

fn the_horizon_follows_pushes_and_imports(both: &Both) {
    let ann = ann(both);
    let member = same!(both, "no horizon", get_member(ann)).unwrap();
    assert_eq!(member.horizon, None);
    let scores = [pushed(day(2026, 8, 10), "v3", 40.0, vec![]), pushed(day(2026, 8, 3), "v2", 40.0, vec![])];
    same!(both, "push", push_scores(ann, &scores)).unwrap();
    let member = same!(both, "pushed", get_member(ann)).unwrap();
    assert_eq!(member.horizon.map(|h| (h.day, h.source.as_str())), Some((day(2026, 8, 10), "pushed_scores")));

    // An import (another area writes them; its row is all that counts) of the same
    // day names its own source first; a later one wins by its day.
    both.execute_sql(
        "INSERT INTO imports (member_id, fingerprint, imported_at, export_date, source_name, horizon_source)
         VALUES (1, 'a', 0, '2026-08-10', 'a.zip', 'newest_row'), (1, 'b', 0, '2026-08-01', 'b.zip', NULL)",
        "INSERT INTO imports (member_id, fingerprint, imported_at, export_date, source_name, horizon_source)
         VALUES (1, 'a', now(), '2026-08-10', 'a.zip', 'newest_row'), (1, 'b', now(), '2026-08-01', 'b.zip', NULL)",
    );
    let earlier = [pushed(day(2026, 8, 9), "v3", 40.0, vec![])];
    same!(both, "push", push_scores(ann, &earlier)).unwrap();
    let member = same!(both, "tie", get_member(ann)).unwrap();
    assert_eq!(member.horizon.map(|h| h.source.as_str()), Some("newest_row"));
    both.execute_sql(
        "INSERT INTO events (member_id, at, key, kind) VALUES (1, 1787616000, 7, 'message_sent')",
        "INSERT INTO events (member_id, at, key, kind) VALUES (1, to_timestamp(1787616000), 7, 'message_sent')",
    );
    same!(both, "push", push_scores(ann, &earlier)).unwrap();
    let member = same!(both, "activity", get_member(ann)).unwrap();
    assert_eq!(
        member.horizon.map(|h| (h.day, h.source.as_str())),
        Some((day(2026, 8, 25), "stored_activity"))
    );
}

fn calibration(version: &str, drift: f64) -> MemberCalibration {
    MemberCalibration {
        model_version: version.to_string(),
        method: Method::LevelAndWeights,
        drift,
        weights: vec![WeightChange { component: "posts".into(), before: 1.0, after: 0.1 + 0.2 }],
        refitted_weights: vec![],
        levels: vec![LevelPoint { date: day(2026, 3, 1), levels: [1e-7, -2.5, 0.0, 3.25] }],
        interval: [-4.5, 4.5],
        walk_forward: WalkForward {
            predictions: 3,
            readings_predicted: 2,
            total: Some(2.25),
            pillars: [Some(1.0), None, Some(0.5), None],
            default_total: None,
            candidates: vec![CandidateError { method: Method::Level, drift: 0.01, total: Some(3.0) }],
        },
        readings_stored: 4,
        readings_used: 3,
        first_date: day(2026, 3, 1),
        last_date: day(2026, 3, 20),
        statuses: vec![
            (day(2026, 3, 1), ReadingSource::Json, ReadingStatus::Used),
            (day(2026, 3, 2), ReadingSource::Csv, ReadingStatus::Superseded { by: ReadingSource::Json }),
            (day(2026, 3, 3), ReadingSource::Manual, ReadingStatus::Outlier { reason: "a \"typo\"".into() }),
        ],
        fingerprint: "abc123".into(),
        summary: "Level and weights: 2.3 points off on average.".into(),
    }
}

fn calibrations_are_stored_once_and_read_back_alike(both: &Both) {
    let ann = ann(both);
    let none = same!(both, "none", calibration(ann)).unwrap();
    assert_eq!(none, None);
    let first = calibration("v3", 0.1 + 0.2);
    let changed = same!(both, "save", save_calibration(ann, &first));
    assert!(changed.unwrap());
    let version = both.pg.data_version().unwrap();
    let changed = same!(both, "same again", save_calibration(ann, &first));
    assert!(!changed.unwrap(), "the same calibration is not written again");
    assert_eq!(both.pg.data_version().unwrap(), version, "nothing was written");
    let read = same!(both, "read", calibration(ann)).unwrap();
    assert_eq!(read, Some(first.clone()), "read back exactly, floats included");
    let second = calibration("v4", 1e-9);
    let changed = same!(both, "other", save_calibration(ann, &second));
    assert!(changed.unwrap());
    same!(both, "read", calibration(ann)).unwrap();
    let deleted = same!(both, "delete", delete_calibration(ann));
    assert!(deleted.unwrap());
    let deleted = same!(both, "delete again", delete_calibration(ann));
    assert!(!deleted.unwrap());

    let nobody = MemberId(99);
    same!(both, "unknown", save_calibration(nobody, &first)).unwrap_err();
    same!(both, "unknown", calibration(nobody)).unwrap_err();
    same!(both, "unknown", delete_calibration(nobody)).unwrap_err();
    same!(both, "save", save_calibration(ann, &first)).unwrap();
    same!(both, "delete member", delete_member(ann)).unwrap();
    let left = pg_rows(&both.url, "SELECT count(*) FROM member_calibrations");
    assert_eq!(left[0].get::<_, i64>(0), 0, "gone with the member");
}

fn a_member_deleted_meanwhile_is_not_found(both: &Both) {
    // Another replica deletes the member while a push (a calibration, readings) for
    // them is on its way: the write finds no member, as it would after the delete in
    // SQLite, instead of failing on the foreign key.
    let ann = ann(both);
    let scores = vec![pushed(day(2026, 9, 1), "v3", 40.0, vec![])];
    let readings = vec![reading(day(2026, 9, 1), ReadingSource::Push, 40.0)];
    let first = calibration("v3", 0.5);
    both.sqlite.delete_member(ann).unwrap();
    let sqlite = (
        both.sqlite.push_scores(ann, &scores),
        both.sqlite.add_readings(ann, &readings),
        both.sqlite.save_calibration(ann, &first),
    );
    let deleting = HeldTransaction::begin(&both.url, &format!("DELETE FROM members WHERE id = {}", ann.0));
    let store = both.pg.clone();
    let (pg_scores, pg_readings, pg_calibration) = {
        let (scores, readings, first) = (scores.clone(), readings.clone(), first.clone());
        let answer = std::thread::spawn(move || {
            (
                store.push_scores(ann, &scores),
                store.add_readings(ann, &readings),
                store.save_calibration(ann, &first),
            )
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        deleting.commit();
        within(5, move || answer.join().unwrap())
    };
    parity::same("push", sqlite.0, pg_scores).unwrap_err();
    parity::same("readings", sqlite.1, pg_readings).unwrap_err();
    parity::same("calibration", sqlite.2, pg_calibration).unwrap_err();
}

fn calibrations_are_fitted_and_laid_over_alike(both: &Both) {
    // A member with a pushed series of the default model (its components included) and
    // readings: fitted, refitted and laid over their history by the same rules.
    let ann = ann(both);
    let model = ssi_core::ScoringModel::default_model();
    let scores: Vec<PushedScore> = (0..40u64)
        .map(|i| {
            let values = (0..model.components.len()).map(|c| (i as f64 + c as f64) / 10.0).collect();
            pushed(day(2026, 1, 1) + chrono::Days::new(i), &model.version, 20.0 + i as f64 / 4.0, values)
        })
        .collect();
    both.same("push", |s| s.push_scores(ann, &scores), |p| p.push_scores(ann, &scores)).unwrap();
    let fit = |store_fit: Result<
        Result<MemberCalibration, ssi_core::advice::CalibrationError>,
        StoreError,
    >| { store_fit.map(|fit| fit.map_err(|why| why.to_string())) };
    let fitted = parity::same(
        "fit without readings",
        fit(both.sqlite.fit_calibration(ann)),
        fit(both.pg.fit_calibration(ann)),
    );
    assert!(fitted.unwrap().is_err(), "no readings, no calibration");
    let refit = same!(both, "refit of none", refit_calibration(ann)).unwrap();
    assert_eq!(refit, ssi_store::CalibrationRefit::NotCalibrated);

    let readings: Vec<OfficialReading> = (0..8u64)
        .map(|i| reading(day(2026, 1, 3) + chrono::Days::new(i * 4), ReadingSource::Csv, 30.0 + i as f64))
        .collect();
    same!(both, "readings", add_readings(ann, &readings)).unwrap();
    let fitted =
        parity::same("fit", fit(both.sqlite.fit_calibration(ann)), fit(both.pg.fit_calibration(ann)));
    let fitted = fitted.unwrap();

    let mut laid = calibration(&format!("push:{}", model.version), 0.5);
    laid.weights = vec![WeightChange { component: model.components[0].id.clone(), before: 1.0, after: 2.5 }];
    same!(both, "save", save_calibration(ann, &laid)).unwrap();
    for calibrated in [false, true] {
        let range = [None, Some(day(2026, 1, 10))];
        for (from, to) in range.iter().zip(range.iter().rev()) {
            let history = same!(both, "history", calibrated_history(ann, *from, *to, calibrated)).unwrap();
            assert!(history.applicable);
            assert_eq!(history.calibrated, calibrated);
            assert_eq!(history.intervals.iter().any(Option::is_some), calibrated);
        }
    }
    let refit = same!(both, "refit", refit_calibration(ann)).unwrap();
    match (&fitted, &refit) {
        (Ok(_), ssi_store::CalibrationRefit::Updated(_))
        | (Err(_), ssi_store::CalibrationRefit::Removed(_)) => {}
        other => panic!("a refit follows the fit: {other:?}"),
    }
    same!(both, "history after the refit", calibrated_history(ann, None, None, true)).unwrap();
    same!(both, "unknown", calibrated_history(MemberId(99), None, None, true)).unwrap_err();
    same!(both, "unknown", refit_calibration(MemberId(99))).unwrap_err();
}
