//! Durable notification deliveries: every notice (see [`crate::messaging::notifications`]) becomes one row
//! per recipient and channel, claimed by a sender under a lease, retried with backoff and kept
//! as `failed` with the reason when it gives up, so no instance sends twice and no crash loses
//! a send.
//!
//! - [`plan`]: fed by the outbox through a leased consumer; writes the rows idempotently.
//! - [`send`]: what a sender does: claim due rows, then mark each sent or failed.
//! - [`staff`]: the failed-deliveries page and its retry button.
//! - [`preferences`]: a person's switches per kind and channel.
use crate::kernel::error::{Error, Result};
use crate::messaging::notifications::What;

pub use entity::kinds::DeliveryStatus;

pub mod plan;
pub mod preferences;
pub mod send;
pub mod staff;

/// Where a delivery goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryChannel {
    Telegram,
    /// The backoffice notification center.
    InApp,
    /// SMTP, to the address the person set; only where the deployment configured email.
    Email,
}

impl DeliveryChannel {
    pub const ALL: [DeliveryChannel; 3] = [
        DeliveryChannel::Telegram,
        DeliveryChannel::InApp,
        DeliveryChannel::Email,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryChannel::Telegram => "telegram",
            DeliveryChannel::InApp => "in_app",
            DeliveryChannel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(Error::Invalid { field: "channel" })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    High,
    Normal,
}

impl Priority {
    /// Stored so that `high` sorts before `normal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Normal => "normal",
        }
    }
}

/// What kind of notice a delivery carries, its priority and the channels it can go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    pub name: &'static str,
    pub priority: Priority,
    pub channels: &'static [DeliveryChannel],
}

const TELEGRAM: &[DeliveryChannel] = &[DeliveryChannel::Telegram];
/// The staff's kinds: Telegram, the notification center and email.
const STAFF: &[DeliveryChannel] = &[
    DeliveryChannel::Telegram,
    DeliveryChannel::InApp,
    DeliveryChannel::Email,
];

const fn kind(
    name: &'static str,
    priority: Priority,
    channels: &'static [DeliveryChannel],
) -> Kind {
    Kind {
        name,
        priority,
        channels,
    }
}

pub const NEW_RECEIPT: Kind = kind("new_receipt", Priority::High, STAFF);
pub const LOW_STOCK: Kind = kind("low_stock", Priority::Normal, STAFF);
pub const DAILY_DIGEST: Kind = kind("daily_digest", Priority::Normal, STAFF);
pub const VERIFIED: Kind = kind("verified", Priority::Normal, TELEGRAM);
pub const REJECTED: Kind = kind("rejected", Priority::Normal, TELEGRAM);
pub const SHIPPED: Kind = kind("shipped", Priority::Normal, TELEGRAM);
pub const CANCELLED: Kind = kind("cancelled", Priority::Normal, TELEGRAM);
pub const EXPIRED: Kind = kind("expired", Priority::Normal, TELEGRAM);
pub const REFUNDED: Kind = kind("refunded", Priority::Normal, TELEGRAM);
pub const COMPLETED: Kind = kind("completed", Priority::Normal, TELEGRAM);

/// The table: every kind, its priority and channels. The notification center shows only the
/// staff's kinds (receipts to check, low stock, the daily digest); customers hear about their orders in Telegram.
pub const KINDS: [Kind; 10] = [
    NEW_RECEIPT,
    LOW_STOCK,
    DAILY_DIGEST,
    VERIFIED,
    REJECTED,
    SHIPPED,
    CANCELLED,
    EXPIRED,
    REFUNDED,
    COMPLETED,
];

/// The kind of a notice.
pub fn kind_of(what: &What) -> &'static Kind {
    match what {
        What::NewReceipt { .. } => &NEW_RECEIPT,
        What::LowStock { .. } => &LOW_STOCK,
        What::DailyDigest { .. } => &DAILY_DIGEST,
        What::Verified { .. } => &VERIFIED,
        What::Rejected { .. } => &REJECTED,
        What::Shipped { .. } => &SHIPPED,
        What::Cancelled { .. } => &CANCELLED,
        What::Expired { .. } => &EXPIRED,
        What::Refunded { .. } => &REFUNDED,
        What::Completed { .. } => &COMPLETED,
    }
}

/// A kind by its stored name.
pub fn find_kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}
