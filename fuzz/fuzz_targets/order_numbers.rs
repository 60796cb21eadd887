//! Order numbers in what staff type or forward.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrina_fuzz::bot::order_numbers(data));
