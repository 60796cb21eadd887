//! Invitation links: single use (also under a stampede), expiry, forged tokens, never above the
//! inviter's role (when made and when opened), withdrawal, and store scoping.
use std::sync::Arc;

use chrono::Duration;
use domain::kernel::policy::{is_owner, role_in};
use domain::people::invites::{self, NewInvite};
use domain::{Actor, Error, Role, StoreId, UserId};
use sha2::{Digest, Sha256};

use crate::support::{Fixture, one_winner, user};

fn hours(n: i64) -> Duration {
    Duration::hours(n)
}

impl Fixture {
    async fn invite(&self, by: UserId, store: Option<StoreId>, role: Role) -> NewInvite {
        invites::create(&self.ctx, &self.web(by), store, role, hours(48))
            .await
            .unwrap()
    }

    async fn accept(&self, who: UserId, token: &str) -> domain::Result<invites::Accepted> {
        invites::accept(&self.ctx, &self.bot(who), token).await
    }
}

#[tokio::test]
async fn a_link_gives_its_role_once_and_only_its_hash_is_kept() {
    let f = Fixture::new().await;
    let inv = f.invite(f.admin, Some(f.store), Role::Vendor).await;
    assert!(inv.token.len() >= 43);
    let link = domain::kernel::deeplink::DeepLink::Invite(inv.token.clone());
    assert!(link.to_payload().is_ok(), "fits Telegram: {}", inv.token);
    assert!(
        inv.token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    );
    assert!(!format!("{inv:?}").contains(&inv.token), "token in Debug");
    let hash: String = Sha256::digest(inv.token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        f.count("staff_invites", &format!("token_hash = '{hash}'"))
            .await,
        1
    );
    assert_eq!(
        f.count("staff_invites", &format!("token_hash = '{}'", inv.token))
            .await,
        0
    );

    let got = f.accept(f.stranger, &inv.token).await.unwrap();
    assert_eq!(got.role, Role::Vendor);
    assert_eq!(got.store.unwrap().id, f.store.0);
    assert_eq!(
        role_in(&f.ctx.db, f.stranger, f.store).await.unwrap(),
        Some(Role::Vendor)
    );
    let granted = format!(
        "user_id = {} AND store_id = {} AND granted_by = {}",
        f.stranger.0, f.store.0, f.admin.0
    );
    assert_eq!(f.count("staff_roles", &granted).await, 1);

    let newbie = user(&f.ctx, 60, "nina").await;
    let err = f.accept(newbie, &inv.token).await.unwrap_err();
    assert!(matches!(err, Error::InviteUsed), "{err:?}");
    assert_eq!(role_in(&f.ctx.db, newbie, f.store).await.unwrap(), None);
    // The same person opening it again is told the same.
    let err = f.accept(f.stranger, &inv.token).await.unwrap_err();
    assert!(matches!(err, Error::InviteUsed), "{err:?}");

    let used = format!("id = {} AND used_by = {}", inv.id, f.stranger.0);
    assert_eq!(f.count("staff_invites", &used).await, 1);
    assert_eq!(f.count("audit_log", "action = 'invite.create'").await, 1);
    let accepted = format!(
        "action = 'invite.accept' AND channel = 'bot' AND actor_user_id = {}",
        f.stranger.0
    );
    assert_eq!(f.count("audit_log", &accepted).await, 1);
    let event = format!(
        "event_type = 'role_granted' AND payload LIKE '%\"user_id\":{}%'",
        f.stranger.0
    );
    assert_eq!(f.count("outbox_events", &event).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_twenty_people_racing_on_one_link_exactly_one_gets_the_role() {
    let f = Arc::new(Fixture::new().await);
    let inv = f.invite(f.owner, Some(f.store), Role::Admin).await;
    let mut people = Vec::new();
    for i in 0..20 {
        people.push(user(&f.ctx, 1000 + i, &format!("racer{i}")).await);
    }
    let tasks = people.iter().map(|&who| {
        let (f, token) = (f.clone(), inv.token.clone());
        tokio::spawn(async move { f.accept(who, &token).await })
    });
    for e in one_winner(tasks).await {
        assert!(matches!(e, Error::InviteUsed), "{e:?}");
    }
    let ids: Vec<String> = people.iter().map(|p| p.0.to_string()).collect();
    let racers = format!("user_id IN ({})", ids.join(","));
    assert_eq!(f.count("staff_roles", &racers).await, 1);
    assert_eq!(f.count("audit_log", "action = 'invite.accept'").await, 1);
}

#[tokio::test]
async fn expired_forged_and_withdrawn_links_are_refused() {
    let f = Fixture::new().await;
    let short = invites::create(
        &f.ctx,
        &f.web(f.admin),
        Some(f.store),
        Role::Vendor,
        hours(1),
    )
    .await
    .unwrap();
    let later = f.invite(f.admin, Some(f.store), Role::Vendor).await;
    f.clock.advance(hours(1));
    let err = f.accept(f.stranger, &short.token).await.unwrap_err();
    assert!(matches!(err, Error::InviteExpired), "{err:?}");

    let mut forged = later.token.clone();
    forged.replace_range(0..1, if forged.starts_with('A') { "B" } else { "A" });
    let long = "A".repeat(500);
    for bad in [
        forged.as_str(),
        "",
        "   ",
        "x",
        long.as_str(),
        "' OR 1=1 --",
    ] {
        let err = f.accept(f.stranger, bad).await.unwrap_err();
        assert!(matches!(err, Error::InviteInvalid), "{bad:?}: {err:?}");
    }

    invites::revoke(&f.ctx, &f.web(f.admin), f.store, later.id)
        .await
        .unwrap();
    let err = f.accept(f.stranger, &later.token).await.unwrap_err();
    assert!(matches!(err, Error::InviteInvalid), "{err:?}");
    assert_eq!(role_in(&f.ctx.db, f.stranger, f.store).await.unwrap(), None);
    assert_eq!(f.count("staff_invites", "used_at IS NOT NULL").await, 0);
}

#[tokio::test]
async fn nobody_invites_above_their_own_role() {
    let f = Fixture::new().await;
    let make = |by: Actor, store: Option<StoreId>, role: Role, ttl: Duration| {
        let ctx = f.ctx.clone();
        async move { invites::create(&ctx, &by, store, role, ttl).await }
    };
    let cases = [
        (f.web(f.admin), None, Role::Owner, "role too high"),
        (f.web(f.vendor), Some(f.store), Role::Vendor, "forbidden"),
        (
            f.web(f.other_admin),
            Some(f.store),
            Role::Vendor,
            "not found",
        ),
        (f.web(f.customer), Some(f.store), Role::Vendor, "not found"),
        (Actor::operator(), Some(f.store), Role::Vendor, "forbidden"),
        (f.web(f.owner), Some(f.store), Role::Owner, "invalid"),
        (f.web(f.owner), None, Role::Admin, "invalid"),
    ];
    for (actor, store, role, expected) in cases {
        let err = make(actor, store, role, hours(48)).await.unwrap_err();
        let ok = match expected {
            "role too high" => matches!(err, Error::RoleTooHigh { role: Role::Owner }),
            "forbidden" => matches!(err, Error::Forbidden),
            "not found" => matches!(err, Error::NotFound { .. }),
            _ => matches!(err, Error::Invalid { .. }),
        };
        assert!(
            ok,
            "{role:?} in {store:?}: expected {expected}, got {err:?}"
        );
    }
    for ttl in [Duration::seconds(10), hours(invites::MAX_TTL_HOURS + 1)] {
        let err = make(f.web(f.admin), Some(f.store), Role::Vendor, ttl)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Invalid { field: "ttl" }), "{err:?}");
    }
    assert_eq!(f.count("staff_invites", "1 = 1").await, 0);
    // An ADMIN may invite an ADMIN; an OWNER may invite an OWNER, who becomes one.
    f.invite(f.admin, Some(f.store), Role::Admin).await;
    let inv = f.invite(f.owner, None, Role::Owner).await;
    let got = f.accept(f.stranger, &inv.token).await.unwrap();
    assert!(got.store.is_none() && got.role == Role::Owner);
    assert!(is_owner(&f.ctx.db, f.stranger).await.unwrap());
}

