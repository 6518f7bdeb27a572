//! A headless Chromium, driven through chromedriver (WebDriver, fantoccini), signs in to the
//! dashboard as a manager and, at 1280 px and at 390 px (a phone), reads the start page's
//! team overview, the team page's leaderboard and the member page's chart from the DOM,
//! measures the charts' labels on screen (at least 11 px) and the page's width (no sideways
//! scrolling), and saves screenshots under `target/browser/` (`home-1280.png`, …).
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

/// Saves a screenshot of the whole window.
async fn save(
    client: &fantoccini::Client,
    dir: &std::path::Path,
    name: &str,
) -> Result<(), fantoccini::error::CmdError> {
    std::fs::write(dir.join(name), client.screenshot().await?).unwrap();
    Ok(())
}

/// Asserts, on the page shown, that `charts` charts are drawn with every label at least
/// 11 px on screen (its font size times the chart's drawn width over its viewBox width) and
/// that the page body never scrolls sideways.
async fn check_layout(
    client: &fantoccini::Client,
    width: u32,
    page: &str,
    charts: u64,
) -> Result<(), fantoccini::error::CmdError> {
    let measured = client
        .execute(
            "let labels = 0, smallest = 1000;             const charts = document.querySelectorAll('svg.chart');             for (const svg of charts) {               const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;               for (const text of svg.querySelectorAll('text')) {                 labels += 1;                 smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);               }             }             return {charts: charts.length, labels, smallest,                     scroll: document.documentElement.scrollWidth, inner: window.innerWidth};",
            vec![],
        )
        .await?;
    eprintln!("{page} at {width} px: {measured}");
    assert_eq!(measured["charts"], json!(charts), "{page} at {width} px: {measured}");
    if charts > 0 {
        assert!(measured["labels"].as_u64().unwrap() > 0, "{page} at {width} px: {measured}");
        assert!(
            measured["smallest"].as_f64().unwrap() >= 11.0,
            "chart labels under 11 px on {page} at {width} px: {measured}"
        );
    }
    assert!(
        measured["scroll"].as_f64().unwrap() <= measured["inner"].as_f64().unwrap(),
        "the {page} page scrolls sideways at {width} px: {measured}"
    );
    Ok(())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_reads_home_team_and_member_pages_at_desktop_and_phone_width() {
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
    // A member whose export the server holds: advice, warnings and the explanation.
    let erin = fixture
        .with_store(|s| s.create_member("Erin Export", Some("Software"), Some(fixture.team_a)))
        .unwrap()
        .id;
    fixture.import_small_export(erin);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ssi_server::serve_until(listener, fixture.state.clone(), async move {
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
    let team = format!("{base}/teams/{}", fixture.team_a.0);
    let member = format!("{base}/members/{}", fixture.alice.0);
    let result = async {
        client.goto(&format!("{base}/login")).await?;
        client.find(Locator::Id("token")).await?.send_keys(&fixture.manager_a.secret).await?;
        client.find(Locator::Id("sign-in")).await?.click().await?;
        // Signed in, the start page shows the manager's team at a glance.
        client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Id("managed")).await?;

        // The phone window is tall so that its screenshots show whole pages.
        for (width, height) in [(1280u32, 1400u32), (390, 2000)] {
            client.set_window_size(width, height).await?;

            client.goto(&format!("{base}/")).await?;
            let overview = client.find(Locator::Css("#managed .team-overview h2")).await?.text().await?;
            assert_eq!(overview, "Alpha Sales", "at {width} px");
            let attention = client.find_all(Locator::Css("#managed ul.attention li")).await?;
            assert!(attention.len() >= 2, "Alice and Bob are below the threshold, at {width} px");
            check_layout(&client, width, "home", 0).await?;
            save(&client, &screenshots, &format!("home-{width}.png")).await?;

            client.goto(&team).await?;
            let rows = client.find_all(Locator::Css("#leaderboard tbody tr")).await?;
            let mut names = Vec::new();
            for row in &rows {
                names.push(row.find(Locator::Css("td.name")).await?.text().await?);
            }
            let rank = |name: &str| names.iter().position(|n| n == name);
            assert_eq!(names.len(), 3, "{names:?} at {width} px");
            assert!(rank("Alice Archer") < rank("Bob Baker"), "rank order: {names:?}");
            let step = client.find(Locator::Css(&format!("tr[data-member='{}'] .best-step", erin.0))).await?;
            assert!(!step.text().await?.is_empty(), "Erin's best next step is shown at {width} px");
            assert!(client.find(Locator::Css("svg#band-chart")).await.is_ok());
            check_layout(&client, width, "team", 2).await?;
            // Band pills never break across lines.
            let pill_lines = client
                .execute(
                    "return Math.max(...[...document.querySelectorAll('#leaderboard .band')]\
                     .map(p => p.getClientRects().length))",
                    vec![],
                )
                .await?;
            assert_eq!(pill_lines, json!(1), "band pills on one line at {width} px");
            let table_scrolls = client
                .execute(
                    "const box = document.querySelector('#leaderboard').parentElement;\
                     return [box.scrollWidth, box.clientWidth,\
                       [...document.querySelectorAll('#leaderboard thead th')].map(t => Math.round(t.getBoundingClientRect().width))]",
                    vec![],
                )
                .await?;
            if width == 1280 {
                assert!(table_scrolls[0].as_f64() <= table_scrolls[1].as_f64(), "the whole leaderboard fits a desktop: {table_scrolls}");
            }
            if width == 390 {
                // Too wide for a phone, the leaderboard scrolls inside its card.
                let scrolls = client
                    .execute(
                        "const box = document.querySelector('#leaderboard').parentElement;\
                         return [getComputedStyle(box).overflowX, box.scrollWidth > box.clientWidth]",
                        vec![],
                    )
                    .await?;
                assert_eq!(scrolls, json!(["auto", true]), "the leaderboard scrolls in its card");
            }
            save(&client, &screenshots, &format!("team-{width}.png")).await?;

            client.goto(&member).await?;
            let chart = client.find(Locator::Css("svg#history-chart")).await?;
            assert!(
                chart.find(Locator::Css("polyline.estimate")).await.is_ok(),
                "the estimate line is drawn"
            );
            let dates = chart.find_all(Locator::Css("text.date")).await?;
            assert!(dates.len() > 2, "more than two date labels, got {}", dates.len());
            assert_eq!(client.find(Locator::Id("total")).await?.text().await?, "49");
            // Alice rises 0.4 a day.
            assert_eq!(client.find(Locator::Id("change-7d")).await?.text().await?, "+2.8");
            // The score says which day it answers for and how old the data is.
            assert_eq!(
                client.find(Locator::Id("as-of")).await?.text().await?,
                "as of 2026-11-20 (last push, up to date)"
            );
            check_layout(&client, width, "member", 2).await?;
            save(&client, &screenshots, &format!("member-{width}.png")).await?;

            client.goto(&format!("{base}/members/{}", erin.0)).await?;
            let actions = client.find_all(Locator::Css("#next-actions ol.actions li")).await?;
            assert!(!actions.is_empty(), "next best actions at {width} px");
            let folded = client.execute("return document.querySelector('details#why').open", vec![]).await?;
            assert_eq!(folded, json!(false), "the explanation is folded");
            check_layout(&client, width, "member with advice", 2).await?;
            save(&client, &screenshots, &format!("member-advice-{width}.png")).await?;
        }

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
    for page in ["home", "team", "member", "member-advice"] {
        for width in [1280, 390] {
            let shot = screenshots.join(format!("{page}-{width}.png"));
            assert!(shot.metadata().unwrap().len() > 1000, "{} is written", shot.display());
        }
    }
    eprintln!("screenshots in {}", screenshots.display());
}
