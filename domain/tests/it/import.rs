//! CSV import of products: every bad row reported and nothing imported, good files written
//! whole, other stores out of reach, hostile files refused.
use std::sync::Arc;

use domain::catalog::export;
use domain::catalog::import::{self, MAX_BYTES, MAX_ROWS, Outcome, Problem, Summary};
use domain::catalog::{products, stock, texts};
use domain::{Error, ProductId};
use i18n::{ArgValue, Lang};

use crate::support::Fixture;

const HEADER: &str = "sku,title,description,price,currency,on_hand,low_stock_threshold,active";

async fn run(f: &Fixture, csv: &str) -> Result<Outcome, Error> {
    import::import(&f.ctx, &f.web(f.vendor), f.store, csv.as_bytes()).await
}

fn imported(outcome: Outcome) -> Summary {
    match outcome {
        Outcome::Imported(s) => s,
        Outcome::Rejected(p) => panic!("{p:?}"),
    }
}

fn rejected(outcome: Outcome) -> Vec<Problem> {
    match outcome {
        Outcome::Rejected(p) => p,
        Outcome::Imported(s) => panic!("imported {s:?}"),
    }
}

fn message(e: &Error) -> String {
    let args: Vec<(&str, ArgValue)> = e
        .args()
        .into_iter()
        .map(|(k, v)| (k, ArgValue::infer(v)))
        .collect();
    i18n::t_args(Lang::En, e.key(), &args)
}

async fn by_sku(f: &Fixture, sku: &str) -> Option<entity::products::Model> {
    let all = products::list(&f.ctx.db, f.store, false).await.unwrap();
    all.into_iter().find(|p| p.sku == sku)
}

#[tokio::test]
async fn bad_rows_import_nothing_and_every_one_is_reported_with_its_line() {
    let f = Fixture::new().await;
    f.order(2).await;
    let csv = [
        HEADER,
        "CAP,Cap,,100.00,UAH,5,,true",
        "HAT,,,10,UAH,1,,true",
        "SOCK,Sock,,12.345,UAH,1,,true",
        "cap,Cap again,,1,UAH,1,,true",
        "BAG,Bag,,5,USD,1,,true",
        "PEN,Pen,,1,UAH,-3,,true",
        "INK,Ink,,1,UAH,1,,maybe",
        "SHORT,row",
        "MUG,Mug,,250,UAH,1,,true",
        ",,,,,,,",
        "OK-2,Fine,,1,UAH,1,2,false",
    ]
    .join("\r\n");
    let problems = rejected(run(&f, &csv).await.unwrap());
    let got: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.error.key())).collect();
    assert_eq!(
        got,
        [
            (3, "error-csv-missing"),
            (4, "error-invalid"),
            (5, "error-csv-duplicate-sku"),
            (6, "error-currency-mismatch"),
            (7, "error-invalid"),
            (8, "error-invalid"),
            (9, "error-csv-unreadable"),
            // MUG has 2 reserved by the order.
            (10, "error-insufficient-stock"),
            (11, "error-csv-missing"),
            (11, "error-csv-missing"),
            (11, "error-csv-missing"),
            (11, "error-csv-missing"),
            (11, "error-csv-missing"),
            (11, "error-csv-missing"),
        ]
    );
    let texts: Vec<String> = problems.iter().map(|p| message(&p.error)).collect();
    assert_eq!(texts[0], "The “title” column is empty.");
    assert_eq!(texts[1], "Invalid price.");
    assert_eq!(texts[2], "SKU cap is already on line 2 of this file.");
    assert!(texts[4].contains("stock on hand"), "{}", texts[4]);
    assert!(texts[5].contains("active"), "{}", texts[5]);
    assert!(texts[6].contains("number of fields"), "{}", texts[6]);
    assert_eq!(f.count("products", "1 = 1").await, 1);
    assert_eq!(f.count("audit_log", "action = 'product.import'").await, 0);
    assert!(by_sku(&f, "OK-2").await.is_none());
}

#[tokio::test]
async fn a_good_file_creates_new_skus_updates_known_ones_and_leaves_the_same_alone() {
    let f = Fixture::new().await;
    f.order(2).await;
    let csv = format!(
        "{HEADER},title_uk,description_uk,title_ru\n\
         MUG,Big mug,\"Holds 0,5 l\",\"1 300,50\",uah,15,4,true,Горнятко,,\n\
         CAP,Cap,,99,UAH,0,,no,,,Кепка\n"
    );
    let summary = imported(run(&f, &csv).await.unwrap());
    assert_eq!(
        summary,
        Summary {
            created: 1,
            updated: 1,
            unchanged: 0
        }
    );
    let mug = by_sku(&f, "MUG").await.unwrap();
    assert_eq!(
        (
            mug.title.as_str(),
            mug.description.as_str(),
            mug.price_minor,
            mug.on_hand,
            mug.reserved,
            mug.low_stock_threshold
        ),
        ("Big mug", "Holds 0,5 l", 130_050, 15, 2, Some(4))
    );
    let mug_texts = texts::of(&f.ctx.db, ProductId(mug.id)).await.unwrap();
    assert_eq!(mug_texts["uk"].title, "Горнятко");
    let moves = stock::movements(&f.ctx.db, ProductId(mug.id), 1)
        .await
        .unwrap();
    assert_eq!(
        (moves[0].delta_on_hand, moves[0].reason.as_str()),
        (5, "import")
    );
    let cap = by_sku(&f, "CAP").await.unwrap();
    assert!(!cap.active);
    let cap_texts = texts::of(&f.ctx.db, ProductId(cap.id)).await.unwrap();
    assert_eq!(cap_texts.keys().collect::<Vec<_>>(), ["ru"]);
    // MUG's own creation is in the log too.
    for (action, n) in [
        ("product.update", 1),
        ("stock.adjust", 1),
        ("product.create", 2),
        ("product.import", 1),
    ] {
        let cond = format!("action = '{action}' AND store_id = {}", f.store.0);
        assert_eq!(f.count("audit_log", &cond).await, n, "{action}");
    }

    // SKUs match whatever their case.
    let again = imported(run(&f, &csv.replace("MUG,", "mug,")).await.unwrap());
    assert_eq!(
        again,
        Summary {
            created: 0,
            updated: 0,
            unchanged: 2
        }
    );
    assert_eq!(f.count("audit_log", "action = 'product.update'").await, 1);
}

