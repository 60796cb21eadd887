//! Product photos through the router: a multipart upload with a body limit of its own, the
//! JPEG served back only to staff of the product's store, removal, CSRF, and what a hostile or
//! oversized upload gets.
use axum::body::Body;
use axum::http::Request;
use domain::ProductId;
use domain::catalog::products;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::*;

const BOUNDARY: &str = "vitrina-test-boundary-7d1f";

async fn mug(w: &Web) -> i64 {
    let all = products::list(&w.ctx.db, w.store, false).await.unwrap();
    all.into_iter().find(|p| p.sku == "MUG").unwrap().id
}

async fn photo_key(w: &Web, id: i64) -> Option<String> {
    products::get(&w.ctx.db, ProductId(id))
        .await
        .unwrap()
        .photo_key
}

/// A browser's multipart form with the file in the `photo` field and a text field before it.
fn form(file: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"../../etc/passwd.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend(file);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload_request(id: i64, cookie: &str, file: &[u8], origin: Option<&str>) -> Request<Body> {
    let mut req = Request::post(format!("/products/{id}/photo"))
        .header("host", "localhost")
        .header("cookie", cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    req.body(Body::from(form(file))).unwrap()
}

async fn upload(w: &Web, id: i64, cookie: &str, file: &[u8]) -> Reply {
    w.send(upload_request(id, cookie, file, SAME)).await
}

/// The photo as the browser gets it: status, headers and the raw bytes.
async fn fetch(w: &Web, id: i64, cookie: &str) -> (u16, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(format!("/products/{id}/photo"))
        .header("host", "localhost")
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    let res = w.app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, bytes)
}

#[tokio::test]
async fn a_vendor_uploads_a_photo_and_staff_of_the_store_see_it() {
    let w = Web::new().await;
    let id = mug(&w).await;
    let victor = w.login(w.vendor).await;
    let page = w.get(&format!("/products/{id}"), Some(&victor)).await;
    assert!(
        page.body.contains("enctype=\"multipart/form-data\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&en("web-photo-none", &[])),
        "{}",
        page.body
    );

    let upload_bytes = testkit::files::jpeg_with_exif(800, 600);
    let r = upload(&w, id, &victor, &upload_bytes).await;
    assert_eq!(
        (r.status.as_u16(), r.location()),
        (303, format!("/products/{id}").as_str())
    );
    let key = photo_key(&w, id).await.expect("the photo is set");
    assert!(key.starts_with("photos/") && key.ends_with(".jpg"), "{key}");

    let page = w.get(&format!("/products/{id}"), Some(&victor)).await;
    assert!(
        page.body
            .contains(&format!("src=\"/products/{id}/photo?v=")),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("/products/{id}/photo/delete")));

    let anna = w.login(w.admin).await;
    let (status, headers, bytes) = fetch(&w, id, &anna).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && bytes != upload_bytes);
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (600, 800));
}

#[tokio::test]
async fn a_photo_over_the_app_wide_limit_but_under_its_own_is_taken() {
    let w = Web::new().await;
    let id = mug(&w).await;
    let anna = w.login(w.admin).await;
    // 2 MiB: past the 1 MiB every other form gets, well within the photo limit. The padding
    // after the image's end is dropped by the re-encoding.
    let mut big = testkit::files::jpeg(64, 64);
    big.resize(2 * 1024 * 1024, 0);
    let r = upload(&w, id, &anna, &big).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (_, _, bytes) = fetch(&w, id, &anna).await;
    assert!(bytes.len() < 64 * 1024, "{} bytes", bytes.len());
    // The other forms keep the 1 MiB limit.
    let huge_form = format!("title={}&price=1", "a".repeat(2 * 1024 * 1024));
    let r = w
        .post(&format!("/products/{id}"), Some(&anna), &huge_form, SAME)
        .await;
    assert_eq!(r.status, 413);
}

#[tokio::test]
async fn a_too_large_upload_is_a_translated_413_and_changes_nothing() {
    let w = Web::new().await;
    let id = mug(&w).await;
    let anna = w.login(w.admin).await;
    let before = upload(&w, id, &anna, &testkit::files::jpeg(32, 32)).await;
    assert_eq!(before.status, 303);
    let key = photo_key(&w, id).await;

    let mut huge = testkit::files::jpeg(64, 64);
    huge.resize(11 * 1024 * 1024, 0);
    let message = en("error-photo-too-big", &[("max_mb", 10.into())]);
    let r = upload(&w, id, &anna, &huge).await;
    assert_eq!(r.status, 413);
    assert!(r.body.contains(&message), "{}", r.body);
    assert!(
        r.body.contains(&en("web-error-title-413", &[])),
        "{}",
        r.body
    );
    // An htmx request gets the flash fragment.
    let mut req = upload_request(id, &anna, &huge, SAME);
    req.headers_mut()
        .insert("hx-request", "true".parse().unwrap());
    let r = w.send(req).await;
    assert_eq!(r.status, 413);
    assert!(
        r.body.contains("flash error") && r.body.contains(&message),
        "{}",
        r.body
    );
    assert_eq!(photo_key(&w, id).await, key);
}

