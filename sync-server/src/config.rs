//! Command line and environment, in one place.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sync-server",
    version,
    about = "片区管家 sync server: stores every change, serves the app and the office"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app, the `/sync` WebSocket and the office API.
    Serve(ServeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the chosen one is printed).
    #[arg(long, env = "SYNC_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Data directory; the SQLite database `estate.sqlite3` lives inside unless
    /// `--database` names another.
    #[arg(long, env = "SYNC_DATA", default_value = "./data")]
    pub data: PathBuf,
    /// The database: `postgres://user@host:port/db` for PostgreSQL (several servers may
    /// share one), or `sqlite://path`. Default: SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database: Option<String>,
    /// The built app to serve at `/` (default: app/dist of this source tree).
    #[arg(long, env = "SYNC_APP_DIR")]
    pub app_dir: Option<PathBuf>,
    /// Load the demo estate (one project, two areas, 600 units) into an empty database.
    #[arg(long, env = "SYNC_DEMO")]
    pub demo: bool,
}

impl ServeArgs {
    /// Where the data lives.
    pub fn database(&self) -> Database {
        match &self.database {
            Some(url) => Database::Url(url.clone()),
            None => Database::SqliteIn(self.data.clone()),
        }
    }

    pub fn app_dir(&self) -> PathBuf {
        self.app_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/dist")))
    }
}

/// Which database to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// `estate.sqlite3` in this directory, created if missing.
    SqliteIn(PathBuf),
    /// A `postgres://` (or `postgresql://`) or `sqlite://` URL.
    Url(String),
}
