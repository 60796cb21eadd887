//! Guarding CSV fields against spreadsheet formulas (CSV injection), and taking the guard off
//! again when our own export comes back as an import.
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return.
//! Such a cell need not start at the start of our field: Excel and LibreOffice in Russian and
//! Ukrainian settings split lines on `;` rather than `,`, and without regard to our quoting
//! when the quote does not open the cell, so every `,` or `;` inside a value may begin a cell
//! of its own. Each such piece that would start a formula gets a `'` in front: the spreadsheet
//! then shows it as text (and hides the `'`).
use std::borrow::Cow;

const SEPARATORS: [char; 2] = [',', ';'];
const GUARD: char = '\'';

/// Whether a cell with this text would be read as a formula. Spaces and quotes in front do not
/// help (an import may trim or unquote them); plain numbers such as `-5` or `+380…` are left
/// alone, as they are data and harmless.
fn dangerous(piece: &str) -> bool {
    let start = piece.trim_start_matches([' ', '"']);
    match start.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => start.trim().parse::<f64>().is_err(),
        // A guard already there: guarded again, so that `restore` gives this text back.
        Some(GUARD) => dangerous(&start[1..]),
        _ => false,
    }
}

/// `value` with a `'` before its start and after each separator where a formula would begin.
pub fn defuse(value: &str) -> Cow<'_, str> {
    if !pieces(value).map(|p| split_separator(p).1).any(dangerous) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 4);
    for piece in pieces(value) {
        let (sep, text) = split_separator(piece);
        out.push_str(sep);
        if dangerous(text) {
            out.push(GUARD);
        }
        out.push_str(text);
    }
    Cow::Owned(out)
}

/// The value [`defuse`] was given, from what it made of it.
pub fn restore(value: &str) -> Cow<'_, str> {
    let guarded = |text: &str| text.strip_prefix(GUARD).is_some_and(dangerous);
    if !pieces(value).map(|p| split_separator(p).1).any(guarded) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    for piece in pieces(value) {
        let (sep, text) = split_separator(piece);
        out.push_str(sep);
        out.push_str(if guarded(text) { &text[1..] } else { text });
    }
    Cow::Owned(out)
}

/// The value cut before each separator: the first piece has none, each later one starts with
/// its separator.
fn pieces(value: &str) -> impl Iterator<Item = &str> {
    let mut cuts: Vec<usize> = value.match_indices(SEPARATORS).map(|(i, _)| i).collect();
    cuts.push(value.len());
    let mut from = 0;
    cuts.into_iter().map(move |to| {
        let piece = &value[from..to];
        from = to;
        piece
    })
}

/// A piece's leading separator (empty for the first piece) and its text.
fn split_separator(piece: &str) -> (&str, &str) {
    match piece.strip_prefix(SEPARATORS) {
        Some(text) => (&piece[..1], text),
        None => ("", piece),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_at_the_start_is_defused() {
        for v in [
            "=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", " =1", "\"=1\"",
        ] {
            assert_eq!(defuse(v), format!("'{v}"), "{v:?}");
        }
        for v in ["plain", "-5", "+380671234567", " 12.5", "a=b", "e-mail", ""] {
            assert_eq!(defuse(v), v, "{v:?}");
        }
    }

    #[test]
    fn a_formula_after_either_separator_is_defused() {
        assert_eq!(defuse("Kyiv;=HYPERLINK(\"x\")"), "Kyiv;'=HYPERLINK(\"x\")");
        assert_eq!(defuse("Kyiv,=1+1"), "Kyiv,'=1+1");
        assert_eq!(defuse("a; @SUM(A1)"), "a;' @SUM(A1)");
        assert_eq!(defuse("a;\"=1\""), "a;'\"=1\"");
        assert_eq!(defuse("a,\t=1"), "a,'\t=1");
        assert_eq!(defuse("a;\r\n=1"), "a;'\r\n=1");
        assert_eq!(defuse("=1;+x,-y"), "'=1;'+x,'-y");
        // Numbers and ordinary text after a separator stay as they are.
        assert_eq!(defuse("5,-3; +380671234567"), "5,-3; +380671234567");
        assert_eq!(defuse("Say \"hi\", twice"), "Say \"hi\", twice");
        assert_eq!(defuse(",;"), ",;");
    }

    #[test]
    fn restore_gives_back_what_was_defused() {
        for v in [
            "=1+1",
            "Kyiv;=1",
            "a, -b; @c",
            "'=already guarded",
            "x;'+y",
            "''@z",
            "'plain",
            "it's",
            "-5",
            "a,b;c",
            "",
        ] {
            assert_eq!(restore(&defuse(v)), v, "{v:?} -> {:?}", defuse(v));
        }
        assert_eq!(restore("'=1"), "=1");
        assert_eq!(restore("'plain"), "'plain");
    }
}
