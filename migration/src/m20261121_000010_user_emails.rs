//! A person's email address, for notifications by email (issue 6). A table of its own rather
//! than a column on `users`: most people (customers) never have one, and the row goes away
//! when the address is cleared.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_table, drop_tables, fk, ts};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();
        create_table(
            manager,
            Table::create()
                .table(UserEmails::Table)
                // One address per person.
                .col(big_integer(UserEmails::UserId).primary_key())
                // RFC 5321 caps a path at 256 octets, so an address at 254.
                .col(string_len(UserEmails::Email, 254))
                .col(ts(db, UserEmails::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_user_emails_user",
                    (UserEmails::Table, UserEmails::UserId),
                    (Users::Table, Users::Id),
                ))
                .take(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, [UserEmails::Table]).await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum UserEmails {
    Table,
    UserId,
    Email,
    UpdatedAt,
}
