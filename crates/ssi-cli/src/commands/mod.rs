//! The subcommands, one module each, every one with its own `Args` and `run`.

pub(crate) mod advise;
pub(crate) mod calibrate;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod dashboard;
pub(crate) mod explain;
pub(crate) mod history;
pub(crate) mod impact;
pub(crate) mod import;
pub(crate) mod import_workbook;
pub(crate) mod man;
pub(crate) mod member;
pub(crate) mod model;
pub(crate) mod plan;
pub(crate) mod posts;
pub(crate) mod push;
pub(crate) mod reading;

use ssi_store::Store;

/// Scores the days from the last one scored up to today, so that read
/// commands show today's estimate (activity decays even without new events).
/// Cheap when nothing is due; a database that cannot be written (read-only
/// file) is read as it is, with a warning.
pub(crate) fn catch_up(store: &Store, today: chrono::NaiveDate) {
    match store.materialise_all(today) {
        Ok(0) => {}
        Ok(rows) => tracing::info!(rows, %today, "scored the days up to today"),
        Err(e) => tracing::warn!("could not score the days up to {today}: {e}; showing the scores stored"),
    }
}
