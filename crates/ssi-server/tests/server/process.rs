//! The real `ssi-server` binary as a child process for the crash, load and security tests:
//! started on 127.0.0.1:0 with an operator-chosen admin token (so that restarts keep it),
//! killed with SIGKILL or stopped with SIGTERM, and a blocking HTTP client (ureq) to talk
//! to it from plain threads.

use serde_json::{Value, json};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The admin token every process test installs on its empty database.
pub(crate) const ADMIN: &str = "ssi_process_test_admin_0123456789abcdef0123";

/// A running server process.
pub(crate) struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    /// What the process wrote on standard output (the lines read until it listened).
    pub(crate) stdout_head: String,
    log: PathBuf,
    stdout_rest: Option<std::thread::JoinHandle<String>>,
}

impl ServerProcess {
    /// Starts the binary over `database` and waits until it listens. `vars` are extra
    /// environment variables; the log (standard error) goes to a file in `dir`.
    pub(crate) fn start(
        dir: &Path,
        database: impl AsRef<OsStr>,
        extra: &[&str],
        vars: &[(&str, &str)],
    ) -> ServerProcess {
        Self::start_with_open_files(dir, database, extra, vars, None)
    }

    /// [`ServerProcess::start`] with the process's open-file limit lowered to
    /// `open_files` (through util-linux `prlimit`) when given.
    pub(crate) fn start_with_open_files(
        dir: &Path,
        database: impl AsRef<OsStr>,
        extra: &[&str],
        vars: &[(&str, &str)],
        open_files: Option<u32>,
    ) -> ServerProcess {
        static STARTS: AtomicUsize = AtomicUsize::new(0);
        let log = dir.join(format!("process-{}.log", STARTS.fetch_add(1, Ordering::Relaxed)));
        let binary = env!("CARGO_BIN_EXE_ssi-server");
        let mut command = match open_files {
            Some(limit) => {
                let mut command = Command::new("prlimit");
                command.arg(format!("--nofile={limit}:{limit}")).arg(binary);
                command
            }
            None => Command::new(binary),
        };
        // The daily job stays off unless a test turns it on itself.
        let daily_job: &[&str] =
            if extra.contains(&"--daily-job-enabled") { &[] } else { &["--daily-job-enabled", "false"] };
        let mut child = command
            .args(["serve", "--bind", "127.0.0.1:0", "--database"])
            .arg(database)
            .args(daily_job)
            .args(extra)
            .env_remove("SSI_CONFIG")
            .env_remove("RUST_LOG")
            .env("SSI_ADMIN_TOKEN", ADMIN)
            .env("SSI_LOG", "info")
            .env("SSI_SHUTDOWN_DRAIN_SECS", "0")
            .envs(vars.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
            .spawn()
            .expect("the ssi-server binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let mut stdout_head = String::new();
        let base = loop {
            let line = match lines.next() {
                Some(line) => line.unwrap(),
                None => panic!("server exited early: {}", std::fs::read_to_string(&log).unwrap_or_default()),
            };
            stdout_head.push_str(&line);
            stdout_head.push('\n');
            if let Some(address) = line.strip_prefix("ssi-server listening on ") {
                break address.trim().to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe; keep it for checks.
        let stdout_rest = std::thread::spawn(move || {
            let mut rest = String::new();
            for line in lines.map_while(Result::ok) {
                rest.push_str(&line);
                rest.push('\n');
            }
            rest
        });
        ServerProcess { child, base, stdout_head, log, stdout_rest: Some(stdout_rest) }
    }

    /// The URL of a path on this server.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Kills the process with SIGKILL and reaps it.
    pub(crate) fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends SIGTERM and waits (bounded) for the process to exit.
    pub(crate) fn terminate(&mut self) -> std::process::ExitStatus {
        self.signal_term();
        self.wait_exit()
    }

    /// Sends SIGTERM without waiting.
    pub(crate) fn signal_term(&self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits (bounded) for the process to exit.
    pub(crate) fn wait_exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not stop after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Standard error so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Everything written on standard output; only complete once the process has exited.
    pub(crate) fn stdout(&mut self) -> String {
        let rest = self.stdout_rest.take().map(|h| h.join().unwrap_or_default()).unwrap_or_default();
        format!("{}{rest}", self.stdout_head)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A blocking HTTP client that reports every status instead of failing on 4xx/5xx, and
/// does not follow redirects.
pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        // A sign-in answers 303 with the session cookie: look at it, do not follow it.
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Sends a request with an optional bearer token and JSON body; returns the status and the
/// body as JSON (or as a JSON string when it is not JSON).
pub(crate) fn call(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<(u16, Value), ureq::Error> {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut response = match (method, body) {
        ("GET", _) => {
            let mut request = agent.get(url);
            if let Some(auth) = &auth {
                request = request.header("Authorization", auth);
            }
            request.call()?
        }
        (_, body) => {
            let mut request = match method {
                "POST" => agent.post(url),
                "PATCH" => agent.patch(url),
                other => panic!("method {other} is not used by these tests"),
            };
            if let Some(auth) = &auth {
                request = request.header("Authorization", auth);
            }
            match body {
                Some(body) => request.send_json(body)?,
                None => request.send_empty()?,
            }
        }
    };
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string()?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
}

/// Uploads an export archive; returns the status and the answer.
pub(crate) fn upload(
    agent: &ureq::Agent,
    server: &str,
    member: i64,
    token: &str,
    bytes: &[u8],
) -> Result<(u16, Value), ureq::Error> {
    let mut response = agent
        .post(format!(
            "{server}/api/v1/members/{member}/exports?name=Basic_LinkedInDataExport_11-20-2026.zip"
        ))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/zip")
        .send(bytes)?;
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string()?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
}

/// Creates a team (named after `name`), a member in it and a member token through the
/// API; returns (team id, member id, member token).
pub(crate) fn member_with_token(
    agent: &ureq::Agent,
    server: &ServerProcess,
    name: &str,
) -> (i64, i64, String) {
    let (status, team) = call(
        agent,
        "POST",
        &server.url("/api/v1/teams"),
        Some(ADMIN),
        Some(&json!({"name": format!("{name}'s team")})),
    )
    .unwrap();
    assert_eq!(status, 201, "{team}");
    let team = team["id"].as_i64().unwrap();
    let (status, member) = call(
        agent,
        "POST",
        &server.url(&format!("/api/v1/teams/{team}/members")),
        Some(ADMIN),
        Some(&json!({"name": name, "industry": "Software"})),
    )
    .unwrap();
    assert_eq!(status, 201, "{member}");
    let member = member["id"].as_i64().unwrap();
    let (status, token) = call(
        agent,
        "POST",
        &server.url("/api/v1/tokens"),
        Some(ADMIN),
        Some(&json!({"role": "member", "member": member, "label": "process test"})),
    )
    .unwrap();
    assert_eq!(status, 201, "{token}");
    (team, member, token["token"].as_str().unwrap().to_string())
}

/// Polls a job until it has finished (bounded); `None` when the server stopped answering
/// or no longer knows the job.
pub(crate) fn wait_for_job(agent: &ureq::Agent, server: &str, job: i64, token: &str) -> Option<Value> {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let (status, body) =
            call(agent, "GET", &format!("{server}/api/v1/jobs/{job}"), Some(token), None).ok()?;
        if status != 200 {
            // Not (or no longer) answered: the server went away, or the job is not this member's.
            eprintln!("job {job} on {server}: {status} {body}");
            return None;
        }
        if body["state"] == "succeeded" || body["state"] == "failed" {
            return Some(body);
        }
        assert!(Instant::now() < deadline, "job did not finish: {body}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A push of one day's score, `ssi_api::PushRequest` as JSON; `total` is the pillars' sum.
pub(crate) fn push_body(version: &str, date: chrono::NaiveDate, total: f64) -> Value {
    let quarter = total / 4.0;
    json!({
        "model_version": version,
        "scores": [{"date": date, "pillars": {"brand": quarter, "people": quarter, "insights": quarter, "relationships": quarter}, "total": total}],
    })
}

/// The bundled sample export (the "typical" synthetic one).
pub(crate) fn sample_export_bytes() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample-export.zip");
    std::fs::read(path).expect("examples/sample-export.zip is part of the repository")
}
