use std::io::BufRead;

use clap::Parser;
use sync_server::accounts::{self, NewUser};
use sync_server::config::{Cli, Command, DbArgs, DeviceCommand, LogFormat, ServeArgs, UserCommand};
use sync_server::store::Store;

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
        Command::Backup { db, to } => {
            let store = open(&db).await?;
            store.backup(&to).await?;
            println!("backed up to {}", to.display());
            Ok(())
        }
    }
}

async fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let running = sync_server::start(args).await?;
    // Tests and scripts wait for this exact line.
    println!("listening on http://{}", running.addr);
    wait_for_signal().await;
    tracing::info!("stopping");
    running.stop().await
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
            role,
            areas,
            projects,
        } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let store = open(&db).await?;
            let user = NewUser {
                id: username,
                name,
                role,
                areas,
                projects,
            };
            accounts::add_user(store.pool(), &user, password, sync_server::now_ms()).await?;
            println!("added {} ({})", user.id, role.label_zh());
        }
    }
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
