//! Fetching a customer's file from the Bot API never holds more than the limit, whatever size
//! the server claims.
use bot::download::{Downloader, FromTelegram};
use files::inspect::Rejection;
use testkit::fake_telegram::FakeTelegram;

#[tokio::test]
async fn a_download_larger_than_declared_is_cut_off_at_the_limit() {
    let api = FakeTelegram::start().await;
    let bot = bot::runtime::make_bot("123456:TEST", &api.url).unwrap();
    let max = 64 * 1024;
    api.add_file("honest", vec![7; 1000]);
    api.add_lying_file("liar", 10, vec![0; 8 * 1024 * 1024]);
    api.add_lying_file("declared-big", max + 1, vec![0; 10]);

    let got = FromTelegram.fetch(&bot, "honest", max).await;
    assert_eq!(got, Ok(vec![7; 1000]));
    // Claims 10 bytes, sends 8 MiB: refused as too big once the limit is passed.
    let got = FromTelegram.fetch(&bot, "liar", max).await;
    assert_eq!(got, Err(Some(Rejection::TooBig { max_bytes: max })));
    // Claims more than allowed: refused before downloading.
    let got = FromTelegram.fetch(&bot, "declared-big", max).await;
    assert_eq!(got, Err(Some(Rejection::TooBig { max_bytes: max })));
    // Unknown file: could not be fetched.
    assert_eq!(FromTelegram.fetch(&bot, "nope", max).await, Err(None));
}
