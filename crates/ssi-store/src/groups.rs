//! Group questions: team leaderboards and summaries, and percentiles in a team or an industry.
//!
//! Every member is scored "as of" the day asked: their latest stored score on
//! or before it, from the series [`Store::latest_score`] reads (the active
//! model's, else the member's pushed series).

use crate::Store;
use crate::db::range_end;
use crate::error::StoreError;
use crate::events::activity_span_in;
use crate::members::{all_members, industry_members, member_by_id, team_by_id, team_members};
use crate::models::active_version;
use crate::readings::reading_count_in;
use crate::score_reads::{PointWithChanges, latest_score_in, point_with_changes};
use crate::series::chosen_version_given;
use crate::types::{
    BandCount, IndustryAverage, LeaderboardRow, Member, MemberId, MemberOverview, Mover, Percentile,
    ScorePoint, Team, TeamId, TeamSummary,
};
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use ssi_core::{Band, Pillar, PillarScores};
use std::collections::HashMap;

/// Movers listed in a summary, per period.
const MOVERS_LISTED: usize = 5;

/// A member with a score as of the day asked.
pub(crate) struct Scored {
    pub(crate) member: Member,
    pub(crate) point: ScorePoint,
    /// Change of the total over 7 and over 30 days up to the point's day.
    pub(crate) changes: (Option<f64>, Option<f64>),
}

impl Store {
    /// The team's scored members, best total first, with 7- and 30-day changes.
    /// Members without a score are left out (see [`TeamSummary::unscored`]).
    pub fn team_leaderboard(&self, team: TeamId, on: NaiveDate) -> Result<Vec<LeaderboardRow>, StoreError> {
        self.pool.read(|tx| leaderboard_in(tx, team, on))
    }

    /// The team at a glance on `on`: its leaderboard, averages, band
    /// distribution, biggest movers over 7 and 30 days, members whose total
    /// is below `below`, members whose data is more than `stale_after_days`
    /// old on `on` (listed apart, never as movers), and members without a score.
    pub fn team_summary(
        &self,
        team: TeamId,
        on: NaiveDate,
        below: f64,
        stale_after_days: u32,
    ) -> Result<TeamSummary, StoreError> {
        self.pool.read(|tx| summary_in(tx, team, on, below, stale_after_days))
    }

    /// [`Store::team_summary`] of each of `teams`, in their order, from one
    /// consistent read (the start page's managed teams).
    pub fn team_summaries(
        &self,
        teams: &[TeamId],
        on: NaiveDate,
        below: f64,
        stale_after_days: u32,
    ) -> Result<Vec<TeamSummary>, StoreError> {
        self.pool
            .read(|tx| teams.iter().map(|&team| summary_in(tx, team, on, below, stale_after_days)).collect())
    }

    /// The team's main industry (the most common among its members, ignoring
    /// ASCII case; ties: the alphabetically first) and the average score, as
    /// of `on`, of every member of the server in that industry who has one,
    /// each read from the series [`Store::latest_score`] reads. `None` when
    /// no member of the team names an industry, or nobody in it has a score.
    ///
    /// A fixed number of statements whatever the number of members: the
    /// team's industries, then one query for every score of the industry.
    pub fn team_industry_average(
        &self,
        team: TeamId,
        on: NaiveDate,
    ) -> Result<Option<IndustryAverage>, StoreError> {
        self.pool.read(|tx| {
            team_by_id(tx, team)?;
            let Some(name) = main_industry(tx, team)? else { return Ok(None) };
            let mut stmt = tx.prepare_cached(INDUSTRY_SCORES_AS_OF)?;
            let mut rows = stmt.query(params![name, active_version(tx)?, range_end(Some(on))])?;
            let mut scores = Vec::new();
            while let Some(row) = rows.next()? {
                scores.push(([row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?], row.get(4)?));
            }
            Ok(industry_average(name, scores))
        })
    }

    /// Every member of the store, by name, with their latest score on or
    /// before `on` (as [`Store::latest_score`] gives it), the number of their
    /// readings and how far their activity goes: what `ssi member list` shows.
    pub fn member_overviews(&self, on: NaiveDate) -> Result<Vec<MemberOverview>, StoreError> {
        self.pool.read(|tx| {
            all_members(tx)?
                .into_iter()
                .map(|member| {
                    Ok(MemberOverview {
                        latest_score: latest_score_in(tx, member.id, Some(on))?,
                        readings: reading_count_in(tx, member.id)?,
                        activity: activity_span_in(tx, member.id)?,
                        member,
                    })
                })
                .collect()
        })
    }

