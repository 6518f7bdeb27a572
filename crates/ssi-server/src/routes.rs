//! The one route table: every route of the server as data ([`ROUTES`]). It builds the
//! router ([`crate::app`]), generates the OpenAPI document ([`crate::openapi`]) and feeds
//! the authorisation matrix test, so a route cannot exist without being documented and
//! tested.

use crate::auth::Access;
use crate::handlers::{
    advice, benchmarks, exports, health, jobs, me, members, pages, push, readings, scores, session, teams,
    tokens,
};
use crate::openapi::{SchemaFn, schema};
use crate::state::AppState;
use crate::wire;
use axum::routing::{MethodFilter, MethodRouter, on};

/// An HTTP method of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Verb {
    /// The axum method filter.
    pub fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Patch => MethodFilter::PATCH,
            Verb::Delete => MethodFilter::DELETE,
        }
    }

    /// The method's name, upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }

    /// The method's name, lower case (OpenAPI path item keys).
    pub fn as_lower(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
        }
    }
}

/// The OpenAPI tag of a route: the resource it belongs to, `dashboard` for the web pages or
/// `operations` for probes, metrics and the document itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// Health, readiness, metrics and the OpenAPI document.
    Operations,
    /// API tokens and the caller's identity.
    Tokens,
    /// Teams, their leaderboards and summaries.
    Teams,
    /// Members.
    Members,
    /// A member's scores, history, explanation and benchmark.
    Scores,
    /// Next best actions, plans and activity impact.
    Advice,
    /// Official readings.
    Readings,
    /// Export uploads and their jobs.
    Imports,
    /// Scores pushed from a member's CLI.
    Push,
    /// The web dashboard.
    Dashboard,
}

impl Tag {
    /// The tag's name in the OpenAPI document.
    pub fn name(self) -> &'static str {
        match self {
            Tag::Operations => "operations",
            Tag::Tokens => "tokens",
            Tag::Teams => "teams",
            Tag::Members => "members",
            Tag::Scores => "scores",
            Tag::Advice => "advice",
            Tag::Readings => "readings",
            Tag::Imports => "imports",
            Tag::Push => "push",
            Tag::Dashboard => "dashboard",
        }
    }
}

/// A route's request body.
#[derive(Debug, Clone, Copy)]
pub enum RequestBody {
    /// No body.
    None,
    /// A JSON body of this schema (size-limited by `max_body_bytes`).
    Json(SchemaFn),
    /// A form (`application/x-www-form-urlencoded`) of this schema.
    Form(SchemaFn),
    /// An export archive, streamed (size-limited by `max_upload_bytes`).
    Zip,
}

/// A route's successful answer.
#[derive(Debug, Clone, Copy)]
pub enum ResponseBody {
    /// JSON with this status and schema.
    Json(u16, SchemaFn),
    /// `204 No Content`.
    NoContent,
    /// An HTML page.
    Html,
    /// Text of this content type.
    Text(&'static str),
    /// The stylesheet.
    Css,
    /// `303 See Other`.
    Redirect,
}

/// An answer a route gives beyond those its shape implies. The OpenAPI document derives
/// 400 from query parameters, 401/403/429 from access, 404 from path parameters and
/// 400/408/413/415/422 from a body; these name the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Also {
    /// 409: the name is already taken.
    NameTaken,
    /// 404: the body names a team or member that does not exist.
    UnknownReference,
    /// 422: the parameters parse, but the data cannot answer them (too few days, …).
    Unprocessable,
    /// 503: the server is shutting down or cannot work (missing upload folder, …).
    Unavailable,
}

