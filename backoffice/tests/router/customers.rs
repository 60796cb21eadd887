//! The customers pages: list, search, one customer's orders and totals, blocking and
//! unblocking, and the store-scoped denial matrix of every customers route.
use domain::people::customers;
use domain::{Actor, Channel, OrderId, UserId};

use crate::support::*;

fn en(key: &str) -> String {
    i18n::t(i18n::Lang::En, key)
}

/// Sam, a second customer of the main store, with one order of a mug awaiting payment.
async fn sam(w: &Web) -> UserId {
    let sam = testkit::seed::person(&w.ctx, 101, "sam", "uk").await;
    let new = domain::ordering::orders::NewOrder {
        customer: sam,
        ..new_order(w).await
    };
    domain::ordering::orders::place(&w.ctx, &Actor::user(sam, Channel::Bot), &new)
        .await
        .unwrap();
    sam
}

/// Another mug for Carol, as the bot would order it.
async fn new_order(w: &Web) -> domain::ordering::orders::NewOrder {
    let products = domain::catalog::products::list(&w.ctx.db, w.store, false)
        .await
        .unwrap();
    domain::ordering::orders::NewOrder {
        store: w.store,
        customer: w.customer,
        items: vec![(domain::ProductId(products[0].id), 1)],
        delivery: domain::ordering::orders::Delivery {
            name: "Carol".into(),
            phone: "+380671234567".into(),
            address: "Kyiv 1".into(),
        },
    }
}

async fn blocks(w: &Web) -> usize {
    use sea_orm::{EntityTrait, PaginatorTrait};
    entity::customer_blocks::Entity::find()
        .count(&w.ctx.db)
        .await
        .unwrap() as usize
}

#[tokio::test]
async fn the_list_and_a_customer_page_show_orders_and_totals() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let carol = w.customer.0;
    let list = w.get("/customers", Some(&anna)).await;
    assert_eq!(list.status, 200);
    let b = &list.body;
    assert!(b.contains(&en("web-customers-title")), "{b}");
    assert!(
        b.contains(&format!("href=\"/customers/{carol}\">carol</a>"))
            && b.contains("@carol")
            && b.contains("<td>100</td>")
            && b.contains("<td>English</td>"),
        "{b}"
    );
    // The order is in review: nothing paid yet.
    assert!(b.contains("<td>1</td><td>₴0.00</td>"), "{b}");
    assert!(b.contains("href=\"/customers\""), "the nav links here");
    domain::ordering::orders::decide::verify(
        &w.ctx,
        &Actor::user(w.admin, Channel::Web),
        OrderId(w.order.id),
    )
    .await
    .unwrap();
    let page = w.get(&format!("/customers/{carol}"), Some(&anna)).await;
    assert_eq!(page.status, 200);
    let b = &page.body;
    assert!(b.contains("<span data-revenue>₴500.00</span>"), "{b}");
    assert!(
        b.contains(&format!("href=\"/orders/{}\">#1001</a>", w.order.id)),
        "{b}"
    );
    assert!(b.contains(&en("status-paid")), "{b}");
    assert!(
        b.contains(&format!("action=\"/customers/{carol}/block\"")),
        "{b}"
    );
    let owner = w.login(w.owner).await;
    let r = w.get(&format!("/customers/{carol}"), Some(&owner)).await;
    assert_eq!(r.status, 200, "the owner sees every store's customers");
}

#[tokio::test]
async fn search_narrows_the_list_and_the_csv() {
    let w = Web::new().await;
    let sam = sam(&w).await;
    let anna = w.login(w.admin).await;
    let only = |body: &str, who: UserId, not: UserId| {
        body.contains(&format!("/customers/{}\"", who.0))
            && !body.contains(&format!("/customers/{}\"", not.0))
    };
    let r = w.get("/customers?q=%40carol", Some(&anna)).await;
    assert!(only(&r.body, w.customer, sam), "{}", r.body);
    let r = w.get("/customers?q=101", Some(&anna)).await;
    assert!(only(&r.body, sam, w.customer), "{}", r.body);
    let r = w.get("/customers?q=nobody", Some(&anna)).await;
    assert!(r.body.contains(&en("web-customers-empty")), "{}", r.body);
    let csv = w.get("/customers.csv?q=carol", Some(&anna)).await;
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(lines[0].starts_with("user_id,telegram_id,username"));
    assert!(
        lines[1].starts_with(&format!("{},100,carol,carol,en,1,0.00,UAH,", w.customer.0)),
        "{}",
        lines[1]
    );
}

