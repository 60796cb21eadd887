//! `staff_roles` table.
use sea_orm::entity::prelude::*;

use crate::kinds::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_roles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// `None` for a platform-wide role (OWNER).
    pub store_id: Option<i64>,
    pub role: Role,
    pub granted_by: Option<i64>,
    /// Whether this staff member is told in Telegram about new receipts.
    pub receipt_alerts: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
