//! The OpenAPI 3.1 document at `/api/v1/openapi.json`, generated from the one route table
//! ([`crate::routes::ROUTES`]) and the JSON Schemas schemars derives from the wire types
//! themselves (`wire.rs`, and ssi-core and ssi-api with their `schema` feature), so every
//! route is documented by construction and no type is described twice.

use crate::auth::Access;
use crate::routes::{Also, RequestBody, ResponseBody, RouteSpec};
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// Makes the schema of a type, registering its definitions in the generator.
pub(crate) type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The [`SchemaFn`] of `T`, for the route table.
pub(crate) fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// Descriptions come from the types' doc comments, written for rustdoc: an intra-doc link
/// (`` [`SHOWN_GAIN`] ``) reads as plain code (`` `SHOWN_GAIN` ``) in the document.
fn plain_descriptions(schema: &mut Schema) {
    if let Some(Value::String(description)) = schema.get_mut("description") {
        *description = description.replace("[`", "`").replace("`]", "`");
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
        "tags": [route.tag.name()],
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
pub(crate) fn document(routes: &[RouteSpec]) -> Value {
    let settings = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .with_transform(RecursiveTransform(plain_descriptions));
    let mut generator = settings.into_generator();
    let error_schema = generator.subschema_for::<ssi_api::ErrorBody>();
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
    use std::collections::BTreeSet;

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
