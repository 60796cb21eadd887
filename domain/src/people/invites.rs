//! Staff invitations: a one-time deep link (`https://t.me/<bot>?start=invite_<token>`) that gives
//! a role to whoever opens it first in Telegram, before it expires.
//!
//! Only the token's SHA-256 is stored; the token itself is handed out once, by [`create`].
//! Handing out an invitation is granting the role, so it needs the same authority
//! (`staff::check_authority`: never above your own), and the inviter must still have it when
//! the link is opened. Opening a link that would not raise the person's role (they already hold
//! that role or a higher one there) is refused with `AlreadyStaff` and leaves the invitation
//! unused, so nobody is demoted by clicking a link meant for someone else.
use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{StoreId, UserId};
use crate::kernel::policy::{self, Capability, Role};
use crate::people::auth::{digest, random_token};
use crate::people::staff::{self, Placement};
use crate::platform::{audit, updates};
use crate::{Ctx, in_tx};
use entity::staff_invites as invites;

/// How long a link works unless the inviter picks otherwise.
pub const DEFAULT_TTL_HOURS: i64 = 48;
/// The longest a link may work: short, and far from MariaDB's 2038 limit.
pub const MAX_TTL_HOURS: i64 = 7 * 24;
/// Longer than any token handed out; anything longer is not worth hashing.
const TOKEN_MAX_LEN: usize = 64;
const MISSING: Error = Error::NotFound { what: "invite" };

/// A fresh invitation. `token` goes into the link and is never shown again.
pub struct NewInvite {
    pub id: i64,
    pub token: String,
    pub role: Role,
    pub store: Option<StoreId>,
    pub expires_at: DateTime<Utc>,
}

impl fmt::Debug for NewInvite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewInvite")
            .field("id", &self.id)
            .field("token", &"[redacted]")
            .field("role", &self.role)
            .field("store", &self.store)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// An open invitation, for the people screen.
#[derive(Clone, Debug)]
pub struct Invite {
    pub id: i64,
    /// `None`: an OWNER invitation.
    pub store: Option<StoreId>,
    pub role: Role,
    pub created_by: Option<entity::users::Model>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What opening a link gave.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub role: Role,
    /// `None` for the platform-wide OWNER role.
    pub store: Option<entity::stores::Model>,
}

/// Makes a link giving `role` (OWNER with `store = None`, ADMIN or VENDOR in `store`) for `ttl`
/// (at most [`MAX_TTL_HOURS`]). Only someone who may grant that role may invite to it; the
/// operator's console has nobody to record as the inviter and uses `staff::grant` instead.
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    store: Option<StoreId>,
    role: Role,
    ttl: Duration,
) -> Result<NewInvite> {
    let inviter = actor.user_id().ok_or(Error::Forbidden)?;
    staff::scope_ok(role, store)?;
    if ttl < Duration::minutes(1) || ttl > Duration::hours(MAX_TTL_HOURS) {
        return Err(Error::Invalid { field: "ttl" });
    }
    let now = ctx.now();
    let expires_at = now + ttl;
    // 256 bits: "invite_" + 43 characters fits Telegram's 64-character start payload.
    let token = random_token::<32>();
    let id = in_tx!(&ctx.db, |txn| async {
        staff::check_authority(&txn, actor, role, store).await?;
        if let Some(s) = store {
            crate::stores::load(&txn, s).await?;
        }
        let row = invites::ActiveModel {
            id: NotSet,
            token_hash: Set(digest(&token)),
            store_id: Set(store.map(|s| s.0)),
            role: Set(role),
            created_by: Set(inviter.0),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_by: Set(None),
            used_at: Set(None),
            revoked_at: Set(None),
        };
        let id = invites::Entity::insert(row)
            .exec(&txn)
            .await?
            .last_insert_id;
        let entry = audit::Entry {
            store,
            action: "invite.create",
            object_type: "invite",
            object_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "role": role, "expires_at": expires_at })),
        };
        audit::record(&txn, now, actor, entry).await?;
        Ok(id)
    }
    .await)?;
    Ok(NewInvite {
        id,
        token,
        role,
        store,
        expires_at,
    })
}

