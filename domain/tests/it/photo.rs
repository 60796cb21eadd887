//! Product photos: screened like receipts, re-encoded so nothing of the upload but its pixels
//! survives, stored under their own hash, set and removed by the store's catalog staff only.
use domain::catalog::photo::{self, MAX_SIDE, PhotoProblem};
use domain::{Actor, Error, ProductId};
use files::FileKind;
use files::inspect::{Limits, sniff};
use files::store::{FileStore, MemoryStorage, photo_key};
use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};
use testkit::files as samples;

use crate::support::Fixture;

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn upload(
    f: &Fixture,
    files: &MemoryStorage,
    who: &Actor,
    bytes: Vec<u8>,
) -> Result<entity::products::Model, Error> {
    photo::set(&f.ctx, files, &photo::limits(), who, f.product, bytes).await
}

async fn photo_key_of(f: &Fixture, id: ProductId) -> Option<String> {
    domain::catalog::products::get(&f.ctx.db, id)
        .await
        .unwrap()
        .photo_key
}

/// The photo entries of the audit log, oldest first: (action, before, after).
async fn photo_audit(f: &Fixture) -> Vec<(String, Option<String>, Option<String>)> {
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.starts_with("product.photo"))
        .order_by_asc(entity::audit_log::Column::Id)
        .all(&f.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.before, e.after))
        .collect()
}

async fn product_events(f: &Fixture) -> u64 {
    entity::outbox_events::Entity::find()
        .filter(entity::outbox_events::Column::EventType.eq("product_saved"))
        .count(&f.ctx.db)
        .await
        .unwrap()
}

fn snapshot(key: Option<&str>) -> Option<String> {
    Some(serde_json::json!({ "photo_key": key }).to_string())
}

/// What was stored for the product is a fresh JPEG of the given size under its own hash.
async fn stored_photo(f: &Fixture, files: &MemoryStorage, width: u32, height: u32) -> Vec<u8> {
    let key = photo_key_of(f, f.product).await.expect("a photo key");
    let bytes = files.get(&key).await.unwrap().expect("the stored photo");
    assert_eq!(key, photo_key(&sha256_hex(&bytes)).unwrap());
    assert_eq!(sniff(&bytes), Some(FileKind::Jpeg));
    let decoded = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (width, height));
    bytes
}

#[tokio::test]
async fn a_jpeg_is_re_encoded_without_metadata_or_trailing_payload() {
    let f = Fixture::new().await;
    let files = MemoryStorage::new();
    let events = product_events(&f).await;
    // EXIF (rotate 90°, a GPS comment) and, after the image, a script and a ZIP header.
    let mut input = samples::jpeg_with_exif(800, 600);
    input.extend(samples::POLYGLOT_PAYLOAD);
    let p = upload(&f, &files, &f.web(f.admin), input.clone())
        .await
        .unwrap();

    let stored = stored_photo(&f, &files, 600, 800).await;
    assert_ne!(stored, input);
    for needle in [
        &b"Exif"[..],
        b"secret",
        b"<script",
        b"PK\x03\x04",
        b"hidden.exe",
    ] {
        assert!(
            !contains(&stored, needle),
            "{} survived",
            String::from_utf8_lossy(needle)
        );
    }
    assert_eq!(files.keys(), vec![p.photo_key.clone().unwrap()]);
    assert_eq!(
        photo_audit(&f).await,
        vec![(
            "product.photo.set".to_owned(),
            snapshot(None),
            snapshot(p.photo_key.as_deref())
        )]
    );
    assert_eq!(product_events(&f).await, events + 1);
}

#[tokio::test]
async fn png_and_webp_become_jpegs_no_larger_than_the_limit() {
    let f = Fixture::new().await;
    let files = MemoryStorage::new();
    // Half-transparent PNG, wider than the limit: scaled down, flattened onto white.
    let png = samples::encode(
        DynamicImage::ImageRgba8(RgbaImage::from_pixel(3000, 1500, Rgba([0, 0, 0, 0]))),
        ImageFormat::Png,
    );
    upload(&f, &files, &f.web(f.vendor), png).await.unwrap();
    let stored = stored_photo(&f, &files, MAX_SIDE, MAX_SIDE / 2).await;
    let decoded = image::load_from_memory(&stored).unwrap().to_rgb8();
    let [r, g, b] = decoded.get_pixel(10, 10).0;
    assert!(
        r > 240 && g > 240 && b > 240,
        "transparent is white: {r} {g} {b}"
    );

    let webp = samples::encode(
        DynamicImage::ImageRgb8(samples::gradient_rgb(320, 200)),
        ImageFormat::WebP,
    );
    upload(&f, &files, &f.web(f.vendor), webp).await.unwrap();
    stored_photo(&f, &files, 320, 200).await;
}

