//! The security review's checks: security headers on every HTML route in every state,
//! throttling of failed authentications per client address (in-process with chosen
//! addresses, and through the real binary's TCP peer address), token plaintexts absent
//! from the database files, and no secret in the logs of the real binary at trace level.

use crate::process::{ADMIN, ServerProcess, agent, call, member_with_token, push_body, upload, wait_for_job};
use crate::support::{Fixture, json_request, server_database, small_export_zip, sqlite_only};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use serde_json::json;
use ssi_server::CONTENT_SECURITY_POLICY;
use ssi_server::ThrottleSettings;
use ssi_server::{ROUTES, ResponseBody};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

/// Asserts the security headers of an HTML answer, and that the page runs no script.
fn assert_secure_page(what: &str, reply: &crate::support::Reply) {
    let headers = &reply.headers;
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "{what}");
    assert_eq!(headers[header::CONTENT_SECURITY_POLICY], CONTENT_SECURITY_POLICY, "{what}");
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe") && !CONTENT_SECURITY_POLICY.contains("script-src"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY", "{what}");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{what}");
    assert_eq!(headers["cross-origin-opener-policy"], "same-origin", "{what}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{what}: pages carry personal data");
    let html = reply.text().to_ascii_lowercase();
    assert!(
        !html.contains("<script") && !html.contains(" style=") && !html.contains("javascript:"),
        "{what}"
    );
}

#[tokio::test]
async fn every_html_route_carries_the_security_headers_in_every_state() {
    let f =
        Fixture::with_config(|c| c.auth_throttle = ThrottleSettings { max_failures: 1, ..c.auth_throttle });
    let pages: Vec<_> = ROUTES.iter().filter(|r| matches!(r.response, ResponseBody::Html)).collect();
    assert!(pages.len() >= 4, "the dashboard's pages are in the route table");
    let cookies = [
        ("admin", Some(f.session_cookie(&f.admin))),
        ("manager", Some(f.session_cookie(&f.manager_a))),
        ("member", Some(f.session_cookie(&f.alice_token))),
        ("signed out", None),
    ];
    let mut checked = 0;
    for route in &pages {
        for (who, cookie) in &cookies {
            for (variant, team, member) in [("found", f.team_a.0, f.alice.0), ("missing", 999, 999)] {
                let path =
                    route.path.replace("{team}", &team.to_string()).replace("{member}", &member.to_string());
                let mut request = Request::builder().method(route.method.as_str()).uri(&path);
                if let Some(cookie) = cookie {
                    request = request.header(header::COOKIE, cookie);
                }
                let body = if route.method.as_str() == "POST" {
                    request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                    Body::from("token=ssi_not_a_real_token")
                } else {
                    Body::empty()
                };
                let reply = f.send(request.body(body).unwrap()).await;
                let what = format!("{} {path} ({who}, {variant}): {}", route.method.as_str(), reply.status);
                assert!(!reply.status.is_server_error(), "{what}");
                assert_secure_page(&what, &reply);
                checked += 1;
            }
        }
    }
    // The throttled sign-in page (one failure allowed, the ones above came from no address).
    let peer = ConnectInfo(SocketAddr::from(([192, 0, 2, 10], 40000)));
    for expected in [401, 429] {
        let mut request = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("token=ssi_not_a_real_token"))
            .unwrap();
        request.extensions_mut().insert(peer);
        let reply = f.send(request).await;
        assert_eq!(reply.status.as_u16(), expected, "{}", reply.text());
        assert_secure_page("POST /login throttled", &reply);
        checked += 1;
    }
    eprintln!("{} HTML routes, {checked} answers checked", pages.len());
}

/// A request from a chosen client address, as the real server's connection info gives it.
fn from(address: [u8; 4], mut request: Request<Body>) -> Request<Body> {
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((address, 50000))));
    request
}

