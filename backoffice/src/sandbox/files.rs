//! `GET /sandbox/files/{file_id}`: a photo or file from a chat. Images show inline with their
//! type; anything else is a download, served as receipts are (`routes::receipts::serve`: a sandboxing
//! CSP, and `nosniff` from the security layer): a hostile file can neither run nor pass for a
//! page of ours.
use axum::extract::Path;
use axum::response::Response;

use super::Sb;
use super::view::safe_file_id;
use crate::AppError;

/// Types a browser may show inline: images only.
const INLINE: [(&str, &str); 3] = [
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/webp", "webp"),
];

/// A file name for `Content-Disposition`: letters, digits, `.`, `-`, `_` only.
fn disposition_name(name: Option<&str>, file_id: &str, ext: &str) -> String {
    let clean: String = name
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    let clean = clean.trim_start_matches('.');
    if clean.is_empty() {
        let short: String = file_id.chars().take(24).collect();
        format!("file-{short}.{ext}")
    } else {
        clean.to_owned()
    }
}

pub(crate) async fn file(Sb(sb): Sb, Path(file_id): Path<String>) -> Result<Response, AppError> {
    if !safe_file_id(&file_id) {
        return Err(AppError::NotFound);
    }
    let stored = sb.standin.file(&file_id).ok_or(AppError::NotFound)?;
    let image = INLINE.iter().find(|(mime, _)| *mime == stored.mime);
    let (mime, ext, inline) = match image {
        Some((mime, ext)) => (*mime, *ext, true),
        None if stored.mime == "application/pdf" => ("application/pdf", "pdf", false),
        None => ("application/octet-stream", "bin", false),
    };
    let name = disposition_name(stored.file_name.as_deref(), &file_id, ext);
    Ok(crate::routes::receipts::serve(
        stored.bytes,
        mime,
        name,
        inline,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_names_are_plain() {
        assert_eq!(
            disposition_name(Some("receipt.pdf"), "id", "pdf"),
            "receipt.pdf"
        );
        assert_eq!(
            disposition_name(Some("\"evil\r\n.html"), "id", "bin"),
            "evil.html"
        );
        assert_eq!(disposition_name(Some("..."), "AbC", "jpg"), "file-AbC.jpg");
        assert_eq!(disposition_name(None, "AbC", "jpg"), "file-AbC.jpg");
    }
}
