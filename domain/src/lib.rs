//! The business of Vitrina: stores, catalog and stock, orders and their state machine, receipts,
//! staff roles and the permission policy, audit, events and the outbox, jobs.
//!
//! Knows SeaORM; knows nothing of axum or teloxide. Every service takes a [`Ctx`] and, where
//! someone acts, an [`Actor`]; every state change is one transaction that also writes history,
//! audit and an outbox event.

pub mod actor;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod cart;
pub mod catalog;
pub mod clock;
pub mod customers;
pub mod db;
pub mod deliveries;
pub mod demo;
pub mod dialogues;
pub mod digest;
pub mod error;
pub mod events;
pub mod housekeeping;
pub mod ids;
pub mod inbound;
pub mod inbox;
pub mod invites;
pub mod jobs;
pub mod money;
pub mod notifications;
pub mod orders;
pub mod policy;
pub mod quarantine;
pub mod receipts;
pub mod sandbox;
pub mod spreadsheet;
pub mod staff;
pub mod store_texts;
pub mod stores;
pub mod updates;
pub mod users;
pub mod worker;

use std::sync::Arc;

pub use actor::{Actor, Channel, Principal};
pub use entity::kinds::ReceiptStatus;
pub use error::{Error, Result};
pub use ids::{OrderId, ProductId, ReceiptId, StoreId, UserId};
pub use money::{Currency, Money};
pub use orders::status::{OrderStatus, OrderStatusExt};
pub use policy::{Capability, Role, RoleExt};

use clock::Clock;
use events::bus::EventBus;
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
    /// store when placing another (see [`orders::place`]); `None`: no cap. Off unless the
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
            Arc::new(events::bus::InProcessBus::new(1024)),
            Arc::new(clock::SystemClock),
        )
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
