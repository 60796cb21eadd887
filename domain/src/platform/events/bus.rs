//! The bus is only a doorbell: the outbox table is the durable log.
use futures::future::BoxFuture;
use tokio::sync::broadcast;

use super::event::Published;
use crate::kernel::error::Result;

pub trait EventBus: Send + Sync {
    /// Delivers one event to current subscribers.
    fn publish<'a>(&'a self, event: &'a Published) -> BoxFuture<'a, Result<()>>;
    /// A stream of events published from now on.
    fn subscribe(&self) -> broadcast::Receiver<Published>;
}

/// A plain broadcast channel: whatever the relay publishes, in the order it publishes. Tests
/// use it; the app uses [`super::local_bus::LocalBus`], which also keeps id order when a lower
/// id commits late.
pub struct InProcessBus {
    tx: broadcast::Sender<Published>,
}

impl InProcessBus {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity.max(1));
        Self { tx }
    }
}

impl EventBus for InProcessBus {
    fn publish<'a>(&'a self, event: &'a Published) -> BoxFuture<'a, Result<()>> {
        // No subscriber is not an error: the event stays in the outbox for anyone who
        // catches up later.
        let _ = self.tx.send(event.clone());
        Box::pin(async { Ok(()) })
    }

    fn subscribe(&self) -> broadcast::Receiver<Published> {
        self.tx.subscribe()
    }
}
