//! A receipt arrives: pick its order, download it, check it, store it, attach it.
use domain::orders::queries;
use domain::receipts::pipeline::{self, Inspected};
use domain::receipts::{NewReceipt, storage};
use domain::{OrderId, OrderStatus};
use i18n::ArgValue;
use teloxide::prelude::*;
use teloxide::types::Message;

use super::dialogue;
use super::start::reply_error;
use crate::callback::Callback;
use crate::context::Who;
use crate::dialogue::{PendingFile, State};
use crate::reply::{money, t, t_args};
use crate::{HandlerResult, Services, keyboards, send};

pub async fn on_file(bot: &Bot, msg: &Message, who: &Who, services: &Services) -> HandlerResult {
    let meta = if let Some(sizes) = msg.photo() {
        // Telegram lists the sizes smallest first; the last is the original.
        sizes.last().map(|p| p.file.clone())
    } else {
        msg.document().map(|d| d.file.clone())
    };
    let Some(meta) = meta else {
        return Ok(());
    };
    let file = PendingFile {
        file_id: meta.id.0.clone(),
        unique_id: meta.unique_id.0.clone(),
        size: meta.size,
    };
    let open: Vec<_> = queries::of_customer(&services.ctx.db, who.id(), 50)
        .await?
        .into_iter()
        .filter(|o| {
            o.status == OrderStatus::AwaitingPayment || o.status == OrderStatus::PaymentReview
        })
        .collect();
    match open.as_slice() {
        [] => send::reply(bot, who, t(who.lang, "bot-receipt-no-order")).await,
        [only] => process(bot, only.id, &file, who, services).await,
        several => {
            let rows = several
                .iter()
                .map(|o| {
                    let label = format!(
                        "#{} — {}",
                        o.number,
                        money(who.lang, o.total_minor, &o.currency)
                    );
                    vec![keyboards::raw(label, Callback::ReceiptFor(o.id))]
                })
                .collect();
            dialogue(services, who)
                .update(State::ReceiptTarget { file })
                .await?;
            let question = t(who.lang, "bot-receipt-which-order");
            send::reply_with(bot, who, question, keyboards::rows(rows)).await
        }
    }
}

pub async fn for_order(bot: &Bot, order: i64, who: &Who, services: &Services) -> HandlerResult {
    let State::ReceiptTarget { file } = dialogue(services, who).get_or_default().await? else {
        return send::reply(bot, who, t(who.lang, "bot-expired-button")).await;
    };
    dialogue(services, who).exit().await?;
    process(bot, order, &file, who, services).await
}

async fn process(
    bot: &Bot,
    order: i64,
    file: &PendingFile,
    who: &Who,
    services: &Services,
) -> HandlerResult {
    let max = services.limits.max_bytes;
    // Telegram tells the size up front: refuse before downloading anything.
    if file.size as usize > max {
        return refuse(bot, who, &pipeline::Rejection::TooBig { max_bytes: max }).await;
    }
    let bytes = match services.downloads.fetch(bot, &file.file_id, max).await {
        Ok(b) => b,
        Err(Some(rejection)) => return refuse(bot, who, &rejection).await,
        Err(None) => {
            return send::reply(bot, who, t(who.lang, "receipt-download-failed")).await;
        }
    };
    let permit = services.inspections.acquire().await?;
    let inspected = pipeline::inspect(bytes, &services.limits)
        .await
        .and_then(pipeline::screen);
    drop(permit);
    let inspected = match inspected {
        Ok(i) => i,
        Err(rejection) => return refuse(bot, who, &rejection).await,
    };
    let new = store(services, order, file, &inspected).await?;
    match domain::receipts::attach(&services.ctx, &who.actor, &new).await {
        Ok(_) => {
            let number = queries::number_of(&services.ctx.db, OrderId(order)).await?;
            let text = t_args(
                who.lang,
                "bot-receipt-received",
                &[("number", ArgValue::from(number))],
            );
            send::reply(bot, who, text).await
        }
        Err(domain::Error::DuplicateUpdate) => Ok(()),
        Err(e) => reply_error(bot, who, &e).await,
    }
}

/// Keeps the original and the thumbnail under content-derived keys.
async fn store(
    services: &Services,
    order: i64,
    file: &PendingFile,
    i: &Inspected,
) -> Result<NewReceipt, domain::Error> {
    let stored = storage::store(services.files.as_ref(), i).await?;
    Ok(NewReceipt {
        order: OrderId(order),
        kind: i.kind,
        sha256: i.sha256.clone(),
        size_bytes: i64::try_from(i.size).unwrap_or(i64::MAX),
        storage_key: Some(stored.key),
        telegram_file_id: Some(file.file_id.clone()),
        telegram_file_unique_id: Some(file.unique_id.clone()),
        width: i.width.and_then(|w| i32::try_from(w).ok()),
        height: i.height.and_then(|h| i32::try_from(h).ok()),
    })
}

async fn refuse(bot: &Bot, who: &Who, rejection: &pipeline::Rejection) -> HandlerResult {
    let args: Vec<(&str, ArgValue)> = rejection
        .args()
        .into_iter()
        .map(|(k, v)| (k, ArgValue::infer(v)))
        .collect();
    send::reply(bot, who, t_args(who.lang, rejection.key(), &args)).await
}
