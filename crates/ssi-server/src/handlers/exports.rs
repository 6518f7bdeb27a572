//! `POST /api/v1/members/{member}/exports`: a member uploads their LinkedIn data export.
//!
//! The body is streamed to a temporary file (never held in memory) and refused past the
//! configured size; a body that is not a readable ZIP archive is refused at once. The
//! upload is then enqueued in the database as a job, which a worker of any replica imports
//! (`jobs.rs`): the answer is `202 Accepted` with the job, whose progress and result
//! `GET /api/v1/jobs/{job}` reads on any replica. The store imports an export in one
//! transaction, so a failed or interrupted import leaves nothing behind.
//!
//! The same route takes LinkedIn's creator analytics workbook (`.xlsx`): told by its
//! contents, it goes through the CLI's importer entry point ([`ssi_import::read_workbook`],
//! then [`Backend::import_workbook`]).

use super::member_for;
use crate::auth::{Access, Principal};
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::state::AppState;
use crate::wire::{ImportResult, JobView, UploadQuery};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use ssi_import::{AccountMatch, ImportError, ImportOptions, compare_accounts, open_export};
use ssi_store::{Backend, EventSource, ImportFailure, ImportMeta, MemberId, SourceError, StoreError};
use std::path::Path as FsPath;
use tokio::io::AsyncWriteExt;

/// Content types accepted for an export upload (a creator analytics workbook is a ZIP too).
pub(crate) const ZIP_CONTENT_TYPES: [&str; 4] = [
    "application/zip",
    "application/x-zip-compressed",
    "application/octet-stream",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
];

/// A safe file name for the spooled upload: the member's name for it when it is plain
/// (the importer reads the export date from names like `…_LinkedInDataExport_11-20-2026.zip`),
/// else `export.zip`.
pub(crate) fn spool_name(given: Option<&str>) -> String {
    let base = given.map(|n| n.rsplit(['/', '\\']).next().unwrap_or("")).unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(120)
        .collect();
    let clean = clean.trim_start_matches('.').to_string();
    if clean.is_empty() {
        "export.zip".into()
    } else if clean.to_ascii_lowercase().ends_with(".zip") {
        clean
    } else {
        format!("{clean}.zip")
    }
}

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if ZIP_CONTENT_TYPES.contains(&essence.as_str()) {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(format!(
            "an export is uploaded as application/zip (got {:?})",
            if given.is_empty() { "no content type" } else { given }
        )))
    }
}

fn too_large(limit: u64) -> ApiError {
    ApiError::PayloadTooLarge(format!("the export is larger than this server accepts ({limit} bytes)"))
}

/// Streams the body into `path`, refusing it once it passes `limit` bytes.
async fn spool(body: Body, path: &FsPath, limit: u64) -> Result<u64, ApiError> {
    let mut file = tokio::fs::File::create(path).await.map_err(ApiError::internal)?;
    let mut body = body;
    let mut written: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError::BadRequest(format!("the upload was interrupted: {e}")))?;
        if let Ok(data) = frame.into_data() {
            written += data.len() as u64;
            if written > limit {
                return Err(too_large(limit));
            }
            file.write_all(&data).await.map_err(ApiError::internal)?;
        }
    }
    file.flush().await.map_err(ApiError::internal)?;
    file.sync_all().await.map_err(ApiError::internal)?;
    Ok(written)
}

/// Checks the ZIP central directory, so that a corrupt upload is refused before a job exists.
fn check_zip(path: &FsPath) -> Result<(), ApiError> {
    let file = std::fs::File::open(path).map_err(ApiError::internal)?;
    zip::ZipArchive::new(std::io::BufReader::new(file))
        .map(|_| ())
        .map_err(|e| ApiError::Unprocessable(format!("the upload is not a readable ZIP archive: {e}")))
}

/// `POST /api/v1/members/{member}/exports?name=`: the member or an admin.
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, [(header::HeaderName, String); 1], axum::Json<JobView>), ApiError> {
    let member = member_for(&state, &principal, id, Access::MemberWriter).await?;
    check_content_type(&headers)?;
    let limit = state.config.max_upload_bytes;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    if state.shutdown.is_cancelled() {
        return Err(ApiError::Unavailable("the server is shutting down; upload again shortly".into()));
    }
    let parent = state.config.upload_dir.clone().unwrap_or_else(std::env::temp_dir);
    let spool_dir =
        tempfile::Builder::new().prefix("ssi-upload-").tempdir_in(&parent).map_err(ApiError::internal)?;
    let name = spool_name(query.name.as_deref());
    let path = spool_dir.path().join(&name);
    let bytes = spool(body, &path, limit).await?;
    if bytes == 0 {
        return Err(ApiError::BadRequest("the upload is empty".into()));
    }
    let checked = path.clone();
    tokio::task::spawn_blocking(move || check_zip(&checked)).await??;

    // The upload goes into the database, where a worker of any replica claims it: read
    // whole, so at most `max_concurrent_imports` uploads are held in memory at once.
    let _slot = state.jobs.enqueue_slot().await;
    let payload = tokio::fs::read(&path).await.map_err(ApiError::internal)?;
    drop(spool_dir);
    let member_id = member.id;
    let job = state.db(move |store| store.enqueue_upload_job(member_id, &name, &payload)).await?;
    state.jobs.accepted(&state);
    state.jobs.wake_one();
    let location = format!("/api/v1/jobs/{}", job.id);
    tracing::info!(member = member.id.0, job = job.id, bytes, "export received");
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], axum::Json(crate::jobs::view(job))))
}

