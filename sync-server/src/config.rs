//! Command line and environment, in one place.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use estate_core::records::people::StaffRole;

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
    /// Manage users: `user add` reads the password from stdin.
    #[command(subcommand)]
    User(UserCommand),
    /// List and revoke the devices users signed in on.
    #[command(subcommand)]
    Device(DeviceCommand),
}

/// Where the data lives: shared by every command.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Data directory; the SQLite database `estate.sqlite3` lives inside unless
    /// `--database` names another.
    #[arg(long, env = "SYNC_DATA", default_value = "./data")]
    pub data: PathBuf,
    /// The database: `postgres://user@host:port/db` for PostgreSQL (several servers may
    /// share one), or `sqlite://path`. Default: SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database: Option<String>,
}

impl DbArgs {
    pub fn database(&self) -> Database {
        match &self.database {
            Some(url) => Database::Url(url.clone()),
            None => Database::SqliteIn(self.data.clone()),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the chosen one is printed).
    #[arg(long, env = "SYNC_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub db: DbArgs,
    /// The built app to serve at `/` (default: app/dist of this source tree).
    #[arg(long, env = "SYNC_APP_DIR")]
    pub app_dir: Option<PathBuf>,
    /// Load the demo estate (one project, two areas, 600 units) into an empty database.
    #[arg(long, env = "SYNC_DEMO")]
    pub demo: bool,
    /// How long a device stays signed in, in days.
    #[arg(long, env = "SYNC_TOKEN_DAYS", default_value_t = 90)]
    pub token_days: u32,
    /// Seconds a document nobody is syncing stays in memory.
    #[arg(long, env = "SYNC_EVICT_AFTER_SECS", default_value_t = 30)]
    pub evict_after_secs: u32,
}

impl ServeArgs {
    /// Arguments for a server on `listen` over `db`, everything else by default.
    pub fn new(listen: SocketAddr, db: DbArgs) -> Self {
        Self {
            listen,
            db,
            app_dir: None,
            demo: false,
            token_days: 90,
            evict_after_secs: 30,
        }
    }

    pub fn app_dir(&self) -> PathBuf {
        self.app_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/dist")))
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Adds a user; the password is read from stdin (one line).
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// The sign-in name.
        username: String,
        /// The name shown to colleagues, e.g. 张敏.
        #[arg(long)]
        name: String,
        /// housekeeper, supervisor, office or admin.
        #[arg(long)]
        role: StaffRole,
        /// An area the user works in (housekeepers); repeat for several.
        #[arg(long = "area")]
        areas: Vec<String>,
        /// A project the user oversees (supervisors); repeat for several.
        #[arg(long = "project")]
        projects: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Lists the devices users signed in on (all, or one user's).
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        user: Option<String>,
    },
    /// Revokes a device (a lost phone): its token stops working at once.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        device: String,
    },
}

/// Which database to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// `estate.sqlite3` in this directory, created if missing.
    SqliteIn(PathBuf),
    /// A `postgres://` (or `postgresql://`) or `sqlite://` URL.
    Url(String),
}
