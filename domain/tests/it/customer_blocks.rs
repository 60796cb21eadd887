//! Blocking a customer: audited, idempotent, store-scoped, enforced where orders are placed,
//! and never beaten by an order racing it.
use std::sync::Arc;

use domain::people::customers::{self, CustomerQuery};
use domain::{Error, UserId, ordering::cart};
use futures::future::join_all;

use crate::customers::order;
use crate::support::{Fixture, delivery, product, user};

async fn audit_entries(f: &Fixture, action: &str) -> Vec<entity::audit_log::Model> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq(action))
        .order_by_asc(entity::audit_log::Column::Id)
        .all(&f.ctx.db)
        .await
        .unwrap()
}

fn json(text: &Option<String>) -> serde_json::Value {
    serde_json::from_str(text.as_deref().unwrap()).unwrap()
}

#[tokio::test]
async fn block_and_unblock_are_audited_once_each() {
    let f = Fixture::new().await;
    order(&f, f.store, f.customer, f.product, 1).await;
    let anna = f.web(f.admin).with_origin("203.0.113.7");
    let carol = f.customer;
    let b = customers::block(&f.ctx, &anna, f.store, carol, "  chargebacks  ")
        .await
        .unwrap();
    assert_eq!(
        (b.store_id, b.user_id, b.reason.as_str(), b.blocked_by),
        (f.store.0, carol.0, "chargebacks", f.admin.0)
    );
    // Again, even with another reason: the block that stands, nothing new.
    let again = customers::block(&f.ctx, &anna, f.store, carol, "other")
        .await
        .unwrap();
    assert_eq!((again.id, again.reason.as_str()), (b.id, "chargebacks"));
    assert_eq!(f.count("customer_blocks", "1 = 1").await, 1);
    let blocks = audit_entries(&f, "customer.block").await;
    assert_eq!(blocks.len(), 1);
    let e = &blocks[0];
    assert_eq!(
        (
            e.store_id,
            e.actor_user_id,
            e.object_type.as_str(),
            e.object_id.clone(),
            e.ip.as_deref()
        ),
        (
            Some(f.store.0),
            Some(f.admin.0),
            "customer",
            carol.to_string(),
            Some("203.0.113.7")
        )
    );
    assert_eq!(json(&e.before), serde_json::json!({ "blocked": false }));
    assert_eq!(
        json(&e.after),
        serde_json::json!({ "blocked": true, "reason": "chargebacks", "orders": 1 })
    );
    let listed = customers::list(
        &f.ctx.db,
        &anna,
        f.store,
        &CustomerQuery {
            limit: 10,
            ..CustomerQuery::default()
        },
    )
    .await
    .unwrap();
    assert!(listed.customers[0].blocked);

    assert!(
        customers::unblock(&f.ctx, &f.web(f.owner), f.store, carol)
            .await
            .unwrap()
    );
    assert!(
        !customers::unblock(&f.ctx, &f.web(f.owner), f.store, carol)
            .await
            .unwrap(),
        "nothing left to lift"
    );
    assert_eq!(f.count("customer_blocks", "1 = 1").await, 0);
    let unblocks = audit_entries(&f, "customer.unblock").await;
    assert_eq!(unblocks.len(), 1);
    let before = json(&unblocks[0].before);
    assert_eq!(
        (&before["blocked"], &before["reason"], &before["blocked_by"]),
        (
            &serde_json::json!(true),
            &serde_json::json!("chargebacks"),
            &serde_json::json!(f.admin.0)
        )
    );
    assert_eq!(
        json(&unblocks[0].after),
        serde_json::json!({ "blocked": false })
    );
    let detail = customers::detail(&f.ctx.db, &anna, f.store, carol)
        .await
        .unwrap();
    assert!(detail.block.is_none() && !detail.customer.blocked);
}

#[tokio::test]
async fn a_blocked_customer_cannot_order_here_until_unblocked() {
    let f = Fixture::new().await;
    let carol = f.customer;
    order(&f, f.store, carol, f.product, 1).await;
    let anna = f.web(f.admin);
    customers::block(&f.ctx, &anna, f.store, carol, "abuse")
        .await
        .unwrap();
    let err = domain::ordering::orders::place(&f.ctx, &f.bot(carol), &f.new_order(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CustomerBlocked), "{err:?}");
    assert_eq!(err.key(), "error-customer-blocked");
    // Nor through the cart (which stays as it was), nor by staff on her behalf.
    cart::add(&f.ctx, carol, f.store, f.product, 2)
        .await
        .unwrap();
    let err = cart::checkout(&f.ctx, &f.bot(carol), carol, f.store, delivery())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CustomerBlocked), "{err:?}");
    assert_eq!(
        cart::lines(&f.ctx.db, carol, f.store).await.unwrap().len(),
        1
    );
    let err = domain::ordering::orders::place(&f.ctx, &f.web(f.vendor), &f.new_order(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CustomerBlocked), "{err:?}");
    assert_eq!(f.count("orders", "1 = 1").await, 1);
    assert_eq!(f.stock(f.product).await, (10, 1), "nothing reserved");
    // Other stores still take her orders.
    let cap = product(&f.ctx, f.other_store, "CAP", 500, 10).await;
    order(&f, f.other_store, carol, cap, 1).await;
    customers::unblock(&f.ctx, &anna, f.store, carol)
        .await
        .unwrap();
    cart::checkout(&f.ctx, &f.bot(carol), carol, f.store, delivery())
        .await
        .unwrap();
    assert_eq!(f.stock(f.product).await, (10, 3));
}