#[tokio::test]
async fn blocking_on_the_page_stops_her_orders_until_unblocked() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let carol = w.customer;
    let path = format!("/customers/{}", carol.0);
    let r = w
        .post(
            &format!("{path}/block"),
            Some(&anna),
            "reason=Fake+receipts",
            SAME,
        )
        .await;
    assert_eq!((r.status.as_u16(), r.location()), (303, path.as_str()));
    let page = w.get(&path, Some(&anna)).await;
    let b = &page.body;
    assert!(
        b.contains("<span class=\"block-reason\">Fake receipts</span>")
            && b.contains(&format!("action=\"{path}/unblock\""))
            && b.contains("@anna"),
        "{b}"
    );
    let list = w.get("/customers", Some(&anna)).await;
    assert!(
        list.body.contains(&en("web-customers-blocked")),
        "{}",
        list.body
    );
    let me = Actor::user(carol, Channel::Bot);
    let err = domain::ordering::orders::place(&w.ctx, &me, &new_order(&w).await)
        .await
        .unwrap_err();
    assert!(matches!(err, domain::Error::CustomerBlocked), "{err:?}");
    let r = w
        .post(&format!("{path}/unblock"), Some(&anna), "", SAME)
        .await;
    assert_eq!((r.status.as_u16(), r.location()), (303, path.as_str()));
    assert_eq!(blocks(&w).await, 0);
    domain::ordering::orders::place(&w.ctx, &me, &new_order(&w).await)
        .await
        .unwrap();
}

#[tokio::test]
async fn refusals_are_translated_pages() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let carol = w.customer.0;
    let r = w
        .post(
            &format!("/customers/{carol}/block"),
            Some(&anna),
            "reason=+",
            SAME,
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains(&en("error-reason-required")), "{}", r.body);
    // Staff shopping in their own store are not blocked.
    let new = domain::ordering::orders::NewOrder {
        customer: w.vendor,
        ..new_order(&w).await
    };
    domain::ordering::orders::place(&w.ctx, &Actor::user(w.vendor, Channel::Bot), &new)
        .await
        .unwrap();
    let r = w
        .post(
            &format!("/customers/{}/block", w.vendor.0),
            Some(&anna),
            "reason=x",
            SAME,
        )
        .await;
    assert_eq!(r.status, 409);
    let msg = en("error-staff-not-blockable").replace('\'', "&#39;");
    assert!(r.body.contains(&msg), "{}", r.body);
    assert_eq!(blocks(&w).await, 0);
}

#[tokio::test]
async fn another_stores_customer_ids_are_not_found_and_change_nothing() {
    let w = Web::new().await;
    let carol = w.customer.0;
    let otto = w.login(w.other_admin).await;
    // Otto pretending to work in the main store still gets his own store.
    let forged = format!("{otto}; __Host-vitrina-store={}", w.store.0);
    for cookie in [&otto, &forged] {
        let r = w.get(&format!("/customers/{carol}"), Some(cookie)).await;
        assert_eq!(r.status, 404);
        assert!(
            !r.body.contains("carol") && !r.body.contains("#1001"),
            "{}",
            r.body
        );
        let list = w.get("/customers", Some(cookie)).await;
        assert_eq!(list.status, 200);
        assert!(!list.body.contains("carol"), "{}", list.body);
        let csv = w.get("/customers.csv", Some(cookie)).await;
        assert!(!csv.body.contains("carol"), "{}", csv.body);
        for action in ["block", "unblock"] {
            let r = w
                .post(
                    &format!("/customers/{carol}/{action}"),
                    Some(cookie),
                    "reason=x",
                    SAME,
                )
                .await;
            assert_eq!(r.status, 404, "{action}");
        }
    }
    // The main store's admin and someone who is nobody's customer here, or nobody at all.
    let anna = w.login(w.admin).await;
    customers::block(
        &w.ctx,
        &Actor::user(w.admin, Channel::Web),
        w.store,
        w.customer,
        "x",
    )
    .await
    .unwrap();
    for id in [w.other_admin.0, 999_999] {
        let r = w.get(&format!("/customers/{id}"), Some(&anna)).await;
        assert_eq!(r.status, 404);
        let r = w
            .post(
                &format!("/customers/{id}/block"),
                Some(&anna),
                "reason=x",
                SAME,
            )
            .await;
        assert_eq!(r.status, 404);
    }
    let r = w
        .post(
            &format!("/customers/{carol}/unblock"),
            Some(&otto),
            "",
            SAME,
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(blocks(&w).await, 1, "Carol stays blocked in the main store");
}

#[tokio::test]
async fn vendors_strangers_and_cross_site_posts_are_refused_on_every_route() {
    let w = Web::new().await;
    let carol = w.customer.0;
    let victor = w.login(w.vendor).await;
    for path in [
        "/customers".to_owned(),
        "/customers.csv".to_owned(),
        format!("/customers/{carol}"),
    ] {
        let r = w.get(&path, Some(&victor)).await;
        assert_eq!(r.status, 403, "{path}");
        assert!(!r.body.contains("carol"), "{path}");
        let r = w.get(&path, None).await;
        assert_eq!((r.status.as_u16(), r.location()), (303, "/login"), "{path}");
    }
    let anna = w.login(w.admin).await;
    for action in ["block", "unblock"] {
        let path = format!("/customers/{carol}/{action}");
        let r = w.post(&path, Some(&victor), "reason=x", SAME).await;
        assert_eq!(r.status, 403, "{path}");
        let r = w.post(&path, None, "reason=x", SAME).await;
        assert_eq!(r.status, 303, "{path}");
        for origin in [None, Some("http://evil.example"), Some("null")] {
            let r = w.post(&path, Some(&anna), "reason=x", origin).await;
            assert_eq!(r.status, 403, "{path} from {origin:?}");
        }
    }
    assert_eq!(blocks(&w).await, 0);
}
