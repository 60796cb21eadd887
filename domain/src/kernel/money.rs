//! Money: `i64` minor units + ISO 4217 currency. Never floats.
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::kernel::error::{Error, Result};

/// An ISO 4217 currency we know the exponent of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    exponent: u8,
    symbol: Option<&'static str>,
}

/// (code, minor-unit exponent, symbol). Exponents from ISO 4217.
const CURRENCIES: &[(&str, u8, Option<&str>)] = &[
    ("UAH", 2, Some("₴")),
    ("USD", 2, Some("$")),
    ("EUR", 2, Some("€")),
    ("GBP", 2, Some("£")),
    ("PLN", 2, Some("zł")),
    ("RUB", 2, Some("₽")),
    ("KZT", 2, Some("₸")),
    ("GEL", 2, Some("₾")),
    ("CHF", 2, None),
    ("CZK", 2, None),
    ("MDL", 2, None),
    ("RON", 2, None),
    ("TRY", 2, Some("₺")),
    ("CAD", 2, None),
    ("AUD", 2, None),
    ("UZS", 2, None),
    ("AMD", 2, None),
    ("AZN", 2, None),
    ("BYN", 2, None),
    ("JPY", 0, Some("¥")),
    ("KRW", 0, Some("₩")),
    ("VND", 0, Some("₫")),
    ("CLP", 0, None),
    ("ISK", 0, None),
    ("HUF", 2, None),
    ("KWD", 3, None),
    ("BHD", 3, None),
    ("OMR", 3, None),
    ("JOD", 3, None),
    ("TND", 3, None),
];

impl Currency {
    pub fn parse(code: &str) -> Result<Self> {
        let code = code.trim();
        CURRENCIES
            .iter()
            .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
            .map(|&(code, exponent, symbol)| Currency {
                code,
                exponent,
                symbol,
            })
            .ok_or(Error::Invalid { field: "currency" })
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn exponent(&self) -> u8 {
        self.exponent
    }

    fn scale(&self) -> i64 {
        10_i64.pow(u32::from(self.exponent))
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// The locales we format for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    En,
    Ru,
    Uk,
}

impl Locale {
    /// Picks a locale from a language tag (`uk`, `ru-RU`, `en-GB`); anything else is English.
    pub fn from_tag(tag: &str) -> Self {
        let lang = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match lang.as_str() {
            "ru" => Locale::Ru,
            "uk" => Locale::Uk,
            _ => Locale::En,
        }
    }
}

/// A stored amount (minor units and a currency code) for people, as [`Money::format`] writes
/// it; a code we do not know is shown as it is, after the number.
pub fn show(minor: i64, currency: &str, locale: Locale) -> String {
    match Currency::parse(currency) {
        Ok(c) => Money::new(minor, c).format(locale),
        Err(_) => format!("{minor} {currency}"),
    }
}

/// A stored amount for machines and input fields, as [`Money::decimal`] writes it (the way
/// [`Money::parse`] reads it back); the minor units as they are for a code we do not know.
pub fn decimal(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(c) => Money::new(minor, c).decimal(),
        Err(_) => minor.to_string(),
    }
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }

