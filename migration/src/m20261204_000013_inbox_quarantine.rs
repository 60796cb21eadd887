//! Poison updates (issue 11): an update whose handling killed the process once, and again when
//! it was replayed, is set aside instead of being replayed into a third crash. Staff see it
//! and may discard it or try it once more.

use sea_orm_migration::prelude::*;

use crate::helpers::ts_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();
        manager
            .alter_table(
                Table::alter()
                    .table(TelegramInbox::Table)
                    .add_column(ts_null(db, TelegramInbox::QuarantinedAt))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TelegramInbox::Table)
                    .drop_column(TelegramInbox::QuarantinedAt)
                    .take(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum TelegramInbox {
    Table,
    QuarantinedAt,
}
