//! The streaming iterator over every event file of an export, file by file, row by row.

use crate::catalog::FileKind;
use crate::container::{Container, Entry, Handle, StreamBudget};
use crate::dates::parse_timestamp;
use crate::decode::DecodingReader;
use crate::error::{ImportError, SkipReason, entry_error};
use crate::limits::Limits;
use crate::mapping::{Mapper, MemberIdentity, plausible};
use crate::pseudonym::{Pseudonymizer, RowDigest, normalise_profile_url};
use crate::report::{EncodingFallback, ImportReport};
use crate::table::{RowRead, Table};
use chrono::{DateTime, NaiveDateTime, Utc};
use ssi_core::analytics::{ExportPost, PostForm, activity_id};
use ssi_core::{ActivityEvent, ActivityKind};
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// Bytes read from the top of an article's HTML: its title, link and
/// publication line sit at the top; the body is never read.
const ARTICLE_HEAD_BYTES: usize = 256 * 1024;

/// The files of one report line: one CSV file, or all article HTML files.
#[derive(Debug, Clone)]
pub(crate) struct FileGroup {
    pub(crate) kind: FileKind,
    /// Index in [`ImportReport::files`].
    pub(crate) report_index: usize,
    /// Indices in the container's entries.
    pub(crate) entries: Vec<usize>,
}

/// A group about to be read, with the reader handles its entries will borrow.
struct Planned<'a> {
    kind: FileKind,
    report_index: usize,
    entries: Vec<(&'a Entry, &'a mut Handle)>,
}

/// The file being read.
enum Run<'a> {
    Csv { table: Box<Table<'a>>, mapper: Box<Mapper<'a>>, report_index: usize, name: String },
    Articles { pending: std::vec::IntoIter<(&'a Entry, &'a mut Handle)>, report_index: usize },
}

/// Streams the [`ActivityEvent`]s of an export; see [`crate::Export::events`].
///
/// Each item is an event or the error that aborted the import; after an
/// error the iterator ends. Rows that cannot be used are skipped and listed
/// in the report instead.
pub struct Events<'a> {
    container: &'a Container,
    limits: &'a Limits,
    pseudo: &'a Pseudonymizer,
    identity: &'a MemberIdentity,
    report: &'a mut ImportReport,
    plan: std::vec::IntoIter<Planned<'a>>,
    current: Option<Run<'a>>,
    /// Occurrences of each row identity in the current file.
    occurrences: Occurrences,
    budget: StreamBudget,
    pending_error: Option<ImportError>,
    finished: bool,
}

impl Events<'_> {
    /// The import report as it stands: complete once the iterator has ended.
    ///
    /// Lets a consumer that holds the iterator (such as the store, which
    /// records the report in the same transaction as the events) read the
    /// finished report without giving the iterator back.
    pub fn report(&self) -> &ImportReport {
        self.report
    }
}

/// How often each row identity has been seen in the current file.
///
/// This is the one part of the importer whose memory grows with a file's
/// rows, so it is kept small: nearly every row is unique, and the rows seen
/// once are kept as the 64-bit prefix of their identity in [`SeenOnce`]
/// (8 bytes a row); only repeated rows carry a count. Should two different
/// rows of one file ever share a prefix (odds about 6 in 10¹⁰ for 150,000
/// rows), the second is numbered as a repeat: its key is still unique and
/// the same on every import of that file.
#[derive(Default)]
struct Occurrences {
    seen_once: SeenOnce,
    repeated: HashMap<RowDigest, u32>,
}

impl Occurrences {
    /// The 0-based occurrence number of this row identity, counting it.
    fn next(&mut self, digest: RowDigest) -> u32 {
        if self.seen_once.insert(digest.prefix()) {
            return 0;
        }
        let count = self.repeated.entry(digest).or_insert(1);
        let occurrence = *count;
        *count += 1;
        occurrence
    }
}

/// A set of 64-bit numbers in about 8 bytes each: a sorted vector, plus a
/// small hash set of the latest insertions merged into it whenever it fills.
///
/// A hash set of every row would take 16–18 bytes a row (its table doubles
/// as it grows, and is at most 7/8 full); for the 150,000 rows of a big
/// messages.csv that difference is most of what an import's memory grows by
/// with the export's size (`cargo xtask bench`, row 2).
#[derive(Default)]
struct SeenOnce {
    sorted: Vec<u64>,
    recent: HashSet<u64>,
}

