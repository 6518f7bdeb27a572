//! Test fixtures: a temporary store with two teams, members with pushed scores, a token per
//! role, helpers to call the app in-process, and a webhook receiver for alerts.
//!
//! The store is an SQLite file in a temp dir, or, with `SSI_TEST_BACKEND=postgres`, a
//! fresh database on a throwaway PostgreSQL cluster (one cluster per test binary, shared
//! by the tests running at once): one suite, both backends. Tests about SQLite's file
//! itself skip on PostgreSQL with [`sqlite_only!`] and say why.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{Days, NaiveDate};
use serde_json::Value;
use ssi_core::PillarScores;
use ssi_pg_harness::PgCluster;
use ssi_server::AppState;
use ssi_server::{Config, DatabaseUrl};
use ssi_store::{Backend, MemberId, PushedScore, Role, TeamId, TokenId};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tempfile::TempDir;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The variable that picks the suite's backend: `postgres`, else SQLite.
pub(crate) const BACKEND_ENV: &str = "SSI_TEST_BACKEND";

/// Whether the suite runs on PostgreSQL (`SSI_TEST_BACKEND=postgres`).
pub(crate) fn on_postgres() -> bool {
    std::env::var(BACKEND_ENV).is_ok_and(|backend| backend == "postgres")
}

/// Ends a test that is about SQLite's file itself (its bytes, its pragmas, crashes on it)
/// when the suite runs on PostgreSQL, saying why.
macro_rules! sqlite_only {
    ($reason:literal) => {
        if crate::support::on_postgres() {
            eprintln!("skipped on PostgreSQL: {}", $reason);
            return;
        }
    };
}
pub(crate) use sqlite_only;

/// Numbers the databases of the cluster.
static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// Runs blocking store work on a thread of its own: a PostgreSQL store's calls may not
/// block a thread that drives the test's async runtime.
pub(crate) fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        scope.spawn(work).join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// A fresh store for one fixture: an SQLite file in `dir`, or a new database on the
/// shared cluster; opened as the server opens it.
fn fresh_database(dir: &Path) -> (Arc<dyn Backend>, DatabaseUrl, Option<Arc<PgCluster>>) {
    let (database, cluster) = if on_postgres() {
        let cluster = PgCluster::shared_for_tests();
        let name = format!("server_{}", DATABASES.fetch_add(1, Ordering::Relaxed));
        let url = cluster.create_database(&name).unwrap();
        (url.parse().unwrap(), Some(cluster))
    } else {
        (DatabaseUrl::Sqlite(dir.join("ssi.db")), None)
    };
    let store = off_runtime(|| database.open(4)).unwrap();
    (store, database, cluster)
}

/// The database a test starts the real `ssi-server` binary on (`--database`): an SQLite
/// file in the test's dir, or a fresh database on the shared cluster.
pub(crate) struct ServerDatabase {
    argument: std::ffi::OsString,
    _cluster: Option<Arc<PgCluster>>,
}

impl AsRef<std::ffi::OsStr> for ServerDatabase {
    fn as_ref(&self) -> &std::ffi::OsStr {
        &self.argument
    }
}

impl ServerDatabase {
    /// The PostgreSQL server's port (on loopback, as a log may name it), if the database
    /// is one.
    pub(crate) fn postgres_port(&self) -> Option<String> {
        let url = self.argument.to_str()?.strip_prefix("postgres://")?;
        let host = url.split('/').next()?.rsplit('@').next()?;
        Some(host.rsplit(':').next()?.to_string())
    }
}

/// A fresh database for a real server process, on the suite's backend.
pub(crate) fn server_database(dir: &Path) -> ServerDatabase {
    if on_postgres() {
        let cluster = PgCluster::shared_for_tests();
        let name = format!("process_{}", DATABASES.fetch_add(1, Ordering::Relaxed));
        let url = cluster.create_database(&name).unwrap();
        ServerDatabase { argument: url.into(), _cluster: Some(cluster) }
    } else {
        ServerDatabase { argument: dir.join("ssi.db").into(), _cluster: None }
    }
}

/// The day the fixtures live on.
pub(crate) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

/// A token's secret and id.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) secret: String,
    pub(crate) id: TokenId,
}

