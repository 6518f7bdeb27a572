//! Throttling of failed authentications per client address: after too many invalid tokens
//! (bearer or sign-in form) from one address within a window, every authentication attempt
//! from that address is answered 429 with `Retry-After` until the window has passed.
//! Other addresses, and their valid tokens, are never affected.
//!
//! Tokens carry 256 random bits, so guessing one is hopeless anyway; the throttle keeps a
//! guessing client from burning CPU and filling the logs, and bounds what a leaked token
//! prefix or a weak operator-chosen `SSI_ADMIN_TOKEN` could give away.
//!
//! Privacy: addresses are never stored. The table is keyed by a 64-bit keyed hash
//! (SipHash with random keys drawn at start, [`RandomState`]) of the IPv4 address or of the
//! IPv6 /64 prefix, kept in memory only, and an entry is dropped once its window is over.
//! Nothing about it is logged but counts.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most client entries kept; past it, finished windows are dropped first, then the
/// oldest unblocked entry.
const MAX_TRACKED: usize = 65_536;

/// How failed authentications are throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleSettings {
    /// Failures from one address within `window` after which it is blocked; 0 turns the
    /// throttle off.
    pub max_failures: u32,
    /// The window failures are counted in, and how long a block lasts.
    pub window: Duration,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        ThrottleSettings { max_failures: 20, window: Duration::from_secs(300) }
    }
}

/// One address's failures (under its keyed hash).
#[derive(Debug, Clone, Copy)]
struct Client {
    window_start: Instant,
    failures: u32,
    blocked_until: Option<Instant>,
}

impl Client {
    /// Whether the entry still matters at `now`.
    fn live(&self, now: Instant, window: Duration) -> bool {
        self.blocked_until.is_some_and(|until| until > now) || self.window_start + window > now
    }
}

/// The failed-authentication throttle shared by the API and the sign-in form.
#[derive(Debug)]
pub struct AuthThrottle {
    settings: ThrottleSettings,
    hasher: RandomState,
    clients: Mutex<HashMap<u64, Client>>,
}

impl AuthThrottle {
    /// A throttle with these settings and fresh random hash keys.
    pub fn new(settings: ThrottleSettings) -> AuthThrottle {
        AuthThrottle { settings, hasher: RandomState::new(), clients: Mutex::new(HashMap::new()) }
    }

    /// The settings.
    pub fn settings(&self) -> ThrottleSettings {
        self.settings
    }

    /// `Err(retry after)` while `peer` is blocked. A request without a known peer address
    /// (one the server did not accept itself, e.g. in tests) is never throttled.
    pub fn check(&self, peer: Option<IpAddr>) -> Result<(), Duration> {
        self.check_at(peer, Instant::now())
    }

    /// Records a failed authentication from `peer`. Returns `Some(retry after)` when this
    /// failure blocked the address.
    pub fn record_failure(&self, peer: Option<IpAddr>) -> Option<Duration> {
        self.record_failure_at(peer, Instant::now())
    }

    /// How many addresses are tracked right now (for tests and metrics).
    pub fn tracked(&self) -> usize {
        self.lock().len()
    }

    fn check_at(&self, peer: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let Some(key) = self.key(peer) else { return Ok(()) };
        match self.lock().get(&key).and_then(|c| c.blocked_until) {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    fn record_failure_at(&self, peer: Option<IpAddr>, now: Instant) -> Option<Duration> {
        let key = self.key(peer)?;
        let window = self.settings.window;
        let mut clients = self.lock();
        if !clients.contains_key(&key) && clients.len() >= MAX_TRACKED {
            make_room(&mut clients, now, window);
        }
        let client =
            clients.entry(key).or_insert(Client { window_start: now, failures: 0, blocked_until: None });
        if !client.live(now, window) {
            *client = Client { window_start: now, failures: 0, blocked_until: None };
        }
        client.failures = client.failures.saturating_add(1);
        if client.failures >= self.settings.max_failures && client.blocked_until.is_none_or(|u| u <= now) {
            client.blocked_until = Some(now + window);
            // A new window starts with the block, so failures after it count afresh.
            client.window_start = now + window;
            client.failures = 0;
            tracing::warn!(
                max_failures = self.settings.max_failures,
                window_secs = window.as_secs(),
                "too many failed authentications from one client address; it is blocked for the window"
            );
            return Some(window);
        }
        None
    }

    /// The keyed hash of the address (IPv4, or the /64 of IPv6), `None` when the throttle
    /// is off or the peer is unknown.
    fn key(&self, peer: Option<IpAddr>) -> Option<u64> {
        if self.settings.max_failures == 0 {
            return None;
        }
        let prefix: [u8; 8] = match peer? {
            IpAddr::V4(v4) => {
                let [a, b, c, d] = v4.octets();
                [4, a, b, c, d, 0, 0, 0]
            }
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => {
                    let [a, b, c, d] = v4.octets();
                    [4, a, b, c, d, 0, 0, 0]
                }
                // One host usually holds a whole /64: key by it, so that rotating the low
                // bits does not escape the throttle.
                None => {
                    let o = v6.octets();
                    [o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]]
                }
            },
        };
        Some(self.hasher.hash_one(prefix))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Client>> {
        // The map holds plain counters: a panic elsewhere cannot leave it inconsistent.
        self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Drops finished entries; if none were, drops the oldest unblocked one.
fn make_room(clients: &mut HashMap<u64, Client>, now: Instant, window: Duration) {
    clients.retain(|_, c| c.live(now, window));
    if clients.len() < MAX_TRACKED {
        return;
    }
    let oldest = clients
        .iter()
        .filter(|(_, c)| c.blocked_until.is_none_or(|u| u <= now))
        .min_by_key(|(_, c)| c.window_start)
        .map(|(k, _)| *k);
    if let Some(key) = oldest {
        clients.remove(&key);
    }
}

/// The `Retry-After` value for a wait: whole seconds, rounded up, at least 1.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// The `Retry-After` header value for a wait.
pub(crate) fn retry_after_value(wait: Duration) -> axum::http::HeaderValue {
    axum::http::HeaderValue::from(retry_after_secs(wait))
}

/// The peer address of a request the server accepted itself (`None` otherwise).
pub(crate) fn peer(parts: &axum::http::request::Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|axum::extract::ConnectInfo(address)| address.ip())
}

/// Extracts the client address of a request the server accepted itself, for the throttle.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Peer(peer(parts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn throttle(max_failures: u32, seconds: u64) -> AuthThrottle {
        AuthThrottle::new(ThrottleSettings { max_failures, window: Duration::from_secs(seconds) })
    }

