//! Stores, users and the staff roles that join them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_table, drop_tables, fk, index, pk_id, ts};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();

        create_table(
            manager,
            Table::create()
                .table(Stores::Table)
                .col(pk_id(db, Stores::Id))
                .col(string_len(Stores::Slug, 64))
                .col(string_len(Stores::Name, 255))
                .col(string_len(Stores::Currency, 3))
                .col(text(Stores::PaymentInstructions))
                .col(integer(Stores::UnpaidDeadlineMinutes))
                .col(integer(Stores::LowStockDefault))
                .col(big_integer(Stores::NextOrderNumber).default(1))
                .col(ts(db, Stores::CreatedAt))
                .col(ts(db, Stores::UpdatedAt))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_stores_slug",
            Stores::Table,
            [Stores::Slug],
            true,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(Users::Table)
                .col(pk_id(db, Users::Id))
                .col(big_integer(Users::TelegramId))
                .col(string_len_null(Users::Username, 64))
                .col(string_len(Users::FirstName, 255))
                .col(string_len_null(Users::LastName, 255))
                .col(string_len(Users::Language, 16))
                .col(ts(db, Users::CreatedAt))
                .col(ts(db, Users::UpdatedAt))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_users_telegram_id",
            Users::Table,
            [Users::TelegramId],
            true,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(StaffRoles::Table)
                .col(pk_id(db, StaffRoles::Id))
                .col(big_integer(StaffRoles::UserId))
                .col(big_integer_null(StaffRoles::StoreId))
                .col(string_len(StaffRoles::Role, 32))
                .col(big_integer_null(StaffRoles::GrantedBy))
                .col(ts(db, StaffRoles::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_staff_roles_user",
                    (StaffRoles::Table, StaffRoles::UserId),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_staff_roles_store",
                    (StaffRoles::Table, StaffRoles::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_staff_roles_granted_by",
                    (StaffRoles::Table, StaffRoles::GrantedBy),
                    (Users::Table, Users::Id),
                ))
                .take(),
        )
        .await?;
        // NULLs are distinct in a unique index on every backend, so this does not stop a
        // second platform-wide (store_id NULL) row for the same user.
        index(
            manager,
            "uq_staff_roles_user_store",
            StaffRoles::Table,
            [StaffRoles::UserId, StaffRoles::StoreId],
            true,
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                StaffRoles::Table.into_iden(),
                Users::Table.into_iden(),
                Stores::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Stores {
    Table,
    Id,
    Slug,
    Name,
    Currency,
    PaymentInstructions,
    UnpaidDeadlineMinutes,
    LowStockDefault,
    NextOrderNumber,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TelegramId,
    Username,
    FirstName,
    LastName,
    Language,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StaffRoles {
    Table,
    Id,
    UserId,
    StoreId,
    Role,
    GrantedBy,
    CreatedAt,
}
