//! People as Telegram knows them. Anyone who talks to the bot is a user; roles are separate.
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::error::{Error, Result};
use crate::ids::UserId;
use entity::users;

#[derive(Clone, Debug, Default)]
pub struct TelegramProfile {
    pub telegram_id: i64,
    pub username: Option<String>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub language: Option<String>,
}

/// The languages we speak; anything else falls back to English.
pub fn language_of(tag: Option<&str>) -> &'static str {
    match crate::money::Locale::from_tag(tag.unwrap_or("en")) {
        crate::money::Locale::Ru => "ru",
        crate::money::Locale::Uk => "uk",
        crate::money::Locale::En => "en",
    }
}

/// Creates the user on first contact, refreshes the Telegram profile afterwards. The chosen
/// language is kept once set (a user may pick another one than Telegram's).
pub async fn upsert(
    db: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    p: &TelegramProfile,
) -> Result<users::Model> {
    if p.telegram_id == 0 {
        return Err(Error::Invalid {
            field: "telegram_id",
        });
    }
    if let Some(existing) = by_telegram_id(db, p.telegram_id).await? {
        let mut row: users::ActiveModel = existing.into();
        row.username = Set(p.username.clone());
        if !p.first_name.is_empty() {
            row.first_name = Set(p.first_name.clone());
        }
        row.last_name = Set(p.last_name.clone());
        row.updated_at = Set(now);
        return Ok(row.update(db).await?);
    }
    let row = users::ActiveModel {
        id: NotSet,
        telegram_id: Set(p.telegram_id),
        username: Set(p.username.clone()),
        first_name: Set(p.first_name.clone()),
        last_name: Set(p.last_name.clone()),
        language: Set(language_of(p.language.as_deref()).to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(row.insert(db).await?)
}

pub async fn by_telegram_id(
    db: &impl ConnectionTrait,
    telegram_id: i64,
) -> Result<Option<users::Model>> {
    Ok(users::Entity::find()
        .filter(users::Column::TelegramId.eq(telegram_id))
        .one(db)
        .await?)
}

/// How staff are named to others: `@username`, else the first name.
pub async fn display_name(db: &impl ConnectionTrait, id: UserId) -> Result<Option<String>> {
    let user = users::Entity::find_by_id(id.0).one(db).await?;
    Ok(user.map(|u| match u.username {
        Some(name) if !name.is_empty() => format!("@{name}"),
        _ => u.first_name,
    }))
}
