//! What happened and what is still to do: the audit log, per-user notifications, the outbox
//! (the durable event log), background jobs and the Telegram update de-duplication table.

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
                .table(AuditLog::Table)
                .col(pk_id(db, AuditLog::Id))
                .col(big_integer_null(AuditLog::StoreId))
                .col(big_integer_null(AuditLog::ActorUserId))
                .col(string_len(AuditLog::Channel, 16))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len(AuditLog::ObjectType, 64))
                .col(string_len(AuditLog::ObjectId, 64))
                .col(text_null(AuditLog::Before))
                .col(text_null(AuditLog::After))
                .col(string_len_null(AuditLog::Ip, 64))
                .col(ts(db, AuditLog::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_audit_log_store",
                    (AuditLog::Table, AuditLog::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_audit_log_actor",
                    (AuditLog::Table, AuditLog::ActorUserId),
                    (Users::Table, Users::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "idx_audit_log_store_id",
            AuditLog::Table,
            [AuditLog::StoreId, AuditLog::Id],
            false,
        )
        .await?;
        index(
            manager,
            "idx_audit_log_actor_id",
            AuditLog::Table,
            [AuditLog::ActorUserId, AuditLog::Id],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(Notifications::Table)
                .col(pk_id(db, Notifications::Id))
                .col(big_integer(Notifications::UserId))
                .col(big_integer_null(Notifications::StoreId))
                .col(string_len(Notifications::Kind, 64))
                .col(string_len(Notifications::Priority, 16))
                .col(text(Notifications::Payload))
                .col(big_integer_null(Notifications::EventId))
                .col(ts_null(db, Notifications::ReadAt))
                .col(ts(db, Notifications::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_notifications_user",
                    (Notifications::Table, Notifications::UserId),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_notifications_store",
                    (Notifications::Table, Notifications::StoreId),
                    (Stores::Table, Stores::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "idx_notifications_user_read_id",
            Notifications::Table,
            [
                Notifications::UserId,
                Notifications::ReadAt,
                Notifications::Id,
            ],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(OutboxEvents::Table)
                .col(pk_id(db, OutboxEvents::Id))
                .col(string_len(OutboxEvents::EventType, 64))
                .col(big_integer_null(OutboxEvents::StoreId))
                .col(text(OutboxEvents::Payload))
                .col(ts(db, OutboxEvents::CreatedAt))
                .col(ts_null(db, OutboxEvents::PublishedAt))
                .take(),
        )
        .await?;
        index(
            manager,
            "idx_outbox_events_published_id",
            OutboxEvents::Table,
            [OutboxEvents::PublishedAt, OutboxEvents::Id],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(Jobs::Table)
                .col(pk_id(db, Jobs::Id))
                .col(string_len(Jobs::Kind, 64))
                .col(string_len(Jobs::Key, 255))
                .col(text(Jobs::Payload))
                .col(ts(db, Jobs::DueAt))
                .col(string_len_null(Jobs::LeaseOwner, 128))
                .col(ts_null(db, Jobs::LeaseUntil))
                .col(integer(Jobs::Attempts).default(0))
                .col(text_null(Jobs::LastError))
                .col(ts_null(db, Jobs::DoneAt))
                .col(ts(db, Jobs::CreatedAt))
                .take(),
        )
        .await?;
        index(manager, "uq_jobs_key", Jobs::Table, [Jobs::Key], true).await?;
        index(
            manager,
            "idx_jobs_done_due",
            Jobs::Table,
            [Jobs::DoneAt, Jobs::DueAt],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(ProcessedUpdates::Table)
                .col(pk_id(db, ProcessedUpdates::Id))
                .col(big_integer(ProcessedUpdates::BotId))
                .col(big_integer(ProcessedUpdates::UpdateId))
                .col(ts(db, ProcessedUpdates::ProcessedAt))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_processed_updates_bot_update",
            ProcessedUpdates::Table,
            [ProcessedUpdates::BotId, ProcessedUpdates::UpdateId],
            true,
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                ProcessedUpdates::Table.into_iden(),
                Jobs::Table.into_iden(),
                OutboxEvents::Table.into_iden(),
                Notifications::Table.into_iden(),
                AuditLog::Table.into_iden(),
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
enum AuditLog {
    Table,
    Id,
    StoreId,
    ActorUserId,
    Channel,
    Action,
    ObjectType,
    ObjectId,
    Before,
    After,
    Ip,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    StoreId,
    Kind,
    Priority,
    Payload,
    EventId,
    ReadAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutboxEvents {
    Table,
    Id,
    EventType,
    StoreId,
    Payload,
    CreatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Key,
    Payload,
    DueAt,
    LeaseOwner,
    LeaseUntil,
    Attempts,
    LastError,
    DoneAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProcessedUpdates {
    Table,
    Id,
    BotId,
    UpdateId,
    ProcessedAt,
}
