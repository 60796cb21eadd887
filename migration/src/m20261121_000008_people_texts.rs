//! Per-language texts, staff invitations and customer blocks (issue 5).
//!
//! - `product_texts` / `store_texts`: a title, description or payment instructions in one
//!   language. The columns on `products` / `stores` stay the default text, shown in any language
//!   without its own row.
//! - `staff_invites`: one-time deep links (`start=invite_<token>`) that grant a role to whoever
//!   opens them first; only the token's SHA-256 is kept.
//! - `customer_blocks`: a customer a store refuses orders from.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_table, drop_tables, fk, index, pk_id, ts, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();

        create_table(
            manager,
            Table::create()
                .table(ProductTexts::Table)
                .col(pk_id(db, ProductTexts::Id))
                .col(big_integer(ProductTexts::ProductId))
                .col(string_len(ProductTexts::Lang, 8))
                .col(string_len(ProductTexts::Title, 255))
                .col(text(ProductTexts::Description))
                .foreign_key(&mut fk(
                    "fk_product_texts_product",
                    (ProductTexts::Table, ProductTexts::ProductId),
                    (Products::Table, Products::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_product_texts_product_lang",
            ProductTexts::Table,
            [ProductTexts::ProductId, ProductTexts::Lang],
            true,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(StoreTexts::Table)
                .col(pk_id(db, StoreTexts::Id))
                .col(big_integer(StoreTexts::StoreId))
                .col(string_len(StoreTexts::Lang, 8))
                .col(text(StoreTexts::PaymentInstructions))
                .foreign_key(&mut fk(
                    "fk_store_texts_store",
                    (StoreTexts::Table, StoreTexts::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_store_texts_store_lang",
            StoreTexts::Table,
            [StoreTexts::StoreId, StoreTexts::Lang],
            true,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(StaffInvites::Table)
                .col(pk_id(db, StaffInvites::Id))
                .col(string_len(StaffInvites::TokenHash, 64))
                // `None` for an OWNER invitation (a platform-wide role).
                .col(big_integer_null(StaffInvites::StoreId))
                .col(string_len(StaffInvites::Role, 16))
                .col(big_integer(StaffInvites::CreatedBy))
                .col(ts(db, StaffInvites::CreatedAt))
                .col(ts(db, StaffInvites::ExpiresAt))
                .col(big_integer_null(StaffInvites::UsedBy))
                .col(ts_null(db, StaffInvites::UsedAt))
                .col(ts_null(db, StaffInvites::RevokedAt))
                .foreign_key(&mut fk(
                    "fk_staff_invites_store",
                    (StaffInvites::Table, StaffInvites::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_staff_invites_creator",
                    (StaffInvites::Table, StaffInvites::CreatedBy),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_staff_invites_used_by",
                    (StaffInvites::Table, StaffInvites::UsedBy),
                    (Users::Table, Users::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_staff_invites_token",
            StaffInvites::Table,
            [StaffInvites::TokenHash],
            true,
        )
        .await?;
        index(
            manager,
            "idx_staff_invites_store",
            StaffInvites::Table,
            [StaffInvites::StoreId, StaffInvites::CreatedAt],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(CustomerBlocks::Table)
                .col(pk_id(db, CustomerBlocks::Id))
                .col(big_integer(CustomerBlocks::StoreId))
                .col(big_integer(CustomerBlocks::UserId))
                .col(string_len(CustomerBlocks::Reason, 500))
                .col(big_integer(CustomerBlocks::BlockedBy))
                .col(ts(db, CustomerBlocks::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_customer_blocks_store",
                    (CustomerBlocks::Table, CustomerBlocks::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_customer_blocks_user",
                    (CustomerBlocks::Table, CustomerBlocks::UserId),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_customer_blocks_blocker",
                    (CustomerBlocks::Table, CustomerBlocks::BlockedBy),
                    (Users::Table, Users::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_customer_blocks_store_user",
            CustomerBlocks::Table,
            [CustomerBlocks::StoreId, CustomerBlocks::UserId],
            true,
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                CustomerBlocks::Table.into_iden(),
                StaffInvites::Table.into_iden(),
                StoreTexts::Table.into_iden(),
                ProductTexts::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Stores {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProductTexts {
    Table,
    Id,
    ProductId,
    Lang,
    Title,
    Description,
}

#[derive(DeriveIden)]
enum StoreTexts {
    Table,
    Id,
    StoreId,
    Lang,
    PaymentInstructions,
}

#[derive(DeriveIden)]
enum StaffInvites {
    Table,
    Id,
    TokenHash,
    StoreId,
    Role,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedBy,
    UsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum CustomerBlocks {
    Table,
    Id,
    StoreId,
    UserId,
    Reason,
    BlockedBy,
    CreatedAt,
}
