//! The OpenAPI 3.1 document at `/api/v1/openapi.json`, generated from the one route table
//! ([`crate::routes::ROUTES`]) and the JSON Schemas of the wire types (schemars), so every
//! route is documented by construction.

use crate::routes::{Access, Also, RequestBody, ResponseBody, RouteSpec};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// Makes the schema of a type, registering its definitions in the generator.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The [`SchemaFn`] of `T`, for the route table.
pub fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

pub mod advice_schemas;

/// JSON Schemas of the ssi-core and ssi-api types that travel on the wire.
///
/// Those crates do not depend on schemars, so their serde shape is described here; a
/// test serialises real values and checks every key against these descriptions, so a
/// change in ssi-core that is not reflected here fails.
pub mod core_schemas {
    #![allow(missing_docs, dead_code)]

    use chrono::NaiveDate;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    /// The four pillars, 0–25 each.
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    pub struct PillarScores {
        #[schemars(range(min = 0.0, max = 25.0))]
        pub brand: f64,
        #[schemars(range(min = 0.0, max = 25.0))]
        pub people: f64,
        #[schemars(range(min = 0.0, max = 25.0))]
        pub insights: f64,
        #[schemars(range(min = 0.0, max = 25.0))]
        pub relationships: f64,
    }

    /// A pillar's value, 0–25, or unknown.
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    pub struct PillarValue(#[schemars(range(min = 0.0, max = 25.0))] pub Option<f64>);

    /// An average total, 0–100, or unknown.
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    pub struct AverageValue(#[schemars(range(min = 0.0, max = 100.0))] pub Option<f64>);

    /// A pillar by LinkedIn's API name.
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum Pillar {
        ProfessionalBrand,
        FindRightPeople,
        InsightEngagement,
        StrongRelationship,
    }

    /// A score band.
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Band {
        Beginner,
        Average,
        AboveAverage,
        Strong,
        Excellent,
        Outstanding,
    }

    /// Where a reading came from.
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ReadingSource {
        Json,
        Csv,
        Manual,
        Push,
    }

    /// A comparison group's figures ("Top N%" rank, averages).
    #[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
    pub struct GroupStats {
        /// "Top N%": 1–100, lower is better.
        #[schemars(range(min = 1, max = 100))]
        pub rank: Option<u8>,
        #[schemars(range(min = 0.0, max = 100.0))]
        pub average: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(with = "Option<[AverageValue; 4]>")]
        pub pillar_averages: Option<[Option<f64>; 4]>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub size: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
    }

    /// An official SSI reading; `pillars` in the order brand, people, insights, relationships.
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    pub struct OfficialReading {
        pub date: NaiveDate,
        /// 0–100; when all four pillars are known, their sum (within rounding).
        #[schemars(range(min = 0.0, max = 100.0))]
        pub total: f64,
        #[schemars(with = "[PillarValue; 4]")]
        pub pillars: [Option<f64>; 4],
        /// The industry group; omitted when nothing is known.
        #[serde(default)]
        pub industry: GroupStats,
        /// The network group (first-degree connections).
        #[serde(default)]
        pub network: GroupStats,
        /// The Sales Navigator team group.
        #[serde(default)]
        pub team: GroupStats,
        pub source: ReadingSource,
    }

    /// One component's part of a daily score.
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    pub struct ComponentScore {
        pub id: String,
        pub pillar: Pillar,
        pub label: String,
        pub metric: String,
        pub value: f64,
        pub unit: String,
        pub points: f64,
        pub possible: f64,
        /// The action that would earn the missing points.
        pub action: String,
        /// False when the value cannot be known (messages, for an export that does not tell which are the member's).
        pub known: bool,
        /// True when the component has no data (no creator analytics workbook covers its window):
        /// value -1, no points possible, its weight shared out over the pillar's other components.
        #[serde(default)]
        pub no_data: bool,
    }

    /// One pushed day (ssi-api).
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct PushedScore {
        pub date: NaiveDate,
        pub pillars: PillarScores,
        #[schemars(range(min = 0.0, max = 100.0))]
        pub total: f64,
    }

    /// Body of `POST /api/v1/push` (ssi-api): scores and readings, never raw activity.
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct PushRequest {
        /// The model the scores were computed with, 1–100 characters, not blank.
        #[schemars(length(min = 1, max = 100), regex(pattern = r"\S"))]
        pub model_version: String,
        #[serde(default)]
        #[schemars(length(max = crate::handlers::push::MAX_PUSHED_DAYS))]
        pub scores: Vec<PushedScore>,
        #[serde(default)]
        #[schemars(length(max = crate::handlers::push::MAX_PUSHED_DAYS))]
        pub readings: Vec<OfficialReading>,
    }

    /// Answer to a push (ssi-api).
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    pub struct PushResponse {
        pub scores_stored: usize,
        pub readings_stored: usize,
    }

    /// The stable kind of an error ([`crate::error::ApiError::kind`]).
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ErrorKind {
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PayloadTooLarge,
        UnsupportedMediaType,
        Unprocessable,
        Timeout,
        TooManyRequests,
        Unavailable,
        Internal,
    }

    /// The body of every error response (ssi-api).
    #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
    pub struct ErrorBody {
        /// A stable kind, for programs.
        #[schemars(with = "ErrorKind")]
        pub error: String,
        /// What went wrong, for people.
        pub message: String,
    }

    /// LinkedIn's raw `salesApiSsi` JSON as saved from the SSI page (possibly under `data`).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct SalesApiSsi {
        #[serde(default)]
        pub member_score: Option<serde_json::Value>,
        #[serde(default)]
        pub group_score: Option<Vec<serde_json::Value>>,
        #[serde(default)]
        pub data: Option<serde_json::Value>,
    }
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            json!({
                "name": name,
                "in": "path",
                "required": true,
                "description": format!("the {name}'s id"),
                "schema": {"type": "integer", "format": "int64"}
            })
        })
        .collect()
}

