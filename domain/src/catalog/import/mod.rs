//! Products from a CSV file (VENDOR and up), in the columns [`super::export`] writes.
//!
//! Every row is checked first; a file with any bad row imports nothing and answers a report of
//! every problem with its line. A good file is written in one transaction: new SKUs are created,
//! known ones updated (a change of stock on hand as an `import` stock movement), rows that
//! change nothing are left alone.
use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::csv::{self, Limits};
use super::products::{self, ProductChanges};
use super::stock::{self, Reason};
use super::texts::{self, DESCRIPTION_FIELDS, TITLE_FIELDS, Texts};
use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::StoreId;
use crate::kernel::money::Currency;
use crate::kernel::policy::{self, Capability};
use crate::{Ctx, in_tx, kernel::db, platform::audit, stores};
use entity::products as product_rows;
use rows::{Header, Row, row};

mod rows;

/// The most products one file may hold, and its largest size (it must also fit the
/// backoffice's 1 MiB request limit with the form around it).
pub const MAX_ROWS: usize = 5000;
pub const MAX_BYTES: usize = 1000 * 1024;

const LIMITS: Limits = Limits {
    max_bytes: MAX_BYTES,
    max_rows: MAX_ROWS,
    // Longer than any valid field, so a too-long description is reported on its row.
    max_field: 10_000,
};

/// The columns every file has, first in the export.
pub const REQUIRED: [&str; 8] = [
    "sku",
    "title",
    "description",
    "price",
    "currency",
    "on_hand",
    "low_stock_threshold",
    "active",
];

/// Required columns that may be left empty.
const MAY_BE_EMPTY: [&str; 2] = ["description", "low_stock_threshold"];

/// Every column, in the export's order: the required ones, then the per-language texts.
pub fn columns() -> impl Iterator<Item = &'static str> {
    REQUIRED
        .into_iter()
        .chain(TITLE_FIELDS)
        .chain(DESCRIPTION_FIELDS)
}

/// A bad row: its line in the file (the header is line 1) and what is wrong.
#[derive(Debug)]
pub struct Problem {
    pub line: usize,
    pub error: Error,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Debug)]
pub enum Outcome {
    Imported(Summary),
    /// Nothing was imported.
    Rejected(Vec<Problem>),
}

