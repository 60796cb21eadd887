//! Durable deliveries: planned once per (event, person, channel), claimed by one sender,
//! retried with backoff, given up with a reason, put back by staff.
use chrono::Duration;
use domain::messaging::deliveries::send::{self, Failure, MAX_ATTEMPTS};
use domain::messaging::deliveries::{DeliveryChannel, DeliveryStatus, plan, preferences, staff};
use domain::ordering::orders::decide;
use domain::platform::events::outbox;
use domain::{Error, UserId};
use entity::notification_deliveries as deliveries;
use sea_orm::EntityTrait;

use crate::support::Fixture;

const TG: DeliveryChannel = DeliveryChannel::Telegram;

async fn all(f: &Fixture) -> Vec<deliveries::Model> {
    deliveries::Entity::find().all(&f.ctx.db).await.unwrap()
}

/// (user, channel) of every delivery of `kind`, sorted.
async fn planned(f: &Fixture, kind: &str) -> Vec<(i64, String)> {
    let mut out: Vec<_> = all(f)
        .await
        .into_iter()
        .filter(|d| d.kind == kind)
        .map(|d| (d.user_id, d.channel))
        .collect();
    out.sort();
    out
}

fn both(user: UserId) -> [(i64, String); 2] {
    [(user.0, "in_app".into()), (user.0, "telegram".into())]
}

async fn plan_all(f: &Fixture) {
    plan::run_once(&f.ctx, "w1").await.unwrap().unwrap();
}

/// Claims and sends every due Telegram delivery.
async fn send_all(f: &Fixture) {
    let now = f.ctx.now();
    for d in send::claim(&f.ctx.db, TG, "s", now, Duration::seconds(60), 1000)
        .await
        .unwrap()
    {
        assert!(send::mark_sent(&f.ctx.db, d.id, "s", now).await.unwrap());
    }
}

#[tokio::test]
async fn an_event_planned_again_adds_no_deliveries() {
    let f = Fixture::new().await;
    f.order_in_review(1).await;
    plan_all(&f).await;
    let mut expected: Vec<_> = both(f.owner).into_iter().chain(both(f.admin)).collect();
    expected.sort();
    assert_eq!(planned(&f, "new_receipt").await, expected);
    let receipt = &all(&f).await[0];
    assert_eq!(receipt.priority, "high");
    assert_eq!(receipt.status, DeliveryStatus::Pending);
    // Every event again, as after a crash before the cursor moved: nothing new.
    let before = all(&f).await.len();
    for event in outbox::since(&f.ctx.db, 0, 1000).await.unwrap() {
        assert_eq!(plan::plan_event(&f.ctx, &event).await.unwrap(), 0);
    }
    // Another instance waits for the planner's lease; the planner itself finds nothing new.
    assert_eq!(plan::run_once(&f.ctx, "w2").await.unwrap(), None);
    assert_eq!(plan::run_once(&f.ctx, "w1").await.unwrap(), Some(0));
    assert_eq!(all(&f).await.len(), before);
}

#[tokio::test]
async fn a_muted_channel_gets_no_delivery() {
    let f = Fixture::new().await;
    // The admin keeps receipts in the notification center only; low stock stays on everywhere.
    let on = vec![
        ("new_receipt".to_owned(), "in_app".to_owned()),
        ("low_stock".to_owned(), "in_app".to_owned()),
        ("low_stock".to_owned(), "telegram".to_owned()),
    ];
    let grid = preferences::set(&f.ctx, &f.web(f.admin), &on)
        .await
        .unwrap();
    let receipt_tg = grid
        .iter()
        .find(|s| s.kind == "new_receipt" && s.channel == TG)
        .unwrap();
    assert!(!receipt_tg.enabled);
    assert_eq!(grid.iter().filter(|s| s.enabled).count(), 3);
    f.order_in_review(1).await;
    plan_all(&f).await;
    let mut expected: Vec<_> = both(f.owner).into_iter().collect();
    expected.push((f.admin.0, "in_app".into()));
    expected.sort();
    assert_eq!(planned(&f, "new_receipt").await, expected);
    // Unknown kinds are refused, and nothing changes.
    let bad = vec![("nonsense".to_owned(), "telegram".to_owned())];
    let err = preferences::set(&f.ctx, &f.web(f.admin), &bad)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
    let grid = preferences::grid(&f.ctx.db, f.admin).await.unwrap();
    assert_eq!(grid.iter().filter(|s| s.enabled).count(), 3);
}

#[tokio::test]
async fn racing_senders_never_claim_the_same_delivery() {
    let f = Fixture::new().await;
    for _ in 0..3 {
        f.order_in_review(1).await;
    }
    plan_all(&f).await;
    let total = all(&f)
        .await
        .iter()
        .filter(|d| d.channel == "telegram")
        .count();
    assert_eq!(total, 6, "3 receipts to the owner and the admin");
    let now = f.ctx.now();
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let db = f.ctx.db.clone();
            tokio::spawn(async move {
                let owner = format!("sender-{i}");
                send::claim(&db, TG, &owner, now, Duration::seconds(60), 2)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut ids: Vec<i64> = Vec::new();
    for t in futures::future::join_all(tasks).await {
        ids.extend(t.unwrap().into_iter().map(|d| d.id));
    }
    let claimed = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), claimed, "a delivery was claimed twice");
    // Whatever a racer missed is still there for the next pass, never lost.
    let rest = send::claim(&f.ctx.db, TG, "late", now, Duration::seconds(60), 100)
        .await
        .unwrap();
    assert_eq!(claimed + rest.len(), total);
}