    /// Where the member stands in their team on `on`; `None` when the member
    /// has no team or no score.
    pub fn percentile_in_team(
        &self,
        member: MemberId,
        on: NaiveDate,
    ) -> Result<Option<Percentile>, StoreError> {
        self.pool.read(|tx| {
            let Some(team) = member_by_id(tx, member)?.team else { return Ok(None) };
            percentile(tx, member, team_members(tx, team)?, on)
        })
    }

    /// Where the member stands among members of the same industry (ignoring
    /// ASCII case) on `on`; `None` when the member has no industry or no score.
    pub fn percentile_in_industry(
        &self,
        member: MemberId,
        on: NaiveDate,
    ) -> Result<Option<Percentile>, StoreError> {
        self.pool.read(|tx| {
            let Some(industry) = member_by_id(tx, member)?.industry else { return Ok(None) };
            percentile(tx, member, industry_members(tx, &industry)?, on)
        })
    }
}

/// [`Store::team_summary`] in the caller's transaction.
fn summary_in(
    tx: &Connection,
    team: TeamId,
    on: NaiveDate,
    below: f64,
    stale_after_days: u32,
) -> Result<TeamSummary, StoreError> {
    let team = team_by_id(tx, team)?;
    let (scored, unscored) = score_members(tx, team_members(tx, team.id)?, on)?;
    Ok(summarise(team, on, below, stale_after_days, scored, unscored))
}

/// [`Store::team_leaderboard`] in the caller's transaction.
pub(crate) fn leaderboard_in(
    conn: &Connection,
    team: TeamId,
    on: NaiveDate,
) -> Result<Vec<LeaderboardRow>, StoreError> {
    team_by_id(conn, team)?;
    let (scored, _) = score_members(conn, team_members(conn, team)?, on)?;
    Ok(leaderboard(scored))
}

/// The average of the industry's scores (pillars, total), `None` without any.
pub(crate) fn industry_average(name: String, scores: Vec<([f64; 4], f64)>) -> Option<IndustryAverage> {
    let (mut sum, mut total) = (PillarScores::default(), 0.0);
    for (pillars, score_total) in &scores {
        let pillars = PillarScores::from_array(*pillars);
        for pillar in Pillar::ALL {
            sum[pillar] += pillars[pillar];
        }
        total += score_total;
    }
    let members = scores.len();
    if members == 0 {
        return None;
    }
    let n = members as f64;
    Some(IndustryAverage {
        name,
        members,
        average_total: total / n,
        average_pillars: PillarScores::from_array(sum.to_array().map(|v| v / n)),
    })
}

/// The team summary from its members split into scored and unscored ones.
pub(crate) fn summarise(
    team: Team,
    on: NaiveDate,
    below: f64,
    stale_after_days: u32,
    scored: Vec<Scored>,
    unscored: Vec<Member>,
) -> TeamSummary {
    let rows = leaderboard(scored);
    let n = rows.len();
    let (average_pillars, average_total) = if n == 0 {
        (None, None)
    } else {
        let mut sum = PillarScores::default();
        for row in &rows {
            for pillar in Pillar::ALL {
                sum[pillar] += row.score.pillars[pillar];
            }
        }
        let average = PillarScores::from_array(sum.to_array().map(|v| v / n as f64));
        let total = rows.iter().map(|r| r.score.total).sum::<f64>() / n as f64;
        (Some(average), Some(total))
    };
    let bands = Band::ALL
        .into_iter()
        .map(|band| BandCount { band, members: rows.iter().filter(|r| r.score.band == band).count() })
        .collect();
    let is_stale =
        |r: &LeaderboardRow| r.horizon.is_some_and(|h| (on - h.day).num_days() > i64::from(stale_after_days));
    let movers = |change: fn(&LeaderboardRow) -> Option<f64>| {
        let mut movers: Vec<Mover> = rows
            .iter()
            .filter(|r| !is_stale(r))
            .filter_map(|r| change(r).map(|c| Mover { member: r.member, name: r.name.clone(), change: c }))
            .collect();
        movers.sort_by(|a, b| b.change.abs().total_cmp(&a.change.abs()).then_with(|| a.name.cmp(&b.name)));
        movers.truncate(MOVERS_LISTED);
        movers
    };
    let movers_7d = movers(|r| r.change_7d);
    let movers_30d = movers(|r| r.change_30d);
    let mut below_rows: Vec<LeaderboardRow> =
        rows.iter().filter(|r| r.score.total < below).cloned().collect();
    below_rows.reverse();
    let mut stale: Vec<LeaderboardRow> = rows.iter().filter(|r| is_stale(r)).cloned().collect();
    stale.sort_by(|a, b| a.horizon.map(|h| h.day).cmp(&b.horizon.map(|h| h.day)).then(a.name.cmp(&b.name)));
    TeamSummary {
        team,
        on,
        scored_members: n,
        average_pillars,
        average_total,
        bands,
        movers_7d,
        movers_30d,
        below: below_rows,
        stale,
        unscored,
        leaderboard: rows,
    }
}

