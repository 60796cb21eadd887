//! Receipt files in chats: which stored file shows a receipt, and sending it as a photo or a
//! document. Used by the staff's order card and by the notifier.
use teloxide::types::InputFile;

/// The stored file of a receipt: the thumbnail for images, the original for PDFs.
pub async fn receipt_file(
    files: &dyn files::store::FileStore,
    r: &entity::receipts::Model,
) -> Option<InputFile> {
    let key = if r.mime == "application/pdf" {
        r.storage_key.clone()?
    } else {
        files::store::thumb_key(&r.sha256).ok()?
    };
    let bytes = files.get(&key).await.ok()??;
    let name = if r.mime == "application/pdf" {
        "receipt.pdf"
    } else {
        "receipt.jpg"
    };
    Some(InputFile::memory(bytes).file_name(name))
}

/// Sends a receipt as a photo or a document, with an optional caption and buttons. A caption
/// too long for one goes after the file as a text of its own, with the buttons.
pub async fn send_file<R: crate::send::Sender>(
    bot: &R,
    chat: teloxide::types::ChatId,
    r: &entity::receipts::Model,
    file: InputFile,
    caption: Option<String>,
    markup: Option<teloxide::types::InlineKeyboardMarkup>,
) -> Result<(), teloxide::RequestError> {
    use teloxide::payloads::{SendDocumentSetters, SendPhotoSetters};
    let (caption, markup, after) = match caption.map(|c| crate::send::caption(&c)) {
        Some((short, Some(full))) => (Some(short), None, Some((full, markup))),
        Some((fits, None)) => (Some(fits), markup, None),
        None => (None, markup, None),
    };
    // Photos and documents take the same extras through different request types.
    macro_rules! send_with_extras {
        ($req:expr) => {{
            let mut req = $req;
            if let Some(c) = caption {
                req = req.caption(c);
            }
            if let Some(m) = markup {
                req = req.reply_markup(m);
            }
            req.await?;
        }};
    }
    if r.mime == "application/pdf" {
        send_with_extras!(bot.send_document(chat, file));
    } else {
        send_with_extras!(bot.send_photo(chat, file));
    }
    if let Some((text, markup)) = after {
        crate::send::text(bot, chat, text, markup).await?;
    }
    Ok(())
}
