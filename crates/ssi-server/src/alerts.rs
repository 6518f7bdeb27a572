//! Score alerts: a team member's total falls below a floor, or drops by too many points
//! within a few days, and the server tells a webhook.
//!
//! When it is judged: after the daily job (every team member), after an import and after a
//! push (that member). The judgement is `ssi_core::advice::check` on the member's daily
//! total series (the same estimates the history shows), one rule per condition, so each
//! condition that fires becomes its own notification ([`AlertNotification`], `kind`
//! `below` or `drop`).
//!
//! Delivery never holds up a request: judging runs after the answer (or inside the
//! background import and the daily job), and each notification is POSTed by a background
//! task, with up to `alerts.max_attempts` attempts and exponential backoff
//! ([`backoff`]). A network error, a timeout, 408, 429 and 5xx are retried; any other
//! answer that is not 2xx is final. Shutdown stops the waiting between attempts; an
//! attempt already running ends within `alerts.timeout_secs`.
//!
//! The same alert (member, kind, day of the latest total) is sent once: the server
//! remembers, in memory, the latest day it claimed per member and kind. A delivery that
//! fails for good gives its claim back, so the next judgement tries again. Memory is per
//! process: the daily job's check runs on one replica per day at most (the one whose
//! claim on the day won, after recording the day finished, so a takeover never repeats
//! it; a restart the same day skips it), but two replicas judging the same member's
//! same latest day after a push or an import through each can each send that alert
//! (docs/server.md, "Score alerts").

use crate::config::{AlertSettings, WebhookUrl};
use crate::error::ApiError;
use crate::metrics::Outcome;
use crate::state::AppState;
use chrono::{Days, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ssi_core::advice::{AlertReason, AlertRule, check};
use ssi_store::{Backend, Member, MemberId, StoreError, Team, TeamId};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The longest wait between two delivery attempts.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Which condition fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// The latest total is below `alerts.below`.
    Below,
    /// The latest total is at least `alerts.drop_points` below the highest of the
    /// `alerts.drop_days` days before it.
    Drop,
}

impl AlertKind {
    /// The kind as in the webhook body and the metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Below => "below",
            AlertKind::Drop => "drop",
        }
    }
}

/// A member or team, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct NamedRef {
    /// Its id on this server.
    pub id: i64,
    /// Its name on this server.
    pub name: String,
}

/// What a drop alert measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct DropDetail {
    /// Points lost from the recent high to the latest total.
    pub points: f64,
    /// The rule's window, in days.
    pub days: u32,
    /// The day of the recent high.
    pub from_date: NaiveDate,
    /// The recent high.
    pub from_total: f64,
}

/// The JSON body POSTed to `alerts.webhook_url`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct AlertNotification {
    /// The member.
    pub member: NamedRef,
    /// The member's team.
    pub team: NamedRef,
    /// `below` or `drop`.
    pub kind: AlertKind,
    /// The day of the latest total.
    pub date: NaiveDate,
    /// The latest total (unrounded, 0–100).
    pub total: f64,
    /// The floor, for `below`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// The drop, for `drop`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop: Option<DropDetail>,
    /// One line from the alert check, e.g. "SSI 41.5 on 2026-11-20 is below 45".
    pub reason: String,
    /// The same line with the member and team, for chat webhooks that show `text`.
    pub text: String,
}

