//! The bus for several instances: Redis pub/sub rings the doorbell, the outbox delivers.
//!
//! `publish` only PUBLISHes the event's id. Each instance runs one follower task that, on every
//! doorbell, on every (re)connect and on a slow tick, reads the outbox after the last id it
//! delivered and feeds its local broadcast channel. So every instance delivers every event, in id
//! order, once — also events it did not relay itself, and events whose doorbell Redis dropped.
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::future::BoxFuture;
use redis::AsyncCommands;
use sea_orm::DatabaseConnection;
use tokio::sync::{Mutex, broadcast, oneshot};
use tokio::task::AbortHandle;

use super::bus::EventBus;
use super::event::Published;
use super::follower::Follower;
use crate::kernel::error::{Error, Result};

/// How a [`RedisBus`] connects and how patiently it follows the outbox.
#[derive(Clone, Debug)]
pub struct RedisBusOptions {
    pub url: String,
    /// The pub/sub channel; instances of one system share it, separate systems must not.
    pub channel: String,
    /// The fallback tick: how often the outbox is read when no doorbell rings.
    pub poll: Duration,
    /// How long a hole in the ids is waited for before it is skipped. Ids are handed out when
    /// a transaction inserts and become visible when it commits, so a lower id can appear after
    /// a higher one; a rolled-back insert leaves a hole that never fills.
    pub gap_grace: Duration,
    /// The local broadcast channel's capacity per subscriber.
    pub capacity: usize,
}

impl RedisBusOptions {
    pub fn new(url: impl Into<String>, channel: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            channel: channel.into(),
            poll: Duration::from_secs(1),
            gap_grace: Duration::from_secs(3),
            capacity: 1024,
        }
    }
}

pub struct RedisBus {
    doorbell: Arc<Doorbell>,
    tx: broadcast::Sender<Published>,
    follower: AbortHandle,
    /// Rings the other instances when a transaction here commits events.
    ringer: AbortHandle,
}

/// The publishing side: one connection, reopened when it fails.
struct Doorbell {
    client: redis::Client,
    channel: String,
    publisher: Mutex<Option<redis::aio::MultiplexedConnection>>,
}

/// What a commit rings with: not an id, so every follower reads (its own instance's too).
const COMMITTED: &str = "commit";

/// Neither a doorbell nor a connection attempt may hold the relay up for long.
const REDIS_TIMEOUT: Duration = Duration::from_secs(3);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

fn redis_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("redis: {e}"))
}

impl RedisBus {
    /// Connects and subscribes; fails when Redis cannot be reached, so a misconfigured
    /// instance does not start half-deaf. Later outages are survived (see the module docs).
    pub async fn connect(db: DatabaseConnection, options: RedisBusOptions) -> Result<Self> {
        let client = redis::Client::open(options.url.as_str()).map_err(redis_error)?;
        let publisher = open(&client).await?;
        let (tx, _) = broadcast::channel(options.capacity.max(1));
        let follower = Follower::new(db, tx.clone(), options.gap_grace);
        let (ready_tx, ready_rx) = oneshot::channel();
        let task = tokio::spawn(follow(
            client.clone(),
            options.channel.clone(),
            options.poll,
            follower,
            ready_tx,
        ));
        let follower = task.abort_handle();
        match tokio::time::timeout(REDIS_TIMEOUT, ready_rx).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => {
                follower.abort();
                return Err(e);
            }
            _ => {
                follower.abort();
                return Err(redis_error("no subscription within the time limit"));
            }
        }
        let doorbell = Arc::new(Doorbell {
            client,
            channel: options.channel,
            publisher: Mutex::new(Some(publisher)),
        });
        let ringer = tokio::spawn(ring_on_commit(doorbell.clone())).abort_handle();
        Ok(Self {
            doorbell,
            tx,
            follower,
            ringer,
        })
    }
}

/// Rings every instance (this one included, through its subscription) each time a
/// transaction in this process commits events; rings that come while one is sent coalesce.
async fn ring_on_commit(doorbell: Arc<Doorbell>) {
    let mut commits = super::doorbell::listen();
    while commits.changed().await.is_ok() {
        if let Err(e) = doorbell.ring(COMMITTED).await {
            tracing::warn!(error = %e, "could not ring the Redis doorbell after a commit");
        }
    }
}

