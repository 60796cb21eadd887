//! The typed columns (`entity::kinds`) store exactly the words they held as strings, on every
//! database, and a stored word outside a vocabulary is an internal error, not a panic.
use std::fmt::Debug;

use chrono::Duration;
use domain::ordering::orders::{decide, queries};
use domain::people::auth::challenge;
use domain::platform::audit::{self, AuditFilter, Entry};
use domain::{
    Actor, Channel, Error, OrderStatus, ReceiptStatus, Role, kernel::policy, people::invites,
    people::staff,
};
use entity::kinds::{ChallengeStatus, DeliveryStatus, JobKind};
use entity::{login_challenges, order_history, orders, receipts, staff_roles};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Statement};

use crate::support::Fixture;

// Each vocabulary as the tables held it while the columns were strings, spelled out here so
// that a changed word fails.
const STATUSES: [(OrderStatus, &str); 7] = [
    (OrderStatus::AwaitingPayment, "awaiting_payment"),
    (OrderStatus::PaymentReview, "payment_review"),
    (OrderStatus::Paid, "paid"),
    (OrderStatus::Shipped, "shipped"),
    (OrderStatus::Completed, "completed"),
    (OrderStatus::Cancelled, "cancelled"),
    (OrderStatus::Refunded, "refunded"),
];
const ROLES: [(Role, &str); 3] = [
    (Role::Vendor, "vendor"),
    (Role::Admin, "admin"),
    (Role::Owner, "owner"),
];
const CHANNELS: [(Channel, &str); 5] = [
    (Channel::Bot, "bot"),
    (Channel::Web, "web"),
    (Channel::Api, "api"),
    (Channel::Cli, "cli"),
    (Channel::System, "system"),
];
const RECEIPTS: [(ReceiptStatus, &str); 3] = [
    (ReceiptStatus::Pending, "pending"),
    (ReceiptStatus::Accepted, "accepted"),
    (ReceiptStatus::Rejected, "rejected"),
];
const CHALLENGES: [(ChallengeStatus, &str); 4] = [
    (ChallengeStatus::Pending, "pending"),
    (ChallengeStatus::Approved, "approved"),
    (ChallengeStatus::Denied, "denied"),
    (ChallengeStatus::Redeemed, "redeemed"),
];

/// A list above names every variant, in order.
fn covers<T: PartialEq + Debug + Copy>(words: &[(T, &str)], all: &[T]) {
    let listed: Vec<T> = words.iter().map(|(v, _)| *v).collect();
    assert_eq!(listed, all);
}

/// The text a column holds, read with raw SQL.
async fn stored(f: &Fixture, table: &str, column: &str, id: i64) -> String {
    let db = &f.ctx.db;
    let sql = format!("SELECT {column} AS word FROM {table} WHERE id = {id}");
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<String>("", "word").unwrap()
}

/// Runs `sql` as it is: what no typed code can write.
async fn raw(f: &Fixture, sql: &str) {
    let db = &f.ctx.db;
    let res = db
        .execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
    assert_eq!(res.rows_affected(), 1, "{sql}");
}

/// One timeline row, written as the domain writes them.
async fn history(f: &Fixture, order: i64, status: OrderStatus, channel: Channel) -> i64 {
    let row = order_history::ActiveModel {
        id: NotSet,
        order_id: Set(order),
        action: Set("status_changed".to_owned()),
        from_status: Set(Some(status)),
        to_status: Set(status),
        actor_user_id: Set(None),
        channel: Set(channel),
        reason: Set(None),
        created_at: Set(f.ctx.now()),
    };
    order_history::Entity::insert(row)
        .exec(&f.ctx.db)
        .await
        .unwrap()
        .last_insert_id
}

