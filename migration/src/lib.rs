//! Vitrina's schema history. Each migration is written out by hand with sea-query's schema
//! builder and is frozen once released: a change to the schema is a new migration, never an
//! edit of an old one. Every migration must run on SQLite, PostgreSQL and MySQL/MariaDB.

pub use sea_orm_migration::prelude::*;
pub use sea_orm_migration::{MigrationTrait, MigratorTrait};

mod helpers;
mod m20261121_000001_stores_users;
mod m20261121_000002_catalog;
mod m20261121_000003_orders;
mod m20261121_000004_events;
mod m20261121_000005_auth;
mod m20261121_000006_bot;
mod m20261121_000007_audit_append_only;
mod m20261121_000008_people_texts;
mod m20261121_000009_deliveries;
mod m20261121_000010_user_emails;
mod m20261121_000011_orders_list_index;
mod m20261121_000012_telegram_inbox;
mod m20261204_000013_inbox_quarantine;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_stores_users::Migration),
            Box::new(m20261121_000002_catalog::Migration),
            Box::new(m20261121_000003_orders::Migration),
            Box::new(m20261121_000004_events::Migration),
            Box::new(m20261121_000005_auth::Migration),
            Box::new(m20261121_000006_bot::Migration),
            Box::new(m20261121_000007_audit_append_only::Migration),
            Box::new(m20261121_000008_people_texts::Migration),
            Box::new(m20261121_000009_deliveries::Migration),
            Box::new(m20261121_000010_user_emails::Migration),
            Box::new(m20261121_000011_orders_list_index::Migration),
            Box::new(m20261121_000012_telegram_inbox::Migration),
            Box::new(m20261204_000013_inbox_quarantine::Migration),
        ]
    }
}

/// Every table the migrations create, in creation order.
pub const TABLES: [&str; 26] = [
    "stores",
    "users",
    "staff_roles",
    "products",
    "orders",
    "order_items",
    "order_history",
    "receipts",
    "stock_movements",
    "audit_log",
    "notifications",
    "outbox_events",
    "jobs",
    "processed_updates",
    "sessions",
    "login_challenges",
    "dialogues",
    "cart_items",
    "product_texts",
    "store_texts",
    "staff_invites",
    "customer_blocks",
    "notification_deliveries",
    "notification_preferences",
    "user_emails",
    "telegram_inbox",
];
