//! `ssi import PATH`: reads a LinkedIn data export into the store, then shows a summary and the dashboard.

use crate::commands::dashboard;
use crate::context::{Context, UsageError, find_member, names};
use crate::output::{DashboardJson, print_json, print_text};
use crate::render;
use crate::term::{DIM, Painter, STRONG};
use anyhow::{Result, anyhow};
use chrono::{DateTime, NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use ssi_core::{Horizon, ProfileSnapshot};
use ssi_import::{AccountMatch, ImportOptions, ImportReport, compare_accounts};
use ssi_store::{ImportFailure, ImportMeta, ImportOutcome, ImportTarget, Member, Store};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Arguments of `ssi import`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  ssi import ~/Downloads/Basic_LinkedInDataExport_11-20-2026.zip
  ssi import ./Complete_LinkedInDataExport_11-20-2026/ --member \"Ada Lovelace\"
  ssi import ~/Downloads/AggregateAnalytics_AdaLovelace_2026-01-01_2026-11-20.xlsx

Importing the same export twice changes nothing; a newer export adds only what is new.")]
pub(crate) struct Args {
    /// The export: the .zip LinkedIn sent, or the folder it unpacks to; or
    /// a creator analytics workbook (.xlsx), merged into the member's data.
    /// Several are imported in the order given, each in its own transaction,
    /// for the same member
    #[arg(value_name = "PATH", required = true, num_args = 1..)]
    paths: Vec<PathBuf>,
}

/// A file read from the export.
#[derive(Debug, Serialize)]
struct FileJson {
    name: String,
    kind: &'static str,
    rows_read: u64,
    events: u64,
    rows_skipped: u64,
    /// How it was decoded (`utf-8`, `UTF-16LE with BOM`, `windows-1252 (fallback from line N)`).
    encoding: String,
    /// Lines continuing the row before them (multi-line comments): not rows, not skips.
    continuation_lines: u64,
    /// One line naming the cause, when one cause skipped most of its rows.
    summary: Option<String>,
    /// Events by kind (`message_sent`, `message_received`, …).
    events_by_kind: std::collections::BTreeMap<String, u64>,
}

/// A file decoded as Windows-1252 from some line on.
#[derive(Debug, Serialize)]
struct FallbackJson {
    file: String,
    from_line: u64,
    encoding: String,
}

/// Who the member is, as the export showed it (no values: the evidence in words).
#[derive(Debug, Serialize)]
struct IdentityJson {
    /// Whether sent and received messages could be told apart.
    direction_known: bool,
    /// What decided who the member is; empty when nothing did.
    evidence: Vec<String>,
    /// How many account keys (keyed hashes of e-mail addresses, registration date, profile URL) the export gave.
    account_keys: usize,
}

/// A row skipped, and why.
#[derive(Debug, Serialize)]
struct SkippedJson {
    file: String,
    line: Option<u64>,
    field: Option<String>,
    reason: String,
}

/// A file of the export left alone.
#[derive(Debug, Serialize)]
struct UnusedJson {
    name: String,
    reason: String,
}

/// What the import did (`ssi import --json` → `import`).
#[derive(Debug, Serialize)]
struct SummaryJson {
    member: String,
    member_created: bool,
    source: String,
    export_date: Option<NaiveDate>,
    /// The last day the export covers and where that day comes from
    /// (`file_name`, `newest_row` or `entry_times`).
    horizon: Option<Horizon>,
    /// `imported` or `already_imported`.
    outcome: &'static str,
    already_imported_on: Option<DateTime<Utc>>,
    events_read: u64,
    events_added: u64,
    first_changed_day: Option<NaiveDate>,
    days_rescored: usize,
    files: Vec<FileJson>,
    rows_skipped: u64,
    skipped: Vec<SkippedJson>,
    not_used: Vec<UnusedJson>,
    not_recognised: Vec<String>,
    encoding_fallbacks: Vec<FallbackJson>,
    identity: IdentityJson,
    notes: Vec<String>,
}

/// `ssi import --json`.
#[derive(Debug, Serialize)]
struct ImportJson {
    import: SummaryJson,
    dashboard: Option<DashboardJson>,
}

/// Imports the export, prints the summary and the dashboard.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    // Every path must exist before anything is imported, so a typo in the
    // second name does not leave the first imported alone.
    if let Some(missing) = args.paths.iter().find(|p| !p.exists()) {
        return Err(missing_path(missing));
    }
    let Some((last, earlier)) = args.paths.split_last() else {
        return Err(UsageError("give the path of your LinkedIn data export".into()).into());
    };
    // Files after the first are imported for the member the first one was
    // (a workbook does not say whose it is); the dashboard is shown once, at the end.
    let mut member_ctx = None;
    for path in earlier {
        let member = import_one(member_ctx.as_ref().unwrap_or(ctx), path, Shown::SummaryOnly)?;
        member_ctx = Some(ctx.for_member(&member));
    }
    import_one(member_ctx.as_ref().unwrap_or(ctx), last, Shown::WithDashboard).map(|_| ())
}

