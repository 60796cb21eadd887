//! Receipts: only the customer attaches them, more may follow, duplicates are flagged.
use domain::ordering::orders::decide;
use domain::ordering::receipts::{NewReceipt, attach};
use domain::{Error, OrderStatus, ReceiptStatus};
use files::FileKind;

use crate::support::Fixture;

fn receipt(order: domain::OrderId, sha: char, unique: &str) -> NewReceipt {
    NewReceipt {
        order,
        kind: FileKind::Pdf,
        sha256: sha.to_string().repeat(64),
        size_bytes: 2048,
        storage_key: Some(format!("receipts/{}", sha.to_string().repeat(64))),
        telegram_file_id: Some("AgAD".into()),
        telegram_file_unique_id: Some(unique.into()),
        width: None,
        height: None,
    }
}

#[tokio::test]
async fn receipt_flow_review_reject_resend_verify() {
    let f = Fixture::new().await;
    let order = f.order(1).await;
    let me = f.bot(f.customer);
    let first = attach(&f.ctx, &me, &receipt(order, 'a', "u1"))
        .await
        .unwrap();
    assert_eq!(first.status, ReceiptStatus::Pending);
    assert_eq!(first.mime, "application/pdf");
    assert_eq!(f.status(order).await, OrderStatus::PaymentReview);
    // A second receipt while in review stays in review and shows in the timeline.
    attach(&f.ctx, &me, &receipt(order, 'b', "u2"))
        .await
        .unwrap();
    assert_eq!(
        f.count("order_history", "action = 'receipt_attached'")
            .await,
        1
    );
    decide::reject(&f.ctx, &f.web(f.admin), order, "wrong amount")
        .await
        .unwrap();
    assert_eq!(
        f.count(
            "receipts",
            "status = 'rejected' AND reason = 'wrong amount'"
        )
        .await,
        2
    );
    attach(&f.ctx, &me, &receipt(order, 'c', "u3"))
        .await
        .unwrap();
    decide::verify(&f.ctx, &f.web(f.admin), order)
        .await
        .unwrap();
    assert_eq!(f.count("receipts", "status = 'accepted'").await, 1);
    let err = attach(&f.ctx, &me, &receipt(order, 'd', "u4"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidTransition {
                from: OrderStatus::Paid,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn only_the_customer_attaches_and_input_is_checked() {
    let f = Fixture::new().await;
    let order = f.order(1).await;
    for who in [f.stranger, f.admin, f.other_admin] {
        let err = attach(&f.ctx, &f.bot(who), &receipt(order, 'a', "u1"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    }
    let mut bad = receipt(order, 'a', "u1");
    bad.sha256 = "../../etc/passwd".into();
    assert!(matches!(
        attach(&f.ctx, &f.bot(f.customer), &bad).await,
        Err(Error::Invalid { .. })
    ));
    assert_eq!(FileKind::from_mime("text/html"), None);
    assert_eq!(f.count("receipts", "1 = 1").await, 0);
    assert_eq!(f.status(order).await, OrderStatus::AwaitingPayment);
}

#[tokio::test]
async fn a_receipt_used_on_another_order_is_flagged_not_refused() {
    let f = Fixture::new().await;
    let one = f.order(1).await;
    let two = f.order(1).await;
    let three = f.order(1).await;
    let me = f.bot(f.customer);
    let original = attach(&f.ctx, &me, &receipt(one, 'a', "u1")).await.unwrap();
    assert_eq!(original.duplicate_of_receipt_id, None);
    let same_bytes = attach(&f.ctx, &me, &receipt(two, 'a', "other"))
        .await
        .unwrap();
    assert_eq!(same_bytes.duplicate_of_receipt_id, Some(original.id));
    let same_file = attach(&f.ctx, &me, &receipt(three, 'f', "u1"))
        .await
        .unwrap();
    assert_eq!(same_file.duplicate_of_receipt_id, Some(original.id));
    // Sending the same file twice for one order is not a duplicate of anything.
    let first = attach(&f.ctx, &me, &receipt(one, 'e', "u9")).await.unwrap();
    let again = attach(&f.ctx, &me, &receipt(one, 'e', "u9")).await.unwrap();
    assert_eq!(
        (first.duplicate_of_receipt_id, again.duplicate_of_receipt_id),
        (None, None)
    );
    let flagged = "event_type = 'receipt_attached' AND payload LIKE '%\"duplicate_of\":null%'";
    assert_eq!(f.count("outbox_events", flagged).await, 3);
}
