//! The verification queue loads a page's details together (one query per table): each order
//! still gets exactly its own items, timeline and receipts.
use domain::OrderId;
use domain::ordering::orders::queries;

use crate::support::{Fixture, product};

#[tokio::test]
async fn each_queued_order_carries_only_its_own_details() {
    let f = Fixture::new().await;
    let spoon = product(&f.ctx, f.store, "SPOON", 5_000, 50).await;
    let cup = product(&f.ctx, f.other_store, "CUP", 7_000, 5).await;
    let place = async |items: Vec<(domain::ProductId, u32)>| {
        let mut new = f.new_order(1);
        if items[0].0 == cup {
            new.store = f.other_store;
        }
        new.items = items;
        let o = domain::ordering::orders::place(&f.ctx, &f.bot(f.customer), &new)
            .await
            .unwrap();
        OrderId(o.id)
    };
    // Different lines and receipt counts per order, so a mix-up shows.
    let a = place(vec![(f.product, 1), (spoon, 2)]).await;
    let b = place(vec![(spoon, 3)]).await;
    let c = place(vec![(f.product, 2)]).await;
    let sha = |n: u32| format!("{n:064x}");
    f.receipt(a, &sha(1)).await;
    f.receipt(b, &sha(2)).await;
    f.receipt(b, &sha(3)).await;
    f.receipt(c, &sha(4)).await;
    // Neither in the queue: one awaiting payment, one in review in another store.
    let waiting = place(vec![(spoon, 1)]).await;
    let elsewhere = place(vec![(cup, 1)]).await;
    f.receipt(elsewhere, &sha(5)).await;

    let queue = queries::review_queue(&f.ctx.db, &f.web(f.admin), f.store, 100)
        .await
        .unwrap();

    let ids: Vec<OrderId> = queue.iter().map(|d| OrderId(d.order.id)).collect();
    assert_eq!(ids, [a, b, c], "oldest first, only orders in review");
    assert!(!ids.contains(&waiting) && !ids.contains(&elsewhere));
    let lines = |i: usize| -> Vec<(i64, i32)> {
        queue[i]
            .items
            .iter()
            .map(|l| (l.product_id, l.quantity))
            .collect()
    };
    assert_eq!(lines(0), [(f.product.0, 1), (spoon.0, 2)]);
    assert_eq!(lines(1), [(spoon.0, 3)]);
    assert_eq!(lines(2), [(f.product.0, 2)]);
    let receipts =
        |i: usize| -> Vec<String> { queue[i].receipts.iter().map(|r| r.sha256.clone()).collect() };
    assert_eq!(receipts(0), [sha(1)]);
    assert_eq!(receipts(1), [sha(2), sha(3)]);
    assert_eq!(receipts(2), [sha(4)]);
    for d in &queue {
        let id = d.order.id;
        assert!(d.items.iter().all(|l| l.order_id == id));
        assert!(d.receipts.iter().all(|r| r.order_id == id));
        assert!(d.history.iter().all(|h| h.order_id == id));
        let history = f.count("order_history", &format!("order_id = {id}")).await;
        assert_eq!(
            d.history.len() as i64,
            history,
            "order {id}'s whole timeline"
        );
        assert!(d.history.windows(2).all(|w| w[0].id < w[1].id), "in order");
        // The page's detail is the one the order page shows.
        let one = queries::detail(&f.ctx.db, &f.web(f.admin), OrderId(id))
            .await
            .unwrap();
        let ids = |d: &queries::OrderDetail| {
            (
                d.items.iter().map(|x| x.id).collect::<Vec<_>>(),
                d.history.iter().map(|x| x.id).collect::<Vec<_>>(),
                d.receipts.iter().map(|x| x.id).collect::<Vec<_>>(),
            )
        };
        assert_eq!(ids(&one), ids(d));
    }
}

#[tokio::test]
async fn the_queue_is_for_the_stores_staff_only() {
    let f = Fixture::new().await;
    f.order_in_review(1).await;
    let queue =
        async |actor: domain::Actor| queries::review_queue(&f.ctx.db, &actor, f.store, 100).await;
    assert_eq!(queue(f.web(f.vendor)).await.unwrap().len(), 1);
    assert!(matches!(
        queue(f.web(f.other_admin)).await,
        Err(domain::Error::NotFound { .. })
    ));
    assert!(matches!(
        queue(f.web(f.customer)).await,
        Err(domain::Error::NotFound { .. })
    ));
    assert!(matches!(
        queue(domain::Actor::system()).await,
        Err(domain::Error::Forbidden)
    ));
}

#[tokio::test]
async fn an_empty_queue_is_an_empty_page() {
    let f = Fixture::new().await;
    f.order(1).await;
    let queue = queries::review_queue(&f.ctx.db, &f.web(f.admin), f.store, 100)
        .await
        .unwrap();
    assert!(queue.is_empty());
}
