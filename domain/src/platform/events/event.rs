use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::kernel::actor::Channel;
use crate::kernel::ids::{OrderId, ProductId, ReceiptId, StoreId, UserId};
use crate::kernel::money::Money;
use crate::kernel::policy::Role;
use entity::kinds::OrderStatus;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DomainEvent {
    StoreCreated {
        store_id: StoreId,
        slug: String,
    },
    StoreUpdated {
        store_id: StoreId,
    },
    OrderPlaced {
        order_id: OrderId,
        store_id: StoreId,
        number: i64,
        customer_id: UserId,
        total_minor: i64,
        currency: String,
    },
    ReceiptAttached {
        receipt_id: ReceiptId,
        order_id: OrderId,
        store_id: StoreId,
        number: i64,
        duplicate_of: Option<ReceiptId>,
    },
    OrderStatusChanged {
        order_id: OrderId,
        store_id: StoreId,
        number: i64,
        from: OrderStatus,
        to: OrderStatus,
        actor: Option<UserId>,
        channel: Channel,
        reason: Option<String>,
    },
    OrderAssigned {
        order_id: OrderId,
        store_id: StoreId,
        number: i64,
        /// `None` when released.
        assignee: Option<UserId>,
    },
    ProductSaved {
        product_id: ProductId,
        store_id: StoreId,
    },
    /// Available stock fell to or below the low-stock threshold (once per crossing).
    LowStock {
        product_id: ProductId,
        store_id: StoreId,
        title: String,
        available: i64,
        threshold: i64,
    },
    StockAdjusted {
        product_id: ProductId,
        store_id: StoreId,
        delta: i64,
        on_hand: i64,
    },
    RoleGranted {
        user_id: UserId,
        store_id: Option<StoreId>,
        role: Role,
    },
    RoleRevoked {
        user_id: UserId,
        store_id: Option<StoreId>,
    },
    /// A store's figures for the 24 hours before `until` (see `crate::messaging::digest`).
    DailyDigest {
        store_id: StoreId,
        until: DateTime<Utc>,
        orders: i64,
        revenue: Money,
        pending_receipts: i64,
    },
}

impl DomainEvent {
    pub fn event_type(&self) -> &'static str {
        match self {
            DomainEvent::StoreCreated { .. } => "store_created",
            DomainEvent::StoreUpdated { .. } => "store_updated",
            DomainEvent::OrderPlaced { .. } => "order_placed",
            DomainEvent::ReceiptAttached { .. } => "receipt_attached",
            DomainEvent::OrderStatusChanged { .. } => "order_status_changed",
            DomainEvent::OrderAssigned { .. } => "order_assigned",
            DomainEvent::ProductSaved { .. } => "product_saved",
            DomainEvent::StockAdjusted { .. } => "stock_adjusted",
            DomainEvent::LowStock { .. } => "low_stock",
            DomainEvent::RoleGranted { .. } => "role_granted",
            DomainEvent::RoleRevoked { .. } => "role_revoked",
            DomainEvent::DailyDigest { .. } => "daily_digest",
        }
    }

    pub fn store_id(&self) -> Option<StoreId> {
        match self {
            DomainEvent::StoreCreated { store_id, .. }
            | DomainEvent::StoreUpdated { store_id }
            | DomainEvent::OrderPlaced { store_id, .. }
            | DomainEvent::ReceiptAttached { store_id, .. }
            | DomainEvent::OrderStatusChanged { store_id, .. }
            | DomainEvent::OrderAssigned { store_id, .. }
            | DomainEvent::ProductSaved { store_id, .. }
            | DomainEvent::StockAdjusted { store_id, .. }
            | DomainEvent::LowStock { store_id, .. }
            | DomainEvent::DailyDigest { store_id, .. } => Some(*store_id),
            DomainEvent::RoleGranted { store_id, .. }
            | DomainEvent::RoleRevoked { store_id, .. } => *store_id,
        }
    }
}

/// An event as it left the outbox: its id is the consumers' idempotency key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub event: DomainEvent,
}
