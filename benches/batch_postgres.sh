#!/usr/bin/env bash
# Payouts per second of `feennex payouts run` with one, two and three workers
# sharing a batch in PostgreSQL, next to one run on the file journal, against a
# local sandbox in its own process, release build. Needs a server:
#
#   .ci/postgres benches/batch_postgres.sh     # ROUNDS=3 ROWS=20000 CONCURRENCY=16
#
# Rounds alternate the four set-ups, each on a fresh batch, so that a busy machine
# slows them alike; compare within a round and take medians. The time is the wall
# time from the first worker's start to the last worker's end: the scan, the
# registration of the rows in the database, paying, and the report.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${FEENNEX_STORE_URL:?the PostgreSQL URL; run this through .ci/postgres}"

rounds=${ROUNDS:-3}
rows=${ROWS:-20000}
concurrency=${CONCURRENCY:-16}
# shellcheck source=benches/batch_common.sh
. benches/batch_common.sh

# $1 workers (0: one run on the file journal) on a fresh batch.
measure() {
    local workers=$1 label=$2
    local csv="$work/$label.csv"
    make_batch "$rows" "$label" > "$csv"
    local started ended pids=()
    started=$(date +%s.%N)
    if [ "$workers" = 0 ]; then
        env -u FEENNEX_STORE_URL "$bin" payouts --base-url "$base_url" --shop-id 1 \
            --timeout 10 run "$csv" --concurrency "$concurrency" > "$work/out-0" 2>&1 &
        pids+=($!)
    else
        for worker in $(seq "$workers"); do
            "$bin" payouts --base-url "$base_url" --shop-id 1 --timeout 10 run "$csv" \
                --concurrency "$concurrency" --report "$work/report-$worker.csv" \
                > "$work/out-$worker" 2>&1 &
            pids+=($!)
        done
    fi
    for pid in "${pids[@]}"; do
        wait "$pid" || { echo "run $label failed:"; cat "$work"/out-*; exit 1; }
    done
    ended=$(date +%s.%N)
    awk -v label="$label" -v rows="$rows" -v s="$(echo "$ended - $started" | bc)" 'BEGIN {
        printf "%-26s %7d rows %7.2f s %7.0f payouts/s\n", label, rows, s, rows / s }'
    grep -h '^rows:' "$work"/out-* | sort | uniq -c | sed 's/^/    /' || true
    rm -f "$csv" "$csv.journal" "$csv.report.csv" "$work"/out-* "$work"/report-*
}

for round in $(seq "$rounds"); do
    measure 0 "round-$round-file-journal"
    measure 1 "round-$round-postgres-1"
    measure 2 "round-$round-postgres-2"
    measure 3 "round-$round-postgres-3"
done
