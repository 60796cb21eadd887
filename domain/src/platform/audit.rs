//! The audit log: who did what to which object, from where. Append-only: no function here
//! updates or deletes an entry (and the database refuses to, see migration 000007).
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, Func};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use crate::kernel::actor::{Actor, Principal};
use crate::kernel::error::Result;
use crate::kernel::ids::{StoreId, UserId};
use crate::kernel::policy::{self, Capability};
use entity::audit_log;

pub struct Entry<'a> {
    pub store: Option<StoreId>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Serialises a snapshot for `before`/`after`.
pub fn snapshot(value: &impl Serialize) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// Records a staff or operator action; customers' own actions are not audited (their
/// orders' history has them).
pub async fn record(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: &Actor,
    entry: Entry<'_>,
) -> Result<()> {
    let row = audit_log::ActiveModel {
        id: NotSet,
        store_id: Set(entry.store.map(|s| s.0)),
        actor_user_id: Set(match actor.principal {
            Principal::User(u) => Some(u.0),
            _ => None,
        }),
        channel: Set(actor.channel),
        action: Set(entry.action.to_owned()),
        object_type: Set(entry.object_type.to_owned()),
        object_id: Set(entry.object_id),
        before: Set(entry.before.map(|v| v.to_string())),
        after: Set(entry.after.map(|v| v.to_string())),
        ip: Set(actor.origin.clone()),
        created_at: Set(now),
    };
    audit_log::Entity::insert(row).exec(db).await?;
    Ok(())
}

/// What to look for in a store's log; every field narrows it, `None` leaves it open.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor_user: Option<UserId>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// Inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub to: Option<DateTime<Utc>>,
}

/// A store's log, newest first, `limit` entries after the entry `after_id` (keyset on the id).
/// ADMIN and above of that store only: a VENDOR gets `Forbidden`, staff of other stores
/// `NotFound`.
pub async fn search(
    db: &impl ConnectionTrait,
    actor: &Actor,
    store: StoreId,
    filter: &AuditFilter,
    after_id: Option<i64>,
    limit: u64,
) -> Result<Vec<audit_log::Model>> {
    policy::require(db, actor, store, Capability::ViewAudit).await?;
    let mut q = audit_log::Entity::find().filter(audit_log::Column::StoreId.eq(store.0));
    if let Some(user) = filter.actor_user {
        q = q.filter(audit_log::Column::ActorUserId.eq(user.0));
    }
    if let Some(action) = text(&filter.action) {
        q = q.filter(audit_log::Column::Action.eq(action));
    }
    if let Some(object_type) = text(&filter.object_type) {
        q = q.filter(audit_log::Column::ObjectType.eq(object_type));
    }
    if let Some(object_id) = text(&filter.object_id) {
        q = q.filter(audit_log::Column::ObjectId.eq(object_id));
    }
    if let Some(from) = filter.from {
        q = q.filter(audit_log::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(audit_log::Column::CreatedAt.lt(to));
    }
    if let Some(after) = after_id {
        q = q.filter(audit_log::Column::Id.lt(after));
    }
    Ok(q.order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// A filter text that says something (blank means "any").
fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The people whose actions a store's log may hold, for the "who" filter: the store's staff
/// and the platform OWNERs, by name. Same access as [`search`].
pub async fn people(
    db: &impl ConnectionTrait,
    actor: &Actor,
    store: StoreId,
) -> Result<Vec<entity::users::Model>> {
    policy::require(db, actor, store, Capability::ViewAudit).await?;
    let roles = entity::staff_roles::Entity::find()
        .filter(
            entity::staff_roles::Column::StoreId
                .eq(store.0)
                .or(entity::staff_roles::Column::StoreId.is_null()),
        )
        .all(db)
        .await?;
    let mut ids: Vec<i64> = roles.iter().map(|r| r.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut users = entity::users::Entity::find()
        .filter(entity::users::Column::Id.is_in(ids))
        .all(db)
        .await?;
    users.sort_by(|a, b| {
        (&a.username, &a.first_name, a.id).cmp(&(&b.username, &b.first_name, b.id))
    });
    Ok(users)
}

/// The person with this Telegram username (a leading `@` is ignored; case-insensitive as
/// Telegram's usernames are), if known.
pub async fn user_by_username(db: &impl ConnectionTrait, username: &str) -> Result<Option<UserId>> {
    let name = username.trim().trim_start_matches('@');
    if name.is_empty() {
        return Ok(None);
    }
    let users = entity::users::Entity::find()
        .filter(entity::users::Column::Username.is_not_null())
        .filter(
            Expr::expr(Func::lower(Expr::col(entity::users::Column::Username)))
                .eq(name.to_lowercase()),
        )
        .order_by_asc(entity::users::Column::Id)
        .all(db)
        .await?;
    Ok(users.first().map(|u| UserId(u.id)))
}
