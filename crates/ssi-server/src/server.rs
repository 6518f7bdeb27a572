//! Running the server: first-start bootstrap (the admin token), the listener, the daily job,
//! and graceful shutdown on SIGTERM or SIGINT.
//!
//! Shutdown order: the signal cancels [`AppState::shutdown`] (readiness turns 503, the
//! import workers claim no more jobs than the uploads this replica accepted, new uploads
//! are refused; other queued jobs stay in the database for another replica or the next
//! start), the server keeps accepting for the drain period (`shutdown_drain_secs`) so a
//! load balancer sees the 503, then the listener stops accepting, in-flight requests
//! finish, then running imports finish and the import workers end. A second signal exits
//! at once: an import still running is then rolled back by the database, because the
//! store imports an export in one transaction, and its job is claimed again once its
//! lease lapses.

use crate::config::Config;
use crate::state::AppState;
use anyhow::Context;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use ssi_store::{Backend, Role};
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// What the first start did about tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bootstrap {
    /// The database already had tokens (a configured admin token is then ignored).
    HadTokens,
    /// The operator's `SSI_ADMIN_TOKEN` was installed as the first admin token.
    Installed,
    /// A new admin token was minted; its secret is to be shown once.
    Minted(String),
}

/// On a database without any token, installs the operator's admin token
/// (`SSI_ADMIN_TOKEN`) or mints one.
pub(crate) fn bootstrap(store: &dyn Backend, admin_token: Option<&str>) -> anyhow::Result<Bootstrap> {
    if !store.list_tokens().context("cannot list tokens")?.is_empty() {
        if admin_token.is_some() {
            tracing::info!("the database already has tokens; SSI_ADMIN_TOKEN is not installed again");
        }
        return Ok(Bootstrap::HadTokens);
    }
    if let Some(plaintext) = admin_token {
        let info = store
            .install_token(plaintext, Role::Admin, None, None, "first admin (SSI_ADMIN_TOKEN)")
            .context("cannot install SSI_ADMIN_TOKEN")?;
        tracing::info!(token = info.id.0, "installed the configured admin token");
        return Ok(Bootstrap::Installed);
    }
    let (secret, info) = store
        .create_token(Role::Admin, None, None, "first admin (bootstrap)")
        .context("cannot create a token")?;
    tracing::info!(token = info.id.0, "minted the first admin token");
    Ok(Bootstrap::Minted(secret))
}

/// Resolves when SIGINT (Ctrl-C) or, on Unix, SIGTERM arrives.
pub(crate) async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}

/// Serves the application on a bound listener until `shutdown` resolves, then drains:
/// in-flight requests, then background imports. A second `shutdown_signal` during the
/// drain exits at once.
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    if state.config.daily_job_enabled {
        state.tasks.spawn(crate::scheduler::run(state.clone()));
    }
    state.jobs.start_workers(&state);
    let cancel = state.shutdown.clone();
    let drain = state.config.shutdown_drain;
    let router = crate::app(state.clone());
    let limits = ConnectionLimits::of(&state.config);
    accept_until(listener, router, limits, async move {
        shutdown.await;
        cancel.cancel();
        // The drain: still accepting, but readiness and new work answer 503, so a load
        // balancer takes the server out before the listener closes.
        if !drain.is_zero() {
            tracing::info!(seconds = drain.as_secs(), "draining before the listener closes");
            tokio::select! {
                () = tokio::time::sleep(drain) => {}
                () = shutdown_signal() => tracing::warn!("second signal: the drain ends now"),
            }
        }
    })
    .await;
    state.tasks.close();
    let running = state.jobs.running();
    if running > 0 {
        tracing::info!(running, "waiting for imports to finish (signal again to stop at once)");
    }
    tokio::select! {
        () = async {
            state.tasks.wait().await;
            state.jobs.workers_ended().await;
        } => tracing::info!("all background work finished"),
        () = shutdown_signal() => tracing::warn!("second signal: exiting; a running import is rolled back"),
    }
    Ok(())
}

/// How long a connection may take and how many may be open: what keeps slow or idle
/// clients from holding the server's file descriptors.
#[derive(Debug, Clone, Copy)]
struct ConnectionLimits {
    /// Time allowed to send a request's headers, counted from when the server starts
    /// waiting for them, so it also bounds an idle keep-alive connection.
    header_timeout: std::time::Duration,
    /// Connections open at once; more wait in the kernel's backlog.
    max_connections: usize,
}

impl ConnectionLimits {
    fn of(config: &Config) -> Self {
        ConnectionLimits { header_timeout: config.header_timeout, max_connections: config.max_connections }
    }
}

/// Accepts connections and serves `router` on each until `stop` resolves, then lets the
/// open connections finish their requests.
///
/// Each connection takes a permit of `max_connections` before it is accepted, and hyper
/// closes a connection whose next request's headers do not arrive within
/// `header_timeout` (idle keep-alive included), so stalled clients cannot exhaust file
/// descriptors. The peer address reaches handlers (as axum's `ConnectInfo`) only for the
/// failed-authentication throttle, which keeps keyed hashes of it in memory; it is never
/// logged or stored.
async fn accept_until(
    listener: TcpListener,
    router: axum::Router,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()> + Send + 'static,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(limits.header_timeout);
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was
                    // accepted: wait a moment rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service =
            tower::ServiceExt::map_request(router.clone(), move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection = http.serve_connection(
            hyper_util::rt::TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or times out is its own business: nothing to log.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// `ssi-server serve`: binds, prepares the upload folder, opens the store, bootstraps,
/// prints where it listens, serves. Nothing is minted or written before the address is
/// bound, so a start that cannot listen leaves the database as it was.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let listener =
        TcpListener::bind(config.bind).await.with_context(|| format!("cannot listen on {}", config.bind))?;
    if let Some(folder) = &config.upload_dir {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create the upload folder {}", folder.display()))?;
    }
    let database = config.database.clone();
    let admin_token = config.admin_token.clone();
    let store = tokio::task::spawn_blocking(move || -> anyhow::Result<(Arc<dyn Backend>, Bootstrap)> {
        let store = database.open(ssi_store::pg::DEFAULT_POOL_SIZE)?;
        let bootstrap = bootstrap(store.as_ref(), admin_token.as_deref())?;
        Ok((store, bootstrap))
    })
    .await
    .context("start-up task failed")??;
    let (store, bootstrap) = store;
    if let Bootstrap::Minted(secret) = &bootstrap {
        println!(
            "Created the first admin token. It is shown once; keep it somewhere safe:\n\n    {secret}\n"
        );
    }
    let address = listener.local_addr().context("no local address")?;
    println!("ssi-server listening on http://{address}");
    tracing::info!(%address, database = %config.database, "listening");
    let state = AppState::new(store, config);
    serve_until(listener, state, shutdown_signal()).await
}