/// What an import prints besides its own summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// Only the summary: another file follows.
    SummaryOnly,
    /// The summary and the member's dashboard after it.
    WithDashboard,
}

/// The error for a path that is not there.
fn missing_path(path: &Path) -> anyhow::Error {
    anyhow!(
        "{} does not exist; give the path of your LinkedIn data export (the .zip or its unpacked folder)",
        path.display()
    )
}

/// Imports one export or workbook and prints what happened; returns the
/// name of the member it was imported for.
fn import_one(ctx: &Context, path: &Path, shown: Shown) -> Result<String> {
    if !path.exists() {
        return Err(missing_path(path));
    }
    // LinkedIn's creator analytics workbook: told by its contents (an
    // .xlsx is a ZIP with xl/workbook.xml), its sheets checked by the reader.
    if ssi_import::is_workbook(path) {
        return crate::commands::import_workbook::run(ctx, path, shown);
    }
    let store = ctx.open_store()?;
    let key = store.pseudonym_key()?;
    let cannot =
        |e: &dyn std::fmt::Display| anyhow!("cannot import {}: {e}; nothing was stored", path.display());
    let options = ImportOptions::new(key).with_member_name(ctx.settings.member.as_deref());
    let mut export = ssi_import::open_export(path, options).map_err(|e| cannot(&e))?;
    let profile = export.profile().map_err(|e| cannot(&e))?;
    let whom = choose_member(ctx, &store, &profile, path)?;
    if let Whom::Stored(member) = &whom {
        check_same_account(&store, member, &export.report().member.account_keys, path)?;
    }
    let target = match &whom {
        Whom::Stored(member) => ImportTarget::Member(member.id),
        // Created inside the import's transaction: a failed or killed import leaves no member.
        Whom::New(name) => ImportTarget::Named { name, industry: profile.industry.as_deref() },
    };
    tracing::info!(member = whom.name(), new = matches!(whom, Whom::New(_)), "importing");
    let meta = ImportMeta {
        fingerprint: export.fingerprint().to_string(),
        source_name: source_name(path),
        // The export's horizon: the date in its name, else its newest row (or
        // the entries' times where they agree with it), see ssi-import.
        export_date: Some(profile.taken_on),
        horizon_source: export.report().horizon.map(|h| h.source),
        // The report stored is the one the events leave behind (below).
        report: serde_json::Value::Null,
    };
    let bar = progress_bar(ctx.quiet);
    let outcome = store.import_export_for(
        target,
        &meta,
        Some(&profile),
        Counted { events: export.events(), bar: &bar },
        |counted| serde_json::to_value(counted.events.report()).unwrap_or_default(),
        ctx.today,
    );
    bar.finish_and_clear();
    let done = match outcome {
        Ok(done) => done,
        Err(failure) => {
            return Err(match failure {
                ImportFailure::Source(e) => cannot(&e),
                ImportFailure::Store(e) => anyhow!(
                    "cannot store the import of {}: {e}; nothing was stored, the database is as it was",
                    path.display()
                ),
            });
        }
    };
    let summary = summarise(&done.member, done.created, &meta, &done.outcome, export.report());
    let member = done.member.name.clone();
    let dashboard = match shown {
        Shown::SummaryOnly => None,
        Shown::WithDashboard => match dashboard::build(ctx, &store, &done.member, ctx.today) {
            Ok(d) => Some(d),
            Err(e) => {
                tracing::info!("no dashboard after import: {e:#}");
                None
            }
        },
    };
    if ctx.json {
        print_json(&ImportJson { import: summary, dashboard })?;
        return Ok(member);
    }
    let mut text = render_summary(&summary, &ctx.painter);
    match (&dashboard, shown) {
        (Some(d), _) => {
            text.push('\n');
            text.push_str(&render::dashboard::render(d, &ctx.painter));
        }
        (None, Shown::WithDashboard) => {
            let _ =
                writeln!(text, "\nNothing to score yet: the export holds no activity up to {}.", ctx.today);
        }
        (None, Shown::SummaryOnly) => {}
    }
    print_text(&text)?;
    Ok(member)
}

