//! The migrations against a real database: SQLite by default, PostgreSQL or MySQL/MariaDB when
//! `DATABASE_URL` names one (see `testkit`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use chrono::{DateTime, TimeZone, Utc};
use migration::sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, IdenStatic,
    Iterable, SqlErr, Statement, Value,
};
use migration::{
    Alias, ColumnType, Expr, ExprTrait, Migrator, MigratorTrait, Query, SchemaManager, TABLES,
};
use testkit::TestDb;

const MIGRATION_TABLE: &str = "seaql_migrations";

/// Every base table in the test database, from the backend's own catalog.
async fn catalog_tables(db: &DatabaseConnection) -> BTreeSet<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        DbBackend::Postgres => {
            "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema()"
        }
        _ => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
    rows.iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .collect()
}

/// Every base table, trigger (`trigger:<name>`), index (`index:<name>`) and, on PostgreSQL,
/// function (`function:<name>`) of the test database: what a migration may create.
async fn catalog_objects(db: &DatabaseConnection) -> BTreeSet<String> {
    let backend = db.get_database_backend();
    let mut objects = catalog_tables(db).await;
    let mut queries = vec![(
        "trigger",
        match backend {
            DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'trigger'",
            // Foreign keys are internal triggers there; only ours count.
            DbBackend::Postgres => {
                "SELECT t.tgname::text AS name FROM pg_trigger t \
                 JOIN pg_class c ON c.oid = t.tgrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
            }
            _ => {
                "SELECT trigger_name AS name FROM information_schema.triggers \
                 WHERE trigger_schema = DATABASE()"
            }
        },
    )];
    // Indexes created on their own (`CREATE INDEX`), not those backing a key or constraint.
    queries.push((
        "index",
        match backend {
            DbBackend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            }
            DbBackend::Postgres => {
                "SELECT i.relname::text AS name FROM pg_index x \
                 JOIN pg_class i ON i.oid = x.indexrelid \
                 JOIN pg_namespace n ON n.oid = i.relnamespace \
                 WHERE n.nspname = current_schema() AND NOT x.indisprimary \
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"
            }
            _ => {
                "SELECT DISTINCT index_name AS name FROM information_schema.statistics \
                 WHERE table_schema = DATABASE() AND index_name <> 'PRIMARY'"
            }
        },
    ));
    // Columns, so that a migration that only adds one counts, and its down must drop it.
    queries.push((
        "column",
        match backend {
            DbBackend::Sqlite => {
                "SELECT m.name || '.' || p.name AS name FROM sqlite_master m \
                 JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
                 AND m.name NOT LIKE 'sqlite%' AND m.name <> 'seaql_migrations'"
            }
            DbBackend::Postgres => {
                "SELECT (table_name || '.' || column_name)::text AS name \
                 FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND table_name <> 'seaql_migrations'"
            }
            _ => {
                "SELECT CONCAT(table_name, '.', column_name) AS name \
                 FROM information_schema.columns WHERE table_schema = DATABASE() \
                 AND table_name <> 'seaql_migrations'"
            }
        },
    ));
    if backend == DbBackend::Postgres {
        queries.push((
            "function",
            "SELECT p.proname::text AS name FROM pg_proc p \
             JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()",
        ));
    }
    for (kind, sql) in queries {
        let rows = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
        for row in rows {
            let name: String = row.try_get("", "name").unwrap();
            objects.insert(format!("{kind}:{name}"));
        }
    }
    objects
}

fn app_tables() -> BTreeSet<String> {
    TABLES.iter().map(|t| t.to_string()).collect()
}

/// Which of our tables `has_table` reports present.
async fn present_tables(db: &DatabaseConnection) -> BTreeSet<String> {
    let manager = SchemaManager::new(db);
    let mut present = BTreeSet::new();
    for table in TABLES {
        if manager.has_table(table).await.unwrap() {
            present.insert(table.to_string());
        }
    }
    present
}

/// Inserts one row and returns its new id.
async fn insert(db: &DatabaseConnection, table: &str, row: &[(&str, Value)]) -> Result<i64, DbErr> {
    let mut stmt = Query::insert();
    stmt.into_table(Alias::new(table))
        .columns(row.iter().map(|(col, _)| Alias::new(*col)))
        .values_panic(row.iter().map(|(_, value)| Expr::val(value.clone())));
    if db.support_returning() {
        stmt.returning_col(Alias::new("id"));
        let created = db.query_one(&stmt).await?.expect("RETURNING gave no row");
        created.try_get("", "id")
    } else {
        Ok(db.execute(&stmt).await?.last_insert_id() as i64)
    }
}

fn now() -> Value {
    Utc::now().into()
}

async fn store(db: &DatabaseConnection, slug: &str) -> Result<i64, DbErr> {
    insert(
        db,
        "stores",
        &[
            ("slug", slug.into()),
            ("name", "Shop".into()),
            ("currency", "UAH".into()),
            ("payment_instructions", "IBAN UA00 0000".into()),
            ("unpaid_deadline_minutes", 60i32.into()),
            ("low_stock_default", 3i32.into()),
            ("created_at", now()),
            ("updated_at", now()),
        ],
    )
    .await
}