impl SeenOnce {
    /// Insertions held in the hash set before they are merged.
    const RECENT: usize = 4096;

    /// Adds `value`; `false` when it was there already.
    fn insert(&mut self, value: u64) -> bool {
        if self.recent.contains(&value) || self.sorted.binary_search(&value).is_ok() {
            return false;
        }
        self.recent.insert(value);
        if self.recent.len() >= Self::RECENT {
            self.merge_recent();
        }
        true
    }

    /// Merges the recent values into the sorted vector, from the back, in place.
    fn merge_recent(&mut self) {
        let mut recent: Vec<u64> = self.recent.drain().collect();
        recent.sort_unstable();
        let old = self.sorted.len();
        // Exactly what is needed: letting the vector double would give back
        // the memory this structure exists to save.
        self.sorted.reserve_exact(recent.len());
        self.sorted.resize(old + recent.len(), 0);
        let (mut from_old, mut from_recent) = (old, recent.len());
        for slot in (0..self.sorted.len()).rev() {
            let take_old =
                from_recent == 0 || (from_old > 0 && self.sorted[from_old - 1] > recent[from_recent - 1]);
            if take_old {
                self.sorted[slot] = self.sorted[from_old - 1];
                from_old -= 1;
            } else {
                self.sorted[slot] = recent[from_recent - 1];
                from_recent -= 1;
            }
            if from_recent == 0 {
                // The rest of the old values are already in place.
                break;
            }
        }
    }
}

impl std::fmt::Debug for Events<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").field("finished", &self.finished).finish_non_exhaustive()
    }
}

/// The parts of an export an event pass borrows.
pub(crate) struct EventSources<'a> {
    pub(crate) container: &'a Container,
    pub(crate) limits: &'a Limits,
    pub(crate) pseudo: &'a Pseudonymizer,
    pub(crate) identity: &'a MemberIdentity,
    pub(crate) groups: &'a [FileGroup],
    pub(crate) handles: &'a mut [Handle],
}

impl<'a> Events<'a> {
    /// A pass over the event files of `sources`, counted into `report`;
    /// `pending_error` (from resolving the member's identity) is yielded first.
    pub(crate) fn new(
        sources: EventSources<'a>,
        report: &'a mut ImportReport,
        pending_error: Option<ImportError>,
    ) -> Self {
        let EventSources { container, limits, pseudo, identity, groups, handles } = sources;
        let mut handles: Vec<Option<&'a mut Handle>> = handles.iter_mut().map(Some).collect();
        let mut plan = Vec::new();
        let mut names = Vec::new();
        for group in groups.iter().filter(|g| g.kind.yields_events()) {
            let mut entries = Vec::new();
            for index in &group.entries {
                if let (Some(entry), Some(handle)) =
                    (container.entries.get(*index), handles.get_mut(*index).and_then(Option::take))
                {
                    *handle = None;
                    entries.push((entry, handle));
                }
            }
            if let Some(file) = report.files.get_mut(group.report_index) {
                file.reset();
                names.push(file.name.clone());
            }
            plan.push(Planned { kind: group.kind, report_index: group.report_index, entries });
        }
        report.encoding_fallbacks.retain(|f| !names.iter().any(|n| f.file.starts_with(n.as_str())));
        report.events_complete = false;
        Events {
            container,
            limits,
            pseudo,
            identity,
            report,
            plan: plan.into_iter(),
            current: None,
            occurrences: Occurrences::default(),
            budget: StreamBudget::new(limits.max_total_uncompressed),
            pending_error,
            finished: false,
        }
    }

