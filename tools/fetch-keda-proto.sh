#!/usr/bin/env bash
# Fetches KEDA's externalscaler.proto from the github.com/kedacore/keda/v2 Go module at the version
# pinned in tools/fetch-keda-crd.sh, once per version, into $BURSTGUARD_CACHE/protos/keda-<version>/
# (default ~/.cache/burstguard). test/unit/keda/proto-pin.test.ts compares it with the vendored copy in
# third_party/keda/ (which the runtime loads: an image has no Go toolchain). Prints the path of the file.
set -euo pipefail
cache=${BURSTGUARD_CACHE:-$HOME/.cache/burstguard}
KEDA_VERSION=${KEDA_VERSION:-$(sed -n 's/^KEDA_VERSION=\${KEDA_VERSION:-\(v[^}]*\)}$/\1/p' "$(dirname "$0")/fetch-keda-crd.sh")}
file=pkg/scalers/externalscaler/externalscaler.proto
out="$cache/protos/keda-$KEDA_VERSION/externalscaler.proto"
if [ -s "$out" ]; then echo "$out"; exit 0; fi

echo "fetch-keda-proto: downloading github.com/kedacore/keda/v2@$KEDA_VERSION from the Go module proxy" >&2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dir=$(cd "$tmp" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
if [ -z "$dir" ] || [ ! -s "$dir/$file" ]; then
  echo "fetch-keda-proto: $file not found in the module (dir: ${dir:-none})" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
cp "$dir/$file" "$out.tmp" && mv "$out.tmp" "$out"
echo "$out"
