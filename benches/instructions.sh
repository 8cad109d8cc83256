#!/usr/bin/env bash
# Instructions per operation, counted by callgrind: deterministic, unaffected by
# load, but blind to SHA-NI (valgrind runs sha2's portable code), so it says how
# much work the code around the hash does, never how long a signature takes. Each operation runs 2000 and 4000 times; the difference over 2000 is the
# cost of one. Usage: benches/instructions.sh (needs valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p feennex-benches --bin per_op
binary=target/release/per_op
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$binary" "$1" "$2" 2>&1 \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-32s %12s\n' operation instructions
for op in compress_floor sha256_only sign_transfer_create build_transfer_create_request \
    parse_transfer_create_response parse_serde_json_value; do
    low=$(count "$op" 2000)
    high=$(count "$op" 4000)
    printf '%-32s %12d\n' "$op" $(( (high - low) / 2000 ))
done
