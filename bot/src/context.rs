//! Who sent an update, in which language, whether they work in a store, and whether we have
//! handled the update before.
use domain::people::users::{self, TelegramProfile};
use domain::{Actor, Channel, StoreId, UserId};
use i18n::Lang;
use teloxide::dispatching::UpdateHandler;
use teloxide::types::Update;

use crate::afterwards::{Place, afterwards};
use crate::{BotError, Services};

/// The sender of an update, known to the database.
#[derive(Clone, Debug)]
pub struct Who {
    pub user: entity::users::Model,
    pub lang: Lang,
    pub actor: Actor,
    pub chat: teloxide::types::ChatId,
}

impl Who {
    pub fn id(&self) -> UserId {
        UserId(self.user.id)
    }
}

/// Telegram redelivers updates we did not acknowledge; one we finished is skipped.
pub async fn not_seen_before(update: Update, services: Services) -> bool {
    let id = i64::from(update.id.0);
    if !services.ledger.needs_check(id) {
        // Kept for the first time by this process a moment ago: nobody handled it yet.
        return true;
    }
    match domain::platform::updates::claims::seen(&services.ctx.db, services.bot_id, id).await {
        Ok(seen) => {
            if seen {
                tracing::info!(update_id = id, "skipping an update handled before");
            }
            !seen
        }
        Err(e) => {
            // Better to handle twice (business steps are guarded again) than to drop it.
            tracing::warn!(error = %e, "could not check update de-duplication");
            true
        }
    }
}

/// Records the sender, and builds the actor every domain call gets.
pub async fn identify(update: Update, services: Services) -> Option<Who> {
    let from = update.from()?.clone();
    let chat = update
        .chat()
        .map(|c| c.id)
        .unwrap_or(teloxide::types::ChatId(from.id.0 as i64));
    let telegram_id = i64::try_from(from.id.0).ok()?;
    let profile = TelegramProfile {
        telegram_id,
        username: from.username.clone(),
        first_name: from.first_name.clone(),
        last_name: from.last_name.clone(),
        language: from.language_code.clone(),
    };
    let user = match users::upsert(&services.ctx.db, services.ctx.now(), &profile).await {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "could not record the sender");
            return None;
        }
    };
    let lang = Lang::from_tag(&user.language);
    let update_id = i64::from(update.id.0);
    let actor = Actor::user(UserId(user.id), Channel::Bot)
        .with_origin(format!("telegram:{telegram_id}"))
        .with_update(services.bot_id, update_id);
    Some(Who {
        user,
        lang,
        actor,
        chat,
    })
}

/// The staff context: the store a staff member works in from Telegram (the one they opened
/// last if they have a role there, else their first).
#[derive(Clone, Copy, Debug)]
pub struct Staff {
    pub store: StoreId,
}

/// The sender's [`Staff`] context; `None` for everyone without a role.
pub async fn staff(who: Who, services: Services) -> Option<Staff> {
    match users::working_store(&services.ctx.db, who.id()).await {
        Ok(store) => store.map(|store| Staff { store }),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the sender's roles");
            None
        }
    }
}

/// Runs the rest of the tree, then records the update as handled (a redelivery is skipped by
/// [`not_seen_before`]), whatever the outcome.
pub fn claim_when_done() -> UpdateHandler<BotError> {
    afterwards(Place::Link, |deps| async move {
        let (Some(who), Some(services)) = (deps.try_get::<Who>(), deps.try_get::<Services>())
        else {
            return;
        };
        let Some((bot, update)) = who.actor.update else {
            return;
        };
        services
            .ledger
            .close(&services.ctx, bot, update, true)
            .await;
    })
}
