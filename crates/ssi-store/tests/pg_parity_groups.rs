//! Group questions, SQLite against PostgreSQL: leaderboards, team summaries, the team's
//! industry average, member overviews and percentiles are the same on both, over
//! imported, pushed (once, twice, later) and unscored members.

mod common;
mod pg_pair;

use chrono::{Days, NaiveDate};
use common::*;
use pg_pair::{Pair, assert_same};
use ssi_core::{ActivityEvent, ActivityKind, OfficialReading, PillarScores, ReadingSource};
use ssi_store::{MemberId, PushedScore, TeamId};

fn oct(d: u32) -> NaiveDate {
    day(2026, 10, d)
}

fn pushed(value: f64, date: NaiveDate, version: &str) -> PushedScore {
    PushedScore {
        date,
        model_version: version.to_string(),
        pillars: PillarScores::from_array([value, value / 2.0, value / 3.0, value / 4.0]),
        total: value + value / 2.0 + value / 3.0 + value / 4.0,
        components: Vec::new(),
    }
}

/// `per_kind` members of each kind in the team "Sales" (a few in "Other"), industries
/// spelt in several cases, as groups.rs's own unit tests build them.
fn server(pair: &Pair, per_kind: usize) -> [TeamId; 2] {
    let team = pair.add_team("Sales");
    let other = pair.add_team("Other");
    let spellings = ["Software", "software", "SOFTWARE"];
    for i in 0..per_kind {
        let spelling = Some(spellings[i % spellings.len()]);
        let in_team = |k: usize| if (i + k) % 4 == 3 { Some(other) } else { Some(team) };
        let imported = pair.add_member_in(&format!("imported {i}"), spelling, in_team(0));
        let events: Vec<ActivityEvent> = (0..(i as u64 % 5 + 1) * 6)
            .map(|d| {
                let date = day(2026, 9, 1).checked_add_days(Days::new(d)).unwrap();
                event(ActivityKind::Post, at(date, 9, 0), &format!("post {i} {d}"))
            })
            .collect();
        let meta = meta_on(&format!("export {i}"), oct(10));
        pair.sqlite.import_export(imported, &meta, None, ok(events.clone()), oct(10)).unwrap();
        pair.pg.import_export(imported, &meta, None, ok(events), oct(10)).unwrap();
        let once = pair.add_member_in(&format!("Pushed once {i}"), spelling, in_team(1));
        pair.sqlite.push_scores(once, &[pushed(4.0 + (i % 15) as f64, oct(5), "cli-1")]).unwrap();
        let twice = pair.add_member_in(&format!("pushed twice {i}"), spelling, in_team(2));
        pair.sqlite
            .push_scores(twice, &[pushed(9.0, oct(3), "cli-2"), pushed(8.0, oct(6), "cli-2")])
            .unwrap();
        pair.sqlite.push_scores(twice, &[pushed(5.0 + (i % 15) as f64, oct(7), "cli-1")]).unwrap();
        let later = pair.add_member_in(&format!("later {i}"), spelling, Some(team));
        pair.sqlite.push_scores(later, &[pushed(12.0, oct(25), "cli-1")]).unwrap();
    }
    let finance = pair.add_member_in("finance", Some("Finance"), Some(team));
    pair.sqlite.push_scores(finance, &[pushed(20.0, oct(5), "cli-1")]).unwrap();
    pair.add_member_in("nobody", None, Some(team));
    pair.add_member_in("loner", Some("software"), None);
    let reading = OfficialReading::new(oct(4), 30.0, ReadingSource::Manual);
    pair.sqlite
        .add_readings(finance, &[reading.clone(), OfficialReading { date: oct(5), ..reading }])
        .unwrap();
    pair.copy_readings_and_pushes();
    [team, other]
}

#[test]
fn team_questions_are_answered_alike() {
    let pair = Pair::new();
    let [team, other] = server(&pair, 5);
    let (s, p) = (&pair.sqlite, &pair.pg);
    for on in [oct(2), oct(6), oct(9), oct(30)] {
        let board = assert_same(s.team_leaderboard(team, on), p.team_leaderboard(team, on)).unwrap();
        if on >= oct(9) {
            assert!(board.len() > 10 && board.iter().any(|row| row.change_7d.is_some()));
        }
        for (below, stale) in [(40.0, 3), (10.0, 30)] {
            assert_same(s.team_summary(team, on, below, stale), p.team_summary(team, on, below, stale));
        }
        assert_same(
            s.team_summaries(&[other, team], on, 25.0, 7),
            p.team_summaries(&[other, team], on, 25.0, 7),
        );
        let average =
            assert_same(s.team_industry_average(team, on), p.team_industry_average(team, on)).unwrap();
        if on == oct(9) {
            let average = average.unwrap();
            assert_eq!(
                (average.name.as_str(), average.members),
                ("Software", 15),
                "spelt as the first by name"
            );
        }
        assert_same(s.team_industry_average(other, on), p.team_industry_average(other, on));
        let overviews = assert_same(s.member_overviews(on), p.member_overviews(on)).unwrap();
        assert!(overviews.iter().any(|o| o.readings == 2));
        for member in overviews.iter().map(|o| o.member.id).chain([MemberId(999)]) {
            assert_same(s.percentile_in_team(member, on), p.percentile_in_team(member, on));
            assert_same(s.percentile_in_industry(member, on), p.percentile_in_industry(member, on));
        }
    }
    let missing = TeamId(999);
    assert_same(s.team_leaderboard(missing, oct(9)), p.team_leaderboard(missing, oct(9)));
    assert_same(s.team_summary(missing, oct(9), 1.0, 1), p.team_summary(missing, oct(9), 1.0, 1));
    assert_same(
        s.team_summaries(&[team, missing], oct(9), 1.0, 1),
        p.team_summaries(&[team, missing], oct(9), 1.0, 1),
    );
    assert_same(s.team_industry_average(missing, oct(9)), p.team_industry_average(missing, oct(9)));
    let empty = pair.add_team("Empty");
    assert_eq!(
        assert_same(s.team_industry_average(empty, oct(9)), p.team_industry_average(empty, oct(9))),
        Some(None)
    );
    assert_same(s.team_summary(empty, oct(9), 1.0, 1), p.team_summary(empty, oct(9), 1.0, 1));
}
