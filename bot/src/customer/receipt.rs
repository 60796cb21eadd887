//! A receipt arrives: pick its order, download it, check it, hand it to the domain.
use domain::OrderId;
use domain::ordering::orders::queries;
use domain::ordering::receipts::{self, TelegramFile};
use files::inspect as pipeline;
use i18n::ArgValue;
use teloxide::prelude::*;
use teloxide::types::Message;

use super::dialogue;
use crate::callback::Callback;
use crate::context::Who;
use crate::dialogue::{PendingFile, State};
use crate::reply::{money, t, t_args};
use crate::send::reply_error;
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
    let open = queries::accepting_receipts(&services.ctx.db, who.id(), 50).await?;
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
    let telegram = TelegramFile {
        file_id: file.file_id.clone(),
        unique_id: file.unique_id.clone(),
    };
    let files = services.files.as_ref();
    let ctx = &services.ctx;
    match receipts::submit(
        ctx,
        &who.actor,
        OrderId(order),
        &inspected,
        Some(telegram),
        files,
    )
    .await
    {
        Ok(done) => {
            let number = [("number", ArgValue::from(done.number))];
            send::reply(bot, who, t_args(who.lang, "bot-receipt-received", &number)).await
        }
        Err(domain::Error::DuplicateUpdate) => Ok(()),
        Err(e) => reply_error(bot, who, &e).await,
    }
}

async fn refuse(bot: &Bot, who: &Who, rejection: &pipeline::Rejection) -> HandlerResult {
    let args: Vec<(&str, ArgValue)> = rejection
        .args()
        .into_iter()
        .map(|(k, v)| (k, ArgValue::infer(v)))
        .collect();
    send::reply(bot, who, t_args(who.lang, rejection.key(), &args)).await
}
