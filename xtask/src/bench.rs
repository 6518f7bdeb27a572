//! `cargo xtask bench [--quick]`: ssi's performance benchmark, every figure a ratio against a reference from the same run.
//!
//! Rows (see docs/performance.md for the method and the latest figures):
//! 1. `ssi import` of the heavy synthetic archive vs `sqlite3` loading the same CSV files;
//! 2. peak memory of importing the heavy archive vs a ten times smaller one;
//! 3. recomputing 1,000 members × 3 years of daily scores vs a bare scan of their events;
//! 4. `ssi dashboard --json` on the heavy database vs `ssi --version`;
//! 5. the server's team leaderboard and member history vs its `/healthz`, and its member
//!    page and advice endpoint vs the leaderboard, under `wrk`;
//! 6. the server on PostgreSQL (one and two replicas) vs the SQLite server: leaderboard,
//!    history and push ingest under `wrk` (the `postgres` part: in the full run, and in
//!    `--quick` only when named with `--only postgres`).
//!
//! `cargo xtask bench` checks the tools, builds the release binaries, then
//! runs the release build of xtask itself (`bench --built`), so the parts
//! measured inside xtask (filling databases, the scan, the recompute) run
//! optimised. The table goes to stdout, results.json to `target/bench/` (or
//! `--out DIR`).

mod dashboard;
mod history;
mod import;
mod measure;
mod postgres;
mod report;
mod server;
mod synthetic;
mod tools;

pub(crate) use measure::{ProbeArgs, probe_main};

use anyhow::{Context, Result, bail};
use report::{Condition, Row, Side, Target, figure};
use serde_json::{Value, json};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How big each part of a run is.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Whether this is the scaled-down run.
    pub(crate) quick: bool,
    /// The "heavy" archive of rows 1, 2 and 4 is heavy / this.
    pub(crate) big_divisor: usize,
    /// The small archive of row 2 is heavy / this (ten times `big_divisor`).
    pub(crate) small_divisor: usize,
    /// Archive sizes of the growth table (heavy / each).
    pub(crate) archive_divisors: [usize; 3],
    /// Runs of each import and raw load.
    pub(crate) import_runs: usize,
    /// Synthetic members of row 3.
    pub(crate) history_members: usize,
    /// Team sizes of the recompute growth table (the last is `history_members`).
    pub(crate) history_growth: [usize; 3],
    /// Rounds of scan and recompute.
    pub(crate) history_rounds: usize,
    /// Runs of each command of row 4.
    pub(crate) dashboard_runs: usize,
    /// Members on the server of row 5.
    pub(crate) server_members: usize,
    /// Days of scores per server member.
    pub(crate) server_days: u32,
    /// Members per team of the leaderboard row.
    pub(crate) team_size: usize,
    /// Members with imported activity, for the member page and advice rows.
    pub(crate) advice_members: usize,
    /// Team sizes of the leaderboard growth table.
    pub(crate) team_growth: [usize; 3],
    /// wrk connections.
    pub(crate) connections: u32,
    /// Seconds per measured wrk run.
    pub(crate) wrk_seconds: u32,
    /// Seconds per growth wrk run.
    pub(crate) growth_wrk_seconds: u32,
    /// Members with a token that push in row 6's push ingest runs.
    pub(crate) push_members: usize,
}

impl Plan {
    fn full() -> Plan {
        Plan {
            quick: false,
            big_divisor: 1,
            small_divisor: 10,
            archive_divisors: [10, 3, 1],
            import_runs: 5,
            history_members: 1000,
            history_growth: [100, 300, 1000],
            history_rounds: 3,
            dashboard_runs: 21,
            server_members: 10_000,
            server_days: 365,
            team_size: 100,
            advice_members: 200,
            team_growth: [10, 100, 1000],
            connections: 8,
            wrk_seconds: 10,
            growth_wrk_seconds: 5,
            push_members: 1000,
        }
    }

