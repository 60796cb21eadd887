//! The PDF stream filters we decode ourselves, each writing into an [`Out`] that refuses to
//! grow past its cap. LZW and the image filters (DCT, JPX, CCITT, JBIG2) are not here on
//! purpose: nothing we read needs them, so a stream that uses them is never decoded.
use std::io::Read as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Filter {
    Flate,
    AsciiHex,
    Ascii85,
    RunLength,
}

impl Filter {
    /// Full names and the abbreviations inline images use.
    pub(super) fn from_name(name: &[u8]) -> Option<Filter> {
        match name {
            b"FlateDecode" | b"Fl" => Some(Filter::Flate),
            b"ASCIIHexDecode" | b"AHx" => Some(Filter::AsciiHex),
            b"ASCII85Decode" | b"A85" => Some(Filter::Ascii85),
            b"RunLengthDecode" | b"RL" => Some(Filter::RunLength),
            _ => None,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Fail {
    /// The output would pass the cap.
    TooLarge,
    /// The data does not decode.
    Broken,
}

/// Decoded output: counted always, kept only when asked.
pub(super) struct Out {
    kept: Option<Vec<u8>>,
    len: u64,
    cap: u64,
}

impl Out {
    pub(super) fn counting(cap: u64) -> Self {
        Self {
            kept: None,
            len: 0,
            cap,
        }
    }

    pub(super) fn keeping(cap: u64) -> Self {
        Self {
            kept: Some(Vec::new()),
            len: 0,
            cap,
        }
    }

    pub(super) fn len(&self) -> u64 {
        self.len
    }

    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.kept.unwrap_or_default()
    }

    fn push(&mut self, bytes: &[u8]) -> Result<(), Fail> {
        self.len += bytes.len() as u64;
        if self.len > self.cap {
            return Err(Fail::TooLarge);
        }
        if let Some(kept) = &mut self.kept {
            kept.extend_from_slice(bytes);
        }
        Ok(())
    }

    fn push_byte(&mut self, byte: u8) -> Result<(), Fail> {
        self.push(&[byte])
    }
}

/// Decodes `data` through `filters` in order. Every layer but the last is kept (each within
/// the cap); the last goes to `out`.
pub(super) fn decode_chain(data: &[u8], filters: &[Filter], out: &mut Out) -> Result<(), Fail> {
    let Some((last, middle)) = filters.split_last() else {
        return out.push(data);
    };
    let mut current: Option<Vec<u8>> = None;
    for filter in middle {
        let mut step = Out::keeping(out.cap);
        decode(current.as_deref().unwrap_or(data), *filter, &mut step)?;
        current = Some(step.into_bytes());
    }
    decode(current.as_deref().unwrap_or(data), *last, out)
}

fn decode(data: &[u8], filter: Filter, out: &mut Out) -> Result<(), Fail> {
    match filter {
        Filter::Flate => flate(data, out),
        Filter::AsciiHex => ascii_hex(data, out),
        Filter::Ascii85 => ascii85(data, out),
        Filter::RunLength => run_length(data, out),
    }
}

fn flate(data: &[u8], out: &mut Out) -> Result<(), Fail> {
    let mut decoder = flate2::read::ZlibDecoder::new(data);
    let mut buf = [0u8; 32 * 1024];
    loop {
        match decoder.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => out.push(&buf[..n])?,
            Err(_) => return Err(Fail::Broken),
        }
    }
}

fn ascii_hex(data: &[u8], out: &mut Out) -> Result<(), Fail> {
    let mut high: Option<u8> = None;
    for &c in data {
        if c == b'>' {
            break;
        }
        if is_pdf_space(c) {
            continue;
        }
        let v = hex_value(c).ok_or(Fail::Broken)?;
        match high.take() {
            Some(h) => out.push_byte(h << 4 | v)?,
            None => high = Some(v),
        }
    }
    if let Some(h) = high {
        out.push_byte(h << 4)?;
    }
    Ok(())
}

fn ascii85(data: &[u8], out: &mut Out) -> Result<(), Fail> {
    let mut group = [0u8; 5];
    let mut n = 0usize;
    let data = data.strip_prefix(b"<~").unwrap_or(data);
    for &c in data {
        match c {
            b'~' => break,
            b'z' if n == 0 => out.push(&[0; 4])?,
            b'!'..=b'u' => {
                group[n] = c - b'!';
                n += 1;
                if n == 5 {
                    out.push(&ascii85_group(&group)?)?;
                    n = 0;
                }
            }
            c if is_pdf_space(c) => {}
            _ => return Err(Fail::Broken),
        }
    }
    match n {
        0 => Ok(()),
        1 => Err(Fail::Broken),
        _ => {
            // A partial group is padded with 'u' and gives n − 1 bytes.
            for slot in group.iter_mut().skip(n) {
                *slot = b'u' - b'!';
            }
            let bytes = ascii85_group(&group)?;
            out.push(&bytes[..n - 1])
        }
    }
}

fn ascii85_group(digits: &[u8; 5]) -> Result<[u8; 4], Fail> {
    let value = digits.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d));
    u32::try_from(value)
        .map(u32::to_be_bytes)
        .map_err(|_| Fail::Broken)
}

