//! The catalog as CSV: the export, the import page's report, the round trip, store scoping and
//! hostile uploads.
use axum::body::Body;
use axum::http::Request;
use domain::catalog::import::MAX_BYTES;
use domain::catalog::{products, texts};
use domain::{ProductId, StoreId};

use crate::support::*;

const HEADER: &str = "sku,title,description,price,currency,on_hand,low_stock_threshold,active";
const BOUNDARY: &str = "----vitrina-test-boundary";

/// The import form posted from our own page with `file` (no file part when `None`).
async fn upload(w: &Web, cookie: &str, file: Option<&[u8]>) -> Reply {
    let mut body = Vec::new();
    if let Some(file) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"products.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let req = Request::post("/products/import")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    w.send(req).await
}

/// The import's summary line.
fn import_done(created: i64, updated: i64, unchanged: i64) -> String {
    en(
        "web-import-done",
        &[
            ("created", created.into()),
            ("updated", updated.into()),
            ("unchanged", unchanged.into()),
        ],
    )
}

async fn skus(w: &Web, store: StoreId) -> Vec<String> {
    let mut all: Vec<String> = products::list(&w.ctx.db, store, false)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.sku)
        .collect();
    all.sort();
    all
}

#[tokio::test]
async fn a_csv_with_bad_rows_imports_nothing_and_reports_every_line() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let list = w.get("/products", Some(&victor)).await;
    assert!(list.body.contains("href=\"/products/import\"") && list.body.contains("/products.csv"));
    let page = w.get("/products/import", Some(&victor)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("type=\"file\" name=\"file\""),
        "{}",
        page.body
    );
    let csv = [
        HEADER,
        "CAP,Cap,,10,UAH,1,,true",
        "HAT,,,10,UAH,1,,true",
        "SOCK,Sock,,ten,UAH,1,,true",
        "CAP,Cap twice,,10,UAH,1,,true",
        "BAG,Bag,,10,EUR,1,,true",
    ]
    .join("\n");
    let r = upload(&w, &victor, Some(csv.as_bytes())).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let body = unescape(&r.body);
    let expected = [
        (3, en("error-csv-missing", &[("column", "title".into())])),
        (4, en("error-invalid", &[("field", "price".into())])),
        (
            5,
            en(
                "error-csv-duplicate-sku",
                &[("sku", "CAP".into()), ("first_line", 2.into())],
            ),
        ),
        (6, en("error-currency-mismatch", &[])),
    ];
    for (line, reason) in &expected {
        let row = format!("<tr><td>{line}</td><td>{reason}</td></tr>");
        assert!(body.contains(&row), "{row} in {body}");
    }
    assert!(body.contains(&en("web-import-rejected", &[("count", 4.into())])));
    assert_eq!(body.matches("<tr><td>").count(), 4);
    assert_eq!(skus(&w, w.store).await, ["MUG"]);
}

#[tokio::test]
async fn the_export_imports_back_unchanged_and_edits_apply() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let new = "sku=F-1&title=%3DSUM(A1)&description=Say+%22hi%22%2C+twice%0D%0Anew+line&price=12.50&title_uk=%40home";
    assert_eq!(
        w.post("/products", Some(&victor), new, SAME).await.status,
        303
    );
    let r = w.get("/products.csv", Some(&victor)).await;
    assert_eq!(r.status, 200);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.body;
    assert!(
        csv.starts_with(&format!("{HEADER},title_en,title_ru,title_uk,")),
        "{csv}"
    );
    assert!(
        csv.contains(
            "F-1,'=SUM(A1),\"Say \"\"hi\"\", twice\r\nnew line\",12.50,UAH,0,,true,,,'@home"
        ),
        "{csv}"
    );
    assert!(csv.contains("\nMUG,Mug,,250.00,UAH,10,,true,"), "{csv}");

    let r = upload(&w, &victor, Some(csv.as_bytes())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let done = import_done(0, 0, 2);
    assert!(unescape(&r.body).contains(&done), "{}", r.body);
    let f1 = products::list(&w.ctx.db, w.store, false)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.sku == "F-1")
        .unwrap();
    assert_eq!(f1.title, "=SUM(A1)");
    assert_eq!(
        texts::of(&w.ctx.db, ProductId(f1.id)).await.unwrap()["uk"].title,
        "@home"
    );

    let edited = csv.replace("\nMUG,Mug,,250.00,UAH,10,", "\nMUG,Mug,,260.00,UAH,12,")
        + "NEW,New one,,1,UAH,5,,false,,,,,,\n";
    let r = upload(&w, &victor, Some(edited.as_bytes())).await;
    let done = import_done(1, 1, 1);
    assert!(unescape(&r.body).contains(&done), "{}", r.body);
    assert_eq!(skus(&w, w.store).await, ["F-1", "MUG", "NEW"]);
}

