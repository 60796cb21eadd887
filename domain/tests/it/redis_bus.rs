//! The Redis bus against the local Redis (`REDIS_URL`, default 127.0.0.1:6379; CI starts it):
//! the doorbell crosses instances, the outbox fills in what Redis never said, every event is
//! delivered once and in id order. Each test has a channel of its own, so they run in parallel.
use std::time::Duration;

use chrono::Utc;
use domain::UserId;
use domain::events::bus::EventBus;
use domain::events::redis_bus::{RedisBus, RedisBusOptions};
use domain::events::{DomainEvent, Published, outbox};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use testkit::TestDb;
use testkit::wait::PATIENCE;
use tokio::sync::broadcast;

/// Long enough that in a test only the doorbell (or a reconnect) can deliver.
const NEVER: Duration = Duration::from_secs(3600);

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

fn event(n: i64) -> DomainEvent {
    DomainEvent::RoleRevoked {
        user_id: UserId(n),
        store_id: None,
    }
}

/// Writes an event to the outbox only: no doorbell.
async fn write(db: &DatabaseConnection, n: i64) -> Published {
    let e = event(n);
    let now = Utc::now();
    let id = outbox::record(db, now, &e).await.unwrap();
    Published {
        id,
        at: now,
        event: e,
    }
}

/// Writes an event under an id of our choosing, as a transaction that got its id earlier but
/// committed later would appear.
async fn write_as(db: &DatabaseConnection, id: i64) {
    let e = event(id);
    let row = entity::outbox_events::ActiveModel {
        id: Set(id),
        event_type: Set(e.event_type().to_owned()),
        store_id: Set(None),
        payload: Set(serde_json::to_string(&e).unwrap()),
        created_at: Set(Utc::now()),
        published_at: Set(None),
    };
    entity::outbox_events::Entity::insert(row)
        .exec(db)
        .await
        .unwrap();
}

async fn next(rx: &mut broadcast::Receiver<Published>) -> i64 {
    tokio::time::timeout(PATIENCE, rx.recv())
        .await
        .expect("an event within the time limit")
        .expect("the bus is open")
        .id
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

    let mut written = Vec::new();
    for n in 0..30 {
        written.push(write(&db.db, n).await);
    }
    // Doorbells out of order, twice over, and some never.
    for p in written.iter().rev().chain(written.iter().step_by(3)) {
        a.publish(p).await.unwrap();
    }
    let mut got = Vec::new();
    for _ in 0..written.len() {
        got.push(next(&mut rx).await);
    }
    let expected: Vec<i64> = written.iter().map(|p| p.id).collect();
    assert_eq!(got, expected);

    // Nothing was delivered twice: the next thing to arrive is the next event.
    let sentinel = write(&db.db, 99).await;
    a.publish(&sentinel).await.unwrap();
    assert_eq!(next(&mut rx).await, sentinel.id);
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
