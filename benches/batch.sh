#!/usr/bin/env bash
# Throughput and peak memory of `feennex payouts run` (the feennex-batch library
# behind the real binary) against a local sandbox in its own process, release build.
#
#   benches/batch.sh     # ROUNDS=3 THROUGHPUT_ROWS=100000 MEMORY_ROWS=200000
#
# Throughput: rounds of concurrency 8 and 32 alternate, each on a fresh batch, so
# that a busy machine slows both alike; compare within a round and take medians.
# Memory: a real run and a dry run of MEMORY_ROWS rows and of a tenth of that.
#
# For each run it prints the wall time, payouts per second (scan, pay, report:
# everything the command does) and the peak resident memory of the batch process,
# from /usr/bin/time -v. The journal is on the same disk as the working directory
# (set TMPDIR to choose it): its fdatasyncs are part of the measure.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-3}
throughput_rows=${THROUGHPUT_ROWS:-100000}
rows=${MEMORY_ROWS:-200000}
# shellcheck source=benches/batch_common.sh
. benches/batch_common.sh

# Runs `feennex payouts run` on a fresh batch of $1 rows with the extra arguments.
measure() {
    local count=$1 label=$2
    shift 2
    local csv="$work/$label.csv"
    make_batch "$count" "$label" > "$csv"
    /usr/bin/time -v "$bin" payouts --base-url "$base_url" --shop-id 1 --timeout 10 \
        run "$csv" "$@" > "$work/out" 2> "$work/time" || {
        echo "run $label failed:"; cat "$work/out" "$work/time"; exit 1; }
    local seconds rss
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time")
    awk -v label="$label" -v rows="$count" -v s="$seconds" -v kb="$rss" 'BEGIN {
        printf "%-28s %8d rows %8.2f s %9.0f rows/s  peak RSS %6.1f MB\n", label, rows, s, rows / s, kb / 1024 }'
    grep '^rows:' "$work/out" | sed 's/^/    /' || true
    rm -f "$csv" "$csv.journal" "$csv.report.csv"
}

for round in $(seq "$rounds"); do
    measure "$throughput_rows" "round-$round-concurrency-8" --concurrency 8
    measure "$throughput_rows" "round-$round-concurrency-32" --concurrency 32
done
measure "$rows" "memory-run" --concurrency 32
measure $((rows / 10)) "memory-run-tenth" --concurrency 32
measure "$rows" "memory-dry-run" --concurrency 32 --dry-run
measure $((rows / 10)) "memory-dry-run-tenth" --concurrency 32 --dry-run
