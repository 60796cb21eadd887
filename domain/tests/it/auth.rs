//! Backoffice login: access tokens that refuse every forgery, refresh sessions that rotate and
//! catch replays, and QR challenges that only staff can approve and only their browser collects.
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use domain::people::auth::challenge::{self, CHALLENGE_TTL_SECS, Poll};
use domain::people::auth::sessions::{self, GRACE_SECS, REFRESH_TTL_DAYS, Refreshed};
use domain::people::auth::tokens::{self, ACCESS_TTL_SECS, AccessClaims, JwtKeys};
use domain::{Actor, Error, UserId};
use futures::future::join_all;
use jsonwebtoken::{Algorithm, EncodingKey, Header};

use crate::support::{Fixture, one_winner};

const SECRET: &[u8] = b"test-secret-of-at-least-32-bytes!!";
const BROWSER: &str = "browser-secret-0123456789abcdef";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

fn keys() -> JwtKeys {
    JwtKeys::new(SECRET)
}

/// Claims as `issue_access` would make them now, for hand-signed variants.
fn good_claims() -> AccessClaims {
    let now = Utc::now().timestamp();
    AccessClaims {
        sub: "7".into(),
        sid: "family".into(),
        iss: "vitrina".into(),
        aud: "vitrina-backoffice".into(),
        exp: now + ACCESS_TTL_SECS,
        nbf: now,
        iat: now,
        typ: "access".into(),
    }
}

fn sign(alg: Algorithm, claims: &impl serde::Serialize, secret: &[u8]) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn b64(json: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(json.to_string())
}

fn assert_unauthorized<T: std::fmt::Debug>(what: &str, r: domain::Result<T>) {
    assert!(
        matches!(r, Err(Error::Unauthorized)),
        "{what}: expected Unauthorized, got {r:?}"
    );
}

#[test]
fn access_token_round_trips() {
    let now = Utc::now();
    let token = tokens::issue_access(&keys(), UserId(7), "fam-1", now).unwrap();
    let claims = tokens::verify_access(&keys(), &token).unwrap();
    assert_eq!(claims.user().unwrap(), UserId(7));
    assert_eq!(claims.sid, "fam-1");
    assert_eq!(
        (claims.iss.as_str(), claims.aud.as_str()),
        ("vitrina", "vitrina-backoffice")
    );
    assert_eq!(claims.typ, "access");
    assert_eq!(claims.iat, now.timestamp());
    assert_eq!(claims.nbf, now.timestamp());
    assert_eq!(claims.exp - claims.iat, ACCESS_TTL_SECS);
    const { assert!(ACCESS_TTL_SECS <= 600) };
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, Algorithm::HS256);
    // The same claims signed by hand verify too: the negatives below differ in one thing.
    let by_hand = sign(Algorithm::HS256, &good_claims(), SECRET);
    assert_eq!(tokens::verify_access(&keys(), &by_hand).unwrap().sub, "7");
}

