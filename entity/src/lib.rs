//! SeaORM entities, one file per table. No behaviour lives here.

pub mod stores;
pub mod users;
pub mod staff_roles;
pub mod products;
pub mod stock_movements;
pub mod orders;
pub mod order_items;
pub mod order_history;
pub mod receipts;
pub mod audit_log;
pub mod notifications;
pub mod outbox_events;
pub mod sessions;
pub mod login_challenges;
pub mod processed_updates;
pub mod jobs;

pub mod prelude {
    pub use super::stores::Entity as Stores;
    pub use super::users::Entity as Users;
    pub use super::staff_roles::Entity as StaffRoles;
    pub use super::products::Entity as Products;
    pub use super::stock_movements::Entity as StockMovements;
    pub use super::orders::Entity as Orders;
    pub use super::order_items::Entity as OrderItems;
    pub use super::order_history::Entity as OrderHistory;
    pub use super::receipts::Entity as Receipts;
    pub use super::audit_log::Entity as AuditLog;
    pub use super::notifications::Entity as Notifications;
    pub use super::outbox_events::Entity as OutboxEvents;
    pub use super::sessions::Entity as Sessions;
    pub use super::login_challenges::Entity as LoginChallenges;
    pub use super::processed_updates::Entity as ProcessedUpdates;
    pub use super::jobs::Entity as Jobs;
}
