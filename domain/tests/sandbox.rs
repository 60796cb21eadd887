//! Sandbox mode's people and store: seeding is idempotent, the demo store speaks every
//! language, staff have their roles and receipt alerts, people can be added and listed again.
//! Against a real database: SQLite, or PostgreSQL / MariaDB when `DATABASE_URL` names one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use domain::catalog::{products, texts};
use domain::kernel::clock::ManualClock;
use domain::operations::sandbox::{self, ADMIN, NEW_PEOPLE_FROM, OWNER, Seeded};
use domain::platform::events::bus::InProcessBus;
use domain::{
    Ctx, Error, Role, StoreId, UserId, kernel::policy, messaging::notifications, operations::demo,
    people::users, stores::texts as store_texts,
};
use sea_orm::{ConnectionTrait, Statement};
use testkit::TestDb;

async fn ctx() -> (TestDb, Ctx) {
    let test_db = TestDb::new().await;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap(),
    ));
    let ctx = Ctx::new(test_db.db.clone(), Arc::new(InProcessBus::new(1024)), clock);
    (test_db, ctx)
}

/// Rows in `table`.
async fn count(ctx: &Ctx, table: &str) -> i64 {
    let backend = ctx.db.get_database_backend();
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = ctx
        .db
        .query_one_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

const TABLES: [&str; 9] = [
    "stores",
    "store_texts",
    "products",
    "product_texts",
    "users",
    "staff_roles",
    "audit_log",
    "outbox_events",
    "jobs",
];

async fn counts(ctx: &Ctx) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for t in TABLES {
        out.push((t, count(ctx, t).await));
    }
    out
}

/// Everything about a user that seeding could change.
async fn user_row(ctx: &Ctx, telegram_id: i64) -> entity::users::Model {
    users::by_telegram_id(&ctx.db, telegram_id)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let (_db, ctx) = ctx().await;
    let first = sandbox::seed(&ctx).await.unwrap();
    let after_first = counts(&ctx).await;
    let owner = user_row(&ctx, OWNER.telegram_id).await;
    let admin = user_row(&ctx, ADMIN.telegram_id).await;
    let roles = domain::people::staff::members(&ctx.db, first.store)
        .await
        .unwrap();

    let second = sandbox::seed(&ctx).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(counts(&ctx).await, after_first, "no rows added or removed");
    assert_eq!(user_row(&ctx, OWNER.telegram_id).await, owner);
    assert_eq!(user_row(&ctx, ADMIN.telegram_id).await, admin);
    let again = domain::people::staff::members(&ctx.db, first.store)
        .await
        .unwrap();
    assert_eq!(
        again
            .iter()
            .map(|m| (m.user.id, m.role, m.receipt_alerts, m.granted_at))
            .collect::<Vec<_>>(),
        roles
            .iter()
            .map(|m| (m.user.id, m.role, m.receipt_alerts, m.granted_at))
            .collect::<Vec<_>>()
    );
    // `vitrina demo seed` afterwards finds everything in place too.
    let (store, created) = demo::seed(&ctx).await.unwrap();
    assert!(!created);
    assert_eq!(StoreId(store.id), first.store);
    assert_eq!(counts(&ctx).await, after_first);
}

#[tokio::test]
async fn seeding_makes_the_people_and_their_roles() {
    let (_db, ctx) = ctx().await;
    let Seeded {
        store,
        owner,
        admin,
    } = sandbox::seed(&ctx).await.unwrap();
    let demo = domain::stores::by_slug(&ctx.db, demo::DEMO_SLUG)
        .await
        .unwrap();
    assert_eq!(store, StoreId(demo.id));

    for (person, id) in [(OWNER, owner), (ADMIN, admin)] {
        let u = user_row(&ctx, person.telegram_id).await;
        assert_eq!(UserId(u.id), id);
        assert_eq!(u.first_name, person.first_name);
        assert_eq!(u.language, person.language);
    }
    assert!(policy::is_owner(&ctx.db, owner).await.unwrap());
    assert_eq!(
        policy::role_in(&ctx.db, owner, store).await.unwrap(),
        Some(Role::Owner)
    );
    assert!(!policy::is_owner(&ctx.db, admin).await.unwrap());
    assert_eq!(
        policy::role_in(&ctx.db, admin, store).await.unwrap(),
        Some(Role::Admin)
    );
    // Both are told of new receipts in the demo store.
    let mut checkers: Vec<i64> = notifications::receipt_checkers(&ctx.db, store)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, telegram_id, _)| telegram_id)
        .collect();
    checkers.sort_unstable();
    assert_eq!(checkers, vec![OWNER.telegram_id, ADMIN.telegram_id]);
}