#[tokio::test]
async fn the_export_reads_back_as_the_same_catalog() {
    let f = Fixture::new().await;
    let csv = format!(
        "{HEADER},title_en,title_uk,description_uk\n\
         A-1,\"Say \"\"hi\"\"\",\"two\nlines\",0.50,UAH,1,,true,Hi,Привіт,Опис\n\
         B-2,Plain,,7,UAH,0,5,false,,,\n"
    );
    imported(run(&f, &csv).await.unwrap());
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let page = export::page(&f.ctx.db, &f.web(f.vendor), f.store, after, 2)
            .await
            .unwrap();
        rows.extend(page.rows);
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(rows.len(), 3);
    assert!(export::header().starts_with(HEADER));
    let a = rows.iter().find(|r| r[0] == "A-1").unwrap();
    assert_eq!(
        a[..8],
        [
            "A-1",
            "Say \"hi\"",
            "two\nlines",
            "0.50",
            "UAH",
            "1",
            "",
            "true"
        ]
    );
    assert_eq!((a[8].as_str(), a[10].as_str()), ("Hi", "Привіт"));
    assert_eq!(a[13], "Опис");
    let err = export::page(&f.ctx.db, &f.web(f.other_admin), f.store, None, 10).await;
    assert!(matches!(err, Err(Error::NotFound { .. })));
}

#[tokio::test]
async fn nobody_imports_into_a_store_they_do_not_manage() {
    let f = Fixture::new().await;
    let csv = format!("{HEADER}\nNEW,New,,1,UAH,1,,true\n");
    for (actor, store) in [
        (f.web(f.other_admin), f.store),
        (f.web(f.vendor), f.other_store),
        (f.bot(f.customer), f.store),
    ] {
        let err = import::import(&f.ctx, &actor, store, csv.as_bytes())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    }
    assert_eq!(f.count("products", "sku = 'NEW'").await, 0);
}

#[tokio::test]
async fn hostile_files_are_refused_with_a_translated_reason() {
    let f = Fixture::new().await;
    let vendor = f.web(f.vendor);
    let refuse = |bytes: Vec<u8>| {
        let (ctx, vendor) = (f.ctx.clone(), vendor.clone());
        async move {
            import::import(&ctx, &vendor, f.store, &bytes)
                .await
                .unwrap_err()
        }
    };
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let err = refuse(garbage).await;
    assert!(
        matches!(
            err,
            Error::CsvUnreadable {
                line: 1,
                problem: "encoding"
            }
        ),
        "{err:?}"
    );
    assert!(message(&err).contains("UTF-8"));

    let huge = format!("{HEADER}\nX,{},,1,UAH,1,,true\n", "y".repeat(200_000));
    let err = refuse(huge.into_bytes()).await;
    assert!(
        matches!(
            err,
            Error::CsvUnreadable {
                line: 2,
                problem: "long"
            }
        ),
        "{err:?}"
    );
    assert_eq!(message(&err), "Line 2 is too long.");

    let err = refuse(vec![b'a'; MAX_BYTES + 1]).await;
    assert!(matches!(err, Error::CsvTooLarge { .. }), "{err:?}");
    assert!(message(&err).contains("5000"), "{}", message(&err));

    let mut many = String::from(HEADER);
    for i in 0..=MAX_ROWS {
        many.push_str(&format!("\nS{i},T,,1,UAH,1,,true"));
    }
    assert!(matches!(
        refuse(many.into_bytes()).await,
        Error::CsvTooLarge { .. }
    ));

    let err = refuse(b"sku,title\nA,B\n".to_vec()).await;
    assert!(
        matches!(
            &err,
            Error::CsvHeader {
                problem: "missing",
                ..
            }
        ),
        "{err:?}"
    );
    let err = refuse(format!("{HEADER},colour\n").into_bytes()).await;
    assert_eq!(message(&err), "Unknown column “colour” in the first line.");
    let err = refuse(format!("{HEADER}\n\"A,B,,1,UAH,1,,true\n").into_bytes()).await;
    assert!(
        matches!(
            err,
            Error::CsvUnreadable {
                line: 2,
                problem: "quote"
            }
        ),
        "{err:?}"
    );
    let err = refuse(format!("{HEADER}\n").into_bytes()).await;
    assert_eq!(message(&err), "The file has no products.");
    assert_eq!(f.count("products", "1 = 1").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_imports_of_the_same_new_sku_make_one_product() {
    let f = Arc::new(Fixture::new().await);
    let csv = format!("{HEADER}\nRACE,Race,,1,UAH,3,,true\n");
    let tasks = (0..4).map(|_| {
        let (f, csv) = (f.clone(), csv.clone());
        tokio::spawn(async move { run(&f, &csv).await })
    });
    let results = futures::future::join_all(tasks).await;
    let mut created = 0;
    for r in results {
        let s = imported(r.unwrap().unwrap());
        created += s.created;
        assert_eq!(s.created + s.unchanged, 1, "{s:?}");
    }
    assert_eq!(created, 1);
    assert_eq!(f.count("products", "sku = 'RACE'").await, 1);
}
