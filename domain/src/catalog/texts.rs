//! A product's title and description per language (`product_texts`). The product's own columns
//! stay the default, shown in any language that has no text of its own.
use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{ProductId, StoreId};
pub use crate::kernel::langs::{LANGS, lang_index};
use entity::{product_texts, products};

/// The longest title and description, in characters. A description must fit a Telegram
/// message with the rest of the product card.
pub const MAX_TITLE: usize = 255;
pub const MAX_DESCRIPTION: usize = 3000;

/// Field names of the per-language inputs (and CSV columns), in the order of [`LANGS`].
pub const TITLE_FIELDS: [&str; 3] = ["title_en", "title_ru", "title_uk"];
pub const DESCRIPTION_FIELDS: [&str; 3] = ["description_en", "description_ru", "description_uk"];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Text {
    pub title: String,
    pub description: String,
}

impl From<product_texts::Model> for Text {
    fn from(t: product_texts::Model) -> Self {
        Text {
            title: t.title,
            description: t.description,
        }
    }
}

/// Texts by language code. A language given with an empty title has no text of its own (the
/// default is shown); a language not given at all is left as it is.
pub type Texts = BTreeMap<String, Text>;

/// The language code as stored, if it is one of [`LANGS`].
fn known(code: &str) -> Option<&'static str> {
    LANGS.iter().copied().find(|l| *l == code)
}

/// Checks the default title and description of a product.
pub fn check_default(title: &str, description: &str) -> Result<()> {
    if !(1..=MAX_TITLE).contains(&title.trim().chars().count()) {
        return Err(Error::Invalid { field: "title" });
    }
    if description.trim().chars().count() > MAX_DESCRIPTION {
        return Err(Error::Invalid {
            field: "description",
        });
    }
    Ok(())
}

/// Checks per-language texts: known languages, lengths, and no description without a title
/// (it would never be shown).
pub fn check(texts: &Texts) -> Result<()> {
    for (lang, text) in texts {
        let i = lang_index(lang)?;
        let title = text.title.trim().chars().count();
        let description = text.description.trim().chars().count();
        if title > MAX_TITLE || (title == 0 && description > 0) {
            return Err(Error::Invalid {
                field: TITLE_FIELDS[i],
            });
        }
        if description > MAX_DESCRIPTION {
            return Err(Error::Invalid {
                field: DESCRIPTION_FIELDS[i],
            });
        }
    }
    Ok(())
}

/// Writes the languages given in `texts` (an empty title removes that language's text);
/// others stay. Callers run it in their transaction after [`check`].
pub(crate) async fn set_in(
    txn: &impl ConnectionTrait,
    product: ProductId,
    texts: &Texts,
) -> Result<()> {
    for (lang, text) in texts {
        let lang = known(lang).ok_or(Error::Invalid { field: "lang" })?;
        let title = text.title.trim();
        if title.is_empty() {
            product_texts::Entity::delete_many()
                .filter(product_texts::Column::ProductId.eq(product.0))
                .filter(product_texts::Column::Lang.eq(lang))
                .exec(txn)
                .await?;
            continue;
        }
        let row = product_texts::ActiveModel {
            id: NotSet,
            product_id: Set(product.0),
            lang: Set(lang.to_owned()),
            title: Set(title.to_owned()),
            description: Set(text.description.trim().to_owned()),
        };
        // One statement whether or not the row exists, so concurrent saves cannot collide.
        product_texts::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    product_texts::Column::ProductId,
                    product_texts::Column::Lang,
                ])
                .update_columns([
                    product_texts::Column::Title,
                    product_texts::Column::Description,
                ])
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// A product's own texts, by language.
pub async fn of(db: &impl ConnectionTrait, product: ProductId) -> Result<Texts> {
    Ok(product_texts::Entity::find()
        .filter(product_texts::Column::ProductId.eq(product.0))
        .order_by_asc(product_texts::Column::Lang)
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.lang.clone(), Text::from(t)))
        .collect())
}

/// The texts of several products in every language, by product id.
pub async fn of_many(
    db: &impl ConnectionTrait,
    products: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Texts>> {
    let ids: Vec<i64> = products.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    grouped(product_texts::Column::ProductId.is_in(ids), db).await
}

/// The texts of every product of a store, by product id.
pub(crate) async fn of_store(
    db: &impl ConnectionTrait,
    store: StoreId,
) -> Result<HashMap<i64, Texts>> {
    let ids = Query::select()
        .column(products::Column::Id)
        .from(products::Entity)
        .and_where(products::Column::StoreId.eq(store.0))
        .to_owned();
    grouped(product_texts::Column::ProductId.in_subquery(ids), db).await
}

async fn grouped(
    which: sea_orm::sea_query::SimpleExpr,
    db: &impl ConnectionTrait,
) -> Result<HashMap<i64, Texts>> {
    let mut out: HashMap<i64, Texts> = HashMap::new();
    for t in product_texts::Entity::find().filter(which).all(db).await? {
        out.entry(t.product_id)
            .or_default()
            .insert(t.lang.clone(), Text::from(t));
    }
    Ok(out)
}

/// The texts of several products in one language, by product id (only those that have one).
pub async fn in_lang(
    db: &impl ConnectionTrait,
    products: impl IntoIterator<Item = i64>,
    lang: &str,
) -> Result<HashMap<i64, Text>> {
    let Some(lang) = known(lang) else {
        return Ok(HashMap::new());
    };
    let ids: Vec<i64> = products.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(product_texts::Entity::find()
        .filter(product_texts::Column::ProductId.is_in(ids))
        .filter(product_texts::Column::Lang.eq(lang))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.product_id, Text::from(t)))
        .collect())
}

/// What a customer speaking `lang` sees of a product: its text in that language, else the
/// default.
pub async fn localized(
    db: &impl ConnectionTrait,
    product: &products::Model,
    lang: &str,
) -> Result<Text> {
    let mut found = in_lang(db, [product.id], lang).await?;
    Ok(found.remove(&product.id).unwrap_or_else(|| Text {
        title: product.title.clone(),
        description: product.description.clone(),
    }))
}

/// Puts the texts in `lang` in place of the defaults, for showing a list to a customer.
pub async fn localize_all(
    db: &impl ConnectionTrait,
    products: &mut [products::Model],
    lang: &str,
) -> Result<()> {
    let mut found = in_lang(db, products.iter().map(|p| p.id), lang).await?;
    for p in products.iter_mut() {
        if let Some(text) = found.remove(&p.id) {
            p.title = text.title;
            p.description = text.description;
        }
    }
    Ok(())
}
