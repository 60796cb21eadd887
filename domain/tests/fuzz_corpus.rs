//! The fuzz targets' seed corpus and every crash they ever found, replayed through the same
//! checks the fuzz targets run (`fuzz/checks/domain.rs`; see `fuzz/README.md`). No database.
#[path = "../../fuzz/checks/domain.rs"]
mod checks;
#[path = "../../fuzz/checks/replay.rs"]
mod replay;

#[test]
fn product_csv() {
    replay::replay("product_csv", checks::product_csv);
}

#[test]
fn receipts() {
    replay::replay("receipts", checks::receipts);
}
