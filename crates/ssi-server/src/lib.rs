//! ssi-server: the ssi team server. Members' scores and history in one place, team
//! leaderboards and summaries, industry benchmarks, and a server-rendered dashboard, over
//! the same SQLite store as the `ssi` CLI, or over PostgreSQL (`--database postgres://…`).
//!
//! [`app`] builds the whole HTTP application from the route table ([`ROUTES`]), so tests
//! drive it without a socket:
//!
//! ```no_run
//! use ssi_server::{AppState, Config, app};
//! use tower::ServiceExt;
//!
//! # async fn demo() -> anyhow::Result<()> {
//! let store = ssi_store::Store::open("ssi.db".as_ref())?;
//! let state = AppState::new(std::sync::Arc::new(store), Config::default());
//! let request = axum::http::Request::get("/healthz").body(axum::body::Body::empty())?;
//! let response = app(state).oneshot(request).await?;
//! assert_eq!(response.status(), 200);
//! # Ok(())
//! # }
//! ```
//!
//! Architecture: handlers (one file per resource in `handlers/`) do HTTP only and call
//! the store from the blocking pool ([`AppState::db`]) through the store interface
//! ([`ssi_store::Backend`], SQLite or PostgreSQL); all SQL lives in `ssi-store`.
//! Errors become responses in one place ([`ApiError`]); access rules live in one place
//! (`auth.rs`, whose vocabulary is [`Access`]).
//!
//! The crate's public surface is what the `ssi-server` binary and the integration tests
//! use, re-exported below; every module is private.

mod alerts;
mod auth;
mod cache;
mod chart;
mod config;
mod database;
mod error;
mod extract;
mod handlers;
mod jobs;
mod metrics;
mod openapi;
mod render;
mod routes;
mod scheduler;
mod security;
mod server;
mod session;
mod state;
mod throttle;
mod web;
mod wire;

pub use alerts::check_members;
pub use auth::Access;
pub use config::{AlertSettings, CONFIG_ENV, Config, LogFormat, Overrides, WebhookUrl};
pub use database::DatabaseUrl;
pub use error::ApiError;
pub use handlers::exports::import as import_export;
pub use routes::{Also, ROUTES, RequestBody, ResponseBody, RouteSpec, Tag, Verb};
pub use scheduler::CLAIM_STALE_AFTER as DAILY_CLAIM_STALE_AFTER;
pub use scheduler::run_once as run_daily_job;
pub use security::CONTENT_SECURITY_POLICY;
pub use server::{serve, serve_until};
pub use session::COOKIE_NAME;
pub use state::AppState;
pub use throttle::ThrottleSettings;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Builds the application: every route of [`ROUTES`] with its body limit and time
/// limit, then metrics, request tracing, security headers and panic containment.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    let mut router: Router<AppState> = Router::new();
    for route in routes::ROUTES {
        let (limit, time) = if route.is_upload() {
            // The upload handler streams the body and enforces max_upload_bytes itself.
            (DefaultBodyLimit::disable(), config.upload_timeout)
        } else {
            (DefaultBodyLimit::max(config.max_body_bytes), config.request_timeout)
        };
        let method_router = (route.handler)(route.method.filter())
            .layer(limit)
            .layer(middleware::from_fn_with_state(time, time_limit));
        router = router.route(route.path, method_router);
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.metrics.clone(), metrics::track))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    // The route template, never the query string or client address.
                    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str());
                    tracing::info_span!("request", method = %request.method(), route)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(middleware::from_fn(security::headers))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            ApiError::internal("a handler panicked").into_response()
        }))
        .with_state(state)
}

/// Answers 408 with the JSON error body when a request takes longer than its limit. The
/// handler's future is dropped; a store write already running in the blocking pool still
/// commits or rolls back as a whole.
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout(format!("the request took longer than {} seconds", limit.as_secs()))
            .into_response(),
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found("route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed("this route does not take that method".into())
}
