//! Login codes per IP address are limited in the database, so the limit holds across
//! instances: two instances (two contexts on one database) share one count.
use std::sync::Arc;

use chrono::Duration;
use domain::Ctx;
use domain::people::auth::challenge::{self, PER_IP_LIMIT, PER_IP_WINDOW_SECS};
use domain::platform::events::bus::InProcessBus;

use crate::support::Fixture;

const BROWSER: &str = "browser-secret-0123456789abcdef";
const UA: &str = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0";

#[tokio::test]
async fn the_limit_per_ip_is_shared_by_every_instance_and_lifts_after_the_window() {
    let f = Fixture::new().await;
    // A second instance: its own context (and bus) on the same database and clock.
    let other = Ctx::new(
        f.ctx.db.clone(),
        Arc::new(InProcessBus::new(16)),
        f.clock.clone(),
    );
    let ip = Some("203.0.113.7");
    for n in 0..PER_IP_LIMIT {
        let ctx = if n % 2 == 0 { &f.ctx } else { &other };
        challenge::create(ctx, BROWSER, UA, ip).await.unwrap();
    }
    for ctx in [&f.ctx, &other] {
        let err = challenge::create(ctx, BROWSER, UA, ip)
            .await
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(err, domain::Error::TooManyAttempts), "{err:?}");
        assert_eq!(err.key(), "error-too-many-attempts");
    }
    // Another address, and requests without one (no address known), are not held back.
    challenge::create(&f.ctx, BROWSER, UA, Some("203.0.113.8"))
        .await
        .unwrap();
    challenge::create(&other, BROWSER, UA, None).await.unwrap();

    f.clock.advance(Duration::seconds(PER_IP_WINDOW_SECS + 1));
    challenge::create(&other, BROWSER, UA, ip).await.unwrap();
}

#[tokio::test]
async fn concurrent_requests_never_let_more_than_the_limit_through() {
    let f = Fixture::new().await;
    let ip = Some("198.51.100.1");
    let tries = PER_IP_LIMIT * 3;
    let results =
        futures::future::join_all((0..tries).map(|_| challenge::create(&f.ctx, BROWSER, UA, ip)))
            .await;
    let mut made = 0;
    for r in &results {
        match r {
            Ok(_) => made += 1,
            Err(e) => assert!(matches!(e, domain::Error::TooManyAttempts), "{e:?}"),
        }
    }
    assert!(made <= PER_IP_LIMIT, "{made} of {tries} let through");
    // The storm's refusals leave no rows behind: what is left of the window's allowance is
    // still there, and not one more.
    for _ in made..PER_IP_LIMIT {
        challenge::create(&f.ctx, BROWSER, UA, ip).await.unwrap();
    }
    let err = challenge::create(&f.ctx, BROWSER, UA, ip)
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(err, domain::Error::TooManyAttempts));
}
