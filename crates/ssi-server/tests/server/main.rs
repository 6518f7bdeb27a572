//! Integration tests of the ssi team server, in one test binary: handler tests through
//! `app(state).oneshot(…)` (advice routes included), webhook alerts against a receiver on
//! 127.0.0.1:0, the authorisation matrix generated from the route table,
//! end-to-end tests against the real binary on 127.0.0.1:0, crash, load and security tests
//! against the real binary (SIGKILL, restarts, the auth throttle, logs at trace level), and a
//! headless browser test.

mod advice;
mod alerts;
mod analytics;
mod authz;
mod browser;
mod cache;
mod crash;
mod dashboard;
mod e2e;
mod handlers;
mod hardening;
mod horizon;
mod migrate_from_sqlite;
mod openapi;
mod process;
mod replica_jobs;
mod replica_processes;
mod replica_sessions;
mod replicas;
mod security;
mod support;
