//! Request handlers, one file per resource, verbs as function names; the route table in
//! [`crate::routes`] wires them up.

pub(crate) mod advice;
pub(crate) mod benchmarks;
pub(crate) mod exports;
pub(crate) mod health;
pub(crate) mod jobs;
pub(crate) mod me;
pub(crate) mod members;
pub(crate) mod pages;
pub(crate) mod push;
pub(crate) mod readings;
pub(crate) mod scores;
pub(crate) mod session;
pub(crate) mod teams;
pub(crate) mod tokens;

use crate::auth::{Access, Principal, hidden};
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use ssi_store::{Member, MemberId, Team, TeamId};

/// A JSON answer already rendered (possibly shared with the answer cache): the same bytes
/// and content type `axum::Json` of the same value would send.
#[derive(Debug, Clone)]
pub(crate) struct JsonBody(pub Bytes);

impl JsonBody {
    /// Renders a value, reserving `size_hint` bytes up front.
    pub(crate) fn render<T: Serialize>(value: &T, size_hint: usize) -> Result<JsonBody, ApiError> {
        let mut buffer = Vec::with_capacity(size_hint);
        serde_json::to_writer(&mut buffer, value).map_err(ApiError::internal)?;
        Ok(JsonBody(Bytes::from(buffer)))
    }
}

impl IntoResponse for JsonBody {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], self.0).into_response()
    }
}

/// Loads a member the caller may act on under a rule about one member (see
/// [`Principal::check_member`]): 404 when missing or hidden, 403 when visible but not allowed.
pub(crate) async fn member_for(
    state: &AppState,
    principal: &Principal,
    id: i64,
    access: Access,
) -> Result<Member, ApiError> {
    let member = state.db(move |store| store.get_member(MemberId(id))).await.map_err(hidden("member"))?;
    principal.check_member(&member, access)?;
    Ok(member)
}

/// Loads a team the caller may see: 404 when missing or hidden.
pub(crate) async fn visible_team(state: &AppState, principal: &Principal, id: i64) -> Result<Team, ApiError> {
    if !principal.sees_team(TeamId(id)) {
        return Err(ApiError::not_found("team"));
    }
    state.db(move |store| store.get_team(TeamId(id))).await.map_err(hidden("team"))
}

/// Loads a team the caller manages: 404 when hidden, 403 when visible but not managed.
pub(crate) async fn managed_team(state: &AppState, principal: &Principal, id: i64) -> Result<Team, ApiError> {
    let team = visible_team(state, principal, id).await?;
    if principal.manages_team(team.id) {
        Ok(team)
    } else {
        Err(ApiError::Forbidden("only the team's manager or an admin may do this".into()))
    }
}

/// Checks the caller is an admin.
pub(crate) fn require_admin(principal: &Principal) -> Result<(), ApiError> {
    if principal.is_admin() { Ok(()) } else { Err(ApiError::Forbidden("only an admin may do this".into())) }
}
