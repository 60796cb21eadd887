//! `order_history` table.
use sea_orm::entity::prelude::*;

use crate::kinds::{Channel, OrderStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    /// What happened: `status_changed`, `assigned`, `released`, `receipt_attached`.
    pub action: String,
    pub from_status: Option<OrderStatus>,
    pub to_status: OrderStatus,
    pub actor_user_id: Option<i64>,
    pub channel: Channel,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
