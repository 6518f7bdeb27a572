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
    /// How it was decoded (`utf-8`, `utf-8 with BOM`, `windows-1252 (fallback from line N)`).
    pub encoding: String,
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
        }
    }

    pub(crate) fn reset(&mut self) {
        self.rows_read = 0;
        self.events = 0;
        self.rows_skipped = 0;
        self.skipped.clear();
        self.encoding.clear();
    }

    /// Counts a skipped row, keeping its detail while under `max_details`.
    pub(crate) fn skip(
        &mut self,
        line: Option<u64>,
        field: Option<String>,
        reason: SkipReason,
        max_details: usize,
    ) {
        self.rows_skipped += 1;
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
}
