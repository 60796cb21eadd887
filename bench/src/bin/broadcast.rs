//! Telegram broadcast: one notification to each of `--customers` chats (default 1,000) through
//! the notifier's sending path — a `Bot` wrapped in teloxide's `Throttle` with the default limits,
//! built as the app builds it — against the fake Bot API enforcing Telegram's limits (30
//! messages/s overall, 1/s per chat, 429 otherwise). Prints the achieved rate and the 429s.
//!
//! `cargo run --release -p bench --bin broadcast -- --customers 1000 --concurrency 1`
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::bail;
use bench::Samples;
use clap::Parser;
use teloxide::RequestError;
use teloxide::adaptors::throttle::Limits;
use teloxide::prelude::*;
use testkit::fake_telegram::FakeTelegram;

#[derive(Parser, Debug)]
struct Args {
    /// How many customers (one chat and one message each).
    #[arg(long, default_value_t = 1_000)]
    customers: usize,
    /// Sends in flight at once: 1 is the notifier (one notice after another); more is a
    /// broadcast that queues everything in the throttle at once.
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
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
    let fake = FakeTelegram::start().await;
    fake.enforce_rate_limits(args.overall_per_sec, args.per_chat_per_sec);
    let bot = bot::runtime::make_bot("123456:bench", &fake.url)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .throttle(Limits::default());

    let next = Arc::new(AtomicUsize::new(0));
    let retried = Arc::new(AtomicU32::new(0));
    let started = Instant::now();
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
    let elapsed = started.elapsed();

    let sent = fake
        .calls()
        .iter()
        .filter(|c| c.method == "sendmessage")
        .count();
    let rejected = fake.rate_limited();
    let delivered = sent - rejected as usize;
    println!(
        "{} customers, concurrency {}, fake API limits {}/s overall and {}/s per chat",
        args.customers, args.concurrency, args.overall_per_sec, args.per_chat_per_sec
    );
    println!(
        "delivered {delivered} in {:.2} s: {:.2} messages/s; 429s answered {rejected} \
         (retried by the sender {})",
        elapsed.as_secs_f64(),
        delivered as f64 / elapsed.as_secs_f64(),
        retried.load(Ordering::Relaxed)
    );
    println!("{}", latencies.summary("time from queued to sent"));
    if delivered != args.customers {
        bail!("{} messages were not delivered", args.customers - delivered);
    }
    Ok(())
}