#[test]
fn forged_or_stale_access_tokens_are_refused() {
    let k = keys();
    let good = good_claims();
    let now = Utc::now();
    let claims_json = serde_json::to_value(&good).unwrap();

    let alg_none = format!(
        "{}.{}.",
        b64(&serde_json::json!({ "alg": "none", "typ": "JWT" })),
        b64(&claims_json)
    );
    let with = |f: &dyn Fn(&mut AccessClaims)| {
        let mut c = good.clone();
        f(&mut c);
        sign(Algorithm::HS256, &c, SECRET)
    };
    let without = |claim: &str| {
        let mut v = claims_json.clone();
        v.as_object_mut().unwrap().remove(claim);
        sign(Algorithm::HS256, &v, SECRET)
    };
    let valid = sign(Algorithm::HS256, &good, SECRET);
    let mut parts: Vec<&str> = valid.split('.').collect();
    let other_payload = b64(&serde_json::json!({ "sub": "1" }));
    let forged_payload = {
        let mut v = claims_json.clone();
        v["sub"] = "1".into();
        b64(&v)
    };
    parts[1] = &forged_payload;
    let tampered = parts.join(".");

    let cases: Vec<(&str, String)> = vec![
        ("alg none", alg_none),
        ("HS384, same key", sign(Algorithm::HS384, &good, SECRET)),
        ("HS512, same key", sign(Algorithm::HS512, &good, SECRET)),
        (
            "wrong key",
            sign(
                Algorithm::HS256,
                &good,
                b"another-secret-of-32-bytes-length!",
            ),
        ),
        (
            "wrong key via issue_access",
            tokens::issue_access(
                &JwtKeys::new(b"some-other-key-0123456789abcdef"),
                UserId(7),
                "f",
                now,
            )
            .unwrap(),
        ),
        ("wrong aud", with(&|c| c.aud = "vitrina-shop".into())),
        ("wrong iss", with(&|c| c.iss = "evil".into())),
        (
            "expired",
            tokens::issue_access(&k, UserId(7), "f", now - Duration::hours(1)).unwrap(),
        ),
        ("expired by hand", with(&|c| c.exp = c.iat - 60)),
        (
            "nbf in the future",
            tokens::issue_access(&k, UserId(7), "f", now + Duration::hours(1)).unwrap(),
        ),
        ("typ refresh", with(&|c| c.typ = "refresh".into())),
        ("sub not a user id", with(&|c| c.sub = "admin".into())),
        ("empty sid", with(&|c| c.sid = String::new())),
        ("no exp", without("exp")),
        ("no nbf", without("nbf")),
        ("no aud", without("aud")),
        ("no iss", without("iss")),
        ("no typ", without("typ")),
        ("tampered payload", tampered),
        ("garbage", "garbage".into()),
        ("three garbage parts", "a.b.c".into()),
        ("empty", String::new()),
        (
            "payload only",
            format!(
                "{}.{other_payload}.",
                b64(&serde_json::json!({ "alg": "HS256" }))
            ),
        ),
        ("huge", "a".repeat(100_000)),
    ];
    for (what, token) in cases {
        assert_unauthorized(what, tokens::verify_access(&k, &token));
    }
}

#[tokio::test]
async fn a_refresh_token_is_no_access_token() {
    let f = Fixture::new().await;
    let s = sessions::start(&f.ctx, f.admin, FIREFOX, Some("10.0.0.1"))
        .await
        .unwrap();
    assert_unauthorized(
        "refresh as access",
        tokens::verify_access(&keys(), &s.refresh),
    );
    // Nor the other way round.
    let access = tokens::issue_access(&keys(), f.admin, &s.family, Utc::now()).unwrap();
    assert_unauthorized(
        "access as refresh",
        sessions::refresh(&f.ctx, &access, None).await,
    );
}

fn rotated(r: Refreshed) -> (String, UserId, String) {
    match r {
        Refreshed::Rotated {
            refresh,
            user,
            family,
        } => (refresh, user, family),
        other => panic!("expected Rotated, got {other:?}"),
    }
}

