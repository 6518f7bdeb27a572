//! The authorisation matrix: every route of the route table × every kind of caller, with
//! the expected status. The table below must have exactly one row per route of
//! `ssi_server::ROUTES`, so a new route without a row fails this test.

use crate::support::{Fixture, Token, small_export_zip};
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::json;
use ssi_server::{Access, ROUTES};
use std::collections::BTreeSet;

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    /// No credentials.
    Nobody,
    /// A well-formed token that does not exist (or a session id that does not).
    BadToken,
    /// A member of team B.
    Outsider,
    /// Alice, team A: the member the member routes are about.
    Member,
    /// Bob, Alice's teammate.
    Teammate,
    /// Team A's manager.
    Manager,
    /// An admin.
    Admin,
}

const CALLERS: [Caller; 7] = [
    Caller::Nobody,
    Caller::BadToken,
    Caller::Outsider,
    Caller::Member,
    Caller::Teammate,
    Caller::Manager,
    Caller::Admin,
];

/// One row: the route and the status per caller, in [`CALLERS`] order.
struct Row {
    method: &'static str,
    path: &'static str,
    expected: [u16; 7],
}

const PUBLIC: [u16; 7] = [200; 7];
const ANY_TOKEN: [u16; 7] = [401, 401, 200, 200, 200, 200, 200];
/// Team A resources anyone of team A may read.
const TEAM_READ: [u16; 7] = [401, 401, 404, 200, 200, 200, 200];
/// Alice's data: Alice, her manager, admins; her teammate sees she exists (403).
const MEMBER_READ: [u16; 7] = [401, 401, 404, 200, 403, 200, 200];

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    Row { method: "GET", path: "/healthz", expected: PUBLIC },
    Row { method: "GET", path: "/readyz", expected: PUBLIC },
    Row { method: "GET", path: "/metrics", expected: PUBLIC },
    Row { method: "GET", path: "/api/v1/openapi.json", expected: PUBLIC },
    Row { method: "GET", path: "/api/v1/me", expected: ANY_TOKEN },
    Row { method: "GET", path: "/api/v1/tokens", expected: [401, 401, 403, 403, 403, 200, 200] },
    Row { method: "POST", path: "/api/v1/tokens", expected: [401, 401, 403, 403, 403, 201, 201] },
    Row { method: "DELETE", path: "/api/v1/tokens/{token}", expected: [401, 401, 403, 403, 403, 200, 200] },
    Row { method: "GET", path: "/api/v1/teams", expected: ANY_TOKEN },
    Row { method: "POST", path: "/api/v1/teams", expected: [401, 401, 403, 403, 403, 403, 201] },
    Row { method: "GET", path: "/api/v1/teams/{team}", expected: TEAM_READ },
    Row { method: "PATCH", path: "/api/v1/teams/{team}", expected: [401, 401, 404, 403, 403, 403, 200] },
    Row { method: "DELETE", path: "/api/v1/teams/{team}", expected: [401, 401, 404, 403, 403, 403, 204] },
    Row { method: "GET", path: "/api/v1/teams/{team}/leaderboard", expected: TEAM_READ },
    Row { method: "GET", path: "/api/v1/teams/{team}/summary", expected: [401, 401, 404, 403, 403, 200, 200] },
    Row { method: "GET", path: "/api/v1/teams/{team}/members", expected: [401, 401, 404, 403, 403, 200, 200] },
    Row { method: "POST", path: "/api/v1/teams/{team}/members", expected: [401, 401, 404, 403, 403, 201, 201] },
    Row { method: "GET", path: "/api/v1/members/{member}", expected: MEMBER_READ },
    Row { method: "PATCH", path: "/api/v1/members/{member}", expected: [401, 401, 404, 403, 403, 200, 200] },
    Row { method: "DELETE", path: "/api/v1/members/{member}", expected: [401, 401, 404, 403, 403, 204, 204] },
    Row { method: "GET", path: "/api/v1/members/{member}/score", expected: MEMBER_READ },
    Row { method: "GET", path: "/api/v1/members/{member}/history", expected: MEMBER_READ },
    Row { method: "GET", path: "/api/v1/members/{member}/explanation", expected: MEMBER_READ },
    Row { method: "GET", path: "/api/v1/members/{member}/benchmark", expected: MEMBER_READ },
    Row { method: "GET", path: "/api/v1/members/{member}/advice", expected: MEMBER_READ },
    Row { method: "POST", path: "/api/v1/members/{member}/plan", expected: MEMBER_READ },
    Row { method: "GET", path: "/api/v1/members/{member}/impact", expected: MEMBER_READ },
    Row { method: "GET", path: "/api/v1/members/{member}/readings", expected: MEMBER_READ },
    Row { method: "POST", path: "/api/v1/members/{member}/readings", expected: [401, 401, 404, 201, 403, 403, 201] },
    Row { method: "POST", path: "/api/v1/members/{member}/exports", expected: [401, 401, 404, 202, 403, 403, 202] },
    Row { method: "GET", path: "/api/v1/jobs/{job}", expected: [401, 401, 404, 200, 404, 200, 200] },
    Row { method: "POST", path: "/api/v1/push", expected: [401, 401, 200, 200, 200, 403, 403] },
    Row { method: "GET", path: "/login", expected: PUBLIC },
    Row { method: "POST", path: "/login", expected: [400, 401, 303, 303, 303, 303, 303] },
    Row { method: "POST", path: "/logout", expected: [401, 401, 303, 303, 303, 303, 303] },
    Row { method: "GET", path: "/", expected: ANY_TOKEN },
    Row { method: "GET", path: "/teams/{team}", expected: TEAM_READ },
    Row { method: "GET", path: "/members/{member}", expected: MEMBER_READ },
    Row { method: "GET", path: "/assets/style.css", expected: PUBLIC },
];