/// Whom an export is imported for.
enum Whom {
    /// A member already stored.
    Stored(Member),
    /// A name no member has yet: the import creates the member.
    New(String),
}

impl Whom {
    fn name(&self) -> &str {
        match self {
            Whom::Stored(member) => &member.name,
            Whom::New(name) => name,
        }
    }
}

/// The member to import for: the one named by --member (or SSI_MEMBER or the
/// config), else the one the export names, else the only member. A name no
/// member has is returned as [`Whom::New`]; the import creates that member.
fn choose_member(ctx: &Context, store: &Store, profile: &ProfileSnapshot, path: &Path) -> Result<Whom> {
    let members = store.list_members()?;
    let name = match &ctx.settings.member {
        Some(name) => name.trim().to_string(),
        None => profile.full_name(),
    };
    if name.is_empty() {
        return match members.as_slice() {
            [only] => Ok(Whom::Stored(only.clone())),
            [] => Err(UsageError(format!(
                "{} names no one (its Profile.csv is missing or has no name); say whose it is with --member NAME",
                path.display()
            ))
            .into()),
            several => Err(UsageError(format!(
                "{} names no one (its Profile.csv is missing or has no name) and the database holds several members ({}); say whose it is with --member NAME",
                path.display(),
                names(several)
            ))
            .into()),
        };
    }
    if members.iter().any(|m| m.name.eq_ignore_ascii_case(&name)) {
        return Ok(Whom::Stored(find_member(store, &members, &name)?));
    }
    Ok(Whom::New(name))
}

/// Refuses an export whose account is not the member's: two people who
/// share a name must never become one member. The account keys (keyed
/// hashes of e-mail addresses and the registration instant, see ssi-import)
/// of the export are compared with those of the member's earlier imports:
/// one key in common means the same account; keys of a kind both sides
/// have (e-mail, registration) with none in common mean another person.
/// With nothing to compare (older imports, exports without those files)
/// the import goes ahead, as it always has.
fn check_same_account(store: &Store, member: &Member, export_keys: &[String], path: &Path) -> Result<()> {
    let stored = store.member_account_keys(member.id)?;
    let AccountMatch::Different(kind) = compare_accounts(&stored, export_keys) else { return Ok(()) };
    let members = store.list_members()?;
    let new_name = (2..)
        .map(|n| format!("{} ({n})", member.name))
        .find(|candidate| !members.iter().any(|m| m.name.eq_ignore_ascii_case(candidate)))
        .unwrap_or_else(|| format!("{} (new)", member.name));
    Err(anyhow!(
        "cannot import {}: it is another person's export than member {:?} (the account's {} differ); to import it as someone new, add --member {:?}; nothing was stored",
        path.display(),
        member.name,
        kind.describe(),
        new_name
    ))
}

