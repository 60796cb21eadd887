//! From a cart to a paid and delivered order: the cart, orders and their state machine (one
//! transition table, the steps each actor may take), and receipts, the proof of payment.
pub mod cart;
pub mod orders;
pub mod receipts;
