//! Signing any fields agrees with a plain reference, and verify accepts exactly that signature.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| feennex_fuzz::checks::sign_verify(data));
