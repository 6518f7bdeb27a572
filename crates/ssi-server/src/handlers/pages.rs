//! Dashboard pages, rendered on the server: the start page, a team page (leaderboard, team
//! average per pillar against the industry, band distribution) and a member page (score,
//! pillars, history chart with estimates and official readings, benchmarks, explanation,
//! mistake warnings and the best next actions).

use super::session::PageViewer;
use super::{member_for, visible_team};
use crate::auth::{Access, Principal};
use crate::cache::{Answer, AnswerKey, DataVersion};
use crate::chart::{self, Point};
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::state::AppState;
use crate::web::{
    ActionContext, AttentionLine, BenchmarkLine, ComponentContext, IndexContext, IndustryContext, Link,
    MemberContext, MemberRef, MoverContext, RowContext, ScoreContext, TOP_ACTIONS, TeamContext, TeamOverview,
    TeamRef, ViewerContext, WarningContext, change_class, one_decimal, points_of, signed,
};
use crate::wire::{DateQuery, FreshnessView};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{Days, NaiveDate};
use ssi_core::Band;
use ssi_store::{LeaderboardRow, MemberId, Role, TeamId, TeamSummary};

/// Days of history the member page charts.
pub(crate) const HISTORY_DAYS: u64 = 180;

/// The header context of a viewer: who they are and where they can go.
async fn viewer_context(state: &AppState, principal: &Principal) -> ViewerContext {
    let member = principal.member();
    let team = principal.team;
    let names = state
        .db(move |store| {
            let member = member.map(|m| store.get_member(m)).transpose()?;
            let team = team.map(|t| store.get_team(t)).transpose()?;
            Ok((member, team))
        })
        .await;
    let (member, team) = names.unwrap_or((None, None));
    let mut links = Vec::new();
    if principal.is_admin() {
        links.push(Link { href: "/".into(), label: "Teams".into() });
    }
    if let Some(team) = &team {
        links.push(Link { href: format!("/teams/{}", team.id), label: team.name.clone() });
    }
    if let Some(member) = &member {
        links.push(Link { href: format!("/members/{}", member.id), label: "My page".into() });
    }
    let label = match (principal.role(), &member, &team) {
        (Role::Admin, ..) => "admin".to_string(),
        (Role::Manager, _, Some(team)) => format!("manager of {}", team.name),
        (Role::Manager, ..) => "manager".to_string(),
        (Role::Member, Some(member), _) => member.name.clone(),
        (Role::Member, None, _) => "member".to_string(),
    };
    ViewerContext { label, links }
}

fn error(state: &AppState, viewer: &ViewerContext, error: ApiError) -> Response {
    state.templates.error_page(Some(viewer), &error)
}

/// Days over which the start page measures a team's trend.
const TREND_DAYS: u64 = 7;

/// `GET /`: the teams the viewer manages, each with its average, the average's 7-day trend
/// and the members who need attention (falling, below the threshold, stale data), then the
/// other teams the viewer may open.
pub(crate) async fn index(State(state): State<AppState>, PageViewer(viewer): PageViewer) -> Response {
    let context = viewer_context(&state, &viewer.principal).await;
    let principal = viewer.principal.clone();
    let today = state.today();
    let week_ago = today.checked_sub_days(Days::new(TREND_DAYS)).unwrap_or(today);
    let threshold = state.config.below_threshold;
    let stale_after_days = state.config.stale_after_days;
    let loaded = state
        .db(move |store| {
            let (managed, others): (Vec<_>, Vec<_>) =
                store.list_teams()?.into_iter().partition(|team| principal.manages_team(team.id));
            let managed: Vec<TeamId> = managed.iter().map(|team| team.id).collect();
            let now = store.team_summaries(&managed, today, threshold, stale_after_days)?;
            let before = store.team_summaries(&managed, week_ago, threshold, stale_after_days)?;
            let others: Vec<TeamRef> = others
                .into_iter()
                .filter(|team| principal.sees_team(team.id))
                .map(|team| TeamRef { id: team.id.0, name: team.name })
                .collect();
            Ok((now, before, others))
        })
        .await;
    let (now, before, teams) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return error(&state, &context, e),
    };
    let managed = now
        .iter()
        .zip(&before)
        .map(|(summary, before)| team_overview(summary, before.average_total, threshold, stale_after_days))
        .collect();
    state.templates.page(
        StatusCode::OK,
        "index.html",
        IndexContext { viewer: Some(&context), teams, managed },
    )
}

