//! A headless Chromium, driven through chromedriver (WebDriver, fantoccini), signs in to the
//! dashboard, reads the team page's leaderboard and the member page's chart from the DOM,
//! and saves screenshots under `target/browser/`.
//!
//! Chromium and chromedriver come from Debian's `chromium` and `chromium-driver` packages;
//! nothing is downloaded. Without them the test fails when `CI=true` and is skipped with a
//! loud message otherwise.

use crate::support::{Fixture, target_dir};
use fantoccini::{ClientBuilder, Locator};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|dir| names.iter().map(move |n| dir.join(n))).find(|p| p.is_file())
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_signs_in_and_sees_the_leaderboard_and_the_chart() {
    let chromium = find_program(&["chromium", "chromium-browser"]);
    let chromedriver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        let message =
            "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{message}: the browser test cannot be skipped in CI");
        }
        eprintln!("\n!!!!!!!!!! SKIPPING THE BROWSER TEST: {message} !!!!!!!!!!\n");
        return;
    };

    let fixture = Fixture::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ssi_server::server::serve_until(listener, fixture.state.clone(), async move {
        let _ = stopped.await;
    }));

    let port = free_port();
    let driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let webdriver = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while http.get(format!("{webdriver}/status")).send().await.is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let profile = tempfile::tempdir().unwrap();
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1280,1400",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    });
    let capabilities = match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector).capabilities(capabilities).connect(&webdriver).await.unwrap();

    let screenshots = target_dir().join("browser");
    std::fs::create_dir_all(&screenshots).unwrap();
    let result = async {
        client.goto(&format!("{base}/login")).await?;
        client.find(Locator::Id("token")).await?.send_keys(&fixture.manager_a.secret).await?;
        client.find(Locator::Id("sign-in")).await?.click().await?;
        // Signed in, the start page lists the manager's team.
        client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Id("teams")).await?;

        client.goto(&format!("{base}/teams/{}", fixture.team_a.0)).await?;
        let rows = client.find_all(Locator::Css("#leaderboard tbody tr")).await?;
        let mut names = Vec::new();
        for row in &rows {
            names.push(row.find(Locator::Css("td.name")).await?.text().await?);
        }
        assert_eq!(names, ["Alice Archer", "Bob Baker"], "leaderboard rows in rank order");
        assert!(client.find(Locator::Css("svg#band-chart")).await.is_ok());
        std::fs::write(screenshots.join("team.png"), client.screenshot().await?).unwrap();

        client.goto(&format!("{base}/members/{}", fixture.alice.0)).await?;
        let chart = client.find(Locator::Css("svg#history-chart")).await?;
        assert!(chart.find(Locator::Css("polyline.estimate")).await.is_ok(), "the estimate line is drawn");
        assert_eq!(client.find(Locator::Id("total")).await?.text().await?, "49");
        // The score says which day it answers for and how old the data is.
        assert_eq!(
            client.find(Locator::Id("as-of")).await?.text().await?,
            "as of 2026-11-20 (last push, up to date)"
        );
        std::fs::write(screenshots.join("member.png"), client.screenshot().await?).unwrap();

        // No cookie holds the token; the session cookie is HttpOnly (invisible to scripts).
        let visible_to_scripts = client.execute("return document.cookie", vec![]).await?;
        assert_eq!(visible_to_scripts, json!(""));
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = client.close().await;
    drop(driver);
    let _ = stop.send(());
    let _ = server.await;
    result.unwrap();
    assert!(screenshots.join("team.png").metadata().unwrap().len() > 1000);
    eprintln!("screenshots in {}", screenshots.display());
}
