//! `ssi push`: sends the member's daily scores and official readings (numbers only, never activity) to a team server.

use crate::config::env_text;
use crate::context::{Context, UsageError};
use crate::output::{AsOfJson, print_json, print_text};
use crate::today::parse_date_arg;
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use serde::Serialize;
use ssi_api::{ErrorBody, PUSH_PATH, PushRequest, PushResponse, PushedScore};
use std::time::Duration;

/// Most days (and readings) sent in one request; the server accepts up to ten years at once.
const DAYS_PER_REQUEST: usize = 3650;
/// How long one request may take before ssi gives up.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Arguments of `ssi push`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example: SSI_TOKEN=… ssi push --server https://ssi.example.com

Only daily scores (date, pillars, total) and official readings are sent: never activity,
names or messages. Pushing the same days again replaces them on the server.")]
pub(crate) struct Args {
    /// The team server's address, as `https://host[:port]` [env: SSI_SERVER]
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// The member's API token [env: SSI_TOKEN, safer than this flag, which shows in process lists]
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// Push only the days from this one on, YYYY-MM-DD [default: all]
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    from: Option<NaiveDate>,
}

/// `ssi push --json`.
#[derive(Debug, Serialize)]
struct PushJson {
    member: String,
    server: String,
    model_version: String,
    scores_sent: usize,
    readings_sent: usize,
    scores_stored: usize,
    readings_stored: usize,
    /// The last day pushed (the member's horizon) and the data's age.
    #[serde(flatten)]
    as_of: AsOfJson,
}

/// Pushes the member's scores and readings.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    let server = args
        .server
        .clone()
        .or_else(|| env_text("SSI_SERVER"))
        .ok_or_else(|| UsageError("name the team server with --server URL (or SSI_SERVER)".into()))?;
    let token = args
        .token
        .clone()
        .or_else(|| env_text("SSI_TOKEN"))
        .ok_or_else(|| UsageError("give your API token with SSI_TOKEN (or --token TOKEN)".into()))?;
    let base = server.trim().trim_end_matches('/');
    if !(base.starts_with("https://") || base.starts_with("http://")) || base.len() <= "https://".len() {
        return Err(UsageError(format!(
            "--server {server:?} is not a web address; give it as https://host[:port]"
        ))
        .into());
    }
    let url = format!("{base}{PUSH_PATH}");
    let store = ctx.open_existing_store()?;
    super::catch_up(&store, ctx.today);
    let member = ctx.member(&store)?;
    let model = store.active_model()?;
    let scores: Vec<PushedScore> = store
        .score_points(member.id, &model.version, args.from, Some(ctx.today))?
        .into_iter()
        .map(|p| PushedScore { date: p.date, pillars: p.pillars, total: p.total })
        .collect();
    let readings = store.readings(member.id, args.from, Some(ctx.today))?;
    if scores.is_empty() && readings.is_empty() {
        return Err(anyhow!(
            "{} has nothing to push{}: import an export or add a reading first",
            member.name,
            args.from.map_or_else(String::new, |d| format!(" from {d} on"))
        ));
    }

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .build()
        .into();
    let batches = scores.len().max(readings.len()).div_ceil(DAYS_PER_REQUEST).max(1);
    let (mut scores_stored, mut readings_stored) = (0, 0);
    for batch in 0..batches {
        let range =
            |len: usize| (batch * DAYS_PER_REQUEST).min(len)..((batch + 1) * DAYS_PER_REQUEST).min(len);
        let request = PushRequest {
            model_version: model.version.clone(),
            scores: scores[range(scores.len())].to_vec(),
            readings: readings[range(readings.len())].to_vec(),
        };
        let answer = send(&agent, &url, &token, &request)?;
        scores_stored += answer.scores_stored;
        readings_stored += answer.readings_stored;
    }
    tracing::info!(%url, scores_stored, readings_stored, "pushed");
    if ctx.json {
        let as_of = AsOfJson::of(ctx.freshness(&member, ctx.today));
        return print_json(&PushJson {
            member: member.name,
            server: base.to_string(),
            model_version: model.version,
            scores_sent: scores.len(),
            readings_sent: readings.len(),
            scores_stored,
            readings_stored,
            as_of,
        });
    }
    let up_to = scores.last().map_or_else(String::new, |s| format!(", up to {}", s.date));
    let age = ctx.freshness(&member, ctx.today).map_or_else(String::new, |f| {
        if f.data_age_days > 0 { format!(" (your data is {})", f.age_phrase()) } else { String::new() }
    });
    print_text(&format!(
        "Pushed {scores_stored} daily score{} and {readings_stored} reading{} of {} to {base}{up_to}{age}.\n",
        if scores_stored == 1 { "" } else { "s" },
        if readings_stored == 1 { "" } else { "s" },
        member.name
    ))
}

/// Sends one push and reads the answer; a refusal is reported with the server's own message.
fn send(agent: &ureq::Agent, url: &str, token: &str, request: &PushRequest) -> Result<PushResponse> {
    let mut response = agent
        .post(url)
        .header("Authorization", format!("Bearer {token}"))
        .send_json(request)
        .map_err(|e| anyhow!("cannot reach the server at {url}: {e}; check --server and the network"))?;
    let status = response.status();
    if status.is_success() {
        return response
            .body_mut()
            .read_json::<PushResponse>()
            .map_err(|e| anyhow!("the server at {url} answered {status} with a body ssi cannot read: {e}"));
    }
    let detail = response
        .body_mut()
        .read_json::<ErrorBody>()
        .map_or_else(|_| String::new(), |body| format!(": {}", body.message));
    let hint = match status.as_u16() {
        401 => "; check the token (--token or SSI_TOKEN)",
        // The server's own 403 already says why; the hint only stands in for a missing message.
        403 if detail.is_empty() => "; push needs a member's own token",
        404 => "; check --server: it should be the team server's address",
        _ => "",
    };
    Err(anyhow!("the server at {url} refused the push ({status}){detail}{hint}; nothing was changed there"))
}
