//! Tests of the workbook generator: both layouts import with exactly the figures written, re-imports add nothing, and the committed sample workbook is current.

use super::*;
use crate::gen_export::{Size, Style, write_archive};
use ssi_core::analytics::DayFigures;
use ssi_store::{Store, WorkbookImport, WorkbookOutcome};

fn options(size: Size, seed: u64) -> GenOptions {
    GenOptions {
        volume: size.volume(),
        seed,
        style: Style::Current,
        export_date: Style::Current.default_export_date(),
    }
}

fn archive(opts: &GenOptions) -> Vec<u8> {
    write_archive(opts, Cursor::new(Vec::new())).expect("archive is written").0.into_inner()
}

/// Imports the workbook at `path` for `member`, as `ssi import` does.
fn import(store: &Store, member: ssi_store::MemberId, path: &std::path::Path) -> WorkbookOutcome {
    let workbook =
        ssi_import::read_workbook(path, &ssi_import::WorkbookLimits::default()).expect("the workbook reads");
    let report = serde_json::to_value(&workbook.report).expect("report");
    let day = Style::Current.default_export_date();
    store
        .import_workbook(
            member,
            &WorkbookImport {
                fingerprint: &workbook.fingerprint,
                source_name: "workbook.xlsx",
                days: &workbook.days,
                follower_total: workbook.follower_total,
                posts: &workbook.posts,
                report: &report,
            },
            day,
        )
        .expect("the workbook is stored")
}

#[test]
fn each_layout_imports_with_exact_counts_against_what_the_generator_wrote() {
    let opts = options(Size::Small, 11);
    let export = archive(&opts);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("ssi.db")).unwrap();
    let member = store.create_member("Sample", None, None).unwrap().id;
    let mut first_facts = None;
    for layout in [WorkbookLayout::Content, WorkbookLayout::Aggregate] {
        let (bytes, facts) = write_workbook(&export, &opts, layout).unwrap();
        assert!(facts.posts > 0 && facts.engagements > 0 && facts.new_followers > 0, "{facts:?}");
        let path = dir.path().join(workbook_name(layout, opts.export_date, "Sample"));
        std::fs::write(&path, bytes).unwrap();

        let read = ssi_import::read_workbook(&path, &ssi_import::WorkbookLimits::default()).unwrap();
        let expected_layout = match layout {
            WorkbookLayout::Content => ssi_import::workbook::WorkbookLayout::Content,
            WorkbookLayout::Aggregate => ssi_import::workbook::WorkbookLayout::Aggregate,
        };
        assert_eq!(read.report.layout, expected_layout);
        assert_eq!(read.days.len(), facts.days);
        assert_eq!(
            (read.report.first_day, read.report.last_day),
            (Some(facts.first_day), Some(facts.last_day))
        );
        let sum = |pick: fn(&DayFigures) -> Option<u64>| read.days.iter().filter_map(pick).sum::<u64>();
        assert_eq!(sum(|d| d.engagements), facts.engagements);
        assert_eq!(sum(|d| d.impressions), facts.impressions);
        assert_eq!(sum(|d| d.new_followers), facts.new_followers);
        let daily: Vec<u64> = read.days.iter().map(|d| d.engagements.unwrap_or(u64::MAX)).collect();
        assert_eq!(daily, facts.daily_engagements);
        assert_eq!(
            read.follower_total.map(|t| (t.date, t.followers)),
            Some((facts.last_day, facts.follower_total))
        );
        assert_eq!(read.posts.len(), facts.posts);
        assert_eq!(read.report.period_impressions, Some(facts.impressions));
        assert_eq!(read.demographics.len(), 6);

        let outcome = import(&store, member, &path);
        match first_facts.replace(facts.clone()) {
            None => {
                // Per day: one marker per sheet, one event per engagement and per new follower.
                let events = 2 * facts.days as u64 + facts.engagements + facts.new_followers;
                assert!(
                    matches!(outcome, WorkbookOutcome::Imported { days_changed, events_added, posts_changed, follower_total_changed: true, .. }
                        if days_changed == facts.days as u64 && events_added == events && posts_changed == facts.posts as u64),
                    "{outcome:?}"
                );
            }
            Some(first) => {
                // The other layout of the same figures merges into nothing new.
                assert_eq!(first, facts, "both layouts carry the same figures");
                assert!(
                    matches!(
                        outcome,
                        WorkbookOutcome::Imported {
                            days_changed: 0,
                            events_added: 0,
                            posts_changed: 0,
                            follower_total_changed: false,
                            ..
                        }
                    ),
                    "{outcome:?}"
                );
            }
        }
        // The same file again adds nothing.
        assert!(matches!(import(&store, member, &path), WorkbookOutcome::AlreadyImported { .. }));
        let stored = store.analytics_days(member, None, None).unwrap();
        assert_eq!(stored.len(), facts.days);
        assert_eq!(stored.iter().filter_map(|d| d.engagements).sum::<u64>(), facts.engagements);
        assert_eq!(store.post_analytics(member).unwrap().len(), facts.posts);
    }
}

#[test]
fn top_posts_are_the_exports_own_posts() {
    let opts = options(Size::Small, 5);
    let export = archive(&opts);
    let own: Vec<String> = own_posts(&export).unwrap().into_iter().map(|(id, _)| id).collect();
    let (bytes, facts) = write_workbook(&export, &opts, WorkbookLayout::Aggregate).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let read = ssi_import::read_workbook(&path, &ssi_import::WorkbookLimits::default()).unwrap();
    assert_eq!(read.posts.len(), facts.posts);
    assert!(
        read.posts.iter().all(|p| own.contains(&p.activity_id)),
        "every listed post is one of the export's"
    );
}

#[test]
fn the_committed_sample_workbook_matches_the_generator() {
    let opts = options(Size::Typical, 42);
    let (bytes, _) = write_workbook(&archive(&opts), &opts, WorkbookLayout::Aggregate).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let committed =
        std::fs::read(root.join("examples/sample-analytics.xlsx")).expect("examples/sample-analytics.xlsx");
    assert!(
        committed == bytes,
        "examples/sample-analytics.xlsx is stale: regenerate it as docs/sample-data.md says"
    );
    assert_eq!(
        path_beside(std::path::Path::new("examples/sample-export.zip"), &opts, WorkbookLayout::Aggregate),
        std::path::Path::new("examples/sample-analytics.xlsx")
    );
}
