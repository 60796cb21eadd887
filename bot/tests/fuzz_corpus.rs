//! The fuzz targets' seed corpus and every crash they ever found, replayed through the same
//! checks the fuzz targets run (`fuzz/checks/bot.rs`; see `fuzz/README.md`).
#[path = "../../fuzz/checks/bot.rs"]
mod checks;
#[path = "../../fuzz/checks/replay.rs"]
mod replay;

#[test]
fn start_payload() {
    replay::replay("start_payload", checks::start_payload);
}

#[test]
fn callback() {
    replay::replay("callback", checks::callback);
}

#[test]
fn order_numbers() {
    replay::replay("order_numbers", checks::order_numbers);
}

#[test]
fn update_intake() {
    replay::replay("update_intake", checks::update_intake);
}
