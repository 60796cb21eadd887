//! A person's notification switches: one per (kind, channel), on unless turned off, and the
//! email address email notifications go to. Each person sets their own (it is not a staff
//! action on someone else, so it is not audited).
use std::collections::HashSet;
use std::str::FromStr;

use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{DeliveryChannel, KINDS, find_kind};
use crate::kernel::error::{Error, Result};
use crate::{Actor, Ctx, UserId, in_tx};
use entity::notification_preferences as prefs;
use entity::user_emails;

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
                    // MySQL reports a switch saved unchanged as not inserted.
                    .exec_without_returning(&txn)
                    .await?;
            }
        }
        grid(&txn, user).await
    }
    .await)
}

/// The longest address accepted (RFC 5321 caps a path at 256 octets, brackets included).
pub const EMAIL_MAX: usize = 254;

/// The address `user` gets email notifications at, if they set one.
pub async fn email(db: &impl ConnectionTrait, user: i64) -> Result<Option<String>> {
    Ok(user_emails::Entity::find_by_id(user)
        .one(db)
        .await?
        .map(|row| row.email))
}

/// Checks an address as an SMTP server will see it: `local@domain`, no spaces or angle
/// brackets, at most [`EMAIL_MAX`] characters. Answers it as stored.
pub fn parse_email(address: &str) -> Result<String> {
    let address = address.trim();
    let invalid = Error::Invalid { field: "email" };
    if address.len() > EMAIL_MAX {
        return Err(invalid);
    }
    let parsed = lettre::Address::from_str(address).map_err(|_| invalid)?;
    Ok(parsed.to_string())
}

/// Sets the actor's own email address, or clears it when `address` is blank. A bad address
/// is refused (`Invalid { field: "email" }`) and the stored one kept. Answers what is stored.
pub async fn set_email(ctx: &Ctx, actor: &Actor, address: &str) -> Result<Option<String>> {
    let user = actor.user_id().ok_or(Error::Forbidden)?;
    if address.trim().is_empty() {
        user_emails::Entity::delete_by_id(user.0)
            .exec(&ctx.db)
            .await?;
        return Ok(None);
    }
    let address = parse_email(address)?;
    let row = user_emails::ActiveModel {
        user_id: Set(user.0),
        email: Set(address.clone()),
        updated_at: Set(ctx.now()),
    };
    user_emails::Entity::insert(row)
        .on_conflict(
            OnConflict::column(user_emails::Column::UserId)
                .update_columns([user_emails::Column::Email, user_emails::Column::UpdatedAt])
                .to_owned(),
        )
        // Without RETURNING: MySQL reports an unchanged row as not inserted.
        .exec_without_returning(&ctx.db)
        .await?;
    Ok(Some(address))
}