fn run_length(data: &[u8], out: &mut Out) -> Result<(), Fail> {
    let mut i = 0;
    while let Some(&len) = data.get(i) {
        i += 1;
        match len {
            128 => break,
            0..=127 => {
                let run = usize::from(len) + 1;
                let bytes = data.get(i..i + run).ok_or(Fail::Broken)?;
                out.push(bytes)?;
                i += run;
            }
            _ => {
                let byte = *data.get(i).ok_or(Fail::Broken)?;
                out.push(&[byte; 128][..257 - usize::from(len)])?;
                i += 1;
            }
        }
    }
    Ok(())
}

pub(super) fn is_pdf_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0C' | b'\0')
}

pub(super) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(data: &[u8], filters: &[Filter], cap: u64) -> Result<Vec<u8>, Fail> {
        let mut out = Out::keeping(cap);
        decode_chain(data, filters, &mut out)?;
        Ok(out.into_bytes())
    }

    #[test]
    fn ascii_filters_decode() {
        assert_eq!(
            run(b"48 65 6C6c 6F>", &[Filter::AsciiHex], 100),
            Ok(b"Hello".to_vec())
        );
        assert_eq!(run(b"4>", &[Filter::AsciiHex], 100), Ok(vec![0x40]));
        assert_eq!(run(b"4G", &[Filter::AsciiHex], 100), Err(Fail::Broken));
        // "Man " and "sure" in the usual ASCII85 examples.
        assert_eq!(
            run(b"<~9jqo^F*2M7~>", &[Filter::Ascii85], 100),
            Ok(b"Man sure".to_vec())
        );
        assert_eq!(run(b"z~>", &[Filter::Ascii85], 100), Ok(vec![0; 4]));
        assert_eq!(
            run(b"9jqo^F*~>", &[Filter::Ascii85], 100),
            Ok(b"Man s".to_vec())
        );
        assert_eq!(run(b"s8W-!~>", &[Filter::Ascii85], 100), Ok(vec![0xFF; 4]));
        assert_eq!(run(b"uuuuu~>", &[Filter::Ascii85], 100), Err(Fail::Broken));
    }

    #[test]
    fn run_length_decodes_and_stops_at_the_cap() {
        assert_eq!(
            run(
                &[2, b'a', b'b', b'c', 254, b'x', 128],
                &[Filter::RunLength],
                100
            ),
            Ok(b"abcxxx".to_vec())
        );
        assert_eq!(
            run(&[5, b'a'], &[Filter::RunLength], 100),
            Err(Fail::Broken)
        );
        // 2 bytes per 128 out: a bomb without a cap.
        let bomb: Vec<u8> = [129u8, 0].repeat(1000);
        assert_eq!(run(&bomb, &[Filter::RunLength], 1000), Err(Fail::TooLarge));
    }

    #[test]
    fn every_layer_of_a_chain_is_capped() {
        use std::io::Write as _;
        let zlib = |data: &[u8]| {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let inner = zlib(&vec![0u8; 10_000_000]);
        let twice = zlib(&inner);
        assert!(twice.len() < 100_000);
        let both = [Filter::Flate, Filter::Flate];
        assert_eq!(run(&twice, &both, 1_000_000), Err(Fail::TooLarge));
        assert_eq!(
            run(&twice, &both, 10_000_000).map(|v| v.len()),
            Ok(10_000_000)
        );
        let mut counted = Out::counting(10_000_000);
        assert_eq!(decode_chain(&twice, &both, &mut counted), Ok(()));
        assert_eq!(counted.len(), 10_000_000);
        assert!(counted.into_bytes().is_empty());
        assert_eq!(run(b"not zlib", &[Filter::Flate], 100), Err(Fail::Broken));
    }
}
