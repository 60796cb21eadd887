//! The customer's cart: lines, limits, and checkout into an order in one transaction.
use std::sync::Arc;

use domain::catalog::products::{self, ProductChanges};
use domain::ordering::cart::{self, CartChange, CartLine, MAX_QUANTITY};
use domain::{Actor, Error, OrderStatus, ProductId, StoreId};
use futures::future::join_all;

use crate::support::{Fixture, delivery, one_winner, product};

fn quantities(lines: &[CartLine]) -> Vec<(ProductId, u32)> {
    lines.iter().map(|l| (l.product_id, l.quantity)).collect()
}

impl Fixture {
    async fn cart(&self) -> Vec<CartLine> {
        cart::lines(&self.ctx.db, self.customer, self.store)
            .await
            .unwrap()
    }

    async fn add(&self, product: ProductId, qty: u32) -> Result<Vec<CartLine>, Error> {
        cart::add(&self.ctx, self.customer, self.store, product, qty).await
    }

    async fn checkout(&self, actor: &Actor) -> Result<entity::orders::Model, Error> {
        cart::checkout(&self.ctx, actor, self.customer, self.store, delivery()).await
    }

    async fn deactivate(&self, product: ProductId) {
        let changes = ProductChanges {
            active: Some(false),
            ..ProductChanges::default()
        };
        products::update(&self.ctx, &Actor::operator(), product, changes)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn adding_again_adds_up_and_lines_show_the_product() {
    let f = Fixture::new().await;
    assert!(f.cart().await.is_empty());
    f.add(f.product, 2).await.unwrap();
    let lines = f.add(f.product, 3).await.unwrap();
    assert_eq!(
        lines,
        vec![CartLine {
            product_id: f.product,
            sku: "MUG".to_owned(),
            title: "Mug".to_owned(),
            unit_price_minor: 25_000,
            quantity: 5,
            available: 10,
            active: true,
        }]
    );
    assert_eq!(cart::total(&lines).unwrap(), 125_000);
    assert_eq!(f.cart().await, lines);

    // Lines keep the order they were first added in.
    let plate = product(&f.ctx, f.store, "PLATE", 1_000, 3).await;
    let lines = f.add(plate, 1).await.unwrap();
    assert_eq!(quantities(&lines), vec![(f.product, 5), (plate, 1)]);
    f.add(f.product, 1).await.unwrap();
    assert_eq!(
        quantities(&f.cart().await),
        vec![(f.product, 6), (plate, 1)]
    );
    assert_eq!(cart::total(&f.cart().await).unwrap(), 6 * 25_000 + 1_000);
    // Nothing is reserved by a cart.
    assert_eq!(f.stock(f.product).await, (10, 0));
}

#[tokio::test]
async fn a_line_holds_at_most_99() {
    let f = Fixture::new().await;
    let invalid = |r: Result<Vec<CartLine>, Error>| {
        assert!(
            matches!(r, Err(Error::Invalid { field: "quantity" })),
            "{r:?}"
        );
    };
    invalid(f.add(f.product, 0).await);
    invalid(f.add(f.product, MAX_QUANTITY + 1).await);
    invalid(f.add(f.product, u32::MAX).await);
    assert!(f.cart().await.is_empty());

    f.add(f.product, 98).await.unwrap();
    f.add(f.product, 1).await.unwrap();
    // The merged quantity is capped too, and a refused add changes nothing.
    invalid(f.add(f.product, 1).await);
    assert_eq!(quantities(&f.cart().await), vec![(f.product, 99)]);

    invalid(cart::set_quantity(&f.ctx, f.customer, f.store, f.product, 100).await);
    assert_eq!(quantities(&f.cart().await), vec![(f.product, 99)]);
}

#[tokio::test]
async fn a_change_goes_up_or_down_by_its_step_and_remove_takes_the_line_out() {
    let f = Fixture::new().await;
    let plate = product(&f.ctx, f.store, "PLATE", 1_000, 3).await;
    let change = |product: ProductId, change: CartChange| {
        cart::change(&f.ctx, f.customer, f.store, product, change)
    };
    // `+` on a product not in the cart puts one there; `+` and `−` step from what is there.
    let lines = change(f.product, CartChange::By(1)).await.unwrap();
    assert_eq!(quantities(&lines), vec![(f.product, 1)]);
    change(f.product, CartChange::By(1)).await.unwrap();
    change(plate, CartChange::By(3)).await.unwrap();
    let lines = change(plate, CartChange::By(-1)).await.unwrap();
    assert_eq!(quantities(&lines), vec![(f.product, 2), (plate, 2)]);
    // Down to none (or further) takes the line out, never below none.
    let lines = change(f.product, CartChange::By(-5)).await.unwrap();
    assert_eq!(quantities(&lines), vec![(plate, 2)]);
    // `−` on what is not there changes nothing.
    let lines = change(f.product, CartChange::By(-1)).await.unwrap();
    assert_eq!(quantities(&lines), vec![(plate, 2)]);
    // Remove takes the line out whatever it holds, and again is no error.
    assert!(change(plate, CartChange::Remove).await.unwrap().is_empty());
    assert!(change(plate, CartChange::Remove).await.unwrap().is_empty());
    // Above the cap is refused and changes nothing; the largest steps do not overflow.
    change(plate, CartChange::By(MAX_QUANTITY as i32))
        .await
        .unwrap();
    for step in [1, i32::MAX] {
        let r = change(plate, CartChange::By(step)).await;
        assert!(
            matches!(r, Err(Error::Invalid { field: "quantity" })),
            "{r:?}"
        );
    }
    let lines = change(plate, CartChange::By(i32::MIN)).await.unwrap();
    assert!(lines.is_empty(), "i32::MIN is a step down like any other");
}

#[tokio::test]
async fn set_quantity_replaces_and_zero_or_remove_takes_the_line_out() {
    let f = Fixture::new().await;
    let plate = product(&f.ctx, f.store, "PLATE", 1_000, 3).await;
    let set = |product: ProductId, qty: u32| {
        cart::set_quantity(&f.ctx, f.customer, f.store, product, qty)
    };
    // Setting a product that is not in the cart puts it there.
    assert_eq!(
        quantities(&set(f.product, 7).await.unwrap()),
        vec![(f.product, 7)]
    );
    assert_eq!(
        quantities(&set(f.product, 2).await.unwrap()),
        vec![(f.product, 2)]
    );
    set(plate, 4).await.unwrap();
    let lines = set(f.product, 0).await.unwrap();
    assert_eq!(quantities(&lines), vec![(plate, 4)]);

    let lines = cart::remove(&f.ctx, f.customer, f.store, plate)
        .await
        .unwrap();
    assert!(lines.is_empty());
    // Removing what is not there (a second tap) is no error.
    cart::remove(&f.ctx, f.customer, f.store, plate)
        .await
        .unwrap();

    f.add(f.product, 1).await.unwrap();
    f.add(plate, 1).await.unwrap();
    assert_eq!(
        cart::clear(&f.ctx.db, f.customer, f.store).await.unwrap(),
        2
    );
    assert!(f.cart().await.is_empty());
}

#[tokio::test]
async fn only_active_products_of_the_store_go_into_its_cart() {
    let f = Fixture::new().await;
    let elsewhere = product(&f.ctx, f.other_store, "CUP", 500, 5).await;
    let err = f.add(elsewhere, 1).await.unwrap_err();
    assert!(
        matches!(err, Error::NotFound { what: "product" }),
        "{err:?}"
    );
    let err = f.add(ProductId(999_999), 1).await.unwrap_err();
    assert!(
        matches!(err, Error::NotFound { what: "product" }),
        "{err:?}"
    );
    let err = cart::set_quantity(&f.ctx, f.customer, f.store, elsewhere, 1)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound { what: "product" }),
        "{err:?}"
    );

