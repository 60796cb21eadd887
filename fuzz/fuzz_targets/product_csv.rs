//! The product CSV reader behind the backoffice's import.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrina_fuzz::domain::product_csv(data));