/// The export's name as the member knows it (the file or folder name).
fn source_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// A spinner on stderr counting events; indicatif hides it when stderr is not a terminal.
fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} Reading the export: {human_pos} events ({elapsed})")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn summarise(
    member: &Member,
    created: bool,
    meta: &ImportMeta,
    outcome: &ImportOutcome,
    report: &ImportReport,
) -> SummaryJson {
    let (outcome_name, already, read, added, first_changed_day, days_rescored) = match outcome {
        ImportOutcome::AlreadyImported { on } => ("already_imported", Some(*on), 0, 0, None, 0),
        ImportOutcome::Imported { events_seen, events_added, first_changed_day, days_rescored } => {
            ("imported", None, *events_seen, *events_added, *first_changed_day, *days_rescored)
        }
    };
    let imported = already.is_none();
    SummaryJson {
        member: member.name.clone(),
        member_created: created,
        source: meta.source_name.clone(),
        export_date: meta.export_date,
        horizon: report.horizon,
        outcome: outcome_name,
        already_imported_on: already,
        events_read: read,
        events_added: added,
        first_changed_day,
        days_rescored,
        files: if imported {
            report
                .files
                .iter()
                .map(|f| FileJson {
                    name: f.name.clone(),
                    kind: f.kind.as_str(),
                    rows_read: f.rows_read,
                    events: f.events,
                    rows_skipped: f.rows_skipped,
                    encoding: f.encoding.clone(),
                    continuation_lines: f.continuation_lines,
                    summary: f.summary(),
                    events_by_kind: f.events_by_kind.clone(),
                })
                .collect()
        } else {
            Vec::new()
        },
        rows_skipped: if imported { report.total_skipped() } else { 0 },
        skipped: if imported {
            report
                .skipped_rows()
                .map(|s| SkippedJson {
                    file: s.file.clone(),
                    line: s.line,
                    field: s.field.clone(),
                    reason: s.reason.to_string(),
                })
                .collect()
        } else {
            Vec::new()
        },
        not_used: report
            .not_used
            .iter()
            .map(|u| UnusedJson { name: u.name.clone(), reason: u.reason.clone() })
            .collect(),
        not_recognised: report.not_recognised.clone(),
        encoding_fallbacks: report
            .encoding_fallbacks
            .iter()
            .map(|f| FallbackJson {
                file: f.file.clone(),
                from_line: f.from_line,
                encoding: f.encoding.clone(),
            })
            .collect(),
        identity: IdentityJson {
            direction_known: report.member.direction_known,
            evidence: report.member.evidence.clone(),
            account_keys: report.member.account_keys.len(),
        },
        notes: report.notes.clone(),
    }
}

/// The one line of an import that found the file imported already (an export or a workbook).
pub(crate) fn already_imported(source: &str, member: &str, on: DateTime<Utc>, p: &Painter) -> String {
    let line = format!("{source} was already imported for {member} on {}; nothing changed.", on.date_naive());
    format!("{}\n", p.paint(STRONG, line))
}

