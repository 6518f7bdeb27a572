//! The OpenAPI document tells the truth: answers the server really gives (errors, their
//! content types and headers) are each declared for their operation in the document.

use crate::support::{Fixture, Reply, json_request};
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};

/// Asserts that `reply`, the answer to `method template`, is declared in `doc`: its status,
/// its content type and every named header.
fn assert_declared(doc: &Value, method: &str, template: &str, reply: &Reply, headers: &[&str]) {
    let status = reply.status.as_u16().to_string();
    let operation = &doc["paths"][template][method.to_ascii_lowercase()];
    let declared = &operation["responses"][&status];
    assert!(declared.is_object(), "{method} {template} answered {status}, undeclared: {}", reply.text());
    if let Some(content_type) = reply.headers.get(header::CONTENT_TYPE) {
        let essence = content_type.to_str().unwrap().split(';').next().unwrap().trim().to_string();
        assert!(
            declared["content"][&essence].is_object(),
            "{method} {template} {status} answered {essence}, declared {}",
            declared["content"]
        );
    }
    for name in headers {
        assert!(reply.headers.contains_key(*name), "{method} {template} {status} did not send {name}");
        let declared_headers = declared["headers"].as_object();
        assert!(
            declared_headers.is_some_and(|all| all.keys().any(|key| key.eq_ignore_ascii_case(name))),
            "{method} {template} {status}: {name} undeclared"
        );
    }
}

#[tokio::test]
async fn every_answer_the_server_gives_is_declared_in_its_document() {
    let f = Fixture::new();
    let doc = f.json("GET", "/api/v1/openapi.json", None, None).await.expect(200).json();
    let admin = Some(f.admin.secret.as_str());
    let team = f.team_a.0;
    let alice = f.alice.0;

    // The document declares itself an object, not a string.
    let own = &doc["paths"]["/api/v1/openapi.json"]["get"]["responses"]["200"]["content"]["application/json"];
    assert_eq!(own["schema"]["type"], "object", "{own}");

    let taken_name = f.with_store(|s| s.list_teams()).unwrap()[0].name.to_uppercase();
    let reply = f.json("POST", "/api/v1/teams", admin, Some(json!({"name": taken_name}))).await;
    assert_eq!(reply.status.as_u16(), 409, "{}", reply.text());
    assert_declared(&doc, "POST", "/api/v1/teams", &reply, &[]);

    let reply = f
        .json(
            "POST",
            "/api/v1/tokens",
            admin,
            Some(json!({"role": "member", "member": 987_654, "label": ""})),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 404, "{}", reply.text());
    assert_declared(&doc, "POST", "/api/v1/tokens", &reply, &[]);

    for query in ["date=yesterday", "colour=red", "date=2999-01-01"] {
        let reply = f.json("GET", &format!("/api/v1/teams/{team}/leaderboard?{query}"), admin, None).await;
        assert_eq!(reply.status.as_u16(), 400, "{query}: {}", reply.text());
        assert_declared(&doc, "GET", "/api/v1/teams/{team}/leaderboard", &reply, &[]);
    }
    let reply = f
        .json("GET", &format!("/api/v1/members/{alice}/history?from=2026-11-02&to=2026-11-01"), admin, None)
        .await;
    assert_eq!(reply.status.as_u16(), 400, "{}", reply.text());
    assert_declared(&doc, "GET", "/api/v1/members/{member}/history", &reply, &[]);

    let reply = f
        .json("GET", &format!("/api/v1/members/{alice}/impact?from=2026-11-19&to=2026-11-20"), admin, None)
        .await;
    assert_eq!(reply.status.as_u16(), 422, "{}", reply.text());
    assert_declared(&doc, "GET", "/api/v1/members/{member}/impact", &reply, &[]);

    let reply = f.json("GET", "/api/v1/teams", None, None).await;
    assert_eq!(reply.status.as_u16(), 401);
    assert_declared(&doc, "GET", "/api/v1/teams", &reply, &["www-authenticate"]);

    let upload = |content_type: &str, body: Vec<u8>| {
        Request::post(format!("/api/v1/members/{alice}/exports"))
            .header(header::AUTHORIZATION, format!("Bearer {}", f.alice_token.secret))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let exports = "/api/v1/members/{member}/exports";
    let reply = f.send(upload("text/plain", b"not an archive".to_vec())).await;
    assert_eq!(reply.status.as_u16(), 415, "{}", reply.text());
    assert_declared(&doc, "POST", exports, &reply, &[]);
    let reply = f.send(upload("application/octet-stream", crate::support::small_export_zip())).await;
    assert_eq!(reply.status.as_u16(), 202, "{}", reply.text());
    assert_declared(&doc, "POST", exports, &reply, &["location"]);
    let body = &doc["paths"][exports]["post"]["requestBody"]["content"];
    assert!(body["application/octet-stream"].is_object(), "{body}");

    // POST /login answers its failures as HTML, and its success with a cookie.
    let login = |form: &str| {
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_string()))
            .unwrap()
    };
    let reply = f.send(login("token=ssi_not_a_real_token")).await;
    assert_eq!(reply.status.as_u16(), 401, "{}", reply.text());
    assert_declared(&doc, "POST", "/login", &reply, &[]);
    let reply = f.send(login("nothing=here")).await;
    assert_eq!(reply.status.as_u16(), 400, "{}", reply.text());
    assert_declared(&doc, "POST", "/login", &reply, &[]);
    let reply = f.send(login(&format!("token={}", f.admin.secret))).await;
    assert_eq!(reply.status.as_u16(), 303, "{}", reply.text());
    assert_declared(&doc, "POST", "/login", &reply, &["location", "set-cookie"]);

    // A dashboard page's errors are HTML pages.
    let cookie = f.session_cookie(&f.carol_token);
    let reply = f
        .send(
            Request::get(format!("/teams/{team}"))
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    assert_declared(&doc, "GET", "/teams/{team}", &reply, &[]);

    // Every error kind the server can send is in the document's list.
    // Derived from ssi-api's ErrorKind: one `const` per kind, each with its description.
    let kinds: Vec<&str> = doc["components"]["schemas"]["ErrorKind"]["oneOf"]
        .as_array()
        .expect("the error kinds are a list of constants")
        .iter()
        .map(|k| k["const"].as_str().unwrap())
        .collect();
    let wait = std::time::Duration::from_secs(1);
    for error in [
        ssi_server::ApiError::BadRequest(String::new()),
        ssi_server::ApiError::MethodNotAllowed(String::new()),
        ssi_server::ApiError::Timeout(String::new()),
        ssi_server::ApiError::TooManyRequests(String::new(), wait),
        ssi_server::ApiError::Unavailable(String::new()),
        ssi_server::ApiError::Internal(String::new()),
    ] {
        assert!(kinds.contains(&error.kind()), "{} missing from {kinds:?}", error.kind());
    }
    let reply = f.send(json_request("PUT", "/api/v1/teams", admin, None)).await;
    assert!(kinds.contains(&reply.json()["error"].as_str().unwrap()), "{}", reply.text());

    // Query parameters are typed as the server parses them, never as JSON null.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().unwrap() {
                let text = parameter["schema"].to_string();
                assert!(!text.contains("null"), "{method} {path} {}: {text}", parameter["name"]);
            }
        }
    }
}