/// A populated temporary server state.
pub(crate) struct Fixture {
    pub(crate) dir: TempDir,
    /// The state's store, for setting up and inspecting ([`Fixture::with_store`]).
    store: Arc<dyn Backend>,
    /// Where the store is.
    pub(crate) database: DatabaseUrl,
    pub(crate) state: AppState,
    pub(crate) team_a: TeamId,
    pub(crate) team_b: TeamId,
    /// Team A member, the "member" of most tests.
    pub(crate) alice: MemberId,
    /// Team A member, Alice's teammate.
    pub(crate) bob: MemberId,
    /// Team B member: "member of another team".
    pub(crate) carol: MemberId,
    pub(crate) admin: Token,
    pub(crate) manager_a: Token,
    pub(crate) alice_token: Token,
    pub(crate) bob_token: Token,
    pub(crate) carol_token: Token,
    /// Dropped last: the stores close before their cluster stops.
    _cluster: Option<Arc<PgCluster>>,
}

fn token(
    store: &dyn Backend,
    role: Role,
    member: Option<MemberId>,
    team: Option<TeamId>,
    label: &str,
) -> Token {
    let (secret, info) = store.create_token(role, member, team, label).unwrap();
    Token { secret, id: info.id }
}

/// Pushed scores for `days` days up to today, rising linearly from `start` by `step` a day.
pub(crate) fn push_series(store: &dyn Backend, member: MemberId, start: [f64; 4], step: f64, days: u64) {
    let scores: Vec<PushedScore> = (0..days)
        .map(|i| {
            let date = today().checked_sub_days(Days::new(days - 1 - i)).unwrap();
            let pillars = PillarScores::from_array(start.map(|p| (p + step * i as f64).min(25.0)));
            PushedScore {
                date,
                model_version: "test-1".into(),
                pillars,
                total: pillars.total(),
                components: Vec::new(),
            }
        })
        .collect();
    store.push_scores_and_readings(member, &scores, &[]).unwrap();
}

/// The configuration tests run with: the fixture's database, no daily job.
pub(crate) fn test_config(database: impl Into<DatabaseUrl>) -> Config {
    Config { database: database.into(), daily_job_enabled: false, ..Config::default() }
}

impl Fixture {
    /// The standard fixture.
    pub(crate) fn new() -> Fixture {
        Fixture::with_config(|_| {})
    }

    /// The standard fixture with an adjusted configuration.
    pub(crate) fn with_config(adjust: impl FnOnce(&mut Config)) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let (store, database, cluster) = fresh_database(dir.path());
        let seeded = off_runtime(|| {
            let store = store.as_ref();
            let team_a = store.create_team("Alpha Sales").unwrap().id;
            let team_b = store.create_team("Beta Sales").unwrap().id;
            let alice = store.create_member("Alice Archer", Some("Software"), Some(team_a)).unwrap().id;
            let bob = store.create_member("Bob Baker", Some("Software"), Some(team_a)).unwrap().id;
            let carol = store.create_member("Carol Chen", Some("Software"), Some(team_b)).unwrap().id;
            push_series(store, alice, [10.0, 8.0, 6.0, 9.0], 0.1, 40);
            push_series(store, bob, [5.0, 4.0, 3.0, 2.0], 0.05, 40);
            push_series(store, carol, [20.0, 20.0, 20.0, 20.0], 0.0, 10);
            let tokens = [
                token(store, Role::Admin, None, None, "admin"),
                token(store, Role::Manager, None, Some(team_a), "manager A"),
                token(store, Role::Member, Some(alice), None, "alice"),
                token(store, Role::Member, Some(bob), None, "bob"),
                token(store, Role::Member, Some(carol), None, "carol"),
            ];
            (team_a, team_b, alice, bob, carol, tokens)
        });
        let (team_a, team_b, alice, bob, carol, [admin, manager_a, alice_token, bob_token, carol_token]) =
            seeded;
        let mut config = test_config(database.clone());
        config.upload_dir = Some(dir.path().to_path_buf());
        adjust(&mut config);
        let state = AppState::new(store.clone(), config).with_today(today());
        Fixture {
            dir,
            store,
            database,
            state,
            team_a,
            team_b,
            alice,
            bob,
            carol,
            admin,
            manager_a,
            alice_token,
            bob_token,
            carol_token,
            _cluster: cluster,
        }
    }

    /// Runs store work (setting up, inspecting) on the state's store, off the test's
    /// async runtime (see [`off_runtime`]).
    pub(crate) fn with_store<T: Send>(&self, work: impl FnOnce(&dyn Backend) -> T + Send) -> T {
        let store = self.store.as_ref();
        off_runtime(|| work(store))
    }

    /// The SQLite file: only for tests that skipped on PostgreSQL ([`sqlite_only!`]).
    pub(crate) fn sqlite_file(&self) -> &Path {
        self.database.sqlite_path().expect("a test about SQLite's file skips on PostgreSQL")
    }

    /// The application.
    pub(crate) fn app(&self) -> Router {
        ssi_server::app(self.state.clone())
    }

    /// Sends a request.
    pub(crate) async fn send(&self, request: Request<Body>) -> Reply {
        send(self.app(), request).await
    }

    /// A JSON request with an optional bearer token.
    pub(crate) async fn json(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        self.send(json_request(method, uri, token, body)).await
    }

    /// A session cookie for a token, as POST /login would set.
    pub(crate) fn session_cookie(&self, token: &Token) -> String {
        let id = self.with_store(|store| self.state.sessions.create(store, token.id)).unwrap();
        format!("{}={id}", ssi_server::COOKIE_NAME)
    }
}