#[tokio::test]
async fn refresh_rotates_and_a_replay_revokes_the_family() {
    let f = Fixture::new().await;
    let s = sessions::start(&f.ctx, f.admin, FIREFOX, Some("10.0.0.1"))
        .await
        .unwrap();
    assert_eq!(s.user, f.admin);
    assert!(s.refresh.len() >= 43, "at least 256 bits");
    assert!(
        s.refresh
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    );
    let stored = f
        .count("sessions", &format!("refresh_hash = '{}'", s.refresh))
        .await;
    assert_eq!(stored, 0, "only the hash is stored");

    let (next, user, family) = rotated(sessions::refresh(&f.ctx, &s.refresh, None).await.unwrap());
    assert_eq!((user, family.as_str()), (f.admin, s.family.as_str()));
    assert_ne!(next, s.refresh);
    assert!(
        sessions::is_active(&f.ctx, f.admin, &s.family)
            .await
            .unwrap()
    );

    // The old token comes back after the grace window: someone else has a copy.
    f.clock.advance(Duration::seconds(GRACE_SECS + 1));
    assert_unauthorized(
        "replayed",
        sessions::refresh(&f.ctx, &s.refresh, None).await,
    );
    assert_unauthorized(
        "its successor",
        sessions::refresh(&f.ctx, &next, None).await,
    );
    assert!(
        !sessions::is_active(&f.ctx, f.admin, &s.family)
            .await
            .unwrap()
    );
    assert!(sessions::list(&f.ctx, f.admin).await.unwrap().is_empty());
    assert_eq!(f.count("audit_log", "action = 'session.revoke'").await, 1);
}

