//! `/api/v1/members/{member}/score`, `/history` and `/explanation`: a member's estimate, its
//! daily history beside official readings, and where every point came from.

use super::{MemberAccess, member_for};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::state::AppState;
use crate::wire::{
    DateQuery, ExplanationQuery, ExplanationView, HistoryDay, HistoryView, RangeQuery, ScoreView,
};
use axum::extract::State;
use ssi_core::{DailyScore, Pillar};
use ssi_store::MemberId;

async fn score_of(
    state: &AppState,
    member: MemberId,
    date: Option<chrono::NaiveDate>,
) -> Result<DailyScore, ApiError> {
    state
        .db(move |store| store.latest_score(member, date))
        .await?
        .ok_or_else(|| ApiError::NotFound("this member has no score on or before that day".into()))
}

/// `GET /api/v1/members/{member}/score?date=`: the score as of the day (latest when absent).
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<DateQuery>,
) -> Result<axum::Json<ScoreView>, ApiError> {
    let member = member_for(&state, &principal, id, MemberAccess::Read).await?;
    let score = score_of(&state, member.id, query.date).await?;
    Ok(axum::Json(ScoreView::new(member.id.0, &score)))
}

/// `GET /api/v1/members/{member}/history?from=&to=`: estimates and official readings by day.
pub async fn history(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<RangeQuery>,
) -> Result<axum::Json<HistoryView>, ApiError> {
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(ApiError::BadRequest(format!("from={from} is after to={to}")));
    }
    let member = member_for(&state, &principal, id, MemberAccess::Read).await?;
    let (from, to) = (query.from, query.to);
    let rows = state.db(move |store| store.history(member.id, from, to)).await?;
    Ok(axum::Json(HistoryView {
        member: member.id.0,
        from,
        to,
        days: rows.into_iter().map(HistoryDay::from).collect(),
    }))
}

/// `GET /api/v1/members/{member}/explanation?date=&pillar=`: every component's points,
/// biggest gap first, with the action that would earn the rest.
pub async fn explanation(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<ExplanationQuery>,
) -> Result<axum::Json<ExplanationView>, ApiError> {
    let pillar = query
        .pillar
        .as_deref()
        .map(str::parse::<Pillar>)
        .transpose()
        .map_err(|e| ApiError::BadRequest(format!("pillar: {e}")))?;
    let member = member_for(&state, &principal, id, MemberAccess::Read).await?;
    let score = score_of(&state, member.id, query.date).await?;
    Ok(axum::Json(ExplanationView::new(member.id.0, &score, pillar)))
}
