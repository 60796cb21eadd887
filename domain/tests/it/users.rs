//! People as Telegram shows them: recorded on first contact, refreshed when their profile
//! changes, and not written at all when it did not (most updates).
use chrono::{Duration, Timelike};
use domain::Error;
use domain::people::users::{self, TelegramProfile};
use testkit::TestDb;

fn profile(username: Option<&str>, first: &str, last: Option<&str>) -> TelegramProfile {
    TelegramProfile {
        telegram_id: 4242,
        username: username.map(str::to_owned),
        first_name: first.to_owned(),
        last_name: last.map(str::to_owned),
        language: Some("uk".to_owned()),
    }
}

#[tokio::test]
async fn a_profile_is_written_on_first_contact_and_on_changes_only() {
    let t = TestDb::new().await;
    let db = &t.db;
    // Whole seconds: every database keeps them exactly.
    let t0 = chrono::Utc::now().with_nanosecond(0).unwrap();
    let first = users::upsert(db, t0, &profile(Some("olena"), "Olena", None))
        .await
        .unwrap();
    assert_eq!(first.language, "uk");
    assert_eq!(first.updated_at, t0);

    // The same profile again: the row as it was, not even `updated_at` moves.
    let t1 = t0 + Duration::minutes(1);
    let same = users::upsert(db, t1, &profile(Some("olena"), "Olena", None))
        .await
        .unwrap();
    assert_eq!(same, first);
    let stored = users::by_telegram_id(db, 4242).await.unwrap().unwrap();
    assert_eq!(stored.updated_at, t0);

    // A new username is written; an empty first name keeps the old one.
    let t2 = t0 + Duration::minutes(2);
    let renamed = users::upsert(db, t2, &profile(Some("olena_k"), "", Some("K")))
        .await
        .unwrap();
    assert_eq!(renamed.id, first.id);
    assert_eq!(renamed.username.as_deref(), Some("olena_k"));
    assert_eq!(renamed.first_name, "Olena");
    assert_eq!(renamed.last_name.as_deref(), Some("K"));
    assert_eq!(renamed.updated_at, t2);
    let stored = users::by_telegram_id(db, 4242).await.unwrap().unwrap();
    assert_eq!(stored, renamed);

    // Dropping the username is a change too.
    let t3 = t0 + Duration::minutes(3);
    let dropped = users::upsert(db, t3, &profile(None, "Olena", Some("K")))
        .await
        .unwrap();
    assert_eq!(dropped.username, None);
    assert_eq!(dropped.updated_at, t3);

    let mut nobody = profile(None, "X", None);
    nobody.telegram_id = 0;
    assert!(matches!(
        users::upsert(db, t3, &nobody).await,
        Err(Error::Invalid { .. })
    ));
}
