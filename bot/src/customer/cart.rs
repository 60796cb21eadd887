//! The cart: add, change quantity, remove, view the total.
use domain::ProductId;
use domain::catalog::texts;
use domain::ordering::cart::{self, CartChange, CartLine};
use i18n::ArgValue;
use teloxide::prelude::*;
use teloxide::types::MessageId;

use super::{shop, show as send, store_id};
use crate::callback::Callback;
use crate::context::Who;
use crate::reply::{money, t, t_args};
use crate::send::reply_error;
use crate::{HandlerResult, Services, keyboards, send as out};

pub async fn add(bot: &Bot, who: &Who, services: &Services, product: i64) -> HandlerResult {
    let Some(store) = shop(services, who).await else {
        return Ok(());
    };
    match cart::add(
        &services.ctx,
        who.id(),
        store_id(&store),
        ProductId(product),
        1,
    )
    .await
    {
        Ok(lines) => {
            let lines = localized(services, who, lines).await?;
            let title = lines
                .iter()
                .find(|l| l.product_id.0 == product)
                .map(|l| l.title.clone())
                .unwrap_or_default();
            let text = t_args(who.lang, "bot-added", &[("title", ArgValue::from(title))]);
            let markup = keyboards::rows(vec![vec![
                keyboards::button(who.lang, "btn-catalog", Callback::Catalog(0)),
                keyboards::button(who.lang, "btn-cart", Callback::Cart),
            ]]);
            out::reply_with(bot, who, text, markup).await
        }
        Err(e) => reply_error(bot, who, &e).await,
    }
}

/// The `−` and `+` buttons: one fewer or one more.
pub async fn change(
    bot: &Bot,
    who: &Who,
    services: &Services,
    product: i64,
    delta: i32,
    message: Option<MessageId>,
) -> HandlerResult {
    apply(bot, who, services, product, CartChange::By(delta), message).await
}

/// The `✕` button: the line goes.
pub async fn remove(
    bot: &Bot,
    who: &Who,
    services: &Services,
    product: i64,
    message: Option<MessageId>,
) -> HandlerResult {
    apply(bot, who, services, product, CartChange::Remove, message).await
}

async fn apply(
    bot: &Bot,
    who: &Who,
    services: &Services,
    product: i64,
    change: CartChange,
    message: Option<MessageId>,
) -> HandlerResult {
    let Some(store) = shop(services, who).await else {
        return Ok(());
    };
    let (ctx, product) = (&services.ctx, ProductId(product));
    if let Err(e) = cart::change(ctx, who.id(), store_id(&store), product, change).await {
        return reply_error(bot, who, &e).await;
    }
    show(bot, who, services, message).await
}

/// The lines with their products' titles in the customer's language, where there is one.
async fn localized(
    services: &Services,
    who: &Who,
    mut lines: Vec<CartLine>,
) -> Result<Vec<CartLine>, domain::Error> {
    let ids = lines.iter().map(|l| l.product_id.0);
    let mut found = texts::in_lang(&services.ctx.db, ids, who.lang.as_str()).await?;
    for l in &mut lines {
        if let Some(t) = found.remove(&l.product_id.0) {
            l.title = t.title;
        }
    }
    Ok(lines)
}

/// The customer's cart in `store`, titles in their language.
pub(super) async fn lines(
    services: &Services,
    who: &Who,
    store: domain::StoreId,
) -> Result<Vec<CartLine>, domain::Error> {
    let lines = cart::lines(&services.ctx.db, who.id(), store).await?;
    localized(services, who, lines).await
}

pub fn render(who: &Who, lines: &[CartLine], currency: &str) -> String {
    let mut text = t(who.lang, "bot-cart-title");
    for l in lines {
        let amount = money(
            who.lang,
            l.unit_price_minor.saturating_mul(i64::from(l.quantity)),
            currency,
        );
        text.push('\n');
        text.push_str(&t_args(
            who.lang,
            "bot-cart-line",
            &[
                ("title", ArgValue::from(l.title.as_str())),
                ("quantity", ArgValue::from(i64::from(l.quantity))),
                ("amount", ArgValue::from(amount)),
            ],
        ));
    }
    let total = cart::total(lines).unwrap_or(i64::MAX);
    text.push_str("\n\n");
    text.push_str(&t_args(
        who.lang,
        "bot-cart-total",
        &[("total", ArgValue::from(money(who.lang, total, currency)))],
    ));
    text
}

pub async fn show(
    bot: &Bot,
    who: &Who,
    services: &Services,
    message: Option<MessageId>,
) -> HandlerResult {
    let Some(store) = shop(services, who).await else {
        return out::reply(bot, who, t(who.lang, "bot-no-store")).await;
    };
    let lines = lines(services, who, store_id(&store)).await?;
    if lines.is_empty() {
        let markup = keyboards::rows(vec![vec![keyboards::button(
            who.lang,
            "btn-catalog",
            Callback::Catalog(0),
        )]]);
        return send(bot, who, message, t(who.lang, "bot-cart-empty"), markup).await;
    }
    let mut rows = Vec::new();
    for l in &lines {
        rows.push(vec![
            keyboards::raw("−", Callback::Dec(l.product_id.0)),
            keyboards::raw(
                format!("{} × {}", l.title, l.quantity),
                Callback::Product(l.product_id.0),
            ),
            keyboards::raw("+", Callback::Inc(l.product_id.0)),
            keyboards::raw("✕", Callback::Remove(l.product_id.0)),
        ]);
    }
    rows.push(vec![
        keyboards::button(who.lang, "btn-catalog", Callback::Catalog(0)),
        keyboards::button(who.lang, "btn-checkout", Callback::Checkout),
    ]);
    let text = render(who, &lines, &store.currency);
    send(bot, who, message, text, keyboards::rows(rows)).await
}
