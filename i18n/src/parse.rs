//! Message ids from Fluent source, line by line. In Fluent every entry starts at column 0
//! and every continuation line is indented, so a top-level `id =` line is a message.

/// Message ids of all `sources` (file name, text), in order, duplicates kept.
pub(crate) fn message_ids<'a>(
    sources: impl Iterator<Item = (&'a str, &'a str)>,
) -> impl Iterator<Item = String> {
    sources.flat_map(|(_, text)| text.lines().filter_map(message_id).map(str::to_owned))
}

/// The id if `line` opens a message (`id = ...` or `id =` followed by an indented value).
pub(crate) fn message_id(line: &str) -> Option<&str> {
    let (id, _) = line.split_once('=')?;
    let id = id.trim_end();
    let mut chars = id.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_messages_only() {
        let src = "# comment\n## section\nhello = Hi\n-brand = Vitrina\nmulti =\n    { $n ->\n        [one] x = y\n       *[other] z\n    }\n    .title = T\n  indented = no\nwith_under-score=ok\n";
        let ids: Vec<String> = message_ids([("a.ftl", src)].into_iter()).collect();
        assert_eq!(ids, ["hello", "multi", "with_under-score"]);
    }

    #[test]
    fn rejects_non_ids() {
        for line in [
            "",
            "=",
            " x = 1",
            "1x = 1",
            "a b = 1",
            "-term = 1",
            ".attr = 1",
            "#c = 1",
        ] {
            assert_eq!(message_id(line), None, "{line:?}");
        }
    }
}
