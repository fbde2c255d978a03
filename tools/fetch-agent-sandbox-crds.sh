#!/usr/bin/env bash
# Fetches the CRDs of kubernetes-sigs/agent-sandbox (Sandbox, SandboxWarmPool, SandboxTemplate,
# SandboxClaim) from the sigs.k8s.io/agent-sandbox Go module (its zip keeps k8s/crds/*.yaml) into
# $BURSTGUARD_CACHE/crds/agent-sandbox-<version>/ (default ~/.cache/burstguard), once per version, and
# prints that folder. The end-to-end tier installs them so Sandbox patches and the warm pools' scale
# subresource meet the real schemas. The pinned version lives here only.
set -euo pipefail
cache=${BURSTGUARD_CACHE:-$HOME/.cache/burstguard}
AGENT_SANDBOX_VERSION=${AGENT_SANDBOX_VERSION:-v1.0.1}
out="$cache/crds/agent-sandbox-$AGENT_SANDBOX_VERSION"
files=(agents.x-k8s.io_sandboxes.yaml extensions.agents.x-k8s.io_sandboxwarmpools.yaml extensions.agents.x-k8s.io_sandboxtemplates.yaml extensions.agents.x-k8s.io_sandboxclaims.yaml)
complete=1
for f in "${files[@]}"; do [ -s "$out/$f" ] || complete=0; done
if [ "$complete" = 1 ]; then echo "$out"; exit 0; fi

echo "fetch-agent-sandbox-crds: downloading sigs.k8s.io/agent-sandbox@$AGENT_SANDBOX_VERSION from the Go module proxy" >&2
# Outside any module, `go mod download` fetches one module zip into GOMODCACHE and prints its Dir.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dir=$(cd "$tmp" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/agent-sandbox@$AGENT_SANDBOX_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
mkdir -p "$out"
for f in "${files[@]}"; do
  if [ -z "$dir" ] || [ ! -s "$dir/k8s/crds/$f" ]; then
    echo "fetch-agent-sandbox-crds: k8s/crds/$f not found in the module (dir: ${dir:-none})" >&2
    exit 1
  fi
  cp "$dir/k8s/crds/$f" "$out/$f.tmp" && mv "$out/$f.tmp" "$out/$f"
done
echo "$out"
