//! Email notifications end to end: planned only for people with an address where email is
//! configured, sent over SMTP (to our fake server) in the recipient's language, once, and
//! failed for good or retried after the backoff by the server's reply.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use domain::kernel::clock::ManualClock;
use domain::messaging::deliveries::{DeliveryStatus, plan, preferences, send, staff};
use domain::platform::events::bus::InProcessBus;
use domain::{Actor, Channel, Ctx, Error, Role, StoreId, UserId};
use entity::notification_deliveries as deliveries;
use sea_orm::EntityTrait;
use testkit::fake_smtp::FakeSmtp;
use testkit::{TestDb, seed};
use vitrina::mail::{self, Mailer};
use vitrina::settings::{EmailSettings, EmailTls};

struct Shop {
    _db: TestDb,
    ctx: Ctx,
    clock: Arc<ManualClock>,
    store: StoreId,
    /// A store ADMIN who reads Russian.
    admin: UserId,
    customer: UserId,
}

impl Shop {
    /// A store with a Russian-speaking admin; email configured or not.
    async fn new(email: bool) -> Shop {
        let db = TestDb::new().await;
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap(),
        ));
        let ctx = Ctx::new(
            db.db.clone(),
            Arc::new(InProcessBus::new(64)),
            clock.clone(),
        )
        .with_email(email);
        let store = seed::store(&ctx, "main", "Main").await;
        let admin = seed::person(&ctx, 2, "anna", "ru").await;
        let customer = seed::person(&ctx, 100, "carol", "uk").await;
        domain::people::staff::grant(&ctx, &Actor::operator(), admin, Role::Admin, Some(store))
            .await
            .unwrap();
        Shop {
            _db: db,
            ctx,
            clock,
            store,
            admin,
            customer,
        }
    }

    fn web(&self, user: UserId) -> Actor {
        Actor::user(user, Channel::Web)
    }

    async fn set_address(&self, address: &str) {
        preferences::set_email(&self.ctx, &self.web(self.admin), address)
            .await
            .unwrap();
    }

    /// A customer's order with a receipt to check: the event staff are told about.
    async fn receipt(&self) -> i64 {
        let product = seed::product(&self.ctx, self.store, "MUG", 25_000, 10).await;
        let order = seed::order(&self.ctx, self.store, self.customer, product, 2).await;
        let new = domain::ordering::receipts::NewReceipt {
            order: domain::OrderId(order.id),
            kind: files::FileKind::Jpeg,
            sha256: format!("{:064x}", order.id),
            size_bytes: 1000,
            storage_key: None,
            telegram_file_id: Some("file-1".into()),
            telegram_file_unique_id: Some("uniq-1".into()),
            width: Some(800),
            height: Some(600),
        };
        let bot = Actor::user(self.customer, Channel::Bot);
        domain::ordering::receipts::attach(&self.ctx, &bot, &new)
            .await
            .unwrap();
        order.number
    }

    /// The email deliveries, oldest first.
    async fn emails(&self) -> Vec<deliveries::Model> {
        plan::run_once(&self.ctx, "planner").await.unwrap();
        let mut all: Vec<_> = deliveries::Entity::find()
            .all(&self.ctx.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.channel == "email")
            .collect();
        all.sort_by_key(|d| d.id);
        all
    }

    async fn channels(&self) -> Vec<String> {
        self.emails().await;
        let mut out: Vec<_> = deliveries::Entity::find()
            .all(&self.ctx.db)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.channel)
            .collect();
        out.sort();
        out
    }
}

/// A mailer talking plain SMTP to `port` on loopback.
/// A delivery's status as read, and its attempts.
fn status(d: &deliveries::Model) -> (DeliveryStatus, i32) {
    (d.status, d.attempts)
}

fn mailer(port: u16) -> Mailer {
    let settings = EmailSettings {
        smtp_host: Some("127.0.0.1".into()),
        smtp_port: Some(port),
        tls: EmailTls::None,
        username: None,
        password: None,
        from: "Vitrina <shop@example.com>".into(),
    };
    Mailer::from_settings(&settings).unwrap().unwrap()
}

#[tokio::test]
async fn a_receipt_reaches_the_admin_by_email_in_russian_once_with_two_senders() {
    let shop = Shop::new(true).await;
    let smtp = FakeSmtp::start().await;
    shop.set_address("anna@example.com").await;
    let number = shop.receipt().await;
    let (a, b) = (mailer(smtp.port()), mailer(smtp.port()));
    let (one, two) = tokio::join!(
        mail::run_once(&a, &shop.ctx, "instance-a"),
        mail::run_once(&b, &shop.ctx, "instance-b"),
    );
    assert_eq!(one.unwrap() + two.unwrap(), 1);
    // A later pass of either finds nothing left to send.
    assert_eq!(
        mail::run_once(&a, &shop.ctx, "instance-a").await.unwrap(),
        0
    );

    let mails = smtp.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let m = &mails[0];
    assert_eq!(m.to, vec!["anna@example.com".to_owned()]);
    assert_eq!(m.from, "shop@example.com");
    assert_eq!(
        m.subject(),
        format!("Новая квитанция на проверку: заказ №{number}")
    );
    let text = m.text();
    assert!(text.contains("Покупатель: @carol"), "{text}");
    assert!(text.contains(&format!("заказа №{number}")), "{text}");
    let emails = shop.emails().await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].status, DeliveryStatus::Sent);
    assert_eq!(emails[0].kind, "new_receipt");
}

#[tokio::test]
async fn no_address_no_email_delivery() {
    let shop = Shop::new(true).await;
    shop.receipt().await;
    assert_eq!(shop.channels().await, ["in_app", "telegram"]);
}

