//! Who is told what: customers about their orders, staff about receipts to check; and the
//! first-run owner claim.
use domain::messaging::centre::Payload;
use domain::messaging::notifications::{What, for_event};
use domain::ordering::orders::{decide, fulfil};
use domain::platform::events::{DomainEvent, outbox};
use domain::{Actor, Error, Role, operations::bootstrap};
use sea_orm::EntityTrait;

use crate::support::{Fixture, user};

async fn events_since(f: &Fixture, after: i64) -> Vec<domain::platform::events::Published> {
    outbox::since(&f.ctx.db, after, 1000).await.unwrap()
}

async fn last_id(f: &Fixture) -> i64 {
    events_since(f, 0).await.last().map(|p| p.id).unwrap_or(0)
}

async fn notices_after(f: &Fixture, after: i64) -> Vec<(i64, What)> {
    let mut out = Vec::new();
    for p in events_since(f, after).await {
        for n in for_event(&f.ctx.db, &p.event).await.unwrap() {
            out.push((n.telegram_id, n.what));
        }
    }
    out
}

#[tokio::test]
async fn a_new_receipt_goes_to_admins_and_owners_who_have_not_muted_it() {
    let f = Fixture::new().await;
    let order = f.order(1).await;
    // The other store's admin and the vendor are not told; a muted admin neither.
    let muted = user(&f.ctx, 9, "mute").await;
    domain::people::staff::grant(
        &f.ctx,
        &Actor::operator(),
        muted,
        Role::Admin,
        Some(f.store),
    )
    .await
    .unwrap();
    domain::people::staff::set_receipt_alerts(&f.ctx.db, muted, f.store, false)
        .await
        .unwrap();
    let before = last_id(&f).await;
    f.receipt(order, &"b".repeat(64)).await;
    let mut told: Vec<i64> = notices_after(&f, before)
        .await
        .into_iter()
        .filter(|(_, w)| matches!(w, What::NewReceipt { .. }))
        .map(|(t, _)| t)
        .collect();
    told.sort();
    assert_eq!(told, vec![1, 2], "the owner (1) and the store's admin (2)");
}

async fn number(f: &Fixture, id: domain::OrderId) -> i64 {
    entity::orders::Entity::find_by_id(id.0)
        .one(&f.ctx.db)
        .await
        .unwrap()
        .unwrap()
        .number
}

#[tokio::test]
async fn customers_hear_about_decisions_shipping_and_expiry_but_not_their_own_cancel() {
    let f = Fixture::new().await;
    let a = f.order_in_review(1).await;
    let before = last_id(&f).await;
    decide::reject(&f.ctx, &f.web(f.admin), a, "blurry")
        .await
        .unwrap();
    f.receipt(a, &"c".repeat(64)).await;
    decide::verify(&f.ctx, &f.web(f.admin), a).await.unwrap();
    fulfil::ship(&f.ctx, &f.web(f.vendor), a, Some("UA1"))
        .await
        .unwrap();
    let b = f.order(1).await;
    fulfil::cancel(&f.ctx, &f.bot(f.customer), b, None)
        .await
        .unwrap();
    let c = f.order(1).await;
    f.clock.advance(chrono::Duration::hours(2));
    fulfil::expire_unpaid(&f.ctx, 10).await.unwrap();
    let got: Vec<What> = notices_after(&f, before)
        .await
        .into_iter()
        .filter(|(t, _)| *t == 100)
        .map(|(_, w)| w)
        .collect();
    let (na, nc) = (number(&f, a).await, number(&f, c).await);
    assert_eq!(
        got,
        vec![
            What::Rejected {
                number: na,
                reason: "blurry".into()
            },
            What::Verified { number: na },
            What::Shipped {
                number: na,
                tracking: Some("UA1".into())
            },
            What::Expired { number: nc },
        ]
    );
}

#[tokio::test]
async fn the_owner_claim_link_works_once_and_only_without_an_owner() {
    let f = Fixture::new().await;
    assert_eq!(
        bootstrap::issue_claim(&f.ctx).await.unwrap(),
        None,
        "there is an owner already"
    );
    // A fresh installation: no owner yet.
    domain::people::staff::grant(&f.ctx, &Actor::operator(), f.admin, Role::Owner, None)
        .await
        .unwrap();
    let db = &f.ctx.db;
    use sea_orm::{ColumnTrait, QueryFilter};
    entity::staff_roles::Entity::delete_many()
        .filter(entity::staff_roles::Column::StoreId.is_null())
        .exec(db)
        .await
        .unwrap();
    let code = bootstrap::issue_claim(&f.ctx)
        .await
        .unwrap()
        .expect("a code");
    assert!(
        domain::kernel::deeplink::DeepLink::Claim(code.clone())
            .to_payload()
            .is_ok(),
        "fits Telegram's start payload"
    );
    let err = bootstrap::claim(&f.ctx, &f.bot(f.stranger), "forged")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    bootstrap::claim(&f.ctx, &f.bot(f.stranger), &code)
        .await
        .unwrap();
    assert!(
        domain::kernel::policy::is_owner(db, f.stranger)
            .await
            .unwrap()
    );
    let again = bootstrap::claim(&f.ctx, &f.bot(f.customer), &code)
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::NotFound { .. }),
        "single use: {again:?}"
    );
    assert!(
        !domain::kernel::policy::is_owner(db, f.customer)
            .await
            .unwrap()
    );
    let _ = DomainEvent::StoreCreated {
        store_id: f.store,
        slug: String::new(),
    };
}

