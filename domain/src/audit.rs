//! The audit log: who did what to which object, from where. Append-only: no function here
//! updates or deletes an entry.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ConnectionTrait, EntityTrait,
};
use serde::Serialize;

use crate::actor::{Actor, Principal};
use crate::error::Result;
use crate::ids::StoreId;
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
        channel: Set(actor.channel.as_str().to_owned()),
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
