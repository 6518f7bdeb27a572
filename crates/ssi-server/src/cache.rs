//! In-memory caches of authenticated tokens and of rendered JSON answers, each valid for
//! exactly one version of the database.
//!
//! Every entry belongs to the database version ([`ssi_store::Store::data_version`]) that
//! was current when its request started. A request reads the current version first and
//! is answered from memory only when the cache holds that same version; the first
//! request to see a new version empties the cache. Any commit, by this server or by
//! another process on the same file (the `ssi` CLI importing, pushing, revoking a
//! token), therefore invalidates everything at once: nothing is ever served that a
//! fresh read at the start of the request would not have returned.
//!
//! Only what is the same for every caller is cached (a token's principal is keyed by the
//! token's hash, an answer by the resource and its query); access is checked per request
//! before a cached answer is served, by the handler, exactly as for a fresh one.

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use ssi_store::{Member, MemberId, TeamId, TokenId};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// At most this many authenticated tokens are remembered; past it the token cache starts
/// over (a server has a handful of tokens, so this only bounds memory).
const MAX_TOKENS: usize = 10_000;

/// The database version a request works with: read once, when the request is
/// authenticated (the [`Principal`] extractor leaves it in the request's extensions), or
/// here when the route authenticates no one. Reading it once keeps the token and the
/// answer of one request from two different versions, and halves the cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DataVersion(pub i64);

impl FromRequestParts<AppState> for DataVersion {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match parts.extensions.get::<DataVersion>() {
            Some(version) => Ok(*version),
            None => {
                let version = DataVersion(state.data_version().await?);
                parts.extensions.insert(version);
                Ok(version)
            }
        }
    }
}

/// What an answer of the cache is: the route and everything of the request it depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnswerKey {
    /// `GET /api/v1/teams/{team}/leaderboard` on a day.
    Leaderboard {
        /// The team.
        team: TeamId,
        /// The day asked for (today when the query names none).
        date: NaiveDate,
    },
    /// `GET /api/v1/members/{member}/history?from=&to=`.
    History {
        /// The member.
        member: MemberId,
        /// First day asked for.
        from: Option<NaiveDate>,
        /// Last day asked for.
        to: Option<NaiveDate>,
        /// The day the answer was rendered on: the data's age in it changes daily.
        today: NaiveDate,
    },
    /// `GET /api/v1/members/{member}/advice?date=` (the next best actions and the warnings,
    /// which the member page shows too): simulated once per version of the database.
    Advice {
        /// The member.
        member: MemberId,
        /// The day advised on.
        date: NaiveDate,
    },
    /// `GET /members/{member}`, the dashboard page, as one viewer sees it (the page's header
    /// names the viewer and their links, so the signed-in token is part of the key).
    MemberPage {
        /// The member.
        member: MemberId,
        /// The day shown.
        date: NaiveDate,
        /// The viewer's token.
        viewer: TokenId,
    },
}

/// A cached answer: the JSON body and what the access check needs to judge it.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The rendered JSON body.
    pub body: Bytes,
    /// The member the answer is about, as stored at that version (for member routes,
    /// whose access rule depends on the member's team).
    pub member: Option<Member>,
}

/// A remembered principal and when its token's use was last recorded (Unix seconds).
#[derive(Debug, Clone)]
struct TokenEntry {
    principal: Principal,
    recorded_use: Option<i64>,
}

/// A cached answer and when it was last served (for least-recently-used eviction).
#[derive(Debug)]
struct AnswerEntry {
    answer: Answer,
    last_served: u64,
}

#[derive(Debug, Default)]
struct Inner {
    /// The database version every entry belongs to.
    version: Option<i64>,
    tokens: HashMap<[u8; 32], TokenEntry>,
    answers: HashMap<AnswerKey, AnswerEntry>,
    /// Body bytes held in `answers`.
    answer_bytes: usize,
    /// A counter that orders uses, for eviction.
    clock: u64,
}

