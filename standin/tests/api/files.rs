//! Files both ways: users' photos and documents the bot downloads, the bot's uploads the
//! stand-in keeps and serves.
use std::io::Cursor;

use standin::{MediaKind, Refused};
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{FileId, InputFile, UpdateKind};

use crate::{ALICE, start, updates};

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::RgbImage::new(width, height)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

async fn fetch(bot: &Bot, file_id: &str) -> Vec<u8> {
    let file = bot.get_file(FileId(file_id.to_owned())).await.unwrap();
    assert_eq!(file.path, format!("files/{file_id}"));
    let mut bytes = Vec::new();
    bot.download_file(&file.path, &mut bytes).await.unwrap();
    bytes
}

#[tokio::test]
async fn a_users_photo_and_document_reach_the_bot_which_can_download_them() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    let mut offset = 0;
    let photo = png(64, 48);
    let pdf = b"%PDF-1.7\n...".to_vec();
    let photo_id = standin
        .send_file(
            ALICE,
            MediaKind::Photo,
            "cat.png",
            photo.clone(),
            Some("my cat"),
        )
        .unwrap();
    standin
        .send_file(ALICE, MediaKind::Document, "receipt.pdf", pdf.clone(), None)
        .unwrap();

    let got = updates(&bot, &mut offset).await;
    let [UpdateKind::Message(p), UpdateKind::Message(d)] = got.as_slice() else {
        panic!("{got:?}")
    };
    assert_eq!(i64::from(p.id.0), photo_id);
    assert_eq!(p.caption(), Some("my cat"));
    let sizes = p.photo().unwrap();
    assert_eq!((sizes[0].width, sizes[0].height), (64, 48));
    assert_eq!(sizes[0].file.size as usize, photo.len());
    assert_eq!(fetch(&bot, &sizes[0].file.id.0).await, photo);

    let doc = d.document().unwrap();
    assert_eq!(doc.file_name.as_deref(), Some("receipt.pdf"));
    assert_eq!(
        doc.mime_type.as_ref().unwrap().essence_str(),
        "application/pdf"
    );
    assert_eq!(fetch(&bot, &doc.file.id.0).await, pdf);
    let stored = standin.file(&doc.file.id.0).unwrap();
    assert_eq!(stored.mime, "application/pdf");

    let chat = standin.chat(ALICE);
    assert_eq!(chat.len(), 2);
    let media = chat[0].media.as_ref().unwrap();
    assert_eq!(
        (media.kind, chat[0].text.as_str()),
        (MediaKind::Photo, "my cat")
    );
    assert_eq!(
        chat[1].media.as_ref().unwrap().file_name.as_deref(),
        Some("receipt.pdf")
    );
}

