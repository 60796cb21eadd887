//! A store's customers: totals summed by the database (only money the store holds, only this
//! store's orders), search, pages, one customer's orders, and who may see them.
use chrono::Duration;
use domain::ordering::orders::{decide, fulfil};
use domain::people::customers::{self, CustomerQuery};
use domain::{Error, OrderId, ProductId, StoreId, UserId};

use crate::support::{Fixture, delivery, product, user};

/// A placed order of `qty` × `product` for `customer` in `store`, a minute after the last one.
pub async fn order(
    f: &Fixture,
    store: StoreId,
    customer: UserId,
    product: ProductId,
    qty: u32,
) -> OrderId {
    f.clock.advance(Duration::minutes(1));
    let new = domain::ordering::orders::NewOrder {
        store,
        customer,
        items: vec![(product, qty)],
        delivery: delivery(),
    };
    let o = domain::ordering::orders::place(&f.ctx, &f.bot(customer), &new)
        .await
        .unwrap();
    OrderId(o.id)
}

/// The customer sends a receipt: the order goes to review.
async fn receipt(f: &Fixture, customer: UserId, order: OrderId) {
    let new = domain::ordering::receipts::NewReceipt {
        order,
        kind: files::FileKind::Jpeg,
        sha256: format!("{:064x}", order.0),
        size_bytes: 1000,
        storage_key: None,
        telegram_file_id: None,
        telegram_file_unique_id: None,
        width: None,
        height: None,
    };
    domain::ordering::receipts::attach(&f.ctx, &f.bot(customer), &new)
        .await
        .unwrap();
}

/// Moves an order of the main store from awaiting payment to paid.
async fn pay(f: &Fixture, customer: UserId, order: OrderId) {
    receipt(f, customer, order).await;
    decide::verify(&f.ctx, &f.web(f.admin), order)
        .await
        .unwrap();
}

fn all(limit: u64) -> CustomerQuery {
    CustomerQuery {
        limit,
        ..CustomerQuery::default()
    }
}

fn search(text: &str) -> CustomerQuery {
    CustomerQuery {
        text: Some(text.to_owned()),
        limit: 50,
        ..CustomerQuery::default()
    }
}

#[tokio::test]
async fn totals_count_only_money_the_store_holds_and_only_its_own_orders() {
    let f = Fixture::new().await;
    let (admin, carol, sam) = (f.web(f.admin), f.customer, f.stranger);
    let tea = product(&f.ctx, f.store, "TEA", 1_000, 1_000).await;
    // One order in every status: only paid (1), shipped (2) and completed (4) are revenue.
    let paid = order(&f, f.store, carol, tea, 1).await;
    pay(&f, carol, paid).await;
    let shipped = order(&f, f.store, carol, tea, 2).await;
    pay(&f, carol, shipped).await;
    fulfil::ship(&f.ctx, &admin, shipped, None).await.unwrap();
    let completed = order(&f, f.store, carol, tea, 4).await;
    pay(&f, carol, completed).await;
    fulfil::ship(&f.ctx, &admin, completed, None).await.unwrap();
    fulfil::complete(&f.ctx, &admin, completed).await.unwrap();
    let refunded = order(&f, f.store, carol, tea, 8).await;
    pay(&f, carol, refunded).await;
    fulfil::refund(&f.ctx, &admin, refunded, "returned")
        .await
        .unwrap();
    let cancelled = order(&f, f.store, carol, tea, 16).await;
    fulfil::cancel(&f.ctx, &admin, cancelled, None)
        .await
        .unwrap();
    order(&f, f.store, carol, tea, 32).await; // awaiting payment
    let review = order(&f, f.store, carol, tea, 64).await;
    receipt(&f, carol, review).await;
    // Sam ordered once here; Carol also spent money in the other store.
    let sams = order(&f, f.store, sam, tea, 128).await;
    pay(&f, sam, sams).await;
    let cap = product(&f.ctx, f.other_store, "CAP", 99_999, 10).await;
    let elsewhere = order(&f, f.other_store, carol, cap, 1).await;
    let otto = f.web(f.other_admin);
    receipt(&f, carol, elsewhere).await;
    decide::verify(&f.ctx, &otto, elsewhere).await.unwrap();

    let page = customers::list(&f.ctx.db, &admin, f.store, &all(50))
        .await
        .unwrap();
    assert_eq!(page.next, None);
    let rows: Vec<_> = page
        .customers
        .iter()
        .map(|c| (c.user.id, c.orders, c.revenue.minor, c.blocked))
        .collect();
    // Sam's order is the newest, so Sam comes first.
    assert_eq!(
        rows,
        vec![(sam.0, 1, 128_000, false), (carol.0, 7, 7_000, false)]
    );
    let carols = &page.customers[1];
    assert_eq!(carols.revenue.currency.code(), "UAH");
    assert_eq!(
        carols.last_order_at,
        f.ctx.now() - Duration::minutes(2),
        "her last order here, not the one elsewhere"
    );
    assert_eq!(carols.user.telegram_id, 100);
    assert_eq!(carols.user.username.as_deref(), Some("carol"));

    let theirs = customers::list(&f.ctx.db, &otto, f.other_store, &all(50))
        .await
        .unwrap();
    let rows: Vec<_> = theirs
        .customers
        .iter()
        .map(|c| (c.user.id, c.orders, c.revenue.minor))
        .collect();
    assert_eq!(rows, vec![(carol.0, 1, 99_999)]);

    let detail = customers::detail(&f.ctx.db, &admin, f.store, carol)
        .await
        .unwrap();
    assert_eq!(detail.customer.orders, 7);
    assert_eq!(detail.customer.revenue.minor, 7_000);
    assert_eq!(detail.orders.len(), 7);
    assert!(detail.orders.iter().all(|o| o.store_id == f.store.0));
    assert_eq!(detail.orders[0].id, review.0, "newest first");
    assert!(detail.block.is_none());
}

