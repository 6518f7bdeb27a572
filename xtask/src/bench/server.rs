//! Row 5: the team server under `wrk`: team leaderboard and member history against `/healthz` of the same server; the member page and the advice endpoint against the leaderboard.
//!
//! The database holds `members` members with a year of daily scores each,
//! written through `Store::push_scores` (the route a team fed by `ssi push`
//! takes; one call per member). Members sit in teams: one team of each
//! growth size (e.g. 10, 100 and 1,000 members) and the rest in teams of
//! `team_size`. The server runs as a process on loopback; `wrk` drives it with
//! a fixed connection count and duration, rotating over the teams' (or the
//! members') URLs with a small Lua script so no answer is served from one hot
//! row.
//!
//! Rows 5c and 5d need members whose activity the server holds (advice is simulated
//! from events): `advice_members` more members, in a team of their own, each with a
//! year of synthetic activity imported through `Store::import_export` up to today.
//! Before they are measured, each member's page and advice is fetched once, one after
//! the other: that is the once-per-change computation (timed and reported beside the
//! rows), and what `wrk` then measures is serving the answer until the data changes.
//!
//! A control run follows the rows: the member history rotating over only as many
//! members as fit in the server's answer cache, so the same route and the same bytes
//! are served from memory. It is printed beside the body sizes, not a row: it shows
//! what part of the gap to `/healthz` is the size of the answer rather than the work
//! of computing it.

use super::Plan;
use super::synthetic::{import_synthetic, member_events, pushed_series};
use crate::load::Database;
use anyhow::{Context, Result, bail};
use chrono::{Days, NaiveDate, Utc};
use ssi_store::{Store, TeamId};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The admin token the benchmark installs (only ever on a throwaway database on loopback).
pub(super) const ADMIN_TOKEN: &str = "ssi_bench_0123456789abcdef0123456789abcdef";

/// Answer bytes the history control rotates over: half the server's default answer
/// cache, so the whole rotation stays cached.
const HOT_SET_BYTES: usize = 32 * 1024 * 1024;

/// What `wrk` measured for one URL set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Load {
    /// Requests per second.
    pub(crate) rps: f64,
    /// Median latency.
    pub(crate) p50: Duration,
    /// 99th percentile latency.
    pub(crate) p99: Duration,
    /// Requests completed.
    pub(crate) requests: u64,
}

/// The leaderboard of one team size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TeamPoint {
    /// Members in the team.
    pub(crate) size: usize,
    /// Its leaderboard under load.
    pub(crate) load: Load,
}

/// Everything row 5 measured.
#[derive(Debug, Clone)]
pub(crate) struct ServerResult {
    /// Members in the database.
    pub(crate) members: usize,
    /// Daily scores per member.
    pub(crate) days: u32,
    /// Members per team of the leaderboard row.
    pub(crate) team_size: usize,
    /// `/healthz` (mean of a run before and a run after the API rows).
    pub(crate) health: Load,
    /// The team leaderboard, rotating over the teams of `team_size`.
    pub(crate) leaderboard: Load,
    /// The member history (a year of days), rotating over every member.
    pub(crate) history: Load,
    /// The member page (`/members/{id}`, signed in), rotating over the members with activity.
    pub(crate) member_page: Load,
    /// The advice endpoint, rotating over the members with activity.
    pub(crate) advice: Load,
    /// Members with activity (rows 5c and 5d).
    pub(crate) advice_members: usize,
    /// Events per member with activity, on average.
    pub(crate) advice_member_events: usize,
    /// Median time of the first (computing) request of a member's advice.
    pub(crate) advice_first: Duration,
    /// Advice simulations from the first requests to the end of the advice run.
    pub(crate) advice_computed: u64,
    /// Median time of the first (rendering) request of a member's page, advice cached.
    pub(crate) page_first: Duration,
    /// Bytes of one member page.
    pub(crate) page_bytes: usize,
    /// Bytes of one advice answer.
    pub(crate) advice_bytes: usize,
    /// The control: the member history rotating over `history_hot_members`
    /// members only, every answer served from the server's answer cache.
    pub(crate) history_hot: Load,
    /// Members the control rotates over.
    pub(crate) history_hot_members: usize,
    /// Bytes of one leaderboard answer (a team of `team_size`).
    pub(crate) leaderboard_bytes: usize,
    /// Bytes of one member history answer.
    pub(crate) history_bytes: usize,
    /// The leaderboard at each growth team size.
    pub(crate) growth: Vec<TeamPoint>,
    /// `wrk` connections.
    pub(crate) connections: u32,
    /// Seconds of each measured `wrk` run.
    pub(crate) seconds: u32,
}