impl Inner {
    /// Whether the entries belong to `version`; entries of another version are dropped
    /// when `adopt` is set (a lookup with the current version), kept otherwise (an insert
    /// computed under a version that is already gone must not replace newer entries).
    fn at(&mut self, version: i64, adopt: bool) -> bool {
        if self.version == Some(version) {
            return true;
        }
        if adopt {
            self.version = Some(version);
            self.tokens.clear();
            self.answers.clear();
            self.answer_bytes = 0;
        }
        adopt
    }
}

/// The token and answer caches of one server (see the module documentation).
#[derive(Debug)]
pub struct Caches {
    inner: Mutex<Inner>,
    /// Most body bytes of answers held; 0 turns the answer cache off.
    answer_budget: usize,
    /// PostgreSQL's data version, one round trip shared by the requests waiting for it.
    pub(crate) version_probe: crate::version_probe::VersionProbe,
}

/// How often a token's last use is written to the database, at most.
pub(crate) const USE_RECORD_INTERVAL_SECONDS: i64 = 60;

/// The key of a token in the cache: the SHA-256 of its plaintext (never the plaintext).
pub(crate) fn token_key(plaintext: &str) -> [u8; 32] {
    Sha256::digest(plaintext.as_bytes()).into()
}

impl Caches {
    /// Empty caches holding at most `answer_budget` bytes of answers (0: answers are
    /// never cached; tokens still are).
    pub fn new(answer_budget: usize) -> Caches {
        Caches { inner: Mutex::new(Inner::default()), answer_budget, version_probe: Default::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The principal of the token with this key at `version`, if remembered, and whether
    /// its use is due to be recorded (`now` in Unix seconds). When it is due, the entry
    /// is marked recorded so that only one request records it.
    pub fn principal(&self, version: i64, key: &[u8; 32], now: i64) -> Option<(Principal, bool)> {
        let mut inner = self.lock();
        inner.at(version, true);
        let entry = inner.tokens.get_mut(key)?;
        let due = entry.recorded_use.is_none_or(|t| now - t >= USE_RECORD_INTERVAL_SECONDS);
        if due {
            entry.recorded_use = Some(now);
        }
        Some((entry.principal.clone(), due))
    }

    /// Remembers the principal of a token authenticated under `version`.
    pub fn remember_principal(&self, version: i64, key: [u8; 32], principal: Principal) {
        let mut inner = self.lock();
        if !inner.at(version, false) {
            return;
        }
        if inner.tokens.len() >= MAX_TOKENS {
            inner.tokens.clear();
        }
        let recorded_use = principal.token.last_used.map(|t| t.timestamp());
        inner.tokens.insert(key, TokenEntry { principal, recorded_use });
    }

    /// The cached answer for `key` at `version`, if any.
    pub fn answer(&self, version: i64, key: &AnswerKey) -> Option<Answer> {
        let mut inner = self.lock();
        inner.at(version, true);
        inner.clock += 1;
        let now = inner.clock;
        let entry = inner.answers.get_mut(key)?;
        entry.last_served = now;
        Some(entry.answer.clone())
    }

    /// Caches an answer computed under `version`, evicting the least recently served
    /// answers past the byte budget. An answer larger than a quarter of the budget is
    /// not cached (it would push out too many others).
    pub fn remember_answer(&self, version: i64, key: AnswerKey, answer: Answer) {
        let size = answer.body.len();
        if size == 0 || size > self.answer_budget / 4 {
            return;
        }
        let mut inner = self.lock();
        if !inner.at(version, false) {
            return;
        }
        inner.clock += 1;
        let last_served = inner.clock;
        if let Some(old) = inner.answers.insert(key, AnswerEntry { answer, last_served }) {
            inner.answer_bytes -= old.answer.body.len();
        }
        inner.answer_bytes += size;
        while inner.answer_bytes > self.answer_budget {
            let oldest = inner.answers.iter().min_by_key(|(_, e)| e.last_served).map(|(k, _)| *k);
            let Some(oldest) = oldest else { break };
            if let Some(gone) = inner.answers.remove(&oldest) {
                inner.answer_bytes -= gone.answer.body.len();
            }
        }
    }

    /// Body bytes of the answers held (for tests and metrics).
    pub fn answer_bytes(&self) -> usize {
        self.lock().answer_bytes
    }

    /// Answers held.
    pub fn answer_count(&self) -> usize {
        self.lock().answers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use ssi_store::{Role, TokenId, TokenInfo};

    fn key(team: i64) -> AnswerKey {
        AnswerKey::Leaderboard { team: TeamId(team), date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap() }
    }

    fn answer(bytes: usize) -> Answer {
        Answer { body: Bytes::from(vec![b'x'; bytes]), member: None }
    }

    fn principal(last_used: Option<i64>) -> Principal {
        Principal {
            token: TokenInfo {
                id: TokenId(7),
                role: Role::Admin,
                member: None,
                team: None,
                label: String::new(),
                created: Utc::now(),
                last_used: last_used.and_then(|t| chrono::DateTime::from_timestamp(t, 0)),
                revoked: None,
            },
            team: None,
        }
    }

    #[test]
    fn a_new_version_empties_the_caches() {
        let caches = Caches::new(1000);
        assert!(caches.answer(1, &key(1)).is_none(), "a lookup adopts version 1");
        caches.remember_answer(1, key(1), answer(10));
        caches.remember_principal(1, [1; 32], principal(Some(1_000)));
        assert!(caches.answer(1, &key(1)).is_some());
        assert!(caches.principal(1, &[1; 32], 1_010).is_some());
        assert!(caches.answer(2, &key(1)).is_none(), "another version misses");
        assert!(caches.principal(2, &[1; 32], 1_010).is_none());
        assert!(caches.answer(1, &key(1)).is_none(), "and the old entries are gone");
        assert_eq!(caches.answer_bytes(), 0);
    }

    #[test]
    fn answers_computed_under_a_gone_version_are_not_kept() {
        let caches = Caches::new(1000);
        assert!(caches.answer(5, &key(1)).is_none());
        caches.remember_answer(4, key(1), answer(10));
        caches.remember_principal(4, [1; 32], principal(None));
        assert!(caches.answer(5, &key(1)).is_none());
        assert!(caches.principal(5, &[1; 32], 0).is_none());
        caches.remember_answer(5, key(1), answer(10));
        assert!(caches.answer(5, &key(1)).is_some());
    }

    #[test]
    fn the_byte_budget_evicts_the_least_recently_served() {
        let caches = Caches::new(100);
        caches.answer(1, &key(0));
        for team in 1..=4 {
            caches.remember_answer(1, key(team), answer(25));
        }
        assert_eq!(caches.answer_bytes(), 100);
        assert!(caches.answer(1, &key(1)).is_some(), "team 1 is now the most recently served");
        caches.remember_answer(1, key(5), answer(25));
        assert_eq!(caches.answer_count(), 4);
        assert!(caches.answer_bytes() <= 100);
        assert!(caches.answer(1, &key(2)).is_none(), "team 2 was the least recently served");
        assert!(caches.answer(1, &key(1)).is_some());
        caches.remember_answer(1, key(6), answer(26));
        assert!(caches.answer(1, &key(6)).is_none(), "larger than a quarter of the budget");
        let off = Caches::new(0);
        off.answer(1, &key(1));
        off.remember_answer(1, key(1), answer(1));
        assert!(off.answer(1, &key(1)).is_none(), "a budget of 0 caches nothing");
    }

    #[test]
    fn a_token_use_is_due_once_per_interval() {
        let caches = Caches::new(0);
        caches.principal(1, &[2; 32], 0);
        caches.remember_principal(1, [2; 32], principal(Some(1_000)));
        assert_eq!(caches.principal(1, &[2; 32], 1_030).map(|(_, due)| due), Some(false));
        assert_eq!(caches.principal(1, &[2; 32], 1_060).map(|(_, due)| due), Some(true));
        assert_eq!(caches.principal(1, &[2; 32], 1_061).map(|(_, due)| due), Some(false), "marked");
        caches.remember_principal(1, [3; 32], principal(None));
        assert_eq!(caches.principal(1, &[3; 32], 5).map(|(_, due)| due), Some(true), "never used");
        assert_ne!(token_key("ssi_a"), token_key("ssi_b"));
    }
}