#[tokio::test]
async fn failed_authentications_are_throttled_per_address_and_never_lock_out_other_addresses() {
    let window = Duration::from_secs(600);
    let f = Fixture::with_config(|c| c.auth_throttle = ThrottleSettings { max_failures: 3, window });
    let (attacker, colleague) = ([198, 51, 100, 7], [198, 51, 100, 8]);
    let get = |token: &str| json_request("GET", "/api/v1/me", Some(token), None);

    // A request without a token is not a guess, and valid tokens do not count.
    for _ in 0..5 {
        f.send(from(attacker, json_request("GET", "/api/v1/me", None, None))).await.expect(401);
        f.send(from(attacker, get(&f.alice_token.secret))).await.expect(200);
    }
    for _ in 0..3 {
        f.send(from(attacker, get("ssi_guess_0000000000000000000000000000"))).await.expect(401);
    }
    // Blocked now: guesses and even a valid token from that address get 429 with Retry-After.
    for token in ["ssi_guess_1111111111111111111111111111", f.alice_token.secret.as_str()] {
        let reply = f.send(from(attacker, get(token))).await;
        let retry: u64 = reply.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!(retry > 0 && retry <= window.as_secs(), "{retry}");
        let message = reply.expect_error(429, "too_many_requests");
        assert!(message.contains("retry in"), "{message}");
    }
    // Another address is not affected at all, with a valid token or a wrong one.
    f.send(from(colleague, get(&f.bob_token.secret))).await.expect(200);
    f.send(from(colleague, get("ssi_typo_000000000000000000000000000000"))).await.expect(401);
    f.send(from(colleague, get(&f.admin.secret))).await.expect(200);
    // Requests the server did not accept itself carry no address and are never throttled.
    f.send(get(&f.alice_token.secret)).await.expect(200);

    // The sign-in form shares the count: the blocked address cannot sign in either.
    let login = |token: &str| {
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("token={token}")))
            .unwrap()
    };
    let reply = f.send(from(attacker, login(&f.admin.secret))).await.expect(429);
    assert!(reply.headers.contains_key(header::RETRY_AFTER));
    assert!(reply.text().contains("Too many failed sign-ins"), "{}", reply.text());
    f.send(from(colleague, login(&f.admin.secret))).await.expect(303);
    // Wrong sign-ins count as failures too.
    let third = [203, 0, 113, 9];
    for _ in 0..3 {
        f.send(from(third, login("ssi_wrong_0000000000000000000000000000"))).await.expect(401);
    }
    f.send(from(third, get(&f.alice_token.secret))).await.expect_error(429, "too_many_requests");
    assert!(f.state.auth_throttle.tracked() <= 3, "one entry per guessing address");
}

#[test]
fn the_real_server_throttles_by_the_tcp_peer_address() {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let server = ServerProcess::start(
        dir.path(),
        &database,
        &["--auth-max-failures", "3"],
        &[("SSI_AUTH_FAILURE_WINDOW_SECS", "120")],
    );
    let agent = agent();
    let me = server.url("/api/v1/me");
    for _ in 0..3 {
        let (status, _) = call(&agent, "GET", &me, Some("ssi_guess_0000000000000000000000"), None).unwrap();
        assert_eq!(status, 401);
    }
    // Blocked now, the valid admin token included. Sent by hand to know the client's port.
    let address = server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let client = stream.local_addr().unwrap();
    write!(
        stream,
        "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 429"), "{reply}");
    let retry: u64 = reply
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("retry-after: ").map(str::to_string))
        .expect("a Retry-After header")
        .trim()
        .parse()
        .unwrap();
    assert!((1..=120).contains(&retry), "{retry}");
    let log = server.log();
    assert!(log.contains("too many failed authentications"), "the block is logged");
    assert!(!log.contains(&format!(":{}", client.port())), "no client address in the log:\n{log}");
}

/// Every occurrence of `needle` in the database file and its WAL and shared-memory files.
fn found_in_database_files(database: &Path, needle: &str) -> Vec<String> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let path = format!("{}{suffix}", database.display());
            let bytes = std::fs::read(&path).ok()?;
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes()).then_some(path)
        })
        .collect()
}

