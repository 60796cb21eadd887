//! Order numbers in what staff type or forward: `#1042`, `1042`, `order 1042`,
//! `заказ №1042`, `замовлення 1042`.
const KEYWORDS: &[&str] = &[
    "order",
    "заказ",
    "замовлення",
    "замовленн",
    "заказа",
    "ордер",
];

/// The order numbers mentioned in `text`, in order of appearance, at most five.
pub fn order_numbers(text: &str) -> Vec<i64> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '.' | '!' | '?')
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    let mut push = |n: i64| {
        if !found.contains(&n) && found.len() < 5 {
            found.push(n);
        }
    };
    // A message that is just a number is an order number.
    if words.len() == 1
        && let Some(n) = number(words[0].trim_start_matches(['#', '№']))
    {
        push(n);
    }
    for (i, w) in words.iter().enumerate() {
        if let Some(rest) = w.strip_prefix('#').or_else(|| w.strip_prefix('№'))
            && let Some(n) = number(rest)
        {
            push(n);
        }
        let keyword = KEYWORDS.iter().any(|k| w.starts_with(k));
        if keyword && let Some(next) = words.get(i + 1) {
            let next = next.trim_start_matches(['#', '№']);
            let next = if next.is_empty() {
                words.get(i + 2).copied().unwrap_or("")
            } else {
                next
            };
            if let Some(n) = number(next.trim_start_matches(['#', '№'])) {
                push(n);
            }
        }
    }
    found
}

fn number(s: &str) -> Option<i64> {
    if (1..=12).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit()) {
        s.parse().ok().filter(|n| *n > 0)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::order_numbers;

    #[test]
    fn finds_numbers_in_three_languages() {
        assert_eq!(order_numbers("#1042"), vec![1042]);
        assert_eq!(order_numbers("1042"), vec![1042]);
        assert_eq!(order_numbers("please check order 1042"), vec![1042]);
        assert_eq!(order_numbers("Order #1042 and #1043"), vec![1042, 1043]);
        assert_eq!(
            order_numbers("Проверьте заказ №1042, пожалуйста"),
            vec![1042]
        );
        assert_eq!(order_numbers("заказ № 1042"), vec![1042]);
        assert_eq!(order_numbers("Перевірте замовлення 1042"), vec![1042]);
        assert_eq!(order_numbers("оплатила замовлення #77"), vec![77]);
    }

    #[test]
    fn ignores_other_numbers() {
        assert!(order_numbers("I paid 1042 UAH").is_empty());
        assert!(order_numbers("call me at 0671234567 tomorrow").is_empty());
        assert!(order_numbers("hello").is_empty());
        assert!(order_numbers("#abc").is_empty());
    }
}
