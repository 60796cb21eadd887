//! Orders list and verification queue at scale on PostgreSQL: seeds `--orders` orders (default
//! 1,000,000) into a database of its own with bulk `INSERT … SELECT generate_series` batches,
//! then times `domain::ordering::orders::queries::search` (the backoffice's order list, 50 a page) on the
//! first page and on deep pages reached through the keyset cursor, with and without a status
//! filter, and `queries::review_queue` (100 orders in review with their items, history and
//! receipts). The database is dropped at the end unless `--keep`.
//!
//! `cargo run --release -p bench --bin orders -- --orders 1000000`
use std::time::Instant;

use anyhow::{Context, bail};
use bench::Samples;
use chrono::{DateTime, Utc};
use clap::Parser;
use domain::catalog::products::{self, NewProduct};
use domain::kernel::policy::Role;
use domain::ordering::orders::queries::{self, Cursor, Filter};
use domain::ordering::orders::status::OrderStatus;
use domain::people::users::{self, TelegramProfile};
use domain::stores::{self, NewStore};
use domain::{Actor, Channel, Ctx, StoreId, UserId};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

#[derive(Parser, Debug)]
struct Args {
    /// A PostgreSQL server, through a database that exists (the bench database is created and
    /// dropped through it).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    admin_url: String,
    /// The bench database: created fresh (dropped first if it exists).
    #[arg(long, default_value = "vitrina_bench")]
    db_name: String,
    /// How many orders to seed.
    #[arg(long, default_value_t = 1_000_000)]
    orders: i64,
    /// Orders per INSERT statement.
    #[arg(long, default_value_t = 100_000)]
    batch: i64,
    /// Customers the orders are spread over.
    #[arg(long, default_value_t = 1_000)]
    customers: i64,
    /// Untimed queries before each measurement.
    #[arg(long, default_value_t = 5)]
    warmup: usize,
    /// Timed queries per measurement.
    #[arg(long, default_value_t = 50)]
    iterations: usize,
    /// Keep the database afterwards (to look at query plans).
    #[arg(long)]
    keep: bool,
}

/// The backoffice's order list page size and review queue length.
const PAGE: u64 = 50;
const QUEUE: u64 = 100;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !args
        .db_name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        bail!("--db-name must be letters, digits and underscores");
    }
    let admin = domain::kernel::db::connect(&args.admin_url, 1).await?;
    let name = &args.db_name;
    let drop = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
    exec(&admin, &drop).await?;
    exec(&admin, &format!(r#"CREATE DATABASE "{name}""#)).await?;
    let url = match args.admin_url.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => bail!("--admin-url must end in /<database>"),
    };

    let result = run(&args, &url).await;
    if args.keep {
        println!("kept database {name} ({url})");
    } else {
        exec(&admin, &drop).await?;
        println!("dropped database {name}");
    }
    result
}

async fn run(args: &Args, url: &str) -> anyhow::Result<()> {
    let db = domain::kernel::db::connect(url, 4).await?;
    Migrator::up(&db, None).await?;
    let ctx = Ctx::local(db.clone());
    let (store, admin) = seed(&ctx, args).await?;
    let actor = Actor::user(admin, Channel::Web);

    let mut report = Vec::new();
    for status in [None, Some(OrderStatus::Paid)] {
        let label = status.map_or("all", OrderStatus::as_str);
        let total = count(&db, store, status).await?;
        let mut depths = vec![0, 1_000, total / 10, total / 2, total - PAGE as i64 - 1];
        depths.retain(|d| (0..total).contains(d));
        depths.sort_unstable();
        depths.dedup();
        for depth in depths {
            let after = cursor_at_depth(&db, store, status, depth).await?;
            let filter = Filter {
                status,
                ..Filter::default()
            };
            let mut samples = Samples::with_capacity(args.iterations);
            for i in 0..args.warmup + args.iterations {
                let t = Instant::now();
                let page = queries::search(&db, &actor, store, &filter, after, PAGE).await?;
                if i >= args.warmup {
                    samples.push(t.elapsed());
                }
                if page.orders.is_empty() {
                    bail!("empty page at depth {depth} ({label})");
                }
            }
            report.push(samples.summary(&format!("list {label} ({total}), row {depth}")));
        }
    }
    let mut samples = Samples::with_capacity(args.iterations);
    for i in 0..args.warmup + args.iterations {
        let t = Instant::now();
        let queue = queries::review_queue(&db, &actor, store, QUEUE).await?;
        if i >= args.warmup {
            samples.push(t.elapsed());
        }
        if queue.len() as u64 != QUEUE {
            bail!("review queue has {} orders, expected {QUEUE}", queue.len());
        }
    }
    let in_review = count(&db, store, Some(OrderStatus::PaymentReview)).await?;
    report.push(samples.summary(&format!("review queue {QUEUE} of {in_review}")));

    println!(
        "page size {PAGE}; {} timed runs each after {} warm-up",
        args.iterations, args.warmup
    );
    for line in report {
        println!("{line}");
    }
    db.close().await?;
    Ok(())
}

