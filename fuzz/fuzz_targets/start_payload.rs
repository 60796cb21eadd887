//! `/start` payloads, alone and as the text of a `/start` message.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrina_fuzz::bot::start_payload(data));
