//! The creator analytics workbook through the real `ssi`: import and merge, no-data components, explain, dashboard, history, posts, and hostile workbooks refused with the database unchanged.

use crate::support::{MEMBER, TestEnv, write_export};
use rust_xlsxwriter::Workbook;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What a test workbook holds; dates are `M/D/YYYY` text as LinkedIn writes them.
#[derive(Default)]
struct Sheets<'a> {
    /// (day, impressions, engagements).
    engagement: &'a [(&'a str, u64, u64)],
    /// (day, new followers).
    followers: &'a [(&'a str, u64)],
    /// The follower total and its day.
    total: Option<(&'a str, u64)>,
    /// (post URL, publish day, engagements, impressions).
    posts: &'a [(&'a str, &'a str, u64, u64)],
    /// Numbers as text (`"1,234"`), as the 2026 layout writes them.
    numbers_as_text: bool,
}

fn write_workbook(path: &Path, sheets: &Sheets<'_>) {
    let mut book = Workbook::new();
    let number = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, column: u16, n: u64| {
        if sheets.numbers_as_text {
            sheet.write_string(row, column, format!("{n}")).unwrap();
        } else {
            sheet.write_number(row, column, n as f64).unwrap();
        }
    };
    if !sheets.engagement.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("ENGAGEMENT").unwrap();
        for (column, header) in ["Date", "Impressions", "Engagements"].into_iter().enumerate() {
            sheet.write_string(0, column as u16, header).unwrap();
        }
        for (i, (day, impressions, engagements)) in sheets.engagement.iter().enumerate() {
            let row = i as u32 + 1;
            sheet.write_string(row, 0, *day).unwrap();
            number(sheet, row, 1, *impressions);
            number(sheet, row, 2, *engagements);
        }
    }
    if !sheets.posts.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("TOP POSTS").unwrap();
        sheet.write_string(0, 0, "Maximum of 50 posts available to include in this list").unwrap();
        for (column, header) in [
            (0, "Post URL"),
            (1, "Post publish date"),
            (2, "Engagements"),
            (4, "Post URL"),
            (5, "Post publish date"),
            (6, "Impressions"),
        ] {
            sheet.write_string(2, column, header).unwrap();
        }
        for (i, (url, day, engagements, impressions)) in sheets.posts.iter().enumerate() {
            let row = i as u32 + 3;
            for (table, figure) in [(0u16, engagements), (4u16, impressions)] {
                sheet.write_string(row, table, *url).unwrap();
                sheet.write_string(row, table + 1, *day).unwrap();
                number(sheet, row, table + 2, *figure);
            }
        }
    }
    if !sheets.followers.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("FOLLOWERS").unwrap();
        if let Some((day, total)) = sheets.total {
            sheet.write_string(0, 0, format!("Total followers on {day}:")).unwrap();
            number(sheet, 0, 1, total);
        }
        sheet.write_string(2, 0, "Date").unwrap();
        sheet.write_string(2, 1, "New followers").unwrap();
        for (i, (day, new)) in sheets.followers.iter().enumerate() {
            let row = i as u32 + 3;
            sheet.write_string(row, 0, *day).unwrap();
            number(sheet, row, 1, *new);
        }
    }
    book.save(path).unwrap();
}

fn days(from: u32, to: u32, engagements: u64) -> Vec<(String, u64, u64)> {
    (from..=to).map(|d| (format!("11/{d}/2026"), engagements * 20, engagements)).collect()
}

fn borrowed(rows: &[(String, u64, u64)]) -> Vec<(&str, u64, u64)> {
    rows.iter().map(|(d, i, e)| (d.as_str(), *i, *e)).collect()
}

fn component<'a>(explain: &'a Value, id: &str) -> &'a Value {
    explain["components"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("{id}"))
}

