//! `/api/v1/members/{member}/readings`: official SSI readings, listed and added — in ssi's
//! own shape or as LinkedIn's raw `salesApiSsi` JSON.

use super::member_for;
use crate::auth::{Access, Principal};
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::state::AppState;
use crate::wire::{RangeQuery, ReadingQuery, ReadingsView};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::NaiveDate;
use ssi_core::OfficialReading;

/// `GET /api/v1/members/{member}/readings?from=&to=`.
pub(crate) async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<RangeQuery>,
) -> Result<axum::Json<ReadingsView>, ApiError> {
    let member = member_for(&state, &principal, id, Access::MemberReader).await?;
    let (from, to) = (query.from, query.to);
    let readings = state.db(move |store| store.readings(member.id, from, to)).await?;
    Ok(axum::Json(ReadingsView { member: member.id.0, readings }))
}

/// Reads the body as readings through the importer's one JSON parser (the
/// CLI's too): LinkedIn's raw JSON (dated `date`), one reading or a list; a
/// byte-order mark is skipped.
pub(crate) fn parse_body(body: &[u8], date: NaiveDate) -> Result<Vec<OfficialReading>, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| {
        ApiError::Unprocessable("the body is not UTF-8 text; send the JSON as it was saved".into())
    })?;
    ssi_import::parse_readings_json(text, date)
        .map_err(|e| ApiError::Unprocessable(format!("readings body: {e}")))
}

/// `POST /api/v1/members/{member}/readings?date=`: the member or an admin. All or nothing.
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<ReadingQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, axum::Json<ReadingsView>), ApiError> {
    let is_json = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
    });
    if !is_json {
        return Err(ApiError::UnsupportedMediaType(
            "expected a body with content type application/json".into(),
        ));
    }
    let member = member_for(&state, &principal, id, Access::MemberWriter).await?;
    let readings = parse_body(&body, query.date.unwrap_or_else(|| state.today()))?;
    let stored = readings.clone();
    state
        .db(move |store| {
            store.add_readings(member.id, &stored)?;
            // New readings update the member's calibration, when the member has one (as
            // `ssi reading add` does), so that no manual step is needed.
            store.refit_calibration(member.id).map(|_| ())
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(ReadingsView { member: member.id.0, readings })))
}