#[tokio::test]
async fn the_bots_uploads_are_kept_shown_and_served() {
    let (standin, _serving, bot) = start(standin::Options::default()).await;
    let photo = png(10, 20);
    let keyboard = teloxide::types::InlineKeyboardMarkup::new([[
        teloxide::types::InlineKeyboardButton::callback("OK", "ok"),
    ]]);
    let sent = bot
        .send_photo(
            ChatId(ALICE),
            InputFile::memory(photo.clone()).file_name("p.png"),
        )
        .caption("Mug")
        .reply_markup(keyboard.clone())
        .await
        .unwrap();
    assert_eq!(sent.caption(), Some("Mug"));
    assert_eq!(sent.reply_markup(), Some(&keyboard));
    let size = &sent.photo().unwrap()[0];
    assert_eq!((size.width, size.height), (10, 20));
    let stored = standin.file(&size.file.id.0).unwrap();
    assert_eq!(
        (stored.bytes.to_vec(), stored.mime.as_str()),
        (photo.clone(), "image/png")
    );
    assert_eq!(fetch(&bot, &size.file.id.0).await, photo);

    // The form's text fields are recorded, the file is not.
    let calls = standin.calls();
    let call = calls.iter().find(|c| c.method == "sendphoto").unwrap();
    assert_eq!(call.body["caption"], "Mug");
    assert_eq!(call.body["chat_id"], ALICE.to_string());
    assert!(
        call.body["photo"]
            .as_str()
            .unwrap()
            .starts_with("attach://")
    );

    // Sent again by file_id, and as a document with its name.
    let again = bot
        .send_photo(ChatId(ALICE), InputFile::file_id(size.file.id.clone()))
        .await
        .unwrap();
    assert_eq!(again.photo().unwrap()[0].file.id, size.file.id);
    let doc = bot
        .send_document(
            ChatId(ALICE),
            InputFile::memory(b"%PDF-1.4 x".to_vec()).file_name("invoice.pdf"),
        )
        .await
        .unwrap();
    let document = doc.document().unwrap();
    assert_eq!(document.file_name.as_deref(), Some("invoice.pdf"));
    assert_eq!(
        standin.file(&document.file.id.0).unwrap().mime,
        "application/pdf"
    );

    let chat = standin.chat(ALICE);
    assert_eq!(chat.len(), 3);
    assert_eq!(chat[0].text, "Mug");
    assert_eq!(chat[0].keyboard.len(), 1);
    assert_eq!(chat[1].media.as_ref().unwrap().file_id, size.file.id.0);

    // A caption edit on the photo.
    let edited = bot
        .edit_message_caption(ChatId(ALICE), sent.id)
        .caption("Mug, sold out")
        .await
        .unwrap();
    assert_eq!(edited.caption(), Some("Mug, sold out"));
    assert_eq!(standin.chat(ALICE)[0].text, "Mug, sold out");
    assert!(
        bot.edit_message_text(ChatId(ALICE), sent.id, "x")
            .await
            .is_err(),
        "a photo has no text to edit"
    );

    // Unknown file ids are refused in known chats, taken in others.
    let unknown = InputFile::file_id(FileId("nope".into()));
    assert!(
        bot.send_photo(ChatId(ALICE), unknown.clone())
            .await
            .is_err()
    );
    assert!(bot.send_photo(ChatId(999), unknown).await.is_ok());
}

#[tokio::test]
async fn get_file_says_what_it_was_told_and_unknown_files_are_refused() {
    let (standin, serving, bot) = start(standin::Options::default()).await;
    standin.add_lying_file("liar", 10, vec![1; 1000]);
    let file = bot.get_file(FileId("liar".into())).await.unwrap();
    assert_eq!(file.meta.size, 10);
    let mut bytes = Vec::new();
    bot.download_file(&file.path, &mut bytes).await.unwrap();
    assert_eq!(bytes.len(), 1000);
    assert!(bot.get_file(FileId("nope".into())).await.is_err());
    let missing = reqwest::get(format!("{}/file/bot1:TOKEN/files/nope", serving.url))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn files_over_the_limits_are_refused_or_make_room() {
    let options = standin::Options {
        max_file_bytes: 1000,
        max_stored_bytes: 2500,
        ..standin::Options::default()
    };
    let (standin, _serving, bot) = start(options).await;
    let big = vec![0; 1001];
    assert_eq!(
        standin.send_file(ALICE, MediaKind::Document, "a", big.clone(), None),
        Err(Refused::TooLarge)
    );
    assert_eq!(
        standin.send_file(9, MediaKind::Document, "a", vec![1], None),
        Err(Refused::NoSuchUser)
    );
    assert_eq!(
        standin.send_file(
            ALICE,
            MediaKind::Photo,
            "a",
            vec![1],
            Some(&"c".repeat(1025))
        ),
        Err(Refused::BadText)
    );
    let upload = bot
        .send_document(ChatId(ALICE), InputFile::memory(big).file_name("big.bin"))
        .await;
    assert!(upload.is_err(), "{upload:?}");
    assert!(standin.chat(ALICE).is_empty());

    let mut ids = Vec::new();
    for _ in 0..3 {
        standin
            .send_file(ALICE, MediaKind::Document, "f.bin", vec![7; 1000], None)
            .unwrap();
        let chat = standin.chat(ALICE);
        ids.push(chat.last().unwrap().media.clone().unwrap().file_id);
    }
    assert!(standin.file(&ids[0]).is_none(), "the oldest made room");
    assert!(standin.file(&ids[1]).is_some() && standin.file(&ids[2]).is_some());
}
