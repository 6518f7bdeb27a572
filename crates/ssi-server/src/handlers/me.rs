//! `GET /api/v1/me`: who a token belongs to and what is in its scope.

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::{MeView, MemberView, TeamView};
use axum::extract::State;

/// `GET /api/v1/me`: any valid token.
pub(crate) async fn get(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<axum::Json<MeView>, ApiError> {
    let (member, team) = (principal.member(), principal.team);
    let (member, team) = state
        .db(move |store| {
            let member = member.map(|m| store.get_member(m)).transpose()?;
            let team = team.map(|t| store.get_team(t)).transpose()?;
            Ok((member, team))
        })
        .await?;
    Ok(axum::Json(MeView {
        token: principal.token.into(),
        member: member.map(MemberView::from),
        team: team.map(TeamView::from),
    }))
}