    /// Opens the next planned group.
    fn start(&mut self, planned: Planned<'a>) -> Result<Run<'a>, ImportError> {
        // A fresh map, not `clear()`: clearing keeps the capacity, so the map
        // of the largest file (messages.csv: a row identity per row) would
        // stay allocated through every later file and the re-score.
        self.occurrences = Occurrences::default();
        if planned.kind == FileKind::Articles {
            return Ok(Run::Articles {
                pending: planned.entries.into_iter(),
                report_index: planned.report_index,
            });
        }
        let Some((entry, handle)) = planned.entries.into_iter().next() else {
            return Err(ImportError::Entry {
                file: planned.kind.to_string(),
                reason: "file vanished from the export".to_string(),
            });
        };
        let reader = self.container.open_entry(entry, handle, &self.budget)?;
        let table = Table::open(reader, &entry.name, planned.kind, self.limits)?;
        let mapper = Box::new(Mapper::new(planned.kind, self.pseudo, self.identity));
        Ok(Run::Csv {
            table: Box::new(table),
            mapper,
            report_index: planned.report_index,
            name: entry.name.clone(),
        })
    }

    /// The next event of the current run, `None` when the run is over.
    fn step(&mut self) -> Result<Option<ActivityEvent>, ImportError> {
        let max_details = self.limits.max_skip_details;
        match self.current.as_mut() {
            None => Ok(None),
            Some(Run::Csv { table, mapper, report_index, name }) => loop {
                let Some(read) = table.next_row()? else {
                    let (label, fallback) = table.encoding();
                    if let Some(file) = self.report.files.get_mut(*report_index) {
                        file.encoding = label;
                    }
                    if let Some(from_line) = fallback {
                        self.report.encoding_fallbacks.push(EncodingFallback {
                            file: name.clone(),
                            from_line,
                            encoding: "windows-1252".to_string(),
                        });
                    }
                    return Ok(None);
                };
                let Some(file) = self.report.files.get_mut(*report_index) else { return Ok(None) };
                file.rows_read += 1;
                match read {
                    RowRead::Bad { line, field, reason } => {
                        file.skip(Some(line), field, reason, max_details, None)
                    }
                    RowRead::Row(row) => match mapper.map(&row) {
                        Ok(None) => {}
                        Ok(Some((mut event, digest))) => {
                            let seen = self.occurrences.next(digest);
                            event.natural_key = self.pseudo.natural_key(digest, seen);
                            file.produced(event.kind);
                            if event.kind == ActivityKind::Post
                                && let Some(activity_id) = activity_id(row.get("ShareLink"))
                            {
                                self.report.posts.push(ExportPost {
                                    activity_id,
                                    date: event.day(),
                                    form: PostForm::of_share(row.get("SharedUrl"), row.get("MediaUrl")),
                                });
                            }
                            return Ok(Some(event));
                        }
                        Err(skip) => file.skip(
                            Some(row.line),
                            skip.field.map(str::to_string),
                            skip.reason,
                            max_details,
                            skip.field.map(|f| row.get(f)),
                        ),
                    },
                }
            },
            Some(Run::Articles { pending, report_index }) => {
                for (entry, handle) in pending.by_ref() {
                    let reader = self.container.open_entry(entry, handle, &self.budget)?;
                    let head =
                        read_head(reader, ARTICLE_HEAD_BYTES).map_err(|e| entry_error(&entry.name, e))?;
                    let Some(file) = self.report.files.get_mut(*report_index) else { return Ok(None) };
                    file.rows_read += 1;
                    let Some(article) = read_article(&entry.name, &head) else {
                        file.skip(
                            None,
                            Some(entry.name.clone()),
                            SkipReason::NoArticleDate,
                            max_details,
                            None,
                        );
                        continue;
                    };
                    let digest = match &article.pulse_url {
                        Some(url) => self.pseudo.row_digest("articles", &["pulse", url]),
                        None => self
                            .pseudo
                            .row_digest("articles", &["title", &article.title, base_name(&entry.name)]),
                    };
                    let seen = self.occurrences.next(digest);
                    let mut event = ActivityEvent::new(ActivityKind::Article, article.published);
                    event.natural_key = self.pseudo.natural_key(digest, seen);
                    file.produced(event.kind);
                    file.encoding = "html".to_string();
                    return Ok(Some(event));
                }
                Ok(None)
            }
        }
    }
}

impl Iterator for Events<'_> {
    type Item = Result<ActivityEvent, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        if let Some(err) = self.pending_error.take() {
            self.finished = true;
            return Some(Err(err));
        }
        loop {
            if self.current.is_none() {
                let Some(planned) = self.plan.next() else {
                    self.finished = true;
                    self.occurrences = Occurrences::default();
                    settle_direction(self.report);
                    if let Some(err) = nothing_usable(self.report) {
                        return Some(Err(err));
                    }
                    self.report.events_complete = true;
                    return None;
                };
                match self.start(planned) {
                    Ok(run) => self.current = Some(run),
                    Err(err) => {
                        self.finished = true;
                        return Some(Err(err));
                    }
                }
            }
            match self.step() {
                Ok(Some(event)) => return Some(Ok(event)),
                Ok(None) => self.current = None,
                Err(err) => {
                    self.finished = true;
                    self.current = None;
                    return Some(Err(err));
                }
            }
        }
    }
}

