//! Wire types of the ssi team server's JSON API (`/api/v1`), shared by the server and the CLI.
//!
//! Architecture invariant: this crate holds plain serde types only; it does
//! no I/O and knows nothing of HTTP libraries, so both sides agree on the
//! shape of every body by construction.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ssi_core::{OfficialReading, PillarScores};

/// The path prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";

/// The route a member's CLI pushes its scores and readings to (`ssi push`).
pub const PUSH_PATH: &str = "/api/v1/push";

/// One day's estimate as pushed from a member's CLI: numbers only, never raw activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushedScore {
    /// The day scored.
    pub date: NaiveDate,
    /// The four pillars, 0–25 each.
    pub pillars: PillarScores,
    /// The unrounded total, 0–100; must equal the sum of the pillars.
    pub total: f64,
}

/// Body of `POST /api/v1/push`, authenticated with the member's own token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// The scoring model version that produced the scores.
    pub model_version: String,
    /// Daily estimates, any number of days.
    #[serde(default)]
    pub scores: Vec<PushedScore>,
    /// Official readings the member recorded.
    #[serde(default)]
    pub readings: Vec<OfficialReading>,
}

/// Answer to a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Daily scores stored (new or replaced).
    pub scores_stored: usize,
    /// Readings stored (new or replaced).
    pub readings_stored: usize,
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable kind, e.g. `not_found`, `unauthorized`.
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
}
