//! `/api/v1/tokens`: API tokens, listed, created and revoked. Admins manage every token; a
//! team's manager manages the member tokens of their team. (`ssi-server token …` does the
//! same offline.)

use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::{JsonObject, Path};
use crate::state::AppState;
use crate::wire::{CreateToken, CreatedToken, TokenView};
use axum::extract::State;
use axum::http::StatusCode;
use ssi_store::{Backend, MemberId, Role, StoreError, TeamId, TokenId, TokenInfo};

/// Whether the principal may see and revoke this token.
fn manages_token(store: &dyn Backend, principal: &Principal, token: &TokenInfo) -> Result<bool, StoreError> {
    if principal.is_admin() {
        return Ok(true);
    }
    if principal.role() != Role::Manager {
        return Ok(false);
    }
    let Some(team) = principal.team else { return Ok(false) };
    Ok(match (token.role, token.member) {
        (Role::Member, Some(member)) => match store.get_member(member) {
            Ok(member) => member.team == Some(team),
            Err(StoreError::NotFound { .. }) => false,
            Err(other) => return Err(other),
        },
        _ => false,
    })
}

fn require_token_manager(principal: &Principal) -> Result<(), ApiError> {
    match principal.role() {
        Role::Admin | Role::Manager => Ok(()),
        Role::Member => Err(ApiError::Forbidden("only an admin or a manager may manage tokens".into())),
    }
}

/// `GET /api/v1/tokens`: all tokens for an admin, the team's member tokens for a manager.
pub(crate) async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<axum::Json<Vec<TokenView>>, ApiError> {
    require_token_manager(&principal)?;
    let caller = principal.clone();
    let tokens = state
        .db(move |store| match (caller.role(), caller.team) {
            // The tokens `manages_token` accepts, each list in one store call.
            (Role::Admin, _) => store.list_tokens(),
            (Role::Manager, Some(team)) => store.team_member_tokens(team),
            _ => Ok(Vec::new()),
        })
        .await?;
    Ok(axum::Json(tokens.into_iter().map(TokenView::from).collect()))
}

/// `POST /api/v1/tokens`: an admin creates any token; a manager creates member tokens for
/// members of their team. The secret is in the answer, and nowhere else, ever.
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    JsonObject(body): JsonObject<CreateToken>,
) -> Result<(StatusCode, axum::Json<CreatedToken>), ApiError> {
    require_token_manager(&principal)?;
    let role = Role::from(body.role);
    let member = body.member.map(MemberId);
    let team = body.team.map(TeamId);
    if !principal.is_admin() {
        if role != Role::Member {
            return Err(ApiError::Forbidden("a manager may only create member tokens".into()));
        }
        let Some(member_id) = member else {
            return Err(ApiError::Unprocessable("a member token needs a member".into()));
        };
        let found = state
            .db(move |store| store.get_member(member_id))
            .await
            .map_err(crate::auth::hidden("member"))?;
        if found.team.is_none() || found.team != principal.team {
            return Err(ApiError::not_found("member"));
        }
    }
    let label = body.label;
    let (token, info) = state.db(move |store| store.create_token(role, member, team, &label)).await?;
    tracing::info!(token = info.id.0, role = %info.role, "token created");
    Ok((StatusCode::CREATED, axum::Json(CreatedToken { token, info: info.into() })))
}

/// `DELETE /api/v1/tokens/{token}`: revokes the token and ends its dashboard sessions.
pub(crate) async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<axum::Json<TokenView>, ApiError> {
    require_token_manager(&principal)?;
    let caller = principal.clone();
    let revoked = state
        .db(move |store| {
            let token = match store.get_token(TokenId(id)) {
                Ok(token) => token,
                Err(StoreError::NotFound { .. }) => return Ok(None),
                Err(other) => return Err(other),
            };
            if !manages_token(store, &caller, &token)? {
                return Ok(None);
            }
            store.revoke_token(token.id).map(Some)
        })
        .await?
        .ok_or_else(|| ApiError::not_found("token"))?;
    tracing::info!(token = revoked.id.0, "token revoked");
    // Its sessions are refused from now on by every replica (the lookup joins the token);
    // removing them is tidying, so a failure here is logged, not answered.
    let token = revoked.id;
    if let Err(error) = state.db(move |store| store.end_token_sessions(token)).await {
        tracing::warn!(token = token.0, %error, "could not remove a revoked token's sessions");
    }
    Ok(axum::Json(revoked.into()))
}
