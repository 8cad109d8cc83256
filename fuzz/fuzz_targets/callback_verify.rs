//! Any callback, form or JSON, with any content type and sender, is accepted or refused as the spec says.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| feennex_fuzz::checks::callback_verify(data));
