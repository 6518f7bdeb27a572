//! Settings layering: command-line flags, then `SSI_*` environment variables, then the config file, then defaults.
//!
//! Environment variables are read here rather than by clap, so that a variable
//! set to the empty string counts as unset (as `NO_COLOR` does) instead of
//! being a value.

use crate::cli::GlobalArgs;
use anyhow::{Context, Result, anyhow};
use clap::ValueEnum;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// When to use colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Never.
    Never,
}

/// The config file's keys (`ssi/config.toml`).
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    /// The database file; a relative path is taken from the config file's folder.
    pub(crate) db: Option<PathBuf>,
    /// The member to use by default.
    pub(crate) member: Option<String>,
    /// When to use colours.
    pub(crate) color: Option<ColorChoice>,
    /// Data older than this many days is stale (default 14).
    pub(crate) stale_after_days: Option<u32>,
}

/// The settings in force after layering.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Settings {
    /// The database file; `None` means the store's default location.
    pub(crate) db: Option<PathBuf>,
    /// The member named by a flag, `SSI_MEMBER` or the config file.
    pub(crate) member: Option<String>,
    /// When to use colours.
    pub(crate) color: ColorChoice,
    /// Data older than this many days is stale.
    pub(crate) stale_after_days: u32,
}

/// The default config file: `ssi/config.toml` in the platform config directory.
pub(crate) fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "ssi").map(|dirs| dirs.config_dir().join("config.toml"))
}

/// The value of an environment variable, unless it is unset or empty.
pub(crate) fn env_var(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// The value of an environment variable as text, unless it is unset, empty or not Unicode.
pub(crate) fn env_text(name: &str) -> Option<String> {
    env_var(name).and_then(|v| v.into_string().ok())
}

/// Reads the config file (the one named by `--config`, else `SSI_CONFIG`, else
/// the default one if it exists) and lays the environment and the flags over it.
pub(crate) fn load(global: &GlobalArgs) -> Result<Settings> {
    let config = global.config.clone().or_else(|| env_var("SSI_CONFIG").map(PathBuf::from));
    let (file, folder) = match &config {
        Some(path) => {
            if !path.is_file() {
                return Err(anyhow!(
                    "config file {} does not exist; create it or point --config (or SSI_CONFIG) at an existing file",
                    path.display()
                ));
            }
            (read_config(path)?, path.parent().map(Path::to_path_buf))
        }
        None => match default_config_path() {
            Some(path) if path.is_file() => (read_config(&path)?, path.parent().map(Path::to_path_buf)),
            _ => (ConfigFile::default(), None),
        },
    };
    let flags = ConfigFile {
        db: global.db.clone(),
        member: global.member.clone(),
        color: global.color,
        stale_after_days: None,
    };
    let stale_after_days = match env_text("SSI_STALE_AFTER_DAYS") {
        Some(text) => Some(text.trim().parse::<u32>().map_err(|_| {
            anyhow!(
                "SSI_STALE_AFTER_DAYS={text:?} is not a number of days; set it as a whole number, e.g. 14"
            )
        })?),
        None => None,
    };
    let environment = ConfigFile {
        db: env_var("SSI_DB").map(PathBuf::from),
        member: env_text("SSI_MEMBER"),
        color: None,
        stale_after_days,
    };
    Ok(layer(flags, environment, file, folder.as_deref()))
}

/// Lays the flags over the environment over the file, then the defaults.
fn layer(
    flags: ConfigFile,
    environment: ConfigFile,
    file: ConfigFile,
    file_folder: Option<&Path>,
) -> Settings {
    let file_db = file.db.map(|db| resolve_file_path(&db, file_folder));
    let member =
        [flags.member, environment.member, file.member].into_iter().flatten().find(|m| !m.trim().is_empty());
    Settings {
        db: flags.db.filter(|p| !p.as_os_str().is_empty()).or(environment.db).or(file_db),
        member,
        color: flags.color.or(environment.color).or(file.color).unwrap_or_default(),
        stale_after_days: environment
            .stale_after_days
            .or(file.stale_after_days)
            .unwrap_or(ssi_core::freshness::DEFAULT_STALE_AFTER_DAYS),
    }
}

/// A path written in the config file: `~/` means the home directory, and a
/// relative path is relative to the file's own folder, not to wherever ssi runs.
fn resolve_file_path(path: &Path, file_folder: Option<&Path>) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(dirs) = directories::BaseDirs::new()
    {
        return dirs.home_dir().join(rest);
    }
    match file_folder {
        Some(folder) if path.is_relative() => folder.join(path),
        _ => path.to_path_buf(),
    }
}

