//! The daily digest job: at the configured hour, the same hour each day, once per store and
//! day whatever races or crashes.
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use domain::Error;
use domain::messaging::digest;
use domain::operations::worker::{self, Options};

use crate::digest::{advance_to, at, digests, due, schedule};
use crate::support::{Fixture, one_winner};

#[test]
fn slots_are_the_configured_hour_today_or_yesterday() {
    assert_eq!(digest::latest_slot(at(21, 12, 0), 9), at(21, 9, 0));
    assert_eq!(digest::latest_slot(at(21, 8, 59), 9), at(20, 9, 0));
    assert_eq!(digest::latest_slot(at(21, 9, 0), 9), at(21, 9, 0));
    assert_eq!(digest::next_slot(at(21, 9, 0), 9), at(22, 9, 0));
    assert_eq!(digest::next_slot(at(21, 23, 59), 0), at(22, 0, 0));
    let december = Utc.with_ymd_and_hms(2026, 12, 1, 23, 0, 0).unwrap();
    assert_eq!(digest::next_slot(at(30, 23, 30), 23), december);
}

#[tokio::test]
async fn the_digest_goes_out_at_the_configured_hour_then_the_same_hour_each_day() {
    let f = Fixture::new().await;
    schedule(&f, 9).await;
    assert_eq!(due(&f).await, at(22, 9, 0));
    advance_to(&f, at(22, 8, 59));
    worker::run_due_jobs(&f.ctx, "w1").await.unwrap();
    assert_eq!(digests(&f, None).await, 0, "not before the hour");
    advance_to(&f, at(22, 9, 0));
    worker::run_due_jobs(&f.ctx, "w1").await.unwrap();
    assert_eq!(digests(&f, Some(f.store)).await, 1);
    assert_eq!(digests(&f, Some(f.other_store)).await, 1);
    assert_eq!(due(&f).await, at(23, 9, 0), "the same hour tomorrow");
    advance_to(&f, at(22, 23, 0));
    worker::run_due_jobs(&f.ctx, "w1").await.unwrap();
    assert_eq!(digests(&f, None).await, 2, "once a day");
    // A late run (the worker was down) neither shifts the hour nor sends a second one.
    advance_to(&f, at(23, 9, 47));
    worker::run_due_jobs(&f.ctx, "w1").await.unwrap();
    assert_eq!(digests(&f, None).await, 4);
    assert_eq!(due(&f).await, at(24, 9, 0));
    f.clock.advance(Duration::minutes(1));
    worker::run_due_jobs(&f.ctx, "w1").await.unwrap();
    assert_eq!(digests(&f, None).await, 4);
}

#[tokio::test]
async fn a_changed_hour_moves_the_job_and_a_bad_one_is_refused() {
    let f = Fixture::new().await;
    worker::schedule_recurring(&f.ctx).await.unwrap();
    assert_eq!(due(&f).await, at(22, 8, 0), "8:00 UTC unless configured");
    schedule(&f, 20).await;
    assert_eq!(due(&f).await, at(21, 20, 0));
    // A restart with the same hour leaves the job where it is.
    advance_to(&f, at(21, 20, 0));
    worker::run_due_jobs(&f.ctx, "w1").await.unwrap();
    schedule(&f, 20).await;
    assert_eq!(due(&f).await, at(22, 20, 0));
    let refused = worker::schedule_recurring_with(&f.ctx, Options { digest_hour: 24 }).await;
    assert!(
        matches!(
            refused,
            Err(Error::Invalid {
                field: "digest_hour"
            })
        ),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_workers_send_one_digest_per_store() {
    let f = Arc::new(Fixture::new().await);
    schedule(&f, 9).await;
    advance_to(&f, at(22, 9, 0));
    let workers = (0..4).map(|i| {
        let f = f.clone();
        tokio::spawn(async move { worker::run_due_jobs(&f.ctx, &format!("w{i}")).await })
    });
    let ran: usize = futures::future::join_all(workers)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap())
        .sum();
    assert_eq!(
        ran, 3,
        "the digest, the expiry and the housekeeping, each run by one worker"
    );
    assert_eq!(digests(&f, Some(f.store)).await, 1);
    assert_eq!(digests(&f, Some(f.other_store)).await, 1);
    // Even without the job's lease, one store's digest for one slot is written once.
    let slot = at(23, 9, 0);
    let writers = (0..8).map(|_| {
        let f = f.clone();
        tokio::spawn(async move {
            match digest::send_once(&f.ctx, f.store, slot).await? {
                true => Ok(()),
                false => Err(Error::Conflict),
            }
        })
    });
    for e in one_winner(writers).await {
        assert!(matches!(e, Error::Conflict), "{e:?}");
    }
    assert_eq!(digests(&f, Some(f.store)).await, 2);
}

#[tokio::test]
async fn a_crash_before_the_job_completes_sends_nothing_twice() {
    let f = Fixture::new().await;
    schedule(&f, 9).await;
    advance_to(&f, at(22, 9, 0));
    // A run that died after the first store's digest.
    assert!(
        digest::send_once(&f.ctx, f.store, at(22, 9, 0))
            .await
            .unwrap()
    );
    worker::run_due_jobs(&f.ctx, "w1").await.unwrap();
    assert_eq!(digests(&f, Some(f.store)).await, 1);
    assert_eq!(digests(&f, Some(f.other_store)).await, 1);

    // Tomorrow, a run that wrote every digest and died before `jobs::complete`.
    advance_to(&f, at(23, 9, 0));
    let lease = Duration::minutes(5);
    let job = domain::platform::jobs::claim_due(
        &f.ctx.db,
        &[worker::DAILY_DIGEST],
        "dead",
        f.ctx.now(),
        lease,
    )
    .await
    .unwrap()
    .unwrap();
    digest::run(&f.ctx, &job).await.unwrap();
    assert_eq!(digests(&f, None).await, 4);
    f.clock.advance(Duration::minutes(4));
    worker::run_due_jobs(&f.ctx, "w2").await.unwrap();
    assert_eq!(
        due(&f).await,
        at(23, 9, 0),
        "still leased to the dead worker"
    );
    f.clock.advance(Duration::minutes(2));
    worker::run_due_jobs(&f.ctx, "w2").await.unwrap();
    assert_eq!(digests(&f, None).await, 4, "taken over, nothing sent again");
    assert_eq!(due(&f).await, at(24, 9, 0));
}
