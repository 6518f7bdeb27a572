//! Parity of the PostgreSQL store with SQLite for creator analytics (`tests/parity/mod.rs`):
//! workbook imports (merged by the larger value, idempotent, one transaction each, the
//! member re-scored), the days, follower totals and posts read back in the same order,
//! and the export posts recorded in import reports.

mod common;
mod parity;

use chrono::NaiveDate;
use common::{meta_on, ok, synthetic_events};
use parity::{Both, Comparable};
use serde_json::json;
use ssi_core::ActivityEvent;
use ssi_core::analytics::{DayFigures, ExportPost, FollowerTotal, PostFigures, PostForm};
use ssi_store::{
    HistoryRow, ImportFailure, ImportOutcome, ImportRecord, MemberId, ScorePoint, StoreError, WorkbookImport,
    WorkbookOutcome,
};
use std::process::ExitCode;

fn main() -> ExitCode {
    parity::run(scenarios![
        a_workbook_lands_alike_and_again_changes_nothing,
        a_later_workbook_merges_by_the_larger_value_alike,
        members_keep_their_own_figures,
        a_failed_workbook_import_leaves_both_unchanged,
        export_posts_are_read_from_the_reports_alike,
    ])
}

impl Comparable for DayFigures {}
impl Comparable for FollowerTotal {}
impl Comparable for PostFigures {}
impl Comparable for ExportPost {}
impl Comparable for ScorePoint {}
impl Comparable for HistoryRow {}
impl Comparable for ActivityEvent {}

impl Comparable for WorkbookOutcome {
    fn without_clock(self) -> Self {
        match self {
            WorkbookOutcome::AlreadyImported { .. } => {
                WorkbookOutcome::AlreadyImported { on: chrono::DateTime::UNIX_EPOCH }
            }
            imported => imported,
        }
    }
}

impl Comparable for ImportRecord {
    fn without_clock(self) -> Self {
        ImportRecord { imported_at: chrono::DateTime::UNIX_EPOCH, ..self }
    }
}

impl Comparable for ImportOutcome {
    fn without_clock(self) -> Self {
        match self {
            ImportOutcome::AlreadyImported { .. } => {
                ImportOutcome::AlreadyImported { on: chrono::DateTime::UNIX_EPOCH }
            }
            imported => imported,
        }
    }
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// `count` days of figures from `from`, varied by `seed`; every seventh day without
/// impressions, every fifth without new followers.
fn days_from(from: NaiveDate, count: u64, seed: u64) -> Vec<DayFigures> {
    (0..count)
        .map(|i| DayFigures {
            date: from + chrono::Days::new(i),
            impressions: (i % 7 != 3).then_some((i * 37 + seed) % 900),
            engagements: Some((i * 5 + seed) % 9),
            new_followers: (i % 5 != 1).then_some((i + seed) % 3),
        })
        .collect()
}

fn post(
    id: &str,
    published: Option<NaiveDate>,
    engagements: Option<u64>,
    impressions: Option<u64>,
) -> PostFigures {
    PostFigures { activity_id: id.into(), published, engagements, impressions }
}

/// Posts whose order needs every tie-break of `post_analytics`: engagements (NULL
/// lowest), then impressions (NULL lowest), then the newest (no date last), then the
/// activity id byte by byte (upper case before lower, `10` before `9`).
fn ordered_posts() -> Vec<PostFigures> {
    vec![
        post("9", Some(day(3, 2)), Some(4), Some(100)),
        post("10", Some(day(3, 2)), Some(4), Some(100)),
        post("b", Some(day(3, 2)), Some(4), Some(100)),
        post("B", Some(day(3, 2)), Some(4), Some(100)),
        post("undated", None, Some(4), Some(100)),
        post("newer", Some(day(3, 9)), Some(4), Some(100)),
        post("seen", Some(day(3, 1)), Some(4), Some(300)),
        post("unseen", Some(day(3, 1)), Some(4), None),
        post("top", Some(day(2, 20)), Some(12), Some(50)),
        post("quiet", Some(day(3, 3)), None, Some(900)),
        post("blank", None, None, None),
    ]
}

fn workbook<'a>(
    fingerprint: &'a str,
    days: &'a [DayFigures],
    follower_total: Option<FollowerTotal>,
    posts: &'a [PostFigures],
    report: &'a serde_json::Value,
) -> WorkbookImport<'a> {
    WorkbookImport { fingerprint, source_name: "analytics.xlsx", days, follower_total, posts, report }
}

fn report() -> serde_json::Value {
    json!({"kind": "creator_analytics", "layout": "content", "warnings": []})
}

fn create(both: &Both, name: &str) -> MemberId {
    same!(both, name, create_member(name, Some("Software"), None)).unwrap().id
}

