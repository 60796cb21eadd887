//! Catalog and stock rules.
use domain::catalog::products::{self, NewProduct, ProductChanges};
use domain::catalog::stock::{Reason, adjust};
use domain::{Error, ProductId};

use crate::support::Fixture;

#[tokio::test]
async fn adjustments_are_recorded_and_never_undercut_reservations() {
    let f = Fixture::new().await;
    f.order(4).await;
    let p = adjust(
        &f.ctx,
        &f.web(f.vendor),
        f.product,
        5,
        Reason::Received,
        Some("delivery #7"),
    )
    .await
    .unwrap();
    assert_eq!((p.on_hand, p.reserved), (15, 4));
    let err = adjust(
        &f.ctx,
        &f.web(f.vendor),
        f.product,
        -12,
        Reason::Correction,
        None,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InsufficientStock {
                on_hand: 15,
                reserved: 4
            }
        ),
        "{err:?}"
    );
    adjust(
        &f.ctx,
        &f.web(f.admin),
        f.product,
        -11,
        Reason::Damaged,
        None,
    )
    .await
    .unwrap();
    assert_eq!(f.stock(f.product).await, (4, 4));
    assert_eq!(
        f.count(
            "stock_movements",
            "reason = 'received' AND note = 'delivery #7'"
        )
        .await,
        1
    );
    assert_eq!(f.count("audit_log", "action = 'stock.adjust'").await, 2);
    let err = adjust(
        &f.ctx,
        &f.web(f.other_admin),
        f.product,
        1,
        Reason::Received,
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = adjust(
        &f.ctx,
        &f.web(f.customer),
        f.product,
        1,
        Reason::Received,
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(matches!(
        Reason::parse_manual("reserve"),
        Err(Error::Invalid { .. })
    ));
}

#[tokio::test]
async fn products_sku_unique_per_store_and_inactive_ones_cannot_be_ordered() {
    let f = Fixture::new().await;
    let new = |sku: &str| NewProduct {
        sku: sku.into(),
        title: "Cap".into(),
        description: "Wool".into(),
        price_minor: 1_000,
        on_hand: 3,
        low_stock_threshold: Some(1),
    };
    let err = products::create(&f.ctx, &f.web(f.vendor), f.store, new("MUG"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::SkuTaken { .. }), "{err:?}");
    // The same SKU in another store is fine.
    products::create(&f.ctx, &f.web(f.other_admin), f.other_store, new("MUG"))
        .await
        .unwrap();
    let err = products::create(&f.ctx, &f.web(f.vendor), f.store, new("bad sku!"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid { field: "sku" }));
    let err = products::create(&f.ctx, &f.web(f.vendor), f.other_store, new("CAP"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let changes = ProductChanges {
        active: Some(false),
        ..Default::default()
    };
    products::update(&f.ctx, &f.web(f.vendor), f.product, changes)
        .await
        .unwrap();
    let err = domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &f.new_order(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ProductUnavailable { .. }), "{err:?}");
    assert_eq!(
        products::list(&f.ctx.db, f.store, true)
            .await
            .unwrap()
            .len(),
        0
    );
    let err = products::update(
        &f.ctx,
        &f.web(f.vendor),
        ProductId(999_999),
        ProductChanges::default(),
    )
    .await;
    assert!(matches!(err, Err(Error::NotFound { .. })));
}

#[tokio::test]
async fn out_of_stock_says_how_many_are_left() {
    let f = Fixture::new().await;
    f.order(8).await;
    let err = domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &f.new_order(3))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::OutOfStock { available: 2, .. }),
        "{err:?}"
    );
    assert_eq!(f.stock(f.product).await, (10, 8));
}

#[tokio::test]
async fn movements_come_newest_first_and_only_for_that_product() {
    let f = Fixture::new().await;
    let cup = crate::support::product(&f.ctx, f.store, "CUP", 1000, 5).await;
    for (delta, reason, note) in [
        (3, Reason::Received, Some("first")),
        (-1, Reason::Damaged, Some("second")),
        (2, Reason::Correction, Some("third")),
    ] {
        adjust(&f.ctx, &f.web(f.vendor), cup, delta, reason, note)
            .await
            .unwrap();
        f.clock.advance(chrono::Duration::seconds(1));
    }
    adjust(
        &f.ctx,
        &f.web(f.vendor),
        f.product,
        1,
        Reason::Received,
        None,
    )
    .await
    .unwrap();
    let rows = domain::catalog::stock::movements(&f.ctx.db, cup, 2)
        .await
        .unwrap();
    let seen: Vec<_> = rows
        .iter()
        .map(|m| (m.delta_on_hand, m.reason.as_str(), m.note.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            (2, "correction", Some("third")),
            (-1, "damaged", Some("second"))
        ]
    );
    assert!(rows.iter().all(|m| m.product_id == cup.0));
}

