//! The hourly housekeeping job deletes what can no longer matter and keeps everything else.
use chrono::Duration;
use domain::people::auth::{challenge, sessions};
use domain::{messaging::digest, operations::housekeeping, operations::worker, platform::updates};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::Fixture;

const BROWSER: &str = "browser-secret-0123456789abcdef";

/// One of each row the job may remove, made at the fixture's "now".
async fn one_of_each(f: &Fixture, update_id: i64) {
    challenge::create(&f.ctx, BROWSER, "Firefox", Some("10.0.0.1"))
        .await
        .unwrap();
    sessions::start(&f.ctx, f.admin, "Firefox", None)
        .await
        .unwrap();
    assert!(
        updates::claims::claim(&f.ctx.db, 42, update_id, f.ctx.now())
            .await
            .unwrap()
    );
    let slot = f.ctx.now() - Duration::hours(1);
    assert!(digest::send_once(&f.ctx, f.store, slot).await.unwrap());
}

async fn counts(f: &Fixture) -> [i64; 4] {
    [
        f.count("login_challenges", "1 = 1").await,
        f.count("sessions", "1 = 1").await,
        f.count("processed_updates", "1 = 1").await,
        f.count("jobs", "kind = 'daily_digest_sent'").await,
    ]
}

#[tokio::test]
async fn the_hourly_job_removes_only_what_expired_long_ago() {
    let f = Fixture::new().await;
    one_of_each(&f, 1).await;
    // Older than every retention period (sessions: 30 days past their 30-day expiry).
    f.clock.advance(Duration::days(61));
    one_of_each(&f, 2).await;
    assert_eq!(counts(&f).await, [2, 2, 2, 2]);

    worker::schedule_recurring(&f.ctx).await.unwrap();
    worker::run_due_jobs(&f.ctx, "w1").await.unwrap();

    assert_eq!(counts(&f).await, [1, 1, 1, 1], "only the old ones went");
    assert!(updates::claims::seen(&f.ctx.db, 42, 2).await.unwrap());
    assert!(!updates::claims::seen(&f.ctx.db, 42, 1).await.unwrap());

    // Next run an hour later; before that nothing runs again.
    let job = entity::jobs::Entity::find()
        .filter(entity::jobs::Column::Key.eq(housekeeping::JOB_KEY))
        .one(&f.ctx.db)
        .await
        .unwrap()
        .expect("the recurring job");
    assert_eq!(
        job.due_at,
        f.ctx.now() + Duration::seconds(housekeeping::EVERY_SECS)
    );
}

#[tokio::test]
async fn recent_rows_survive_a_pass() {
    let f = Fixture::new().await;
    one_of_each(&f, 7).await;
    f.clock.advance(Duration::days(6));
    let swept = housekeeping::run(&f.ctx).await.unwrap();
    // The login code expired days ago (kept a day past expiry); the rest is recent.
    assert_eq!(
        swept,
        housekeeping::Swept {
            login_codes: 1,
            sessions: 0,
            updates: 0,
            inbound: 0,
            digest_markers: 0,
        }
    );
    assert_eq!(counts(&f).await, [0, 1, 1, 1]);
}
