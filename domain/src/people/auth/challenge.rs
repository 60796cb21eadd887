//! QR login: the backoffice creates a challenge bound to the browser that asked for it, a
//! staff member approves it in Telegram, and that browser (and only it) collects the approval
//! once.
//!
//! Only the SHA-256 of the link token and of the browser's secret are stored. A challenge is
//! `pending` until decided (`approved` or `denied`); an approval is `redeemed` when the browser
//! collects it. Expiry is not stored: it is `expires_at` passing.
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::{clip, constant_time_eq, digest, is_staff, random_token, useragent};
use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::UserId;
use crate::platform::{audit, updates};
use crate::{Ctx, in_tx};
use entity::kinds::ChallengeStatus as Status;
use entity::login_challenges as challenges;

/// How long a login link can be used, in seconds.
pub const CHALLENGE_TTL_SECS: i64 = 180;
/// An approval made just before expiry can still be collected this long after it, so a
/// browser polling every few seconds does not lose it.
const REDEEM_SLACK_SECS: i64 = 60;
/// The browser secret must carry real entropy; the backoffice makes it random.
const BROWSER_SECRET_MIN: usize = 16;
const UA_MAX: usize = 512;
const IP_MAX: usize = 64;
/// Longer than any token we hand out; anything longer is not worth hashing.
const TOKEN_MAX_LEN: usize = 64;

const LINK: Error = Error::NotFound { what: "link" };

/// Login codes one IP address may ask for per [`PER_IP_WINDOW_SECS`]. Counted in the database,
/// so the limit holds across every web instance.
pub const PER_IP_LIMIT: u64 = 10;
pub const PER_IP_WINDOW_SECS: i64 = 60;

pub struct Challenge {
    pub id: i64,
    /// The link token: `https://t.me/<bot>?start=login_<token>`. 32 base64url characters.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// What the bot shows on its approval card.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingLogin {
    pub browser: String,
    pub os: String,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Poll {
    Pending,
    Denied,
    Expired,
    Approved(UserId),
}

/// Starts a login for the browser holding `browser_secret` (a random value of at least 16
/// characters, kept in an HttpOnly cookie; shorter: `Invalid { field: "browser_secret" }`).
pub async fn create(
    ctx: &Ctx,
    browser_secret: &str,
    user_agent: &str,
    ip: Option<&str>,
) -> Result<Challenge> {
    if browser_secret.len() < BROWSER_SECRET_MIN {
        return Err(Error::Invalid {
            field: "browser_secret",
        });
    }
    let now = ctx.now();
    let ip = ip.map(|ip| clip(ip, IP_MAX));
    // 192 bits; "login_" + 32 characters stays well inside Telegram's 64-character payload.
    let token = random_token::<24>();
    let expires_at = now + Duration::seconds(CHALLENGE_TTL_SECS);
    let row = challenges::ActiveModel {
        id: NotSet,
        token_hash: Set(digest(&token)),
        browser_hash: Set(digest(browser_secret)),
        status: Set(Status::Pending),
        user_id: Set(None),
        user_agent: Set(clip(user_agent, UA_MAX)),
        ip: Set(ip.clone()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        decided_at: Set(None),
        redeemed_at: Set(None),
    };
    let id = challenges::Entity::insert(row)
        .exec(&ctx.db)
        .await?
        .last_insert_id;
    if let Some(ip) = ip
        && over_the_limit(ctx, &ip, now).await?
    {
        challenges::Entity::delete_by_id(id).exec(&ctx.db).await?;
        return Err(Error::TooManyAttempts);
    }
    Ok(Challenge {
        id,
        token,
        expires_at,
    })
}

/// Counted after our own row is in: whichever of several concurrent requests counts last sees
/// every request let through before it, so no more than [`PER_IP_LIMIT`] ever pass in a
/// window, on any number of instances (a refused request takes its row back out).
async fn over_the_limit(ctx: &Ctx, ip: &str, now: DateTime<Utc>) -> Result<bool> {
    let recent = challenges::Entity::find()
        .filter(challenges::Column::Ip.eq(ip))
        .filter(challenges::Column::CreatedAt.gt(now - Duration::seconds(PER_IP_WINDOW_SECS)))
        .count(&ctx.db)
        .await?;
    Ok(recent > PER_IP_LIMIT)
}

/// For the bot's approval card. Unknown, expired or already decided: `NotFound { what: "link" }`.
pub async fn describe(ctx: &Ctx, token: &str) -> Result<PendingLogin> {
    let row = find_by_token(&ctx.db, token).await?;
    if row.status != Status::Pending || row.expires_at <= ctx.now() {
        return Err(LINK);
    }
    Ok(PendingLogin {
        browser: useragent::browser(&row.user_agent).to_owned(),
        os: useragent::os(&row.user_agent).to_owned(),
        ip: row.ip,
        created_at: row.created_at,
    })
}

/// Approve or deny, by the Telegram user who opened the link (`actor.user_id()`). Only users
/// holding a staff role may approve (else `Forbidden`); a deny from anyone who opened it is
/// fine. One decision only (a second: `NotFound` link). Expired: `NotFound` link.
pub async fn decide(ctx: &Ctx, actor: &Actor, token: &str, approve: bool) -> Result<()> {
    let user = actor.user_id().ok_or(Error::Forbidden)?;
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        let row = find_by_token(&txn, token).await?;
        if row.status != Status::Pending || row.expires_at <= now {
            return Err(LINK);
        }
        if approve && !is_staff(&txn, user).await? {
            return Err(Error::Forbidden);
        }
        updates::claims::claim_for(&txn, actor, now).await?;
        let to = if approve {
            Status::Approved
        } else {
            Status::Denied
        };
        let res = challenges::Entity::update_many()
            .col_expr(challenges::Column::Status, Expr::value(to))
            .col_expr(challenges::Column::UserId, Expr::value(user.0))
            .col_expr(challenges::Column::DecidedAt, Expr::value(now))
            .filter(challenges::Column::Id.eq(row.id))
            .filter(challenges::Column::Status.eq(Status::Pending))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(LINK);
        }
        if approve {
            let entry = audit::Entry {
                store: None,
                action: "session.login_approve",
                object_type: "login_challenge",
                object_id: row.id.to_string(),
                before: None,
                after: Some(serde_json::json!({
                    "user_agent": row.user_agent,
                    "ip": row.ip,
                })),
            };
            audit::record(&txn, now, actor, entry).await?;
        }
        Ok(())
    }
    .await)
}

