//! A Bot API request's parameters: a JSON object, a url-encoded form, or a multipart form
//! whose file parts are uploads.
use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use serde_json::{Map, Value};

/// A file part of a multipart form.
pub(crate) struct Upload {
    pub bytes: Bytes,
    /// `None` when the form gave none (or an empty one).
    pub file_name: Option<String>,
}

/// The parameters: `fields` as an object (multipart and url-encoded values are strings), and
/// the multipart form's file parts by part name.
#[derive(Default)]
pub(crate) struct Params {
    pub fields: Value,
    pub uploads: HashMap<String, Upload>,
}

/// Why a request's body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    TooLarge,
    Bad(String),
}

/// Reads the parameters of `request`, a body of at most `max_body` bytes whose files are at
/// most `max_file` bytes each.
pub(crate) async fn read(
    request: Request,
    max_body: usize,
    max_file: usize,
) -> Result<Params, BodyError> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body as u64) {
        return Err(BodyError::TooLarge);
    }
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        return form(request, max_file).await;
    }
    let body = axum::body::to_bytes(request.into_body(), max_body)
        .await
        .map_err(|_| BodyError::TooLarge)?;
    let fields = if content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = form_urlencoded(&body)?;
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        )
    } else if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => return Err(BodyError::Bad("parameters must be a JSON object".into())),
            Err(e) => return Err(BodyError::Bad(format!("can't parse JSON: {e}"))),
        }
    };
    Ok(Params {
        fields,
        uploads: HashMap::new(),
    })
}

fn form_urlencoded(body: &[u8]) -> Result<Vec<(String, String)>, BodyError> {
    let text = std::str::from_utf8(body).map_err(|_| BodyError::Bad("invalid UTF-8".into()))?;
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_decode(&s).ok_or_else(|| BodyError::Bad("invalid url-encoded form".into()))
    };
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

/// `%XX` escapes decoded; `None` for a broken escape or a result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A multipart form: text parts as fields, file parts (those with a file name) as uploads.
async fn form(request: Request, max_file: usize) -> Result<Params, BodyError> {
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| BodyError::Bad(e.body_text()))?;
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            BodyError::TooLarge
        } else {
            BodyError::Bad(e.body_text())
        }
    };
    let mut fields = Map::new();
    let mut uploads = HashMap::new();
    while let Some(part) = form.next_field().await.map_err(broken)? {
        let Some(name) = part.name().map(str::to_owned) else {
            continue;
        };
        match part.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = part.bytes().await.map_err(broken)?;
                if bytes.len() > max_file {
                    return Err(BodyError::TooLarge);
                }
                let file_name = (!file_name.is_empty()).then_some(file_name);
                uploads.insert(name, Upload { bytes, file_name });
            }
            None => {
                let text = part.text().await.map_err(broken)?;
                fields.insert(name, Value::String(text));
            }
        }
    }
    Ok(Params {
        fields: Value::Object(fields),
        uploads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_forms_are_decoded() {
        let got = form_urlencoded(b"chat_id=5&text=a+b%21&empty").ok();
        let want = vec![
            ("chat_id".to_owned(), "5".to_owned()),
            ("text".to_owned(), "a b!".to_owned()),
            ("empty".to_owned(), String::new()),
        ];
        assert_eq!(got, Some(want));
        assert!(form_urlencoded(b"text=%zz").is_err());
        assert!(form_urlencoded(b"text=%e2").is_err());
    }
}
