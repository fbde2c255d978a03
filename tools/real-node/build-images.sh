#!/usr/bin/env bash
# Builds the real node's two images with no registry: docker-archive tarballs of one layer each, holding
# a static Go binary from tools/real-node/images (pause: the sandbox; agent: the trace-replaying
# workload). Cached in $BURSTGUARD_CACHE/images/<hash of the sources>/; prints that folder, which holds
# pause.tar and agent.tar (tags burstguard.local/pause:e2e and burstguard.local/agent:e2e).
# The harness imports them with `ctr -n k8s.io images import`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${BURSTGUARD_CACHE:-$HOME/.cache/burstguard}
src="$here/images"
key=$(cat "$0" "$src/go.mod" "$src"/*/main.go | sha256sum | cut -c1-16)
out="$cache/images/$key"
if [ -s "$out/pause.tar" ] && [ -s "$out/agent.tar" ]; then echo "$out"; exit 0; fi
command -v go >/dev/null 2>&1 || { echo "build-images: Go is needed to build the node's images" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

image() { # image <name>: one static binary at /<name>, run as the entrypoint
  local name=$1 d="$tmp/$1"
  mkdir -p "$d/root" "$d/archive/layer"
  (cd "$src" && GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$d/root/$name" "./$name")
  # Fixed owner and times: the same sources give the same layer digest.
  tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$d/root" -cf "$d/archive/layer/layer.tar" "$name"
  local diff; diff=$(sha256sum "$d/archive/layer/layer.tar" | cut -d' ' -f1)
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/%s"],"Env":["PATH=/"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$name" "$diff" > "$d/archive/config.json"
  local cfg; cfg=$(sha256sum "$d/archive/config.json" | cut -d' ' -f1)
  mv "$d/archive/config.json" "$d/archive/$cfg.json"
  printf '[{"Config":"%s.json","RepoTags":["burstguard.local/%s:e2e"],"Layers":["layer/layer.tar"]}]' "$cfg" "$name" > "$d/archive/manifest.json"
  tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$d/archive" -cf "$out/$name.tar.tmp" manifest.json "$cfg.json" layer
  mv "$out/$name.tar.tmp" "$out/$name.tar"
}
image pause
image agent
echo "$out"
