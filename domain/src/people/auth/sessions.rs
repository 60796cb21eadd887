//! Refresh-token sessions. A login starts a *family*; every refresh marks the presented token
//! rotated and adds the family's next token as a new row. A token presented again after it
//! was rotated means two parties hold it (one of them a thief), so the whole family is revoked
//! and both must log in again — except within [`GRACE_SECS`], where it is two tabs refreshing
//! at once.
//!
//! A family counts as revoked as soon as any of its rows is: a revocation racing a rotation
//! may miss the row being inserted, never the one being rotated.
use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{clip, digest, is_staff, random_token};
use crate::kernel::actor::{Actor, Channel};
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::UserId;
use crate::{Ctx, in_tx, kernel::policy, platform::audit};
use entity::{sessions, staff_roles};

/// How long a refresh token stays usable; each rotation starts the period again, so a session
/// ends after this long without use.
pub const REFRESH_TTL_DAYS: i64 = 30;
/// A just-rotated token used again within this window (two tabs refreshing at once) is not
/// treated as theft.
pub const GRACE_SECS: i64 = 30;
const DEVICE_MAX: usize = 512;
const IP_MAX: usize = 64;
/// Longer than any token we hand out; anything longer is not worth hashing.
const REFRESH_MAX_LEN: usize = 128;

/// `Debug` leaves the refresh token out, so it cannot end up in a log.
pub struct NewSession {
    /// The opaque refresh token for the client (a cookie); only its hash is stored.
    pub refresh: String,
    pub family: String,
    pub user: UserId,
}

/// `Debug` leaves the refresh token out, so it cannot end up in a log.
pub enum Refreshed {
    /// The next token of the family: the client must replace its refresh token.
    Rotated {
        refresh: String,
        user: UserId,
        family: String,
    },
    /// The token had just been rotated by a concurrent request; the client keeps what that
    /// request gave it. Only a new access token is due.
    Grace { user: UserId, family: String },
}

impl fmt::Debug for NewSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSession")
            .field("refresh", &"[redacted]")
            .field("family", &self.family)
            .field("user", &self.user)
            .finish()
    }
}

