//! The catalog pages: listing, creating, editing, stock adjustments, low stock, and the same
//! store scoping as the orders pages.
use domain::ProductId;
use domain::catalog::products;

use crate::support::*;

async fn mug(w: &Web) -> entity::products::Model {
    let all = products::list(&w.ctx.db, w.store, false).await.unwrap();
    all.into_iter().find(|p| p.sku == "MUG").unwrap()
}

async fn product(w: &Web, id: i64) -> entity::products::Model {
    products::get(&w.ctx.db, ProductId(id)).await.unwrap()
}

/// The id in a `/products/{id}` redirect.
fn created(r: &Reply) -> i64 {
    assert_eq!(r.status, 303, "{}", r.body);
    r.location()
        .strip_prefix("/products/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{}", r.location()))
}

#[tokio::test]
async fn the_list_shows_the_stores_products_with_their_stock() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let r = w.get("/products", Some(&victor)).await;
    assert_eq!(r.status, 200);
    let b = &r.body;
    // MUG: 10 on hand, 2 reserved by the order in review.
    assert!(b.contains("MUG") && b.contains("Mug"), "{b}");
    assert!(
        b.contains("<td>10</td>") && b.contains("<td>2</td>") && b.contains("<td>8"),
        "{b}"
    );
    assert!(b.contains("/products/new"), "{b}");
    let mine = mug(&w).await;
    assert!(b.contains(&format!("/products/{}", mine.id)), "{b}");
}

#[tokio::test]
async fn a_vendor_creates_a_product_and_sees_it() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let form = w.get("/products/new", Some(&victor)).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"sku\""), "{}", form.body);
    let hint = en("web-product-threshold-hint", &[("count", 3.into())]);
    assert!(unescape(&form.body).contains(&hint), "{}", form.body);
    let r = w
        .post(
            "/products",
            Some(&victor),
            "sku=CAP-1&title=Cap&description=Warm&price=1+234%2C50&on_hand=7&threshold=2",
            SAME,
        )
        .await;
    let id = created(&r);
    let p = product(&w, id).await;
    assert_eq!(
        (
            p.store_id,
            p.title.as_str(),
            p.price_minor,
            p.on_hand,
            p.low_stock_threshold
        ),
        (w.store.0, "Cap", 123_450, 7, Some(2))
    );
    let page = w.get(&format!("/products/{id}"), Some(&victor)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("CAP-1") && page.body.contains("value=\"1234.50\""),
        "{}",
        page.body
    );
    let list = w.get("/products", Some(&victor)).await;
    assert!(list.body.contains("CAP-1"), "{}", list.body);
}

#[tokio::test]
async fn a_taken_sku_and_a_bad_price_are_refused_with_the_reason() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let dup = w
        .post(
            "/products",
            Some(&anna),
            "sku=MUG&title=Another+mug&price=10",
            SAME,
        )
        .await;
    assert_eq!(dup.status, 409);
    let msg = en("error-sku-taken", &[("sku", "MUG".into())]);
    assert!(unescape(&dup.body).contains(&msg), "{}", dup.body);
    for price in ["ten", "1.234", "", "-5"] {
        let r = w
            .post(
                "/products",
                Some(&anna),
                &format!("sku=TEA&title=Tea&price={price}"),
                SAME,
            )
            .await;
        assert_eq!(r.status, 409, "{price:?}");
        let msg = en("error-invalid", &[("field", "price".into())]);
        assert!(unescape(&r.body).contains(&msg), "{price:?}: {}", r.body);
    }
    let all = products::list(&w.ctx.db, w.store, false).await.unwrap();
    assert_eq!(all.len(), 1, "nothing was created");
}

