//! The receipt file pipeline and receipt storage, against hostile and valid files made here
//! (no binary fixtures). No database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Instant;

use files::FileKind;
use files::inspect::{
    Inspected, Limits, PdfFlag, REJECTION_KEYS, Rejection, inspect, screen, sniff,
};
use files::store::{
    FileStore, LocalStorage, MemoryStorage, content_key, is_valid_key, store, thumb_key,
};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use sha2::{Digest, Sha256};
use testkit::files::*;

// ---------------------------------------------------------------------------------------------
// File makers

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The common promises for an accepted image.
fn assert_image_accepted(
    got: &Inspected,
    input: &[u8],
    kind: FileKind,
    width: u32,
    height: u32,
    limits: &Limits,
) {
    assert_eq!(got.kind, kind);
    assert_eq!(got.sha256, sha256_hex(input));
    assert_eq!(got.size, input.len());
    assert_eq!(got.bytes, input, "original bytes must be unchanged");
    assert_eq!((got.width, got.height), (Some(width), Some(height)));
    assert!(got.pdf_flags.is_empty());
    let thumb = got.thumbnail.as_deref().expect("images get a thumbnail");
    assert_eq!(sniff(thumb), Some(FileKind::Jpeg));
    let decoded = image::load_from_memory_with_format(thumb, ImageFormat::Jpeg).unwrap();
    let longest = decoded.width().max(decoded.height());
    assert!(longest <= limits.thumb_size, "thumbnail {longest} px");
    assert_eq!(
        longest,
        width.max(height).min(limits.thumb_size),
        "scaled down to fit, never up"
    );
}

// ---------------------------------------------------------------------------------------------
// Refusals

#[tokio::test]
async fn empty_file_is_refused() {
    assert_eq!(
        inspect(Vec::new(), &Limits::default()).await,
        Err(Rejection::Empty)
    );
}

#[tokio::test]
async fn type_comes_from_magic_bytes_only() {
    let limits = Limits::default();
    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(); // "receipt.jpg"
    assert_eq!(
        inspect(html, &limits).await,
        Err(Rejection::UnsupportedType)
    );
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    assert_eq!(inspect(gif, &limits).await, Err(Rejection::UnsupportedType));
    let riff_not_webp = b"RIFF\x04\x00\x00\x00WAVEfmt ".to_vec();
    assert_eq!(
        inspect(riff_not_webp, &limits).await,
        Err(Rejection::UnsupportedType)
    );
    // A PDF whose header is not at the very start is not taken for one.
    let mut late_pdf = b"hello\n".to_vec();
    late_pdf.extend(plain_pdf(1, "", &[]));
    assert_eq!(
        inspect(late_pdf, &limits).await,
        Err(Rejection::UnsupportedType)
    );

    assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some(FileKind::Jpeg));
    assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(FileKind::Png));
    assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(FileKind::Webp));
    assert_eq!(sniff(b"%PDF-1.4"), Some(FileKind::Pdf));
    assert_eq!(sniff(b"\xFF\xD8"), None);
    assert_eq!(sniff(b"RIFF\0\0\0\0WEB"), None);
}

#[tokio::test]
async fn oversize_file_is_refused_before_anything_else() {
    let limits = Limits::default();
    let too_big = vec![0u8; limits.max_bytes + 1];
    assert_eq!(
        inspect(too_big, &limits).await,
        Err(Rejection::TooBig {
            max_bytes: 10 * 1024 * 1024
        })
    );
    let small = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    let picture = jpeg(200, 200);
    assert!(picture.len() > 1000);
    assert_eq!(
        inspect(picture, &small).await,
        Err(Rejection::TooBig { max_bytes: 1000 })
    );
    let exactly = vec![b'x'; 1000];
    assert_eq!(
        inspect(exactly, &small).await,
        Err(Rejection::UnsupportedType),
        "the limit itself is allowed"
    );
}