/// An export for `member` (events over February, a horizon on March 15), imported on
/// both sides alike, with `posts` in its report as the importer records them.
fn import_export(both: &Both, member: MemberId, fingerprint: &str, posts: serde_json::Value) {
    let mut meta = meta_on(fingerprint, day(3, 15));
    meta.report = json!({"files": 3, "posts": posts});
    let events = synthetic_events(7, day(2, 1), 28);
    let store = |e: ImportFailure<std::convert::Infallible>| match e {
        ImportFailure::Store(e) => e,
        ImportFailure::Source(never) => match never {},
    };
    both.same(
        "export",
        |s| s.import_export(member, &meta, None, ok(events.clone()), day(3, 20)).map_err(store),
        |p| p.import_export(member, &meta, None, ok(events.clone()), day(3, 20)).map_err(store),
    )
    .unwrap();
}

/// Everything of the member's that an import may change, asserted alike on both
/// sides; SQLite's answers.
#[derive(Debug, PartialEq)]
struct Stored {
    days: Vec<DayFigures>,
    totals: Vec<FollowerTotal>,
    posts: Vec<PostFigures>,
    export_posts: Vec<ExportPost>,
    events: Vec<ActivityEvent>,
    imports: Vec<ImportRecord>,
    scores: Vec<ScorePoint>,
    history: Vec<HistoryRow>,
}

fn stored(both: &Both, member: MemberId) -> Stored {
    let version = same!(both, "model", active_model()).unwrap().version;
    Stored {
        days: same!(both, "days", analytics_days(member, None, None)).unwrap(),
        totals: same!(both, "totals", follower_totals(member)).unwrap(),
        posts: same!(both, "posts", post_analytics(member)).unwrap(),
        export_posts: same!(both, "export posts", export_posts(member)).unwrap(),
        events: same!(both, "events", load_events(member)).unwrap(),
        imports: same!(both, "imports", imports(member)).unwrap().without_clock(),
        scores: same!(both, "scores", score_points(member, &version, None, None)).unwrap(),
        history: same!(both, "history", history(member, None, None)).unwrap(),
    }
}

