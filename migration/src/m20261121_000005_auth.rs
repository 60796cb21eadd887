//! Backoffice authentication: QR login challenges and refresh-token sessions.

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
                .table(Sessions::Table)
                .col(pk_id(db, Sessions::Id))
                .col(big_integer(Sessions::UserId))
                .col(string_len(Sessions::FamilyId, 64))
                .col(string_len(Sessions::RefreshHash, 64))
                .col(string_len(Sessions::Device, 512))
                .col(string_len_null(Sessions::Ip, 64))
                .col(ts(db, Sessions::CreatedAt))
                .col(ts(db, Sessions::LastSeenAt))
                .col(ts(db, Sessions::ExpiresAt))
                .col(ts_null(db, Sessions::RotatedAt))
                .col(ts_null(db, Sessions::RevokedAt))
                .foreign_key(
                    fk(
                        "fk_sessions_user",
                        (Sessions::Table, Sessions::UserId),
                        (Users::Table, Users::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_sessions_refresh_hash",
            Sessions::Table,
            [Sessions::RefreshHash],
            true,
        )
        .await?;
        index(
            manager,
            "idx_sessions_user",
            Sessions::Table,
            [Sessions::UserId],
            false,
        )
        .await?;
        index(
            manager,
            "idx_sessions_family",
            Sessions::Table,
            [Sessions::FamilyId],
            false,
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table(LoginChallenges::Table)
                .col(pk_id(db, LoginChallenges::Id))
                .col(string_len(LoginChallenges::TokenHash, 64))
                .col(string_len(LoginChallenges::BrowserHash, 64))
                .col(string_len(LoginChallenges::Status, 32))
                .col(big_integer_null(LoginChallenges::UserId))
                .col(string_len(LoginChallenges::UserAgent, 512))
                .col(string_len_null(LoginChallenges::Ip, 64))
                .col(ts(db, LoginChallenges::CreatedAt))
                .col(ts(db, LoginChallenges::ExpiresAt))
                .col(ts_null(db, LoginChallenges::DecidedAt))
                .col(ts_null(db, LoginChallenges::RedeemedAt))
                .foreign_key(&mut fk(
                    "fk_login_challenges_user",
                    (LoginChallenges::Table, LoginChallenges::UserId),
                    (Users::Table, Users::Id),
                ))
                .take(),
        )
        .await?;
        index(
            manager,
            "uq_login_challenges_token_hash",
            LoginChallenges::Table,
            [LoginChallenges::TokenHash],
            true,
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                LoginChallenges::Table.into_iden(),
                Sessions::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    FamilyId,
    RefreshHash,
    Device,
    Ip,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    RotatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LoginChallenges {
    Table,
    Id,
    TokenHash,
    BrowserHash,
    Status,
    UserId,
    UserAgent,
    Ip,
    CreatedAt,
    ExpiresAt,
    DecidedAt,
    RedeemedAt,
}