fn query_parameters(generator: &mut SchemaGenerator, query: SchemaFn) -> Vec<Value> {
    let schema = query(generator);
    let resolved = resolve(generator, schema.as_value());
    let required: Vec<String> = resolved
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(|n| n.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let Some(properties) = resolved.get("properties").and_then(Value::as_object) else { return Vec::new() };
    properties
        .iter()
        .map(|(name, property)| {
            let property = resolve(generator, &without_null(property));
            let mut parameter = json!({
                "name": name,
                "in": "query",
                "required": required.contains(name),
                "schema": property,
            });
            if let Some(description) = property.get("description") {
                parameter["description"] = description.clone();
            }
            parameter
        })
        .collect()
}

/// The schema of an optional query parameter as the server parses it: a query string
/// cannot carry JSON `null` (an absent parameter is simply not required), so the `null`
/// alternative of an `Option<T>` field is dropped and `T`'s schema is what remains.
fn without_null(schema: &Value) -> Value {
    let mut schema = schema.clone();
    let Some(object) = schema.as_object_mut() else { return schema };
    if let Some(Value::Array(types)) = object.get("type") {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        object.insert("type".into(), if kept.len() == 1 { kept[0].clone() } else { Value::Array(kept) });
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get(key) {
            let kept: Vec<Value> =
                branches.iter().filter(|b| b.get("type") != Some(&json!("null"))).cloned().collect();
            if kept.len() == 1 {
                object.remove(key);
                if let Value::Object(branch) = &kept[0] {
                    object.extend(branch.clone());
                }
            } else {
                object.insert(key.into(), Value::Array(kept));
            }
        }
    }
    if object.get("default") == Some(&Value::Null) {
        object.remove("default");
    }
    schema
}

/// Follows a `$ref` into the generator's definitions (query structs are referenced).
fn resolve(generator: &SchemaGenerator, schema: &Value) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str)
        && let Some(name) = reference.rsplit('/').next()
        && let Some(found) = generator.definitions().get(name)
    {
        return found.clone();
    }
    schema.clone()
}

/// A response header, declared with a plain string schema.
fn header(description: &str) -> Value {
    json!({"description": description, "schema": {"type": "string"}})
}

/// The content of an error answer: the JSON error body on API routes; on dashboard pages
/// the HTML error page, and the JSON body too where the router or an extractor answers
/// before the page handler (a path or query that does not parse, a request that timed out).
fn error_content(page: bool, json_too: bool) -> Value {
    let json_body = json!({"schema": {"$ref": "#/components/schemas/ErrorBody"}});
    let html = json!({"schema": {"type": "string"}});
    match (page, json_too) {
        (false, _) => json!({"application/json": json_body}),
        (true, false) => json!({"text/html": html}),
        (true, true) => json!({"text/html": html, "application/json": json_body}),
    }
}

/// The responses of one route, collected by status.
struct Responses {
    page: bool,
    map: Map<String, Value>,
}