#[tokio::test]
async fn a_muted_admin_gets_alerts_back_only_with_a_new_grant() {
    let (_db, ctx) = ctx().await;
    let s = sandbox::seed(&ctx).await.unwrap();
    // Someone playing the ADMIN mutes their alerts: a restart leaves that choice alone.
    domain::people::staff::set_receipt_alerts(&ctx.db, s.admin, s.store, false)
        .await
        .unwrap();
    sandbox::seed(&ctx).await.unwrap();
    let alerted = |list: Vec<(i64, i64, String)>| list.into_iter().map(|p| p.1).collect::<Vec<_>>();
    let checkers = alerted(
        notifications::receipt_checkers(&ctx.db, s.store)
            .await
            .unwrap(),
    );
    assert_eq!(checkers, vec![OWNER.telegram_id]);
    // Made a VENDOR meanwhile (alerts kept off), seeding makes them ADMIN again, alerted.
    domain::people::staff::grant(
        &ctx,
        &domain::Actor::operator(),
        s.admin,
        Role::Vendor,
        Some(s.store),
    )
    .await
    .unwrap();
    sandbox::seed(&ctx).await.unwrap();
    assert_eq!(
        policy::role_in(&ctx.db, s.admin, s.store).await.unwrap(),
        Some(Role::Admin)
    );
    let mut checkers = alerted(
        notifications::receipt_checkers(&ctx.db, s.store)
            .await
            .unwrap(),
    );
    checkers.sort_unstable();
    assert_eq!(checkers, vec![OWNER.telegram_id, ADMIN.telegram_id]);
}

#[tokio::test]
async fn every_demo_product_and_the_payment_instructions_speak_every_language() {
    let (_db, ctx) = ctx().await;
    let s = sandbox::seed(&ctx).await.unwrap();
    let mut all = products::list(&ctx.db, s.store, true).await.unwrap();
    assert_eq!(all.len(), 6);
    let defaults = all.clone();
    for p in &all {
        let own = texts::of(&ctx.db, domain::ProductId(p.id)).await.unwrap();
        assert_eq!(
            own.keys().map(String::as_str).collect::<Vec<_>>(),
            texts::LANGS.to_vec(),
            "{}",
            p.sku
        );
        assert_eq!(
            own["en"].title, p.title,
            "{}: English is the default",
            p.sku
        );
        assert_eq!(own["en"].description, p.description);
        for lang in ["ru", "uk"] {
            let t = &own[lang];
            assert!(!t.title.is_empty() && !t.description.is_empty());
            assert_ne!(t.title, p.title, "{} {lang}", p.sku);
            assert_ne!(t.description, p.description, "{} {lang}", p.sku);
            assert!(
                t.title
                    .chars()
                    .any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)),
                "{} {lang}: {:?} is in Cyrillic",
                p.sku,
                t.title
            );
        }
        assert_ne!(own["ru"], own["uk"], "{}", p.sku);
    }
    // As the bot shows the catalog to a customer speaking Russian.
    texts::localize_all(&ctx.db, &mut all, "ru").await.unwrap();
    let mug = all.iter().find(|p| p.sku == "MUG-01").unwrap();
    assert_eq!(mug.title, "Керамическая кружка");
    assert!(mug.description.contains("350 мл"));
    let mug = defaults.iter().find(|p| p.sku == "MUG-01").unwrap();
    let uk = texts::localized(&ctx.db, mug, "uk").await.unwrap();
    assert_eq!(uk.title, "Керамічна чашка");

    let store = domain::stores::load(&ctx.db, s.store).await.unwrap();
    let own = store_texts::of(&ctx.db, s.store).await.unwrap();
    assert_eq!(
        own.keys().map(String::as_str).collect::<Vec<_>>(),
        texts::LANGS.to_vec()
    );
    let en = store_texts::payment_instructions(&ctx.db, &store, "en")
        .await
        .unwrap();
    let ru = store_texts::payment_instructions(&ctx.db, &store, "ru")
        .await
        .unwrap();
    let uk = store_texts::payment_instructions(&ctx.db, &store, "uk")
        .await
        .unwrap();
    assert_eq!(en, store.payment_instructions);
    assert!(ru.starts_with("Переведите") && uk.starts_with("Перекажіть"));
    for text in [&en, &ru, &uk] {
        assert!(text.contains("4441 1111 2222 3333"), "{text}");
    }
}

