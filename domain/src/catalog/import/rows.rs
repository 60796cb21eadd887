//! One CSV record as a product: the header's columns, and each row's values checked.
use std::borrow::Cow;
use std::collections::HashMap;

use super::{MAY_BE_EMPTY, REQUIRED, columns};
use crate::catalog::csv::Record;
use crate::catalog::products::{self, NewProduct};
use crate::catalog::texts::{DESCRIPTION_FIELDS, LANGS, TITLE_FIELDS, Text, Texts};
use crate::kernel::error::{Error, Result};
use crate::kernel::money::{Currency, Money};

pub(super) struct Row {
    pub line: usize,
    pub new: NewProduct,
    pub active: bool,
    pub texts: Texts,
}

/// Where each known column is in the file.
pub(super) struct Header {
    at: HashMap<&'static str, usize>,
    len: usize,
}

impl Header {
    pub fn read(record: &Record) -> Result<Header> {
        let mut at = HashMap::new();
        for (i, name) in record.fields.iter().enumerate() {
            let wanted = name.trim().to_ascii_lowercase();
            let Some(known) = columns().find(|c| *c == wanted) else {
                return Err(header_error(name.trim(), "unknown"));
            };
            if at.insert(known, i).is_some() {
                return Err(header_error(known, "repeated"));
            }
        }
        if let Some(missing) = REQUIRED.iter().find(|c| !at.contains_key(*c)) {
            return Err(header_error(missing, "missing"));
        }
        Ok(Header {
            at,
            len: record.fields.len(),
        })
    }

    /// The column's value, trimmed, with the export's formula guard taken off. `None` when
    /// the file has no such column.
    fn get<'a>(&self, record: &'a Record, column: &str) -> Option<Cow<'a, str>> {
        let v = record.fields.get(*self.at.get(column)?)?.trim();
        Some(crate::kernel::spreadsheet::restore(v))
    }
}

fn header_error(column: &str, problem: &'static str) -> Error {
    Error::CsvHeader {
        column: column.chars().take(64).collect(),
        problem,
    }
}

fn number<T: std::str::FromStr + Default + PartialOrd>(
    value: &str,
    field: &'static str,
    errors: &mut Vec<Error>,
) -> T {
    match value.parse::<T>() {
        Ok(n) if n >= T::default() => n,
        _ => {
            errors.push(Error::Invalid { field });
            T::default()
        }
    }
}

fn boolean(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// One data row as a product, or everything wrong with it.
pub(super) fn row(
    h: &Header,
    r: &Record,
    currency: Currency,
) -> std::result::Result<Row, Vec<Error>> {
    if r.fields.len() != h.len {
        return Err(vec![Error::CsvUnreadable {
            line: r.line,
            problem: "columns",
        }]);
    }
    let mut errors = Vec::new();
    let mut required = |column: &'static str| {
        let v = h.get(r, column).unwrap_or_default();
        if v.is_empty() && !MAY_BE_EMPTY.contains(&column) {
            errors.push(Error::CsvMissing { column });
        }
        v
    };
    let [
        sku,
        title,
        description,
        price,
        code,
        on_hand,
        threshold,
        active,
    ] = REQUIRED.map(&mut required);
    let price = match &*price {
        "" => 0,
        p => Money::parse(p, currency).map_or_else(
            |_| {
                errors.push(Error::Invalid { field: "price" });
                0
            },
            |m| m.minor,
        ),
    };
    if !code.is_empty() && !code.eq_ignore_ascii_case(currency.code()) {
        errors.push(Error::CurrencyMismatch);
    }
    let on_hand = match &*on_hand {
        "" => 0,
        v => number::<i64>(v, "on_hand", &mut errors),
    };
    let threshold = match &*threshold {
        "" => None,
        v => Some(number::<i32>(v, "low_stock_threshold", &mut errors)),
    };
    let active = match (&*active, boolean(&active)) {
        ("", _) => true,
        (_, Some(b)) => b,
        (_, None) => {
            errors.push(Error::Invalid { field: "active" });
            true
        }
    };
    let mut texts = Texts::new();
    for (i, lang) in LANGS.into_iter().enumerate() {
        let title = h.get(r, TITLE_FIELDS[i]);
        let description = h.get(r, DESCRIPTION_FIELDS[i]);
        if title.is_some() || description.is_some() {
            let text = Text {
                title: title.unwrap_or_default().into_owned(),
                description: description.unwrap_or_default().into_owned(),
            };
            texts.insert(lang.to_owned(), text);
        }
    }
    let new = NewProduct {
        sku: sku.into_owned(),
        title: title.into_owned(),
        description: description.into_owned(),
        price_minor: price,
        on_hand,
        low_stock_threshold: threshold,
    };
    if errors.is_empty()
        && let Err(e) = products::check_new(&new, &texts)
    {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Row {
        line: r.line,
        new,
        active,
        texts,
    })
}
