//! Domain events: written to the outbox in the transaction that caused them, then relayed
//! at least once, in id order, to the [`bus::EventBus`].
pub mod bus;
pub mod consumer;
pub mod event;
pub mod outbox;

pub use event::{DomainEvent, Published};
