//! `cargo xtask load`: the real `ssi-server` on 127.0.0.1 under concurrent writers (pushes,
//! readings, export uploads) and readers (leaderboard, history, score) for a bounded time,
//! optionally restarted mid-run (once with SIGTERM, once with SIGKILL). Afterwards every
//! acknowledged write must be in the database and no answer may have been a 5xx (the
//! documented "shutting down" refusal of an upload during a graceful stop aside). The test
//! suite runs a three-second version (`crates/ssi-server/tests/server/crash.rs`).
//!
//! Loopback only, requests bounded in number (`--max-requests`) and time (`--seconds`,
//! and 30 s per request); the database is a throwaway under `target/load/`.
//!
//! With `--database postgres://…` the servers run on that PostgreSQL database instead
//! (given to them as `SSI_DB`, so the password is on no command line, and never printed).
//! It must hold no ssi data (the load refuses one that does: make a fresh one with
//! `createdb`); the first server migrates it and installs the admin token
//! (`SSI_ADMIN_TOKEN`), and the acknowledged writes are read back through
//! `ssi_store::pg::PgStore`. `--replicas N` starts N server processes on that database,
//! each on its own port, and spreads every client's requests over them round-robin; a
//! restart then stops the first replica gracefully and the second (or the first again)
//! with SIGKILL while the others keep serving.

use crate::gen_export::{GenOptions, Size, Style, export_base_name, write_archive};
use anyhow::{Context, Result, bail};
use chrono::{Days, NaiveDate};
use clap::builder::RangedU64ValueParser;
use serde_json::{Value, json};
use ssi_store::pg::PgStore;
use ssi_store::{Backend, MemberId, Store};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// The admin token installed on the throwaway database (loopback only).
const ADMIN: &str = "ssi_load_admin_0123456789abcdef0123456789abcdef";

/// Server processes `--replicas` may start at most.
const MAX_REPLICAS: usize = 8;

/// Options of `cargo xtask load`: loopback only, bounded in time and in requests.
#[derive(Debug, Clone, PartialEq, clap::Args)]
#[command(
    after_help = "Loopback only; the database is a throwaway under target/load/. See docs/reliability.md."
)]
pub(crate) struct Args {
    /// How long the load runs
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    seconds: u64,
    /// Restart the server mid-run: SIGTERM at 1/3, SIGKILL at 2/3
    #[arg(long)]
    restart: bool,
    /// Push writers; one readings writer and one uploader run besides
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = RangedU64ValueParser::<usize>::new().range(1..=64))]
    writers: usize,
    /// Reader threads
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = RangedU64ValueParser::<usize>::new().range(0..=64))]
    readers: usize,
    /// Stop after this many requests in all
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    max_requests: u64,
    /// Use the release build of ssi-server [default: debug]
    #[arg(long)]
    release: bool,
    /// Run on this PostgreSQL database (it must hold no ssi data) [default: a throwaway SQLite file]
    // Checked by `parse_postgres_url` when the load starts, not by clap, whose error
    // would echo the value, password and all.
    #[arg(long, value_name = "postgres://…")]
    database: Option<String>,
    /// Server processes on the database, the load spread over them round-robin (needs --database)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = RangedU64ValueParser::<usize>::new().range(1..=MAX_REPLICAS as u64))]
    replicas: usize,
}

/// The value parser of `--database`: a PostgreSQL URL (an SQLite load needs no option),
/// read as the server reads its `database` setting.
pub(crate) fn parse_postgres_url(text: &str) -> Result<String, String> {
    match text.parse::<ssi_server::DatabaseUrl>()? {
        ssi_server::DatabaseUrl::Postgres(url) => Ok(url),
        ssi_server::DatabaseUrl::Sqlite(_) => Err(format!(
            "{}: give a postgres:// URL (without --database the load runs on a throwaway SQLite file)",
            text.trim()
        )),
    }
}

/// A connection URL as the server shows it: the password (in the user part or a
/// `password=` parameter) replaced by `***`.
pub(crate) fn redacted(url: &str) -> String {
    ssi_server::DatabaseUrl::Postgres(url.to_string()).to_string()
}

/// Where the servers keep their data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Database {
    /// An SQLite file (a throwaway).
    Sqlite(PathBuf),
    /// A PostgreSQL database, by URL (its password never shown).
    Postgres(String),
}

impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => write!(f, "{}", redacted(url)),
        }
    }
}

