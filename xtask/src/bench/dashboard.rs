//! Row 4: `ssi dashboard --json` on the heavy database, against `ssi --version` (a bare process start).

use super::import::EXPORT_DATE;
use super::measure::median;
use super::{Bins, Plan};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Medians of both commands.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DashboardResult {
    /// `ssi dashboard --json`.
    pub(crate) dashboard: Duration,
    /// `ssi --version`.
    pub(crate) version: Duration,
}

/// Runs both commands in turn, after one untimed run of each.
pub(crate) fn run(plan: &Plan, bins: &Bins, database: &Path) -> Result<DashboardResult> {
    eprintln!("==> dashboard: {} runs each", plan.dashboard_runs);
    let dashboard = || {
        let mut cmd = Command::new(&bins.ssi);
        cmd.arg("--db").arg(database).args(["dashboard", "--json"]);
        cmd.env("SSI_TODAY", EXPORT_DATE).env_remove("SSI_MEMBER").env_remove("SSI_CONFIG");
        cmd
    };
    let version = || {
        let mut cmd = Command::new(&bins.ssi);
        cmd.arg("--version");
        cmd
    };
    timed_run("ssi dashboard --json", dashboard())?;
    timed_run("ssi --version", version())?;
    let (mut dashboards, mut versions) = (Vec::new(), Vec::new());
    for _ in 0..plan.dashboard_runs {
        dashboards.push(timed_run("ssi dashboard --json", dashboard())?);
        versions.push(timed_run("ssi --version", version())?);
    }
    Ok(DashboardResult { dashboard: median(&dashboards), version: median(&versions) })
}

/// Wall time of one run; the run must succeed and print something.
fn timed_run(what: &str, mut cmd: Command) -> Result<Duration> {
    let started = Instant::now();
    let output = cmd.stdin(Stdio::null()).output().with_context(|| format!("could not start {what}"))?;
    let elapsed = started.elapsed();
    if !output.status.success() || output.stdout.is_empty() {
        bail!("{what} failed ({}): {}", output.status, String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(elapsed)
}
