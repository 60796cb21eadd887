//! The hourly clean-up job: rows that can no longer matter are deleted, so no table grows
//! forever — expired login codes and sessions, Telegram updates (and their ids) Telegram can
//! no longer send again, and old daily-digest markers.
use chrono::Duration;

use crate::Ctx;
use crate::kernel::error::Result;
use crate::messaging::digest;
use crate::people::auth::{challenge, sessions};
use crate::platform::jobs::JobKind;
use crate::platform::updates;

pub const JOB_KIND: JobKind = JobKind::Housekeeping;
pub const JOB_KEY: &str = "recurring:housekeeping";
pub const EVERY_SECS: i64 = 3600;
/// Telegram keeps an undelivered update for 24 hours; a week leaves a wide margin.
pub const UPDATES_KEPT_DAYS: i64 = 7;
/// A digest marker only has to outlive its day's retries.
pub const DIGEST_MARKERS_KEPT_DAYS: i64 = 30;

/// How many rows one pass removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub login_codes: u64,
    pub sessions: u64,
    pub updates: u64,
    pub inbound: u64,
    pub digest_markers: u64,
}

pub async fn run(ctx: &Ctx) -> Result<Swept> {
    let now = ctx.now();
    let swept = Swept {
        login_codes: challenge::purge(ctx).await?,
        sessions: sessions::purge(ctx).await?,
        updates: updates::claims::prune(&ctx.db, now - Duration::days(UPDATES_KEPT_DAYS)).await?,
        inbound: updates::log::prune(&ctx.db, now - Duration::days(UPDATES_KEPT_DAYS)).await?,
        digest_markers: digest::purge_markers(ctx, now - Duration::days(DIGEST_MARKERS_KEPT_DAYS))
            .await?,
    };
    tracing::debug!(?swept, "housekeeping");
    Ok(swept)
}
