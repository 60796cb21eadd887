//! Changing a member's role: never to or from a role above your own, never yourself upward,
//! store-scoped, and the last OWNER stays (also when two OWNERs demote each other at once).
use std::sync::Arc;

use domain::kernel::policy::{is_owner, role_in};
use domain::people::staff::{change_role, grant};
use domain::{Actor, Error, Role};

use crate::support::{Fixture, one_winner, user};

#[tokio::test]
async fn admins_move_people_between_admin_and_vendor_of_their_store() {
    let f = Fixture::new().await;
    let anna = f.web(f.admin);
    change_role(&f.ctx, &anna, f.vendor, f.store, Role::Admin)
        .await
        .unwrap();
    assert_eq!(
        role_in(&f.ctx.db, f.vendor, f.store).await.unwrap(),
        Some(Role::Admin)
    );
    change_role(&f.ctx, &anna, f.vendor, f.store, Role::Vendor)
        .await
        .unwrap();
    // Asking for the role they have changes (and records) nothing.
    change_role(&f.ctx, &anna, f.vendor, f.store, Role::Vendor)
        .await
        .unwrap();
    let changes = format!(
        "action = 'staff.change' AND object_id = '{}' AND actor_user_id = {}",
        f.vendor.0, f.admin.0
    );
    assert_eq!(f.count("audit_log", &changes).await, 2);
    let granted_by = format!(
        "user_id = {} AND role = 'vendor' AND granted_by = {}",
        f.vendor.0, f.admin.0
    );
    assert_eq!(f.count("staff_roles", &granted_by).await, 1);
    let events = format!(
        "event_type = 'role_granted' AND payload LIKE '%\"user_id\":{}%'",
        f.vendor.0
    );
    // One from the fixture's grant, two from the changes.
    assert_eq!(f.count("outbox_events", &events).await, 3);
}

#[tokio::test]
async fn nobody_changes_a_role_above_their_own_or_outside_their_store() {
    let f = Fixture::new().await;
    let cases = [
        (f.web(f.admin), f.vendor, f.store, Role::Owner, "too high"),
        (f.web(f.admin), f.owner, f.store, Role::Vendor, "too high"),
        (f.web(f.admin), f.admin, f.store, Role::Owner, "too high"),
        (f.web(f.vendor), f.vendor, f.store, Role::Admin, "forbidden"),
        (f.web(f.vendor), f.admin, f.store, Role::Vendor, "forbidden"),
        (
            f.web(f.other_admin),
            f.vendor,
            f.store,
            Role::Admin,
            "not found",
        ),
        (
            f.web(f.other_admin),
            f.vendor,
            f.other_store,
            Role::Admin,
            "not found",
        ),
        (
            f.web(f.admin),
            f.customer,
            f.store,
            Role::Vendor,
            "not found",
        ),
        (
            f.web(f.customer),
            f.vendor,
            f.store,
            Role::Admin,
            "not found",
        ),
    ];
    for (actor, target, store, to, expected) in cases {
        let err = change_role(&f.ctx, &actor, target, store, to)
            .await
            .unwrap_err();
        let ok = match expected {
            "too high" => matches!(err, Error::RoleTooHigh { .. }),
            "forbidden" => matches!(err, Error::Forbidden),
            _ => matches!(err, Error::NotFound { .. }),
        };
        assert!(ok, "{target:?} to {to:?}: expected {expected}, got {err:?}");
    }
    assert_eq!(
        role_in(&f.ctx.db, f.vendor, f.store).await.unwrap(),
        Some(Role::Vendor)
    );
    assert_eq!(f.count("audit_log", "action = 'staff.change'").await, 0);
}

#[tokio::test]
async fn owners_promote_to_owner_and_demote_owners_but_the_last_one_stays() {
    let f = Fixture::new().await;
    let olga = f.web(f.owner);
    let err = change_role(&f.ctx, &olga, f.owner, f.store, Role::Admin)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::LastOwner), "{err:?}");
    assert!(is_owner(&f.ctx.db, f.owner).await.unwrap());

    change_role(&f.ctx, &olga, f.admin, f.store, Role::Owner)
        .await
        .unwrap();
    assert!(is_owner(&f.ctx.db, f.admin).await.unwrap());
    let store_rows = format!("user_id = {} AND store_id IS NOT NULL", f.admin.0);
    assert_eq!(f.count("staff_roles", &store_rows).await, 0, "replaced");

    // Now two owners: Olga may step down to ADMIN of the store.
    change_role(&f.ctx, &olga, f.owner, f.store, Role::Admin)
        .await
        .unwrap();
    assert!(!is_owner(&f.ctx.db, f.owner).await.unwrap());
    assert_eq!(
        role_in(&f.ctx.db, f.owner, f.store).await.unwrap(),
        Some(Role::Admin)
    );
    let revoked = format!(
        "event_type = 'role_revoked' AND payload LIKE '%\"user_id\":{}%'",
        f.owner.0
    );
    assert_eq!(f.count("outbox_events", &revoked).await, 1);
    // And can't climb back by herself.
    let err = change_role(&f.ctx, &olga, f.owner, f.store, Role::Owner)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RoleTooHigh { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let f = Arc::new(Fixture::new().await);
    let second = user(&f.ctx, 70, "oksana").await;
    grant(&f.ctx, &Actor::operator(), second, Role::Owner, None)
        .await
        .unwrap();
    let pairs = [(f.owner, second), (second, f.owner)];
    let tasks = pairs.map(|(by, target)| {
        let f = f.clone();
        tokio::spawn(
            async move { change_role(&f.ctx, &f.web(by), target, f.store, Role::Vendor).await },
        )
    });
    for e in one_winner(tasks).await {
        // The loser is no OWNER any more (a VENDOR now, who grants nothing).
        assert!(
            matches!(
                e,
                Error::Forbidden | Error::RoleTooHigh { .. } | Error::LastOwner
            ),
            "{e:?}"
        );
    }
    assert_eq!(
        f.count("staff_roles", "store_id IS NULL AND role = 'owner'")
            .await,
        1
    );
}
