//! Sandbox mode: Vitrina without Telegram, where one person plays customers and staff on a
//! page of the app. Here are the people they play and the store they play in: the demo store,
//! its platform OWNER and its ADMIN, and anyone added later.
//!
//! Sandbox people have Telegram ids of their own range ([`FIRST_ID`]..[`END_ID`]), so they can
//! be told apart from real users and listed again after a restart ([`people`]).
use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{StoreId, UserId};
use crate::kernel::policy::{Role, RoleExt as _};
use crate::people::users::{self, TelegramProfile};
use crate::{Ctx, operations::demo, people::staff, stores};
use entity::{staff_roles, users as users_table};

/// Someone the sandbox has from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Person {
    pub telegram_id: i64,
    pub first_name: &'static str,
    pub language: &'static str,
}

/// The platform OWNER.
pub const OWNER: Person = Person {
    telegram_id: 1_000_001,
    first_name: "Olena",
    language: "en",
};

/// The ADMIN of the demo store.
pub const ADMIN: Person = Person {
    telegram_id: 1_000_002,
    first_name: "Taras",
    language: "en",
};

/// The first customer (the bot meets her when she first writes to it).
pub const FIRST_CUSTOMER: Person = Person {
    telegram_id: 1_000_101,
    first_name: "Kate",
    language: "en",
};

/// Telegram ids of people added later ([`add_person`]) start here.
pub const NEW_PEOPLE_FROM: i64 = 1_000_200;

/// The Telegram ids of sandbox people: from [`FIRST_ID`] up to, not including, [`END_ID`].
pub const FIRST_ID: i64 = 1_000_001;
pub const END_ID: i64 = 2_000_000;

/// The longest first name, in characters.
pub const MAX_FIRST_NAME: usize = 64;

/// What [`seed`] made sure of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seeded {
    pub store: StoreId,
    pub owner: UserId,
    pub admin: UserId,
}

/// Makes sure the sandbox has its store and staff: the demo store ([`demo::seed`]), [`OWNER`]
/// as the platform OWNER and [`ADMIN`] as the demo store's ADMIN, both alerted to new receipts
/// when their role is handed out. Running it again changes nothing; people and roles already
/// there are left as they are.
pub async fn seed(ctx: &Ctx) -> Result<Seeded> {
    let (store, _) = demo::seed(ctx).await?;
    let store = StoreId(store.id);
    let owner = ensure_user(ctx, &OWNER).await?;
    let admin = ensure_user(ctx, &ADMIN).await?;
    ensure_role(ctx, owner, Role::Owner, None).await?;
    ensure_role(ctx, admin, Role::Admin, Some(store)).await?;
    Ok(Seeded {
        store,
        owner,
        admin,
    })
}

/// The user of `person`, created if there is none (an existing one is not touched).
async fn ensure_user(ctx: &Ctx, person: &Person) -> Result<UserId> {
    if let Some(user) = users::by_telegram_id(&ctx.db, person.telegram_id).await? {
        return Ok(UserId(user.id));
    }
    let profile = TelegramProfile {
        telegram_id: person.telegram_id,
        username: None,
        first_name: person.first_name.to_owned(),
        last_name: None,
        language: Some(person.language.to_owned()),
    };
    Ok(UserId(
        users::upsert(&ctx.db, ctx.now(), &profile).await?.id,
    ))
}

/// Grants `role` to `user` in `scope` (as the operator) unless they hold exactly it there
/// already, and then makes sure receipt alerts are on when the role decides payments.
async fn ensure_role(ctx: &Ctx, user: UserId, role: Role, scope: Option<StoreId>) -> Result<()> {
    let current = staff::scoped(user, scope).one(&ctx.db).await?;
    if current.is_some_and(|r| r.role == role) {
        return Ok(());
    }
    let row = staff::grant(ctx, &Actor::operator(), user, role, scope).await?;
    // A new row starts with alerts on; one changed from another role keeps its old choice.
    if let Some(s) = scope
        && !row.receipt_alerts
        && crate::kernel::policy::allows(role, crate::kernel::policy::Capability::DecidePayments)
    {
        staff::set_receipt_alerts(&ctx.db, user, s, true).await?;
    }
    Ok(())
}

