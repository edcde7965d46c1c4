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
    /// Data directory; the SQLite database `estate.sqlite3` lives inside.
    #[arg(long, env = "SYNC_DATA", default_value = "./data")]
    pub data: PathBuf,
    /// The built app to serve at `/` (default: app/dist of this source tree).
    #[arg(long, env = "SYNC_APP_DIR")]
    pub app_dir: Option<PathBuf>,
    /// Load the demo estate (one project, two areas, 600 units) into an empty database.
    #[arg(long, env = "SYNC_DEMO")]
    pub demo: bool,
}

impl ServeArgs {
    pub fn app_dir(&self) -> PathBuf {
        self.app_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/dist")))
    }
}