#[tokio::test]
async fn an_expired_claim_link_is_refused() {
    let f = Fixture::new().await;
    use sea_orm::{ColumnTrait, QueryFilter};
    entity::staff_roles::Entity::delete_many()
        .filter(entity::staff_roles::Column::StoreId.is_null())
        .exec(&f.ctx.db)
        .await
        .unwrap();
    let code = bootstrap::issue_claim(&f.ctx).await.unwrap().unwrap();
    f.clock.advance(chrono::Duration::hours(25));
    let err = bootstrap::claim(&f.ctx, &f.bot(f.customer), &code)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn the_notification_center_gets_each_new_receipt_once() {
    let f = Fixture::new().await;
    let order = f.order(1).await;
    f.receipt(order, &"d".repeat(64)).await;
    domain::messaging::centre::fill(&f.ctx, "w1").await.unwrap();
    assert_eq!(
        domain::messaging::centre::unread(&f.ctx.db, f.admin)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        domain::messaging::centre::unread(&f.ctx.db, f.owner)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        domain::messaging::centre::unread(&f.ctx.db, f.vendor)
            .await
            .unwrap(),
        0,
        "vendors don't decide payments"
    );
    assert_eq!(
        domain::messaging::centre::unread(&f.ctx.db, f.other_admin)
            .await
            .unwrap(),
        0
    );
    // Another pass (or another instance) adds nothing.
    domain::messaging::centre::fill(&f.ctx, "w1").await.unwrap();
    assert_eq!(
        domain::messaging::centre::unread(&f.ctx.db, f.admin)
            .await
            .unwrap(),
        1
    );
    let latest = domain::messaging::centre::latest(&f.ctx.db, f.admin, 10)
        .await
        .unwrap();
    assert_eq!(
        latest[0].payload,
        Payload::NewReceipt {
            order_id: order.0,
            number: 1001
        }
    );
    assert_eq!(
        domain::messaging::centre::mark_all_read(&f.ctx, f.admin)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        domain::messaging::centre::unread(&f.ctx.db, f.admin)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        domain::messaging::centre::unread(&f.ctx.db, f.owner)
            .await
            .unwrap(),
        1,
        "each person's own"
    );
}

/// Every kind of notice has a kind in the table, and goes to the notification center exactly
/// when the table says so; each one the center shows is stored and read back as it was.
#[tokio::test]
async fn every_kind_is_in_the_table_and_the_center_keeps_what_it_shows() {
    use domain::messaging::deliveries::{DeliveryChannel, KINDS, kind_of};
    use sea_orm::{ActiveValue::NotSet, Set};
    let f = Fixture::new().await;
    let every = testkit::notices::every_kind(&f.ctx).await;
    let mut kinds: Vec<&str> = every.iter().map(|w| kind_of(w).name).collect();
    kinds.sort();
    let mut table: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
    table.sort();
    assert_eq!(kinds, table, "one sample of every kind");
    let mut shown = Vec::new();
    for what in &every {
        let kind = kind_of(what);
        let payload = Payload::of(what);
        assert_eq!(
            payload.is_some(),
            kind.channels.contains(&DeliveryChannel::InApp),
            "{}",
            kind.name
        );
        let Some(payload) = payload else { continue };
        assert_eq!(payload.kind(), kind);
        let row = entity::notifications::ActiveModel {
            id: NotSet,
            user_id: Set(f.admin.0),
            store_id: Set(Some(f.store.0)),
            kind: Set(payload.kind().name.to_owned()),
            priority: Set(kind.priority.as_str().to_owned()),
            payload: Set(payload.to_column().unwrap()),
            event_id: Set(None),
            read_at: Set(None),
            created_at: Set(f.ctx.now()),
        };
        entity::notifications::Entity::insert(row)
            .exec(&f.ctx.db)
            .await
            .unwrap();
        shown.push(payload);
    }
    let mut read: Vec<Payload> = domain::messaging::centre::latest(&f.ctx.db, f.admin, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.payload)
        .collect();
    read.reverse();
    assert_eq!(read, shown);
    assert_eq!(read.len(), 3, "new receipts, low stock, daily digests");
}