/// A store opened on the database the servers wrote, to read back what they acknowledged.
pub(crate) enum Readback {
    /// The SQLite file.
    Sqlite(Store),
    /// The PostgreSQL database.
    Postgres(PgStore),
}

impl Database {
    /// Opens the database to read it (a PostgreSQL one is not migrated: the servers do that).
    pub(crate) fn open(&self) -> Result<Readback> {
        match self {
            Database::Sqlite(path) => {
                let store = Store::open(path).with_context(|| format!("cannot open {}", path.display()))?;
                Ok(Readback::Sqlite(store))
            }
            Database::Postgres(url) => {
                PgStore::connect(url, 2).map(Readback::Postgres).map_err(|e| self.error_without_password(e))
            }
        }
    }

    /// A store error naming this database, the URL's password removed from both.
    pub(crate) fn error_without_password(&self, error: impl std::fmt::Display) -> anyhow::Error {
        let text = error.to_string();
        let text = match self {
            Database::Postgres(url) => text.replace(url.as_str(), &redacted(url)),
            Database::Sqlite(_) => text,
        };
        anyhow::anyhow!("{self}: {text}")
    }

    /// Refuses a PostgreSQL database that already holds ssi data: the load writes made-up
    /// teams, members and scores, and its checks count on knowing every row.
    pub(crate) fn refuse_occupied(&self) -> Result<()> {
        let Readback::Postgres(store) = self.open()? else { return Ok(()) };
        if store.schema_version().map_err(|e| self.error_without_password(e))? == 0 {
            return Ok(());
        }
        let occupied = (|| -> Result<(usize, usize, usize), ssi_store::StoreError> {
            Ok((store.list_teams()?.len(), store.list_members()?.len(), store.list_tokens()?.len()))
        })()
        .map_err(|e| self.error_without_password(e))?;
        if occupied != (0, 0, 0) {
            bail!(
                "{self} holds ssi data ({} teams, {} members, {} tokens): the load needs a database of its own \
                 (createdb a fresh one)",
                occupied.0,
                occupied.1,
                occupied.2
            );
        }
        Ok(())
    }
}

impl Readback {
    /// The store behind the interface both backends answer.
    pub(crate) fn backend(&self) -> &dyn Backend {
        match self {
            Readback::Sqlite(store) => store,
            Readback::Postgres(store) => store,
        }
    }

    /// The days of a member's pushed scores (model version `load`).
    fn pushed_days(&self, member: MemberId) -> Result<BTreeSet<NaiveDate>, ssi_store::StoreError> {
        let points = match self {
            Readback::Sqlite(store) => store.score_points(member, "push:load", None, None)?,
            Readback::Postgres(store) => store.score_points(member, "push:load", None, None)?,
        };
        Ok(points.into_iter().map(|p| p.date).collect())
    }

    /// SQLite's own integrity check; PostgreSQL keeps its constraints itself.
    fn check_integrity(&self) -> Result<()> {
        if let Readback::Sqlite(store) = self {
            store.check_integrity()?;
        }
        Ok(())
    }
}

/// A running server process.
pub(crate) struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
}

impl Server {
    pub(crate) fn start(binary: &Path, database: &Database, log: &Path) -> Result<Server> {
        let log_file =
            std::fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
        let mut command = Command::new(binary);
        command.args(["serve", "--bind", "127.0.0.1:0", "--daily-job-enabled", "false"]);
        match database {
            Database::Sqlite(path) => {
                command.arg("--database").arg(path).env_remove("SSI_DB");
            }
            // In the environment, not on the command line, where `ps` would show the password.
            Database::Postgres(url) => {
                command.env("SSI_DB", url);
            }
        }
        let mut child = command
            // The load comes from one address: the failed-authentication throttle is not under test.
            .args(["--auth-max-failures", "0"])
            .env_remove("SSI_CONFIG")
            .env("SSI_ADMIN_TOKEN", ADMIN)
            .env("SSI_LOG", "warn")
            .env("SSI_SHUTDOWN_DRAIN_SECS", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file))
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let Some(line) = lines.next() else {
                bail!("ssi-server exited early; see {}", log.display());
            };
            if let Some(address) = line?.strip_prefix("ssi-server listening on ") {
                break address.trim().to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Ok(Server { child, base })
    }

