//! Where a chat is in a multi-step flow. Kept in the database (see [`crate::storage`]), so a
//! restart loses no checkout.
use serde::{Deserialize, Serialize};
use teloxide::dispatching::dialogue::Dialogue;

use crate::storage::DbStorage;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    #[default]
    Idle,
    /// Checkout: asking for the recipient's name.
    Name {
        store: i64,
    },
    Phone {
        store: i64,
        name: String,
    },
    Address {
        store: i64,
        name: String,
        phone: String,
    },
    Confirm {
        store: i64,
        name: String,
        phone: String,
        address: String,
    },
    /// Staff: asking why a payment is rejected.
    RejectReason {
        order: i64,
    },
    /// A receipt arrived and the customer has several open orders: which one is it for?
    ReceiptTarget {
        file: PendingFile,
    },
}

/// A file a customer sent that waits for them to pick its order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingFile {
    pub file_id: String,
    pub unique_id: String,
    pub size: u32,
}

pub type BotDialogue = Dialogue<State, DbStorage>;