#[tokio::test]
async fn a_pdf_or_a_broken_form_is_refused_with_the_reason() {
    let w = Web::new().await;
    let id = mug(&w).await;
    let anna = w.login(w.admin).await;
    let pdf = testkit::files::plain_pdf(1, "", &[]);
    let r = upload(&w, id, &anna, &pdf).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains(&en("error-photo-type", &[])), "{}", r.body);
    let cut = testkit::files::jpeg(400, 300);
    let r = upload(&w, id, &anna, &cut[..cut.len() / 2]).await;
    assert_eq!(r.status, 409);
    let unreadable = en("error-photo-unreadable", &[]);
    assert!(r.body.contains(&unreadable), "{}", r.body);
    // A form that never ends.
    let req = Request::post(format!("/products/{id}/photo"))
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", &anna)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(format!("--{BOUNDARY}\r\nContent-Disp")))
        .unwrap();
    let r = w.send(req).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains(&unreadable), "{}", r.body);
    assert_eq!(photo_key(&w, id).await, None);
}

#[tokio::test]
async fn other_stores_and_strangers_find_nothing() {
    let w = Web::new().await;
    let id = mug(&w).await;
    let anna = w.login(w.admin).await;
    assert_eq!(fetch(&w, id, &anna).await.0, 404, "no photo yet");
    assert_eq!(
        upload(&w, id, &anna, &testkit::files::jpeg(32, 32))
            .await
            .status,
        303
    );
    let key = photo_key(&w, id).await.unwrap();

    let otto = w.login(w.other_admin).await;
    let (status, headers, bytes) = fetch(&w, id, &otto).await;
    assert_eq!(status, 404);
    assert_ne!(headers["content-type"], "image/jpeg");
    assert!(!bytes.starts_with(&[0xFF, 0xD8]));
    assert!(!String::from_utf8_lossy(&bytes).contains(&key));
    let r = upload(&w, id, &otto, &testkit::files::jpeg(48, 48)).await;
    assert_eq!(r.status, 404);
    let r = w
        .post(
            &format!("/products/{id}/photo/delete"),
            Some(&otto),
            "",
            SAME,
        )
        .await;
    assert_eq!(r.status, 404);
    // Not logged in: the login page, for the file and the forms alike.
    let r = w.get(&format!("/products/{id}/photo"), None).await;
    assert_eq!((r.status.as_u16(), r.location()), (303, "/login"));
    let r = w
        .post(&format!("/products/{id}/photo/delete"), None, "", SAME)
        .await;
    assert_eq!((r.status.as_u16(), r.location()), (303, "/login"));
    assert_eq!(photo_key(&w, id).await, Some(key));
    assert_eq!(fetch(&w, 999_999, &anna).await.0, 404);
}

#[tokio::test]
async fn cross_site_photo_posts_are_refused() {
    let w = Web::new().await;
    let id = mug(&w).await;
    let anna = w.login(w.admin).await;
    assert_eq!(
        upload(&w, id, &anna, &testkit::files::jpeg(32, 32))
            .await
            .status,
        303
    );
    let key = photo_key(&w, id).await;
    for origin in [None, Some("http://evil.example")] {
        let req = upload_request(id, &anna, &testkit::files::jpeg(48, 48), origin);
        assert_eq!(w.send(req).await.status, 403, "{origin:?}");
        let r = w
            .post(
                &format!("/products/{id}/photo/delete"),
                Some(&anna),
                "",
                origin,
            )
            .await;
        assert_eq!(r.status, 403, "{origin:?}");
    }
    assert_eq!(photo_key(&w, id).await, key);
}

#[tokio::test]
async fn the_photo_is_removed() {
    let w = Web::new().await;
    let id = mug(&w).await;
    let victor = w.login(w.vendor).await;
    assert_eq!(
        upload(&w, id, &victor, &testkit::files::jpeg(32, 32))
            .await
            .status,
        303
    );
    let r = w
        .post(
            &format!("/products/{id}/photo/delete"),
            Some(&victor),
            "",
            SAME,
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.location()),
        (303, format!("/products/{id}").as_str())
    );
    assert_eq!(photo_key(&w, id).await, None);
    assert_eq!(fetch(&w, id, &victor).await.0, 404);
    let page = w.get(&format!("/products/{id}"), Some(&victor)).await;
    assert!(
        page.body.contains(&en("web-photo-none", &[])),
        "{}",
        page.body
    );
}