/// Teams and members created.
pub(super) struct Layout {
    /// Teams of the leaderboard row.
    pub(super) main_teams: Vec<TeamId>,
    /// One team per growth size.
    growth_teams: Vec<(usize, TeamId)>,
    /// Every member id with pushed scores only, ascending.
    pub(super) members: Vec<i64>,
    /// The members whose activity the server holds.
    active: Vec<i64>,
    /// Their events, in all.
    active_events: usize,
}

/// Fills the database, starts the server and measures.
pub(crate) fn run(plan: &Plan, server_bin: &Path, work: &Path) -> Result<ServerResult> {
    let db = work.join("server.db");
    let today = Utc::now().date_naive();
    eprintln!("==> server: filling {} members × {} days", plan.server_members, plan.server_days);
    let started = Instant::now();
    let layout = fill(plan, &db, today)?;
    eprintln!("    filled in {:.1} s", started.elapsed().as_secs_f64());

    let address = free_address()?;
    let log = work.join("server.log");
    let mut server = start(server_bin, &Database::Sqlite(db), address, &log)?;
    let result = measure(plan, &layout, address, work);
    let _ = server.kill();
    let _ = server.wait();
    result.with_context(|| format!("the server's log is {}", log.display()))
}

/// Fills `db` with the server rows' data: `plan.server_members` members with pushed
/// scores in teams, and `plan.advice_members` members with a year of activity.
pub(super) fn fill(plan: &Plan, db: &Path, today: NaiveDate) -> Result<Layout> {
    super::import::remove_db(db)?;
    let store = Store::open(db)?;
    let model = store.active_model()?;
    let mut sizes: Vec<usize> = plan.team_growth.to_vec();
    let mut rest = plan.server_members.saturating_sub(sizes.iter().sum());
    while rest > 0 {
        let size = rest.min(plan.team_size);
        sizes.push(size);
        rest -= size;
    }
    let mut layout = Layout {
        main_teams: Vec::new(),
        growth_teams: Vec::new(),
        members: Vec::new(),
        active: Vec::new(),
        active_events: 0,
    };
    let mut next = 0u64;
    for (i, &size) in sizes.iter().enumerate() {
        let team = store.create_team(&format!("Team {i:04}"))?;
        if i < plan.team_growth.len() {
            layout.growth_teams.push((size, team.id));
        } else if size == plan.team_size {
            layout.main_teams.push(team.id);
        }
        for _ in 0..size {
            let member = store.create_member(
                &format!("Member {next:05}"),
                Some("Software Development"),
                Some(team.id),
            )?;
            let series =
                pushed_series(7, next, today, plan.server_days, &model.version, model.components.len());
            store.push_scores(member.id, &series)?;
            layout.members.push(member.id.0);
            next += 1;
        }
    }
    if layout.main_teams.is_empty() {
        bail!("no team of {} members: raise the member count", plan.team_size);
    }
    // Members with a year of activity up to today, scored as an upload would score them.
    let team = store.create_team("Team with activity")?;
    let first = today.checked_sub_days(Days::new(364)).context("a valid day")?;
    for i in 0..plan.advice_members {
        let member = store.create_member(
            &format!("Active member {i:04}"),
            Some("Software Development"),
            Some(team.id),
        )?;
        let events = member_events(11, i as u64, first, today);
        layout.active_events += events.len();
        import_synthetic(&store, member.id, format!("bench-active-{i}"), i as u64, events, today, today)?;
        layout.active.push(member.id.0);
    }
    Ok(layout)
}

/// A free loopback address to bind a server to.
pub(super) fn free_address() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("no free loopback port")?;
    Ok(listener.local_addr()?)
}