    const ATTACKER: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7)));
    const COLLEAGUE: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 8)));

    #[test]
    fn an_address_is_blocked_after_the_maximum_and_only_for_the_window() {
        let t = throttle(3, 60);
        let start = Instant::now();
        assert_eq!(t.record_failure_at(ATTACKER, start), None);
        assert_eq!(t.record_failure_at(ATTACKER, start), None);
        assert!(t.check_at(ATTACKER, start).is_ok(), "two failures of three allowed");
        assert_eq!(t.record_failure_at(ATTACKER, start), Some(Duration::from_secs(60)));
        let later = start + Duration::from_secs(20);
        assert_eq!(t.check_at(ATTACKER, later), Err(Duration::from_secs(40)));
        assert!(t.check_at(COLLEAGUE, later).is_ok(), "another address is never affected");
        assert!(t.check_at(ATTACKER, start + Duration::from_secs(61)).is_ok(), "the block ends");
    }

    #[test]
    fn failures_spread_beyond_the_window_never_block() {
        let t = throttle(3, 60);
        let start = Instant::now();
        for minute in 0..10u64 {
            let now = start + Duration::from_secs(minute * 61);
            assert_eq!(t.record_failure_at(ATTACKER, now), None);
            assert_eq!(t.record_failure_at(ATTACKER, now), None);
            assert!(t.check_at(ATTACKER, now).is_ok());
        }
    }

    #[test]
    fn a_disabled_throttle_or_an_unknown_peer_is_never_blocked() {
        let off = throttle(0, 60);
        let on = throttle(1, 60);
        let now = Instant::now();
        for _ in 0..100 {
            assert_eq!(off.record_failure_at(ATTACKER, now), None);
            assert_eq!(on.record_failure_at(None, now), None);
        }
        assert!(off.check_at(ATTACKER, now).is_ok() && on.check_at(None, now).is_ok());
        assert_eq!(off.tracked() + on.tracked(), 0, "nothing is kept for them");
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_bit_prefix() {
        let t = throttle(2, 60);
        let now = Instant::now();
        let host = |low: u16| Some(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 0, 0, 0, low)));
        t.record_failure_at(host(1), now);
        assert!(t.record_failure_at(host(2), now).is_some(), "the same /64");
        assert!(t.check_at(host(3), now).is_err());
        let other = Some(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1)));
        assert!(t.check_at(other, now).is_ok(), "another /64");
        let mapped = Some(IpAddr::V6(Ipv4Addr::new(203, 0, 113, 7).to_ipv6_mapped()));
        t.record_failure_at(ATTACKER, now);
        assert!(t.record_failure_at(mapped, now).is_some(), "an IPv4-mapped address is its IPv4 address");
    }

    #[test]
    fn the_table_stays_bounded() {
        let t = throttle(5, 60);
        let now = Instant::now();
        for i in 0..(MAX_TRACKED as u32 + 100) {
            t.record_failure_at(Some(IpAddr::V4(Ipv4Addr::from(i))), now);
        }
        assert!(t.tracked() <= MAX_TRACKED);
        // Once the window is over, a new failure clears the finished entries.
        t.record_failure_at(ATTACKER, now + Duration::from_secs(61));
        assert_eq!(t.tracked(), 1);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}