/// A managed team at a glance, from the store's summaries of today and a week ago.
fn team_overview(
    summary: &TeamSummary,
    average_before: Option<f64>,
    threshold: f64,
    stale_after_days: u32,
) -> TeamOverview {
    let trend = summary.average_total.zip(average_before).map(|(now, before)| now - before);
    let mut attention: Vec<(MemberId, String, Vec<String>)> = Vec::new();
    let mut add = |member: MemberId, name: &str, reason: String| match attention
        .iter_mut()
        .find(|(m, ..)| *m == member)
    {
        Some((.., reasons)) => reasons.push(reason),
        None => attention.push((member, name.to_string(), vec![reason])),
    };
    for mover in summary.movers_7d.iter().filter(|m| change_class(Some(m.change)) == "down") {
        add(mover.member, &mover.name, format!("fell {:.1} in {TREND_DAYS} days", mover.change.abs()));
    }
    for row in &summary.below {
        add(row.member, &row.name, format!("below {}", one_decimal(threshold)));
    }
    for row in &summary.stale {
        let note = row_context(row, true, summary.on, stale_after_days).stale_note;
        add(row.member, &row.name, if note.is_empty() { "stale data".into() } else { note });
    }
    let scored = summary.scored_members;
    TeamOverview {
        team: TeamRef { id: summary.team.id.0, name: summary.team.name.clone() },
        scored: format!("{scored} scored member{}", if scored == 1 { "" } else { "s" }),
        average: summary.average_total.map_or_else(|| "—".into(), one_decimal),
        trend: signed(trend),
        trend_class: change_class(trend),
        attention: attention
            .into_iter()
            .map(|(member, name, reasons)| AttentionLine {
                member: member.0,
                name,
                reasons: reasons.join(" · "),
            })
            .collect(),
    }
}

fn row_context(row: &LeaderboardRow, link: bool, on: NaiveDate, stale_after_days: u32) -> RowContext {
    let pillars = row.score.pillars;
    let age = row.horizon.map(|h| (on - h.day).num_days());
    RowContext {
        stale_note: match age {
            Some(age) if age > i64::from(stale_after_days) => format!("no data for {age} days"),
            _ => String::new(),
        },
        rank: row.rank,
        member: row.member.0,
        name: row.name.clone(),
        link,
        shown_total: ssi_core::round_display(row.score.total),
        band: band_class(row.score.band),
        band_label: row.score.band.label().to_string(),
        brand: one_decimal(pillars.brand),
        people: one_decimal(pillars.people),
        insights: one_decimal(pillars.insights),
        relationships: one_decimal(pillars.relationships),
        change_7d: signed(row.change_7d),
        change_7d_class: change_class(row.change_7d),
        change_30d: signed(row.change_30d),
        change_30d_class: change_class(row.change_30d),
        weakest: pillars.weakest().label().to_string(),
        best_step: String::new(),
    }
}

fn band_class(band: Band) -> String {
    match band {
        Band::Beginner => "beginner",
        Band::Average => "average",
        Band::AboveAverage => "above_average",
        Band::Strong => "strong",
        Band::Excellent => "excellent",
        Band::Outstanding => "outstanding",
    }
    .to_string()
}

