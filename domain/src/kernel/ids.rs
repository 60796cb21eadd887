//! Typed ids, so a store id can never be passed where an order id is expected.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = crate::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|v| *v > 0)
                    .map($name)
                    .ok_or(crate::Error::Invalid { field: stringify!($name) })
            }
        }
    )*};
}

id_type!(
    /// `stores.id`
    StoreId,
    /// `users.id` (our id, not the Telegram id)
    UserId,
    /// `products.id`
    ProductId,
    /// `orders.id` (not the per-store order number)
    OrderId,
    /// `receipts.id`
    ReceiptId,
);
