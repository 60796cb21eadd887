//! Test support shared by the workspace's test suites: a fresh database per test on whichever
//! backend `DATABASE_URL` names.
//!
//! - unset, empty or `sqlite:...`: a new SQLite file in a temporary directory;
//! - `postgres://...` / `mysql://...`: a new database `vt_<uuid>` created on that server through
//!   the URL's own database, and dropped again when the [`TestDb`] is dropped.
//!
//! Test-only code: failing loudly is the right answer to a broken test environment.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod fake_smtp;
pub mod fake_telegram;
pub mod files;
pub mod hostile;
pub mod memory;
pub mod notices;
pub mod seed;
pub mod wait;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use tempfile::TempDir;

/// The pool size of a test database (SQLite always gets one connection, see `domain::kernel::db`).
const POOL_SIZE: u32 = 10;

/// A database of its own for one test.
pub struct TestDb {
    pub db: DatabaseConnection,
    url: String,
    backend: DbBackend,
    /// Where the database lives, and so what dropping it means.
    home: Home,
}

enum Home {
    /// The SQLite file's directory; removed with it.
    Sqlite { _dir: TempDir },
    /// A database created on a server, dropped through `admin_url`.
    Server { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh database with every migration applied.
    pub async fn new() -> TestDb {
        if let Some(url) = env_url().filter(|u| server_backend(u) == Some(DbBackend::Postgres)) {
            // A copy of a migrated template: far faster than migrating each database.
            let template = postgres_template(&url).await;
            return Self::on_server(url, DbBackend::Postgres, Some(&template)).await;
        }
        let test_db = Self::empty().await;
        Migrator::up(&test_db.db, None)
            .await
            .unwrap_or_else(|e| panic!("applying migrations to {}: {e}", test_db.url));
        test_db
    }

    /// A fresh database with no migrations applied.
    pub async fn empty() -> TestDb {
        match env_url() {
            None => Self::sqlite().await,
            Some(url) if url.starts_with("sqlite:") => Self::sqlite().await,
            Some(url) => match server_backend(&url) {
                Some(backend) => Self::on_server(url, backend, None).await,
                None => {
                    panic!("DATABASE_URL must be sqlite:, postgres:// or mysql://, not {url:?}")
                }
            },
        }
    }

    /// The URL of this test's database, for opening another pool or running the CLI on it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A second pool on this database whose `size` connections are all opened now, in the
    /// calling runtime, and kept: for code that runs the pool from other, short-lived runtimes
    /// (teloxide_tests dispatches each update in a runtime of its own, and a connection opened
    /// there dies with it). SQLite needs none of this and gets the usual pool.
    pub async fn pinned_pool(&self, size: u32) -> sea_orm::DatabaseConnection {
        if self.backend == DbBackend::Sqlite {
            return self.db.clone();
        }
        let mut opts = sea_orm::ConnectOptions::new(self.url.clone());
        opts.max_connections(size)
            .min_connections(size)
            .idle_timeout(std::time::Duration::from_secs(3600))
            .max_lifetime(std::time::Duration::from_secs(3600))
            .sqlx_logging(false);
        let db = sea_orm::Database::connect(opts).await.unwrap();
        warm(&db, size).await;
        db
    }

    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    async fn sqlite() -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("vitrina-test-")
            .tempdir()
            .unwrap();
        let path = dir.path().join("vitrina.db");
        let path = path.to_str().expect("temp dir path is not UTF-8");
        let url = format!("sqlite://{path}?mode=rwc");
        let db = connect(&url, POOL_SIZE).await;
        TestDb {
            db,
            url,
            backend: DbBackend::Sqlite,
            home: Home::Sqlite { _dir: dir },
        }
    }

    async fn on_server(admin_url: String, backend: DbBackend, template: Option<&str>) -> TestDb {
        let name = format!("vt_{}", uuid::Uuid::new_v4().simple());
        let create = match (backend, template) {
            (DbBackend::Postgres, Some(t)) => format!(r#"CREATE DATABASE "{name}" TEMPLATE "{t}""#),
            (DbBackend::Postgres, None) => format!(r#"CREATE DATABASE "{name}""#),
            _ => format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4"),
        };
        let admin = connect(&admin_url, 1).await;
        retry_while_busy(&admin, &create)
            .await
            .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
        admin.close().await.ok();

        let url = with_database(&admin_url, &name);
        let db = connect(&url, POOL_SIZE).await;
        TestDb {
            db,
            url,
            backend,
            home: Home::Server { admin_url, name },
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Home::Server { admin_url, name } = &self.home else {
            return; // the temp dir goes with the struct
        };
        // Drop cannot await, and no runtime can be started on a thread already inside one (the
        // test's), so the cleanup runs on a thread with a small runtime of its own while this
        // one waits. It never panics: a panic while unwinding from a failed test would abort
        // the process and hide that test's message.
        let (admin_url, name, backend) = (admin_url.clone(), name.clone(), self.backend);
        let cleanup = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => return eprintln!("testkit: no runtime to drop database {name}: {e}"),
            };
            if let Err(e) = runtime.block_on(drop_database(&admin_url, &name, backend)) {
                eprintln!("testkit: could not drop test database {name}: {e}");
            }
        });
        let _ = cleanup.join();
    }
}

