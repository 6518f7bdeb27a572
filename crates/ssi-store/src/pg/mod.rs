//! The PostgreSQL backend's foundation (cargo feature `postgres`): a connection pool
//! behind a blocking API, and the numbered PostgreSQL migrations.
//!
//! The store's boundary is synchronous (the server calls it from `spawn_blocking`), so
//! [`PgStore`]'s methods block like [`crate::Store`]'s: each runs its future to completion
//! on a tokio runtime. A store connected inside a runtime uses that runtime's handle (its
//! methods must then be called where blocking is allowed, such as `spawn_blocking`
//! threads, never on the runtime's own worker threads); a store connected outside any
//! runtime owns a small one. The driver is tokio-postgres, pooled by deadpool-postgres;
//! connections are plain TCP, a Unix socket, or TLS through rustls when the URL's
//! `sslmode` asks for it (`src/pg/tls.rs`; docs/store.md, "PostgreSQL").
//!
//! Besides the lifecycle (connecting, migrating, the schema and data versions), the
//! queries of [`crate::Store`] are ported, with the same names, signatures and results:
//! imports, events, re-scoring, score reads and group questions; members, teams, tokens,
//! models, readings, pushes, stored calibrations, the settings and creator analytics
//! (docs/store.md, "PostgreSQL").

mod analytics;
mod calibrations;
mod copy;
mod daily_runs;
mod events;
mod groups;
mod imports;
mod members;
mod migrations;
mod models;
mod pushed;
mod readings;
mod rescore;
mod rows;
mod score_reads;
mod series;
mod sessions;
mod settings;
mod tls;
mod tokens;
mod transactions;
mod upload_jobs;

pub use copy::{BATCH_ROWS, CopyReport, SAMPLED_MEMBERS, TableCopied};
pub use migrations::{LATEST_VERSION, MIGRATION_LOCK, MIGRATIONS, SQLITE_SCHEMA_MIRRORED};

use crate::error::StoreError;
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod};
use std::future::Future;
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::{Handle, Runtime};

/// How many connections a store keeps to the database at most.
pub const DEFAULT_POOL_SIZE: usize = 16;

/// How long a caller waits for a free connection, and how long connecting may take,
/// before the call fails (so a lost database gives an error, not a hang).
const POOL_TIMEOUT: Duration = Duration::from_secs(10);

/// Worker threads of the runtime a store owns when it is connected outside one: they
/// only drive the connections' sockets.
const OWN_RUNTIME_THREADS: usize = 2;

/// A PostgreSQL database holding an ssi store. `Send + Sync + Clone` (an `Arc`
/// inside); its methods block.
#[derive(Debug, Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pool: Pool,
    executor: Executor,
}

/// Where a store's futures run.
#[derive(Debug)]
enum Executor {
    /// The runtime the store was connected in.
    Shared(Handle),
    /// A runtime of the store's own (connected outside any runtime).
    Owned(OwnedRuntime),
}

