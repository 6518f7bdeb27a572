//! Server configuration, layered: built-in defaults, then a TOML file, then `SSI_*` environment
//! variables, then command-line flags (each layer overrides the ones before it).
//!
//! Every layer is read into the same [`Overrides`] shape (all fields optional), so the
//! precedence rule lives in one place ([`Config::resolve`]) and each layer is testable
//! without touching the process environment.

use chrono::NaiveTime;
use serde::Deserialize;
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
    /// The SQLite database shared with the CLI (default: the CLI's, see
    /// `ssi_store::default_db_path`; `SSI_DB` names it in the environment).
    pub database: PathBuf,
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
    /// How many imports may run at the same time; more wait in the queue.
    pub max_concurrent_imports: usize,
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
    /// Log output format.
    pub log_format: LogFormat,
    /// The first admin token to install into an empty database instead of generating one.
    pub admin_token: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: PathBuf::from("ssi.db"),
            upload_dir: None,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 200 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(600),
            max_concurrent_imports: 2,
            daily_job_at: NaiveTime::from_hms_opt(0, 15, 0).unwrap_or(NaiveTime::MIN),
            daily_job_enabled: true,
            session_ttl: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            below_threshold: 50.0,
            log_format: LogFormat::Text,
            admin_token: None,
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
    /// The SQLite database file (shared with the `ssi` CLI).
    #[arg(long)]
    pub database: Option<PathBuf>,
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
    /// How many imports may run at the same time.
    #[arg(long)]
    pub max_concurrent_imports: Option<usize>,
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
    /// Log format: text or json.
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// First admin token for an empty database (prefer the SSI_ADMIN_TOKEN variable).
    #[arg(skip)]
    pub admin_token: Option<String>,
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
                "DB" => layer.database = Some(PathBuf::from(value)),
                "UPLOAD_DIR" => layer.upload_dir = Some(PathBuf::from(value)),
                "MAX_BODY_BYTES" => layer.max_body_bytes = Some(parse(&name, &value, "a byte count")?),
                "MAX_UPLOAD_BYTES" => layer.max_upload_bytes = Some(parse(&name, &value, "a byte count")?),
                "REQUEST_TIMEOUT_SECS" => {
                    layer.request_timeout_secs = Some(parse(&name, &value, "whole seconds")?)
                }
                "UPLOAD_TIMEOUT_SECS" => {
                    layer.upload_timeout_secs = Some(parse(&name, &value, "whole seconds")?)
                }
                "MAX_CONCURRENT_IMPORTS" => {
                    layer.max_concurrent_imports = Some(parse(&name, &value, "a count")?)
                }
                "DAILY_JOB_AT" => {
                    layer.daily_job_at = Some(parse_time_of_day(&value).map_err(|message| {
                        ConfigError::Env { name: name.clone(), value: value.clone(), message }
                    })?)
                }
                "DAILY_JOB_ENABLED" => layer.daily_job_enabled = Some(parse(&name, &value, "true or false")?),
                "SESSION_TTL_HOURS" => layer.session_ttl_hours = Some(parse(&name, &value, "whole hours")?),
                "SECURE_COOKIES" => layer.secure_cookies = Some(parse(&name, &value, "true or false")?),
                "BELOW_THRESHOLD" => layer.below_threshold = Some(parse(&name, &value, "a number")?),
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
            max_concurrent_imports: self.max_concurrent_imports.or(below.max_concurrent_imports),
            daily_job_at: self.daily_job_at.or(below.daily_job_at),
            daily_job_enabled: self.daily_job_enabled.or(below.daily_job_enabled),
            session_ttl_hours: self.session_ttl_hours.or(below.session_ttl_hours),
            secure_cookies: self.secure_cookies.or(below.secure_cookies),
            below_threshold: self.below_threshold.or(below.below_threshold),
            log_format: self.log_format.or(below.log_format),
            admin_token: self.admin_token.or(below.admin_token),
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
                None => ssi_store::default_db_path().map_err(|e| ConfigError::Invalid(e.to_string()))?,
            },
            upload_dir: merged.upload_dir.or(defaults.upload_dir),
            max_body_bytes: merged.max_body_bytes.unwrap_or(defaults.max_body_bytes),
            max_upload_bytes: merged.max_upload_bytes.unwrap_or(defaults.max_upload_bytes),
            request_timeout: merged
                .request_timeout_secs
                .map_or(defaults.request_timeout, Duration::from_secs),
            upload_timeout: merged.upload_timeout_secs.map_or(defaults.upload_timeout, Duration::from_secs),
            max_concurrent_imports: merged.max_concurrent_imports.unwrap_or(defaults.max_concurrent_imports),
            daily_job_at: merged.daily_job_at.unwrap_or(defaults.daily_job_at),
            daily_job_enabled: merged.daily_job_enabled.unwrap_or(defaults.daily_job_enabled),
            session_ttl: merged
                .session_ttl_hours
                .map_or(defaults.session_ttl, |hours| Duration::from_secs(hours.saturating_mul(3600))),
            secure_cookies: merged.secure_cookies.unwrap_or(defaults.secure_cookies),
            below_threshold: merged.below_threshold.unwrap_or(defaults.below_threshold),
            log_format: merged.log_format.unwrap_or(defaults.log_format),
            admin_token: merged.admin_token.filter(|t| !t.trim().is_empty()),
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
        if self.request_timeout.is_zero() || self.upload_timeout.is_zero() {
            return invalid("timeouts must be positive");
        }
        if self.max_concurrent_imports == 0 {
            return invalid("max_concurrent_imports must be at least 1");
        }
        if self.session_ttl.is_zero() {
            return invalid("session_ttl_hours must be positive");
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
        let environment =
            Overrides::from_env(env(&[("SSI_DB", "/srv/env.db"), ("SSI_MAX_BODY_BYTES", "4096")])).unwrap();
        let flags = Overrides { max_body_bytes: Some(8192), ..Overrides::default() };
        let config = Config::resolve(flags, environment, file).unwrap();
        assert_eq!(config.bind, "0.0.0.0:9000".parse().unwrap(), "file value survives");
        assert_eq!(config.database, PathBuf::from("/srv/env.db"), "env beats file");
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
    fn inconsistent_values_are_rejected() {
        let zero = Overrides { max_concurrent_imports: Some(0), ..Overrides::default() };
        assert!(Config::resolve(zero, Overrides::default(), Overrides::default()).is_err());
        let short = Overrides::from_env(env(&[("SSI_ADMIN_TOKEN", "short")])).unwrap();
        assert!(Config::resolve(Overrides::default(), short, Overrides::default()).is_err());
    }
}
