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
    let err = domain::orders::place(&f.ctx, &f.bot(f.customer), &f.new_order(1))
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
    let err = domain::orders::place(&f.ctx, &f.bot(f.customer), &f.new_order(3))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::OutOfStock { available: 2, .. }),
        "{err:?}"
    );
    assert_eq!(f.stock(f.product).await, (10, 8));
}