    // A product withdrawn after it went into the cart stays there, shown as unavailable,
    // and cannot be added to.
    f.add(f.product, 1).await.unwrap();
    f.deactivate(f.product).await;
    let err = f.add(f.product, 1).await.unwrap_err();
    assert!(matches!(err, Error::ProductUnavailable { .. }), "{err:?}");
    let lines = f.cart().await;
    assert_eq!(quantities(&lines), vec![(f.product, 1)]);
    assert!(!lines[0].active);
    // ... and an order of it is refused, the cart kept.
    let err = f.checkout(&f.bot(f.customer)).await.unwrap_err();
    assert!(matches!(err, Error::ProductUnavailable { .. }), "{err:?}");
    assert_eq!(quantities(&f.cart().await), vec![(f.product, 1)]);

    // Carts are per customer and per store.
    let other = cart::lines(&f.ctx.db, f.stranger, f.store).await.unwrap();
    assert!(other.is_empty());
    cart::add(&f.ctx, f.customer, f.other_store, elsewhere, 2)
        .await
        .unwrap();
    assert_eq!(
        quantities(
            &cart::lines(&f.ctx.db, f.customer, f.other_store)
                .await
                .unwrap()
        ),
        vec![(elsewhere, 2)]
    );
    assert_eq!(f.cart().await.len(), 1);
}