#[tokio::test]
async fn truncated_images_are_unreadable() {
    let limits = Limits::default();
    let whole = jpeg(64, 48);
    let half = whole[..whole.len() / 2].to_vec();
    assert_eq!(inspect(half, &limits).await, Err(Rejection::Unreadable));

    let whole = encode(
        DynamicImage::ImageRgb8(gradient_rgb(64, 48)),
        ImageFormat::Png,
    );
    let half = whole[..whole.len() / 2].to_vec();
    assert_eq!(inspect(half, &limits).await, Err(Rejection::Unreadable));

    let whole = encode(
        DynamicImage::ImageRgba8(RgbaImage::from_pixel(64, 48, Rgba([1, 2, 3, 255]))),
        ImageFormat::WebP,
    );
    let half = whole[..whole.len() / 2].to_vec();
    assert_eq!(inspect(half, &limits).await, Err(Rejection::Unreadable));

    // Cut in the middle of the scan: the decoder alone would accept it.
    let whole = jpeg(400, 300);
    let half = whole[..whole.len() / 2].to_vec();
    assert_eq!(inspect(half, &limits).await, Err(Rejection::Unreadable));

    // Only the header of a JPEG.
    assert_eq!(
        inspect(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".to_vec(), &limits).await,
        Err(Rejection::Unreadable)
    );
}

#[tokio::test]
async fn huge_dimensions_are_refused_from_the_header() {
    // Nothing but a signature and an IHDR claiming 30000×30000: refused before any decoding.
    let header_only = png_header(30_000, 30_000);
    assert!(header_only.len() < 64);
    assert_eq!(
        inspect(header_only, &Limits::default()).await,
        Err(Rejection::TooLarge)
    );
    // Within width and height, but too many pixels.
    let limits = Limits {
        max_pixels: 1_000_000,
        ..Limits::default()
    };
    assert_eq!(
        inspect(png_zeros(1001, 1000), &limits).await,
        Err(Rejection::TooLarge)
    );
}

#[tokio::test]
async fn decompression_bomb_is_stopped_by_limits() {
    // The bomb maker makes real PNGs: a small one decodes fine.
    let limits = Limits::default();
    let small = png_zeros(300, 200);
    let got = inspect(small.clone(), &limits).await.unwrap();
    assert_image_accepted(&got, &small, FileKind::Png, 300, 200, &limits);

    // 10000×10000 pixels (100 MB decoded) in well under a megabyte.
    let bomb = png_zeros(10_000, 10_000);
    assert!(bomb.len() < 1_000_000, "{} bytes", bomb.len());
    // By the pixel limit, before decoding.
    assert_eq!(
        inspect(bomb.clone(), &limits).await,
        Err(Rejection::TooLarge)
    );
    // With the pixel limit lifted, by the decoder's allocation limit.
    let alloc_only = Limits {
        max_pixels: u64::MAX,
        max_alloc: 64 * 1024 * 1024,
        ..Limits::default()
    };
    assert_eq!(inspect(bomb, &alloc_only).await, Err(Rejection::TooLarge));
}

#[tokio::test]
async fn broken_pdfs_are_unreadable() {
    let limits = Limits::default();
    let garbage = b"%PDF-1.7\nthis is not a pdf at all\n%%EOF\n".to_vec();
    assert_eq!(inspect(garbage, &limits).await, Err(Rejection::Unreadable));

    let whole = plain_pdf(1, "", &[]);
    let half = whole[..whole.len() / 2].to_vec();
    assert_eq!(inspect(half, &limits).await, Err(Rejection::Unreadable));

    // A catalog without pages.
    let no_pages = pdf(&["<< /Type /Catalog >>".to_owned()]);
    assert_eq!(inspect(no_pages, &limits).await, Err(Rejection::Unreadable));
}

#[tokio::test]
async fn deeply_nested_pdf_is_refused_not_a_crash() {
    // Deep enough to overflow the parser's stack if it got that far.
    let depth = 100_000;
    let nested = format!("[{}{}]", "[".repeat(depth), "]".repeat(depth));
    let file = plain_pdf(1, &format!("/Junk {nested}"), &[]);
    assert_eq!(
        inspect(file, &Limits::default()).await,
        Err(Rejection::Unreadable)
    );
    // lopdf 0.40 in a debug build overflows a 2 MiB stack at about 70 nested dictionaries.
    let depth = 100;
    let nested = format!("{}1{}", "<< /A ".repeat(depth), " >>".repeat(depth));
    let file = plain_pdf(1, &format!("/Junk {nested}"), &[]);
    assert_eq!(
        inspect(file, &Limits::default()).await,
        Err(Rejection::Unreadable)
    );
    // Ordinary nesting is fine.
    let file = plain_pdf(1, "/Junk [[[[<< /A [1 2 [3]] >>]]]]", &[]);
    assert!(inspect(file, &Limits::default()).await.is_ok());
}

#[tokio::test]
async fn a_pdf_stream_that_inflates_too_far_is_too_large() {
    let limits = Limits::default();
    let zeros = zlib_zeros(limits.pdf_max_inflated + 1024 * 1024);
    let mut stream = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        zeros.len()
    )
    .into_bytes();
    stream.extend(&zeros);
    stream.extend(b"\nendstream");
    let objects: [&[u8]; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        &stream,
    ];
    let bomb = pdf_bytes(&objects);
    assert!(
        bomb.len() < 1024 * 1024,
        "small on the wire: {}",
        bomb.len()
    );
    assert_eq!(inspect(bomb, &limits).await, Err(Rejection::TooLarge));
    // The same shape within the budget is fine.
    let zeros = zlib_zeros(1024);
    let mut stream = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        zeros.len()
    )
    .into_bytes();
    stream.extend(&zeros);
    stream.extend(b"\nendstream");
    let objects: [&[u8]; 4] = [objects[0], objects[1], objects[2], &stream];
    assert!(inspect(pdf_bytes(&objects), &limits).await.is_ok());
}

