//! The Vitrina application: settings and wiring. The binary (`main.rs`) only parses the CLI.
pub mod cli;
pub mod instance;
pub mod mail;
pub mod sandbox;
pub mod settings;
pub mod telegram;
pub mod telemetry;
pub mod web;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use domain::Ctx;
use domain::platform::events::bus::EventBus;
use domain::platform::events::local_bus::{LocalBus, LocalBusOptions};
use domain::platform::events::redis_bus::{RedisBus, RedisBusOptions};
use migration::{Migrator, MigratorTrait};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use sandbox::Sandbox;
use settings::{BusKind, Settings};

/// A part of Vitrina that a process runs (`serve --only`): the Telegram bot, the web
/// backoffice, the worker (outbox relay, jobs, email). All of them by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
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
        let db = domain::kernel::db::connect(url.expose(), settings.database.max_connections)
            .await
            .with_context(|| format!("connecting to {url:?}"))?;
        // The bus follows the outbox table: start it only on a current schema. On one that is
        // behind, a placeholder stands in until `prepare_schema` has migrated (or refused).
        let current = Migrator::get_pending_migrations(&db)
            .await
            .is_ok_and(|pending| pending.is_empty());
        let bus: Arc<dyn EventBus> = if current {
            event_bus(&settings, &db).await?
        } else {
            Arc::new(domain::platform::events::bus::InProcessBus::new(1))
        };
        Ok(App {
            ctx: Ctx::new(db, bus, Arc::new(domain::kernel::clock::SystemClock))
                .with_email(settings.email.enabled())
                .with_max_open_orders(settings.orders.max_open()),
            settings,
        })
    }

    /// Applies pending migrations where configured; otherwise refuses to run on a schema that
    /// is behind. After migrating, the event bus is started (it reads the outbox).
    pub async fn prepare_schema(&mut self) -> anyhow::Result<()> {
        let pending = Migrator::get_pending_migrations(&self.ctx.db).await?;
        if pending.is_empty() {
            return Ok(());
        }
        if self.settings.auto_migrate() {
            tracing::info!(count = pending.len(), "applying pending migrations");
            Migrator::up(&self.ctx.db, None).await?;
            self.ctx.bus = event_bus(&self.settings, &self.ctx.db).await?;
            Ok(())
        } else {
            anyhow::bail!(
                "{} migration(s) pending: run `vitrina migrate up` first (or set database.auto_migrate = true)",
                pending.len()
            )
        }
    }

    /// Runs the chosen parts until Ctrl-C.
    pub async fn serve(mut self, parts: &[Part]) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let started = self.start(parts, stop_rx).await?;
        // The last start-up line, in plain words: where to go now.
        println!("{}", started.greeting());
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
        started.join().await;
        Ok(())
    }

    /// Prepares the schema and starts the chosen parts in the background; they stop when
    /// `stop` turns true (then [`Started::join`] waits for them).
    pub async fn start(
        &mut self,
        parts: &[Part],
        stop: watch::Receiver<bool>,
    ) -> anyhow::Result<Started> {
        self.prepare_schema().await?;
        self.settings.jwt_secret()?;
        let sandbox = match sandbox::mode(&self.settings, parts)? {
            sandbox::Mode::Sandbox => Some(Sandbox::start(&self.ctx, &mut self.settings).await?),
            sandbox::Mode::Telegram => None,
        };
        let identity = instance::identity(&self.settings)?;
        let owner = identity.id.clone();
        let mut tasks = Vec::new();
        let mut web_addr = None;
        if parts.contains(&Part::Web)
            && !parts.contains(&Part::Worker)
            && self.settings.bus.kind == BusKind::Memory
        {
            tracing::warn!(
                "the web part runs without the worker and bus.kind = \"memory\": pages get no live updates; set bus.kind = \"redis\""
            );
        }
        if parts.contains(&Part::Worker) {
            tracing::info!(%owner, "worker started: outbox relay and jobs");
            tasks.push(tokio::spawn(domain::operations::worker::run(
                self.ctx.clone(),
                owner.clone(),
                self.settings.notifications.worker_options()?,
                stop.clone(),
            )));
        }
        if parts.contains(&Part::Worker)
            && let Some(mailer) = mail::Mailer::from_settings(&self.settings.email)?
        {
            tracing::info!(host = ?self.settings.email.smtp_host, "email notifications on");
            tasks.push(tokio::spawn(mail::run(
                mailer,
                self.ctx.clone(),
                owner.clone(),
                stop.clone(),
            )));
        }
        let mut webhook_route = None;
        let mut claim = None;
        if parts.contains(&Part::Bot) {
            let bot =
                telegram::start(self, &owner, stop.clone(), parts.contains(&Part::Web)).await?;
            tasks.extend(bot.tasks);
            webhook_route = bot.webhook_route;
            claim = bot.claim;
        }
        if parts.contains(&Part::Web) {
            let on_page = sandbox.as_ref().map(Sandbox::for_backoffice);
            let (addr, task) = web::start(self, webhook_route, on_page, stop.clone()).await?;
            web_addr = Some(addr);
            tasks.push(task);
        }
        Ok(Started {
            identity,
            tasks,
            web_addr,
            claim,
            sandbox,
        })
    }
}