#[tokio::test]
async fn order_columns_hold_every_word_as_before() {
    covers(&STATUSES, &OrderStatus::ALL);
    covers(&CHANNELS, &Channel::ALL);
    covers(&RECEIPTS, &ReceiptStatus::ALL);
    let f = Fixture::new().await;
    let db = &f.ctx.db;
    let order = f.order_in_review(1).await;
    // What placing and the receipt wrote: the customer's receipt moved it, from the bot.
    let d = queries::detail(db, &f.web(f.admin), order).await.unwrap();
    let [placed, sent] = &d.history[..] else {
        panic!("{:?}", d.history)
    };
    assert_eq!(
        stored(&f, "order_history", "to_status", placed.id).await,
        "awaiting_payment"
    );
    assert_eq!(
        stored(&f, "order_history", "from_status", sent.id).await,
        "awaiting_payment"
    );
    assert_eq!(
        stored(&f, "order_history", "to_status", sent.id).await,
        "payment_review"
    );
    assert_eq!(stored(&f, "order_history", "channel", sent.id).await, "bot");
    assert_eq!(
        stored(&f, "receipts", "status", d.receipts[0].id).await,
        "pending"
    );
    let mut written = Vec::new();
    for (status, word) in STATUSES {
        orders::ActiveModel {
            id: Set(order.0),
            status: Set(status),
            ..Default::default()
        }
        .update(db)
        .await
        .unwrap();
        assert_eq!(stored(&f, "orders", "status", order.0).await, word);
        assert_eq!(f.status(order).await, status);
        let id = history(&f, order.0, status, Channel::System).await;
        assert_eq!(stored(&f, "order_history", "from_status", id).await, word);
        assert_eq!(stored(&f, "order_history", "to_status", id).await, word);
        written.push((status, Channel::System));
    }
    for (channel, word) in CHANNELS {
        let id = history(&f, order.0, OrderStatus::Paid, channel).await;
        assert_eq!(stored(&f, "order_history", "channel", id).await, word);
        written.push((OrderStatus::Paid, channel));
    }
    let receipt = d.receipts[0].id;
    for (status, word) in RECEIPTS {
        receipts::ActiveModel {
            id: Set(receipt),
            status: Set(status),
            ..Default::default()
        }
        .update(db)
        .await
        .unwrap();
        assert_eq!(stored(&f, "receipts", "status", receipt).await, word);
        let back = receipts::Entity::find_by_id(receipt).one(db).await;
        assert_eq!(back.unwrap().unwrap().status, status);
    }
    // Read back through the domain: every row as written.
    let d = queries::detail(db, &f.web(f.admin), order).await.unwrap();
    let read: Vec<_> = d.history[2..]
        .iter()
        .map(|h| {
            assert_eq!(h.from_status, Some(h.to_status));
            (h.to_status, h.channel)
        })
        .collect();
    assert_eq!(read, written);
    assert_eq!(d.receipts[0].status, ReceiptStatus::Rejected);
}

