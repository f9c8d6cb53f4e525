#!/usr/bin/env bash
# What each noise measure buys on this host, measured interleaved (A/B/A/B in one session):
#   scripts/noise-ab.sh [rounds] [results-folder]
# Runs scenarios/noise.yaml (calico + flannel, TCP 1 stream cross-node, 5 repetitions) once per configuration per
# round, configurations interleaved inside each round. A configuration is "<lab.cpuPinning> <idle> <duration> [nice]",
# idle being on (wait up to 10 s for a quiet host), record (read the busy share, do not wait) or off; set CONFIGS, e.g.
# CONFIGS="off off 2s;separate off 2s;shared off 5s;off off 2s -15".
# cpuPinning is off, separate or shared; nice (default 0) runs cnibench, and so every tool it starts, at that niceness
# (nice -n; lab.toolNice does the same for the tools alone).
# MEASURE=0 only prints the figures of a results folder measured before.
# Prints, per configuration: each run's median and coefficient of variation (stdev/mean of the 5 repetitions) per
# CNI, the share of measurements that started on an idle host, and, between consecutive rounds of the same
# configuration, compare's change with its 95% interval for calico's and flannel's throughput and the smallest
# change compare could have detected.
# Needs root (the lab) and a build (./run.sh --help then dotnet build, or any ./run.sh mode).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-2}
out=${2:-$(mktemp -d /tmp/noise-ab.XXXX)}
IFS=';' read -r -a configs <<<"${CONFIGS:-off off 2s;separate off 2s;off on 2s;separate on 2s}"
cli=(dotnet harness/CniBench.Cli/bin/Release/net10.0/cnibench.dll)
mkdir -p "$out/scenarios"

# One scenario file per configuration, from scenarios/noise.yaml.
scenario_for() {
  local pin=$1 idle=$2 file="$out/scenarios/noise-$1-idle-$2.yaml"
  local enabled=true wait=10s
  case $idle in
    off) enabled=false wait=0s ;;
    record) wait=0s ;;
  esac
  sed -e "s/^  cpuPinning: .*/  cpuPinning: $pin/" -e "s/^    enabled: .*/    enabled: $enabled/" -e "s/^    maxWait: .*/    maxWait: $wait/" \
    scenarios/noise.yaml >"$file"
  echo "$file"
}

# A folder per configuration; the niceness is in the name only when it is not 0.
config_name() {
  local name="pin-$1-idle-$2-$3"
  [[ $4 != 0 ]] && name="$name-nice$4"
  echo "$name"
}

# Skipped with MEASURE=0, to print the figures of a folder measured before.
if [[ ${MEASURE:-1} != 0 ]]; then
  mkdir -p "$out/logs"
  for ((round = 1; round <= rounds; round++)); do
    for config in "${configs[@]}"; do
      read -r pin idle duration niceness <<<"$config"
      name=$(config_name "$pin" "$idle" "$duration" "${niceness:-0}")
      nice -n "${niceness:-0}" "${cli[@]}" run "$(scenario_for "$pin" "$idle")" --duration "$duration" --out "$out/$name" >"$out/logs/$name-round$round.log" 2>&1 ||
        echo "round $round $name exited with $?" >&2
      echo "round $round $name done" >&2
    done
  done
fi

# Per run and CNI: median, CV of throughput_bps, and how many measurements started on an idle host.
spread() {
  awk -F, '
    $8 == "throughput_bps" && $11 == "ok" { v[$3] = v[$3] " " $9 }
    $8 == "idle_check_idle" { idle[$3] += $9; checked[$3]++ }
    END {
      for (cni in v) {
        n = split(substr(v[cni], 2), x, " ")
        for (i = 2; i <= n; i++) { t = x[i] + 0; for (j = i - 1; j >= 1 && x[j] + 0 > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
        s = 0; for (i = 1; i <= n; i++) s += x[i]; mean = s / n
        ss = 0; for (i = 1; i <= n; i++) ss += (x[i] - mean) ^ 2; sd = n > 1 ? sqrt(ss / (n - 1)) : 0
        med = n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
        vals = ""; for (i = 1; i <= n; i++) vals = vals sprintf("%s%.1f", i > 1 ? " " : "", x[i] / 1e9)
        printf "    %-8s median %5.2f Gbit/s  CV %5.1f%%  [%s]  idle at start %s\n", cni, med / 1e9, 100 * sd / mean, vals,
          cni in checked ? idle[cni] "/" checked[cni] : "not checked"
      }
    }' "$1/measurements.csv" | sort
}

for config in "${configs[@]}"; do
  read -r pin idle duration niceness <<<"$config"
  name=$(config_name "$pin" "$idle" "$duration" "${niceness:-0}")
  echo "== cpuPinning $pin, idle check $idle, duration $duration, nice ${niceness:-0}"
  # Run ids sort by time, so the folders are the rounds in order.
  mapfile -t runs < <(find "$out/$name" -mindepth 1 -maxdepth 1 -type d -name '2*' | sort)
  for ((round = 1; round <= ${#runs[@]}; round++)); do
    echo "  round $round: ${runs[round - 1]}"
    spread "${runs[round - 1]}"
  done
  for ((round = 2; round <= ${#runs[@]}; round++)); do
    cmp="$out/compare/$name-$((round - 1))-$round"
    "${cli[@]}" compare "${runs[round - 2]}" "${runs[round - 1]}" --out "$cmp" >/dev/null 2>&1 || true
    echo "  compare round $((round - 1)) -> $round (change of the median [95% interval], verdict):"
    sed -n '/^## All metrics/,$p' "$cmp/compare.md" | grep -E '^\| (calico|flannel) \| tcp \|.*\| throughput_bps \|' | awk -F'|' '{ printf "    %-8s %s %s\n", $2, $9, $10 }'
    grep -E '^\| throughput_bps \| ±' "$cmp/compare.md" | awk -F'|' '{ printf "    smallest detectable change of throughput_bps: %s\n", $3 }'
  done
done
echo "results: $out"
