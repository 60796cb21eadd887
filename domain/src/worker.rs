//! The background worker: relays the outbox and runs due jobs. Safe to run in every instance:
//! the relay and each job are claimed under leases in the database.
use std::time::Duration;

use chrono::Duration as ChronoDuration;
use tokio::sync::watch;

use crate::error::Result;
use crate::{Ctx, jobs, orders};

pub const EXPIRE_UNPAID: &str = "expire_unpaid";
const EXPIRE_UNPAID_KEY: &str = "recurring:expire_unpaid";
const EXPIRE_EVERY_SECS: i64 = 60;

/// Makes sure the recurring jobs exist.
pub async fn schedule_recurring(ctx: &Ctx) -> Result<()> {
    let now = ctx.now();
    jobs::ensure(&ctx.db, EXPIRE_UNPAID_KEY, EXPIRE_UNPAID, now, now).await
}

/// Runs every job that is due now, once. Returns how many ran.
pub async fn run_due_jobs(ctx: &Ctx, owner: &str) -> Result<usize> {
    let mut ran = 0;
    let lease = ChronoDuration::minutes(5);
    while let Some(job) =
        jobs::claim_due(&ctx.db, &[EXPIRE_UNPAID], owner, ctx.now(), lease).await?
    {
        let outcome = match job.kind.as_str() {
            EXPIRE_UNPAID => orders::fulfil::expire_unpaid(ctx, 500).await.map(|_| ()),
            _ => Ok(()),
        };
        let next = ctx.now() + ChronoDuration::seconds(EXPIRE_EVERY_SECS);
        let error = outcome.as_ref().err().map(ToString::to_string);
        if let Some(e) = &error {
            tracing::warn!(job = %job.key, error = %e, "job failed; it will run again");
        }
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
pub async fn run(ctx: Ctx, owner: String, shutdown: watch::Receiver<bool>) {
    if let Err(e) = schedule_recurring(&ctx).await {
        tracing::error!(error = %e, "could not schedule recurring jobs");
    }
    every(Duration::from_millis(500), shutdown, || async {
        if let Err(e) = crate::events::outbox::relay_once(&ctx, &owner, 500).await {
            tracing::warn!(error = %e, "outbox relay pass failed");
        }
        if let Err(e) = run_due_jobs(&ctx, &owner).await {
            tracing::warn!(error = %e, "jobs pass failed");
        }
        if let Err(e) = crate::inbox::fill(&ctx, &owner).await {
            tracing::warn!(error = %e, "notification center pass failed");
        }
    })
    .await;
    if let Err(e) = crate::events::outbox::release_relay(&ctx, &owner).await {
        tracing::warn!(error = %e, "could not release the relay lease");
    }
}