#[test]
fn overlapping_workbooks_merge_keeping_the_larger_value_and_a_reimport_adds_nothing() {
    let env = TestEnv::new().imported();
    // Workbook A: 1–10 November, 5 engagements and 1 new follower a day, 100 followers on the 10th.
    let a_days = days(1, 10, 5);
    let a_followers: Vec<(String, u64)> = (1..=10).map(|d| (format!("11/{d}/2026"), 1)).collect();
    let a_followers: Vec<(&str, u64)> = a_followers.iter().map(|(d, n)| (d.as_str(), *n)).collect();
    let a = env.path("Content_2026-11-01_2026-11-10_AdaLovelace.xlsx");
    write_workbook(
        &a,
        &Sheets {
            engagement: &borrowed(&a_days),
            followers: &a_followers,
            total: Some(("11/10/2026", 100)),
            ..Sheets::default()
        },
    );
    // Workbook B (2026 layout): 6–15 November. It raises the 6th–8th to 9, reports less
    // on the 9th–10th (2: the larger, earlier value stays), and adds the 11th–15th at 4.
    let mut b_days = days(6, 8, 9);
    b_days.extend(days(9, 10, 2));
    b_days.extend(days(11, 15, 4));
    let b = env.path("AggregateAnalytics_AdaLovelace_2026-11-06_2026-11-15.xlsx");
    write_workbook(
        &b,
        &Sheets { engagement: &borrowed(&b_days), numbers_as_text: true, ..Sheets::default() },
    );

    let first = env.json(&["import", a.to_str().unwrap()]);
    let import = &first["import"];
    assert_eq!(import["kind"], "creator_analytics");
    assert_eq!(import["layout"], "content");
    assert_eq!((import["days_read"].as_u64(), import["days_changed"].as_u64()), (Some(10), Some(10)));
    // Per day two markers (engagement and followers reported), 5 engagements and 1 follower.
    assert_eq!(import["events_added"], 10 * 2 + 50 + 10);
    assert_eq!(import["follower_total"]["followers"], 100);
    let sheets: Vec<(&str, u64)> = import["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["rows_read"].as_u64().unwrap()))
        .collect();
    assert_eq!(sheets, [("ENGAGEMENT", 10), ("FOLLOWERS", 10)]);

    let second = env.json(&["import", b.to_str().unwrap()]);
    let import = &second["import"];
    assert_eq!(import["layout"], "aggregate");
    // Raised: the 6th–8th; new: the 11th–15th.
    assert_eq!(import["days_changed"], 3 + 5);
    // 4 more engagements on each of 3 days; 5 new days of a marker and 4 engagements.
    assert_eq!(import["events_added"], 3 * 4 + 5 * (1 + 4));

    let again = env.json(&["import", a.to_str().unwrap()]);
    assert_eq!(again["import"]["outcome"], "already_imported");
    assert_eq!(again["import"]["events_added"], 0);

    let dashboard = env.json(&["dashboard"]);
    let audience = &dashboard["creator_analytics"];
    assert_eq!(audience["engagements_90_days"], 5 * 5 + 9 * 3 + 5 * 2 + 4 * 5);
    assert_eq!(audience["followers_gained_90_days"], 10);
    assert_eq!(audience["last_reported_day"], "2026-11-15");
    // The total was 100 on the 10th, and no follower came after (B has no FOLLOWERS sheet).
    assert_eq!(audience["followers"], 100);

    let explain = env.json(&["explain", "--pillar", "brand"]);
    let engagement = component(&explain, "brand.engagement_received");
    assert_eq!(engagement["no_data"], false);
    assert!(engagement["points"].as_f64().unwrap() > 0.0, "{engagement}");
    assert_eq!(engagement["workbook_days"]["days_reported"], 15);
    assert_eq!(engagement["workbook_days"]["first_day"], "2026-11-01");
    assert_eq!(engagement["workbook_days"]["total"], 82);
    let followers = component(&explain, "brand.follower_growth");
    assert_eq!(followers["workbook_days"]["days_reported"], 10);
    assert_eq!(followers["workbook_days"]["total"], 10);
    let possible: f64 =
        explain["components"].as_array().unwrap().iter().map(|c| c["possible"].as_f64().unwrap()).sum();
    assert!((possible - 25.0).abs() < 1e-9, "with data everywhere the weights are the model's: {possible}");

    let history = env.json(&["history", "--from", "2026-11-08", "--to", "2026-11-11"]);
    let followers: Vec<Value> =
        history["days"].as_array().unwrap().iter().map(|d| d["followers"].clone()).collect();
    assert_eq!(followers, [Value::from(98), Value::from(99), Value::from(100), Value::Null]);
    let table = env.stdout(&["history", "--from", "2026-11-01", "--to", "2026-11-10"]);
    assert!(
        table.contains("followers") && table.contains("Followers ") && table.contains("91 → 100 (+9"),
        "{table}"
    );
}

#[test]
fn without_a_workbook_the_new_components_have_no_data_and_the_brand_pillar_is_scored_from_the_rest() {
    let env = TestEnv::new().imported();
    let explain = env.json(&["explain", "--pillar", "brand"]);
    for id in ["brand.engagement_received", "brand.follower_growth"] {
        let c = component(&explain, id);
        assert_eq!((c["no_data"].as_bool(), c["known"].as_bool()), (Some(true), Some(false)), "{c}");
        assert_eq!((c["points"].as_f64(), c["possible"].as_f64()), (Some(0.0), Some(0.0)), "{c}");
        assert!(
            c["action"]
                .as_str()
                .unwrap()
                .starts_with("No data: import your LinkedIn creator analytics workbook")
        );
        assert!(c.get("workbook_days").is_none());
    }
    // The other brand components share the whole 25 points in the model's old proportions.
    let possible = |id: &str| component(&explain, id)["possible"].as_f64().unwrap();
    for (id, old_weight) in [
        ("brand.profile", 9.0),
        ("brand.publishing", 8.0),
        ("brand.articles", 3.0),
        ("brand.endorsements", 5.0),
    ] {
        assert!((possible(id) - old_weight).abs() < 1e-9, "{id}: {}", possible(id));
    }
    let points: f64 =
        explain["components"].as_array().unwrap().iter().map(|c| c["points"].as_f64().unwrap()).sum();
    let brand = explain["estimate"]["pillars"]["brand"].as_f64().unwrap();
    // Stored metric values are rounded to millionths: the points agree to that.
    assert!((points - brand).abs() < 1e-4, "the points add up to the pillar: {points} vs {brand}");
    let text = env.stdout(&["explain", "--pillar", "brand"]);
    assert!(text.contains("No data for brand.engagement_received, brand.follower_growth"), "{text}");
    assert!(text.contains("metric  count = no data"), "{text}");
    let dashboard = env.json(&["dashboard"]);
    assert!(dashboard.get("creator_analytics").is_none(), "no audience without a workbook");
}

/// An export whose posts carry activity ids: one plain, one with a link, one sharing an article.
fn export_with_posts(env: &TestEnv) -> PathBuf {
    let folder = env.path("Basic_LinkedInDataExport_11-20-2026");
    write_export(
        &folder,
        &[(
            "Shares.csv",
            "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n\
             2026-11-02 08:30:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7001,\"Plain words\",,,MEMBER_NETWORK\n\
             2026-11-04 08:30:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7002,\"Read this\",https://example.com/a,,MEMBER_NETWORK\n\
             2026-11-06 08:30:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7003,\"My article\",https://www.linkedin.com/pulse/why-ada/,,MEMBER_NETWORK\n\
             2026-11-08 08:30:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7004,\"More words\",,,MEMBER_NETWORK\n",
        )],
    );
    folder
}

#[test]
fn posts_are_listed_best_first_with_the_kind_that_earns_most() {
    let env = TestEnv::new();
    let folder = export_with_posts(&env);
    env.stdout(&["import", folder.to_str().unwrap(), "--member", MEMBER]);
    let workbook = env.path("posts.xlsx");
    let engagement = days(1, 10, 3);
    write_workbook(
        &workbook,
        &Sheets {
            engagement: &borrowed(&engagement),
            posts: &[
                ("https://www.linkedin.com/feed/update/urn:li:activity:7002/", "11/4/2026", 40, 900),
                ("https://www.linkedin.com/feed/update/urn:li:activity:7001/", "11/2/2026", 12, 400),
                ("https://www.linkedin.com/feed/update/urn:li:activity:7003/", "11/6/2026", 25, 1200),
                ("https://www.linkedin.com/feed/update/urn:li:activity:7004/", "11/8/2026", 20, 300),
                ("https://www.linkedin.com/feed/update/urn:li:activity:9999/", "10/1/2026", 7, 100),
            ],
            ..Sheets::default()
        },
    );
    env.stdout(&["import", workbook.to_str().unwrap(), "--member", MEMBER]);
    let posts = env.json(&["posts", "--member", MEMBER]);
    let order: Vec<(&str, &str)> = posts["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["activity_id"].as_str().unwrap(), p["form"].as_str().unwrap_or("?")))
        .collect();
    assert_eq!(
        order,
        [("7002", "link"), ("7003", "article"), ("7004", "text"), ("7001", "text"), ("9999", "?")]
    );
    assert_eq!(posts["posts"][0]["engagements"], 40);
    assert_eq!(posts["posts"][0]["impressions"], 900);
    let forms: Vec<(&str, f64)> = posts["by_form"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["form"].as_str().unwrap(), f["mean_engagements"].as_f64().unwrap()))
        .collect();
    assert_eq!(forms, [("link", 40.0), ("article", 25.0), ("text", 16.0)]);
    assert_eq!(posts["export_posts_without_figures"], 0);
    let text = env.stdout(&["posts", "--member", MEMBER]);
    assert!(text.contains("Link posts earn most: 40.0 engagements per post (1 posts)"), "{text}");
}

#[test]
fn a_workbook_before_any_export_is_refused_and_creates_no_database() {
    let env = TestEnv::new();
    let workbook = env.path("first.xlsx");
    let engagement = days(1, 3, 2);
    write_workbook(&workbook, &Sheets { engagement: &borrowed(&engagement), ..Sheets::default() });
    let stderr = env.fails(&["import", workbook.to_str().unwrap()], 1);
    assert!(
        stderr.starts_with(&format!("error: cannot import {}: no ssi database at ", workbook.display()))
            && stderr.trim_end().ends_with("nothing was stored"),
        "{stderr}"
    );
    assert!(!env.default_db().exists(), "no database was created");
}

/// Hostile and malformed workbooks: each refused with its one-line reason, nothing stored.
#[test]
fn a_bad_workbook_is_refused_with_its_place_and_the_database_is_unchanged() {
    let env = TestEnv::new().imported();
    let before = env.json(&["dashboard"]);
    let bad = env.path("bad.xlsx");
    let rows = [("11/3/2026".to_string(), 10u64, 2u64), ("11/4/2026".to_string(), 10, 3)];
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("ENGAGEMENT").unwrap();
    for (column, header) in ["Date", "Impressions", "Engagements"].into_iter().enumerate() {
        sheet.write_string(0, column as u16, header).unwrap();
    }
    for (i, (day, impressions, engagements)) in rows.iter().enumerate() {
        sheet.write_string(i as u32 + 1, 0, day).unwrap();
        sheet.write_number(i as u32 + 1, 1, *impressions as f64).unwrap();
        sheet.write_number(i as u32 + 1, 2, *engagements as f64).unwrap();
    }
    sheet.write_string(3, 0, "11/5/2026").unwrap();
    sheet.write_string(3, 2, "a dozen").unwrap();
    book.save(&bad).unwrap();
    let stderr = env.fails(&["import", bad.to_str().unwrap()], 1);
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: {}, sheet ENGAGEMENT row 4, column Engagements: \"a dozen\" is not a whole number of at least 0; nothing was stored",
            bad.display()
        )
    );
    assert_eq!(stderr.trim_end().lines().count(), 1);
    assert_eq!(env.json(&["dashboard"]), before, "nothing changed");
    let explain = env.json(&["explain"]);
    assert_eq!(component(&explain, "brand.engagement_received")["no_data"], true);
}