async fn user(db: &DatabaseConnection, telegram_id: i64) -> Result<i64, DbErr> {
    insert(
        db,
        "users",
        &[
            ("telegram_id", telegram_id.into()),
            ("first_name", "Anna".into()),
            ("language", "uk".into()),
            ("created_at", now()),
            ("updated_at", now()),
        ],
    )
    .await
}

async fn product(
    db: &DatabaseConnection,
    store_id: i64,
    sku: &str,
    on_hand: i32,
    reserved: i32,
) -> Result<i64, DbErr> {
    insert(
        db,
        "products",
        &[
            ("store_id", store_id.into()),
            ("sku", sku.into()),
            ("title", "Mug".into()),
            ("description", "".into()),
            ("price_minor", 12_50i64.into()),
            ("currency", "UAH".into()),
            ("on_hand", on_hand.into()),
            ("reserved", reserved.into()),
            ("active", true.into()),
            ("created_at", now()),
            ("updated_at", now()),
        ],
    )
    .await
}

async fn order(
    db: &DatabaseConnection,
    store_id: i64,
    customer_id: i64,
    number: i64,
) -> Result<i64, DbErr> {
    insert(
        db,
        "orders",
        &[
            ("store_id", store_id.into()),
            ("number", number.into()),
            ("customer_id", customer_id.into()),
            ("status", "awaiting_payment".into()),
            ("total_minor", 25_00i64.into()),
            ("currency", "UAH".into()),
            ("delivery_name", "Anna".into()),
            ("delivery_phone", "+380000000000".into()),
            ("delivery_address", "Kyiv".into()),
            ("created_at", now()),
            ("updated_at", now()),
        ],
    )
    .await
}

async fn count(db: &DatabaseConnection, table: &str) -> i64 {
    let stmt = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from(Alias::new(table))
        .take();
    db.query_one(&stmt)
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap()
}

#[track_caller]
fn assert_unique_violation<T: std::fmt::Debug>(result: Result<T, DbErr>, what: &str) {
    let err = result.expect_err(what);
    assert!(
        matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
        "{what}: expected a unique violation, got {err}"
    );
}

