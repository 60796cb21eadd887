//! The receipt file pipeline and receipt storage, against hostile and valid files made here
//! (no binary fixtures). No database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;
use std::path::PathBuf;
use std::time::Instant;

use domain::receipts::ReceiptKind;
use domain::receipts::pipeline::{
    Inspected, Limits, PdfFlag, REJECTION_KEYS, Rejection, inspect, sniff,
};
use domain::receipts::storage::{
    LocalStorage, MemoryStorage, ReceiptStorage, content_key, is_valid_key, store, thumb_key,
};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------------------------
// File makers

fn gradient_rgb(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    })
}

fn encode(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(
        DynamicImage::ImageRgb8(gradient_rgb(width, height)),
        ImageFormat::Jpeg,
    )
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let mut crc_input = kind.to_vec();
    crc_input.extend(data);
    out.extend(&crc_input);
    out.extend(crc32(&crc_input).to_be_bytes());
}

/// A PNG signature and an IHDR for an 8-bit grayscale image of the given size.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]); // bit depth 8, grayscale, deflate, adaptive filter, no interlace
    png_chunk(&mut out, b"IHDR", &ihdr);
    out
}

/// Writes bits LSB first, as deflate wants.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    len: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.len;
        self.len += count;
        while self.len >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    /// A Huffman code: its bits go most significant first.
    fn code(&mut self, code: u32, count: u32) {
        let reversed = code.reverse_bits() >> (32 - count);
        self.put(reversed, count);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.len > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A zlib stream of `n` zero bytes in one fixed-Huffman block: a literal 0, then copies of
/// 258 bytes at distance 1 (13 bits each), then literal zeros for the rest. About 2000:1.
fn zlib_zeros(n: u64) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE = fixed Huffman
    let literal_zero = |bits: &mut Bits| bits.code(0x30, 8);
    literal_zero(&mut bits);
    let mut left = n - 1;
    while left >= 258 {
        bits.code(0xC0 + (285 - 280), 8); // length 258
        bits.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        literal_zero(&mut bits);
    }
    bits.code(0, 7); // end of block
    let mut out = vec![0x78, 0x01];
    out.extend(bits.finish());
    // Adler-32 of zeros: a stays 1, b adds 1 per byte.
    let adler = (((n % 65521) as u32) << 16) | 1;
    out.extend(adler.to_be_bytes());
    out
}

/// A real, valid, all-black grayscale PNG of any size in a few bytes per 2 KB of pixels:
/// a decompression bomb when large.
fn png_zeros(width: u32, height: u32) -> Vec<u8> {
    let mut out = png_header(width, height);
    // Each row: filter byte 0, then `width` zero pixels.
    let idat = zlib_zeros(u64::from(height) * (u64::from(width) + 1));
    for part in idat.chunks(1 << 20) {
        png_chunk(&mut out, b"IDAT", part);
    }
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A PDF with the given objects (numbered from 1; object 1 should be the catalog) and a
/// correct cross-reference table.
fn pdf(objects: &[String]) -> Vec<u8> {
    let objects: Vec<&[u8]> = objects.iter().map(|o| o.as_bytes()).collect();
    pdf_bytes(&objects)
}

fn pdf_bytes(objects: &[&[u8]]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(*body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn content_stream(text: &str) -> String {
    let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    format!(
        "<< /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    )
}

/// A plain PDF of `pages` pages; `catalog_extra` goes into the catalog dictionary. Objects:
/// 1 catalog, 2 page tree, 3 font, then a page and its content per page (page 1 is object 4),
/// then `extra`, numbered from 4 + 2 × `pages` (6 for a one-page PDF).
fn plain_pdf(pages: usize, catalog_extra: &str, extra: &[String]) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|p| format!("{} 0 R", 4 + 2 * p)).collect();
    let mut objects = vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>"),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    for p in 0..pages {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
             /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * p
        ));
        objects.push(content_stream(&format!("Payment receipt, page {}", p + 1)));
    }
    objects.extend(extra.iter().cloned());
    pdf(&objects)
}

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
    kind: ReceiptKind,
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
    assert_eq!(sniff(thumb), Some(ReceiptKind::Jpeg));
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

    assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some(ReceiptKind::Jpeg));
    assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(ReceiptKind::Png));
    assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ReceiptKind::Webp));
    assert_eq!(sniff(b"%PDF-1.4"), Some(ReceiptKind::Pdf));
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
    assert_image_accepted(&got, &small, ReceiptKind::Png, 300, 200, &limits);

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
    assert_image_accepted(&got, &input, ReceiptKind::Jpeg, 1200, 800, &limits);

    // Transparent PNG, smaller than a thumbnail: not scaled up, alpha flattened onto white.
    let input = encode(
        DynamicImage::ImageRgba8(RgbaImage::from_pixel(300, 200, Rgba([0, 0, 0, 0]))),
        ImageFormat::Png,
    );
    let got = inspect(input.clone(), &limits).await.unwrap();
    assert_image_accepted(&got, &input, ReceiptKind::Png, 300, 200, &limits);
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
    assert_image_accepted(&got, &input, ReceiptKind::Webp, 640, 480, &limits);

    // A tall one: the longest side is the height.
    let input = encode(
        DynamicImage::ImageRgb8(gradient_rgb(300, 2000)),
        ImageFormat::Png,
    );
    let got = inspect(input.clone(), &limits).await.unwrap();
    assert_image_accepted(&got, &input, ReceiptKind::Png, 300, 2000, &limits);
}