#[tokio::test]
async fn a_crashed_sender_s_delivery_is_claimed_again_after_the_lease() {
    let f = Fixture::new().await;
    f.order_in_review(1).await;
    plan_all(&f).await;
    let now = f.ctx.now();
    let first = send::claim(&f.ctx.db, TG, "dead", now, Duration::seconds(60), 100)
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    let none = send::claim(&f.ctx.db, TG, "b", now, Duration::seconds(60), 100)
        .await
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
    f.clock.advance(Duration::seconds(61));
    let again = send::claim(&f.ctx.db, TG, "b", f.ctx.now(), Duration::seconds(60), 100)
        .await
        .unwrap();
    assert_eq!(again.len(), 2);
    // The dead sender's late word no longer counts.
    assert!(
        !send::mark_sent(&f.ctx.db, first[0].id, "dead", f.ctx.now())
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn failures_back_off_and_finally_fail_with_the_reason() {
    let f = Fixture::new().await;
    f.order_in_review(1).await;
    plan_all(&f).await;
    let lease = Duration::seconds(60);
    let id = send::claim(&f.ctx.db, TG, "s", f.ctx.now(), lease, 1)
        .await
        .unwrap()[0]
        .id;
    for attempt in 1..MAX_ATTEMPTS {
        let status = send::mark_failed(
            &f.ctx.db,
            id,
            "s",
            f.ctx.now(),
            "timeout",
            Failure::Transient,
        )
        .await
        .unwrap();
        assert_eq!(status, Some(DeliveryStatus::Pending));
        let row = send::get(&f.ctx.db, id).await.unwrap().unwrap();
        assert_eq!(row.attempts, attempt);
        assert_eq!(row.next_attempt_at, f.ctx.now() + send::backoff(attempt));
        // Not before its time: only the other delivery is due.
        let early = send::claim(&f.ctx.db, TG, "s", f.ctx.now(), lease, 10)
            .await
            .unwrap();
        assert!(early.iter().all(|d| d.id != id), "{early:?}");
        f.clock.advance(send::backoff(attempt));
        let due = send::claim(&f.ctx.db, TG, "s", f.ctx.now(), lease, 10)
            .await
            .unwrap();
        assert!(due.iter().any(|d| d.id == id), "{due:?}");
    }
    assert_eq!(send::backoff(1), Duration::seconds(30));
    assert_eq!(send::backoff(2), Duration::seconds(60));
    assert_eq!(send::backoff(30), Duration::seconds(send::BACKOFF_CAP_SECS));
    let status = send::mark_failed(
        &f.ctx.db,
        id,
        "s",
        f.ctx.now(),
        "timeout",
        Failure::Transient,
    )
    .await
    .unwrap();
    assert_eq!(status, Some(DeliveryStatus::Failed));
    let row = send::get(&f.ctx.db, id).await.unwrap().unwrap();
    assert_eq!(
        (row.attempts, row.last_error.as_deref()),
        (MAX_ATTEMPTS, Some("timeout"))
    );
    f.clock.advance(Duration::days(1));
    let later = send::claim(&f.ctx.db, TG, "s", f.ctx.now(), lease, 10)
        .await
        .unwrap();
    assert!(
        later.iter().all(|d| d.id != id),
        "a failed delivery is not sent again by itself"
    );
}

/// One delivery of the store that failed for good (a blocked bot).
async fn failed_one(f: &Fixture) -> i64 {
    f.order_in_review(1).await;
    plan_all(f).await;
    let now = f.ctx.now();
    let d = &send::claim(&f.ctx.db, TG, "s", now, Duration::seconds(60), 1)
        .await
        .unwrap()[0];
    let status = send::mark_failed(
        &f.ctx.db,
        d.id,
        "s",
        now,
        "Forbidden: bot was blocked by the user",
        Failure::Permanent,
    )
    .await
    .unwrap();
    assert_eq!(status, Some(DeliveryStatus::Failed));
    d.id
}

#[tokio::test]
async fn staff_see_failed_deliveries_and_put_them_back() {
    let f = Fixture::new().await;
    let id = failed_one(&f).await;
    let admin = f.web(f.admin);
    let page = staff::failed(&f.ctx.db, &admin, f.store, 50).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].delivery.id, id);
    assert!(
        page[0]
            .delivery
            .last_error
            .as_deref()
            .unwrap()
            .contains("blocked")
    );
    // Vendors may not; the other store's admin does not even find it.
    let err = staff::failed(&f.ctx.db, &f.web(f.vendor), f.store, 50)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    let err = staff::retry(&f.ctx, &f.web(f.vendor), f.store, id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    let err = staff::retry(&f.ctx, &f.web(f.other_admin), f.other_store, id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(staff::retry(&f.ctx, &admin, f.store, id).await.unwrap());
    let row = send::get(&f.ctx.db, id).await.unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (DeliveryStatus::Pending, 0));
    assert!(
        staff::failed(&f.ctx.db, &admin, f.store, 50)
            .await
            .unwrap()
            .is_empty()
    );
    // A second click finds nothing to do and records nothing more.
    assert!(!staff::retry(&f.ctx, &admin, f.store, id).await.unwrap());
    assert_eq!(f.count("audit_log", "action = 'delivery.retry'").await, 1);
    let again = send::claim(&f.ctx.db, TG, "s", f.ctx.now(), Duration::seconds(60), 10)
        .await
        .unwrap();
    assert!(again.iter().any(|d| d.id == id));
}

#[tokio::test]
async fn high_priority_deliveries_are_claimed_first() {
    let f = Fixture::new().await;
    let first = f.order_in_review(1).await;
    plan_all(&f).await;
    send_all(&f).await;
    // A normal one (the customer hears of the verification), then a high one (a new receipt).
    decide::verify(&f.ctx, &f.web(f.admin), first)
        .await
        .unwrap();
    f.order_in_review(1).await;
    plan_all(&f).await;
    let now = f.ctx.now();
    let order: Vec<String> = send::claim(&f.ctx.db, TG, "s", now, Duration::seconds(60), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.kind)
        .collect();
    assert_eq!(order, ["new_receipt", "new_receipt", "verified"]);
}

#[tokio::test]
async fn an_upgraded_install_does_not_send_again_what_the_old_notifier_sent() {
    let f = Fixture::new().await;
    f.order_in_review(1).await;
    // Where the notifier of before stopped: after everything so far.
    let last = outbox::last_id(&f.ctx.db).await.unwrap();
    domain::platform::jobs::try_lease(
        &f.ctx.db,
        "cursor:telegram-notifier",
        "old",
        f.ctx.now(),
        Duration::seconds(1),
    )
    .await
    .unwrap();
    domain::platform::events::consumer::ack(&f.ctx, "telegram-notifier", "old", last)
        .await
        .unwrap();
    plan_all(&f).await;
    assert!(all(&f).await.is_empty());
    // What happens from now on is planned as usual.
    f.order_in_review(1).await;
    plan_all(&f).await;
    assert_eq!(planned(&f, "new_receipt").await.len(), 4);
}

#[tokio::test]
async fn a_delivery_of_a_kind_this_version_does_not_know_fails_with_that_reason() {
    use sea_orm::{ActiveModelTrait, Set};
    let f = Fixture::new().await;
    f.order_in_review(1).await;
    plan_all(&f).await;
    let now = f.ctx.now();
    let d = send::claim(&f.ctx.db, TG, "s", now, Duration::seconds(60), 1)
        .await
        .unwrap()
        .remove(0);
    let mut row: deliveries::ActiveModel = d.clone().into();
    row.kind = Set("something_new".to_owned());
    let d = row.update(&f.ctx.db).await.unwrap();
    let notice = send::notice_or_fail(&f.ctx.db, &d, "s", now).await.unwrap();
    assert_eq!(notice, None, "not sent as some other kind");
    let row = send::get(&f.ctx.db, d.id).await.unwrap().unwrap();
    assert_eq!(row.status, DeliveryStatus::Failed);
    assert_eq!(
        row.last_error.as_deref(),
        Some("unknown kind \"something_new\"")
    );
}

#[tokio::test]
async fn a_restarted_sender_takes_back_its_own_claims_at_once_and_no_one_else_does() {
    let f = Fixture::new().await;
    f.order_in_review(1).await;
    plan_all(&f).await;
    let now = f.ctx.now();
    let lease = Duration::minutes(2);
    let held = send::claim(&f.ctx.db, TG, "shop-1", now, lease, 100)
        .await
        .unwrap();
    assert!(!held.is_empty());
    // The process dies holding them. Another live instance must not touch them before the
    // lease runs out...
    let later = now + Duration::seconds(5);
    let other = send::claim(&f.ctx.db, TG, "shop-2", later, lease, 100)
        .await
        .unwrap();
    assert!(other.is_empty(), "{other:?}");
    // ...but the same instance, started again under its kept identity, takes them back now.
    let again = send::claim(&f.ctx.db, TG, "shop-1", later, lease, 100)
        .await
        .unwrap();
    let ids = |rows: &[deliveries::Model]| rows.iter().map(|d| d.id).collect::<Vec<_>>();
    assert_eq!(ids(&again), ids(&held));
    // Once sent, they are nobody's to claim.
    for d in &again {
        assert!(
            send::mark_sent(&f.ctx.db, d.id, "shop-1", later)
                .await
                .unwrap()
        );
    }
    let none = send::claim(&f.ctx.db, TG, "shop-1", later, lease, 100)
        .await
        .unwrap();
    assert!(none.is_empty());
}