/// `GET /teams/{team}?date=`: anyone of the team; managers and admins also see who is below
/// the threshold, the biggest movers and who has no score yet.
pub(crate) async fn team(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    DataVersion(version): DataVersion,
    Path(id): Path<i64>,
    Query(query): Query<DateQuery>,
) -> Response {
    let context = viewer_context(&state, &viewer.principal).await;
    let principal = viewer.principal;
    let team = match visible_team(&state, &principal, id).await {
        Ok(team) => team,
        Err(e) => return error(&state, &context, e),
    };
    let date = match state.day_asked(query.date) {
        Ok(date) => date,
        Err(e) => return error(&state, &context, e),
    };
    let threshold = state.config.below_threshold;
    let stale_after_days = state.config.stale_after_days;
    let manages = principal.manages_team(team.id);
    let team_id: TeamId = team.id;
    let loaded = state
        .db(move |store| {
            let summary = store.team_summary(team_id, date, threshold, stale_after_days)?;
            let industry = store.team_industry_average(team_id, date)?;
            // A manager sees each scored member's best next step.
            let members = if manages { store.list_team_members(team_id)? } else { Vec::new() };
            Ok((summary, industry, members))
        })
        .await;
    let (summary, industry, members) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return error(&state, &context, e),
    };
    // The leaderboard, averages and bands are for every viewer of the team; the rest of the
    // summary only for managers.
    let readable = |member: MemberId| manages || principal.member() == Some(member);
    let rows = &summary.leaderboard;
    let counts: Vec<(Band, usize)> = summary.bands.iter().map(|b| (b.band, b.members)).collect();
    let pillar_chart = summary.average_pillars.map(|avg| {
        let comparison = industry.as_ref().map(|i| i.average_pillars.to_array().map(Some));
        let industry_label = industry.as_ref().map_or_else(String::new, |i| format!("{} average", i.name));
        chart::pillar_bars("team-pillars", &avg, "team average", comparison.as_ref(), &industry_label)
    });
    let (below, stale, movers, unscored) = match manages.then_some(&summary) {
        Some(summary) => (
            summary.below.iter().map(|r| row_context(r, true, date, stale_after_days)).collect(),
            summary.stale.iter().map(|r| row_context(r, true, date, stale_after_days)).collect(),
            summary
                .movers_7d
                .iter()
                .map(|m| MoverContext {
                    name: m.name.clone(),
                    change: signed(Some(m.change)),
                    change_class: change_class(Some(m.change)),
                })
                .collect(),
            summary.unscored.iter().map(|m| m.name.clone()).collect(),
        ),
        None => (Vec::new(), Vec::new(), Vec::new(), Vec::new()),
    };
    // A manager sees each member's best next step: the member's cached advice (computed
    // once per member and change of the data, as for the member page).
    let mut best_steps = std::collections::HashMap::new();
    let scored_members = members.into_iter().filter(|m| rows.iter().any(|r| r.member == m.id));
    for member in scored_members {
        let id = member.id;
        match super::advice::advice_view(&state, version, member, date).await {
            Ok(Some(view)) => {
                if let Some(step) = best_step(&view.advice.actions) {
                    best_steps.insert(id, step);
                }
            }
            Ok(None) => {}
            Err(e) => return error(&state, &context, e),
        }
    }
    let mut rows_shown: Vec<RowContext> =
        rows.iter().map(|r| row_context(r, readable(r.member), date, stale_after_days)).collect();
    for (shown, row) in rows_shown.iter_mut().zip(rows) {
        shown.best_step = best_steps.remove(&row.member).unwrap_or_default();
    }
    let page = TeamContext {
        viewer: Some(&context),
        team: TeamRef { id: team.id.0, name: team.name.clone() },
        date: date.to_string(),
        average_total: summary.average_total.map(one_decimal),
        rows: rows_shown,
        pillar_chart,
        industry: industry.map(|i| IndustryContext {
            name: i.name,
            members: i.members,
            average_total: one_decimal(i.average_total),
        }),
        band_chart: chart::band_distribution(&counts),
        manages,
        threshold: one_decimal(threshold),
        below,
        stale,
        movers,
        unscored,
    };
    state.templates.page(StatusCode::OK, "team.html", page)
}

