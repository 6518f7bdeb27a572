//! Server configuration, layered: built-in defaults, then a TOML file, then `SSI_*` environment
//! variables, then command-line flags (each layer overrides the ones before it).
//!
//! Every layer is read into the same [`Overrides`] shape (all fields optional), so the
//! precedence rule lives in one place ([`Config::resolve`]) and each layer is testable
//! without touching the process environment.

use crate::database::DatabaseUrl;
use axum::http::Uri;
use chrono::NaiveTime;
use serde::Deserialize;
use ssi_core::advice::AlertRule;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The resolved configuration the server runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// The database: an SQLite file shared with the CLI (default: the CLI's, see
    /// `ssi_store::default_db_path`) or a PostgreSQL URL; `SSI_DB` names it in the environment.
    pub database: DatabaseUrl,
    /// Where uploads are spooled before import; `None` means the system's temporary directory.
    pub upload_dir: Option<PathBuf>,
    /// Largest JSON or form body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest export archive accepted, in bytes.
    pub max_upload_bytes: u64,
    /// Time limit for an ordinary request.
    pub request_timeout: Duration,
    /// Time limit for receiving an upload (the import itself runs in the background).
    pub upload_timeout: Duration,
    /// After SIGTERM, how long the server keeps accepting while `/readyz` and new work
    /// answer 503, so that a load balancer sees it leave before it stops.
    pub shutdown_drain: Duration,
    /// Time a client has to send a request's headers, counted from when the server starts
    /// waiting for them (so it also closes idle keep-alive connections).
    pub header_timeout: Duration,
    /// Connections served at once; more wait in the kernel's backlog until one closes.
    pub max_connections: usize,
    /// How many imports may run at the same time; more wait in the queue.
    pub max_concurrent_imports: usize,
    /// How long a claimed upload job stays its worker's without a renewal (the worker
    /// renews it every third of this while it imports); a job whose claim is older is
    /// taken for abandoned by a dead replica and claimed again.
    pub import_lease: Duration,
    /// The UTC time of day at which every member's score for the day is materialised.
    pub daily_job_at: NaiveTime,
    /// Whether the daily job runs at all (tests switch it off).
    pub daily_job_enabled: bool,
    /// How long a dashboard session lasts after sign-in.
    pub session_ttl: Duration,
    /// Whether the session cookie carries `Secure` (set it behind an HTTPS reverse proxy).
    pub secure_cookies: bool,
    /// Team summary: members whose total is below this are listed.
    pub below_threshold: f64,
    /// Members whose data (newest export or push) is older than this many days are stale.
    pub stale_after_days: u32,
    /// Log output format.
    pub log_format: LogFormat,
    /// The first admin token to install into an empty database instead of generating one.
    pub admin_token: Option<String>,
    /// Score alerts and their webhook.
    pub alerts: AlertSettings,
    /// Throttling of failed authentications per client address.
    pub auth_throttle: crate::throttle::ThrottleSettings,
    /// Most bytes of rendered answers (team leaderboards, member histories) kept in
    /// memory between database changes; 0 turns the answer cache off.
    pub answer_cache_bytes: usize,
}

/// A webhook address: `http` or `https` with a host. Its `Debug` shows only the scheme and
/// host, because chat webhooks carry their secret in the path.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// Checks and wraps an address.
    pub fn parse(text: &str) -> Result<WebhookUrl, String> {
        let text = text.trim();
        let uri: Uri = text.parse().map_err(|e| format!("{text:?} is not a URL: {e}"))?;
        match uri.scheme_str() {
            Some("http" | "https") => {}
            Some(other) => return Err(format!("the webhook must be http or https, not {other}")),
            None => return Err("the webhook URL must start with http:// or https://".into()),
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err("the webhook URL has no host".into());
        }
        Ok(WebhookUrl(text.to_string()))
    }

    /// The full address (secret included: never log it).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Scheme and host only, for logs.
    pub fn redacted(&self) -> String {
        match self.0.parse::<Uri>() {
            Ok(uri) => format!("{}://{}", uri.scheme_str().unwrap_or("?"), uri.host().unwrap_or("?")),
            Err(_) => "(webhook)".into(),
        }
    }
}