fn render_summary(s: &SummaryJson, p: &Painter) -> String {
    let mut out = String::new();
    let export_date = match s.horizon {
        Some(h) => format!(", data up to {} (from {})", h.day, h.source.describe()),
        None => s.export_date.map_or_else(String::new, |d| format!(", exported {d}")),
    };
    let new_member = if s.member_created { " (new member)" } else { "" };
    if let Some(on) = s.already_imported_on {
        return already_imported(&s.source, &s.member, on, p);
    }
    let _ = writeln!(
        out,
        "{}",
        p.paint(STRONG, format!("Imported {} for {}{new_member}{export_date}", s.source, s.member))
    );
    let already = s.events_read.saturating_sub(s.events_added);
    let days = |n: usize| if n == 1 { "1 day".to_string() } else { format!("{n} days") };
    let rescored = match s.first_changed_day {
        Some(day) if s.days_rescored > 0 => format!("; {} re-scored from {day}", days(s.days_rescored)),
        _ if s.days_rescored > 0 => format!("; {} re-scored", days(s.days_rescored)),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  {} events added of {} read ({already} already stored){rescored}",
        s.events_added, s.events_read
    );
    if !s.files.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}", p.paint(STRONG, format!("Files used ({})", s.files.len())));
        let width = s.files.iter().map(|f| f.name.chars().count()).max().unwrap_or(0);
        for f in &s.files {
            let mut line = format!(
                "    {}  {:>6} {:<4}",
                render::pad_right(&f.name, width),
                f.rows_read,
                plural(f.rows_read, "row", "rows")
            );
            if f.events > 0 {
                let _ = write!(line, "  {:>6} {:<6}", f.events, plural(f.events, "event", "events"));
            }
            if f.rows_skipped > 0 {
                let _ = write!(line, "  {} skipped", f.rows_skipped);
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    let summaries: Vec<&String> = s.files.iter().filter_map(|f| f.summary.as_ref()).collect();
    if !summaries.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}", p.paint(STRONG, "Files that lost most of their rows"));
        for summary in summaries {
            let _ = writeln!(out, "    {summary}");
        }
    }
    if imported_anything(s) {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}", p.paint(STRONG, "Who you are"));
        if s.identity.evidence.is_empty() {
            let _ = writeln!(
                out,
                "    not known: the export names no one (no Profile.csv, no outgoing invitation, no participant common to the conversations); give your name with --member NAME"
            );
        } else {
            let _ = writeln!(out, "    identified by {}", s.identity.evidence.join("; "));
        }
        if !s.identity.direction_known {
            let _ = writeln!(
                out,
                "    {}",
                p.paint(DIM, "messages: cannot tell sent from received, so messaging is shown as unknown")
            );
        }
    }
    if !s.encoding_fallbacks.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}", p.paint(STRONG, "Encoding fallbacks"));
        for f in &s.encoding_fallbacks {
            let _ =
                writeln!(out, "    {}: not UTF-8, read as {} from line {}", f.file, f.encoding, f.from_line);
        }
    }
    if s.rows_skipped > 0 {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}", p.paint(STRONG, format!("Rows skipped ({})", s.rows_skipped)));
        for row in &s.skipped {
            let place = match (&row.field, row.line) {
                // A whole file inside a folder (an article): its path says it all.
                (Some(field), None) if field.starts_with(&row.file) => field.clone(),
                (field, line) => {
                    let line = line.map_or_else(String::new, |l| format!(" line {l}"));
                    let field = field.as_ref().map_or_else(String::new, |f| format!(", {f}"));
                    format!("{}{line}{field}", row.file)
                }
            };
            let _ = writeln!(out, "    {place}: {}", row.reason);
        }
        let listed = s.skipped.len() as u64;
        if s.rows_skipped > listed {
            let _ = writeln!(
                out,
                "    {}",
                p.paint(DIM, format!("… and {} more (see --json)", s.rows_skipped - listed))
            );
        }
    }
    if !s.not_used.is_empty() || !s.not_recognised.is_empty() {
        let _ = writeln!(out);
        let total = s.not_used.len() + s.not_recognised.len();
        let _ = writeln!(out, "  {}", p.paint(STRONG, format!("Files ignored ({total})")));
        for u in &s.not_used {
            let _ = writeln!(out, "    {}: {}", u.name, p.paint(DIM, &u.reason));
        }
        for name in &s.not_recognised {
            let _ =
                writeln!(out, "    {}: {}", name, p.paint(DIM, "not part of a LinkedIn export ssi knows"));
        }
    }
    if !s.notes.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}", p.paint(STRONG, "Notes"));
        for note in &s.notes {
            let _ = writeln!(out, "    {}", p.paint(DIM, note));
        }
    }
    out
}

/// Whether the summary is of an import that read files (not one already imported).
fn imported_anything(s: &SummaryJson) -> bool {
    s.already_imported_on.is_none() && !s.files.is_empty()
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// The export's events, ticking the progress bar as each one is read.
struct Counted<'a, 'b> {
    events: ssi_import::Events<'a>,
    bar: &'b ProgressBar,
}

impl Iterator for Counted<'_, '_> {
    type Item = Result<ssi_core::ActivityEvent, ssi_import::ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.events.next();
        if next.is_some() {
            self.bar.inc(1);
        }
        next
    }
}
