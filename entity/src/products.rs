//! `products` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub store_id: i64,
    pub sku: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub price_minor: i64,
    pub currency: String,
    pub on_hand: i32,
    pub reserved: i32,
    pub low_stock_threshold: Option<i32>,
    pub active: bool,
    pub photo_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