#[tokio::test]
async fn search_by_name_username_or_telegram_id() {
    let f = Fixture::new().await;
    let olena = user(&f.ctx, 555_123, "Olena_K").await;
    for who in [f.customer, f.stranger, olena] {
        order(&f, f.store, who, f.product, 1).await;
    }
    let admin = f.web(f.admin);
    let found = |q: &'static str| {
        let (f, admin) = (&f, admin.clone());
        async move {
            let page = customers::list(&f.ctx.db, &admin, f.store, &search(q))
                .await
                .unwrap();
            let mut ids: Vec<i64> = page.customers.iter().map(|c| c.user.id).collect();
            ids.sort();
            ids
        }
    };
    assert_eq!(found("@carol").await, vec![f.customer.0]);
    assert_eq!(found("CAR").await, vec![f.customer.0], "any case");
    assert_eq!(found("olena_k").await, vec![olena.0], "`_` is no wildcard");
    assert_eq!(found("555123").await, vec![olena.0], "the Telegram id");
    assert_eq!(found("101").await, vec![f.stranger.0]);
    assert_eq!(found("carol sam").await, Vec::<i64>::new(), "every word");
    assert_eq!(found("nobody").await, Vec::<i64>::new());
    // Staff exist as users but ordered nothing here: no customers.
    assert_eq!(found("anna").await, Vec::<i64>::new());
    assert_eq!(
        found("%").await,
        Vec::<i64>::new(),
        "`%` is no wildcard either"
    );
    assert_eq!(found("olena%k").await, Vec::<i64>::new());
    // Nothing typed: everyone.
    assert_eq!(found("  ").await.len(), 3);
}

#[tokio::test]
async fn pages_follow_the_latest_order_without_gaps_or_repeats() {
    let f = Fixture::new().await;
    let tea = product(&f.ctx, f.store, "TEA", 100, 100).await;
    let mut people = Vec::new();
    for i in 0..5 {
        people.push(user(&f.ctx, 200 + i, &format!("buyer{i}")).await);
    }
    for who in &people {
        order(&f, f.store, *who, tea, 1).await;
    }
    // The first buyer orders again: now the most recent customer.
    order(&f, f.store, people[0], tea, 1).await;
    let admin = f.web(f.admin);
    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let q = CustomerQuery {
            after,
            limit: 2,
            ..CustomerQuery::default()
        };
        let page = customers::list(&f.ctx.db, &admin, f.store, &q)
            .await
            .unwrap();
        pages += 1;
        seen.extend(page.customers.iter().map(|c| c.user.id));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<i64> = [0, 4, 3, 2, 1].iter().map(|i| people[*i].0).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn only_admins_and_owners_of_the_store_see_its_customers() {
    let f = Fixture::new().await;
    order(&f, f.store, f.customer, f.product, 1).await;
    let (db, carol) = (&f.ctx.db, f.customer);
    for who in [f.admin, f.owner] {
        let page = customers::list(db, &f.web(who), f.store, &all(10))
            .await
            .unwrap();
        assert_eq!(page.customers.len(), 1);
        customers::detail(db, &f.web(who), f.store, carol)
            .await
            .unwrap();
    }
    let vendor = f.web(f.vendor);
    let err = customers::list(db, &vendor, f.store, &all(10))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    let err = customers::detail(db, &vendor, f.store, carol)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    for who in [f.other_admin, f.customer, f.stranger] {
        let err = customers::list(db, &f.web(who), f.store, &all(10))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
        let err = customers::detail(db, &f.web(who), f.store, carol)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn someone_who_never_ordered_here_is_not_a_customer() {
    let f = Fixture::new().await;
    let cap = product(&f.ctx, f.other_store, "CAP", 500, 10).await;
    order(&f, f.other_store, f.customer, cap, 1).await;
    let admin = f.web(f.admin);
    for who in [f.customer, f.stranger, f.admin, UserId(999_999)] {
        let err = customers::detail(&f.ctx.db, &admin, f.store, who)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::NotFound { what: "customer" }),
            "{who:?}: {err:?}"
        );
    }
    let page = customers::list(&f.ctx.db, &admin, f.store, &all(10))
        .await
        .unwrap();
    assert!(page.customers.is_empty(), "{:?}", page.customers);
}