#[tokio::test]
async fn low_stock_uses_the_products_threshold_else_the_stores_default() {
    let f = Fixture::new().await;
    let new = |sku: &str, on_hand: i64, threshold: Option<i32>| NewProduct {
        sku: sku.into(),
        title: sku.into(),
        description: String::new(),
        price_minor: 100,
        on_hand,
        low_stock_threshold: threshold,
    };
    let op = domain::Actor::operator();
    // The store's default is 3.
    for (sku, on_hand, threshold) in [
        ("AT-DEFAULT", 3, None),
        ("ABOVE-DEFAULT", 4, None),
        ("AT-OWN", 10, Some(10)),
        ("ABOVE-OWN", 2, Some(1)),
    ] {
        products::create(&f.ctx, &op, f.store, new(sku, on_hand, threshold))
            .await
            .unwrap();
    }
    products::create(&f.ctx, &op, f.other_store, new("ELSEWHERE", 0, None))
        .await
        .unwrap();
    let low: Vec<String> = products::low_stock(&f.ctx.db, f.store)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.sku)
        .filter(|s| s != "MUG" && s != "TEA")
        .collect();
    assert_eq!(low, ["AT-DEFAULT", "AT-OWN"]);
}

#[tokio::test]
async fn reserved_stock_counts_against_the_low_stock_threshold() {
    let f = Fixture::new().await;
    let before = products::low_stock(&f.ctx.db, f.store).await.unwrap();
    let p = products::find_in(&f.ctx.db, f.store, f.product)
        .await
        .unwrap();
    assert!(!before.iter().any(|x| x.id == p.id), "{p:?}");
    let reserve = i64::from(p.on_hand) - 3;
    f.order(u32::try_from(reserve).unwrap()).await;
    let after = products::low_stock(&f.ctx.db, f.store).await.unwrap();
    assert!(after.iter().any(|x| x.id == p.id));
    let foreign = products::find_in(&f.ctx.db, f.other_store, f.product)
        .await
        .unwrap_err();
    assert!(matches!(foreign, Error::NotFound { .. }), "{foreign:?}");
}

#[tokio::test]
async fn the_low_stock_alert_fires_once_per_crossing() {
    let f = Fixture::new().await;
    // Stock 10, the store's default threshold is 3.
    let alerts = |f: &Fixture| {
        let db = f.ctx.db.clone();
        async move {
            use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
            entity::outbox_events::Entity::find()
                .filter(entity::outbox_events::Column::EventType.eq("low_stock"))
                .count(&db)
                .await
                .unwrap()
        }
    };
    f.order(2).await; // 8 left
    f.order(4).await; // 4 left
    assert_eq!(alerts(&f).await, 0);
    f.order(1).await; // 3 left: crossed
    assert_eq!(alerts(&f).await, 1);
    f.order(1).await; // 2 left: still below, no new alert
    assert_eq!(alerts(&f).await, 1);
    adjust(
        &f.ctx,
        &f.web(f.vendor),
        f.product,
        10,
        Reason::Received,
        None,
    )
    .await
    .unwrap(); // 12
    assert_eq!(alerts(&f).await, 1, "going up is no alert");
    adjust(
        &f.ctx,
        &f.web(f.vendor),
        f.product,
        -9,
        Reason::Damaged,
        None,
    )
    .await
    .unwrap(); // 3: crossed again
    assert_eq!(alerts(&f).await, 2);
    // Staff who look after the catalog hear about it, in the notification center too.
    domain::messaging::centre::fill(&f.ctx, "w").await.unwrap();
    assert_eq!(
        domain::messaging::centre::unread(&f.ctx.db, f.vendor)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        domain::messaging::centre::unread(&f.ctx.db, f.other_admin)
            .await
            .unwrap(),
        0
    );
}