#[tokio::test]
async fn hostile_and_wrong_files_are_refused_and_change_nothing() {
    let f = Fixture::new().await;
    let files = MemoryStorage::new();
    let limits = photo::limits();
    let whole = samples::jpeg(400, 300);
    let mut too_big = samples::jpeg(16, 16);
    too_big.resize(limits.max_bytes + 1, 0);
    let active_pdf = samples::plain_pdf(
        1,
        "/OpenAction 6 0 R",
        &["<< /S /JavaScript /JS (app.alert(1)) >>".to_owned()],
    );
    let cases: Vec<(&str, Vec<u8>, PhotoProblem)> = vec![
        ("empty", Vec::new(), PhotoProblem::Empty),
        (
            "over the size cap",
            too_big,
            PhotoProblem::TooBig {
                max_bytes: limits.max_bytes,
            },
        ),
        (
            "a PDF",
            samples::plain_pdf(1, "", &[]),
            PhotoProblem::NotAnImage,
        ),
        ("a PDF with a script", active_pdf, PhotoProblem::NotAnImage),
        (
            "HTML named photo.jpg",
            b"<html><script>alert(1)</script>".to_vec(),
            PhotoProblem::NotAnImage,
        ),
        (
            "a cut-off JPEG",
            whole[..whole.len() / 2].to_vec(),
            PhotoProblem::Unreadable,
        ),
        (
            "only a JPEG header",
            b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".to_vec(),
            PhotoProblem::Unreadable,
        ),
        (
            "30000×30000 claimed",
            samples::png_header(30_000, 30_000),
            PhotoProblem::TooLarge,
        ),
        (
            "a decompression bomb",
            samples::png_zeros(10_000, 10_000),
            PhotoProblem::TooLarge,
        ),
        (
            "a 21:1 strip",
            samples::jpeg(2100, 100),
            PhotoProblem::Shape,
        ),
    ];
    for (what, bytes, problem) in cases {
        let err = upload(&f, &files, &f.web(f.admin), bytes)
            .await
            .unwrap_err();
        match err {
            Error::Photo(got) => assert_eq!(got, problem, "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    assert_eq!(photo_key_of(&f, f.product).await, None);
    assert!(files.keys().is_empty(), "{:?}", files.keys());
    assert!(photo_audit(&f).await.is_empty());
}

#[tokio::test]
async fn a_pdf_is_refused_with_a_translated_reason() {
    let f = Fixture::new().await;
    let files = MemoryStorage::new();
    let err = upload(&f, &files, &f.web(f.admin), samples::plain_pdf(1, "", &[]))
        .await
        .unwrap_err();
    assert_eq!(err.key(), "error-photo-type");
    assert!(domain::kernel::error::USER_KEYS.contains(&err.key()));
    for lang in i18n::Lang::ALL {
        let text = i18n::t(lang, err.key());
        assert!(text.contains("JPEG") && text != err.key(), "{lang}: {text}");
    }
    let too_big = Error::Photo(PhotoProblem::TooBig {
        max_bytes: 10 * 1024 * 1024,
    });
    let args: Vec<(&str, i18n::ArgValue)> = too_big
        .args()
        .into_iter()
        .map(|(k, v)| (k, i18n::ArgValue::infer(v)))
        .collect();
    let text = i18n::t_args(i18n::Lang::Uk, too_big.key(), &args);
    assert!(text.contains("10") && !text.contains('{'), "{text}");
}

#[tokio::test]
async fn only_catalog_staff_of_the_store_may_touch_the_photo() {
    let f = Fixture::new().await;
    let files = MemoryStorage::new();
    let jpeg = samples::jpeg(64, 48);
    // Another store's admin, a customer, a stranger: the product does not exist for them, and
    // nothing is decoded or stored on their behalf.
    for who in [f.other_admin, f.customer, f.stranger] {
        let err = upload(&f, &files, &f.web(who), jpeg.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::NotFound { what: "product" }),
            "{err:?}"
        );
    }
    assert!(files.keys().is_empty());
    let system = upload(&f, &files, &Actor::system(), jpeg.clone())
        .await
        .unwrap_err();
    assert!(matches!(system, Error::Forbidden), "{system:?}");

    let p = upload(&f, &files, &f.web(f.vendor), jpeg).await.unwrap();
    let mine = photo::get(&f.ctx, &files, &f.web(f.vendor), f.product)
        .await
        .unwrap();
    assert_eq!(Some(photo_key(&sha256_hex(&mine)).unwrap()), p.photo_key);
    for who in [f.other_admin, f.customer] {
        let err = photo::get(&f.ctx, &files, &f.web(who), f.product)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
        let err = photo::remove(&f.ctx, &f.web(who), f.product)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::NotFound { what: "product" }),
            "{err:?}"
        );
    }
    assert_eq!(photo_key_of(&f, f.product).await, p.photo_key);
    let missing = photo::set(
        &f.ctx,
        &files,
        &photo::limits(),
        &f.web(f.admin),
        ProductId(999_999),
        samples::jpeg(8, 8),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(missing, Error::NotFound { what: "product" }),
        "{missing:?}"
    );
}