/// The browser that created the challenge asks how it went. A different browser secret:
/// `NotFound`. `Approved` is answered once (the approval is redeemed); later polls: `NotFound`.
pub async fn poll(ctx: &Ctx, challenge_id: i64, browser_secret: &str) -> Result<Poll> {
    let now = ctx.now();
    let row = challenges::Entity::find_by_id(challenge_id)
        .one(&ctx.db)
        .await?
        .ok_or(LINK)?;
    let presented = digest(browser_secret);
    if !constant_time_eq(presented.as_bytes(), row.browser_hash.as_bytes()) {
        return Err(LINK);
    }
    match row.status {
        Status::Redeemed => Err(LINK),
        Status::Denied => Ok(Poll::Denied),
        Status::Pending if row.expires_at <= now => Ok(Poll::Expired),
        Status::Pending => Ok(Poll::Pending),
        Status::Approved if row.expires_at + Duration::seconds(REDEEM_SLACK_SECS) <= now => {
            Ok(Poll::Expired)
        }
        Status::Approved => {
            let user = row
                .user_id
                .map(UserId)
                .ok_or_else(|| Error::Internal("approved login without a user".into()))?;
            let res = challenges::Entity::update_many()
                .col_expr(challenges::Column::Status, Expr::value(Status::Redeemed))
                .col_expr(challenges::Column::RedeemedAt, Expr::value(now))
                .filter(challenges::Column::Id.eq(row.id))
                .filter(challenges::Column::Status.eq(Status::Approved))
                .exec(&ctx.db)
                .await?;
            if res.rows_affected == 1 {
                Ok(Poll::Approved(user))
            } else {
                // Another poll with the same secret collected it first.
                Err(LINK)
            }
        }
    }
}

/// Deletes challenges that expired more than a day ago (a periodic job's work).
pub async fn purge(ctx: &Ctx) -> Result<u64> {
    let cutoff = ctx.now() - Duration::days(1);
    let res = challenges::Entity::delete_many()
        .filter(challenges::Column::ExpiresAt.lt(cutoff))
        .exec(&ctx.db)
        .await?;
    Ok(res.rows_affected)
}

async fn find_by_token(
    db: &impl sea_orm::ConnectionTrait,
    token: &str,
) -> Result<challenges::Model> {
    if token.is_empty() || token.len() > TOKEN_MAX_LEN {
        return Err(LINK);
    }
    challenges::Entity::find()
        .filter(challenges::Column::TokenHash.eq(digest(token)))
        .one(db)
        .await?
        .ok_or(LINK)
}
