//! Bot throughput: `/orders` status queries from many customers through the real handler tree
//! (`bot::runtime::dispatch`, long polling) against the fake Bot API, next to a minimal teloxide
//! echo bot on the same fake API as the baseline. Updates per second from the first update
//! queued to the last reply received. The database is `DATABASE_URL` (a fresh one, as in the
//! tests; SQLite in a temporary directory when unset).
//!
//! With `--receipts`, then as many other customers, each with one order awaiting payment, send a
//! ~2 MP JPEG receipt as a Telegram photo (one update each, all queued at once): the handlers
//! fetch it through getFile and the download URL, inspect it, store it on disk and attach it.
//!
//! `cargo run --release -p bench --bin throughput -- --customers 100 --per-customer 20 --receipts`
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Parser;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
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
    /// Also measure receipt uploads: `--customers` more customers send a receipt photo each.
    #[arg(long)]
    receipts: bool,
    /// Receipt photos: width, height and JPEG quality (1600x1200 at 80 is about 1.1 MiB).
    #[arg(long, num_args = 3, default_values_t = [1600, 1200, 80])]
    receipt: Vec<u32>,
    /// Give up waiting for replies after this many seconds.
    #[arg(long, default_value_t = 300)]
    timeout_secs: u64,
}

const FIRST_USER: i64 = 50_000;
/// Customers who send receipts (one order each, so no "which order?" question).
const FIRST_PAYER: i64 = 150_000;

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
        let rate = measure(&fake, orders_updates(&args), args.timeout_secs).await;
        stop(token).await;
        run.abort();
        rate?
    };

    let (vitrina, receipts) = {
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
            if args.receipts {
                let user = FIRST_PAYER + i;
                let payer = testkit::seed::person(&ctx, user, &format!("c{user}"), "en").await;
                testkit::seed::order(&ctx, store, payer, product, 1).await;
            }
        }
        let files_dir = tempfile::tempdir()?;
        let fake = FakeTelegram::start().await;
        let bot = make_bot(&fake)?;
        let services = bot::Services {
            ctx: ctx.clone(),
            files: Arc::new(files::store::LocalStorage::new(files_dir.path())),
            limits: Arc::new(files::inspect::Limits::default()),
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
            ledger: bot::ledger::Ledger::inline(),
        };
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let run = tokio::spawn(bot::runtime::dispatch(bot, services, None, ready_tx));
        let token = ready_rx.await?;
        let rate = measure(&fake, orders_updates(&args), args.timeout_secs).await;
        let receipts = if args.receipts && rate.is_ok() {
            Some(measure(&fake, receipt_updates(&fake, &args)?, args.timeout_secs).await)
        } else {
            None
        };
        stop(token).await;
        run.abort();
        if args.receipts {
            // Every photo was attached, not answered with an error.
            let sql = "SELECT COUNT(*) AS n FROM receipts";
            let row = ctx
                .db
                .query_one_raw(Statement::from_string(ctx.db.get_database_backend(), sql))
                .await?;
            let n: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
            println!("receipts attached: {n} of {}", args.customers);
        }
        // What the customers were told, to see the replies are what was asked and not errors.
        let texts = fake.sent_texts();
        for (chat, text) in [texts.first(), texts.last()].into_iter().flatten() {
            let text: String = text.chars().take(120).collect();
            println!("a reply to {chat}: {text:?}");
        }
        (rate?, receipts.transpose()?)
    };

    println!(
        "{} customers x {} `/orders` = {total} updates, long polling against the fake Bot API",
        args.customers, args.per_customer
    );
    println!("teloxide echo bot (baseline): {echo:>8.1} updates/s");
    println!("vitrina handlers (/orders):   {vitrina:>8.1} updates/s");
    if let Some(rate) = receipts {
        println!(
            "vitrina handlers (receipts):  {rate:>8.1} updates/s ({} photos of {}x{}, q{})",
            args.customers, args.receipt[0], args.receipt[1], args.receipt[2]
        );
    }
    Ok(())
}

fn make_bot(fake: &FakeTelegram) -> anyhow::Result<Bot> {
    bot::runtime::make_bot("123456:bench", &fake.url).map_err(|e| anyhow::anyhow!("{e}"))
}

/// `/orders` from every customer, `--per-customer` times.
fn orders_updates(args: &Args) -> Vec<Value> {
    let mut updates = Vec::new();
    let mut message_id = 0;
    for _ in 0..args.per_customer {
        for i in 0..args.customers {
            let user = FIRST_USER + i;
            message_id += 1;
            updates.push(json!({
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
    updates
}

/// A receipt photo from each paying customer, its file served by the fake API (each with other
/// bytes, so none is a duplicate of another).
fn receipt_updates(fake: &FakeTelegram, args: &Args) -> anyhow::Result<Vec<Value>> {
    let [width, height, quality] = args.receipt[..] else {
        bail!("--receipt takes width, height and quality");
    };
    let jpeg = bench::photo_jpeg(width, height, u8::try_from(quality)?)?;
    let updates = (0..args.customers)
        .map(|i| {
            let user = FIRST_PAYER + i;
            let file_id = format!("receipt-{user}");
            let bytes = bench::numbered_jpeg(&jpeg, i as u64);
            let update = bench::app::photo_update(user, i, &file_id, bytes.len(), width, height);
            fake.add_file(&file_id, bytes);
            update
        })
        .collect();
    Ok(updates)
}

/// Queues every update at once, then waits until each has had a reply (one `sendMessage`
/// more each): updates per second.
async fn measure(
    fake: &FakeTelegram,
    updates: Vec<Value>,
    timeout_secs: u64,
) -> anyhow::Result<f64> {
    // Counted in place: cloning every recorded call on each poll cost the bot under test a
    // share of the two cores that grew with the run's length.
    let replies = || fake.count_calls("sendmessage");
    let total = updates.len();
    let wanted = replies() + total;
    let started = Instant::now();
    for update in updates {
        fake.push_update(update);
    }
    let deadline = Duration::from_secs(timeout_secs);
    loop {
        let now = replies();
        if now >= wanted {
            return Ok(total as f64 / started.elapsed().as_secs_f64());
        }
        if started.elapsed() > deadline {
            bail!(
                "only {} of {total} replies after {deadline:?}",
                now + total - wanted
            );
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn stop(token: ShutdownToken) {
    if let Ok(done) = token.shutdown() {
        let _ = tokio::time::timeout(Duration::from_secs(10), done).await;
    }
}
