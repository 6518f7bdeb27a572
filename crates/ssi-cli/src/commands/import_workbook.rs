//! `ssi import FILE.xlsx`: merges LinkedIn's creator analytics workbook into the store, then shows what each sheet gave and the dashboard.

use crate::commands::dashboard;
use crate::commands::import::Shown;
use crate::context::Context;
use crate::output::{DashboardJson, print_json, print_text};
use crate::render;
use crate::term::{DIM, STRONG};
use anyhow::{Result, anyhow};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use ssi_import::workbook::{Demographic, SheetReport, WorkbookLayout};
use ssi_import::{WorkbookLimits, read_workbook};
use ssi_store::{WorkbookImport, WorkbookOutcome};
use std::fmt::Write;
use std::path::Path;

/// What the workbook import did (`ssi import FILE.xlsx --json` → `import`).
#[derive(Debug, Serialize)]
struct WorkbookSummaryJson {
    /// Always `creator_analytics`: tells this summary from an export's.
    kind: &'static str,
    member: String,
    source: String,
    /// `content` (up to 2025) or `aggregate` (2026 on).
    layout: WorkbookLayout,
    /// `imported` or `already_imported`.
    outcome: &'static str,
    already_imported_on: Option<DateTime<Utc>>,
    first_day: Option<NaiveDate>,
    last_day: Option<NaiveDate>,
    /// Days in the workbook (either daily sheet).
    days_read: usize,
    /// Days whose stored figures were new or raised.
    days_changed: u64,
    /// Engagement, follower and day-marker events that were new.
    events_added: u64,
    posts_read: usize,
    posts_changed: u64,
    follower_total: Option<ssi_core::analytics::FollowerTotal>,
    first_changed_day: Option<NaiveDate>,
    days_rescored: usize,
    period_impressions: Option<u64>,
    members_reached: Option<u64>,
    sheets: Vec<SheetReport>,
    ignored_sheets: Vec<String>,
    /// Your audience by category: shown here, never scored or stored.
    demographics: Vec<Demographic>,
}

#[derive(Debug, Serialize)]
struct WorkbookImportJson {
    import: WorkbookSummaryJson,
    dashboard: Option<DashboardJson>,
}

/// Imports the workbook at `path` for the member the command is about,
/// prints what happened and returns the name of the member it joined.
pub(crate) fn run(ctx: &Context, path: &Path, shown: Shown) -> Result<String> {
    let cannot =
        |e: &dyn std::fmt::Display| anyhow!("cannot import {}: {e}; nothing was stored", path.display());
    let workbook =
        read_workbook(path, &WorkbookLimits::default()).map_err(|e| anyhow!("{e}; nothing was stored"))?;
    // A workbook does not say whose it is: it joins a member already stored,
    // so it never creates the database either.
    let store = ctx.open_existing_store().map_err(|e| cannot(&e))?;
    let member = ctx.member(&store).map_err(|e| {
        anyhow!("cannot import {}: {e:#} (a workbook does not say whose it is: import your data export first, or name the member with --member NAME); nothing was stored", path.display())
    })?;
    let report = serde_json::to_value(&workbook.report).map_err(|e| cannot(&e))?;
    let source =
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let outcome = store
        .import_workbook(
            member.id,
            &WorkbookImport {
                fingerprint: &workbook.fingerprint,
                source_name: &source,
                days: &workbook.days,
                follower_total: workbook.follower_total,
                posts: &workbook.posts,
                report: &report,
            },
            ctx.today,
        )
        .map_err(|e| {
            anyhow!(
                "cannot store the import of {}: {e}; nothing was stored, the database is as it was",
                path.display()
            )
        })?;
    let (outcome_name, already, days_changed, events_added, posts_changed, first_changed_day, days_rescored) =
        match outcome {
            WorkbookOutcome::AlreadyImported { on } => ("already_imported", Some(on), 0, 0, 0, None, 0),
            WorkbookOutcome::Imported {
                days_changed,
                events_added,
                posts_changed,
                first_changed_day,
                days_rescored,
                ..
            } => (
                "imported",
                None,
                days_changed,
                events_added,
                posts_changed,
                first_changed_day,
                days_rescored,
            ),
        };
    let r = workbook.report;
    let summary = WorkbookSummaryJson {
        kind: "creator_analytics",
        member: member.name.clone(),
        source,
        layout: r.layout,
        outcome: outcome_name,
        already_imported_on: already,
        first_day: r.first_day,
        last_day: r.last_day,
        days_read: workbook.days.len(),
        days_changed,
        events_added,
        posts_read: workbook.posts.len(),
        posts_changed,
        follower_total: workbook.follower_total,
        first_changed_day,
        days_rescored,
        period_impressions: r.period_impressions,
        members_reached: r.members_reached,
        sheets: r.sheets,
        ignored_sheets: r.ignored_sheets,
        demographics: workbook.demographics,
    };
    let member = store.get_member(member.id)?;
    let dashboard = match shown {
        Shown::WithDashboard => dashboard::build(ctx, &store, &member, ctx.today).ok(),
        Shown::SummaryOnly => None,
    };
    if ctx.json {
        print_json(&WorkbookImportJson { import: summary, dashboard })?;
        return Ok(member.name);
    }
    let mut text = render_summary(&summary, &ctx.painter);
    if let Some(d) = &dashboard {
        text.push('\n');
        text.push_str(&render::dashboard::render(d, &ctx.painter));
    }
    print_text(&text)?;
    Ok(member.name)
}