#[tokio::test]
async fn objects_inside_object_streams_are_scanned() {
    use testkit::hostile::{object_stream, object_stream_body, pdf_with_objects_in_stream, zlib};
    let limits = Limits::default();
    // A script hidden in a compressed object stream is found.
    let hidden = pdf_with_objects_in_stream(&[
        "<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>".to_owned(),
    ]);
    let got = inspect(hidden, &limits).await.unwrap();
    assert_eq!(got.pdf_flags, vec![PdfFlag::JavaScript]);
    // An /OpenAction pointing into the stream: an array there is a destination, not an action.
    let body = object_stream_body(5, &["[3 0 R /Fit]".to_owned()]);
    let stream = object_stream(1, 4, "/FlateDecode", "", &zlib(&body));
    let objects: [&[u8]; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        &stream,
    ];
    let got = inspect(pdf_bytes(&objects), &limits).await.unwrap();
    assert_eq!(got.pdf_flags, Vec::<PdfFlag>::new());
    // Pages that live only in an object stream count, through any chain of known filters.
    let pages: Vec<String> = (0..3)
        .map(|_| "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_owned())
        .collect();
    let body = object_stream_body(3, &pages);
    let first = body.iter().position(|&c| c == b'<').unwrap();
    let mut hex: Vec<u8> = zlib(&body)
        .iter()
        .flat_map(|b| format!("{b:02x}").into_bytes())
        .collect();
    hex.push(b'>');
    let stream = object_stream(3, first, "[/AHx /FlateDecode]", "", &hex);
    let objects: [&[u8]; 3] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>",
        &stream,
    ];
    let file = pdf_bytes(&objects);
    assert!(inspect(file.clone(), &limits).await.is_ok());
    let two_pages = Limits {
        pdf_max_pages: 2,
        ..Limits::default()
    };
    assert_eq!(inspect(file, &two_pages).await, Err(Rejection::TooLarge));
    // A cross-reference stream with a predictor and an image behind DCT are not decoded, and
    // fine.
    let xref = b"<< /Type /XRef /Size 5 /W [1 2 1] /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >> /Length 3 >>\nstream\nabc\nendstream";
    let image = b"<< /Type /XObject /Subtype /Image /Filter /DCTDecode /Length 4 >>\nstream\n\xFF\xD8\xFF\xD9\nendstream";
    let objects: [&[u8]; 5] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        xref,
        image,
    ];
    assert!(inspect(pdf_bytes(&objects), &limits).await.is_ok());
}

#[tokio::test]
async fn too_many_pdf_pages_is_too_large() {
    let limits = Limits {
        pdf_max_pages: 2,
        ..Limits::default()
    };
    assert!(inspect(plain_pdf(2, "", &[]), &limits).await.is_ok());
    assert_eq!(
        inspect(plain_pdf(3, "", &[]), &limits).await,
        Err(Rejection::TooLarge)
    );
}

// ---------------------------------------------------------------------------------------------
// Acceptance

