//! Durable notification deliveries and per-person channel preferences (issue 6).
//!
//! - `notification_deliveries`: one row per (outbox event, recipient, channel), claimed by a
//!   sender under a lease, retried with backoff, kept as `failed` with the reason when it gives
//!   up. The unique key makes planning an event twice a no-op. `store_id` is the store the event
//!   is about, so staff see only their own store's failures.
//! - `notification_preferences`: a person's switches per (kind, channel); no row means on.

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
                .table(Deliveries::Table)
                .col(pk_id(db, Deliveries::Id))
                .col(big_integer(Deliveries::OutboxEventId))
                .col(big_integer(Deliveries::UserId))
                .col(big_integer_null(Deliveries::StoreId))
                // 'telegram' | 'in_app' (| 'email' later).
                .col(string_len(Deliveries::Channel, 16))
                .col(string_len(Deliveries::Kind, 32))
                // 'high' | 'normal'.
                .col(string_len(Deliveries::Priority, 8))
                // 'pending' | 'sent' | 'failed'.
                .col(string_len(Deliveries::Status, 8))
                .col(integer(Deliveries::Attempts).default(0))
                .col(ts(db, Deliveries::NextAttemptAt))
                .col(string_len_null(Deliveries::ClaimedBy, 128))
                .col(ts_null(db, Deliveries::ClaimedUntil))
                .col(text_null(Deliveries::LastError))
                .col(ts_null(db, Deliveries::SentAt))
                .col(ts(db, Deliveries::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_deliveries_user",
                    (Deliveries::Table, Deliveries::UserId),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_deliveries_store",
                    (Deliveries::Table, Deliveries::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_deliveries_event_user_channel",
            Deliveries::Table,
            [
                Deliveries::OutboxEventId,
                Deliveries::UserId,
                Deliveries::Channel,
            ],
            true,
        )
        .await?;
        index(
            manager,
            "idx_deliveries_due",
            Deliveries::Table,
            [Deliveries::Status, Deliveries::NextAttemptAt],
            false,
        )
        .await?;
        index(
            manager,
            "idx_deliveries_store_status",
            Deliveries::Table,
            [Deliveries::StoreId, Deliveries::Status],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(Preferences::Table)
                .col(pk_id(db, Preferences::Id))
                .col(big_integer(Preferences::UserId))
                .col(string_len(Preferences::Kind, 32))
                .col(string_len(Preferences::Channel, 16))
                .col(boolean(Preferences::Enabled))
                .foreign_key(&mut fk(
                    "fk_preferences_user",
                    (Preferences::Table, Preferences::UserId),
                    (Users::Table, Users::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_preferences_user_kind_channel",
            Preferences::Table,
            [Preferences::UserId, Preferences::Kind, Preferences::Channel],
            true,
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                Preferences::Table.into_iden(),
                Deliveries::Table.into_iden(),
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
enum Deliveries {
    #[sea_orm(iden = "notification_deliveries")]
    Table,
    Id,
    OutboxEventId,
    UserId,
    StoreId,
    Channel,
    Kind,
    Priority,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedBy,
    ClaimedUntil,
    LastError,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Preferences {
    #[sea_orm(iden = "notification_preferences")]
    Table,
    Id,
    UserId,
    Kind,
    Channel,
    Enabled,
}