/// A demo store seeded before its texts existed gets them, except where it was edited.
#[tokio::test]
async fn an_older_demo_store_gets_the_texts_it_lacks() {
    let (_db, ctx) = ctx().await;
    let (store, _) = demo::seed(&ctx).await.unwrap();
    let id = StoreId(store.id);
    let backend = ctx.db.get_database_backend();
    for sql in [
        "DELETE FROM product_texts".to_owned(),
        "DELETE FROM store_texts".to_owned(),
        // The owner renamed the mug.
        "UPDATE products SET title = 'Big mug' WHERE sku = 'MUG-01'".to_owned(),
    ] {
        ctx.db
            .execute_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
    }
    // A Russian title the owner wrote for the notebook stays.
    let notebook = products::list(&ctx.db, id, false)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.sku == "NOTE-A5")
        .unwrap();
    let mut mine = texts::Texts::new();
    mine.insert(
        "ru".into(),
        texts::Text {
            title: "Мой блокнот".into(),
            description: String::new(),
        },
    );
    products::update(
        &ctx,
        &domain::Actor::operator(),
        domain::ProductId(notebook.id),
        products::ProductChanges {
            texts: Some(mine),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    demo::seed(&ctx).await.unwrap();
    for p in products::list(&ctx.db, id, false).await.unwrap() {
        let own = texts::of(&ctx.db, domain::ProductId(p.id)).await.unwrap();
        match p.sku.as_str() {
            "MUG-01" => assert!(own.is_empty(), "edited: left alone"),
            "NOTE-A5" => {
                assert_eq!(own.len(), 3);
                assert_eq!(own["ru"].title, "Мой блокнот");
                assert_eq!(own["uk"].title, "Блокнот A5");
            }
            _ => assert_eq!(own.len(), 3, "{}", p.sku),
        }
    }
    assert_eq!(store_texts::of(&ctx.db, id).await.unwrap().len(), 3);
    let after = counts(&ctx).await;
    demo::seed(&ctx).await.unwrap();
    assert_eq!(counts(&ctx).await, after, "and then nothing more");
}

#[tokio::test]
async fn people_are_added_with_each_role_and_listed() {
    let (_db, ctx) = ctx().await;
    let s = sandbox::seed(&ctx).await.unwrap();
    let customer = sandbox::add_person(&ctx, NEW_PEOPLE_FROM, "Marko", "uk", None)
        .await
        .unwrap();
    let vendor = sandbox::add_person(
        &ctx,
        NEW_PEOPLE_FROM + 1,
        "  Iryna ",
        "ru",
        Some(Role::Vendor),
    )
    .await
    .unwrap();
    let admin = sandbox::add_person(&ctx, NEW_PEOPLE_FROM + 2, "Bohdan", "en", Some(Role::Admin))
        .await
        .unwrap();
    let owner = sandbox::add_person(&ctx, NEW_PEOPLE_FROM + 3, "Sofia", "uk", Some(Role::Owner))
        .await
        .unwrap();
    assert_eq!(
        policy::role_in(&ctx.db, customer, s.store).await.unwrap(),
        None
    );
    assert_eq!(
        policy::role_in(&ctx.db, vendor, s.store).await.unwrap(),
        Some(Role::Vendor)
    );
    assert_eq!(
        policy::role_in(&ctx.db, admin, s.store).await.unwrap(),
        Some(Role::Admin)
    );
    assert!(policy::is_owner(&ctx.db, owner).await.unwrap());
    // The new OWNER is platform-wide, with no row in the store.
    let members = domain::people::staff::members(&ctx.db, s.store)
        .await
        .unwrap();
    assert!(members.iter().all(|m| m.user.id != owner.0));
    let checkers: Vec<i64> = notifications::receipt_checkers(&ctx.db, s.store)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.1)
        .collect();
    for t in [NEW_PEOPLE_FROM + 2, NEW_PEOPLE_FROM + 3] {
        assert!(checkers.contains(&t), "{t} is alerted");
    }
    assert!(
        !checkers.contains(&(NEW_PEOPLE_FROM + 1)),
        "a VENDOR decides no payments"
    );

    // Adding someone again updates their name and language, and keeps their role.
    let again = sandbox::add_person(&ctx, NEW_PEOPLE_FROM + 1, "Ira", "uk", None)
        .await
        .unwrap();
    assert_eq!(again, vendor);

    let listed = sandbox::people(&ctx.db).await.unwrap();
    let expected = vec![
        (OWNER.telegram_id, "Olena", "en", Some(Role::Owner)),
        (ADMIN.telegram_id, "Taras", "en", Some(Role::Admin)),
        (NEW_PEOPLE_FROM, "Marko", "uk", None),
        (NEW_PEOPLE_FROM + 1, "Ira", "uk", Some(Role::Vendor)),
        (NEW_PEOPLE_FROM + 2, "Bohdan", "en", Some(Role::Admin)),
        (NEW_PEOPLE_FROM + 3, "Sofia", "uk", Some(Role::Owner)),
    ];
    assert_eq!(
        listed,
        expected
            .into_iter()
            .map(|(t, n, l, r)| (t, n.to_owned(), l.to_owned(), r))
            .collect::<Vec<_>>()
    );

    // A promotion shows as the strongest role.
    sandbox::add_person(&ctx, NEW_PEOPLE_FROM + 2, "Bohdan", "en", Some(Role::Owner))
        .await
        .unwrap();
    let bohdan = sandbox::people(&ctx.db)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.0 == NEW_PEOPLE_FROM + 2)
        .unwrap();
    assert_eq!(bohdan.3, Some(Role::Owner));
}

