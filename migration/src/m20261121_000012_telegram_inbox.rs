//! Telegram updates as fetched, before Telegram is told they arrived (issue 6, crash safety):
//! an update fetched by one process and not handled before it died is handled after the
//! restart instead of being lost.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_table, drop_tables, index, pk_id, ts, ts_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();
        create_table(
            manager,
            Table::create()
                .table(TelegramInbox::Table)
                .col(pk_id(db, TelegramInbox::Id))
                .col(big_integer(TelegramInbox::BotId))
                .col(big_integer(TelegramInbox::UpdateId))
                // The update as Telegram sent it (JSON).
                .col(text(TelegramInbox::Payload))
                // When it was kept, or last handed over again.
                .col(ts(db, TelegramInbox::ReceivedAt))
                // Times it was handed over again after its handler did not finish.
                .col(integer(TelegramInbox::Replays).default(0))
                .col(ts_null(db, TelegramInbox::HandledAt))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_telegram_inbox_bot_update",
            TelegramInbox::Table,
            [TelegramInbox::BotId, TelegramInbox::UpdateId],
            true,
        )
        .await?;
        index(
            manager,
            "idx_telegram_inbox_bot_handled",
            TelegramInbox::Table,
            [TelegramInbox::BotId, TelegramInbox::HandledAt],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, [TelegramInbox::Table]).await
    }
}

#[derive(DeriveIden)]
enum TelegramInbox {
    Table,
    Id,
    BotId,
    UpdateId,
    Payload,
    ReceivedAt,
    Replays,
    HandledAt,
}