impl Doorbell {
    async fn ring(&self, message: impl redis::ToSingleRedisArg + Send + Sync) -> Result<()> {
        let mut slot = self.publisher.lock().await;
        let mut conn = match slot.take() {
            Some(c) => c,
            None => open(&self.client).await?,
        };
        let sent = tokio::time::timeout(
            REDIS_TIMEOUT,
            conn.publish::<_, _, ()>(&self.channel, message),
        )
        .await
        .map_err(|_| redis_error("PUBLISH timed out"))
        .and_then(|r| r.map_err(redis_error));
        if sent.is_ok() {
            *slot = Some(conn);
        }
        sent
    }
}

impl Drop for RedisBus {
    fn drop(&mut self) {
        self.follower.abort();
        self.ringer.abort();
    }
}

impl EventBus for RedisBus {
    fn publish<'a>(&'a self, event: &'a Published) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            // A lost doorbell only delays delivery until the next tick, so the relay goes on.
            if let Err(e) = self.doorbell.ring(event.id).await {
                tracing::warn!(error = %e, event = event.id, "could not ring the Redis doorbell");
            }
            Ok(())
        })
    }

    fn subscribe(&self) -> broadcast::Receiver<Published> {
        self.tx.subscribe()
    }
}

async fn open(client: &redis::Client) -> Result<redis::aio::MultiplexedConnection> {
    tokio::time::timeout(REDIS_TIMEOUT, client.get_multiplexed_async_connection())
        .await
        .map_err(|_| redis_error("connecting timed out"))?
        .map_err(redis_error)
}

/// Follows the channel for the bus's lifetime, reconnecting with backoff; `ready` reports the
/// first subscription (or why it failed).
async fn follow(
    client: redis::Client,
    channel: String,
    poll: Duration,
    mut follower: Follower,
    ready: oneshot::Sender<Result<()>>,
) {
    let mut ready = Some(ready);
    // Before the subscription, so nothing written after `connect` returns is missed.
    follower.catch_up().await;
    let mut backoff = Duration::from_millis(100);
    loop {
        match subscribe(&client, &channel).await {
            Ok(mut pubsub) => {
                if let Some(r) = ready.take() {
                    let _ = r.send(Ok(()));
                } else {
                    tracing::info!(%channel, "reconnected to Redis");
                }
                backoff = Duration::from_millis(100);
                // Whatever was rung while we were away.
                follower.catch_up().await;
                listen(&mut pubsub, poll, &mut follower).await;
                tracing::warn!(%channel, "lost the Redis subscription; reconnecting");
            }
            Err(e) => {
                if let Some(r) = ready.take() {
                    let _ = r.send(Err(e));
                    return;
                }
                tracing::warn!(error = %e, retry_in = ?backoff, "Redis is unreachable");
            }
        }
        // Without Redis the outbox is still followed, on the tick.
        let until = Instant::now() + backoff;
        while Instant::now() < until {
            tokio::time::sleep(poll.min(until - Instant::now())).await;
            follower.catch_up().await;
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn subscribe(client: &redis::Client, channel: &str) -> Result<redis::aio::PubSub> {
    let mut pubsub = tokio::time::timeout(REDIS_TIMEOUT, client.get_async_pubsub())
        .await
        .map_err(|_| redis_error("connecting timed out"))?
        .map_err(redis_error)?;
    pubsub.subscribe(channel).await.map_err(redis_error)?;
    Ok(pubsub)
}

/// Catches up on every doorbell and every tick, until the subscription ends.
async fn listen(pubsub: &mut redis::aio::PubSub, poll: Duration, follower: &mut Follower) {
    let mut messages = pubsub.on_message();
    let mut tick = tokio::time::interval(poll);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else { return };
                // The id is only a hint: one read serves every doorbell rung so far.
                let rung: Option<i64> = message.get_payload().ok();
                if rung.is_none_or(|id| follower.last().is_none_or(|last| id > last)) {
                    follower.catch_up().await;
                }
            }
            _ = tick.tick() => follower.catch_up().await,
        }
    }
}
