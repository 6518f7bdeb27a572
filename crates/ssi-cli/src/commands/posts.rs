//! `ssi posts`: the member's posts with the engagements and impressions the creator analytics workbook gives them, best first, and which kind of post earns most.

use crate::context::Context;
use crate::output::{print_json, print_text};
use crate::render::pad_right;
use crate::term::{DIM, STRONG};
use anyhow::Result;
use serde::Serialize;
use ssi_core::analytics::{FormEarnings, PostRow, earnings_by_form, join_posts};
use std::fmt::Write;

/// Arguments of `ssi posts`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example: ssi posts --limit 10

The figures come from LinkedIn's creator analytics workbook (its TOP POSTS: the 50
posts with most engagements and the 50 with most impressions); the kind of post
(text, article, link, media) from the data export's Shares.csv. Import both with
`ssi import`.")]
pub(crate) struct Args {
    /// Show at most this many posts (all by default)
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
}

/// `ssi posts --json`.
#[derive(Debug, Serialize)]
struct PostsJson {
    member: String,
    /// Posts with figures, most engagements first (then most impressions).
    posts: Vec<PostRow>,
    /// Engagements per post by kind of post, the kind that earns most first.
    by_form: Vec<FormEarnings>,
    /// Posts the data export lists that no workbook gives figures for
    /// (outside the workbook's top 50s or its period).
    export_posts_without_figures: usize,
}

/// Lists the posts.
pub(crate) fn run(ctx: &Context, args: &Args) -> Result<()> {
    let store = ctx.open_existing_store()?;
    let member = ctx.member(&store)?;
    let export = store.export_posts(member.id)?;
    let mut posts = join_posts(store.post_analytics(member.id)?, &export);
    let by_form = earnings_by_form(&posts);
    let without =
        export.iter().filter(|e| !posts.iter().any(|p| p.figures.activity_id == e.activity_id)).count();
    if let Some(limit) = args.limit {
        posts.truncate(limit);
    }
    let json = PostsJson { member: member.name, posts, by_form, export_posts_without_figures: without };
    if ctx.json {
        return print_json(&json);
    }
    print_text(&render(&json, &ctx.painter))
}

fn render(p: &PostsJson, painter: &crate::term::Painter) -> String {
    let mut out = String::new();
    let _ =
        writeln!(out, "{}", painter.paint(STRONG, format!("Posts of {}, most engagements first", p.member)));
    if p.posts.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            painter.paint(
                DIM,
                "No post figures yet: import your creator analytics workbook (Profile → Show all analytics → Post impressions → Export) with `ssi import FILE.xlsx`."
            )
        );
        return out;
    }
    let figure = |n: Option<u64>| n.map_or_else(|| "-".to_string(), |n| n.to_string());
    let _ = writeln!(
        out,
        "{}",
        painter.paint(
            DIM,
            format!(
                "{:>3}  {:<10}  {:<7}  {:>11}  {:>11}  post",
                "#", "published", "kind", "engagements", "impressions"
            )
        )
    );
    for (rank, post) in p.posts.iter().enumerate() {
        let f = &post.figures;
        let _ = writeln!(
            out,
            "{:>3}  {:<10}  {:<7}  {:>11}  {:>11}  urn:li:activity:{}",
            rank + 1,
            f.published.map_or_else(|| "-".to_string(), |d| d.to_string()),
            post.form.map_or("?", |k| k.as_str()),
            figure(f.engagements),
            figure(f.impressions),
            f.activity_id
        );
    }
    let _ = writeln!(out);
    match p.by_form.first() {
        Some(best) => {
            let _ = writeln!(
                out,
                "{}",
                painter.paint(
                    STRONG,
                    format!(
                        "{} posts earn most: {:.1} engagements per post ({} posts)",
                        capitalised(best.form.as_str()),
                        best.mean_engagements,
                        best.posts
                    )
                )
            );
            for e in &p.by_form {
                let _ = writeln!(
                    out,
                    "  {}  {:>6.1} per post  ({} posts, {} engagements)",
                    pad_right(e.form.as_str(), 7),
                    e.mean_engagements,
                    e.posts,
                    e.engagements
                );
            }
        }
        None => {
            let _ = writeln!(
                out,
                "{}",
                painter.paint(
                    DIM,
                    "The kind of each post is unknown: import the data export that lists them (Shares.csv)."
                )
            );
        }
    }
    if p.export_posts_without_figures > 0 {
        let _ = writeln!(
            out,
            "{}",
            painter.paint(
                DIM,
                format!(
                    "{} more posts in your export have no figures (outside the workbook's top 50s or its period).",
                    p.export_posts_without_figures
                )
            )
        );
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}
