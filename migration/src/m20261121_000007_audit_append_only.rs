//! The audit log is append-only in the database itself: triggers refuse every UPDATE and
//! DELETE of `audit_log` rows, whoever connects. Dropping the table (an earlier migration's
//! `down`, `migrate fresh`) drops its triggers with it.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The message every backend refuses a change with.
const REFUSAL: &str = "audit_log is append-only";

fn up_sql(backend: DbBackend) -> Vec<String> {
    match backend {
        DbBackend::Sqlite => ["UPDATE", "DELETE"]
            .iter()
            .map(|op| {
                format!(
                    "CREATE TRIGGER trg_audit_log_no_{} BEFORE {op} ON audit_log \
                     BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
                    op.to_lowercase()
                )
            })
            .collect(),
        DbBackend::Postgres => vec![
            // OR REPLACE: `migrate fresh` drops tables but leaves functions behind.
            format!(
                "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger \
                 LANGUAGE plpgsql AS $$ BEGIN \
                 RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation'; \
                 END $$"
            ),
            "CREATE TRIGGER trg_audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
                .to_owned(),
        ],
        _ => ["UPDATE", "DELETE"]
            .iter()
            .map(|op| {
                format!(
                    "CREATE TRIGGER trg_audit_log_no_{} BEFORE {op} ON audit_log \
                     FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{REFUSAL}'",
                    op.to_lowercase()
                )
            })
            .collect(),
    }
}

fn down_sql(backend: DbBackend) -> Vec<String> {
    match backend {
        DbBackend::Postgres => vec![
            "DROP TRIGGER IF EXISTS trg_audit_log_append_only ON audit_log".to_owned(),
            "DROP FUNCTION IF EXISTS audit_log_append_only()".to_owned(),
        ],
        _ => vec![
            "DROP TRIGGER IF EXISTS trg_audit_log_no_update".to_owned(),
            "DROP TRIGGER IF EXISTS trg_audit_log_no_delete".to_owned(),
        ],
    }
}

async fn run(manager: &SchemaManager<'_>, sql: Vec<String>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for stmt in sql {
        db.execute_unprepared(&stmt).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, up_sql(manager.get_database_backend())).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, down_sql(manager.get_database_backend())).await
    }
}
