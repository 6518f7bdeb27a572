//! End-to-end tests against the real `ssi-server` binary listening on 127.0.0.1:0, driven
//! with an HTTP client: first-start bootstrap, an export upload, a push, a score alert to a
//! webhook configured by flag and variable, time limits, and graceful shutdown on SIGTERM
//! with an import in flight.

use crate::support::{Receiver, sample_export, server_database, small_export_zip, sqlite_only};
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A running server process.
struct Server {
    child: Child,
    base: String,
    /// The admin token printed on first start, if this start printed one.
    admin: Option<String>,
    log: PathBuf,
}

impl Server {
    /// Starts the binary on an ephemeral port over `database`; waits until it listens.
    fn start(dir: &Path, database: impl AsRef<OsStr>, extra: &[&str]) -> Server {
        Server::start_with_env(dir, database, extra, &[])
    }

    /// [`Server::start`] with extra environment variables.
    fn start_with_env(
        dir: &Path,
        database: impl AsRef<OsStr>,
        extra: &[&str],
        vars: &[(&str, &str)],
    ) -> Server {
        static STARTS: AtomicUsize = AtomicUsize::new(0);
        let log = dir.join(format!("server-{}.log", STARTS.fetch_add(1, Ordering::Relaxed)));
        let mut child = Command::new(env!("CARGO_BIN_EXE_ssi-server"))
            .args(["serve", "--bind", "127.0.0.1:0", "--database"])
            .arg(database)
            .args(["--daily-job-enabled", "false"])
            .args(extra)
            .env_remove("SSI_ADMIN_TOKEN")
            .env_remove("SSI_CONFIG")
            .env("SSI_LOG", "info")
            .env("SSI_SHUTDOWN_DRAIN_SECS", "0")
            .envs(vars.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
            .spawn()
            .expect("the ssi-server binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let mut admin = None;
        let base = loop {
            let line = lines
                .next()
                .unwrap_or_else(|| {
                    panic!("server exited early: {}", std::fs::read_to_string(&log).unwrap_or_default())
                })
                .unwrap();
            if let Some(token) = line.trim().strip_prefix("ssi_") {
                admin = Some(format!("ssi_{token}"));
            }
            if let Some(address) = line.strip_prefix("ssi-server listening on ") {
                break address.trim().to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, base, admin, log }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits (bounded) for the process to exit.
    fn terminate(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -TERM failed");
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not stop after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(120)).build().unwrap()
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Creates a team, a member in it and a member token; returns (member id, member token).
async fn member_with_token(
    client: &reqwest::Client,
    server: &Server,
    admin: &str,
    name: &str,
) -> (i64, String) {
    let (status, team) = call(
        client,
        reqwest::Method::POST,
        &server.url("/api/v1/teams"),
        admin,
        Some(json!({"name": format!("{name}'s team")})),
    )
    .await;
    assert_eq!(status, 201, "{team}");
    let (status, member) = call(
        client,
        reqwest::Method::POST,
        &server.url(&format!("/api/v1/teams/{}/members", team["id"])),
        admin,
        Some(json!({"name": name, "industry": "Software"})),
    )
    .await;
    assert_eq!(status, 201, "{member}");
    let member_id = member["id"].as_i64().unwrap();
    let (status, token) = call(
        client,
        reqwest::Method::POST,
        &server.url("/api/v1/tokens"),
        admin,
        Some(json!({"role": "member", "member": member_id, "label": "e2e"})),
    )
    .await;
    assert_eq!(status, 201, "{token}");
    (member_id, token["token"].as_str().unwrap().to_string())
}

fn export_bytes() -> (Vec<u8>, &'static str) {
    match sample_export() {
        Some(path) => (std::fs::read(path).unwrap(), "examples/sample-export.zip"),
        None => (small_export_zip(), "a small export built by the test"),
    }
}

async fn upload(
    client: &reqwest::Client,
    server: &Server,
    member: i64,
    token: &str,
    bytes: Vec<u8>,
) -> Value {
    let response =
        client
            .post(server.url(&format!(
                "/api/v1/members/{member}/exports?name=Basic_LinkedInDataExport_11-20-2026.zip"
            )))
            .bearer_auth(token)
            .header("content-type", "application/zip")
            .body(bytes)
            .send()
            .await
            .unwrap();
    assert_eq!(response.status().as_u16(), 202);
    response.json().await.unwrap()
}

async fn wait_for_job(client: &reqwest::Client, server: &Server, job: &Value, token: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, body) = call(
            client,
            reqwest::Method::GET,
            &server.url(&format!("/api/v1/jobs/{}", job["id"])),
            token,
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        if body["state"] == "succeeded" || body["state"] == "failed" {
            return body;
        }
        assert!(Instant::now() < deadline, "job did not finish: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_server_bootstraps_imports_an_export_and_takes_a_push() {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let server = Server::start(dir.path(), &database, &[]);
    let admin = server.admin.clone().expect("the first start prints an admin token");
    let client = client();

    let (status, health) = call(&client, reqwest::Method::GET, &server.url("/readyz"), "", None).await;
    assert_eq!((status, &health["status"]), (200, &json!("ok")));
    let (member, token) = member_with_token(&client, &server, &admin, "Katrin Vogt").await;

    let (bytes, source) = export_bytes();
    eprintln!("uploading {source} ({} bytes)", bytes.len());
    let started = Instant::now();
    let job = upload(&client, &server, member, &token, bytes).await;
    let done = wait_for_job(&client, &server, &job, &token).await;
    eprintln!("import of {source} took {:?} end to end", started.elapsed());
    assert_eq!(done["state"], "succeeded", "{done}");
    assert!(done["result"]["events_added"].as_u64().unwrap() > 0, "{done}");

    let (status, score) = call(
        &client,
        reqwest::Method::GET,
        &server.url(&format!("/api/v1/members/{member}/score")),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{score}");
    assert!(score["total"].as_f64().unwrap() > 0.0, "{score}");

    // The member's CLI pushes scores and readings (the request `ssi push` sends).
    let push = ssi_api::PushRequest {
        model_version: "cli-e2e".into(),
        scores: vec![ssi_api::PushedScore {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            pillars: ssi_core::PillarScores::from_array([10.0, 5.0, 5.0, 5.0]),
            total: 25.0,
        }],
        readings: vec![ssi_core::OfficialReading::new(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            31.0,
            ssi_core::ReadingSource::Manual,
        )],
    };
    let response =
        client.post(server.url(ssi_api::PUSH_PATH)).bearer_auth(&token).json(&push).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let answer: ssi_api::PushResponse = response.json().await.unwrap();
    assert_eq!(answer, ssi_api::PushResponse { scores_stored: 1, readings_stored: 1 });

    // The dashboard's stylesheet and the security headers come through the real stack.
    let response = client.get(server.url("/login")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let metrics = client.get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"ssi_imports_total{outcome="succeeded"} 1"#), "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_server_posts_an_alert_to_the_configured_webhook_and_retries() {
    // The receiver answers 503 once, then 200: the real binary must retry.
    let receiver = Receiver::start(1, false).await;
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let server = Server::start_with_env(
        dir.path(),
        &database,
        &["--alerts-below", "50"],
        &[("SSI_ALERTS_WEBHOOK_URL", receiver.url.as_str()), ("SSI_ALERTS_RETRY_BASE_SECS", "1")],
    );
    let admin = server.admin.clone().expect("the first start prints an admin token");
    let client = client();
    let (member, token) = member_with_token(&client, &server, &admin, "Wanda Webhook").await;
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let push = json!({
        "model_version": "cli-e2e",
        "scores": [{"date": yesterday, "pillars": {"brand": 9.0, "people": 7.0, "insights": 6.0, "relationships": 8.0}, "total": 30.0}]
    });
    let (status, answer) =
        call(&client, reqwest::Method::POST, &server.url(ssi_api::PUSH_PATH), &token, Some(push)).await;
    assert_eq!(status, 200, "{answer}");
    let bodies = receiver.wait_for_requests(2).await;
    assert_eq!(bodies[0], bodies[1], "the retry sends the same alert");
    let alert = &bodies[0];
    assert_eq!(alert["member"], json!({"id": member, "name": "Wanda Webhook"}));
    assert_eq!(alert["team"]["name"], "Wanda Webhook's team");
    assert_eq!((alert["kind"].as_str(), alert["total"].as_f64()), (Some("below"), Some(30.0)));
    assert_eq!(alert["date"], yesterday.to_string());
    assert_eq!(alert["threshold"], 50.0);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let metrics = client.get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
        if metrics.contains(r#"ssi_alert_deliveries_total{outcome="succeeded"} 1"#) {
            break;
        }
        assert!(Instant::now() < deadline, "the delivery was never counted: {metrics}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!server.log().contains(&receiver.url), "the webhook URL is never logged in full");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_times_out_with_408() {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let server = Server::start(dir.path(), &database, &["--upload-timeout-secs", "1"]);
    let admin = server.admin.clone().unwrap();
    let client = client();
    let (member, token) = member_with_token(&client, &server, &admin, "Slow Sam").await;
    let address = server.base.trim_start_matches("http://").to_string();
    let reply = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        // Promise 100000 bytes, send 10, then stall.
        write!(
            stream,
            "POST /api/v1/members/{member}/exports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/zip\r\nContent-Length: 100000\r\n\r\nPK\x03\x04012345"
        )
        .unwrap();
        let mut reply = String::new();
        let mut buffer = [0u8; 4096];
        let n = stream.read(&mut buffer).unwrap();
        reply.push_str(&String::from_utf8_lossy(&buffer[..n]));
        reply
    })
    .await
    .unwrap();
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("\"error\":\"timeout\""), "{reply}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_an_accepted_import_finish_and_the_next_start_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let mut server = Server::start(dir.path(), &database, &[]);
    let admin = server.admin.clone().unwrap();
    let client = client();
    let (member, token) = member_with_token(&client, &server, &admin, "Grace Ful").await;
    let (bytes, _) = export_bytes();
    let job = upload(&client, &server, member, &token, bytes).await;
    assert!(matches!(job["state"].as_str(), Some("queued" | "running")), "{job}");
    let status = server.terminate();
    assert!(status.success(), "exit status {status:?}; log:\n{}", server.log());
    let log = server.log();
    assert!(log.contains("SIGTERM received"), "{log}");
    assert!(log.contains("export imported"), "the accepted import finished before exit:\n{log}");

    // The next start finds the tokens (prints none) and the imported data.
    let server = Server::start(dir.path(), &database, &[]);
    assert!(server.admin.is_none(), "a database with tokens gets no new admin token");
    let (status, score) = call(
        &client,
        reqwest::Method::GET,
        &server.url(&format!("/api/v1/members/{member}/score")),
        &admin,
        None,
    )
    .await;
    assert_eq!(status, 200, "{score}");
}

/// The `ssi` CLI binary of this workspace, built if it is not there yet.
fn cli_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    let cli = profile_dir.join(format!("ssi{}", std::env::consts::EXE_SUFFIX));
    if !cli.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", "ssi-cli", "--bin", "ssi"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert!(status.success(), "building the ssi CLI failed");
    }
    cli
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssi_push_from_the_real_cli_lands_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let server = Server::start(dir.path(), &database, &[]);
    let admin = server.admin.clone().unwrap();
    let client = client();
    let (member, token) = member_with_token(&client, &server, &admin, "Pia Pusher").await;

    // The member's own machine: the CLI imports the export into its own database, then pushes.
    let export = dir.path().join("Basic_LinkedInDataExport_11-20-2026.zip");
    std::fs::write(&export, export_bytes().0).unwrap();
    let cli_db = dir.path().join("cli.db");
    let cli = cli_binary();
    let home = dir.path().to_path_buf();
    let member_token = token.clone();
    let run = move |args: &[&str]| {
        let output = Command::new(&cli)
            .arg("--db")
            .arg(&cli_db)
            .args(args)
            .env("XDG_CONFIG_HOME", &home)
            .env("XDG_DATA_HOME", &home)
            .env("SSI_TOKEN", &member_token)
            .env("NO_COLOR", "1")
            .env_remove("SSI_CONFIG")
            .env_remove("SSI_MEMBER")
            .env_remove("SSI_SERVER")
            .output()
            .unwrap();
        let text =
            format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "ssi {args:?} failed:\n{text}");
        text
    };
    let server_url = server.base.clone();
    let export_arg = export.display().to_string();
    let pushed = tokio::task::spawn_blocking(move || {
        run(&["--quiet", "import", &export_arg]);
        run(&["push", "--server", &server_url])
    })
    .await
    .unwrap();
    assert!(pushed.contains("Pushed"), "{pushed}");

    let (status, score) = call(
        &client,
        reqwest::Method::GET,
        &server.url(&format!("/api/v1/members/{member}/score")),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{score}");
    assert!(score["model_version"].as_str().unwrap().starts_with("push:"), "{score}");
    let (status, history) = call(
        &client,
        reqwest::Method::GET,
        &server.url(&format!("/api/v1/members/{member}/history")),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(history["days"].as_array().unwrap().len() > 1, "a daily series arrived: {history}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_chosen_admin_token_is_installed_on_first_start() {
    sqlite_only!("reads the SQLite file's bytes to find no plaintext of the installed token");
    let dir = tempfile::tempdir().unwrap();
    let chosen = format!("ssi_{}", "5e".repeat(20));
    let server = Server::start_with_env(
        dir.path(),
        dir.path().join("ssi.db"),
        &[],
        &[("SSI_ADMIN_TOKEN", chosen.as_str())],
    );
    assert!(server.admin.is_none(), "nothing is printed when the operator chose the token");
    let (status, me) = call(&client(), reqwest::Method::GET, &server.url("/api/v1/me"), &chosen, None).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["token"]["role"], "admin");
    let stored = std::fs::read(dir.path().join("ssi.db")).unwrap();
    let needle = chosen.as_bytes();
    assert!(!stored.windows(needle.len()).any(|w| w == needle), "only the hash is stored");
}