/// A store, its admin, a product and customers through the real services; then the orders
/// (and, for orders in review, an item, a history row and a receipt each) in bulk SQL.
async fn seed(ctx: &Ctx, args: &Args) -> anyhow::Result<(StoreId, UserId)> {
    let started = Instant::now();
    let operator = Actor::operator();
    let store = stores::create(
        ctx,
        &operator,
        NewStore {
            slug: "bench".into(),
            name: "Bench".into(),
            currency: "UAH".into(),
            payment_instructions: "Card 4441 0000 1111 2222".into(),
            unpaid_deadline_minutes: 60,
        },
    )
    .await?;
    let store = StoreId(store.id);
    let product = products::create(
        ctx,
        &operator,
        store,
        NewProduct {
            sku: "MUG".into(),
            title: "Mug".into(),
            description: String::new(),
            price_minor: 25_000,
            on_hand: 1_000_000,
            low_stock_threshold: None,
        },
    )
    .await?;
    let admin = person(ctx, 1, "admin").await?;
    domain::people::staff::grant(ctx, &operator, admin, Role::Admin, Some(store)).await?;
    for i in 0..args.customers {
        person(ctx, 1_000 + i, &format!("customer{i}")).await?;
    }

    let mut done = 0;
    while done < args.orders {
        let hi = (done + args.batch).min(args.orders);
        // Every hundredth order is in review (10,000 of a million); the rest spread over the
        // other statuses as in a shop that has been running a while. One order per 30 s.
        let sql = format!(
            "WITH c AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE telegram_id >= 1000)
             INSERT INTO orders (store_id, number, customer_id, status, total_minor, currency,
                 delivery_name, delivery_phone, delivery_address, version, created_at, updated_at)
             SELECT {store}, g, c.ids[1 + (g % cardinality(c.ids))],
                 CASE WHEN g % 100 = 0 THEN 'payment_review'
                      WHEN g % 100 < 6 THEN 'awaiting_payment'
                      WHEN g % 100 < 10 THEN 'cancelled'
                      WHEN g % 100 < 60 THEN 'completed'
                      WHEN g % 100 < 80 THEN 'shipped'
                      ELSE 'paid' END,
                 25000 * (1 + g % 4), 'UAH', 'Olena', '+380671234567', 'Kyiv, Khreshchatyk 1', 0,
                 TIMESTAMPTZ '2025-01-01 00:00:00+00' + g * INTERVAL '30 seconds',
                 TIMESTAMPTZ '2025-01-01 00:00:00+00' + g * INTERVAL '30 seconds' + INTERVAL '1 hour'
             FROM generate_series({lo}, {hi}) AS g, c",
            store = store.0,
            lo = done + 1,
        );
        exec(&ctx.db, &sql).await?;
        done = hi;
        println!(
            "seeded {done} orders ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    let product = product.id;
    for sql in [
        format!(
            "INSERT INTO order_items (order_id, product_id, sku, title, unit_price_minor, quantity,
                 line_total_minor)
             SELECT id, {product}, 'MUG', 'Mug', total_minor, 1, total_minor
             FROM orders WHERE status = 'payment_review'"
        ),
        "INSERT INTO order_history (order_id, action, from_status, to_status, channel, created_at)
         SELECT id, 'receipt', 'awaiting_payment', 'payment_review', 'bot', updated_at
         FROM orders WHERE status = 'payment_review'"
            .to_owned(),
        "INSERT INTO receipts (order_id, store_id, uploaded_by, sha256, mime, size_bytes, status,
             created_at)
         SELECT id, store_id, customer_id, md5(id::text) || md5(id::text), 'image/jpeg', 2000000,
             'pending', updated_at
         FROM orders WHERE status = 'payment_review'"
            .to_owned(),
        "ANALYZE".to_owned(),
    ] {
        exec(&ctx.db, &sql).await?;
    }
    println!(
        "seeded {} orders in {:.1} s",
        args.orders,
        started.elapsed().as_secs_f64()
    );
    Ok((store, admin))
}

async fn person(ctx: &Ctx, telegram_id: i64, name: &str) -> anyhow::Result<UserId> {
    let p = TelegramProfile {
        telegram_id,
        username: Some(name.into()),
        first_name: name.into(),
        last_name: None,
        language: Some("en".into()),
    };
    Ok(UserId(users::upsert(&ctx.db, ctx.now(), &p).await?.id))
}

async fn exec(db: &DatabaseConnection, sql: &str) -> anyhow::Result<()> {
    db.execute_unprepared(sql)
        .await
        .with_context(|| format!("running {}", sql.lines().next().unwrap_or_default()))?;
    Ok(())
}

fn status_clause(status: Option<OrderStatus>) -> String {
    status.map_or(String::new(), |s| format!(" AND status = '{}'", s.as_str()))
}

async fn count(
    db: &DatabaseConnection,
    store: StoreId,
    status: Option<OrderStatus>,
) -> anyhow::Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM orders WHERE store_id = {}{}",
        store.0,
        status_clause(status)
    );
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
        .context("no count")?;
    Ok(row.try_get("", "n")?)
}

/// The cursor a reader paging through the list would hold after `depth` rows (none at 0).
async fn cursor_at_depth(
    db: &DatabaseConnection,
    store: StoreId,
    status: Option<OrderStatus>,
    depth: i64,
) -> anyhow::Result<Option<Cursor>> {
    if depth == 0 {
        return Ok(None);
    }
    let sql = format!(
        "SELECT created_at, id FROM orders WHERE store_id = {}{}
         ORDER BY created_at DESC, id DESC OFFSET {} LIMIT 1",
        store.0,
        status_clause(status),
        depth - 1
    );
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
        .context("no row at that depth")?;
    let created_at: DateTime<Utc> = row.try_get("", "created_at")?;
    Ok(Some(Cursor {
        created_at,
        id: row.try_get("", "id")?,
    }))
}