#[tokio::test]
async fn token_plaintexts_never_reach_the_database_files() {
    sqlite_only!("scans the SQLite file and its WAL byte by byte");
    let f = Fixture::new();
    // Tokens minted through the API, and one used to sign in to the dashboard.
    let mut secrets = vec![f.admin.secret.clone(), f.alice_token.secret.clone(), f.manager_a.secret.clone()];
    for (role, scope) in [("member", json!({"member": f.bob.0})), ("manager", json!({"team": f.team_b.0}))] {
        let mut body = json!({"role": role, "label": "scanned"});
        body.as_object_mut().unwrap().extend(scope.as_object().unwrap().clone());
        let reply = f.json("POST", "/api/v1/tokens", Some(&f.admin.secret), Some(body)).await.expect(201);
        secrets.push(reply.json()["token"].as_str().unwrap().to_string());
    }
    let login = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={}", secrets[3])))
        .unwrap();
    f.send(login).await.expect(303);
    for secret in &secrets {
        f.json("GET", "/api/v1/me", Some(secret), None).await.expect(200);
    }
    let database = f.sqlite_file().to_path_buf();
    assert!(Path::new(&format!("{}-wal", database.display())).exists(), "the WAL is scanned too");
    for secret in &secrets {
        // The whole plaintext, and its random part on its own.
        for needle in [secret.as_str(), secret.trim_start_matches("ssi_")] {
            let found = found_in_database_files(&database, needle);
            assert!(found.is_empty(), "a token's plaintext is stored in {found:?}");
        }
    }
}

#[test]
fn no_secret_reaches_the_logs_even_at_trace_level() {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let mut server = ServerProcess::start(
        dir.path(),
        &database,
        &["--log-format", "json"],
        &[("SSI_LOG", "trace"), ("RUST_LOG", "trace")],
    );
    let agent = agent();
    let (_, member, token) = member_with_token(&agent, &server, "Lou Logger");
    let wrong = "ssi_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    // Authenticated reads, a push, an upload, a failed and a good sign-in, a wrong bearer.
    for path in ["/api/v1/me", "/api/v1/teams", &format!("/api/v1/members/{member}/history")] {
        let (status, body) = call(&agent, "GET", &server.url(path), Some(&token), None).unwrap();
        assert_eq!(status, 200, "{path}: {body}");
    }
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let (status, body) =
        call(&agent, "POST", &server.url("/api/v1/push"), Some(&token), Some(&push_body("log", date, 40.0)))
            .unwrap();
    assert_eq!(status, 200, "{body}");
    let (status, job) = upload(&agent, &server.base, member, &token, &small_export_zip()).unwrap();
    assert_eq!(status, 202, "{job}");
    let done = wait_for_job(&agent, &server.base, job["id"].as_i64().unwrap(), &token).unwrap();
    assert_eq!(done["state"], "succeeded", "{done}");
    let (status, _) = call(&agent, "GET", &server.url("/api/v1/me"), Some(wrong), None).unwrap();
    assert_eq!(status, 401);
    let sign_in = |secret: &str| {
        agent
            .post(server.url("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(format!("token={secret}"))
            .unwrap()
    };
    assert_eq!(sign_in(wrong).status().as_u16(), 401);
    let signed_in = sign_in(ADMIN);
    assert_eq!(signed_in.status().as_u16(), 303);
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().to_string();
    let session = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_string();
    assert!(session.len() >= 32, "{cookie}");
    let page = agent.get(server.url("/")).header("Cookie", format!("ssi_session={session}")).call().unwrap();
    assert_eq!(page.status().as_u16(), 200);

    let status = server.terminate();
    assert!(status.success());
    let output = format!("{}{}", server.log(), server.stdout());
    assert!(output.contains("\"level\":\"DEBUG\""), "the log ran at trace level (debug included)");
    for (what, secret) in [
        ("the admin token", ADMIN),
        ("a member token", token.as_str()),
        ("a wrong token", wrong),
        ("a session id", &session),
    ] {
        for needle in [secret, secret.trim_start_matches("ssi_")] {
            assert!(!output.contains(needle), "{what} appears in the server's output");
        }
    }
    assert!(!output.to_ascii_lowercase().contains("authorization: bearer"), "no request header is logged");
}
