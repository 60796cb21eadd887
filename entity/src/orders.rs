//! `orders` table.
use sea_orm::entity::prelude::*;

use crate::kinds::OrderStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub store_id: i64,
    pub number: i64,
    pub customer_id: i64,
    pub status: OrderStatus,
    pub total_minor: i64,
    pub currency: String,
    pub delivery_name: String,
    pub delivery_phone: String,
    #[sea_orm(column_type = "Text")]
    pub delivery_address: String,
    pub assignee_id: Option<i64>,
    pub tracking_number: Option<String>,
    pub payment_due_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
