//! Receipt sniffing and inspection: JPEG, PNG, WebP and PDF files from customers.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrina_fuzz::domain::ordering::receipts(data));
