//! Row 6: the team server on PostgreSQL, with one and with two replicas, against the
//! SQLite server of the same run on the same data: leaderboard, history and push ingest
//! under `wrk`.
//!
//! The data is row 5's ([`super::server::fill`]: `server_members` members with a year of
//! pushed scores, in teams of `team_size`), plus a member token for each of the first
//! `push_members` members. It is copied into a throwaway PostgreSQL cluster
//! (`ssi_pg_harness::PgCluster`: initdb into a temp dir, loopback only; it runs with
//! `fsync=off` and 16 MB of shared buffers, a test cluster's settings) with
//! `PgStore::copy_from_sqlite`, the code behind `ssi-server migrate-from-sqlite`, before
//! any server starts. Then, each run `wrk --threads 1 --latency` for `wrk_seconds`
//! after a 1 s warm-up:
//!
//! 1. the SQLite server: the leaderboard (rotating over the teams of `team_size`), the
//!    member history (rotating over every member), then push ingest;
//! 2. two `ssi-server` processes on the PostgreSQL database (`SSI_DB`): the reads
//!    against the first replica alone (`connections` connections), then against both
//!    (two `wrk` processes at once, one per replica, half the connections each: their
//!    rates add up, p50 is their mean and p99 the larger); then push ingest on one
//!    replica, then on both.
//!
//! Before each configuration's reads, every replica serves one request (its first use
//! of the admin token is recorded: a write, which drops every replica's cached
//! answers), then computes each leaderboard once, in turn: the median of those first
//! requests is reported (`details.first_leaderboard_ms`), and `wrk` measures serving
//! them, as rows 5c and 5d do. Reads come before every push run, so each history
//! answers the same year of days.
//! Push ingest: each request is one member's `POST /api/v1/push` of one new day (a
//! Lua script rotating over the members' tokens, the day moving on one each time round;
//! each `wrk` process starts ten years from the others), so every push writes a row.

use super::Plan;
use super::server::{
    ADMIN_TOKEN, Load, fetch, fill, first_requests, free_address, rotation_script, run_wrk, start,
};
use crate::load::Database;
use anyhow::{Context, Result, bail};
use chrono::{NaiveDate, Utc};
use ssi_store::pg::PgStore;
use ssi_store::{MemberId, Role, Store};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

/// Leaderboard, history and push ingest of one configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Trio {
    /// The team leaderboard.
    pub(crate) leaderboard: Load,
    /// The member history.
    pub(crate) history: Load,
    /// Push ingest.
    pub(crate) push: Load,
    /// Median time of a leaderboard's first (computing) request, before the runs (the
    /// larger of the replicas').
    pub(crate) leaderboard_first: Duration,
}

/// Everything row 6 measured.
#[derive(Debug, Clone)]
pub(crate) struct PostgresResult {
    /// The SQLite server.
    pub(crate) sqlite: Trio,
    /// One PostgreSQL replica.
    pub(crate) one: Trio,
    /// Two PostgreSQL replicas.
    pub(crate) two: Trio,
    /// Members in the database.
    pub(crate) members: usize,
    /// Days of scores per member.
    pub(crate) days: u32,
    /// Members pushing.
    pub(crate) push_members: usize,
    /// Rows copied into PostgreSQL, in all.
    pub(crate) rows_copied: u64,
    /// How long the copy took.
    pub(crate) copy: Duration,
    /// `wrk` connections in all (split over two replicas).
    pub(crate) connections: u32,
    /// Seconds of each measured `wrk` run.
    pub(crate) seconds: u32,
}

/// A server process that is killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Where the `wrk` scripts go and how long they run.
struct Wrk<'a> {
    plan: &'a Plan,
    work: &'a Path,
}

impl Wrk<'_> {
    /// One `wrk` process per address, each with its share of the connections, all at
    /// once; `script(i)` is the i-th process's script. Rates add up; p50 is the mean,
    /// p99 the largest.
    fn run(
        &self,
        name: &str,
        addresses: &[SocketAddr],
        seconds: u32,
        script: impl Fn(usize) -> String,
    ) -> Result<Load> {
        let connections = (self.plan.connections / addresses.len() as u32).max(1);
        let mut scripts = Vec::new();
        for i in 0..addresses.len() {
            let path = self.work.join(format!("pg-{name}-{i}.lua"));
            std::fs::write(&path, script(i))?;
            scripts.push(path);
        }
        let bearer = format!("Authorization: Bearer {ADMIN_TOKEN}");
        let loads: Vec<Result<Load>> = std::thread::scope(|scope| {
            let runs: Vec<_> = addresses
                .iter()
                .zip(&scripts)
                .map(|(address, script)| {
                    scope.spawn(|| run_wrk(*address, script, connections, seconds, &bearer))
                })
                .collect();
            runs.into_iter()
                .map(|run| run.join().unwrap_or_else(|_| bail!("a wrk thread panicked")))
                .collect()
        });
        let loads =
            loads.into_iter().collect::<Result<Vec<Load>>>().with_context(|| format!("wrk {name}"))?;
        Ok(combined(&loads))
    }

    /// A warm-up of 1 s, then the measured run.
    fn measure(
        &self,
        name: &str,
        addresses: &[SocketAddr],
        script: impl Fn(usize) -> String,
    ) -> Result<Load> {
        self.run(&format!("{name}-warmup"), addresses, 1, &script)?;
        self.run(name, addresses, self.plan.wrk_seconds, &script)
    }
}

