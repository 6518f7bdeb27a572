//! `/api/v1/members/{member}/advice`, `/plan` and `/impact`: what to do next and what holds
//! the score back, what a weekly plan would bring, and which activities go together with
//! pillar changes — `ssi_core::advice` over what the store holds of the member.
//!
//! The advice functions simulate and scan the member's whole history, so they run on the
//! blocking pool with the store reads that feed them, and the advice is computed once per
//! version of the database: the rendered answer stays in the answer cache ([`crate::cache`])
//! until anything is written (an import, a push, a reading, a model change, the daily job,
//! by this server or another process), and the member page reads it from there too.

use super::{JsonBody, member_for};
use crate::auth::{Access, Principal};
use crate::cache::{Answer, AnswerKey, DataVersion};
use crate::error::ApiError;
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use crate::wire::{AdviceView, DateQuery, ImpactView, PlanQuery, PlanView, RangeQuery};
use axum::extract::State;
use chrono::NaiveDate;
use serde_json::Value;
use ssi_core::advice::{
    Advice, Warning, WeeklyPlan, activity_impact, mistakes, next_best_actions, project_plan,
};
use ssi_store::{Backend, ImpactInputs, Member, MemberId, ScoringInputs, StoreError};

/// Days a plan is projected when the request does not say.
pub(crate) const DEFAULT_PLAN_DAYS: u32 = 90;

/// Longest projection the server computes, in days.
pub(crate) const MAX_PLAN_DAYS: u32 = 365;

/// The member's scoring inputs from the store; `None` when the server holds neither events
/// nor a profile (a member whose scores were only pushed from a CLI: pushes carry numbers,
/// not activity).
fn activity_of(store: &dyn Backend, member: MemberId) -> Result<Option<ScoringInputs>, StoreError> {
    Ok(Some(store.scoring_inputs(member)?).filter(ScoringInputs::has_activity))
}

/// The next best actions and the mistake warnings as of `today`; `None` without activity.
pub(crate) fn advice_for(
    store: &dyn Backend,
    member: MemberId,
    today: NaiveDate,
) -> Result<Option<(Advice, Vec<Warning>)>, StoreError> {
    Ok(activity_of(store, member)?.map(|a| {
        let advice = next_best_actions(&a.model, &a.profiles, &a.events, today);
        let warnings = mistakes(&a.model, &a.profiles, &a.events, today);
        (advice, warnings)
    }))
}

/// The day advice asked for `day` starts from: the member's horizon when that is earlier.
pub(crate) fn as_of(member: &ssi_store::Member, day: NaiveDate) -> NaiveDate {
    member.horizon.map_or(day, |h| day.min(h.day))
}

fn no_activity() -> ApiError {
    ApiError::NotFound(
        "the server holds no activity of this member: upload their LinkedIn export \
         (scores pushed from the CLI carry no activity)"
            .into(),
    )
}

/// Bytes reserved for an advice answer before it is written (eleven actions and a few
/// warnings take about 8 KiB).
const ADVICE_SIZE_HINT: usize = 12 * 1024;

/// The member's [`AdviceView`] asked for on `asked` (it starts at the member's horizon when
/// that is earlier) at database `version`: from the answer cache, or computed on the
/// blocking pool and cached. `None` when the server holds no activity of the member. The
/// caller has checked the access to `member`.
pub(crate) async fn advice_view(
    state: &AppState,
    version: i64,
    member: Member,
    asked: NaiveDate,
) -> Result<Option<AdviceView>, ApiError> {
    let key = AnswerKey::Advice { member: member.id, date: asked };
    if let Some(answer) = state.caches.answer(version, &key) {
        return serde_json::from_slice(&answer.body).map(Some).map_err(ApiError::internal);
    }
    Ok(compute_advice(state, version, member, asked).await?.map(|(view, _)| view))
}

/// Simulates the member's advice from their horizon (or `asked`, when earlier) on the
/// blocking pool, counts the simulation and remembers the rendered answer for `version`:
/// the one computation behind the advice endpoint and the member page.
async fn compute_advice(
    state: &AppState,
    version: i64,
    member: Member,
    asked: NaiveDate,
) -> Result<Option<(AdviceView, JsonBody)>, ApiError> {
    let today = as_of(&member, asked);
    let id = member.id;
    let metrics = state.metrics.clone();
    let computed = state
        .blocking(move |store| {
            let Some((advice, warnings)) = advice_for(store, id, today)? else { return Ok(None) };
            metrics.advice_computed();
            let view = AdviceView { member: id.0, advice, warnings };
            let body = JsonBody::render(&view, ADVICE_SIZE_HINT)?;
            Ok(Some((view, body)))
        })
        .await?;
    if let Some((_, body)) = &computed {
        let key = AnswerKey::Advice { member: member.id, date: asked };
        state.caches.remember_answer(version, key, Answer { body: body.0.clone(), member: Some(member) });
    }
    Ok(computed)
}

/// `GET /api/v1/members/{member}/advice?date=`: the member, the team's manager or an admin.
///
/// Served from the answer cache while the database has not changed since the advice was
/// computed; the caller's access to the member is checked first either way, against the
/// member as stored at that version.
pub(crate) async fn get(
    State(state): State<AppState>,
    principal: Principal,
    DataVersion(version): DataVersion,
    Path(id): Path<i64>,
    Query(query): Query<DateQuery>,
) -> Result<JsonBody, ApiError> {
    let asked = state.day_asked(query.date)?;
    let key = AnswerKey::Advice { member: MemberId(id), date: asked };
    if let Some(answer) = state.caches.answer(version, &key)
        && let Some(member) = &answer.member
    {
        principal.check_member(member, Access::MemberReader)?;
        return Ok(JsonBody(answer.body));
    }
    let member = member_for(&state, &principal, id, Access::MemberReader).await?;
    let (_, body) = compute_advice(&state, version, member, asked).await?.ok_or_else(no_activity)?;
    Ok(body)
}

