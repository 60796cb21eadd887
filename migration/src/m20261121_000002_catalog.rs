//! The catalog: products with their stock counters.
//!
//! `stock_movements` belongs to the catalog too but references `orders`, and SQLite cannot add
//! a foreign key to an existing table, so it is created with the orders (000003).

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
                .table(Products::Table)
                .col(pk_id(db, Products::Id))
                .col(big_integer(Products::StoreId))
                .col(string_len(Products::Sku, 64))
                .col(string_len(Products::Title, 255))
                .col(text(Products::Description))
                .col(big_integer(Products::PriceMinor))
                .col(string_len(Products::Currency, 3))
                .col(integer(Products::OnHand))
                .col(integer(Products::Reserved).default(0))
                .col(integer_null(Products::LowStockThreshold))
                .col(boolean(Products::Active).default(true))
                .col(string_len_null(Products::PhotoKey, 255))
                .col(ts(db, Products::CreatedAt))
                .col(ts(db, Products::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_products_store",
                    (Products::Table, Products::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                // The stock invariant, enforced by the database as a last line behind the
                // conditional updates in the domain: never negative, never oversold.
                .check(Check::named(
                    "ck_products_on_hand_nonneg",
                    Expr::col(Products::OnHand).gte(0),
                ))
                .check(Check::named(
                    "ck_products_reserved_nonneg",
                    Expr::col(Products::Reserved).gte(0),
                ))
                .check(Check::named(
                    "ck_products_reserved_le_on_hand",
                    Expr::col(Products::Reserved).lte(Expr::col(Products::OnHand)),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_products_store_sku",
            Products::Table,
            [Products::StoreId, Products::Sku],
            true,
        )
        .await?;
        index(
            manager,
            "idx_products_store_active",
            Products::Table,
            [Products::StoreId, Products::Active],
            false,
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, [Products::Table]).await
    }
}

#[derive(DeriveIden)]
enum Stores {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    StoreId,
    Sku,
    Title,
    Description,
    PriceMinor,
    Currency,
    OnHand,
    Reserved,
    LowStockThreshold,
    Active,
    PhotoKey,
    CreatedAt,
    UpdatedAt,
}