impl Responses {
    /// Declares an error status; a status declared twice keeps its first description.
    fn error(&mut self, status: u16, description: &str) -> &mut Value {
        self.error_with(status, description, false)
    }

    /// Declares an error status that a page may also answer in JSON (see [`error_content`]).
    fn error_with(&mut self, status: u16, description: &str, json_too: bool) -> &mut Value {
        let content = error_content(self.page, json_too);
        self.map
            .entry(status.to_string())
            .or_insert_with(|| json!({"description": description, "content": content}))
    }
}

fn operation(generator: &mut SchemaGenerator, route: &RouteSpec) -> Value {
    let mut parameters = path_parameters(route.path);
    if let Some(query) = route.query {
        parameters.extend(query_parameters(generator, query));
    }
    // POST /login is public but answers like a page: its failures are HTML forms.
    let page =
        route.access.is_page() || (route.path == "/login" && matches!(route.body, RequestBody::Form(_)));
    let mut responses = Responses { page, map: Map::new() };
    let (status, success) = match route.response {
        ResponseBody::Json(status, schema) => {
            let mut success = json!({"description": "success", "content": {"application/json": {"schema": schema(generator)}}});
            if route.is_upload() {
                success["headers"] = json!({"Location": header("the job's URL, to follow its progress")});
            }
            (status, success)
        }
        ResponseBody::Html => (
            200,
            json!({"description": "an HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}),
        ),
        ResponseBody::Text(content_type) => {
            (200, json!({"description": "text", "content": {content_type: {"schema": {"type": "string"}}}}))
        }
        ResponseBody::Css => (
            200,
            json!({"description": "the stylesheet", "content": {"text/css": {"schema": {"type": "string"}}}}),
        ),
        ResponseBody::Redirect => {
            let mut headers = Map::new();
            headers.insert("Location".into(), header("where to go next"));
            headers.insert("Set-Cookie".into(), header("the dashboard session cookie, set or cleared"));
            (303, json!({"description": "redirect (see Location)", "headers": headers}))
        }
        ResponseBody::NoContent => (204, json!({"description": "done, nothing to say"})),
    };
    responses.map.insert(status.to_string(), success);
    if route.access != Access::Public {
        let unauthorized = responses.error(401, "no valid credentials");
        if !page {
            unauthorized["headers"] =
                json!({"WWW-Authenticate": header("the scheme to authenticate with: Bearer")});
        }
        responses.error(403, "credentials without the right to do this");
        if !page {
            responses.error(429, "too many failed authentications from this address (see Retry-After)")["headers"] =
                json!({"Retry-After": header("seconds to wait before trying again")});
        }
    }
    if route.path.contains('{') {
        responses.error_with(404, "no such resource, or one the caller may not know exists", true);
    }
    if route.query.is_some() {
        responses.error_with(
            400,
            "a query parameter that does not parse, an unknown parameter, a day in the future, or `from` after `to`",
            true,
        );
    }
    let mut op = json!({
        "operationId": route.operation_id(),
        "summary": route.summary,
        "description": format!("{}\n\nAccess: {}.", route.summary, route.access.describe()),
        "tags": [route.tag()],
        "parameters": parameters,
    });
    let reads_body = !matches!(route.body, RequestBody::None);
    match route.body {
        RequestBody::None => {}
        RequestBody::Json(schema) => {
            op["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": schema(generator)}}});
            responses.error(400, "malformed JSON");
            responses.error(413, "body larger than the configured limit");
            responses.error(415, "not application/json");
            responses.error(422, "JSON of the wrong shape or values out of range");
        }
        RequestBody::Form(schema) => {
            op["requestBody"] = json!({"required": true, "content": {"application/x-www-form-urlencoded": {"schema": schema(generator)}}});
            responses.error(400, "the form lacks its fields");
            responses.error(403, "a form posted from another site (login CSRF)");
            responses.error(401, "the token is not valid");
            responses.error(429, "too many failed sign-ins from this address (see Retry-After)")["headers"] =
                json!({"Retry-After": header("seconds to wait before trying again")});
        }
        RequestBody::Zip => {
            let archive = json!({"schema": {"type": "string", "format": "binary", "minLength": 1}});
            let content: Map<String, Value> = crate::handlers::exports::ZIP_CONTENT_TYPES
                .iter()
                .map(|content_type| (content_type.to_string(), archive.clone()))
                .collect();
            op["requestBody"] = json!({
                "required": true,
                "description": "the LinkedIn data export archive, as downloaded",
                "content": content,
            });
            responses.error(413, "archive larger than the configured limit");
            responses.error(415, "not a ZIP archive's content type");
            responses.error(422, "not a readable ZIP archive");
        }
    }
    if reads_body {
        responses.error_with(408, "the request took longer than the configured limit", true);
    }
    for also in route.also {
        match also {
            Also::NameTaken => responses.error(409, "the name is already taken"),
            Also::UnknownReference => {
                responses.error(404, "the body names a team or member that does not exist")
            }
            Also::Unprocessable => responses.error(422, "the data cannot answer this (too few days, …)"),
            Also::Unavailable => responses.error(503, "shutting down, or unable to work (see the message)"),
        };
    }
    op["responses"] = Value::Object(responses.map);
    match route.access {
        Access::Public => op["security"] = json!([]),
        access if access.is_page() => op["security"] = json!([{"session": []}]),
        _ => op["security"] = json!([{"bearer": []}]),
    }
    op
}

