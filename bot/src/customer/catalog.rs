//! The catalog: pages of products with inline buttons, and product cards with photos.
use domain::catalog::{products, texts};
use i18n::ArgValue;
use teloxide::prelude::*;
use teloxide::types::MessageId;

use super::{shop, store_id};
use crate::callback::Callback;
use crate::context::Who;
use crate::reply::{money, t, t_args};
use crate::{HandlerResult, Services, keyboards, send};

const PAGE: usize = 6;

fn page_text(who: &Who, store: &entity::stores::Model, page: u32, pages: u32) -> String {
    t_args(
        who.lang,
        "bot-catalog-title",
        &[
            ("store", ArgValue::from(store.name.as_str())),
            ("page", ArgValue::from(i64::from(page) + 1)),
            ("pages", ArgValue::from(i64::from(pages))),
        ],
    )
}

pub async fn show(
    bot: &Bot,
    who: &Who,
    services: &Services,
    page: u32,
    message: Option<MessageId>,
) -> HandlerResult {
    let Some(store) = shop(services, who).await else {
        return send::reply(bot, who, t(who.lang, "bot-no-store")).await;
    };
    let db = &services.ctx.db;
    let mut all = products::list(db, store_id(&store), true).await?;
    // In the customer's language, and in its alphabetical order.
    texts::localize_all(db, &mut all, who.lang.as_str()).await?;
    all.sort_by(|a, b| (&a.title, a.id).cmp(&(&b.title, b.id)));
    if all.is_empty() {
        return send::reply(bot, who, t(who.lang, "bot-catalog-empty")).await;
    }
    let pages = all.len().div_ceil(PAGE) as u32;
    let page = page.min(pages - 1);
    let mut rows: Vec<Vec<_>> = all
        .iter()
        .skip(page as usize * PAGE)
        .take(PAGE)
        .map(|p| {
            let label = format!(
                "{} — {}",
                p.title,
                money(who.lang, p.price_minor, &p.currency)
            );
            vec![keyboards::raw(label, Callback::Product(p.id))]
        })
        .collect();
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(keyboards::button(
            who.lang,
            "btn-prev",
            Callback::Catalog(page - 1),
        ));
    }
    if page + 1 < pages {
        nav.push(keyboards::button(
            who.lang,
            "btn-next",
            Callback::Catalog(page + 1),
        ));
    }
    rows.push(nav);
    rows.push(vec![keyboards::button(
        who.lang,
        "btn-cart",
        Callback::Cart,
    )]);
    let text = page_text(who, &store, page, pages);
    super::show(bot, who, message, text, keyboards::rows(rows)).await
}

pub async fn product(bot: &Bot, who: &Who, services: &Services, id: i64) -> HandlerResult {
    let found = entity::products::Entity::find_by_id(id)
        .one(&services.ctx.db)
        .await?;
    let Some(p) = found.filter(|p| p.active) else {
        let err = domain::Error::NotFound { what: "product" };
        return crate::send::reply_error(bot, who, &err).await;
    };
    // Opening a product from a link also opens its store.
    domain::people::users::set_current_store(
        &services.ctx.db,
        who.id(),
        domain::StoreId(p.store_id),
    )
    .await?;
    let shown = texts::localized(&services.ctx.db, &p, who.lang.as_str()).await?;
    let available = domain::catalog::stock::available(&p);
    let availability = if available > 0 {
        t_args(
            who.lang,
            "bot-in-stock",
            &[("count", ArgValue::from(available))],
        )
    } else {
        t(who.lang, "bot-out-of-stock")
    };
    let text = t_args(
        who.lang,
        "bot-product",
        &[
            ("title", ArgValue::from(shown.title)),
            (
                "price",
                ArgValue::from(money(who.lang, p.price_minor, &p.currency)),
            ),
            ("availability", ArgValue::from(availability)),
            ("description", ArgValue::from(shown.description)),
        ],
    );
    let mut row = Vec::new();
    if available > 0 {
        row.push(keyboards::button(
            who.lang,
            "btn-add-to-cart",
            Callback::Add(p.id),
        ));
    }
    row.push(keyboards::button(
        who.lang,
        "btn-catalog",
        Callback::Catalog(0),
    ));
    let markup = keyboards::rows(vec![row]);
    let Some(photo) = photo_of(services, &p).await else {
        return send::reply_with(bot, who, text, markup).await;
    };
    // A card too long for a caption: the photo with the title, then the card as text with the
    // buttons.
    match send::caption(&text) {
        (caption, None) => {
            bot.send_photo(who.chat, photo)
                .caption(caption)
                .reply_markup(markup)
                .await?;
            Ok(())
        }
        (title, Some(card)) => {
            bot.send_photo(who.chat, photo).caption(title).await?;
            send::reply_with(bot, who, card, markup).await
        }
    }
}

async fn photo_of(
    services: &Services,
    p: &entity::products::Model,
) -> Option<teloxide::types::InputFile> {
    let key = p.photo_key.as_deref()?;
    let bytes = services.files.get(key).await.ok()??;
    Some(teloxide::types::InputFile::memory(bytes).file_name("photo.jpg"))
}

use sea_orm::EntityTrait as _;
