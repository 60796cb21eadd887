//! Event latency, end to end: the app wired as in production (bot, web and worker parts, from
//! `Settings`), an SSE client logged in as staff on the backoffice's `/events`, and customers
//! sending a ~2 MP JPEG receipt as a Telegram photo through the fake Bot API. Timed from the
//! update being queued in the fake API to the SSE client reading the order's `receipt` event,
//! split at the event's outbox timestamp (the handler committed the receipt; wall clock) and at
//! its arrival on this process's bus (the worker's relay published it).
//!
//! `cargo run --release -p bench --bin event_latency -- --iterations 50 --bus memory`
//! (`DATABASE_URL` picks the database, as in the tests; SQLite in a temp dir when unset)
use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use bench::app::Shop;
use bench::sse::SseClient;
use bench::{Samples, XorShift, numbered_jpeg, photo_jpeg};
use chrono::Utc;
use clap::Parser;
use domain::platform::events::DomainEvent;
use tokio::sync::mpsc;
use vitrina::Part;
use vitrina::settings::BusKind;

#[derive(Parser, Debug)]
struct Args {
    /// Untimed receipts first.
    #[arg(long, default_value_t = 3)]
    warmup: usize,
    /// Timed receipts (one customer and order each).
    #[arg(long, default_value_t = 50)]
    iterations: usize,
    /// The event bus: memory (one process) or redis (`REDIS_URL`, default 127.0.0.1:6379).
    #[arg(long, value_enum, default_value_t = Bus::Memory)]
    bus: Bus,
    #[arg(long, default_value_t = 1600)]
    width: u32,
    #[arg(long, default_value_t = 1200)]
    height: u32,
    #[arg(long, default_value_t = 80)]
    quality: u8,
    /// Give up on one receipt's event after this many seconds.
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Bus {
    Memory,
    Redis,
}

const FIRST_CUSTOMER: i64 = 60_000;
/// The worker relays the outbox every 500 ms; receipts are sent at a pseudo-random point of that
/// cycle, not right after a relay pass, so the wait for the next pass is sampled fairly.
const RELAY_PERIOD_MS: u64 = 500;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bus = match args.bus {
        Bus::Memory => BusKind::Memory,
        Bus::Redis => BusKind::Redis,
    };
    let shop = Shop::start(&[Part::Bot, Part::Web, Part::Worker], bus).await?;
    let backend = format!("{:?}", shop.app.ctx.db.get_database_backend());
    let cookies = shop.staff_cookies().await?;
    let mut sse = SseClient::connect(shop.addr, &cookies).await?;

    // When each receipt's event reached this process's bus: order id -> instant.
    let (bus_tx, mut bus_rx) = mpsc::unbounded_channel();
    let mut events = shop.app.ctx.bus.subscribe();
    tokio::spawn(async move {
        while let Ok(p) = events.recv().await {
            if let DomainEvent::ReceiptAttached { order_id, .. } = p.event {
                let _ = bus_tx.send((order_id.0, Instant::now(), p.at));
            }
        }
    });

    let jpeg = photo_jpeg(args.width, args.height, args.quality)?;
    println!(
        "{backend}, bus {:?}: receipts are {}x{} JPEGs of {:.2} MiB sent as Telegram photos",
        args.bus,
        args.width,
        args.height,
        jpeg.len() as f64 / (1024.0 * 1024.0)
    );
    let mut rng = XorShift::new(7);
    let mut total = Samples::with_capacity(args.iterations);
    let mut handled = Samples::with_capacity(args.iterations);
    let mut relayed = Samples::with_capacity(args.iterations);
    let mut delivered = Samples::with_capacity(args.iterations);
    let mut on_bus = HashMap::new();
    let limit = Duration::from_secs(args.timeout_secs);
    for i in 0..args.warmup + args.iterations {
        let user = FIRST_CUSTOMER + i as i64;
        let order = shop.customer_with_order(user).await;
        // The order's own event first, so it is not in the way of the one measured.
        let wanted = format!("\"order_id\":{order},");
        tokio::time::timeout(limit, wait_for(&mut sse, "order", &wanted))
            .await
            .context("the order's event")??;
        tokio::time::sleep(Duration::from_millis(rng.next_u64() % RELAY_PERIOD_MS)).await;

        let bytes = numbered_jpeg(&jpeg, i as u64);
        let (t0, wall0) = (Instant::now(), Utc::now());
        shop.send_photo(user, bytes, args.width, args.height);
        tokio::time::timeout(limit, wait_for(&mut sse, "receipt", &wanted))
            .await
            .with_context(|| format!("no receipt event for order {order} in {limit:?}"))??;
        let arrived = Instant::now();
        if i < args.warmup {
            continue;
        }
        total.push(arrived - t0);
        // The listener task above may not have run yet: wait for its report.
        let (bus_at, stamped) = loop {
            if let Some(seen) = on_bus.get(&order) {
                break *seen;
            }
            let (id, at, stamped) = tokio::time::timeout(limit, bus_rx.recv())
                .await
                .ok()
                .flatten()
                .context("the event was not seen on the bus")?;
            on_bus.insert(id, (at, stamped));
        };
        // The outbox timestamp is wall-clock time, written in the handler's transaction.
        let attached = (stamped - wall0)
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(bus_at.saturating_duration_since(t0));
        handled.push(attached);
        relayed.push(
            bus_at
                .saturating_duration_since(t0)
                .saturating_sub(attached),
        );
        delivered.push(arrived.saturating_duration_since(bus_at));
    }
    println!("{}", total.summary("update queued -> SSE event"));
    println!("{}", handled.summary("  queued -> receipt attached"));
    println!("{}", relayed.summary("  attached -> on the bus (relay)"));
    println!("{}", delivered.summary("  bus -> SSE client"));
    drop(sse);
    shop.stop().await;
    Ok(())
}

/// Reads events until one named `name` whose data contains `needle`.
async fn wait_for(sse: &mut SseClient, name: &str, needle: &str) -> anyhow::Result<()> {
    loop {
        let event = sse.next_event().await?;
        if event.name == name && event.data.contains(needle) {
            return Ok(());
        }
    }
}
