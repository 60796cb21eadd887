//! A webhook body: parsed as a Telegram update, kept, read back, and read by the handlers' first steps.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrina_fuzz::bot::update_intake(data));