fn caller_token(fixture: &Fixture, caller: Caller) -> Option<Token> {
    match caller {
        Caller::Nobody => None,
        Caller::BadToken => {
            Some(Token { secret: format!("ssi_{}", "0".repeat(64)), id: ssi_store::TokenId(-1) })
        }
        Caller::Outsider => Some(fixture.carol_token.clone()),
        Caller::Member => Some(fixture.alice_token.clone()),
        Caller::Teammate => Some(fixture.bob_token.clone()),
        Caller::Manager => Some(fixture.manager_a.clone()),
        Caller::Admin => Some(fixture.admin.clone()),
    }
}

/// The request of one matrix cell: path parameters filled with team A, Alice, a job of
/// Alice's and Bob's token; a valid body for the route; the caller's credentials. Advice
/// and plans need Alice's activity, so her export is imported first for those.
fn request(fixture: &Fixture, row: &Row, access: Access, caller: Caller) -> Request<Body> {
    if row.path.ends_with("/advice") || row.path.ends_with("/plan") {
        fixture.import_small_export(fixture.alice);
    }
    let job = fixture
        .with_store(|store| store.enqueue_upload_job(fixture.alice, "export.zip", b"PK"))
        .expect("a job of Alice's");
    let uri = row
        .path
        .replace("{team}", &fixture.team_a.0.to_string())
        .replace("{member}", &fixture.alice.0.to_string())
        .replace("{job}", &job.id.to_string())
        .replace("{token}", &fixture.bob_token.id.0.to_string());
    let token = caller_token(fixture, caller);
    let mut builder = Request::builder().method(row.method).uri(&uri);
    if access.is_page() {
        let cookie = match (caller, &token) {
            (Caller::Nobody, _) => None,
            (Caller::BadToken, _) => Some(format!("{}={}", ssi_server::COOKIE_NAME, "ab".repeat(32))),
            (_, Some(token)) => Some(fixture.session_cookie(token)),
            (_, None) => None,
        };
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
    } else if let Some(token) = &token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {}", token.secret));
    }
    let json_body = |value: serde_json::Value| (Some("application/json"), Body::from(value.to_string()));
    let (content_type, body) = match (row.method, row.path) {
        ("POST", "/api/v1/tokens") => {
            json_body(json!({"role": "member", "member": fixture.bob.0, "label": "bob's laptop"}))
        }
        ("POST", "/api/v1/teams") => json_body(json!({"name": "Gamma Sales"})),
        ("PATCH", "/api/v1/teams/{team}") => json_body(json!({"name": "Alpha Renamed"})),
        ("POST", "/api/v1/teams/{team}/members") => {
            json_body(json!({"name": "Dana Dale", "industry": "Software"}))
        }
        ("PATCH", "/api/v1/members/{member}") => json_body(json!({"name": "Alice A. Archer"})),
        ("POST", "/api/v1/members/{member}/readings") => json_body(json!({
            "date": "2026-11-19", "total": 40.0, "pillars": [10.0, 10.0, 10.0, 10.0], "source": "manual"
        })),
        ("POST", "/api/v1/members/{member}/plan") => {
            json_body(json!({"posts": 2, "comments": 3, "days": 30}))
        }
        ("POST", "/api/v1/members/{member}/exports") => {
            (Some("application/zip"), Body::from(small_export_zip()))
        }
        ("POST", "/api/v1/push") => json_body(json!({
            "model_version": "cli-1",
            "scores": [{"date": "2026-11-20", "pillars": {"brand": 1.0, "people": 2.0, "insights": 3.0, "relationships": 4.0}, "total": 10.0}]
        })),
        ("POST", "/login") => {
            let form = match (caller, &token) {
                (Caller::Nobody, _) => String::new(),
                (_, Some(token)) => format!("token={}", token.secret),
                (_, None) => String::new(),
            };
            (Some("application/x-www-form-urlencoded"), Body::from(form))
        }
        _ => (None, Body::empty()),
    };
    if let Some(content_type) = content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    builder.body(body).unwrap()
}