/// Builds a JSON request.
pub(crate) fn json_request(
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    match body {
        Some(body) => {
            builder.header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string()))
        }
        None => builder.body(Body::empty()),
    }
    .unwrap()
}

/// A finished response, body read.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Reply {
    /// The body as JSON (panics with the body when it is not).
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The body as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts the status, showing the body when it differs.
    pub(crate) fn expect(self, status: u16) -> Reply {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        self
    }

    /// Asserts an error response of this status and kind, returning its message.
    pub(crate) fn expect_error(self, status: u16, kind: &str) -> String {
        let reply = self.expect(status);
        let body = reply.json();
        assert_eq!(body["error"], kind, "{body}");
        body["message"].as_str().unwrap().to_string()
    }
}

/// Sends a request through the router.
pub(crate) async fn send(app: Router, request: Request<Body>) -> Reply {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Reply { status, headers, body }
}

/// A small but valid LinkedIn export: a profile, a position, connections, a post and reactions.
pub(crate) fn small_export_zip() -> Vec<u8> {
    let files: [(&str, &str); 5] = [
        (
            "Profile.csv",
            "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n\
             Alice,Archer,,,,Account Executive at Example,I help teams sell.,Software,,Berlin,,,\n",
        ),
        (
            "Positions.csv",
            "Company Name,Title,Description,Location,Started On,Finished On\nExample GmbH,Account Executive,Selling,Berlin,Jan 2024,\n",
        ),
        (
            "Connections.csv",
            "Notes:\n\"Some e-mail addresses are missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
             Dan,Doe,https://www.linkedin.com/in/dan-doe,,Acme,VP Sales,10 Nov 2026\n\
             Eve,Example,https://www.linkedin.com/in/eve-example,,Initech,CEO,12 Nov 2026\n",
        ),
        (
            "Shares.csv",
            "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n2026-11-15 09:00:00,https://www.linkedin.com/feed/update/urn:li:share:1,Hello world,,,MEMBER_NETWORK\n",
        ),
        (
            "Reactions.csv",
            "Date,Type,Link\n2026-11-16 10:00:00,LIKE,https://www.linkedin.com/feed/update/urn:li:activity:2\n2026-11-17 11:00:00,PRAISE,https://www.linkedin.com/feed/update/urn:li:activity:3\n",
        ),
    ];
    let mut bytes = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut bytes);
        let options =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in files {
            zip.start_file(name, options).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    bytes.into_inner()
}

/// The repository's sample export, when it exists.
pub(crate) fn sample_export() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample-export.zip");
    path.exists().then_some(path)
}

/// The workspace's target directory.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    }
}

