//! The cap on a customer's open unpaid orders in a store (`Ctx::max_open_orders`): a new
//! account cannot reserve a store's whole stock with one checkout after another.
use std::sync::Arc;

use domain::ordering::cart;
use domain::ordering::orders::{NewOrder, decide, fulfil};
use domain::{Error, OrderId, OrderStatus};

use crate::support::{Fixture, delivery, one_winner, product};

/// The fixture with the cap at `max`.
async fn capped(max: u32) -> Fixture {
    let mut f = Fixture::new().await;
    f.ctx = f.ctx.clone().with_max_open_orders(Some(max));
    f
}

fn refused(r: Result<entity::orders::Model, Error>, max: u32) {
    match r {
        Err(Error::OpenOrdersLimit { max: m }) => assert_eq!(m, max),
        other => panic!("expected the cap, got {other:?}"),
    }
}

#[tokio::test]
async fn a_customer_is_refused_beyond_the_cap_until_an_order_is_paid_or_cancelled() {
    let f = capped(2).await;
    let first = f.order(1).await;
    let second = f.order_in_review(1).await;
    let (by_customer, one) = (f.bot(f.customer), f.new_order(1));
    let place = || domain::ordering::orders::place(&f.ctx, &by_customer, &one);
    refused(place().await, 2);
    // Nothing of the refused order is left: no row, no reservation, no event.
    assert_eq!(f.count("orders", "1 = 1").await, 2);
    assert_eq!(f.stock(f.product).await, (10, 2));
    assert_eq!(
        f.count("outbox_events", "event_type = 'order_placed'")
            .await,
        2
    );

    // The cap is per store: the customer may still order elsewhere.
    let elsewhere = product(&f.ctx, f.other_store, "CUP", 500, 5).await;
    let other = NewOrder {
        store: f.other_store,
        customer: f.customer,
        items: vec![(elsewhere, 1)],
        delivery: delivery(),
    };
    domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &other)
        .await
        .unwrap();
    // Another customer is not affected.
    let someone = NewOrder {
        customer: f.stranger,
        ..f.new_order(1)
    };
    domain::ordering::orders::place(&f.ctx, &f.bot(f.stranger), &someone)
        .await
        .unwrap();
    // Staff placing an order for the customer (on the phone, say) are not capped.
    domain::ordering::orders::place(&f.ctx, &f.web(f.admin), &f.new_order(1))
        .await
        .unwrap();
    refused(place().await, 2);

    // A paid order is no longer open; neither is a cancelled one.
    decide::verify(&f.ctx, &f.web(f.admin), second)
        .await
        .unwrap();
    fulfil::cancel(&f.ctx, &f.bot(f.customer), first, None)
        .await
        .unwrap();
    let staffs: OrderId = OrderId(
        domain::ordering::orders::queries::of_customer(&f.ctx.db, f.customer, 10)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.store_id == f.store.0 && o.status == OrderStatus::AwaitingPayment)
            .unwrap()
            .id,
    );
    // Left open: the staff's order for them. One more fits under the cap of two.
    place().await.unwrap();
    refused(place().await, 2);
    fulfil::cancel(&f.ctx, &f.web(f.admin), staffs, None)
        .await
        .unwrap();
    place().await.unwrap();
}

#[tokio::test]
async fn checkout_over_the_cap_keeps_the_cart() {
    let f = capped(1).await;
    let open = f.order(1).await;
    cart::add(&f.ctx, f.customer, f.store, f.product, 3)
        .await
        .unwrap();
    let by_customer = f.bot(f.customer);
    let checkout = || cart::checkout(&f.ctx, &by_customer, f.customer, f.store, delivery());
    refused(checkout().await, 1);
    let lines = cart::lines(&f.ctx.db, f.customer, f.store).await.unwrap();
    assert_eq!(
        lines
            .iter()
            .map(|l| (l.product_id, l.quantity))
            .collect::<Vec<_>>(),
        vec![(f.product, 3)],
        "the cart is as it was"
    );
    assert_eq!(f.stock(f.product).await, (10, 1), "nothing more reserved");

    // The customer cancels the open order and tries again.
    fulfil::cancel(&f.ctx, &f.bot(f.customer), open, None)
        .await
        .unwrap();
    let placed = checkout().await.unwrap();
    assert_eq!(placed.total_minor, 3 * 25_000);
    assert!(
        cart::lines(&f.ctx.db, f.customer, f.store)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_checkouts_of_one_customer_cannot_both_pass_the_cap() {
    let f = capped(3).await;
    f.order(1).await;
    f.order(1).await;
    let f = Arc::new(f);
    // Room for one more: of ten at once, exactly one is placed.
    let tasks = (0..10).map(|_| {
        let f = f.clone();
        tokio::spawn(async move {
            domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &f.new_order(1)).await
        })
    });
    for e in one_winner(tasks).await {
        assert!(matches!(e, Error::OpenOrdersLimit { max: 3 }), "{e:?}");
    }
    let open = format!(
        "customer_id = {} AND status IN ('awaiting_payment', 'payment_review')",
        f.customer.0
    );
    assert_eq!(f.count("orders", &open).await, 3);
    assert_eq!(f.stock(f.product).await, (10, 3));

    // A checkout from the cart racing a direct order: still only one of them.
    fulfil::cancel(
        &f.ctx,
        &f.bot(f.customer),
        OrderId(
            domain::ordering::orders::queries::of_customer(&f.ctx.db, f.customer, 1)
                .await
                .unwrap()[0]
                .id,
        ),
        None,
    )
    .await
    .unwrap();
    cart::add(&f.ctx, f.customer, f.store, f.product, 1)
        .await
        .unwrap();
    let by_cart = {
        let f = f.clone();
        tokio::spawn(async move {
            cart::checkout(&f.ctx, &f.bot(f.customer), f.customer, f.store, delivery()).await
        })
    };
    let direct = {
        let f = f.clone();
        tokio::spawn(async move {
            domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &f.new_order(1)).await
        })
    };
    for e in one_winner([by_cart, direct]).await {
        assert!(matches!(e, Error::OpenOrdersLimit { max: 3 }), "{e:?}");
    }
    assert_eq!(f.count("orders", &open).await, 3);
}
