//! PDF receipts are read by our own scanner, not by a PDF library. Why: a receipt only needs
//! three answers (does it have pages, how many, does it carry active content), and every PDF
//! library we tried recurses without a depth limit and inflates object streams without a size
//! limit, so a 5 KB file could abort or balloon the whole process. Here:
//! - one linear pass over the bytes, no recursion deeper than [`MAX_NESTING`];
//! - the only streams decoded are object streams (they hold objects a viewer would read), by
//!   our own filter code with a hard output cap; a filter we do not implement, a predictor or a
//!   broken stream there makes the file unreadable, never unbounded;
//! - other streams (page contents, images, fonts) are not decoded; their known filter chains
//!   are only counted against the same budget, without keeping the output;
//! - what is kept per object is capped ([`MAX_KEPT`]); beyond it the file is refused, so no
//!   object can hide what it is.
use std::collections::{BTreeSet, HashSet};

use crate::pdf_filters::{self, Fail, Filter, Out, hex_value, is_pdf_space};
use crate::rejection::Rejection;

/// Nesting of arrays and dictionaries allowed in an object. Real documents stay far below.
pub(super) const MAX_NESTING: usize = 32;
/// Values kept from one object (only the entries the scan needs are kept at all).
const MAX_KEPT: usize = 256;
/// `%%EOF` must be this close to the end; a cut-off file is not a receipt.
const EOF_WINDOW: usize = 1024;

/// Active content found in a PDF. Not a reason to refuse the file on its own; staff are warned,
/// and [`crate::inspect::screen`] refuses it from customers.
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

/// Checks a PDF: at least one and at most `max_pages` pages, object streams within
/// `max_inflated` bytes (all streams' known filters counted together), nesting within
/// [`MAX_NESTING`]. Returns the active content found.
pub(super) fn inspect(
    bytes: &[u8],
    max_pages: usize,
    max_inflated: u64,
) -> Result<Vec<PdfFlag>, Rejection> {
    let tail = &bytes[bytes.len().saturating_sub(EOF_WINDOW)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(Rejection::Unreadable);
    }
    let mut scan = Scan {
        budget: max_inflated,
        ..Scan::default()
    };
    scan.file(bytes)?;
    for target in &scan.open_action_refs {
        if !scan.array_objects.contains(target) {
            scan.flags.insert(PdfFlag::OpenAction);
        }
    }
    match scan.pages.len() {
        0 => Err(Rejection::Unreadable),
        n if n > max_pages => Err(Rejection::TooLarge),
        _ => Ok(scan.flags.into_iter().collect()),
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, PartialEq)]
enum Tok<'a> {
    DictOpen,
    DictClose,
    ArrayOpen,
    ArrayClose,
    /// Unescaped (`#xx`).
    Name(Vec<u8>),
    Int(i64),
    Real,
    /// A literal or hex string; what it says does not matter here.
    Str,
    /// Keywords (`obj`, `R`, `stream`, `true`, …) and anything else.
    Word(&'a [u8]),
}

struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(c: u8) -> bool {
    !is_pdf_space(c) && !is_delimiter(c)
}

impl<'a> Lexer<'a> {
    fn new(b: &'a [u8]) -> Self {
        Self { b, pos: 0 }
    }

