//! `staff_invites` table: one-time deep links that grant a staff role.
use sea_orm::entity::prelude::*;

use crate::kinds::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_invites")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Hex SHA-256 of the token in the link; the token itself is never stored.
    pub token_hash: String,
    /// `None` for an OWNER invitation (a platform-wide role).
    pub store_id: Option<i64>,
    pub role: Role,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_by: Option<i64>,
    pub used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
