//! A small, strict RFC 4180 reader for files people upload: fields separated by commas,
//! optionally quoted (`"a, b"`, `"say ""hi"""`), records ended by CRLF or LF. Anything else
//! (a stray quote, bytes that are not UTF-8 text, a field longer than a product needs) refuses
//! the whole file with the line it is on, so nothing half-read is ever imported.
use crate::kernel::error::{Error, Result};

/// One record and the line it starts on (1-based, counting the header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: usize,
    /// Records after the header.
    pub max_rows: usize,
    /// Characters in one field.
    pub max_field: usize,
}

impl Limits {
    fn too_large(&self) -> Error {
        Error::CsvTooLarge {
            max_rows: self.max_rows,
            max_kib: self.max_bytes / 1024,
        }
    }
}

fn unreadable(line: usize, problem: &'static str) -> Error {
    Error::CsvUnreadable { line, problem }
}

/// The text of an upload: UTF-8 (a byte-order mark is dropped), no control characters but
/// tab and line ends.
fn text(bytes: &[u8]) -> Result<&str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let line_of = |at: usize| bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let text =
        std::str::from_utf8(bytes).map_err(|e| unreadable(line_of(e.valid_up_to()), "encoding"))?;
    if let Some(at) = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
        .map(|(i, _)| i)
    {
        return Err(unreadable(line_of(at), "encoding"));
    }
    Ok(text)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    Start,
    Unquoted,
    Quoted,
    /// Just after a quote inside a quoted field: the field's end or the first of `""`.
    QuoteInQuoted,
}

struct Reader {
    limits: Limits,
    records: Vec<Record>,
    fields: Vec<String>,
    field: String,
    chars: usize,
    /// The line being read, and the one the current record started on.
    line: usize,
    start: usize,
}

impl Reader {
    fn push_char(&mut self, c: char) -> Result<()> {
        self.chars += 1;
        if self.chars > self.limits.max_field {
            return Err(unreadable(self.start, "long"));
        }
        self.field.push(c);
        Ok(())
    }

    fn end_field(&mut self) {
        self.fields.push(std::mem::take(&mut self.field));
        self.chars = 0;
    }

    fn end_record(&mut self) -> Result<()> {
        self.end_field();
        let fields = std::mem::take(&mut self.fields);
        // Blank lines say nothing; they are skipped rather than read as empty rows.
        if !(fields.len() == 1 && fields[0].is_empty()) {
            if self.records.len() > self.limits.max_rows {
                return Err(self.limits.too_large());
            }
            self.records.push(Record {
                line: self.start,
                fields,
            });
        }
        self.start = self.line;
        Ok(())
    }
}

