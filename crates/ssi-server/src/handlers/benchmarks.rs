//! `/api/v1/members/{member}/benchmark`: the member against their industry and team on this
//! server ("Top N%"), beside LinkedIn's own industry, network and team ranks.

use super::member_for;
use crate::auth::{Access, Principal};
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::state::AppState;
use crate::wire::{BenchmarkView, DateQuery, OfficialStanding, ScoreView, Standing};
use axum::extract::State;

/// `GET /api/v1/members/{member}/benchmark?date=`.
pub(crate) async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<DateQuery>,
) -> Result<axum::Json<BenchmarkView>, ApiError> {
    let member = member_for(&state, &principal, id, Access::MemberReader).await?;
    let date = state.day_asked(query.date)?;
    let member_id = member.id;
    let (score, industry, team, reading) = state
        .db(move |store| {
            Ok((
                store.latest_score(member_id, Some(date))?,
                store.percentile_in_industry(member_id, date)?,
                store.percentile_in_team(member_id, date)?,
                store.latest_reading(member_id)?,
            ))
        })
        .await?;
    let freshness = super::scores::freshness_of(&state, &member, query.date);
    Ok(axum::Json(BenchmarkView {
        freshness: freshness.clone(),
        member: member.id.0,
        date,
        score: score.as_ref().map(|s| ScoreView::new(member.id.0, s).with_freshness(freshness.clone())),
        industry_name: member.industry,
        industry: industry.map(Standing::from),
        team: team.map(Standing::from),
        official: reading.map(|r| OfficialStanding {
            date: r.date,
            total: r.total,
            industry: r.industry,
            network: r.network,
            team: r.team,
        }),
    }))
}