async fn drop_database(
    admin_url: &str,
    name: &str,
    backend: DbBackend,
) -> Result<(), sea_orm::DbErr> {
    let admin = domain::kernel::db::connect(admin_url, 1).await?;
    match backend {
        DbBackend::Postgres => {
            // FORCE ends the test's own pool connections, which are still open here.
            admin
                .execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
                .await?;
        }
        _ => {
            // MySQL has no FORCE; a connection left inside a transaction would make DROP wait
            // for its metadata lock, so end the test's connections first.
            let rows = admin
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    "SELECT CAST(id AS SIGNED) AS id FROM information_schema.processlist \
                     WHERE db = ? AND id <> CONNECTION_ID()",
                    [name.into()],
                ))
                .await?;
            for row in rows {
                let id: i64 = row.try_get("", "id")?;
                // The connection may already have gone away by itself.
                let _ = admin
                    .execute_unprepared(&format!("KILL CONNECTION {id}"))
                    .await;
            }
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS `{name}`"))
                .await?;
        }
    }
    admin.close().await
}

fn env_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// The name of a PostgreSQL database holding every migration and no data, created once per
/// set of migrations (their names pick the name) under an advisory lock, so that parallel test
/// processes make it once. CI drops it with the other `vt_` databases before each run.
async fn postgres_template(admin_url: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for m in Migrator::migrations() {
        for b in m.name().bytes().chain([0]) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let name = format!("vt_template_{hash:016x}");
    let admin = connect(admin_url, 1).await;
    // Session-level lock: the pool of one keeps every statement below on one connection.
    admin
        .execute_unprepared("SELECT pg_advisory_lock(7202611)")
        .await
        .unwrap();
    let exists = admin
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS one FROM pg_database WHERE datname = $1",
            [name.clone().into()],
        ))
        .await
        .unwrap()
        .is_some();
    if !exists {
        let building = format!("{name}_building");
        admin
            .execute_unprepared(&format!(
                r#"DROP DATABASE IF EXISTS "{building}" WITH (FORCE)"#
            ))
            .await
            .unwrap();
        admin
            .execute_unprepared(&format!(r#"CREATE DATABASE "{building}""#))
            .await
            .unwrap();
        let db = connect(&with_database(admin_url, &building), 1).await;
        Migrator::up(&db, None)
            .await
            .unwrap_or_else(|e| panic!("migrating the template database: {e}"));
        db.close().await.unwrap();
        retry_while_busy(
            &admin,
            &format!(r#"ALTER DATABASE "{building}" RENAME TO "{name}""#),
        )
        .await
        .unwrap();
    }
    admin
        .execute_unprepared("SELECT pg_advisory_unlock(7202611)")
        .await
        .unwrap();
    admin.close().await.ok();
    name
}

/// Runs `sql`, retrying for a few seconds while PostgreSQL says another session is still in
/// the database it copies or renames (a closed pool's connections take a moment to go).
async fn retry_while_busy(admin: &DatabaseConnection, sql: &str) -> Result<(), sea_orm::DbErr> {
    let mut tries = 0;
    loop {
        match admin.execute_unprepared(sql).await {
            Ok(_) => return Ok(()),
            Err(e) if tries < 100 && e.to_string().contains("being accessed by other users") => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn connect(url: &str, max_connections: u32) -> DatabaseConnection {
    domain::kernel::db::connect(url, max_connections)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"))
}

fn server_backend(url: &str) -> Option<DbBackend> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(DbBackend::Postgres)
    } else if url.starts_with("mysql://") {
        Some(DbBackend::MySql)
    } else {
        None
    }
}

/// `url` with its database (the path) replaced by `name`; user, host and query are kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base
        .find("://")
        .map(|i| i + 3)
        .expect("database URL has no scheme");
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Checks out `size` connections at once in the calling runtime, so that any the pool lost or
/// that were opened in a runtime since shut down are replaced by ones opened here.
pub async fn warm(db: &sea_orm::DatabaseConnection, size: u32) {
    let all = (0..size).map(|_| async {
        let _held = hold(db).await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    });
    futures::future::join_all(all).await;
}

/// Checks a connection out of the pool (opening it if needed) until the returned guard drops.
async fn hold(db: &sea_orm::DatabaseConnection) -> Box<dyn std::any::Any + Send> {
    match db.get_database_backend() {
        DbBackend::Postgres => Box::new(db.get_postgres_connection_pool().acquire().await.unwrap()),
        DbBackend::MySql => Box::new(db.get_mysql_connection_pool().acquire().await.unwrap()),
        _ => Box::new(()),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_only_the_database() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "vt_1"),
            "postgres://postgres@127.0.0.1:5432/vt_1"
        );
        assert_eq!(
            with_database("mysql://root:pw@db:3306/test?ssl-mode=disabled", "vt_1"),
            "mysql://root:pw@db:3306/vt_1?ssl-mode=disabled"
        );
        assert_eq!(
            with_database("postgres://u@host", "vt_1"),
            "postgres://u@host/vt_1"
        );
    }
}