#[test]
fn one_import_of_an_export_and_its_workbook_joins_one_member_and_shows_one_dashboard() {
    let env = TestEnv::new();
    // Another member first: once the export adds a second one, the workbook alone could
    // not tell whose it is; after the export in one command it joins the export's member.
    let folder = env.export_folder();
    env.stdout(&["--member", "Grace Hopper", "import", folder.to_str().unwrap()]);
    let book = env.path("Content_2026-11-01_2026-11-10_AdaLovelace.xlsx");
    write_workbook(&book, &Sheets { engagement: &borrowed(&days(1, 10, 5)), ..Sheets::default() });
    let zip = env.export_zip();
    let text = env.stdout(&["import", zip.to_str().unwrap(), book.to_str().unwrap()]);
    let export_line = text.find(&format!("for {MEMBER} (new member)")).expect(&text);
    let workbook_line = text
        .find(&format!(
            "Imported creator analytics Content_2026-11-01_2026-11-10_AdaLovelace.xlsx for {MEMBER}"
        ))
        .expect(&text);
    assert!(export_line < workbook_line, "in the order given: {text}");
    assert_eq!(text.matches("SSI estimate for ").count(), 1, "one dashboard: {text}");
    assert!(text.rfind("SSI estimate for ").unwrap() > workbook_line, "the dashboard comes last: {text}");

    // With --json, one document per file, in order; the dashboard only in the last.
    let again =
        env.ssi().args(["--json", "import", zip.to_str().unwrap(), book.to_str().unwrap()]).output().unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let documents: Vec<Value> = serde_json::Deserializer::from_slice(&again.stdout)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(documents.len(), 2, "{documents:?}");
    assert!(documents[0]["dashboard"].is_null(), "{}", documents[0]);
    assert_eq!(documents[1]["import"]["kind"], "creator_analytics");
    assert_eq!(documents[1]["import"]["member"], MEMBER);
    assert_eq!(documents[1]["import"]["outcome"], "already_imported");
    assert_eq!(documents[1]["dashboard"]["member"], MEMBER);
}

#[test]
fn a_missing_file_among_several_imports_none_of_them() {
    let env = TestEnv::new();
    let zip = env.export_zip();
    let missing = env.path("AggregateAnalytics_nowhere.xlsx");
    let output =
        env.ssi().args(["import", zip.to_str().unwrap(), missing.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("AggregateAnalytics_nowhere.xlsx does not exist"), "{stderr}");
    assert!(!env.default_db().exists(), "nothing was imported, not even the export before it");
}