/// Builds the OpenAPI document of the given routes.
pub fn document(routes: &[RouteSpec]) -> Value {
    let settings = SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = "/components/schemas".into();
        s.meta_schema = None;
    });
    let mut generator = settings.into_generator();
    let error_schema = generator.subschema_for::<core_schemas::ErrorBody>();
    debug_assert!(error_schema.as_value().get("$ref").is_some());
    let mut paths = Map::new();
    for route in routes {
        let op = operation(&mut generator, route);
        let entry = paths.entry(route.path.to_string()).or_insert_with(|| json!({}));
        entry[route.method.as_lower()] = op;
    }
    let alert = generator.subschema_for::<crate::alerts::AlertNotification>();
    let webhooks = json!({
        "scoreAlert": {
            "post": {
                "summary": "A team member's score alert, POSTed to `alerts.webhook_url`",
                "description": "Sent when a team member's latest total is below `alerts.below` (kind `below`) or \
                                at least `alerts.drop_points` below the highest of the `alerts.drop_days` days \
                                before it (kind `drop`); judged after the daily job, imports and pushes. Any 2xx \
                                answer acknowledges it; network errors, timeouts, 408, 429 and 5xx are retried \
                                with exponential backoff.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": alert}}},
                "responses": {"200": {"description": "received (any 2xx)"}}
            }
        }
    });
    let schemas = generator.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ssi team server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Members' Social Selling Index estimates, history, leaderboards and benchmarks. \
                            API routes take `Authorization: Bearer <token>`; dashboard pages take the session \
                            cookie set by POST /login."
        },
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "an ssi API token (ssi_…)"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::session::COOKIE_NAME}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::ROUTES;
    use chrono::NaiveDate;
    use ssi_core::{Band, ComponentScore, GroupStats, OfficialReading, Pillar, PillarScores, ReadingSource};
    use std::collections::BTreeSet;

    fn keys(value: &Value) -> BTreeSet<String> {
        value.as_object().expect("an object").keys().cloned().collect()
    }

    fn schema_keys<T: JsonSchema>() -> BTreeSet<String> {
        let schema = schemars::schema_for!(T);
        keys(schema.as_value().get("properties").expect("properties"))
    }

    fn enum_values<T: JsonSchema>() -> BTreeSet<String> {
        let schema = schemars::schema_for!(T).as_value().to_string();
        let value: Value = serde_json::from_str(&schema).unwrap();
        let mut found = BTreeSet::new();
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) => {
                    found.insert(s);
                }
                Value::Array(items) => stack.extend(items),
                Value::Object(map) => stack.extend(
                    map.into_iter()
                        .filter(|(k, _)| k == "enum" || k == "oneOf" || k == "const")
                        .map(|(_, v)| v),
                ),
                _ => {}
            }
        }
        found
    }

    #[test]
    fn core_schemas_match_the_serde_shape_of_the_real_types() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let group = GroupStats {
            rank: Some(10),
            average: Some(30.0),
            pillar_averages: Some([Some(1.0); 4]),
            size: Some(5),
            name: Some("Software".into()),
        };
        let mut reading = OfficialReading::new(day, 20.0, ReadingSource::Manual);
        reading.industry = group.clone();
        reading.network = group.clone();
        reading.team = group.clone();
        let component = ComponentScore {
            id: "c".into(),
            pillar: Pillar::ProfessionalBrand,
            label: "l".into(),
            metric: "m".into(),
            value: 1.0,
            unit: "u".into(),
            points: 1.0,
            possible: 2.0,
            action: "a".into(),
            known: true,
            no_data: false,
        };
        let pushed = ssi_api::PushedScore { date: day, pillars: PillarScores::default(), total: 0.0 };
        let push = ssi_api::PushRequest {
            model_version: "v".into(),
            scores: vec![pushed.clone()],
            readings: vec![],
        };
        let answer = ssi_api::PushResponse { scores_stored: 1, readings_stored: 0 };
        let error = ssi_api::ErrorBody { error: "e".into(), message: "m".into() };
        let cases: Vec<(Value, BTreeSet<String>)> = vec![
            (
                serde_json::to_value(PillarScores::default()).unwrap(),
                schema_keys::<core_schemas::PillarScores>(),
            ),
            (serde_json::to_value(&group).unwrap(), schema_keys::<core_schemas::GroupStats>()),
            (serde_json::to_value(&reading).unwrap(), schema_keys::<core_schemas::OfficialReading>()),
            (serde_json::to_value(&component).unwrap(), schema_keys::<core_schemas::ComponentScore>()),
            (serde_json::to_value(&pushed).unwrap(), schema_keys::<core_schemas::PushedScore>()),
            (serde_json::to_value(&push).unwrap(), schema_keys::<core_schemas::PushRequest>()),
            (serde_json::to_value(&answer).unwrap(), schema_keys::<core_schemas::PushResponse>()),
            (serde_json::to_value(&error).unwrap(), schema_keys::<core_schemas::ErrorBody>()),
        ];
        for (value, schema) in cases {
            assert_eq!(keys(&value), schema, "serde shape {value} differs from its schema");
        }
        let pillars = enum_values::<core_schemas::Pillar>();
        for pillar in Pillar::ALL {
            assert!(pillars.contains(serde_json::to_value(pillar).unwrap().as_str().unwrap()), "{pillar:?}");
        }
        let bands = enum_values::<core_schemas::Band>();
        for band in Band::ALL {
            assert!(bands.contains(serde_json::to_value(band).unwrap().as_str().unwrap()), "{band:?}");
        }
        let sources = enum_values::<core_schemas::ReadingSource>();
        for source in [ReadingSource::Json, ReadingSource::Csv, ReadingSource::Manual, ReadingSource::Push] {
            assert!(sources.contains(source.as_str()), "{source:?}");
        }
        // Readings in the schema's shape parse as real readings.
        let example = core_schemas::OfficialReading {
            date: day,
            total: 20.0,
            pillars: [Some(5.0); 4],
            industry: core_schemas::GroupStats::default(),
            network: core_schemas::GroupStats::default(),
            team: core_schemas::GroupStats::default(),
            source: core_schemas::ReadingSource::Manual,
        };
        let parsed: OfficialReading = serde_json::from_value(serde_json::to_value(example).unwrap()).unwrap();
        assert_eq!(parsed.total, 20.0);
    }

    #[test]
    fn the_document_covers_every_route_and_every_reference_resolves() {
        let doc = document(ROUTES);
        assert_eq!(doc["openapi"], "3.1.0");
        for route in ROUTES {
            let op = &doc["paths"][route.path][route.method.as_lower()];
            assert!(op.is_object(), "{} {} missing", route.method.as_str(), route.path);
            assert_eq!(op["summary"], route.summary);
            let params = op["parameters"].as_array().unwrap();
            for name in route.path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')) {
                assert!(
                    params.iter().any(|p| p["name"] == name && p["in"] == "path"),
                    "{} lacks {name}",
                    route.path
                );
            }
        }
        let ids: BTreeSet<String> = ROUTES.iter().map(|r| r.operation_id()).collect();
        assert_eq!(ids.len(), ROUTES.len(), "operation ids are unique");
        let text = doc.to_string();
        let schemas = &doc["components"]["schemas"];
        for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(schemas[name].is_object(), "dangling reference to {name}");
        }
        assert!(doc["webhooks"]["scoreAlert"]["post"]["requestBody"].is_object());
        let plan = &doc["paths"]["/api/v1/members/{member}/plan"]["post"];
        assert_eq!(plan["tags"][0], "advice");
        assert!(
            plan["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "days" && p["in"] == "query")
        );
        // Query parameters are expanded from their structs.
        let leaderboard = &doc["paths"]["/api/v1/teams/{team}/leaderboard"]["get"]["parameters"];
        assert!(leaderboard.as_array().unwrap().iter().any(|p| p["name"] == "date" && p["in"] == "query"));
    }
}
