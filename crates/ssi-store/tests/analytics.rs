//! Creator analytics in the store: a workbook import is one transaction (a failure leaves nothing), figures merge by the larger value, and the events it adds score the member.

use chrono::NaiveDate;
use serde_json::json;
use ssi_core::analytics::{DayFigures, FollowerTotal, PostFigures};
use ssi_store::{Store, WorkbookImport, WorkbookOutcome};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn figures(d: u32, engagements: u64, new_followers: u64) -> DayFigures {
    DayFigures {
        date: day(d),
        impressions: Some(engagements * 30),
        engagements: Some(engagements),
        new_followers: Some(new_followers),
    }
}

fn post(id: &str, engagements: u64) -> PostFigures {
    PostFigures {
        activity_id: id.into(),
        published: Some(day(2)),
        engagements: Some(engagements),
        impressions: None,
    }
}

fn workbook<'a>(
    fingerprint: &'a str,
    days: &'a [DayFigures],
    posts: &'a [PostFigures],
    report: &'a serde_json::Value,
) -> WorkbookImport<'a> {
    WorkbookImport {
        fingerprint,
        source_name: "analytics.xlsx",
        days,
        follower_total: Some(FollowerTotal { date: day(3), followers: 120 }),
        posts,
        report,
    }
}

#[test]
fn a_failed_workbook_import_leaves_nothing_and_a_good_one_merges_by_the_larger_value() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("ssi.db")).unwrap();
    let member = store.create_member("Ada", None, None).unwrap().id;
    let report = json!({"layout": "content"});
    let days = [figures(1, 4, 1), figures(2, 6, 0), figures(3, 2, 2)];

    // The third post breaks a CHECK after the days, the total and two posts are written:
    // the whole import rolls back.
    let broken = [post("1", 9), post("2", 3), post("", 1)];
    assert!(store.import_workbook(member, &workbook("a", &days, &broken, &report), day(20)).is_err());
    assert!(store.analytics_days(member, None, None).unwrap().is_empty());
    assert!(store.follower_totals(member).unwrap().is_empty());
    assert!(store.post_analytics(member).unwrap().is_empty());
    assert!(store.imports(member).unwrap().is_empty());
    assert!(store.load_events(member).unwrap().is_empty());

    let posts = [post("1", 9), post("2", 3)];
    let first = store.import_workbook(member, &workbook("a", &days, &posts, &report), day(20)).unwrap();
    assert!(
        matches!(first, WorkbookOutcome::Imported { days_changed: 3, events_added, posts_changed: 2, follower_total_changed: true, first_changed_day: Some(d), .. }
            if events_added == 3 * 2 + 12 + 3 && d == day(1)),
        "{first:?}"
    );
    assert_eq!(store.load_events(member).unwrap().len(), 3 * 2 + 12 + 3);

    // A later workbook: the 2nd revised up, the 3rd down, the 4th new; one post up, one down.
    let later = [figures(2, 8, 0), figures(3, 1, 2), figures(4, 5, 1)];
    let later_posts = [post("1", 7), post("2", 5)];
    let second =
        store.import_workbook(member, &workbook("b", &later, &later_posts, &report), day(20)).unwrap();
    assert!(
        matches!(second, WorkbookOutcome::Imported { days_changed: 2, events_added, posts_changed: 1, follower_total_changed: false, first_changed_day: Some(d), .. }
            if events_added == 2 + (2 + 5 + 1) && d == day(2)),
        "{second:?}"
    );
    let stored: Vec<(NaiveDate, Option<u64>)> =
        store.analytics_days(member, None, None).unwrap().iter().map(|d| (d.date, d.engagements)).collect();
    assert_eq!(stored, [(day(1), Some(4)), (day(2), Some(8)), (day(3), Some(2)), (day(4), Some(5))]);
    let posts: Vec<(String, Option<u64>)> =
        store.post_analytics(member).unwrap().into_iter().map(|p| (p.activity_id, p.engagements)).collect();
    assert_eq!(posts, [("1".to_string(), Some(9)), ("2".to_string(), Some(5))], "most engagements first");
    assert!(matches!(
        store.import_workbook(member, &workbook("b", &later, &later_posts, &report), day(20)).unwrap(),
        WorkbookOutcome::AlreadyImported { .. }
    ));
}
