//! The receipt file pipeline: what a customer uploaded is sniffed by its magic bytes (never by
//! name or declared type), checked against size and dimension limits, decoded with explicit
//! decoder limits, and turned into a JPEG thumbnail (re-encoding strips all metadata); a JPEG is
//! decoded once, at the scale the thumbnail needs, and hashed as it is read (module `jpeg`),
//! PNG and WebP at full size. PDFs are
//! parsed and scanned for active content, which is flagged for staff rather than refused.
//!
//! The original bytes are passed through unchanged together with their sha256; storing them is
//! [`crate::store`]'s job. Nothing here knows about Telegram or HTTP.

use std::fmt::Write as _;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage};
use sha2::{Digest, Sha256};

use crate::FileKind;
pub use crate::pdf::PdfFlag;

/// What a receipt file may be. The defaults suit a Telegram shop bot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Size of the uploaded file. Default 10 MiB.
    pub max_bytes: usize,
    /// Image width in pixels. Default 12 000.
    pub max_width: u32,
    /// Image height in pixels. Default 12 000.
    pub max_height: u32,
    /// Width × height. Default 40 000 000.
    pub max_pixels: u64,
    /// What the image decoder may allocate, the decoded image included. Default 256 MiB.
    pub max_alloc: u64,
    /// Longest side of the thumbnail. Default 512.
    pub thumb_size: u32,
    /// Pages of a PDF. Default 50.
    pub pdf_max_pages: usize,
    /// Bytes all of a PDF's streams may decode to, together (object streams are kept in
    /// memory while they are scanned, one at a time). Default 64 MiB.
    pub pdf_max_inflated: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            max_width: 12_000,
            max_height: 12_000,
            max_pixels: 40_000_000,
            max_alloc: 256 * 1024 * 1024,
            thumb_size: 512,
            pdf_max_pages: 50,
            pdf_max_inflated: 64 * 1024 * 1024,
        }
    }
}

/// An accepted receipt file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspected {
    pub kind: FileKind,
    /// Lowercase hex sha256 of the original bytes.
    pub sha256: String,
    /// Size of the original bytes.
    pub size: usize,
    /// Images only: as displayed, i.e. after the EXIF orientation is applied.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Images only: a JPEG whose longest side is at most [`Limits::thumb_size`], oriented, without
    /// metadata; transparency is flattened onto white.
    pub thumbnail: Option<Vec<u8>>,
    /// PDFs only: active content found, sorted, without duplicates.
    pub pdf_flags: Vec<PdfFlag>,
    /// The original bytes, unchanged.
    pub bytes: Vec<u8>,
}

pub use crate::rejection::{REJECTION_KEYS, Rejection};

/// The file type by its magic bytes alone.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileKind::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(FileKind::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else {
        None
    }
}

/// What customers may send as a receipt: a PDF with active content (scripts, launch actions,
/// embedded files) is refused rather than shown to staff.
pub fn screen(inspected: Inspected) -> Result<Inspected, Rejection> {
    if inspected.pdf_flags.is_empty() {
        Ok(inspected)
    } else {
        tracing::info!(flags = ?inspected.pdf_flags, "refused a PDF receipt with active content");
        Err(Rejection::ActiveContent)
    }
}

/// Checks a receipt file and prepares it for storage, on the blocking pool. A panic there is
/// a refusal ([`Rejection::Unreadable`]), never a crash of the caller; nothing in the pipeline
/// recurses without a bound, so a file cannot overflow the stack either.
pub async fn inspect(bytes: Vec<u8>, limits: &Limits) -> Result<Inspected, Rejection> {
    let started = std::time::Instant::now();
    let limits = limits.clone();
    let result = match tokio::task::spawn_blocking(move || inspect_sync(bytes, &limits)).await {
        Ok(result) => result,
        Err(e) => {
            tracing::warn!(error = %e, "receipt inspection failed");
            Err(Rejection::Unreadable)
        }
    };
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        ok = result.is_ok(),
        "receipt inspected"
    );
    result
}

/// [`inspect`] on the calling thread (for fuzzing, benchmarks and callers already on a blocking
/// thread). The cheap checks (empty, size, type) come first.
pub fn inspect_sync(bytes: Vec<u8>, limits: &Limits) -> Result<Inspected, Rejection> {
    inspect_sync_on(bytes, limits, JpegPath::Scaled)
}

