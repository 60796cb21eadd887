//! The background worker: relays the outbox and runs due jobs. Safe to run in every instance:
//! the relay and each job are claimed under leases in the database.
use std::time::Duration;

use chrono::Duration as ChronoDuration;
use tokio::sync::watch;

use crate::kernel::error::Result;
use crate::platform::jobs::JobKind;
use crate::{Ctx, messaging::digest, operations::housekeeping, ordering::orders, platform::jobs};

pub const EXPIRE_UNPAID: JobKind = JobKind::ExpireUnpaid;
const EXPIRE_UNPAID_KEY: &str = "recurring:expire_unpaid";
const EXPIRE_EVERY_SECS: i64 = 60;
pub const DAILY_DIGEST: JobKind = digest::JOB_KIND;
/// When a failed run is tried again.
const RETRY_SECS: i64 = 60;

/// What the deployment configures about the recurring jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The hour (0–23, UTC) the daily digest goes out.
    pub digest_hour: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            digest_hour: digest::DEFAULT_HOUR,
        }
    }
}

/// Makes sure the recurring jobs exist, with the default options.
pub async fn schedule_recurring(ctx: &Ctx) -> Result<()> {
    schedule_recurring_with(ctx, Options::default()).await
}

/// Makes sure the recurring jobs exist.
pub async fn schedule_recurring_with(ctx: &Ctx, options: Options) -> Result<()> {
    let now = ctx.now();
    jobs::ensure(&ctx.db, EXPIRE_UNPAID_KEY, EXPIRE_UNPAID, now, now).await?;
    jobs::ensure(
        &ctx.db,
        housekeeping::JOB_KEY,
        housekeeping::JOB_KIND,
        now,
        now,
    )
    .await?;
    digest::schedule(ctx, options.digest_hour).await
}

/// Runs every job that is due now, once. Returns how many ran.
pub async fn run_due_jobs(ctx: &Ctx, owner: &str) -> Result<usize> {
    let mut ran = 0;
    let lease = ChronoDuration::minutes(5);
    while let Some(job) = jobs::claim_due(
        &ctx.db,
        &[EXPIRE_UNPAID, DAILY_DIGEST, housekeeping::JOB_KIND],
        owner,
        ctx.now(),
        lease,
    )
    .await?
    {
        let every = |secs| ctx.now() + ChronoDuration::seconds(secs);
        let outcome = match job.kind {
            JobKind::ExpireUnpaid => orders::fulfil::expire_unpaid(ctx, 500)
                .await
                .map(|_| every(EXPIRE_EVERY_SECS)),
            JobKind::DailyDigest => digest::run(ctx, &job).await,
            JobKind::Housekeeping => housekeeping::run(ctx)
                .await
                .map(|_| every(housekeeping::EVERY_SECS)),
            // Rows kept for their key, never claimed above: put off as far as the others.
            JobKind::DailyDigestSent | JobKind::Lease | JobKind::Bootstrap | JobKind::Lock => {
                Ok(every(EXPIRE_EVERY_SECS))
            }
        };
        let error = outcome.as_ref().err().map(ToString::to_string);
        if let Some(e) = &error {
            tracing::warn!(job = %job.key, error = %e, "job failed; it will run again");
        }
        let next = outcome.unwrap_or_else(|_| every(RETRY_SECS));
        jobs::complete(&ctx.db, &job, owner, ctx.now(), Some(next), error).await?;
        ran += 1;
    }
    Ok(ran)
}

/// Calls `pass` every `period` until `shutdown` turns true.
pub async fn every<F, Fut>(period: Duration, mut shutdown: watch::Receiver<bool>, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut tick = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => break,
        }
        if *shutdown.borrow() {
            break;
        }
        pass().await;
    }
}

/// Relays the outbox and runs due jobs until `shutdown` turns true.
pub async fn run(ctx: Ctx, owner: String, options: Options, shutdown: watch::Receiver<bool>) {
    if let Err(e) = schedule_recurring_with(&ctx, options).await {
        tracing::error!(error = %e, "could not schedule recurring jobs");
    }
    every(Duration::from_millis(500), shutdown, || async {
        if let Err(e) = crate::platform::events::outbox::relay_once(&ctx, &owner, 500).await {
            tracing::warn!(error = %e, "outbox relay pass failed");
        }
        if let Err(e) = run_due_jobs(&ctx, &owner).await {
            tracing::warn!(error = %e, "jobs pass failed");
        }
        if let Err(e) = crate::messaging::centre::fill(&ctx, &owner).await {
            tracing::warn!(error = %e, "notification center pass failed");
        }
    })
    .await;
    if let Err(e) = crate::platform::events::outbox::release_relay(&ctx, &owner).await {
        tracing::warn!(error = %e, "could not release the relay lease");
    }
}
