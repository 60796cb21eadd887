//! The local side of delivery for the buses that ring a doorbell: on each ring (or tick) the
//! outbox is read in id order after the last id delivered, and each event goes to this
//! process's subscribers once.
//!
//! Ids are handed out when a transaction inserts and become visible when it commits, so on a
//! database server a lower id can appear after a higher one. The follower stops at such a hole
//! and waits up to a grace period for it to fill; a rolled-back insert leaves a hole that never
//! fills, and it is skipped after the grace period.
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;

use super::event::Published;
use super::outbox;
use crate::kernel::error::Result;

const BATCH: u64 = 500;

pub(crate) struct Follower {
    db: DatabaseConnection,
    tx: broadcast::Sender<Published>,
    /// The last id delivered; unknown until the outbox could be read (before the first
    /// migration it cannot).
    last: Option<i64>,
    /// The first missing id and since when it has been missing.
    gap: Option<(i64, Instant)>,
    grace: Duration,
}

impl Follower {
    pub(crate) fn new(
        db: DatabaseConnection,
        tx: broadcast::Sender<Published>,
        grace: Duration,
    ) -> Self {
        Self {
            db,
            tx,
            last: None,
            gap: None,
            grace,
        }
    }

    /// The last id delivered, once known.
    pub(crate) fn last(&self) -> Option<i64> {
        self.last
    }

    /// Delivers every event after `last`, stopping at a hole younger than the grace period.
    pub(crate) async fn catch_up(&mut self) {
        if let Err(e) = self.deliver().await {
            tracing::warn!(error = %e, "reading the outbox for the bus failed; retrying on the next tick");
        }
    }

    async fn deliver(&mut self) -> Result<()> {
        let Some(mut last) = self.last else {
            // Subscribers get what happens from now on.
            self.last = Some(outbox::last_id(&self.db).await?);
            return Ok(());
        };
        loop {
            let batch = outbox::since(&self.db, last, BATCH).await?;
            let full = batch.len() as u64 == BATCH;
            for event in batch {
                if event.id != last + 1 && !self.may_skip_gap(last) {
                    return Ok(());
                }
                self.gap = None;
                last = event.id;
                self.last = Some(last);
                // No subscriber is fine: SSE clients that come later replay from the outbox.
                let _ = self.tx.send(event);
            }
            if !full {
                return Ok(());
            }
        }
    }

    fn may_skip_gap(&mut self, last: i64) -> bool {
        let missing = last + 1;
        match self.gap {
            Some((id, since)) if id == missing => {
                let skip = since.elapsed() >= self.grace;
                if skip {
                    tracing::debug!(after = last, "skipping a hole in the outbox ids");
                }
                skip
            }
            _ => {
                self.gap = Some((missing, Instant::now()));
                self.grace.is_zero()
            }
        }
    }
}