    fn quick() -> Plan {
        Plan {
            quick: true,
            big_divisor: 10,
            small_divisor: 100,
            archive_divisors: [100, 30, 10],
            import_runs: 2,
            history_members: 40,
            history_growth: [10, 20, 40],
            history_rounds: 1,
            dashboard_runs: 5,
            server_members: 400,
            server_days: 365,
            team_size: 50,
            advice_members: 20,
            team_growth: [10, 50, 100],
            connections: 8,
            wrk_seconds: 2,
            growth_wrk_seconds: 1,
            push_members: 50,
        }
    }
}

/// The release binaries measured.
#[derive(Debug, Clone)]
pub(crate) struct Bins {
    /// `ssi`.
    pub(crate) ssi: PathBuf,
    /// `ssi-server`.
    pub(crate) server: PathBuf,
}

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone, PartialEq, clap::Args)]
#[command(
    after_help = "Needs sqlite3 and wrk (Debian: sudo apt-get install sqlite3 wrk). See docs/performance.md."
)]
pub(crate) struct Args {
    /// A scaled-down run (under a minute once built) that exercises every row
    #[arg(long)]
    quick: bool,
    /// Where results.json (and the scratch folder work/) go [default: target/bench]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Keep the scratch databases and archives in DIR/work
    #[arg(long)]
    keep: bool,
    /// A comma-separated subset of the parts, for profiling one: import (rows 1, 2, 4),
    /// history (row 3), server (row 5), postgres (row 6) [default: all; with --quick all but postgres]
    #[arg(long, value_name = "PARTS", value_parser = Parts::parse)]
    only: Option<Parts>,
    /// The release binaries are built and this is the release xtask (set by `bench` itself)
    #[arg(long, hide = true)]
    built: bool,
}

impl Args {
    /// The folder results.json goes to, absolute.
    fn out_dir(&self) -> Result<PathBuf> {
        let out = self.out.clone().unwrap_or_else(|| crate::target_dir().join("bench"));
        Ok(if out.is_relative() { std::env::current_dir()?.join(out) } else { out })
    }

    /// The same options as a command line for the release xtask, marked `--built`.
    fn built_command_line(&self) -> Result<Vec<OsString>> {
        let mut line: Vec<OsString> = vec!["bench".into(), "--built".into(), "--out".into()];
        line.push(self.out_dir()?.into_os_string());
        line.extend(self.quick.then(|| "--quick".into()));
        line.extend(self.keep.then(|| "--keep".into()));
        if let Some(parts) = self.only {
            line.extend(["--only".into(), parts.names().into()]);
        }
        Ok(line)
    }
}

/// Which parts of the benchmark run (`--only`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Parts {
    /// Rows 1, 2 and 4 and the archive growth table.
    import: bool,
    /// Row 3 and the recompute growth table.
    history: bool,
    /// Row 5 and the leaderboard growth table.
    server: bool,
    /// Row 6: the server on PostgreSQL beside the SQLite server.
    postgres: bool,
}

impl Parts {
    const ALL: Parts = Parts { import: true, history: true, server: true, postgres: true };

    /// What runs without `--only`: everything, but `--quick` (which CI runs) leaves out
    /// the PostgreSQL row, which starts a cluster and copies the data into it.
    fn default_for(quick: bool) -> Parts {
        Parts { postgres: !quick, ..Parts::ALL }
    }

