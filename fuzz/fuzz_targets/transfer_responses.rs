//! Any bytes parsed as any wallet-payout answer end in a value or a typed error.
#![no_main]

use feennex_proto::{TransferCreate, TransferStatus, TransferTry, http::StatusCode, parse_response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_response::<TransferTry>(StatusCode::OK, data);
    let _ = parse_response::<TransferCreate>(StatusCode::BAD_REQUEST, data);
    let _ = parse_response::<TransferStatus>(StatusCode::BAD_GATEWAY, data);
});
