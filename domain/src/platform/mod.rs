//! The plumbing every change writes through: the audit log, domain events and the outbox,
//! the job cursors, and the Telegram update bookkeeping that must share the business
//! transactions ([`updates`]).
pub mod audit;
pub mod events;
pub mod jobs;
pub mod updates;
