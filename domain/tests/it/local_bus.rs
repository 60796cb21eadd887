//! The bus of one process follows the outbox: every event once and in id order, also when a
//! transaction that took a lower id commits after one with a higher id (PostgreSQL, MySQL).
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use domain::Ctx;
use domain::kernel::clock::SystemClock;
use domain::platform::events::bus::EventBus;
use domain::platform::events::local_bus::{LocalBus, LocalBusOptions};
use domain::platform::events::outbox;
use sea_orm::{DatabaseConnection, DbBackend, TransactionTrait};
use testkit::TestDb;

use crate::bus_support::{NEVER, commit, event, every_event_once_in_order, next, write_as};

async fn bus(db: &DatabaseConnection, poll: Duration, gap_grace: Duration) -> LocalBus {
    let options = LocalBusOptions {
        poll,
        gap_grace,
        ..LocalBusOptions::default()
    };
    LocalBus::start(db.clone(), options).await
}

#[tokio::test]
async fn every_event_arrives_once_and_in_order_whatever_the_doorbells() {
    let db = TestDb::new().await;
    let b = bus(&db.db, NEVER, NEVER).await;
    let mut rx = b.subscribe();
    every_event_once_in_order(&db.db, &b, &mut rx).await;
}

#[tokio::test]
async fn a_commit_that_wrote_an_event_rings_the_bus_at_once() {
    // No tick and no relay: only the commit itself can deliver.
    let db = TestDb::new().await;
    let b = bus(&db.db, NEVER, NEVER).await;
    let mut rx = b.subscribe();
    let first = commit(&db.db, 1).await.unwrap();
    assert_eq!(next(&mut rx).await, first);
    let second = commit(&db.db, 2).await.unwrap();
    assert_eq!(next(&mut rx).await, second);
    assert!(rx.try_recv().is_err(), "each event once");
}

#[tokio::test]
async fn a_lower_id_committed_late_is_delivered_before_the_higher_one() {
    let db = TestDb::new().await;
    let first = outbox::last_id(&db.db).await.unwrap() + 1;
    let poll = Duration::from_millis(50);
    let b = bus(&db.db, poll, NEVER).await;
    let mut rx = b.subscribe();

    write_as(&db.db, first + 1).await;
    tokio::time::sleep(poll * 6).await;
    write_as(&db.db, first).await;

    assert_eq!(next(&mut rx).await, first);
    assert_eq!(next(&mut rx).await, first + 1);
}

#[tokio::test]
async fn a_hole_that_never_fills_is_skipped_after_the_grace_period() {
    let db = TestDb::new().await;
    let first = outbox::last_id(&db.db).await.unwrap() + 1;
    let b = bus(
        &db.db,
        Duration::from_millis(50),
        Duration::from_millis(200),
    )
    .await;
    let mut rx = b.subscribe();

    write_as(&db.db, first + 1).await;

    assert_eq!(next(&mut rx).await, first + 1);
}

/// Two real transactions: the first takes its id, the second takes the next one and commits,
/// the relay publishes it, and only then does the first commit. Subscribers still get the
/// lower id first. (SQLite has one writer at a time, so it cannot commit out of order.)
#[tokio::test]
async fn the_relay_publishing_a_late_commit_keeps_id_order() {
    let db = TestDb::new().await;
    if db.backend() == DbBackend::Sqlite {
        eprintln!("skipped: SQLite commits one writer at a time");
        return;
    }
    let bus = Arc::new(bus(&db.db, Duration::from_millis(50), NEVER).await);
    let ctx = Ctx::new(db.db.clone(), bus.clone(), Arc::new(SystemClock));
    let mut rx = bus.subscribe();

    let slow = db.db.begin().await.unwrap();
    let low = outbox::record(&slow, Utc::now(), &event(1)).await.unwrap();
    let high = outbox::record(&db.db, Utc::now(), &event(2)).await.unwrap();
    assert!(high > low);
    assert_eq!(outbox::relay_once(&ctx, "relay", 100).await.unwrap(), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    slow.commit().await.unwrap();
    assert_eq!(outbox::relay_once(&ctx, "relay", 100).await.unwrap(), 1);

    assert_eq!(next(&mut rx).await, low);
    assert_eq!(next(&mut rx).await, high);
}