/// A JPEG with an EXIF block (orientation 6: rotate 90°) and a comment after the SOI marker.
fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let plain = jpeg(width, height);
    // TIFF, big endian, one IFD entry: 0x0112 Orientation, SHORT, 1, value 6.
    let tiff: &[u8] = b"MM\x00\x2A\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00";
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(&app1);
    let comment = b"GPS 50.45N 30.52E secret";
    out.extend([0xFF, 0xFE]);
    out.extend(((comment.len() + 2) as u16).to_be_bytes());
    out.extend(comment);
    out.extend(&plain[2..]);
    out
}

#[tokio::test]
async fn exif_orientation_is_applied_and_metadata_stripped() {
    let limits = Limits::default();
    let input = jpeg_with_exif(800, 600);
    let got = inspect(input.clone(), &limits).await.unwrap();
    // Shown rotated: 600 wide, 800 high.
    assert_image_accepted(&got, &input, ReceiptKind::Jpeg, 600, 800, &limits);
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
    assert_eq!(got.kind, ReceiptKind::Pdf);
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
        content_key(SHA, ReceiptKind::Jpeg).unwrap(),
        format!("receipts/ab/cd/{SHA}.jpg")
    );
    assert_eq!(
        content_key(SHA, ReceiptKind::Pdf).unwrap(),
        format!("receipts/ab/cd/{SHA}.pdf")
    );
    assert_eq!(
        content_key(SHA, ReceiptKind::Webp).unwrap(),
        format!("receipts/ab/cd/{SHA}.webp")
    );
    assert_eq!(thumb_key(SHA).unwrap(), format!("thumbs/ab/cd/{SHA}.jpg"));
    for bad in ["", "ab", "../../etc/passwd", &SHA.to_uppercase(), &SHA[1..]] {
        assert!(content_key(bad, ReceiptKind::Png).is_err(), "{bad:?}");
        assert!(thumb_key(bad).is_err(), "{bad:?}");
    }
    assert!(is_valid_key(&content_key(SHA, ReceiptKind::Png).unwrap()));
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

async fn storage_contract(storage: &dyn ReceiptStorage) {
    let key = content_key(SHA, ReceiptKind::Png).unwrap();
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

    let key = content_key(SHA, ReceiptKind::Png).unwrap();
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
    let other = content_key(&SHA.replace('a', "b"), ReceiptKind::Jpeg).unwrap();
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
