//! `/api/v1/members/{member}/score`, `/history` and `/explanation`: a member's estimate, its
//! daily history beside official readings, and where every point came from.

use super::{JsonBody, member_for};
use crate::auth::{Access, Principal, hidden};
use crate::cache::{Answer, AnswerKey, DataVersion};
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::state::AppState;
use crate::wire::{DateQuery, ExplanationQuery, ExplanationView, FreshnessView, RangeQuery, ScoreView};
use axum::extract::State;
use chrono::NaiveDate;
use ssi_core::{DailyScore, Pillar};
use ssi_store::{Member, MemberId};

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
pub(crate) async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<DateQuery>,
) -> Result<axum::Json<ScoreView>, ApiError> {
    state.day_asked(query.date)?;
    let member = member_for(&state, &principal, id, Access::MemberReader).await?;
    let score = score_of(&state, member.id, query.date).await?;
    let freshness = freshness_of(&state, &member, query.date);
    Ok(axum::Json(ScoreView::new(member.id.0, &score).with_freshness(freshness)))
}

/// `GET /api/v1/members/{member}/history?from=&to=`: estimates and official readings by day.
///
/// Served from the answer cache when the database has not changed since it was rendered
/// (see [`crate::cache`]); the caller's access to the member is checked first either way,
/// against the member as stored at that version.
pub(crate) async fn history(
    State(state): State<AppState>,
    principal: Principal,
    DataVersion(version): DataVersion,
    Path(id): Path<i64>,
    Query(query): Query<RangeQuery>,
) -> Result<JsonBody, ApiError> {
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(ApiError::BadRequest(format!("from={from} is after to={to}")));
    }
    let (from, to) = (query.from, query.to);
    let today = state.today();
    let stale_after_days = state.config.stale_after_days;
    let key = AnswerKey::History { member: MemberId(id), from, to, today };
    if let Some(answer) = state.caches.answer(version, &key)
        && let Some(member) = &answer.member
    {
        principal.check_member(member, Access::MemberReader)?;
        return Ok(JsonBody(answer.body));
    }
    // One trip to the blocking pool: the member, the access check, the days, the JSON.
    let (body, member) = state
        .blocking(move |store| {
            let member = store.get_member(MemberId(id)).map_err(ApiError::from).map_err(hidden("member"))?;
            principal.check_member(&member, Access::MemberReader)?;
            // The member's calibrated estimate when there is one (`ssi calibrate`), with intervals.
            let history = store.calibrated_history(member.id, from, to, true)?;
            let intervals = history.calibrated.then_some(history.intervals.as_slice());
            let freshness =
                FreshnessView::new(member.horizon, to.unwrap_or(today).min(today), stale_after_days);
            // The bytes of `HistoryView` through serde_json, written directly (see `render`).
            let body =
                crate::render::history_json(member.id.0, from, to, &history.rows, intervals, &freshness)
                    .map_err(ApiError::internal)?;
            Ok((JsonBody(body.into()), member))
        })
        .await?;
    state.caches.remember_answer(version, key, Answer { body: body.0.clone(), member: Some(member) });
    Ok(body)
}

/// `GET /api/v1/members/{member}/explanation?date=&pillar=`: every component's points,
/// biggest gap first, with the action that would earn the rest.
pub(crate) async fn explanation(
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
    let member = member_for(&state, &principal, id, Access::MemberReader).await?;
    let score = score_of(&state, member.id, query.date).await?;
    let mut view = ExplanationView::new(member.id.0, &score, pillar);
    view.score.freshness = freshness_of(&state, &member, query.date);
    Ok(axum::Json(view))
}

/// How fresh the member's figures asked for `date` (today when absent) are.
pub(crate) fn freshness_of(state: &AppState, member: &Member, date: Option<NaiveDate>) -> FreshnessView {
    FreshnessView::new(member.horizon, date.unwrap_or_else(|| state.today()), state.config.stale_after_days)
}