/// The pipeline as it was before issue 14, for the receipt benchmark's side-by-side figure only:
/// the sha256 first, then every JPEG decoded at full size and shrunk afterwards. It accepts and
/// refuses what [`inspect_sync`] does; it is just slower. Not for production use.
#[doc(hidden)]
pub fn baseline_full_decode_inspect_sync(
    bytes: Vec<u8>,
    limits: &Limits,
) -> Result<Inspected, Rejection> {
    inspect_sync_on(bytes, limits, JpegPath::FullDecode)
}

/// How a JPEG is decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JpegPath {
    /// At the scale the thumbnail needs, hashed while read ([`crate::jpeg`]).
    Scaled,
    /// At full size (the path before issue 14, and PNG's and WebP's path).
    FullDecode,
}

fn inspect_sync_on(
    bytes: Vec<u8>,
    limits: &Limits,
    path: JpegPath,
) -> Result<Inspected, Rejection> {
    if bytes.is_empty() {
        return Err(Rejection::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(Rejection::TooBig {
            max_bytes: limits.max_bytes,
        });
    }
    let kind = sniff(&bytes).ok_or(Rejection::UnsupportedType)?;
    // A decoder that panics on a hostile file (zune-jpeg 0.5 has an `unwrap` that fuzzing
    // reaches: `fuzz/regressions/receipts/`) costs a refusal, never the caller's thread.
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        inspect_blocking(bytes, kind, limits, path)
    }));
    checked.unwrap_or_else(|_| {
        tracing::warn!(?kind, "receipt inspection panicked; refused as unreadable");
        Err(Rejection::Unreadable)
    })
}

fn inspect_blocking(
    bytes: Vec<u8>,
    kind: FileKind,
    limits: &Limits,
    path: JpegPath,
) -> Result<Inspected, Rejection> {
    let mut inspected = Inspected {
        kind,
        sha256: String::new(),
        size: bytes.len(),
        width: None,
        height: None,
        thumbnail: None,
        pdf_flags: Vec::new(),
        bytes: Vec::new(),
    };
    let image = match (kind, path) {
        (FileKind::Jpeg, JpegPath::Scaled) => match crate::jpeg::inspect(&bytes, limits)? {
            crate::jpeg::Scaled::Done(image, sha256) => {
                inspected.sha256 = sha256;
                Some(image)
            }
            crate::jpeg::Scaled::Elsewhere => Some(inspect_image(&bytes, kind, limits)?),
        },
        (FileKind::Jpeg | FileKind::Png | FileKind::Webp, _) => {
            if path == JpegPath::FullDecode {
                // As before issue 14: hashed up front.
                inspected.sha256 = sha256_hex(&bytes);
            }
            Some(inspect_image(&bytes, kind, limits)?)
        }
        (FileKind::Pdf, _) => {
            inspected.pdf_flags =
                crate::pdf::inspect(&bytes, limits.pdf_max_pages, limits.pdf_max_inflated)?;
            None
        }
    };
    if let Some(image) = image {
        inspected.width = Some(image.width);
        inspected.height = Some(image.height);
        inspected.thumbnail = Some(image.thumbnail);
    }
    if inspected.sha256.is_empty() {
        inspected.sha256 = sha256_hex(&bytes);
    }
    inspected.bytes = bytes;
    Ok(inspected)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of a digest.
pub(crate) fn hex(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

// ---------------------------------------------------------------------------------------------
// Images

pub(crate) struct CheckedImage {
    /// As displayed (the EXIF orientation applied), of the full image.
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) thumbnail: Vec<u8>,
}

/// A whole JPEG ends its last scan with an EOI marker. Inside entropy-coded data a 0xFF byte is
/// always followed by 0x00 or a restart marker, so `FF D9` after the last `FF DA` (start of
/// scan) can only be the real end.
fn jpeg_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_scan {
        Some(at) => bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => false,
    }
}

