//! `ssi push`: what is sent to a team server (a fake one on 127.0.0.1), and how refusals are reported.

use crate::support::TestEnv;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One request the fake server received.
struct Received {
    request_line: String,
    authorization: Option<String>,
    body: serde_json::Value,
}

/// A server on 127.0.0.1 that answers each of `answers` (status, JSON body) to one request,
/// then returns what it received. It gives up after 30 seconds without a connection.
fn fake_server(answers: Vec<(u16, &'static str)>) -> (String, JoinHandle<Vec<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut received = Vec::new();
        for (status, body) in answers {
            let deadline = Instant::now() + Duration::from_secs(30);
            let stream = loop {
                match listener.accept() {
                    Ok((stream, _)) => break stream,
                    Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
                    Err(e) => panic!("no request came: {e}"),
                }
            };
            stream.set_nonblocking(false).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let (mut length, mut authorization) = (0usize, None);
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').unwrap();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap(),
                    "authorization" => authorization = Some(value.trim().to_string()),
                    _ => {}
                }
            }
            let mut bytes = vec![0; length];
            reader.read_exact(&mut bytes).unwrap();
            received.push(Received {
                request_line: request_line.trim_end().to_string(),
                authorization,
                body: serde_json::from_slice(&bytes).unwrap(),
            });
            let mut stream = reader.into_inner();
            write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            stream.flush().unwrap();
        }
        received
    });
    (url, handle)
}

#[test]
fn push_sends_scores_and_readings_with_the_token() {
    let env = TestEnv::new().imported();
    env.stdout(&["reading", "add", "--date", "2026-11-18", "--total", "19.71", "--industry-rank", "75"]);
    let (url, server) = fake_server(vec![(200, r#"{"scores_stored":3,"readings_stored":1}"#)]);
    let output = env
        .ssi()
        .env("SSI_TOKEN", "ssi_member_secret")
        .args(["push", "--server", &format!("{url}/"), "--from", "2026-11-18"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("Pushed 3 daily scores and 1 reading of Ada Lovelace to {url}, up to 2026-11-20.\n")
    );
    let received = server.join().unwrap();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.request_line, "POST /api/v1/push HTTP/1.1");
    assert_eq!(request.authorization.as_deref(), Some("Bearer ssi_member_secret"));
    let body = &request.body;
    assert_eq!(body["model_version"], "ssi-default-2");
    let dates: Vec<&str> =
        body["scores"].as_array().unwrap().iter().map(|s| s["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2026-11-18", "2026-11-19", "2026-11-20"]);
    let score = &body["scores"][2];
    let keys: Vec<&str> = score.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["date", "pillars", "total"], "numbers only");
    let dashboard = env.json(&["dashboard"]);
    assert!(
        (score["total"].as_f64().unwrap() - dashboard["estimate"]["total"].as_f64().unwrap()).abs() < 1e-4
    );
    assert_eq!(body["readings"][0]["date"], "2026-11-18");
    assert_eq!(body["readings"][0]["total"], 19.71);
    assert_eq!(body["readings"][0]["industry"]["rank"], 75);
    // The request parses as the API's own type, which refuses unknown fields.
    serde_json::from_value::<ssi_api::PushRequest>(body.clone()).unwrap();
}

#[test]
fn push_json_counts_what_was_sent_and_stored() {
    let env = TestEnv::new().imported();
    let (url, server) = fake_server(vec![(200, r#"{"scores_stored":2,"readings_stored":0}"#)]);
    let json = env.json(&["push", "--server", &url, "--token", "t", "--from", "2026-11-19"]);
    assert_eq!(json["member"], "Ada Lovelace");
    assert_eq!(json["server"], url.as_str());
    assert_eq!(json["model_version"], "ssi-default-2");
    assert_eq!((json["scores_sent"].as_u64(), json["readings_sent"].as_u64()), (Some(2), Some(0)));
    assert_eq!((json["scores_stored"].as_u64(), json["readings_stored"].as_u64()), (Some(2), Some(0)));
    let received = server.join().unwrap();
    assert_eq!(received[0].body["scores"].as_array().unwrap().len(), 2);
    assert!(received[0].body["readings"].as_array().unwrap().is_empty());
}

#[test]
fn a_refused_push_reports_the_server_message_and_a_hint() {
    let env = TestEnv::new().imported();
    let (url, server) =
        fake_server(vec![(401, r#"{"error":"unauthorized","message":"the token is not valid"}"#)]);
    let stderr = env.fails(&["push", "--server", &url, "--token", "wrong"], 1);
    assert_eq!(
        stderr,
        format!(
            "error: the server at {url}/api/v1/push refused the push (401 Unauthorized): the token is not valid; \
             check the token (--token or SSI_TOKEN); nothing was changed there\n"
        )
    );
    server.join().unwrap();
}

#[test]
fn a_forbidden_push_says_why_once() {
    let env = TestEnv::new().imported();
    let (url, server) = fake_server(vec![(
        403,
        r#"{"error":"forbidden","message":"push needs a member's token: it stores that member's scores"}"#,
    )]);
    let stderr = env.fails(&["push", "--server", &url, "--token", "ssi_manager"], 1);
    assert_eq!(
        stderr,
        format!(
            "error: the server at {url}/api/v1/push refused the push (403 Forbidden): push needs a member's \
             token: it stores that member's scores; nothing was changed there\n"
        )
    );
    server.join().unwrap();
}

#[test]
fn push_needs_a_server_address_a_token_and_a_reachable_server() {
    let env = TestEnv::new().imported();
    let no_token = env.fails(&["push", "--server", "http://127.0.0.1:9"], 2);
    assert!(no_token.contains("--token"), "{no_token}");
    let bad = env.fails(&["push", "--server", "ssi.example.com", "--token", "t"], 2);
    assert!(bad.contains("is not a web address"), "{bad}");
    // A port nothing listens on: bind one, then free it.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let unreachable = env.fails(&["push", "--server", &url, "--token", "t"], 1);
    assert!(
        unreachable.starts_with(&format!("error: cannot reach the server at {url}/api/v1/push: ")),
        "{unreachable}"
    );
    assert_eq!(unreachable.lines().count(), 1);
}
