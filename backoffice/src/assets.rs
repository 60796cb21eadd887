//! The front-end files, embedded in the binary: our `static/app.css` and `static/app.js` (and
//! the sandbox page's `static/sandbox.css` and `static/sandbox.js`, and `static/live.js`, shared
//! by every page with a live stream), and
//! htmx with its SSE extension vendored under `static/vendor/` (versions and hashes in
//! `static/README.md`). Served as `/static/<name>` with a year-long immutable cache; pages link
//! them as `/static/<name>?v={version()}` so that a new build gets new URLs.
use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// One embedded file: the name it is served under, its media type, its bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: [Asset; 7] = [
    Asset {
        name: "app.css",
        content_type: CSS,
        body: include_bytes!("../static/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: JS,
        body: include_bytes!("../static/app.js"),
    },
    Asset {
        name: "live.js",
        content_type: JS,
        body: include_bytes!("../static/live.js"),
    },
    Asset {
        name: "sandbox.css",
        content_type: CSS,
        body: include_bytes!("../static/sandbox.css"),
    },
    Asset {
        name: "sandbox.js",
        content_type: JS,
        body: include_bytes!("../static/sandbox.js"),
    },
    Asset {
        name: "htmx.min.js",
        content_type: JS,
        body: include_bytes!("../static/vendor/htmx.min.js"),
    },
    Asset {
        name: "htmx-ext-sse.js",
        content_type: JS,
        body: include_bytes!("../static/vendor/htmx-ext-sse.js"),
    },
];

/// `"<sha256 hex>"` of each asset, in the order of `ASSETS`.
static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| format!("\"{}\"", hex(&Sha256::digest(a.body))))
        .collect()
});

/// The first 12 hex digits of a sha256 over every asset's name and bytes.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    for asset in &ASSETS {
        hasher.update(asset.name.as_bytes());
        hasher.update((asset.body.len() as u64).to_le_bytes());
        hasher.update(asset.body);
    }
    let mut version = hex(&hasher.finalize());
    version.truncate(12);
    version
});

/// `GET /static/{name}` for the embedded files; any other name is a 404.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/static/{name}", get(serve))
}

/// A short hash of all the assets, for `?v=` in their URLs: changes whenever any of them does.
pub fn version() -> &'static str {
    &VERSION
}

async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(index) = ASSETS.iter().position(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let asset = &ASSETS[index];
    let etag = ETAGS[index].as_str();
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, CACHE_CONTROL),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    if not_modified(&headers, etag) {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(header::CONTENT_TYPE, asset.content_type)],
        asset.body,
    )
        .into_response()
}

