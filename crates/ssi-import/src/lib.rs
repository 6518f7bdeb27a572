//! ssi-import: reads a member's LinkedIn data export and official SSI readings into ssi-core types.
//!
//! The export (a `.zip` as downloaded, or the folder it unpacks to) is opened
//! with [`open_export`], which checks the container up front: ZIP central
//! directory, zip-bomb limits, unsafe paths and the header of every recognised
//! CSV file. [`Export::profile`] then builds a [`ProfileSnapshot`] and
//! [`Export::events`] streams [`ActivityEvent`]s file by file, never holding a
//! whole file in memory. [`Export::report`] tells what was read, skipped and
//! ignored.
//!
//! ```no_run
//! use ssi_import::{ImportOptions, open_export};
//! # fn main() -> Result<(), ssi_import::ImportError> {
//! let mut export = open_export(
//!     "Basic_LinkedInDataExport_11-20-2026.zip".as_ref(),
//!     ImportOptions::new([7u8; 32]),
//! )?;
//! let profile = export.profile()?;
//! for event in export.events() {
//!     let event = event?; // an Err aborts the import: roll back what was stored
//!     println!("{} {}", event.at, event.kind);
//! }
//! println!("{} rows skipped", export.report().total_skipped());
//! # let _ = profile;
//! # Ok(())
//! # }
//! ```
//!
//! LinkedIn's creator analytics workbook (`.xlsx`: engagement received,
//! followers, top posts) is read by the [`workbook`] module.
//!
//! Official readings (LinkedIn's `salesApiSsi` JSON and trackers' CSV files)
//! are parsed by the [`readings`] module. Every date format of the export is
//! parsed by a public function of [`dates`].
//!
//! Privacy: events never carry message bodies, subjects, e-mail addresses,
//! phone numbers, IP addresses or names; people and conversations become keyed
//! hashes ([`PseudonymKey`]) under the caller's pseudonym key.
//!
//! [`ProfileSnapshot`]: ssi_core::ProfileSnapshot
//! [`ActivityEvent`]: ssi_core::ActivityEvent
//! [`PseudonymKey`]: ssi_core::PseudonymKey

mod catalog;
mod container;
mod csvstream;
pub mod dates;
mod decode;
mod error;
mod events;
mod export;
mod identity;
mod limits;
mod mapping;
mod profile;
mod pseudonym;
pub mod readings;
mod report;
mod table;
pub mod workbook;

pub use catalog::FileKind;
pub use error::{ImportError, SkipReason};
pub use events::Events;
pub use export::{Export, open_export};
pub use identity::{AccountKeyKind, AccountMatch, compare_accounts};
pub use limits::{ImportOptions, Limits};
pub use pseudonym::Pseudonymizer;
pub use readings::{ReadingParseError, parse_readings_csv, parse_readings_json, parse_sales_api_json};
pub use report::{
    EncodingFallback, FileReport, ImportReport, MemberReport, SkipCause, SkippedRow, UnusedFile,
};
pub use workbook::{AnalyticsWorkbook, WorkbookError, WorkbookLimits, is_workbook, read_workbook};
