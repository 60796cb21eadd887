//! The receipt file pipeline: what a customer uploaded is sniffed by its magic bytes (never by
//! name or declared type), checked against size and dimension limits, decoded with explicit
//! decoder limits, and turned into a JPEG thumbnail (re-encoding strips all metadata). PDFs are
//! parsed and scanned for active content, which is flagged for staff rather than refused.
//!
//! The original bytes are passed through unchanged together with their sha256; storing them is
//! [`super::storage`]'s job. Nothing here knows about Telegram or HTTP.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage};
use sha2::{Digest, Sha256};

use super::ReceiptKind;

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
    /// Bytes all of a PDF's compressed streams may inflate to, together. Default 64 MiB.
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

/// Active content found in a PDF. Not a reason to refuse the file; staff are warned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PdfFlag {
    /// `/JS` or `/JavaScript` (a script action or the document-level script name tree).
    JavaScript,
    /// `/Launch`: an action that starts a program or opens a file.
    Launch,
    /// `/EmbeddedFile`, `/EmbeddedFiles` or `/EF`: files hidden inside the PDF.
    EmbeddedFile,
    /// `/OpenAction` with an action (a plain "open at page N" destination is not flagged).
    OpenAction,
    /// `/AA`: actions triggered by opening pages, fields and the like.
    AdditionalActions,
}

impl PdfFlag {
    /// A stable code (for storage, logs and an i18n key suffix, e.g. `pdf-flag-javascript`).
    pub fn as_str(self) -> &'static str {
        match self {
            PdfFlag::JavaScript => "javascript",
            PdfFlag::Launch => "launch",
            PdfFlag::EmbeddedFile => "embedded-file",
            PdfFlag::OpenAction => "open-action",
            PdfFlag::AdditionalActions => "additional-actions",
        }
    }
}

/// An accepted receipt file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspected {
    pub kind: ReceiptKind,
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

/// Why a file was refused. [`Rejection::key`] and [`Rejection::args`] give the message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max_bytes} bytes")]
    TooBig { max_bytes: usize },
    #[error("not a JPEG, PNG, WebP or PDF file")]
    UnsupportedType,
    #[error("the image or document is too large")]
    TooLarge,
    #[error("the file could not be read")]
    Unreadable,
    #[error("the PDF contains active content")]
    ActiveContent,
}

/// Every i18n key a [`Rejection`] can produce.
pub const REJECTION_KEYS: &[&str] = &[
    "receipt-empty",
    "receipt-too-big",
    "receipt-unsupported",
    "receipt-too-large",
    "receipt-unreadable",
    "receipt-active-content",
];

impl Rejection {
    /// The i18n key of the message shown to the customer.
    pub fn key(&self) -> &'static str {
        match self {
            Rejection::Empty => "receipt-empty",
            Rejection::TooBig { .. } => "receipt-too-big",
            Rejection::UnsupportedType => "receipt-unsupported",
            Rejection::TooLarge => "receipt-too-large",
            Rejection::Unreadable => "receipt-unreadable",
            Rejection::ActiveContent => "receipt-active-content",
        }
    }

    /// Arguments for the message: `receipt-too-big` gets `max_mb` (whole MiB, rounded up) and
    /// `max_bytes`; the others get none.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Rejection::TooBig { max_bytes } => vec![
                ("max_mb", max_bytes.div_ceil(1024 * 1024).to_string()),
                ("max_bytes", max_bytes.to_string()),
            ],
            _ => Vec::new(),
        }
    }
}

/// The file type by its magic bytes alone.
pub fn sniff(bytes: &[u8]) -> Option<ReceiptKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ReceiptKind::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(ReceiptKind::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ReceiptKind::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(ReceiptKind::Pdf)
    } else {
        None
    }
}

/// Checks a receipt file and prepares it for storage. The cheap checks (empty, size, type) run
/// here; decoding and parsing run on the blocking pool, and a panic there is a refusal
/// ([`Rejection::Unreadable`]), never a crash of the caller.
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