#[tokio::test]
async fn an_inviter_who_lost_the_authority_meanwhile_invites_nobody() {
    let f = Fixture::new().await;
    let demoted = f.invite(f.admin, Some(f.store), Role::Admin).await;
    let removed = f
        .invite(f.other_admin, Some(f.other_store), Role::Vendor)
        .await;
    domain::people::staff::change_role(&f.ctx, &f.web(f.owner), f.admin, f.store, Role::Vendor)
        .await
        .unwrap();
    domain::people::staff::revoke(&f.ctx, &f.web(f.owner), f.other_admin, Some(f.other_store))
        .await
        .unwrap();
    for inv in [&demoted, &removed] {
        let err = f.accept(f.stranger, &inv.token).await.unwrap_err();
        assert!(matches!(err, Error::InviteInvalid), "{err:?}");
    }
    assert_eq!(role_in(&f.ctx.db, f.stranger, f.store).await.unwrap(), None);
    assert_eq!(
        role_in(&f.ctx.db, f.stranger, f.other_store).await.unwrap(),
        None
    );
    assert_eq!(f.count("staff_invites", "used_at IS NOT NULL").await, 0);
}

#[tokio::test]
async fn a_link_raises_a_role_but_never_lowers_one() {
    let f = Fixture::new().await;
    let vendor_link = f.invite(f.admin, Some(f.store), Role::Vendor).await;
    for (who, held) in [
        (f.vendor, Role::Vendor),
        (f.admin, Role::Admin),
        (f.owner, Role::Owner),
    ] {
        let err = f.accept(who, &vendor_link.token).await.unwrap_err();
        assert!(
            matches!(err, Error::AlreadyStaff { role } if role == held),
            "{err:?}"
        );
    }
    assert_eq!(
        role_in(&f.ctx.db, f.admin, f.store).await.unwrap(),
        Some(Role::Admin)
    );
    // Still unused: the person it was meant for can take it.
    f.accept(f.stranger, &vendor_link.token).await.unwrap();
    let admin_link = f.invite(f.admin, Some(f.store), Role::Admin).await;
    f.accept(f.vendor, &admin_link.token).await.unwrap();
    assert_eq!(
        role_in(&f.ctx.db, f.vendor, f.store).await.unwrap(),
        Some(Role::Admin)
    );
    let rows = format!("user_id = {} AND store_id = {}", f.vendor.0, f.store.0);
    assert_eq!(f.count("staff_roles", &rows).await, 1, "changed, not added");
}

