//! Telegram broadcast: one notification to each of `--customers` chats (default 1,000) through
//! the notifier's sending path — a `Bot` wrapped in teloxide's `Throttle` with the default limits,
//! built as the app builds it — against the fake Bot API enforcing Telegram's limits (30
//! messages/s overall, 1/s per chat, 429 otherwise). Prints the achieved rate and the 429s.
//!
//! With `--notifier` the messages are the real notifier's: each customer has an order cancelled
//! (one planned Telegram delivery each, in a fresh database: `DATABASE_URL`, SQLite in a
//! temporary directory when unset), and `bot::notifier::run_once` is called pass after pass
//! until every delivery is sent. Otherwise a hand loop sends with `--concurrency` in flight.
//!
//! `cargo run --release -p bench --bin broadcast -- --customers 1000 --notifier`
//! `cargo run --release -p bench --bin broadcast -- --customers 1000 --concurrency 1`
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::bail;
use bench::Samples;
use clap::Parser;
use files::store::MemoryStorage;
use teloxide::RequestError;
use teloxide::prelude::*;
use testkit::fake_telegram::FakeTelegram;

#[derive(Parser, Debug)]
struct Args {
    /// How many customers (one chat and one message each).
    #[arg(long, default_value_t = 1_000)]
    customers: usize,
    /// Hand loop: sends in flight at once (1 is one after another, as the notifier sent before
    /// it sent to several recipients at once; more queues a broadcast in the throttle at once).
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Send through `bot::notifier::run_once` over planned deliveries instead of a hand loop.
    #[arg(long)]
    notifier: bool,
    /// The limits the fake API enforces.
    #[arg(long, default_value_t = 30)]
    overall_per_sec: u32,
    #[arg(long, default_value_t = 1)]
    per_chat_per_sec: u32,
}

const FIRST_CHAT: i64 = 10_000;
/// As the notifier: a 429 is waited out and the send tried again, at most this many times.
const RETRIES: usize = 5;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // The fake API on a runtime (and thread) of its own, as Telegram is outside our process:
    // its arrival stamps do not wait for the notifier's database work on the same workers.
    let api = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let fake = api.spawn(FakeTelegram::start()).await?;
    let result = run(&args, &fake).await;
    drop(fake);
    api.shutdown_background();
    result
}

async fn run(args: &Args, fake: &FakeTelegram) -> anyhow::Result<()> {
    fake.enforce_rate_limits(args.overall_per_sec, args.per_chat_per_sec);
    let bot = bot::runtime::make_bot("123456:bench", &fake.url)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .throttle(bot::notifier::throttle_limits());

    let started;
    let mut latencies = None;
    let mut retried = 0;
    if args.notifier {
        let seeded = seed(args.customers).await?;
        started = Instant::now();
        notify_all(&bot, &seeded, args.customers).await?;
    } else {
        started = Instant::now();
        let (l, r) = hand_loop(&bot, args).await?;
        (latencies, retried) = (Some(l), r);
    }
    let elapsed = started.elapsed();

    let sent = fake
        .calls()
        .iter()
        .filter(|c| c.method == "sendmessage")
        .count();
    let rejected = fake.rate_limited();
    let delivered = sent - rejected as usize;
    let mode = if args.notifier {
        "notifier::run_once".to_owned()
    } else {
        format!("hand loop, concurrency {}", args.concurrency)
    };
    println!(
        "{} customers, {mode}, fake API limits {}/s overall and {}/s per chat",
        args.customers, args.overall_per_sec, args.per_chat_per_sec
    );
    println!(
        "delivered {delivered} in {:.2} s: {:.2} messages/s; 429s answered {rejected} \
         (retried by the hand loop {retried})",
        elapsed.as_secs_f64(),
        delivered as f64 / elapsed.as_secs_f64(),
    );
    if let Some(latencies) = latencies {
        println!("{}", latencies.summary("time from queued to sent"));
    }
    if delivered != args.customers {
        bail!("{} messages were not delivered", args.customers - delivered);
    }
    Ok(())
}

/// A database where each of `customers` customers has had an order cancelled: one Telegram
/// delivery each, planned by the notifier's first pass.
struct Seeded {
    _db: testkit::TestDb,
    ctx: domain::Ctx,
    files: MemoryStorage,
}

async fn seed(customers: usize) -> anyhow::Result<Seeded> {
    let db = testkit::TestDb::new().await;
    let ctx = domain::Ctx::local(db.db.clone());
    let store = testkit::seed::store(&ctx, "bench", "Bench").await;
    let product = testkit::seed::product(&ctx, store, "MUG", 25_000, 1_000_000).await;
    for i in 0..customers {
        let id = FIRST_CHAT + i as i64;
        let customer = testkit::seed::person(&ctx, id, &format!("c{id}"), "en").await;
        let order = testkit::seed::order(&ctx, store, customer, product, 1).await;
        let op = domain::Actor::operator();
        domain::ordering::orders::fulfil::cancel(&ctx, &op, domain::OrderId(order.id), None)
            .await?;
    }
    Ok(Seeded {
        _db: db,
        ctx,
        files: MemoryStorage::new(),
    })
}

/// Notifier passes until `customers` notices are sent (a pass claims at most 100).
async fn notify_all<R: bot::notifier::Sender>(
    bot: &R,
    s: &Seeded,
    customers: usize,
) -> anyhow::Result<()> {
    let (mut sent, mut idle) = (0, 0);
    while sent < customers {
        let n = bot::notifier::run_once(bot, &s.ctx, &s.files, "bench")
            .await?
            .unwrap_or(0);
        sent += n;
        idle = if n == 0 { idle + 1 } else { 0 };
        if idle > 3 {
            bail!("the notifier stopped after {sent} of {customers}");
        }
    }
    Ok(())
}

/// One message to each customer from `--concurrency` workers; their latencies and retries.
async fn hand_loop<R>(bot: &R, args: &Args) -> anyhow::Result<(Samples, u32)>
where
    R: Requester<Err = RequestError> + Clone + Send + Sync + 'static,
    R::SendMessage: Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let retried = Arc::new(AtomicU32::new(0));
    let mut workers = Vec::new();
    for _ in 0..args.concurrency.max(1) {
        let (bot, next, retried) = (bot.clone(), next.clone(), retried.clone());
        let customers = args.customers;
        workers.push(tokio::spawn(async move {
            let mut latencies = Samples::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= customers {
                    return Ok::<_, RequestError>(latencies);
                }
                let chat = ChatId(FIRST_CHAT + i as i64);
                let text = format!("Order #{} is paid. Thank you!", 1_000 + i);
                let t = Instant::now();
                let mut attempt = 0;
                loop {
                    match bot.send_message(chat, text.clone()).await {
                        Ok(_) => break,
                        Err(RequestError::RetryAfter(wait)) if attempt < RETRIES => {
                            attempt += 1;
                            retried.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(wait.duration()).await;
                        }
                        Err(e) => return Err(e),
                    }
                }
                latencies.push(t.elapsed());
            }
        }));
    }
    let mut latencies = Samples::with_capacity(args.customers);
    for w in workers {
        latencies.extend(w.await??);
    }
    Ok((latencies, retried.load(Ordering::Relaxed)))
}
