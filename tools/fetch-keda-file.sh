#!/usr/bin/env bash
# Usage: fetch-keda-file.sh PATH-IN-MODULE CACHE-KIND
# Fetches one file of the github.com/kedacore/keda/v2 Go module at $KEDA_VERSION (default: the pin below)
# from the Go module proxy, once per version, into $BURSTGUARD_CACHE/CACHE-KIND/keda-<version>/
# (default ~/.cache/burstguard), and prints its path. tools/fetch-keda-crd.sh and
# tools/fetch-keda-proto.sh name the files; the pinned version lives here only.
set -euo pipefail
rel=$1 kind=$2
cache=${BURSTGUARD_CACHE:-$HOME/.cache/burstguard}
KEDA_VERSION=${KEDA_VERSION:-v2.20.2}
out="$cache/$kind/keda-$KEDA_VERSION/$(basename "$rel")"
if [ -s "$out" ]; then echo "$out"; exit 0; fi

echo "fetch-keda-file: downloading github.com/kedacore/keda/v2@$KEDA_VERSION from the Go module proxy" >&2
# Outside any module, `go mod download` fetches one module zip into GOMODCACHE and prints its Dir.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dir=$(cd "$tmp" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
if [ -z "$dir" ] || [ ! -s "$dir/$rel" ]; then
  echo "fetch-keda-file: $rel not found in the module (dir: ${dir:-none})" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
cp "$dir/$rel" "$out.tmp" && mv "$out.tmp" "$out"
echo "$out"
