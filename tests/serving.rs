//! How the web part serves connections (`src/web/serve.rs`): the backoffice sees each
//! connection's peer address, and stopping ends the open `/events` streams (graceful shutdown
//! waits for every response to end) with a hint to reconnect.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/mod.rs"]
mod support;

use sea_orm::{EntityTrait, QueryOrder};
use testkit::TestDb;
use testkit::wait::PATIENCE;
use vitrina::Part;

use support::app::{Instance, Options};
use support::staff::{approved_login, open_events};

#[tokio::test(flavor = "multi_thread")]
async fn the_backoffice_sees_the_peer_address() {
    let db = TestDb::new().await;
    let app = Instance::start(&db, &[Part::Web], Options::default()).await;
    let http = reqwest::Client::new();
    for _ in 0..2 {
        let page = http.get(app.url("/login")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let _ = page.text().await.unwrap();
    }
    // The login page records where the browser asked from (the peer, with no trusted proxy).
    let challenges = entity::login_challenges::Entity::find()
        .order_by_asc(entity::login_challenges::Column::Id)
        .all(&app.ctx().db)
        .await
        .unwrap();
    assert_eq!(challenges.len(), 2);
    for c in challenges {
        assert_eq!(c.ip.as_deref(), Some("127.0.0.1"), "the peer address");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stopping_ends_the_server_with_an_event_stream_open() {
    let db = TestDb::new().await;
    let app = Instance::start(&db, &[Part::Web], Options::default()).await;
    let store = testkit::seed::store(app.ctx(), "demo", "Demo Shop").await;
    let staff = testkit::seed::admin(app.ctx(), store, 7001, "anna", "en").await;
    let http = reqwest::Client::new();
    let jar = approved_login(&http, &app, staff).await;
    let mut sse = open_events(&http, &app, &jar).await;
    // Stopping waits for the parts (bounded by PATIENCE): the open stream does not hold it up.
    app.stop().await;
    let ended = tokio::time::timeout(PATIENCE, async {
        let mut last = Vec::new();
        while let Ok(Some(chunk)) = sse.chunk().await {
            last = chunk.to_vec();
        }
        last
    })
    .await;
    let last = ended.expect("the stream ended with the server");
    assert_eq!(
        String::from_utf8_lossy(&last),
        "retry: 2000\n\n",
        "the stream's last words tell the browser when to reconnect"
    );
}
