#!/usr/bin/env bash
# Creates a kind cluster for one CNI: default CNI disabled, the CNI's pod CIDR, one control plane and two workers.
# The cluster is named cnibench-<cni>, so its kubeconfig context is kind-cnibench-<cni>.
#
#   scripts/provision/kind/create.sh <cni> <podCidr>
#
# Environment:
#   KIND              kind binary (default: kind on PATH)
#   KIND_NODE_IMAGE   node image, e.g. kindest/node:v1.34.0 (default: the one this kind release ships with)
#   CNI_PLUGINS_DIR   folder of reference CNI plugin binaries (bridge, host-local, portmap, ...) copied into
#                     every node's /opt/cni/bin; flannel and canal need 'bridge', which kind node images lack
#   KIND_LOAD_IMAGES  space-separated local images loaded into the nodes after creation (images you built,
#                     e.g. "cnibench-workload:dev cnibench-ingress:dev" for the http and ingress tests)
set -euo pipefail

usage() {
  echo "usage: $0 <cni> <podCidr>   e.g. $0 calico 192.168.0.0/16" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
cni=$1
pod_cidr=$2
[[ $cni =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "error: CNI name '$cni' must be lower-case letters, digits and '-'" >&2; exit 2; }
[[ $pod_cidr =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$ ]] || { echo "error: pod CIDR '$pod_cidr' is not an IPv4 CIDR such as 10.244.0.0/16" >&2; exit 2; }

kind_bin=${KIND:-kind}
command -v "$kind_bin" >/dev/null || { echo "error: '$kind_bin' not found; install kind (https://kind.sigs.k8s.io) or set KIND" >&2; exit 4; }

name="cnibench-$cni"
if "$kind_bin" get clusters 2>/dev/null | grep -qx "$name"; then
  echo "error: kind cluster '$name' already exists; remove it with scripts/provision/kind/destroy.sh $cni" >&2
  exit 2
fi

config=$(mktemp)
trap 'rm -f "$config"' EXIT
cat >"$config" <<YAML
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
name: $name
networking:
  disableDefaultCNI: true
  podSubnet: "$pod_cidr"
nodes:
  - role: control-plane
  - role: worker
  - role: worker
YAML

args=(create cluster --name "$name" --config "$config")
if [[ -n ${KIND_NODE_IMAGE:-} ]]; then
  args+=(--image "$KIND_NODE_IMAGE")
fi
# Without a CNI the nodes stay NotReady, so kind must not wait for them: the harness installs the CNI next.
"$kind_bin" "${args[@]}"

if [[ -n ${CNI_PLUGINS_DIR:-} ]]; then
  [[ -d $CNI_PLUGINS_DIR ]] || { echo "error: CNI_PLUGINS_DIR '$CNI_PLUGINS_DIR' is not a folder" >&2; exit 2; }
  while IFS= read -r node; do
    for plugin in "$CNI_PLUGINS_DIR"/*; do
      [[ -f $plugin ]] || continue
      docker cp "$plugin" "$node:/opt/cni/bin/$(basename "$plugin")"
    done
  done < <("$kind_bin" get nodes --name "$name")
fi

for image in ${KIND_LOAD_IMAGES:-}; do
  "$kind_bin" load docker-image "$image" --name "$name"
done

echo "created kind cluster '$name' (context kind-$name), pod CIDR $pod_cidr, default CNI disabled"