/// One row of the route table.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    /// The method.
    pub method: Verb,
    /// The path, with `{name}` parameters (axum and OpenAPI share the syntax).
    pub path: &'static str,
    /// One line saying what it does.
    pub summary: &'static str,
    /// The OpenAPI tag: the resource the route belongs to.
    pub tag: Tag,
    /// Who may call it.
    pub access: Access,
    /// Query parameters, as the schema of a struct.
    pub query: Option<SchemaFn>,
    /// The request body.
    pub body: RequestBody,
    /// The successful answer.
    pub response: ResponseBody,
    /// Answers beyond those implied by the rest of the row.
    pub also: &'static [Also],
    /// Builds the method router of the handler for a method filter.
    pub handler: fn(MethodFilter) -> MethodRouter<AppState>,
}

impl RouteSpec {
    /// A stable operation id, e.g. `get_api_v1_teams_team_leaderboard`.
    pub fn operation_id(&self) -> String {
        let path: String = self
            .path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
            .collect();
        let path = path.split('_').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("_");
        format!("{}_{}", self.method.as_lower(), if path.is_empty() { "root" } else { &path })
    }

    /// Whether the route streams a large upload (longer timeout, no JSON body limit).
    pub fn is_upload(&self) -> bool {
        matches!(self.body, RequestBody::Zip)
    }
}

/// Shorthand for a JSON response of `T` with a status.
const fn json<T: schemars::JsonSchema>(status: u16) -> ResponseBody {
    ResponseBody::Json(status, schema::<T>)
}

