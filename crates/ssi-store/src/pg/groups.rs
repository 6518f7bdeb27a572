//! Group questions on PostgreSQL: `groups.rs`'s methods of [`crate::Store`] on
//! [`PgStore`] (leaderboards, team summaries, the team's industry average, member
//! overviews, percentiles), with the same results.
//!
//! Ranking, averages, movers and percentiles are `groups.rs`'s own functions; only the
//! SQL is PostgreSQL's. Each question is one read transaction, and the industry average
//! a fixed number of statements whatever the number of members, as in SQLite.

use super::PgStore;
use super::events::activity_span_in;
use super::rows::{active_version, all_members, industry_members, member_by_id, team_by_id, team_members};
use super::score_reads::{latest_score_in, point_with_changes};
use super::series::{chosen_version_given, latest_pushed_first};
use crate::db::range_end;
use crate::error::StoreError;
use crate::groups::{
    Scored, industry_average, leaderboard, most_common_industry, percentile_of, place, summarise,
};
use crate::types::{
    IndustryAverage, LeaderboardRow, Member, MemberId, MemberOverview, Percentile, TeamId, TeamSummary,
};
use chrono::NaiveDate;
use tokio_postgres::Transaction;

impl PgStore {
    /// [`crate::Store::team_leaderboard`]: the team's scored members, best total first.
    pub fn team_leaderboard(&self, team: TeamId, on: NaiveDate) -> Result<Vec<LeaderboardRow>, StoreError> {
        self.read(async |tx| leaderboard_in(tx, team, on).await)
    }

    /// [`crate::Store::team_summary`]: the team at a glance on `on`.
    pub fn team_summary(
        &self,
        team: TeamId,
        on: NaiveDate,
        below: f64,
        stale_after_days: u32,
    ) -> Result<TeamSummary, StoreError> {
        self.read(async |tx| summary_in(tx, team, on, below, stale_after_days).await)
    }

    /// [`crate::Store::team_summaries`]: the summary of each of `teams`, in their order,
    /// from one consistent read.
    pub fn team_summaries(
        &self,
        teams: &[TeamId],
        on: NaiveDate,
        below: f64,
        stale_after_days: u32,
    ) -> Result<Vec<TeamSummary>, StoreError> {
        self.read(async |tx| {
            let mut summaries = Vec::with_capacity(teams.len());
            for &team in teams {
                summaries.push(summary_in(tx, team, on, below, stale_after_days).await?);
            }
            Ok(summaries)
        })
    }

