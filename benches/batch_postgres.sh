#!/usr/bin/env bash
# Payouts per second of `feennex payouts run` with one, two and three workers
# sharing a batch in PostgreSQL, next to one run on the file journal, against a
# local sandbox in its own process, release build; what each PostgreSQL row costs
# the database; and the peak memory of a worker registering a large batch. Needs
# a server:
#
#   .ci/postgres benches/batch_postgres.sh
#       # ROUNDS=3 ROWS=10000 CONCURRENCY=16 MEMORY_ROWS=200000
#
# Rounds alternate the four set-ups, each on a fresh batch, so that a busy machine
# slows them alike; compare within a round and take medians. The time is the wall
# time from the first worker's start to the last worker's end: the scan, the
# registration of the rows in the database, paying, and the report. Per row, from
# the server's own counters: statements run (pg_stat_statements, BEGIN and COMMIT
# included), transactions committed (pg_stat_database) and WAL flushes waited for
# (pg_stat_wal).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${FEENNEX_STORE_URL:?the PostgreSQL URL; run this through .ci/postgres}"
: "${FEENNEX_TEST_PG_BIN:?the PostgreSQL programs; run this through .ci/postgres}"

rounds=${ROUNDS:-3}
rows=${ROWS:-10000}
concurrency=${CONCURRENCY:-16}
memory_rows=${MEMORY_ROWS:-200000}
# shellcheck source=benches/batch_common.sh
. benches/batch_common.sh

sql() { "$FEENNEX_TEST_PG_BIN/psql" "$FEENNEX_STORE_URL" -qAtX -F ' ' -c "$1"; }
sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
# Statements, commits and WAL flushes so far.
counters() {
    sql "SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements),
                (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
                (SELECT wal_sync FROM pg_stat_wal)"
}

# $1 workers (0: one run on the file journal) on a fresh batch.
measure() {
    local workers=$1 label=$2
    local csv="$work/$label.csv"
    make_batch "$rows" "$label" > "$csv"
    local started ended before="" pids=()
    if [ "$workers" != 0 ]; then
        sql "SELECT pg_stat_statements_reset()" >/dev/null
        before=$(counters)
    fi
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
    local cost=""
    if [ -n "$before" ]; then
        # The backends report their counters as they end.
        sleep 1
        cost=$(awk -v rows="$rows" -v before="$before" -v after="$(counters)" 'BEGIN {
            split(before, b, " "); split(after, a, " ")
            printf "  per row: %.3f statements, %.3f commits, %.3f WAL flushes",
                (a[1] - b[1]) / rows, (a[2] - b[2]) / rows, (a[3] - b[3]) / rows }')
    fi
    awk -v label="$label" -v rows="$rows" -v s="$(echo "$ended - $started" | bc)" -v cost="$cost" 'BEGIN {
        printf "%-26s %7d rows %7.2f s %7.0f payouts/s%s\n", label, rows, s, rows / s, cost }'
    grep -h '^rows:' "$work"/out-* | sort | uniq -c | sed 's/^/    /' || true
    rm -f "$csv" "$csv.journal" "$csv.report.csv" "$work"/out-* "$work"/report-*
}

# Peak resident memory of a worker that registers $1 rows (the first worker) and
# of one that checks its file against them (a later worker). The shop's key is
# refused on purpose: the run ends after the store is opened, before any create.
measure_registration() {
    local count=$1 csv="$work/registration-$1.csv"
    make_batch "$count" "registration-$count-$$" > "$csv"
    for role in first later; do
        local code=0
        FEENNEX_SECRET_KEY=not-the-key /usr/bin/time -v "$bin" payouts --base-url "$base_url" \
            --shop-id 1 run "$csv" --report "$work/report.csv" > "$work/out" 2> "$work/time" || code=$?
        [ "$code" = 3 ] || { echo "registration of $count rows: exit $code"; cat "$work/out" "$work/time"; exit 1; }
        awk -F': ' -v rows="$count" -v role="$role" '/Maximum resident set size/ {
            printf "registration, %-6s worker %7d rows  peak RSS %6.1f MB\n", role, rows, $2 / 1024 }' "$work/time"
    done
    rm -f "$csv" "$work/report.csv"
}

# Peak resident memory of one worker paying $1 rows alone, for comparison.
measure_run() {
    local count=$1 csv="$work/run-$1.csv"
    make_batch "$count" "run-$count-$$" > "$csv"
    /usr/bin/time -v "$bin" payouts --base-url "$base_url" --shop-id 1 --timeout 10 run "$csv" \
        --concurrency "$concurrency" --report "$work/report.csv" > "$work/out" 2> "$work/time" || {
        echo "run of $count rows failed:"; cat "$work/out" "$work/time"; exit 1; }
    awk -F': ' -v rows="$count" '/Maximum resident set size/ {
        printf "real run, one worker          %7d rows  peak RSS %6.1f MB\n", rows, $2 / 1024 }' "$work/time"
    grep '^rows:' "$work/out" | sed 's/^/    /' || true
    rm -f "$csv" "$work/report.csv"
}

for round in $(seq "$rounds"); do
    measure 0 "round-$round-file-journal"
    measure 1 "round-$round-postgres-1"
    measure 2 "round-$round-postgres-2"
    measure 3 "round-$round-postgres-3"
done
measure_registration $((memory_rows / 10))
measure_registration "$memory_rows"
measure_run $((memory_rows / 10))
measure_run "$memory_rows"
