//! Orders with their lines, history and payment receipts, and the stock ledger (which points at
//! orders, so it lives here rather than with the catalog).

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
                .table(Orders::Table)
                .col(pk_id(db, Orders::Id))
                .col(big_integer(Orders::StoreId))
                .col(big_integer(Orders::Number))
                .col(big_integer(Orders::CustomerId))
                .col(string_len(Orders::Status, 32))
                .col(big_integer(Orders::TotalMinor))
                .col(string_len(Orders::Currency, 3))
                .col(string_len(Orders::DeliveryName, 255))
                .col(string_len(Orders::DeliveryPhone, 64))
                .col(text(Orders::DeliveryAddress))
                .col(big_integer_null(Orders::AssigneeId))
                .col(string_len_null(Orders::TrackingNumber, 128))
                .col(ts_null(db, Orders::PaymentDueAt))
                .col(integer(Orders::Version).default(0))
                .col(ts(db, Orders::CreatedAt))
                .col(ts(db, Orders::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_orders_store",
                    (Orders::Table, Orders::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_orders_customer",
                    (Orders::Table, Orders::CustomerId),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_orders_assignee",
                    (Orders::Table, Orders::AssigneeId),
                    (Users::Table, Users::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_orders_store_number",
            Orders::Table,
            [Orders::StoreId, Orders::Number],
            true,
        )
        .await?;
        // The store's order list: filter by status, newest first, keyset-paginated by id.
        index(
            manager,
            "idx_orders_store_status_created",
            Orders::Table,
            [
                IndexColumn::from(Orders::StoreId),
                IndexColumn::from(Orders::Status),
                IndexColumn::from((Orders::CreatedAt, IndexOrder::Desc)),
                IndexColumn::from((Orders::Id, IndexOrder::Desc)),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_orders_customer_created",
            Orders::Table,
            [Orders::CustomerId, Orders::CreatedAt],
            false,
        )
        .await?;
        index(
            manager,
            "idx_orders_status_payment_due",
            Orders::Table,
            [Orders::Status, Orders::PaymentDueAt],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(OrderItems::Table)
                .col(pk_id(db, OrderItems::Id))
                .col(big_integer(OrderItems::OrderId))
                .col(big_integer(OrderItems::ProductId))
                .col(string_len(OrderItems::Sku, 64))
                .col(string_len(OrderItems::Title, 255))
                .col(big_integer(OrderItems::UnitPriceMinor))
                .col(integer(OrderItems::Quantity))
                .col(big_integer(OrderItems::LineTotalMinor))
                .foreign_key(
                    fk(
                        "fk_order_items_order",
                        (OrderItems::Table, OrderItems::OrderId),
                        (Orders::Table, Orders::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut fk(
                    "fk_order_items_product",
                    (OrderItems::Table, OrderItems::ProductId),
                    (Products::Table, Products::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "idx_order_items_order",
            OrderItems::Table,
            [OrderItems::OrderId],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(OrderHistory::Table)
                .col(pk_id(db, OrderHistory::Id))
                .col(big_integer(OrderHistory::OrderId))
                .col(string_len(OrderHistory::Action, 32))
                .col(string_len_null(OrderHistory::FromStatus, 32))
                .col(string_len(OrderHistory::ToStatus, 32))
                .col(big_integer_null(OrderHistory::ActorUserId))
                .col(string_len(OrderHistory::Channel, 16))
                .col(text_null(OrderHistory::Reason))
                .col(ts(db, OrderHistory::CreatedAt))
                .foreign_key(
                    fk(
                        "fk_order_history_order",
                        (OrderHistory::Table, OrderHistory::OrderId),
                        (Orders::Table, Orders::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut fk(
                    "fk_order_history_actor",
                    (OrderHistory::Table, OrderHistory::ActorUserId),
                    (Users::Table, Users::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "idx_order_history_order_id",
            OrderHistory::Table,
            [OrderHistory::OrderId, OrderHistory::Id],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(Receipts::Table)
                .col(pk_id(db, Receipts::Id))
                .col(big_integer(Receipts::OrderId))
                .col(big_integer(Receipts::StoreId))
                .col(big_integer(Receipts::UploadedBy))
                .col(string_len_null(Receipts::StorageKey, 255))
                .col(string_len(Receipts::Sha256, 64))
                .col(string_len_null(Receipts::TelegramFileId, 255))
                .col(string_len_null(Receipts::TelegramFileUniqueId, 255))
                .col(string_len(Receipts::Mime, 127))
                .col(big_integer(Receipts::SizeBytes))
                .col(integer_null(Receipts::Width))
                .col(integer_null(Receipts::Height))
                .col(string_len(Receipts::Status, 32))
                .col(big_integer_null(Receipts::DecidedBy))
                .col(ts_null(db, Receipts::DecidedAt))
                .col(text_null(Receipts::Reason))
                .col(big_integer_null(Receipts::DuplicateOfReceiptId))
                .col(ts(db, Receipts::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_receipts_order",
                    (Receipts::Table, Receipts::OrderId),
                    (Orders::Table, Orders::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_receipts_store",
                    (Receipts::Table, Receipts::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_receipts_uploaded_by",
                    (Receipts::Table, Receipts::UploadedBy),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_receipts_decided_by",
                    (Receipts::Table, Receipts::DecidedBy),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_receipts_duplicate_of",
                    (Receipts::Table, Receipts::DuplicateOfReceiptId),
                    (Receipts::Table, Receipts::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "idx_receipts_order",
            Receipts::Table,
            [Receipts::OrderId],
            false,
        )
        .await?;
        // Duplicate-receipt detection looks receipts up by content hash and by Telegram file.
        index(
            manager,
            "idx_receipts_sha256",
            Receipts::Table,
            [Receipts::Sha256],
            false,
        )
        .await?;
        index(
            manager,
            "idx_receipts_tg_file_unique_id",
            Receipts::Table,
            [Receipts::TelegramFileUniqueId],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(StockMovements::Table)
                .col(pk_id(db, StockMovements::Id))
                .col(big_integer(StockMovements::StoreId))
                .col(big_integer(StockMovements::ProductId))
                .col(integer(StockMovements::DeltaOnHand))
                .col(integer(StockMovements::DeltaReserved))
                .col(string_len(StockMovements::Reason, 32))
                .col(big_integer_null(StockMovements::OrderId))
                .col(big_integer_null(StockMovements::ActorUserId))
                .col(string_len_null(StockMovements::Note, 1024))
                .col(ts(db, StockMovements::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_stock_movements_store",
                    (StockMovements::Table, StockMovements::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_stock_movements_product",
                    (StockMovements::Table, StockMovements::ProductId),
                    (Products::Table, Products::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_stock_movements_order",
                    (StockMovements::Table, StockMovements::OrderId),
                    (Orders::Table, Orders::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_stock_movements_actor",
                    (StockMovements::Table, StockMovements::ActorUserId),
                    (Users::Table, Users::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "idx_stock_movements_product_id",
            StockMovements::Table,
            [StockMovements::ProductId, StockMovements::Id],
            false,
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                StockMovements::Table.into_iden(),
                Receipts::Table.into_iden(),
                OrderHistory::Table.into_iden(),
                OrderItems::Table.into_iden(),
                Orders::Table.into_iden(),
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
enum Orders {
    Table,
    Id,
    StoreId,
    Number,
    CustomerId,
    Status,
    TotalMinor,
    Currency,
    DeliveryName,
    DeliveryPhone,
    DeliveryAddress,
    AssigneeId,
    TrackingNumber,
    PaymentDueAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrderItems {
    Table,
    Id,
    OrderId,
    ProductId,
    Sku,
    Title,
    UnitPriceMinor,
    Quantity,
    LineTotalMinor,
}

#[derive(DeriveIden)]
enum OrderHistory {
    Table,
    Id,
    OrderId,
    Action,
    FromStatus,
    ToStatus,
    ActorUserId,
    Channel,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Receipts {
    Table,
    Id,
    OrderId,
    StoreId,
    UploadedBy,
    StorageKey,
    Sha256,
    TelegramFileId,
    TelegramFileUniqueId,
    Mime,
    SizeBytes,
    Width,
    Height,
    Status,
    DecidedBy,
    DecidedAt,
    Reason,
    DuplicateOfReceiptId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StockMovements {
    Table,
    Id,
    StoreId,
    ProductId,
    DeltaOnHand,
    DeltaReserved,
    Reason,
    OrderId,
    ActorUserId,
    Note,
    CreatedAt,
}
