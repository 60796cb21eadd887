//! What a simulated user does: writes, presses a button, opens a deep link, sends a photo or
//! a file. Each checks its fields, makes one stand-in call, and answers the chat.
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use standin::{MediaKind, Refused};

use super::reply::{Asker, Refusal, flash_of, user_id};
use super::view::{chat_html, link_payload};
use super::{Sandbox, Sb};
use crate::AppError;

/// Telegram's longest message, in characters.
pub(crate) const MAX_TEXT: usize = 4096;
/// Telegram's longest caption, in characters.
const MAX_CAPTION: usize = 1024;
/// Telegram's longest callback data, in bytes.
const MAX_CALLBACK_DATA: usize = 64;
/// What "Open a link" reads at most.
const MAX_LINK: usize = 512;

/// A user the stand-in knows, from a form field.
fn known(sb: &Sandbox, field: Option<&str>) -> Result<i64, Refusal> {
    field
        .and_then(user_id)
        .filter(|id| sb.standin.user(*id).is_some())
        .ok_or_else(Refusal::no_such_user)
}

fn refused(r: Refused, sb: &Sandbox) -> Refusal {
    match r {
        Refused::NoSuchUser => Refusal::no_such_user(),
        Refused::NoSuchButton => Refusal::invalid("sandbox-error-no-button"),
        Refused::TooLarge => too_large(sb),
        Refused::BadText => {
            Refusal::invalid("sandbox-error-text").with("max", MAX_TEXT.to_string())
        }
    }
}

fn too_large(sb: &Sandbox) -> Refusal {
    let mb = sb.standin.options().max_file_bytes.div_ceil(1024 * 1024);
    Refusal::invalid("sandbox-error-file-too-large")
        .with("max_mb", mb.to_string())
        .status(StatusCode::PAYLOAD_TOO_LARGE)
}

/// The chat of `user` after an action.
fn done(sb: &Sandbox, asker: &Asker, user: i64) -> Result<Response, AppError> {
    let html = chat_html(&sb.standin, user, asker.tr, &asker.shown)?;
    Ok(asker.fragment(html, &flash_of(user)))
}

/// Runs `act`; a refusal is answered in the asker's language.
fn answer(
    asker: &Asker,
    act: impl FnOnce() -> Result<Result<Response, AppError>, Refusal>,
) -> Result<Response, AppError> {
    match act() {
        Ok(res) => res,
        Err(refusal) => Ok(asker.refuse(refusal)),
    }
}

fn bad_form() -> Refusal {
    Refusal::invalid("sandbox-error-form")
}

#[derive(Deserialize)]
pub(crate) struct SayForm {
    user: Option<String>,
    text: Option<String>,
}

/// `POST /sandbox/say`: the user writes to the bot.
pub(crate) async fn say(
    Sb(sb): Sb,
    asker: Asker,
    form: Result<axum::Form<SayForm>, FormRejection>,
) -> Result<Response, AppError> {
    answer(&asker, || {
        let axum::Form(form) = form.map_err(|_| bad_form())?;
        let user = known(&sb, form.user.as_deref())?;
        let text = form.text.as_deref().unwrap_or_default().trim();
        if text.is_empty() {
            return Err(Refusal::invalid("sandbox-error-empty").in_pane(user));
        }
        if text.chars().count() > MAX_TEXT {
            return Err(Refusal::invalid("sandbox-error-text")
                .with("max", MAX_TEXT.to_string())
                .in_pane(user));
        }
        sb.standin
            .say(user, text)
            .map_err(|r| refused(r, &sb).in_pane(user))?;
        Ok(done(&sb, &asker, user))
    })
}

#[derive(Deserialize)]
pub(crate) struct PressForm {
    user: Option<String>,
    message: Option<String>,
    data: Option<String>,
}

/// `POST /sandbox/press`: the user presses a button under one of the bot's messages.
pub(crate) async fn press(
    Sb(sb): Sb,
    asker: Asker,
    form: Result<axum::Form<PressForm>, FormRejection>,
) -> Result<Response, AppError> {
    answer(&asker, || {
        let axum::Form(form) = form.map_err(|_| bad_form())?;
        let user = known(&sb, form.user.as_deref())?;
        let no_button = || Refusal::invalid("sandbox-error-no-button").in_pane(user);
        let message = form
            .message
            .as_deref()
            .and_then(user_id)
            .ok_or_else(no_button)?;
        let data = form.data.as_deref().unwrap_or_default();
        if data.is_empty() || data.len() > MAX_CALLBACK_DATA {
            return Err(no_button());
        }
        sb.standin
            .press(user, message, data)
            .map_err(|r| refused(r, &sb).in_pane(user))?;
        Ok(done(&sb, &asker, user))
    })
}

#[derive(Deserialize)]
pub(crate) struct StartForm {
    user: Option<String>,
    link: Option<String>,
    /// The "Open the shop" button, which submits the same form as the link field.
    shop: Option<String>,
}

