//! Bot throughput: `/orders` status queries from many customers through the real handler tree
//! (`bot::runtime::dispatch`, long polling) against the fake Bot API, next to a minimal teloxide
//! echo bot on the same fake API as the baseline. Updates per second from the first update
//! queued to the last reply received. The database is `DATABASE_URL` (a fresh one, as in the
//! tests; SQLite in a temporary directory when unset).
//!
//! `cargo run --release -p bench --bin throughput -- --customers 100 --per-customer 20`
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Parser;
use serde_json::json;
use teloxide::dispatching::ShutdownToken;
use teloxide::prelude::*;
use testkit::fake_telegram::FakeTelegram;

#[derive(Parser, Debug)]
struct Args {
    /// Customers writing to the bot (each one chat).
    #[arg(long, default_value_t = 100)]
    customers: i64,
    /// `/orders` messages from each customer.
    #[arg(long, default_value_t = 20)]
    per_customer: usize,
    /// Give up waiting for replies after this many seconds.
    #[arg(long, default_value_t = 300)]
    timeout_secs: u64,
}

const FIRST_USER: i64 = 50_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let total = args.customers as usize * args.per_customer;

    let echo = {
        let fake = FakeTelegram::start().await;
        let bot = make_bot(&fake)?;
        let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
            bot.send_message(msg.chat.id, msg.text().unwrap_or("?").to_owned())
                .await?;
            respond(())
        });
        let mut dispatcher = Dispatcher::builder(bot, handler).build();
        let token = dispatcher.shutdown_token();
        let run = tokio::spawn(async move { dispatcher.dispatch().await });
        let rate = measure(&fake, &args, total).await;
        stop(token).await;
        run.abort();
        rate?
    };

    let vitrina = {
        let test_db = testkit::TestDb::new().await;
        let ctx = domain::Ctx::local(test_db.db.clone());
        let store = testkit::seed::store(&ctx, "bench", "Bench").await;
        let product = testkit::seed::product(&ctx, store, "MUG", 25_000, 1_000_000).await;
        for i in 0..args.customers {
            let user = FIRST_USER + i;
            let customer = testkit::seed::person(&ctx, user, &format!("c{user}"), "en").await;
            for _ in 0..3 {
                testkit::seed::order(&ctx, store, customer, product, 1).await;
            }
        }
        let fake = FakeTelegram::start().await;
        let bot = make_bot(&fake)?;
        let services = bot::Services {
            ctx: ctx.clone(),
            files: Arc::new(domain::receipts::storage::MemoryStorage::new()),
            limits: Arc::new(domain::receipts::pipeline::Limits::default()),
            bot_id: 123_456,
            bot_username: "vitrina_test_bot".into(),
            // No per-user rate limit: the customers here write faster than people do.
            limiter: Arc::new(bot::limiter::RateLimiter::new(
                u32::MAX,
                u32::MAX,
                Duration::from_secs(1),
            )),
            dialogues: bot::storage::DbStorage::new(ctx.db.clone()),
            downloads: Arc::new(bot::download::FromTelegram),
            inspections: Arc::new(tokio::sync::Semaphore::new(2)),
        };
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let run = tokio::spawn(bot::runtime::dispatch(bot, services, None, ready_tx));
        let token = ready_rx.await?;
        let rate = measure(&fake, &args, total).await;
        stop(token).await;
        run.abort();
        // What the customers were told, to see the replies are order lists and not errors.
        if let Some((chat, text)) = fake.sent_texts().into_iter().next() {
            let text: String = text.chars().take(120).collect();
            println!("a reply to {chat}: {text:?}");
        }
        rate?
    };

    println!(
        "{} customers x {} `/orders` = {total} updates, long polling against the fake Bot API",
        args.customers, args.per_customer
    );
    println!("teloxide echo bot (baseline): {echo:>8.1} updates/s");
    println!("vitrina handlers (/orders):   {vitrina:>8.1} updates/s");
    Ok(())
}

fn make_bot(fake: &FakeTelegram) -> anyhow::Result<Bot> {
    bot::runtime::make_bot("123456:bench", &fake.url).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Queues every update at once, then waits until each has had a reply: updates per second.
async fn measure(fake: &FakeTelegram, args: &Args, total: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut message_id = 0;
    for _ in 0..args.per_customer {
        for i in 0..args.customers {
            let user = FIRST_USER + i;
            message_id += 1;
            fake.push_update(json!({
                "update_id": 0,
                "message": {
                    "message_id": message_id, "date": 1_700_000_000, "text": "/orders",
                    "chat": { "id": user, "type": "private", "first_name": "x" },
                    "from": { "id": user, "is_bot": false, "first_name": "x",
                              "username": format!("c{user}"), "language_code": "en" },
                    "entities": [{ "type": "bot_command", "offset": 0, "length": 7 }]
                }
            }));
        }
    }
    let deadline = Duration::from_secs(args.timeout_secs);
    loop {
        let replies = fake
            .calls()
            .iter()
            .filter(|c| c.method == "sendmessage")
            .count();
        if replies >= total {
            return Ok(total as f64 / started.elapsed().as_secs_f64());
        }
        if started.elapsed() > deadline {
            bail!("only {replies} of {total} replies after {deadline:?}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn stop(token: ShutdownToken) {
    if let Ok(done) = token.shutdown() {
        let _ = tokio::time::timeout(Duration::from_secs(10), done).await;
    }
}
