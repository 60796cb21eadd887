//! SeaORM entities, one file per table, and the vocabularies their typed columns hold
//! ([`kinds`]). No behaviour lives here.

pub mod audit_log;
pub mod cart_items;
pub mod customer_blocks;
pub mod dialogues;
pub mod jobs;
pub mod kinds;
pub mod login_challenges;
pub mod notification_deliveries;
pub mod notification_preferences;
pub mod notifications;
pub mod order_history;
pub mod order_items;
pub mod orders;
pub mod outbox_events;
pub mod processed_updates;
pub mod product_texts;
pub mod products;
pub mod receipts;
pub mod sessions;
pub mod staff_invites;
pub mod staff_roles;
pub mod stock_movements;
pub mod store_texts;
pub mod stores;
pub mod telegram_inbox;
pub mod user_emails;
pub mod users;

pub mod prelude {
    pub use super::audit_log::Entity as AuditLog;
    pub use super::cart_items::Entity as CartItems;
    pub use super::customer_blocks::Entity as CustomerBlocks;
    pub use super::dialogues::Entity as Dialogues;
    pub use super::jobs::Entity as Jobs;
    pub use super::login_challenges::Entity as LoginChallenges;
    pub use super::notification_deliveries::Entity as NotificationDeliveries;
    pub use super::notification_preferences::Entity as NotificationPreferences;
    pub use super::notifications::Entity as Notifications;
    pub use super::order_history::Entity as OrderHistory;
    pub use super::order_items::Entity as OrderItems;
    pub use super::orders::Entity as Orders;
    pub use super::outbox_events::Entity as OutboxEvents;
    pub use super::processed_updates::Entity as ProcessedUpdates;
    pub use super::product_texts::Entity as ProductTexts;
    pub use super::products::Entity as Products;
    pub use super::receipts::Entity as Receipts;
    pub use super::sessions::Entity as Sessions;
    pub use super::staff_invites::Entity as StaffInvites;
    pub use super::staff_roles::Entity as StaffRoles;
    pub use super::stock_movements::Entity as StockMovements;
    pub use super::store_texts::Entity as StoreTexts;
    pub use super::stores::Entity as Stores;
    pub use super::telegram_inbox::Entity as TelegramInbox;
    pub use super::user_emails::Entity as UserEmails;
    pub use super::users::Entity as Users;
}