    /// SIGKILL, then waits for the process.
    pub(crate) fn kill(&mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// SIGTERM, then waits (up to 300 s) for the graceful stop.
    pub(crate) fn terminate(&mut self) -> Result<()> {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status()?;
        if !status.success() {
            bail!("kill -TERM failed");
        }
        let deadline = Instant::now() + Duration::from_secs(300);
        while self.child.try_wait()?.is_none() {
            if Instant::now() > deadline {
                self.kill()?;
                bail!("the server did not stop within 300 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
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

/// What the clients saw, shared by every thread.
#[derive(Debug, Default)]
struct Tally {
    requests: AtomicU64,
    reads: AtomicU64,
    /// Answers with a 5xx other than the "shutting down" refusal.
    server_errors: Mutex<Vec<String>>,
    /// Answers other than the ones expected (a 4xx where none should be).
    unexpected: Mutex<Vec<String>>,
    refused_shutting_down: AtomicU64,
    unanswered: AtomicU64,
    latencies_us: Mutex<Vec<u64>>,
}

impl Tally {
    /// Counts one exchange; returns the body of a success.
    fn answer(
        &self,
        what: &str,
        started: Instant,
        result: Result<(u16, Value), ureq::Error>,
    ) -> Option<Value> {
        match result {
            Ok((status, body)) => {
                self.requests.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut latencies) = self.latencies_us.lock() {
                    latencies.push(started.elapsed().as_micros() as u64);
                }
                if status >= 500 {
                    let message = body["message"].as_str().unwrap_or_default();
                    if status == 503 && message.contains("shutting down") {
                        self.refused_shutting_down.fetch_add(1, Ordering::Relaxed);
                    } else if let Ok(mut errors) = self.server_errors.lock() {
                        errors.push(format!("{what}: {status} {body}"));
                    }
                    None
                } else if status >= 400 {
                    if let Ok(mut unexpected) = self.unexpected.lock() {
                        unexpected.push(format!("{what}: {status} {body}"));
                    }
                    None
                } else {
                    Some(body)
                }
            }
            Err(_) => {
                // Nothing listens between a stop and the next start.
                self.unanswered.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
                None
            }
        }
    }
}

pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

pub(crate) fn call(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), ureq::Error> {
    let auth = format!("Bearer {token}");
    let mut response = match (method, body) {
        ("GET", _) => agent.get(url).header("Authorization", &auth).call()?,
        (_, Some(body)) => agent.post(url).header("Authorization", &auth).send_json(body)?,
        (_, None) => agent.post(url).header("Authorization", &auth).send_empty()?,
    };
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string()?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
}

pub(crate) fn upload(
    agent: &ureq::Agent,
    base: &str,
    member: i64,
    token: &str,
    bytes: &[u8],
) -> Result<(u16, Value), ureq::Error> {
    let url = format!("{base}/api/v1/members/{member}/exports?name={}.zip", export_base_name(export_date()));
    let mut response = agent
        .post(&url)
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/zip")
        .send(bytes)?;
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string()?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
}

fn export_date() -> NaiveDate {
    Style::Current.default_export_date()
}

/// Small synthetic exports with different seeds: each a real import, not a repeat.
pub(crate) fn exports(count: u64) -> Result<Vec<Vec<u8>>> {
    (0..count)
        .map(|seed| {
            let options = GenOptions {
                volume: Size::Small.volume(),
                seed: 100 + seed,
                style: Style::Current,
                export_date: export_date(),
            };
            let (writer, _) = write_archive(&options, BufWriter::new(std::io::Cursor::new(Vec::new())))?;
            Ok(writer.into_inner().map_err(|e| e.into_error())?.into_inner())
        })
        .collect()
}

/// A member with a token in one team, made through the API.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    /// The member's id.
    pub(crate) member: i64,
    /// Its member token.
    pub(crate) token: String,
}

pub(crate) fn setup(agent: &ureq::Agent, base: &str, members: usize) -> Result<(i64, Vec<Account>)> {
    let expect = |what: &str, result: Result<(u16, Value), ureq::Error>, status: u16| -> Result<Value> {
        match result {
            Ok((got, body)) if got == status => Ok(body),
            Ok((got, body)) => bail!("{what}: {got} {body}"),
            Err(e) => bail!("{what}: {e}"),
        }
    };
    let team = expect(
        "creating the team",
        call(agent, "POST", &format!("{base}/api/v1/teams"), ADMIN, Some(&json!({"name": "Load"}))),
        201,
    )?["id"]
        .as_i64()
        .context("no team id")?;
    let mut accounts = Vec::new();
    for i in 0..members {
        let body = json!({"name": format!("Load member {i}"), "industry": "Software"});
        let member = expect(
            "creating a member",
            call(agent, "POST", &format!("{base}/api/v1/teams/{team}/members"), ADMIN, Some(&body)),
            201,
        )?["id"]
            .as_i64()
            .context("no member id")?;
        let body = json!({"role": "member", "member": member, "label": "load"});
        let token = expect(
            "creating a token",
            call(agent, "POST", &format!("{base}/api/v1/tokens"), ADMIN, Some(&body)),
            201,
        )?["token"]
            .as_str()
            .context("no token")?
            .to_string();
        accounts.push(Account { member, token });
    }
    Ok((team, accounts))
}

/// What the writers had acknowledged.
#[derive(Debug, Default)]
pub(crate) struct Acknowledged {
    /// (member, day, total) of every push answered 200.
    pub(crate) pushes: Vec<(i64, NaiveDate, f64)>,
    /// (member, day) of every reading answered 201.
    pub(crate) readings: Vec<(i64, NaiveDate)>,
    /// (member, export index) of every upload whose job succeeded.
    pub(crate) uploads: BTreeSet<(i64, usize)>,
    /// Upload jobs that succeeded (a repeated export succeeds as "already imported").
    pub(crate) upload_jobs: u64,
}

/// Shared by the load's threads.
struct Shared {
    /// Every replica's address; a stopped one keeps its slot until it is back.
    bases: RwLock<Vec<String>>,
    /// The round-robin over `bases`.
    next: AtomicUsize,
    stop: AtomicBool,
    tally: Tally,
    max_requests: u64,
}

impl Shared {
    fn running(&self) -> bool {
        !self.stop.load(Ordering::Relaxed) && self.tally.requests.load(Ordering::Relaxed) < self.max_requests
    }

    /// The next replica's address, round-robin.
    fn base(&self) -> String {
        let bases = self.bases.read().map(|b| b.clone()).unwrap_or_default();
        next_of(&bases, &self.next).unwrap_or_default()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }
}

/// The next item of a round-robin over `items`.
fn next_of<T: Clone>(items: &[T], next: &AtomicUsize) -> Option<T> {
    if items.is_empty() {
        return None;
    }
    items.get(next.fetch_add(1, Ordering::Relaxed) % items.len()).cloned()
}

/// The body of a push of three consecutive days from `start`, each totalling `total`.
pub(crate) fn push_body(start: NaiveDate, total: f64) -> Value {
    let q = total / 4.0;
    let scores: Vec<Value> = (0..3)
        .map(|d| {
            json!({"date": start + Days::new(d), "pillars": {"brand": q, "people": q, "insights": q, "relationships": q}, "total": total})
        })
        .collect();
    json!({"model_version": "load", "scores": scores})
}

/// The body of a manual reading of `date`.
pub(crate) fn reading_body(date: NaiveDate) -> Value {
    json!({"date": date, "total": 41.5, "pillars": [12.1, 9.0, 8.4, 12.0], "source": "manual"})
}

/// How an upload job ended, polled on the server that accepted it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum JobEnd {
    /// It succeeded.
    Succeeded,
    /// It failed.
    Failed,
    /// An exchange was not judged an answer, or the job did not end within two minutes.
    Unknown,
}

/// Polls job `id` on `base` until it ends; `answer` judges each exchange (`None`: stop).
pub(crate) fn wait_for_job(
    agent: &ureq::Agent,
    base: &str,
    id: i64,
    token: &str,
    answer: impl Fn(Instant, Result<(u16, Value), ureq::Error>) -> Option<Value>,
) -> JobEnd {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let started = Instant::now();
        let result = call(agent, "GET", &format!("{base}/api/v1/jobs/{id}"), token, None);
        let Some(state) = answer(started, result) else { break };
        match state["state"].as_str() {
            Some("succeeded") => return JobEnd::Succeeded,
            Some("failed") => return JobEnd::Failed,
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    JobEnd::Unknown
}

fn pusher(shared: &Shared, account: &Account, index: usize) -> Vec<(i64, NaiveDate, f64)> {
    let agent = agent();
    let first = NaiveDate::from_ymd_opt(2004, 1, 1).unwrap_or_default() + Days::new(index as u64 * 50);
    let mut acknowledged = Vec::new();
    let mut n = 0u64;
    while shared.running() {
        // Each push carries three consecutive days; days repeat every 2000 pushes, so the
        // latest acknowledged value of a day is the one that must be stored.
        let start = first + Days::new((n % 2000) * 3);
        let total = 10.0 + (n % 80) as f64;
        let body = push_body(start, total);
        let started = Instant::now();
        let result = call(&agent, "POST", &shared.url("/api/v1/push"), &account.token, Some(&body));
        if shared.tally.answer("push", started, result).is_some() {
            for d in 0..3 {
                acknowledged.push((account.member, start + Days::new(d), total));
            }
            n += 1;
        }
    }
    acknowledged
}

fn reading_writer(shared: &Shared, account: &Account) -> Vec<(i64, NaiveDate)> {
    let agent = agent();
    let first = NaiveDate::from_ymd_opt(2004, 1, 1).unwrap_or_default();
    let mut acknowledged = Vec::new();
    while shared.running() {
        let date = first + Days::new(acknowledged.len() as u64);
        let body = reading_body(date);
        let url = shared.url(&format!("/api/v1/members/{}/readings", account.member));
        let started = Instant::now();
        if shared
            .tally
            .answer("reading", started, call(&agent, "POST", &url, &account.token, Some(&body)))
            .is_some()
        {
            acknowledged.push((account.member, date));
        }
    }
    acknowledged
}

fn uploader(shared: &Shared, accounts: &[Account], exports: &[Vec<u8>]) -> (BTreeSet<(i64, usize)>, u64) {
    let agent = agent();
    let mut succeeded = BTreeSet::new();
    let mut jobs = 0;
    let mut n = 0usize;
    while shared.running() {
        let account = &accounts[n % accounts.len()];
        let export = (n / accounts.len()) % exports.len();
        n += 1;
        let base = shared.base();
        let started = Instant::now();
        let result = upload(&agent, &base, account.member, &account.token, &exports[export]);
        let Some(job) = shared.tally.answer("upload", started, result) else { continue };
        let Some(id) = job["id"].as_i64() else { continue };
        // Poll the process that accepted the job; jobs live in its memory only.
        let end = wait_for_job(&agent, &base, id, &account.token, |started, result| {
            shared.tally.answer("job", started, result)
        });
        if end == JobEnd::Succeeded {
            succeeded.insert((account.member, export));
            jobs += 1;
        }
    }
    (succeeded, jobs)
}

fn reader(shared: &Shared, team: i64, accounts: &[Account], index: usize) {
    let agent = agent();
    let mut n = index;
    while shared.running() {
        let account = &accounts[n % accounts.len()];
        let path = match n % 3 {
            0 => format!("/api/v1/teams/{team}/leaderboard"),
            1 => format!("/api/v1/members/{}/history", account.member),
            _ => format!("/api/v1/members/{}/score", account.member),
        };
        n += 1;
        let started = Instant::now();
        let result = call(&agent, "GET", &shared.url(&path), &account.token, None);
        // A member without a score yet answers 404 on /score; that is an answer, not a fault.
        let expected_404 = matches!(&result, Ok((404, _))) && path.ends_with("/score");
        if expected_404 {
            shared.tally.requests.fetch_add(1, Ordering::Relaxed);
        } else if shared.tally.answer("read", started, result).is_some() {
            shared.tally.reads.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Checks every acknowledged write against the database (SQLite's also for integrity).
pub(crate) fn verify(database: &Database, acknowledged: &Acknowledged) -> Result<usize> {
    let readback = database.open()?;
    readback.check_integrity()?;
    let store = readback.backend();
    let mut verified = 0;
    let mut by_member: std::collections::BTreeMap<i64, BTreeSet<NaiveDate>> =
        std::collections::BTreeMap::new();
    for (member, date, total) in &acknowledged.pushes {
        let stored = by_member
            .entry(*member)
            .or_insert_with(|| readback.pushed_days(MemberId(*member)).unwrap_or_default());
        // Days repeat, and a push in flight at a kill may have been stored without its
        // answer: the value may be a later one, but the day must be there.
        if !stored.contains(date) {
            bail!("the acknowledged push of {date} (total {total}) for member {member} is missing");
        }
        verified += 1;
    }
    let mut readings: std::collections::BTreeMap<i64, BTreeSet<NaiveDate>> =
        std::collections::BTreeMap::new();
    for (member, date) in &acknowledged.readings {
        let stored = readings.entry(*member).or_insert_with(|| {
            store
                .readings(MemberId(*member), None, None)
                .map(|r| r.into_iter().map(|r| r.date).collect())
                .unwrap_or_default()
        });
        if !stored.contains(date) {
            bail!("the acknowledged reading of {date} for member {member} is missing");
        }
        verified += 1;
    }
    let mut exports_per_member: std::collections::BTreeMap<i64, usize> = std::collections::BTreeMap::new();
    for (member, _) in &acknowledged.uploads {
        *exports_per_member.entry(*member).or_default() += 1;
    }
    for (member, exports) in exports_per_member {
        let imports = store.imports(MemberId(member))?.len();
        if imports < exports {
            bail!("member {member}: {exports} imports succeeded, {imports} stored");
        }
        verified += exports;
    }
    Ok(verified)
}

fn percentile(sorted: &[u64], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    Duration::from_micros(sorted[index.min(sorted.len() - 1)])
}

/// Builds `ssi-server` (release or debug) and returns the binary.
pub(crate) fn build_server(release: bool) -> Result<PathBuf> {
    let profile = if release { "release" } else { "debug" };
    let mut build = crate::cargo();
    build.args(["build", "-p", "ssi-server", "--bin", "ssi-server"]);
    if release {
        build.arg("--release");
    }
    crate::run("cargo build -p ssi-server", build)?;
    Ok(crate::target_dir().join(profile).join(format!("ssi-server{}", std::env::consts::EXE_SUFFIX)))
}

/// An empty folder under the target directory for a task's scratch files and logs.
pub(crate) fn scratch(name: &str) -> Result<PathBuf> {
    let work = crate::target_dir().join(name);
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    Ok(work)
}

/// Runs `cargo xtask load`.
pub(crate) fn run(options: Args) -> Result<()> {
    let binary = build_server(options.release)?;
    let work = scratch("load")?;
    let database = match &options.database {
        Some(url) => Database::Postgres(parse_postgres_url(url).map_err(anyhow::Error::msg)?),
        None if options.replicas > 1 => {
            bail!("--replicas {} needs a database they share: give --database postgres://…", options.replicas)
        }
        None => Database::Sqlite(work.join("ssi.db")),
    };
    database.refuse_occupied()?;
    let log =
        |replica: usize, start: usize| -> PathBuf { work.join(format!("server-{replica}-{start}.log")) };
    let exports = Arc::new(exports(3)?);

    // The first replica migrates the database and installs the admin token; the others
    // start once it listens.
    let mut servers = Vec::new();
    for replica in 0..options.replicas {
        servers.push(Server::start(&binary, &database, &log(replica, 0))?);
    }
    let (team, accounts) = setup(&agent(), &servers[0].base, options.writers + 3)?;
    let accounts = Arc::new(accounts);
    let shared = Arc::new(Shared {
        bases: RwLock::new(servers.iter().map(|s| s.base.clone()).collect()),
        next: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        tally: Tally::default(),
        max_requests: options.max_requests,
    });
    eprintln!(
        "==> load: {} s on {database}, {} replica(s), {} push writers, 1 readings writer, 1 uploader, {} readers, {}",
        options.seconds,
        options.replicas,
        options.writers,
        options.readers,
        if options.restart { "restarts at 1/3 (SIGTERM) and 2/3 (SIGKILL)" } else { "no restart" }
    );
    let started = Instant::now();
    let pushers: Vec<_> = (0..options.writers)
        .map(|i| {
            let (shared, accounts) = (shared.clone(), accounts.clone());
            std::thread::spawn(move || pusher(&shared, &accounts[i], i))
        })
        .collect();
    let readings = {
        let (shared, accounts) = (shared.clone(), accounts.clone());
        std::thread::spawn(move || reading_writer(&shared, &accounts[options.writers]))
    };
    let uploads = {
        let (shared, accounts, exports) = (shared.clone(), accounts.clone(), exports.clone());
        std::thread::spawn(move || uploader(&shared, &accounts[options.writers + 1..], &exports))
    };
    let readers: Vec<_> = (0..options.readers)
        .map(|i| {
            let (shared, accounts) = (shared.clone(), accounts.clone());
            std::thread::spawn(move || reader(&shared, team, &accounts, i))
        })
        .collect();

    let total = Duration::from_secs(options.seconds);
    let mut restarts = Vec::new();
    if options.restart {
        for (n, graceful) in [(1usize, true), (2, false)] {
            let at = total.mul_f64(n as f64 / 3.0);
            while started.elapsed() < at && shared.running() {
                std::thread::sleep(Duration::from_millis(10));
            }
            // One replica after the other; with one replica, the same one twice.
            let replica = (n - 1) % servers.len();
            let stopping = Instant::now();
            if graceful {
                servers[replica].terminate()?;
            } else {
                servers[replica].kill()?;
            }
            servers[replica] = Server::start(&binary, &database, &log(replica, n))?;
            if let Ok(mut bases) = shared.bases.write() {
                bases[replica] = servers[replica].base.clone();
            }
            restarts.push(format!(
                "{} of replica {replica} at {:.1} s, back after {:.2} s",
                if graceful { "SIGTERM" } else { "SIGKILL" },
                at.as_secs_f64(),
                stopping.elapsed().as_secs_f64()
            ));
        }
    }
    while started.elapsed() < total && shared.running() {
        std::thread::sleep(Duration::from_millis(10));
    }
    shared.stop.store(true, Ordering::Relaxed);
    let mut acknowledged = Acknowledged::default();
    for pusher in pushers {
        acknowledged.pushes.extend(pusher.join().map_err(|_| anyhow::anyhow!("a pusher panicked"))?);
    }
    acknowledged.readings = readings.join().map_err(|_| anyhow::anyhow!("the readings writer panicked"))?;
    (acknowledged.uploads, acknowledged.upload_jobs) =
        uploads.join().map_err(|_| anyhow::anyhow!("the uploader panicked"))?;
    for reader in readers {
        reader.join().map_err(|_| anyhow::anyhow!("a reader panicked"))?;
    }
    let elapsed = started.elapsed();
    for server in &mut servers {
        server.terminate()?;
    }

    let verified = verify(&database, &acknowledged)?;
    let tally = &shared.tally;
    let requests = tally.requests.load(Ordering::Relaxed);
    let mut latencies = tally.latencies_us.lock().map(|l| l.clone()).unwrap_or_default();
    latencies.sort_unstable();
    let server_errors = tally.server_errors.lock().map(|e| e.clone()).unwrap_or_default();
    let unexpected = tally.unexpected.lock().map(|e| e.clone()).unwrap_or_default();
    let push_requests = acknowledged.pushes.len() / 3;
    println!(
        "load: {requests} answers in {:.1} s ({:.0}/s; p50 {:?}, p99 {:?}) from {} replica(s) on {}; reads {}; writes acknowledged: \
         {push_requests} pushes ({} days), {} readings, {} upload jobs succeeded ({} distinct imports); {verified} acknowledged writes \
         verified in the database; 5xx: {}; other errors: {}; refused while shutting down: {}; attempts while \
         no server listened: {}{}",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        servers.len(),
        match database {
            Database::Sqlite(_) => "SQLite",
            Database::Postgres(_) => "PostgreSQL",
        },
        tally.reads.load(Ordering::Relaxed),
        acknowledged.pushes.len(),
        acknowledged.readings.len(),
        acknowledged.upload_jobs,
        acknowledged.uploads.len(),
        server_errors.len(),
        unexpected.len(),
        tally.refused_shutting_down.load(Ordering::Relaxed),
        tally.unanswered.load(Ordering::Relaxed),
        if restarts.is_empty() { String::new() } else { format!("; restarts: {}", restarts.join(", ")) },
    );
    if !server_errors.is_empty() || !unexpected.is_empty() {
        bail!(
            "the load got error answers (logs in {}):\n{}",
            work.display(),
            server_errors.iter().chain(&unexpected).take(20).cloned().collect::<Vec<_>>().join("\n")
        );
    }
    if push_requests == 0 {
        bail!("no push was acknowledged; see {}", work.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_parsed_and_bounded() {
        let options = crate::parse_args::<Args>(
            "--seconds 5 --restart --writers 2 --readers 0 --max-requests 99 --release",
        )
        .unwrap();
        assert_eq!(
            options,
            Args {
                seconds: 5,
                restart: true,
                writers: 2,
                readers: 0,
                max_requests: 99,
                release: true,
                database: None,
                replicas: 1
            }
        );
        assert_eq!(
            crate::parse_args::<Args>("").unwrap(),
            Args {
                seconds: 20,
                restart: false,
                writers: 4,
                readers: 4,
                max_requests: 1_000_000,
                release: false,
                database: None,
                replicas: 1
            }
        );
        assert_eq!(crate::parse_args::<Args>("-h").unwrap_err().kind(), clap::error::ErrorKind::DisplayHelp);
        for bad in [
            "--seconds 0",
            "--seconds 7200",
            "--writers 0",
            "--writers 65",
            "--readers 65",
            "--replicas 0",
            "--replicas 9",
        ] {
            assert_eq!(
                crate::parse_args::<Args>(bad).unwrap_err().kind(),
                clap::error::ErrorKind::ValueValidation,
                "{bad}"
            );
        }
        let bind = crate::parse_args::<Args>("--bind 0.0.0.0:80").unwrap_err();
        assert_eq!(
            bind.kind(),
            clap::error::ErrorKind::UnknownArgument,
            "loopback only: there is no address option"
        );
    }

    #[test]
    fn a_postgres_database_and_replicas_are_parsed() {
        let options =
            crate::parse_args::<Args>("--database postgres://ssi:secret@127.0.0.1:5433/load --replicas 2")
                .unwrap();
        assert_eq!(options.database.as_deref(), Some("postgres://ssi:secret@127.0.0.1:5433/load"));
        assert_eq!(options.replicas, 2);
        let upper = crate::parse_args::<Args>("--database POSTGRESQL://db/load").unwrap();
        assert_eq!(upper.database.as_deref(), Some("POSTGRESQL://db/load"));
        assert_eq!(parse_postgres_url(" postgres://db/load ").unwrap(), "postgres://db/load");
        for bad in ["/tmp/ssi.db", "sqlite:ssi.db", "mysql://ssi:secret@db/ssi", ""] {
            let refused = parse_postgres_url(bad).unwrap_err();
            assert!(!refused.contains("secret"), "{refused}");
        }
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(redacted("postgres://ssi:s3cr3t@db:5432/ssi"), "postgres://ssi:***@db:5432/ssi");
        assert_eq!(redacted("postgres://ssi@db/ssi"), "postgres://ssi@db/ssi");
        assert_eq!(
            redacted("postgres://db/ssi?password=s3cr3t&sslmode=require"),
            "postgres://db/ssi?password=***&sslmode=require"
        );
        let database = Database::Postgres("postgres://ssi:s3cr3t@db/ssi".into());
        assert_eq!(database.to_string(), "postgres://ssi:***@db/ssi");
        let error = database.error_without_password("cannot reach postgres://ssi:s3cr3t@db/ssi");
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
    }

    #[test]
    fn requests_go_round_robin_over_the_replicas() {
        let next = AtomicUsize::new(0);
        let bases = ["a".to_string(), "b".to_string()];
        let picked: Vec<String> = (0..5).filter_map(|_| next_of(&bases, &next)).collect();
        assert_eq!(picked, ["a", "b", "a", "b", "a"]);
        assert_eq!(next_of::<String>(&[], &next), None);
    }

    #[test]
    fn percentiles_pick_from_the_sorted_latencies() {
        let sorted: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&sorted, 0.5), Duration::from_micros(51));
        assert_eq!(percentile(&sorted, 0.99), Duration::from_micros(99));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }

    #[test]
    fn server_errors_are_told_from_the_shutdown_refusal() {
        let tally = Tally::default();
        let now = Instant::now();
        let refusal =
            json!({"error": "unavailable", "message": "the server is shutting down; upload again shortly"});
        assert!(tally.answer("upload", now, Ok((503, refusal))).is_none());
        assert!(tally.answer("read", now, Ok((500, json!({"message": "boom"})))).is_none());
        assert!(tally.answer("read", now, Ok((404, json!({})))).is_none());
        assert_eq!(tally.answer("read", now, Ok((200, json!({"ok": 1})))), Some(json!({"ok": 1})));
        assert_eq!(tally.refused_shutting_down.load(Ordering::Relaxed), 1);
        assert_eq!(tally.server_errors.lock().unwrap().len(), 1);
        assert_eq!(tally.unexpected.lock().unwrap().len(), 1);
        assert_eq!(tally.requests.load(Ordering::Relaxed), 4);
    }
}
