//! Connecting to the one database shared by every adapter.
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// Opens a pool for `url` (`sqlite://`, `postgres://` or `mysql://`).
///
/// SQLite allows one writer at a time and answers a second one with `SQLITE_BUSY` instead of
/// waiting when both started as readers, so its pool is a single connection: every transaction
/// is serialised in the process and none can fail on a lock upgrade.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let sqlite = url.starts_with("sqlite:");
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(if sqlite { 1 } else { max_connections.max(1) })
        .min_connections(if sqlite { 1 } else { 0 })
        .acquire_timeout(Duration::from_secs(60))
        .sqlx_logging(false);
    if sqlite {
        // Idle SQLite connections must not be recycled: nothing is gained and
        // pragmas would have to be re-applied.
        opts.idle_timeout(Duration::from_secs(u32::MAX as u64))
            .max_lifetime(Duration::from_secs(u32::MAX as u64));
    }
    let db = Database::connect(opts).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        for pragma in [
            "PRAGMA foreign_keys = ON",
            "PRAGMA journal_mode = WAL",
            "PRAGMA busy_timeout = 10000",
            "PRAGMA synchronous = NORMAL",
        ] {
            db.execute_unprepared(pragma).await?;
        }
    }
    Ok(db)
}

pub use crate::kernel::error::{is_retryable, is_unique_violation};

/// Commits on `Ok`, rolls back on `Err`.
pub async fn finish<T>(
    txn: sea_orm::DatabaseTransaction,
    result: crate::Result<T>,
) -> crate::Result<T> {
    match result {
        Ok(v) => {
            txn.commit().await?;
            Ok(v)
        }
        Err(e) => {
            // A failed rollback leaves nothing to do: the server discards the transaction
            // when the connection returns to the pool.
            let _ = txn.rollback().await;
            Err(e)
        }
    }
}

/// Pauses before retry `attempt` (1-based) with a little jitter so racers spread out.
pub async fn backoff(attempt: u32) {
    let base = 5u64 << attempt.min(6);
    let jitter = rand::random::<u64>() % base;
    tokio::time::sleep(Duration::from_millis(base + jitter)).await;
}

/// Runs `$body` (an expression using the transaction `$txn`) in a transaction, committing on
/// `Ok` and retrying the whole transaction on deadlocks. A commit that wrote outbox events
/// rings the event doorbell (`platform::events::doorbell`).
#[macro_export]
macro_rules! in_tx {
    ($db:expr, |$txn:ident| $body:expr) => {{
        let mut attempt = 0u32;
        let mark = $crate::platform::events::doorbell::mark();
        loop {
            let $txn = sea_orm::TransactionTrait::begin($db).await?;
            let result = $body;
            match $crate::kernel::db::finish($txn, result).await {
                Err(e) if e.is_retryable() && attempt < 8 => {
                    attempt += 1;
                    $crate::kernel::db::backoff(attempt).await;
                }
                other => {
                    if other.is_ok() {
                        $crate::platform::events::doorbell::committed(mark);
                    }
                    break other;
                }
            }
        }
    }};
}