#[tokio::test]
async fn editing_changes_title_and_price_and_deactivating_hides_it_from_the_bot() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let id = mug(&w).await.id;
    let r = w
        .post(
            &format!("/products/{id}"),
            Some(&victor),
            "title=Big+mug&description=Half+a+litre&price=300.5&threshold=4&active=1",
            SAME,
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.location()),
        (303, format!("/products/{id}").as_str())
    );
    let p = product(&w, id).await;
    assert_eq!(
        (
            p.title.as_str(),
            p.price_minor,
            p.low_stock_threshold,
            p.active
        ),
        ("Big mug", 30_050, Some(4), true)
    );
    let page = w.get(&format!("/products/{id}"), Some(&victor)).await;
    assert!(
        page.body.contains("Big mug") && page.body.contains("value=\"300.50\""),
        "{}",
        page.body
    );
    let on_sale = products::list(&w.ctx.db, w.store, true).await.unwrap();
    assert!(on_sale.iter().any(|p| p.id == id));

    // The checkbox left unticked: hidden, and the threshold back to the store's default.
    let r = w
        .post(
            &format!("/products/{id}"),
            Some(&victor),
            "title=Big+mug&description=&price=300.50&threshold=",
            SAME,
        )
        .await;
    assert_eq!(r.status, 303);
    let p = product(&w, id).await;
    assert_eq!((p.active, p.low_stock_threshold), (false, None));
    let on_sale = products::list(&w.ctx.db, w.store, true).await.unwrap();
    assert!(!on_sale.iter().any(|p| p.id == id), "hidden from the bot");
    let list = w.get("/products", Some(&victor)).await;
    assert!(
        list.body.contains("Big mug") && list.body.contains(&en("web-product-state-hidden", &[])),
        "staff still see it"
    );

    let bad = w
        .post(
            &format!("/products/{id}"),
            Some(&victor),
            "title=&price=1",
            SAME,
        )
        .await;
    assert_eq!(bad.status, 409);
    assert_eq!(product(&w, id).await.title, "Big mug");
}

#[tokio::test]
async fn a_stock_adjustment_is_recorded_and_shown() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let id = mug(&w).await.id;
    let r = w
        .post(
            &format!("/products/{id}/stock"),
            Some(&victor),
            "delta=%2B5&reason=received&note=delivery+%237",
            SAME,
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.location()),
        (303, format!("/products/{id}").as_str())
    );
    let p = product(&w, id).await;
    assert_eq!((p.on_hand, p.reserved), (15, 2));
    let moves = domain::catalog::stock::movements(&w.ctx.db, ProductId(id), 10)
        .await
        .unwrap();
    assert_eq!(
        (
            moves[0].delta_on_hand,
            moves[0].reason.as_str(),
            moves[0].note.as_deref()
        ),
        (5, "received", Some("delivery #7"))
    );
    let page = w.get(&format!("/products/{id}"), Some(&victor)).await;
    let b = &page.body;
    assert!(
        b.contains("delivery #7")
            && b.contains("+5")
            && b.contains(&en("web-product-reason-received", &[]))
            && b.contains("@victor"),
        "{b}"
    );
    assert!(b.contains("data-stock=\"available\">13<"), "{b}");
    // The order's reservation is in the history too.
    assert!(b.contains(&en("web-product-reason-reserve", &[])), "{b}");
}

#[tokio::test]
async fn stock_cannot_go_below_what_is_reserved() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let id = mug(&w).await.id;
    let r = w
        .post(
            &format!("/products/{id}/stock"),
            Some(&anna),
            "delta=-9&reason=damaged&note=",
            SAME,
        )
        .await;
    assert_eq!(r.status, 409);
    let msg = en(
        "error-insufficient-stock",
        &[("on_hand", 10.into()), ("reserved", 2.into())],
    );
    assert!(unescape(&r.body).contains(&msg), "{}", r.body);
    assert_eq!(product(&w, id).await.on_hand, 10);
    for form in [
        "delta=0&reason=received",
        "delta=x&reason=received",
        "delta=1&reason=ship",
    ] {
        let r = w
            .post(&format!("/products/{id}/stock"), Some(&anna), form, SAME)
            .await;
        assert_eq!(r.status, 409, "{form}");
    }
    assert_eq!(product(&w, id).await.on_hand, 10);
}

