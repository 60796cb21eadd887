//! `receipts` table.
use sea_orm::entity::prelude::*;

use crate::kinds::ReceiptStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "receipts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub store_id: i64,
    pub uploaded_by: i64,
    pub storage_key: Option<String>,
    pub sha256: String,
    pub telegram_file_id: Option<String>,
    pub telegram_file_unique_id: Option<String>,
    pub mime: String,
    pub size_bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub status: ReceiptStatus,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub duplicate_of_receipt_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