/// The parts [`App::start`] started.
pub struct Started {
    /// Who this process is to its leases; held (with its lock) while the parts run.
    pub identity: instance::Identity,
    pub tasks: Vec<JoinHandle<()>>,
    /// Where the backoffice listens, when the web part runs.
    pub web_addr: Option<SocketAddr>,
    /// With no OWNER yet: the one-time link that makes whoever opens it in Telegram the owner.
    pub claim: Option<String>,
    /// In sandbox mode: the Telegram stand-in the bot talks to.
    pub sandbox: Option<Sandbox>,
}

impl Started {
    /// Where to go now, in plain words: the sandbox, the claim link, or the backoffice.
    pub fn greeting(&self) -> String {
        let web = self.web_addr.map(|a| format!("http://{}", browsable(a)));
        match (&self.sandbox, &self.claim, &web) {
            (Some(_), _, Some(web)) => format!(
                "Sandbox mode (no Telegram token): open {web}/sandbox to try Vitrina as its customers and staff."
            ),
            (_, Some(claim), _) => format!(
                "No owner yet: open {claim} in Telegram to become the owner{}.",
                web.map(|w| format!(", then log in at {w}"))
                    .unwrap_or_default()
            ),
            (_, None, Some(web)) => format!("Vitrina is running: the backoffice is at {web}."),
            (_, None, None) => "Vitrina is running.".to_owned(),
        }
    }
    /// Waits for every part to end (after the stop signal).
    pub async fn join(self) {
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// The in-process bus, or Redis when several instances share the database; both follow the
/// outbox.
async fn event_bus(
    settings: &Settings,
    db: &sea_orm::DatabaseConnection,
) -> anyhow::Result<Arc<dyn EventBus>> {
    let bus = &settings.bus;
    Ok(match bus.kind {
        BusKind::Memory => {
            let options = LocalBusOptions {
                poll: Duration::from_millis(bus.poll_ms.max(10)),
                ..LocalBusOptions::default()
            };
            Arc::new(LocalBus::start(db.clone(), options).await)
        }
        BusKind::Redis => {
            let options = RedisBusOptions {
                poll: Duration::from_millis(bus.poll_ms.max(10)),
                ..RedisBusOptions::new(bus.redis_url.expose(), bus.channel.as_str())
            };
            let redis = RedisBus::connect(db.clone(), options)
                .await
                .context("connecting to Redis (bus.redis_url)")?;
            tracing::info!(channel = %bus.channel, "event bus: Redis");
            Arc::new(redis)
        }
    })
}

/// An address a browser on this machine can open: `0.0.0.0` and `::` mean every interface,
/// loopback among them.
fn browsable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        }
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}
