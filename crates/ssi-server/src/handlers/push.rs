//! `POST /api/v1/push`: a member's CLI pushes daily scores and official readings (numbers
//! only, never raw activity) with the member's own token.

use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::JsonObject;
use crate::state::AppState;
use axum::extract::State;
use ssi_api::{MAX_PUSHED_DAYS, PushRequest, PushResponse};
use ssi_core::{ReadingSource, TOTAL_MAX};
use ssi_store::PushedScore;

/// `POST /api/v1/push` (member tokens): scores are stored under `push:<model_version>`,
/// readings with source `push`. Everything is checked before anything is stored. New scores
/// are judged against the alert rule after the answer, in the background.
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    body: Result<JsonObject<PushRequest>, ApiError>,
) -> Result<axum::Json<PushResponse>, ApiError> {
    // Who may push is decided before the body is read: a manager's malformed push is a 403.
    let member = principal.member().ok_or_else(|| {
        ApiError::Forbidden("push needs a member's token: it stores that member's scores".into())
    })?;
    let JsonObject(body) = body?;
    let version = body.model_version.trim().to_string();
    if version.is_empty() || version.chars().count() > 100 {
        return Err(ApiError::Unprocessable("model_version must be 1–100 characters".into()));
    }
    if body.scores.len() > MAX_PUSHED_DAYS || body.readings.len() > MAX_PUSHED_DAYS {
        return Err(ApiError::Unprocessable(format!(
            "at most {MAX_PUSHED_DAYS} scores and readings per push"
        )));
    }
    for (index, score) in body.scores.iter().enumerate() {
        if !(0.0..=TOTAL_MAX).contains(&score.total) {
            return Err(ApiError::Unprocessable(format!(
                "scores[{index}] ({}): total {} is outside 0–100",
                score.date, score.total
            )));
        }
    }
    let mut readings = body.readings;
    for (index, reading) in readings.iter_mut().enumerate() {
        reading.source = ReadingSource::Push;
        reading
            .validate()
            .map_err(|e| ApiError::Unprocessable(format!("readings[{index}] ({}): {e}", reading.date)))?;
    }
    let scores: Vec<PushedScore> = body
        .scores
        .into_iter()
        .map(|s| PushedScore {
            date: s.date,
            model_version: version.clone(),
            pillars: s.pillars,
            total: s.total,
            components: Vec::new(),
        })
        .collect();
    // One transaction: a bad score stores nothing, and a crash never leaves half a push.
    let (scores_stored, readings_stored) =
        state.db(move |store| store.push_scores_and_readings(member, &scores, &readings)).await?;
    tracing::info!(member = member.0, scores_stored, readings_stored, "push stored");
    if scores_stored > 0 {
        crate::alerts::check_member_later(&state, member);
    }
    Ok(axum::Json(PushResponse { scores_stored, readings_stored }))
}
