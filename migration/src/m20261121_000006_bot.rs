//! What the Telegram bot keeps between updates: dialogue states (so a restart or a second
//! instance loses no conversation), customers' carts and the store each is shopping in, and
//! which staff want new-receipt alerts.
//!
//! `users.current_store_id` has no foreign key: SQLite cannot add one to an existing table.

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
                .table(Dialogues::Table)
                // Telegram's chat id: given, never generated (and negative for groups).
                .col(big_integer(Dialogues::ChatId).primary_key())
                .col(text(Dialogues::State))
                .col(ts(db, Dialogues::UpdatedAt))
                .take(),
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(CartItems::Table)
                .col(pk_id(db, CartItems::Id))
                .col(big_integer(CartItems::UserId))
                .col(big_integer(CartItems::StoreId))
                .col(big_integer(CartItems::ProductId))
                .col(integer(CartItems::Quantity))
                .col(ts(db, CartItems::CreatedAt))
                .col(ts(db, CartItems::UpdatedAt))
                .foreign_key(
                    fk(
                        "fk_cart_items_user",
                        (CartItems::Table, CartItems::UserId),
                        (Users::Table, Users::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk(
                        "fk_cart_items_store",
                        (CartItems::Table, CartItems::StoreId),
                        (Stores::Table, Stores::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk(
                        "fk_cart_items_product",
                        (CartItems::Table, CartItems::ProductId),
                        (Products::Table, Products::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade),
                )
                // An empty line is a removed line, never a stored one.
                .check(Check::named(
                    "ck_cart_items_quantity_pos",
                    Expr::col(CartItems::Quantity).gt(0),
                ))
                .take(),
        )
        .await?;
        // One line per product in a customer's cart of a store; it also serves reading the cart.
        index(
            manager,
            "uq_cart_items_user_store_product",
            CartItems::Table,
            [CartItems::UserId, CartItems::StoreId, CartItems::ProductId],
            true,
        )
        .await?;

        // SQLite takes one change per ALTER TABLE, so each column is its own statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(big_integer_null(Users::CurrentStoreId))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffRoles::Table)
                    .add_column(boolean(StaffRoles::ReceiptAlerts).default(true))
                    .take(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StaffRoles::Table)
                    .drop_column(StaffRoles::ReceiptAlerts)
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::CurrentStoreId)
                    .take(),
            )
            .await?;
        drop_tables(
            manager,
            [CartItems::Table.into_iden(), Dialogues::Table.into_iden()],
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
    CurrentStoreId,
}

#[derive(DeriveIden)]
enum StaffRoles {
    Table,
    ReceiptAlerts,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Dialogues {
    Table,
    ChatId,
    State,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CartItems {
    Table,
    Id,
    UserId,
    StoreId,
    ProductId,
    Quantity,
    CreatedAt,
    UpdatedAt,
}