#[tokio::test]
async fn vendors_strangers_and_other_stores_cannot_block() {
    let f = Fixture::new().await;
    let carol = f.customer;
    order(&f, f.store, carol, f.product, 1).await;
    let err = customers::block(&f.ctx, &f.web(f.vendor), f.store, carol, "x")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    let err = customers::unblock(&f.ctx, &f.web(f.vendor), f.store, carol)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    for who in [f.other_admin, f.stranger, f.customer] {
        let err = customers::block(&f.ctx, &f.web(who), f.store, carol, "x")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    }
    // Otto blocks Carol in his own store, where she never ordered: no such customer.
    let err = customers::block(&f.ctx, &f.web(f.other_admin), f.other_store, carol, "x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound { what: "customer" }),
        "{err:?}"
    );
    for who in [f.stranger, UserId(999_999)] {
        let err = customers::block(&f.ctx, &f.web(f.admin), f.store, who, "x")
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::NotFound { what: "customer" }),
            "{err:?}"
        );
    }
    assert_eq!(f.count("customer_blocks", "1 = 1").await, 0);
    assert_eq!(f.count("audit_log", "action LIKE 'customer.%'").await, 0);
}

#[tokio::test]
async fn staff_and_oneself_are_not_blocked_and_a_reason_is_needed() {
    let f = Fixture::new().await;
    // Staff shopping in their own store are its customers too.
    for who in [f.admin, f.vendor, f.owner] {
        let new = domain::ordering::orders::NewOrder {
            customer: who,
            ..f.new_order(1)
        };
        domain::ordering::orders::place(&f.ctx, &f.bot(who), &new)
            .await
            .unwrap();
    }
    let anna = f.web(f.admin);
    for who in [f.admin, f.vendor, f.owner] {
        let err = customers::block(&f.ctx, &anna, f.store, who, "x")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::StaffNotBlockable), "{who:?}: {err:?}");
    }
    order(&f, f.store, f.customer, f.product, 1).await;
    for (reason, field) in [("   ", None), (&*"x".repeat(501), Some("reason"))] {
        let err = customers::block(&f.ctx, &anna, f.store, f.customer, reason)
            .await
            .unwrap_err();
        match field {
            None => assert!(matches!(err, Error::ReasonRequired), "{err:?}"),
            Some(field) => assert!(matches!(err, Error::Invalid { field: got } if got == field)),
        }
    }
    customers::block(&f.ctx, &anna, f.store, f.customer, &"x".repeat(500))
        .await
        .unwrap();
    assert_eq!(f.count("customer_blocks", "1 = 1").await, 1);
}

/// Each customer has an order; then a block and a second order race. Whatever the outcome, no
/// order was placed after the block: a refused order left nothing, and an order that got in
/// was seen by the block (its audit entry counts two orders).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_block_racing_an_order_is_never_followed_by_that_order() {
    let f = Arc::new(Fixture::new().await);
    let tea = product(&f.ctx, f.store, "TEA", 100, 1_000).await;
    let mut people = Vec::new();
    for i in 0..12 {
        let who = user(&f.ctx, 300 + i, &format!("racer{i}")).await;
        order(&f, f.store, who, tea, 1).await;
        people.push(who);
    }
    let mut tasks = Vec::new();
    for who in people.iter().copied() {
        let (fb, fo) = (f.clone(), f.clone());
        tasks.push(tokio::spawn(async move {
            let block =
                async { customers::block(&fb.ctx, &fb.web(fb.admin), fb.store, who, "race").await };
            let place = async {
                let new = domain::ordering::orders::NewOrder {
                    store: fo.store,
                    customer: who,
                    items: vec![(tea, 1)],
                    delivery: delivery(),
                };
                domain::ordering::orders::place(&fo.ctx, &fo.bot(who), &new).await
            };
            let (blocked, placed) = tokio::join!(block, place);
            (who, blocked.map(|_| ()), placed.map(|o| o.id))
        }));
    }
    let mut outcomes = (0, 0);
    for t in join_all(tasks).await {
        let (who, blocked, placed) = t.unwrap();
        blocked.unwrap();
        let orders = f.count("orders", &format!("customer_id = {}", who.0)).await;
        let entry = audit_entries(&f, "customer.block")
            .await
            .into_iter()
            .find(|e| e.object_id == who.to_string())
            .unwrap();
        let seen = json(&entry.after)["orders"].as_i64().unwrap();
        match placed {
            Ok(_) => {
                outcomes.0 += 1;
                assert_eq!((orders, seen), (2, 2), "{who:?}: placed before the block");
            }
            Err(e) => {
                outcomes.1 += 1;
                assert!(matches!(e, Error::CustomerBlocked), "{e:?}");
                assert_eq!((orders, seen), (1, 1), "{who:?}: refused");
            }
        }
    }
    assert_eq!(outcomes.0 + outcomes.1, 12, "{outcomes:?}");
    assert_eq!(f.count("customer_blocks", "1 = 1").await, 12);
    let (_, reserved) = f.stock(tea).await;
    assert_eq!(i64::from(reserved), f.count("orders", "1 = 1").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_blocking_at_once_make_one_block() {
    let f = Arc::new(Fixture::new().await);
    order(&f, f.store, f.customer, f.product, 1).await;
    let tasks = (0..8).map(|i| {
        let f = f.clone();
        tokio::spawn(async move {
            let who = if i % 2 == 0 { f.admin } else { f.owner };
            customers::block(&f.ctx, &f.web(who), f.store, f.customer, "twice").await
        })
    });
    let ids: Vec<i64> = join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap().id)
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(f.count("customer_blocks", "1 = 1").await, 1);
    assert_eq!(f.count("audit_log", "action = 'customer.block'").await, 1);
}
