//! The People page: staff and roles, invitation links shown once (only their hash kept),
//! changing and taking away roles, and everything a vendor, another store or a forged form tries.
use domain::kernel::policy::{is_owner, role_in};
use domain::people::invites;
use domain::{Actor, Channel, Role, UserId};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::support::*;

const LINK: &str = "https://t.me/vitrina_test_bot?start=invite_";

fn en(key: &str) -> String {
    i18n::t(i18n::Lang::En, key)
}

/// The token in the link on a page, if there is one.
fn token_in(body: &str) -> Option<String> {
    let rest = &body[body.find(LINK)? + LINK.len()..];
    Some(
        rest.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect(),
    )
}

async fn invites_in_db(w: &Web) -> Vec<entity::staff_invites::Model> {
    entity::staff_invites::Entity::find()
        .all(&w.ctx.db)
        .await
        .unwrap()
}

async fn open_invite(w: &Web, by: UserId, store: Option<domain::StoreId>, role: Role) -> i64 {
    let actor = Actor::user(by, Channel::Web);
    invites::create(&w.ctx, &actor, store, role, chrono::Duration::hours(48))
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn an_admin_sees_the_staff_and_gets_a_link_shown_once() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let page = w.get("/people", Some(&anna)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for text in ["@anna", "@victor", &en("role-admin"), &en("role-vendor")] {
        assert!(page.body.contains(text), "{text} missing");
    }
    assert!(!page.body.contains("@otto"), "another store's staff shown");
    assert!(!page.body.contains(&en("web-people-owners")));
    assert!(!page.body.contains(r#"<option value="owner""#));

    let r = w
        .post(
            "/people/invites",
            Some(&anna),
            "role=vendor&ttl_hours=24",
            SAME,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
    assert!(r.body.contains("<svg"), "no QR code");
    let token = token_in(&r.body).expect("a link on the page");
    assert!(token.len() >= 43, "{token}");

    let rows = invites_in_db(&w).await;
    assert_eq!(rows.len(), 1);
    let hash: String = Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(rows[0].token_hash, hash);
    assert_eq!(
        (rows[0].store_id, rows[0].role),
        (Some(w.store.0), Role::Vendor)
    );
    let hours = (rows[0].expires_at - rows[0].created_at).num_hours();
    assert_eq!(hours, 24);

    let again = w.get("/people", Some(&anna)).await;
    assert_eq!(token_in(&again.body), None, "the link is shown only once");
    assert!(!again.body.contains(&token));
    assert_eq!(again.body.matches(r#"<tr class="invite">"#).count(), 1);

    // The link works, once.
    let newbie = testkit::seed::person(&w.ctx, 500, "nina", "en").await;
    invites::accept(&w.ctx, &Actor::user(newbie, Channel::Bot), &token)
        .await
        .unwrap();
    assert_eq!(
        role_in(&w.ctx.db, newbie, w.store).await.unwrap(),
        Some(Role::Vendor)
    );
    let after = w.get("/people", Some(&anna)).await;
    assert!(after.body.contains("@nina") && after.body.contains("@anna"));
    assert_eq!(after.body.matches(r#"<tr class="invite">"#).count(), 0);
}

#[tokio::test]
async fn only_owners_see_owners_and_invite_one() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let r = w
        .post("/people/invites", Some(&anna), "role=owner", SAME)
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(token_in(&r.body), None);
    let r = w
        .post("/people/invites", Some(&anna), "role=boss", SAME)
        .await;
    assert_eq!(r.status, 409);
    let r = w
        .post(
            "/people/invites",
            Some(&anna),
            "role=vendor&ttl_hours=100000",
            SAME,
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(invites_in_db(&w).await.is_empty());

    let olga = w.login(w.owner).await;
    let page = w.get("/people", Some(&olga)).await;
    assert!(page.body.contains(&en("web-people-owners")) && page.body.contains("@olga"));
    assert!(page.body.contains(r#"<option value="owner""#));
    let r = w
        .post("/people/invites", Some(&olga), "role=owner", SAME)
        .await;
    assert_eq!(r.status, 200);
    assert!(token_in(&r.body).is_some());
    let rows = invites_in_db(&w).await;
    assert_eq!((rows[0].store_id, rows[0].role), (None, Role::Owner));
    let hours = (rows[0].expires_at - rows[0].created_at).num_hours();
    assert_eq!(hours, invites::DEFAULT_TTL_HOURS);
}

#[tokio::test]
async fn admins_change_and_take_away_roles_in_their_store() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let victor = w.vendor.0;
    let r = w
        .post(
            &format!("/people/{victor}/role"),
            Some(&anna),
            "role=admin",
            SAME,
        )
        .await;
    assert_eq!((r.status.as_u16(), r.location()), (303, "/people"));
    assert_eq!(
        role_in(&w.ctx.db, w.vendor, w.store).await.unwrap(),
        Some(Role::Admin)
    );
    let r = w
        .post(
            &format!("/people/{victor}/role"),
            Some(&anna),
            "role=owner",
            SAME,
        )
        .await;
    assert_eq!(r.status, 409);
    let olga = w.owner.0;
    let r = w
        .post(
            &format!("/people/{olga}/revoke"),
            Some(&anna),
            "owner=1",
            SAME,
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(is_owner(&w.ctx.db, w.owner).await.unwrap());

    let r = w
        .post(&format!("/people/{victor}/revoke"), Some(&anna), "", SAME)
        .await;
    assert_eq!((r.status.as_u16(), r.location()), (303, "/people"));
    assert_eq!(role_in(&w.ctx.db, w.vendor, w.store).await.unwrap(), None);
    let audit = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::ObjectId.eq(victor.to_string()))
        .filter(entity::audit_log::Column::Channel.eq(Channel::Web))
        .filter(entity::audit_log::Column::Action.is_in(["staff.change", "staff.revoke"]))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(audit, 2);
}

#[tokio::test]
async fn the_last_owner_stays() {
    let w = Web::new().await;
    let olga = w.login(w.owner).await;
    let me = w.owner.0;
    let r = w
        .post(
            &format!("/people/{me}/revoke"),
            Some(&olga),
            "owner=1",
            SAME,
        )
        .await;
    assert_eq!(r.status, 409);
    // The message, as the error page shows it (HTML-escaped).
    let body = r.body.replace("&#x27;", "'").replace("&#39;", "'");
    assert!(body.contains(&en("error-last-owner")), "{}", r.body);
    let r = w
        .post(
            &format!("/people/{me}/role"),
            Some(&olga),
            "role=admin",
            SAME,
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(is_owner(&w.ctx.db, w.owner).await.unwrap());
}

#[tokio::test]
async fn a_removed_admin_is_refused_on_the_next_request() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    assert_eq!(w.get("/people", Some(&anna)).await.status, 200);
    let olga = w.login(w.owner).await;
    let r = w
        .post(
            &format!("/people/{}/revoke", w.admin.0),
            Some(&olga),
            "",
            SAME,
        )
        .await;
    assert_eq!(r.status, 303);
    let next = w.get("/people", Some(&anna)).await;
    assert_eq!((next.status.as_u16(), next.location()), (303, "/login"));
    let post = w
        .post("/people/invites", Some(&anna), "role=vendor", SAME)
        .await;
    assert_ne!(post.status, 200);
    assert!(invites_in_db(&w).await.is_empty());
}

#[tokio::test]
async fn other_stores_people_and_invitations_are_not_found() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let theirs = open_invite(&w, w.other_admin, Some(w.other_store), Role::Vendor).await;
    let owners = open_invite(&w, w.owner, None, Role::Owner).await;
    let (otto, carol) = (w.other_admin.0, w.customer.0);
    for user in [otto, carol, 999_999] {
        for (path, form) in [
            (format!("/people/{user}/role"), "role=vendor"),
            (format!("/people/{user}/revoke"), ""),
        ] {
            let r = w.post(&path, Some(&anna), form, SAME).await;
            assert_eq!(r.status, 404, "{path}");
            assert!(!r.body.contains("@otto") && !r.body.contains("Shop other"));
        }
    }
    for id in [theirs, owners, 999_999] {
        let path = format!("/people/invites/{id}/revoke");
        assert_eq!(
            w.post(&path, Some(&anna), "", SAME).await.status,
            404,
            "{path}"
        );
    }
    assert_eq!(
        role_in(&w.ctx.db, w.other_admin, w.other_store)
            .await
            .unwrap(),
        Some(Role::Admin)
    );
    assert!(
        invites_in_db(&w)
            .await
            .iter()
            .all(|i| i.revoked_at.is_none())
    );
    // Otto's own page shows his store only.
    let otto_page = w.get("/people", Some(&w.login(w.other_admin).await)).await;
    assert_eq!(otto_page.status, 200);
    assert!(otto_page.body.contains("@otto") && !otto_page.body.contains("@victor"));
}

#[tokio::test]
async fn a_vendor_gets_forbidden_on_every_people_route() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let invite = open_invite(&w, w.admin, Some(w.store), Role::Vendor).await;
    let anna = w.admin.0;
    assert_eq!(w.get("/people", Some(&victor)).await.status, 403);
    for (path, form) in [
        ("/people/invites".to_owned(), "role=vendor"),
        (format!("/people/invites/{invite}/revoke"), ""),
        (format!("/people/{anna}/role"), "role=vendor"),
        (format!("/people/{anna}/revoke"), ""),
        (format!("/people/{anna}/revoke"), "owner=1"),
    ] {
        let r = w.post(&path, Some(&victor), form, SAME).await;
        assert_eq!(r.status, 403, "{path} {form}");
    }
    assert_eq!(
        role_in(&w.ctx.db, w.admin, w.store).await.unwrap(),
        Some(Role::Admin)
    );
    let rows = invites_in_db(&w).await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].revoked_at.is_none());
}

#[tokio::test]
async fn cross_site_people_posts_are_refused() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let invite = open_invite(&w, w.admin, Some(w.store), Role::Vendor).await;
    let victor = w.vendor.0;
    for (path, form) in [
        ("/people/invites".to_owned(), "role=vendor"),
        (format!("/people/invites/{invite}/revoke"), ""),
        (format!("/people/{victor}/role"), "role=admin"),
        (format!("/people/{victor}/revoke"), ""),
    ] {
        for origin in [None, Some("http://evil.example"), Some("null")] {
            let r = w.post(&path, Some(&anna), form, origin).await;
            assert_eq!(r.status, 403, "{path} from {origin:?}");
        }
    }
    assert_eq!(invites_in_db(&w).await.len(), 1);
    assert_eq!(
        role_in(&w.ctx.db, w.vendor, w.store).await.unwrap(),
        Some(Role::Vendor)
    );
}

#[tokio::test]
async fn an_admin_withdraws_an_open_invitation() {
    let w = Web::new().await;
    let anna = w.login(w.admin).await;
    let id = open_invite(&w, w.admin, Some(w.store), Role::Vendor).await;
    let r = w
        .post(
            &format!("/people/invites/{id}/revoke"),
            Some(&anna),
            "",
            SAME,
        )
        .await;
    assert_eq!((r.status.as_u16(), r.location()), (303, "/people"));
    assert!(invites_in_db(&w).await[0].revoked_at.is_some());
    let page = w.get("/people", Some(&anna)).await;
    assert!(page.body.contains(&en("web-people-no-invites")));
}
