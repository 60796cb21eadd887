//! Webhook mode inside the web part: the backoffice's server serves the bot's webhook route
//! (one port for both), refuses updates without the secret, and a stopping instance leaves the
//! webhook registered for the others.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use serde_json::json;
use testkit::TestDb;
use testkit::fake_telegram::FakeTelegram;
use testkit::wait::{PATIENCE, eventually, free_port};
use tokio::sync::watch;
use vitrina::settings::{Secret, Settings};
use vitrina::{App, Part};

const SECRET: &str = "hook_Secret-42";
const CUSTOMER: i64 = 5001;

fn settings(db: &TestDb, data: &std::path::Path, api: &str, port: u16, path: &str) -> Settings {
    let mut settings = Settings {
        data_dir: data.to_owned(),
        ..Settings::default()
    };
    settings.database.url = Some(serde_json::from_value(json!(db.url())).unwrap());
    settings.database.auto_migrate = Some(true);
    settings.server.bind = format!("127.0.0.1:{port}");
    settings.jwt.secret = Some(Secret::new("webhook-test-secret-webhook-test-secret"));
    settings.telegram.token = Some(Secret::new("123456:TEST"));
    settings.telegram.api_url = api.to_owned();
    settings.telegram.webhook_url = Some(format!("http://127.0.0.1:{port}{path}"));
    settings.telegram.webhook_secret = Some(Secret::new(SECRET));
    settings
}

fn help_update(id: i64) -> serde_json::Value {
    json!({
        "update_id": id,
        "message": {
            "message_id": id, "date": 1_700_000_000,
            "chat": { "id": CUSTOMER, "type": "private", "first_name": "carol" },
            "from": { "id": CUSTOMER, "is_bot": false, "first_name": "carol", "language_code": "en" },
            "text": "/help"
        }
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_backoffice_serves_the_webhook_with_its_secret() {
    let db = TestDb::new().await;
    let api = FakeTelegram::start().await;
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut app = App::build(settings(&db, data.path(), &api.url, port, "/telegram/hook"))
        .await
        .unwrap();
    let (stop, stop_rx) = watch::channel(false);
    let started = app.start(&[Part::Bot, Part::Web], stop_rx).await.unwrap();
    assert_eq!(started.web_addr.unwrap().port(), port);

    let set = api
        .calls()
        .into_iter()
        .find(|c| c.method == "setwebhook")
        .expect("the webhook registered at start");
    assert_eq!(
        set.body["url"],
        format!("http://127.0.0.1:{port}/telegram/hook")
    );
    assert_eq!(set.body["secret_token"], SECRET);

    let client = reqwest::Client::new();
    let hook = format!("http://127.0.0.1:{port}/telegram/hook");
    for secret in [None, Some("wrong")] {
        let mut req = client.post(&hook).json(&help_update(1));
        if let Some(s) = secret {
            req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        assert_eq!(req.send().await.unwrap().status(), 401, "secret {secret:?}");
    }
    // The backoffice's own pages are still there on the same port.
    let login = client
        .get(format!("http://127.0.0.1:{port}/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    assert!(
        api.sent_texts().is_empty(),
        "nothing handled without the secret"
    );

    let ok = client
        .post(&hook)
        .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
        .json(&help_update(2))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let replies = eventually("the bot's answer", || async {
        let sent = api.sent_texts();
        (!sent.is_empty()).then_some(sent)
    })
    .await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].0, CUSTOMER);
    assert_eq!(replies[0].1, bot::commands::help(i18n::Lang::En, false));

    let _ = stop.send(true);
    tokio::time::timeout(PATIENCE, started.join())
        .await
        .unwrap();
    assert!(
        !api.calls().iter().any(|c| c.method == "deletewebhook"),
        "a stopping instance must not unregister the webhook other instances serve"
    );
}

#[tokio::test]
async fn a_webhook_path_among_the_backoffice_pages_is_refused_at_start() {
    let db = TestDb::new().await;
    let api = FakeTelegram::start().await;
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut app = App::build(settings(&db, data.path(), &api.url, port, "/orders"))
        .await
        .unwrap();
    let (_stop, stop_rx) = watch::channel(false);
    let err = app
        .start(&[Part::Bot, Part::Web], stop_rx)
        .await
        .err()
        .expect("refused");
    assert!(format!("{err:#}").contains("/telegram/"), "{err:#}");
    assert!(!api.calls().iter().any(|c| c.method == "setwebhook"));
}