impl std::fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WebhookUrl({}/…)", self.redacted())
    }
}

/// When the server raises score alerts for team members and where it sends them.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertSettings {
    /// Where alerts are POSTed as JSON; `None` logs them only.
    pub webhook_url: Option<WebhookUrl>,
    /// The conditions (`below`, `drop`); alerts are off when neither is set.
    pub rule: AlertRule,
    /// Delivery attempts per alert, the first included.
    pub max_attempts: u32,
    /// Wait before the second attempt; doubled before each further one.
    pub retry_base: Duration,
    /// Time limit of one delivery attempt.
    pub timeout: Duration,
}

impl AlertSettings {
    /// Whether any condition is set.
    pub fn enabled(&self) -> bool {
        self.rule.below.is_some() || self.rule.drop.is_some()
    }
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            webhook_url: None,
            rule: AlertRule::default(),
            max_attempts: 5,
            retry_base: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: DatabaseUrl::Sqlite(PathBuf::from("ssi.db")),
            upload_dir: None,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 200 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(600),
            shutdown_drain: Duration::from_secs(5),
            header_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_concurrent_imports: 2,
            import_lease: Duration::from_secs(300),
            daily_job_at: NaiveTime::from_hms_opt(0, 15, 0).unwrap_or(NaiveTime::MIN),
            daily_job_enabled: true,
            session_ttl: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            below_threshold: 50.0,
            stale_after_days: ssi_core::freshness::DEFAULT_STALE_AFTER_DAYS,
            log_format: LogFormat::Text,
            admin_token: None,
            alerts: AlertSettings::default(),
            auth_throttle: crate::throttle::ThrottleSettings::default(),
            answer_cache_bytes: 64 * 1024 * 1024,
        }
    }
}

/// One configuration layer: every field optional, `None` meaning "not set here".
///
/// The TOML file has exactly these keys (flat, snake_case); unknown keys are an error so
/// that a typo does not silently fall back to a default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long)]
    pub bind: Option<SocketAddr>,
    /// The database: an SQLite file (a path or `sqlite:PATH`, shared with the `ssi` CLI) or
    /// a PostgreSQL server (`postgres://user@host/db`).
    #[arg(long)]
    pub database: Option<DatabaseUrl>,
    /// Directory where uploads are spooled before import.
    #[arg(long)]
    pub upload_dir: Option<PathBuf>,
    /// Largest JSON or form body accepted, in bytes.
    #[arg(long)]
    pub max_body_bytes: Option<usize>,
    /// Largest export archive accepted, in bytes.
    #[arg(long)]
    pub max_upload_bytes: Option<u64>,
    /// Time limit for an ordinary request, in seconds.
    #[arg(long)]
    pub request_timeout_secs: Option<u64>,
    /// Time limit for receiving an upload, in seconds.
    #[arg(long)]
    pub upload_timeout_secs: Option<u64>,
    /// Seconds to keep accepting after SIGTERM while readiness answers 503 (default 5).
    #[arg(long)]
    pub shutdown_drain_secs: Option<u64>,
    /// Seconds a client has to send a request's headers, idle keep-alive included (default 10).
    #[arg(long)]
    pub header_timeout_secs: Option<u64>,
    /// Connections served at once (default 512).
    #[arg(long)]
    pub max_connections: Option<usize>,
    /// How many imports may run at the same time.
    #[arg(long)]
    pub max_concurrent_imports: Option<usize>,
    /// Seconds a claimed upload job stays its worker's without a renewal (default 300).
    #[arg(long)]
    pub import_lease_secs: Option<u64>,
    /// UTC time of day (HH:MM) of the daily score job.
    #[arg(long, value_parser = parse_time_of_day)]
    #[serde(default, deserialize_with = "deserialize_time_of_day")]
    pub daily_job_at: Option<NaiveTime>,
    /// Whether the daily score job runs.
    #[arg(long)]
    pub daily_job_enabled: Option<bool>,
    /// Dashboard session lifetime, in hours.
    #[arg(long)]
    pub session_ttl_hours: Option<u64>,
    /// Mark the session cookie `Secure` (behind HTTPS).
    #[arg(long)]
    pub secure_cookies: Option<bool>,
    /// Team summary threshold: members below this total are listed.
    #[arg(long)]
    pub below_threshold: Option<f64>,
    /// Days after which a member's data counts as stale (default 14).
    #[arg(long)]
    pub stale_after_days: Option<u32>,
    /// Log format: text or json.
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// First admin token for an empty database (prefer the SSI_ADMIN_TOKEN variable).
    #[arg(skip)]
    pub admin_token: Option<String>,
    /// The `[alerts]` table.
    #[command(flatten)]
    #[serde(default)]
    pub alerts: AlertOverrides,
    /// Failed authentications from one client address (within the window) after which it
    /// gets 429; 0 turns the throttle off.
    #[arg(long)]
    pub auth_max_failures: Option<u32>,
    /// The window of `auth_max_failures`, in seconds; also how long a block lasts.
    #[arg(long)]
    pub auth_failure_window_secs: Option<u64>,
    /// Most bytes of rendered answers kept in memory between database changes (0: off).
    #[arg(long)]
    pub answer_cache_bytes: Option<usize>,
}