#[tokio::test]
async fn valid_jpeg_png_webp_are_accepted_with_a_thumbnail() {
    let limits = Limits::default();

    let input = jpeg(1200, 800);
    let got = inspect(input.clone(), &limits).await.unwrap();
    assert_image_accepted(&got, &input, FileKind::Jpeg, 1200, 800, &limits);

    // Transparent PNG, smaller than a thumbnail: not scaled up, alpha flattened onto white.
    let input = encode(
        DynamicImage::ImageRgba8(RgbaImage::from_pixel(300, 200, Rgba([0, 0, 0, 0]))),
        ImageFormat::Png,
    );
    let got = inspect(input.clone(), &limits).await.unwrap();
    assert_image_accepted(&got, &input, FileKind::Png, 300, 200, &limits);
    let thumb = image::load_from_memory(got.thumbnail.as_deref().unwrap())
        .unwrap()
        .to_rgb8();
    assert!(thumb.get_pixel(150, 100).0.iter().all(|&c| c > 240));

    let input = encode(
        DynamicImage::ImageRgba8(RgbaImage::from_fn(640, 480, |x, y| {
            Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255])
        })),
        ImageFormat::WebP,
    );
    let got = inspect(input.clone(), &limits).await.unwrap();
    assert_image_accepted(&got, &input, FileKind::Webp, 640, 480, &limits);

    // A tall one: the longest side is the height.
    let input = encode(
        DynamicImage::ImageRgb8(gradient_rgb(300, 2000)),
        ImageFormat::Png,
    );
    let got = inspect(input.clone(), &limits).await.unwrap();
    assert_image_accepted(&got, &input, FileKind::Png, 300, 2000, &limits);
}

#[tokio::test]
async fn exif_orientation_is_applied_and_metadata_stripped() {
    let limits = Limits::default();
    let input = jpeg_with_exif(800, 600);
    let got = inspect(input.clone(), &limits).await.unwrap();
    // Shown rotated: 600 wide, 800 high.
    assert_image_accepted(&got, &input, FileKind::Jpeg, 600, 800, &limits);
    let thumb = got.thumbnail.as_deref().unwrap();
    let decoded = image::load_from_memory(thumb).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (384, 512));
    let contains = |needle: &[u8]| thumb.windows(needle.len()).any(|w| w == needle);
    assert!(!contains(b"Exif"));
    assert!(!contains(b"secret"));
    // The original is kept as it was, metadata and all.
    assert_eq!(got.bytes, input);
}

#[tokio::test]
async fn plain_pdf_is_accepted_without_flags() {
    let limits = Limits::default();
    // An "open at page 1, fit" destination is not active content.
    let input = plain_pdf(2, "/OpenAction [4 0 R /Fit]", &[]);
    let got = inspect(input.clone(), &limits).await.unwrap();
    assert_eq!(got.kind, FileKind::Pdf);
    assert_eq!(got.sha256, sha256_hex(&input));
    assert_eq!(got.size, input.len());
    assert_eq!(got.bytes, input);
    assert_eq!((got.width, got.height, got.thumbnail), (None, None, None));
    assert_eq!(got.pdf_flags, Vec::<PdfFlag>::new());
}

#[tokio::test]
async fn pdf_active_content_is_flagged_not_refused() {
    let limits = Limits::default();

    // 6 0 obj: a JavaScript action run on open.
    let js = plain_pdf(
        1,
        "/OpenAction 6 0 R",
        &["<< /Type /Action /S /JavaScript /JS (app.alert\\('paid'\\);) >>".to_owned()],
    );
    let got = inspect(js, &limits).await.unwrap();
    assert_eq!(
        got.pdf_flags,
        vec![PdfFlag::JavaScript, PdfFlag::OpenAction]
    );
    // Flagged by inspection; refused from customers by the screen.
    assert_eq!(screen(got).unwrap_err(), Rejection::ActiveContent);
    let plain = inspect(plain_pdf(1, "", &[]), &limits).await.unwrap();
    assert!(screen(plain).is_ok());

    // Launch action on a page-open trigger, and an attached file.
    let launch = plain_pdf(
        1,
        "/AA << /O 6 0 R >> /Names << /EmbeddedFiles << /Names [(a.exe) 7 0 R] >> >>",
        &[
            "<< /S /Launch /F (cmd.exe) >>".to_owned(),
            "<< /Type /Filespec /F (a.exe) /EF << /F 8 0 R >> >>".to_owned(),
            "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream".to_owned(),
        ],
    );
    let got = inspect(launch, &limits).await.unwrap();
    assert_eq!(
        got.pdf_flags,
        vec![
            PdfFlag::Launch,
            PdfFlag::EmbeddedFile,
            PdfFlag::AdditionalActions
        ]
    );

    // Names spelled with #xx escapes are the same names.
    let escaped = plain_pdf(
        1,
        "/Names << /Java#53cript 6 0 R >>",
        &["<< /S /JavaScript /J#53 (this.print\\(\\)) >>".to_owned()],
    );
    let got = inspect(escaped, &limits).await.unwrap();
    assert_eq!(got.pdf_flags, vec![PdfFlag::JavaScript]);

    // A name inside a string or a stream is just text.
    let text_only = plain_pdf(1, "/Title (/JavaScript /Launch /AA)", &[]);
    let got = inspect(text_only, &limits).await.unwrap();
    assert_eq!(got.pdf_flags, Vec::<PdfFlag>::new());
}