    /// The value parser of `--only`.
    fn parse(list: &str) -> Result<Parts> {
        let mut parts = Parts { import: false, history: false, server: false, postgres: false };
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "import" => parts.import = true,
                "history" => parts.history = true,
                "server" => parts.server = true,
                "postgres" => parts.postgres = true,
                other => bail!("unknown part {other:?} (import, history, server, postgres)"),
            }
        }
        if parts == (Parts { import: false, history: false, server: false, postgres: false }) {
            bail!("name at least one of import, history, server, postgres");
        }
        Ok(parts)
    }

    /// The parts as `--only` takes them.
    fn names(self) -> String {
        [
            (self.import, "import"),
            (self.history, "history"),
            (self.server, "server"),
            (self.postgres, "postgres"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect::<Vec<_>>()
        .join(",")
    }
}

/// Runs `cargo xtask bench`.
pub(crate) fn run(options: Args) -> Result<()> {
    tools::check()?;
    if !options.built {
        return build_and_rerun(&options);
    }
    let plan = if options.quick { Plan::quick() } else { Plan::full() };
    let out = options.out_dir()?;
    let target = crate::target_dir().join("release");
    let bins = Bins { ssi: target.join("ssi"), server: target.join("ssi-server") };
    for bin in [&bins.ssi, &bins.server] {
        if !bin.exists() {
            bail!("{} is missing: run `cargo xtask bench` (it builds the release binaries)", bin.display());
        }
    }
    std::fs::create_dir_all(&out)?;
    let work = out.join("work");
    if work.exists() {
        std::fs::remove_dir_all(&work).with_context(|| format!("removing {}", work.display()))?;
    }
    std::fs::create_dir_all(&work)?;
    let started = Instant::now();
    let outcome = measure_all(&plan, options.only.unwrap_or(Parts::default_for(plan.quick)), &bins, &work);
    if !options.keep {
        let _ = std::fs::remove_dir_all(&work);
    }
    let (rows, growth) = outcome?;
    let results = json!({
        "quick": plan.quick,
        "finished": chrono::Utc::now().to_rfc3339(),
        "duration_s": started.elapsed().as_secs_f64(),
        "machine": machine(),
        "rows": rows.iter().map(Row::json).collect::<Vec<_>>(),
        "growth": growth,
    });
    let path = out.join("results.json");
    std::fs::write(&path, serde_json::to_string_pretty(&results)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    println!("{}\n", report::table(&rows));
    println!("{}", growth_text(&growth));
    let failing = rows.iter().filter(|r| !r.holds()).count();
    println!(
        "{} of {} rows meet their target; {} in {:.0} s{}",
        rows.len() - failing,
        rows.len(),
        path.display(),
        started.elapsed().as_secs_f64(),
        if plan.quick { " (--quick: scaled down, figures are not the targets' sizes)" } else { "" }
    );
    Ok(())
}

/// Builds the release binaries, then runs the release xtask with the same options.
fn build_and_rerun(options: &Args) -> Result<()> {
    let mut build = crate::cargo();
    build.args(["build", "--release", "-p", "ssi-cli", "-p", "ssi-server", "-p", "xtask"]);
    crate::run("cargo build --release -p ssi-cli -p ssi-server -p xtask", build)?;
    let xtask = crate::target_dir().join("release").join("xtask");
    let status = std::process::Command::new(&xtask)
        .args(options.built_command_line()?)
        .status()
        .with_context(|| format!("could not start {}", xtask.display()))?;
    if !status.success() {
        bail!("the benchmark failed ({status})");
    }
    Ok(())
}

fn measure_all(plan: &Plan, parts: Parts, bins: &Bins, work: &Path) -> Result<(Vec<Row>, Value)> {
    let sizes = if parts.import { import::measure_sizes(plan, bins, work)? } else { Vec::new() };
    let at = |divisor: usize| {
        sizes.iter().find(|s| s.divisor == divisor).context("an archive size the plan names was not measured")
    };
    let imports = match parts.import {
        true => {
            let (big, small) = (at(plan.big_divisor)?, at(plan.small_divisor)?);
            Some((big, small, dashboard::run(plan, bins, &big.database)?))
        }
        false => None,
    };
    let history = if parts.history { Some(history::run(plan, work)?) } else { None };
    let server = if parts.server { Some(server::run(plan, &bins.server, work)?) } else { None };
    let postgres = if parts.postgres { Some(postgres::run(plan, &bins.server, work)?) } else { None };

    let archive =
        |divisor: usize| if divisor == 1 { "heavy".to_string() } else { format!("heavy/{divisor}") };
    let secs = |d: std::time::Duration| d.as_secs_f64();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let mib = |kib: u64| kib as f64 / 1024.0;
    let p99_limit_ms = 25.0;
    // A server row: requests per second of `load` against a reference rate, with the
    // p99 condition every server row carries; `details` adds what the row's own run knows.
    let load_row =
        |id, title, label: &str, load: &server::Load, reference: Side, details: serde_json::Value| {
            let mut details = details;
            details["p50_ms"] = json!(ms(load.p50));
            details["p99_ms"] = json!(ms(load.p99));
            details["requests"] = json!(load.requests);
            Row {
                id,
                title,
                ssi: Side { label: label.to_string(), value: load.rps, unit: "req/s" },
                reference,
                target: Target::AtLeast(0.5),
                condition: Some(Condition {
                    text: format!("p99 < {p99_limit_ms} ms"),
                    measured: format!("p50 {:.2} ms, p99 {:.2} ms", ms(load.p50), ms(load.p99)),
                    holds: ms(load.p99) < p99_limit_ms,
                }),
                details,
            }
        };
    let server_row =
        |server: &server::ServerResult, id, title, label: &str, load: &server::Load, body_bytes| {
            let reference = Side { label: "/healthz".into(), value: server.health.rps, unit: "req/s" };
            load_row(
                id,
                title,
                label,
                load,
                reference,
                json!({
                    "healthz_p50_ms": ms(server.health.p50), "healthz_p99_ms": ms(server.health.p99),
                    "members": server.members, "days": server.days, "team_size": server.team_size,
                    "connections": server.connections, "seconds": server.seconds,
                    "body_bytes": body_bytes,
                }),
            )
        };
    let mut rows = Vec::new();
    if let Some((big, small, dashboard)) = &imports {
        rows.extend([
            Row {
                id: "import_vs_raw_load",
                title: "1 import vs raw load",
                ssi: Side {
                    label: format!("ssi import {}", archive(big.divisor)),
                    value: secs(big.ssi),
                    unit: "s",
                },
                reference: Side { label: "sqlite3 .import".into(), value: secs(big.raw), unit: "s" },
                target: Target::AtMost(1.0),
                condition: None,
                details: json!({
                    "archive": archive(big.divisor), "events": big.events, "archive_bytes": big.archive_bytes,
                    "csv_bytes": big.csv_bytes, "runs": plan.import_runs,
                }),
            },
            Row {
                id: "import_memory_flat",
                title: "2 memory flat in size",
                ssi: Side {
                    label: format!("peak RSS {}", archive(big.divisor)),
                    value: mib(big.ssi_rss_kib),
                    unit: "MiB",
                },
                reference: Side {
                    label: format!("peak RSS {}", archive(small.divisor)),
                    value: mib(small.ssi_rss_kib),
                    unit: "MiB",
                },
                target: Target::AtMost(1.25),
                condition: None,
                details: json!({ "big_events": big.events, "small_events": small.events }),
            },
            Row {
                id: "dashboard_vs_process_start",
                title: "4 dashboard vs process start",
                ssi: Side {
                    label: "ssi dashboard --json".into(),
                    value: ms(dashboard.dashboard),
                    unit: "ms",
                },
                reference: Side { label: "ssi --version".into(), value: ms(dashboard.version), unit: "ms" },
                target: Target::AtMost(3.0),
                condition: None,
                details: json!({ "archive": archive(big.divisor), "runs": plan.dashboard_runs }),
            },
        ]);
    }
    if let Some(history) = &history {
        rows.push(Row {
            id: "history_recompute_vs_scan",
            title: "3 history recompute vs scan",
            ssi: Side {
                label: format!("rescore_all {} members", history.all.members),
                value: secs(history.all.recompute),
                unit: "s",
            },
            reference: Side { label: "SELECT every event".into(), value: secs(history.all.scan), unit: "s" },
            target: Target::AtMost(1.5),
            condition: None,
            details: json!({
                "members": history.all.members, "days": history.days, "events": history.all.events,
                "days_scored": history.all.days_scored, "rounds": plan.history_rounds,
                "first_materialisation_s": secs(history.all.first),
                "first_materialisation_ratio": secs(history.all.first) / secs(history.all.scan),
            }),
        });
    }
    if let Some(server) = &server {
        rows.extend([
            server_row(
                server,
                "server_leaderboard_vs_hello",
                "5a server leaderboard vs hello",
                "leaderboard",
                &server.leaderboard,
                server.leaderboard_bytes,
            ),
            server_row(
                server,
                "server_history_vs_hello",
                "5b server history vs hello",
                "member history",
                &server.history,
                server.history_bytes,
            ),
        ]);
        // The control of row 5b: the same route and bytes, every answer from the cache.
        if let Some(row) = rows.last_mut() {
            row.details["control_cached"] = json!({
                "members": server.history_hot_members,
                "rps": server.history_hot.rps,
                "ratio_to_healthz": server.history_hot.rps / server.health.rps,
                "p50_ms": ms(server.history_hot.p50),
                "p99_ms": ms(server.history_hot.p99),
            });
        }
        // Rows 5c and 5d: against the leaderboard of the same run.
        let against_leaderboard = |id, title, label: &str, load: &server::Load, bytes: usize, first| {
            let reference =
                Side { label: "leaderboard".into(), value: server.leaderboard.rps, unit: "req/s" };
            load_row(
                id,
                title,
                label,
                load,
                reference,
                json!({
                    "leaderboard_p99_ms": ms(server.leaderboard.p99),
                    "members": server.advice_members, "events_per_member": server.advice_member_events,
                    "first_request_ms": ms(first), "body_bytes": bytes,
                    "advice_simulations": server.advice_computed,
                    "connections": server.connections, "seconds": server.seconds,
                }),
            )
        };
        rows.extend([
            against_leaderboard(
                "server_member_page_vs_leaderboard",
                "5c server member page vs leaderboard",
                "member page",
                &server.member_page,
                server.page_bytes,
                server.page_first,
            ),
            against_leaderboard(
                "server_advice_vs_leaderboard",
                "5d server advice vs leaderboard",
                "advice",
                &server.advice,
                server.advice_bytes,
                server.advice_first,
            ),
        ]);
    }
    if let Some(pg) = &postgres {
        rows.extend(postgres_rows(pg, p99_limit_ms));
    }
    // Titles open with the row's number: this puts row 3 between 2 and 4.
    rows.sort_by_key(|row| row.title);
    let growth = json!({
        "archive_size": sizes.iter().rev().map(|s| json!({
            "archive": archive(s.divisor), "events": s.events, "csv_bytes": s.csv_bytes,
            "ssi_import_s": secs(s.ssi), "raw_load_s": secs(s.raw), "peak_rss_mib": mib(s.ssi_rss_kib),
            "us_per_event": secs(s.ssi) * 1e6 / s.events.max(1) as f64,
        })).collect::<Vec<_>>(),
        "team_size_recompute": history.iter().flat_map(|h| &h.growth).map(|p| json!({
            "members": p.members, "events": p.events, "days_scored": p.days_scored,
            "recompute_s": secs(p.recompute), "first_materialisation_s": secs(p.first), "scan_s": secs(p.scan),
            "ms_per_member": secs(p.recompute) * 1e3 / p.members.max(1) as f64,
        })).collect::<Vec<_>>(),
        "team_size_leaderboard": server.iter().flat_map(|s| &s.growth).map(|p| json!({
            "team_size": p.size, "rps": p.load.rps, "p50_ms": ms(p.load.p50), "p99_ms": ms(p.load.p99),
        })).collect::<Vec<_>>(),
    });
    Ok((rows, growth))
}

/// Row 6: one PostgreSQL replica against the SQLite server (the leaderboard with its
/// target, history and push ingest recorded), and two replicas against one (recorded:
/// on two cores they measure what coordination costs, not scale).
fn postgres_rows(pg: &postgres::PostgresResult, p99_limit_ms: f64) -> Vec<Row> {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let latency = |load: &server::Load| format!("p50 {:.2} ms, p99 {:.2} ms", ms(load.p50), ms(load.p99));
    let side = |label: &str, load: &server::Load| Side {
        label: format!("{label} ({})", latency(load)),
        value: load.rps,
        unit: "req/s",
    };
    // The first (computing) leaderboard request of the configuration a load belongs to.
    let first_ms = |load: &server::Load| {
        [&pg.sqlite, &pg.one, &pg.two]
            .into_iter()
            .find(|trio| std::ptr::eq(&trio.leaderboard, load))
            .map(|trio| ms(trio.leaderboard_first))
    };
    let details = |ssi: &server::Load, reference: &server::Load| {
        json!({
            "first_leaderboard_ms": first_ms(ssi), "reference_first_leaderboard_ms": first_ms(reference),
            "p50_ms": ms(ssi.p50), "p99_ms": ms(ssi.p99), "requests": ssi.requests,
            "reference_p50_ms": ms(reference.p50), "reference_p99_ms": ms(reference.p99),
            "reference_requests": reference.requests,
            "members": pg.members, "days": pg.days, "push_members": pg.push_members,
            "rows_copied": pg.rows_copied, "copy_s": pg.copy.as_secs_f64(),
            "connections": pg.connections, "seconds": pg.seconds,
        })
    };
    let row = |id, title, ssi: (&str, &server::Load), reference: (&str, &server::Load), target| Row {
        id,
        title,
        ssi: side(ssi.0, ssi.1),
        reference: side(reference.0, reference.1),
        target,
        condition: None,
        details: details(ssi.1, reference.1),
    };
    let mut leaderboard = row(
        "postgres_leaderboard_vs_sqlite",
        "6a postgres leaderboard vs sqlite",
        ("PostgreSQL, 1 replica", &pg.one.leaderboard),
        ("SQLite server", &pg.sqlite.leaderboard),
        Target::AtLeast(0.5),
    );
    leaderboard.condition = Some(Condition {
        text: format!("p99 < {p99_limit_ms} ms"),
        measured: latency(&pg.one.leaderboard),
        holds: ms(pg.one.leaderboard.p99) < p99_limit_ms,
    });
    vec![
        leaderboard,
        row(
            "postgres_history_vs_sqlite",
            "6b postgres history vs sqlite",
            ("PostgreSQL, 1 replica", &pg.one.history),
            ("SQLite server", &pg.sqlite.history),
            Target::Recorded,
        ),
        row(
            "postgres_push_vs_sqlite",
            "6c postgres push ingest vs sqlite",
            ("PostgreSQL, 1 replica", &pg.one.push),
            ("SQLite server", &pg.sqlite.push),
            Target::Recorded,
        ),
        row(
            "postgres_two_replicas_leaderboard",
            "6d postgres 2 replicas leaderboard vs 1",
            ("2 replicas", &pg.two.leaderboard),
            ("1 replica", &pg.one.leaderboard),
            Target::Recorded,
        ),
        row(
            "postgres_two_replicas_history",
            "6e postgres 2 replicas history vs 1",
            ("2 replicas", &pg.two.history),
            ("1 replica", &pg.one.history),
            Target::Recorded,
        ),
        row(
            "postgres_two_replicas_push",
            "6f postgres 2 replicas push ingest vs 1",
            ("2 replicas", &pg.two.push),
            ("1 replica", &pg.one.push),
            Target::Recorded,
        ),
    ]
}

/// The growth tables as text.
fn growth_text(growth: &Value) -> String {
    let mut out = String::from("How cost grows\n\narchive size:\n");
    let list = |key: &str| growth[key].as_array().cloned().unwrap_or_default();
    let num = |v: &Value, key: &str| v[key].as_f64().unwrap_or(f64::NAN);
    for s in list("archive_size") {
        out.push_str(&format!(
            "  {:<10} {:>8} events  import {:>10}  raw load {:>10}  peak {:>10}  {:.2} µs/event\n",
            s["archive"].as_str().unwrap_or("?"),
            num(&s, "events"),
            figure(num(&s, "ssi_import_s"), "s"),
            figure(num(&s, "raw_load_s"), "s"),
            figure(num(&s, "peak_rss_mib"), "MiB"),
            num(&s, "us_per_event"),
        ));
    }
    out.push_str("team size, history recompute:\n");
    for p in list("team_size_recompute") {
        out.push_str(&format!(
            "  {:>5} members {:>9} events  recompute {:>10}  first {:>10}  scan {:>10}  {:.2} ms/member\n",
            num(&p, "members"),
            num(&p, "events"),
            figure(num(&p, "recompute_s"), "s"),
            figure(num(&p, "first_materialisation_s"), "s"),
            figure(num(&p, "scan_s"), "s"),
            num(&p, "ms_per_member"),
        ));
    }
    out.push_str("team size, leaderboard under load:\n");
    for p in list("team_size_leaderboard") {
        out.push_str(&format!(
            "  {:>5} members  {:>10}  p50 {:>9}  p99 {:>9}\n",
            num(&p, "team_size"),
            figure(num(&p, "rps"), "req/s"),
            figure(num(&p, "p50_ms"), "ms"),
            figure(num(&p, "p99_ms"), "ms"),
        ));
    }
    out
}

/// What machine the figures came from.
fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo.lines().find_map(|l| {
        l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, m)| m.trim().to_string())
    });
    let memory_kib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        m.lines().find_map(|l| {
            l.strip_prefix("MemTotal:").and_then(|r| r.split_whitespace().next()?.parse::<u64>().ok())
        })
    });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").ok().map(|s| s.trim().to_string());
    json!({
        "cpu": cpu,
        "cores": std::thread::available_parallelism().map(|n| n.get()).ok(),
        "memory_gib": memory_kib.map(|k| (k as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0),
        "kernel": kernel,
        "tools": tools::TOOLS.iter().map(|t| json!({ "command": t.command, "version": tools::version(t) })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_survive_the_rerun_of_the_release_xtask() {
        let options =
            crate::parse_args::<Args>("--quick --keep --only server,import --out /tmp/bench-here").unwrap();
        assert_eq!(options.only, Some(Parts { import: true, history: false, server: true, postgres: false }));
        assert!(!options.built);
        let rerun: Vec<String> =
            options.built_command_line().unwrap().into_iter().map(|arg| arg.into_string().unwrap()).collect();
        let again = match crate::parse_task(&rerun.join(" ")).unwrap() {
            crate::Task::Bench(args) => args,
            other => panic!("parsed as {other:?}"),
        };
        assert_eq!(again, Args { built: true, ..options });
        let defaults = crate::parse_args::<Args>("").unwrap();
        assert_eq!(
            (defaults.quick, defaults.keep, defaults.only, defaults.built),
            (false, false, None, false)
        );
        assert_eq!(defaults.out_dir().unwrap(), crate::target_dir().join("bench"));
        for bad in ["--only", "--only gpu", "--only ,", "--slow"] {
            assert!(crate::parse_args::<Args>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_postgres_part_runs_in_the_full_run_and_in_quick_only_when_named() {
        let only = crate::parse_args::<Args>("--quick --only postgres").unwrap();
        assert_eq!(only.only, Some(Parts { import: false, history: false, server: false, postgres: true }));
        let rerun: Vec<String> =
            only.built_command_line().unwrap().into_iter().map(|arg| arg.into_string().unwrap()).collect();
        assert!(rerun.windows(2).any(|w| w == ["--only", "postgres"]), "{rerun:?}");
        assert_eq!(Parts::default_for(false), Parts::ALL);
        assert_eq!(Parts::default_for(true), Parts { postgres: false, ..Parts::ALL });
        assert!(Plan::full().push_members >= 1000 && Plan::full().server_members == 10_000);
    }
}
