#!/usr/bin/env bash
# End-to-end timing of the smoke scenario through the README's front door, after the first build:
#   scripts/bench-quick.sh [runs]
# Prints each wall time and the median; the target is under 60 s. Results go to a temporary folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./run.sh --help >/dev/null
./run.sh doctor >/dev/null   # set-up and build once, outside the timing
times=()
for ((i = 1; i <= runs; i++)); do
  start=$(date +%s.%N)
  ./run.sh run scenarios/quick.yaml --out "$out" >/dev/null || echo "run $i exited with $?" >&2
  end=$(date +%s.%N)
  t=$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')
  times+=("$t")
  printf 'run %d: %.1f s\n' "$i" "$t"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "median wall time of ./run.sh run scenarios/quick.yaml: %.1f s over %d runs\n", m, NR }'
