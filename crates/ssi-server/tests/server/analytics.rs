//! The creator analytics workbook through the server: uploaded on the export route, imported by the same entry point as the CLI's, shown on the member page; a bad workbook fails its job and stores nothing.

use crate::support::{Fixture, wait_for_job};
use axum::body::Body;
use axum::http::{Request, header};
use std::path::PathBuf;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn workspace_file(relative: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn upload(f: &Fixture, bytes: Vec<u8>, name: &str) -> serde_json::Value {
    let token = f.alice_token.secret.clone();
    let request = Request::post(format!("/api/v1/members/{}/exports?name={name}", f.alice.0))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, XLSX)
        .body(Body::from(bytes))
        .unwrap();
    let job = f.send(request).await.expect(202).json();
    wait_for_job(f, job["id"].as_u64().unwrap(), &token).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_workbook_is_merged_once_and_shown_on_the_member_page() {
    let f = Fixture::new();
    f.import_small_export(f.alice);
    let before = f.page(&f.alice_token, &format!("/members/{}", f.alice.0)).await;
    assert!(!before.contains("id=\"creator-analytics\""), "no audience before a workbook");

    let done = upload(&f, workspace_file("examples/sample-analytics.xlsx"), "sample-analytics.xlsx").await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let result = &done["result"];
    assert_eq!(result["outcome"], "imported", "{done}");
    let added = result["events_added"].as_u64().unwrap();
    assert!(added > 365 * 2, "{done}");
    assert_eq!(result["events_seen"], added, "a first import adds every event it reads");
    let stored = f.store().analytics_days(f.alice, None, None).unwrap();
    assert_eq!(stored.len(), 365);

    let page = f.page(&f.alice_token, &format!("/members/{}", f.alice.0)).await;
    assert!(page.contains("id=\"creator-analytics\""), "{page}");
    let totals = f.store().follower_totals(f.alice).unwrap();
    let followers = format!("<span id=\"followers\">{} followers</span>", totals[0].followers);
    assert!(page.contains(&followers), "the follower count on its last day: {followers}");
    assert!(page.contains("id=\"posts\""), "{page}");
    // The small export lists none of the sample workbook's posts: their kind is unknown.
    assert_eq!(page.matches("<td>?</td>").count(), 10, "the ten posts with most engagements");
    assert!(!page.contains("id=\"best-form\""), "no kind to rank without the export's posts");

    let again = upload(&f, workspace_file("examples/sample-analytics.xlsx"), "sample-analytics.xlsx").await;
    assert_eq!(again["result"]["outcome"], "already_imported", "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workbook_that_is_not_creator_analytics_fails_its_job_and_stores_nothing() {
    let f = Fixture::new();
    f.import_small_export(f.alice);
    let imports = f.store().imports(f.alice).unwrap().len();
    let done =
        upload(&f, workspace_file("tests/fixtures/hostile/xlsx_not_analytics.xlsx"), "budget.xlsx").await;
    assert_eq!(done["state"], "failed", "{done}");
    let error = done["error"].as_str().unwrap();
    assert!(
        error.starts_with("the workbook could not be read: ")
            && error.contains("is a workbook but not LinkedIn's creator analytics: its sheets are Budget"),
        "{error}"
    );
    assert!(
        !error.contains(&f.store().path().parent().unwrap().display().to_string()),
        "no server path: {error}"
    );
    assert_eq!(f.store().imports(f.alice).unwrap().len(), imports, "nothing was recorded");
    assert!(f.store().analytics_days(f.alice, None, None).unwrap().is_empty());
}
