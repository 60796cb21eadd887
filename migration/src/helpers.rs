//! Small building blocks shared by the migrations.
//!
//! Released migrations depend on these, so their output must never change: a different
//! column type or table option is a new helper, not an edit of one of these.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// A 64-bit auto-increment primary key.
///
/// SQLite only auto-increments an `INTEGER PRIMARY KEY` (the rowid alias, already 64-bit) and
/// rejects `bigint ... AUTOINCREMENT`, so the type is picked per backend rather than left to
/// sea-query's mapping of `big_integer`.
pub fn pk_id<T: IntoIden>(backend: DbBackend, col: T) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    match backend {
        DbBackend::Sqlite => def.integer(),
        _ => def.big_integer(),
    };
    def.not_null().auto_increment().primary_key().take()
}

/// A non-null UTC instant.
pub fn ts<T: IntoIden>(backend: DbBackend, col: T) -> ColumnDef {
    ts_type(backend, col).not_null().take()
}

/// A nullable UTC instant.
pub fn ts_null<T: IntoIden>(backend: DbBackend, col: T) -> ColumnDef {
    ts_type(backend, col).null().take()
}

/// `timestamp with time zone` on PostgreSQL (and SQLite, where it is text).
///
/// MySQL's `timestamp` (what sea-query emits for it) keeps whole seconds only, ends in 2038 and
/// shifts values by the session time zone; `datetime(6)` has none of these problems. sqlx
/// reads and writes `DateTime<Utc>` as UTC in both, so the entity is the same.
fn ts_type<T: IntoIden>(backend: DbBackend, col: T) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    match backend {
        DbBackend::MySql => def.custom(Alias::new("datetime(6)")),
        _ => def.timestamp_with_time_zone(),
    };
    def
}

/// Creates a table; on MySQL pinned to InnoDB, utf8mb4 (Telegram names carry emoji) and a
/// binary collation, so comparisons and unique keys are case-sensitive as on the other two.
pub async fn create_table(
    manager: &SchemaManager<'_>,
    mut table: TableCreateStatement,
) -> Result<(), DbErr> {
    if manager.get_database_backend() == DbBackend::MySql {
        table
            .engine("InnoDB")
            .character_set("utf8mb4")
            .collate("utf8mb4_bin");
    }
    manager.create_table(table).await
}

/// A named foreign key from `from.1` to `to.1`; the default action (no action) unless changed.
pub fn fk<A, B, C, D>(name: &str, from: (A, B), to: (C, D)) -> ForeignKeyCreateStatement
where
    A: IntoTableRef,
    B: IntoIden,
    C: IntoTableRef,
    D: IntoIden,
{
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .take()
}

/// Creates a named (optionally unique) index over `cols` of `table`.
pub async fn index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: impl IntoIterator<Item = C>,
    unique: bool,
) -> Result<(), DbErr>
where
    T: IntoTableRef,
    C: IntoIndexColumn,
{
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt).await
}

/// Drops tables in the given order (children before parents).
pub async fn drop_tables<T: IntoTableRef>(
    manager: &SchemaManager<'_>,
    tables: impl IntoIterator<Item = T>,
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).take())
            .await?;
    }
    Ok(())
}
