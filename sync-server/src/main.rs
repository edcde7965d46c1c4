use std::io::BufRead;

use clap::Parser;
use sync_server::accounts::{self, NewScopes, NewUser};
use sync_server::config::{
    Cli, Command, Database, DbArgs, DeviceCommand, LogFormat, ServeArgs, UserCommand,
};
use sync_server::import;
use sync_server::store::Store;

/// jemalloc, not the system's malloc: memory freed when idle documents are evicted goes
/// back to the system instead of staying with the process (`BENCHMARKS.md`, P3).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    match cli.command {
        Command::Serve(args) => serve(&args).await,
        Command::User(command) => user(command).await,
        Command::Device(command) => device(command).await,
        Command::Import { db, file, dry_run } => import(&db, &file, dry_run).await,
        Command::Openapi => {
            let document = sync_server::api::openapi::document();
            println!("{}", serde_json::to_string_pretty(&document)?);
            Ok(())
        }
        Command::Backup { db, to } => {
            if let Database::SqliteIn(dir) = db.database() {
                let file = dir.join("estate.sqlite3");
                anyhow::ensure!(
                    file.exists(),
                    "no database at {}; check --data",
                    file.display()
                );
            }
            let store = open(&db).await?;
            store.backup(&to).await?;
            println!("backed up to {}", to.display());
            Ok(())
        }
    }
}

async fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let mut running = sync_server::start(args).await?;
    // Tests and scripts wait for this exact line.
    println!("listening on http://{}", running.addr);
    tokio::select! {
        () = wait_for_signal() => {
            tracing::info!("stopping");
            running.stop().await
        }
        failure = running.failed() => Err(failure),
    }
}

async fn open(db: &DbArgs) -> anyhow::Result<Store> {
    Ok(Store::open(&db.database()).await?)
}

async fn user(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            db,
            username,
            name,
            scopes,
        } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let store = open(&db).await?;
            let user = NewUser {
                id: username,
                name,
                role: scopes.role,
                areas: scopes.areas,
                projects: scopes.projects,
            };
            accounts::add_user(store.pool(), &user, password, sync_server::now_ms()).await?;
            println!("added {} ({})", user.id, user.role.label_zh());
        }
        UserCommand::Assign {
            db,
            username,
            scopes,
        } => {
            let store = open(&db).await?;
            let scopes = NewScopes {
                id: username,
                role: scopes.role,
                areas: scopes.areas,
                projects: scopes.projects,
            };
            accounts::assign(store.pool(), &scopes).await?;
            println!(
                "{} is now {}; open connections resume under it within 10 s",
                scopes.id,
                scopes.role.label_zh()
            );
        }
        UserCommand::List { db } => {
            let store = open(&db).await?;
            for user in accounts::users(store.pool()).await? {
                println!("{}", serde_json::to_string(&user)?);
            }
        }
    }
    Ok(())
}

async fn import(db: &DbArgs, file: &std::path::Path, dry_run: bool) -> anyhow::Result<()> {
    let store = open(db).await?;
    let report = import::import_units(&store, file, dry_run, sync_server::now_ms()).await?;
    for rejected in &report.rejected {
        println!("第 {} 行未导入：{}", rejected.line, rejected.reason);
    }
    if !report.skipped.is_empty() {
        println!("已在档、跳过 {} 行", report.skipped.len());
    }
    let verb = if dry_run { "可导入" } else { "已导入" };
    println!(
        "{verb} {} 户，未导入 {} 行",
        report.imported,
        report.rejected.len()
    );
    Ok(())
}

async fn device(command: DeviceCommand) -> anyhow::Result<()> {
    match command {
        DeviceCommand::List { db, user } => {
            let store = open(&db).await?;
            for d in accounts::devices(store.pool(), user.as_deref()).await? {
                println!("{}", serde_json::to_string(&d)?);
            }
        }
        DeviceCommand::Revoke { db, device } => {
            let store = open(&db).await?;
            if !accounts::revoke_device(store.pool(), &device, sync_server::now_ms()).await? {
                anyhow::bail!("no device {device:?} that is still signed in");
            }
            println!("revoked {device}");
        }
    }
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
