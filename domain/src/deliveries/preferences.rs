//! A person's notification switches: one per (kind, channel), on unless turned off. Each person
//! sets their own (it is not a staff action on someone else, so it is not audited).
use std::collections::HashSet;

use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{DeliveryChannel, KINDS, find_kind};
use crate::error::{Error, Result};
use crate::{Actor, Ctx, UserId, in_tx};
use entity::notification_preferences as prefs;

/// One switch of the grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Switch {
    pub kind: &'static str,
    pub channel: DeliveryChannel,
    pub enabled: bool,
}

/// The (kind, channel) pairs `user` turned off.
pub async fn muted(db: &impl ConnectionTrait, user: i64) -> Result<HashSet<(String, String)>> {
    Ok(prefs::Entity::find()
        .filter(prefs::Column::UserId.eq(user))
        .filter(prefs::Column::Enabled.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.kind, p.channel))
        .collect())
}

/// The whole grid for `user`: every kind on every channel it can go to.
pub async fn grid(db: &impl ConnectionTrait, user: UserId) -> Result<Vec<Switch>> {
    let muted = muted(db, user.0).await?;
    Ok(KINDS
        .iter()
        .flat_map(|k| {
            k.channels.iter().map(|c| Switch {
                kind: k.name,
                channel: *c,
                enabled: !muted.contains(&(k.name.to_owned(), c.as_str().to_owned())),
            })
        })
        .collect())
}

/// Sets the actor's own switches: every pair in `on` is turned on, every other pair of the
/// grid off. Unknown kinds or channels are refused.
pub async fn set(ctx: &Ctx, actor: &Actor, on: &[(String, String)]) -> Result<Vec<Switch>> {
    let user = actor.user_id().ok_or(Error::Forbidden)?;
    for (kind, channel) in on {
        let channel = DeliveryChannel::parse(channel)?;
        let known = find_kind(kind).is_some_and(|k| k.channels.contains(&channel));
        if !known {
            return Err(Error::Invalid { field: "kind" });
        }
    }
    in_tx!(&ctx.db, |txn| async {
        for k in KINDS.iter() {
            for c in k.channels {
                let enabled = on
                    .iter()
                    .any(|(kind, ch)| kind == k.name && ch == c.as_str());
                let row = prefs::ActiveModel {
                    id: NotSet,
                    user_id: Set(user.0),
                    kind: Set(k.name.to_owned()),
                    channel: Set(c.as_str().to_owned()),
                    enabled: Set(enabled),
                };
                prefs::Entity::insert(row)
                    .on_conflict(
                        OnConflict::columns([
                            prefs::Column::UserId,
                            prefs::Column::Kind,
                            prefs::Column::Channel,
                        ])
                        .update_column(prefs::Column::Enabled)
                        .to_owned(),
                    )
                    .exec(&txn)
                    .await?;
            }
        }
        grid(&txn, user).await
    }
    .await)
}