#[tokio::test]
async fn people_and_login_columns_hold_every_word_as_before() {
    covers(&ROLES, &Role::ALL);
    covers(&CHALLENGES, &ChallengeStatus::ALL);
    let f = Fixture::new().await;
    let db = &f.ctx.db;
    let scope = |role: Role| (role != Role::Owner).then_some(f.store);
    for (role, word) in ROLES {
        let row = staff::grant(&f.ctx, &Actor::operator(), f.stranger, role, scope(role))
            .await
            .unwrap();
        assert_eq!(stored(&f, "staff_roles", "role", row.id).await, word);
        let back = staff_roles::Entity::find_by_id(row.id).one(db).await;
        assert_eq!(back.unwrap().unwrap().role, role);
        let held = policy::role_in(db, f.stranger, f.store).await.unwrap();
        assert_eq!(held, Some(role));
    }
    for (role, word) in ROLES {
        let owner = f.web(f.owner);
        let new = invites::create(&f.ctx, &owner, scope(role), role, Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(stored(&f, "staff_invites", "role", new.id).await, word);
        let open = invites::list(&f.ctx, &owner, f.store).await.unwrap();
        let listed = open.iter().find(|i| i.id == new.id).map(|i| i.role);
        assert_eq!(listed, Some(role));
    }
    for (channel, word) in CHANNELS {
        let entry = Entry {
            store: Some(f.store),
            action: "test.kinds",
            object_type: "channel",
            object_id: word.to_owned(),
            before: None,
            after: None,
        };
        audit::record(db, f.ctx.now(), &Actor::user(f.admin, channel), entry)
            .await
            .unwrap();
        let filter = AuditFilter {
            object_id: Some(word.to_owned()),
            ..Default::default()
        };
        let found = audit::search(db, &f.web(f.admin), f.store, &filter, None, 10)
            .await
            .unwrap();
        let [entry] = &found[..] else {
            panic!("{found:?}")
        };
        assert_eq!(entry.channel, channel);
        assert_eq!(stored(&f, "audit_log", "channel", entry.id).await, word);
    }
    let c = challenge::create(&f.ctx, "a-browser-secret-of-some-length", "curl", None)
        .await
        .unwrap();
    assert_eq!(
        stored(&f, "login_challenges", "status", c.id).await,
        "pending"
    );
    for (status, word) in CHALLENGES {
        login_challenges::ActiveModel {
            id: Set(c.id),
            status: Set(status),
            ..Default::default()
        }
        .update(db)
        .await
        .unwrap();
        assert_eq!(stored(&f, "login_challenges", "status", c.id).await, word);
        let back = login_challenges::Entity::find_by_id(c.id).one(db).await;
        assert_eq!(back.unwrap().unwrap().status, status);
    }
}

/// The error a read of an unknown word gives: internal (the message names the word), shown
/// as the generic error, never retried.
#[track_caller]
fn unreadable<T: Debug>(result: domain::Result<T>, word: &str) {
    match result {
        Err(e @ Error::Internal(_)) => {
            assert!(e.to_string().contains(word), "{e}");
            assert_eq!(e.key(), "error-internal");
            assert!(!e.is_retryable());
        }
        other => panic!("expected an internal error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_stored_word_outside_the_vocabulary_is_an_internal_error() {
    let f = Fixture::new().await;
    let db = &f.ctx.db;
    let admin = f.web(f.admin);
    let order = f.order_in_review(1).await;
    raw(
        &f,
        &format!(
            "UPDATE receipts SET status = 'lost' WHERE order_id = {}",
            order.0
        ),
    )
    .await;
    unreadable(queries::detail(db, &admin, order).await, "lost");
    let other = f.order(1).await;
    raw(
        &f,
        &format!(
            "UPDATE orders SET status = 'in_orbit' WHERE id = {}",
            other.0
        ),
    )
    .await;
    unreadable(queries::detail(db, &admin, other).await, "in_orbit");
    unreadable(decide::verify(&f.ctx, &admin, other).await, "in_orbit");
    unreadable(
        queries::list(db, &admin, f.store, None, None, 50).await,
        "in_orbit",
    );
    raw(
        &f,
        &format!(
            "UPDATE staff_roles SET role = 'boss' WHERE user_id = {}",
            f.vendor.0
        ),
    )
    .await;
    unreadable(policy::role_in(db, f.vendor, f.store).await, "boss");
    unreadable(queries::detail(db, &f.web(f.vendor), order).await, "boss");
    // Everyone else's reads of their own rows go on.
    policy::role_in(db, f.admin, f.store).await.unwrap();
}

const JOBS: [(JobKind, &str); 7] = [
    (JobKind::ExpireUnpaid, "expire_unpaid"),
    (JobKind::DailyDigest, "daily_digest"),
    (JobKind::DailyDigestSent, "daily_digest_sent"),
    (JobKind::Housekeeping, "housekeeping"),
    (JobKind::Lease, "lease"),
    (JobKind::Bootstrap, "bootstrap"),
    (JobKind::Lock, "lock"),
];
const DELIVERIES: [(DeliveryStatus, &str); 3] = [
    (DeliveryStatus::Pending, "pending"),
    (DeliveryStatus::Sent, "sent"),
    (DeliveryStatus::Failed, "failed"),
];

#[tokio::test]
async fn job_kinds_and_delivery_statuses_hold_every_word_as_before() {
    use domain::messaging::deliveries::plan;
    use domain::platform::jobs;
    use entity::notification_deliveries as deliveries;
    use sea_orm::{ColumnTrait, QueryFilter};

    covers(&JOBS, &JobKind::ALL);
    covers(&DELIVERIES, &DeliveryStatus::ALL);
    let f = Fixture::new().await;
    let db = &f.ctx.db;
    let now = f.ctx.now();
    let mut lock = 0;
    for (kind, word) in JOBS {
        let key = format!("test:{word}");
        jobs::ensure(db, &key, kind, now, now).await.unwrap();
        let row = entity::jobs::Entity::find()
            .filter(entity::jobs::Column::Key.eq(key.as_str()))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.kind, kind);
        assert_eq!(stored(&f, "jobs", "kind", row.id).await, word);
        if kind == JobKind::Lock {
            lock = row.id;
        }
    }
    // The worker claims exactly the kinds it is asked for.
    let claimed = jobs::claim_due(db, &[JobKind::Housekeeping], "w", now, Duration::minutes(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.kind, JobKind::Housekeeping);
    // (`key` is a reserved word in MySQL: the row is named by its id.)
    raw(
        &f,
        &format!("UPDATE jobs SET kind = 'mystery' WHERE id = {lock}"),
    )
    .await;
    let read = entity::jobs::Entity::find_by_id(lock)
        .one(db)
        .await
        .map_err(Error::from);
    unreadable(read, "mystery");

    f.order_in_review(1).await;
    plan::run_once(&f.ctx, "w1").await.unwrap();
    let id = deliveries::Entity::find().all(db).await.unwrap()[0].id;
    for (status, word) in DELIVERIES {
        deliveries::ActiveModel {
            id: Set(id),
            status: Set(status),
            ..Default::default()
        }
        .update(db)
        .await
        .unwrap();
        assert_eq!(
            stored(&f, "notification_deliveries", "status", id).await,
            word
        );
        let back = deliveries::Entity::find_by_id(id).one(db).await.unwrap();
        assert_eq!(back.unwrap().status, status);
    }
}
