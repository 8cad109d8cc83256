//! The sandbox answers any request body with a well-formed envelope and accepts every request the SDK signs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| feennex_fuzz::checks::sandbox_requests(data));
