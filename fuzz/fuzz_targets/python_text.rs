//! Python number text: float repr round-trips and every SDK amount prints in Python as the SDK signs it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| feennex_fuzz::checks::python_text(data));
