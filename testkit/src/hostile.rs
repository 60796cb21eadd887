//! Hostile receipt files, built on the fly: each is small on the wire and was, with an earlier
//! PDF parser, enough to abort the process or make it allocate gigabytes. Tests and the
//! benchmark run the same list.
use std::io::Write as _;

use crate::files::{jpeg, pdf, pdf_bytes, plain_pdf, png_chunk, png_header, png_zeros, zlib_zeros};

/// zlib at the best compression.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// The body of an object stream holding `objects` (numbered from `first_number`), with
/// `filter` as its `/Filter` value and `data` already encoded to match it.
pub fn object_stream_body(first_number: usize, objects: &[String]) -> Vec<u8> {
    let mut header = String::new();
    let mut body = String::new();
    for (i, object) in objects.iter().enumerate() {
        header.push_str(&format!("{} {} ", first_number + i, body.len()));
        body.push_str(object);
        body.push('\n');
    }
    let mut out = header.into_bytes();
    out.extend(body.into_bytes());
    out
}

/// A stream object: `<< /Type /ObjStm /N n /First f /Filter … /Length … >>` around `data`.
pub fn object_stream(n: usize, first: usize, filter: &str, extra: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "<< /Type /ObjStm /N {n} /First {first} /Filter {filter} {extra} /Length {} >>\nstream\n",
        data.len()
    )
    .into_bytes();
    out.extend(data);
    out.extend(b"\nendstream");
    out
}

/// A one-page PDF (catalog 1, pages 2, page 3) whose object 4 is an object stream holding
/// `inner` (numbered from 5), encoded with one Flate layer.
pub fn pdf_with_objects_in_stream(inner: &[String]) -> Vec<u8> {
    let body = object_stream_body(5, inner);
    let first = header_len(&body);
    let stream = object_stream(inner.len(), first, "/FlateDecode", "", &zlib(&body));
    one_page_with(&stream)
}

fn header_len(body: &[u8]) -> usize {
    // The header ends where the first object (a `<<`, `[` or `(`) starts.
    body.iter()
        .position(|&c| matches!(c, b'<' | b'[' | b'(' | b'/'))
        .unwrap_or(0)
}

fn one_page_with(object_4: &[u8]) -> Vec<u8> {
    let objects: [&[u8]; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        object_4,
    ];
    pdf_bytes(&objects)
}

/// What each hostile file must come to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Refused as too large (a decompression bomb).
    TooLarge,
    /// Refused as unreadable (cannot be bounded or is malformed).
    Unreadable,
    /// Accepted: the largest a file may be, to measure the worst that is let through.
    Accepted,
}

