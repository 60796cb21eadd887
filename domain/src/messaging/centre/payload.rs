//! What a notification center entry says, as stored: the row's `kind` column names the variant
//! (the kind's name in [`crate::messaging::deliveries::KINDS`]) and its `payload` column holds the
//! variant's fields as JSON, under the names rows have always been written with.
use serde::{Deserialize, Serialize};

use crate::kernel::error::{Error, Result};
use crate::messaging::deliveries::{self, Kind};
use crate::messaging::notifications::What;

/// One entry of the notification center.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    /// A receipt to check on an order.
    NewReceipt { order_id: i64, number: i64 },
    /// A product running out.
    LowStock { title: String, available: i64 },
    /// A store's figures for the day (see [`crate::messaging::digest`]).
    DailyDigest {
        store: String,
        orders: i64,
        revenue_minor: i64,
        currency: String,
        pending_receipts: i64,
    },
}

impl Payload {
    /// The entry for a notice; `None` for the kinds the center does not show (the customers',
    /// told in Telegram only).
    pub fn of(what: &What) -> Option<Payload> {
        match what {
            What::NewReceipt { order, .. } => Some(Payload::NewReceipt {
                order_id: order.id,
                number: order.number,
            }),
            What::LowStock { title, available } => Some(Payload::LowStock {
                title: title.clone(),
                available: *available,
            }),
            What::DailyDigest {
                store,
                orders,
                revenue,
                pending_receipts,
            } => Some(Payload::DailyDigest {
                store: store.clone(),
                orders: *orders,
                revenue_minor: revenue.minor,
                currency: revenue.currency.code().to_owned(),
                pending_receipts: *pending_receipts,
            }),
            What::Verified { .. }
            | What::Rejected { .. }
            | What::Shipped { .. }
            | What::Cancelled { .. }
            | What::Expired { .. }
            | What::Refunded { .. }
            | What::Completed { .. } => None,
        }
    }

    /// The kind stored in the row's `kind` column.
    pub fn kind(&self) -> &'static Kind {
        match self {
            Payload::NewReceipt { .. } => &deliveries::NEW_RECEIPT,
            Payload::LowStock { .. } => &deliveries::LOW_STOCK,
            Payload::DailyDigest { .. } => &deliveries::DAILY_DIGEST,
        }
    }

    /// The `payload` column's text: the fields without the kind, which has a column of its own.
    pub fn to_column(&self) -> Result<String> {
        let mut value = serde_json::to_value(self).map_err(internal)?;
        if let Some(fields) = value.as_object_mut() {
            fields.remove("kind");
        }
        Ok(value.to_string())
    }

    /// Reads a stored row's `kind` and `payload` columns back. A kind the center does not know,
    /// or fields that are missing or of another type, are an error: such a row is never shown
    /// as some other kind.
    pub fn read(kind: &str, payload: &str) -> Result<Payload, serde_json::Error> {
        let mut value: serde_json::Value = serde_json::from_str(payload)?;
        if let Some(fields) = value.as_object_mut() {
            fields.insert("kind".to_owned(), kind.into());
        }
        serde_json::from_value(value)
    }
}

fn internal(e: serde_json::Error) -> Error {
    Error::Internal(format!("notification payload: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> [Payload; 3] {
        [
            Payload::NewReceipt {
                order_id: 7,
                number: 1042,
            },
            Payload::LowStock {
                title: "Mug \"blue\" ☕".into(),
                available: 2,
            },
            Payload::DailyDigest {
                store: "Main".into(),
                orders: 37,
                revenue_minor: 123_450,
                currency: "UAH".into(),
                pending_receipts: 9,
            },
        ]
    }

    #[test]
    fn every_kind_is_stored_under_its_kinds_name_and_reads_back() {
        for payload in every_kind() {
            let column = payload.to_column().unwrap();
            assert!(!column.contains("\"kind\""), "{column}");
            assert_eq!(
                Payload::read(payload.kind().name, &column).unwrap(),
                payload
            );
            let tagged = serde_json::to_value(&payload).unwrap();
            assert_eq!(tagged["kind"], payload.kind().name, "{tagged}");
        }
    }

    #[test]
    fn rows_written_before_the_type_read_as_before() {
        let rows = [
            (
                "new_receipt",
                r#"{"order_id":7,"number":1042}"#,
                &every_kind()[0],
            ),
            (
                "low_stock",
                r#"{"available":2,"title":"Mug \"blue\" ☕"}"#,
                &every_kind()[1],
            ),
            (
                "daily_digest",
                r#"{"currency":"UAH","orders":37,"pending_receipts":9,"revenue_minor":123450,"store":"Main"}"#,
                &every_kind()[2],
            ),
        ];
        for (kind, payload, want) in rows {
            assert_eq!(&Payload::read(kind, payload).unwrap(), want, "{kind}");
        }
    }

    #[test]
    fn rows_that_do_not_read_are_errors_not_another_kind() {
        let receipt = r#"{"order_id":7,"number":1042}"#;
        for (kind, payload) in [
            ("verified", receipt),
            ("something_new", receipt),
            ("", receipt),
            ("low_stock", receipt),
            ("new_receipt", r#"{"order_id":7}"#),
            ("new_receipt", r#"{"order_id":"7","number":1042}"#),
            ("new_receipt", "[7, 1042]"),
            ("new_receipt", "null"),
            ("new_receipt", ""),
            ("new_receipt", "{"),
        ] {
            assert!(
                Payload::read(kind, payload).is_err(),
                "{kind} {payload} read as {:?}",
                Payload::read(kind, payload)
            );
        }
    }
}