/// A limit error from the decoder means the image is too large; anything else, unreadable.
fn image_rejection(e: ImageError) -> Rejection {
    match e {
        ImageError::Limits(_) => Rejection::TooLarge,
        _ => Rejection::Unreadable,
    }
}

fn inspect_image(bytes: &[u8], kind: FileKind, limits: &Limits) -> Result<CheckedImage, Rejection> {
    if kind == FileKind::Jpeg && !jpeg_complete(bytes) {
        // The decoder would fill a cut-off scan with grey and call it an image.
        return Err(Rejection::Unreadable);
    }
    let format = match kind {
        FileKind::Jpeg => ImageFormat::Jpeg,
        FileKind::Png => ImageFormat::Png,
        FileKind::Webp => ImageFormat::WebP,
        FileKind::Pdf => return Err(Rejection::UnsupportedType),
    };
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(limits.max_width);
    decoder_limits.max_image_height = Some(limits.max_height);
    decoder_limits.max_alloc = Some(limits.max_alloc);

    // Making the decoder reads the headers only; the pixels are not decoded yet.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(decoder_limits.clone());
    let mut decoder = reader.into_decoder().map_err(image_rejection)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(Rejection::Unreadable);
    }
    if width > limits.max_width
        || height > limits.max_height
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(Rejection::TooLarge);
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    // As `ImageReader::decode` does: the decoded image counts towards the allocation limit.
    decoder_limits
        .reserve(decoder.total_bytes())
        .map_err(image_rejection)?;
    decoder
        .set_limits(decoder_limits)
        .map_err(image_rejection)?;
    let image = DynamicImage::from_decoder(decoder).map_err(image_rejection)?;

    let (width, height) = oriented(width, height, orientation);
    let thumbnail = thumbnail(image, orientation, limits.thumb_size)?;
    Ok(CheckedImage {
        width,
        height,
        thumbnail,
    })
}

/// Width and height as displayed: a quarter turn swaps them.
pub(crate) fn oriented(width: u32, height: u32, orientation: Orientation) -> (u32, u32) {
    match orientation {
        Orientation::Rotate90
        | Orientation::Rotate270
        | Orientation::Rotate90FlipH
        | Orientation::Rotate270FlipH => (height, width),
        _ => (width, height),
    }
}

/// The size of the thumbnail of a `width`×`height` image: scaled down (never up) to fit
/// `size`×`size`, the aspect ratio kept, rounded as `DynamicImage::thumbnail` rounds.
pub(crate) fn thumbnail_dimensions(width: u32, height: u32, size: u32) -> (u32, u32) {
    if width <= size && height <= size {
        return (width, height);
    }
    let ratio = f64::min(
        f64::from(size) / f64::from(width),
        f64::from(size) / f64::from(height),
    );
    let side = |n: u32| ((f64::from(n) * ratio).round() as u32).clamp(1, size);
    (side(width), side(height))
}

/// Scales down (never up) to fit `size`×`size`, then [`to_jpeg`].
fn thumbnail(
    image: DynamicImage,
    orientation: Orientation,
    size: u32,
) -> Result<Vec<u8>, Rejection> {
    let size = size.max(1);
    let small = if image.width() > size || image.height() > size {
        image.thumbnail(size, size)
    } else {
        image
    };
    to_jpeg(small, orientation)
}

/// Applies the orientation, flattens transparency onto white and encodes a JPEG. The encoder
/// writes no metadata.
pub(crate) fn to_jpeg(
    mut small: DynamicImage,
    orientation: Orientation,
) -> Result<Vec<u8>, Rejection> {
    small.apply_orientation(orientation);
    let rgb = if small.color().has_alpha() {
        let rgba = small.to_rgba8();
        RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
            let [r, g, b, a] = rgba.get_pixel(x, y).0;
            let over_white = |c: u8| {
                let (c, a) = (u32::from(c), u32::from(a));
                // (c·a + 255·(255 − a)) / 255, rounded; always <= 255.
                u8::try_from((c * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX)
            };
            image::Rgb([over_white(r), over_white(g), over_white(b)])
        })
    } else {
        small.into_rgb8()
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&rgb)
        .map_err(|e| {
            tracing::warn!(error = %e, "receipt thumbnail encoding failed");
            Rejection::Unreadable
        })?;
    Ok(out)
}
