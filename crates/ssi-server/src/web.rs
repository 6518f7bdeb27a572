//! The dashboard's templates (minijinja, HTML-escaped by default) and the plain view
//! models they render: every number is formatted here, in Rust, so templates only place
//! strings.

use crate::error::ApiError;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use serde::Serialize;
use ssi_core::advice::{ActionGain, EvidenceValue, Severity, Warning};

/// The embedded templates, by name.
const TEMPLATES: [(&str, &str); 6] = [
    ("base.html", include_str!("../templates/base.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("team.html", include_str!("../templates/team.html")),
    ("member.html", include_str!("../templates/member.html")),
];

/// The dashboard stylesheet, served at `/assets/style.css`.
pub(crate) const STYLESHEET: &str = include_str!("../assets/style.css");

/// The template environment.
pub struct Templates {
    env: Environment<'static>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").finish_non_exhaustive()
    }
}

impl Default for Templates {
    fn default() -> Self {
        Templates::new()
    }
}

impl Templates {
    /// Loads the embedded templates. Names ending in `.html` are auto-escaped.
    pub fn new() -> Templates {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // The templates are compiled into the binary and parsed by a unit test, so a
            // syntax error here is a build defect, not a runtime condition.
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(%error, template = name, "embedded template does not parse");
            }
        }
        Templates { env }
    }

    /// Renders a template with a context.
    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, ApiError> {
        let template = self.env.get_template(name).map_err(ApiError::internal)?;
        template.render(context).map_err(ApiError::internal)
    }

    /// An HTML response of a template with a status; a rendering failure becomes a plain 500.
    pub fn page(&self, status: StatusCode, name: &str, context: impl Serialize) -> Response {
        match self.render(name, context) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(error) => {
                tracing::error!(%error, template = name, "could not render a page");
                (StatusCode::INTERNAL_SERVER_ERROR, Html("<h1>500</h1><p>The page could not be shown.</p>"))
                    .into_response()
            }
        }
    }

    /// The error page of an API error: its status and its (never internal) message.
    pub fn error_page(&self, viewer: Option<&ViewerContext>, error: &ApiError) -> Response {
        let status = error.status();
        if status.is_server_error() {
            tracing::error!(%error, "page failed");
        }
        if status == StatusCode::UNAUTHORIZED {
            return self.page(status, "login.html", LoginContext { viewer: None, message: None });
        }
        let context = ErrorContext {
            viewer,
            status: format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("")),
            message: error.body().message,
        };
        self.page(status, "error.html", context)
    }
}

/// A navigation link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// Target.
    pub href: String,
    /// Text.
    pub label: String,
}

/// Who is signed in, for the page header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewerContext {
    /// "admin", "manager of Sales", "Alice".
    pub label: String,
    /// Navigation links.
    pub links: Vec<Link>,
}

/// Context of the sign-in page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct LoginContext<'a> {
    /// Always absent (nobody is signed in).
    pub viewer: Option<&'a ViewerContext>,
    /// Why the last attempt failed.
    pub message: Option<String>,
}

/// Context of the error page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ErrorContext<'a> {
    /// The signed-in viewer, if any.
    pub viewer: Option<&'a ViewerContext>,
    /// "403 Forbidden".
    pub status: String,
    /// The message.
    pub message: String,
}

/// A team reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TeamRef {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// Context of the start page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct IndexContext<'a> {
    /// The viewer.
    pub viewer: Option<&'a ViewerContext>,
    /// Teams the viewer may open but does not manage.
    pub teams: Vec<TeamRef>,
    /// Teams the viewer manages, at a glance.
    pub managed: Vec<TeamOverview>,
}

/// A managed team on the start page: its average, the average's trend and who needs
/// attention.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TeamOverview {
    /// The team.
    pub team: TeamRef,
    /// "4 scored members".
    pub scored: String,
    /// Average total, one decimal, or "—".
    pub average: String,
    /// Change of the average over 7 days, signed, or "—".
    pub trend: String,
    /// `up`, `down` or empty: the trend's colour.
    pub trend_class: String,
    /// Members who need attention, each once, with every reason.
    pub attention: Vec<AttentionLine>,
}

