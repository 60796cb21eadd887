//! Test data through the real services: a store, a product, a person Telegram knows.
use domain::catalog::products::{self, NewProduct};
use domain::people::users::{self, TelegramProfile};
use domain::stores::{self, NewStore};
use domain::{Actor, Ctx, ProductId, StoreId, UserId};

/// A UAH store with payment instructions and a one-hour payment deadline.
pub async fn store(ctx: &Ctx, slug: &str, name: &str) -> StoreId {
    let new = NewStore {
        slug: slug.into(),
        name: name.into(),
        currency: "UAH".into(),
        payment_instructions: "Card 4441 0000 1111 2222".into(),
        unpaid_deadline_minutes: 60,
    };
    StoreId(
        stores::create(ctx, &Actor::operator(), new)
            .await
            .unwrap()
            .id,
    )
}

/// A product titled after its SKU (`MUG` → "Mug"): `price` in kopiyky, `on_hand` in stock.
pub async fn product(ctx: &Ctx, store: StoreId, sku: &str, price: i64, on_hand: i64) -> ProductId {
    let mut title = sku.to_lowercase();
    if let Some(first) = title.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let new = NewProduct {
        sku: sku.into(),
        title,
        description: String::new(),
        price_minor: price,
        on_hand,
        low_stock_threshold: None,
    };
    ProductId(
        products::create(ctx, &Actor::operator(), store, new)
            .await
            .unwrap()
            .id,
    )
}

/// Someone who has written to the bot: `@name`, speaking `lang`.
pub async fn person(ctx: &Ctx, telegram_id: i64, name: &str, lang: &str) -> UserId {
    let p = TelegramProfile {
        telegram_id,
        username: Some(name.into()),
        first_name: name.into(),
        last_name: None,
        language: Some(lang.into()),
    };
    UserId(users::upsert(&ctx.db, ctx.now(), &p).await.unwrap().id)
}

/// A person Telegram knows, made ADMIN of `store` by the operator.
pub async fn admin(ctx: &Ctx, store: StoreId, telegram_id: i64, name: &str, lang: &str) -> UserId {
    let user = person(ctx, telegram_id, name, lang).await;
    domain::people::staff::grant(
        ctx,
        &Actor::operator(),
        user,
        domain::Role::Admin,
        Some(store),
    )
    .await
    .unwrap();
    user
}

/// An order of `qty` × `product` placed by `customer` through the bot, awaiting payment.
pub async fn order(
    ctx: &Ctx,
    store: StoreId,
    customer: UserId,
    product: ProductId,
    qty: u32,
) -> entity::orders::Model {
    let new = domain::ordering::orders::NewOrder {
        store,
        customer,
        items: vec![(product, qty)],
        delivery: domain::ordering::orders::Delivery {
            name: "Olena".into(),
            phone: "+380671234567".into(),
            address: "Kyiv, Khreshchatyk 1".into(),
        },
    };
    domain::ordering::orders::place(ctx, &Actor::user(customer, domain::Channel::Bot), &new)
        .await
        .unwrap()
}