/// Reads every record of `bytes`, the header first.
pub fn parse(bytes: &[u8], limits: Limits) -> Result<Vec<Record>> {
    if bytes.len() > limits.max_bytes {
        return Err(limits.too_large());
    }
    let text = text(bytes)?;
    let mut r = Reader {
        limits,
        records: Vec::new(),
        fields: Vec::new(),
        field: String::new(),
        chars: 0,
        line: 1,
        start: 1,
    };
    let mut state = State::Start;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // A record ends at CRLF, LF or a lone CR; inside quotes they are part of the field,
        // kept as they are.
        let crlf = c == '\r' && chars.next_if_eq(&'\n').is_some();
        let newline = matches!(c, '\r' | '\n');
        if newline {
            r.line += 1;
        }
        state = match (state, c) {
            (State::Quoted, _) if crlf => {
                r.push_char('\r')?;
                r.push_char('\n')?;
                State::Quoted
            }
            (State::Quoted, '"') => State::QuoteInQuoted,
            (State::Quoted, c) => {
                r.push_char(c)?;
                State::Quoted
            }
            (State::QuoteInQuoted, '"') => {
                r.push_char('"')?;
                State::Quoted
            }
            (State::Start, '"') => State::Quoted,
            (_, ',') => {
                r.end_field();
                State::Start
            }
            _ if newline => {
                r.end_record()?;
                State::Start
            }
            // A quote inside an unquoted field, or text after a closing quote.
            (State::Unquoted, '"') | (State::QuoteInQuoted, _) => {
                return Err(unreadable(r.line, "quote"));
            }
            (State::Start | State::Unquoted, c) => {
                r.push_char(c)?;
                State::Unquoted
            }
        };
    }
    match state {
        State::Quoted => return Err(unreadable(r.start, "quote")),
        _ if r.fields.is_empty() && r.field.is_empty() && state == State::Start => {}
        _ => r.end_record()?,
    }
    if r.records.is_empty() {
        return Err(unreadable(1, "empty"));
    }
    Ok(r.records)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const LIMITS: Limits = Limits {
        max_bytes: 10_000,
        max_rows: 3,
        max_field: 20,
    };

    fn fields(input: &str) -> Vec<(usize, Vec<&'static str>)> {
        parse(input.as_bytes(), LIMITS)
            .unwrap()
            .into_iter()
            .map(|r| {
                let f = r.fields.into_iter().map(|f| &*f.leak()).collect();
                (r.line, f)
            })
            .collect()
    }

    fn problem(input: &[u8]) -> (usize, &'static str) {
        match parse(input, LIMITS) {
            Err(Error::CsvUnreadable { line, problem }) => (line, problem),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_and_quoted_fields() {
        assert_eq!(
            fields("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n"),
            vec![
                (1, vec!["a", "b", "c"]),
                (2, vec!["1", "x, y", "say \"hi\""])
            ]
        );
    }

    #[test]
    fn crlf_lone_cr_no_final_newline_and_empty_fields() {
        assert_eq!(
            fields("a,b\r\n,\rx,\"\""),
            vec![(1, vec!["a", "b"]), (2, vec!["", ""]), (3, vec!["x", ""])]
        );
    }

    #[test]
    fn newlines_inside_quotes_belong_to_the_field_and_lines_still_count() {
        assert_eq!(
            fields("a,b\n\"one\r\ntwo\",z\n\nlast,1\n"),
            vec![
                (1, vec!["a", "b"]),
                (2, vec!["one\r\ntwo", "z"]),
                (5, vec!["last", "1"])
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(fields("\u{feff}a\n"), vec![(1, vec!["a"])]);
    }

    #[test]
    fn stray_and_unclosed_quotes_are_refused_with_their_line() {
        assert_eq!(problem(b"a\nb\"c\n"), (2, "quote"));
        assert_eq!(problem(b"a\n\"b\"c\n"), (2, "quote"));
        assert_eq!(problem(b"a\nb\n\"open,\n\n"), (3, "quote"));
    }

    #[test]
    fn binary_and_other_encodings_are_refused() {
        assert_eq!(problem(b"a\n\xff\xfe\x00b\n"), (2, "encoding"));
        assert_eq!(problem(b"a\nb\nc\x00\n"), (3, "encoding"));
        assert_eq!(problem(b"\x89PNG\r\n\x1a\n"), (1, "encoding"));
    }

    #[test]
    fn long_fields_too_many_rows_and_big_files_are_refused() {
        assert_eq!(
            problem(format!("a\n{}\n", "x".repeat(21)).as_bytes()),
            (2, "long")
        );
        assert_eq!(problem(b""), (1, "empty"));
        assert_eq!(problem(b"\n\r\n"), (1, "empty"));
        assert!(matches!(
            parse(b"h\n1\n2\n3\n4\n", LIMITS),
            Err(Error::CsvTooLarge { max_rows: 3, .. })
        ));
        assert!(parse(b"h\n1\n2\n3\n", LIMITS).is_ok());
        let big = vec![b'a'; 10_001];
        assert!(matches!(
            parse(&big, LIMITS),
            Err(Error::CsvTooLarge { max_kib: 9, .. })
        ));
    }
}
