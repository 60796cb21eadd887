//! Helpers for the bus tests: events written straight to the outbox, and waiting for one.
use std::time::Duration;

use chrono::Utc;
use domain::UserId;
use domain::platform::events::{DomainEvent, Published, outbox};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use testkit::wait::PATIENCE;
use tokio::sync::broadcast;

/// Long enough that in a test only the doorbell (or a reconnect) can deliver.
pub const NEVER: Duration = Duration::from_secs(3600);

pub fn event(n: i64) -> DomainEvent {
    DomainEvent::RoleRevoked {
        user_id: UserId(n),
        store_id: None,
    }
}

/// Writes an event to the outbox only: no doorbell.
pub async fn write(db: &DatabaseConnection, n: i64) -> Published {
    let e = event(n);
    let now = Utc::now();
    let id = outbox::record(db, now, &e).await.unwrap();
    Published {
        id,
        at: now,
        event: e,
    }
}

/// Writes an event in a transaction, as the domain does ([`domain::in_tx!`]): its commit rings
/// the doorbell. Returns the event's id.
pub async fn commit(db: &DatabaseConnection, n: i64) -> domain::Result<i64> {
    domain::in_tx!(db, |txn| outbox::record(&txn, Utc::now(), &event(n)).await)
}

/// Writes an event under an id of our choosing, as a transaction that got its id earlier but
/// committed later would appear.
pub async fn write_as(db: &DatabaseConnection, id: i64) {
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

pub async fn next(rx: &mut broadcast::Receiver<Published>) -> i64 {
    tokio::time::timeout(PATIENCE, rx.recv())
        .await
        .expect("an event within the time limit")
        .expect("the bus is open")
        .id
}

/// Writes 20 events and rings `ring`'s doorbell for them backwards, then again for every third
/// (some never): `rx` must get each event once and in id order, and nothing twice afterwards.
pub async fn every_event_once_in_order(
    db: &DatabaseConnection,
    ring: &dyn domain::platform::events::bus::EventBus,
    rx: &mut broadcast::Receiver<Published>,
) {
    let mut written = Vec::new();
    for n in 0..20 {
        written.push(write(db, n).await);
    }
    for p in written.iter().rev().chain(written.iter().step_by(3)) {
        ring.publish(p).await.unwrap();
    }
    let mut got = Vec::new();
    for _ in 0..written.len() {
        got.push(next(rx).await);
    }
    let expected: Vec<i64> = written.iter().map(|p| p.id).collect();
    assert_eq!(got, expected);

    let sentinel = write(db, 99).await;
    ring.publish(&sentinel).await.unwrap();
    assert_eq!(next(rx).await, sentinel.id, "nothing came twice");
}