#[test]
fn total_refuses_to_overflow() {
    let line = |price: i64, quantity: u32| CartLine {
        product_id: ProductId(1),
        sku: "X".to_owned(),
        title: "X".to_owned(),
        unit_price_minor: price,
        quantity,
        available: 0,
        active: true,
    };
    assert_eq!(cart::total(&[]).unwrap(), 0);
    assert_eq!(cart::total(&[line(150, 2), line(1, 3)]).unwrap(), 303);
    assert!(matches!(
        cart::total(&[line(i64::MAX / 2 + 1, 2)]),
        Err(Error::AmountOverflow)
    ));
    assert!(matches!(
        cart::total(&[line(i64::MAX, 1), line(1, 1)]),
        Err(Error::AmountOverflow)
    ));
}

#[tokio::test]
async fn checkout_places_the_cart_and_empties_it() {
    let f = Fixture::new().await;
    let plate = product(&f.ctx, f.store, "PLATE", 1_000, 3).await;
    f.add(f.product, 2).await.unwrap();
    f.add(plate, 3).await.unwrap();
    // Another store's cart is not part of this checkout.
    let elsewhere = product(&f.ctx, f.other_store, "CUP", 500, 5).await;
    cart::add(&f.ctx, f.customer, f.other_store, elsewhere, 1)
        .await
        .unwrap();

    let order = f.checkout(&f.bot(f.customer)).await.unwrap();
    assert_eq!(order.store_id, f.store.0);
    assert_eq!(order.customer_id, f.customer.0);
    assert_eq!(order.total_minor, 2 * 25_000 + 3 * 1_000);
    assert_eq!(order.delivery_name, delivery().name);
    assert_eq!(
        domain::ordering::orders::status_of(&order).unwrap(),
        OrderStatus::AwaitingPayment
    );
    let items = format!("order_id = {}", order.id);
    assert_eq!(f.count("order_items", &items).await, 2);
    assert_eq!(
        f.count(
            "order_items",
            &format!("{items} AND product_id = {} AND quantity = 2", f.product.0)
        )
        .await,
        1
    );
    assert_eq!(
        f.count(
            "order_items",
            &format!("{items} AND product_id = {} AND quantity = 3", plate.0)
        )
        .await,
        1
    );
    assert_eq!(f.stock(f.product).await, (10, 2));
    assert_eq!(f.stock(plate).await, (3, 3));
    assert!(f.cart().await.is_empty());
    assert_eq!(
        cart::lines(&f.ctx.db, f.customer, f.other_store)
            .await
            .unwrap()
            .len(),
        1
    );
    // A customer's own order is not a staff action.
    assert_eq!(f.count("audit_log", "action = 'order.place'").await, 0);
    assert_eq!(
        f.count("outbox_events", "event_type = 'order_placed'")
            .await,
        1
    );

    // The cart is empty now: a second checkout has nothing to order.
    let err = f.checkout(&f.bot(f.customer)).await.unwrap_err();
    assert!(matches!(err, Error::EmptyOrder), "{err:?}");
}