/// `POST /sandbox/start`: the user opens a deep link (a payload, or a link to the bot), which
/// sends `/start <payload>`.
pub(crate) async fn start(
    Sb(sb): Sb,
    asker: Asker,
    form: Result<axum::Form<StartForm>, FormRejection>,
) -> Result<Response, AppError> {
    answer(&asker, || {
        let axum::Form(form) = form.map_err(|_| bad_form())?;
        let user = known(&sb, form.user.as_deref())?;
        let link = form.shop.as_deref().or(form.link.as_deref());
        let link = link.unwrap_or_default();
        let bot = &sb.standin.options().bot_username;
        let payload = Some(link)
            .filter(|l| l.len() <= MAX_LINK)
            .and_then(|l| link_payload(l, bot))
            .ok_or_else(|| Refusal::invalid("sandbox-error-payload").in_pane(user))?;
        let text = if payload.is_empty() {
            "/start".to_owned()
        } else {
            format!("/start {payload}")
        };
        sb.standin
            .say(user, &text)
            .map_err(|r| refused(r, &sb).in_pane(user))?;
        Ok(done(&sb, &asker, user))
    })
}

/// What an upload form brought.
#[derive(Default)]
struct Upload {
    user: Option<String>,
    caption: Option<String>,
    as_file: bool,
    file: Option<(String, Vec<u8>)>,
}

/// Fields an upload form has at most (ours has four).
const MAX_FIELDS: usize = 8;
/// The longest text field read from an upload form, in bytes.
const MAX_FIELD_BYTES: usize = 16 * 1024;

/// Reads the form; a body over the limit is "too large", anything malformed a bad form.
async fn read_upload(mut form: Multipart, sb: &Sandbox) -> Result<Upload, Refusal> {
    let mut upload = Upload::default();
    let mut fields = 0;
    let failed = |e: axum::extract::multipart::MultipartError, user: Option<i64>| {
        let refusal = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(sb)
        } else {
            bad_form()
        };
        match user {
            Some(u) => refusal.in_pane(u),
            None => refusal,
        }
    };
    loop {
        let user = upload.user.as_deref().and_then(user_id);
        let Some(field) = form.next_field().await.map_err(|e| failed(e, user))? else {
            break;
        };
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(bad_form());
        }
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(|e| failed(e, user))?;
            upload.file = Some((file_name, bytes.to_vec()));
            continue;
        }
        let bytes = field.bytes().await.map_err(|e| failed(e, user))?;
        if bytes.len() > MAX_FIELD_BYTES {
            return Err(bad_form());
        }
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| bad_form())?;
        match name.as_str() {
            "user" => upload.user = Some(text),
            "caption" => upload.caption = Some(text),
            "as_file" => upload.as_file = !text.is_empty(),
            _ => {}
        }
    }
    Ok(upload)
}

/// JPEG, PNG or WebP by their first bytes: what Telegram would show as a photo.
fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || (bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP")
}

/// The name a browser gave the file, without folders or control characters, at most 100
/// characters; `file` if nothing is left.
fn file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(100).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        "file".to_owned()
    } else {
        clean.to_owned()
    }
}

/// `POST /sandbox/file` (multipart): the user sends a photo (an image, unless `as_file`) or a
/// file, with an optional caption.
pub(crate) async fn file(
    Sb(sb): Sb,
    asker: Asker,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let upload = match form {
        Ok(form) => read_upload(form, &sb).await,
        Err(_) => Err(bad_form()),
    };
    answer(&asker, || {
        let upload = upload?;
        let user = known(&sb, upload.user.as_deref())?;
        let Some((name, bytes)) = upload.file.filter(|(_, b)| !b.is_empty()) else {
            return Err(Refusal::invalid("sandbox-error-no-file").in_pane(user));
        };
        if bytes.len() > sb.standin.options().max_file_bytes {
            return Err(too_large(&sb).in_pane(user));
        }
        let caption = upload
            .caption
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        if caption.is_some_and(|c| c.chars().count() > MAX_CAPTION) {
            return Err(Refusal::invalid("sandbox-error-caption")
                .with("max", MAX_CAPTION.to_string())
                .in_pane(user));
        }
        let kind = if !upload.as_file && is_image(&bytes) {
            MediaKind::Photo
        } else {
            MediaKind::Document
        };
        sb.standin
            .send_file(user, kind, &file_name(&name), bytes, caption)
            .map_err(|r| refused(r, &sb).in_pane(user))?;
        Ok(done(&sb, &asker, user))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(file_name("C:\\Users\\me\\receipt.pdf"), "receipt.pdf");
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("a\u{0}b\nc.jpg"), "abc.jpg");
        assert_eq!(file_name(""), "file");
        assert_eq!(file_name(".."), "file");
        assert_eq!(file_name(&"x".repeat(300)).len(), 100);
    }

    #[test]
    fn images_by_their_magic_bytes() {
        assert!(is_image(&[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(is_image(b"\x89PNG\r\n\x1a\n...."));
        assert!(is_image(b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!is_image(b"%PDF-1.7"));
        assert!(!is_image(b"RIFF\0\0\0\0WAVE"));
        assert!(!is_image(b""));
    }
}
