//! People as Telegram knows them. Anyone who talks to the bot is a user; roles are separate.
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{StoreId, UserId};
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
    match crate::kernel::money::Locale::from_tag(tag.unwrap_or("en")) {
        crate::kernel::money::Locale::Ru => "ru",
        crate::kernel::money::Locale::Uk => "uk",
        crate::kernel::money::Locale::En => "en",
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
        // Every update from Telegram carries the profile; most carry it unchanged, and then
        // nothing is written.
        let first_name_kept = p.first_name.is_empty() || p.first_name == existing.first_name;
        if existing.username == p.username && existing.last_name == p.last_name && first_name_kept {
            return Ok(existing);
        }
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
        current_store_id: Set(None),
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

/// How people are named to others: `@username`, else the first name.
pub fn name_of(user: &users::Model) -> String {
    match &user.username {
        Some(name) if !name.is_empty() => format!("@{name}"),
        _ => user.first_name.clone(),
    }
}

/// [`name_of`] the user with this id; `None` when there is no such user.
pub async fn display_name(db: &impl ConnectionTrait, id: UserId) -> Result<Option<String>> {
    let user = users::Entity::find_by_id(id.0).one(db).await?;
    Ok(user.as_ref().map(name_of))
}

/// Remembers the store `user` is shopping in (the bot's catalog and cart follow it).
pub async fn set_current_store(
    db: &impl ConnectionTrait,
    user: UserId,
    store: StoreId,
) -> Result<()> {
    // The column has no foreign key (see the migration), so the store is checked here.
    crate::stores::load(db, store).await?;
    let res = users::Entity::update_many()
        .col_expr(
            users::Column::CurrentStoreId,
            sea_orm::sea_query::Expr::value(store.0),
        )
        .filter(users::Column::Id.eq(user.0))
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(Error::NotFound { what: "user" });
    }
    Ok(())
}

/// The store `user` is shopping in, if they picked one.
pub async fn current_store(db: &impl ConnectionTrait, user: UserId) -> Result<Option<StoreId>> {
    let row: Option<Option<i64>> = users::Entity::find_by_id(user.0)
        .select_only()
        .column(users::Column::CurrentStoreId)
        .into_tuple()
        .one(db)
        .await?;
    let current = row.ok_or(Error::NotFound { what: "user" })?;
    Ok(current.map(StoreId))
}

/// Keeps the language a user picked (`en`, `ru` or `uk`; anything else becomes `en`).
pub async fn set_language(db: &impl ConnectionTrait, user: UserId, tag: &str) -> Result<()> {
    users::Entity::update_many()
        .col_expr(
            users::Column::Language,
            sea_orm::sea_query::Expr::value(language_of(Some(tag))),
        )
        .filter(users::Column::Id.eq(user.0))
        .exec(db)
        .await?;
    Ok(())
}

/// The one rule for the store someone is in: the one they chose (opened last in the bot, or
/// switched to in the browser) while it is still among theirs, else the first of theirs.
/// `None`: they have none.
pub fn pick_store(chosen: Option<StoreId>, theirs: &[StoreId]) -> Option<StoreId> {
    chosen
        .filter(|c| theirs.contains(c))
        .or_else(|| theirs.first().copied())
}

/// The store a customer shops in from Telegram: [`pick_store`] among every store.
pub async fn shopping_store(
    db: &impl ConnectionTrait,
    user: UserId,
) -> Result<Option<entity::stores::Model>> {
    let all = crate::stores::list(db).await?;
    let ids: Vec<StoreId> = all.iter().map(|s| StoreId(s.id)).collect();
    let chosen = current_store(db, user).await?;
    let picked = pick_store(chosen, &ids);
    Ok(all.into_iter().find(|s| Some(StoreId(s.id)) == picked))
}

/// The store a staff member works in from Telegram: [`pick_store`] among the stores where they
/// hold a role.
pub async fn working_store(db: &impl ConnectionTrait, user: UserId) -> Result<Option<StoreId>> {
    let theirs = crate::kernel::policy::staff_stores(db, user).await?;
    if theirs.is_empty() {
        // A customer (most senders): no store to choose among.
        return Ok(None);
    }
    let chosen = current_store(db, user).await?;
    Ok(pick_store(chosen, &theirs))
}