/// A member who needs attention and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct AttentionLine {
    /// Member id.
    pub member: i64,
    /// Name.
    pub name: String,
    /// "fell 2.3 in 7 days · below 40.0 · no data for 23 days".
    pub reasons: String,
}

/// One leaderboard row, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RowContext {
    /// "no data for 23 days" when the member's data is stale; empty otherwise.
    pub stale_note: String,
    /// Rank.
    pub rank: u32,
    /// Member id.
    pub member: i64,
    /// Member name.
    pub name: String,
    /// Whether the viewer may open the member's page.
    pub link: bool,
    /// Total as shown.
    pub shown_total: u32,
    /// Band, as a CSS class.
    pub band: String,
    /// Band label.
    pub band_label: String,
    /// Pillars, one decimal.
    pub brand: String,
    /// Pillar.
    pub people: String,
    /// Pillar.
    pub insights: String,
    /// Pillar.
    pub relationships: String,
    /// "+1.2", "−0.4" or "—".
    pub change_7d: String,
    /// `up`, `down` or empty: the 7-day change's colour.
    pub change_7d_class: String,
    /// Same over 30 days.
    pub change_30d: String,
    /// `up`, `down` or empty.
    pub change_30d_class: String,
    /// The weakest pillar's label: where the member has most to gain.
    pub weakest: String,
    /// For a manager, the member's best next step with its gain in 30 days; empty when the
    /// server holds no activity of the member or no step shows a gain.
    pub best_step: String,
}

/// A mover, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct MoverContext {
    /// Name.
    pub name: String,
    /// Signed change.
    pub change: String,
    /// `up`, `down` or empty.
    pub change_class: String,
}

/// An industry comparison, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct IndustryContext {
    /// Industry name.
    pub name: String,
    /// Scored members in it.
    pub members: usize,
    /// Average total.
    pub average_total: String,
}

/// Context of the team page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TeamContext<'a> {
    /// The viewer.
    pub viewer: Option<&'a ViewerContext>,
    /// The team.
    pub team: TeamRef,
    /// The day.
    pub date: String,
    /// Team average total.
    pub average_total: Option<String>,
    /// Leaderboard.
    pub rows: Vec<RowContext>,
    /// Team pillars against the industry, as SVG.
    pub pillar_chart: Option<String>,
    /// The industry compared with.
    pub industry: Option<IndustryContext>,
    /// Band distribution, as SVG.
    pub band_chart: String,
    /// Whether the viewer manages the team (and sees each member's best next step).
    pub manages: bool,
    /// The summary threshold.
    pub threshold: String,
    /// Rows below the threshold.
    pub below: Vec<RowContext>,
    /// Rows of members whose data is stale (oldest first); never movers.
    pub stale: Vec<RowContext>,
    /// Biggest 7-day movers.
    pub movers: Vec<MoverContext>,
    /// Names of members with no score.
    pub unscored: Vec<String>,
}

/// A member reference on the member page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct MemberRef {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Industry.
    pub industry: Option<String>,
}

/// The score block of the member page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ScoreContext {
    /// Total as shown.
    pub shown_total: u32,
    /// Band CSS class.
    pub band: String,
    /// Band label.
    pub band_label: String,
    /// Day scored.
    pub date: String,
    /// Model version.
    pub model_version: String,
    /// Weakest pillar's label.
    pub weakest: String,
    /// Change of the total over the 7 days before the score's day, signed, or "—".
    pub change_7d: String,
    /// `up`, `down` or empty.
    pub change_7d_class: String,
    /// Same over 30 days.
    pub change_30d: String,
    /// `up`, `down` or empty.
    pub change_30d_class: String,
    /// "as of 2026-11-20 (export, 15 days old)": the day shown and the data's age.
    pub as_of: String,
    /// When the data is stale: what to do about it.
    pub stale_message: Option<String>,
}

/// One benchmark line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct BenchmarkLine {
    /// The group.
    pub group: String,
    /// "Top 12% · rank 3 of 25 · average 41.0".
    pub text: String,
}

/// One explanation row, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ComponentContext {
    /// Pillar label.
    pub pillar: String,
    /// Component label.
    pub label: String,
    /// Value with unit.
    pub value: String,
    /// "3.2 of 5".
    pub points: String,
    /// The action to earn the rest.
    pub action: String,
}