#[tokio::test]
async fn a_replay_within_grace_is_two_tabs() {
    let f = Fixture::new().await;
    let s = sessions::start(&f.ctx, f.vendor, FIREFOX, None)
        .await
        .unwrap();
    let (next, _, _) = rotated(sessions::refresh(&f.ctx, &s.refresh, None).await.unwrap());
    f.clock.advance(Duration::seconds(GRACE_SECS - 5));
    match sessions::refresh(&f.ctx, &s.refresh, None).await.unwrap() {
        Refreshed::Grace { user, family } => {
            assert_eq!((user, family), (f.vendor, s.family.clone()));
        }
        other => panic!("expected Grace, got {other:?}"),
    }
    assert_eq!(
        f.count("sessions", &format!("family_id = '{}'", s.family))
            .await,
        2,
        "grace issues no new token"
    );
    let (third, _, _) = rotated(sessions::refresh(&f.ctx, &next, None).await.unwrap());
    assert_ne!(third, next);
    assert!(
        sessions::is_active(&f.ctx, f.vendor, &s.family)
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_refreshes_one_rotation() {
    let f = Arc::new(Fixture::new().await);
    let s = sessions::start(&f.ctx, f.admin, FIREFOX, None)
        .await
        .unwrap();
    let tasks = (0..10).map(|_| {
        let f = f.clone();
        let token = s.refresh.clone();
        tokio::spawn(async move { sessions::refresh(&f.ctx, &token, Some("10.0.0.2")).await })
    });
    let results: Vec<_> = join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let rotations = results
        .iter()
        .filter(|r| matches!(r, Ok(Refreshed::Rotated { .. })))
        .count();
    let graces = results
        .iter()
        .filter(|r| matches!(r, Ok(Refreshed::Grace { .. })))
        .count();
    assert_eq!((rotations, graces), (1, 9), "{results:?}");
    assert_eq!(
        f.count("sessions", &format!("family_id = '{}'", s.family))
            .await,
        2
    );
    assert!(
        sessions::is_active(&f.ctx, f.admin, &s.family)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn refresh_tokens_expire_unless_used() {
    let f = Fixture::new().await;
    let s = sessions::start(&f.ctx, f.admin, FIREFOX, None)
        .await
        .unwrap();
    // Each rotation starts the period again.
    f.clock.advance(Duration::days(REFRESH_TTL_DAYS - 1));
    let (next, _, _) = rotated(sessions::refresh(&f.ctx, &s.refresh, None).await.unwrap());
    f.clock.advance(Duration::days(REFRESH_TTL_DAYS - 1));
    assert!(
        sessions::is_active(&f.ctx, f.admin, &s.family)
            .await
            .unwrap()
    );
    f.clock.advance(Duration::days(1) + Duration::seconds(1));
    assert_unauthorized("expired", sessions::refresh(&f.ctx, &next, None).await);
    assert!(
        !sessions::is_active(&f.ctx, f.admin, &s.family)
            .await
            .unwrap()
    );
    assert!(sessions::list(&f.ctx, f.admin).await.unwrap().is_empty());

    // Long expired rows can be purged.
    f.clock.advance(Duration::days(REFRESH_TTL_DAYS));
    assert_eq!(sessions::purge(&f.ctx).await.unwrap(), 2);
}

#[tokio::test]
async fn unknown_refresh_tokens_are_refused() {
    let f = Fixture::new().await;
    for token in [
        "",
        "nope",
        &"x".repeat(10_000),
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        assert_unauthorized(token, sessions::refresh(&f.ctx, token, None).await);
    }
}

#[tokio::test]
async fn listing_touching_and_revoking_sessions() {
    let f = Fixture::new().await;
    let a = sessions::start(&f.ctx, f.admin, "Laptop Firefox", Some("10.0.0.1"))
        .await
        .unwrap();
    f.clock.advance(Duration::minutes(1));
    let b = sessions::start(&f.ctx, f.admin, "Phone Safari", None)
        .await
        .unwrap();
    f.clock.advance(Duration::minutes(1));
    let c = sessions::start(&f.ctx, f.admin, "Office Chrome", Some("10.0.0.3"))
        .await
        .unwrap();
    let theirs = sessions::start(&f.ctx, f.owner, "Owner's", None)
        .await
        .unwrap();

    // Rotating a few times still shows one entry per family.
    f.clock.advance(Duration::minutes(1));
    let (a2, _, _) = rotated(
        sessions::refresh(&f.ctx, &a.refresh, Some("10.0.0.9"))
            .await
            .unwrap(),
    );
    rotated(sessions::refresh(&f.ctx, &a2, None).await.unwrap());
    f.clock.advance(Duration::minutes(5));
    sessions::touch(&f.ctx, &b.family).await.unwrap();

    let list = sessions::list(&f.ctx, f.admin).await.unwrap();
    let families: Vec<&str> = list.iter().map(|v| v.family.as_str()).collect();
    assert_eq!(
        families,
        [c.family.as_str(), b.family.as_str(), a.family.as_str()]
    );
    let view_a = &list[2];
    assert_eq!(view_a.device, "Laptop Firefox");
    assert_eq!(view_a.ip.as_deref(), Some("10.0.0.9"));
    assert_eq!(view_a.created_at, list[0].created_at - Duration::minutes(2));
    assert_eq!(list[1].last_seen_at, f.ctx.now());
    assert_eq!(list[1].ip, None);

    // Someone else's session is not theirs to end.
    let err = sessions::revoke(&f.ctx, f.admin, &theirs.family)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound { what: "session" }),
        "{err:?}"
    );
    assert!(
        sessions::is_active(&f.ctx, f.owner, &theirs.family)
            .await
            .unwrap()
    );
    assert!(
        !sessions::is_active(&f.ctx, f.admin, &theirs.family)
            .await
            .unwrap()
    );

    sessions::revoke(&f.ctx, f.admin, &b.family).await.unwrap();
    assert!(
        !sessions::is_active(&f.ctx, f.admin, &b.family)
            .await
            .unwrap()
    );
    assert_unauthorized("revoked", sessions::refresh(&f.ctx, &b.refresh, None).await);
    assert_eq!(sessions::list(&f.ctx, f.admin).await.unwrap().len(), 2);

    assert_eq!(
        sessions::revoke_others(&f.ctx, f.admin, &c.family)
            .await
            .unwrap(),
        1
    );
    let left: Vec<String> = sessions::list(&f.ctx, f.admin)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.family)
        .collect();
    assert_eq!(left, std::slice::from_ref(&c.family));
    assert!(
        !sessions::is_active(&f.ctx, f.admin, &a.family)
            .await
            .unwrap()
    );

    assert_eq!(sessions::revoke_all_of(&f.ctx, f.admin).await.unwrap(), 1);
    assert!(sessions::list(&f.ctx, f.admin).await.unwrap().is_empty());
    assert!(
        !sessions::is_active(&f.ctx, f.admin, &c.family)
            .await
            .unwrap()
    );
    assert_eq!(sessions::revoke_all_of(&f.ctx, f.admin).await.unwrap(), 0);

    // The owner's session never noticed.
    assert!(
        sessions::is_active(&f.ctx, f.owner, &theirs.family)
            .await
            .unwrap()
    );
    assert_eq!(f.count("audit_log", "action = 'session.revoke'").await, 3);
}

#[tokio::test]
async fn losing_every_role_ends_the_session() {
    let f = Fixture::new().await;
    let s = sessions::start(&f.ctx, f.vendor, FIREFOX, None)
        .await
        .unwrap();
    assert!(
        sessions::is_active(&f.ctx, f.vendor, &s.family)
            .await
            .unwrap()
    );
    domain::people::staff::revoke(&f.ctx, &Actor::operator(), f.vendor, Some(f.store))
        .await
        .unwrap();
    assert!(
        !sessions::is_active(&f.ctx, f.vendor, &s.family)
            .await
            .unwrap()
    );

    let c = sessions::start(&f.ctx, f.customer, FIREFOX, None)
        .await
        .unwrap();
    assert!(
        !sessions::is_active(&f.ctx, f.customer, &c.family)
            .await
            .unwrap()
    );
    let o = sessions::start(&f.ctx, f.owner, FIREFOX, None)
        .await
        .unwrap();
    assert!(
        sessions::is_active(&f.ctx, f.owner, &o.family)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn challenge_tokens_fit_a_telegram_start_payload() {
    let f = Fixture::new().await;
    let a = challenge::create(&f.ctx, BROWSER, FIREFOX, Some("10.0.0.1"))
        .await
        .unwrap();
    let b = challenge::create(&f.ctx, BROWSER, FIREFOX, Some("10.0.0.1"))
        .await
        .unwrap();
    for c in [&a, &b] {
        assert!(c.token.len() >= 22, "at least 128 bits: {}", c.token);
        let link = domain::kernel::deeplink::DeepLink::Login(c.token.clone());
        assert!(link.to_payload().is_ok(), "fits Telegram: {}", c.token);
        assert!(
            c.token
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'),
            "{}",
            c.token
        );
        assert_eq!(
            c.expires_at,
            f.ctx.now() + Duration::seconds(CHALLENGE_TTL_SECS)
        );
    }
    assert_ne!(a.token, b.token);
    assert_ne!(a.id, b.id);
    let plain = format!("token_hash = '{}' OR browser_hash = '{BROWSER}'", a.token);
    assert_eq!(
        f.count("login_challenges", &plain).await,
        0,
        "only hashes are stored"
    );

    let err = challenge::create(&f.ctx, "short", FIREFOX, None)
        .await
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "browser_secret"
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn staff_approval_is_collected_once_by_its_browser() {
    let f = Fixture::new().await;
    let c = challenge::create(&f.ctx, BROWSER, FIREFOX, Some("10.0.0.1"))
        .await
        .unwrap();
    let card = challenge::describe(&f.ctx, &c.token).await.unwrap();
    assert_eq!(
        card,
        challenge::PendingLogin {
            browser: "Firefox".into(),
            os: "Linux".into(),
            ip: Some("10.0.0.1".into()),
            created_at: f.ctx.now(),
        }
    );
    assert_eq!(
        challenge::poll(&f.ctx, c.id, BROWSER).await.unwrap(),
        Poll::Pending
    );

    challenge::decide(&f.ctx, &f.bot(f.admin), &c.token, true)
        .await
        .unwrap();
    let gone = challenge::describe(&f.ctx, &c.token).await.unwrap_err();
    assert!(matches!(gone, Error::NotFound { what: "link" }), "{gone:?}");

    let other = challenge::poll(&f.ctx, c.id, "another-browser-secret-0123456").await;
    assert!(matches!(other, Err(Error::NotFound { .. })), "{other:?}");
    assert_eq!(
        challenge::poll(&f.ctx, c.id, BROWSER).await.unwrap(),
        Poll::Approved(f.admin)
    );
    let again = challenge::poll(&f.ctx, c.id, BROWSER).await;
    assert!(matches!(again, Err(Error::NotFound { .. })), "{again:?}");
    let unknown = challenge::poll(&f.ctx, c.id + 1000, BROWSER).await;
    assert!(
        matches!(unknown, Err(Error::NotFound { .. })),
        "{unknown:?}"
    );
    assert_eq!(
        f.count("audit_log", "action = 'session.login_approve'")
            .await,
        1
    );
}

#[tokio::test]
async fn anyone_who_opened_it_may_deny() {
    let f = Fixture::new().await;
    let c = challenge::create(&f.ctx, BROWSER, FIREFOX, None)
        .await
        .unwrap();
    challenge::decide(&f.ctx, &f.bot(f.stranger), &c.token, false)
        .await
        .unwrap();
    assert_eq!(
        challenge::poll(&f.ctx, c.id, BROWSER).await.unwrap(),
        Poll::Denied
    );
    assert_eq!(
        challenge::poll(&f.ctx, c.id, BROWSER).await.unwrap(),
        Poll::Denied
    );
    let err = challenge::describe(&f.ctx, &c.token).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "link" }), "{err:?}");
}

#[tokio::test]
async fn only_staff_may_approve() {
    let f = Fixture::new().await;
    let c = challenge::create(&f.ctx, BROWSER, FIREFOX, None)
        .await
        .unwrap();
    for who in [f.customer, f.stranger] {
        let err = challenge::decide(&f.ctx, &f.bot(who), &c.token, true)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden), "{err:?}");
    }
    let err = challenge::decide(&f.ctx, &Actor::operator(), &c.token, true)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    assert_eq!(
        challenge::poll(&f.ctx, c.id, BROWSER).await.unwrap(),
        Poll::Pending
    );
    challenge::describe(&f.ctx, &c.token).await.unwrap();

    challenge::decide(&f.ctx, &f.bot(f.vendor), &c.token, true)
        .await
        .unwrap();
    assert_eq!(
        challenge::poll(&f.ctx, c.id, BROWSER).await.unwrap(),
        Poll::Approved(f.vendor)
    );
}

