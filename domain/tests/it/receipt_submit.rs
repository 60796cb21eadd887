//! A receipt arriving in one call (`receipts::submit`): the order is checked before anything is
//! stored, then the file is kept and attached.
use domain::ordering::orders::decide;
use domain::ordering::receipts::{TelegramFile, submit};
use domain::{Actor, Error, OrderId, OrderStatus};
use files::inspect::{self, Inspected};
use files::store::{FileStore, MemoryStorage};
use testkit::files as samples;

use crate::support::Fixture;

async fn photo() -> Inspected {
    inspect::inspect(samples::jpeg(320, 200), &inspect::Limits::default())
        .await
        .unwrap()
}

fn telegram() -> Option<TelegramFile> {
    Some(TelegramFile {
        file_id: "AgAD-file".into(),
        unique_id: "AgAD-unique".into(),
    })
}

#[tokio::test]
async fn a_receipt_for_an_open_order_is_stored_and_attached() {
    let f = Fixture::new().await;
    let order = f.order(1).await;
    let files = MemoryStorage::new();
    let inspected = photo().await;
    let me = f.bot(f.customer);
    let done = submit(&f.ctx, &me, order, &inspected, telegram(), &files)
        .await
        .unwrap();
    assert_eq!(done.number, 1001);
    assert_eq!(done.receipt.order_id, order.0);
    assert_eq!(done.receipt.sha256, inspected.sha256);
    assert_eq!(
        done.receipt.telegram_file_unique_id.as_deref(),
        Some("AgAD-unique")
    );
    assert_eq!(
        (done.receipt.width, done.receipt.height),
        (Some(320), Some(200))
    );
    let key = done.receipt.storage_key.clone().unwrap();
    assert_eq!(
        files.get(&key).await.unwrap(),
        Some(inspected.bytes.clone())
    );
    assert!(
        files.keys().iter().any(|k| k.starts_with("thumbs/")),
        "{:?}",
        files.keys()
    );
    assert_eq!(f.status(order).await, OrderStatus::PaymentReview);
    // More may follow while it is in review.
    let more = submit(&f.ctx, &me, order, &inspected, None, &files).await;
    assert!(more.is_ok(), "{more:?}");
}

#[tokio::test]
async fn a_receipt_for_an_order_that_takes_none_stores_nothing() {
    let f = Fixture::new().await;
    let files = MemoryStorage::new();
    let inspected = photo().await;
    let paid = f.order_in_review(1).await;
    decide::verify(&f.ctx, &f.web(f.admin), paid).await.unwrap();
    let cancelled = f.order(1).await;
    domain::ordering::orders::fulfil::cancel(&f.ctx, &Actor::operator(), cancelled, None)
        .await
        .unwrap();
    let open = f.order(1).await;
    let cases = [
        ("paid", f.bot(f.customer), paid),
        ("cancelled", f.bot(f.customer), cancelled),
        ("someone else's", f.bot(f.stranger), open),
        ("staff's, not theirs", f.web(f.admin), open),
        ("unknown", f.bot(f.customer), OrderId(999_999)),
    ];
    for (what, actor, order) in cases {
        let err = submit(&f.ctx, &actor, order, &inspected, telegram(), &files)
            .await
            .unwrap_err();
        let expected = match what {
            "paid" | "cancelled" => matches!(err, Error::InvalidTransition { .. }),
            _ => matches!(err, Error::NotFound { .. }),
        };
        assert!(expected, "{what}: {err:?}");
        assert!(files.keys().is_empty(), "{what}: {:?}", files.keys());
    }
    assert_eq!(
        f.count("receipts", &format!("order_id = {}", open.0)).await,
        0
    );
    assert_eq!(f.status(open).await, OrderStatus::AwaitingPayment);
}