/// The member-facing message of a store failure: its words for bad data, a fixed text
/// (and a log line) for anything internal.
fn store_message(error: StoreError) -> String {
    match error {
        StoreError::InvalidData { what } => format!("the export could not be stored: {what}"),
        StoreError::NotFound { .. } => "the member was deleted during the import".into(),
        other => {
            tracing::error!(error = %other, "import failed in the store");
            "the import failed on the server; nothing was stored, and it has been logged".into()
        }
    }
}

/// Reads the export and imports it in one store transaction. Returns what was stored and
/// the number of rows skipped, or a message for the member.
pub fn import(
    store: &dyn Backend,
    stage: &dyn Fn(&str),
    member: MemberId,
    path: &FsPath,
    name: &str,
    today: NaiveDate,
) -> Result<(ImportResult, u64), String> {
    if ssi_import::is_workbook(path) {
        return import_workbook(store, stage, member, path, name, today);
    }
    let key = store.pseudonym_key().map_err(store_message)?;
    let mut export =
        open_export(path, ImportOptions::new(key)).map_err(|e| import_message(&e, path, name))?;
    let profile = export.profile().map_err(|e| import_message(&e, path, name))?;
    // Two people who share a name must never become one member (docs/import.md).
    let stored = store.member_account_keys(member).map_err(store_message)?;
    if let AccountMatch::Different(kind) = compare_accounts(&stored, &export.report().member.account_keys) {
        return Err(format!(
            "the export is another person's than this member's (the account's {} differ); nothing was stored: import it for a new member",
            kind.describe()
        ));
    }
    let report = serde_json::to_value(export.report()).map_err(|e| e.to_string())?;
    let meta = ImportMeta {
        fingerprint: export.fingerprint().to_string(),
        source_name: name.to_string(),
        // The export's horizon: its name's date, else its newest row (ssi-import).
        export_date: Some(profile.taken_on),
        horizon_source: export.report().horizon.map(|h| h.source),
        report,
    };
    stage("storing events and re-scoring");
    // The report recorded is the one the events leave behind, as the CLI records it: it
    // lists the member's posts (id, day, form), which the creator analytics join to.
    let outcome = store
        .import_events(member, &meta, Some(&profile), &mut ExportEvents(export.events()), today)
        .map_err(|e| match e {
            ImportFailure::Source(e) => match e.downcast::<ImportError>() {
                Ok(e) => import_message(&e, path, name),
                Err(e) => format!("the export could not be read: {e}"),
            },
            ImportFailure::Store(e) => store_message(e),
        })?;
    Ok((outcome.into(), export.report().total_skipped()))
}

/// An export's events as the store interface takes them: the reader's errors boxed, and
/// the report the reading leaves behind.
struct ExportEvents<'a>(ssi_import::Events<'a>);

impl Iterator for ExportEvents<'_> {
    type Item = Result<ssi_core::ActivityEvent, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|event| event.map_err(SourceError::from))
    }
}

impl EventSource for ExportEvents<'_> {
    fn final_report(&self) -> serde_json::Value {
        serde_json::to_value(self.0.report()).unwrap_or_default()
    }
}

/// Reads a creator analytics workbook and merges it in one store transaction.
fn import_workbook(
    store: &dyn Backend,
    stage: &dyn Fn(&str),
    member: MemberId,
    path: &FsPath,
    name: &str,
    today: NaiveDate,
) -> Result<(ImportResult, u64), String> {
    let workbook = ssi_import::read_workbook(path, &ssi_import::WorkbookLimits::default()).map_err(|e| {
        let text = e.to_string().replace(&path.display().to_string(), name);
        format!("the workbook could not be read: {text}")
    })?;
    let report = serde_json::to_value(&workbook.report).map_err(|e| e.to_string())?;
    stage("storing creator analytics and re-scoring");
    let outcome = store
        .import_workbook(
            member,
            &ssi_store::WorkbookImport {
                fingerprint: &workbook.fingerprint,
                source_name: name,
                days: &workbook.days,
                follower_total: workbook.follower_total,
                posts: &workbook.posts,
                report: &report,
            },
            today,
        )
        .map_err(store_message)?;
    let result = match outcome {
        ssi_store::WorkbookOutcome::AlreadyImported { on } => ImportResult::AlreadyImported { on },
        ssi_store::WorkbookOutcome::Imported { events_added, first_changed_day, days_rescored, .. } => {
            let events_seen = workbook.events().count() as u64;
            ImportResult::Imported { events_seen, events_added, first_changed_day, days_rescored }
        }
    };
    Ok((result, 0))
}

/// The member-facing message of an export that cannot be read (names file, line and
/// column, never values). The importer names the file it read, which on the server is the
/// spooled copy: the member sees the name they uploaded, never a server path.
fn import_message(error: &ImportError, path: &FsPath, name: &str) -> String {
    let text = error.to_string().replace(&path.display().to_string(), name);
    let text = match path.parent() {
        Some(folder) => text.replace(&format!("{}/", folder.display()), ""),
        None => text,
    };
    format!("the export could not be read: {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spool_names_are_plain_and_end_in_zip() {
        assert_eq!(
            spool_name(Some("Basic_LinkedInDataExport_11-20-2026.zip")),
            "Basic_LinkedInDataExport_11-20-2026.zip"
        );
        assert_eq!(spool_name(Some("../../etc/passwd")), "passwd.zip");
        assert_eq!(spool_name(Some("C:\\Users\\me\\export 1.ZIP")), "export1.ZIP");
        assert_eq!(spool_name(Some("...")), "export.zip");
        assert_eq!(spool_name(None), "export.zip");
        assert_eq!(spool_name(Some("<script>.zip")), "script.zip");
    }
}
