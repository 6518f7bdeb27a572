//! `ssi member`: list, rename or delete the people in the database.

use crate::context::{Context, UsageError, find_member};
use crate::output::{EstimateJson, print_json, print_text};
use crate::term::{DIM, STRONG, confirm, stdin_is_terminal};
use anyhow::{Result, anyhow};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use ssi_store::{Store, StoreError};
use std::fmt::Write;

/// Arguments of `ssi member`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: MemberCommand,
}

#[derive(Debug, clap::Subcommand)]
enum MemberCommand {
    /// List the members with their latest estimate
    List,
    /// Rename a member
    #[command(after_help = "Example: ssi member rename \"Ada Lovelace\" \"Ada King\"")]
    Rename {
        /// The current name
        old: String,
        /// The new name
        new: String,
    },
    /// Delete a member and all of their data (asks first on a terminal)
    #[command(after_help = "Example: ssi member delete \"Ada Lovelace\" --yes")]
    Delete {
        /// The member to delete
        name: String,
        /// Do not ask; required when stdin is not a terminal
        #[arg(long, short)]
        yes: bool,
    },
}

/// One member in `ssi member list --json`.
#[derive(Debug, Serialize)]
struct MemberJson {
    name: String,
    industry: Option<String>,
    created: DateTime<Utc>,
    activity_known_to: Option<NaiveDate>,
    latest_estimate: Option<EstimateJson>,
    readings: usize,
}

/// `ssi member list --json`.
#[derive(Debug, Serialize)]
struct MemberListJson {
    members: Vec<MemberJson>,
}

/// What a rename or delete did, for `--json`.
#[derive(Debug, Serialize)]
struct MemberChangeJson<'a> {
    action: &'a str,
    name: String,
    new_name: Option<String>,
}

/// Runs a member subcommand.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    match &args.command {
        MemberCommand::List => list(ctx),
        MemberCommand::Rename { old, new } => rename(ctx, old, new),
        MemberCommand::Delete { name, yes } => delete(ctx, name, *yes),
    }
}

fn list(ctx: &Context) -> Result<()> {
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let members: Vec<MemberJson> = store
        .member_overviews(ctx.today)?
        .into_iter()
        .map(|m| MemberJson {
            latest_estimate: m.latest_score.as_ref().map(EstimateJson::of),
            readings: m.readings,
            activity_known_to: m.activity.last_export.or(m.activity.last_event),
            name: m.member.name,
            industry: m.member.industry,
            created: m.member.created,
        })
        .collect();
    if ctx.json {
        return print_json(&MemberListJson { members });
    }
    let mut out = String::new();
    let _ = writeln!(out, "{}", ctx.painter.paint(STRONG, format!("Members in {}", store.path().display())));
    if members.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            ctx.painter.paint(DIM, "None yet: `ssi import PATH` adds the export's owner.")
        );
    }
    for m in &members {
        let estimate = m.latest_estimate.as_ref().map_or_else(
            || "no estimate yet".to_string(),
            |e| format!("{} ({}) on {}", e.shown, e.band.label(), e.date),
        );
        let known = m.activity_known_to.map_or_else(String::new, |d| format!(", activity known up to {d}"));
        let _ = writeln!(
            out,
            "  {}  {}",
            ctx.painter.paint(STRONG, &m.name),
            ctx.painter.paint(
                DIM,
                format!(
                    "{estimate}, {} reading{}{known}",
                    m.readings,
                    if m.readings == 1 { "" } else { "s" }
                )
            )
        );
    }
    print_text(&out)
}

fn rename(ctx: &Context, old: &str, new: &str) -> Result<()> {
    let store = ctx.open_existing_store()?;
    let member = existing(&store, old)?;
    let renamed = store.rename_member(member.id, new).map_err(|e| match e {
        StoreError::Conflict { .. } => {
            anyhow!(
                "cannot rename {:?} to {new:?}: a member named {new:?} already exists; pick another name",
                member.name
            )
        }
        StoreError::InvalidData { what } => {
            UsageError(format!("cannot rename {:?}: {what}", member.name)).into()
        }
        other => other.into(),
    })?;
    if ctx.json {
        return print_json(&MemberChangeJson {
            action: "renamed",
            name: member.name,
            new_name: Some(renamed.name),
        });
    }
    print_text(&format!("Renamed {:?} to {:?}.\n", member.name, renamed.name))
}

fn delete(ctx: &Context, name: &str, yes: bool) -> Result<()> {
    let store = ctx.open_existing_store()?;
    let member = existing(&store, name)?;
    if !yes {
        if !stdin_is_terminal() {
            return Err(UsageError(format!(
                "refusing to delete {:?} without confirmation: stdin is not a terminal; add --yes to delete",
                member.name
            ))
            .into());
        }
        let question = format!(
            "Delete {:?} and all of their events, scores and readings from {}?",
            member.name,
            store.path().display()
        );
        if !confirm(&question)? {
            return Err(anyhow!("deletion cancelled; {:?} is kept", member.name));
        }
    }
    store.delete_member(member.id)?;
    if ctx.json {
        return print_json(&MemberChangeJson { action: "deleted", name: member.name, new_name: None });
    }
    print_text(&format!("Deleted {:?} and all of their data.\n", member.name))
}

fn existing(store: &Store, name: &str) -> Result<ssi_store::Member> {
    let members = store.list_members()?;
    find_member(store, &members, name)
}
