//! `/api/v1/members/{member}/readings`: official SSI readings, listed and added — in ssi's
//! own shape or as LinkedIn's raw `salesApiSsi` JSON.

use super::{MemberAccess, member_for};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use crate::wire::{RangeQuery, ReadingQuery, ReadingsView};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::Value;
use ssi_core::OfficialReading;

/// `GET /api/v1/members/{member}/readings?from=&to=`.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<RangeQuery>,
) -> Result<axum::Json<ReadingsView>, ApiError> {
    let member = member_for(&state, &principal, id, MemberAccess::Read).await?;
    let (from, to) = (query.from, query.to);
    let readings = state.db(move |store| store.readings(member.id, from, to)).await?;
    Ok(axum::Json(ReadingsView { member: member.id.0, readings }))
}

/// Whether a JSON body is LinkedIn's raw `salesApiSsi` answer rather than ssi's own shape.
fn is_sales_api(value: &Value) -> bool {
    value.as_object().is_some_and(|o| o.contains_key("memberScore") || o.contains_key("data"))
}

/// Reads the body as readings: LinkedIn's raw JSON (dated `date`), one reading or a list.
pub fn parse_body(body: Value, date: NaiveDate) -> Result<Vec<OfficialReading>, ApiError> {
    if is_sales_api(&body) {
        let text = body.to_string();
        let reading = ssi_import::parse_sales_api_json(&text, date)
            .map_err(|e| ApiError::Unprocessable(format!("salesApiSsi body: {e}")))?;
        return Ok(vec![reading]);
    }
    let readings = if body.is_array() {
        serde_json::from_value::<Vec<OfficialReading>>(body)
    } else {
        serde_json::from_value::<OfficialReading>(body).map(|r| vec![r])
    }
    .map_err(|e| ApiError::Unprocessable(format!("not a reading: {e}")))?;
    if readings.is_empty() {
        return Err(ApiError::Unprocessable("the list of readings is empty".into()));
    }
    for (index, reading) in readings.iter().enumerate() {
        reading
            .validate()
            .map_err(|e| ApiError::Unprocessable(format!("reading {} ({}): {e}", index + 1, reading.date)))?;
    }
    Ok(readings)
}

/// `POST /api/v1/members/{member}/readings?date=`: the member or an admin. All or nothing.
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<ReadingQuery>,
    Json(body): Json<Value>,
) -> Result<(StatusCode, axum::Json<ReadingsView>), ApiError> {
    let member = member_for(&state, &principal, id, MemberAccess::Write).await?;
    let readings = parse_body(body, query.date.unwrap_or_else(|| state.today()))?;
    let stored = readings.clone();
    state.db(move |store| store.add_readings(member.id, &stored)).await?;
    Ok((StatusCode::CREATED, axum::Json(ReadingsView { member: member.id.0, readings })))
}
