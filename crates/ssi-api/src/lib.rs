//! Wire types of the ssi team server's JSON API (`/api/v1`), shared by the server and the CLI.
//!
//! Architecture invariant: this crate holds plain serde types only; it does
//! no I/O and knows nothing of HTTP libraries, so both sides agree on the
//! shape of every body by construction. With the `schema` feature each type
//! also derives its JSON Schema (the server's OpenAPI document), so the
//! document describes these very types and never a copy.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ssi_core::{OfficialReading, PillarScores};

/// The path prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";

/// The route a member's CLI pushes its scores and readings to (`ssi push`).
pub const PUSH_PATH: &str = "/api/v1/push";

/// Most days of scores, and most readings, one push may carry (ten years), so one
/// request cannot hold the server's writer long.
pub const MAX_PUSHED_DAYS: usize = 3660;

/// One day's estimate as pushed from a member's CLI: numbers only, never raw activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PushedScore {
    /// The day scored.
    pub date: NaiveDate,
    /// The four pillars, 0–25 each.
    pub pillars: PillarScores,
    /// The unrounded total, 0–100; must equal the sum of the pillars.
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 100.0)))]
    pub total: f64,
}

/// Body of `POST /api/v1/push`, authenticated with the member's own token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// The scoring model version that produced the scores, 1–100 characters, not blank.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = 100), regex(pattern = r"\S")))]
    pub model_version: String,
    /// Daily estimates, at most `MAX_PUSHED_DAYS` (3660).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(length(max = MAX_PUSHED_DAYS)))]
    pub scores: Vec<PushedScore>,
    /// Official readings the member recorded, at most `MAX_PUSHED_DAYS` (3660).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(length(max = MAX_PUSHED_DAYS)))]
    pub readings: Vec<OfficialReading>,
}

/// Answer to a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PushResponse {
    /// Daily scores stored (new or replaced).
    pub scores_stored: usize,
    /// Readings stored (new or replaced).
    pub readings_stored: usize,
}

/// The stable, machine-readable kind of an error: the `error` of an [`ErrorBody`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request is malformed (bad JSON, wrong types, bad parameters).
    BadRequest,
    /// No credentials, or credentials that are not valid.
    Unauthorized,
    /// Valid credentials without the right to do this.
    Forbidden,
    /// The resource does not exist, or the caller may not know that it does.
    NotFound,
    /// The route exists, but not with this method.
    MethodNotAllowed,
    /// The request clashes with the current state (duplicate name, …).
    Conflict,
    /// The body is larger than the configured limit.
    PayloadTooLarge,
    /// The body has a content type this route does not take.
    UnsupportedMediaType,
    /// The body is well-formed but its content is not acceptable.
    Unprocessable,
    /// The request took longer than the configured limit.
    Timeout,
    /// Too many failed authentications from this client.
    TooManyRequests,
    /// The server is shutting down or not ready.
    Unavailable,
    /// A failure on the server's side.
    Internal,
}

impl ErrorKind {
    /// The kind's stable snake_case name, as sent in [`ErrorBody::error`].
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::MethodNotAllowed => "method_not_allowed",
            ErrorKind::Conflict => "conflict",
            ErrorKind::PayloadTooLarge => "payload_too_large",
            ErrorKind::UnsupportedMediaType => "unsupported_media_type",
            ErrorKind::Unprocessable => "unprocessable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::TooManyRequests => "too_many_requests",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Internal => "internal",
        }
    }
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    /// A stable machine-readable kind ([`ErrorKind`]), e.g. `not_found`, `unauthorized`.
    /// Kept as text so that a client reads a kind newer than itself.
    #[cfg_attr(feature = "schema", schemars(with = "ErrorKind"))]
    pub error: String,
    /// A human-readable message that never carries internals.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_bodies_reject_unknown_fields_so_raw_activity_cannot_slip_in() {
        let ok = r#"{"model_version":"v1","scores":[{"date":"2026-11-20","pillars":{"brand":1.0,"people":2.0,"insights":3.0,"relationships":4.0},"total":10.0}]}"#;
        let parsed: PushRequest = serde_json::from_str(ok).unwrap();
        assert_eq!(parsed.scores[0].total, 10.0);
        assert!(parsed.readings.is_empty());
        let sneaky = r#"{"model_version":"v1","events":[{"kind":"message_sent"}]}"#;
        assert!(serde_json::from_str::<PushRequest>(sneaky).is_err());
    }

    #[test]
    fn an_error_kind_is_sent_under_its_serde_name() {
        let kinds = [
            ErrorKind::BadRequest,
            ErrorKind::Unauthorized,
            ErrorKind::Forbidden,
            ErrorKind::NotFound,
            ErrorKind::MethodNotAllowed,
            ErrorKind::Conflict,
            ErrorKind::PayloadTooLarge,
            ErrorKind::UnsupportedMediaType,
            ErrorKind::Unprocessable,
            ErrorKind::Timeout,
            ErrorKind::TooManyRequests,
            ErrorKind::Unavailable,
            ErrorKind::Internal,
        ];
        for kind in kinds {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str(), "{kind:?}");
        }
    }
}