/// Context of the member page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct MemberContext<'a> {
    /// The viewer.
    pub viewer: Option<&'a ViewerContext>,
    /// The member.
    pub member: MemberRef,
    /// The member's team.
    pub team: Option<TeamRef>,
    /// The score, if any.
    pub score: Option<ScoreContext>,
    /// Pillar bars, as SVG.
    pub pillar_chart: Option<String>,
    /// History, as SVG.
    pub history_chart: String,
    /// Benchmark lines.
    pub benchmarks: Vec<BenchmarkLine>,
    /// Explanation rows, biggest gap first.
    pub components: Vec<ComponentContext>,
    /// Whether the server holds the member's activity (advice needs it).
    pub has_activity: bool,
    /// Mistake warnings, most severe first.
    pub warnings: Vec<WarningContext>,
    /// The advice summary (weakest pillar, best step).
    pub advice_summary: Option<String>,
    /// The best next actions (at most [`TOP_ACTIONS`]).
    pub actions: Vec<ActionContext>,
    /// Engagement received, followers and top posts, from the creator
    /// analytics workbook; `None` for a member who never uploaded one.
    pub creator: Option<CreatorContext>,
}

/// How many posts the member page lists.
pub(crate) const TOP_POSTS: usize = 10;

/// The member's creator analytics, formatted for the member page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CreatorContext {
    /// "781 followers" or "followers unknown".
    pub followers: String,
    /// "+91 followers, 714 engagements received, 28063 impressions in 90 days".
    pub recent: String,
    /// The last day the workbooks report.
    pub last_day: String,
    /// The posts with most engagements (at most [`TOP_POSTS`]).
    pub posts: Vec<PostLine>,
    /// "Text posts earn most: 84.7 engagements per post (6 posts)".
    pub best_form: Option<String>,
}

/// One post on the member page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PostLine {
    /// Its day, or "-".
    pub published: String,
    /// text, article, link, media or "?" (not in the export).
    pub kind: String,
    /// Engagements, or "-".
    pub engagements: String,
    /// Impressions, or "-".
    pub impressions: String,
}

impl CreatorContext {
    /// The member's creator analytics up to `day`, read from the store; `None` without a workbook.
    pub(crate) fn load(
        store: &ssi_store::Store,
        member: ssi_store::MemberId,
        day: chrono::NaiveDate,
    ) -> Result<Option<CreatorContext>, ssi_store::StoreError> {
        use ssi_core::analytics::{audience_summary, earnings_by_form, join_posts};
        let days = store.analytics_days(member, None, Some(day))?;
        let Some(summary) = audience_summary(&days, &store.follower_totals(member)?, day) else {
            return Ok(None);
        };
        let posts = join_posts(store.post_analytics(member)?, &store.export_posts(member)?);
        let figure = |n: Option<u64>| n.map_or_else(|| "-".to_string(), |n| n.to_string());
        Ok(Some(CreatorContext {
            followers: summary
                .followers
                .map_or_else(|| "followers unknown".into(), |n| format!("{n} followers")),
            recent: format!(
                "+{} followers, {} engagements received, {} impressions in 90 days",
                summary.followers_gained_90_days, summary.engagements_90_days, summary.impressions_90_days
            ),
            last_day: summary.last_reported_day.to_string(),
            best_form: earnings_by_form(&posts).first().map(|best| {
                format!(
                    "{} posts earn most: {} engagements per post ({} posts)",
                    best.form.as_str(),
                    one_decimal(best.mean_engagements),
                    best.posts
                )
            }),
            posts: posts
                .iter()
                .take(TOP_POSTS)
                .map(|p| PostLine {
                    published: p.figures.published.map_or_else(|| "-".into(), |d| d.to_string()),
                    kind: p.form.map_or("?", |f| f.as_str()).to_string(),
                    engagements: figure(p.figures.engagements),
                    impressions: figure(p.figures.impressions),
                })
                .collect(),
        }))
    }
}

/// How many next best actions the member page shows.
pub(crate) const TOP_ACTIONS: usize = 3;

/// One piece of evidence of a warning, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct EvidenceLine {
    /// "pending requests".
    pub name: String,
    /// "12", "40%", "2026-11-02".
    pub value: String,
}