impl std::iter::FusedIterator for Events<'_> {}

/// Whether messages could be told sent from received, now that messages.csv
/// has been read: not when most of its rows were skipped for that (a layout
/// with a Direction column decides without knowing who the member is).
fn settle_direction(report: &mut ImportReport) {
    let Some(messages) = report.file(FileKind::Messages) else { return };
    if messages.rows_read == 0 {
        return;
    }
    let undecided: u64 = messages
        .skip_causes
        .iter()
        .filter(|c| c.reason == SkipReason::UnknownDirection)
        .map(|c| c.rows)
        .sum();
    report.member.direction_known = undecided * 2 <= messages.rows_read;
}

/// The error for an export whose activity files were read to their end
/// without a single usable row though some rows were there: importing it
/// would say "done" and store nothing (a spreadsheet re-save whose dates no
/// longer read, say). Rows skipped by design (drafts, declined events) do not count.
fn nothing_usable(report: &ImportReport) -> Option<ImportError> {
    let activity = report.files.iter().filter(|f| f.kind.yields_events());
    let faults: u64 =
        activity.clone().flat_map(|f| &f.skip_causes).filter(|c| c.reason.is_fault()).map(|c| c.rows).sum();
    if report.total_events() > 0 || faults == 0 {
        return None;
    }
    let summaries: Vec<String> = activity.filter_map(|f| f.summary()).collect();
    let summary = if summaries.is_empty() {
        format!("all {} rows of the export's activity files were skipped", report.total_skipped())
    } else {
        summaries.join("; ")
    };
    Some(ImportError::NothingUsable { summary })
}

/// Reads at most `limit` bytes of text from the top of `reader`, decoded
/// like the CSV files; the rest is never read.
fn read_head(reader: Box<dyn Read + '_>, limit: usize) -> std::io::Result<String> {
    let mut decoder = DecodingReader::new(reader);
    let mut head = Vec::new();
    let mut chunk = [0u8; 8192];
    while head.len() < limit {
        let want = chunk.len().min(limit - head.len());
        let read = decoder.read(&mut chunk[..want])?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..read]);
    }
    // The cut may split a character: keep the valid part.
    Ok(match String::from_utf8(head) {
        Ok(text) => text,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let mut bytes = err.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).unwrap_or_default()
        }
    })
}

/// What an article's HTML tells.
#[derive(Debug, PartialEq)]
pub(crate) struct Article {
    pub(crate) title: String,
    pub(crate) pulse_url: Option<String>,
    pub(crate) published: DateTime<Utc>,
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Reads an article's title, `/pulse/` link and publication date. The
/// export gives no date field, so the date is taken from, in order: a
/// "Published on …" line, a dated `/pulse/YYYYMMDDhhmmss-…` link (older
/// articles), or a file name starting with `YYYY-MM-DD hh:mm:ss`. An article
/// with none of them yields `None` (it is skipped and reported).
pub(crate) fn read_article(name: &str, html: &str) -> Option<Article> {
    let lower = html.to_ascii_lowercase();
    let title =
        between(html, &lower, "<title>", "</title>").map(|t| t.trim().to_string()).unwrap_or_default();
    let pulse_url = links(html, &lower).find(|link| link.contains("/pulse/")).map(normalise_profile_url);
    let published = published_line(html, &lower)
        .or_else(|| pulse_url.as_deref().and_then(pulse_date))
        .or_else(|| file_name_date(base_name(name)))
        .filter(|at| plausible(*at))?;
    Some(Article { title, pulse_url, published })
}

/// The text between `open` and `close` (searched case-insensitively in `lower`).
fn between<'h>(html: &'h str, lower: &str, open: &str, close: &str) -> Option<&'h str> {
    let start = lower.find(open)? + open.len();
    let end = start + lower.get(start..)?.find(close)?;
    html.get(start..end)
}