/// Loads of `wrk` processes that ran at the same time, as one.
fn combined(loads: &[Load]) -> Load {
    let count = loads.len().max(1) as u32;
    Load {
        rps: loads.iter().map(|l| l.rps).sum(),
        p50: loads.iter().map(|l| l.p50).sum::<Duration>() / count,
        p99: loads.iter().map(|l| l.p99).max().unwrap_or_default(),
        requests: loads.iter().map(|l| l.requests).sum(),
    }
}

/// A wrk script in which every request is one member's push of one new day: the members'
/// tokens in turn, the day moving on by one each time round, from `first`.
fn push_script(tokens: &[String], first: NaiveDate) -> String {
    let epoch = first.and_hms_opt(12, 0, 0).map_or(0, |t| t.and_utc().timestamp());
    let mut text = String::from("local tokens = {\n");
    for token in tokens {
        text.push_str(&format!("  \"{token}\",\n"));
    }
    text.push_str(&format!(
        r#"}}
local first = {epoch}
local n = 0
request = function()
  local i = n % #tokens + 1
  local day = os.date("!%Y-%m-%d", first + math.floor(n / #tokens) * 86400)
  n = n + 1
  local body = '{{"model_version":"bench","scores":[{{"date":"' .. day .. '","pillars":{{"brand":10.5,"people":9.25,"insights":8,"relationships":12}},"total":39.75}}]}}'
  return wrk.format("POST", "/api/v1/push", {{["Authorization"] = "Bearer " .. tokens[i], ["Content-Type"] = "application/json"}}, body)
end
"#
    ));
    text
}

/// The first pushed day of the `index`-th push run: ten years apart, all before the
/// members' year of scores.
fn push_start(index: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(1971 + 10 * index as i32, 1, 1).unwrap_or_default()
}

/// Fills the SQLite database, copies it into a throwaway PostgreSQL cluster and measures.
pub(crate) fn run(plan: &Plan, server_bin: &Path, work: &Path) -> Result<PostgresResult> {
    let db = work.join("postgres-source.db");
    let today = Utc::now().date_naive();
    eprintln!("==> postgres: filling {} members × {} days", plan.server_members, plan.server_days);
    let started = Instant::now();
    let layout = fill(plan, &db, today)?;
    let push_members = plan.push_members.min(layout.members.len());
    let tokens: Vec<String> = {
        let store = Store::open(&db)?;
        // Installed here, as the database is no longer empty once the member tokens are
        // in, and copied with everything else.
        store.install_token(ADMIN_TOKEN, Role::Admin, None, None, "bench admin")?;
        let mut tokens = Vec::new();
        for &member in &layout.members[..push_members] {
            tokens.push(store.create_token(Role::Member, Some(MemberId(member)), None, "bench push")?.0);
        }
        tokens
    };
    eprintln!(
        "    filled in {:.1} s; starting a throwaway PostgreSQL cluster",
        started.elapsed().as_secs_f64()
    );
    let cluster = ssi_pg_harness::PgCluster::start().context("cannot start a throwaway PostgreSQL")?;
    let url = cluster.create_database("bench")?;
    let copy_started = Instant::now();
    let report = {
        let source = Store::open(&db)?;
        let target = PgStore::connect(&url, 2)?;
        target.migrate()?;
        target.copy_from_sqlite(&source, today)?
    };
    let copy = copy_started.elapsed();
    let rows_copied = report.tables.iter().map(|t| t.rows).sum();
    eprintln!("    copied {rows_copied} rows into PostgreSQL in {:.1} s", copy.as_secs_f64());

    let leaderboards: Vec<String> =
        layout.main_teams.iter().map(|t| format!("/api/v1/teams/{}/leaderboard", t.0)).collect();
    let histories: Vec<String> =
        layout.members.iter().map(|m| format!("/api/v1/members/{m}/history")).collect();
    let wrk = Wrk { plan, work };
    // Before the reads are measured: one request on every replica, whose first use of the
    // admin token is recorded (a write, which drops every replica's cached answers); then
    // every leaderboard once, in turn, on each: the once-per-change computation, timed
    // (median) and reported beside the rows, as rows 5c and 5d do. What `wrk` then
    // measures is serving them until the data changes.
    let reads = |name: &str, addresses: &[SocketAddr]| -> Result<(Load, Load, Duration)> {
        for address in addresses {
            for path in [&leaderboards[0], &histories[0]] {
                let (status, _) = fetch(*address, path)?;
                if status != 200 {
                    bail!("GET {path} answered {status}, not 200");
                }
            }
        }
        eprintln!("==> postgres: {name}: first request of {} leaderboards", leaderboards.len());
        let mut firsts = Vec::new();
        for address in addresses {
            firsts.push(first_requests(&leaderboards, |path| fetch(*address, path))?.0);
        }
        eprintln!("==> postgres: {name}: leaderboard, history");
        let leaderboard =
            wrk.measure(&format!("{name}-leaderboard"), addresses, |_| rotation_script(&leaderboards))?;
        let history = wrk.measure(&format!("{name}-history"), addresses, |_| rotation_script(&histories))?;
        Ok((leaderboard, history, firsts.into_iter().max().unwrap_or_default()))
    };
    let pushes = |name: &str, addresses: &[SocketAddr], first_run: usize| -> Result<Load> {
        eprintln!("==> postgres: {name}: push ingest");
        // The warm-up pushes days of its own too.
        wrk.run(&format!("{name}-push-warmup"), addresses, 1, |i| {
            push_script(&tokens, push_start(first_run + i))
        })?;
        wrk.run(&format!("{name}-push"), addresses, plan.wrk_seconds, |i| {
            push_script(&tokens, push_start(first_run + addresses.len() + i))
        })
    };

    let sqlite = {
        let address = free_address()?;
        let _server = Running(start(
            server_bin,
            &Database::Sqlite(db.clone()),
            address,
            &work.join("pg-sqlite-server.log"),
        )?);
        let (leaderboard, history, leaderboard_first) = reads("sqlite", &[address])?;
        Trio { leaderboard, history, push: pushes("sqlite", &[address], 0)?, leaderboard_first }
    };
    let database = Database::Postgres(url);
    let mut replicas = Vec::new();
    let mut addresses = Vec::new();
    for i in 0..2 {
        let address = free_address()?;
        replicas.push(Running(start(
            server_bin,
            &database,
            address,
            &work.join(format!("pg-replica-{i}.log")),
        )?));
        addresses.push(address);
    }
    let (one_leaderboard, one_history, one_first) = reads("one-replica", &addresses[..1])?;
    let (two_leaderboard, two_history, two_first) = reads("two-replicas", &addresses)?;
    let one_push = pushes("one-replica", &addresses[..1], 0)?;
    let two_push = pushes("two-replicas", &addresses, 2)?;
    drop(replicas);
    drop(cluster);
    Ok(PostgresResult {
        sqlite,
        one: Trio {
            leaderboard: one_leaderboard,
            history: one_history,
            push: one_push,
            leaderboard_first: one_first,
        },
        two: Trio {
            leaderboard: two_leaderboard,
            history: two_history,
            push: two_push,
            leaderboard_first: two_first,
        },
        members: layout.members.len(),
        days: plan.server_days,
        push_members,
        rows_copied,
        copy,
        connections: plan.connections,
        seconds: plan.wrk_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(rps: f64, p50_ms: u64, p99_ms: u64) -> Load {
        Load {
            rps,
            p50: Duration::from_millis(p50_ms),
            p99: Duration::from_millis(p99_ms),
            requests: rps as u64,
        }
    }

    #[test]
    fn loads_at_the_same_time_add_up() {
        let both = combined(&[load(1000.0, 2, 9), load(500.0, 4, 20)]);
        assert_eq!(
            both,
            Load {
                rps: 1500.0,
                p50: Duration::from_millis(3),
                p99: Duration::from_millis(20),
                requests: 1500
            }
        );
        assert_eq!(combined(&[load(10.0, 1, 2)]), load(10.0, 1, 2));
    }

    #[test]
    fn each_push_run_writes_days_of_its_own() {
        let script = push_script(&["ssi_a".into(), "ssi_b".into()], push_start(1));
        assert!(script.contains("\"ssi_a\",\n  \"ssi_b\","), "{script}");
        // 1981-01-01 12:00 UTC.
        assert!(script.contains("local first = 347198400\n"), "{script}");
        assert!(script.contains("math.floor(n / #tokens) * 86400"), "{script}");
        assert!(script.contains("wrk.format(\"POST\", \"/api/v1/push\""), "{script}");
        let starts: Vec<NaiveDate> = (0..5).map(push_start).collect();
        assert!(starts.windows(2).all(|w| (w[1] - w[0]).num_days() >= 3650), "{starts:?}");
        assert!(starts[4] < NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    }
}