#[tokio::test]
async fn rejection_keys() {
    let all = [
        Rejection::Empty,
        Rejection::TooBig {
            max_bytes: 10 * 1024 * 1024,
        },
        Rejection::UnsupportedType,
        Rejection::TooLarge,
        Rejection::Unreadable,
        Rejection::ActiveContent,
    ];
    let keys: Vec<&str> = all.iter().map(Rejection::key).collect();
    assert_eq!(keys, REJECTION_KEYS);
    assert_eq!(
        all[1].args(),
        vec![
            ("max_mb", "10".to_owned()),
            ("max_bytes", "10485760".to_owned())
        ]
    );
    assert!(all[0].args().is_empty());
}

/// Manual: `cargo test -p domain --test receipt_files -- --ignored --nocapture timing`
#[tokio::test]
#[ignore = "timing, run by hand"]
async fn timing_12_megapixel_jpeg() {
    let photo = RgbImage::from_fn(4000, 3000, |x, y| {
        let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40503)) >> 24;
        Rgb([
            (x / 16) as u8 ^ noise as u8,
            (y / 12) as u8,
            ((x + y) / 28) as u8,
        ])
    });
    let input = encode(DynamicImage::ImageRgb8(photo), ImageFormat::Jpeg);
    let started = Instant::now();
    let got = inspect(input.clone(), &Limits::default()).await.unwrap();
    let took = started.elapsed();
    println!(
        "inspect: 4000x3000 JPEG, {} bytes, thumbnail {} bytes, took {took:?}",
        input.len(),
        got.thumbnail.as_ref().map_or(0, Vec::len)
    );
}

// ---------------------------------------------------------------------------------------------
// Storage

const SHA: &str = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

const HOSTILE_KEYS: &[&str] = &[
    "",
    "../x",
    "/etc/passwd",
    "a/../../b",
    "A B",
    "receipts/AB/x.jpg",
    "receipts//x.jpg",
    "receipts/x.jpg/",
    "receipts/.tmp-x",
    "..",
    "a/..",
    "receipts\\..\\x",
    "receipts/x.jpg\0",
    "receipts/кит.jpg",
];

#[test]
fn keys_come_from_content_only() {
    assert_eq!(
        content_key(SHA, FileKind::Jpeg).unwrap(),
        format!("receipts/ab/cd/{SHA}.jpg")
    );
    assert_eq!(
        content_key(SHA, FileKind::Pdf).unwrap(),
        format!("receipts/ab/cd/{SHA}.pdf")
    );
    assert_eq!(
        content_key(SHA, FileKind::Webp).unwrap(),
        format!("receipts/ab/cd/{SHA}.webp")
    );
    assert_eq!(thumb_key(SHA).unwrap(), format!("thumbs/ab/cd/{SHA}.jpg"));
    for bad in ["", "ab", "../../etc/passwd", &SHA.to_uppercase(), &SHA[1..]] {
        assert!(content_key(bad, FileKind::Png).is_err(), "{bad:?}");
        assert!(thumb_key(bad).is_err(), "{bad:?}");
    }
    assert!(is_valid_key(&content_key(SHA, FileKind::Png).unwrap()));
    for key in HOSTILE_KEYS {
        assert!(!is_valid_key(key), "{key:?}");
    }
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "vitrina-receipts-test-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn storage_contract(storage: &dyn FileStore) {
    let key = content_key(SHA, FileKind::Png).unwrap();
    assert!(!storage.exists(&key).await.unwrap());
    assert_eq!(storage.get(&key).await.unwrap(), None);

    storage.put(&key, b"first".to_vec()).await.unwrap();
    assert!(storage.exists(&key).await.unwrap());
    assert_eq!(storage.get(&key).await.unwrap(), Some(b"first".to_vec()));
    // Same key again is fine (content addressed: same key, same bytes).
    storage.put(&key, b"first".to_vec()).await.unwrap();
    assert_eq!(storage.get(&key).await.unwrap(), Some(b"first".to_vec()));

    for bad in HOSTILE_KEYS {
        assert!(storage.put(bad, b"x".to_vec()).await.is_err(), "{bad:?}");
        assert!(storage.get(bad).await.is_err(), "{bad:?}");
        assert!(storage.exists(bad).await.is_err(), "{bad:?}");
    }
}