/// The Telegram user `actor` opens the link with `token`: unknown, forged or withdrawn links are
/// `InviteInvalid`, old ones `InviteExpired`, taken ones `InviteUsed` (of two people racing, one
/// gets the role). If the inviter may no longer grant the role, the link is `InviteInvalid`.
pub async fn accept(ctx: &Ctx, actor: &Actor, token: &str) -> Result<Accepted> {
    let user = actor.user_id().ok_or(Error::Forbidden)?;
    let token = token.trim();
    if token.is_empty() || token.len() > TOKEN_MAX_LEN {
        return Err(Error::InviteInvalid);
    }
    let hash = digest(token);
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        let row = invites::Entity::find()
            .filter(invites::Column::TokenHash.eq(hash.as_str()))
            .one(&txn)
            .await?
            .ok_or(Error::InviteInvalid)?;
        if row.revoked_at.is_some() {
            return Err(Error::InviteInvalid);
        }
        if row.used_at.is_some() {
            return Err(Error::InviteUsed);
        }
        if row.expires_at <= now {
            return Err(Error::InviteExpired);
        }
        updates::claims::claim_for(&txn, actor, now).await?;
        // The conditional update is the single-use guarantee: a racer's update waits for the
        // winner's row lock, then finds the row no longer open.
        let taken = invites::Entity::update_many()
            .col_expr(invites::Column::UsedBy, Expr::value(user.0))
            .col_expr(invites::Column::UsedAt, Expr::value(now))
            .filter(invites::Column::Id.eq(row.id))
            .filter(invites::Column::UsedAt.is_null())
            .filter(invites::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if taken.rows_affected == 0 {
            return Err(Error::InviteUsed);
        }
        let role = row.role;
        let store = row.store_id.map(StoreId);
        let inviter = Actor::user(UserId(row.created_by), actor.channel);
        staff::check_authority(&txn, &inviter, role, store)
            .await
            .map_err(|e| match e {
                Error::Db(_) | Error::Internal(_) => e,
                _ => Error::InviteInvalid,
            })?;
        let held = match store {
            Some(s) => policy::role_in(&txn, user, s).await?,
            None => policy::is_owner(&txn, user).await?.then_some(Role::Owner),
        };
        if let Some(held) = held.filter(|h| *h >= role) {
            return Err(Error::AlreadyStaff { role: held });
        }
        let existing = staff::scoped(user, store).one(&txn).await?;
        let entry = audit::Entry {
            store,
            action: "invite.accept",
            object_type: "user",
            object_id: user.to_string(),
            before: existing
                .as_ref()
                .map(|r| serde_json::json!({ "role": r.role })),
            after: Some(serde_json::json!({
                "role": role,
                "invite": row.id,
                "invited_by": row.created_by,
            })),
        };
        audit::record(&txn, now, actor, entry).await?;
        let placed = Placement {
            user,
            role,
            store,
            granted_by: Some(UserId(row.created_by)),
        };
        staff::put_role(&txn, now, placed, existing).await?;
        let store = match store {
            Some(s) => Some(crate::stores::load(&txn, s).await?),
            None => None,
        };
        Ok(Accepted { role, store })
    }
    .await)
}

/// The open invitations of `store` (and, for an OWNER, the OWNER invitations), newest first.
/// ADMIN and above of that store only.
pub async fn list(ctx: &Ctx, actor: &Actor, store: StoreId) -> Result<Vec<Invite>> {
    let db = &ctx.db;
    policy::require(db, actor, store, Capability::GrantRoles).await?;
    let scope = if sees_owner_invites(db, actor).await? {
        invites::Column::StoreId
            .eq(store.0)
            .or(invites::Column::StoreId.is_null())
    } else {
        invites::Column::StoreId.eq(store.0)
    };
    let rows = invites::Entity::find()
        .filter(scope)
        .filter(invites::Column::UsedAt.is_null())
        .filter(invites::Column::RevokedAt.is_null())
        .filter(invites::Column::ExpiresAt.gt(ctx.now()))
        .order_by_desc(invites::Column::Id)
        .all(db)
        .await?;
    let creators: HashMap<i64, entity::users::Model> = entity::users::Entity::find()
        .filter(entity::users::Column::Id.is_in(rows.iter().map(|r| r.created_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| Invite {
            id: r.id,
            store: r.store_id.map(StoreId),
            role: r.role,
            created_by: creators.get(&r.created_by).cloned(),
            created_at: r.created_at,
            expires_at: r.expires_at,
        })
        .collect())
}

/// Withdraws invitation `id`, seen from `store`: it must be that store's (or an OWNER
/// invitation, which only OWNERs see); anything else is `NotFound`. A used one: `InviteUsed`.
pub async fn revoke(ctx: &Ctx, actor: &Actor, store: StoreId, id: i64) -> Result<()> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        policy::require(&txn, actor, store, Capability::GrantRoles).await?;
        let row = invites::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(MISSING)?;
        let visible = match row.store_id {
            Some(s) => s == store.0,
            None => sees_owner_invites(&txn, actor).await?,
        };
        if !visible {
            return Err(MISSING);
        }
        let role = row.role;
        staff::check_authority(&txn, actor, role, row.store_id.map(StoreId)).await?;
        if row.used_at.is_some() {
            return Err(Error::InviteUsed);
        }
        if row.revoked_at.is_some() {
            return Ok(());
        }
        let done = invites::Entity::update_many()
            .col_expr(invites::Column::RevokedAt, Expr::value(now))
            .filter(invites::Column::Id.eq(row.id))
            .filter(invites::Column::UsedAt.is_null())
            .filter(invites::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(Error::InviteUsed);
        }
        let entry = audit::Entry {
            store: row.store_id.map(StoreId),
            action: "invite.revoke",
            object_type: "invite",
            object_id: row.id.to_string(),
            before: Some(serde_json::json!({ "role": role })),
            after: None,
        };
        audit::record(&txn, now, actor, entry).await?;
        Ok(())
    }
    .await)
}

async fn sees_owner_invites(db: &impl ConnectionTrait, actor: &Actor) -> Result<bool> {
    Ok(match actor.user_id() {
        Some(u) => policy::is_owner(db, u).await?,
        None => matches!(actor.principal, crate::Principal::Operator),
    })
}