#[tokio::test]
async fn open_links_are_listed_and_withdrawn_per_store() {
    let f = Fixture::new().await;
    let ours = f.invite(f.admin, Some(f.store), Role::Vendor).await;
    let theirs = f
        .invite(f.other_admin, Some(f.other_store), Role::Vendor)
        .await;
    let owners = f.invite(f.owner, None, Role::Owner).await;
    let used = f.invite(f.admin, Some(f.store), Role::Vendor).await;
    f.accept(f.stranger, &used.token).await.unwrap();

    let ids = |list: Vec<invites::Invite>| list.into_iter().map(|i| i.id).collect::<Vec<_>>();
    let by_admin = invites::list(&f.ctx, &f.web(f.admin), f.store)
        .await
        .unwrap();
    assert_eq!(by_admin[0].created_by.as_ref().unwrap().id, f.admin.0);
    assert_eq!(ids(by_admin), vec![ours.id]);
    let by_owner = invites::list(&f.ctx, &f.web(f.owner), f.store)
        .await
        .unwrap();
    assert_eq!(ids(by_owner), vec![owners.id, ours.id]);
    let err = invites::list(&f.ctx, &f.web(f.vendor), f.store)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    let err = invites::list(&f.ctx, &f.web(f.other_admin), f.store)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");

    // Another store's link, or an OWNER link, seen from a store by its ADMIN: not there.
    for id in [theirs.id, owners.id, 999_999] {
        let err = invites::revoke(&f.ctx, &f.web(f.admin), f.store, id)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{id}: {err:?}");
    }
    let err = invites::revoke(&f.ctx, &f.web(f.other_admin), f.other_store, ours.id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = invites::revoke(&f.ctx, &f.web(f.vendor), f.store, ours.id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    let err = invites::revoke(&f.ctx, &f.web(f.admin), f.store, used.id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InviteUsed), "{err:?}");
    assert_eq!(f.count("staff_invites", "revoked_at IS NOT NULL").await, 0);

    invites::revoke(&f.ctx, &f.web(f.admin), f.store, ours.id)
        .await
        .unwrap();
    invites::revoke(&f.ctx, &f.web(f.owner), f.store, owners.id)
        .await
        .unwrap();
    assert!(
        invites::list(&f.ctx, &f.web(f.owner), f.store)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(f.count("audit_log", "action = 'invite.revoke'").await, 2);
    // Expired links drop off the list too.
    f.invite(f.admin, Some(f.store), Role::Vendor).await;
    f.clock.advance(hours(49));
    assert!(
        invites::list(&f.ctx, &f.web(f.admin), f.store)
            .await
            .unwrap()
            .is_empty()
    );
}