impl fmt::Debug for Refreshed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refreshed::Rotated { user, family, .. } => f
                .debug_struct("Rotated")
                .field("refresh", &"[redacted]")
                .field("user", user)
                .field("family", family)
                .finish(),
            Refreshed::Grace { user, family } => f
                .debug_struct("Grace")
                .field("user", user)
                .field("family", family)
                .finish(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SessionView {
    pub family: String,
    pub device: String,
    pub ip: Option<String>,
    /// When the session was started (the login).
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Starts a session for `user` (after an approved login) on `device` (the user agent).
pub async fn start(ctx: &Ctx, user: UserId, device: &str, ip: Option<&str>) -> Result<NewSession> {
    let now = ctx.now();
    let refresh = random_token::<32>();
    let family = random_token::<16>();
    let row = sessions::ActiveModel {
        id: NotSet,
        user_id: Set(user.0),
        family_id: Set(family.clone()),
        refresh_hash: Set(digest(&refresh)),
        device: Set(clip(device, DEVICE_MAX)),
        ip: Set(ip.map(|ip| clip(ip, IP_MAX))),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::days(REFRESH_TTL_DAYS)),
        rotated_at: Set(None),
        revoked_at: Set(None),
    };
    sessions::Entity::insert(row).exec(&ctx.db).await?;
    Ok(NewSession {
        refresh,
        family,
        user,
    })
}

/// What one refresh transaction found; a replay is committed (the family revoked) before it
/// is answered with `Unauthorized`.
enum Outcome {
    Done(Refreshed),
    Replayed,
}

/// Rotates: marks the presented token used and issues the next one in the same family.
/// Unknown, expired or revoked: `Unauthorized`. A token already rotated more than
/// [`GRACE_SECS`] ago (replay): revokes the WHOLE family, then `Unauthorized`. Exactly one of
/// two concurrent refreshes with the same token rotates (conditional update); the other gets
/// `Grace`.
pub async fn refresh(ctx: &Ctx, refresh: &str, ip: Option<&str>) -> Result<Refreshed> {
    if refresh.is_empty() || refresh.len() > REFRESH_MAX_LEN {
        return Err(Error::Unauthorized);
    }
    let hash = digest(refresh);
    let now = ctx.now();
    let outcome = in_tx!(&ctx.db, |txn| async {
        let row = sessions::Entity::find()
            .filter(sessions::Column::RefreshHash.eq(hash.as_str()))
            .one(&txn)
            .await?
            .ok_or(Error::Unauthorized)?;
        if row.revoked_at.is_some()
            || row.expires_at <= now
            || family_revoked(&txn, &row.family_id).await?
        {
            return Err(Error::Unauthorized);
        }
        let user = UserId(row.user_id);
        let family = row.family_id.clone();
        if let Some(rotated) = row.rotated_at {
            if now - rotated <= Duration::seconds(GRACE_SECS) {
                return Ok(Outcome::Done(Refreshed::Grace { user, family }));
            }
            tracing::warn!(
                user = user.0,
                "refresh token reused; revoking its session family"
            );
            let families = [family];
            revoke_families(
                &txn,
                now,
                &Actor::system(),
                user,
                &families,
                "refresh_token_reuse",
            )
            .await?;
            return Ok(Outcome::Replayed);
        }
        let claimed = sessions::Entity::update_many()
            .col_expr(sessions::Column::RotatedAt, Expr::value(now))
            .filter(sessions::Column::Id.eq(row.id))
            .filter(sessions::Column::RotatedAt.is_null())
            .filter(sessions::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            // A concurrent refresh rotated it first, or a revocation came in between. Where
            // the database lets this transaction see the revocation, it is refused here;
            // where it does not (MySQL's repeatable read), `is_active` refuses the access
            // token on its first use.
            let now_revoked = family_revoked(&txn, &row.family_id).await?;
            return if now_revoked {
                Err(Error::Unauthorized)
            } else {
                Ok(Outcome::Done(Refreshed::Grace { user, family }))
            };
        }
        let next = random_token::<32>();
        let new_row = sessions::ActiveModel {
            id: NotSet,
            user_id: Set(row.user_id),
            family_id: Set(row.family_id.clone()),
            refresh_hash: Set(digest(&next)),
            device: Set(row.device.clone()),
            ip: Set(ip.map(|ip| clip(ip, IP_MAX)).or(row.ip.clone())),
            // The family's start travels with it, so the newest row describes the session.
            created_at: Set(row.created_at),
            last_seen_at: Set(now),
            expires_at: Set(now + Duration::days(REFRESH_TTL_DAYS)),
            rotated_at: Set(None),
            revoked_at: Set(None),
        };
        sessions::Entity::insert(new_row).exec(&txn).await?;
        Ok(Outcome::Done(Refreshed::Rotated {
            refresh: next,
            user,
            family,
        }))
    }
    .await)?;
    match outcome {
        Outcome::Done(r) => Ok(r),
        Outcome::Replayed => Err(Error::Unauthorized),
    }
}

/// True while the family has no revoked row and has not expired, and only while the user
/// still holds some staff role — so revoking a session or removing a role ends access on the
/// next request.
pub async fn is_active(ctx: &Ctx, user: UserId, family: &str) -> Result<bool> {
    let now = ctx.now();
    let head = heads(user)
        .filter(sessions::Column::FamilyId.eq(family))
        .all(&ctx.db)
        .await?
        .into_iter()
        .any(|r| r.expires_at > now);
    Ok(head && !family_revoked(&ctx.db, family).await? && is_staff(&ctx.db, user).await?)
}

/// The roles the user holds right now, as long as the session family is live (not revoked,
/// not expired); none at all when it is not, or when every role has been taken away. One
/// query, so an open live stream can ask before every event and keep-alive.
pub async fn live_roles(ctx: &Ctx, user: UserId, family: &str) -> Result<policy::Roles> {
    let live_head = Query::select()
        .expr(Expr::val(1))
        .from(sessions::Entity)
        .and_where(sessions::Column::UserId.eq(user.0))
        .and_where(sessions::Column::FamilyId.eq(family))
        .and_where(sessions::Column::RotatedAt.is_null())
        .and_where(sessions::Column::RevokedAt.is_null())
        .and_where(sessions::Column::ExpiresAt.gt(ctx.now()))
        .take();
    let revoked_row = Query::select()
        .expr(Expr::val(1))
        .from(sessions::Entity)
        .and_where(sessions::Column::FamilyId.eq(family))
        .and_where(sessions::Column::RevokedAt.is_not_null())
        .take();
    let rows = staff_roles::Entity::find()
        .filter(staff_roles::Column::UserId.eq(user.0))
        .filter(Expr::exists(live_head))
        .filter(Expr::not_exists(revoked_row))
        .all(&ctx.db)
        .await?;
    Ok(policy::Roles::from_rows(&rows))
}

/// Records that the session was used just now.
pub async fn touch(ctx: &Ctx, family: &str) -> Result<()> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastSeenAt, Expr::value(ctx.now()))
        .filter(sessions::Column::FamilyId.eq(family))
        .filter(sessions::Column::RotatedAt.is_null())
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(&ctx.db)
        .await?;
    Ok(())
}

/// The user's active sessions, newest first, one entry per family.
pub async fn list(ctx: &Ctx, user: UserId) -> Result<Vec<SessionView>> {
    let rows = active_heads(&ctx.db, user, ctx.now()).await?;
    Ok(rows
        .into_iter()
        .map(|r| SessionView {
            family: r.family_id,
            device: r.device,
            ip: r.ip,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
        })
        .collect())
}

