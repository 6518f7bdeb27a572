//! `/healthz` (the process answers), `/readyz` (the database answers and the server is not
//! shutting down), `/metrics` (Prometheus) and `/api/v1/openapi.json`.

use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::Health;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

/// `GET /healthz`: always 200 while the process serves requests.
pub(crate) async fn live() -> axum::Json<Health> {
    axum::Json(Health { status: "ok".into() })
}

/// `GET /readyz`: 200 when the database answers, 503 otherwise or while shutting down.
pub(crate) async fn ready(State(state): State<AppState>) -> Result<axum::Json<Health>, ApiError> {
    if state.shutdown.is_cancelled() {
        return Err(ApiError::Unavailable("shutting down".into()));
    }
    // Uploads are spooled there: without it every upload would fail.
    if state.config.upload_dir.as_ref().is_some_and(|folder| !folder.is_dir()) {
        return Err(ApiError::Unavailable("the upload folder is missing".into()));
    }
    state
        .db(|store| store.schema_version())
        .await
        .map_err(|_| ApiError::Unavailable("the database does not answer".into()))?;
    Ok(axum::Json(Health { status: "ok".into() }))
}

/// The content type of the OpenMetrics text format the registry encodes.
pub(crate) const METRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// `GET /metrics`: Prometheus metrics.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, METRICS_CONTENT_TYPE)], state.metrics.render()).into_response()
}

/// `GET /api/v1/openapi.json`: the OpenAPI document, generated once from the route table.
///
/// A plain function returning a ready future: this handler reads the route table that
/// names it, and an `async fn`'s opaque return type would make that a type cycle.
pub(crate) fn openapi() -> std::future::Ready<Response> {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let text = DOCUMENT.get_or_init(|| crate::openapi::document(crate::routes::ROUTES).to_string());
    std::future::ready(
        (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], text.clone()).into_response(),
    )
}