    /// [`crate::Store::team_industry_average`]: the team's main industry and the average
    /// score, as of `on`, of every member in it who has one; three statements after the
    /// team's.
    pub fn team_industry_average(
        &self,
        team: TeamId,
        on: NaiveDate,
    ) -> Result<Option<IndustryAverage>, StoreError> {
        self.read(async |tx| {
            team_by_id(tx, team).await?;
            let industries = tx
                .query(r#"SELECT industry FROM members WHERE team_id = $1 ORDER BY ssi_nocase(name) COLLATE "C", id"#, &[
                    &team.0,
                ])
                .await?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<Vec<Option<String>>, _>>()?;
            let Some(name) = most_common_industry(industries) else { return Ok(None) };
            let rows = tx
                .query(
                    concat!(
                        "SELECT d.brand, d.people, d.insights, d.relationships, d.total
                         FROM (SELECT m.id AS member_id, m.name AS name,
                                      CASE WHEN EXISTS (SELECT 1 FROM daily_scores
                                                        WHERE member_id = m.id AND model_version = $2)
                                           THEN $2
                                           ELSE (SELECT model_version FROM daily_scores
                                                 WHERE member_id = m.id AND starts_with(model_version, 'push:')",
                        latest_pushed_first!(),
                        r#" LIMIT 1)
                                      END AS version
                               FROM members AS m WHERE ssi_nocase(m.industry) = ssi_nocase($1)) AS chosen
                         JOIN daily_scores AS d
                           ON d.member_id = chosen.member_id AND d.model_version = chosen.version
                          AND d.date = (SELECT max(date) FROM daily_scores
                                        WHERE member_id = chosen.member_id AND model_version = chosen.version
                                          AND date <= $3)
                         ORDER BY ssi_nocase(chosen.name) COLLATE "C", chosen.member_id"#
                    ),
                    &[&name, &active_version(tx).await?, &range_end(Some(on))],
                )
                .await?;
            let scores = rows
                .iter()
                .map(|row| {
                    let pillars = [row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?];
                    Ok((pillars, row.try_get(4)?))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(industry_average(name, scores))
        })
    }

    /// [`crate::Store::member_overviews`]: every member, by name, with their latest
    /// score on or before `on`, their number of readings and their activity span.
    pub fn member_overviews(&self, on: NaiveDate) -> Result<Vec<MemberOverview>, StoreError> {
        self.read(async |tx| {
            let mut overviews = Vec::new();
            for member in all_members(tx).await? {
                let readings: i64 = tx
                    .query_one("SELECT count(*) FROM official_readings WHERE member_id = $1", &[&member.id.0])
                    .await?
                    .try_get(0)?;
                overviews.push(MemberOverview {
                    latest_score: latest_score_in(tx, member.id, Some(on)).await?,
                    readings: usize::try_from(readings).unwrap_or_default(),
                    activity: activity_span_in(tx, member.id).await?,
                    member,
                });
            }
            Ok(overviews)
        })
    }

    /// [`crate::Store::percentile_in_team`]: where the member stands in their team on
    /// `on`; `None` without a team or a score.
    pub fn percentile_in_team(
        &self,
        member: MemberId,
        on: NaiveDate,
    ) -> Result<Option<Percentile>, StoreError> {
        self.read(async |tx| {
            let Some(team) = member_by_id(tx, member).await?.team else { return Ok(None) };
            let (scored, _) = score_members(tx, team_members(tx, team).await?, on).await?;
            Ok(percentile_of(member, &scored))
        })
    }

    /// [`crate::Store::percentile_in_industry`]: where the member stands among members
    /// of the same industry on `on`; `None` without an industry or a score.
    pub fn percentile_in_industry(
        &self,
        member: MemberId,
        on: NaiveDate,
    ) -> Result<Option<Percentile>, StoreError> {
        self.read(async |tx| {
            let Some(industry) = member_by_id(tx, member).await?.industry else { return Ok(None) };
            let (scored, _) = score_members(tx, industry_members(tx, &industry).await?, on).await?;
            Ok(percentile_of(member, &scored))
        })
    }
}

/// [`PgStore::team_leaderboard`] in the caller's transaction.
pub(crate) async fn leaderboard_in(
    tx: &Transaction<'_>,
    team: TeamId,
    on: NaiveDate,
) -> Result<Vec<LeaderboardRow>, StoreError> {
    team_by_id(tx, team).await?;
    let (scored, _) = score_members(tx, team_members(tx, team).await?, on).await?;
    Ok(leaderboard(scored))
}

/// [`PgStore::team_summary`] in the caller's transaction.
async fn summary_in(
    tx: &Transaction<'_>,
    team: TeamId,
    on: NaiveDate,
    below: f64,
    stale_after_days: u32,
) -> Result<TeamSummary, StoreError> {
    let team = team_by_id(tx, team).await?;
    let (scored, unscored) = score_members(tx, team_members(tx, team.id).await?, on).await?;
    Ok(summarise(team, on, below, stale_after_days, scored, unscored))
}

/// Splits members into those with a score as of `on` and those without.
async fn score_members(
    tx: &Transaction<'_>,
    members: Vec<Member>,
    on: NaiveDate,
) -> Result<(Vec<Scored>, Vec<Member>), StoreError> {
    let (mut scored, mut unscored) = (Vec::new(), Vec::new());
    let active = active_version(tx).await?;
    for member in members {
        let point = match chosen_version_given(tx, member.id, &active).await? {
            Some(version) => point_with_changes(tx, member.id, &version, on).await?,
            None => None,
        };
        place(member, point, &mut scored, &mut unscored);
    }
    Ok((scored, unscored))
}