/// Starts the server on `database` at `address` (a PostgreSQL URL goes in `SSI_DB`, off
/// the command line) and waits until `/readyz` answers 200.
pub(super) fn start(
    server_bin: &Path,
    database: &Database,
    address: SocketAddr,
    log: &Path,
) -> Result<Child> {
    let log_file = std::fs::File::create(log)?;
    let mut command = Command::new(server_bin);
    command.arg("serve").arg("--bind").arg(address.to_string());
    match database {
        Database::Sqlite(db) => command.arg("--database").arg(db).env_remove("SSI_DB"),
        Database::Postgres(url) => command.env("SSI_DB", url),
    };
    let mut child = command
        .env("SSI_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("SSI_SHUTDOWN_DRAIN_SECS", "0")
        .env_remove("SSI_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .context("could not start ssi-server")?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(200) = get(address, "/readyz") {
            return Ok(child);
        }
        if let Some(status) = child.try_wait()? {
            bail!("ssi-server exited at start ({status}); see {}", log.display());
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("ssi-server did not become ready within a minute; see {}", log.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One GET with the admin token; returns the status code.
fn get(address: SocketAddr, path: &str) -> Result<u16> {
    fetch(address, path).map(|(status, _)| status)
}

/// One GET with the admin token; returns the status code and the body's length.
pub(super) fn fetch(address: SocketAddr, path: &str) -> Result<(u16, usize)> {
    let (status, _, body) =
        exchange(address, &format!("GET {path}"), &format!("Authorization: Bearer {ADMIN_TOKEN}\r\n"), "")?;
    Ok((status, body.len()))
}

/// `ssi_advice_computations_total` from the server's `/metrics`.
fn advice_computations(address: SocketAddr) -> Result<u64> {
    let (status, _, body) = exchange(address, "GET /metrics", "", "")?;
    if status != 200 {
        bail!("GET /metrics answered {status}");
    }
    body.lines()
        .find_map(|line| line.strip_prefix("ssi_advice_computations_total "))
        .and_then(|n| n.trim().parse().ok())
        .context("no ssi_advice_computations_total in /metrics")
}

/// One GET of a page with a session cookie; returns the status code and the body's length.
fn fetch_page(address: SocketAddr, path: &str, cookie: &str) -> Result<(u16, usize)> {
    let (status, _, body) = exchange(address, &format!("GET {path}"), &format!("Cookie: {cookie}\r\n"), "")?;
    Ok((status, body.len()))
}

/// Signs the admin token in to the dashboard; returns the session cookie (`name=value`).
fn sign_in(address: SocketAddr) -> Result<String> {
    let form = format!("token={ADMIN_TOKEN}");
    let headers =
        format!("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n", form.len());
    let (status, head, _) = exchange(address, "POST /login", &headers, &form)?;
    let cookie = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim().split(';').next().unwrap_or("").to_string())
        })
        .filter(|c| !c.is_empty());
    cookie.with_context(|| format!("signing in answered {status} without a session cookie"))
}

/// One HTTP/1.1 exchange (`line` is `METHOD PATH`); returns the status, the head and the body.
fn exchange(address: SocketAddr, line: &str, headers: &str, body: &str) -> Result<(u16, String, String)> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(stream, "{line} HTTP/1.1\r\nHost: {address}\r\n{headers}Connection: close\r\n\r\n{body}")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok());
    let status = status.with_context(|| format!("no HTTP status in the answer to {line}"))?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    Ok((status, head.to_string(), body.to_string()))
}

/// Fetches each path once, in turn, and returns the median time and the last body's size;
/// any answer but 200 is an error.
pub(super) fn first_requests(
    paths: &[String],
    fetch_one: impl Fn(&str) -> Result<(u16, usize)>,
) -> Result<(Duration, usize)> {
    let mut times = Vec::new();
    let mut bytes = 0;
    for path in paths {
        let started = Instant::now();
        let (status, size) = fetch_one(path)?;
        times.push(started.elapsed());
        if status != 200 {
            bail!("GET {path} answered {status}, not 200");
        }
        bytes = size;
    }
    times.sort();
    Ok((times.get(times.len() / 2).copied().unwrap_or_default(), bytes))
}

