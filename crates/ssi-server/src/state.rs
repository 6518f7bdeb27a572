//! The state every handler shares: the store, the configuration, metrics, sessions, import
//! jobs, score alerts, templates, the token and answer caches, the background task tracker
//! and the clock.

use crate::alerts::Alerts;
use crate::cache::Caches;
use crate::config::Config;
use crate::error::ApiError;
use crate::jobs::Jobs;
use crate::metrics::Metrics;
use crate::session::Sessions;
use crate::throttle::AuthThrottle;
use crate::web::Templates;
use chrono::{NaiveDate, Utc};
use ssi_store::pg::PgStore;
use ssi_store::{Backend, StoreError};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// What "today" is; replaceable so tests can pin the day.
pub(crate) type Clock = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Shared state of the server (cheap to clone: everything is behind an `Arc` or is a handle).
#[derive(Clone)]
pub struct AppState {
    /// The store, through the interface both backends implement (SQLite, shared with the
    /// CLI, or PostgreSQL).
    pub store: Arc<dyn Backend>,
    /// The resolved configuration.
    pub config: Arc<Config>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// Dashboard sessions: their lifetime; they live in the store.
    pub sessions: Arc<Sessions>,
    /// Import jobs.
    pub jobs: Arc<Jobs>,
    /// Score alerts: the rule, the memory of alerts sent, the webhook client.
    pub alerts: Arc<Alerts>,
    /// Failed authentications per client address (keyed hashes, in memory).
    pub auth_throttle: Arc<AuthThrottle>,
    /// The dashboard's templates.
    pub templates: Arc<Templates>,
    /// Authenticated tokens and rendered answers, valid for one database version.
    pub caches: Arc<Caches>,
    /// Background work (imports, the daily job, alert checks and deliveries) that shutdown
    /// waits for.
    pub tasks: TaskTracker,
    /// Cancelled when the server begins to shut down.
    pub shutdown: CancellationToken,
    clock: Clock,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over an open store with a configuration; "today" is the current UTC day.
    pub fn new(store: Arc<dyn Backend>, config: Config) -> AppState {
        let sessions = Arc::new(Sessions::new(config.session_ttl));
        let jobs = Arc::new(Jobs::new(config.max_concurrent_imports));
        let alerts = Arc::new(Alerts::new(config.alerts.clone()));
        let auth_throttle = Arc::new(AuthThrottle::new(config.auth_throttle));
        let caches = Arc::new(Caches::new(config.answer_cache_bytes));
        AppState {
            store,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
            sessions,
            jobs,
            alerts,
            auth_throttle,
            templates: Arc::new(Templates::new()),
            caches,
            tasks: TaskTracker::new(),
            shutdown: CancellationToken::new(),
            clock: Arc::new(|| Utc::now().date_naive()),
        }
    }

    /// The same state with a fixed "today" (for tests and demos).
    pub fn with_today(mut self, today: NaiveDate) -> AppState {
        self.clock = Arc::new(move || today);
        self
    }

    /// Today, UTC (or the pinned day).
    pub fn today(&self) -> NaiveDate {
        (self.clock)()
    }

    /// The day a `?date=` query asks for: today when absent; a day after today is a bad
    /// request (no score exists for it), not today's answer under another name.
    pub fn day_asked(&self, asked: Option<NaiveDate>) -> Result<NaiveDate, crate::error::ApiError> {
        let today = self.today();
        match asked {
            Some(day) if day > today => Err(crate::error::ApiError::BadRequest(format!(
                "date={day} is after today ({today}): there is no score of a day to come"
            ))),
            Some(day) => Ok(day),
            None => Ok(today),
        }
    }

    /// The database's current version ([`Backend::data_version`]): what the caches compare,
    /// asked afresh on every request so that a write by another process (or replica) is
    /// never hidden by a cached answer.
    ///
    /// On SQLite it is asked on the async thread itself, not the blocking pool: it reads
    /// SQLite's shared-memory index and touches no disk, so a hop to another thread would
    /// cost more than the question. On PostgreSQL it is a round trip to the database (the
    /// version row), awaited on the runtime without a blocking thread; requests waiting at
    /// once share one read sent after they arrived (`version_probe.rs`).
    pub async fn data_version(&self) -> Result<i64, ApiError> {
        match self.store.as_any().downcast_ref::<PgStore>() {
            Some(postgres) => {
                let read = async || postgres.data_version_async().await.map_err(ApiError::from);
                self.caches.version_probe.current(read).await
            }
            None => self.store.data_version().map_err(ApiError::from),
        }
    }

    /// Runs blocking work that answers with an API error of its own (a store call and
    /// the rendering of its answer, say) on the blocking thread pool.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Backend) -> Result<T, ApiError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(store.as_ref())).await?
    }

    /// Runs a blocking store call on the blocking thread pool and maps its error.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Backend) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(store.as_ref())).await?.map_err(ApiError::from)
    }
}