#[tokio::test]
async fn a_muted_kind_gets_no_email_delivery() {
    let shop = Shop::new(true).await;
    shop.set_address("anna@example.com").await;
    // Everything on but new receipts by email.
    let on: Vec<(String, String)> = domain::messaging::deliveries::KINDS
        .iter()
        .flat_map(|k| {
            k.channels
                .iter()
                .map(|c| (k.name.to_owned(), c.as_str().to_owned()))
        })
        .filter(|(k, c)| !(k == "new_receipt" && c == "email"))
        .collect();
    // Saved twice: the second, unchanged save is no error (MySQL reports it as no change).
    for _ in 0..2 {
        preferences::set(&shop.ctx, &shop.web(shop.admin), &on)
            .await
            .unwrap();
    }
    shop.receipt().await;
    assert_eq!(shop.channels().await, ["in_app", "telegram"]);
}

#[tokio::test]
async fn email_not_configured_plans_no_email() {
    let shop = Shop::new(false).await;
    shop.set_address("anna@example.com").await;
    shop.receipt().await;
    assert_eq!(shop.channels().await, ["in_app", "telegram"]);
}

#[tokio::test]
async fn a_5xx_reply_fails_the_delivery_with_the_reply_on_the_failed_page() {
    let shop = Shop::new(true).await;
    let smtp = FakeSmtp::start().await;
    smtp.answer_rcpt(Some("550 5.1.1 No such user here"));
    shop.set_address("anna@example.com").await;
    shop.receipt().await;
    let m = mailer(smtp.port());
    assert_eq!(mail::run_once(&m, &shop.ctx, "w").await.unwrap(), 0);
    let email = &shop.emails().await[0];
    assert_eq!(status(email), (DeliveryStatus::Failed, 1));
    let reason = email.last_error.clone().unwrap();
    assert!(
        reason.contains("550") && reason.contains("No such user here"),
        "{reason}"
    );
    // The store's failed page lists it, with the reason.
    let failed = staff::failed(&shop.ctx.db, &shop.web(shop.admin), shop.store, 50)
        .await
        .unwrap();
    let listed: Vec<_> = failed
        .iter()
        .map(|f| (f.delivery.id, f.delivery.last_error.clone()))
        .collect();
    assert_eq!(listed, vec![(email.id, Some(reason))]);
    assert!(smtp.mails().is_empty());
}

#[tokio::test]
async fn a_4xx_reply_is_tried_again_after_the_backoff_then_sent() {
    let shop = Shop::new(true).await;
    let smtp = FakeSmtp::start().await;
    smtp.answer_data(Some("451 4.3.0 Try again later"));
    shop.set_address("anna@example.com").await;
    shop.receipt().await;
    let m = mailer(smtp.port());
    let start = shop.ctx.now();
    assert_eq!(mail::run_once(&m, &shop.ctx, "w").await.unwrap(), 0);
    let email = shop.emails().await.remove(0);
    assert_eq!(status(&email), (DeliveryStatus::Pending, 1));
    assert_eq!(email.next_attempt_at, start + send::backoff(1));
    assert!(email.last_error.unwrap().contains("451"));

    smtp.answer_data(None);
    // Not due yet: nothing is sent before the backoff has passed.
    shop.clock.advance(send::backoff(1) - Duration::seconds(1));
    assert_eq!(mail::run_once(&m, &shop.ctx, "w").await.unwrap(), 0);
    assert!(smtp.mails().is_empty());
    shop.clock.advance(Duration::seconds(1));
    assert_eq!(mail::run_once(&m, &shop.ctx, "w").await.unwrap(), 1);
    assert_eq!(smtp.mails().len(), 1);
    let email = shop.emails().await.remove(0);
    assert_eq!(status(&email), (DeliveryStatus::Sent, 1));
}

#[tokio::test]
async fn an_unreachable_server_is_tried_again_later() {
    let shop = Shop::new(true).await;
    // A port nobody listens on any more.
    let port = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().port()
    };
    shop.set_address("anna@example.com").await;
    shop.receipt().await;
    assert_eq!(
        mail::run_once(&mailer(port), &shop.ctx, "w").await.unwrap(),
        0
    );
    let email = shop.emails().await.remove(0);
    assert_eq!(status(&email), (DeliveryStatus::Pending, 1));
}

#[tokio::test]
async fn a_bad_address_is_refused_and_the_stored_one_kept() {
    let shop = Shop::new(true).await;
    shop.set_address("  anna@example.com ").await;
    let actor = shop.web(shop.admin);
    let long = format!("{}@example.com", "a".repeat(250));
    for bad in [
        "anna",
        "anna@",
        "@example.com",
        "an na@example.com",
        "<anna@example.com>",
        &long,
    ] {
        let err = preferences::set_email(&shop.ctx, &actor, bad)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Invalid { field: "email" }),
            "{bad}: {err:?}"
        );
    }
    let stored = preferences::email(&shop.ctx.db, shop.admin.0)
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some("anna@example.com"));
    // The person sees why, in their language.
    let ru = i18n::t_args(
        i18n::Lang::Ru,
        "mail-address-invalid",
        &[("address", i18n::ArgValue::from("anna@"))],
    );
    assert_eq!(ru, "«anna@» — неверный адрес электронной почты.");
    // Blank clears it; an operator (no person) cannot have one.
    preferences::set_email(&shop.ctx, &actor, " ")
        .await
        .unwrap();
    assert_eq!(
        preferences::email(&shop.ctx.db, shop.admin.0)
            .await
            .unwrap(),
        None
    );
    let err = preferences::set_email(&shop.ctx, &Actor::operator(), "op@example.com")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
}