/// The alerts that fire on a member's daily total series, one per condition, each judged on
/// the series' latest day.
pub(crate) fn notifications(
    member: &Member,
    team: &Team,
    series: &[(NaiveDate, f64)],
    rule: &AlertRule,
) -> Vec<AlertNotification> {
    let single_rules = [
        rule.below.map(|below| AlertRule { below: Some(below), drop: None }),
        rule.drop.map(|drop| AlertRule { below: None, drop: Some(drop) }),
    ];
    single_rules
        .into_iter()
        .flatten()
        .filter_map(|single| check(series, &single))
        .flat_map(|alert| {
            alert
                .reasons
                .iter()
                .map(|reason| {
                    let (kind, threshold, drop) = match *reason {
                        AlertReason::Below { threshold } => (AlertKind::Below, Some(threshold), None),
                        AlertReason::Drop { from_date, from_value, points, days } => (
                            AlertKind::Drop,
                            None,
                            Some(DropDetail { points, days, from_date, from_total: from_value }),
                        ),
                    };
                    AlertNotification {
                        member: NamedRef { id: member.id.0, name: member.name.clone() },
                        team: NamedRef { id: team.id.0, name: team.name.clone() },
                        kind,
                        date: alert.date,
                        total: alert.value,
                        threshold,
                        drop,
                        reason: alert.reason.clone(),
                        text: format!("{} ({}): {}", member.name, team.name, alert.reason),
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The wait before attempt `attempt + 1` (attempts count from 1): `base × 2^(attempt − 1)`,
/// at most [`MAX_BACKOFF`].
pub(crate) fn backoff(base: Duration, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
    base.saturating_mul(factor).min(MAX_BACKOFF)
}

/// How one delivery attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// The receiver answered 2xx.
    Delivered,
    /// Worth another try (network error, timeout, 408, 429, 5xx).
    Retry(String),
    /// Final: another try would get the same answer.
    GiveUp(String),
}

/// The verdict on a receiver's status code.
pub(crate) fn judge_status(status: u16) -> Attempt {
    match status {
        200..=299 => Attempt::Delivered,
        408 | 429 | 500..=599 => Attempt::Retry(format!("the receiver answered {status}")),
        other => Attempt::GiveUp(format!("the receiver answered {other}")),
    }
}

/// A claim on sending an alert, given back when its delivery fails for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    member: MemberId,
    kind: AlertKind,
    date: NaiveDate,
    previous: Option<NaiveDate>,
}

/// The alert settings, the memory of alerts already claimed, and the webhook client.
pub struct Alerts {
    settings: AlertSettings,
    claimed: Mutex<HashMap<(MemberId, AlertKind), NaiveDate>>,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Alerts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alerts").field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl Alerts {
    /// Alerts with these settings and an empty memory.
    pub fn new(settings: AlertSettings) -> Alerts {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(settings.timeout))
            // A redirected POST would lose its body or change its method: report it instead.
            .max_redirects(0)
            .user_agent(concat!("ssi-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Alerts { settings, claimed: Mutex::new(HashMap::new()), agent }
    }

    /// The settings.
    pub fn settings(&self) -> &AlertSettings {
        &self.settings
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(MemberId, AlertKind), NaiveDate>> {
        // Each update is one insert or remove, so a poisoned map is still consistent.
        self.claimed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Claims the alert of `kind` for `member` on `date`, unless an alert of that kind was
    /// already claimed for that day or a later one.
    pub fn claim(&self, member: MemberId, kind: AlertKind, date: NaiveDate) -> Option<Claim> {
        let mut claimed = self.lock();
        let previous = claimed.get(&(member, kind)).copied();
        if previous.is_some_and(|seen| seen >= date) {
            return None;
        }
        claimed.insert((member, kind), date);
        Some(Claim { member, kind, date, previous })
    }

    /// Gives a claim back (its delivery failed for good), unless a later one replaced it.
    pub fn release(&self, claim: Claim) {
        let mut claimed = self.lock();
        if claimed.get(&(claim.member, claim.kind)) == Some(&claim.date) {
            match claim.previous {
                Some(previous) => claimed.insert((claim.member, claim.kind), previous),
                None => claimed.remove(&(claim.member, claim.kind)),
            };
        }
    }

    /// Sends one notification, once: the blocking client runs on the blocking pool.
    async fn attempt(&self, url: &WebhookUrl, body: &[u8]) -> Attempt {
        let agent = self.agent.clone();
        let (url, body) = (url.as_str().to_string(), body.to_vec());
        let result = tokio::task::spawn_blocking(move || {
            agent.post(&url).header("Content-Type", "application/json").send(&body[..])
        })
        .await;
        match result {
            Ok(Ok(response)) => judge_status(response.status().as_u16()),
            Ok(Err(error)) => Attempt::Retry(format!("cannot reach the receiver: {error}")),
            Err(error) => Attempt::Retry(format!("the delivery task failed: {error}")),
        }
    }
}

/// A team member with their team and latest total series.
struct Candidate {
    member: Member,
    team: Team,
    series: Vec<(NaiveDate, f64)>,
}

/// Loads what the rule needs: the estimates from `drop_days` days before each member's latest
/// scored day (on or before `today`) up to it.
fn candidates(
    store: &dyn Backend,
    only: Option<MemberId>,
    rule: &AlertRule,
    today: NaiveDate,
) -> Result<Vec<Candidate>, StoreError> {
    let teams: BTreeMap<TeamId, Team> = store.list_teams()?.into_iter().map(|t| (t.id, t)).collect();
    let members = match only {
        Some(id) => vec![store.get_member(id)?],
        None => store.list_members()?,
    };
    let window = u64::from(rule.drop.map_or(0, |(_, days)| days));
    let mut found = Vec::new();
    for member in members {
        let Some(team) = member.team.and_then(|t| teams.get(&t)).cloned() else { continue };
        let Some(latest) = store.latest_score(member.id, Some(today))? else { continue };
        let from = latest.date.checked_sub_days(Days::new(window)).unwrap_or(latest.date);
        let series = store
            .history(member.id, Some(from), Some(latest.date))?
            .into_iter()
            .filter_map(|day| day.estimate.map(|e| (e.date, e.total)))
            .collect();
        found.push(Candidate { member, team, series });
    }
    Ok(found)
}

/// Judges team members now — one member, or every team member when `only` is `None` — and
/// starts a background delivery for each new alert. Returns the number of new alerts (0
/// when alerts are off). Waits for the store, never for a webhook.
pub async fn check_members(state: &AppState, only: Option<MemberId>) -> Result<usize, ApiError> {
    let alerts = state.alerts.clone();
    if !alerts.settings.enabled() {
        return Ok(0);
    }
    let rule = alerts.settings.rule;
    let today = state.today();
    let found = match state.db(move |store| candidates(store, only, &rule, today)).await {
        Ok(found) => found,
        // The member was deleted since: nothing to judge.
        Err(ApiError::NotFound(_)) if only.is_some() => return Ok(0),
        Err(error) => return Err(error),
    };
    let mut raised = 0;
    for candidate in found {
        for notification in notifications(&candidate.member, &candidate.team, &candidate.series, &rule) {
            let Some(claim) = alerts.claim(candidate.member.id, notification.kind, notification.date) else {
                continue;
            };
            raised += 1;
            state.metrics.alert_raised(notification.kind.as_str());
            tracing::warn!(
                member = candidate.member.id.0,
                kind = notification.kind.as_str(),
                date = %notification.date,
                reason = %notification.reason,
                "score alert"
            );
            if alerts.settings.webhook_url.is_some() {
                state.tasks.spawn(deliver(state.clone(), notification, claim));
            }
        }
    }
    Ok(raised)
}

/// Judges one member after the request that changed their scores has been answered.
pub(crate) fn check_member_later(state: &AppState, member: MemberId) {
    if !state.alerts.settings.enabled() {
        return;
    }
    let state_for_task = state.clone();
    state.tasks.spawn(async move {
        if let Err(error) = check_members(&state_for_task, Some(member)).await {
            tracing::error!(member = member.0, %error, "alert check failed");
        }
    });
}

/// Delivers one notification with retries; gives the claim back when it fails for good.
async fn deliver(state: AppState, notification: AlertNotification, claim: Claim) {
    let alerts = state.alerts.clone();
    let Some(url) = alerts.settings.webhook_url.clone() else { return };
    let body = match serde_json::to_vec(&notification) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "cannot encode an alert");
            alerts.release(claim);
            state.metrics.alert_delivered(Outcome::Failed);
            return;
        }
    };
    let (member, kind) = (notification.member.id, notification.kind.as_str());
    let max_attempts = alerts.settings.max_attempts.max(1);
    let mut last_problem = String::new();
    for attempt in 1..=max_attempts {
        match alerts.attempt(&url, &body).await {
            Attempt::Delivered => {
                tracing::info!(member, kind, attempt, webhook = %url.redacted(), "alert delivered");
                state.metrics.alert_delivered(Outcome::Succeeded);
                return;
            }
            Attempt::GiveUp(problem) => {
                last_problem = problem;
                break;
            }
            Attempt::Retry(problem) => {
                tracing::debug!(member, kind, attempt, %problem, "alert delivery failed; retrying");
                last_problem = problem;
                if attempt == max_attempts {
                    break;
                }
                tokio::select! {
                    () = tokio::time::sleep(backoff(alerts.settings.retry_base, attempt)) => {}
                    () = state.shutdown.cancelled() => {
                        last_problem = format!("{last_problem}; the server shut down before the next attempt");
                        break;
                    }
                }
            }
        }
    }
    tracing::warn!(member, kind, webhook = %url.redacted(), problem = %last_problem, "alert not delivered");
    alerts.release(claim);
    state.metrics.alert_delivered(Outcome::Failed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn people() -> (Member, Team) {
        let team = Team { id: TeamId(2), name: "Alpha Sales".into(), created: Utc::now() };
        let member = Member {
            id: MemberId(7),
            name: "Alice Archer".into(),
            industry: None,
            team: Some(team.id),
            created: Utc::now(),
            horizon: None,
        };
        (member, team)
    }

    #[test]
    fn each_condition_that_fires_is_its_own_notification() {
        let (member, team) = people();
        let series = [(day(10), 52.0), (day(14), 50.0), (day(17), 44.5)];
        let rule = AlertRule { below: Some(45.0), drop: Some((5.0, 7)) };
        let found = notifications(&member, &team, &series, &rule);
        assert_eq!(found.len(), 2, "{found:?}");
        let below = &found[0];
        assert_eq!(
            (below.kind, below.date, below.total, below.threshold),
            (AlertKind::Below, day(17), 44.5, Some(45.0))
        );
        assert!(below.drop.is_none() && below.reason.contains("below 45"), "{below:?}");
        assert_eq!(below.text, format!("Alice Archer (Alpha Sales): {}", below.reason));
        let drop = &found[1];
        assert_eq!(drop.kind, AlertKind::Drop);
        let detail = drop.drop.unwrap();
        assert_eq!((detail.from_date, detail.from_total, detail.days), (day(10), 52.0, 7));
        assert!((detail.points - 7.5).abs() < 1e-9);
        assert!(!drop.reason.contains("below"), "one condition per notification: {}", drop.reason);
        let json = serde_json::to_value(drop).unwrap();
        assert_eq!(json["kind"], "drop");
        assert_eq!(json["member"]["id"], 7);
        assert!(json.get("threshold").is_none(), "{json}");
        // Nothing fires on a healthy series, or without a rule.
        assert!(notifications(&member, &team, &[(day(17), 60.0)], &rule).is_empty());
        assert!(notifications(&member, &team, &series, &AlertRule::default()).is_empty());
    }

    #[test]
    fn an_alert_is_claimed_once_per_member_kind_and_day_and_a_failed_claim_is_given_back() {
        let alerts = Alerts::new(AlertSettings::default());
        let (alice, bob) = (MemberId(1), MemberId(2));
        let first = alerts.claim(alice, AlertKind::Below, day(17)).expect("new");
        assert!(alerts.claim(alice, AlertKind::Below, day(17)).is_none(), "same day again");
        assert!(alerts.claim(alice, AlertKind::Below, day(16)).is_none(), "an older day");
        assert!(alerts.claim(alice, AlertKind::Drop, day(17)).is_some(), "another kind");
        assert!(alerts.claim(bob, AlertKind::Below, day(17)).is_some(), "another member");
        alerts.release(first);
        let again = alerts.claim(alice, AlertKind::Below, day(17)).expect("given back");
        let next_day = alerts.claim(alice, AlertKind::Below, day(18)).expect("a new day");
        alerts.release(again);
        assert!(
            alerts.claim(alice, AlertKind::Below, day(18)).is_none(),
            "a stale release keeps the newer claim"
        );
        alerts.release(next_day);
        assert!(alerts.claim(alice, AlertKind::Below, day(18)).is_some());
    }

    #[test]
    fn backoff_doubles_up_to_a_cap_and_statuses_are_judged() {
        let base = Duration::from_secs(5);
        assert_eq!(backoff(base, 1), Duration::from_secs(5));
        assert_eq!(backoff(base, 2), Duration::from_secs(10));
        assert_eq!(backoff(base, 4), Duration::from_secs(40));
        assert_eq!(backoff(base, 40), MAX_BACKOFF);
        assert_eq!(judge_status(204), Attempt::Delivered);
        for status in [408, 429, 500, 503] {
            assert!(matches!(judge_status(status), Attempt::Retry(_)), "{status}");
        }
        for status in [301, 400, 404, 410] {
            assert!(matches!(judge_status(status), Attempt::GiveUp(_)), "{status}");
        }
    }
}