/// Polls a job until it finishes (at most about 60 s).
pub(crate) async fn wait_for_job(fixture: &Fixture, job: u64, token: &str) -> Value {
    for _ in 0..600 {
        let reply = fixture.json("GET", &format!("/api/v1/jobs/{job}"), Some(token), None).await.expect(200);
        let body = reply.json();
        if body["state"] == "succeeded" || body["state"] == "failed" {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("job {job} did not finish");
}

impl Fixture {
    /// Imports [`small_export_zip`] for a member straight through the import function the
    /// upload job runs, so the server holds that member's activity.
    pub(crate) fn import_small_export(&self, member: MemberId) {
        let path = self.dir.path().join(format!("export-{}.zip", member.0));
        std::fs::write(&path, small_export_zip()).unwrap();
        self.with_store(|store| {
            ssi_server::import_export(
                store,
                &|_| {},
                member,
                &path,
                "Basic_LinkedInDataExport_11-20-2026.zip",
                today(),
            )
        })
        .unwrap();
    }

    /// The dashboard page at `path` as the holder of `token` sees it, signed in (status 200 asserted).
    pub(crate) async fn page(&self, token: &Token, path: &str) -> String {
        let request = Request::get(path)
            .header(axum::http::header::COOKIE, self.session_cookie(token))
            .body(Body::empty())
            .unwrap();
        self.send(request).await.expect(200).text()
    }

    /// The metrics text.
    pub(crate) async fn metrics(&self) -> String {
        self.json("GET", "/metrics", None, None).await.expect(200).text()
    }

    /// Polls `/metrics` until it contains `line` (at most about 60 s).
    pub(crate) async fn wait_for_metric(&self, line: &str) {
        for _ in 0..1200 {
            if self.metrics().await.contains(line) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the metrics never showed {line:?}:\n{}", self.metrics().await);
    }
}

/// What the webhook receiver shares with its handler.
struct ReceiverShared {
    /// Every body received, in arrival order (recorded before the answer).
    bodies: Mutex<Vec<Value>>,
    /// Requests answered so far.
    answered: AtomicUsize,
    /// How many requests of each member get 503 before one gets 200.
    failures_per_member: usize,
    /// Requests seen per member id.
    seen: Mutex<HashMap<i64, usize>>,
    /// Requests wait for a permit here; closed receivers start with none.
    gate: Semaphore,
}

/// A webhook receiver: a tiny axum server on 127.0.0.1:0 that records every POSTed body.
pub(crate) struct Receiver {
    /// The webhook URL to configure.
    pub(crate) url: String,
    shared: Arc<ReceiverShared>,
    server: tokio::task::JoinHandle<()>,
}

/// Enough permits for every request of a test.
const OPEN_GATE: usize = 1 << 20;

impl Receiver {
    /// Starts a receiver answering 503 to the first `failures_per_member` requests of each
    /// member and 200 after; with `held`, every request waits until [`Receiver::release`].
    pub(crate) async fn start(failures_per_member: usize, held: bool) -> Receiver {
        let shared = Arc::new(ReceiverShared {
            bodies: Mutex::new(Vec::new()),
            answered: AtomicUsize::new(0),
            failures_per_member,
            seen: Mutex::new(HashMap::new()),
            gate: Semaphore::new(if held { 0 } else { OPEN_GATE }),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let router =
            axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Receiver { url: format!("http://{address}/hook"), shared, server }
    }

    /// Every body received so far.
    pub(crate) fn requests(&self) -> Vec<Value> {
        self.shared.bodies.lock().unwrap().clone()
    }

    /// Requests answered so far.
    pub(crate) fn answered(&self) -> usize {
        self.shared.answered.load(Ordering::SeqCst)
    }

    /// Lets held requests (and every later one) through.
    pub(crate) fn release(&self) {
        self.shared.gate.add_permits(OPEN_GATE);
    }

    /// Waits until at least `n` requests arrived (at most about 60 s); returns them all.
    pub(crate) async fn wait_for_requests(&self, n: usize) -> Vec<Value> {
        for _ in 0..1200 {
            let bodies = self.requests();
            if bodies.len() >= n {
                return bodies;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the receiver got {} requests, not {n}: {:?}", self.requests().len(), self.requests());
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn receive(
    axum::extract::State(shared): axum::extract::State<Arc<ReceiverShared>>,
    axum::Json(body): axum::Json<Value>,
) -> StatusCode {
    let member = body["member"]["id"].as_i64().unwrap_or(-1);
    shared.bodies.lock().unwrap().push(body);
    let attempt = {
        let mut seen = shared.seen.lock().unwrap();
        let count = seen.entry(member).or_insert(0);
        *count += 1;
        *count
    };
    let permit = shared.gate.acquire().await.unwrap();
    drop(permit);
    shared.answered.fetch_add(1, Ordering::SeqCst);
    if attempt <= shared.failures_per_member { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK }
}