fn a_workbook_lands_alike_and_again_changes_nothing(both: &Both) {
    let ann = create(both, "Ann");
    import_export(both, ann, "export", json!([]));
    let before = stored(both, ann);
    let days = days_from(day(2, 10), 40, 1);
    let posts = ordered_posts();
    let report = report();
    let total = Some(FollowerTotal { date: day(3, 10), followers: 480 });
    let first = workbook("workbook-a", &days, total, &posts, &report);

    let outcome = same!(both, "import", import_workbook(ann, &first, day(3, 20))).unwrap();
    let WorkbookOutcome::Imported {
        days_changed,
        events_added,
        posts_changed,
        follower_total_changed,
        first_changed_day,
        days_rescored,
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!((days_changed, posts_changed, follower_total_changed), (40, 11, true));
    let events_expected: u64 =
        days.iter().map(|d| 1 + d.engagements.unwrap() + d.new_followers.map_or(0, |n| n + 1)).sum();
    assert_eq!(events_added, events_expected);
    assert_eq!(first_changed_day, Some(day(2, 10)));
    assert!(days_rescored > 30, "{days_rescored}");

    let after = stored(both, ann);
    assert_eq!(after.days, days, "read back as given, oldest first");
    let order: Vec<&str> = after.posts.iter().map(|p| p.activity_id.as_str()).collect();
    assert_eq!(
        order,
        ["top", "seen", "newer", "10", "9", "B", "b", "undated", "unseen", "quiet", "blank"],
        "every tie-break of the order"
    );
    assert_eq!(after.events.len() - before.events.len(), events_expected as usize);
    assert_ne!(after.scores, before.scores, "the workbook's events scored the member");
    let range = same!(both, "range", analytics_days(ann, Some(day(2, 20)), Some(day(2, 25)))).unwrap();
    assert_eq!(range.len(), 6);
    same!(both, "open start", analytics_days(ann, None, Some(day(2, 12)))).unwrap();
    same!(both, "open end", analytics_days(ann, Some(day(3, 18)), None)).unwrap();

    // The very same file again: nothing changes, on either side.
    let again = same!(both, "again", import_workbook(ann, &first, day(3, 20))).unwrap();
    assert!(matches!(again, WorkbookOutcome::AlreadyImported { .. }), "{again:?}");
    let sqlite_on = both.sqlite.imports(ann).unwrap()[1].imported_at;
    let pg_on = both.pg.imports(ann).unwrap()[1].imported_at;
    assert_eq!(
        both.sqlite.import_workbook(ann, &first, day(3, 20)).unwrap(),
        WorkbookOutcome::AlreadyImported { on: sqlite_on }
    );
    assert_eq!(
        both.pg.import_workbook(ann, &first, day(3, 20)).unwrap(),
        WorkbookOutcome::AlreadyImported { on: pg_on }
    );
    assert_eq!(stored(both, ann), after);
}

fn a_later_workbook_merges_by_the_larger_value_alike(both: &Both) {
    let ann = create(both, "Ann");
    import_export(both, ann, "export", json!([]));
    let report = report();
    let days = days_from(day(2, 10), 20, 2);
    let posts = [post("p1", None, Some(5), None), post("p2", Some(day(2, 14)), Some(8), Some(90))];
    let total = Some(FollowerTotal { date: day(3, 1), followers: 300 });
    same!(both, "first", import_workbook(ann, &workbook("a", &days, total, &posts, &report), day(3, 20)))
        .unwrap();

    // Overlapping the first from its 15th day: some figures revised up, some down, a
    // missing one reported, a known one missing; new days after; one post gains a date
    // and impressions, the other falls; a lower total on the same day, a new one later.
    let mut later = days_from(day(2, 24), 16, 2);
    later[0].engagements = Some(later[0].engagements.unwrap() + 4);
    later[1].engagements = Some(0);
    later[2].impressions = None;
    later[3].new_followers = Some(9);
    let later_posts = [post("p1", Some(day(2, 12)), Some(5), Some(40)), post("p2", None, Some(2), Some(10))];
    let lower = Some(FollowerTotal { date: day(3, 1), followers: 250 });
    let second = same!(
        both,
        "overlap",
        import_workbook(ann, &workbook("b", &later, lower, &later_posts, &report), day(3, 20))
    )
    .unwrap();
    let WorkbookOutcome::Imported { follower_total_changed, posts_changed, first_changed_day, .. } = second
    else {
        panic!("{second:?}")
    };
    assert!(!follower_total_changed);
    assert_eq!(posts_changed, 1);
    assert_eq!(first_changed_day, Some(day(2, 24)), "the day revised up");
    let newer = Some(FollowerTotal { date: day(3, 12), followers: 320 });
    same!(both, "total", import_workbook(ann, &workbook("c", &[], newer, &[], &report), day(3, 20))).unwrap();

    let merged = stored(both, ann);
    assert_eq!(merged.totals.len(), 2);
    assert_eq!(merged.totals[0].followers, 300, "the larger total of the day is kept");
    let p1 = merged.posts.iter().find(|p| p.activity_id == "p1").unwrap();
    assert_eq!((p1.published, p1.impressions), (Some(day(2, 12)), Some(40)));
    let revised = merged.days.iter().find(|d| d.date == day(2, 25)).unwrap();
    assert_eq!(revised.engagements, days[15].engagements, "a figure revised down keeps the larger");
    assert_eq!(merged.days.len(), 30);
}

fn members_keep_their_own_figures(both: &Both) {
    let ann = create(both, "Ann");
    let bob = create(both, "Bob");
    import_export(both, bob, "bob's export", json!([]));
    let report = report();
    let (ann_days, bob_days) = (days_from(day(2, 1), 10, 3), days_from(day(2, 5), 12, 4));
    let posts = ordered_posts();
    let total = Some(FollowerTotal { date: day(2, 10), followers: 12 });
    // One file, imported by each: a fingerprint is the same file once per member.
    same!(
        both,
        "ann",
        import_workbook(ann, &workbook("shared", &ann_days, total, &posts[..4], &report), day(3, 1))
    )
    .unwrap();
    let bob_outcome = same!(
        both,
        "bob",
        import_workbook(bob, &workbook("shared", &bob_days, None, &posts[4..], &report), day(3, 1))
    )
    .unwrap();
    assert!(matches!(bob_outcome, WorkbookOutcome::Imported { .. }), "{bob_outcome:?}");

    let (ann_stored, bob_stored) = (stored(both, ann), stored(both, bob));
    assert_eq!(ann_stored.days, ann_days);
    assert_eq!(bob_stored.days, bob_days);
    assert_eq!(ann_stored.posts.len(), 4);
    assert_eq!(bob_stored.posts.len(), 7);
    assert!(bob_stored.totals.is_empty());
    assert!(!bob_stored.scores.is_empty());
}

fn a_failed_workbook_import_leaves_both_unchanged(both: &Both) {
    let ann = create(both, "Ann");
    import_export(both, ann, "export", json!([]));
    let report = report();
    let days = days_from(day(2, 10), 10, 5);
    let posts = ordered_posts();
    same!(both, "good", import_workbook(ann, &workbook("good", &days, None, &posts, &report), day(3, 20)))
        .unwrap();
    let before = stored(both, ann);
    let more = days_from(day(2, 15), 20, 6);

    // Refused inside the transaction, after the days are merged: all rolled back.
    let far = Some(FollowerTotal { date: NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(), followers: 1 });
    let err = same!(
        both,
        "far total",
        import_workbook(ann, &workbook("far", &more, far, &posts, &report), day(3, 20))
    )
    .unwrap_err();
    assert!(matches!(err, StoreError::InvalidData { .. }), "{err}");
    assert_eq!(stored(both, ann), before);

    // A post the tables refuse (an empty activity id breaks a CHECK), after the days,
    // the total and the other posts: each backend fails with its own database error.
    let broken = [post("new", None, Some(1), None), post("", None, Some(1), None)];
    let total = Some(FollowerTotal { date: day(3, 1), followers: 99 });
    let bad = workbook("broken", &more, total, &broken, &report);
    assert!(both.sqlite.import_workbook(ann, &bad, day(3, 20)).is_err());
    assert!(both.pg.import_workbook(ann, &bad, day(3, 20)).is_err());
    assert_eq!(stored(both, ann), before);

    // Refused before any transaction.
    same!(
        both,
        "no fingerprint",
        import_workbook(ann, &workbook(" ", &more, None, &[], &report), day(3, 20))
    )
    .unwrap_err();
    let mut out_of_range = more.clone();
    out_of_range[3].date = NaiveDate::from_ymd_opt(0, 12, 31).unwrap();
    same!(
        both,
        "far day",
        import_workbook(ann, &workbook("x", &out_of_range, None, &[], &report), day(3, 20))
    )
    .unwrap_err();
    assert_eq!(stored(both, ann), before);

    // Nobody: NotFound on every call, nothing written.
    let nobody = MemberId(99);
    let err =
        same!(both, "nobody", import_workbook(nobody, &workbook("n", &more, None, &[], &report), day(3, 20)))
            .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    same!(both, "nobody", analytics_days(nobody, None, None)).unwrap_err();
    same!(both, "nobody", follower_totals(nobody)).unwrap_err();
    same!(both, "nobody", post_analytics(nobody)).unwrap_err();
    same!(both, "nobody", export_posts(nobody)).unwrap_err();
    assert_eq!(stored(both, ann), before);

    // The same file once the post is fixed: it imports now.
    let fixed = [post("new", None, Some(1), None)];
    let outcome = same!(
        both,
        "fixed",
        import_workbook(ann, &workbook("broken", &more, total, &fixed, &report), day(3, 20))
    )
    .unwrap();
    assert!(matches!(outcome, WorkbookOutcome::Imported { posts_changed: 1, .. }), "{outcome:?}");
}

fn export_post(id: &str, date: NaiveDate, form: PostForm) -> serde_json::Value {
    serde_json::to_value(ExportPost { activity_id: id.into(), date, form }).unwrap()
}

fn export_posts_are_read_from_the_reports_alike(both: &Both) {
    let ann = create(both, "Ann");
    let bob = create(both, "Bob");
    let none = same!(both, "no imports", export_posts(ann)).unwrap();
    assert!(none.is_empty());
    // Two exports listing overlapping posts (one id on two days, one day with two
    // forms of one id), a report whose posts are an object of posts (SQLite's
    // json_each walks its values), and things in the lists that are not posts.
    let first = json!([
        export_post("b", day(2, 3), PostForm::Link),
        export_post("a", day(2, 3), PostForm::Text),
        export_post("c", day(2, 9), PostForm::Media),
        "not a post",
        7,
    ]);
    import_export(both, ann, "first", first);
    let second = json!([
        export_post("c", day(2, 9), PostForm::Media),
        export_post("a", day(2, 3), PostForm::Article),
        export_post("c", day(2, 1), PostForm::Text),
        [export_post("nested", day(2, 2), PostForm::Text)],
    ]);
    import_export(both, ann, "second", second);
    let keyed = json!({"x": export_post("d", day(2, 5), PostForm::Media), "y": null});
    import_export(both, ann, "keyed", keyed);
    import_export(both, bob, "bob's", json!([export_post("bob", day(2, 4), PostForm::Text)]));
    // A workbook's report names no posts.
    let report = report();
    let days = days_from(day(2, 1), 3, 1);
    same!(both, "workbook", import_workbook(ann, &workbook("w", &days, None, &[], &report), day(3, 20)))
        .unwrap();

    let posts = same!(both, "export posts", export_posts(ann)).unwrap();
    let listed: Vec<(&str, NaiveDate, PostForm)> =
        posts.iter().map(|p| (p.activity_id.as_str(), p.date, p.form)).collect();
    assert_eq!(
        listed,
        [
            ("c", day(2, 1), PostForm::Text),
            ("a", day(2, 3), PostForm::Text),
            ("b", day(2, 3), PostForm::Link),
            ("d", day(2, 5), PostForm::Media),
        ],
        "oldest first, one per id (the first of a day by form)"
    );
    let bobs = same!(both, "bob's posts", export_posts(bob)).unwrap();
    assert_eq!(bobs.len(), 1);
}
