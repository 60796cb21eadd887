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
use support::staff::{approved_login, open_events, read_until};

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
    // One stream on the login's connection (hyper's), one on a new one (served lean).
    let hypers = open_events(&http, &app, &jar).await;
    let lean = open_events(&reqwest::Client::new(), &app, &jar).await;
    assert_eq!(lean.headers()["connection"], "close");
    // Stopping waits for the parts (bounded by PATIENCE): the open streams do not hold it up.
    app.stop().await;
    for mut sse in [hypers, lean] {
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
}

/// A live stream asked for on a new connection is served without hyper (`src/web/lean.rs`):
/// the response says the connection closes with it, the backoffice's headers are there, events
/// arrive, and a second stream resumes by `Last-Event-ID`. Asked for on a connection that served
/// something before, it is hyper's, as everything else, and works the same.
#[tokio::test(flavor = "multi_thread")]
async fn a_live_stream_on_a_new_connection_is_served_lean_and_carries_events() {
    let db = TestDb::new().await;
    let app = Instance::start(&db, &[Part::Web, Part::Worker], Options::default()).await;
    let ctx = app.ctx();
    let store = testkit::seed::store(ctx, "demo", "Demo Shop").await;
    let product = testkit::seed::product(ctx, store, "MUG", 25_000, 10).await;
    let staff = testkit::seed::admin(ctx, store, 7001, "anna", "en").await;
    let customer = testkit::seed::person(ctx, 7002, "carol", "en").await;
    let reused = reqwest::Client::new();
    let jar = approved_login(&reused, &app, staff).await;

    let fresh = reqwest::Client::new();
    let mut lean = open_events(&fresh, &app, &jar).await;
    let headers = lean.headers().clone();
    assert_eq!(headers["connection"], "close", "served lean: {headers:?}");
    assert_eq!(headers["content-type"], "text/event-stream");
    assert!(
        headers.contains_key("x-content-type-options"),
        "the backoffice's layers ran: {headers:?}"
    );
    let mut kept = open_events(&reused, &app, &jar).await;
    assert!(
        kept.headers().get("connection").is_none(),
        "a reused connection is hyper's: {:?}",
        kept.headers()
    );

    let order = testkit::seed::order(ctx, store, customer, product, 2).await;
    let wanted = format!("\"number\":{}", order.number);
    for sse in [&mut lean, &mut kept] {
        let text = read_until(sse, &wanted).await;
        assert!(text.contains("event: order"), "{text}");
    }
    drop(lean);

    // Resuming from before the order, on another new connection: the order comes again.
    let resumed = reqwest::Client::new()
        .get(app.url("/events"))
        .header("cookie", &jar)
        .header("last-event-id", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), 200);
    assert_eq!(resumed.headers()["connection"], "close");
    let mut resumed = resumed;
    read_until(&mut resumed, &wanted).await;
    drop((kept, resumed));
    app.stop().await;
}

/// Without a login, the lean path answers as the backoffice always does (no stream), and a
/// hostile or odd request head is left to hyper, which answers it.
#[tokio::test(flavor = "multi_thread")]
async fn the_lean_path_refuses_strangers_and_leaves_odd_requests_to_hyper() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = TestDb::new().await;
    let app = Instance::start(&db, &[Part::Web], Options::default()).await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let stranger = no_redirects.get(app.url("/events")).send().await.unwrap();
    assert_ne!(stranger.status(), 200);
    assert!(
        stranger.status().is_client_error() || stranger.status().is_redirection(),
        "{}",
        stranger.status()
    );
    let _ = stranger.text().await.unwrap();

    let address = app
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    for head in [
        "GET /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc"
            .to_owned(),
        format!(
            "GET /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: {}\r\n\r\n",
            "a".repeat(20_000)
        ),
        "GET /events HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n".to_owned(),
        "\u{1}\u{2}garbage\r\n\r\n".to_owned(),
    ] {
        let mut tcp = tokio::net::TcpStream::connect(&address).await.unwrap();
        tcp.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(PATIENCE, tcp.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(read.is_ok(), "answered and closed: {answer}");
        assert!(
            answer.starts_with("HTTP/1.1 "),
            "an HTTP answer: {answer:?}"
        );
        assert!(!answer.starts_with("HTTP/1.1 200"), "no stream: {answer:?}");
    }
    app.stop().await;
}

/// A connection that has sent nothing (a client's or browser's spare, opened ahead of need)
/// does not hold up a stop: it is dropped, as hyper drops an idle one.
#[tokio::test(flavor = "multi_thread")]
async fn a_silent_connection_does_not_hold_up_a_stop() {
    use tokio::io::AsyncReadExt;
    let db = TestDb::new().await;
    let app = Instance::start(&db, &[Part::Web], Options::default()).await;
    let address = app.url("").trim_start_matches("http://").to_owned();
    let mut silent = tokio::net::TcpStream::connect(&address).await.unwrap();
    // Let the server accept it and start waiting for its first bytes.
    let page = reqwest::get(app.url("/login")).await.unwrap();
    assert_eq!(page.status(), 200);
    app.stop().await;
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(PATIENCE, silent.read_to_end(&mut rest)).await;
    assert!(
        closed.is_ok(),
        "the silent connection was closed by the stop"
    );
}