fn read_config(path: &Path) -> Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    parse_config(&text).map_err(|problem| {
        anyhow!(
            "config file {}{problem}; fix or remove that line (keys: db, member, color, stale_after_days)",
            path.display()
        )
    })
}

/// Parses the config text; the error says on which line and what is wrong, in one line.
fn parse_config(text: &str) -> Result<ConfigFile, String> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let message = e.message().trim().replace('\n', " ");
        match line {
            Some(line) => format!(", line {line}: {message}"),
            None => format!(": {message}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_wins_over_the_file_which_wins_over_defaults() {
        let file = ConfigFile {
            db: Some(PathBuf::from("/data/file.db")),
            member: Some("File Member".into()),
            color: Some(ColorChoice::Never),
            stale_after_days: Some(30),
        };
        let flags = ConfigFile { db: Some(PathBuf::from("/flag.db")), ..ConfigFile::default() };
        let environment = ConfigFile {
            db: Some(PathBuf::from("/env.db")),
            member: Some("Env Member".into()),
            stale_after_days: Some(7),
            ..ConfigFile::default()
        };
        let settings = layer(flags, environment, file, Some(Path::new("/etc/ssi")));
        assert_eq!(settings.db, Some(PathBuf::from("/flag.db")));
        assert_eq!(settings.member.as_deref(), Some("Env Member"));
        assert_eq!(settings.color, ColorChoice::Never);
        assert_eq!(settings.stale_after_days, 7);

        let file = ConfigFile { member: Some("File Member".into()), ..ConfigFile::default() };
        let settings = layer(ConfigFile::default(), ConfigFile::default(), file, None);
        assert_eq!(settings.member.as_deref(), Some("File Member"));

        let defaults = layer(ConfigFile::default(), ConfigFile::default(), ConfigFile::default(), None);
        assert_eq!(
            defaults,
            Settings { db: None, member: None, color: ColorChoice::Auto, stale_after_days: 14 }
        );
    }

    #[test]
    fn a_relative_database_path_in_the_file_is_taken_from_the_file_folder() {
        let file = ConfigFile { db: Some(PathBuf::from("data/ssi.db")), ..ConfigFile::default() };
        let settings = layer(
            ConfigFile::default(),
            ConfigFile::default(),
            file,
            Some(Path::new("/home/ada/.config/ssi")),
        );
        assert_eq!(settings.db, Some(PathBuf::from("/home/ada/.config/ssi/data/ssi.db")));
    }

    #[test]
    fn config_errors_name_the_line_and_the_problem_on_one_line() {
        let text = "db = \"x.db\"\n\ncolour = \"never\"\n";
        let error = parse_config(text).unwrap_err();
        assert!(error.starts_with(", line 3: "), "{error}");
        assert!(error.contains("colour"), "{error}");
        assert!(!error.contains('\n'));

        let bad_color = parse_config("color = \"sometimes\"").unwrap_err();
        assert!(bad_color.contains("line 1"), "{bad_color}");

        let ok = parse_config("member = \"Ada Lovelace\"\ncolor = \"never\"").unwrap();
        assert_eq!(ok.member.as_deref(), Some("Ada Lovelace"));
        assert_eq!(ok.color, Some(ColorChoice::Never));
    }
}