    fn skip_space_and_comments(&mut self) {
        while let Some(&c) = self.b.get(self.pos) {
            if is_pdf_space(c) {
                self.pos += 1;
            } else if c == b'%' {
                while self
                    .b
                    .get(self.pos)
                    .is_some_and(|&c| c != b'\r' && c != b'\n')
                {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn run(&mut self, keep: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while self.b.get(self.pos).is_some_and(|&c| keep(c)) {
            self.pos += 1;
        }
        &self.b[start..self.pos]
    }

    /// The next token; `None` at the end. An unterminated string is unreadable.
    fn next(&mut self) -> Result<Option<Tok<'a>>, Rejection> {
        self.skip_space_and_comments();
        let Some(&c) = self.b.get(self.pos) else {
            return Ok(None);
        };
        let next = self.b.get(self.pos + 1).copied();
        let tok = match c {
            b'<' if next == Some(b'<') => {
                self.pos += 2;
                Tok::DictOpen
            }
            b'>' if next == Some(b'>') => {
                self.pos += 2;
                Tok::DictClose
            }
            b'[' => {
                self.pos += 1;
                Tok::ArrayOpen
            }
            b']' => {
                self.pos += 1;
                Tok::ArrayClose
            }
            b'<' => {
                let end = find(self.b, self.pos, b">").ok_or(Rejection::Unreadable)?;
                self.pos = end + 1;
                Tok::Str
            }
            b'(' => {
                self.literal_string()?;
                Tok::Str
            }
            b'/' => {
                self.pos += 1;
                Tok::Name(unescape_name(self.run(is_regular)))
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => {
                let word = self.run(is_regular);
                number(word).unwrap_or(Tok::Word(word))
            }
            _ if is_regular(c) => Tok::Word(self.run(is_regular)),
            // A lone delimiter (`)`, `>`, `{`, `}`): junk, but one byte of progress.
            _ => {
                self.pos += 1;
                Tok::Word(&self.b[self.pos - 1..self.pos])
            }
        };
        Ok(Some(tok))
    }

    /// Balanced parentheses with backslash escapes.
    fn literal_string(&mut self) -> Result<(), Rejection> {
        let mut open = 0usize;
        while let Some(&c) = self.b.get(self.pos) {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'(' => open += 1,
                b')' => {
                    open -= 1;
                    if open == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(Rejection::Unreadable)
    }
}

fn number(word: &[u8]) -> Option<Tok<'static>> {
    let text = std::str::from_utf8(word).ok()?;
    if let Ok(n) = text.parse::<i64>() {
        return Some(Tok::Int(n));
    }
    let digits = text.trim_start_matches(['+', '-']);
    let valid = !digits.is_empty()
        && digits.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && digits.bytes().filter(|&c| c == b'.').count() <= 1
        && digits != ".";
    valid.then_some(Tok::Real)
}

/// `#xx` escapes in a name, as a viewer decodes them (`/J#53` is `/JS`). Names longer than
/// PDF's own limit (127 bytes) are cut; nothing we look for is that long.
fn unescape_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len().min(128));
    let mut i = 0;
    while i < raw.len() && out.len() < 128 {
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

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| from + at)
}

// ---------------------------------------------------------------------------------------------
// Values: only what the scan needs is kept

#[derive(Debug)]
enum Val {
    Name(Vec<u8>),
    Int(i64),
    Ref(i64),
    /// The first few items only.
    Array(Vec<Val>),
    /// Only the entries of [`KEPT_KEYS`].
    Dict(Vec<(Vec<u8>, Val)>),
    Other,
}

/// Dictionary entries the scan reads; every other entry is scanned for flags and dropped.
const KEPT_KEYS: &[&[u8]] = &[
    b"Type",
    b"Filter",
    b"DecodeParms",
    b"Length",
    b"N",
    b"First",
    b"Predictor",
];
/// Items kept from an array (a filter chain is the longest array we read).
const KEPT_ITEMS: usize = 8;

impl Val {
    fn get(&self, key: &[u8]) -> Option<&Val> {
        match self {
            Val::Dict(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn is_name(&self, name: &[u8]) -> bool {
        matches!(self, Val::Name(n) if n == name)
    }

    fn int(&self) -> Option<i64> {
        match self {
            Val::Int(n) => Some(*n),
            _ => None,
        }
    }
}

fn flag_for_name(name: &[u8]) -> Option<PdfFlag> {
    match name {
        b"JS" | b"JavaScript" => Some(PdfFlag::JavaScript),
        b"Launch" => Some(PdfFlag::Launch),
        b"EmbeddedFile" | b"EmbeddedFiles" | b"EF" => Some(PdfFlag::EmbeddedFile),
        b"AA" => Some(PdfFlag::AdditionalActions),
        // `/OpenAction` depends on its value; see `Scan::dict`.
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// The scan

#[derive(Default)]
struct Scan {
    flags: BTreeSet<PdfFlag>,
    /// Object numbers of `/Type /Page` objects (an incremental update may repeat one).
    pages: HashSet<i64>,
    /// Object numbers whose value is an array (an `/OpenAction` destination).
    array_objects: HashSet<i64>,
    open_action_refs: Vec<i64>,
    /// Decoded bytes still allowed.
    budget: u64,
    /// Values kept from the current object.
    kept: usize,
}

impl Scan {
    fn file(&mut self, bytes: &[u8]) -> Result<(), Rejection> {
        let mut lx = Lexer::new(bytes);
        // The two numbers before `obj`.
        let mut recent: [Option<i64>; 2] = [None, None];
        while let Some(tok) = lx.next()? {
            match tok {
                Tok::Int(n) => {
                    recent = [recent[1], Some(n)];
                    continue;
                }
                Tok::Word(b"obj") => {
                    let number = recent[0].ok_or(Rejection::Unreadable)?;
                    self.object(&mut lx, number)?;
                }
                Tok::Word(b"stream") => {
                    // A stream outside any object: skip its data like a viewer would.
                    let end = find(bytes, lx.pos, b"endstream").ok_or(Rejection::Unreadable)?;
                    lx.pos = end + b"endstream".len();
                }
                Tok::Word(b"trailer") => {
                    if let Some(first) = lx.next()? {
                        self.kept = 0;
                        self.value(&mut lx, first, 0)?;
                    }
                }
                tok => self.stray(&mut lx, tok)?,
            }
            recent = [None, None];
        }
        Ok(())
    }

    /// `N G obj` was read: the value, and its stream if it has one.
    fn object(&mut self, lx: &mut Lexer<'_>, number: i64) -> Result<(), Rejection> {
        let Some(first) = lx.next()? else {
            return Err(Rejection::Unreadable);
        };
        self.kept = 0;
        let value = self.value(lx, first, 0)?;
        self.note_object(number, &value);
        let before = lx.pos;
        match lx.next()? {
            Some(Tok::Word(b"stream")) => self.stream(lx, &value),
            Some(Tok::Word(b"endobj")) => Ok(()),
            // A missing `endobj`: whatever follows is read as it comes.
            _ => {
                lx.pos = before;
                Ok(())
            }
        }
    }

    fn note_object(&mut self, number: i64, value: &Val) {
        match value {
            Val::Array(_) => {
                self.array_objects.insert(number);
            }
            Val::Dict(_) if value.get(b"Type").is_some_and(|t| t.is_name(b"Page")) => {
                self.pages.insert(number);
            }
            _ => {}
        }
    }

    fn name(&mut self, name: &[u8]) {
        if let Some(flag) = flag_for_name(name) {
            self.flags.insert(flag);
        }
    }

    fn keep(&mut self) -> Result<(), Rejection> {
        self.kept += 1;
        if self.kept > MAX_KEPT {
            return Err(Rejection::Unreadable);
        }
        Ok(())
    }

    fn value(&mut self, lx: &mut Lexer<'_>, tok: Tok<'_>, depth: usize) -> Result<Val, Rejection> {
        if depth >= MAX_NESTING {
            return Err(Rejection::Unreadable);
        }
        Ok(match tok {
            Tok::DictOpen => self.dict(lx, depth + 1)?,
            Tok::ArrayOpen => self.array(lx, depth + 1)?,
            Tok::Name(name) => {
                self.name(&name);
                Val::Name(name)
            }
            Tok::Int(n) => {
                // `N G R` is a reference.
                let save = lx.pos;
                if let (Some(Tok::Int(_)), Some(Tok::Word(b"R"))) = (lx.next()?, lx.next()?) {
                    Val::Ref(n)
                } else {
                    lx.pos = save;
                    Val::Int(n)
                }
            }
            Tok::Word(b"obj" | b"endobj" | b"stream" | b"endstream") | Tok::DictClose => {
                return Err(Rejection::Unreadable);
            }
            _ => Val::Other,
        })
    }

    fn dict(&mut self, lx: &mut Lexer<'_>, depth: usize) -> Result<Val, Rejection> {
        let mut entries = Vec::new();
        loop {
            let key = match lx.next()?.ok_or(Rejection::Unreadable)? {
                Tok::DictClose => return Ok(Val::Dict(entries)),
                Tok::Name(key) => key,
                Tok::Word(b"obj" | b"endobj" | b"stream" | b"endstream") => {
                    return Err(Rejection::Unreadable);
                }
                // Junk in a key's place: skipped.
                _ => continue,
            };
            self.name(&key);
            let tok = lx.next()?.ok_or(Rejection::Unreadable)?;
            if tok == Tok::DictClose {
                return Ok(Val::Dict(entries));
            }
            let value = self.value(lx, tok, depth)?;
            if key == b"OpenAction" {
                match &value {
                    // An explicit destination ("open at page 1, fit") is harmless.
                    Val::Array(_) => {}
                    Val::Ref(target) => self.open_action_refs.push(*target),
                    _ => {
                        self.flags.insert(PdfFlag::OpenAction);
                    }
                }
            }
            if KEPT_KEYS.contains(&key.as_slice()) {
                self.keep()?;
                entries.push((key, value));
            }
        }
    }

    fn array(&mut self, lx: &mut Lexer<'_>, depth: usize) -> Result<Val, Rejection> {
        let mut items = Vec::new();
        loop {
            let tok = lx.next()?.ok_or(Rejection::Unreadable)?;
            if tok == Tok::ArrayClose {
                return Ok(Val::Array(items));
            }
            let value = self.value(lx, tok, depth)?;
            if items.len() < KEPT_ITEMS {
                self.keep()?;
                items.push(value);
            }
        }
    }

    /// The lexer stands just after `stream`; `dict` is the stream's dictionary.
    fn stream(&mut self, lx: &mut Lexer<'_>, dict: &Val) -> Result<(), Rejection> {
        let b = lx.b;
        let mut start = lx.pos;
        while b.get(start) == Some(&b' ') {
            start += 1;
        }
        match b.get(start..start + 2) {
            Some(b"\r\n") => start += 2,
            Some([b'\n' | b'\r', _]) => start += 1,
            _ => return Err(Rejection::Unreadable),
        }
        let declared = dict
            .get(b"Length")
            .and_then(Val::int)
            .and_then(|n| usize::try_from(n).ok())
            .and_then(|n| start.checked_add(n))
            .filter(|&end| {
                let mut at = end;
                while b.get(at).is_some_and(|&c| is_pdf_space(c)) {
                    at += 1;
                }
                b.get(at..)
                    .is_some_and(|rest| rest.starts_with(b"endstream"))
            });
        let end = match declared {
            Some(end) => end,
            None => find(b, start, b"endstream").ok_or(Rejection::Unreadable)?,
        };
        lx.pos = find(b, end, b"endstream").map_or(b.len(), |at| at + b"endstream".len());
        let data = &b[start..end];

        let is_object_stream = dict.get(b"Type").is_some_and(|t| t.is_name(b"ObjStm"))
            || (dict.get(b"N").is_some() && dict.get(b"First").is_some());
        if is_object_stream {
            self.object_stream(dict, data)
        } else {
            self.count_stream(dict, data)
        }
    }

    /// A stream nobody here reads: its known filters are counted against the budget (a
    /// decompression bomb is refused), the output is not kept, and a broken or unknown
    /// filter just ends the count.
    fn count_stream(&mut self, dict: &Val, data: &[u8]) -> Result<(), Rejection> {
        let Some(filters) = filter_chain(dict) else {
            return Ok(());
        };
        let known: Vec<Filter> = filters.iter().map_while(|f| *f).collect();
        if known.is_empty() {
            return Ok(());
        }
        let mut out = Out::counting(self.budget);
        match self.decode(data, &known, &mut out) {
            Err(Fail::TooLarge) => Err(Rejection::TooLarge),
            _ => Ok(()),
        }
    }

    /// An object stream holds objects a viewer reads, so it must be decoded and scanned:
    /// anything that stops that refuses the file.
    fn object_stream(&mut self, dict: &Val, data: &[u8]) -> Result<(), Rejection> {
        if dict.get(b"DecodeParms").is_some() {
            // Predictors are for cross-reference streams; we do not undo them.
            return Err(Rejection::Unreadable);
        }
        let filters = filter_chain(dict).ok_or(Rejection::Unreadable)?;
        let filters: Option<Vec<Filter>> = filters.into_iter().collect();
        let filters = filters.ok_or(Rejection::Unreadable)?;
        let mut out = Out::keeping(self.budget);
        match self.decode(data, &filters, &mut out) {
            Ok(()) => {}
            Err(Fail::TooLarge) => return Err(Rejection::TooLarge),
            Err(_) => return Err(Rejection::Unreadable),
        }
        let decoded = out.into_bytes();
        let count = dict.get(b"N").and_then(Val::int);
        let first = dict.get(b"First").and_then(Val::int);
        let (Some(count), Some(first)) = (count, first) else {
            return Err(Rejection::Unreadable);
        };
        let first = usize::try_from(first).map_err(|_| Rejection::Unreadable)?;
        let header = decoded.get(..first).ok_or(Rejection::Unreadable)?;
        // The header: pairs of object number and offset.
        let mut numbers = Vec::new();
        let mut hx = Lexer::new(header);
        while let Some(tok) = hx.next()? {
            let Tok::Int(number) = tok else {
                return Err(Rejection::Unreadable);
            };
            let Some(Tok::Int(_offset)) = hx.next()? else {
                return Err(Rejection::Unreadable);
            };
            numbers.push(number);
        }
        if i64::try_from(numbers.len()).ok() != Some(count) {
            return Err(Rejection::Unreadable);
        }
        let mut lx = Lexer::new(&decoded[first..]);
        for number in numbers {
            let tok = lx.next()?.ok_or(Rejection::Unreadable)?;
            self.kept = 0;
            let value = self.value(&mut lx, tok, 0)?;
            self.note_object(number, &value);
        }
        // Whatever follows the last object is scanned too.
        while let Some(tok) = lx.next()? {
            self.stray(&mut lx, tok)?;
        }
        Ok(())
    }

    /// A token outside any object: its names and values are scanned all the same.
    fn stray(&mut self, lx: &mut Lexer<'_>, tok: Tok<'_>) -> Result<(), Rejection> {
        match tok {
            Tok::Name(name) => self.name(&name),
            Tok::DictOpen | Tok::ArrayOpen => {
                self.kept = 0;
                self.value(lx, tok, 0)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Decodes `data` through `filters` into `out` and takes what it produced off the budget.
    fn decode(&mut self, data: &[u8], filters: &[Filter], out: &mut Out) -> Result<(), Fail> {
        let result = pdf_filters::decode_chain(data, filters, out);
        self.budget -= out.len().min(self.budget);
        result
    }
}

/// The stream's filters in order: `None` for the whole chain when `/Filter` is not a name or
/// an array of names (an indirect filter, say); `None` for one filter we do not implement.
fn filter_chain(dict: &Val) -> Option<Vec<Option<Filter>>> {
    match dict.get(b"Filter") {
        None => Some(Vec::new()),
        Some(Val::Name(name)) => Some(vec![Filter::from_name(name)]),
        Some(Val::Array(items)) if items.len() < KEPT_ITEMS => items
            .iter()
            .map(|item| match item {
                Val::Name(name) => Some(Filter::from_name(name)),
                _ => None,
            })
            .collect(),
        Some(_) => None,
    }
}
