//! CSV exports and the query strings that carry list filters into their links.
use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::Stream;

/// `k=v&…` of the non-empty pairs, for next-page and export links that keep the filters.
pub fn query_string(pairs: &[(&str, &String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A CSV field, quoted when needed; wherever a spreadsheet could start a formula (at the start,
/// or after a `,` or `;`) it is defused ([`domain::kernel::spreadsheet::defuse`]). A `;` is quoted too,
/// for spreadsheets that split on it.
pub fn field(v: &str) -> String {
    let v = domain::kernel::spreadsheet::defuse(v);
    if v.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.into_owned()
    }
}

/// One CSV line, newline included.
pub fn line(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// A CSV download streamed chunk by chunk after its `header` line.
pub fn download<S>(filename: &str, header: &str, chunks: S) -> Response
where
    S: Stream<Item = Result<String, std::io::Error>> + Send + 'static,
{
    let first = futures::stream::once(futures::future::ready(Ok::<_, std::io::Error>(format!(
        "{header}\n"
    ))));
    let body = Body::from_stream(futures::StreamExt::chain(first, chunks));
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_quotes_escaped() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@anna"), "'@anna");
        assert_eq!(field("-5"), "-5");
        assert_eq!(field("{\"a\":1}"), "\"{\"\"a\"\":1}\"");
        assert_eq!(field("plain"), "plain");
        assert_eq!(line(&["a".into(), "b,c".into()]), "a,\"b,c\"\n");
    }

    #[test]
    fn formulas_after_a_separator_of_either_kind_are_defused() {
        // Spreadsheets set to Russian or Ukrainian split on `;` and start a cell there.
        assert_eq!(
            field("Kyiv;=HYPERLINK(\"x\")"),
            "\"Kyiv;'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(field("a,+1+1"), "\"a,'+1+1\"");
        assert_eq!(field("a; @SUM(A1)"), "\"a;' @SUM(A1)\"");
        assert_eq!(field("a,-cmd"), "\"a,'-cmd\"");
        assert_eq!(field("a;\t=1"), "\"a;'\t=1\"");
        assert_eq!(field("a,\r=1"), "\"a,'\r=1\"");
        assert_eq!(field("\t=1"), "'\t=1");
        assert_eq!(field("\r=1"), "\"'\r=1\"");
        // Numbers and ordinary text keep their form; a `;` is quoted.
        assert_eq!(field("5,-3"), "\"5,-3\"");
        assert_eq!(field("a;b"), "\"a;b\"");
        assert_eq!(field("+380671234567"), "+380671234567");
    }

    #[test]
    fn query_strings_keep_only_set_filters() {
        let (s, e, q) = ("paid".to_owned(), String::new(), "#10 a&b".to_owned());
        assert_eq!(
            query_string(&[("status", &s), ("from", &e), ("q", &q)]),
            "status=paid&q=%2310%20a%26b"
        );
    }
}