/// Every `href` value.
fn links<'h>(html: &'h str, lower: &'h str) -> impl Iterator<Item = &'h str> + 'h {
    lower.match_indices("href=").filter_map(move |(at, _)| {
        let rest = html.get(at + 5..)?;
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value = rest.get(1..)?;
        value.find(quote).and_then(|end| value.get(..end))
    })
}

fn published_line(html: &str, lower: &str) -> Option<DateTime<Utc>> {
    let at = lower.find("published on")? + "published on".len();
    let rest = html.get(at..)?;
    let text = rest.split(['<', '\n']).next()?.trim();
    parse_timestamp(text)
}

/// `…/pulse/20140612123456-12345-title` → 2014-06-12 12:34:56.
fn pulse_date(url: &str) -> Option<DateTime<Utc>> {
    let slug = url.split("/pulse/").nth(1)?;
    let stamp = slug.get(..14)?;
    if !stamp.bytes().all(|b| b.is_ascii_digit()) || slug.as_bytes().get(14) != Some(&b'-') {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y%m%d%H%M%S").ok().map(|t| t.and_utc())
}

/// `2021-03-04 10:25:38.0-Title.html` → 2021-03-04 10:25:38.
fn file_name_date(base: &str) -> Option<DateTime<Utc>> {
    let stamp = base.get(..19)?;
    NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S").ok().map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn article_dates_from_published_line_pulse_link_or_file_name() {
        let html = "<html><head><title>My Title</title></head><body><h1><a href=\"https://www.linkedin.com/pulse/my-title-ada\">My Title</a></h1><p class=\"published\">Published on 2021-03-04 10:25</p></body></html>";
        let article = read_article("Articles/Articles/My Title.html", html).unwrap();
        assert_eq!(article.title, "My Title");
        assert_eq!(article.pulse_url.as_deref(), Some("linkedin.com/pulse/my-title-ada"));
        assert_eq!(article.published, Utc.with_ymd_and_hms(2021, 3, 4, 10, 25, 0).unwrap());

        let old = "<TITLE>Old</TITLE><H1><A HREF='https://www.linkedin.com/pulse/20140612123456-12345-old'>Old</A></H1>";
        let article = read_article("Articles/Articles/Old.html", old).unwrap();
        assert_eq!(article.published, Utc.with_ymd_and_hms(2014, 6, 12, 12, 34, 56).unwrap());

        let named =
            read_article("Articles/Articles/2020-05-10 09:23:00.0-Named.html", "<title>N</title>").unwrap();
        assert_eq!(named.published, Utc.with_ymd_and_hms(2020, 5, 10, 9, 23, 0).unwrap());

        let undated =
            "<title>Draft</title><h1><a href=\"https://www.linkedin.com/pulse/draft-ada\">Draft</a></h1>";
        assert_eq!(read_article("Articles/Articles/Draft.html", undated), None);
    }

    #[test]
    fn identical_rows_are_numbered_in_order_and_distinct_rows_start_at_zero() {
        let pseudo = Pseudonymizer::new(&[7; 32]);
        let (a, b) = (pseudo.row_digest("reactions", &["a"]), pseudo.row_digest("reactions", &["b"]));
        let mut occurrences = Occurrences::default();
        assert_eq!([a, b, a, a, b].map(|d| occurrences.next(d)), [0, 0, 1, 2, 1]);
    }

    #[test]
    fn seen_once_is_a_set_across_merges() {
        // A simple generator of distinct-looking numbers with repeats mixed in.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let values: Vec<u64> = (0..3 * SeenOnce::RECENT + 17).map(|_| next()).collect();
        let mut set = SeenOnce::default();
        let mut reference = HashSet::new();
        for (i, &v) in values.iter().enumerate() {
            assert_eq!(set.insert(v), reference.insert(v), "value {i}");
            // Every value inserted so far, merged or recent, is found again.
            if i % 1000 == 0 {
                for &old in &values[..=i] {
                    assert!(!set.insert(old));
                }
            }
        }
        assert!(set.sorted.windows(2).all(|w| w[0] < w[1]), "the merged values stay sorted and distinct");
        assert_eq!(set.sorted.len() + set.recent.len(), reference.len());
    }
}
