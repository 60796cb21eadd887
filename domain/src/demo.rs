//! A demo store with products, so a newcomer has something to look at.
use crate::Ctx;
use crate::actor::Actor;
use crate::catalog::products::{self, NewProduct};
use crate::error::{Error, Result};
use crate::ids::StoreId;
use crate::stores::{self, NewStore};

pub const DEMO_SLUG: &str = "demo";

const PRODUCTS: &[(&str, &str, &str, i64, i64)] = &[
    (
        "MUG-01",
        "Ceramic mug",
        "A 350 ml mug, dishwasher safe.",
        25_000,
        40,
    ),
    (
        "TEE-M",
        "T-shirt, M",
        "Organic cotton, printed in Kyiv.",
        59_900,
        25,
    ),
    (
        "TEE-L",
        "T-shirt, L",
        "Organic cotton, printed in Kyiv.",
        59_900,
        20,
    ),
    ("TOTE-01", "Tote bag", "Canvas tote, 10 litres.", 32_000, 15),
    (
        "STICK-SET",
        "Sticker set",
        "Twelve vinyl stickers.",
        9_900,
        100,
    ),
    ("NOTE-A5", "Notebook A5", "Dotted, 120 pages.", 18_500, 2),
];

/// Creates the demo store and its products; running it again changes nothing.
/// Returns the store and whether it was created now.
pub async fn seed(ctx: &Ctx) -> Result<(entity::stores::Model, bool)> {
    match stores::by_slug(&ctx.db, DEMO_SLUG).await {
        Ok(store) => return Ok((store, false)),
        Err(Error::NotFound { .. }) => {}
        Err(e) => return Err(e),
    }
    let operator = Actor::operator();
    let store = stores::create(
        ctx,
        &operator,
        NewStore {
            slug: DEMO_SLUG.to_owned(),
            name: "Vitrina Demo Shop".to_owned(),
            currency: "UAH".to_owned(),
            payment_instructions: "Transfer the amount to card 4441 1111 2222 3333 (Demo Shop) \
                                   and send a photo of the receipt here."
                .to_owned(),
            unpaid_deadline_minutes: 24 * 60,
        },
    )
    .await?;
    for &(sku, title, description, price_minor, on_hand) in PRODUCTS {
        let new = NewProduct {
            sku: sku.to_owned(),
            title: title.to_owned(),
            description: description.to_owned(),
            price_minor,
            on_hand,
            low_stock_threshold: None,
        };
        products::create(ctx, &operator, StoreId(store.id), new).await?;
    }
    Ok((store, true))
}
