# Shared by the batch benchmarks (sourced, not run): builds the release binary,
# starts a sandbox in its own process with shop 1, and defines make_batch.
# Sets: bin, work, base_url, sandbox_pid; exports FEENNEX_SECRET_KEY.

cargo build --release --locked -q -p feennex-cli
bin=$PWD/target/release/feennex
work=$(mktemp -d)
secret=bench-secret
"$bin" sandbox --listen 127.0.0.1:0 --shop "1:$secret" --balance 840=1000000000 \
    > "$work/sandbox.out" 2>&1 &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    grep -q '^listening on ' "$work/sandbox.out" && break
    sleep 0.1
done
base_url=$(sed -n 's/^listening on //p' "$work/sandbox.out")
export FEENNEX_SECRET_KEY=$secret

# A batch of $1 rows; $2 makes it another batch (its payees differ: a batch is
# its rows' content, and a description alone does not make another one).
make_batch() {
    local seed
    seed=$(printf '%s' "$2" | cksum | cut -d' ' -f1)
    awk -v rows="$1" -v tag="$2" -v seed="$seed" 'BEGIN {
        print "payee_account,amount,payee_currency,shop_currency,description"
        for (i = 0; i < rows; i++)
            printf "20%010.0f,%d.%02d,840,840,%s %d\n", (seed * 7919 + i) % 9999999999, 1 + i % 9, i % 100, tag, i
    }'
}
