//! A demo store with products, so a newcomer has something to look at. Its products and payment
//! instructions speak every language the bot does.
use std::collections::HashMap;

use crate::Ctx;
use crate::catalog::products::{self, NewProduct, ProductChanges};
use crate::catalog::texts::{self, LANGS, Text, Texts};
use crate::kernel::actor::Actor;
use crate::kernel::error::{Error, Result};
use crate::kernel::ids::{ProductId, StoreId};
use crate::stores::texts::{self as store_texts, Instructions};
use crate::stores::{self, NewStore, StoreSettings};

pub const DEMO_SLUG: &str = "demo";

/// A demo product: its title and description in each of [`LANGS`] (English first, which is
/// also the product's default).
struct DemoProduct {
    sku: &'static str,
    price_minor: i64,
    on_hand: i64,
    texts: [(&'static str, &'static str); 3],
}

const PRODUCTS: &[DemoProduct] = &[
    DemoProduct {
        sku: "MUG-01",
        price_minor: 25_000,
        on_hand: 40,
        texts: [
            ("Ceramic mug", "A 350 ml mug, dishwasher safe."),
            (
                "Керамическая кружка",
                "Кружка на 350 мл, можно мыть в посудомоечной машине.",
            ),
            (
                "Керамічна чашка",
                "Чашка на 350 мл, можна мити в посудомийній машині.",
            ),
        ],
    },
    DemoProduct {
        sku: "TEE-M",
        price_minor: 59_900,
        on_hand: 25,
        texts: [
            ("T-shirt, M", "Organic cotton, printed in Kyiv."),
            ("Футболка, размер M", "Органический хлопок, печать в Киеве."),
            ("Футболка, розмір M", "Органічна бавовна, друк у Києві."),
        ],
    },
    DemoProduct {
        sku: "TEE-L",
        price_minor: 59_900,
        on_hand: 20,
        texts: [
            ("T-shirt, L", "Organic cotton, printed in Kyiv."),
            ("Футболка, размер L", "Органический хлопок, печать в Киеве."),
            ("Футболка, розмір L", "Органічна бавовна, друк у Києві."),
        ],
    },
    DemoProduct {
        sku: "TOTE-01",
        price_minor: 32_000,
        on_hand: 15,
        texts: [
            ("Tote bag", "Canvas tote, 10 litres."),
            ("Сумка-шопер", "Холщовый шопер на 10 литров."),
            ("Сумка-шопер", "Полотняний шопер на 10 літрів."),
        ],
    },
    DemoProduct {
        sku: "STICK-SET",
        price_minor: 9_900,
        on_hand: 100,
        texts: [
            ("Sticker set", "Twelve vinyl stickers."),
            ("Набор наклеек", "Двенадцать виниловых наклеек."),
            ("Набір наліпок", "Дванадцять вінілових наліпок."),
        ],
    },
    DemoProduct {
        sku: "NOTE-A5",
        price_minor: 18_500,
        on_hand: 2,
        texts: [
            ("Notebook A5", "Dotted, 120 pages."),
            ("Блокнот A5", "В точку, 120 страниц."),
            ("Блокнот A5", "У крапку, 120 сторінок."),
        ],
    },
];

/// The store's payment instructions in each of [`LANGS`] (English first, also the default).
const PAYMENT_INSTRUCTIONS: [&str; 3] = [
    "Transfer the amount to card 4441 1111 2222 3333 (Demo Shop) and send a photo of the \
     receipt here.",
    "Переведите сумму на карту 4441 1111 2222 3333 (Demo Shop) и пришлите сюда фото \
     квитанции.",
    "Перекажіть суму на картку 4441 1111 2222 3333 (Demo Shop) і надішліть сюди фото \
     квитанції.",
];

impl DemoProduct {
    fn default_text(&self) -> (&'static str, &'static str) {
        self.texts[0]
    }

