//! Why an import fails (aborts) and why a single row is skipped.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io;

/// A problem that aborts the whole import.
///
/// Every variant names the file (and, where it applies, the line and column)
/// so the member can see what is wrong. See `docs/import.md` for which
/// problems abort and which only skip a row.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The archive or folder (or a file in it) cannot be read from disk.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The file is not a ZIP archive, or its central directory is corrupt or truncated.
    #[error("{path} is not a readable ZIP archive: {reason}")]
    InvalidZip {
        /// The archive.
        path: String,
        /// What the ZIP reader found wrong.
        reason: String,
    },
    /// The archive or folder holds no file at all.
    #[error("{path} is empty: it holds no files")]
    EmptyExport {
        /// The archive or folder.
        path: String,
    },
    /// The archive or folder holds files, but none of a LinkedIn data export.
    #[error(
        "{path} holds no LinkedIn export file (no Profile.csv, Connections.csv, messages.csv, Shares.csv, …)"
    )]
    NotAnExport {
        /// The archive or folder.
        path: String,
    },
    /// More entries than [`crate::Limits::max_entries`].
    #[error("the export holds {count} entries, more than the limit of {limit}")]
    TooManyEntries {
        /// Entries found.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The entries unpack to more than [`crate::Limits::max_total_uncompressed`]
    /// (declared up front, or counted while streaming).
    #[error("the export unpacks to more than {limit} bytes (at {entry})")]
    TooLarge {
        /// The entry at which the limit was crossed.
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// An entry's compression ratio is above [`crate::Limits::max_ratio`]: a zip bomb.
    #[error("{entry} would unpack {ratio} times its compressed size, above the limit of {limit} (zip bomb?)")]
    CompressionRatio {
        /// The entry.
        entry: String,
        /// Its ratio (uncompressed / compressed, rounded down).
        ratio: u64,
        /// The limit.
        limit: u64,
    },
    /// An entry produced more bytes than its declared size.
    #[error("{entry} unpacks to more than its declared {declared} bytes")]
    SizeMismatch {
        /// The entry.
        entry: String,
        /// The size it declared.
        declared: u64,
    },
    /// An entry's path is absolute or climbs out with `..`.
    #[error("unsafe path in the archive: {entry:?} (absolute or with ..)")]
    UnsafePath {
        /// The entry name as stored.
        entry: String,
    },
    /// An entry cannot be decompressed or decoded (corrupt data, bad checksum,
    /// encryption, unsupported compression).
    #[error("cannot read {file}: {reason}")]
    Entry {
        /// The file.
        file: String,
        /// What went wrong.
        reason: String,
    },
    /// Every row the export offered was skipped: nothing usable remains.
    #[error("{summary}; nothing usable remains")]
    NothingUsable {
        /// The file-by-file cause, as [`crate::FileReport::summary`] words it.
        summary: String,
    },
    /// A recognised file lacks a column the import needs (a wrong or foreign header).
    #[error("{file} line {line}: required column {column:?} is missing from the header")]
    MissingColumn {
        /// The file.
        file: String,
        /// The line where the header was looked for.
        line: u64,
        /// The missing column, as LinkedIn names it.
        column: &'static str,
    },
}

/// Why a single row was skipped (the rest of the file is imported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
#[non_exhaustive]
pub enum SkipReason {
    /// A value the row needs is blank.
    BlankField,
    /// A date in no known format.
    UnparseableDate,
    /// A date outside 2003 (LinkedIn's launch) to 2100.
    DateOutOfRange,
    /// A field longer than [`crate::Limits::max_field_bytes`].
    FieldTooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// A record longer than [`crate::Limits::max_record_bytes`].
    RecordTooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// A record with more than [`crate::Limits::max_fields`] fields.
    TooManyFields {
        /// The limit.
        limit: usize,
    },
    /// Binary data (NUL bytes) in the row.
    BinaryData,
    /// A message draft: not a message sent.
    DraftMessage,
    /// Neither sent nor received can be told (the member's own name and
    /// profile URL are unknown, or an invitation lacks its direction).
    UnknownDirection,
    /// An endorsement the member rejected (not shown on the profile).
    RejectedEndorsement,
    /// An event the member declined.
    DeclinedEvent,
    /// An article whose HTML carries no publication date.
    NoArticleDate,
    /// The next line of a multi-line comment written without quotes: part of
    /// the comment before it, not a row (counted apart, never listed as skipped).
    ContinuationLine,
}

impl SkipReason {
    /// Whether the row was at fault (bad or unreadable data), as opposed to
    /// a row skipped by design (a draft, a declined event, a rejected endorsement).
    pub fn is_fault(&self) -> bool {
        !matches!(
            self,
            SkipReason::DraftMessage
                | SkipReason::RejectedEndorsement
                | SkipReason::DeclinedEvent
                | SkipReason::ContinuationLine
        )
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::BlankField => f.write_str("blank value"),
            SkipReason::UnparseableDate => f.write_str("date in no known format"),
            SkipReason::DateOutOfRange => f.write_str("date outside 2003–2100"),
            SkipReason::FieldTooLong { limit } => write!(f, "field longer than {limit} bytes"),
            SkipReason::RecordTooLong { limit } => write!(f, "record longer than {limit} bytes"),
            SkipReason::TooManyFields { limit } => write!(f, "more than {limit} fields"),
            SkipReason::BinaryData => f.write_str("binary data"),
            SkipReason::DraftMessage => f.write_str("message draft, not sent"),
            SkipReason::UnknownDirection => f.write_str("cannot tell sent from received"),
            SkipReason::RejectedEndorsement => f.write_str("endorsement rejected by the member"),
            SkipReason::DeclinedEvent => f.write_str("event declined"),
            SkipReason::NoArticleDate => f.write_str("article without a publication date"),
            SkipReason::ContinuationLine => f.write_str("continuation line of a multi-line comment"),
        }
    }
}

/// A limit crossed while an entry was streamed, carried inside an
/// `io::Error` through the decoding and CSV layers and turned back into an
/// [`ImportError`] by [`entry_error`].
#[derive(Debug, thiserror::Error)]
pub(crate) enum StreamLimit {
    #[error("declared size exceeded")]
    SizeMismatch { declared: u64 },
    #[error("total size limit exceeded")]
    TooLarge { limit: u64 },
}

/// Turns an I/O error met while streaming `file` into an [`ImportError`].
pub(crate) fn entry_error(file: &str, err: io::Error) -> ImportError {
    if let Some(limit) = err.get_ref().and_then(|inner| inner.downcast_ref::<StreamLimit>()) {
        return match *limit {
            StreamLimit::SizeMismatch { declared } => {
                ImportError::SizeMismatch { entry: file.to_string(), declared }
            }
            StreamLimit::TooLarge { limit } => ImportError::TooLarge { entry: file.to_string(), limit },
        };
    }
    ImportError::Entry { file: file.to_string(), reason: err.to_string() }
}