#[tokio::test]
async fn memory_storage() {
    storage_contract(&MemoryStorage::new()).await;
}

#[tokio::test]
async fn local_storage_round_trip_and_atomic_writes() {
    let dir = TempDir::new();
    let root = dir.0.join("data");
    let storage = LocalStorage::new(&root);
    storage_contract(&storage).await;

    let key = content_key(SHA, FileKind::Png).unwrap();
    let file = root.join(&key);
    assert_eq!(std::fs::read(&file).unwrap(), b"first");
    // No temporary files left behind.
    let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![file.file_name().unwrap().to_owned()]);
    // Nothing escaped the root.
    assert!(!dir.0.join("x").exists() && !dir.0.join("b").exists());

    // Concurrent writers of one key both succeed.
    let other = content_key(&SHA.replace('a', "b"), FileKind::Jpeg).unwrap();
    let bytes = vec![7u8; 100_000];
    let (a, b) = tokio::join!(
        storage.put(&other, bytes.clone()),
        storage.put(&other, bytes.clone())
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(storage.get(&other).await.unwrap(), Some(bytes));
}

#[tokio::test]
async fn inspected_files_are_stored_under_content_keys() {
    let storage = MemoryStorage::new();
    let input = jpeg(640, 480);
    let inspected = inspect(input.clone(), &Limits::default()).await.unwrap();
    let stored = store(&storage, &inspected).await.unwrap();
    let sha = sha256_hex(&input);
    assert_eq!(
        stored.key,
        format!("receipts/{}/{}/{sha}.jpg", &sha[..2], &sha[2..4])
    );
    assert_eq!(
        stored.thumb_key.as_deref(),
        Some(format!("thumbs/{}/{}/{sha}.jpg", &sha[..2], &sha[2..4]).as_str())
    );
    assert_eq!(storage.get(&stored.key).await.unwrap(), Some(input));
    assert_eq!(
        storage
            .get(stored.thumb_key.as_deref().unwrap())
            .await
            .unwrap(),
        inspected.thumbnail
    );

    let pdf_bytes = plain_pdf(1, "", &[]);
    let inspected = inspect(pdf_bytes, &Limits::default()).await.unwrap();
    let stored = store(&storage, &inspected).await.unwrap();
    assert!(stored.key.ends_with(".pdf"));
    assert_eq!(stored.thumb_key, None);
    assert_eq!(storage.keys().len(), 3);
}

/// Against an S3-compatible server: CI starts one (moto) and names it in the environment.
#[cfg(feature = "s3")]
#[tokio::test]
async fn s3_storage() {
    use files::s3::{S3Config, S3Storage};
    let endpoint = std::env::var("VITRINA_TEST_S3_ENDPOINT")
        .expect("the s3 feature's tests need VITRINA_TEST_S3_ENDPOINT and VITRINA_TEST_S3_BUCKET (see .ci/run)");
    let bucket = std::env::var("VITRINA_TEST_S3_BUCKET").expect("VITRINA_TEST_S3_BUCKET");
    let config = S3Config {
        bucket,
        region: "us-east-1".into(),
        endpoint,
        access_key_id: "test".into(),
        secret_access_key: "test".into(),
        allow_http: true,
    };
    let storage = S3Storage::new(&config).unwrap();
    storage_contract(&storage).await;
    let inspected = inspect(jpeg(800, 600), &Limits::default()).await.unwrap();
    let stored = store(&storage, &inspected).await.unwrap();
    assert_eq!(
        storage.get(&stored.key).await.unwrap(),
        Some(inspected.bytes.clone())
    );
    assert!(
        storage
            .exists(stored.thumb_key.as_deref().unwrap())
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_decoder_panic_is_a_refusal_on_every_path() {
    // Found by fuzzing: zune-jpeg 0.5 unwraps on this file's sampling factors (AVX2 IDCT).
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fuzz/regressions/receipts/zune-jpeg-idct-avx2-unwrap-sampling-1x3-4x4.jpg"
    );
    let file = std::fs::read(path).unwrap();
    let limits = Limits::default();
    let sync = files::inspect::inspect_sync(file.clone(), &limits);
    let on_the_pool = inspect(file, &limits).await;
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // Where the decoder takes its AVX2 path it panics: that must be a refusal.
        assert_eq!(sync, Err(Rejection::Unreadable));
    }
    assert_eq!(on_the_pool, sync);
}

