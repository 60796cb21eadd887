//! Domain events: written to the outbox in the transaction that caused them, then relayed
//! at least once, in id order, to the [`bus::EventBus`]: in-process, or
//! [`redis_bus::RedisBus`] when several instances share one database.
pub mod bus;
pub mod consumer;
pub mod event;
pub mod outbox;
pub mod redis_bus;

pub use event::{DomainEvent, Published};