/// The most common industry among the team's members, ignoring ASCII case
/// (ties: the alphabetically first), spelt as the first of them by name spells it.
fn main_industry(conn: &Connection, team: TeamId) -> Result<Option<String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT industry FROM members WHERE team_id = ?1 ORDER BY name, id")?;
    let industries = stmt.query_map([team.0], |row| row.get::<_, Option<String>>(0))?;
    Ok(most_common_industry(industries.collect::<Result<Vec<_>, _>>()?))
}

/// The most common of the industries (of members by name), ignoring ASCII case (ties:
/// the alphabetically first), spelt as the first of them spells it.
pub(crate) fn most_common_industry(industries: Vec<Option<String>>) -> Option<String> {
    let mut counts: HashMap<String, (usize, String)> = HashMap::new();
    for industry in industries.into_iter().flatten().filter(|i| !i.trim().is_empty()) {
        counts.entry(industry.to_ascii_lowercase()).or_insert((0, industry)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|(ka, (na, _)), (kb, (nb, _))| na.cmp(nb).then_with(|| kb.cmp(ka)))
        .map(|(_, (_, name))| name)
}

/// The stored pillars and total, as of `?3`, of every member whose industry
/// is `?1` (ignoring ASCII case), by name: each from the member's series as
/// [`chosen_version_given`] picks it with `?2` the active version (the
/// active model's rows when the member has any, else the pushed series whose
/// latest row is the latest, by day and then by the order stored), and its
/// latest row on or before `?3`. Members without one are left out.
const INDUSTRY_SCORES_AS_OF: &str = "
    SELECT d.brand, d.people, d.insights, d.relationships, d.total
    FROM (SELECT m.id AS member_id, m.name AS name,
                 CASE WHEN EXISTS (SELECT 1 FROM daily_scores
                                   WHERE member_id = m.id AND model_version = ?2)
                      THEN ?2
                      ELSE (SELECT model_version FROM daily_scores
                            WHERE member_id = m.id AND model_version > 'push:' AND model_version < 'push;'
                            ORDER BY date DESC, rowid DESC LIMIT 1)
                 END AS version
          FROM members AS m WHERE m.industry = ?1 COLLATE NOCASE) AS chosen
    JOIN daily_scores AS d
      ON d.member_id = chosen.member_id AND d.model_version = chosen.version
     AND d.date = (SELECT max(date) FROM daily_scores
                   WHERE member_id = chosen.member_id AND model_version = chosen.version AND date <= ?3)
    ORDER BY chosen.name, chosen.member_id";

/// Splits members into those with a score as of `on` and those without.
fn score_members(
    conn: &Connection,
    members: Vec<Member>,
    on: NaiveDate,
) -> Result<(Vec<Scored>, Vec<Member>), StoreError> {
    let mut scored = Vec::new();
    let mut unscored = Vec::new();
    let active = active_version(conn)?;
    for member in members {
        let point = match chosen_version_given(conn, member.id, &active)? {
            Some(version) => point_with_changes(conn, member.id, &version, on)?,
            None => None,
        };
        place(member, point, &mut scored, &mut unscored);
    }
    Ok((scored, unscored))
}

/// Puts a member with their score as of the day asked (if any) among the scored or the unscored.
pub(crate) fn place(
    member: Member,
    point: Option<PointWithChanges>,
    scored: &mut Vec<Scored>,
    unscored: &mut Vec<Member>,
) {
    match point {
        Some((point, week, month)) => scored.push(Scored { member, point, changes: (week, month) }),
        None => unscored.push(member),
    }
}

/// 1 + the number of strictly higher totals.
fn rank_of(total: f64, all: impl Iterator<Item = f64>) -> u32 {
    1 + all.filter(|t| *t > total).count() as u32
}

pub(crate) fn leaderboard(mut scored: Vec<Scored>) -> Vec<LeaderboardRow> {
    scored.sort_by(|a, b| {
        b.point.total.total_cmp(&a.point.total).then_with(|| a.member.name.cmp(&b.member.name))
    });
    // Sorted best first, a row's rank is 1 + the index of the first row with its total.
    let mut rank = 0u32;
    let mut previous: Option<f64> = None;
    scored
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            if previous.is_none_or(|p| p > s.point.total) {
                rank = i as u32 + 1;
                previous = Some(s.point.total);
            }
            // Changes are measured from the day of the member's own latest score.
            let (change_7d, change_30d) = s.changes;
            LeaderboardRow {
                rank,
                member: s.member.id,
                change_7d,
                change_30d,
                horizon: s.member.horizon,
                name: s.member.name,
                score: s.point,
            }
        })
        .collect()
}

