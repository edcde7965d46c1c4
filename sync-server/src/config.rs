//! Command line and environment, in one place.

use std::net::SocketAddr;
use std::num::NonZeroU32;
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
    /// Log lines as text for people or as JSON for a log collector.
    #[arg(long, global = true, env = "SYNC_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
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
    /// Imports units and their owners from a spreadsheet (CSV, XLSX, XLS or ODS).
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// The file; its first row names the columns: 房号 (code), 片区 (area), and
        /// optionally 状态 (status), 业主 (owner), 电话 (phone).
        file: PathBuf,
        /// Check every row and report, without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Copies a SQLite database to a file while the server runs (PostgreSQL: `pg_dump`).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The file to write; it must not exist yet.
        #[arg(long)]
        to: PathBuf,
    },
    /// Prints the API's OpenAPI document (what `GET /api/openapi.json` serves).
    Openapi,
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

const DEFAULT_MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;
/// A phone's documents are small; a whole-document message of one record inflates to far less.
const DEFAULT_MAX_INFLATED_BYTES: usize = 16 * 1024 * 1024;
/// A compressed phone photo is about 400 KB; a signature far less.
const DEFAULT_MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
const DEFAULT_MESSAGES_PER_SEC: NonZeroU32 = NonZeroU32::new(2_000).expect("non-zero");
const DEFAULT_MESSAGE_BURST: NonZeroU32 = NonZeroU32::new(50_000).expect("non-zero");

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
    /// The most documents held in memory at once (about 25 KB each); past it the least
    /// recently used quiet ones leave memory, phones following them or not.
    #[arg(long, env = "SYNC_MAX_RESIDENT_DOCS", default_value_t = 5_000)]
    pub max_resident_docs: usize,
    /// Largest WebSocket frame a phone may send, in bytes.
    #[arg(long, env = "SYNC_MAX_FRAME_BYTES", default_value_t = DEFAULT_MAX_FRAME_BYTES)]
    pub max_frame_bytes: usize,
    /// Most bytes a phone's compressed data in one message may inflate to.
    #[arg(long, env = "SYNC_MAX_INFLATED_BYTES", default_value_t = DEFAULT_MAX_INFLATED_BYTES)]
    pub max_inflated_bytes: usize,
    /// The largest photo or signature a phone may upload, in bytes.
    #[arg(long, env = "SYNC_MAX_ATTACHMENT_BYTES", default_value_t = DEFAULT_MAX_ATTACHMENT_BYTES)]
    pub max_attachment_bytes: usize,
    /// Messages per second one connection may send, sustained.
    #[arg(long, env = "SYNC_MESSAGES_PER_SEC", default_value_t = DEFAULT_MESSAGES_PER_SEC)]
    pub messages_per_sec: NonZeroU32,
    /// Messages one connection may send at once (a first sync sends one per document).
    #[arg(long, env = "SYNC_MESSAGE_BURST", default_value_t = DEFAULT_MESSAGE_BURST)]
    pub message_burst: NonZeroU32,
    /// Seconds a stopping server lets connected phones finish their exchange.
    #[arg(long, env = "SYNC_DRAIN_SECS", default_value_t = 10)]
    pub drain_secs: u32,
    /// Token a monitoring system presents (`Authorization: Bearer …`) to read `/metrics`
    /// from another machine; without one, `/metrics` answers loopback callers only.
    #[arg(long, env = "SYNC_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
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
            max_resident_docs: 5_000,
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
            max_inflated_bytes: DEFAULT_MAX_INFLATED_BYTES,
            max_attachment_bytes: DEFAULT_MAX_ATTACHMENT_BYTES,
            messages_per_sec: DEFAULT_MESSAGES_PER_SEC,
            message_burst: DEFAULT_MESSAGE_BURST,
            drain_secs: 10,
            metrics_token: None,
        }
    }

    pub fn app_dir(&self) -> PathBuf {
        self.app_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/dist")))
    }
}

/// A user's role and where they work: shared by `user add` and `user assign`.
#[derive(Debug, Clone, Args)]
pub struct ScopeArgs {
    /// housekeeper, supervisor, office or admin.
    #[arg(long)]
    pub role: StaffRole,
    /// An area the user works in (housekeepers); repeat for several.
    #[arg(long = "area")]
    pub areas: Vec<String>,
    /// A project the user oversees (supervisors); repeat for several.
    #[arg(long = "project")]
    pub projects: Vec<String>,
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
        #[command(flatten)]
        scopes: ScopeArgs,
    },
    /// Sets a user's role and the areas and projects they work in (replacing the old).
    Assign {
        #[command(flatten)]
        db: DbArgs,
        username: String,
        #[command(flatten)]
        scopes: ScopeArgs,
    },
    /// Lists users with their roles, areas and projects.
    List {
        #[command(flatten)]
        db: DbArgs,
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