#[tokio::test]
async fn a_photo_is_replaced_and_removed_with_an_audit_trail() {
    let f = Fixture::new().await;
    let files = MemoryStorage::new();
    let first = upload(&f, &files, &f.web(f.admin), samples::jpeg(64, 48))
        .await
        .unwrap()
        .photo_key;
    let second = upload(&f, &files, &f.web(f.vendor), samples::jpeg(48, 64))
        .await
        .unwrap()
        .photo_key;
    assert_ne!(first, second);
    // The same picture again changes nothing and is not logged.
    upload(&f, &files, &f.web(f.vendor), samples::jpeg(48, 64))
        .await
        .unwrap();
    let removed = photo::remove(&f.ctx, &f.web(f.admin), f.product)
        .await
        .unwrap();
    assert_eq!(removed.photo_key, None);
    photo::remove(&f.ctx, &f.web(f.admin), f.product)
        .await
        .unwrap();
    let err = photo::get(&f.ctx, &files, &f.web(f.admin), f.product)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "photo" }), "{err:?}");
    assert_eq!(
        photo_audit(&f).await,
        vec![
            (
                "product.photo.set".to_owned(),
                snapshot(None),
                snapshot(first.as_deref())
            ),
            (
                "product.photo.set".to_owned(),
                snapshot(first.as_deref()),
                snapshot(second.as_deref())
            ),
            (
                "product.photo.remove".to_owned(),
                snapshot(second.as_deref()),
                snapshot(None)
            ),
        ]
    );
    // Content addressed: the blobs stay (another product may show the same picture).
    assert_eq!(files.keys().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_uploads_leave_an_unbroken_audit_chain() {
    let f = Fixture::new().await;
    let files = MemoryStorage::new();
    let who = f.web(f.admin);
    let uploads = (0..4).map(|i| upload(&f, &files, &who, samples::jpeg(40 + i, 30)));
    for result in futures::future::join_all(uploads).await {
        result.unwrap();
    }
    let trail = photo_audit(&f).await;
    assert_eq!(trail.len(), 4);
    let mut last = snapshot(None);
    for (action, before, after) in &trail {
        assert_eq!(action, "product.photo.set");
        assert_eq!(
            before, &last,
            "each change starts from the one before: {trail:?}"
        );
        last = after.clone();
    }
    assert_eq!(snapshot(photo_key_of(&f, f.product).await.as_deref()), last);
}

#[tokio::test]
async fn reencode_honours_the_limits_it_is_given() {
    let small = Limits {
        thumb_size: 100,
        ..photo::limits()
    };
    let out = photo::reencode(samples::jpeg(400, 200), &small)
        .await
        .unwrap();
    let decoded = image::load_from_memory(&out).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (100, 50));
}

#[test]
fn photo_keys_are_made_from_a_hash_only() {
    let sha = "ab".repeat(32);
    let key = photo_key(&sha).unwrap();
    assert_eq!(key, format!("photos/ab/ab/{sha}.jpg"));
    assert!(files::store::is_valid_key(&key));
    for bad in [
        "",
        "../../etc/passwd",
        &"AB".repeat(32),
        &"ab".repeat(31),
        &format!("{}/x", "a".repeat(62)),
    ] {
        assert!(photo_key(bad).is_err(), "{bad}");
    }
}
