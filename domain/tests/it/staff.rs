//! Granting roles: never above your own, store-scoped, last OWNER stays; revocation bites at once.
use domain::ordering::orders::decide;
use domain::people::staff::{grant, revoke};
use domain::stores::NewStore;
use domain::{Actor, Error, Role};

use crate::support::{Fixture, user};

#[tokio::test]
async fn who_may_grant_what() {
    let f = Fixture::new().await;
    let newbie = user(&f.ctx, 50, "newbie").await;
    let admin = f.web(f.admin);
    grant(&f.ctx, &admin, newbie, Role::Vendor, Some(f.store))
        .await
        .unwrap();
    grant(&f.ctx, &admin, newbie, Role::Admin, Some(f.store))
        .await
        .unwrap();
    assert_eq!(
        f.count("staff_roles", &format!("user_id = {}", newbie.0))
            .await,
        1,
        "a change, not a second row"
    );
    let err = grant(&f.ctx, &admin, newbie, Role::Owner, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RoleTooHigh { role: Role::Owner }),
        "{err:?}"
    );
    let err = grant(
        &f.ctx,
        &f.web(f.vendor),
        newbie,
        Role::Vendor,
        Some(f.store),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    let err = grant(
        &f.ctx,
        &f.web(f.other_admin),
        newbie,
        Role::Vendor,
        Some(f.store),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = grant(
        &f.ctx,
        &f.web(f.customer),
        newbie,
        Role::Vendor,
        Some(f.store),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    // OWNER is platform-wide; store roles need a store.
    assert!(matches!(
        grant(&f.ctx, &f.web(f.owner), newbie, Role::Owner, Some(f.store)).await,
        Err(Error::Invalid { .. })
    ));
    assert!(matches!(
        grant(&f.ctx, &f.web(f.owner), newbie, Role::Vendor, None).await,
        Err(Error::Invalid { .. })
    ));
    grant(&f.ctx, &f.web(f.owner), newbie, Role::Owner, None)
        .await
        .unwrap();
    assert_eq!(
        f.count("audit_log", "action = 'staff.grant' AND channel = 'web'")
            .await,
        3
    );
}

#[tokio::test]
async fn admins_cannot_demote_owners_and_the_last_owner_stays() {
    let f = Fixture::new().await;
    let err = revoke(&f.ctx, &f.web(f.admin), f.owner, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RoleTooHigh { .. }), "{err:?}");
    let err = revoke(&f.ctx, &f.web(f.owner), f.owner, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::LastOwner), "{err:?}");
    let err = revoke(&f.ctx, &Actor::operator(), f.owner, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::LastOwner), "{err:?}");
    // An admin may remove a vendor of their own store, not one elsewhere.
    let err = revoke(&f.ctx, &f.web(f.other_admin), f.vendor, Some(f.store))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    revoke(&f.ctx, &f.web(f.admin), f.vendor, Some(f.store))
        .await
        .unwrap();
}

#[tokio::test]
async fn revoking_a_role_takes_effect_on_the_next_action() {
    let f = Fixture::new().await;
    let order = f.order_in_review(1).await;
    revoke(&f.ctx, &f.web(f.owner), f.admin, Some(f.store))
        .await
        .unwrap();
    let err = decide::verify(&f.ctx, &f.web(f.admin), order)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn only_owners_create_stores_and_slugs_are_checked() {
    let f = Fixture::new().await;
    let new = |slug: &str, currency: &str| NewStore {
        slug: slug.into(),
        name: "Shop".into(),
        currency: currency.into(),
        payment_instructions: String::new(),
        unpaid_deadline_minutes: 30,
    };
    let err = domain::stores::create(&f.ctx, &f.web(f.admin), new("admins", "UAH"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    let s = domain::stores::create(&f.ctx, &f.web(f.owner), new("tokyo", "jpy"))
        .await
        .unwrap();
    assert_eq!((s.currency.as_str(), s.next_order_number), ("JPY", 1001));
    let err = domain::stores::create(&f.ctx, &f.web(f.owner), new("tokyo", "JPY"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::SlugTaken { .. }), "{err:?}");
    for bad in ["Tokyo", "a", "has space", "ünï", "x/../y"] {
        let err = domain::stores::create(&f.ctx, &f.web(f.owner), new(bad, "UAH"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Invalid { field: "slug" }),
            "{bad}: {err:?}"
        );
    }
    let err = domain::stores::create(&f.ctx, &f.web(f.owner), new("fake", "XXX"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Invalid { field: "currency" }),
        "{err:?}"
    );
}
