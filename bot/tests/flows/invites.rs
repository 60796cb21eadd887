//! Staff invitations opened in Telegram: the first person gets the role, everyone after is
//! refused, and expired or forged links give nothing.
use std::sync::Arc;

use chrono::{Duration, Utc};
use domain::kernel::clock::ManualClock;
use domain::kernel::policy::role_in;
use domain::people::invites::{self, NewInvite};
use domain::platform::events::bus::InProcessBus;
use domain::{Actor, Channel, Ctx, Role};
use i18n::ArgValue;

use crate::support::*;

/// An invitation to `role` in the demo store, made by its ADMIN, working for `ttl` from `at`.
async fn invite(w: &World, role: Role, at: chrono::DateTime<Utc>, ttl: Duration) -> NewInvite {
    let anna = w.known(ADMIN, "anna", "en").await;
    let ctx = Ctx::new(
        w.ctx.db.clone(),
        Arc::new(InProcessBus::new(16)),
        Arc::new(ManualClock::new(at)),
    );
    invites::create(
        &ctx,
        &Actor::user(anna, Channel::Web),
        Some(w.store),
        role,
        ttl,
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_person_to_open_a_link_gets_the_role_and_the_next_is_refused() {
    let w = World::new().await;
    let link = invite(&w, Role::Vendor, Utc::now(), Duration::hours(48)).await;
    let mut bot = w.mock(text(
        CUSTOMER,
        "uk",
        &format!("/start invite_{}", link.token),
    ));
    w.run(&mut bot).await;
    let expected = t_args(
        "uk",
        "bot-invite-accepted",
        &[
            ("role", ArgValue::from("vendor")),
            ("store", ArgValue::from("Demo Shop")),
        ],
    );
    assert_eq!(sent(&bot), vec![expected]);
    let carol = w.known(CUSTOMER, "carol", "uk").await;
    assert_eq!(
        role_in(&w.ctx.db, carol, w.store).await.unwrap(),
        Some(Role::Vendor)
    );

    bot.update(text(
        STRANGER,
        "en",
        &format!("/start invite_{}", link.token),
    ));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("en", "error-invite-used")]);
    let sam = w.known(STRANGER, "sam", "en").await;
    assert_eq!(role_in(&w.ctx.db, sam, w.store).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_link_gives_nothing() {
    let w = World::new().await;
    let made = Utc::now() - Duration::days(3);
    let link = invite(&w, Role::Admin, made, Duration::hours(48)).await;
    let mut bot = w.mock(text(
        STRANGER,
        "en",
        &format!("/start invite_{}", link.token),
    ));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("en", "error-invite-expired")]);
    let sam = w.known(STRANGER, "sam", "en").await;
    assert_eq!(role_in(&w.ctx.db, sam, w.store).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_link_gives_nothing() {
    let w = World::new().await;
    let link = invite(&w, Role::Admin, Utc::now(), Duration::hours(48)).await;
    let mut forged = link.token.clone();
    forged.pop();
    forged.push(if link.token.ends_with('A') { 'B' } else { 'A' });
    let mut bot = w.mock(text(STRANGER, "ru", &format!("/start invite_{forged}")));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("ru", "error-invite-invalid")]);
    bot.update(text(STRANGER, "ru", "/start invite_"));
    w.run(&mut bot).await;
    assert_eq!(sent(&bot), vec![t("ru", "error-invite-invalid")]);
    let sam = w.known(STRANGER, "sam", "ru").await;
    assert_eq!(role_in(&w.ctx.db, sam, w.store).await.unwrap(), None);
}
