//! Any body, with any status, parsed as the answer of every endpoint ends in a value or a typed error that agrees with the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| feennex_fuzz::checks::responses(data));