/// Reads a plan body: a [`WeeklyPlan`] that may also carry `days`, with the `days` query
/// parameter as the alternative. Returns the plan and the days to project (checked 1–365).
pub(crate) fn parse_plan(body: Value, query_days: Option<u32>) -> Result<(WeeklyPlan, u32), ApiError> {
    let Value::Object(mut fields) = body else {
        return Err(ApiError::Unprocessable("the plan must be a JSON object of weekly counts".into()));
    };
    let body_days = match fields.remove("days") {
        None | Some(Value::Null) => None,
        Some(value) => Some(value.as_u64().and_then(|d| u32::try_from(d).ok()).ok_or_else(|| {
            ApiError::Unprocessable(format!("days must be a whole number of days, not {value}"))
        })?),
    };
    let days = match (body_days, query_days) {
        (Some(body), Some(query)) if body != query => {
            return Err(ApiError::Unprocessable(format!(
                "days is {body} in the body but {query} in the query; give it once"
            )));
        }
        (body, query) => body.or(query).unwrap_or(DEFAULT_PLAN_DAYS),
    };
    if !(1..=MAX_PLAN_DAYS).contains(&days) {
        return Err(ApiError::Unprocessable(format!("days must be 1–{MAX_PLAN_DAYS}, not {days}")));
    }
    let plan: WeeklyPlan = serde_json::from_value(Value::Object(fields))
        .map_err(|e| ApiError::Unprocessable(format!("plan: {e}")))?;
    Ok((plan, days))
}

/// `POST /api/v1/members/{member}/plan?days=`: the member, the team's manager or an admin.
/// A plan the library refuses (more than 7 active days, more than 200 of anything a week)
/// is answered 422 with its message.
pub(crate) async fn plan(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<PlanQuery>,
    Json(body): Json<Value>,
) -> Result<axum::Json<PlanView>, ApiError> {
    let member = member_for(&state, &principal, id, Access::MemberReader).await?;
    let (plan, days) = parse_plan(body, query.days)?;
    let today = as_of(&member, state.today());
    let projection = state
        .db(move |store| {
            Ok(activity_of(store, member.id)?
                .map(|a| project_plan(&a.model, &a.profiles, &a.events, today, &plan, days)))
        })
        .await?
        .ok_or_else(no_activity)?
        .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    Ok(axum::Json(PlanView { member: member.id.0, projection }))
}

/// `GET /api/v1/members/{member}/impact?from=&to=`: the member, the team's manager or an
/// admin. The series is the one [`ssi_core::advice::choose_impact_series`] picks (official
/// readings when they give at least `ssi_core::advice::impact::MIN_TRANSITIONS` day-to-day changes, else
/// ssi's estimate), as `ssi impact` does; a series too short for either is answered 422.
pub(crate) async fn get_impact(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<RangeQuery>,
) -> Result<axum::Json<ImpactView>, ApiError> {
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(ApiError::BadRequest(format!("from={from} is after to={to}")));
    }
    let member = member_for(&state, &principal, id, Access::MemberReader).await?;
    let (from, to) = (query.from, query.to);
    let ImpactInputs { series, counts } =
        state.db(move |store| store.impact_inputs(member.id, from, to)).await?;
    let (source, official_transitions, source_note) =
        (series.source, series.official_transitions, series.reason);
    let refusal_context = source_note.clone();
    let report = tokio::task::spawn_blocking(move || activity_impact(&series.series, &counts, source))
        .await?
        .map_err(|e| ApiError::Unprocessable(format!("{e} ({refusal_context})")))?;
    Ok(axum::Json(ImpactView { member: member.id.0, official_transitions, source_note, report }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(error: ApiError) -> String {
        match error {
            ApiError::Unprocessable(message) => message,
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn a_plan_takes_its_days_from_the_body_or_the_query_within_bounds() {
        let (plan, days) = parse_plan(json!({"posts": 2, "reply_to_all": true}), None).unwrap();
        assert_eq!((plan.posts, plan.reply_to_all, plan.comments, days), (2, true, 0, DEFAULT_PLAN_DAYS));
        assert_eq!(parse_plan(json!({"days": 30}), None).unwrap().1, 30);
        assert_eq!(parse_plan(json!({}), Some(120)).unwrap().1, 120);
        assert_eq!(parse_plan(json!({"days": 60}), Some(60)).unwrap().1, 60, "the same twice is fine");
        assert!(message(parse_plan(json!({"days": 60}), Some(61)).unwrap_err()).contains("give it once"));
        assert!(message(parse_plan(json!({"days": 0}), None).unwrap_err()).contains("1–365"));
        assert!(message(parse_plan(json!({}), Some(366)).unwrap_err()).contains("1–365"));
        assert!(message(parse_plan(json!({"days": "ten"}), None).unwrap_err()).contains("whole number"));
        assert!(message(parse_plan(json!({"colour": 1}), None).unwrap_err()).contains("colour"));
        assert!(message(parse_plan(json!({"posts": -1}), None).unwrap_err()).contains("plan"));
        assert!(message(parse_plan(json!([1, 2]), None).unwrap_err()).contains("object"));
    }
}
