//! `GET /api/v1/jobs/{job}`: progress and result of an export import, read from the
//! database, so any replica answers for a job any replica accepted.

use crate::auth::{Principal, hidden};
use crate::error::ApiError;
use crate::extract::Path;
use crate::state::AppState;
use crate::wire::JobView;
use axum::extract::State;

/// `GET /api/v1/jobs/{job}`: whoever may read the member the export belongs to. Anyone
/// else gets 404, as for a job that does not exist.
pub(crate) async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<u64>,
) -> Result<axum::Json<JobView>, ApiError> {
    let id = i64::try_from(id).map_err(|_| ApiError::not_found("job"))?;
    let job = state.db(move |store| store.upload_job(id)).await.map_err(hidden("job"))?;
    let member_id = job.member;
    let member = state.db(move |store| store.get_member(member_id)).await.map_err(hidden("job"))?;
    if principal.reads_member(&member) {
        Ok(axum::Json(crate::jobs::view(job)))
    } else {
        Err(ApiError::not_found("job"))
    }
}
