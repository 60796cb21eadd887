//! The command line: `vitrina serve | migrate | store | staff | demo`.
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use domain::{Actor, Role, StoreId, UserId};
use migration::{Migrator, MigratorTrait};

use crate::settings::Settings;
use crate::{App, Part, telemetry};

#[derive(Parser, Debug)]
#[command(
    name = "vitrina",
    version,
    about = "Sell through Telegram: shop bot, backoffice and workers"
)]
pub struct Cli {
    /// Folder with default.toml and the optional local.toml.
    #[arg(
        long,
        global = true,
        default_value = "config",
        env = "VITRINA_CONFIG_DIR"
    )]
    pub config: PathBuf,
    /// Log JSON lines instead of human-readable text.
    #[arg(long, global = true)]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the app (bot, web and worker by default).
    Serve {
        /// Run only these parts (repeatable).
        #[arg(long, value_enum)]
        only: Vec<Part>,
    },
    /// Database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Stores.
    Store {
        #[command(subcommand)]
        action: StoreAction,
    },
    /// Staff roles.
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Demo data.
    Demo {
        #[command(subcommand)]
        action: DemoAction,
    },
}

#[derive(Subcommand, Debug)]
pub enum MigrateAction {
    /// Apply all pending migrations.
    Up,
    /// Roll back the last migrations.
    Down {
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
    /// Drop everything and apply all migrations again. Destroys all data.
    Fresh {
        /// Confirm that all data may be destroyed.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum StoreAction {
    /// Create a store.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// ISO 4217 code, e.g. UAH, EUR, USD.
        #[arg(long)]
        currency: String,
        /// Shown to customers after checkout.
        #[arg(long, default_value = "")]
        payment_instructions: String,
        /// Unpaid orders are cancelled after this many minutes.
        #[arg(long, default_value_t = 1440)]
        deadline_minutes: i32,
    },
    /// List stores.
    List,
}

#[derive(Subcommand, Debug)]
pub enum StaffAction {
    /// Give a Telegram user a role (owner is platform-wide; admin and vendor need --store).
    Grant {
        #[arg(long)]
        telegram_id: i64,
        #[arg(long)]
        role: String,
        #[arg(long)]
        store: Option<String>,
    },
    /// Take a role away.
    Revoke {
        #[arg(long)]
        telegram_id: i64,
        #[arg(long)]
        store: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum DemoAction {
    /// Create a demo store with products (does nothing if it exists).
    Seed,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(&cli.config)?;
    telemetry::init(&settings.log, cli.log_json);
    tracing::debug!(?settings, "settings loaded");
    let mut app = App::build(settings).await?;
    match cli.command {
        Command::Serve { only } => {
            let parts = if only.is_empty() {
                vec![Part::Bot, Part::Web, Part::Worker]
            } else {
                only
            };
            app.serve(&parts).await
        }
        Command::Migrate { action } => migrate(&app, action).await,
        command => {
            app.prepare_schema().await?;
            admin(&app, command).await
        }
    }
}

async fn migrate(app: &App, action: MigrateAction) -> anyhow::Result<()> {
    let db = &app.ctx.db;
    match action {
        MigrateAction::Up => Migrator::up(db, None).await?,
        MigrateAction::Down { steps } => Migrator::down(db, Some(steps)).await?,
        MigrateAction::Fresh { yes: false } => {
            anyhow::bail!("`migrate fresh` destroys all data: add --yes to confirm")
        }
        MigrateAction::Fresh { yes: true } => Migrator::fresh(db).await?,
        MigrateAction::Status => {}
    }
    for m in Migrator::get_migration_with_status(db).await? {
        println!("{:<40} {:?}", m.name(), m.status());
    }
    Ok(())
}

async fn store_id(app: &App, slug: Option<&str>) -> anyhow::Result<Option<StoreId>> {
    match slug {
        None => Ok(None),
        Some(slug) => {
            let store = domain::stores::by_slug(&app.ctx.db, slug)
                .await
                .with_context(|| format!("store {slug:?}"))?;
            Ok(Some(StoreId(store.id)))
        }
    }
}

async fn user_by_telegram(app: &App, telegram_id: i64) -> anyhow::Result<UserId> {
    let profile = domain::people::users::TelegramProfile {
        telegram_id,
        ..Default::default()
    };
    let user = match domain::people::users::by_telegram_id(&app.ctx.db, telegram_id).await? {
        Some(u) => u,
        // Not met by the bot yet: the profile fills in on their first message.
        None => domain::people::users::upsert(&app.ctx.db, app.ctx.now(), &profile).await?,
    };
    Ok(UserId(user.id))
}

async fn admin(app: &App, command: Command) -> anyhow::Result<()> {
    let ctx = &app.ctx;
    let op = Actor::operator();
    match command {
        Command::Store {
            action:
                StoreAction::Create {
                    slug,
                    name,
                    currency,
                    payment_instructions,
                    deadline_minutes,
                },
        } => {
            let new = domain::stores::NewStore {
                slug,
                name,
                currency,
                payment_instructions,
                unpaid_deadline_minutes: deadline_minutes,
            };
            let s = domain::stores::create(ctx, &op, new).await?;
            println!(
                "created store {} ({}) id {} currency {}",
                s.slug, s.name, s.id, s.currency
            );
        }
        Command::Store {
            action: StoreAction::List,
        } => {
            for s in domain::stores::list(&ctx.db).await? {
                println!("{:<6} {:<24} {:<4} {}", s.id, s.slug, s.currency, s.name);
            }
        }
        Command::Staff {
            action:
                StaffAction::Grant {
                    telegram_id,
                    role,
                    store,
                },
        } => {
            let role = Role::parse(&role)?;
            let store = store_id(app, store.as_deref()).await?;
            let user = user_by_telegram(app, telegram_id).await?;
            domain::people::staff::grant(ctx, &op, user, role, store).await?;
            println!("granted {role} to Telegram user {telegram_id}");
        }
        Command::Staff {
            action: StaffAction::Revoke { telegram_id, store },
        } => {
            let store = store_id(app, store.as_deref()).await?;
            let user = user_by_telegram(app, telegram_id).await?;
            domain::people::staff::revoke(ctx, &op, user, store).await?;
            println!("revoked the role of Telegram user {telegram_id}");
        }
        Command::Demo {
            action: DemoAction::Seed,
        } => {
            let (store, created) = domain::operations::demo::seed(ctx).await?;
            let verb = if created { "created" } else { "already there:" };
            println!("{verb} demo store {} (id {})", store.slug, store.id);
        }
        Command::Serve { .. } | Command::Migrate { .. } => {}
    }
    Ok(())
}