/// A runtime that is shut down without waiting when dropped, so dropping the last
/// clone of a store never blocks (nor panics inside another runtime).
#[derive(Debug)]
struct OwnedRuntime(Option<Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`, or
    /// any form tokio-postgres accepts) with a pool of up to `pool_size` connections,
    /// and checks that one connection can be made. Does not migrate: see [`PgStore::migrate`].
    ///
    /// The URL's `sslmode` (`disable`, the default; `prefer`, `require`, `verify-ca`,
    /// `verify-full`) and `sslrootcert` choose TLS as libpq does (`src/pg/tls.rs`).
    pub fn connect(url: &str, pool_size: usize) -> Result<PgStore, StoreError> {
        let (url, tls) = tls::split_url(url)?;
        let mut config = tokio_postgres::Config::from_str(&url)?;
        let tls = match tls {
            Some(tls) => {
                config.ssl_mode(tls.mode.driver_mode());
                tls
            }
            // A key=value string: only its `require` asks for TLS; `prefer` (also the
            // driver's default when it names none) stays plain TCP, as before TLS existed.
            None if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require => {
                tls::TlsParameters { mode: tls::SslMode::Require, root_certificates: None }
            }
            None => {
                config.ssl_mode(tokio_postgres::config::SslMode::Disable);
                tls::TlsParameters { mode: tls::SslMode::Disable, root_certificates: None }
            }
        };
        let manager_config = ManagerConfig { recycling_method: RecyclingMethod::Fast };
        let manager = if tls.mode == tls::SslMode::Disable {
            Manager::from_config(config, tokio_postgres::NoTls, manager_config)
        } else {
            let connector = tokio_postgres_rustls::MakeRustlsConnect::new(tls::client_config(&tls)?);
            Manager::from_config(config, connector, manager_config)
        };
        let executor = match Handle::try_current() {
            Ok(handle) => Executor::Shared(handle),
            Err(_) => {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(OWN_RUNTIME_THREADS)
                    .thread_name("ssi-store-pg")
                    .enable_all()
                    .build()
                    .map_err(|source| StoreError::Io { path: "tokio runtime".into(), source })?;
                Executor::Owned(OwnedRuntime(Some(runtime)))
            }
        };
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(POOL_TIMEOUT))
            .create_timeout(Some(POOL_TIMEOUT))
            .recycle_timeout(Some(POOL_TIMEOUT))
            .build()
            .map_err(|e| StoreError::PostgresPool(e.to_string()))?;
        let store = PgStore { inner: Arc::new(Inner { pool, executor }) };
        store.block_on(async { store.client().await.map(drop) }).map_err(|error| tls.explain(error))?;
        Ok(store)
    }

    /// Runs a future to completion on the store's runtime.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.handle().block_on(future)
    }

    /// A connection from the pool.
    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        Ok(self.inner.pool.get().await?)
    }

    /// Applies the pending migrations, each in its own transaction under an advisory
    /// lock, so that replicas started together never race; returns the schema
    /// version reached. Refuses a database whose applied migrations differ from this
    /// build's (by checksum) or are newer than it knows.
    pub fn migrate(&self) -> Result<u32, StoreError> {
        self.block_on(async {
            let mut pooled = self.client().await?;
            let client: &mut tokio_postgres::Client = &mut pooled;
            migrations::apply(client, MIGRATIONS, migrations::Locking::Advisory).await
        })
    }

    /// The schema version: the highest migration applied (0 for an empty database).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.block_on(async {
            let pooled = self.client().await?;
            let client: &tokio_postgres::Client = &pooled;
            migrations::schema_version(client).await
        })
    }

    /// The data version: a number that moves whenever a transaction writes to the
    /// store's tables, committed with the write (migration 0002, `data_version`).
    /// Caches keyed by it are never older than the database.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.block_on(self.data_version_async())
    }

    /// [`PgStore::data_version`] without blocking, for async code (the server asks it on
    /// every request: a hop to a blocking thread would cost more than the round trip).
    ///
    /// The read runs as a task on the store's own runtime, wherever it is awaited: a
    /// connection the pool opens for it is then driven there, as every other connection
    /// of the store is, and never by a caller's runtime that may later block on the store.
    pub async fn data_version_async(&self) -> Result<i64, StoreError> {
        let store = self.clone();
        let read = async move {
            let client = store.client().await?;
            // Asked on every request of every replica: prepared once per pooled
            // connection, so each ask is one round trip instead of two (parse, execute).
            let statement = client.prepare_cached("SELECT version FROM data_version").await?;
            let row = client.query_one(&statement, &[]).await?;
            Ok(row.try_get(0)?)
        };
        self.handle().spawn(read).await.map_err(|error| {
            StoreError::PostgresPool(format!("the data version read did not finish: {error}"))
        })?
    }

    /// The handle of the runtime that drives the store's connections.
    fn handle(&self) -> Handle {
        match &self.inner.executor {
            Executor::Shared(handle) => handle.clone(),
            Executor::Owned(OwnedRuntime(Some(runtime))) => runtime.handle().clone(),
            Executor::Owned(OwnedRuntime(None)) => unreachable!("the runtime is only taken when dropped"),
        }
    }
}

impl From<PoolError> for StoreError {
    fn from(error: PoolError) -> Self {
        match error {
            PoolError::Backend(e) => StoreError::Postgres(e),
            other => StoreError::PostgresPool(other.to_string()),
        }
    }
}
