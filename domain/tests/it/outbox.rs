//! The outbox: rolled-back events never leave; a relay restarted mid-batch publishes every
//! committed event at least once and in order; only the lease holder relays.
use std::sync::{Arc, Mutex};

use domain::platform::events::bus::EventBus;
use domain::platform::events::{DomainEvent, Published, outbox};
use domain::{Ctx, Result, StoreId};
use futures::future::BoxFuture;
use sea_orm::TransactionTrait;
use tokio::sync::broadcast;

use crate::support::Fixture;

/// Records what it was given; fails every publish after `fail_after` successes.
struct Recorder {
    seen: Mutex<Vec<i64>>,
    fail_after: Option<usize>,
    tx: broadcast::Sender<Published>,
}

impl Recorder {
    fn new(fail_after: Option<usize>) -> Arc<Self> {
        Arc::new(Self {
            seen: Mutex::new(Vec::new()),
            fail_after,
            tx: broadcast::channel(16).0,
        })
    }

    fn seen(&self) -> Vec<i64> {
        self.seen.lock().unwrap().clone()
    }
}

impl EventBus for Recorder {
    fn publish<'a>(&'a self, event: &'a Published) -> BoxFuture<'a, Result<()>> {
        let mut seen = self.seen.lock().unwrap();
        let result = match self.fail_after {
            Some(n) if seen.len() >= n => Err(domain::Error::Internal("bus down".into())),
            _ => {
                seen.push(event.id);
                Ok(())
            }
        };
        Box::pin(async move { result })
    }

    fn subscribe(&self) -> broadcast::Receiver<Published> {
        self.tx.subscribe()
    }
}

fn with_bus(f: &Fixture, bus: Arc<Recorder>) -> Ctx {
    Ctx::new(f.ctx.db.clone(), bus, f.clock.clone())
}

async fn committed_ids(f: &Fixture) -> Vec<i64> {
    outbox::since(&f.ctx.db, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

#[tokio::test]
async fn rolled_back_events_are_never_published() {
    let f = Fixture::new().await;
    let bus = Recorder::new(None);
    let ctx = with_bus(&f, bus.clone());
    while outbox::relay_once(&ctx, "r", 100).await.unwrap() > 0 {}
    let before = bus.seen().len();
    let txn = f.ctx.db.begin().await.unwrap();
    let event = DomainEvent::StoreCreated {
        store_id: StoreId(f.store.0),
        slug: "ghost".into(),
    };
    outbox::record(&txn, f.ctx.now(), &event).await.unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(outbox::relay_once(&ctx, "r", 100).await.unwrap(), 0);
    assert_eq!(bus.seen().len(), before);
    assert_eq!(f.count("outbox_events", "payload LIKE '%ghost%'").await, 0);
    // A failed service call rolls its event back too.
    let err = domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &f.new_order(11)).await;
    assert!(err.is_err());
    assert_eq!(outbox::relay_once(&ctx, "r", 100).await.unwrap(), 0);
}

#[tokio::test]
async fn restarted_relay_publishes_everything_in_order() {
    let f = Fixture::new().await;
    for _ in 0..4 {
        f.order(1).await;
    }
    let committed = committed_ids(&f).await;
    assert!(
        committed.len() > 8,
        "fixture and orders made events: {committed:?}"
    );
    // The first relay dies after five events.
    let crashed = Recorder::new(Some(5));
    assert!(
        outbox::relay_once(&with_bus(&f, crashed.clone()), "r1", 100)
            .await
            .is_err()
    );
    let first = crashed.seen();
    assert_eq!(first, committed[..5].to_vec());
    // More events arrive while nothing relays.
    f.order(1).await;
    let committed = committed_ids(&f).await;
    // A new relay (another owner: it waits for the old lease to run out).
    let fresh = Recorder::new(None);
    let ctx = with_bus(&f, fresh.clone());
    assert_eq!(
        outbox::relay_once(&ctx, "r2", 3).await.unwrap(),
        0,
        "r1's lease still holds"
    );
    f.clock.advance(chrono::Duration::seconds(31));
    while outbox::relay_once(&ctx, "r2", 3).await.unwrap() > 0 {}
    let second = fresh.seen();
    assert!(
        second.windows(2).all(|w| w[0] < w[1]),
        "in id order: {second:?}"
    );
    let mut all: Vec<i64> = first.iter().chain(second.iter()).copied().collect();
    all.sort();
    all.dedup();
    assert_eq!(all, committed, "every committed event published");
    assert_eq!(f.count("outbox_events", "published_at IS NULL").await, 0);
}

#[tokio::test]
async fn events_reach_subscribers_of_the_in_process_bus() {
    let f = Fixture::new().await;
    let mut rx = f.ctx.bus.subscribe();
    let order = f.order(1).await;
    outbox::relay_once(&f.ctx, "r", 1000).await.unwrap();
    let mut found = false;
    while let Ok(p) = rx.try_recv() {
        if let DomainEvent::OrderPlaced {
            order_id, number, ..
        } = p.event
        {
            assert_eq!((order_id, number), (order, 1001));
            found = true;
        }
    }
    assert!(found);
}
