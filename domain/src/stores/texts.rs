//! A store's payment instructions per language (`store_texts`). The store's own column stays
//! the default, told to customers in any language that has no instructions of its own.
use std::collections::BTreeMap;

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::kernel::error::{Error, Result};
use crate::kernel::ids::StoreId;
use crate::kernel::langs::{LANGS, lang_index};
use entity::{store_texts, stores};

/// The longest instructions, in characters (they go into one Telegram message).
pub const MAX_INSTRUCTIONS: usize = 3000;

/// Field names of the per-language inputs, in the order of [`LANGS`].
pub const FIELDS: [&str; 3] = [
    "payment_instructions_en",
    "payment_instructions_ru",
    "payment_instructions_uk",
];

/// Instructions by language code. An empty text removes that language's instructions (the
/// default is told); a language not given at all is left as it is.
pub type Instructions = BTreeMap<String, String>;

/// Checks the default instructions.
pub fn check_default(instructions: &str) -> Result<()> {
    if instructions.trim().chars().count() > MAX_INSTRUCTIONS {
        return Err(Error::Invalid {
            field: "payment_instructions",
        });
    }
    Ok(())
}

pub fn check(texts: &Instructions) -> Result<()> {
    for (lang, text) in texts {
        let i = lang_index(lang)?;
        if text.trim().chars().count() > MAX_INSTRUCTIONS {
            return Err(Error::Invalid { field: FIELDS[i] });
        }
    }
    Ok(())
}

/// Writes the languages given in `texts`, in the caller's transaction, after [`check`].
pub(crate) async fn set_in(
    txn: &impl ConnectionTrait,
    store: StoreId,
    texts: &Instructions,
) -> Result<()> {
    for (lang, text) in texts {
        let lang = LANGS[lang_index(lang)?];
        let text = text.trim();
        if text.is_empty() {
            store_texts::Entity::delete_many()
                .filter(store_texts::Column::StoreId.eq(store.0))
                .filter(store_texts::Column::Lang.eq(lang))
                .exec(txn)
                .await?;
            continue;
        }
        let row = store_texts::ActiveModel {
            id: NotSet,
            store_id: Set(store.0),
            lang: Set(lang.to_owned()),
            payment_instructions: Set(text.to_owned()),
        };
        store_texts::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([store_texts::Column::StoreId, store_texts::Column::Lang])
                    .update_column(store_texts::Column::PaymentInstructions)
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// A store's own instructions, by language.
pub async fn of(db: &impl ConnectionTrait, store: StoreId) -> Result<Instructions> {
    Ok(store_texts::Entity::find()
        .filter(store_texts::Column::StoreId.eq(store.0))
        .order_by_asc(store_texts::Column::Lang)
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.lang, t.payment_instructions))
        .collect())
}

/// What a customer speaking `lang` is told to do to pay: the store's instructions in that
/// language, else the default.
pub async fn payment_instructions(
    db: &impl ConnectionTrait,
    store: &stores::Model,
    lang: &str,
) -> Result<String> {
    let found = store_texts::Entity::find()
        .filter(store_texts::Column::StoreId.eq(store.id))
        .filter(store_texts::Column::Lang.eq(lang))
        .one(db)
        .await?;
    Ok(found.map_or_else(
        || store.payment_instructions.clone(),
        |t| t.payment_instructions,
    ))
}