/// Every route of the server.
pub const ROUTES: &[RouteSpec] = &[
    // Operations.
    RouteSpec {
        method: Verb::Get,
        path: "/healthz",
        summary: "Liveness: the process answers",
        tag: Tag::Operations,
        access: Access::Public,
        query: None,
        body: RequestBody::None,
        response: json::<wire::Health>(200),
        also: &[],
        handler: |m| on(m, health::live),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/readyz",
        summary: "Readiness: the database answers and the server is not shutting down",
        tag: Tag::Operations,
        access: Access::Public,
        query: None,
        body: RequestBody::None,
        response: json::<wire::Health>(200),
        also: &[Also::Unavailable],
        handler: |m| on(m, health::ready),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/metrics",
        summary: "Prometheus metrics: requests by route and status, latency, imports, daily runs",
        tag: Tag::Operations,
        access: Access::Public,
        query: None,
        body: RequestBody::None,
        response: ResponseBody::Text(health::METRICS_CONTENT_TYPE),
        also: &[],
        handler: |m| on(m, health::metrics),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/openapi.json",
        summary: "This API's OpenAPI 3.1 document, generated from the route table",
        tag: Tag::Operations,
        access: Access::Public,
        query: None,
        body: RequestBody::None,
        response: json::<serde_json::Map<String, serde_json::Value>>(200),
        also: &[],
        handler: |m| on(m, health::openapi),
    },
    // Tokens and identity.
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/me",
        summary: "Who the token belongs to",
        tag: Tag::Tokens,
        access: Access::AnyToken,
        query: None,
        body: RequestBody::None,
        response: json::<wire::MeView>(200),
        also: &[],
        handler: |m| on(m, me::get),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/tokens",
        summary: "List tokens (never their secrets)",
        tag: Tag::Tokens,
        access: Access::TokenManager,
        query: None,
        body: RequestBody::None,
        response: json::<Vec<wire::TokenView>>(200),
        also: &[],
        handler: |m| on(m, tokens::list),
    },
    RouteSpec {
        method: Verb::Post,
        path: "/api/v1/tokens",
        summary: "Create a token; its secret is shown once, in the answer",
        tag: Tag::Tokens,
        access: Access::TokenManager,
        query: None,
        body: RequestBody::Json(schema::<wire::CreateTokenShape>),
        response: json::<wire::CreatedToken>(201),
        also: &[Also::UnknownReference],
        handler: |m| on(m, tokens::create),
    },
    RouteSpec {
        method: Verb::Delete,
        path: "/api/v1/tokens/{token}",
        summary: "Revoke a token and end its dashboard sessions",
        tag: Tag::Tokens,
        access: Access::TokenManager,
        query: None,
        body: RequestBody::None,
        response: json::<wire::TokenView>(200),
        also: &[],
        handler: |m| on(m, tokens::delete),
    },
    // Teams.
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/teams",
        summary: "List the teams the caller may see",
        tag: Tag::Teams,
        access: Access::AnyToken,
        query: None,
        body: RequestBody::None,
        response: json::<Vec<wire::TeamView>>(200),
        also: &[],
        handler: |m| on(m, teams::list),
    },
    RouteSpec {
        method: Verb::Post,
        path: "/api/v1/teams",
        summary: "Create a team",
        tag: Tag::Teams,
        access: Access::Admin,
        query: None,
        body: RequestBody::Json(schema::<wire::TeamBody>),
        response: json::<wire::TeamView>(201),
        also: &[Also::NameTaken],
        handler: |m| on(m, teams::create),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/teams/{team}",
        summary: "Get a team",
        tag: Tag::Teams,
        access: Access::TeamMember,
        query: None,
        body: RequestBody::None,
        response: json::<wire::TeamView>(200),
        also: &[],
        handler: |m| on(m, teams::get),
    },
    RouteSpec {
        method: Verb::Patch,
        path: "/api/v1/teams/{team}",
        summary: "Rename a team",
        tag: Tag::Teams,
        access: Access::Admin,
        query: None,
        body: RequestBody::Json(schema::<wire::TeamBody>),
        response: json::<wire::TeamView>(200),
        also: &[Also::NameTaken],
        handler: |m| on(m, teams::update),
    },
    RouteSpec {
        method: Verb::Delete,
        path: "/api/v1/teams/{team}",
        summary: "Delete a team (its members stay, without a team)",
        tag: Tag::Teams,
        access: Access::Admin,
        query: None,
        body: RequestBody::None,
        response: ResponseBody::NoContent,
        also: &[],
        handler: |m| on(m, teams::delete),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/teams/{team}/leaderboard",
        summary: "The team's leaderboard: total, pillars, 7- and 30-day change, rank",
        tag: Tag::Teams,
        access: Access::TeamMember,
        query: Some(schema::<wire::DateQuery>),
        body: RequestBody::None,
        response: json::<wire::LeaderboardView>(200),
        also: &[],
        handler: |m| on(m, teams::leaderboard),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/teams/{team}/summary",
        summary: "The team at a glance: averages, bands, movers, members below a threshold",
        tag: Tag::Teams,
        access: Access::TeamManager,
        query: Some(schema::<wire::SummaryQuery>),
        body: RequestBody::None,
        response: json::<wire::SummaryView>(200),
        also: &[],
        handler: |m| on(m, teams::summary),
    },
    // Members.
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/teams/{team}/members",
        summary: "List the team's members",
        tag: Tag::Members,
        access: Access::TeamManager,
        query: None,
        body: RequestBody::None,
        response: json::<Vec<wire::MemberView>>(200),
        also: &[],
        handler: |m| on(m, members::list),
    },
    RouteSpec {
        method: Verb::Post,
        path: "/api/v1/teams/{team}/members",
        summary: "Add a member to the team",
        tag: Tag::Members,
        access: Access::TeamManager,
        query: None,
        body: RequestBody::Json(schema::<wire::CreateMember>),
        response: json::<wire::MemberView>(201),
        also: &[Also::NameTaken],
        handler: |m| on(m, members::create),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/members/{member}",
        summary: "Get a member",
        tag: Tag::Members,
        access: Access::MemberReader,
        query: None,
        body: RequestBody::None,
        response: json::<wire::MemberView>(200),
        also: &[],
        handler: |m| on(m, members::get),
    },
    RouteSpec {
        method: Verb::Patch,
        path: "/api/v1/members/{member}",
        summary: "Rename a member, set their industry, or move them (admin) to another team",
        tag: Tag::Members,
        access: Access::MemberManager,
        query: None,
        body: RequestBody::Json(schema::<wire::UpdateMember>),
        response: json::<wire::MemberView>(200),
        also: &[Also::NameTaken, Also::UnknownReference],
        handler: |m| on(m, members::update),
    },
    RouteSpec {
        method: Verb::Delete,
        path: "/api/v1/members/{member}",
        summary: "Delete a member and all their data",
        tag: Tag::Members,
        access: Access::MemberManager,
        query: None,
        body: RequestBody::None,
        response: ResponseBody::NoContent,
        also: &[],
        handler: |m| on(m, members::delete),
    },
    // Scores.
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/members/{member}/score",
        summary: "The member's score as of a day",
        tag: Tag::Scores,
        access: Access::MemberReader,
        query: Some(schema::<wire::DateQuery>),
        body: RequestBody::None,
        response: json::<wire::ScoreView>(200),
        also: &[],
        handler: |m| on(m, scores::get),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/members/{member}/history",
        summary: "The member's daily estimates beside official readings",
        tag: Tag::Scores,
        access: Access::MemberReader,
        query: Some(schema::<wire::RangeQuery>),
        body: RequestBody::None,
        response: json::<wire::HistoryView>(200),
        also: &[],
        handler: |m| on(m, scores::history),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/members/{member}/explanation",
        summary: "Every component of the score, biggest gap first, with the action that earns the rest",
        tag: Tag::Scores,
        access: Access::MemberReader,
        query: Some(schema::<wire::ExplanationQuery>),
        body: RequestBody::None,
        response: json::<wire::ExplanationView>(200),
        also: &[],
        handler: |m| on(m, scores::explanation),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/members/{member}/benchmark",
        summary: "Industry and team standing (\"Top N%\") beside LinkedIn's own ranks",
        tag: Tag::Scores,
        access: Access::MemberReader,
        query: Some(schema::<wire::DateQuery>),
        body: RequestBody::None,
        response: json::<wire::BenchmarkView>(200),
        also: &[],
        handler: |m| on(m, benchmarks::get),
    },
    // Advice.
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/members/{member}/advice",
        summary: "Next best actions ranked by points per minute, and mistake warnings with their evidence",
        tag: Tag::Advice,
        access: Access::MemberReader,
        query: Some(schema::<wire::DateQuery>),
        body: RequestBody::None,
        response: json::<wire::AdviceView>(200),
        also: &[],
        handler: |m| on(m, advice::get),
    },
    RouteSpec {
        method: Verb::Post,
        path: "/api/v1/members/{member}/plan",
        summary: "Project a weekly plan forward: the daily series and when each band threshold is reached",
        tag: Tag::Advice,
        access: Access::MemberReader,
        query: Some(schema::<wire::PlanQuery>),
        body: RequestBody::Json(schema::<wire::PlanBody>),
        response: json::<wire::PlanView>(200),
        also: &[],
        handler: |m| on(m, advice::plan),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/members/{member}/impact",
        summary: "Which activities go together with later pillar changes (association, not cause)",
        tag: Tag::Advice,
        access: Access::MemberReader,
        query: Some(schema::<wire::RangeQuery>),
        body: RequestBody::None,
        response: json::<wire::ImpactView>(200),
        also: &[Also::Unprocessable],
        handler: |m| on(m, advice::get_impact),
    },
    // Readings.
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/members/{member}/readings",
        summary: "The member's official readings",
        tag: Tag::Readings,
        access: Access::MemberReader,
        query: Some(schema::<wire::RangeQuery>),
        body: RequestBody::None,
        response: json::<wire::ReadingsView>(200),
        also: &[],
        handler: |m| on(m, readings::list),
    },
    RouteSpec {
        method: Verb::Post,
        path: "/api/v1/members/{member}/readings",
        summary: "Add official readings: ssi's shape, or LinkedIn's raw salesApiSsi JSON",
        tag: Tag::Readings,
        access: Access::MemberWriter,
        query: Some(schema::<wire::ReadingQuery>),
        body: RequestBody::Json(schema::<wire::ReadingUpload>),
        response: json::<wire::ReadingsView>(201),
        also: &[],
        handler: |m| on(m, readings::create),
    },
    // Imports.
    RouteSpec {
        method: Verb::Post,
        path: "/api/v1/members/{member}/exports",
        summary: "Upload a LinkedIn data export; it is imported in the background",
        tag: Tag::Imports,
        access: Access::MemberWriter,
        query: Some(schema::<wire::UploadQuery>),
        body: RequestBody::Zip,
        response: json::<wire::JobView>(202),
        also: &[Also::Unavailable],
        handler: |m| on(m, exports::create),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/api/v1/jobs/{job}",
        summary: "Progress and result of an import",
        tag: Tag::Imports,
        access: Access::MemberReader,
        query: None,
        body: RequestBody::None,
        response: json::<wire::JobView>(200),
        also: &[],
        handler: |m| on(m, jobs::get),
    },
    // Push from the CLI.
    RouteSpec {
        method: Verb::Post,
        path: ssi_api::PUSH_PATH,
        summary: "Store daily scores and readings pushed from the member's CLI (`ssi push`)",
        tag: Tag::Push,
        access: Access::MemberToken,
        query: None,
        body: RequestBody::Json(schema::<ssi_api::PushRequest>),
        response: json::<ssi_api::PushResponse>(200),
        also: &[],
        handler: |m| on(m, push::create),
    },
    // Dashboard.
    RouteSpec {
        method: Verb::Get,
        path: "/login",
        summary: "The sign-in form",
        tag: Tag::Dashboard,
        access: Access::Public,
        query: None,
        body: RequestBody::None,
        response: ResponseBody::Html,
        also: &[],
        handler: |m| on(m, session::form),
    },
    RouteSpec {
        method: Verb::Post,
        path: "/login",
        summary: "Exchange a token for a session cookie",
        tag: Tag::Dashboard,
        access: Access::Public,
        query: None,
        body: RequestBody::Form(schema::<wire::LoginForm>),
        response: ResponseBody::Redirect,
        also: &[],
        handler: |m| on(m, session::create),
    },
    RouteSpec {
        method: Verb::Post,
        path: "/logout",
        summary: "End the session",
        tag: Tag::Dashboard,
        access: Access::Session,
        query: None,
        body: RequestBody::None,
        response: ResponseBody::Redirect,
        also: &[],
        handler: |m| on(m, session::delete),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/",
        summary: "Start page: the teams the viewer may open",
        tag: Tag::Dashboard,
        access: Access::Session,
        query: None,
        body: RequestBody::None,
        response: ResponseBody::Html,
        also: &[],
        handler: |m| on(m, pages::index),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/teams/{team}",
        summary: "Team page: leaderboard, pillars against the industry, band distribution",
        tag: Tag::Dashboard,
        access: Access::SessionTeamMember,
        query: Some(schema::<wire::DateQuery>),
        body: RequestBody::None,
        response: ResponseBody::Html,
        also: &[],
        handler: |m| on(m, pages::team),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/members/{member}",
        summary: "Member page: score, pillars, history chart, benchmarks, explanation",
        tag: Tag::Dashboard,
        access: Access::SessionMemberReader,
        query: None,
        body: RequestBody::None,
        response: ResponseBody::Html,
        also: &[],
        handler: |m| on(m, pages::member),
    },
    RouteSpec {
        method: Verb::Get,
        path: "/assets/style.css",
        summary: "The dashboard stylesheet",
        tag: Tag::Dashboard,
        access: Access::Public,
        query: None,
        body: RequestBody::None,
        response: ResponseBody::Css,
        also: &[],
        handler: |m| on(m, pages::stylesheet),
    },
];
