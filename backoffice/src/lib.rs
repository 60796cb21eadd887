//! The browser backoffice (axum). Arrives with its own issue: QR login through the bot,
//! payment verification, orders, catalog, staff and reports. Handlers will only parse requests,
//! call `domain` and render pages.
