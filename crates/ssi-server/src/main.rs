//! The `ssi-server` binary: `serve` runs the team server; `migrate` applies pending schema
//! migrations and exits; `token create|list|revoke` manages API tokens offline, directly in
//! the database (SQLite or PostgreSQL); `migrate-from-sqlite` moves a single-node server's
//! SQLite database into PostgreSQL.

use anyhow::Context;
use clap::{Parser, Subcommand};
use ssi_server::{CONFIG_ENV, Config, DatabaseUrl, LogFormat, Overrides};
use ssi_store::pg::PgStore;
use ssi_store::{MemberId, Role, Store, TeamId, TokenId};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// The ssi team server.
#[derive(Debug, Parser)]
#[command(name = "ssi-server", version, about, long_about = None)]
struct Cli {
    /// TOML configuration file (also SSI_CONFIG). Precedence: flags, then SSI_* variables,
    /// then this file, then defaults.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

// Parsed once at start-up: the size of the configuration flags does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(Overrides),
    /// Apply pending schema migrations to the database and exit (replicas started
    /// together never race: PostgreSQL migrations run under an advisory lock).
    Migrate {
        /// An SQLite file or a postgres:// URL (else from the configuration).
        #[arg(long)]
        database: Option<DatabaseUrl>,
    },
    /// Manage API tokens offline (the server may be running).
    Token {
        /// An SQLite file or a postgres:// URL (else from the configuration).
        #[arg(long)]
        database: Option<DatabaseUrl>,
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Copy a single-node server's SQLite database into a fresh PostgreSQL database, in
    /// one transaction, verified by row counts and a sample of scores (docs/deploy.md).
    MigrateFromSqlite {
        /// The SQLite database file (the server may keep running: it is read in one snapshot).
        file: PathBuf,
        /// The PostgreSQL database to fill, e.g. postgres://user:password@host:5432/ssi;
        /// migrated first, and refused unless it holds no data.
        #[arg(long, value_name = "URL")]
        database: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenAction {
    /// Create a token and print its secret once.
    Create {
        /// admin, manager or member.
        #[arg(long)]
        role: Role,
        /// The team of a manager token.
        #[arg(long)]
        team: Option<i64>,
        /// The member of a member token.
        #[arg(long)]
        member: Option<i64>,
        /// A label to recognise it by.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token.
    Revoke {
        /// The token's id (from `token list`).
        id: i64,
    },
}

fn load_config(file: Option<PathBuf>, flags: Overrides) -> anyhow::Result<Config> {
    let file = file.or_else(|| std::env::var_os(CONFIG_ENV).map(PathBuf::from));
    let from_file = match &file {
        Some(path) => Overrides::from_toml_file(path)?,
        None => Overrides::default(),
    };
    let from_env = Overrides::from_env(std::env::vars())?;
    Ok(Config::resolve(flags, from_env, from_file)?)
}

fn init_logging(format: LogFormat, default_level: &str) {
    let filter = EnvFilter::try_from_env("SSI_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new(default_level));
    // axum's accept loop names the client's address at trace level, and tokio-postgres
    // logs every statement's parameters (names, token hashes, stored rows) at debug level;
    // neither is ever recorded, so those targets stay quiet whatever the filter asks. The
    // database's own notices ("relation … already exists, skipping") are tokio-postgres's
    // info lines: noise in a command's one-line error, so it speaks from warn up.
    let filter = ["axum::serve=off", "tokio_postgres=warn"].into_iter().fold(filter, |filter, quiet| {
        match quiet.parse() {
            Ok(directive) => filter.add_directive(directive),
            Err(_) => filter,
        }
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn token_command(database: &DatabaseUrl, action: TokenAction) -> anyhow::Result<()> {
    let store = database.open(1)?;
    match action {
        TokenAction::Create { role, team, member, label } => {
            let (secret, info) = store.create_token(role, member.map(MemberId), team.map(TeamId), &label)?;
            eprintln!("Created {} token {} — the secret is shown once:", info.role, info.id);
            println!("{secret}");
        }
        TokenAction::List => {
            println!(
                "{:>5}  {:<8}  {:>6}  {:>6}  {:<20}  {:<10}  label",
                "id", "role", "team", "member", "created", "state"
            );
            for token in store.list_tokens()? {
                let show = |v: Option<i64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
                println!(
                    "{:>5}  {:<8}  {:>6}  {:>6}  {:<20}  {:<10}  {}",
                    token.id.0,
                    token.role.as_str(),
                    show(token.team.map(|t| t.0)),
                    show(token.member.map(|m| m.0)),
                    token.created.format("%Y-%m-%d %H:%M"),
                    if token.revoked.is_some() { "revoked" } else { "active" },
                    token.label
                );
            }
        }
        TokenAction::Revoke { id } => {
            let info = store.revoke_token(TokenId(id))?;
            println!("revoked token {} ({})", info.id, info.role);
        }
    }
    Ok(())
}

/// `migrate-from-sqlite`: copies `file` into the PostgreSQL database at `url` and prints
/// what was copied and verified. No message names the URL: its password stays unprinted.
fn migrate_from_sqlite(file: &Path, url: &str) -> anyhow::Result<()> {
    anyhow::ensure!(file.is_file(), "{}: no such SQLite database", file.display());
    let source = Store::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let target = PgStore::connect(url, 2).context("cannot connect to the PostgreSQL database")?;
    target.migrate().context("cannot migrate the PostgreSQL database")?;
    let on = chrono::Utc::now().date_naive();
    let report = target
        .copy_from_sqlite(&source, on)
        .with_context(|| format!("nothing was copied from {}", file.display()))?;
    println!("Copied {} to PostgreSQL in {:.2} s:", file.display(), report.elapsed.as_secs_f64());
    for table in &report.tables {
        println!("  {:<20} {:>10}", table.table, table.rows);
    }
    println!(
        "Verified: the row count of every table, {} teams' leaderboards on {}, and the latest score \
         and history of {} members are the same on both.",
        report.teams_compared, report.compared_on, report.members_sampled
    );
    Ok(())
}

/// `text` with the password of the PostgreSQL URL `url` (if it has one) masked.
fn without_password(text: &str, url: &str) -> String {
    let authority = url.split_once("://").map_or("", |(_, rest)| rest.split('/').next().unwrap_or(""));
    let password = authority.rsplit_once('@').and_then(|(user, _)| user.split_once(':')).map(|(_, p)| p);
    match password {
        Some(password) if !password.is_empty() => text.replace(password, "***"),
        _ => text.to_string(),
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(flags) => {
            let config = load_config(cli.config, flags)?;
            init_logging(config.log_format, "info");
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(ssi_server::serve(config))
        }
        Command::Token { database, action } => {
            let flags = Overrides { database, ..Overrides::default() };
            let config = load_config(cli.config, flags)?;
            init_logging(config.log_format, "warn");
            token_command(&config.database, action)
        }
        Command::Migrate { database } => {
            let flags = Overrides { database, ..Overrides::default() };
            let config = load_config(cli.config, flags)?;
            init_logging(config.log_format, "warn");
            let version = config.database.migrate()?;
            println!("{} is at schema version {version}", config.database);
            Ok(())
        }
        Command::MigrateFromSqlite { file, database } => {
            init_logging(LogFormat::Text, "warn");
            migrate_from_sqlite(&file, &database)
                .map_err(|error| anyhow::anyhow!(without_password(&format!("{error:#}"), &database)))
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ssi-server: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn a_urls_password_is_masked_wherever_a_message_quotes_it() {
        let url = "postgres://ssi:s3cr%3Et@db.internal:5432/ssi";
        assert_eq!(
            without_password("cannot connect to postgres://ssi:s3cr%3Et@db.internal (s3cr%3Et)", url),
            "cannot connect to postgres://ssi:***@db.internal (***)"
        );
        assert_eq!(without_password("refused", "postgres://ssi@db.internal/ssi"), "refused");
        assert_eq!(without_password("a:b", "host=db user=ssi"), "a:b");
    }
}