/// Whether `If-None-Match` names this entity tag (weak comparison, as RFC 9110 asks) or is `*`.
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|list| {
            list.split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
        })
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use axum::http::{HeaderValue, Method, Request};
    use tower::ServiceExt;

    use super::*;

    async fn get_with(path: &str, if_none_match: Option<&str>) -> Response {
        let mut request = Request::builder().uri(path);
        if let Some(tag) = if_none_match {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        routes::<()>()
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("infallible")
    }

    fn header_of(response: &Response, name: header::HeaderName) -> &str {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    async fn body_of(response: Response) -> Vec<u8> {
        to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec()
    }

    fn sha256_etag(bytes: &[u8]) -> String {
        format!("\"{}\"", hex(&Sha256::digest(bytes)))
    }

    #[tokio::test]
    async fn serves_each_file_with_its_type_cache_headers_and_etag() {
        let files: [(&str, &str, &[u8]); 7] = [
            ("/static/app.css", CSS, include_bytes!("../static/app.css")),
            ("/static/app.js", JS, include_bytes!("../static/app.js")),
            ("/static/live.js", JS, include_bytes!("../static/live.js")),
            (
                "/static/sandbox.css",
                CSS,
                include_bytes!("../static/sandbox.css"),
            ),
            (
                "/static/sandbox.js",
                JS,
                include_bytes!("../static/sandbox.js"),
            ),
            (
                "/static/htmx.min.js",
                JS,
                include_bytes!("../static/vendor/htmx.min.js"),
            ),
            (
                "/static/htmx-ext-sse.js",
                JS,
                include_bytes!("../static/vendor/htmx-ext-sse.js"),
            ),
        ];
        for (path, content_type, bytes) in files {
            let response = get_with(path, None).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(
                header_of(&response, header::CONTENT_TYPE),
                content_type,
                "{path}"
            );
            assert_eq!(
                header_of(&response, header::CACHE_CONTROL),
                "public, max-age=31536000, immutable"
            );
            assert_eq!(
                header_of(&response, header::X_CONTENT_TYPE_OPTIONS),
                "nosniff"
            );
            assert_eq!(
                header_of(&response, header::ETAG),
                sha256_etag(bytes),
                "{path}"
            );
            assert_eq!(body_of(response).await, bytes, "{path}");
        }
    }

    #[tokio::test]
    async fn the_css_and_javascript_content_types_are_exact() {
        let css = get_with("/static/app.css", None).await;
        assert_eq!(
            css.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static("text/css; charset=utf-8"))
        );
        let js = get_with("/static/htmx.min.js", None).await;
        assert_eq!(
            js.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static("text/javascript; charset=utf-8"))
        );
    }

    #[tokio::test]
    async fn a_matching_if_none_match_gets_304_without_a_body() {
        let etag = header_of(&get_with("/static/app.js", None).await, header::ETAG).to_owned();
        assert!(
            etag.len() == 66 && etag.starts_with('"') && etag.ends_with('"'),
            "{etag}"
        );
        let weak = format!("W/{etag}");
        let listed = format!("\"stale\", {etag}");
        for tag in [etag.as_str(), weak.as_str(), listed.as_str(), "*"] {
            let response = get_with("/static/app.js", Some(tag)).await;
            assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{tag}");
            assert_eq!(header_of(&response, header::ETAG), etag);
            assert_eq!(
                header_of(&response, header::CACHE_CONTROL),
                "public, max-age=31536000, immutable"
            );
            assert!(body_of(response).await.is_empty());
        }
    }

    #[tokio::test]
    async fn another_files_etag_or_a_stale_one_gets_the_file() {
        let css_etag = header_of(&get_with("/static/app.css", None).await, header::ETAG).to_owned();
        for tag in [css_etag.as_str(), "\"stale\""] {
            let response = get_with("/static/app.js", Some(tag)).await;
            assert_eq!(response.status(), StatusCode::OK, "{tag}");
            assert!(!body_of(response).await.is_empty());
        }
    }

    #[tokio::test]
    async fn unknown_names_and_escapes_are_404() {
        for path in [
            "/static/../Cargo.toml",
            "/static/..%2FCargo.toml",
            "/static/..%2F..%2FCargo.toml",
            "/static/..",
            "/static/",
            "/static",
            "/static/nope.js",
            "/static/APP.CSS",
            "/static/vendor/htmx.min.js",
            "/static/htmx.LICENSE",
            "/static/README.md",
            "/static/app.css/",
        ] {
            let response = get_with(path, None).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }

    #[tokio::test]
    async fn head_gets_the_headers_without_the_body() {
        let request = Request::builder()
            .method(Method::HEAD)
            .uri("/static/app.css")
            .body(Body::empty())
            .expect("request");
        let response = routes::<()>().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header_of(&response, header::CONTENT_TYPE), CSS);
        assert!(body_of(response).await.is_empty());
    }

    #[test]
    fn version_is_a_stable_short_hex_hash() {
        let v = version();
        assert_eq!(v.len(), 12);
        assert!(
            v.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{v}"
        );
        assert_eq!(version(), v);
    }

    #[test]
    fn hex_encodes_lowercase() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }
}