// ---------------------------------------------------------------------------------------------
// JPEGs decoded at the thumbnail's scale (issue 14)

/// Mean absolute difference per channel of two RGB thumbnails of the same size.
fn mean_difference(a: &[u8], b: &[u8]) -> f64 {
    let a = image::load_from_memory(a).unwrap().to_rgb8();
    let b = image::load_from_memory(b).unwrap().to_rgb8();
    assert_eq!(a.dimensions(), b.dimensions());
    let total: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(&x, &y)| u64::from(x.abs_diff(y)))
        .sum();
    total as f64 / a.as_raw().len() as f64
}

#[tokio::test]
async fn large_jpegs_keep_their_true_size_and_a_thumbnail_like_the_full_decode() {
    use files::inspect::baseline_full_decode_inspect_sync;
    let limits = Limits::default();
    // 1/2 (1600x1200 -> 800x600), 1/4 (2400x1800 -> 600x450) and odd sizes that round.
    for (w, h) in [(1600, 1200), (2400, 1800), (1999, 1001), (601, 4003)] {
        let input = jpeg(w, h);
        let got = inspect(input.clone(), &limits).await.unwrap();
        assert_image_accepted(&got, &input, FileKind::Jpeg, w, h, &limits);
        let old = baseline_full_decode_inspect_sync(input.clone(), &limits).unwrap();
        assert_eq!(
            (old.width, old.height, &old.sha256),
            (got.width, got.height, &got.sha256)
        );
        let diff = mean_difference(
            got.thumbnail.as_deref().unwrap(),
            old.thumbnail.as_deref().unwrap(),
        );
        // The test picture is a sawtooth (hard edges every 256 px), where two resamplings differ
        // most; a wrong scale, shift or channel order differs by far more than this.
        assert!(
            diff < 12.0,
            "{w}x{h}: thumbnails differ by {diff:.2} on average"
        );
    }
}

#[tokio::test]
async fn a_large_rotated_jpeg_reports_its_displayed_size() {
    let limits = Limits::default();
    let input = jpeg_with_exif(1600, 1200);
    let got = inspect(input.clone(), &limits).await.unwrap();
    assert_image_accepted(&got, &input, FileKind::Jpeg, 1200, 1600, &limits);
    let thumb = image::load_from_memory(got.thumbnail.as_deref().unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (384, 512));
}

#[tokio::test]
async fn grey_and_cut_large_jpegs() {
    let limits = Limits::default();
    let grey = encode(
        DynamicImage::ImageLuma8(image::GrayImage::from_fn(1400, 900, |x, y| {
            image::Luma([((x + y) % 256) as u8])
        })),
        ImageFormat::Jpeg,
    );
    let got = inspect(grey.clone(), &limits).await.unwrap();
    assert_image_accepted(&got, &grey, FileKind::Jpeg, 1400, 900, &limits);

    // Cut anywhere in the scan, or just before the end marker: unreadable, on both paths.
    let whole = jpeg(1600, 1200);
    for cut in [whole.len() / 3, whole.len() - 2, whole.len() - 1] {
        let part = whole[..cut].to_vec();
        assert_eq!(
            inspect(part.clone(), &limits).await,
            Err(Rejection::Unreadable),
            "cut at {cut}"
        );
        assert_eq!(
            files::inspect::baseline_full_decode_inspect_sync(part, &limits),
            Err(Rejection::Unreadable)
        );
    }
    // Limits from the header, before decoding: too many pixels, or too much to allocate.
    let small_pixels = Limits {
        max_pixels: 1600 * 1200 - 1,
        ..Limits::default()
    };
    assert_eq!(
        inspect(whole.clone(), &small_pixels).await,
        Err(Rejection::TooLarge)
    );
    let small_alloc = Limits {
        max_alloc: 1024 * 1024,
        ..Limits::default()
    };
    assert_eq!(inspect(whole, &small_alloc).await, Err(Rejection::TooLarge));
}
