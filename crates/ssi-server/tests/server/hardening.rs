//! Hardening of the team server: one Authorization header, no login CSRF, quiet logs, nothing minted before the bind, the upload folder, and a visible shutdown drain.

use crate::process::{ADMIN, ServerProcess, agent, call, member_with_token};
use crate::support::{Fixture, server_database, small_export_zip, sqlite_only};
use axum::body::Body;
use axum::http::{Request, header};
use std::time::{Duration, Instant};

#[tokio::test]
async fn two_authorization_headers_are_refused() {
    let f = Fixture::new();
    let request = Request::get("/api/v1/me")
        .header(header::AUTHORIZATION, format!("Bearer {}", f.alice_token.secret))
        .header(header::AUTHORIZATION, format!("Bearer {}", f.admin.secret))
        .body(Body::empty())
        .unwrap();
    let message = f.send(request).await.expect_error(400, "bad_request");
    assert!(message.contains("one Authorization header"), "{message}");
    // One header still works.
    f.json("GET", "/api/v1/me", Some(&f.alice_token.secret), None).await.expect(200);
}

#[tokio::test]
async fn a_sign_in_posted_from_another_site_is_refused() {
    let f = Fixture::new();
    let form = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut request = Request::post("/login")
            .header(header::HOST, "ssi.example.com")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        request.body(Body::from(format!("token={}", f.admin.secret))).unwrap()
    };
    for (origin, site) in [
        (Some("https://evil.example"), Some("cross-site")),
        (Some("https://evil.example"), None),
        (None, Some("cross-site")),
        (Some("null"), None),
    ] {
        let reply = f.send(form(origin, site)).await.expect(403);
        assert!(reply.headers.get(header::SET_COOKIE).is_none(), "{origin:?} {site:?}: no session");
        assert!(reply.text().contains("own sign-in page"), "{origin:?} {site:?}");
    }
    // The server's own form, and clients that are not browsers, still sign in.
    // (Chromium sends `Origin: null` from this server's own no-referrer pages.)
    for (origin, site) in [
        (Some("https://ssi.example.com"), Some("same-origin")),
        (Some("null"), Some("same-origin")),
        (Some("https://ssi.example.com"), None),
        (None, None),
    ] {
        let reply = f.send(form(origin, site)).await.expect(303);
        assert!(reply.headers.get(header::SET_COOKIE).is_some(), "{origin:?} {site:?}");
    }
}

#[test]
fn text_logs_to_a_file_have_no_colour_codes_and_no_client_address() {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let mut server = ServerProcess::start(dir.path(), &database, &[], &[("SSI_LOG", "trace")]);
    let agent = agent();
    for _ in 0..3 {
        let (status, _) = call(&agent, "GET", &server.url("/api/v1/teams"), Some(ADMIN), None).unwrap();
        assert_eq!(status, 200);
    }
    assert!(server.terminate().success());
    let log = server.log();
    assert!(log.contains("DEBUG"), "the log ran at trace level (debug included)");
    assert!(!log.contains('\u{1b}'), "no ANSI escape codes in a log file");
    let own_port = server.base.rsplit(':').next().unwrap().to_string();
    // The only addresses in the log are the server's own and its database's.
    let known_ports: Vec<String> = [Some(own_port), database.postgres_port()].into_iter().flatten().collect();
    for line in log.lines() {
        for (i, _) in line.match_indices("127.0.0.1:") {
            let port: String = line[i + 10..].chars().take_while(char::is_ascii_digit).collect();
            assert!(known_ports.contains(&port), "a client address is logged: {line}");
        }
        assert!(!line.contains("accepted"), "{line}");
    }
}

#[test]
fn a_server_that_cannot_bind_mints_no_token_and_touches_no_database() {
    sqlite_only!("checks that no SQLite file is created before the bind");
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let database = dir.path().join("ssi.db");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ssi-server"))
        .args(["serve", "--bind", &address, "--database"])
        .arg(&database)
        .env_remove("SSI_ADMIN_TOKEN")
        .env_remove("SSI_CONFIG")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains("admin token"), "no token is printed: {stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot listen on"));
    assert!(!database.exists(), "the database is not created before the bind");
}

