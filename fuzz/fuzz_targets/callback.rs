//! Callback data from a button press: decodes only to what encodes back to it, within 64 bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrina_fuzz::bot::callback(data));
