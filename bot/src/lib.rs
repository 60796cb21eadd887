//! The Telegram adapter (teloxide). Arrives with its own issue: customers ordering and sending
//! receipts, admins verifying in chat. It will only parse updates, call `domain` and render
//! replies from `locales/`.