fn measure(plan: &Plan, layout: &Layout, address: SocketAddr, work: &Path) -> Result<ServerResult> {
    let leaderboards: Vec<String> =
        layout.main_teams.iter().map(|t| format!("/api/v1/teams/{}/leaderboard", t.0)).collect();
    let histories: Vec<String> =
        layout.members.iter().map(|m| format!("/api/v1/members/{m}/history")).collect();
    let mut sizes = Vec::new();
    for path in ["/healthz", leaderboards[0].as_str(), histories[0].as_str()] {
        let (status, bytes) = fetch(address, path)?;
        if status != 200 {
            bail!("GET {path} answered {status}, not 200");
        }
        sizes.push(bytes);
    }
    // The control's rotation: as many members as fit in half the server's default
    // answer cache (64 MiB), so that every answer is served from memory.
    let hot_members = (HOT_SET_BYTES / sizes[2].max(1)).clamp(1, histories.len());
    let hot_histories = &histories[..hot_members];
    let wrk_with = |name: &str, paths: &[String], seconds: u32, header: &str| -> Result<Load> {
        let script = work.join(format!("{name}.lua"));
        std::fs::write(&script, rotation_script(paths))?;
        run_wrk(address, &script, plan.connections, seconds, header)
    };
    let bearer = format!("Authorization: Bearer {ADMIN_TOKEN}");
    let wrk = |name: &str, paths: &[String], seconds: u32| wrk_with(name, paths, seconds, &bearer);
    let health_path = ["/healthz".to_string()];
    eprintln!("==> server: warming up");
    wrk("warmup-health", &health_path, 1)?;
    wrk("warmup-leaderboard", &leaderboards, 1)?;
    wrk("warmup-history", &histories, 1)?;
    eprintln!("==> server: wrk -c {} for {} s per URL set", plan.connections, plan.wrk_seconds);
    let health_before = wrk("health", &health_path, plan.wrk_seconds)?;
    let leaderboard = wrk("leaderboard", &leaderboards, plan.wrk_seconds)?;
    let history = wrk("history", &histories, plan.wrk_seconds)?;

    // Rows 5c and 5d: each member's advice, then page, computed once (the first request
    // after the data changed), then served under load.
    let advice_paths: Vec<String> =
        layout.active.iter().map(|m| format!("/api/v1/members/{m}/advice")).collect();
    let page_paths: Vec<String> = layout.active.iter().map(|m| format!("/members/{m}")).collect();
    eprintln!("==> server: first request of {} members' advice", layout.active.len());
    let computed_before = advice_computations(address)?;
    let (advice_first, advice_bytes) = first_requests(&advice_paths, |p| fetch(address, p))?;
    let advice = wrk("advice", &advice_paths, plan.wrk_seconds)?;
    // Every simulation past one per member was a recomputation after a write (such as
    // the once-a-minute record of the token's use) dropped the cached answers.
    let advice_computed = advice_computations(address)? - computed_before;
    let cookie = sign_in(address)?;
    eprintln!("==> server: first request of {} members' page", layout.active.len());
    let (page_first, page_bytes) = first_requests(&page_paths, |p| fetch_page(address, p, &cookie))?;
    let cookie_header = format!("Cookie: {cookie}");
    let member_page = wrk_with("member-page", &page_paths, plan.wrk_seconds, &cookie_header)?;
    eprintln!(
        "    first advice {:.1} ms, first page {:.1} ms (medians); {advice_computed} advice simulations for {} members",
        advice_first.as_secs_f64() * 1e3,
        page_first.as_secs_f64() * 1e3,
        layout.active.len(),
    );
    eprintln!("==> server: control: member history rotating over {hot_members} members (cached)");
    wrk("warmup-history-hot", hot_histories, 1)?;
    let history_hot = wrk("history-hot", hot_histories, plan.wrk_seconds)?;
    let health_after = wrk("health", &health_path, plan.wrk_seconds)?;
    let mut growth = Vec::new();
    for &(size, team) in &layout.growth_teams {
        eprintln!("==> server: leaderboard of a team of {size}");
        let path = [format!("/api/v1/teams/{}/leaderboard", team.0)];
        growth.push(TeamPoint { size, load: wrk(&format!("team-{size}"), &path, plan.growth_wrk_seconds)? });
    }
    let health = Load {
        rps: (health_before.rps + health_after.rps) / 2.0,
        p50: (health_before.p50 + health_after.p50) / 2,
        p99: (health_before.p99 + health_after.p99) / 2,
        requests: health_before.requests + health_after.requests,
    };
    eprintln!(
        "    bodies: leaderboard {} B, history {} B; history of {hot_members} cached members: \
         {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms ({:.2} of /healthz)",
        sizes[1],
        sizes[2],
        history_hot.rps,
        history_hot.p50.as_secs_f64() * 1e3,
        history_hot.p99.as_secs_f64() * 1e3,
        history_hot.rps / health.rps,
    );
    Ok(ServerResult {
        member_page,
        advice,
        advice_members: layout.active.len(),
        advice_member_events: layout.active_events / layout.active.len().max(1),
        advice_first,
        advice_computed,
        page_first,
        page_bytes,
        advice_bytes,
        members: layout.members.len(),
        days: plan.server_days,
        team_size: plan.team_size,
        health,
        leaderboard,
        history,
        history_hot,
        history_hot_members: hot_members,
        leaderboard_bytes: sizes[1],
        history_bytes: sizes[2],
        growth,
        connections: plan.connections,
        seconds: plan.wrk_seconds,
    })
}

