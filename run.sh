#!/usr/bin/env bash
# CniBench's front door. It installs what is missing (Debian packages), builds the
# solution in Release, then runs the benchmark or the tests. See ./run.sh --help.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Debian packages the lab and its tools need: package name for each program.
APT_PACKAGES=(iproute2 kmod nftables conntrack iperf3 procps iputils-ping fontconfig fonts-dejavu-core nginx haproxy chromium wireguard-tools wireguard-go wrk time sockperf iperf)
CLI_COMMANDS=" run lab doctor bench report compare history "
CLI="harness/CniBench.Cli/bin/Release/net10.0/cnibench"
DEFAULT_SCENARIO="scenarios/default.yaml"

usage() {
  cat <<'USAGE'
Usage: ./run.sh [mode] [arguments...]

Modes:
  (none)             set up, build, and run scenarios/default.yaml on the lab;
                     results go to results/<run-id>/ (report, CSV, charts)
  test               set up, build, and run every test (unit + lab integration) on a
                     fresh /run: a private mount namespace with an empty tmpfs there,
                     as a host where CniBench never ran has it
  <cli command> ...  set up, build, and pass everything to the cnibench CLI, e.g.
                       ./run.sh run scenarios/quick.yaml
                       ./run.sh doctor
                       ./run.sh lab status
                       ./run.sh lab down
                       ./run.sh report results/<run-id>
                       ./run.sh compare results/<baseline> results/<candidate>
                       ./run.sh history results
  <scenario.yaml> ... run that scenario, e.g. ./run.sh scenarios/netpol.yaml
  --<option> ...     options for the default run, e.g. ./run.sh --quick --cni flannel
  --help             this text (the CLI's own help: ./run.sh run --help)

Set-up installs missing Debian packages (apt-get, needs root):
  iproute2 kmod nftables conntrack iperf3 procps iputils-ping fontconfig fonts-dejavu-core nginx haproxy chromium
  wireguard-tools wireguard-go wrk time
The .NET 10 SDK must already be installed (dotnet on PATH).
The lab itself needs root: it creates network namespaces.
USAGE
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

check_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK is not installed (dotnet not on PATH): install the .NET 10 SDK, then run ./run.sh again"
  local major
  major=$(dotnet --version 2>/dev/null | cut -d. -f1)
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 10 ]] || die "the .NET SDK is $(dotnet --version 2>/dev/null || echo unknown); CniBench needs 10 or newer"
}

install_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then
    die "missing Debian packages: ${missing[*]}; run as root (or: sudo apt-get install ${missing[*]})"
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # nginx and haproxy are tools here, started by CniBench inside lab namespaces with their own configs:
  # keep their packages from starting system services on the host (Debian's policy-rc.d convention).
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || { [[ $own_policy -eq 1 ]] && rm -f "$policy"; die "apt-get install ${missing[*]} failed"; }
  [[ $own_policy -eq 1 ]] && rm -f "$policy"
  return 0
}

build() {
  log "building (Release)"
  dotnet build CniBench.sln -c Release -nologo -v quiet -clp:ErrorsOnly
}

# The suite sees /run as a new machine has it: empty. A private mount namespace gets a new tmpfs on /run
# (and so on /var/run), so namespaces, lab state, wireguard-go sockets and keys that anything run before on
# this host left there are invisible, and no test can pass only because an earlier run made a folder.
# Everything the suite makes under /run vanishes with the namespace. Needs root (as the lab tests do).
fresh_run_prefix() {
  if [[ $(id -u) -ne 0 ]]; then
    log "not root: the tests run on this host's /run and the lab tests skip (they need root)"
    return 0
  fi
  command -v unshare >/dev/null 2>&1 || die "unshare (util-linux) is missing: apt-get install util-linux"
  # shellcheck disable=SC2016 # "$@" is expanded by the inner shell
  FRESH_RUN=(unshare --mount --propagation private -- sh -c 'mount -t tmpfs -o mode=755 cnibench-fresh-run /run && exec "$@"' fresh-run)
}

run_tests() {
  local log_file status
  FRESH_RUN=()
  fresh_run_prefix
  log "running tests${FRESH_RUN[*]:+ on a fresh /run (private mount namespace, new tmpfs)}"
  log_file=$(mktemp)
  set +e
  # A test that hangs fails the run after 10 minutes, naming itself and leaving a dump in TestResults/,
  # instead of holding CI until its own time limit. The slowest test takes about a minute.
  "${FRESH_RUN[@]}" dotnet test CniBench.sln -c Release --no-build -nologo --blame-hang --blame-hang-timeout 10m "$@" 2>&1 | tee "$log_file"
  status=${PIPESTATUS[0]}
  set -e
  # One closing line with the totals of every test assembly.
  awk '/(Passed|Failed)!  -/ {
         for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
       }
       END { gsub(",", "", f); printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log_file"
  rm -f "$log_file"
  return "$status"
}

main() {
  local mode=${1:-}
  case "$mode" in
    -h|--help|help) usage; return 0 ;;
  esac
  check_dotnet
  install_packages
  build
  if [[ "$mode" == "test" ]]; then
    shift
    run_tests "$@"
  elif [[ -z "$mode" ]]; then
    exec "$CLI" run "$DEFAULT_SCENARIO"
  elif [[ "$CLI_COMMANDS" == *" $mode "* ]]; then
    exec "$CLI" "$@"
  elif [[ "$mode" == -* ]]; then
    exec "$CLI" run "$DEFAULT_SCENARIO" "$@"
  elif [[ "$mode" == *.yaml || "$mode" == *.yml ]]; then
    exec "$CLI" run "$@"
  else
    die "unknown mode '$mode' (see ./run.sh --help)"
  fi
}

main "$@"