#[tokio::test]
async fn a_failed_checkout_keeps_the_cart_and_reserves_nothing() {
    let f = Fixture::new().await;
    let plate = product(&f.ctx, f.store, "PLATE", 1_000, 3).await;
    // The plate reserves first (products in id order) and must be rolled back.
    f.add(plate, 1).await.unwrap();
    f.add(f.product, 11).await.unwrap();
    let err = f.checkout(&f.bot(f.customer)).await.unwrap_err();
    assert!(
        matches!(err, Error::OutOfStock { available: 10, .. }),
        "{err:?}"
    );
    assert_eq!(
        quantities(&f.cart().await),
        vec![(plate, 1), (f.product, 11)]
    );
    assert_eq!(f.stock(f.product).await, (10, 0));
    assert_eq!(f.stock(plate).await, (3, 0));
    assert_eq!(f.count("orders", "1 = 1").await, 0);

    // Bad delivery details are refused the same way.
    cart::set_quantity(&f.ctx, f.customer, f.store, f.product, 1)
        .await
        .unwrap();
    let mut bad = delivery();
    bad.phone = "call me".to_owned();
    let err = cart::checkout(&f.ctx, &f.bot(f.customer), f.customer, f.store, bad)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid { field: "phone" }), "{err:?}");
    assert_eq!(f.cart().await.len(), 2);

    // Once it fits, the same cart goes through.
    f.checkout(&f.bot(f.customer)).await.unwrap();
    assert!(f.cart().await.is_empty());
}

#[tokio::test]
async fn an_empty_cart_is_no_order() {
    let f = Fixture::new().await;
    let err = f.checkout(&f.bot(f.customer)).await.unwrap_err();
    assert!(matches!(err, Error::EmptyOrder), "{err:?}");
    assert_eq!(f.count("orders", "1 = 1").await, 0);
}

#[tokio::test]
async fn only_the_customer_or_their_store_staff_check_out_a_cart() {
    let f = Fixture::new().await;
    f.add(f.product, 1).await.unwrap();
    for actor in [f.bot(f.stranger), f.web(f.other_admin), Actor::system()] {
        // Outsiders are not told whether the store exists.
        let err = f.checkout(&actor).await.unwrap_err();
        assert!(
            matches!(err, Error::Forbidden | Error::NotFound { what: "store" }),
            "{actor:?}: {err:?}"
        );
    }
    assert_eq!(f.cart().await.len(), 1);

    // Staff of the store may place it for the customer; that is audited.
    let order = f.checkout(&f.web(f.admin)).await.unwrap();
    assert_eq!(order.customer_id, f.customer.0);
    assert_eq!(f.count("audit_log", "action = 'order.place'").await, 1);
    assert!(f.cart().await.is_empty());
}

/// Two (or five) taps on "Confirm": one order, the others find the cart already empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_checkouts_of_one_cart_place_one_order() {
    let f = Arc::new(Fixture::new().await);
    f.add(f.product, 2).await.unwrap();
    let tasks = (0..5).map(|_| {
        let f = f.clone();
        tokio::spawn(async move { f.checkout(&f.bot(f.customer)).await })
    });
    for e in one_winner(tasks).await {
        assert!(matches!(e, Error::EmptyOrder), "{e:?}");
    }
    assert_eq!(f.count("orders", "1 = 1").await, 1);
    assert_eq!(f.stock(f.product).await, (10, 2));
    assert!(f.cart().await.is_empty());
}

#[tokio::test]
async fn the_current_store_is_remembered_per_user() {
    let f = Fixture::new().await;
    let db = &f.ctx.db;
    assert_eq!(
        domain::people::users::current_store(db, f.customer)
            .await
            .unwrap(),
        None
    );
    domain::people::users::set_current_store(db, f.customer, f.other_store)
        .await
        .unwrap();
    domain::people::users::set_current_store(db, f.customer, f.store)
        .await
        .unwrap();
    assert_eq!(
        domain::people::users::current_store(db, f.customer)
            .await
            .unwrap(),
        Some(f.store)
    );
    assert_eq!(
        domain::people::users::current_store(db, f.stranger)
            .await
            .unwrap(),
        None
    );
    let err = domain::people::users::set_current_store(db, f.customer, StoreId(999_999))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "store" }), "{err:?}");
    assert_eq!(
        domain::people::users::current_store(db, f.customer)
            .await
            .unwrap(),
        Some(f.store)
    );
    let err = domain::people::users::current_store(db, domain::UserId(999_999))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "user" }), "{err:?}");
}

/// Quick taps on "Add" from several updates at once: every one counts, none is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_adds_all_count() {
    let f = Arc::new(Fixture::new().await);
    let tasks = (0..10).map(|_| {
        let f = f.clone();
        tokio::spawn(async move { f.add(f.product, 3).await })
    });
    for r in join_all(tasks).await {
        r.unwrap().unwrap();
    }
    assert_eq!(quantities(&f.cart().await), vec![(f.product, 30)]);
}