/// A wrk script that sends the paths in turn, one request each.
pub(super) fn rotation_script(paths: &[String]) -> String {
    let mut text = String::from("local paths = {\n");
    for path in paths {
        text.push_str(&format!("  \"{path}\",\n"));
    }
    text.push_str(
        "}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n",
    );
    text
}

/// Runs `wrk --latency` with `script` against `address` and reads its report.
pub(super) fn run_wrk(
    address: SocketAddr,
    script: &PathBuf,
    connections: u32,
    seconds: u32,
    header: &str,
) -> Result<Load> {
    let output = Command::new("wrk")
        .args(["--threads", "1", "--latency", "--timeout", "10s"])
        .arg("--connections")
        .arg(connections.to_string())
        .arg("--duration")
        .arg(format!("{seconds}s"))
        .arg("--header")
        .arg(header)
        .arg("--script")
        .arg(script)
        .arg(format!("http://{address}/"))
        .stdin(Stdio::null())
        .output()
        .context("could not start wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("wrk failed ({}): {}{}", output.status, text, String::from_utf8_lossy(&output.stderr));
    }
    parse_wrk(&text)
}

/// Reads requests per second, p50, p99 and the request count from wrk's
/// `--latency` report; any non-2xx answer or socket error is an error.
pub(crate) fn parse_wrk(text: &str) -> Result<Load> {
    let mut rps = None;
    let (mut p50, mut p99) = (None, None);
    let mut requests = None;
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", value] => rps = value.parse::<f64>().ok(),
            ["50%", value] => p50 = parse_latency(value),
            ["99%", value] => p99 = parse_latency(value),
            [count, "requests", "in", ..] => requests = count.parse::<u64>().ok(),
            ["Non-2xx", ..] => bail!("wrk saw error answers: {}", line.trim()),
            ["Socket", "errors:", ..] => {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                let failed =
                    words.iter().filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok()).any(|n| n > 0);
                if failed {
                    bail!("wrk saw {}", line.trim());
                }
            }
            _ => {}
        }
    }
    match (rps, p50, p99, requests) {
        (Some(rps), Some(p50), Some(p99), Some(requests)) if requests > 0 => {
            Ok(Load { rps, p50, p99, requests })
        }
        _ => bail!("could not read wrk's report:\n{text}"),
    }
}

/// `155.00us`, `1.23ms`, `2.00s`.
fn parse_latency(text: &str) -> Option<Duration> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 1e-6)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else {
        return None;
    };
    let value: f64 = number.parse().ok()?;
    Some(Duration::from_secs_f64(value * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 2s test @ http://127.0.0.1:4000/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   310.21us  120.00us   4.10ms   90.00%
    Req/Sec    25.10k     1.20k   27.00k    70.00%
  Latency Distribution
     50%  280.00us
     75%  340.00us
     90%  420.00us
     99%    1.25ms
  50210 requests in 2.00s, 7.12MB read
Requests/sec:  25080.50
Transfer/sec:      3.56MB
";

    #[test]
    fn wrk_reports_are_read() {
        let load = parse_wrk(REPORT).unwrap();
        assert_eq!(load.requests, 50210);
        assert!((load.rps - 25080.5).abs() < 1e-9);
        assert_eq!(load.p50, Duration::from_micros(280));
        assert_eq!(load.p99, Duration::from_micros(1250));
    }

    #[test]
    fn error_answers_and_socket_errors_fail_the_run() {
        let non_2xx = REPORT.replace("Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec");
        assert!(parse_wrk(&non_2xx).is_err());
        let timeouts = REPORT
            .replace("Requests/sec", "  Socket errors: connect 0, read 0, write 0, timeout 3\nRequests/sec");
        assert!(parse_wrk(&timeouts).is_err());
        let clean = REPORT
            .replace("Requests/sec", "  Socket errors: connect 0, read 0, write 0, timeout 0\nRequests/sec");
        assert!(parse_wrk(&clean).is_ok());
        assert!(parse_wrk("nonsense").is_err());
    }

    #[test]
    fn latencies_have_units() {
        assert_eq!(parse_latency("2.00s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_latency("1.50ms"), Some(Duration::from_micros(1500)));
        assert_eq!(parse_latency("12"), None);
    }

    #[test]
    fn the_script_rotates_over_every_path() {
        let script = rotation_script(&["/a".into(), "/b".into()]);
        assert!(script.contains("\"/a\",\n  \"/b\","));
        assert!(script.contains("i = i % #paths + 1"));
    }
}
