//! What the domain's fuzz targets do with one input, and the invariants they assert. Shared
//! word for word by the fuzz crate (`fuzz/src/lib.rs`) and the corpus replay in the normal
//! test run (`domain/tests/fuzz_corpus.rs`), so CI checks exactly what the fuzzer checked. A
//! broken invariant panics; that is the finding.
#![allow(dead_code)]

use domain::Error;
use domain::catalog::csv::{self, Record};
use files::FileKind;
use files::inspect::{self, Inspected, Limits, Rejection};
use sha2::{Digest, Sha256};

/// Smaller than the defaults, to keep each run fast; the checks are the same.
pub fn receipt_limits() -> Limits {
    Limits {
        max_bytes: 1024 * 1024,
        max_width: 4000,
        max_height: 4000,
        max_pixels: 4_000_000,
        max_alloc: 64 * 1024 * 1024,
        thumb_size: 128,
        pdf_max_pages: 50,
        pdf_max_inflated: 8 * 1024 * 1024,
    }
}

/// Receipt sniffing and inspection (JPEG, PNG, WebP, PDF), as the bot and the backoffice run
/// it: an accepted file is passed through unchanged with its own hash, an image within the
/// limits with a small JPEG thumbnail, a PDF with its flags; a refusal has its reason.
pub fn receipts(data: &[u8]) {
    let limits = receipt_limits();
    let kind = inspect::sniff(data);
    match inspect::inspect_sync(data.to_vec(), &limits) {
        Ok(inspected) => check_inspected(data, kind, &inspected, &limits),
        Err(Rejection::Empty) => assert!(data.is_empty()),
        Err(Rejection::TooBig { max_bytes }) => {
            assert_eq!(max_bytes, limits.max_bytes);
            assert!(data.len() > max_bytes);
        }
        Err(Rejection::UnsupportedType) => assert_eq!(kind, None),
        Err(Rejection::TooLarge | Rejection::Unreadable) => {
            assert!(kind.is_some() && !data.is_empty() && data.len() <= limits.max_bytes);
        }
        Err(Rejection::ActiveContent) => panic!("inspection refused what only screening refuses"),
    }
}

fn check_inspected(data: &[u8], kind: Option<FileKind>, i: &Inspected, limits: &Limits) {
    assert_eq!(Some(i.kind), kind, "accepted as another type than sniffed");
    assert!(i.bytes == data, "the original bytes were changed");
    assert_eq!(i.size, data.len());
    let sha: String = Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(i.sha256, sha);
    match i.kind {
        FileKind::Pdf => {
            assert_eq!((i.width, i.height, &i.thumbnail), (None, None, &None));
            assert!(
                i.pdf_flags.windows(2).all(|w| w[0] < w[1]),
                "flags not sorted and unique: {:?}",
                i.pdf_flags
            );
            assert_eq!(
                inspect::screen(i.clone()).is_ok(),
                i.pdf_flags.is_empty(),
                "screening disagrees with the flags"
            );
        }
        FileKind::Jpeg | FileKind::Png | FileKind::Webp => {
            assert!(i.pdf_flags.is_empty());
            let (Some(w), Some(h)) = (i.width, i.height) else {
                panic!("an image without its size")
            };
            assert!(w >= 1 && h >= 1, "{w}x{h}");
            assert!(u64::from(w) * u64::from(h) <= limits.max_pixels, "{w}x{h}");
            // As displayed: the orientation may swap width and height.
            let (long, short) = (w.max(h), w.min(h));
            let (max_long, max_short) = (
                limits.max_width.max(limits.max_height),
                limits.max_width.min(limits.max_height),
            );
            assert!(long <= max_long && short <= max_short, "{w}x{h}");
            let Some(thumb) = &i.thumbnail else {
                panic!("an image without a thumbnail")
            };
            let decoded = match image::load_from_memory_with_format(thumb, image::ImageFormat::Jpeg)
            {
                Ok(decoded) => decoded,
                Err(e) => panic!("the thumbnail is no JPEG: {e}"),
            };
            let (tw, th) = (decoded.width(), decoded.height());
            assert!(
                tw >= 1 && th >= 1 && tw.max(th) <= limits.thumb_size,
                "thumbnail {tw}x{th}"
            );
            // Oriented like the image (a thin one may round to a square).
            let (shape, thumb_shape) = (w.cmp(&h), tw.cmp(&th));
            assert!(
                thumb_shape == shape || thumb_shape.is_eq(),
                "{w}x{h}: {tw}x{th}"
            );
        }
    }
}

/// Smaller than the import's own limits, so that fuzz inputs (a few KB) reach every limit.
pub const CSV_LIMITS: csv::Limits = csv::Limits {
    max_bytes: 16 * 1024,
    max_rows: 40,
    max_field: 64,
};

/// The product CSV reader: what it accepts keeps its limits and writes back (quoted) as the
/// same records; what it refuses names a line of the file.
pub fn product_csv(data: &[u8]) {
    let breaks = data.iter().filter(|b| matches!(b, b'\n' | b'\r')).count();
    match csv::parse(data, CSV_LIMITS) {
        Ok(records) => {
            check_records(&records, breaks);
            let again = match csv::parse(write(&records).as_bytes(), roomy()) {
                Ok(again) => again,
                Err(e) => panic!("accepted records do not read back when written: {e:?}"),
            };
            let fields = |r: &[Record]| r.iter().map(|r| r.fields.clone()).collect::<Vec<_>>();
            assert_eq!(fields(&again), fields(&records), "written and read back");
        }
        Err(Error::CsvUnreadable { line, problem }) => {
            assert!(
                line >= 1 && line <= breaks + 1,
                "line {line} of {breaks} breaks"
            );
            assert!(
                ["encoding", "quote", "long", "empty"].contains(&problem),
                "{problem}"
            );
        }
        Err(Error::CsvTooLarge { max_rows, max_kib }) => {
            assert_eq!(max_rows, CSV_LIMITS.max_rows);
            assert_eq!(max_kib, CSV_LIMITS.max_bytes / 1024);
        }
        Err(e) => panic!("an error the CSV reader does not give: {e:?}"),
    }
}

fn check_records(records: &[Record], breaks: usize) {
    assert!(!records.is_empty(), "accepted with no record");
    assert!(
        records.len() <= CSV_LIMITS.max_rows + 1,
        "{} records",
        records.len()
    );
    let mut last = 0;
    for r in records {
        assert!(
            r.line > last && r.line <= breaks + 1,
            "line {} after {last}",
            r.line
        );
        last = r.line;
        assert!(
            !(r.fields.len() == 1 && r.fields[0].is_empty()),
            "a blank line read as a record on line {}",
            r.line
        );
        for f in &r.fields {
            assert!(
                f.chars().count() <= CSV_LIMITS.max_field,
                "a field of {f:?}"
            );
            assert!(
                !f.chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')),
                "a control character in {f:?}"
            );
        }
    }
}

/// RFC 4180 with every field quoted.
fn write(records: &[Record]) -> String {
    let mut out = String::new();
    for r in records {
        let fields: Vec<String> = r
            .fields
            .iter()
            .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Room for the quotes [`write`] adds; the rows and fields are as before.
fn roomy() -> csv::Limits {
    csv::Limits {
        max_bytes: usize::MAX,
        ..CSV_LIMITS
    }
}
