//! The business of Vitrina: stores, catalog and stock, orders and their state machine, receipts,
//! staff roles and the permission policy, audit, events and the outbox, jobs.
//!
//! Knows SeaORM; knows nothing of axum or teloxide. Every service takes a [`Ctx`] and, where
//! someone acts, an [`Actor`]; every state change is one transaction that also writes history,
//! audit and an outbox event.

// The contexts, from the bottom up. `kernel` and `platform` are used by all; `operations`
// uses all; the business contexts between use one another only through their public calls.
pub mod catalog;
pub mod kernel;
pub mod messaging;
pub mod operations;
pub mod ordering;
pub mod people;
pub mod platform;
pub mod stores;

use std::sync::Arc;

pub use entity::kinds::OrderStatus;
pub use entity::kinds::ReceiptStatus;
pub use kernel::actor::{Actor, Channel, Principal};
pub use kernel::error::{Error, Result};
pub use kernel::ids::{OrderId, ProductId, ReceiptId, StoreId, UserId};
pub use kernel::money::{Currency, Money};
pub use kernel::policy::{Capability, Role, RoleExt};
pub use ordering::orders::status::OrderStatusExt;

use kernel::clock::Clock;
use platform::events::bus::EventBus;
use sea_orm::DatabaseConnection;

/// What every service needs: the database, the event bus doorbell and the clock.
#[derive(Clone)]
pub struct Ctx {
    pub db: DatabaseConnection,
    pub bus: Arc<dyn EventBus>,
    pub clock: Arc<dyn Clock>,
    /// Whether this deployment sends email (an SMTP host is configured): only then are email
    /// deliveries planned. Off unless the wiring turns it on ([`Ctx::with_email`]).
    pub email: bool,
    /// The most unpaid orders (awaiting payment or in review) a customer may have open in one
    /// store when placing another (see [`ordering::orders::place`]); `None`: no cap. Off unless the
    /// wiring sets it ([`Ctx::with_max_open_orders`]) from `orders.max_open_per_customer`.
    pub max_open_orders: Option<u32>,
}

impl Ctx {
    pub fn new(db: DatabaseConnection, bus: Arc<dyn EventBus>, clock: Arc<dyn Clock>) -> Self {
        Self {
            db,
            bus,
            clock,
            email: false,
            max_open_orders: None,
        }
    }

    /// The same context, with email deliveries planned (`true`) or not.
    pub fn with_email(mut self, on: bool) -> Self {
        self.email = on;
        self
    }

    /// The same context, with a customer's open unpaid orders per store capped at `max`
    /// (`None`: no cap).
    pub fn with_max_open_orders(mut self, max: Option<u32>) -> Self {
        self.max_open_orders = max;
        self
    }

    /// A context with the in-process bus and the system clock.
    pub fn local(db: DatabaseConnection) -> Self {
        Self::new(
            db,
            Arc::new(platform::events::bus::InProcessBus::new(1024)),
            Arc::new(kernel::clock::SystemClock),
        )
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