#[tokio::test]
async fn formulas_after_a_separator_are_defused_in_the_export_and_import_back_unchanged() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    // Spreadsheets set to Russian or Ukrainian start a cell after each `;`.
    let new = "sku=F-2&title=Mug%3B%3DHYPERLINK(%22http%3A%2F%2Fevil%22)&description=Blue%2C+%40SUM(A1)%3B+-5&price=1";
    assert_eq!(
        w.post("/products", Some(&victor), new, SAME).await.status,
        303
    );
    let csv = w.get("/products.csv", Some(&victor)).await.body;
    assert!(
        csv.contains("F-2,\"Mug;'=HYPERLINK(\"\"http://evil\"\")\",\"Blue,' @SUM(A1); -5\","),
        "{csv}"
    );
    let r = upload(&w, &victor, Some(csv.as_bytes())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let done = import_done(0, 0, 2);
    assert!(unescape(&r.body).contains(&done), "{}", r.body);
    let f2 = products::list(&w.ctx.db, w.store, false)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.sku == "F-2")
        .unwrap();
    assert_eq!(f2.title, "Mug;=HYPERLINK(\"http://evil\")");
    assert_eq!(f2.description, "Blue, @SUM(A1); -5");
}

#[tokio::test]
async fn imports_and_exports_stay_in_the_persons_own_store() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let forged = format!("{victor}; __Host-vitrina-store={}", w.other_store.0);
    let csv = format!("{HEADER}\nMINE,Mine,,1,UAH,1,,true\n");
    let r = upload(&w, &forged, Some(csv.as_bytes())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(skus(&w, w.store).await, ["MINE", "MUG"]);
    assert!(skus(&w, w.other_store).await.is_empty());

    let otto = w.login(w.other_admin).await;
    let theirs = format!("{HEADER}\nOTTO,Otto's,,1,UAH,1,,true\n");
    assert_eq!(upload(&w, &otto, Some(theirs.as_bytes())).await.status, 200);
    let export = w.get("/products.csv", Some(&otto)).await;
    assert!(export.body.contains("OTTO") && !export.body.contains("MUG"));
    let export = w.get("/products.csv", Some(&forged)).await;
    assert!(!export.body.contains("OTTO"), "{}", export.body);
    assert_eq!(skus(&w, w.store).await, ["MINE", "MUG"]);

    let carol = w.login(w.customer).await;
    let r = upload(&w, &carol, Some(csv.as_bytes())).await;
    assert_eq!(r.location(), "/login");
    assert_eq!(
        w.get("/products.csv", Some(&carol)).await.location(),
        "/login"
    );

    let mut req = Request::post("/products/import")
        .header("host", "localhost")
        .header("origin", "http://evil.example")
        .header("cookie", &victor)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    req = req.header("sec-fetch-site", "cross-site");
    let r = w.send(req.body(Body::from(csv.clone())).unwrap()).await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn hostile_uploads_are_refused_with_a_translated_error() {
    let w = Web::new().await;
    let victor = w.login(w.vendor).await;
    let refused = |r: &Reply, status: u16, reason: &str| {
        assert_eq!(r.status, status, "{}", r.body);
        let body = unescape(&r.body);
        assert!(body.contains(reason), "{reason} in {body}");
    };
    let garbage: Vec<u8> = (0..20_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let r = upload(&w, &victor, Some(&garbage)).await;
    let encoding = [("line", 1.into()), ("problem", "encoding".into())];
    refused(&r, 422, &en("error-csv-unreadable", &encoding));

    let huge = format!("{HEADER}\nX,{},,1,UAH,1,,true\n", "y".repeat(600_000));
    let r = upload(&w, &victor, Some(huge.as_bytes())).await;
    let long = [("line", 2.into()), ("problem", "long".into())];
    refused(&r, 422, &en("error-csv-unreadable", &long));

    let too_large = en(
        "error-csv-too-large",
        &[("max_rows", 5000.into()), ("max_kib", 1000.into())],
    );
    let r = upload(&w, &victor, Some(&vec![b'a'; MAX_BYTES + 1])).await;
    refused(&r, 422, &too_large);
    let r = upload(&w, &victor, Some(&vec![b'a'; 3 * MAX_BYTES])).await;
    refused(&r, 413, &too_large);

    let r = upload(&w, &victor, None).await;
    let empty = [("line", 1.into()), ("problem", "empty".into())];
    refused(&r, 422, &en("error-csv-unreadable", &empty));
    assert_eq!(skus(&w, w.store).await, ["MUG"]);
}
