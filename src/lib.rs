//! The Vitrina application: settings and wiring. The binary (`main.rs`) only parses the CLI.
pub mod cli;
pub mod settings;
pub mod telegram;
pub mod telemetry;
pub mod web;

use std::net::SocketAddr;

use anyhow::Context;
use domain::Ctx;
use migration::{Migrator, MigratorTrait};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use settings::Settings;

/// What `serve` runs; all of them by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    Bot,
    Web,
    Worker,
}

/// The application, wired from settings.
pub struct App {
    pub settings: Settings,
    pub ctx: Ctx,
}

impl App {
    /// Connects to the database (creating the SQLite file's folder if needed).
    pub async fn build(settings: Settings) -> anyhow::Result<App> {
        let url = settings.database_url();
        if url.is_sqlite() {
            std::fs::create_dir_all(&settings.data_dir)
                .with_context(|| format!("creating {}", settings.data_dir.display()))?;
        }
        let db = domain::db::connect(url.expose(), settings.database.max_connections)
            .await
            .with_context(|| format!("connecting to {url:?}"))?;
        Ok(App {
            ctx: Ctx::local(db),
            settings,
        })
    }

    /// Applies pending migrations where configured; otherwise refuses to run on a schema that
    /// is behind.
    pub async fn prepare_schema(&self) -> anyhow::Result<()> {
        let pending = Migrator::get_pending_migrations(&self.ctx.db).await?;
        if pending.is_empty() {
            return Ok(());
        }
        if self.settings.auto_migrate() {
            tracing::info!(count = pending.len(), "applying pending migrations");
            Migrator::up(&self.ctx.db, None).await?;
            Ok(())
        } else {
            anyhow::bail!(
                "{} migration(s) pending: run `vitrina migrate up` first (or set database.auto_migrate = true)",
                pending.len()
            )
        }
    }

    /// Runs the chosen roles until Ctrl-C.
    pub async fn serve(self, roles: &[Role]) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let started = self.start(roles, stop_rx).await?;
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
        started.join().await;
        Ok(())
    }

    /// Prepares the schema and starts the chosen roles in the background; they stop when
    /// `stop` turns true (then [`Started::join`] waits for them).
    pub async fn start(
        &self,
        roles: &[Role],
        stop: watch::Receiver<bool>,
    ) -> anyhow::Result<Started> {
        self.prepare_schema().await?;
        self.settings.jwt_secret()?;
        let owner = format!("{}-{}", hostname(), uuid_like());
        let mut tasks = Vec::new();
        let mut web_addr = None;
        if roles.contains(&Role::Worker) {
            tracing::info!(%owner, "worker started: outbox relay and jobs");
            tasks.push(tokio::spawn(domain::worker::run(
                self.ctx.clone(),
                owner.clone(),
                stop.clone(),
            )));
        }
        if roles.contains(&Role::Bot) {
            tasks.extend(telegram::start(self, &owner, stop.clone()).await?);
        }
        if roles.contains(&Role::Web) {
            let (addr, task) = web::start(self, stop.clone()).await?;
            web_addr = Some(addr);
            tasks.push(task);
        }
        Ok(Started { tasks, web_addr })
    }
}

/// The roles [`App::start`] started.
pub struct Started {
    pub tasks: Vec<JoinHandle<()>>,
    /// Where the backoffice listens, when the web role runs.
    pub web_addr: Option<SocketAddr>,
}

impl Started {
    /// Waits for every role to end (after the stop signal).
    pub async fn join(self) {
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "vitrina".to_owned())
}

fn uuid_like() -> String {
    let bytes: [u8; 8] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
