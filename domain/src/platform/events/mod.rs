//! Domain events: written to the outbox in the transaction that caused them, then relayed
//! at least once, in id order, to the [`bus::EventBus`]: [`local_bus::LocalBus`] in one
//! process, or [`redis_bus::RedisBus`] when several instances share one database. Both only
//! ring a doorbell; subscribers are fed from the outbox in id order ([`follower`]). The
//! commit of a transaction that wrote events rings them at once ([`doorbell`]).
pub mod bus;
pub mod consumer;
pub mod doorbell;
pub mod event;
mod follower;
pub mod local_bus;
pub mod outbox;
pub mod redis_bus;

pub use event::{DomainEvent, Published};