/// The `[alerts]` table of a configuration layer (`SSI_ALERTS_*`, `--alerts-*`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct AlertOverrides {
    /// Webhook (http or https) that score alerts are POSTed to as JSON.
    #[arg(long = "alerts-webhook-url")]
    pub webhook_url: Option<String>,
    /// Alert when a team member's total falls below this.
    #[arg(long = "alerts-below")]
    pub below: Option<f64>,
    /// Alert when a total drops by at least this many points within the drop days.
    #[arg(long = "alerts-drop-points")]
    pub drop_points: Option<f64>,
    /// The window of the drop, in days (set with the drop points).
    #[arg(long = "alerts-drop-days")]
    pub drop_days: Option<u32>,
    /// Delivery attempts per alert, the first included.
    #[arg(long = "alerts-max-attempts")]
    pub max_attempts: Option<u32>,
    /// Seconds before the second delivery attempt (doubled each time).
    #[arg(long = "alerts-retry-base-secs")]
    pub retry_base_secs: Option<u64>,
    /// Time limit of one delivery attempt, in seconds.
    #[arg(long = "alerts-timeout-secs")]
    pub timeout_secs: Option<u64>,
}

impl AlertOverrides {
    /// This layer on top of `below`: every field set here wins.
    pub fn over(self, below: AlertOverrides) -> AlertOverrides {
        AlertOverrides {
            webhook_url: self.webhook_url.or(below.webhook_url),
            below: self.below.or(below.below),
            drop_points: self.drop_points.or(below.drop_points),
            drop_days: self.drop_days.or(below.drop_days),
            max_attempts: self.max_attempts.or(below.max_attempts),
            retry_base_secs: self.retry_base_secs.or(below.retry_base_secs),
            timeout_secs: self.timeout_secs.or(below.timeout_secs),
        }
    }

    /// Resolves the merged layers into settings, checking them.
    fn resolve(self) -> Result<AlertSettings, ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let defaults = AlertSettings::default();
        let webhook_url = match self.webhook_url.filter(|u| !u.trim().is_empty()) {
            Some(url) => Some(
                WebhookUrl::parse(&url)
                    .map_err(|m| ConfigError::Invalid(format!("alerts.webhook_url: {m}")))?,
            ),
            None => None,
        };
        if let Some(below) = self.below
            && !(0.0..=100.0).contains(&below)
        {
            return invalid(format!("alerts.below must be within 0–100, not {below}"));
        }
        let drop = match (self.drop_points, self.drop_days) {
            (None, None) => None,
            (Some(points), Some(days)) => {
                if !(points > 0.0 && points <= 100.0) {
                    return invalid(format!(
                        "alerts.drop_points must be above 0 and at most 100, not {points}"
                    ));
                }
                if !(1..=365).contains(&days) {
                    return invalid(format!("alerts.drop_days must be 1–365, not {days}"));
                }
                Some((points, days))
            }
            (Some(_), None) => return invalid("alerts.drop_points needs alerts.drop_days".into()),
            (None, Some(_)) => return invalid("alerts.drop_days needs alerts.drop_points".into()),
        };
        let rule = AlertRule { below: self.below, drop };
        if webhook_url.is_some() && rule.below.is_none() && rule.drop.is_none() {
            return invalid(
                "alerts.webhook_url is set but no condition: set alerts.below or alerts.drop_points and alerts.drop_days"
                    .into(),
            );
        }
        let max_attempts = self.max_attempts.unwrap_or(defaults.max_attempts);
        if !(1..=20).contains(&max_attempts) {
            return invalid(format!("alerts.max_attempts must be 1–20, not {max_attempts}"));
        }
        let retry_base = self.retry_base_secs.map_or(defaults.retry_base, Duration::from_secs);
        let timeout = self.timeout_secs.map_or(defaults.timeout, Duration::from_secs);
        if retry_base.is_zero() || timeout.is_zero() {
            return invalid("alerts.retry_base_secs and alerts.timeout_secs must be positive".into());
        }
        Ok(AlertSettings { webhook_url, rule, max_attempts, retry_base, timeout })
    }
}