fn percentile(
    conn: &Connection,
    member: MemberId,
    group: Vec<Member>,
    on: NaiveDate,
) -> Result<Option<Percentile>, StoreError> {
    let (scored, _) = score_members(conn, group, on)?;
    Ok(percentile_of(member, &scored))
}

/// Where `member` stands among the scored members of a group; `None` without a score.
pub(crate) fn percentile_of(member: MemberId, scored: &[Scored]) -> Option<Percentile> {
    let own = scored.iter().find(|s| s.member.id == member)?;
    let size = scored.len() as u32;
    let rank = rank_of(own.point.total, scored.iter().map(|s| s.point.total));
    let top_percent = (u64::from(rank) * 100).div_ceil(u64::from(size)).clamp(1, 100) as u8;
    let group_average = scored.iter().map(|s| s.point.total).sum::<f64>() / f64::from(size);
    Some(Percentile { top_percent, rank, group_size: size, group_average })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ImportMeta, PushedScore};
    use ssi_core::{ActivityEvent, ActivityKind};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
    }

    /// A server of `per_kind` members of each kind: imported activity (the
    /// active model's rows), one pushed series, two pushed series (the later
    /// one wins), and scores only after the day asked. Industries are spelt in
    /// several cases; a few members belong to other teams or industries.
    fn server(per_kind: usize) -> (tempfile::TempDir, Store, TeamId) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ssi.db")).unwrap();
        let team = store.create_team("Sales").unwrap().id;
        let other = store.create_team("Other").unwrap().id;
        let spellings = ["Software", "software", "SOFTWARE"];
        let pushed = |value: f64, date: NaiveDate, version: &str| PushedScore {
            date,
            model_version: version.to_string(),
            pillars: PillarScores::from_array([value, value / 2.0, value / 3.0, value / 4.0]),
            total: value + value / 2.0 + value / 3.0 + value / 4.0,
            components: Vec::new(),
        };
        for i in 0..per_kind {
            let spelling = spellings[i % spellings.len()];
            let in_team = |k: usize| if (i + k) % 4 == 3 { Some(other) } else { Some(team) };
            let imported = store.create_member(&format!("imported {i}"), Some(spelling), in_team(0)).unwrap();
            let events: Vec<_> = (1..=(i as u32 % 5 + 1))
                .map(|d| {
                    ActivityEvent::new(ActivityKind::Post, day(d).and_hms_opt(9, 0, 0).unwrap().and_utc())
                })
                .map(Ok::<_, std::convert::Infallible>)
                .collect();
            let meta = ImportMeta {
                fingerprint: format!("export {i}"),
                source_name: "export.zip".into(),
                export_date: Some(day(10)),
                horizon_source: None,
                report: serde_json::json!({}),
            };
            store.import_export(imported.id, &meta, None, events, day(10)).unwrap();
            let once = store.create_member(&format!("pushed once {i}"), Some(spelling), in_team(1)).unwrap();
            store.push_scores(once.id, &[pushed(4.0 + (i % 15) as f64, day(5), "cli-1")]).unwrap();
            let twice =
                store.create_member(&format!("pushed twice {i}"), Some(spelling), in_team(2)).unwrap();
            store
                .push_scores(twice.id, &[pushed(9.0, day(3), "cli-2"), pushed(8.0, day(6), "cli-2")])
                .unwrap();
            store.push_scores(twice.id, &[pushed(5.0 + (i % 15) as f64, day(7), "cli-1")]).unwrap();
            let later = store.create_member(&format!("later {i}"), Some(spelling), Some(team)).unwrap();
            store.push_scores(later.id, &[pushed(12.0, day(25), "cli-1")]).unwrap();
        }
        // Outside the industry, in the team and out of it.
        let finance = store.create_member("finance", Some("Finance"), Some(team)).unwrap();
        store.push_scores(finance.id, &[pushed(20.0, day(5), "cli-1")]).unwrap();
        store.create_member("nobody", None, Some(team)).unwrap();
        (dir, store, team)
    }

    /// The rule as the team handler computed it before it was a store call:
    /// the team's members' industries, then every member's latest score.
    fn one_member_at_a_time(store: &Store, team: TeamId, on: NaiveDate) -> Option<IndustryAverage> {
        let mut counts: HashMap<String, (usize, String)> = HashMap::new();
        for member in store.list_team_members(team).unwrap() {
            if let Some(industry) = member.industry.filter(|i| !i.trim().is_empty()) {
                counts.entry(industry.to_ascii_lowercase()).or_insert((0, industry)).0 += 1;
            }
        }
        let (key, (_, name)) =
            counts.into_iter().max_by(|(ka, (na, _)), (kb, (nb, _))| na.cmp(nb).then_with(|| kb.cmp(ka)))?;
        let (mut sum, mut total, mut members) = (PillarScores::default(), 0.0, 0usize);
        for member in store.list_members().unwrap() {
            if member.industry.as_deref().is_none_or(|i| i.to_ascii_lowercase() != key) {
                continue;
            }
            if let Some(score) = store.latest_score(member.id, Some(on)).unwrap() {
                for pillar in Pillar::ALL {
                    sum[pillar] += score.pillars[pillar];
                }
                total += score.total;
                members += 1;
            }
        }
        let n = members as f64;
        (members > 0).then(|| IndustryAverage {
            name,
            members,
            average_total: total / n,
            average_pillars: PillarScores::from_array(sum.to_array().map(|v| v / n)),
        })
    }

    #[test]
    fn the_team_industry_average_is_what_each_member_s_latest_score_gives() {
        let (_dir, store, team) = server(7);
        for on in [day(2), day(6), day(9), day(30)] {
            let average = store.team_industry_average(team, on).unwrap();
            assert_eq!(average, one_member_at_a_time(&store, team, on), "on {on}");
        }
        let average = store.team_industry_average(team, day(9)).unwrap().unwrap();
        assert_eq!(average.name, "Software", "spelt as the first member by name spells it");
        assert_eq!(average.members, 7 * 3, "the imported and both pushed kinds; not the later ones");
        let before_anything = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        assert_eq!(store.team_industry_average(team, before_anything).unwrap(), None, "nobody scored yet");
        let empty = store.create_team("Empty").unwrap().id;
        assert_eq!(store.team_industry_average(empty, day(9)).unwrap(), None);
        assert!(store.team_industry_average(TeamId(9999), day(9)).is_err(), "no such team");
    }

    #[test]
    fn the_team_industry_average_takes_the_same_statements_whatever_the_number_of_members() {
        let statements = |per_kind: usize| {
            let (_dir, store, team) = server(per_kind);
            let before = store.pool.statements_read();
            let average = store.team_industry_average(team, day(9)).unwrap().unwrap();
            assert_eq!(average.members, per_kind * 3);
            store.pool.statements_read() - before
        };
        let (few, many) = (statements(2), statements(30));
        assert_eq!(few, many, "statements for 8 members of the team and for 120");
        assert!(few <= 6, "BEGIN, the team, its industries, the active version, the scores, COMMIT: {few}");
        // The counter counts: the per-member rule it replaced grows with members.
        let per_member = |per_kind: usize| {
            let (_dir, store, team) = server(per_kind);
            let before = store.pool.statements_read();
            one_member_at_a_time(&store, team, day(9));
            store.pool.statements_read() - before
        };
        assert!(per_member(30) > per_member(2));
    }

    #[test]
    fn member_overviews_are_what_each_member_s_own_calls_give() {
        let (_dir, store, _team) = server(3);
        let reading = ssi_core::OfficialReading::new(day(4), 30.0, ssi_core::ReadingSource::Manual);
        let first = store.list_members().unwrap()[0].id;
        store
            .add_readings(first, &[reading.clone(), ssi_core::OfficialReading { date: day(5), ..reading }])
            .unwrap();
        for on in [day(2), day(9)] {
            let overviews = store.member_overviews(on).unwrap();
            let members = store.list_members().unwrap();
            assert_eq!(overviews.len(), members.len());
            for (overview, member) in overviews.iter().zip(members) {
                assert_eq!(overview.latest_score, store.latest_score(member.id, Some(on)).unwrap());
                assert_eq!(overview.readings, store.readings(member.id, None, None).unwrap().len());
                assert_eq!(overview.activity, store.activity_span(member.id).unwrap());
                assert_eq!(overview.member, member);
            }
            assert_eq!(overviews.iter().map(|o| o.readings).sum::<usize>(), 2);
            assert!(
                overviews.iter().any(|o| o.latest_score.as_ref().is_some_and(|s| !s.components.is_empty()))
            );
        }
    }
}