    pub fn checked_add(self, other: Money) -> Result<Money> {
        if self.currency != other.currency {
            return Err(Error::CurrencyMismatch);
        }
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(Error::AmountOverflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn checked_mul(self, qty: i64) -> Result<Money> {
        let minor = self.minor.checked_mul(qty).ok_or(Error::AmountOverflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// Parses a decimal amount typed by a person: `12`, `12.5`, `1 234,50`.
    /// More fraction digits than the currency has are refused, never rounded.
    pub fn parse(input: &str, currency: Currency) -> Result<Money> {
        let bad = Error::Invalid { field: "amount" };
        let cleaned: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let exp = usize::from(currency.exponent);
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || frac.len() > exp {
            return Err(bad);
        }
        if digits.contains('.') && frac.is_empty() {
            return Err(bad);
        }
        let whole: i64 = whole.parse().map_err(|_| Error::AmountOverflow)?;
        let frac_val: i64 = if frac.is_empty() {
            0
        } else {
            let padded = format!("{frac:0<exp$}");
            padded
                .parse()
                .map_err(|_| Error::Invalid { field: "amount" })?
        };
        let minor = whole
            .checked_mul(currency.scale())
            .and_then(|v| v.checked_add(frac_val))
            .ok_or(Error::AmountOverflow)?;
        Ok(Money::new(if negative { -minor } else { minor }, currency))
    }

    /// The plain decimal amount for machines (CSV): `1234.50`, `-0.05`, `7` for JPY.
    pub fn decimal(&self) -> String {
        let exp = usize::from(self.currency.exponent);
        let scale = self.currency.scale().unsigned_abs();
        let abs = self.minor.unsigned_abs();
        let sign = if self.minor < 0 { "-" } else { "" };
        if exp == 0 {
            format!("{sign}{abs}")
        } else {
            format!("{sign}{}.{:0exp$}", abs / scale, abs % scale)
        }
    }

    /// Formats for people: `$1,234.50` in English, `1 234,50 ₴` in Russian and Ukrainian.
    pub fn format(&self, locale: Locale) -> String {
        let scale = self.currency.scale().unsigned_abs();
        let abs = self.minor.unsigned_abs();
        let whole = group(
            abs / scale,
            if locale == Locale::En { ',' } else { '\u{a0}' },
        );
        let exp = usize::from(self.currency.exponent);
        let number = if exp == 0 {
            whole
        } else {
            let sep = if locale == Locale::En { '.' } else { ',' };
            format!("{whole}{sep}{:0exp$}", abs % scale)
        };
        let sign = if self.minor < 0 { "-" } else { "" };
        match (locale, self.currency.symbol) {
            (Locale::En, Some(sym)) => format!("{sign}{sym}{number}"),
            (Locale::En, None) => format!("{sign}{} {number}", self.currency.code),
            (_, sym) => format!("{sign}{number}\u{a0}{}", sym.unwrap_or(self.currency.code)),
        }
    }
}

fn group(mut n: u64, sep: char) -> String {
    let mut parts = Vec::new();
    loop {
        if n < 1000 {
            parts.push(n.to_string());
            break;
        }
        parts.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    parts.reverse();
    parts.join(&sep.to_string())
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(Locale::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cur(c: &str) -> Currency {
        Currency::parse(c).unwrap()
    }

    #[test]
    fn formats_per_locale() {
        assert_eq!(
            Money::new(123450, cur("USD")).format(Locale::En),
            "$1,234.50"
        );
        assert_eq!(
            Money::new(123450, cur("UAH")).format(Locale::Uk),
            "1\u{a0}234,50\u{a0}₴"
        );
        assert_eq!(
            Money::new(123450, cur("UAH")).format(Locale::Ru),
            "1\u{a0}234,50\u{a0}₴"
        );
        assert_eq!(Money::new(1234, cur("JPY")).format(Locale::En), "¥1,234");
        assert_eq!(
            Money::new(1234567, cur("KWD")).format(Locale::En),
            "KWD 1,234.567"
        );
        assert_eq!(Money::new(-5, cur("EUR")).format(Locale::En), "-€0.05");
        assert_eq!(
            Money::new(0, cur("CHF")).format(Locale::Uk),
            "0,00\u{a0}CHF"
        );
    }

    #[test]
    fn parses_typed_amounts() {
        assert_eq!(Money::parse("12", cur("USD")).unwrap().minor, 1200);
        assert_eq!(Money::parse("12.5", cur("USD")).unwrap().minor, 1250);
        assert_eq!(Money::parse("1 234,50", cur("UAH")).unwrap().minor, 123450);
        assert_eq!(Money::parse("7", cur("JPY")).unwrap().minor, 7);
        assert_eq!(Money::parse("1.005", cur("KWD")).unwrap().minor, 1005);
        for bad in ["", "abc", "1.234", "1.", ".5", "1e3", "--1", "1.2.3"] {
            assert!(Money::parse(bad, cur("USD")).is_err(), "{bad:?}");
        }
        assert!(Money::parse("1.5", cur("JPY")).is_err());
        assert!(matches!(
            Money::parse("99999999999999999999", cur("USD")),
            Err(Error::AmountOverflow)
        ));
    }

    #[test]
    fn refuses_unknown_currency_and_mixing() {
        assert!(Currency::parse("XYZ").is_err());
        assert!(Currency::parse("usd").is_ok());
        let r = Money::new(1, cur("USD")).checked_add(Money::new(1, cur("EUR")));
        assert!(matches!(r, Err(Error::CurrencyMismatch)));
    }

    fn any_currency() -> impl Strategy<Value = Currency> {
        proptest::sample::select(CURRENCIES.to_vec()).prop_map(|(code, exponent, symbol)| {
            Currency {
                code,
                exponent,
                symbol,
            }
        })
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(minor in -1_000_000_000_000i64..1_000_000_000_000, c in any_currency()) {
            let m = Money::new(minor, c);
            for locale in [Locale::En, Locale::Ru, Locale::Uk] {
                let text = m.format(locale);
                let number: String = text
                    .chars()
                    .filter(|ch| ch.is_ascii_digit() || matches!(ch, '-' | '.' | ','))
                    .collect();
                let number = if locale == Locale::En { number.replace(',', "") } else { number };
                prop_assert_eq!(Money::parse(&number, c).unwrap(), m);
            }
            prop_assert_eq!(Money::parse(&m.decimal(), c).unwrap(), m);
        }

        #[test]
        fn addition_is_exact_or_overflows(a in any::<i64>(), b in any::<i64>(), c in any_currency()) {
            let r = Money::new(a, c).checked_add(Money::new(b, c));
            match a.checked_add(b) {
                Some(sum) => prop_assert_eq!(r.unwrap().minor, sum),
                None => prop_assert!(matches!(r, Err(Error::AmountOverflow))),
            }
        }

        #[test]
        fn addition_commutes(a in -1i64<<40..1i64<<40, b in -1i64<<40..1i64<<40, c in any_currency()) {
            let x = Money::new(a, c).checked_add(Money::new(b, c)).unwrap();
            let y = Money::new(b, c).checked_add(Money::new(a, c)).unwrap();
            prop_assert_eq!(x, y);
        }

        #[test]
        fn multiplication_matches_repeated_addition(a in -1i64<<30..1i64<<30, q in 0i64..50, c in any_currency()) {
            let mut sum = Money::zero(c);
            for _ in 0..q { sum = sum.checked_add(Money::new(a, c)).unwrap(); }
            prop_assert_eq!(Money::new(a, c).checked_mul(q).unwrap(), sum);
        }
    }
}