/// A configuration source that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The TOML file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TOML file is not valid or has an unknown key.
    #[error("config file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// An environment variable holds a value of the wrong shape.
    #[error("environment variable {name}={value:?}: {message}")]
    Env {
        /// The variable.
        name: String,
        /// Its value.
        value: String,
        /// What was expected.
        message: String,
    },
    /// The resolved configuration is inconsistent.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

fn parse_time_of_day(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text.trim(), "%H:%M:%S"))
        .map_err(|_| format!("{text:?} is not a time of day like 00:15"))
}

fn deserialize_time_of_day<'de, D>(deserializer: D) -> Result<Option<NaiveTime>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let text: Option<String> = Option::deserialize(deserializer)?;
    text.map(|t| parse_time_of_day(&t).map_err(serde::de::Error::custom)).transpose()
}

/// The environment variable that names the TOML file.
pub const CONFIG_ENV: &str = "SSI_CONFIG";

impl Overrides {
    /// Reads a TOML configuration file.
    pub fn from_toml_file(path: &Path) -> Result<Overrides, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        Overrides::from_toml_str(&text)
            .map_err(|message| ConfigError::Parse { path: path.to_path_buf(), message })
    }

    /// Parses TOML text; the error carries the line and the offending key.
    pub fn from_toml_str(text: &str) -> Result<Overrides, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim().to_string())
    }

    /// Reads the `SSI_*` variables from the given (name, value) pairs, ignoring other names.
    ///
    /// Taking the pairs as an argument keeps this testable; the binary passes `std::env::vars()`.
    pub fn from_env(vars: impl IntoIterator<Item = (String, String)>) -> Result<Overrides, ConfigError> {
        fn parse<T: std::str::FromStr>(name: &str, value: &str, what: &str) -> Result<T, ConfigError> {
            value.trim().parse().map_err(|_| ConfigError::Env {
                name: name.to_string(),
                value: value.to_string(),
                message: format!("expected {what}"),
            })
        }
        let mut layer = Overrides::default();
        for (name, value) in vars {
            let Some(key) = name.strip_prefix("SSI_") else { continue };
            match key {
                "BIND" => layer.bind = Some(parse(&name, &value, "an address like 127.0.0.1:8080")?),
                // The same variable the CLI reads, so both open the same database.
                "DB" => {
                    layer.database = Some(value.parse().map_err(|message| ConfigError::Env {
                        name: name.clone(),
                        value: crate::database::redact(&value),
                        message,
                    })?)
                }
                "UPLOAD_DIR" => layer.upload_dir = Some(PathBuf::from(value)),
                "MAX_BODY_BYTES" => layer.max_body_bytes = Some(parse(&name, &value, "a byte count")?),
                "MAX_UPLOAD_BYTES" => layer.max_upload_bytes = Some(parse(&name, &value, "a byte count")?),
                "REQUEST_TIMEOUT_SECS" => {
                    layer.request_timeout_secs = Some(parse(&name, &value, "whole seconds")?)
                }
                "UPLOAD_TIMEOUT_SECS" => {
                    layer.upload_timeout_secs = Some(parse(&name, &value, "whole seconds")?)
                }
                "SHUTDOWN_DRAIN_SECS" => {
                    layer.shutdown_drain_secs = Some(parse(&name, &value, "whole seconds")?)
                }
                "HEADER_TIMEOUT_SECS" => {
                    layer.header_timeout_secs = Some(parse(&name, &value, "whole seconds")?)
                }
                "MAX_CONNECTIONS" => layer.max_connections = Some(parse(&name, &value, "a count")?),
                "MAX_CONCURRENT_IMPORTS" => {
                    layer.max_concurrent_imports = Some(parse(&name, &value, "a count")?)
                }
                "IMPORT_LEASE_SECS" => layer.import_lease_secs = Some(parse(&name, &value, "whole seconds")?),
                "DAILY_JOB_AT" => {
                    layer.daily_job_at = Some(parse_time_of_day(&value).map_err(|message| {
                        ConfigError::Env { name: name.clone(), value: value.clone(), message }
                    })?)
                }
                "DAILY_JOB_ENABLED" => layer.daily_job_enabled = Some(parse(&name, &value, "true or false")?),
                "SESSION_TTL_HOURS" => layer.session_ttl_hours = Some(parse(&name, &value, "whole hours")?),
                "SECURE_COOKIES" => layer.secure_cookies = Some(parse(&name, &value, "true or false")?),
                "BELOW_THRESHOLD" => layer.below_threshold = Some(parse(&name, &value, "a number")?),
                "STALE_AFTER_DAYS" => layer.stale_after_days = Some(parse(&name, &value, "whole days")?),
                "LOG_FORMAT" => {
                    layer.log_format = Some(match value.trim() {
                        "text" => LogFormat::Text,
                        "json" => LogFormat::Json,
                        _ => {
                            return Err(ConfigError::Env {
                                name,
                                value,
                                message: "expected text or json".into(),
                            });
                        }
                    })
                }
                "ADMIN_TOKEN" => layer.admin_token = Some(value),
                "AUTH_MAX_FAILURES" => layer.auth_max_failures = Some(parse(&name, &value, "a count")?),
                "AUTH_FAILURE_WINDOW_SECS" => {
                    layer.auth_failure_window_secs = Some(parse(&name, &value, "whole seconds")?)
                }
                "ANSWER_CACHE_BYTES" => {
                    layer.answer_cache_bytes = Some(parse(&name, &value, "a byte count")?)
                }
                "ALERTS_WEBHOOK_URL" => layer.alerts.webhook_url = Some(value),
                "ALERTS_BELOW" => layer.alerts.below = Some(parse(&name, &value, "a number")?),
                "ALERTS_DROP_POINTS" => layer.alerts.drop_points = Some(parse(&name, &value, "a number")?),
                "ALERTS_DROP_DAYS" => layer.alerts.drop_days = Some(parse(&name, &value, "whole days")?),
                "ALERTS_MAX_ATTEMPTS" => layer.alerts.max_attempts = Some(parse(&name, &value, "a count")?),
                "ALERTS_RETRY_BASE_SECS" => {
                    layer.alerts.retry_base_secs = Some(parse(&name, &value, "whole seconds")?)
                }
                "ALERTS_TIMEOUT_SECS" => {
                    layer.alerts.timeout_secs = Some(parse(&name, &value, "whole seconds")?)
                }
                _ => {}
            }
        }
        Ok(layer)
    }

    /// This layer on top of `below`: every field set here wins.
    pub fn over(self, below: Overrides) -> Overrides {
        Overrides {
            bind: self.bind.or(below.bind),
            database: self.database.or(below.database),
            upload_dir: self.upload_dir.or(below.upload_dir),
            max_body_bytes: self.max_body_bytes.or(below.max_body_bytes),
            max_upload_bytes: self.max_upload_bytes.or(below.max_upload_bytes),
            request_timeout_secs: self.request_timeout_secs.or(below.request_timeout_secs),
            upload_timeout_secs: self.upload_timeout_secs.or(below.upload_timeout_secs),
            shutdown_drain_secs: self.shutdown_drain_secs.or(below.shutdown_drain_secs),
            header_timeout_secs: self.header_timeout_secs.or(below.header_timeout_secs),
            max_connections: self.max_connections.or(below.max_connections),
            max_concurrent_imports: self.max_concurrent_imports.or(below.max_concurrent_imports),
            import_lease_secs: self.import_lease_secs.or(below.import_lease_secs),
            daily_job_at: self.daily_job_at.or(below.daily_job_at),
            daily_job_enabled: self.daily_job_enabled.or(below.daily_job_enabled),
            session_ttl_hours: self.session_ttl_hours.or(below.session_ttl_hours),
            secure_cookies: self.secure_cookies.or(below.secure_cookies),
            below_threshold: self.below_threshold.or(below.below_threshold),
            stale_after_days: self.stale_after_days.or(below.stale_after_days),
            log_format: self.log_format.or(below.log_format),
            admin_token: self.admin_token.or(below.admin_token),
            alerts: self.alerts.over(below.alerts),
            auth_max_failures: self.auth_max_failures.or(below.auth_max_failures),
            auth_failure_window_secs: self.auth_failure_window_secs.or(below.auth_failure_window_secs),
            answer_cache_bytes: self.answer_cache_bytes.or(below.answer_cache_bytes),
        }
    }
}

