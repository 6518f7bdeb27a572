//! The one error type of the HTTP API and its mapping to status codes and JSON bodies.
//!
//! Every handler returns `Result<_, ApiError>`; store errors become API errors in one
//! place (`From<StoreError>`). Server-side failures are logged with their cause and
//! answered with a generic message, so internals never reach a client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ssi_api::{ErrorBody, ErrorKind};

/// An error answered to an API client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed (bad JSON, wrong types, bad parameters).
    #[error("{0}")]
    BadRequest(String),
    /// No credentials, or credentials that are not valid.
    #[error("{0}")]
    Unauthorized(String),
    /// Valid credentials without the right to do this.
    #[error("{0}")]
    Forbidden(String),
    /// The resource does not exist, or the caller may not know that it does.
    #[error("{0}")]
    NotFound(String),
    /// The route exists, but not with this method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The request clashes with the current state (duplicate name, …).
    #[error("{0}")]
    Conflict(String),
    /// The body is larger than the configured limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The body has a content type this route does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The body is well-formed but its content is not acceptable.
    #[error("{0}")]
    Unprocessable(String),
    /// The request took longer than the configured limit.
    #[error("{0}")]
    Timeout(String),
    /// Too many failed authentications from this client; retry after the given wait.
    #[error("{0}")]
    TooManyRequests(String, std::time::Duration),
    /// The server is shutting down or not ready.
    #[error("{0}")]
    Unavailable(String),
    /// A failure on the server's side; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable kind sent as `error` ([`ErrorKind`] names them all).
    pub fn kind(&self) -> &'static str {
        let kind = match self {
            ApiError::BadRequest(_) => ErrorKind::BadRequest,
            ApiError::Unauthorized(_) => ErrorKind::Unauthorized,
            ApiError::Forbidden(_) => ErrorKind::Forbidden,
            ApiError::NotFound(_) => ErrorKind::NotFound,
            ApiError::MethodNotAllowed(_) => ErrorKind::MethodNotAllowed,
            ApiError::Conflict(_) => ErrorKind::Conflict,
            ApiError::PayloadTooLarge(_) => ErrorKind::PayloadTooLarge,
            ApiError::UnsupportedMediaType(_) => ErrorKind::UnsupportedMediaType,
            ApiError::Unprocessable(_) => ErrorKind::Unprocessable,
            ApiError::Timeout(_) => ErrorKind::Timeout,
            ApiError::TooManyRequests(..) => ErrorKind::TooManyRequests,
            ApiError::Unavailable(_) => ErrorKind::Unavailable,
            ApiError::Internal(_) => ErrorKind::Internal,
        };
        kind.as_str()
    }

    /// The body sent to the client: the message for client errors, a fixed text for 5xx.
    pub fn body(&self) -> ErrorBody {
        let message = match self {
            ApiError::Internal(_) => "the server could not complete the request; it has been logged".into(),
            other => other.to_string(),
        };
        ErrorBody { error: self.kind().to_string(), message }
    }

    /// A not-found error for a kind of resource, worded the same whether the resource
    /// does not exist or is hidden from the caller.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::NotFound(format!("no such {what}"))
    }

    /// An internal error from any displayable cause (logged when answered).
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(cause.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, kind = self.kind(), "request failed");
        } else {
            tracing::debug!(error = %self, kind = self.kind(), "request rejected");
        }
        let mut response = (status, axum::Json(self.body())).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let ApiError::TooManyRequests(_, wait) = &self {
            response.headers_mut().insert(header::RETRY_AFTER, crate::throttle::retry_after_value(*wait));
        }
        response
    }
}

impl From<ssi_store::StoreError> for ApiError {
    /// The one mapping of store errors to HTTP: missing → 404, clash → 409, invalid → 422,
    /// database busy or unreachable → 503 (worth a retry), anything else → 500 (logged,
    /// not shown).
    fn from(error: ssi_store::StoreError) -> Self {
        use ssi_store::StoreError;
        if error.is_busy() {
            return ApiError::Unavailable("the database is busy; retry shortly".into());
        }
        if error.is_unavailable() {
            tracing::warn!(%error, "the database cannot be reached");
            return ApiError::Unavailable("the database cannot be reached; retry shortly".into());
        }
        match error {
            StoreError::NotFound { what } => ApiError::NotFound(format!("{what} not found")),
            StoreError::Conflict { what } => ApiError::Conflict(what),
            StoreError::InvalidData { what } => ApiError::Unprocessable(what),
            other => ApiError::internal(other),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(error: tokio::task::JoinError) -> Self {
        ApiError::internal(format!("background task failed: {error}"))
    }
}

impl From<ssi_core::ReadingError> for ApiError {
    fn from(error: ssi_core::ReadingError) -> Self {
        ApiError::Unprocessable(format!("invalid reading: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_never_leak_their_cause() {
        let error = ApiError::internal("disk I/O error at /var/lib/ssi/ssi.db");
        let body = error.body();
        assert_eq!(body.error, "internal");
        assert!(!body.message.contains("/var/lib"), "{}", body.message);
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn client_errors_carry_their_message_and_kind() {
        let error = ApiError::Unprocessable("total 120 is outside 0–100".into());
        assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            error.body(),
            ErrorBody { error: "unprocessable".into(), message: "total 120 is outside 0–100".into() }
        );
        assert_eq!(ApiError::not_found("member").body().message, "no such member");
    }
}
