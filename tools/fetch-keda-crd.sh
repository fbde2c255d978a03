#!/usr/bin/env bash
# Fetches KEDA's own ScaledObject CRD from the github.com/kedacore/keda/v2 Go module (the module zip keeps
# config/crd/bases/*.yaml), once per version, into $BURSTGUARD_CACHE/crds/keda-<version>/ (default
# ~/.cache/burstguard). The end-to-end tier installs it so ScaledObject patches meet the real schema.
# Prints the path of the CRD file.
set -euo pipefail
cache=${BURSTGUARD_CACHE:-$HOME/.cache/burstguard}
KEDA_VERSION=${KEDA_VERSION:-v2.20.2}
file=keda.sh_scaledobjects.yaml
out="$cache/crds/keda-$KEDA_VERSION/$file"
if [ -s "$out" ]; then echo "$out"; exit 0; fi

echo "fetch-keda-crd: downloading github.com/kedacore/keda/v2@$KEDA_VERSION from the Go module proxy" >&2
# Outside any module, `go mod download` fetches one module zip into GOMODCACHE and prints its Dir.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dir=$(cd "$tmp" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
src="$dir/config/crd/bases/$file"
if [ -z "$dir" ] || [ ! -s "$src" ]; then
  echo "fetch-keda-crd: $file not found in the module (dir: ${dir:-none})" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
cp "$src" "$out.tmp" && mv "$out.tmp" "$out"
echo "$out"