#[tokio::test]
async fn a_challenge_expires_after_three_minutes() {
    let f = Fixture::new().await;
    let c = challenge::create(&f.ctx, BROWSER, FIREFOX, None)
        .await
        .unwrap();
    f.clock.advance(Duration::seconds(CHALLENGE_TTL_SECS - 1));
    challenge::describe(&f.ctx, &c.token).await.unwrap();
    f.clock.advance(Duration::seconds(2));
    let err = challenge::describe(&f.ctx, &c.token).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "link" }), "{err:?}");
    assert_eq!(
        challenge::poll(&f.ctx, c.id, BROWSER).await.unwrap(),
        Poll::Expired
    );
    let err = challenge::decide(&f.ctx, &f.bot(f.owner), &c.token, true)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "link" }), "{err:?}");
    assert_eq!(
        challenge::poll(&f.ctx, c.id, BROWSER).await.unwrap(),
        Poll::Expired
    );

    f.clock.advance(Duration::days(2));
    assert_eq!(challenge::purge(&f.ctx).await.unwrap(), 1);
}

#[tokio::test]
async fn one_decision_only() {
    let f = Fixture::new().await;
    let c = challenge::create(&f.ctx, BROWSER, FIREFOX, None)
        .await
        .unwrap();
    challenge::decide(&f.ctx, &f.bot(f.admin), &c.token, true)
        .await
        .unwrap();
    for (who, approve) in [(f.owner, false), (f.owner, true), (f.admin, true)] {
        let err = challenge::decide(&f.ctx, &f.bot(who), &c.token, approve)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { what: "link" }), "{err:?}");
    }
    let err = challenge::decide(&f.ctx, &f.bot(f.admin), "not-a-token", true)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "link" }), "{err:?}");
    assert_eq!(
        challenge::poll(&f.ctx, c.id, BROWSER).await.unwrap(),
        Poll::Approved(f.admin)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_deciders_one_decision() {
    let f = Arc::new(Fixture::new().await);
    let c = challenge::create(&f.ctx, BROWSER, FIREFOX, None)
        .await
        .unwrap();
    let tasks = [f.owner, f.admin, f.vendor, f.other_admin, f.owner, f.admin]
        .into_iter()
        .enumerate()
        .map(|(i, who)| {
            let f = f.clone();
            let token = c.token.clone();
            tokio::spawn(
                async move { challenge::decide(&f.ctx, &f.bot(who), &token, i % 3 != 0).await },
            )
        });
    for e in one_winner(tasks).await {
        assert!(matches!(e, Error::NotFound { what: "link" }), "{e:?}");
    }
    let decided = f
        .count("login_challenges", "status IN ('approved', 'denied')")
        .await;
    assert_eq!(decided, 1);
}

#[tokio::test]
async fn live_roles_last_only_while_the_session_and_a_role_do() {
    use domain::{Role, kernel::policy::Roles};
    let f = Fixture::new().await;
    let anna = sessions::start(&f.ctx, f.admin, FIREFOX, None)
        .await
        .unwrap();
    let roles = sessions::live_roles(&f.ctx, f.admin, &anna.family)
        .await
        .unwrap();
    assert_eq!(roles.in_store(f.store), Some(Role::Admin));
    assert_eq!(roles.in_store(f.other_store), None);
    // Someone else's family is not this user's session.
    assert_eq!(
        sessions::live_roles(&f.ctx, f.vendor, &anna.family)
            .await
            .unwrap(),
        Roles::default()
    );
    // A rotation keeps the family live.
    sessions::refresh(&f.ctx, &anna.refresh, None)
        .await
        .unwrap();
    assert!(
        !sessions::live_roles(&f.ctx, f.admin, &anna.family)
            .await
            .unwrap()
            .is_empty()
    );

    // Revoked: nothing.
    sessions::revoke(&f.ctx, f.admin, &anna.family)
        .await
        .unwrap();
    assert!(
        sessions::live_roles(&f.ctx, f.admin, &anna.family)
            .await
            .unwrap()
            .is_empty()
    );

    // The role taken away: nothing, though the session stands.
    let victor = sessions::start(&f.ctx, f.vendor, FIREFOX, None)
        .await
        .unwrap();
    assert_eq!(
        sessions::live_roles(&f.ctx, f.vendor, &victor.family)
            .await
            .unwrap()
            .in_store(f.store),
        Some(Role::Vendor)
    );
    domain::people::staff::revoke(&f.ctx, &Actor::operator(), f.vendor, Some(f.store))
        .await
        .unwrap();
    assert!(
        sessions::live_roles(&f.ctx, f.vendor, &victor.family)
            .await
            .unwrap()
            .is_empty()
    );

    // Expired: nothing. The platform OWNER holds OWNER in every store until then.
    let olga = sessions::start(&f.ctx, f.owner, FIREFOX, None)
        .await
        .unwrap();
    let roles = sessions::live_roles(&f.ctx, f.owner, &olga.family)
        .await
        .unwrap();
    assert_eq!(roles.in_store(f.other_store), Some(Role::Owner));
    f.clock
        .advance(Duration::days(REFRESH_TTL_DAYS) + Duration::seconds(1));
    assert!(
        sessions::live_roles(&f.ctx, f.owner, &olga.family)
            .await
            .unwrap()
            .is_empty()
    );
}