#[tokio::test]
async fn a_body_is_read_as_json_schema_reads_it() {
    let f = Fixture::new();
    let admin = Some(f.admin.secret.as_str());
    let alice = f.alice.0;
    let before = f.json("GET", &format!("/api/v1/members/{alice}"), admin, None).await.expect(200).json();
    // A list of fields is not an object: refused, nothing changes.
    for body in [json!([null, null]), json!(["Renamed", null, null])] {
        let message = f
            .json("PATCH", &format!("/api/v1/members/{alice}"), admin, Some(body.clone()))
            .await
            .expect_error(422, "unprocessable");
        assert!(message.contains("JSON object"), "{body}: {message}");
    }
    let after = f.json("GET", &format!("/api/v1/members/{alice}"), admin, None).await.expect(200).json();
    assert_eq!(after, before);
    // So is a reading's group given as a list.
    let reading = json!({"date": "2026-11-02", "total": 40.0, "pillars": [10.0, 10.0, 10.0, 10.0],
                         "source": "manual", "team": [null, null]});
    let reply = f
        .send(json_request(
            "POST",
            &format!("/api/v1/members/{alice}/readings"),
            Some(&f.alice_token.secret),
            Some(reading),
        ))
        .await;
    assert_eq!(reply.status.as_u16(), 422, "{}", reply.text());
    // 344.0 is an integer to JSON Schema, and so to the server.
    let team = f.team_a.0 as f64;
    let created = f
        .json(
            "POST",
            "/api/v1/tokens",
            admin,
            Some(json!({"role": "manager", "team": team, "label": "float"})),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(created["info"]["team"], f.team_a.0);
    // A blank name is refused, as the document's pattern says.
    let doc = f.json("GET", "/api/v1/openapi.json", None, None).await.expect(200).json();
    assert_eq!(doc["components"]["schemas"]["TeamBody"]["properties"]["name"]["pattern"], "\\S");
    f.json("POST", "/api/v1/teams", admin, Some(json!({"name": "  "})))
        .await
        .expect_error(422, "unprocessable");
}
