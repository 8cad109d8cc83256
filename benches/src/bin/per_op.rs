//! Runs one benched operation a given number of times, for counting instructions
//! under `valgrind --tool=callgrind` (see `instructions.sh`): the difference between
//! two counts divided by the difference of iterations is the cost of one operation,
//! free of set-up and of whatever else the machine is doing.

use std::hint::black_box;

use feennex_benches::{
    TRANSFER_CREATE_FIELDS, TRANSFER_CREATED_BODY, compress_floor, merchant, padded_blocks,
    sha256_hex, transfer_create, transfer_create_message,
};
use feennex_proto::{
    SecretKey, http::StatusCode, prelude::TransferCreate, response::parse_response, sign::sign,
};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(op), Some(count)) = (args.next(), args.next().and_then(|n| n.parse::<u64>().ok()))
    else {
        eprintln!("usage: per_op OPERATION ITERATIONS");
        std::process::exit(2);
    };
    let secret = SecretKey::new(feennex_benches::SECRET);
    let joined = transfer_create_message();
    let blocks = padded_blocks(&joined);
    let merchant = merchant("https://core.feennex.com");
    let create = transfer_create();
    let body = TRANSFER_CREATED_BODY.as_bytes();
    for _ in 0..count {
        match op.as_str() {
            "sha256_only" => {
                black_box(sha256_hex(black_box(&joined)));
            }
            "compress_floor" => {
                black_box(compress_floor(black_box(&blocks)));
            }
            "sign_transfer_create" => {
                black_box(sign(black_box(&TRANSFER_CREATE_FIELDS), &secret));
            }
            "build_transfer_create_request" => {
                let _ = black_box(merchant.build(black_box(&create)));
            }
            "parse_transfer_create_response" => {
                let _ =
                    black_box(parse_response::<TransferCreate>(StatusCode::OK, black_box(body)));
            }
            "parse_serde_json_value" => {
                let _ = black_box(serde_json::from_slice::<serde_json::Value>(black_box(body)));
            }
            other => {
                eprintln!("unknown operation {other}");
                std::process::exit(2);
            }
        }
    }
}
