//! Dashboard sessions, kept server-side in the database: the browser holds only a random
//! session id in an HttpOnly, SameSite=Strict cookie, never the API token it signed in
//! with.
//!
//! The store keeps the SHA-256 of the id, never the id itself, so neither the database
//! nor a backup of it holds a usable cookie. Because the sessions live in the database,
//! every replica on it knows them and a restart signs no one out; a session is live
//! only while unexpired and while its token is not revoked (the lookup joins the
//! token), so a token revoked through any replica is refused by every replica on the
//! next request.

use crate::error::ApiError;
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use ssi_store::{Backend, TokenId, TokenInfo};
use std::time::Duration;

/// The name of the session cookie.
pub const COOKIE_NAME: &str = "ssi_session";

/// A session id could not be generated (the system's random source failed).
#[derive(Debug, thiserror::Error)]
#[error("the system random source failed: {0}")]
pub(crate) struct RandomError(String);

/// Fills `bytes` from the operating system's random source.
pub(crate) fn random_bytes(bytes: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(bytes).map_err(|e| RandomError(e.to_string()))
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the store keeps of a session id: its SHA-256.
pub(crate) fn session_hash(session_id: &str) -> [u8; 32] {
    Sha256::digest(session_id.as_bytes()).into()
}

/// Dashboard sessions: how long they last, and their life in the store. Every method
/// blocks on the store: async code calls them from the blocking pool.
#[derive(Debug, Clone, Copy)]
pub struct Sessions {
    ttl: Duration,
}

impl Sessions {
    /// Sessions that last `ttl` after sign-in.
    pub fn new(ttl: Duration) -> Self {
        Sessions { ttl }
    }

    /// How long a session lasts.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Starts a session of a live token and returns its id (64 hex characters, 256
    /// random bits); the store keeps only the id's hash. Sessions already expired are
    /// swept in the same transaction.
    pub fn create(&self, store: &dyn Backend, token: TokenId) -> Result<String, ApiError> {
        let mut raw = [0u8; 32];
        random_bytes(&mut raw).map_err(ApiError::internal)?;
        let id = hex(&raw);
        let created = Utc::now();
        let ttl = TimeDelta::from_std(self.ttl).map_err(ApiError::internal)?;
        let expires = created.checked_add_signed(ttl).unwrap_or(DateTime::<Utc>::MAX_UTC);
        store.create_session(&session_hash(&id), token, created, expires)?;
        Ok(id)
    }

    /// The token of a live session (unexpired, its token not revoked), if the id names one.
    pub fn token(&self, store: &dyn Backend, session_id: &str) -> Result<Option<TokenInfo>, ApiError> {
        Ok(store.session_token(&session_hash(session_id), Utc::now())?)
    }

    /// Ends a session (sign-out).
    pub fn end(&self, store: &dyn Backend, session_id: &str) -> Result<(), ApiError> {
        store.end_session(&session_hash(session_id))?;
        Ok(())
    }
}

/// Finds the session cookie's value in a `Cookie` header.
pub(crate) fn cookie_value<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key.trim() == name).then(|| value.trim().trim_matches('"')))
}

/// The `Set-Cookie` value starting a session.
pub(crate) fn set_cookie(session_id: &str, ttl: Duration, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{COOKIE_NAME}={session_id}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
        ttl.as_secs()
    )
}

/// The `Set-Cookie` value ending a session.
pub(crate) fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_random_and_kept_as_hashes_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = ssi_store::Store::open(&dir.path().join("ssi.db")).unwrap();
        let (_, token) = store.create_token(ssi_store::Role::Admin, None, None, "admin").unwrap();
        let sessions = Sessions::new(Duration::from_secs(60));
        let a = sessions.create(&store, token.id).unwrap();
        let b = sessions.create(&store, token.id).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(sessions.token(&store, &a).unwrap().map(|t| t.id), Some(token.id));
        assert_eq!(sessions.token(&store, "not-a-session").unwrap(), None);
        let stored: Vec<[u8; 32]> = store.sessions().unwrap().into_iter().map(|s| s.id_hash).collect();
        assert!(stored.contains(&session_hash(&a)) && stored.contains(&session_hash(&b)));
        sessions.end(&store, &a).unwrap();
        assert_eq!(sessions.token(&store, &a).unwrap(), None);
        assert!(sessions.token(&store, &b).unwrap().is_some(), "ending one session leaves the other");
    }

    #[test]
    fn cookie_header_parsing_and_attributes() {
        assert_eq!(cookie_value("a=1; ssi_session=abc; b=2", COOKIE_NAME), Some("abc"));
        assert_eq!(cookie_value("xssi_session=abc", COOKIE_NAME), None);
        let cookie = set_cookie("abc", Duration::from_secs(3600), true);
        for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Max-Age=3600", "Path=/"] {
            assert!(cookie.contains(attribute), "{cookie}");
        }
        assert!(!set_cookie("abc", Duration::from_secs(1), false).contains("Secure"));
    }
}
