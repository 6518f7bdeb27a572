//! The import report: what was read from each file, what was skipped and why, what was left alone.

use crate::catalog::FileKind;
use crate::error::SkipReason;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ssi_core::Horizon;

/// Everything an import did, file by file. It names files, lines and
/// columns, never values (no names, texts or addresses).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The archive's or folder's own name (not its full path).
    pub source: String,
    /// See [`crate::Export::fingerprint`].
    pub fingerprint: String,
    /// See [`crate::Export::export_date`].
    pub export_date: Option<NaiveDate>,
    /// The last day the export's data covers and where that day comes from
    /// (the name, the newest row, the entries' times); known once
    /// [`crate::Export::profile`] has run.
    #[serde(default)]
    pub horizon: Option<Horizon>,
    /// Files read, in reading order. Profile files are counted when
    /// [`crate::Export::profile`] runs, event files when
    /// [`crate::Export::events`] runs.
    pub files: Vec<FileReport>,
    /// Files recognised as part of the export but not used, with the reason
    /// (job search, advertising, personal data, assistant chats, nested archives, links).
    pub not_used: Vec<UnusedFile>,
    /// Files not recognised (relative paths).
    pub not_recognised: Vec<String>,
    /// Files not valid UTF-8, decoded as Windows-1252 from some line on.
    pub encoding_fallbacks: Vec<EncodingFallback>,
    /// What is known of the member's identity (used to tell sent from received).
    pub member: MemberReport,
    /// Whether [`crate::Export::events`] ran to its end without error.
    pub events_complete: bool,
    /// Other remarks (empty files, the date `taken_on` came from, …).
    pub notes: Vec<String>,
    /// The member's own posts (`Shares` rows with commentary): activity id,
    /// day and form (text, article, link, media), so that the creator
    /// analytics workbook's figures can be joined to them. No text is kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<ssi_core::analytics::ExportPost>,
}

impl ImportReport {
    /// Rows read across all files.
    pub fn total_rows(&self) -> u64 {
        self.files.iter().map(|f| f.rows_read).sum()
    }

    /// Events produced across all files.
    pub fn total_events(&self) -> u64 {
        self.files.iter().map(|f| f.events).sum()
    }

    /// Rows skipped across all files.
    pub fn total_skipped(&self) -> u64 {
        self.files.iter().map(|f| f.rows_skipped).sum()
    }

    /// The report of the first file of `kind`, if the export has one.
    pub fn file(&self, kind: FileKind) -> Option<&FileReport> {
        self.files.iter().find(|f| f.kind == kind)
    }

    /// One line per file that lost most of its rows to one cause (see [`FileReport::summary`]).
    pub fn summaries(&self) -> Vec<String> {
        self.files.iter().filter_map(FileReport::summary).collect()
    }

    /// Every skipped row listed in detail, across files.
    pub fn skipped_rows(&self) -> impl Iterator<Item = &SkippedRow> {
        self.files.iter().flat_map(|f| f.skipped.iter())
    }
}

/// One file that was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    /// Its path inside the export (`Articles/Articles/` for the articles as a whole).
    pub name: String,
    /// What ssi recognised it as.
    pub kind: FileKind,
    /// Data rows read (header and preamble excluded; one per HTML file for articles).
    pub rows_read: u64,
    /// Events produced from it.
    pub events: u64,
    /// Rows skipped.
    pub rows_skipped: u64,
    /// The first skipped rows in detail (at most [`crate::Limits::max_skip_details`]).
    pub skipped: Vec<SkippedRow>,
    /// How it was decoded (`utf-8`, `utf-8 with BOM`, `UTF-16LE with BOM`,
    /// `windows-1252 (fallback from line N)`).
    pub encoding: String,
    /// Lines that continue the row before them (multi-line comments written
    /// without quotes): neither rows nor skips.
    #[serde(default)]
    pub continuation_lines: u64,
    /// Skipped rows grouped by cause (reason and column), most frequent first.
    #[serde(default)]
    pub skip_causes: Vec<SkipCause>,
    /// Events produced, by kind (`message_sent`, `message_received`, …).
    #[serde(default)]
    pub events_by_kind: std::collections::BTreeMap<String, u64>,
}

/// One cause of skipped rows in a file, with how many rows it skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkipCause {
    /// The column at fault, as the file's header names it.
    pub field: Option<String>,
    /// Why.
    #[serde(flatten)]
    pub reason: SkipReason,
    /// Rows skipped for it.
    pub rows: u64,
    /// For dates in no known format, the shape of the first such value
    /// (digits, punctuation and month names kept, any other word as `…`),
    /// so that a format can be recognised without showing anyone's data.
    pub sample: Option<String>,
}

/// The shape of a date value that could not be read: digits, punctuation,
/// spaces and month or clock words kept, every other word replaced by `…`,
/// at most 40 characters.
pub(crate) fn date_shape(value: &str) -> String {
    let mut out = String::new();
    for word in value.split_inclusive(|c: char| !c.is_alphabetic()) {
        let letters: String = word.chars().take_while(|c| c.is_alphabetic()).collect();
        let rest = &word[letters.len()..];
        let known = letters.is_empty()
            || crate::dates::month_from_name(&letters).is_some()
            || ["AM", "PM", "UTC", "GMT", "T", "Z"].iter().any(|w| w.eq_ignore_ascii_case(&letters));
        if known {
            out.push_str(&letters);
        } else {
            out.push('…');
        }
        out.extend(rest.chars().filter(|c| !c.is_alphabetic()));
    }
    out.chars().take(40).collect()
}

