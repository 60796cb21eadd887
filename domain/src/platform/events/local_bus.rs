//! The bus for one process: the relay rings an in-process doorbell and a follower task reads
//! the outbox (see [`super::follower`]), so subscribers get every event once and in id order,
//! also when a lower id commits after a higher one on PostgreSQL or MySQL. A commit in this
//! process that wrote events wakes the follower at once ([`super::doorbell`]).
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, broadcast};
use tokio::task::AbortHandle;

use super::bus::EventBus;
use super::event::Published;
use super::follower::Follower;
use crate::kernel::error::Result;

/// How patiently a [`LocalBus`] follows the outbox.
#[derive(Clone, Debug)]
pub struct LocalBusOptions {
    /// The fallback tick: how often the outbox is read when no doorbell rings.
    pub poll: Duration,
    /// How long a hole in the ids is waited for before it is skipped.
    pub gap_grace: Duration,
    /// The broadcast channel's capacity per subscriber.
    pub capacity: usize,
}

impl Default for LocalBusOptions {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(1),
            gap_grace: Duration::from_secs(3),
            capacity: 1024,
        }
    }
}

pub struct LocalBus {
    doorbell: Arc<Notify>,
    tx: broadcast::Sender<Published>,
    follower: AbortHandle,
}

impl LocalBus {
    /// Starts following the outbox from its current end.
    pub async fn start(db: DatabaseConnection, options: LocalBusOptions) -> Self {
        let (tx, _) = broadcast::channel(options.capacity.max(1));
        let mut follower = Follower::new(db, tx.clone(), options.gap_grace);
        // Where "from now on" begins, before `start` returns.
        follower.catch_up().await;
        let doorbell = Arc::new(Notify::new());
        let rung = doorbell.clone();
        let mut commits = super::doorbell::listen();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(options.poll);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = rung.notified() => {}
                    // A commit in this process that wrote events.
                    Ok(()) = commits.changed() => {}
                    _ = tick.tick() => {}
                }
                follower.catch_up().await;
            }
        });
        Self {
            doorbell,
            tx,
            follower: task.abort_handle(),
        }
    }
}

impl Drop for LocalBus {
    fn drop(&mut self) {
        self.follower.abort();
    }
}

impl EventBus for LocalBus {
    fn publish<'a>(&'a self, _event: &'a Published) -> BoxFuture<'a, Result<()>> {
        // The event is in the outbox already; the follower reads it from there.
        self.doorbell.notify_one();
        Box::pin(async { Ok(()) })
    }

    fn subscribe(&self) -> broadcast::Receiver<Published> {
        self.tx.subscribe()
    }
}