fn render_summary(s: &WorkbookSummaryJson, p: &crate::term::Painter) -> String {
    let mut out = String::new();
    if let Some(on) = s.already_imported_on {
        return crate::commands::import::already_imported(&s.source, &s.member, on, p);
    }
    let span = match (s.first_day, s.last_day) {
        (Some(a), Some(b)) => format!(", days {a} to {b}"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{}",
        p.paint(
            STRONG,
            format!(
                "Imported creator analytics {} for {} ({} layout{span})",
                s.source,
                s.member,
                s.layout.as_str()
            )
        )
    );
    let rescored = match s.first_changed_day {
        Some(day) if s.days_rescored > 0 => format!("; {} days re-scored from {day}", s.days_rescored),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  {} days read, {} new or raised; {} posts read, {} new or raised; {} events added{rescored}",
        s.days_read, s.days_changed, s.posts_read, s.posts_changed, s.events_added
    );
    if let Some(total) = s.follower_total {
        let _ = writeln!(out, "  {} followers on {}", total.followers, total.date);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "  {}", p.paint(STRONG, format!("Sheets read ({})", s.sheets.len())));
    let width = s.sheets.iter().map(|f| f.name.chars().count()).max().unwrap_or(0);
    for sheet in &s.sheets {
        let _ = writeln!(
            out,
            "    {}  {:>5} rows  {}",
            render::pad_right(&sheet.name, width),
            sheet.rows_read,
            p.paint(DIM, &sheet.used_for)
        );
    }
    for name in &s.ignored_sheets {
        let _ =
            writeln!(out, "    {name}: {}", p.paint(DIM, "not a creator analytics sheet ssi knows; ignored"));
    }
    if s.period_impressions.is_some() || s.members_reached.is_some() {
        let figure = |n: Option<u64>| n.map_or_else(|| "–".to_string(), |n| n.to_string());
        let _ = writeln!(
            out,
            "\n  Period: {} impressions, {} members reached",
            figure(s.period_impressions),
            figure(s.members_reached)
        );
    }
    if !s.demographics.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}", p.paint(STRONG, "Your audience (shown, not scored or stored)"));
        for d in &s.demographics {
            let _ = writeln!(out, "    {:<14} {:<40} {}", d.category, d.value, d.percentage);
        }
    }
    out
}
