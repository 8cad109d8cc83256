//! The exactly-once payout machine against arbitrary outcomes: it ends in bounds and never creates twice blindly.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| feennex_fuzz::checks::exactly_once(data));