/// Hostile and worst-case images: (name, file, expected outcome).
pub fn hostile_images() -> Vec<(&'static str, Vec<u8>, Expect)> {
    let whole = jpeg(1200, 800);
    let mut endless_chunks = png_header(64, 64);
    // Ancillary chunks by the thousand before any pixel data.
    for _ in 0..20_000 {
        png_chunk(
            &mut endless_chunks,
            b"tEXt",
            b"Comment\0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        );
    }
    png_chunk(&mut endless_chunks, b"IEND", &[]);
    vec![
        (
            "a PNG header claiming 100,000 x 100,000 pixels",
            {
                let mut f = png_header(100_000, 100_000);
                png_chunk(&mut f, b"IEND", &[]);
                f
            },
            Expect::TooLarge,
        ),
        (
            "a 7,000 x 7,000 PNG of zeros (49 MP, over the pixel limit)",
            png_zeros(7_000, 7_000),
            Expect::TooLarge,
        ),
        (
            "a 6,000 x 6,000 PNG of zeros (36 MP, the largest let through)",
            png_zeros(6_000, 6_000),
            Expect::Accepted,
        ),
        (
            "a JPEG cut in half",
            whole[..whole.len() / 2].to_vec(),
            Expect::Unreadable,
        ),
        (
            "a PNG of 20,000 text chunks and no pixels",
            endless_chunks,
            Expect::Unreadable,
        ),
    ]
}

/// The hostile corpus: (name, file, expected refusal).
pub fn hostile_pdfs() -> Vec<(&'static str, Vec<u8>, Expect)> {
    let deep = 100_000;
    let deep_arrays = format!("{}{}", "[".repeat(deep), "]".repeat(deep));
    let deep_dicts = format!("{}1{}", "<< /A ".repeat(deep / 10), " >>".repeat(deep / 10));
    // 1 GiB of zeros; one zlib layer is ~6.5 MB, two are a few KB.
    let gib = zlib_zeros(1 << 30);
    let twice = zlib(&gib);
    let bomb_64 = zlib_zeros(80 << 20);
    let far = format!("/Junk ({})", "x".repeat(4096));
    vec![
        (
            "arrays nested 100,000 deep in an object stream",
            pdf_with_objects_in_stream(std::slice::from_ref(&deep_arrays)),
            Expect::Unreadable,
        ),
        (
            "dictionaries nested 10,000 deep in an object stream",
            pdf_with_objects_in_stream(&[deep_dicts]),
            Expect::Unreadable,
        ),
        (
            "arrays nested 100,000 deep in a plain object",
            pdf(&[
                "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
                format!("<< /Type /Page /Parent 2 0 R /Junk {deep_arrays} >>"),
            ]),
            Expect::Unreadable,
        ),
        (
            "an object stream behind two chained Flate filters (1 GiB)",
            one_page_with(&object_stream(
                1,
                4,
                "[/FlateDecode /FlateDecode]",
                "",
                &twice,
            )),
            Expect::TooLarge,
        ),
        (
            "an object stream behind three filters ending in Flate (1 GiB)",
            one_page_with(&object_stream(
                1,
                4,
                "[/ASCIIHexDecode /FlateDecode /FlateDecode]",
                "",
                &hex(&twice),
            )),
            Expect::TooLarge,
        ),
        (
            "an object stream behind LZW",
            one_page_with(&object_stream(
                1,
                4,
                "/LZWDecode",
                "",
                &[0x80, 0x0B, 0x60, 0x50],
            )),
            Expect::Unreadable,
        ),
        (
            "an object stream behind an unknown filter",
            one_page_with(&object_stream(1, 4, "/MadeUpDecode", "", b"abc")),
            Expect::Unreadable,
        ),
        (
            "an object stream with a predictor",
            one_page_with(&object_stream(
                1,
                4,
                "/FlateDecode",
                "/DecodeParms << /Predictor 12 /Columns 4 >>",
                &zlib(b"5 0 << >>"),
            )),
            Expect::Unreadable,
        ),
        (
            "/FlateDecode 4 KB before `stream` (80 MiB)",
            one_page_with(&object_stream(1, 4, "/FlateDecode", &far, &bomb_64)),
            Expect::TooLarge,
        ),
        (
            "a page content stream 4 KB after its /FlateDecode (80 MiB)",
            one_page_with(&{
                let mut s = format!(
                    "<< /Filter /FlateDecode {far} /Length {} >>\nstream\n",
                    bomb_64.len()
                )
                .into_bytes();
                s.extend(&bomb_64);
                s.extend(b"\nendstream");
                s
            }),
            Expect::TooLarge,
        ),
        (
            "an object stream that is not zlib",
            one_page_with(&object_stream(
                1,
                4,
                "/FlateDecode",
                "",
                b"not compressed at all",
            )),
            Expect::Unreadable,
        ),
        (
            "an unterminated string",
            plain_pdf(1, "/Title (never closed", &[]),
            Expect::Unreadable,
        ),
    ]
}

fn hex(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * 2 + 1);
    for b in data {
        out.extend(format!("{b:02X}").as_bytes());
    }
    out.push(b'>');
    out
}