/// `GET /members/{member}`: the member, the team's manager or an admin. Warnings and next
/// best actions need the member's activity on the server (an imported export).
///
/// The page is rendered once per viewer and version of the database and then served from
/// the answer cache (see [`crate::cache`]), after the viewer's access to the member is
/// checked against the member as stored at that version; the advice on it is the advice
/// endpoint's cached answer, computed once for every viewer.
pub(crate) async fn member(
    State(state): State<AppState>,
    PageViewer(viewer): PageViewer,
    DataVersion(version): DataVersion,
    Path(id): Path<i64>,
) -> Response {
    let today = state.today();
    let key = AnswerKey::MemberPage { member: MemberId(id), date: today, viewer: viewer.principal.token.id };
    if let Some(answer) = state.caches.answer(version, &key)
        && let Some(cached) = &answer.member
    {
        let principal = &viewer.principal;
        return match principal.check_member(cached, Access::SessionMemberReader) {
            Ok(()) => html(answer.body),
            Err(e) => error(&state, &viewer_context(&state, principal).await, e),
        };
    }
    let context = viewer_context(&state, &viewer.principal).await;
    let member = match member_for(&state, &viewer.principal, id, Access::SessionMemberReader).await {
        Ok(member) => member,
        Err(e) => return error(&state, &context, e),
    };
    let freshness = super::scores::freshness_of(&state, &member, None);
    // The chart ends at the member's horizon, and advice starts there: later days are unknown.
    let shown_to = super::advice::as_of(&member, today);
    let from = shown_to.checked_sub_days(Days::new(HISTORY_DAYS));
    let (member_id, team_id) = (member.id, member.team);
    let loaded = state
        .db(move |store| {
            Ok((
                store.latest_score(member_id, Some(today))?,
                store.history(member_id, from, Some(today))?,
                team_id.map(|t| store.get_team(t)).transpose()?,
                store.percentile_in_industry(member_id, today)?,
                store.percentile_in_team(member_id, today)?,
                store.latest_reading(member_id)?,
                store.calibrated_history(member_id, Some(shown_to), Some(shown_to), true)?,
            ))
        })
        .await;
    let (score, history, team, industry, team_standing, reading, calibrated) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return error(&state, &context, e),
    };
    let creator =
        match state.db(move |store| crate::web::CreatorContext::load(store, member_id, shown_to)).await {
            Ok(creator) => creator,
            Err(e) => return error(&state, &context, e),
        };
    let advice = match super::advice::advice_view(&state, version, member.clone(), today).await {
        Ok(view) => view.map(|v| (v.advice, v.warnings)),
        Err(e) => return error(&state, &context, e),
    };
    let estimates: Vec<Point> = history
        .iter()
        .filter_map(|d| d.estimate.as_ref().map(|e| Point { date: d.date, total: e.total }))
        .collect();
    let readings: Vec<Point> = history
        .iter()
        .filter_map(|d| d.official.as_ref().map(|r| Point { date: d.date, total: r.total }))
        .collect();
    let mut benchmarks = Vec::new();
    if let Some(p) = industry {
        benchmarks.push(BenchmarkLine {
            group: format!("Industry ({}) on this server", member.industry.clone().unwrap_or_default()),
            text: standing_text(&p),
        });
    }
    if let Some(p) = team_standing {
        benchmarks.push(BenchmarkLine { group: "Team".into(), text: standing_text(&p) });
    }
    if let Some(r) = &reading {
        let mut parts = vec![format!("SSI {}", one_decimal(r.total))];
        for (name, group) in [("industry", &r.industry), ("network", &r.network), ("team", &r.team)] {
            if let Some(rank) = group.rank {
                parts.push(format!("{name} top {rank}%"));
            }
        }
        benchmarks.push(BenchmarkLine { group: format!("LinkedIn, {}", r.date), text: parts.join(" · ") });
    }
    // The member's calibration (`ssi calibrate`, kept up to date by new readings): today's
    // calibrated estimate with its 80% interval.
    if let (Some(calibration), Some((row, Some((low, high))))) = (
        &calibrated.calibration,
        calibrated.rows.iter().zip(&calibrated.intervals).find(|(r, _)| r.estimate.is_some()),
    ) && let Some(e) = &row.estimate
    {
        let error = calibration.walk_forward.total.map_or_else(String::new, |err| {
            format!(
                " · off by {err:.2} on average over {} walk-forward predictions",
                calibration.walk_forward.predictions
            )
        });
        benchmarks.push(BenchmarkLine {
            group: "Calibrated to LinkedIn's readings".into(),
            text: format!(
                "SSI {} (80% range {}–{}){error}",
                one_decimal(e.total),
                one_decimal(*low),
                one_decimal(*high)
            ),
        });
    }
    let page = MemberContext {
        viewer: Some(&context),
        member: MemberRef { id: member.id.0, name: member.name.clone(), industry: member.industry.clone() },
        team: team.map(|t| TeamRef { id: t.id.0, name: t.name }),
        score: score.as_ref().map(|s| ScoreContext {
            shown_total: s.shown_total(),
            band: band_class(s.band()),
            band_label: s.band().label().to_string(),
            date: s.date.to_string(),
            model_version: s.model_version.clone(),
            weakest: s.pillars.weakest().label().to_string(),
            change_7d: signed(change_over(&estimates, s.date, 7)),
            change_7d_class: change_class(change_over(&estimates, s.date, 7)),
            change_30d: signed(change_over(&estimates, s.date, 30)),
            change_30d_class: change_class(change_over(&estimates, s.date, 30)),
            as_of: as_of_text(&freshness, s.date),
            stale_message: freshness.stale.then(|| {
                format!(
                    "No data for {} days: upload a newer LinkedIn export ({}).",
                    freshness.data_age_days.unwrap_or_default(),
                    ssi_core::freshness::EXPORT_MENU_PATH
                )
            }),
        }),
        pillar_chart: score.as_ref().map(|s| {
            let official = reading.as_ref().map(|r| r.pillars);
            chart::pillar_bars(
                "member-pillars",
                &s.pillars,
                "estimate",
                official.as_ref(),
                "latest official reading",
            )
        }),
        history_chart: chart::history_chart(&estimates, &readings),
        benchmarks,
        components: score
            .as_ref()
            .map(|s| {
                s.explain(None)
                    .into_iter()
                    .map(|c| ComponentContext {
                        pillar: c.pillar.label().to_string(),
                        label: c.label.clone(),
                        value: c.value_text(),
                        points: points_of(c.points, c.possible),
                        action: c.action.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        has_activity: advice.is_some(),
        warnings: advice
            .as_ref()
            .map(|(_, w)| w.iter().map(WarningContext::new).collect())
            .unwrap_or_default(),
        advice_summary: advice.as_ref().map(|(a, _)| a.summary.clone()),
        actions: advice
            .as_ref()
            .map(|(a, _)| {
                // A step whose gain shows as "+0.0 points" is no advice.
                a.actions
                    .iter()
                    .filter(|gain| change_class(Some(gain.total_gain)) == "up")
                    .take(TOP_ACTIONS)
                    .map(ActionContext::new)
                    .collect()
            })
            .unwrap_or_default(),
        creator,
    };
    match state.templates.render("member.html", page) {
        Ok(rendered) => {
            let body = axum::body::Bytes::from(rendered);
            state.caches.remember_answer(version, key, Answer { body: body.clone(), member: Some(member) });
            html(body)
        }
        Err(e) => error(&state, &context, e),
    }
}

/// "react to 1 more post a week (+1.7)": the first of the ranked actions that shows a gain.
fn best_step(actions: &[ssi_core::advice::ActionGain]) -> Option<String> {
    actions
        .iter()
        .find(|gain| change_class(Some(gain.total_gain)) == "up")
        .map(|gain| format!("{} ({})", gain.description, signed(Some(gain.total_gain))))
}

/// The change of the estimated total from `days` before `on` (the latest estimate on or
/// before that day) to `on`; unknown without both.
fn change_over(estimates: &[Point], on: NaiveDate, days: u64) -> Option<f64> {
    let before = on.checked_sub_days(Days::new(days))?;
    let latest_by = |day: NaiveDate| estimates.iter().filter(|p| p.date <= day).max_by_key(|p| p.date);
    Some(latest_by(on)?.total - latest_by(before)?.total)
}

/// An HTML page already rendered (possibly shared with the answer cache).
fn html(body: axum::body::Bytes) -> Response {
    (StatusCode::OK, Html(body)).into_response()
}

/// "Top 12% · rank 3 of 25 · average 41.0"; the only scored member of a group is not
/// "Top 100%" of it, just alone in it.
fn standing_text(p: &ssi_store::Percentile) -> String {
    if p.group_size <= 1 {
        return "the only scored member so far".to_string();
    }
    format!(
        "Top {}% · rank {} of {} · average {}",
        p.top_percent,
        p.rank,
        p.group_size,
        one_decimal(p.group_average)
    )
}

/// "as of 2026-11-20 (export, 15 days old)".
fn as_of_text(freshness: &FreshnessView, scored: NaiveDate) -> String {
    let day = freshness.as_of.unwrap_or(scored);
    let whose = match freshness.horizon_source.as_deref() {
        Some("pushed_scores") => "last push",
        Some("stored_activity") => "last activity",
        _ => "export",
    };
    match freshness.data_age_days {
        Some(0) => format!("as of {day} ({whose}, up to date)"),
        Some(age) => format!("as of {day} ({whose}, {})", ssi_core::freshness::age_phrase(age)),
        None => format!("as of {day}"),
    }
}

/// `GET /assets/style.css`: the dashboard's stylesheet (public, cacheable).
pub(crate) async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        crate::web::STYLESHEET,
    )
        .into_response()
}