#[test]
fn the_upload_folder_is_created_at_start_and_readiness_fails_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let uploads = dir.path().join("spool").join("uploads");
    let database = server_database(dir.path());
    let server =
        ServerProcess::start(dir.path(), &database, &[], &[("SSI_UPLOAD_DIR", uploads.to_str().unwrap())]);
    assert!(uploads.is_dir(), "created at start");
    let agent = agent();
    let (status, _) = call(&agent, "GET", &server.url("/readyz"), None, None).unwrap();
    assert_eq!(status, 200);
    std::fs::remove_dir_all(&uploads).unwrap();
    let (status, body) = call(&agent, "GET", &server.url("/readyz"), None, None).unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.to_string().contains("upload folder is missing"), "{body}");
    assert!(!body.to_string().contains(uploads.to_str().unwrap()), "no server path: {body}");
}

#[test]
fn after_sigterm_the_server_drains_with_503s_while_still_accepting() {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let mut server = ServerProcess::start(dir.path(), &database, &[], &[("SSI_SHUTDOWN_DRAIN_SECS", "3")]);
    let agent = agent();
    let (status, _) = call(&agent, "GET", &server.url("/readyz"), None, None).unwrap();
    assert_eq!(status, 200);
    let (_, member, token) = member_with_token(&agent, &server, "Dana Drain");
    let sent = Instant::now();
    server.signal_term();
    // Within the drain: still answering, but not ready and taking no new work.
    let mut saw_drain = false;
    while sent.elapsed() < Duration::from_millis(2500) {
        let (ready, _) = call(&agent, "GET", &server.url("/readyz"), None, None).unwrap();
        if ready == 503 {
            let (health, _) = call(&agent, "GET", &server.url("/healthz"), None, None).unwrap();
            assert_eq!(health, 200, "the process still answers during the drain");
            let upload = agent
                .post(server.url(&format!("/api/v1/members/{member}/exports")))
                .header("Authorization", format!("Bearer {token}"))
                .header("Content-Type", "application/zip")
                .send(&small_export_zip()[..])
                .unwrap();
            assert_eq!(upload.status().as_u16(), 503, "new work is refused");
            saw_drain = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(saw_drain, "readiness turned 503 while the server kept accepting");
    let status = server.wait_exit();
    assert!(status.success());
    assert!(sent.elapsed() >= Duration::from_secs(3), "the listener stayed open for the drain");
}

#[test]
fn stalled_clients_cannot_exhaust_a_server_with_few_open_files() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    // 256 open files, as a small container might allow; 300 clients that stall mid-header.
    let database = server_database(dir.path());
    let server = ServerProcess::start_with_open_files(
        dir.path(),
        &database,
        &[],
        &[("SSI_HEADER_TIMEOUT_SECS", "2"), ("SSI_MAX_CONNECTIONS", "200")],
        Some(256),
    );
    let address = server.base.trim_start_matches("http://").to_string();
    let mut stalled = Vec::new();
    for _ in 0..300 {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-a: ").unwrap();
        stalled.push(stream);
    }
    // /healthz keeps answering: the header timeout closes the stalled connections and the
    // cap keeps the open ones below the file limit.
    let agent = agent();
    let started = Instant::now();
    let answered = loop {
        match call(&agent, "GET", &server.url("/healthz"), None, None) {
            Ok((200, _)) => break true,
            _ if started.elapsed() > Duration::from_secs(30) => break false,
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    };
    assert!(answered, "/healthz answered while 300 clients stalled: {}", server.log());
    // The first stalled client was cut off (end of stream or a 408), not kept open.
    let first = &mut stalled[0];
    first.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut buffer = [0u8; 256];
    let read = first.read(&mut buffer);
    assert!(
        read.is_ok() || read.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
        "the stalled connection was closed: {read:?}"
    );
}

#[tokio::test]
async fn a_day_to_come_is_a_bad_request_not_todays_answer() {
    let f = Fixture::new();
    let board = format!("/api/v1/teams/{}/leaderboard?date=2030-01-01", f.team_a.0);
    let message =
        f.json("GET", &board, Some(&f.manager_a.secret), None).await.expect_error(400, "bad_request");
    assert!(message.contains("2030-01-01 is after today"), "{message}");
    let summary = format!("/api/v1/teams/{}/summary?date=2030-01-01", f.team_a.0);
    f.json("GET", &summary, Some(&f.manager_a.secret), None).await.expect_error(400, "bad_request");
    let score = format!("/api/v1/members/{}/score?date=2030-01-01", f.alice.0);
    f.json("GET", &score, Some(&f.alice_token.secret), None).await.expect_error(400, "bad_request");
    // Today and earlier days still answer.
    let today = format!("/api/v1/teams/{}/leaderboard?date={}", f.team_a.0, crate::support::today());
    f.json("GET", &today, Some(&f.manager_a.secret), None).await.expect(200);
}

#[tokio::test]
async fn a_manager_pushing_anything_is_forbidden_before_the_body_is_judged() {
    let f = Fixture::new();
    let message = f
        .json("POST", "/api/v1/push", Some(&f.manager_a.secret), Some(serde_json::json!({})))
        .await
        .expect_error(403, "forbidden");
    assert!(message.contains("member's token"), "{message}");
    // A member's malformed push is still a 422.
    f.json("POST", "/api/v1/push", Some(&f.alice_token.secret), Some(serde_json::json!({})))
        .await
        .expect_error(422, "unprocessable");
}

#[tokio::test]
async fn job_errors_name_the_upload_never_a_server_path() {
    let f = Fixture::new();
    let token = f.alice_token.secret.clone();
    // A ZIP whose only CSV is not an export: readable as a ZIP, refused by the importer.
    let mut bytes = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(&mut bytes);
        zip.start_file("notes.txt", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(b"not an export").unwrap();
        zip.finish().unwrap();
    }
    let request = Request::post(format!("/api/v1/members/{}/exports?name=my-export.zip", f.alice.0))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/zip")
        .body(Body::from(bytes.into_inner()))
        .unwrap();
    let job = f.send(request).await.expect(202).json();
    let done = crate::support::wait_for_job(&f, job["id"].as_u64().unwrap(), &token).await;
    assert_eq!(done["state"], "failed", "{done}");
    let error = done["error"].as_str().unwrap();
    assert!(error.contains("my-export.zip"), "the upload's own name: {error}");
    let spool = f.dir.path().to_str().unwrap();
    assert!(!error.contains(spool) && !error.contains("ssi-upload-"), "no server path: {error}");
}

#[test]
fn job_ids_are_never_reused_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let agent = agent();
    let mut ids = Vec::new();
    for run in 0..2 {
        let mut server = ServerProcess::start(dir.path(), &database, &[], &[]);
        let (_, member, token) = member_with_token(&agent, &server, &format!("Jo Job {run}"));
        let response = agent
            .post(server.url(&format!("/api/v1/members/{member}/exports")))
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", "application/zip")
            .send(&small_export_zip()[..])
            .unwrap();
        assert_eq!(response.status().as_u16(), 202);
        let job: serde_json::Value = serde_json::from_reader(response.into_body().into_reader()).unwrap();
        ids.push(job["id"].as_u64().unwrap());
        assert!(server.terminate().success());
    }
    assert!(ids[1] > ids[0], "a restarted server gives new ids: {ids:?}");
}

#[tokio::test]
async fn the_only_member_of_a_team_is_not_top_100_percent_of_it() {
    let f = Fixture::new();
    let page = f.page(&f.carol_token, &format!("/members/{}", f.carol.0)).await;
    assert!(page.contains("<dt>Team</dt><dd>the only scored member so far</dd>"), "{page}");
    assert!(!page.contains("Top 100%"), "{page}");
}

#[test]
fn migrate_and_token_take_the_database_and_never_echo_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let run = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ssi-server"))
            .args(args)
            .env_remove("SSI_CONFIG")
            .env_remove("SSI_DB")
            .output()
            .unwrap()
    };
    let migrated = run(&["migrate".as_ref(), "--database".as_ref(), database.as_ref()]);
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    assert!(String::from_utf8_lossy(&migrated.stdout).contains("is at schema version"));
    let created = run(&[
        "token".as_ref(),
        "--database".as_ref(),
        database.as_ref(),
        "create".as_ref(),
        "--role".as_ref(),
        "admin".as_ref(),
    ]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let listed = run(&["token".as_ref(), "--database".as_ref(), database.as_ref(), "list".as_ref()]);
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(listed.contains("admin") && listed.contains("active"), "{listed}");

    let unreachable = "postgres://ssi:hunter2@127.0.0.1:1/ssi?connect_timeout=2";
    let refused = run(&["migrate".as_ref(), "--database".as_ref(), unreachable.as_ref()]);
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(error.contains("postgres://ssi:***@127.0.0.1:1/ssi"), "{error}");
    assert!(!error.contains("hunter2"), "{error}");
}
