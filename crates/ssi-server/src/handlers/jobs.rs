//! `GET /api/v1/jobs/{job}`: progress and result of an export import.

use crate::auth::{Principal, hidden};
use crate::error::ApiError;
use crate::extract::Path;
use crate::state::AppState;
use crate::wire::JobView;
use axum::extract::State;
use ssi_store::MemberId;

/// `GET /api/v1/jobs/{job}`: whoever may read the member the export belongs to. Anyone
/// else gets 404, as for a job that does not exist.
pub(crate) async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<u64>,
) -> Result<axum::Json<JobView>, ApiError> {
    let job = state.jobs.get(id).ok_or_else(|| ApiError::not_found("job"))?;
    let member_id = MemberId(job.member);
    let member = state.db(move |store| store.get_member(member_id)).await.map_err(hidden("job"))?;
    if principal.reads_member(&member) { Ok(axum::Json(job)) } else { Err(ApiError::not_found("job")) }
}
