#!/usr/bin/env bash
# Deletes the kind cluster that create.sh made for one CNI. Deleting a cluster that is already gone succeeds.
#
#   scripts/provision/kind/destroy.sh <cni>
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 <cni>" >&2; exit 2; }
cni=$1
[[ $cni =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "error: CNI name '$cni' must be lower-case letters, digits and '-'" >&2; exit 2; }

kind_bin=${KIND:-kind}
command -v "$kind_bin" >/dev/null || { echo "error: '$kind_bin' not found; install kind (https://kind.sigs.k8s.io) or set KIND" >&2; exit 4; }

"$kind_bin" delete cluster --name "cnibench-$cni"
