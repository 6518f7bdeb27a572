//! `/api/v1/teams/{team}/members` and `/api/v1/members/{member}`: list, create, get,
//! update and delete members.

use super::{managed_team, member_for};
use crate::auth::{Access, Principal};
use crate::error::ApiError;
use crate::extract::{JsonObject, Path};
use crate::state::AppState;
use crate::wire::{CreateMember, MemberView, UpdateMember};
use axum::extract::State;
use axum::http::StatusCode;
use ssi_store::TeamId;

/// `GET /api/v1/teams/{team}/members`: the team's manager or an admin.
pub(crate) async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(team): Path<i64>,
) -> Result<axum::Json<Vec<MemberView>>, ApiError> {
    let team = managed_team(&state, &principal, team).await?;
    let members = state.db(move |store| store.list_team_members(team.id)).await?;
    Ok(axum::Json(members.into_iter().map(MemberView::from).collect()))
}

/// `POST /api/v1/teams/{team}/members`: the team's manager or an admin.
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Path(team): Path<i64>,
    JsonObject(body): JsonObject<CreateMember>,
) -> Result<(StatusCode, axum::Json<MemberView>), ApiError> {
    let team = managed_team(&state, &principal, team).await?;
    let member = state
        .db(move |store| store.create_member(&body.name, body.industry.as_deref(), Some(team.id)))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(member.into())))
}

/// `GET /api/v1/members/{member}`: the member, the team's manager or an admin.
pub(crate) async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<axum::Json<MemberView>, ApiError> {
    Ok(axum::Json(member_for(&state, &principal, id, Access::MemberReader).await?.into()))
}

/// `PATCH /api/v1/members/{member}`: rename or set the industry (the team's manager or an
/// admin); move to another team (admin only). All or nothing is not promised across
/// fields: each present field is applied in turn, and the first failure is answered.
pub(crate) async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    JsonObject(body): JsonObject<UpdateMember>,
) -> Result<axum::Json<MemberView>, ApiError> {
    let member = member_for(&state, &principal, id, Access::MemberManager).await?;
    if body.team.is_some() && !principal.is_admin() {
        return Err(ApiError::Forbidden("only an admin may move a member to another team".into()));
    }
    if let Some(name) = &body.name
        && name.trim().is_empty()
    {
        return Err(ApiError::Unprocessable("name must not be empty".into()));
    }
    let member_id = member.id;
    let updated = state
        .db(move |store| {
            if let Some(Some(team)) = body.team {
                // Check the target first so a bad team changes nothing.
                store.get_team(TeamId(team))?;
            }
            let mut current = store.get_member(member_id)?;
            if let Some(name) = &body.name {
                current = store.rename_member(member_id, name)?;
            }
            if let Some(industry) = &body.industry {
                current = store.set_member_industry(member_id, industry.as_deref())?;
            }
            if let Some(team) = body.team {
                current = store.set_member_team(member_id, team.map(TeamId))?;
            }
            Ok(current)
        })
        .await?;
    Ok(axum::Json(updated.into()))
}

/// `DELETE /api/v1/members/{member}`: the team's manager or an admin. Deletes the member's
/// data and tokens.
pub(crate) async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let member = member_for(&state, &principal, id, Access::MemberManager).await?;
    state.db(move |store| store.delete_member(member.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
