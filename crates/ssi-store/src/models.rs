//! Scoring models: stored by version, one of them active (switching models re-scores: `rescore.rs`).

use crate::Store;
use crate::db::{instant, now_seconds, row_text};
use crate::error::StoreError;
use crate::types::ModelInfo;
use rusqlite::{Connection, OptionalExtension, params};
use ssi_core::ScoringModel;

impl Store {
    /// The active scoring model.
    pub fn active_model(&self) -> Result<ScoringModel, StoreError> {
        self.pool.read(|tx| active_model_in(tx))
    }

    /// The stored model with this version.
    pub fn model(&self, version: &str) -> Result<ScoringModel, StoreError> {
        self.pool.read(|tx| stored_model(tx, version)?.ok_or_else(|| no_model(version)))
    }

    /// Every stored model, oldest first.
    pub fn list_models(&self) -> Result<Vec<ModelInfo>, StoreError> {
        self.pool.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT version, definition, created, active FROM scoring_models ORDER BY created, version",
            )?;
            let mut rows = stmt.query([])?;
            let mut models = Vec::new();
            while let Some(row) = rows.next()? {
                let version: String = row.get(0)?;
                let model = parse_model(&version, row_text(row, 1)?)?;
                models.push(ModelInfo {
                    version,
                    description: model.description,
                    created: instant(row.get(2)?)?,
                    active: row.get(3)?,
                });
            }
            Ok(models)
        })
    }
}

/// The version of the active model, if there is one.
pub(crate) fn active_version_opt(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT version FROM scoring_models WHERE active = 1")?
        .query_row([], |row| row.get(0))
        .optional()?)
}

/// The version of the active model.
pub(crate) fn active_version(conn: &Connection) -> Result<String, StoreError> {
    active_version_opt(conn)?.ok_or_else(no_active_model)
}

/// The active model.
pub(crate) fn active_model_in(conn: &Connection) -> Result<ScoringModel, StoreError> {
    let version = active_version(conn)?;
    stored_model(conn, &version)?.ok_or_else(|| no_model(&version))
}

/// The stored model with this version, if any.
pub(crate) fn stored_model(conn: &Connection, version: &str) -> Result<Option<ScoringModel>, StoreError> {
    let text: Option<String> = conn
        .prepare_cached("SELECT definition FROM scoring_models WHERE version = ?1")?
        .query_row([version], |row| row.get(0))
        .optional()?;
    text.map(|text| parse_model(version, &text)).transpose()
}

/// Stores a model (inactive) under its version.
pub(crate) fn insert_model(conn: &Connection, model: &ScoringModel) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO scoring_models (version, definition, created, active) VALUES (?1, ?2, ?3, 0)",
        params![model.version, model_definition(model)?, now_seconds()],
    )?;
    Ok(())
}

/// Makes the stored model `version` the only active one.
pub(crate) fn activate(conn: &Connection, version: &str) -> Result<(), StoreError> {
    conn.execute("UPDATE scoring_models SET active = 0 WHERE active = 1 AND version <> ?1", [version])?;
    if conn.execute("UPDATE scoring_models SET active = 1 WHERE version = ?1", [version])? == 0 {
        return Err(no_model(version));
    }
    Ok(())
}

/// A model as stored: its JSON.
pub(crate) fn model_definition(model: &ScoringModel) -> Result<String, StoreError> {
    serde_json::to_string(model)
        .map_err(|e| StoreError::invalid(format!("model {:?} cannot be stored: {e}", model.version)))
}

/// A stored model's JSON back as a model.
pub(crate) fn parse_model(version: &str, text: &str) -> Result<ScoringModel, StoreError> {
    ScoringModel::from_json(text)
        .map_err(|e| StoreError::invalid(format!("stored scoring model {version:?} does not load: {e}")))
}

/// The error for a model version not stored.
pub(crate) fn no_model(version: &str) -> StoreError {
    StoreError::not_found(format!("scoring model {version:?}"))
}

/// The error for a store without an active model.
pub(crate) fn no_active_model() -> StoreError {
    StoreError::not_found("an active scoring model")
}