pub async fn inspect(bytes: Vec<u8>, limits: &Limits) -> Result<Inspected, Rejection> {
    if bytes.is_empty() {
        return Err(Rejection::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(Rejection::TooBig {
            max_bytes: limits.max_bytes,
        });
    }
    let kind = sniff(&bytes).ok_or(Rejection::UnsupportedType)?;
    let limits = limits.clone();
    match tokio::task::spawn_blocking(move || inspect_blocking(bytes, kind, &limits)).await {
        Ok(result) => result,
        Err(e) => {
            tracing::warn!(error = %e, ?kind, "receipt inspection failed");
            Err(Rejection::Unreadable)
        }
    }
}

fn inspect_blocking(
    bytes: Vec<u8>,
    kind: ReceiptKind,
    limits: &Limits,
) -> Result<Inspected, Rejection> {
    let mut inspected = Inspected {
        kind,
        sha256: sha256_hex(&bytes),
        size: bytes.len(),
        width: None,
        height: None,
        thumbnail: None,
        pdf_flags: Vec::new(),
        bytes: Vec::new(),
    };
    match kind {
        ReceiptKind::Jpeg | ReceiptKind::Png | ReceiptKind::Webp => {
            let image = inspect_image(&bytes, kind, limits)?;
            inspected.width = Some(image.width);
            inspected.height = Some(image.height);
            inspected.thumbnail = Some(image.thumbnail);
        }
        ReceiptKind::Pdf => inspected.pdf_flags = inspect_pdf(&bytes, limits)?,
    }
    inspected.bytes = bytes;
    Ok(inspected)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

// ---------------------------------------------------------------------------------------------
// Images

struct CheckedImage {
    width: u32,
    height: u32,
    thumbnail: Vec<u8>,
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

fn inspect_image(
    bytes: &[u8],
    kind: ReceiptKind,
    limits: &Limits,
) -> Result<CheckedImage, Rejection> {
    if kind == ReceiptKind::Jpeg && !jpeg_complete(bytes) {
        // The decoder would fill a cut-off scan with grey and call it an image.
        return Err(Rejection::Unreadable);
    }
    let format = match kind {
        ReceiptKind::Jpeg => ImageFormat::Jpeg,
        ReceiptKind::Png => ImageFormat::Png,
        ReceiptKind::Webp => ImageFormat::WebP,
        ReceiptKind::Pdf => return Err(Rejection::UnsupportedType),
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

    let (width, height) = match orientation {
        Orientation::Rotate90
        | Orientation::Rotate270
        | Orientation::Rotate90FlipH
        | Orientation::Rotate270FlipH => (height, width),
        _ => (width, height),
    };
    let thumbnail = thumbnail(image, orientation, limits.thumb_size)?;
    Ok(CheckedImage {
        width,
        height,
        thumbnail,
    })
}

/// Scales down (never up) to fit `size`×`size`, applies the orientation, flattens transparency
/// onto white and encodes a JPEG. The encoder writes no metadata.
fn thumbnail(
    image: DynamicImage,
    orientation: Orientation,
    size: u32,
) -> Result<Vec<u8>, Rejection> {
    let size = size.max(1);
    let mut small = if image.width() > size || image.height() > size {
        image.thumbnail(size, size)
    } else {
        image
    };
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
        small.to_rgb8()
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

// ---------------------------------------------------------------------------------------------
// PDFs

/// Nesting of arrays and dictionaries allowed in a PDF object. Real documents stay far below.
/// lopdf recurses per level without a limit of its own, and a stack overflow aborts the whole
/// process instead of failing one upload: in a debug build it overflows a 2 MiB thread stack
/// at about 70 nested dictionaries (85 arrays); release frames are much smaller.
const PDF_MAX_NESTING: usize = 32;

/// Known gap: while loading, lopdf 0.40 inflates object streams and cross-reference streams
/// with no size limit (a 2 MB file can make it allocate 300 MB, a 10 MB one far more), and the
/// nesting check above cannot see inside those compressed streams. Closing that needs a
/// bounded inflate before parsing, or parsing in a memory-limited child process.
fn inspect_pdf(bytes: &[u8], limits: &Limits) -> Result<Vec<PdfFlag>, Rejection> {
    let mut flags = prescan_pdf(bytes)?;
    // lopdf inflates object and xref streams with no cap: measure first, with one.
    if inflated_size(bytes, limits.pdf_max_inflated) > limits.pdf_max_inflated {
        return Err(Rejection::TooLarge);
    }
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| {
        tracing::debug!(error = %e, "receipt PDF did not parse");
        Rejection::Unreadable
    })?;
    // Bounded by lopdf (depth and object count); take one more than allowed to tell "too many".
    let pages = doc.page_iter().take(limits.pdf_max_pages + 1).count();
    if pages == 0 {
        // No page to show: broken, or encrypted with a password we don't have.
        return Err(Rejection::Unreadable);
    }
    if pages > limits.pdf_max_pages {
        return Err(Rejection::TooLarge);
    }
    scan_pdf_objects(&doc, &mut flags);
    Ok(flags.into_iter().collect())
}

/// How many bytes the file's Flate streams inflate to, counted up to just past `budget` (a
/// stream that fails to inflate counts what it gave). Streams are found by their `stream` /
/// `endstream` keywords, whatever the xref says.
fn inflated_size(bytes: &[u8], budget: u64) -> u64 {
    use std::io::Read as _;
    let mut total = 0u64;
    let mut at = 0;
    while let Some(start) = find(bytes, at, b"stream") {
        at = start + 6;
        if start >= 3 && &bytes[start - 3..start] == b"end" {
            continue;
        }
        let data_start = match bytes.get(at..at + 2) {
            Some(b"\r\n") => at + 2,
            Some([b'\n', _]) => at + 1,
            _ => continue,
        };
        let Some(end) = find(bytes, data_start, b"endstream") else {
            break;
        };
        let len = end - data_start;
        let dict_from = start.saturating_sub(2048);
        if !bytes[dict_from..start]
            .windows(12)
            .any(|w| w == b"/FlateDecode")
        {
            continue;
        }
        let decoder = flate2::read::ZlibDecoder::new(&bytes[data_start..data_start + len]);
        let left = budget + 1 - total.min(budget + 1);
        let mut counted = Counter(0);
        // A stream that breaks off still counts what it inflated to before.
        let _ = std::io::copy(&mut decoder.take(left), &mut counted);
        total += counted.0;
        if total > budget {
            return total;
        }
        at = data_start + len;
    }
    total
}

/// A writer that only counts.
struct Counter(u64);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn flag_for_key(key: &[u8]) -> Option<PdfFlag> {
    match key {
        b"JS" | b"JavaScript" => Some(PdfFlag::JavaScript),
        b"Launch" => Some(PdfFlag::Launch),
        b"EmbeddedFile" | b"EmbeddedFiles" | b"EF" => Some(PdfFlag::EmbeddedFile),
        b"AA" => Some(PdfFlag::AdditionalActions),
        // `/OpenAction` depends on its value; see `scan_pdf_objects`.
        _ => None,
    }
}

/// Name values that mean active content (`/S /JavaScript`, `/S /Launch`, `/Type /EmbeddedFile`).
fn flag_for_name(name: &[u8]) -> Option<PdfFlag> {
    match name {
        b"JavaScript" => Some(PdfFlag::JavaScript),
        b"Launch" => Some(PdfFlag::Launch),
        b"EmbeddedFile" | b"EmbeddedFiles" => Some(PdfFlag::EmbeddedFile),
        _ => None,
    }
}

/// Walks every parsed object (those from object streams included) and the trailer without
/// recursion, looking at dictionary keys and name values.
fn scan_pdf_objects(doc: &lopdf::Document, flags: &mut BTreeSet<PdfFlag>) {
    use lopdf::Object;

    let mut stack: Vec<&Object> = doc.objects.values().collect();
    let mut dicts: Vec<&lopdf::Dictionary> = vec![&doc.trailer];
    loop {
        if let Some(dict) = dicts.pop() {
            for (key, value) in dict.iter() {
                if let Some(flag) = flag_for_key(key) {
                    flags.insert(flag);
                }
                // An explicit destination (an array, e.g. "open at page 1, fit") is harmless.
                if key.as_slice() == b"OpenAction" && !matches!(value, Object::Array(_)) {
                    let is_destination = value
                        .as_reference()
                        .ok()
                        .and_then(|id| doc.objects.get(&id))
                        .is_some_and(|target| matches!(target, Object::Array(_)));
                    if !is_destination {
                        flags.insert(PdfFlag::OpenAction);
                    }
                }
                stack.push(value);
            }
            continue;
        }
        let Some(object) = stack.pop() else { break };
        match object {
            Object::Dictionary(dict) => dicts.push(dict),
            Object::Stream(stream) => dicts.push(&stream.dict),
            Object::Array(items) => stack.extend(items.iter()),
            Object::Name(name) => {
                if let Some(flag) = flag_for_name(name) {
                    flags.insert(flag);
                }
            }
            _ => {}
        }
    }
}

/// A lexical pass over the raw file before it is parsed: refuses nesting deep enough to overflow
/// the parser's stack, and collects active-content names from objects the parser may later drop
/// as malformed. Skips comments, strings and stream data, so bytes inside those never count.
/// Objects inside compressed object streams are not visible here.
fn prescan_pdf(bytes: &[u8]) -> Result<BTreeSet<PdfFlag>, Rejection> {
    let mut flags = BTreeSet::new();
    let mut depth = 0usize;
    let mut i = 0usize;
    let n = bytes.len();
    while i < n {
        match bytes[i] {
            b'%' => {
                while i < n && bytes[i] != b'\r' && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' => {
                // Literal string: balanced parentheses, backslash escapes.
                let mut open = 0usize;
                while i < n {
                    match bytes[i] {
                        b'\\' => i += 1,
                        b'(' => open += 1,
                        b')' => {
                            open -= 1;
                            if open == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 2;
            }
            b'<' => {
                // Hex string.
                while i < n && bytes[i] != b'>' {
                    i += 1;
                }
                i += 1;
            }
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 2;
            }
            b'[' => {
                depth += 1;
                i += 1;
            }
            b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'/' => {
                i += 1;
                let start = i;
                while i < n && !is_pdf_delimiter_or_space(bytes[i]) {
                    i += 1;
                }
                let name = unescape_pdf_name(&bytes[start..i]);
                if let Some(flag) = flag_for_key(&name).or_else(|| flag_for_name(&name)) {
                    flags.insert(flag);
                }
            }
            b'e' if keyword_at(bytes, i, b"endobj") => {
                // Objects are parsed one by one: nesting does not carry over.
                depth = 0;
                i += b"endobj".len();
            }
            b's' if keyword_at(bytes, i, b"stream") => {
                i += b"stream".len();
                i = find(bytes, i, b"endstream").map_or(n, |at| at + b"endstream".len());
            }
            _ => i += 1,
        }
        if depth > PDF_MAX_NESTING {
            return Err(Rejection::Unreadable);
        }
    }
    Ok(flags)
}

fn is_pdf_delimiter_or_space(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    ) || matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0C' | b'\0')
}

/// `word` at `i`, not glued to a regular character on either side.
fn keyword_at(bytes: &[u8], i: usize, word: &[u8]) -> bool {
    bytes[i..].starts_with(word)
        && (i == 0 || is_pdf_delimiter_or_space(bytes[i - 1]))
        && bytes
            .get(i + word.len())
            .is_none_or(|&b| is_pdf_delimiter_or_space(b))
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| from + at)
}

/// `#xx` escapes in a name, as the parser decodes them (`/J#53` is `/JS`).
fn unescape_pdf_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#'
            && let Some(&[hi, lo]) = raw.get(i + 1..i + 3)
            && let (Some(hi), Some(lo)) = (hex_value(hi), hex_value(lo))
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}