/// Ends one of the user's own sessions (one already ended stays so, without a second audit
/// entry); someone else's family is `NotFound`.
pub async fn revoke(ctx: &Ctx, user: UserId, family: &str) -> Result<()> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        let own = sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user.0))
            .filter(sessions::Column::FamilyId.eq(family))
            .one(&txn)
            .await?;
        if own.is_none() {
            return Err(Error::NotFound { what: "session" });
        }
        let actor = Actor::user(user, Channel::Web);
        let families = [family.to_owned()];
        revoke_families(&txn, now, &actor, user, &families, "user").await?;
        Ok(())
    }
    .await)
}

/// Ends all of the user's sessions but `keep_family` (the one asking). Returns how many
/// active sessions ended.
pub async fn revoke_others(ctx: &Ctx, user: UserId, keep_family: &str) -> Result<u64> {
    revoke_all_but(ctx, user, Some(keep_family)).await
}

/// Logs the user out everywhere. Returns how many active sessions ended.
pub async fn revoke_all_of(ctx: &Ctx, user: UserId) -> Result<u64> {
    revoke_all_but(ctx, user, None).await
}

async fn revoke_all_but(ctx: &Ctx, user: UserId, keep: Option<&str>) -> Result<u64> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        let active: Vec<String> = active_heads(&txn, user, now)
            .await?
            .into_iter()
            .map(|r| r.family_id)
            .filter(|f| Some(f.as_str()) != keep)
            .collect();
        let actor = Actor::user(user, Channel::Web);
        revoke_families(&txn, now, &actor, user, &active, "user").await?;
        // Expired families are revoked too, so none can come back.
        let mut rest = sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(now))
            .filter(sessions::Column::UserId.eq(user.0))
            .filter(sessions::Column::RevokedAt.is_null());
        if let Some(keep) = keep {
            rest = rest.filter(sessions::Column::FamilyId.ne(keep));
        }
        rest.exec(&txn).await?;
        Ok(active.len() as u64)
    }
    .await)
}

/// Deletes rows that expired more than [`REFRESH_TTL_DAYS`] ago (a periodic job's work); a
/// token that old is refused as unknown, which is as good as refused as expired.
pub async fn purge(ctx: &Ctx) -> Result<u64> {
    let cutoff = ctx.now() - Duration::days(REFRESH_TTL_DAYS);
    let res = sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lt(cutoff))
        .exec(&ctx.db)
        .await?;
    Ok(res.rows_affected)
}

/// The user's current (not yet rotated, not revoked) rows: one per family.
fn heads(user: UserId) -> sea_orm::Select<sessions::Entity> {
    sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user.0))
        .filter(sessions::Column::RotatedAt.is_null())
        .filter(sessions::Column::RevokedAt.is_null())
}

/// Heads of the user's live families, newest session first.
async fn active_heads(
    db: &impl ConnectionTrait,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<sessions::Model>> {
    let rows: Vec<sessions::Model> = heads(user)
        .order_by_desc(sessions::Column::CreatedAt)
        .order_by_desc(sessions::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|r| r.expires_at > now)
        .collect();
    if rows.is_empty() {
        return Ok(rows);
    }
    let families: Vec<String> = rows.iter().map(|r| r.family_id.clone()).collect();
    let revoked: HashSet<String> = sessions::Entity::find()
        .select_only()
        .column(sessions::Column::FamilyId)
        .filter(sessions::Column::FamilyId.is_in(families))
        .filter(sessions::Column::RevokedAt.is_not_null())
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    Ok(rows
        .into_iter()
        .filter(|r| !revoked.contains(&r.family_id) && seen.insert(r.family_id.clone()))
        .collect())
}

async fn family_revoked(db: &impl ConnectionTrait, family: &str) -> Result<bool> {
    let hit = sessions::Entity::find()
        .filter(sessions::Column::FamilyId.eq(family))
        .filter(sessions::Column::RevokedAt.is_not_null())
        .one(db)
        .await?;
    Ok(hit.is_some())
}

/// Marks every row of each family revoked and audits each family that was not yet revoked as
/// `session.revoke`.
async fn revoke_families(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: &Actor,
    user: UserId,
    families: &[String],
    reason: &str,
) -> Result<()> {
    for family in families {
        let res = sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(now))
            .filter(sessions::Column::UserId.eq(user.0))
            .filter(sessions::Column::FamilyId.eq(family.as_str()))
            .filter(sessions::Column::RevokedAt.is_null())
            .exec(db)
            .await?;
        if res.rows_affected == 0 {
            continue;
        }
        let entry = audit::Entry {
            store: None,
            action: "session.revoke",
            object_type: "session",
            object_id: family.clone(),
            before: None,
            after: Some(serde_json::json!({ "user_id": user, "reason": reason })),
        };
        audit::record(db, now, actor, entry).await?;
    }
    Ok(())
}
