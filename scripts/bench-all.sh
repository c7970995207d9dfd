#!/usr/bin/env bash
# Runs accord's world-scale benchmark back to back at every size and family, with the SQL peers,
# and keeps each report (text and JSON) under target/bench-results/. The figures in
# docs/performance.md come from this script. It is not part of CI: at 10^6 items one run takes
# tens of minutes and most of this machine's memory.
#
#   scripts/bench-all.sh                        # 10^5 and 10^6 items (ten claims per item)
#   SIZES="100k 1m 10m" scripts/bench-all.sh    # add 10^7 items (does not fit in 24 GB today)
#   FAMILIES=realistic PEERS=none scripts/bench-all.sh
#
# Each size runs in its own process, so memory figures do not mix.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100k 1m"}
FAMILIES=${FAMILIES:-"realistic giant-cycle"}
PEERS=${PEERS:-"sqlite,duckdb,postgres"}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
EXTRA=${EXTRA:-}
OUT=target/bench-results
mkdir -p "$OUT"

if [[ "$PEERS" == *duckdb* ]] && ! python3 -c "import duckdb" 2>/dev/null; then
  echo "== installing the duckdb Python package for the DuckDB peer"
  pip install --quiet "duckdb==2.0.1"
fi

echo "== building accord (release)"
cargo build --release --bin accord

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
for size in $SIZES; do
  for family in $FAMILIES; do
    name="$OUT/$size-$family-seed$SEED"
    echo "== $size items, $family, seed $SEED → $name.txt, $name.json"
    # shellcheck disable=SC2086  # EXTRA holds several flags
    /usr/bin/time -v ./target/release/accord bench --items "$size" --seed "$SEED" \
      --family "$family" --peers "$PEERS" --runs "$RUNS" --work "target/bench/$size-$family" \
      --report "$name.json" $EXTRA > "$name.txt" 2> "$name.stderr" \
      || { echo "failed: see $name.stderr"; tail -5 "$name.stderr"; exit 1; }
    cat "$name.txt"
    grep -E "Maximum resident|Elapsed \(wall|User time|System time" "$name.stderr" | sed 's/^\s*/   /'
  done
done
echo "== reports in $OUT"
