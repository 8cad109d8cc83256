#!/usr/bin/env bash
# A batch paid after the planner's statistics were taken on earlier, paid batches:
# the case where a claim's or an outcome's plan could read every row of the batch
# for each chunk. Pays five batches with three workers, runs ANALYZE, then pays a
# sixth with one worker, a seventh with three and an eighth with one, printing each
# batch's wall time and, for the sixth, the store's statements by total time. Needs
# a server:
#
#   .ci/postgres benches/batch_postgres_stale_statistics.sh    # ROWS=10000
set -euo pipefail
cd "$(dirname "$0")/.."
: "${FEENNEX_STORE_URL:?the PostgreSQL URL; run this through .ci/postgres}"
: "${FEENNEX_TEST_PG_BIN:?the PostgreSQL programs; run this through .ci/postgres}"

rows=${ROWS:-10000}
# shellcheck source=benches/batch_common.sh
. benches/batch_common.sh

sql() { "$FEENNEX_TEST_PG_BIN/psql" "$FEENNEX_STORE_URL" -qAtX -c "$1"; }

# Pays batch $1 with $2 workers started together.
run() {
    make_batch "$rows" "stale-$1-$$" > "$work/batch-$1.csv"
    local started ended pids=()
    started=$(date +%s.%N)
    for worker in $(seq "$2"); do
        "$bin" payouts --base-url "$base_url" --shop-id 1 --timeout 10 run "$work/batch-$1.csv" \
            --concurrency 16 --report "$work/report-$worker.csv" > "$work/out-$1-$worker" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}"
    ended=$(date +%s.%N)
    printf 'batch %d, %d worker(s): %6.2f s; %s\n' "$1" "$2" "$(echo "$ended - $started" | bc)" \
        "$(grep -h '^rows:' "$work/out-$1-1")"
}

sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" > /dev/null
for batch in 1 2 3 4 5; do run "$batch" 3; done
sql "ANALYZE feennex_rows"
sql "SELECT pg_stat_statements_reset()" > /dev/null
run 6 1
echo "    calls, total ms, mean ms, statement (batch 6)"
sql "SELECT calls, round(total_exec_time::numeric), round(mean_exec_time::numeric, 2),
            left(regexp_replace(query, '\s+', ' ', 'g'), 50)
     FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 3" | sed 's/^/    /'
run 7 3
run 8 1
