//! Keyset pages of the orders list: every order exactly once, newest first, also when many
//! orders share one `created_at` (the id breaks the tie).
use chrono::Duration;
use domain::ordering::orders::place;
use domain::ordering::orders::queries::{self, Cursor};

use crate::support::{Fixture, product};

#[tokio::test]
async fn pages_cover_every_order_once_in_order_despite_equal_times() {
    let f = Fixture::new().await;
    let item = product(&f.ctx, f.store, "PAGE", 100, 100).await;
    let mut new = f.new_order(1);
    new.items = vec![(item, 1)];
    // Three groups of seven orders placed at the same instant each.
    for _ in 0..3 {
        for _ in 0..7 {
            place(&f.ctx, &f.bot(f.customer), &new).await.unwrap();
        }
        f.clock.advance(Duration::seconds(5));
    }
    let admin = f.web(f.admin);
    let (mut seen, mut after): (Vec<(chrono::DateTime<chrono::Utc>, i64)>, Option<Cursor>) =
        (Vec::new(), None);
    let mut pages = 0;
    loop {
        let page = queries::list(&f.ctx.db, &admin, f.store, None, after, 4)
            .await
            .unwrap();
        pages += 1;
        seen.extend(page.orders.iter().map(|o| (o.created_at, o.id)));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(pages, 6, "21 orders in pages of 4");
    let mut expected = seen.clone();
    expected.sort_by(|a, b| b.cmp(a));
    expected.dedup();
    assert_eq!(seen, expected, "newest first, no repeats");
    assert_eq!(seen.len(), 21);
}
