//! Product cards with a photo: the photo staff uploaded (re-encoded and stored by the domain) is
//! sent with the card as its caption; without one, or if its file is gone, the card is text.
use domain::Actor;
use domain::catalog::photo;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::support::*;

/// The card's text, as the product page sends it.
fn card_starts(text: &str) -> bool {
    text.starts_with("Mug\n₴250.00\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_product_with_a_photo_is_sent_as_a_photo() {
    let w = World::new().await;
    let jpeg = testkit::files::jpeg_with_exif(640, 480);
    let limits = photo::limits();
    let p = photo::set(
        &w.ctx,
        w.files.as_ref(),
        &limits,
        &Actor::operator(),
        w.product,
        jpeg,
    )
    .await
    .unwrap();
    assert_eq!(w.files.keys(), vec![p.photo_key.clone().unwrap()]);

    // From a deep link, and from the catalog's button.
    let link = format!("/start product_{}", w.product.0);
    let mut bot = w.mock(text(CUSTOMER, "en", &link));
    for step in 0..2 {
        if step == 1 {
            bot.update(press(CUSTOMER, "en", &format!("p:{}", w.product.0)));
        }
        w.run(&mut bot).await;
        let r = bot.get_responses();
        assert_eq!(
            r.sent_messages_photo.len(),
            1,
            "step {step}: {:?}",
            sent(&bot)
        );
        assert!(
            r.sent_messages_text.is_empty(),
            "step {step}: {:?}",
            sent(&bot)
        );
        let photo = &r.sent_messages_photo[0];
        assert_eq!(photo.bot_request.file_name, "photo.jpg");
        let caption = photo.bot_request.caption.clone().unwrap_or_default();
        assert!(card_starts(&caption), "step {step}: {caption}");
        let markup = format!("{:?}", photo.bot_request.reply_markup);
        assert!(
            markup.contains(&format!("add:{}", w.product.0)),
            "the card's buttons come with the photo: {markup}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_photo_file_the_card_is_text() {
    let w = World::new().await;
    // A key whose file is not (or no longer) in storage.
    let gone = format!("photos/ab/cd/ab{}.jpg", "c".repeat(62));
    let row = entity::products::Entity::find_by_id(w.product.0)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: entity::products::ActiveModel = row.into();
    row.photo_key = Set(Some(gone));
    row.update(&w.ctx.db).await.unwrap();

    let mut bot = w.mock(text(
        CUSTOMER,
        "en",
        &format!("/start product_{}", w.product.0),
    ));
    w.run(&mut bot).await;
    let r = bot.get_responses();
    assert!(r.sent_messages_photo.is_empty());
    let texts = sent(&bot);
    assert!(texts.iter().any(|t| card_starts(t)), "{texts:?}");
}
