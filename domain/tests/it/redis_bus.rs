//! The Redis bus against the local Redis (`REDIS_URL`, default 127.0.0.1:6379; CI starts it):
//! the doorbell crosses instances, the outbox fills in what Redis never said, every event is
//! delivered once and in id order. Each test has a channel of its own, so they run in parallel.
use std::time::Duration;

use domain::platform::events::bus::EventBus;
use domain::platform::events::outbox;
use domain::platform::events::redis_bus::{RedisBus, RedisBusOptions};
use sea_orm::DatabaseConnection;
use testkit::TestDb;

use crate::bus_support::{NEVER, commit, every_event_once_in_order, next, write, write_as};

fn options(channel: &str, poll: Duration, gap_grace: Duration) -> RedisBusOptions {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    RedisBusOptions {
        poll,
        gap_grace,
        ..RedisBusOptions::new(url, channel)
    }
}

fn channel() -> String {
    format!("vitrina-test:{}", uuid::Uuid::new_v4())
}

async fn bus(db: &DatabaseConnection, options: RedisBusOptions) -> RedisBus {
    let url = options.url.clone();
    RedisBus::connect(db.clone(), options)
        .await
        .unwrap_or_else(|e| panic!("these tests need Redis at {url} (CI starts one): {e}"))
}

#[tokio::test]
async fn a_doorbell_rung_by_one_instance_is_heard_by_another() {
    let db = TestDb::new().await;
    let channel = channel();
    let a = bus(&db.db, options(&channel, NEVER, NEVER)).await;
    let b = bus(&db.db, options(&channel, NEVER, NEVER)).await;
    let (mut on_a, mut on_b) = (a.subscribe(), b.subscribe());

    let published = write(&db.db, 1).await;
    a.publish(&published).await.unwrap();

    assert_eq!(next(&mut on_b).await, published.id, "the other instance");
    assert_eq!(
        next(&mut on_a).await,
        published.id,
        "the publishing instance"
    );
}

#[tokio::test]
async fn a_commit_that_wrote_an_event_rings_every_instance_through_redis() {
    // No tick and no relay: the commit's doorbell goes out through Redis to every follower.
    let db = TestDb::new().await;
    let channel = channel();
    let a = bus(&db.db, options(&channel, NEVER, NEVER)).await;
    let b = bus(&db.db, options(&channel, NEVER, NEVER)).await;
    let (mut on_a, mut on_b) = (a.subscribe(), b.subscribe());
    let id = commit(&db.db, 1).await.unwrap();
    assert_eq!(next(&mut on_a).await, id);
    assert_eq!(next(&mut on_b).await, id);
}

#[tokio::test]
async fn an_event_whose_doorbell_never_rang_is_caught_up_on_the_tick() {
    let db = TestDb::new().await;
    let b = bus(
        &db.db,
        options(&channel(), Duration::from_millis(100), NEVER),
    )
    .await;
    let mut rx = b.subscribe();

    let published = write(&db.db, 1).await;

    assert_eq!(next(&mut rx).await, published.id);
}

#[tokio::test]
async fn every_event_arrives_once_and_in_order_whatever_the_doorbells() {
    let db = TestDb::new().await;
    let channel = channel();
    let a = bus(&db.db, options(&channel, NEVER, NEVER)).await;
    let b = bus(&db.db, options(&channel, NEVER, NEVER)).await;
    let mut rx = b.subscribe();
    // Rung on one instance, heard on the other.
    every_event_once_in_order(&db.db, &a, &mut rx).await;
}

#[tokio::test]
async fn a_lower_id_committed_late_is_delivered_before_the_higher_one() {
    let db = TestDb::new().await;
    let first = outbox::last_id(&db.db).await.unwrap() + 1;
    let poll = Duration::from_millis(50);
    let b = bus(&db.db, options(&channel(), poll, NEVER)).await;
    let mut rx = b.subscribe();

    write_as(&db.db, first + 1).await;
    // Ticks pass while the hole is open: a follower that read past it would lose `first`.
    tokio::time::sleep(poll * 6).await;
    write_as(&db.db, first).await;

    assert_eq!(next(&mut rx).await, first);
    assert_eq!(next(&mut rx).await, first + 1);
}

#[tokio::test]
async fn a_hole_that_never_fills_is_skipped_after_the_grace_period() {
    let db = TestDb::new().await;
    let first = outbox::last_id(&db.db).await.unwrap() + 1;
    let grace = Duration::from_millis(200);
    let b = bus(
        &db.db,
        options(&channel(), Duration::from_millis(50), grace),
    )
    .await;
    let mut rx = b.subscribe();

    // `first` was rolled back: its id is never used.
    write_as(&db.db, first + 1).await;

    assert_eq!(next(&mut rx).await, first + 1);
}

#[tokio::test]
async fn an_unreachable_redis_is_an_error_at_start() {
    let db = TestDb::new().await;
    let port = testkit::wait::free_port();
    let mut opts = options(&channel(), NEVER, NEVER);
    opts.url = format!("redis://127.0.0.1:{port}");
    assert!(RedisBus::connect(db.db.clone(), opts).await.is_err());
}

/// A Redis server of the test's own, so it can be killed and started again without
/// disturbing the other tests.
struct OwnRedis {
    port: u16,
    child: std::process::Child,
}

impl OwnRedis {
    fn start(port: u16) -> OwnRedis {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server on PATH (CI installs it)");
        OwnRedis { port, child }
    }

    async fn ready(self) -> OwnRedis {
        let url = self.url();
        testkit::wait::eventually("the test's Redis to accept connections", || {
            let url = url.clone();
            async move {
                let client = redis::Client::open(url).ok()?;
                client
                    .get_multiplexed_async_connection()
                    .await
                    .ok()
                    .map(|_| ())
            }
        })
        .await;
        self
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Redis goes away and comes back: what was written meanwhile arrives (from the outbox, on
/// reconnect), and doorbells work again afterwards, for both the ringing and the listening
/// instance.
#[tokio::test]
async fn a_redis_restart_loses_nothing_and_the_doorbell_works_again() {
    let db = TestDb::new().await;
    let port = testkit::wait::free_port();
    let redis = OwnRedis::start(port).ready().await;
    let channel = channel();
    let mut opts = options(&channel, NEVER, NEVER);
    opts.url = redis.url();
    let a = bus(&db.db, opts.clone()).await;
    let b = bus(&db.db, opts).await;
    let mut rx = b.subscribe();

    let before = write(&db.db, 1).await;
    a.publish(&before).await.unwrap();
    assert_eq!(next(&mut rx).await, before.id);

    redis.kill();
    // Written and rung while Redis is down: the doorbell is lost, publishing still succeeds.
    let during = write(&db.db, 2).await;
    a.publish(&during).await.unwrap();

    let _redis = OwnRedis::start(port).ready().await;
    assert_eq!(next(&mut rx).await, during.id, "caught up on reconnect");

    let after = write(&db.db, 3).await;
    // The first ring after the restart may still find the old connection broken; ring until
    // the listener hears one (each ring is only a hint, so extra rings deliver nothing twice).
    let deadline = std::time::Instant::now() + testkit::wait::PATIENCE;
    let heard = loop {
        assert!(
            std::time::Instant::now() < deadline,
            "no doorbell heard after the restart"
        );
        a.publish(&after).await.unwrap();
        if let Ok(Ok(p)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await {
            break p.id;
        }
    };
    assert_eq!(heard, after.id);
}
