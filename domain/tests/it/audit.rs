//! The audit log: entries written by real actions, searched by a store's ADMIN+.
use chrono::{Duration, TimeZone, Utc};
use domain::catalog::products::{self, NewProduct};
use domain::catalog::stock::{Reason, adjust};
use domain::platform::audit::{AuditFilter, search};
use domain::{Channel, Error, ProductId};

use crate::support::Fixture;

/// Verify (admin, 13:00), create a product (vendor, 14:00), adjust its stock (vendor, 15:00).
async fn actions(f: &Fixture) -> (i64, ProductId) {
    let order = f.order_in_review(1).await;
    f.clock.advance(Duration::hours(1));
    let o = domain::ordering::orders::decide::verify(&f.ctx, &f.web(f.admin), order)
        .await
        .unwrap();
    f.clock.advance(Duration::hours(1));
    let new = NewProduct {
        sku: "CUP".to_owned(),
        title: "Cup".to_owned(),
        description: String::new(),
        price_minor: 10_000,
        on_hand: 3,
        low_stock_threshold: None,
    };
    let p = products::create(&f.ctx, &f.web(f.vendor), f.store, new)
        .await
        .unwrap();
    f.clock.advance(Duration::hours(1));
    adjust(
        &f.ctx,
        &f.web(f.vendor),
        ProductId(p.id),
        5,
        Reason::Received,
        Some("delivery"),
    )
    .await
    .unwrap();
    (o.number, ProductId(p.id))
}

async fn find(f: &Fixture, filter: AuditFilter) -> Vec<entity::audit_log::Model> {
    search(&f.ctx.db, &f.web(f.admin), f.store, &filter, None, 100)
        .await
        .unwrap()
}

fn actions_of(rows: &[entity::audit_log::Model]) -> Vec<&str> {
    rows.iter().map(|r| r.action.as_str()).collect()
}

#[tokio::test]
async fn real_actions_are_found_newest_first() {
    let f = Fixture::new().await;
    let (number, product) = actions(&f).await;
    let all = find(&f, AuditFilter::default()).await;
    assert_eq!(
        actions_of(&all[..3]),
        ["stock.adjust", "product.create", "order.verify"]
    );
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert!(all.iter().all(|r| r.store_id == Some(f.store.0)));
    let verify = &all[2];
    assert_eq!(verify.actor_user_id, Some(f.admin.0));
    assert_eq!(verify.channel, Channel::Web);
    assert_eq!(
        (verify.object_type.as_str(), verify.object_id.as_str()),
        ("order", number.to_string().as_str())
    );
    assert!(verify.before.as_deref().unwrap().contains("payment_review"));
    assert!(verify.after.as_deref().unwrap().contains("paid"));
    assert_eq!(all[0].object_id, product.0.to_string());

    // Keyset pages: one at a time, each after the last one seen, covering everything once.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = search(
            &f.ctx.db,
            &f.web(f.admin),
            f.store,
            &AuditFilter::default(),
            after,
            1,
        )
        .await
        .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        seen.extend(page.iter().map(|r| r.id));
    }
    assert_eq!(seen, all.iter().map(|r| r.id).collect::<Vec<_>>());
    // The owner sees the same log.
    let owner = search(
        &f.ctx.db,
        &f.web(f.owner),
        f.store,
        &AuditFilter::default(),
        None,
        100,
    )
    .await
    .unwrap();
    assert_eq!(owner, all);
}

#[tokio::test]
async fn each_filter_narrows_the_log() {
    let f = Fixture::new().await;
    let (number, product) = actions(&f).await;

    let by_vendor = find(
        &f,
        AuditFilter {
            actor_user: Some(f.vendor),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(actions_of(&by_vendor), ["stock.adjust", "product.create"]);

    let verifies = find(
        &f,
        AuditFilter {
            action: Some("order.verify".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(actions_of(&verifies), ["order.verify"]);

    let on_products = find(
        &f,
        AuditFilter {
            object_type: Some("product".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(on_products.iter().all(|r| r.object_type == "product"));
    assert_eq!(
        &actions_of(&on_products)[..2],
        ["stock.adjust", "product.create"]
    );

    let one_product = find(
        &f,
        AuditFilter {
            object_type: Some("product".into()),
            object_id: Some(format!(" {} ", product.0)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(actions_of(&one_product), ["stock.adjust", "product.create"]);

    let one_order = find(
        &f,
        AuditFilter {
            object_id: Some(number.to_string()),
            object_type: Some("order".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(actions_of(&one_order), ["order.verify"]);

    // 13:30 ..< 15:00 holds only the product's creation (14:00).
    let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 21, h, m, 0).unwrap();
    let window = find(
        &f,
        AuditFilter {
            from: Some(at(13, 30)),
            to: Some(at(15, 0)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(actions_of(&window), ["product.create"]);
    let since = find(
        &f,
        AuditFilter {
            from: Some(at(15, 0)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(actions_of(&since), ["stock.adjust"]);

    let blank = find(
        &f,
        AuditFilter {
            action: Some("  ".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        blank,
        find(&f, AuditFilter::default()).await,
        "blank is any"
    );

    let nothing = find(
        &f,
        AuditFilter {
            action: Some("order.verify".into()),
            actor_user: Some(f.vendor),
            ..Default::default()
        },
    )
    .await;
    assert!(nothing.is_empty());
}

#[tokio::test]
async fn only_admins_of_the_store_read_its_log() {
    let f = Fixture::new().await;
    actions(&f).await;
    let filter = AuditFilter::default();
    let err = search(&f.ctx.db, &f.web(f.vendor), f.store, &filter, None, 10)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    for stranger in [f.other_admin, f.customer, f.stranger] {
        let err = search(&f.ctx.db, &f.web(stranger), f.store, &filter, None, 10)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    }
    // Their own store's log has none of ours, whatever they filter on.
    let theirs = search(
        &f.ctx.db,
        &f.web(f.other_admin),
        f.other_store,
        &AuditFilter {
            action: Some("order.verify".into()),
            ..Default::default()
        },
        None,
        100,
    )
    .await
    .unwrap();
    assert!(theirs.is_empty(), "{theirs:?}");
    let own = search(
        &f.ctx.db,
        &f.web(f.other_admin),
        f.other_store,
        &filter,
        None,
        100,
    )
    .await
    .unwrap();
    assert!(own.iter().all(|r| r.store_id == Some(f.other_store.0)));
}
