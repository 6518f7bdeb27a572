//! Two real `ssi-server serve --database postgres://…` processes on one PostgreSQL
//! database behave as one server: a write through one is visible through the other on the
//! very next request although both cache answers and tokens; a token revoked through one
//! (the API, or `ssi-server token revoke` beside them) is refused by the other; and a
//! PostgreSQL restart in the middle of a load through both is answered 503 and nothing
//! else while the database is down, both recover by themselves, no 5xx follows, and every
//! acknowledged write is in the database afterwards. Both run the daily job at start-up,
//! and exactly one of them materialises the day. A server told `sslmode=verify-full`
//! serves over TLS with the right root certificate and refuses to start with another CA's.
//! These tests need PostgreSQL
//! (`SSI_TEST_BACKEND=postgres`) and skip on SQLite, saying why.

use crate::process::{ADMIN, ServerProcess, agent, call, member_with_token, push_body};
use crate::support::{ServerDatabase, server_database};
use chrono::{Days, NaiveDate, Utc};
use serde_json::{Value, json};
use ssi_pg_harness::{PgCluster, TestCa};
use ssi_store::MemberId;
use ssi_store::pg::PgStore;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Ends a test that needs PostgreSQL when the suite runs on SQLite, saying why (the
/// mirror image of `sqlite_only!`).
macro_rules! postgres_only {
    ($reason:literal) => {
        if !crate::support::on_postgres() {
            eprintln!("skipped on SQLite: {}", $reason);
            return;
        }
    };
}

/// No request may take longer than this, also while the database is down: the store's
/// pool gives up on a connection after 10 s, so a lost database is a prompt 503.
const ANSWER_WITHIN: Duration = Duration::from_secs(15);

/// How long a replica may take to answer `/readyz` with 200 by itself once PostgreSQL is
/// back.
const RECOVER_WITHIN: Duration = Duration::from_secs(30);

/// How long the load runs before the restart, and after the recovery.
const LOAD_PHASE: Duration = Duration::from_millis(1500);

/// How long PostgreSQL stays down.
const OUTAGE: Duration = Duration::from_secs(2);

/// The server's day: scores and readings are pushed for days before it.
fn server_today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Two server processes on one database, started one after the other (the first installs
/// the admin token, the second finds it).
fn two_replicas(dir: &Path, database: impl AsRef<std::ffi::OsStr>) -> [ServerProcess; 2] {
    let first = ServerProcess::start(dir, &database, &[], &[]);
    let second = ServerProcess::start(dir, &database, &[], &[]);
    [first, second]
}

/// Two replicas on a fresh database of the suite's shared cluster, their temp dir (logs),
/// and a client.
fn replicas_on_a_fresh_database() -> (tempfile::TempDir, ServerDatabase, [ServerProcess; 2], ureq::Agent) {
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let replicas = two_replicas(dir.path(), &database);
    (dir, database, replicas, agent())
}

/// A GET that must answer 200; returns the body.
fn get_ok(agent: &ureq::Agent, url: &str, token: &str) -> Value {
    let (status, body) = call(agent, "GET", url, Some(token), None).unwrap();
    assert_eq!(status, 200, "GET {url}: {body}");
    body
}

/// `DELETE url` with a bearer token; returns the status.
fn delete(agent: &ureq::Agent, url: &str, token: &str) -> u16 {
    let response = agent.delete(url).header("Authorization", format!("Bearer {token}")).call().unwrap();
    response.status().as_u16()
}

/// A member token made through the API of `server`: (token id, secret).
fn member_token(agent: &ureq::Agent, server: &ServerProcess, member: i64, label: &str) -> (i64, String) {
    let body = json!({"role": "member", "member": member, "label": label});
    let (status, token) =
        call(agent, "POST", &server.url("/api/v1/tokens"), Some(ADMIN), Some(&body)).unwrap();
    assert_eq!(status, 201, "{token}");
    (token["info"]["id"].as_i64().unwrap(), token["token"].as_str().unwrap().to_string())
}

/// The leaderboard row of `member`: its total, or `None` when it is not on the board.
fn board_total(board: &Value, member: i64) -> Option<f64> {
    board["rows"].as_array()?.iter().find(|row| row["member"] == member).and_then(|row| row["total"].as_f64())
}

/// The history's day `date`.
fn history_day(history: &Value, date: NaiveDate) -> Option<Value> {
    let date = date.to_string();
    history["days"].as_array()?.iter().find(|day| day["date"] == date.as_str()).cloned()
}

#[test]
fn a_write_through_one_process_is_visible_through_the_other_at_once() {
    postgres_only!("two server processes share one PostgreSQL database");
    let (_dir, _database, [a, b], agent) = replicas_on_a_fresh_database();
    let (team, member, token) = member_with_token(&agent, &a, "Replica Ria");
    let (first_day, second_day) = (server_today() - Days::new(2), server_today() - Days::new(1));
    let push = |day, total| {
        let (status, answer) = call(
            &agent,
            "POST",
            &a.url("/api/v1/push"),
            Some(&token),
            Some(&push_body("replica", day, total)),
        )
        .unwrap();
        assert_eq!(status, 200, "{answer}");
    };
    push(first_day, 40.0);

    let board = b.url(&format!("/api/v1/teams/{team}/leaderboard"));
    let history = b.url(&format!("/api/v1/members/{member}/history"));
    let members = b.url(&format!("/api/v1/teams/{team}/members"));
    // B answers each question twice: its token cache holds both tokens, its answer cache
    // the leaderboard and the history at this version of the database.
    for _ in 0..2 {
        assert_eq!(board_total(&get_ok(&agent, &board, ADMIN), member), Some(40.0));
        assert!(history_day(&get_ok(&agent, &history, &token), second_day).is_none());
        assert!(!get_ok(&agent, &members, ADMIN).to_string().contains("Second Sam"));
    }

    // A score pushed through A: B's very next leaderboard and history have it.
    push(second_day, 60.0);
    assert_eq!(board_total(&get_ok(&agent, &board, ADMIN), member), Some(60.0), "B's leaderboard is stale");
    let day = history_day(&get_ok(&agent, &history, &token), second_day).expect("B's history is stale");
    assert_eq!(day["estimate"]["total"].as_f64(), Some(60.0), "{day}");
    assert!(day["official"].is_null(), "{day}");

    // A reading added through A: B's very next history shows it on its day.
    let reading =
        json!({"date": second_day, "total": 55.5, "pillars": [14.0, 13.5, 13.0, 15.0], "source": "manual"});
    let path = format!("/api/v1/members/{member}/readings");
    let (status, answer) = call(&agent, "POST", &a.url(&path), Some(&token), Some(&reading)).unwrap();
    assert!(status == 200 || status == 201, "{status} {answer}");
    let day = history_day(&get_ok(&agent, &history, &token), second_day).unwrap();
    assert_eq!(day["official"]["total"].as_f64(), Some(55.5), "B's history misses A's reading: {day}");
    let readings = get_ok(&agent, &b.url(&path), &token);
    assert_eq!(readings["readings"].as_array().map(Vec::len), Some(1), "{readings}");

    // A member created through A: B lists it, and B's leaderboard has its pushed score.
    let body = json!({"name": "Second Sam", "industry": "Software"});
    let (status, sam) =
        call(&agent, "POST", &a.url(&format!("/api/v1/teams/{team}/members")), Some(ADMIN), Some(&body))
            .unwrap();
    assert_eq!(status, 201, "{sam}");
    assert!(get_ok(&agent, &members, ADMIN).to_string().contains("Second Sam"), "B misses A's new member");
    let sam = sam["id"].as_i64().unwrap();
    let (_, sam_token) = member_token(&agent, &a, sam, "sam");
    let (status, answer) = call(
        &agent,
        "POST",
        &a.url("/api/v1/push"),
        Some(&sam_token),
        Some(&push_body("replica", second_day, 70.0)),
    )
    .unwrap();
    assert_eq!(status, 200, "{answer}");
    let board = get_ok(&agent, &board, ADMIN);
    assert_eq!(board_total(&board, sam), Some(70.0), "{board}");
    assert_eq!(board["rows"][0]["member"], sam, "B ranks A's new member first: {board}");
}

#[test]
fn a_token_revoked_through_one_process_is_refused_by_the_other_on_its_next_request() {
    postgres_only!("two server processes share one PostgreSQL database");
    let (_dir, database, [a, b], agent) = replicas_on_a_fresh_database();
    let (_, member, _) = member_with_token(&agent, &a, "Revoked Rex");
    let (api_revoked, api_secret) = member_token(&agent, &a, member, "revoked through the API");
    let (cli_revoked, cli_secret) = member_token(&agent, &a, member, "revoked by the command");
    let (_, kept_secret) = member_token(&agent, &a, member, "kept");
    let me = |server: &ServerProcess, secret: &str| {
        call(&agent, "GET", &server.url("/api/v1/me"), Some(secret), None).unwrap().0
    };
    // Every token is used on B (twice: the second answer comes from B's token cache).
    for secret in [&api_secret, &cli_secret, &kept_secret] {
        assert_eq!([me(&b, secret), me(&b, secret)], [200, 200]);
    }

    // Revoked through A's API: B refuses it on its very next request.
    assert_eq!(delete(&agent, &a.url(&format!("/api/v1/tokens/{api_revoked}")), ADMIN), 200);
    assert_eq!(me(&b, &api_secret), 401, "B still accepts a token revoked through A");
    assert_eq!(me(&a, &api_secret), 401);

    // Revoked by `ssi-server token revoke` on the database: both refuse it at once.
    let output = Command::new(env!("CARGO_BIN_EXE_ssi-server"))
        .arg("token")
        .arg("--database")
        .arg(&database)
        .args(["revoke", &cli_revoked.to_string()])
        .env_remove("SSI_CONFIG")
        .output()
        .unwrap();
    assert!(output.status.success(), "token revoke: {}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(me(&b, &cli_secret), 401, "B still accepts a token revoked by the command");
    assert_eq!(me(&a, &cli_secret), 401, "A still accepts a token revoked by the command");

    // The token nobody revoked still works on both.
    assert_eq!([me(&a, &kept_secret), me(&b, &kept_secret)], [200, 200]);
}

/// One answer of the load: which replica, what, when it was sent and how it ended.
#[derive(Debug, Clone)]
struct Answered {
    replica: usize,
    what: &'static str,
    sent: Instant,
    took: Duration,
    /// The HTTP status, or `None` when no answer came (the connection failed).
    status: Option<u16>,
    body: String,
}

/// Every answer of the load, in the order they ended.
#[derive(Debug, Default)]
struct Record(Mutex<Vec<Answered>>);

impl Record {
    /// Sends one request and records how it ended; returns the status.
    fn call(
        &self,
        agent: &ureq::Agent,
        replica: usize,
        what: &'static str,
        url: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Option<u16> {
        let method = if body.is_some() { "POST" } else { "GET" };
        let sent = Instant::now();
        let result = call(agent, method, url, Some(token), body);
        let took = sent.elapsed();
        let (status, body) = match result {
            Ok((status, body)) => (Some(status), body.to_string()),
            Err(error) => (None, error.to_string()),
        };
        self.0.lock().unwrap().push(Answered { replica, what, sent, took, status, body });
        status
    }

    fn answers(&self) -> Vec<Answered> {
        self.0.lock().unwrap().clone()
    }
}

/// What the writers had acknowledged: (member, pushed score days, reading days).
type Acknowledged = (i64, Vec<NaiveDate>, Vec<NaiveDate>);

/// Polls `/readyz` of a replica until it answers 200 (bounded); returns when it did.
/// Every answer before that must be 503.
fn wait_until_ready(agent: &ureq::Agent, server: &ServerProcess, within: Duration) -> Instant {
    let deadline = Instant::now() + within;
    loop {
        let (status, body) = call(agent, "GET", &server.url("/readyz"), None, None).unwrap();
        if status == 200 {
            return Instant::now();
        }
        assert_eq!(status, 503, "/readyz of {} while recovering: {body}", server.base);
        assert!(Instant::now() < deadline, "{} not ready {within:?} after PostgreSQL returned", server.base);
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_postgresql_restart_during_load_is_503_then_recovers_with_no_acknowledged_write_lost() {
    postgres_only!("restarts a PostgreSQL cluster under two server processes");
    // A cluster of its own: restarting the shared one would fail the other tests.
    let mut cluster = PgCluster::for_test();
    let url = cluster.create_database("restart").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let replicas = Arc::new(two_replicas(dir.path(), &url));
    let agent = agent();
    let (team, _, _) = member_with_token(&agent, &replicas[0], "Load Leader");
    // Four writers, each with a member of its own: one pusher and one reading writer
    // through each replica; and a leaderboard reader on each.
    let writers: Vec<(usize, i64, String)> = (0..4)
        .map(|i| {
            let body = json!({"name": format!("Writer {i}"), "industry": "Software"});
            let path = format!("/api/v1/teams/{team}/members");
            let (status, member) =
                call(&agent, "POST", &replicas[0].url(&path), Some(ADMIN), Some(&body)).unwrap();
            assert_eq!(status, 201, "{member}");
            let member = member["id"].as_i64().unwrap();
            let (_, secret) = member_token(&agent, &replicas[0], member, "load");
            (i % 2, member, secret)
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let record = Arc::new(Record::default());
    // Each attempt writes a day of its own, so an attempt answered 503 whose commit did
    // land never turns the next attempt into a conflict.
    let first_day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let threads: Vec<std::thread::JoinHandle<Acknowledged>> = writers
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, (replica, member, token))| {
            let (replicas, stop, record) = (replicas.clone(), stop.clone(), record.clone());
            let pushes = i < 2;
            std::thread::spawn(move || {
                let agent = crate::process::agent();
                let (mut scores, mut readings) = (Vec::new(), Vec::new());
                let mut day = first_day;
                while !stop.load(Ordering::Relaxed) {
                    let server = &replicas[replica];
                    let total = 30.0 + f64::from(day.format("%j").to_string().parse::<u16>().unwrap() % 40);
                    let status = if pushes {
                        let body = push_body("load", day, total);
                        record.call(&agent, replica, "push", &server.url("/api/v1/push"), &token, Some(&body))
                    } else {
                        let body = json!({"date": day, "total": total, "pillars": [null, null, null, null], "source": "manual"});
                        let path = format!("/api/v1/members/{member}/readings");
                        record.call(&agent, replica, "reading", &server.url(&path), &token, Some(&body))
                    };
                    if status.is_some_and(|status| (200..300).contains(&status)) {
                        if pushes { scores.push(day) } else { readings.push(day) }
                    } else if status == Some(503) {
                        // The documented answer while the database is lost: retry later.
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    day = day + Days::new(1);
                }
                (member, scores, readings)
            })
        })
        .collect();
    let readers: Vec<_> = (0..2)
        .map(|replica| {
            let (replicas, stop, record) = (replicas.clone(), stop.clone(), record.clone());
            std::thread::spawn(move || {
                let agent = crate::process::agent();
                let board = replicas[replica].url(&format!("/api/v1/teams/{team}/leaderboard"));
                while !stop.load(Ordering::Relaxed) {
                    if record.call(&agent, replica, "leaderboard", &board, ADMIN, None) == Some(503) {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            })
        })
        .collect();

    std::thread::sleep(LOAD_PHASE);
    cluster.pause();
    let down = Instant::now();
    std::thread::sleep(OUTAGE);
    let up_from = Instant::now();
    cluster.resume().unwrap();
    let ready: Vec<Instant> =
        replicas.iter().map(|server| wait_until_ready(&agent, server, RECOVER_WITHIN)).collect();
    std::thread::sleep(LOAD_PHASE);
    stop.store(true, Ordering::Relaxed);
    let acknowledged: Vec<Acknowledged> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    for reader in readers {
        reader.join().unwrap();
    }

    let answers = record.answers();
    let describe = |a: &Answered| {
        format!("replica {} {} {:?} after {:?}: {}", a.replica, a.what, a.status, a.took, a.body)
    };
    // Every request was answered, promptly, with a 2xx or the lost database's 503.
    for answer in &answers {
        assert!(answer.took < ANSWER_WITHIN, "{}", describe(answer));
        let status = answer.status.unwrap_or_else(|| panic!("unanswered: {}", describe(answer)));
        assert!((200..300).contains(&status) || status == 503, "{}", describe(answer));
    }
    // While the database was down, nothing but 503; each replica noticed.
    let during: Vec<&Answered> =
        answers.iter().filter(|a| a.sent >= down && a.sent + a.took <= up_from).collect();
    for replica in 0..2 {
        let seen = during.iter().filter(|a| a.replica == replica).count();
        assert!(seen > 0, "replica {replica} answered nothing while PostgreSQL was down");
    }
    for answer in &during {
        assert_eq!(answer.status, Some(503), "while PostgreSQL was down: {}", describe(answer));
    }
    // After each replica's `/readyz` said 200: no 5xx at all, and work was done.
    let after: Vec<&Answered> = answers.iter().filter(|a| a.sent >= ready[a.replica]).collect();
    for answer in &after {
        assert!(answer.status.is_some_and(|s| s < 500), "after recovery: {}", describe(answer));
    }
    for replica in 0..2 {
        assert!(
            after.iter().any(|a| a.replica == replica && a.what != "leaderboard"),
            "replica {replica} wrote nothing after recovery"
        );
    }

    // Every acknowledged write is in the database.
    let store = PgStore::connect(&url, 1).unwrap();
    let mut writes = 0;
    for (member, scores, readings) in &acknowledged {
        let stored: BTreeSet<NaiveDate> = store
            .score_points(MemberId(*member), "push:load", None, None)
            .unwrap()
            .into_iter()
            .map(|point| point.date)
            .collect();
        for day in scores {
            assert!(stored.contains(day), "member {member}: the acknowledged push of {day} is lost");
        }
        let stored: BTreeSet<NaiveDate> =
            store.readings(MemberId(*member), None, None).unwrap().into_iter().map(|r| r.date).collect();
        for day in readings {
            assert!(stored.contains(day), "member {member}: the acknowledged reading of {day} is lost");
        }
        writes += scores.len() + readings.len();
    }
    assert!(writes > 0, "the load acknowledged no write");
    let unavailable = answers.iter().filter(|a| a.status == Some(503)).count();
    let slowest = answers.iter().map(|a| a.took).max().unwrap_or_default();
    eprintln!(
        "PostgreSQL restart under two replicas: {} answers, {writes} acknowledged writes all stored, \
         {unavailable} answered 503 ({} while down), 0 other 5xx, {} answers after recovery all below 500, \
         slowest answer {slowest:?}, ready again {:?} and {:?} after the restart",
        answers.len(),
        during.len(),
        after.len(),
        ready[0] - up_from,
        ready[1] - up_from,
    );
}

#[test]
fn readyz_is_503_on_both_processes_while_postgresql_is_down_and_200_after() {
    postgres_only!("stops a PostgreSQL cluster under two server processes");
    let mut cluster = PgCluster::for_test();
    let url = cluster.create_database("readyz").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let replicas = two_replicas(dir.path(), &url);
    let agent = agent();
    let ready = |server: &ServerProcess| call(&agent, "GET", &server.url("/readyz"), None, None).unwrap().0;
    let teams = |server: &ServerProcess| {
        let sent = Instant::now();
        let (status, _) = call(&agent, "GET", &server.url("/api/v1/teams"), Some(ADMIN), None).unwrap();
        assert!(sent.elapsed() < ANSWER_WITHIN, "{} took {:?}", server.base, sent.elapsed());
        status
    };
    for server in &replicas {
        assert_eq!([ready(server), teams(server)], [200, 200]);
    }

    cluster.pause();
    for server in &replicas {
        assert_eq!(ready(server), 503, "{} is ready without its database", server.base);
        assert_eq!(teams(server), 503, "{}: a request that needs the database", server.base);
        // `/healthz` is the process's liveness and does not need the database.
        assert_eq!(call(&agent, "GET", &server.url("/healthz"), None, None).unwrap().0, 200);
    }

    cluster.resume().unwrap();
    for server in &replicas {
        wait_until_ready(&agent, server, RECOVER_WITHIN);
        assert_eq!(teams(server), 200, "{} after recovery", server.base);
    }
}

#[test]
fn a_server_told_verify_full_serves_over_tls_and_refuses_another_cas_certificate() {
    postgres_only!("connects the server to a PostgreSQL cluster that speaks TLS");
    let ca = TestCa::new("ssi test CA");
    let cluster = PgCluster::start_with_tls(&ca.server(&["localhost"])).unwrap();
    let url = cluster.create_database("tls").unwrap().replace("@127.0.0.1:", "@localhost:");
    let dir = tempfile::tempdir().unwrap();
    let root_query = |root: &Path| {
        format!("{url}?sslmode=verify-full&sslrootcert={}", root.to_str().unwrap().replace('/', "%2F"))
    };
    // verify-full never falls back to plain TCP: a server that answers is connected over TLS.
    let server =
        ServerProcess::start(dir.path(), root_query(&ca.root_file(dir.path(), "root.pem")), &[], &[]);
    let agent = agent();
    assert_eq!(call(&agent, "GET", &server.url("/readyz"), None, None).unwrap().0, 200);
    let (team, _, _) = member_with_token(&agent, &server, "Encrypted Eve");
    let board = get_ok(&agent, &server.url(&format!("/api/v1/teams/{team}/leaderboard")), ADMIN);
    assert_eq!(board["rows"].as_array().map(Vec::len), Some(0), "{board}");

    // Another CA's root: the server does not start, and says why in one line without the password.
    let wrong = root_query(&TestCa::new("another CA").root_file(dir.path(), "wrong-root.pem"));
    let output = Command::new(env!("CARGO_BIN_EXE_ssi-server"))
        .args(["migrate", "--database", &wrong])
        .env_remove("SSI_CONFIG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("UnknownIssuer") && stderr.contains("wrong-root.pem"), "{stderr}");
    let password = url.split('@').next().unwrap().rsplit(':').next().unwrap();
    assert!(!stderr.contains(password), "{stderr}");
}

/// The counts of the daily job's runs on a server's `/metrics`: (succeeded, skipped,
/// failed).
fn daily_outcomes(agent: &ureq::Agent, server: &ServerProcess) -> (u64, u64, u64) {
    let mut response = agent.get(&server.url("/metrics")).call().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let text = response.body_mut().read_to_string().unwrap();
    let count = |outcome: &str| -> u64 {
        let prefix = format!("ssi_daily_job_runs_total{{outcome=\"{outcome}\"}} ");
        text.lines()
            .find_map(|line| line.strip_prefix(prefix.as_str()))
            .map_or(0, |n| n.trim().parse::<f64>().unwrap() as u64)
    };
    (count("succeeded"), count("skipped"), count("failed"))
}

#[test]
fn the_daily_job_runs_once_across_two_processes() {
    postgres_only!("two server processes share one PostgreSQL database");
    let dir = tempfile::tempdir().unwrap();
    let database = server_database(dir.path());
    let daily_job = ["--daily-job-enabled", "true"];
    let a = ServerProcess::start(dir.path(), &database, &daily_job, &[]);
    let b = ServerProcess::start(dir.path(), &database, &daily_job, &[]);
    let agent = agent();
    // Each process runs the daily job at start-up: wait until both have counted an outcome.
    let deadline = Instant::now() + RECOVER_WITHIN;
    let outcomes = loop {
        let outcomes = [daily_outcomes(&agent, &a), daily_outcomes(&agent, &b)];
        if outcomes.iter().all(|(done, skipped, failed)| done + skipped + failed >= 1) {
            break outcomes;
        }
        assert!(Instant::now() < deadline, "the start-up daily runs did not end: {outcomes:?}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let sum = |pick: fn(&(u64, u64, u64)) -> u64| outcomes.iter().map(pick).sum::<u64>();
    assert_eq!(
        (sum(|o| o.0), sum(|o| o.1), sum(|o| o.2)),
        (1, 1, 0),
        "one process runs the day, the other skips it: {outcomes:?}"
    );
    let url = database.as_ref().to_str().unwrap().to_string();
    let runs = PgStore::connect(&url, 1).unwrap().daily_runs().unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].day, server_today());
    assert!(runs[0].finished.is_some(), "{runs:?}");
}
