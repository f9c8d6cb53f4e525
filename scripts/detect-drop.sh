#!/usr/bin/env bash
# Can `cnibench compare` see a 10% TCP throughput drop across two runs of five repetitions?
#   scripts/detect-drop.sh [scenario] [results-folder]          runs the scenario twice (A, then B)
#   RUNS="<run-A> <run-B>" scripts/detect-drop.sh               uses two runs already measured
#   THRESHOLD=3% ...                                            compare's minimum effect (default: compare's, 5%)
# Then copies B, scales its tcp throughput_bps rows by FACTOR (default 0.9) in the copy's measurements.csv (compare
# reads measurements.csv and run.json of each folder), and prints compare's verdict and 95% interval per CNI for:
#   A -> B        the A/A control: what two runs of the same build differ by on their own;
#   A -> B×0.9    the question: a 10% drop against a baseline from another run, as a nightly job compares;
#   B -> B×0.9    the within-run control: the same drop against the same run's own repetitions.
# Needs root (the lab) and a build (dotnet build harness/CniBench.Cli -c Release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scenario=${1:-scenarios/noise.yaml}
out=${2:-$(mktemp -d /tmp/detect-drop.XXXX)}
factor=${FACTOR:-0.9}
threshold=()
[[ -n ${THRESHOLD:-} ]] && threshold=(--threshold "$THRESHOLD")
cli=(dotnet harness/CniBench.Cli/bin/Release/net10.0/cnibench.dll)
mkdir -p "$out"

measure() {
  local before
  before=$(ls "$out")
  "${cli[@]}" run "$scenario" --out "$out" >"$out/run-$1.log" 2>&1 || echo "run $1 exited with $?" >&2
  echo "$out/$(comm -13 <(echo "$before") <(ls "$out") | grep -v '^run-' | tail -n 1)"
}

if [[ -n ${RUNS:-} ]]; then
  read -r a b <<<"$RUNS"
else
  a=$(measure A)
  b=$(measure B)
fi

dropped="$out/$(basename "$b")-x$factor"
rm -rf "$dropped"
cp -r "$b" "$dropped"
# Only ok tcp throughput rows change; their fields hold no quoted commas, every other line is copied as it is.
awk -F, -v OFS=, -v f="$factor" '
  NR > 1 && $4 == "tcp" && $8 == "throughput_bps" && $11 == "ok" { $9 = sprintf("%.1f", $9 * f) }
  { print }' "$b/measurements.csv" >"$dropped/measurements.csv"

verdicts() {
  local cmp="$out/compare-$1"
  "${cli[@]}" compare "$2" "$3" "${threshold[@]}" --out "$cmp" >/dev/null 2>&1 || true
  echo "$4"
  sed -n '/^## All metrics/,$p' "$cmp/compare.md" | grep -E '^\| [a-z0-9+-]+ \| tcp \|.*\| throughput_bps \|' |
    awk -F'|' '{ printf "  %-10s %-11s baseline %-16s candidate %-16s change %s  verdict:%s\n", $2, $5, $7, $8, $9, $10 }'
  grep -E '^\| throughput_bps \| ±' "$cmp/compare.md" | awk -F'|' '{ printf "  smallest detectable change of throughput_bps: %s\n", $3 }'
}

echo "A: $a"
echo "B: $b"
verdicts aa "$a" "$b" "A -> B (A/A control, no change made):"
verdicts across "$a" "$dropped" "A -> B x $factor (the drop against another run):"
verdicts within "$b" "$dropped" "B -> B x $factor (the drop against the same run):"
