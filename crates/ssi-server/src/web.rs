//! The dashboard's templates (minijinja, HTML-escaped by default) and the plain view
//! models they render: every number is formatted here, in Rust, so templates only place
//! strings.

use crate::error::ApiError;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use serde::Serialize;

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
pub const STYLESHEET: &str = include_str!("../assets/style.css");

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
pub struct LoginContext<'a> {
    /// Always absent (nobody is signed in).
    pub viewer: Option<&'a ViewerContext>,
    /// Why the last attempt failed.
    pub message: Option<String>,
}

/// Context of the error page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorContext<'a> {
    /// The signed-in viewer, if any.
    pub viewer: Option<&'a ViewerContext>,
    /// "403 Forbidden".
    pub status: String,
    /// The message.
    pub message: String,
}

/// A team reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamRef {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// Context of the start page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexContext<'a> {
    /// The viewer.
    pub viewer: Option<&'a ViewerContext>,
    /// Teams the viewer may open.
    pub teams: Vec<TeamRef>,
}

/// One leaderboard row, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowContext {
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
    /// Same over 30 days.
    pub change_30d: String,
}

/// A mover, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoverContext {
    /// Name.
    pub name: String,
    /// Signed change.
    pub change: String,
}

/// An industry comparison, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndustryContext {
    /// Industry name.
    pub name: String,
    /// Scored members in it.
    pub members: usize,
    /// Average total.
    pub average_total: String,
}

/// Context of the team page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamContext<'a> {
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
    /// The summary threshold.
    pub threshold: String,
    /// Rows below the threshold.
    pub below: Vec<RowContext>,
    /// Biggest 7-day movers.
    pub movers: Vec<MoverContext>,
    /// Names of members with no score.
    pub unscored: Vec<String>,
}

/// A member reference on the member page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberRef {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Industry.
    pub industry: Option<String>,
}

/// The score block of the member page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreContext {
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
}

/// One benchmark line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkLine {
    /// The group.
    pub group: String,
    /// "Top 12% · rank 3 of 25 · average 41.0".
    pub text: String,
}

/// One explanation row, formatted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentContext {
    /// Pillar label.
    pub pillar: String,
    /// Component label.
    pub label: String,
    /// Value with unit.
    pub value: String,
    /// "3.20 / 5.00".
    pub points: String,
    /// The action to earn the rest.
    pub action: String,
}

/// Context of the member page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberContext<'a> {
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
}

/// Formats a change of the total: "+1.2", "−0.4", "0.0" or "—" when unknown.
pub fn signed(change: Option<f64>) -> String {
    match change {
        Some(c) if c > 0.0 => format!("+{c:.1}"),
        Some(c) if c < 0.0 => format!("−{:.1}", c.abs()),
        Some(_) => "0.0".into(),
        None => "—".into(),
    }
}

/// Formats a value with one decimal.
pub fn one_decimal(value: f64) -> String {
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
    }
}
