//! The daily digest in the notification center: the store's admin sees the figures.
use domain::kernel::money::Locale;
use domain::platform::events::{DomainEvent, outbox};
use domain::{Currency, Money};

use crate::support::*;

#[tokio::test]
async fn the_notification_center_shows_the_digest_figures() {
    let w = Web::new().await;
    let revenue = Money::new(123_450, Currency::parse("UAH").unwrap());
    let event = DomainEvent::DailyDigest {
        store_id: w.store,
        until: w.ctx.now(),
        orders: 37,
        revenue,
        pending_receipts: 9,
    };
    outbox::record(&w.ctx.db, w.ctx.now(), &event)
        .await
        .unwrap();
    domain::messaging::centre::fill(&w.ctx, "w").await.unwrap();

    let anna = w.login(w.admin).await;
    let page = w.get("/notifications", Some(&anna)).await;
    assert_eq!(page.status, 200);
    let line = en(
        "web-notification-daily-digest",
        &[
            ("store", "Shop main".into()),
            ("orders", 37.into()),
            ("revenue", revenue.format(Locale::En).into()),
            ("receipts", 9.into()),
        ],
    );
    let body = unescape(&page.body);
    assert!(body.contains(&line), "{line} not in {body}");
    assert!(line.contains("37") && line.contains("1,234.50"), "{line}");
    // The vendor does not get it.
    let victor = w.login(w.vendor).await;
    let page = unescape(&w.get("/notifications", Some(&victor)).await.body);
    assert!(!page.contains(&line));
}
