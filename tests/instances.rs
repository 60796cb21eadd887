//! Two instances on one database and one Redis behave as one system: instance A runs the web
//! and worker parts, instance B only the web part. An event raised and relayed on A reaches an
//! SSE client of B; a login completed on A is a session on B.
//!
//! Needs Redis (`REDIS_URL`, default 127.0.0.1:6379; CI starts one).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/mod.rs"]
mod support;

use testkit::TestDb;
use vitrina::Part;

use support::app::{Instance, Options};
use support::staff::{approved_login as log_in, open_events, read_until};

impl Instance {
    async fn on_redis(db: &TestDb, channel: &str, parts: &[Part]) -> Instance {
        let options = Options {
            redis_channel: Some(channel),
            ..Options::default()
        };
        Instance::start(db, parts, options).await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_on_one_instance_reaches_sse_clients_and_sessions_of_the_other() {
    let db = TestDb::new().await;
    let channel = format!("vitrina-test:{}", uuid::Uuid::new_v4());
    let a = Instance::on_redis(&db, &channel, &[Part::Web, Part::Worker]).await;
    let b = Instance::on_redis(&db, &channel, &[Part::Web]).await;

    let ctx = a.ctx();
    let store = testkit::seed::store(ctx, "demo", "Demo Shop").await;
    let product = testkit::seed::product(ctx, store, "MUG", 25_000, 10).await;
    let staff = testkit::seed::admin(ctx, store, 7001, "anna", "en").await;
    let customer = testkit::seed::person(ctx, 7002, "carol", "en").await;

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Logged in through A, let in by B.
    let jar = log_in(&http, &a, staff).await;
    let anonymous = http.get(b.url("/queue")).send().await.unwrap();
    assert_ne!(
        anonymous.status(),
        200,
        "B lets nobody in without a session"
    );
    let queue = http
        .get(b.url("/queue"))
        .header("cookie", &jar)
        .send()
        .await
        .unwrap();
    assert_eq!(queue.status(), 200, "A's session cookies work on B");

    // An SSE client of B; the order is placed and relayed on A.
    let mut sse = open_events(&http, &b, &jar).await;
    let order = testkit::seed::order(ctx, store, customer, product, 2).await;
    let wanted = format!("\"number\":{}", order.number);
    let text = read_until(&mut sse, &wanted).await;
    assert!(
        text.contains("event: order"),
        "B's SSE client got the order event: {text}"
    );
    drop(sse);

    a.stop().await;
    b.stop().await;
}