/// One mistake warning, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct WarningContext {
    /// Severity as a CSS class: `info`, `warning` or `critical`.
    pub severity: String,
    /// "Note", "Warning" or "Critical".
    pub severity_label: String,
    /// The warning and what to do.
    pub message: String,
    /// The numbers and dates behind it.
    pub evidence: Vec<EvidenceLine>,
}

/// One next best action, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ActionContext {
    /// What to do.
    pub description: String,
    /// "+1.8 points" (in the advice's 30 days).
    pub gain: String,
    /// "5 minutes a week", "30 seconds a week" or "15 minutes once".
    pub effort: String,
    /// The whole line of advice.
    pub message: String,
}

impl WarningContext {
    /// The view of a warning: evidence names in words, shares as percentages.
    pub(crate) fn new(warning: &Warning) -> WarningContext {
        let (severity, severity_label) = match warning.severity {
            Severity::Info => ("info", "Note"),
            Severity::Warning => ("warning", "Warning"),
            Severity::Critical => ("critical", "Critical"),
        };
        WarningContext {
            severity: severity.into(),
            severity_label: severity_label.into(),
            message: warning.message.clone(),
            evidence: warning
                .evidence
                .iter()
                .map(|(name, value)| EvidenceLine {
                    name: name.replace('_', " "),
                    value: evidence_value(name, value),
                })
                .collect(),
        }
    }
}

/// Whether an evidence value named so is a share of one (shown as a percentage).
fn is_share(name: &str) -> bool {
    name.ends_with("_rate")
        || name.starts_with("share_")
        || name.ends_with("_share")
        || name == "completeness"
}

fn evidence_value(name: &str, value: &EvidenceValue) -> String {
    match value {
        EvidenceValue::Count(n) => n.to_string(),
        EvidenceValue::Number(x) if is_share(name) => format!("{:.0}%", x * 100.0),
        EvidenceValue::Number(x) if x.fract() == 0.0 && x.abs() < 1e12 => format!("{x:.0}"),
        // Points and scores read with one decimal, as everywhere else on the page.
        EvidenceValue::Number(x) => format!("{x:.1}"),
        EvidenceValue::Date(d) => d.to_string(),
        EvidenceValue::Text(t) => t.clone(),
    }
}

impl ActionContext {
    /// The view of an action's expected gain.
    pub(crate) fn new(gain: &ActionGain) -> ActionContext {
        let effort = match gain.minutes_per_week {
            Some(minutes) => format!("{} a week", duration_words(minutes)),
            None => format!("{} once", duration_words(gain.minutes_total)),
        };
        ActionContext {
            description: gain.description.clone(),
            gain: format!("{} points", signed(Some(gain.total_gain))),
            effort,
            message: gain.message.clone(),
        }
    }
}

/// "30 seconds", "1 minute", "2.5 minutes".
fn duration_words(minutes: f64) -> String {
    if minutes < 1.0 {
        let seconds = (minutes * 60.0).round();
        format!("{seconds:.0} second{}", if seconds == 1.0 { "" } else { "s" })
    } else if minutes == 1.0 {
        "1 minute".into()
    } else if minutes.fract() == 0.0 {
        format!("{minutes:.0} minutes")
    } else {
        format!("{minutes:.1} minutes")
    }
}

/// Formats a change of the total: "+1.2", "−0.4", "0.0" or "—" when unknown.
pub(crate) fn signed(change: Option<f64>) -> String {
    match change {
        Some(c) if c > 0.0 => format!("+{c:.1}"),
        Some(c) if c < 0.0 => format!("−{:.1}", c.abs()),
        Some(_) => "0.0".into(),
        None => "—".into(),
    }
}

/// The CSS class colouring a change: `up`, `down`, or empty when it is unknown or shows as
/// 0.0.
pub(crate) fn change_class(change: Option<f64>) -> String {
    match change {
        Some(c) if c >= 0.05 => "up".into(),
        Some(c) if c <= -0.05 => "down".into(),
        _ => String::new(),
    }
}