impl FileReport {
    pub(crate) fn new(name: String, kind: FileKind) -> Self {
        FileReport {
            name,
            kind,
            rows_read: 0,
            events: 0,
            rows_skipped: 0,
            skipped: Vec::new(),
            encoding: String::new(),
            continuation_lines: 0,
            skip_causes: Vec::new(),
            events_by_kind: Default::default(),
        }
    }

    pub(crate) fn reset(&mut self) {
        self.rows_read = 0;
        self.events = 0;
        self.rows_skipped = 0;
        self.skipped.clear();
        self.encoding.clear();
        self.continuation_lines = 0;
        self.skip_causes.clear();
        self.events_by_kind.clear();
    }

    /// Counts an event of `kind` produced from this file.
    pub(crate) fn produced(&mut self, kind: ssi_core::ActivityKind) {
        self.events += 1;
        // Looked up by &str first: no allocation per event of the big files.
        match self.events_by_kind.get_mut(kind.as_str()) {
            Some(count) => *count += 1,
            None => {
                self.events_by_kind.insert(kind.as_str().to_string(), 1);
            }
        }
    }

    /// One line naming the cause that skipped most of the file's rows, when
    /// one did (`Connections.csv: 3130 of 3130 rows skipped: date in no known
    /// format in Connected On (values like 99.99.9999)`); `None` otherwise.
    pub fn summary(&self) -> Option<String> {
        let cause = self.skip_causes.first()?;
        if self.rows_read == 0 || cause.rows * 2 <= self.rows_read || !cause.reason.is_fault() {
            return None;
        }
        let field = cause.field.as_ref().map_or_else(String::new, |f| format!(" in {f}"));
        let sample = cause.sample.as_ref().map_or_else(String::new, |s| format!(" (values like {s})"));
        Some(format!(
            "{}: {} of {} rows skipped: {}{field}{sample}",
            self.name, self.rows_skipped, self.rows_read, cause.reason
        ))
    }

    /// Counts a continuation line: it is not a row.
    pub(crate) fn continuation(&mut self) {
        self.rows_read = self.rows_read.saturating_sub(1);
        self.continuation_lines += 1;
    }

    /// Counts a skipped row, keeping its detail while under `max_details`;
    /// `value` is the value at fault, only ever kept as a [`date_shape`].
    pub(crate) fn skip(
        &mut self,
        line: Option<u64>,
        field: Option<String>,
        reason: SkipReason,
        max_details: usize,
        value: Option<&str>,
    ) {
        if reason == SkipReason::ContinuationLine {
            self.continuation();
            return;
        }
        self.rows_skipped += 1;
        match self.skip_causes.iter_mut().find(|c| c.reason == reason && c.field == field) {
            Some(cause) => cause.rows += 1,
            None => self.skip_causes.push(SkipCause {
                field: field.clone(),
                reason: reason.clone(),
                rows: 1,
                sample: value.filter(|_| reason == SkipReason::UnparseableDate).map(date_shape),
            }),
        }
        // Kept in order, most frequent first (a handful of causes at most).
        self.skip_causes.sort_by_key(|c| std::cmp::Reverse(c.rows));
        if self.skipped.len() < max_details {
            self.skipped.push(SkippedRow { file: self.name.clone(), line, field, reason });
        }
    }
}

/// A row that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    /// The file.
    pub file: String,
    /// The line the row starts on (`None` for a whole HTML article).
    pub line: Option<u64>,
    /// The column at fault, as the file's header names it, where one is.
    pub field: Option<String>,
    /// Why.
    #[serde(flatten)]
    pub reason: SkipReason,
}

/// A file of the export that ssi left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnusedFile {
    /// Its path inside the export.
    pub name: String,
    /// Why it is not used.
    pub reason: String,
}

/// A file decoded as Windows-1252 because it is not valid UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodingFallback {
    /// The file.
    pub file: String,
    /// The first line that was not valid UTF-8 (earlier lines stayed UTF-8).
    pub from_line: u64,
    /// The encoding used from there on.
    pub encoding: String,
}

/// What ssi knows of the member's identity; the values themselves are not reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberReport {
    /// Whether the member's name was read from Profile.csv.
    pub name_known: bool,
    /// Whether the member's own profile URL was found (Profile.csv or Invitations.csv).
    pub profile_url_known: bool,
    /// Whether sent and received messages can be told apart (some evidence
    /// of who the member is, or a layout that says so outright).
    #[serde(default)]
    pub direction_known: bool,
    /// The evidence that decided who the member is, in words without values
    /// ("the sender of outgoing invitations", "a shorter form of the profile
    /// name in messages' FROM, present in 40 of 41 conversations").
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Keyed hashes (HMAC-SHA256 under the database's pseudonym key) of
    /// stable account attributes: `email:…` per address in Email
    /// Addresses.csv, `registered:…` of the instant in Registration.csv,
    /// `url:…` of the own profile URL. Two exports of one account share them;
    /// two people who share a name do not. Never the values themselves.
    #[serde(default)]
    pub account_keys: Vec<String>,
}