#[tokio::test]
async fn people_lists_only_sandbox_users() {
    let (_db, ctx) = ctx().await;
    sandbox::seed(&ctx).await.unwrap();
    // Someone real, and someone the bot met in the sandbox (the first customer).
    testkit::seed::person(&ctx, 42, "real", "en").await;
    testkit::seed::person(&ctx, 2_000_000, "outside", "en").await;
    testkit::seed::person(&ctx, sandbox::FIRST_CUSTOMER.telegram_id, "Kate", "en").await;
    let ids: Vec<i64> = sandbox::people(&ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(
        ids,
        vec![
            OWNER.telegram_id,
            ADMIN.telegram_id,
            sandbox::FIRST_CUSTOMER.telegram_id
        ]
    );
}

#[tokio::test]
async fn bad_people_are_refused() {
    let (_db, ctx) = ctx().await;
    sandbox::seed(&ctx).await.unwrap();
    let before = counts(&ctx).await;
    let long = "x".repeat(65);
    let cases: [(i64, &str, &str, Option<Role>, &str); 8] = [
        (NEW_PEOPLE_FROM - 1, "Ann", "en", None, "telegram_id"),
        (
            OWNER.telegram_id,
            "Ann",
            "en",
            Some(Role::Admin),
            "telegram_id",
        ),
        (-5, "Ann", "en", None, "telegram_id"),
        (NEW_PEOPLE_FROM, "", "en", None, "first_name"),
        (
            NEW_PEOPLE_FROM,
            "   ",
            "en",
            Some(Role::Vendor),
            "first_name",
        ),
        (NEW_PEOPLE_FROM, &long, "en", None, "first_name"),
        (NEW_PEOPLE_FROM, "Ann", "de", None, "language"),
        (NEW_PEOPLE_FROM, "Ann", "EN", Some(Role::Owner), "language"),
    ];
    for (telegram_id, name, lang, role, field) in cases {
        let err = sandbox::add_person(&ctx, telegram_id, name, lang, role)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Invalid { field: f } if f == field),
            "{telegram_id} {name:?} {lang}: {err:?}"
        );
    }
    // 64 characters (not bytes) is fine.
    sandbox::add_person(&ctx, NEW_PEOPLE_FROM, &"ї".repeat(64), "uk", None)
        .await
        .unwrap();
    let users_before = before.iter().find(|c| c.0 == "users").unwrap().1;
    assert_eq!(count(&ctx, "users").await, users_before + 1);
}

#[tokio::test]
async fn a_store_role_needs_the_demo_store() {
    let (_db, ctx) = ctx().await;
    let err = sandbox::add_person(&ctx, NEW_PEOPLE_FROM, "Ann", "en", Some(Role::Admin))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "store" }), "{err:?}");
    // A customer or an OWNER needs no store.
    sandbox::add_person(&ctx, NEW_PEOPLE_FROM + 1, "Bea", "en", Some(Role::Owner))
        .await
        .unwrap();
}
