//! A value for every argument any message takes, so tests can render every message.
use crate::ArgValue;

pub fn sample_args() -> Vec<(&'static str, ArgValue)> {
    let text = |k: &'static str, v: &str| (k, ArgValue::from(v));
    let num = |k: &'static str, v: i64| (k, ArgValue::from(v));
    vec![
        text("what", "order"),
        text("field", "phone"),
        text("product", "Coffee"),
        num("available", 3),
        num("on_hand", 5),
        num("reserved", 7),
        text("from", "paid"),
        text("to", "awaiting_payment"),
        text("status", "paid"),
        text("by", "@anna"),
        text("at", "14:02"),
        text("slug", "coffee-shop"),
        text("sku", "CF-1"),
        text("role", "owner"),
        text("store", "Coffee Shop"),
        num("page", 1),
        num("pages", 3),
        text("title", "Mug"),
        text("price", "$5.00"),
        text("availability", "In stock"),
        text("description", "A mug."),
        num("count", 5),
        num("quantity", 2),
        text("amount", "$10.00"),
        text("total", "$10.00"),
        text("cart", "Mug × 2"),
        text("name", "Olena"),
        text("phone", "+380671234567"),
        text("address", "Kyiv"),
        num("number", 1042),
        text("instructions", "Card 1234"),
        text("deadline", "21.11.2026 14:00 UTC"),
        num("max_mb", 10),
        text("items", "• Mug × 2"),
        text("customer", "@carol"),
        num("receipts", 2),
        num("duplicates", 1),
        num("duplicate", 1),
        text("reason", "blurry photo"),
        text("tracking", "UA123"),
    ]
}