/// Adds someone to the sandbox, or updates their name and language: a customer (`role`
/// `None`; roles they hold stay) or staff (OWNER platform-wide, ADMIN or VENDOR in the demo
/// store, which [`seed`] must have made). `telegram_id` is one of the ids for people added
/// later ([`NEW_PEOPLE_FROM`]..[`END_ID`]).
pub async fn add_person(
    ctx: &Ctx,
    telegram_id: i64,
    first_name: &str,
    language: &str,
    role: Option<Role>,
) -> Result<UserId> {
    if !(NEW_PEOPLE_FROM..END_ID).contains(&telegram_id) {
        return Err(Error::Invalid {
            field: "telegram_id",
        });
    }
    let first_name = first_name.trim();
    if !(1..=MAX_FIRST_NAME).contains(&first_name.chars().count()) {
        return Err(Error::Invalid {
            field: "first_name",
        });
    }
    if !crate::catalog::texts::LANGS.contains(&language) {
        return Err(Error::Invalid { field: "language" });
    }
    // Where the role is held: OWNER platform-wide, the others in the demo store.
    let scope = match role {
        Some(r) if !r.is_platform_wide() => {
            Some(StoreId(stores::by_slug(&ctx.db, demo::DEMO_SLUG).await?.id))
        }
        _ => None,
    };
    let profile = TelegramProfile {
        telegram_id,
        username: None,
        first_name: first_name.to_owned(),
        last_name: None,
        language: Some(language.to_owned()),
    };
    let user = UserId(users::upsert(&ctx.db, ctx.now(), &profile).await?.id);
    // `upsert` keeps the language of someone it knows; here the language is the one asked for.
    users::set_language(&ctx.db, user, language).await?;
    if let Some(role) = role {
        ensure_role(ctx, user, role, scope).await?;
    }
    Ok(user)
}

/// Everyone in the sandbox (Telegram ids [`FIRST_ID`]..[`END_ID`]), by Telegram id: their
/// Telegram id, first name, language and strongest role (anywhere), if any.
pub async fn people(db: &impl ConnectionTrait) -> Result<Vec<(i64, String, String, Option<Role>)>> {
    let users = users_table::Entity::find()
        .filter(users_table::Column::TelegramId.gte(FIRST_ID))
        .filter(users_table::Column::TelegramId.lt(END_ID))
        .order_by_asc(users_table::Column::TelegramId)
        .all(db)
        .await?;
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let mut strongest: HashMap<i64, Role> = HashMap::new();
    if !ids.is_empty() {
        for row in staff_roles::Entity::find()
            .filter(staff_roles::Column::UserId.is_in(ids))
            .all(db)
            .await?
        {
            let role = row.role;
            // A store-less row grants only OWNER (as `policy::Roles` reads them).
            if row.store_id.is_none() && !role.is_platform_wide() {
                continue;
            }
            let best = strongest.entry(row.user_id).or_insert(role);
            *best = (*best).max(role);
        }
    }
    Ok(users
        .into_iter()
        .map(|u| {
            let role = strongest.get(&u.id).copied();
            (u.telegram_id, u.first_name, u.language, role)
        })
        .collect())
}

/// The highest Telegram `update_id` this database has seen from `bot_id` (0 if none): a
/// restarted stand-in numbers its updates after it, or the bot would take them for ones it
/// already handled.
pub async fn last_update_id(db: &impl ConnectionTrait, bot_id: i64) -> Result<i64> {
    use entity::{processed_updates as done, telegram_inbox as inbox};
    let handled = done::Entity::find()
        .filter(done::Column::BotId.eq(bot_id))
        .order_by_desc(done::Column::UpdateId)
        .one(db)
        .await?
        .map_or(0, |u| u.update_id);
    let kept = inbox::Entity::find()
        .filter(inbox::Column::BotId.eq(bot_id))
        .order_by_desc(inbox::Column::UpdateId)
        .one(db)
        .await?
        .map_or(0, |u| u.update_id);
    Ok(handled.max(kept))
}
