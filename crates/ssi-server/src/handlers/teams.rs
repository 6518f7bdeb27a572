//! `/api/v1/teams`: list, create, get, update and delete teams, and read a team's
//! leaderboard and summary.

use super::{JsonBody, managed_team, require_admin, visible_team};
use crate::auth::{Principal, hidden};
use crate::cache::{Answer, AnswerKey, DataVersion};
use crate::error::ApiError;
use crate::extract::{JsonObject, Path, Query};
use crate::state::AppState;
use crate::wire::{
    DateQuery, IndustryAverage, LeaderboardEntry, LeaderboardView, SummaryQuery, SummaryView, TeamBody,
    TeamView,
};
use axum::extract::State;
use axum::http::StatusCode;
use ssi_store::TeamId;

/// `GET /api/v1/teams`: every team for an admin, the caller's own team otherwise.
pub(crate) async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<axum::Json<Vec<TeamView>>, ApiError> {
    let teams = state.db(|store| store.list_teams()).await?;
    let visible = teams.into_iter().filter(|t| principal.sees_team(t.id)).map(TeamView::from).collect();
    Ok(axum::Json(visible))
}

/// `POST /api/v1/teams` (admin).
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    JsonObject(body): JsonObject<TeamBody>,
) -> Result<(StatusCode, axum::Json<TeamView>), ApiError> {
    require_admin(&principal)?;
    let team = state.db(move |store| store.create_team(&body.name)).await?;
    Ok((StatusCode::CREATED, axum::Json(team.into())))
}

/// `GET /api/v1/teams/{team}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<axum::Json<TeamView>, ApiError> {
    Ok(axum::Json(visible_team(&state, &principal, id).await?.into()))
}

/// `PATCH /api/v1/teams/{team}` (admin): rename.
pub(crate) async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    JsonObject(body): JsonObject<TeamBody>,
) -> Result<axum::Json<TeamView>, ApiError> {
    let team = visible_team(&state, &principal, id).await?;
    require_admin(&principal)?;
    let renamed = state.db(move |store| store.rename_team(team.id, &body.name)).await?;
    Ok(axum::Json(renamed.into()))
}

/// `DELETE /api/v1/teams/{team}` (admin): the members stay, without a team.
pub(crate) async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let team = visible_team(&state, &principal, id).await?;
    require_admin(&principal)?;
    state.db(move |store| store.delete_team(team.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/teams/{team}/leaderboard`: anyone of the team.
///
/// Served from the answer cache when the database has not changed since it was rendered
/// (see [`crate::cache`]); the caller's access to the team is checked first either way.
pub(crate) async fn leaderboard(
    State(state): State<AppState>,
    principal: Principal,
    DataVersion(version): DataVersion,
    Path(id): Path<i64>,
    Query(query): Query<DateQuery>,
) -> Result<JsonBody, ApiError> {
    // The same rule as `visible_team`; a cached answer exists only for a team that
    // existed at the version it belongs to, so a hit needs no further check.
    if !principal.sees_team(TeamId(id)) {
        return Err(ApiError::not_found("team"));
    }
    let date = state.day_asked(query.date)?;
    let key = AnswerKey::Leaderboard { team: TeamId(id), date };
    let stale_after_days = state.config.stale_after_days;
    if let Some(answer) = state.caches.answer(version, &key) {
        return Ok(JsonBody(answer.body));
    }
    let body = state
        .blocking(move |store| {
            let team = store.get_team(TeamId(id)).map_err(ApiError::from).map_err(hidden("team"))?;
            let rows = store.team_leaderboard(team.id, date)?;
            let size_hint = 256 + rows.len() * 320;
            let view = LeaderboardView {
                team: team.into(),
                date,
                rows: rows.into_iter().map(|r| LeaderboardEntry::new(r, date, stale_after_days)).collect(),
            };
            JsonBody::render(&view, size_hint)
        })
        .await?;
    state.caches.remember_answer(version, key, Answer { body: body.0.clone(), member: None });
    Ok(body)
}

/// `GET /api/v1/teams/{team}/summary`: the team's manager or an admin.
pub(crate) async fn summary(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<SummaryQuery>,
) -> Result<axum::Json<SummaryView>, ApiError> {
    let team = managed_team(&state, &principal, id).await?;
    let date = state.day_asked(query.date)?;
    let threshold = query.below.unwrap_or(state.config.below_threshold);
    if !(0.0..=100.0).contains(&threshold) {
        return Err(ApiError::BadRequest(format!("below={threshold} is outside 0–100")));
    }
    let team_id = team.id;
    let stale_after_days = state.config.stale_after_days;
    let (summary, industry) = state
        .db(move |store| {
            let summary = store.team_summary(team_id, date, threshold, stale_after_days)?;
            let industry = store.team_industry_average(team_id, date)?.map(industry_average_view);
            Ok((summary, industry))
        })
        .await?;
    Ok(axum::Json(SummaryView::new(summary, threshold, industry, stale_after_days)))
}

/// The store's answer as the wire's: the average per pillar over every scored member on
/// the server sharing the team's most common industry ([`ssi_store::Store::team_industry_average`],
/// one store call whatever the number of members).
fn industry_average_view(average: ssi_store::IndustryAverage) -> IndustryAverage {
    IndustryAverage {
        name: average.name,
        members: average.members,
        average_total: average.average_total,
        average_pillars: average.average_pillars,
    }
}
