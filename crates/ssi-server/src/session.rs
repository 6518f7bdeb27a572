//! Dashboard sessions, kept server-side: the browser holds only a random session id in an
//! HttpOnly, SameSite=Strict cookie, never the API token it signed in with.
//!
//! Sessions are looked up by the SHA-256 of their id, so neither a lookup's timing nor a
//! memory dump of the map reveals a usable cookie. They live in memory: a restart signs
//! everyone out, which is the safe failure.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The name of the session cookie.
pub const COOKIE_NAME: &str = "ssi_session";

/// A session id could not be generated (the system's random source failed).
#[derive(Debug, thiserror::Error)]
#[error("the system random source failed: {0}")]
pub struct RandomError(String);

/// Fills `bytes` from the operating system's random source.
pub(crate) fn random_bytes(bytes: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(bytes).map_err(|e| RandomError(e.to_string()))
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug)]
struct Entry<T> {
    value: T,
    expires: Instant,
}

/// Server-side sessions holding a value of type `T` (the signed-in principal's token id).
#[derive(Debug)]
pub struct Sessions<T> {
    entries: Mutex<HashMap<[u8; 32], Entry<T>>>,
    ttl: Duration,
}

fn key_of(session_id: &str) -> [u8; 32] {
    Sha256::digest(session_id.as_bytes()).into()
}

impl<T: Clone> Sessions<T> {
    /// An empty store whose sessions last `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Sessions { entries: Mutex::new(HashMap::new()), ttl }
    }

    /// How long a session lasts.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Entry<T>>> {
        // A panic while holding the lock cannot leave the map half-updated (each
        // operation is a single insert or remove), so a poisoned lock is still usable.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts a session and returns its id (64 hex characters, 256 random bits).
    pub fn create(&self, value: T) -> Result<String, RandomError> {
        let mut raw = [0u8; 32];
        random_bytes(&mut raw)?;
        let id = hex(&raw);
        let now = Instant::now();
        let mut entries = self.lock();
        entries.retain(|_, entry| entry.expires > now);
        entries.insert(key_of(&id), Entry { value, expires: now + self.ttl });
        Ok(id)
    }

    /// The value of a live session.
    pub fn get(&self, session_id: &str) -> Option<T> {
        let key = key_of(session_id);
        let mut entries = self.lock();
        match entries.get(&key) {
            Some(entry) if entry.expires > Instant::now() => Some(entry.value.clone()),
            Some(_) => {
                entries.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Ends a session (sign-out).
    pub fn remove(&self, session_id: &str) {
        self.lock().remove(&key_of(session_id));
    }

    /// Ends every session whose value fails the predicate (e.g. after a token is revoked).
    pub fn retain(&self, keep: impl Fn(&T) -> bool) {
        self.lock().retain(|_, entry| keep(&entry.value));
    }

    /// Number of sessions held, expired ones included until the next sign-in sweeps them.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    fn sessions_are_random_found_by_id_and_removable() {
        let sessions = Sessions::new(Duration::from_secs(60));
        let a = sessions.create(1u32).unwrap();
        let b = sessions.create(2u32).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(sessions.get(&a), Some(1));
        assert_eq!(sessions.get("not-a-session"), None);
        sessions.remove(&a);
        assert_eq!(sessions.get(&a), None);
        sessions.retain(|v| *v != 2);
        assert_eq!(sessions.get(&b), None);
    }

    #[test]
    fn expired_sessions_are_gone() {
        let sessions = Sessions::new(Duration::ZERO);
        let id = sessions.create("x").unwrap();
        assert_eq!(sessions.get(&id), None);
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
