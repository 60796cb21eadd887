//! SSE fan-out: N clients (10,000 by default) on one backoffice's `/events`, logged in as one
//! staff member; one event raised → when the first and the last client read it; server memory
//! per connection (`VmRSS` of this process before and after the clients connect, divided by N).
//!
//! The clients run in a child process (this binary again, with `--client-of`), so their sockets
//! and memory are not counted as the server's and each process needs only N open files. The
//! backoffice runs the web role alone on the in-process bus; the benchmark plays the worker: it
//! places an order (the event goes to the outbox) and then runs one relay pass, the moment it
//! stamps as the event being raised. Arrival times are wall-clock (`SystemTime`) in both
//! processes, on the same machine.
//!
//! `cargo run --release -p bench --bin sse_fanout -- --clients 10000`
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use bench::app::Shop;
use bench::sse::SseClient;
use bench::{Samples, proc_status_kib, raise_open_files};
use clap::Parser;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{Semaphore, mpsc};
use vitrina::Part;
use vitrina::settings::BusKind;

#[derive(Parser, Debug)]
struct Args {
    /// SSE clients to connect.
    #[arg(long, default_value_t = 10_000)]
    clients: usize,
    /// Connections being opened at once.
    #[arg(long, default_value_t = 100)]
    concurrency: usize,
    /// Events raised one after another (each measured).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Give up waiting for the clients after this many seconds.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
    /// Internal: run as the client process against this backoffice.
    #[arg(long, hide = true)]
    client_of: Option<SocketAddr>,
}

/// Passes the session cookies to the client process.
const COOKIES_ENV: &str = "BENCH_SSE_COOKIES";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let files = raise_open_files(args.clients as u64 + 1024);
    if files < args.clients as u64 + 100 {
        bail!("the open-files limit is {files}; raise it (ulimit -n) above --clients");
    }
    match args.client_of {
        Some(addr) => clients(addr, &args).await,
        None => server(&args, files).await,
    }
}

async fn server(args: &Args, files: u64) -> anyhow::Result<()> {
    let shop = Shop::start(&[Part::Web], BusKind::Memory).await?;
    let ctx = shop.app.ctx.clone();
    // What seeding put in the outbox goes out before anyone listens.
    domain::platform::events::outbox::relay_once(&ctx, "bench", 10_000).await?;
    let cookies = shop.staff_cookies().await?;
    println!(
        "{:?}; open-files limit {files}",
        shop.app.ctx.db.get_database_backend()
    );
    let rss_before = rss_kib()?;

    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["--client-of", &shop.addr.to_string()])
        .args(["--clients", &args.clients.to_string()])
        .args(["--concurrency", &args.concurrency.to_string()])
        .args(["--rounds", &args.rounds.to_string()])
        .args(["--timeout-secs", &args.timeout_secs.to_string()])
        .env(COOKIES_ENV, &cookies)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().context("the child's stdout")?).lines();
    let connected = lines
        .next_line()
        .await?
        .context("the client process ended")?;
    println!("clients: {connected}");
    // Let the connections' first polls and allocations settle before reading memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_kib()?;
    let n = args.clients as f64;
    println!(
        "server VmRSS {:.1} MiB before, {:.1} MiB with {} clients: {:.1} KiB per connection; \
         {} open files",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        args.clients,
        rss_after.saturating_sub(rss_before) as f64 / n,
        std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count()),
    );

    let mut first = Samples::with_capacity(args.rounds);
    let mut last = Samples::with_capacity(args.rounds);
    for round in 0..args.rounds {
        // A customer per round: the shop caps the unpaid orders one customer may have open.
        let customer = testkit::seed::person(&ctx, 60_000 + round as i64, "carol", "en").await;
        testkit::seed::order(&ctx, shop.store, customer, shop.product, 1).await;
        let raised = now_ns();
        domain::platform::events::outbox::relay_once(&ctx, "bench", 100).await?;
        let line = lines
            .next_line()
            .await?
            .context("the client process ended")?;
        let times: Vec<u128> = line
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()
            .with_context(|| format!("the clients reported {line:?}"))?;
        let [count, earliest, latest] = times[..] else {
            bail!("the clients reported {line:?}");
        };
        if count == 0 {
            bail!("no client got the event");
        }
        if count < args.clients as u128 {
            println!("only {count} of {} clients got the event", args.clients);
        }
        first.push(Duration::from_nanos(earliest.saturating_sub(raised) as u64));
        last.push(Duration::from_nanos(latest.saturating_sub(raised) as u64));
    }
    println!("{}", first.summary("raised -> first client"));
    println!("{}", last.summary("raised -> last client"));
    println!(
        "server VmRSS after the events {:.1} MiB",
        rss_kib()? as f64 / 1024.0
    );
    let _ = child.kill().await;
    shop.stop().await;
    Ok(())
}

/// The client process: connects every client, says so on stdout (`<n> connected in <s> s,
/// client process VmRSS <MiB>`), then for each round prints `<count> <first ns> <last ns>`.
async fn clients(addr: SocketAddr, args: &Args) -> anyhow::Result<()> {
    let cookies: Arc<str> = std::env::var(COOKIES_ENV).context(COOKIES_ENV)?.into();
    let gate = Arc::new(Semaphore::new(args.concurrency.max(1)));
    let (up_tx, mut up_rx) = mpsc::unbounded_channel();
    let (got_tx, mut got_rx) = mpsc::unbounded_channel();
    let started = Instant::now();
    for _ in 0..args.clients {
        let (gate, cookies, up, got) =
            (gate.clone(), cookies.clone(), up_tx.clone(), got_tx.clone());
        let rounds = args.rounds;
        tokio::spawn(async move {
            let permit = gate.acquire_owned().await;
            let connected = SseClient::connect(addr, &cookies).await;
            drop(permit);
            let mut sse = match connected {
                Ok(sse) => sse,
                Err(e) => {
                    let _ = up.send(Err(format!("{e:#}")));
                    return;
                }
            };
            let _ = up.send(Ok(()));
            for round in 0..rounds {
                loop {
                    match sse.next_event().await {
                        Ok(e) if e.name == "order" => break,
                        Ok(_) => {}
                        Err(_) => return,
                    }
                }
                let _ = got.send((round, now_ns()));
            }
        });
    }
    drop((up_tx, got_tx));
    let mut failed = Vec::new();
    for _ in 0..args.clients {
        match up_rx.recv().await {
            Some(Ok(())) => {}
            Some(Err(e)) => failed.push(e),
            None => break,
        }
    }
    let connected = args.clients - failed.len();
    println!(
        "{connected} connected in {:.1} s ({} failed{}), client process VmRSS {:.1} MiB",
        started.elapsed().as_secs_f64(),
        failed.len(),
        failed
            .first()
            .map(|e| format!(", first: {e}"))
            .unwrap_or_default(),
        rss_kib()? as f64 / 1024.0
    );
    let limit = Duration::from_secs(args.timeout_secs);
    for round in 0..args.rounds {
        let (mut count, mut earliest, mut latest) = (0u128, u128::MAX, 0u128);
        let deadline = tokio::time::Instant::now() + limit;
        while count < connected as u128 {
            match tokio::time::timeout_at(deadline, got_rx.recv()).await {
                Ok(Some((r, at))) if r == round => {
                    count += 1;
                    earliest = earliest.min(at);
                    latest = latest.max(at);
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        println!("{count} {earliest} {latest}");
    }
    Ok(())
}

fn rss_kib() -> anyhow::Result<u64> {
    proc_status_kib("VmRSS").context("reading /proc/self/status")
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}