#[tokio::test]
async fn the_low_stock_filter_uses_each_threshold() {
    let w = Web::new().await;
    let olga = w.login(w.owner).await;
    for form in [
        "sku=PIN&title=Pin&price=5&on_hand=1",
        "sku=BAG&title=Bag&price=5&on_hand=20&threshold=25",
        "sku=CUP&title=Cup&price=5&on_hand=4",
    ] {
        created(&w.post("/products", Some(&olga), form, SAME).await);
    }
    let low = w.get("/products?low=1", Some(&olga)).await;
    assert_eq!(low.status, 200);
    let b = &low.body;
    // The store's default threshold is 3; MUG has 8 available.
    assert!(b.contains("PIN") && b.contains("BAG"), "{b}");
    assert!(!b.contains("CUP") && !b.contains("MUG"), "{b}");
    let all = w.get("/products", Some(&olga)).await;
    assert!(
        ["PIN", "BAG", "CUP", "MUG"]
            .iter()
            .all(|s| all.body.contains(s))
    );
}

#[tokio::test]
async fn another_stores_admin_gets_not_found_on_our_products() {
    let w = Web::new().await;
    let otto = w.login(w.other_admin).await;
    let id = mug(&w).await.id;
    for path in [format!("/products/{id}")] {
        let r = w.get(&path, Some(&otto)).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.body.contains("Mug"), "leaks on {path}");
    }
    for (path, form) in [
        (format!("/products/{id}"), "title=Mine&price=1&active=1"),
        (format!("/products/{id}/stock"), "delta=-1&reason=damaged"),
    ] {
        let r = w.post(&path, Some(&otto), form, SAME).await;
        assert_eq!(r.status, 404, "{path}");
    }
    let own = w.get("/products", Some(&otto)).await;
    assert_eq!(own.status, 200);
    assert!(
        !own.body.contains("MUG"),
        "another store's list is not shown"
    );
    let p = product(&w, id).await;
    assert_eq!((p.title.as_str(), p.on_hand), ("Mug", 10));
    // Creating lands in their own store, not ours.
    let r = w
        .post("/products", Some(&otto), "sku=HAT&title=Hat&price=1", SAME)
        .await;
    assert_eq!(product(&w, created(&r)).await.store_id, w.other_store.0);
}

#[tokio::test]
async fn a_customer_session_goes_to_the_login() {
    let w = Web::new().await;
    let carol = w.login(w.customer).await;
    let id = mug(&w).await.id;
    for path in [
        "/products".to_owned(),
        "/products/new".to_owned(),
        format!("/products/{id}"),
    ] {
        let r = w.get(&path, Some(&carol)).await;
        assert_eq!(r.location(), "/login", "{path}");
        let anon = w.get(&path, None).await;
        assert_eq!(anon.location(), "/login", "{path}");
    }
    let r = w
        .post(
            &format!("/products/{id}/stock"),
            Some(&carol),
            "delta=5&reason=received",
            SAME,
        )
        .await;
    assert_eq!(r.location(), "/login");
    assert_eq!(product(&w, id).await.on_hand, 10);
}

#[tokio::test]
async fn cross_site_catalog_posts_are_refused() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let id = mug(&w).await.id;
    for origin in [None, Some("http://evil.example")] {
        for (path, form) in [
            ("/products".to_owned(), "sku=EVIL&title=Evil&price=1"),
            (format!("/products/{id}"), "title=Evil&price=1"),
            (format!("/products/{id}/stock"), "delta=-8&reason=damaged"),
        ] {
            let r = w.post(&path, Some(&anna), form, origin).await;
            assert_eq!(r.status, 403, "{path} {origin:?}");
        }
    }
    let p = product(&w, id).await;
    assert_eq!((p.title.as_str(), p.on_hand, p.active), ("Mug", 10, true));
    assert_eq!(
        products::list(&w.ctx.db, w.store, false)
            .await
            .unwrap()
            .len(),
        1
    );
}