/// Reads and checks the whole file against the store as it is now.
async fn check(
    db: &impl ConnectionTrait,
    store: &entity::stores::Model,
    bytes: &[u8],
) -> Result<std::result::Result<Vec<Row>, Vec<Problem>>> {
    let records = csv::parse(bytes, LIMITS)?;
    let (head, body) = records.split_first().ok_or(Error::CsvUnreadable {
        line: 1,
        problem: "empty",
    })?;
    let header = Header::read(head)?;
    if body.is_empty() {
        return Err(Error::CsvUnreadable {
            line: 2,
            problem: "empty",
        });
    }
    let currency = Currency::parse(&store.currency)?;
    let existing = by_sku(db, StoreId(store.id), false).await?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    for record in body {
        let mut errors = Vec::new();
        match row(&header, record, currency) {
            Ok(r) => {
                let sku = r.new.sku.trim();
                match seen.get(&key(sku)) {
                    Some(first) => errors.push(Error::CsvDuplicateSku {
                        sku: sku.to_owned(),
                        first_line: *first,
                    }),
                    None => {
                        seen.insert(key(sku), r.line);
                    }
                }
                if let Some(p) = existing.get(&key(sku))
                    && r.new.on_hand < i64::from(p.reserved)
                {
                    errors.push(Error::InsufficientStock {
                        on_hand: r.new.on_hand,
                        reserved: i64::from(p.reserved),
                    });
                }
                if errors.is_empty() {
                    rows.push(r);
                }
            }
            Err(e) => errors = e,
        }
        let line = record.line;
        problems.extend(errors.into_iter().map(|error| Problem { line, error }));
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    Ok(Ok(rows))
}

/// Imports `bytes` into the store's catalog.
pub async fn import(ctx: &Ctx, actor: &Actor, store: StoreId, bytes: &[u8]) -> Result<Outcome> {
    policy::require(&ctx.db, actor, store, Capability::ManageCatalog).await?;
    let shop = stores::load(&ctx.db, store).await?;
    let rows = match check(&ctx.db, &shop, bytes).await? {
        Ok(rows) => rows,
        Err(problems) => return Ok(Outcome::Rejected(problems)),
    };
    let mut attempt = 0;
    loop {
        match write(ctx, actor, store, &rows).await {
            // Someone created one of the SKUs meanwhile; the next try updates it instead.
            Err(Error::Db(e)) if db::is_unique_violation(&e) && attempt < 2 => attempt += 1,
            other => return other.map(Outcome::Imported),
        }
    }
}

/// Writes checked rows in one transaction.
async fn write(ctx: &Ctx, actor: &Actor, store: StoreId, rows: &[Row]) -> Result<Summary> {
    let now = ctx.now();
    in_tx!(&ctx.db, |txn| async {
        policy::require(&txn, actor, store, Capability::ManageCatalog).await?;
        let shop = stores::load(&txn, store).await?;
        // Locked, so what is compared below is what gets changed.
        let mut existing = by_sku(&txn, store, true).await?;
        let mut own_texts = texts::of_store(&txn, store).await?;
        let mut summary = Summary::default();
        for r in rows {
            match existing.remove(&key(&r.new.sku)) {
                Some(before) => {
                    let before_texts = own_texts.remove(&before.id).unwrap_or_default();
                    match update(&txn, now, actor, before, &before_texts, r).await? {
                        true => summary.updated += 1,
                        false => summary.unchanged += 1,
                    }
                }
                None => {
                    let new = (&r.new, r.active);
                    products::create_in(&txn, now, actor, &shop, new, &r.texts).await?;
                    summary.created += 1;
                }
            }
        }
        let entry = audit::Entry {
            store: Some(store),
            action: "product.import",
            object_type: "store",
            object_id: store.to_string(),
            before: None,
            after: audit::snapshot(&serde_json::json!({
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            })),
        };
        audit::record(&txn, now, actor, entry).await?;
        Ok(summary)
    }
    .await)
}

/// Applies a row to a product it names; `false` when it changes nothing.
async fn update(
    txn: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    before: product_rows::Model,
    before_texts: &Texts,
    r: &Row,
) -> Result<bool> {
    let new = &r.new;
    let texts_same = r.texts.iter().all(|(lang, t)| {
        let wanted = Some(t.title.trim())
            .filter(|t| !t.is_empty())
            .map(|title| (title, t.description.trim()));
        let now = before_texts
            .get(lang)
            .map(|b| (b.title.as_str(), b.description.as_str()));
        wanted == now
    });
    let same = before.title == new.title.trim()
        && before.description == new.description.trim()
        && before.price_minor == new.price_minor
        && before.active == r.active
        && before.low_stock_threshold == new.low_stock_threshold
        && texts_same;
    let delta = new.on_hand - i64::from(before.on_hand);
    if same && delta == 0 {
        return Ok(false);
    }
    let product = match same {
        true => before,
        false => {
            let changes = ProductChanges {
                title: Some(new.title.clone()),
                description: Some(new.description.clone()),
                price_minor: Some(new.price_minor),
                active: Some(r.active),
                low_stock_threshold: Some(new.low_stock_threshold),
                texts: Some(r.texts.clone()),
            };
            products::update_in(txn, now, actor, before, &changes).await?
        }
    };
    if delta != 0 {
        stock::adjust_in(txn, now, actor, &product, delta, Reason::Import, None).await?;
    }
    Ok(true)
}

/// How SKUs are compared: MariaDB's unique index ignores case, so every backend does.
fn key(sku: &str) -> String {
    sku.trim().to_ascii_uppercase()
}

/// The store's products by [`key`], locked for this transaction when `lock` is set.
async fn by_sku(
    db: &impl ConnectionTrait,
    store: StoreId,
    lock: bool,
) -> Result<HashMap<String, product_rows::Model>> {
    let mut q = product_rows::Entity::find().filter(product_rows::Column::StoreId.eq(store.0));
    if lock {
        q = q.lock_exclusive();
    }
    Ok(q.all(db)
        .await?
        .into_iter()
        .map(|p| (key(&p.sku), p))
        .collect())
}