    /// Its texts in every language.
    fn all_texts(&self) -> Texts {
        LANGS
            .iter()
            .zip(self.texts)
            .map(|(lang, (title, description))| {
                let text = Text {
                    title: title.to_owned(),
                    description: description.to_owned(),
                };
                ((*lang).to_owned(), text)
            })
            .collect()
    }
}

fn all_instructions() -> Instructions {
    LANGS
        .iter()
        .zip(PAYMENT_INSTRUCTIONS)
        .map(|(lang, text)| ((*lang).to_owned(), text.to_owned()))
        .collect()
}

/// Creates the demo store and its products, with their texts in every language; running it
/// again changes nothing. A demo store made before the texts existed gets the languages it
/// lacks, where its products and instructions are still the demo's own (edits are left alone).
/// Returns the store and whether it was created now.
pub async fn seed(ctx: &Ctx) -> Result<(entity::stores::Model, bool)> {
    match stores::by_slug(&ctx.db, DEMO_SLUG).await {
        Ok(store) => {
            complete_texts(ctx, &store).await?;
            return Ok((stores::load(&ctx.db, StoreId(store.id)).await?, false));
        }
        Err(Error::NotFound { .. }) => {}
        Err(e) => return Err(e),
    }
    let operator = Actor::operator();
    let new = NewStore {
        slug: DEMO_SLUG.to_owned(),
        name: "Vitrina Demo Shop".to_owned(),
        currency: "UAH".to_owned(),
        payment_instructions: PAYMENT_INSTRUCTIONS[0].to_owned(),
        unpaid_deadline_minutes: 24 * 60,
    };
    let store = match stores::create_with(ctx, &operator, new, &all_instructions()).await {
        Ok(store) => store,
        // Seeded meanwhile by someone else (another instance starting): theirs it is.
        Err(Error::SlugTaken { .. }) => {
            return Ok((stores::by_slug(&ctx.db, DEMO_SLUG).await?, false));
        }
        Err(e) => return Err(e),
    };
    for p in PRODUCTS {
        let (title, description) = p.default_text();
        let new = NewProduct {
            sku: p.sku.to_owned(),
            title: title.to_owned(),
            description: description.to_owned(),
            price_minor: p.price_minor,
            on_hand: p.on_hand,
            low_stock_threshold: None,
        };
        products::create_with(ctx, &operator, StoreId(store.id), new, &p.all_texts()).await?;
    }
    Ok((store, true))
}

/// Gives an existing demo store the texts it lacks (see [`seed`]); nothing when it has them.
async fn complete_texts(ctx: &Ctx, store: &entity::stores::Model) -> Result<()> {
    let operator = Actor::operator();
    let id = StoreId(store.id);
    let have = products::list(&ctx.db, id, false).await?;
    let by_sku: HashMap<&str, &entity::products::Model> =
        have.iter().map(|p| (p.sku.as_str(), p)).collect();
    for p in PRODUCTS {
        let Some(product) = by_sku.get(p.sku) else {
            continue;
        };
        let (title, description) = p.default_text();
        if product.title != title || product.description != description {
            continue;
        }
        let own = texts::of(&ctx.db, ProductId(product.id)).await?;
        let missing: Texts = p
            .all_texts()
            .into_iter()
            .filter(|(lang, _)| !own.contains_key(lang))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let changes = ProductChanges {
            texts: Some(missing),
            ..ProductChanges::default()
        };
        products::update(ctx, &operator, ProductId(product.id), changes).await?;
    }
    if store.payment_instructions != PAYMENT_INSTRUCTIONS[0] {
        return Ok(());
    }
    let own = store_texts::of(&ctx.db, id).await?;
    let missing: Instructions = all_instructions()
        .into_iter()
        .filter(|(lang, _)| !own.contains_key(lang))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let settings = StoreSettings {
        name: store.name.clone(),
        payment_instructions: store.payment_instructions.clone(),
        unpaid_deadline_minutes: store.unpaid_deadline_minutes,
        low_stock_default: store.low_stock_default,
        payment_texts: missing,
    };
    stores::update(ctx, &operator, id, settings).await?;
    Ok(())
}
