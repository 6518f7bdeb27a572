//! Group questions: team leaderboards and summaries, and percentiles in a team or an industry.
//!
//! Every member is scored "as of" the day asked: their latest stored score on
//! or before it, from the series [`Store::latest_score`] reads (the active
//! model's, else the member's pushed series).

use crate::Store;
use crate::error::StoreError;
use crate::members::{industry_members, member_by_id, team_by_id, team_members};
use crate::models::active_version;
use crate::score_reads::point_with_changes;
use crate::series::chosen_version_given;
use crate::types::{
    BandCount, LeaderboardRow, Member, MemberId, Mover, Percentile, ScorePoint, TeamId, TeamSummary,
};
use chrono::NaiveDate;
use rusqlite::Connection;
use ssi_core::{Band, Pillar, PillarScores};

/// Movers listed in a summary, per period.
const MOVERS_LISTED: usize = 5;

/// A member with a score as of the day asked.
struct Scored {
    member: Member,
    point: ScorePoint,
    /// Change of the total over 7 and over 30 days up to the point's day.
    changes: (Option<f64>, Option<f64>),
}

impl Store {
    /// The team's scored members, best total first, with 7- and 30-day changes.
    /// Members without a score are left out (see [`TeamSummary::unscored`]).
    pub fn team_leaderboard(&self, team: TeamId, on: NaiveDate) -> Result<Vec<LeaderboardRow>, StoreError> {
        self.pool.read(|tx| {
            team_by_id(tx, team)?;
            let (scored, _) = score_members(tx, team_members(tx, team)?, on)?;
            Ok(leaderboard(scored))
        })
    }

    /// The team at a glance on `on`: averages, band distribution, biggest
    /// movers over 7 and 30 days, members whose total is below `below`,
    /// members whose data is more than `stale_after_days` old on `on` (listed
    /// apart, never as movers), and members without a score.
    pub fn team_summary(
        &self,
        team: TeamId,
        on: NaiveDate,
        below: f64,
        stale_after_days: u32,
    ) -> Result<TeamSummary, StoreError> {
        self.pool.read(|tx| {
            let team = team_by_id(tx, team)?;
            let (scored, unscored) = score_members(tx, team_members(tx, team.id)?, on)?;
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
            let is_stale = |r: &LeaderboardRow| {
                r.horizon.is_some_and(|h| (on - h.day).num_days() > i64::from(stale_after_days))
            };
            let movers = |change: fn(&LeaderboardRow) -> Option<f64>| {
                let mut movers: Vec<Mover> = rows
                    .iter()
                    .filter(|r| !is_stale(r))
                    .filter_map(|r| {
                        change(r).map(|c| Mover { member: r.member, name: r.name.clone(), change: c })
                    })
                    .collect();
                movers.sort_by(|a, b| {
                    b.change.abs().total_cmp(&a.change.abs()).then_with(|| a.name.cmp(&b.name))
                });
                movers.truncate(MOVERS_LISTED);
                movers
            };
            let movers_7d = movers(|r| r.change_7d);
            let movers_30d = movers(|r| r.change_30d);
            let mut below_rows: Vec<LeaderboardRow> =
                rows.iter().filter(|r| r.score.total < below).cloned().collect();
            below_rows.reverse();
            let mut stale: Vec<LeaderboardRow> = rows.iter().filter(|r| is_stale(r)).cloned().collect();
            stale.sort_by(|a, b| {
                a.horizon.map(|h| h.day).cmp(&b.horizon.map(|h| h.day)).then(a.name.cmp(&b.name))
            });
            Ok(TeamSummary {
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
            })
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
        match point {
            Some((point, week, month)) => scored.push(Scored { member, point, changes: (week, month) }),
            None => unscored.push(member),
        }
    }
    Ok((scored, unscored))
}

/// 1 + the number of strictly higher totals.
fn rank_of(total: f64, all: impl Iterator<Item = f64>) -> u32 {
    1 + all.filter(|t| *t > total).count() as u32
}

fn leaderboard(mut scored: Vec<Scored>) -> Vec<LeaderboardRow> {
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
    let Some(own) = scored.iter().find(|s| s.member.id == member) else { return Ok(None) };
    let size = scored.len() as u32;
    let rank = rank_of(own.point.total, scored.iter().map(|s| s.point.total));
    let top_percent = (u64::from(rank) * 100).div_ceil(u64::from(size)).clamp(1, 100) as u8;
    let group_average = scored.iter().map(|s| s.point.total).sum::<f64>() / f64::from(size);
    Ok(Some(Percentile { top_percent, rank, group_size: size, group_average }))
}
