//! JPEG receipts decoded once, at the scale the thumbnail needs, and hashed as they are read.
//!
//! A JPEG stores 8×8 blocks of DCT coefficients, so a decoder can produce the picture at 1/2,
//! 1/4 or 1/8 of its size straight from them (a smaller inverse DCT per block) for a fraction of
//! the work of a full decode. A 4000×3000 photo whose thumbnail is 512 px is decoded at 1/4
//! (1000×750) and then resized to 512×384; a full-size image is never made.
//!
//! The order keeps the limits in front of every allocation: the header (up to the frame
//! header) is read first, its dimensions are checked against [`Limits`] and what the decode
//! will allocate is checked against [`Limits::max_alloc`], and only then are the pixels decoded.
//! The decoder must end on the image's EOI marker: a file cut anywhere is refused as unreadable.
//!
//! The bytes reach the decoder through [`HashingReader`], which feeds them to sha256 in chunks
//! as the decoder consumes them (while they are still in the cache), so the file is walked once.

use std::io::{self, Read};

use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, RgbImage};
use jpeg_decoder::{CodingProcess, Decoder, PixelFormat};
use sha2::{Digest, Sha256};

use crate::inspect::{CheckedImage, Limits, hex, oriented, thumbnail_dimensions, to_jpeg};
use crate::rejection::Rejection;

/// What the scaled path made of a JPEG.
pub(crate) enum Scaled {
    /// Decoded: the image's facts and the sha256 of all the bytes (lowercase hex).
    Done(CheckedImage, String),
    /// A JPEG this decoder leaves to the full-size path: CMYK, lossless or 16-bit, or one it
    /// could not parse although the file is whole (another decoder may be more lenient).
    Elsewhere,
}

/// How many bytes [`HashingReader`] lets the decoder read before it hashes them.
const HASH_CHUNK: usize = 64 * 1024;

/// The bytes as a reader that hashes what the decoder has consumed, [`HASH_CHUNK`] at a time.
struct HashingReader<'a> {
    bytes: &'a [u8],
    /// Next byte the decoder reads.
    pos: usize,
    /// Bytes before this are in `hasher`.
    hashed: usize,
    hasher: Sha256,
}

impl<'a> HashingReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            pos: 0,
            hashed: 0,
            hasher: Sha256::new(),
        }
    }

    #[inline]
    fn advance(&mut self, n: usize) {
        self.pos += n;
        if self.pos - self.hashed >= HASH_CHUNK {
            self.hasher.update(&self.bytes[self.hashed..self.pos]);
            self.hashed = self.pos;
        }
    }

    /// The sha256 of all the bytes, those after the point the decoder stopped included (data
    /// after the EOI marker is part of the file that is stored).
    fn finish(mut self) -> String {
        self.hasher.update(&self.bytes[self.hashed..]);
        hex(&self.hasher.finalize())
    }
}

impl Read for HashingReader<'_> {
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &self.bytes[self.pos..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.advance(n);
        Ok(n)
    }

    #[inline]
    fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
        let rest = &self.bytes[self.pos..];
        if rest.len() < buf.len() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        // The decoder reads one byte at a time: no call to memcpy for that.
        if let ([one], [first, ..]) = (&mut *buf, rest) {
            *one = *first;
        } else {
            buf.copy_from_slice(&rest[..buf.len()]);
        }
        self.advance(buf.len());
        Ok(())
    }
}

/// A decoder error: the file ended early (an I/O error from our in-memory reader can only be
/// that) is unreadable; anything else goes to the full-size path, which decides.
fn decode_error(e: jpeg_decoder::Error) -> Result<Scaled, Rejection> {
    match e {
        jpeg_decoder::Error::Io(_) => Err(Rejection::Unreadable),
        other => {
            tracing::debug!(error = %other, "scaled JPEG decode refused; trying the full decode");
            Ok(Scaled::Elsewhere)
        }
    }
}

/// Multiples of 32 px: an MCU is at most 4 blocks of 8 px across (sampling factor 4).
fn padded(n: u32) -> u64 {
    u64::from(n.div_ceil(32)) * 32
}

/// Inspects a JPEG at the scale its thumbnail needs. The caller has sniffed the type and
/// checked the file's size.
pub(crate) fn inspect(bytes: &[u8], limits: &Limits) -> Result<Scaled, Rejection> {
    let mut reader = HashingReader::new(bytes);
    let mut decoder = Decoder::new(&mut reader);
    // Reads up to and including the frame header; no pixel is decoded and nothing sized by the
    // image is allocated yet.
    if let Err(e) = decoder.read_info() {
        return decode_error(e);
    }
    let Some(info) = decoder.info() else {
        return Err(Rejection::Unreadable);
    };
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if width == 0 || height == 0 {
        return Err(Rejection::Unreadable);
    }
    if width > limits.max_width
        || height > limits.max_height
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(Rejection::TooLarge);
    }
    let channels: u64 = match (info.pixel_format, info.coding_process) {
        (_, CodingProcess::Lossless) => return Ok(Scaled::Elsewhere),
        (PixelFormat::L8, _) => 1,
        (PixelFormat::RGB24, _) => 3,
        (PixelFormat::L16 | PixelFormat::CMYK32, _) => return Ok(Scaled::Elsewhere),
    };

    // The largest reduction (1/8, 1/4, 1/2 or none) whose longest side is still at least the
    // thumbnail's: the decoder picks the smallest output reaching the request on one axis.
    let size = limits.thumb_size.max(1);
    let request = u16::try_from(size).unwrap_or(u16::MAX);
    let (scaled_width, scaled_height) = match decoder.scale(request, request) {
        Ok((w, h)) => (u32::from(w), u32::from(h)),
        Err(e) => return decode_error(e),
    };

    // What decoding allocates: a progressive JPEG keeps every coefficient of the full-size image
    // (2 bytes each) until its last scan; then the component planes at the output scale, the
    // interleaved pixels and the resized copy, each at most the scaled image's size.
    let coefficients = if info.coding_process == CodingProcess::DctProgressive {
        padded(width) * padded(height) * channels * 2
    } else {
        0
    };
    let scaled = padded(scaled_width) * padded(scaled_height) * channels;
    if coefficients + 3 * scaled > limits.max_alloc {
        return Err(Rejection::TooLarge);
    }
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_alloc).unwrap_or(usize::MAX));

    let pixels = match decoder.decode() {
        Ok(pixels) => pixels,
        Err(e) => return decode_error(e),
    };
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    drop(decoder);
    // The decoder returns only once it has read an EOI marker; that those are the last bytes it
    // read is checked here too, so a scan cut short is never taken for an image.
    if !reader.bytes[..reader.pos].ends_with(&[0xFF, 0xD9]) {
        return Err(Rejection::Unreadable);
    }
    let image = match channels {
        1 => GrayImage::from_raw(scaled_width, scaled_height, pixels).map(DynamicImage::ImageLuma8),
        _ => RgbImage::from_raw(scaled_width, scaled_height, pixels).map(DynamicImage::ImageRgb8),
    };
    let Some(image) = image else {
        return Err(Rejection::Unreadable);
    };

    let (thumb_width, thumb_height) = thumbnail_dimensions(width, height, size);
    let small = if (thumb_width, thumb_height) == (scaled_width, scaled_height) {
        image
    } else {
        image.thumbnail_exact(thumb_width, thumb_height)
    };
    let thumbnail = to_jpeg(small, orientation)?;
    let (width, height) = oriented(width, height, orientation);
    let sha256 = reader.finish();
    Ok(Scaled::Done(
        CheckedImage {
            width,
            height,
            thumbnail,
        },
        sha256,
    ))
}