/// "3.6 of 8", "0.5 of 2.5": points earned out of the points possible, without trailing
/// zeros on the possible.
pub(crate) fn points_of(points: f64, possible: f64) -> String {
    let possible = format!("{possible:.1}");
    format!("{points:.1} of {}", possible.strip_suffix(".0").unwrap_or(&possible))
}

/// Formats a value with one decimal.
pub(crate) fn one_decimal(value: f64) -> String {
    format!("{value:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_escapes() {
        let templates = Templates::new();
        for (name, _) in TEMPLATES {
            assert!(templates.env.get_template(name).is_ok(), "{name} does not parse");
        }
        let viewer = ViewerContext {
            label: "<b>admin</b>".into(),
            links: vec![Link { href: "/".into(), label: "Teams".into() }],
        };
        let html = templates
            .render(
                "error.html",
                ErrorContext {
                    viewer: Some(&viewer),
                    status: "404 Not Found".into(),
                    message: "<script>x</script>".into(),
                },
            )
            .unwrap();
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;b&gt;admin"), "{html}");
        assert!(html.contains(r#"href="/assets/style.css""#));
    }

    #[test]
    fn changes_are_signed() {
        assert_eq!(signed(Some(1.26)), "+1.3");
        assert_eq!(signed(Some(-0.44)), "−0.4");
        assert_eq!(signed(Some(0.0)), "0.0");
        assert_eq!(signed(None), "—");
        assert_eq!(change_class(Some(-0.44)), "down");
        assert_eq!(change_class(Some(0.3)), "up");
        assert_eq!(change_class(Some(0.01)), "", "a change shown as 0.0 is not coloured");
        assert_eq!(change_class(None), "");
        assert_eq!(points_of(3.58, 8.0), "3.6 of 8");
        assert_eq!(points_of(0.5, 2.5), "0.5 of 2.5");
    }

    #[test]
    fn warnings_and_actions_are_formatted_and_escaped_on_the_member_page() {
        use chrono::NaiveDate;
        use ssi_core::advice::WarningKind;
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let warning = Warning {
            kind: WarningKind::ImpersonalRequests,
            severity: Severity::Warning,
            message: "Add a note <script>alert(1)</script>".into(),
            evidence: [
                ("acceptance_rate".to_string(), EvidenceValue::Number(0.25)),
                ("pending_requests".to_string(), EvidenceValue::Count(12)),
                ("from".to_string(), EvidenceValue::Date(day)),
                ("points".to_string(), EvidenceValue::Number(1.234)),
                ("sections".to_string(), EvidenceValue::Text("<b>photo</b>".into())),
            ]
            .into_iter()
            .collect(),
        };
        let context = WarningContext::new(&warning);
        let shown: Vec<(&str, &str)> =
            context.evidence.iter().map(|e| (e.name.as_str(), e.value.as_str())).collect();
        assert_eq!(
            shown,
            [
                ("acceptance rate", "25%"),
                ("from", "2026-11-20"),
                ("pending requests", "12"),
                ("points", "1.2"),
                ("sections", "<b>photo</b>"),
            ]
        );
        assert_eq!((context.severity.as_str(), context.severity_label.as_str()), ("warning", "Warning"));
        assert_eq!(duration_words(0.5), "30 seconds");
        assert_eq!(duration_words(1.0), "1 minute");
        assert_eq!(duration_words(2.5), "2.5 minutes");
        let page = MemberContext {
            viewer: None,
            member: MemberRef { id: 1, name: "Alice".into(), industry: None },
            team: None,
            score: None,
            pillar_chart: None,
            history_chart: String::new(),
            benchmarks: Vec::new(),
            components: Vec::new(),
            has_activity: true,
            warnings: vec![context],
            advice_summary: Some("Your weakest pillar is <i>x</i>".into()),
            actions: vec![ActionContext {
                description: "react to 1 more post a week".into(),
                gain: "+1.7 points".into(),
                effort: "30 seconds a week".into(),
                message: String::new(),
            }],
            creator: None,
        };
        let html = Templates::new().render("member.html", page).unwrap();
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<b>photo") && !html.contains("<i>x"), "{html}");
        assert!(html.contains("<dt>acceptance rate</dt><dd>25%</dd>"), "{html}");
        assert!(html.contains("+1.7 points"), "{html}");
    }
}