impl Config {
    /// Resolves the layers, highest precedence first: flags, environment, file; defaults last.
    pub fn resolve(flags: Overrides, env: Overrides, file: Overrides) -> Result<Config, ConfigError> {
        let merged = flags.over(env.over(file));
        let defaults = Config::default();
        let config = Config {
            bind: merged.bind.unwrap_or(defaults.bind),
            database: match merged.database {
                Some(path) => path,
                None => DatabaseUrl::Sqlite(
                    ssi_store::default_db_path().map_err(|e| ConfigError::Invalid(e.to_string()))?,
                ),
            },
            upload_dir: merged.upload_dir.or(defaults.upload_dir),
            max_body_bytes: merged.max_body_bytes.unwrap_or(defaults.max_body_bytes),
            max_upload_bytes: merged.max_upload_bytes.unwrap_or(defaults.max_upload_bytes),
            request_timeout: merged
                .request_timeout_secs
                .map_or(defaults.request_timeout, Duration::from_secs),
            upload_timeout: merged.upload_timeout_secs.map_or(defaults.upload_timeout, Duration::from_secs),
            shutdown_drain: merged.shutdown_drain_secs.map_or(defaults.shutdown_drain, Duration::from_secs),
            header_timeout: merged.header_timeout_secs.map_or(defaults.header_timeout, Duration::from_secs),
            max_connections: merged.max_connections.unwrap_or(defaults.max_connections),
            max_concurrent_imports: merged.max_concurrent_imports.unwrap_or(defaults.max_concurrent_imports),
            import_lease: merged.import_lease_secs.map_or(defaults.import_lease, Duration::from_secs),
            daily_job_at: merged.daily_job_at.unwrap_or(defaults.daily_job_at),
            daily_job_enabled: merged.daily_job_enabled.unwrap_or(defaults.daily_job_enabled),
            session_ttl: merged
                .session_ttl_hours
                .map_or(defaults.session_ttl, |hours| Duration::from_secs(hours.saturating_mul(3600))),
            secure_cookies: merged.secure_cookies.unwrap_or(defaults.secure_cookies),
            below_threshold: merged.below_threshold.unwrap_or(defaults.below_threshold),
            stale_after_days: merged.stale_after_days.unwrap_or(defaults.stale_after_days),
            log_format: merged.log_format.unwrap_or(defaults.log_format),
            admin_token: merged.admin_token.filter(|t| !t.trim().is_empty()),
            alerts: merged.alerts.resolve()?,
            auth_throttle: crate::throttle::ThrottleSettings {
                max_failures: merged.auth_max_failures.unwrap_or(defaults.auth_throttle.max_failures),
                window: merged
                    .auth_failure_window_secs
                    .map_or(defaults.auth_throttle.window, Duration::from_secs),
            },
            answer_cache_bytes: merged.answer_cache_bytes.unwrap_or(defaults.answer_cache_bytes),
        };
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: &str| Err(ConfigError::Invalid(m.to_string()));
        if self.max_body_bytes == 0 {
            return invalid("max_body_bytes must be positive");
        }
        if self.max_upload_bytes == 0 {
            return invalid("max_upload_bytes must be positive");
        }
        if self.request_timeout.is_zero() || self.upload_timeout.is_zero() || self.header_timeout.is_zero() {
            return invalid("timeouts must be positive");
        }
        if self.max_connections == 0 {
            return invalid("max_connections must be at least 1");
        }
        if self.max_concurrent_imports == 0 {
            return invalid("max_concurrent_imports must be at least 1");
        }
        if self.import_lease < Duration::from_secs(3) {
            return invalid("import_lease_secs must be at least 3 (the lease is renewed every third of it)");
        }
        if self.session_ttl.is_zero() {
            return invalid("session_ttl_hours must be positive");
        }
        if self.auth_throttle.window.is_zero() {
            return invalid("auth_failure_window_secs must be positive");
        }
        if !(0.0..=100.0).contains(&self.below_threshold) {
            return invalid("below_threshold must be within 0–100");
        }
        if let Some(token) = &self.admin_token
            && (!token.trim().starts_with(ssi_store::TOKEN_PREFIX)
                || token.trim().chars().count() < ssi_store::MIN_INSTALLED_TOKEN_LEN)
        {
            return Err(ConfigError::Invalid(format!(
                "SSI_ADMIN_TOKEN must start with {:?} and be at least {} characters long",
                ssi_store::TOKEN_PREFIX,
                ssi_store::MIN_INSTALLED_TOKEN_LEN
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn flags_beat_environment_beat_file_beat_defaults() {
        let file = Overrides::from_toml_str(
            "bind = \"0.0.0.0:9000\"\ndatabase = \"/srv/file.db\"\nmax_body_bytes = 2048\ndaily_job_at = \"03:30\"\n",
        )
        .unwrap();
        let environment = Overrides::from_env(env(&[
            ("SSI_DB", "/srv/env.db"),
            ("SSI_MAX_BODY_BYTES", "4096"),
            ("SSI_ANSWER_CACHE_BYTES", "1048576"),
        ]))
        .unwrap();
        let flags = Overrides { max_body_bytes: Some(8192), ..Overrides::default() };
        let config = Config::resolve(flags, environment, file).unwrap();
        assert_eq!(config.answer_cache_bytes, 1_048_576, "env sets the answer cache");
        assert_eq!(Config::default().answer_cache_bytes, 64 * 1024 * 1024);
        assert_eq!(config.bind, "0.0.0.0:9000".parse().unwrap(), "file value survives");
        assert_eq!(config.database, DatabaseUrl::Sqlite(PathBuf::from("/srv/env.db")), "env beats file");
        assert_eq!(config.max_body_bytes, 8192, "flag beats env");
        assert_eq!(config.daily_job_at, NaiveTime::from_hms_opt(3, 30, 0).unwrap());
        assert_eq!(config.request_timeout, Config::default().request_timeout, "default fills the rest");
    }

    #[test]
    fn unknown_file_keys_and_bad_env_values_are_named() {
        let err = Overrides::from_toml_str("bnd = \"x\"").unwrap_err();
        assert!(err.contains("bnd"), "{err}");
        let err = Overrides::from_env(env(&[("SSI_MAX_UPLOAD_BYTES", "lots")])).unwrap_err();
        assert!(err.to_string().contains("SSI_MAX_UPLOAD_BYTES"), "{err}");
        let err = Overrides::from_env(env(&[("SSI_DAILY_JOB_AT", "25:00")])).unwrap_err();
        assert!(err.to_string().contains("SSI_DAILY_JOB_AT"), "{err}");
        let ignored = Overrides::from_env(env(&[("HOME", "/root"), ("SSI_UNRELATED", "1")])).unwrap();
        assert_eq!(ignored, Overrides::default());
    }

    #[test]
    fn the_example_file_in_the_docs_is_valid() {
        let doc = include_str!("../../../docs/server.md");
        let example = doc.split("```toml\n").nth(1).and_then(|rest| rest.split("```").next()).unwrap();
        let file = Overrides::from_toml_str(example).unwrap();
        let config = Config::resolve(Overrides::default(), Overrides::default(), file).unwrap();
        assert_eq!(config.daily_job_at, NaiveTime::from_hms_opt(1, 30, 0).unwrap());
        assert!(config.secure_cookies);
        assert_eq!(config.log_format, LogFormat::Json);
    }

    #[test]
    fn alert_settings_come_from_the_alerts_table_variables_and_flags() {
        let file = Overrides::from_toml_str(
            "[alerts]\nwebhook_url = \"https://hooks.example.com/services/T0/B0/secret\"\nbelow = 45\ndrop_points = 5\ndrop_days = 7\n",
        )
        .unwrap();
        let environment =
            Overrides::from_env(env(&[("SSI_ALERTS_BELOW", "40"), ("SSI_ALERTS_MAX_ATTEMPTS", "3")]))
                .unwrap();
        let flags = Overrides {
            alerts: AlertOverrides { drop_days: Some(14), ..AlertOverrides::default() },
            ..Overrides::default()
        };
        let config = Config::resolve(flags, environment, file).unwrap();
        let alerts = &config.alerts;
        assert!(alerts.enabled());
        assert_eq!(alerts.rule, AlertRule { below: Some(40.0), drop: Some((5.0, 14)) }, "env and flag win");
        assert_eq!(alerts.max_attempts, 3);
        assert_eq!(alerts.timeout, AlertSettings::default().timeout);
        let url = alerts.webhook_url.as_ref().unwrap();
        assert_eq!(url.as_str(), "https://hooks.example.com/services/T0/B0/secret");
        let shown = format!("{config:?}");
        assert!(!shown.contains("secret"), "the webhook's path never shows in Debug: {shown}");
        assert!(shown.contains("hooks.example.com"), "{shown}");
        assert!(!Config::default().alerts.enabled(), "alerts are off by default");
    }

    #[test]
    fn bad_alert_settings_are_named() {
        let resolve = |alerts: AlertOverrides| {
            Config::resolve(
                Overrides { alerts, ..Overrides::default() },
                Overrides::default(),
                Overrides::default(),
            )
            .map(|_| ())
            .unwrap_err()
            .to_string()
        };
        let below = |url: &str| AlertOverrides {
            webhook_url: Some(url.into()),
            below: Some(40.0),
            ..AlertOverrides::default()
        };
        assert!(resolve(below("ftp://example.com/hook")).contains("http or https"));
        assert!(resolve(below("example.com/hook")).contains("webhook"));
        assert!(resolve(below("file:///etc/passwd")).contains("webhook"));
        let no_rule =
            AlertOverrides { webhook_url: Some("http://127.0.0.1:9/x".into()), ..AlertOverrides::default() };
        assert!(resolve(no_rule).contains("no condition"));
        let half_drop = AlertOverrides { drop_points: Some(5.0), ..AlertOverrides::default() };
        assert!(resolve(half_drop).contains("alerts.drop_days"));
        let out_of_range = AlertOverrides { below: Some(120.0), ..AlertOverrides::default() };
        assert!(resolve(out_of_range).contains("alerts.below"));
        let err = Overrides::from_toml_str("[alerts]\nwebhook = \"x\"").unwrap_err();
        assert!(err.contains("webhook"), "{err}");
        let err = Overrides::from_env(env(&[("SSI_ALERTS_DROP_DAYS", "a week")])).unwrap_err();
        assert!(err.to_string().contains("SSI_ALERTS_DROP_DAYS"), "{err}");
    }

    #[test]
    fn inconsistent_values_are_rejected() {
        let zero = Overrides { max_concurrent_imports: Some(0), ..Overrides::default() };
        assert!(Config::resolve(zero, Overrides::default(), Overrides::default()).is_err());
        let short = Overrides::from_env(env(&[("SSI_ADMIN_TOKEN", "short")])).unwrap();
        assert!(Config::resolve(Overrides::default(), short, Overrides::default()).is_err());
    }
}