#[test]
fn the_matrix_has_exactly_one_row_per_route() {
    let routes: BTreeSet<(String, String)> =
        ROUTES.iter().map(|r| (r.method.as_str().to_string(), r.path.to_string())).collect();
    let rows: BTreeSet<(String, String)> =
        MATRIX.iter().map(|r| (r.method.to_string(), r.path.to_string())).collect();
    assert_eq!(rows.len(), MATRIX.len(), "a route has two rows");
    let missing: Vec<_> = routes.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&routes).collect();
    assert!(missing.is_empty(), "routes without an authorisation row: {missing:?}");
    assert!(stale.is_empty(), "rows for routes that do not exist: {stale:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_caller_as_expected() {
    let mut failures = Vec::new();
    let mut cells = 0;
    for row in MATRIX {
        let route = ROUTES
            .iter()
            .find(|r| r.method.as_str() == row.method && r.path == row.path)
            .unwrap_or_else(|| panic!("{} {} is not a route", row.method, row.path));
        for (caller, expected) in CALLERS.into_iter().zip(row.expected) {
            // A fresh store per cell: deletions and renames must not leak into the next cell.
            let fixture = Fixture::new();
            let reply = fixture.send(request(&fixture, row, route.access, caller)).await;
            cells += 1;
            if reply.status.as_u16() != expected {
                failures.push(format!(
                    "{} {} as {caller:?}: expected {expected}, got {} ({})",
                    row.method,
                    row.path,
                    reply.status,
                    reply.text().chars().take(160).collect::<String>()
                ));
            }
            // Whatever the answer, a caller outside team A never sees team A's names.
            if matches!(caller, Caller::Outsider | Caller::Nobody | Caller::BadToken)
                && !matches!(row.path, "/api/v1/openapi.json" | "/metrics")
            {
                let text = reply.text();
                for secret in ["Alpha Sales", "Alice Archer", "Bob Baker"] {
                    if text.contains(secret) {
                        failures.push(format!("{} {} as {caller:?} leaked {secret:?}", row.method, row.path));
                    }
                }
            }
            // Errors of API routes carry the JSON error body.
            if reply.status.as_u16() >= 400 && !route.access.is_page() && route.path.starts_with("/api/") {
                let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap_or_default();
                if !body["error"].is_string() || !body["message"].is_string() {
                    failures
                        .push(format!("{} {} as {caller:?}: error without JSON body", row.method, row.path));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {cells} cells failed:\n{}", failures.len(), failures.join("\n"));
}
