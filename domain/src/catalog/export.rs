//! The store's products as CSV fields in the columns [`super::import`] reads, so an export
//! imports back unchanged. Fields are raw: the adapter quotes them and defuses formulas.
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::import;
use super::texts::{self, LANGS, Texts};
use crate::kernel::actor::Actor;
use crate::kernel::error::Result;
use crate::kernel::ids::StoreId;
use crate::kernel::policy::{self, Capability};
use entity::products;

/// The header line, without its line end.
pub fn header() -> String {
    import::columns().collect::<Vec<_>>().join(",")
}

/// Up to `limit` products after the one with id `after`, and where the next page starts.
pub struct Page {
    pub rows: Vec<Vec<String>>,
    pub next: Option<i64>,
}

/// A page of the store's products by id. Same access as the import.
pub async fn page(
    db: &impl ConnectionTrait,
    actor: &Actor,
    store: StoreId,
    after: Option<i64>,
    limit: u64,
) -> Result<Page> {
    policy::require(db, actor, store, Capability::ManageCatalog).await?;
    let mut q = products::Entity::find()
        .filter(products::Column::StoreId.eq(store.0))
        .order_by_asc(products::Column::Id)
        .limit(limit);
    if let Some(after) = after {
        q = q.filter(products::Column::Id.gt(after));
    }
    let list = q.all(db).await?;
    let texts = texts::of_many(db, list.iter().map(|p| p.id)).await?;
    let next = match list.len() as u64 == limit {
        true => list.last().map(|p| p.id),
        false => None,
    };
    let rows = list.iter().map(|p| fields(p, texts.get(&p.id))).collect();
    Ok(Page { rows, next })
}

fn fields(p: &products::Model, texts: Option<&Texts>) -> Vec<String> {
    // In the currency's own minor units, the way the import's `Money::parse` reads it.
    let price = crate::kernel::money::decimal(p.price_minor, &p.currency);
    let mut f = vec![
        p.sku.clone(),
        p.title.clone(),
        p.description.clone(),
        price,
        p.currency.clone(),
        p.on_hand.to_string(),
        p.low_stock_threshold
            .map(|t| t.to_string())
            .unwrap_or_default(),
        p.active.to_string(),
    ];
    let text = |lang: &str| texts.and_then(|t| t.get(lang));
    f.extend(LANGS.map(|l| text(l).map(|t| t.title.clone()).unwrap_or_default()));
    f.extend(LANGS.map(|l| text(l).map(|t| t.description.clone()).unwrap_or_default()));
    f
}