#[track_caller]
fn assert_fk_violation<T: std::fmt::Debug>(result: Result<T, DbErr>, what: &str) {
    let err = result.expect_err(what);
    assert!(
        matches!(
            err.sql_err(),
            Some(SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "{what}: expected a foreign key violation, got {err}"
    );
}

/// A CHECK violation has no `SqlErr` kind; every backend names the constraint in the message.
#[track_caller]
fn assert_check_violation<T: std::fmt::Debug>(result: Result<T, DbErr>, constraint: &str) {
    let err = result.expect_err(constraint);
    assert!(
        err.to_string().contains(constraint),
        "expected {constraint} to fail, got {err}"
    );
}

#[tokio::test]
async fn up_applies_every_migration() {
    let t = TestDb::new().await;
    assert!(
        Migrator::get_pending_migrations(&t.db)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        Migrator::get_applied_migrations(&t.db).await.unwrap().len(),
        Migrator::migrations().len()
    );
    Migrator::status(&t.db).await.unwrap();

    let mut expected = app_tables();
    expected.insert(MIGRATION_TABLE.to_owned());
    assert_eq!(catalog_tables(&t.db).await, expected);
    assert_eq!(present_tables(&t.db).await, app_tables());
}

#[tokio::test]
async fn down_to_zero_removes_every_table_and_up_restores_them() {
    let t = TestDb::new().await;

    Migrator::down(&t.db, None).await.unwrap();
    assert!(present_tables(&t.db).await.is_empty());
    // Only sea-orm-migration's own bookkeeping table is left behind.
    assert_eq!(
        catalog_tables(&t.db).await,
        BTreeSet::from([MIGRATION_TABLE.to_owned()])
    );
    assert!(
        Migrator::get_applied_migrations(&t.db)
            .await
            .unwrap()
            .is_empty()
    );

    Migrator::up(&t.db, None).await.unwrap();
    assert_eq!(present_tables(&t.db).await, app_tables());
    assert!(
        Migrator::get_pending_migrations(&t.db)
            .await
            .unwrap()
            .is_empty()
    );
    // The rebuilt schema is usable, not just present.
    let store_id = store(&t.db, "again").await.unwrap();
    product(&t.db, store_id, "SKU-1", 1, 0).await.unwrap();
}

/// Each migration's `down` removes exactly what its `up` created.
#[tokio::test]
async fn each_down_undoes_its_own_up() {
    let t = TestDb::empty().await;
    let steps = Migrator::migrations().len();
    // Creates only the bookkeeping table, so the baseline is "no migration applied".
    Migrator::install(&t.db).await.unwrap();

    let mut after_step = vec![catalog_objects(&t.db).await];
    for _ in 0..steps {
        Migrator::up(&t.db, Some(1)).await.unwrap();
        let objects = catalog_objects(&t.db).await;
        assert!(
            objects.len() > after_step.last().unwrap().len(),
            "a migration created nothing"
        );
        after_step.push(objects);
    }
    for step in (0..steps).rev() {
        Migrator::down(&t.db, Some(1)).await.unwrap();
        assert_eq!(
            catalog_objects(&t.db).await,
            after_step[step],
            "after undoing step {}",
            step + 1
        );
    }
    assert!(present_tables(&t.db).await.is_empty());
}

#[tokio::test]
async fn fresh_drops_data_and_reapplies() {
    let t = TestDb::new().await;
    store(&t.db, "old").await.unwrap();
    assert_eq!(count(&t.db, "stores").await, 1);

    Migrator::fresh(&t.db).await.unwrap();

    assert_eq!(present_tables(&t.db).await, app_tables());
    assert!(
        Migrator::get_pending_migrations(&t.db)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(count(&t.db, "stores").await, 0);
    store(&t.db, "old").await.unwrap();
}

#[tokio::test]
async fn unique_constraints_reject_duplicates() {
    let t = TestDb::new().await;
    let db = &t.db;

    let shop = store(db, "shop").await.unwrap();
    assert_unique_violation(store(db, "shop").await, "stores.slug");
    // Slugs compare case-sensitively on every backend (MySQL tables use utf8mb4_bin).
    store(db, "SHOP").await.unwrap();

    let anna = user(db, 7_000_000_001).await.unwrap();
    assert_unique_violation(user(db, 7_000_000_001).await, "users.telegram_id");

    let role = async |user_id: i64, store_id: i64| {
        insert(
            db,
            "staff_roles",
            &[
                ("user_id", user_id.into()),
                ("store_id", store_id.into()),
                ("role", "admin".into()),
                ("created_at", now()),
            ],
        )
        .await
    };
    role(anna, shop).await.unwrap();
    assert_unique_violation(role(anna, shop).await, "staff_roles (user_id, store_id)");

    product(db, shop, "MUG", 1, 0).await.unwrap();
    assert_unique_violation(
        product(db, shop, "MUG", 1, 0).await,
        "products (store_id, sku)",
    );
    let other = store(db, "other").await.unwrap();
    product(db, other, "MUG", 1, 0).await.unwrap();

    order(db, shop, anna, 1).await.unwrap();
    assert_unique_violation(order(db, shop, anna, 1).await, "orders (store_id, number)");
    order(db, other, anna, 1).await.unwrap();

    let session = async |refresh_hash: String| {
        insert(
            db,
            "sessions",
            &[
                ("user_id", anna.into()),
                ("family_id", "fam-1".into()),
                ("refresh_hash", refresh_hash.into()),
                ("device", "Firefox on Linux".into()),
                ("created_at", now()),
                ("last_seen_at", now()),
                ("expires_at", now()),
            ],
        )
        .await
    };
    session("a".repeat(64)).await.unwrap();
    assert_unique_violation(session("a".repeat(64)).await, "sessions.refresh_hash");

    let challenge = async || {
        insert(
            db,
            "login_challenges",
            &[
                ("token_hash", "t".repeat(64).into()),
                ("browser_hash", "b".repeat(64).into()),
                ("status", "pending".into()),
                ("user_agent", "Firefox".into()),
                ("created_at", now()),
                ("expires_at", now()),
            ],
        )
        .await
    };
    challenge().await.unwrap();
    assert_unique_violation(challenge().await, "login_challenges.token_hash");

    let update = async |bot_id: i64, update_id: i64| {
        insert(
            db,
            "processed_updates",
            &[
                ("bot_id", bot_id.into()),
                ("update_id", update_id.into()),
                ("processed_at", now()),
            ],
        )
        .await
    };
    update(1, 100).await.unwrap();
    assert_unique_violation(
        update(1, 100).await,
        "processed_updates (bot_id, update_id)",
    );
    update(2, 100).await.unwrap();

    let job = async |key: &str| {
        insert(
            db,
            "jobs",
            &[
                ("kind", "cancel_unpaid".into()),
                ("key", key.into()),
                ("payload", "{}".into()),
                ("due_at", now()),
                ("created_at", now()),
            ],
        )
        .await
    };
    job("cancel_unpaid:1").await.unwrap();
    assert_unique_violation(job("cancel_unpaid:1").await, "jobs.key");

    let mug = product(db, shop, "CUP", 1, 0).await.unwrap();
    cart_item(db, anna, shop, mug, 1).await.unwrap();
    assert_unique_violation(
        cart_item(db, anna, shop, mug, 2).await,
        "cart_items (user_id, store_id, product_id)",
    );
    let bob = user(db, 7_000_000_002).await.unwrap();
    cart_item(db, bob, shop, mug, 1).await.unwrap();

    dialogue(db, -100_123).await.unwrap();
    assert_unique_violation(dialogue(db, -100_123).await, "dialogues.chat_id");
    dialogue(db, 100_123).await.unwrap();
}

async fn cart_item(
    db: &DatabaseConnection,
    user_id: i64,
    store_id: i64,
    product_id: i64,
    quantity: i32,
) -> Result<i64, DbErr> {
    insert(
        db,
        "cart_items",
        &[
            ("user_id", user_id.into()),
            ("store_id", store_id.into()),
            ("product_id", product_id.into()),
            ("quantity", quantity.into()),
            ("created_at", now()),
            ("updated_at", now()),
        ],
    )
    .await
}

/// Inserts a dialogue row (its key is the chat id, so nothing is returned).
async fn dialogue(db: &DatabaseConnection, chat_id: i64) -> Result<(), DbErr> {
    let stmt = Query::insert()
        .into_table(Alias::new("dialogues"))
        .columns([
            Alias::new("chat_id"),
            Alias::new("state"),
            Alias::new("updated_at"),
        ])
        .values_panic([
            Expr::val(chat_id),
            Expr::val(r#"{"Start":null}"#),
            Expr::val(now()),
        ])
        .take();
    db.execute(&stmt).await.map(|_| ())
}

#[tokio::test]
async fn cart_lines_hold_a_positive_quantity() {
    let t = TestDb::new().await;
    let db = &t.db;
    let shop = store(db, "shop").await.unwrap();
    let anna = user(db, 42).await.unwrap();
    let mug = product(db, shop, "MUG", 5, 0).await.unwrap();

    assert_check_violation(
        cart_item(db, anna, shop, mug, 0).await,
        "ck_cart_items_quantity_pos",
    );
    assert_check_violation(
        cart_item(db, anna, shop, mug, -1).await,
        "ck_cart_items_quantity_pos",
    );
    let id = cart_item(db, anna, shop, mug, 1).await.unwrap();
    let to_zero = Query::update()
        .table(Alias::new("cart_items"))
        .value(Alias::new("quantity"), 0i32)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .take();
    assert_check_violation(db.execute(&to_zero).await, "ck_cart_items_quantity_pos");
    assert_fk_violation(
        cart_item(db, anna, shop, 999, 1).await,
        "cart_items.product_id",
    );
    assert_fk_violation(cart_item(db, 999, shop, mug, 1).await, "cart_items.user_id");
    assert_eq!(count(db, "cart_items").await, 1);

    // Deleting the customer empties their carts.
    let delete_user = Query::delete()
        .from_table(Alias::new("users"))
        .and_where(Expr::col(Alias::new("id")).eq(anna))
        .take();
    db.execute(&delete_user).await.unwrap();
    assert_eq!(count(db, "cart_items").await, 0);
}

/// The columns the bot migration adds to existing tables: a new staff role gets receipt alerts
/// and a user no current store unless told otherwise; undoing the migration removes both.
#[tokio::test]
async fn bot_columns_have_defaults_and_go_with_down() {
    let t = TestDb::new().await;
    let db = &t.db;
    let shop = store(db, "shop").await.unwrap();
    let anna = user(db, 42).await.unwrap();
    let role = insert(
        db,
        "staff_roles",
        &[
            ("user_id", anna.into()),
            ("store_id", shop.into()),
            ("role", "admin".into()),
            ("created_at", now()),
        ],
    )
    .await
    .unwrap();
    let alerts = db
        .query_one(
            &Query::select()
                .column(Alias::new("receipt_alerts"))
                .from(Alias::new("staff_roles"))
                .and_where(Expr::col(Alias::new("id")).eq(role))
                .take(),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(alerts.try_get::<bool>("", "receipt_alerts").unwrap());
    let current = db
        .query_one(
            &Query::select()
                .column(Alias::new("current_store_id"))
                .from(Alias::new("users"))
                .and_where(Expr::col(Alias::new("id")).eq(anna))
                .take(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        current
            .try_get::<Option<i64>>("", "current_store_id")
            .unwrap(),
        None
    );

    let names = async |table: &str| -> Vec<String> {
        catalog_columns(db, table)
            .await
            .into_iter()
            .map(|(name, _, _)| name)
            .collect()
    };
    // Back to before 000006 (undoing the later migrations first).
    let later = Migrator::migrations().len() as u32 - 5;
    Migrator::down(db, Some(later)).await.unwrap();
    assert!(
        !names("users")
            .await
            .contains(&"current_store_id".to_owned())
    );
    assert!(
        !names("staff_roles")
            .await
            .contains(&"receipt_alerts".to_owned())
    );
    // The rows themselves survive the dropped columns.
    assert_eq!(count(db, "staff_roles").await, 1);

    Migrator::up(db, None).await.unwrap();
    assert!(
        names("users")
            .await
            .contains(&"current_store_id".to_owned())
    );
    assert!(
        names("staff_roles")
            .await
            .contains(&"receipt_alerts".to_owned())
    );
}

#[tokio::test]
async fn product_checks_keep_stock_consistent() {
    let t = TestDb::new().await;
    let db = &t.db;
    let shop = store(db, "shop").await.unwrap();

    assert_check_violation(
        product(db, shop, "A", -1, 0).await,
        "ck_products_on_hand_nonneg",
    );
    assert_check_violation(
        product(db, shop, "B", 5, -1).await,
        "ck_products_reserved_nonneg",
    );
    assert_check_violation(
        product(db, shop, "C", 2, 3).await,
        "ck_products_reserved_le_on_hand",
    );
    let id = product(db, shop, "D", 3, 3).await.unwrap();

    // An update that would oversell is refused too, and leaves the row as it was.
    let oversell = Query::update()
        .table(Alias::new("products"))
        .value(
            Alias::new("reserved"),
            Expr::col(Alias::new("reserved")).add(1),
        )
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .take();
    assert_check_violation(
        db.execute(&oversell).await,
        "ck_products_reserved_le_on_hand",
    );

    // Defaults: a product without `reserved`/`active` starts with none reserved and active.
    let bare = insert(
        db,
        "products",
        &[
            ("store_id", shop.into()),
            ("sku", "E".into()),
            ("title", "Plate".into()),
            ("description", "".into()),
            ("price_minor", 100i64.into()),
            ("currency", "UAH".into()),
            ("on_hand", 0i32.into()),
            ("created_at", now()),
            ("updated_at", now()),
        ],
    )
    .await
    .unwrap();
    let row = db
        .query_one(
            &Query::select()
                .columns([Alias::new("reserved"), Alias::new("active")])
                .from(Alias::new("products"))
                .and_where(Expr::col(Alias::new("id")).eq(bare))
                .take(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i32>("", "reserved").unwrap(), 0);
    assert!(row.try_get::<bool>("", "active").unwrap());
    assert_eq!(count(db, "products").await, 2);
}

#[tokio::test]
async fn foreign_keys_are_enforced_and_cascade() {
    let t = TestDb::new().await;
    let db = &t.db;

    assert_fk_violation(product(db, 999, "X", 1, 0).await, "products.store_id");
    let shop = store(db, "shop").await.unwrap();
    let anna = user(db, 42).await.unwrap();
    assert_fk_violation(order(db, shop, 999, 1).await, "orders.customer_id");

    let mug = product(db, shop, "MUG", 5, 1).await.unwrap();
    let order_id = order(db, shop, anna, 1).await.unwrap();
    insert(
        db,
        "order_items",
        &[
            ("order_id", order_id.into()),
            ("product_id", mug.into()),
            ("sku", "MUG".into()),
            ("title", "Mug".into()),
            ("unit_price_minor", 12_50i64.into()),
            ("quantity", 2i32.into()),
            ("line_total_minor", 25_00i64.into()),
        ],
    )
    .await
    .unwrap();
    insert(
        db,
        "order_history",
        &[
            ("order_id", order_id.into()),
            ("action", "status_changed".into()),
            ("to_status", "awaiting_payment".into()),
            ("channel", "bot".into()),
            ("created_at", now()),
        ],
    )
    .await
    .unwrap();
    insert(
        db,
        "sessions",
        &[
            ("user_id", anna.into()),
            ("family_id", "fam".into()),
            ("refresh_hash", "h".repeat(64).into()),
            ("device", "Firefox".into()),
            ("created_at", now()),
            ("last_seen_at", now()),
            ("expires_at", now()),
        ],
    )
    .await
    .unwrap();

    let delete = |table: &str, id: i64| {
        Query::delete()
            .from_table(Alias::new(table))
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .take()
    };
    // A product that was ordered cannot disappear from under its order lines.
    assert_fk_violation(
        db.execute(&delete("products", mug)).await,
        "order_items.product_id",
    );
    // Deleting an order takes its lines and history with it.
    db.execute(&delete("orders", order_id)).await.unwrap();
    assert_eq!(count(db, "order_items").await, 0);
    assert_eq!(count(db, "order_history").await, 0);
    // Deleting a user ends their sessions.
    db.execute(&delete("users", anna)).await.unwrap();
    assert_eq!(count(db, "sessions").await, 0);
}

async fn outbox_created_at(db: &DatabaseConnection, created_at: Value) -> DateTime<Utc> {
    let id = insert(
        db,
        "outbox_events",
        &[
            ("event_type", "order.created".into()),
            ("payload", "{}".into()),
            ("created_at", created_at),
        ],
    )
    .await
    .unwrap();
    let row = db
        .query_one(
            &Query::select()
                .column(Alias::new("created_at"))
                .from(Alias::new("outbox_events"))
                .and_where(Expr::col(Alias::new("id")).eq(id))
                .take(),
        )
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "created_at").unwrap()
}

/// Timestamps keep microseconds on every backend (MySQL's `timestamp`, what sea-query emits
/// for `timestamp_with_time_zone`, keeps whole seconds; hence `datetime(6)` there).
#[tokio::test]
async fn timestamps_keep_microseconds() {
    let t = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2026, 11, 21, 13, 45, 7).unwrap()
        + chrono::Duration::microseconds(123_456);
    assert_eq!(outbox_created_at(&t.db, at.into()).await, at);
}

/// The columns hold instants past 2038 (MySQL's `timestamp` ends there).
#[tokio::test]
async fn timestamp_columns_reach_past_2038() {
    let t = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::microseconds(1);
    let bound: Value = match t.backend() {
        // sqlx sends a `DateTime<Utc>` to MySQL as a TIMESTAMP parameter, which MariaDB turns
        // into NULL past 2038 whatever the column's type; a naive (UTC) DATETIME parameter is
        // stored as is. Elsewhere a naive value would be read in the session's time zone.
        DbBackend::MySql => at.naive_utc().into(),
        _ => at.into(),
    };
    assert_eq!(outbox_created_at(&t.db, bound).await, at);
}

/// Telegram ids exceed 32 bits; ids and money are 64-bit everywhere.
#[tokio::test]
async fn big_integers_hold_64_bit_values() {
    let t = TestDb::new().await;
    let telegram_id = 8_123_456_789_012i64;
    let id = user(&t.db, telegram_id).await.unwrap();
    let row =
        t.db.query_one(
            &Query::select()
                .column(Alias::new("telegram_id"))
                .from(Alias::new("users"))
                .and_where(Expr::col(Alias::new("id")).eq(id))
                .take(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "telegram_id").unwrap(), telegram_id);
}

/// One column as the database's catalog describes it: name, nullable, type name (lower case,
/// without length).
type CatalogColumn = (String, bool, String);

async fn catalog_columns(db: &DatabaseConnection, table: &str) -> Vec<CatalogColumn> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name, CASE WHEN \"notnull\" = 0 THEN 'YES' ELSE 'NO' END AS nullable, \
             type AS ty FROM pragma_table_info(?)"
        }
        DbBackend::Postgres => {
            "SELECT column_name::text AS name, is_nullable::text AS nullable, \
             data_type::text AS ty FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
        _ => {
            "SELECT column_name AS name, is_nullable AS nullable, data_type AS ty \
             FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, [table.into()]))
        .await
        .unwrap();
    let mut columns: Vec<CatalogColumn> = rows
        .iter()
        .map(|row| {
            let name: String = row.try_get("", "name").unwrap();
            let nullable: String = row.try_get("", "nullable").unwrap();
            let ty: String = row.try_get("", "ty").unwrap();
            let ty = ty.split('(').next().unwrap().trim().to_lowercase();
            (name, nullable == "YES", ty)
        })
        .collect();
    columns.sort();
    columns
}

/// The catalog's name for the type the migrations give an entity's column type.
fn expected_type(backend: DbBackend, column_type: &ColumnType) -> &'static str {
    use migration::sea_orm::DatabaseBackend::{MySql, Postgres, Sqlite};
    match (backend, column_type) {
        (Sqlite, ColumnType::BigInteger | ColumnType::Integer) => "integer",
        (Postgres | MySql, ColumnType::BigInteger) => "bigint",
        (Postgres, ColumnType::Integer) => "integer",
        (MySql, ColumnType::Integer) => "int",
        (_, ColumnType::Text) => "text",
        (Sqlite, ColumnType::String(_)) => "varchar",
        (Postgres, ColumnType::String(_)) => "character varying",
        (MySql, ColumnType::String(_)) => "varchar",
        (Sqlite | Postgres, ColumnType::Boolean) => "boolean",
        (MySql, ColumnType::Boolean) => "tinyint",
        (Sqlite, ColumnType::TimestampWithTimeZone) => "timestamp_with_timezone_text",
        (Postgres, ColumnType::TimestampWithTimeZone) => "timestamp with time zone",
        (MySql, ColumnType::TimestampWithTimeZone) => "datetime",
        (_, other) => panic!("no migration type for entity column type {other:?}"),
    }
}

fn entity_columns<E: EntityTrait>(backend: DbBackend) -> (String, Vec<CatalogColumn>) {
    let mut columns: Vec<CatalogColumn> = E::Column::iter()
        .map(|col| {
            let def = col.def();
            (
                col.as_str().to_owned(),
                def.is_null(),
                expected_type(backend, def.get_column_type()).to_owned(),
            )
        })
        .collect();
    columns.sort();
    (E::default().table_name().to_owned(), columns)
}

/// The migrations and the entities (the schema contract) agree on every table's columns: names,
/// nullability and types.
#[tokio::test]
async fn schema_matches_the_entities() {
    use entity::*;
    let t = TestDb::new().await;
    let b = t.backend();
    let entities = [
        entity_columns::<stores::Entity>(b),
        entity_columns::<users::Entity>(b),
        entity_columns::<staff_roles::Entity>(b),
        entity_columns::<products::Entity>(b),
        entity_columns::<stock_movements::Entity>(b),
        entity_columns::<orders::Entity>(b),
        entity_columns::<order_items::Entity>(b),
        entity_columns::<order_history::Entity>(b),
        entity_columns::<receipts::Entity>(b),
        entity_columns::<audit_log::Entity>(b),
        entity_columns::<notifications::Entity>(b),
        entity_columns::<outbox_events::Entity>(b),
        entity_columns::<sessions::Entity>(b),
        entity_columns::<login_challenges::Entity>(b),
        entity_columns::<processed_updates::Entity>(b),
        entity_columns::<jobs::Entity>(b),
        entity_columns::<dialogues::Entity>(b),
        entity_columns::<cart_items::Entity>(b),
        entity_columns::<product_texts::Entity>(b),
        entity_columns::<store_texts::Entity>(b),
        entity_columns::<staff_invites::Entity>(b),
        entity_columns::<customer_blocks::Entity>(b),
        entity_columns::<notification_deliveries::Entity>(b),
        entity_columns::<notification_preferences::Entity>(b),
        entity_columns::<user_emails::Entity>(b),
        entity_columns::<telegram_inbox::Entity>(b),
    ];
    let entity_tables: BTreeSet<String> = entities.iter().map(|(t, _)| t.clone()).collect();
    assert_eq!(entity_tables, app_tables());
    for (table, expected) in entities {
        assert_eq!(
            catalog_columns(&t.db, &table).await,
            expected,
            "table {table}"
        );
    }
}

/// One audit entry for `store_id`, as `domain::platform::audit::record` writes it.
async fn audit_entry(db: &DatabaseConnection, store_id: i64) -> Result<i64, DbErr> {
    insert(
        db,
        "audit_log",
        &[
            ("store_id", store_id.into()),
            ("channel", "web".into()),
            ("action", "order.verify".into()),
            ("object_type", "order".into()),
            ("object_id", "1001".into()),
            ("before", r#"{"status":"payment_review"}"#.into()),
            ("after", r#"{"status":"paid"}"#.into()),
            ("created_at", now()),
        ],
    )
    .await
}

async fn change_audit(db: &DatabaseConnection, id: i64) -> Result<u64, DbErr> {
    let stmt = Query::update()
        .table(Alias::new("audit_log"))
        .value(Alias::new("action"), "order.reject")
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .take();
    Ok(db.execute(&stmt).await?.rows_affected())
}

async fn delete_audit(db: &DatabaseConnection, id: i64) -> Result<u64, DbErr> {
    let stmt = Query::delete()
        .from_table(Alias::new("audit_log"))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .take();
    Ok(db.execute(&stmt).await?.rows_affected())
}

#[track_caller]
fn assert_append_only<T: std::fmt::Debug>(result: Result<T, DbErr>, what: &str) {
    let err = result.expect_err(what);
    assert!(
        err.to_string().contains("audit_log is append-only"),
        "{what}: expected the append-only refusal, got {err}"
    );
}

/// How many migrations, counted from the last, undo the audit guard (000007) with them.
fn since_audit_guard() -> u32 {
    let at = Migrator::migrations()
        .iter()
        .position(|m| m.name().contains("000007_audit_append_only"))
        .expect("the audit guard migration");
    (Migrator::migrations().len() - at) as u32
}

/// Entries can be added but never changed or removed, whoever is connected.
async fn assert_audit_is_append_only(db: &DatabaseConnection, store_id: i64) -> i64 {
    let id = audit_entry(db, store_id).await.unwrap();
    assert_append_only(change_audit(db, id).await, "UPDATE audit_log");
    assert_append_only(delete_audit(db, id).await, "DELETE FROM audit_log");
    let stmt = Query::delete().from_table(Alias::new("audit_log")).take();
    assert_append_only(db.execute(&stmt).await, "DELETE of every entry");
    id
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    let t = TestDb::new().await;
    let db = &t.db;
    let shop = store(db, "shop").await.unwrap();
    let id = assert_audit_is_append_only(db, shop).await;
    assert_eq!(count(db, "audit_log").await, 1);
    audit_entry(db, shop).await.unwrap();
    assert_eq!(count(db, "audit_log").await, 2);

    // Undoing the migration (and the ones after it) lifts the guard.
    Migrator::down(db, Some(since_audit_guard())).await.unwrap();
    assert_eq!(change_audit(db, id).await.unwrap(), 1);
    assert_eq!(delete_audit(db, id).await.unwrap(), 1);
    assert_eq!(count(db, "audit_log").await, 1);

    // up / down / up is clean, and the guard is back each time.
    Migrator::up(db, None).await.unwrap();
    assert_audit_is_append_only(db, shop).await;
    Migrator::down(db, Some(since_audit_guard())).await.unwrap();
    Migrator::up(db, None).await.unwrap();
    assert_audit_is_append_only(db, shop).await;
    assert!(
        Migrator::get_pending_migrations(db)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Dropping the table takes its triggers along, so earlier migrations' `down` and `fresh`
/// still work, and the guard comes back with the schema.
#[tokio::test]
async fn the_audit_guard_survives_fresh_and_goes_with_its_table() {
    let t = TestDb::new().await;
    let db = &t.db;
    let shop = store(db, "shop").await.unwrap();
    audit_entry(db, shop).await.unwrap();

    Migrator::fresh(db).await.unwrap();
    assert_eq!(count(db, "audit_log").await, 0);
    let shop = store(db, "shop").await.unwrap();
    assert_audit_is_append_only(db, shop).await;

    Migrator::down(db, None).await.unwrap();
    assert_eq!(
        catalog_objects(db).await,
        BTreeSet::from([MIGRATION_TABLE.to_owned()]),
        "down to zero leaves no trigger or function behind"
    );
    Migrator::up(db, None).await.unwrap();
    let shop = store(db, "shop").await.unwrap();
    assert_audit_is_append_only(db, shop).await;
}

/// A text per product and language, per store and language; one invitation per token; one
/// block per store and customer.
#[tokio::test]
async fn people_and_text_tables_reject_duplicates() {
    let t = TestDb::new().await;
    let db = &t.db;
    let shop = store(db, "shop").await.unwrap();
    let anna = user(db, 7_000_000_011).await.unwrap();
    let boris = user(db, 7_000_000_012).await.unwrap();
    let mug = product(db, shop, "MUG", 1, 0).await.unwrap();

    let text = async |lang: &str| {
        insert(
            db,
            "product_texts",
            &[
                ("product_id", mug.into()),
                ("lang", lang.into()),
                ("title", "Чашка".into()),
                ("description", "".into()),
            ],
        )
        .await
    };
    text("uk").await.unwrap();
    text("ru").await.unwrap();
    assert_unique_violation(text("uk").await, "product_texts (product_id, lang)");

    let instructions = async |lang: &str| {
        insert(
            db,
            "store_texts",
            &[
                ("store_id", shop.into()),
                ("lang", lang.into()),
                ("payment_instructions", "IBAN".into()),
            ],
        )
        .await
    };
    instructions("en").await.unwrap();
    assert_unique_violation(instructions("en").await, "store_texts (store_id, lang)");

    let invite = async |hash: &str| {
        insert(
            db,
            "staff_invites",
            &[
                ("token_hash", hash.into()),
                ("store_id", shop.into()),
                ("role", "vendor".into()),
                ("created_by", anna.into()),
                ("created_at", now()),
                ("expires_at", now()),
            ],
        )
        .await
    };
    invite(&"a".repeat(64)).await.unwrap();
    assert_unique_violation(invite(&"a".repeat(64)).await, "staff_invites.token_hash");

    let block = async |user_id: i64| {
        insert(
            db,
            "customer_blocks",
            &[
                ("store_id", shop.into()),
                ("user_id", user_id.into()),
                ("reason", "".into()),
                ("blocked_by", anna.into()),
                ("created_at", now()),
            ],
        )
        .await
    };
    block(boris).await.unwrap();
    assert_unique_violation(block(boris).await, "customer_blocks (store_id, user_id)");
    assert_fk_violation(block(9_999_999).await, "customer_blocks.user_id");
}

/// The unfiltered order list's index (000011) comes with its migration and goes with it.
#[tokio::test]
async fn the_orders_list_index_comes_and_goes_with_its_migration() {
    let t = TestDb::new().await;
    let db = &t.db;
    let name = "index:idx_orders_store_created".to_owned();
    assert!(catalog_objects(db).await.contains(&name));
    let since = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name().contains("000011_orders_list_index"))
        .expect("the orders list index migration") as u32
        + 1;
    Migrator::down(db, Some(since)).await.unwrap();
    let objects = catalog_objects(db).await;
    assert!(!objects.contains(&name));
    assert!(objects.contains("index:idx_orders_store_status_created"));
    Migrator::up(db, None).await.unwrap();
    assert!(catalog_objects(db).await.contains(&name));
}

/// A person's email address (000010): one per person, only for a real person, and the table
/// goes with its migration (undoing the later ones first) and comes back with `up`.
#[tokio::test]
async fn user_emails_hold_one_address_per_person_and_go_with_down() {
    let t = TestDb::new().await;
    let db = &t.db;
    let anna = user(db, 42).await.unwrap();
    let address = async |user_id: i64, email: &str| {
        let stmt = Query::insert()
            .into_table(Alias::new("user_emails"))
            .columns([
                Alias::new("user_id"),
                Alias::new("email"),
                Alias::new("updated_at"),
            ])
            .values_panic([Expr::val(user_id), Expr::val(email), Expr::val(now())])
            .take();
        db.execute(&stmt).await
    };
    address(anna, "anna@example.com").await.unwrap();
    assert_unique_violation(
        address(anna, "a@example.com").await,
        "user_emails (user_id)",
    );
    assert_fk_violation(
        address(9_999_999, "x@example.com").await,
        "user_emails.user_id",
    );
    let since = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name().contains("000010_user_emails"))
        .expect("the user emails migration") as u32
        + 1;
    Migrator::down(db, Some(since)).await.unwrap();
    assert!(!catalog_tables(db).await.contains("user_emails"));
    assert_eq!(count(db, "users").await, 1);
    Migrator::up(db, None).await.unwrap();
    assert!(catalog_tables(db).await.contains("user_emails"));
    address(anna, "anna@example.com").await.unwrap();
}
