#!/usr/bin/env bash
# Builds tools/vpa-reference (upstream VPA's recommender and updater packages behind a JSON driver) once per
# VPA version, into $BURSTGUARD_CACHE/bin/vpa-reference-<version>/ (default ~/.cache/burstguard), the way
# build-control-plane.sh caches kube-apiserver. Prints the binary's path. The version is the one go.mod pins;
# the binary's name also carries a hash of main.go, so editing the driver rebuilds it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/vpa-reference"
cache=${BURSTGUARD_CACHE:-$HOME/.cache/burstguard}
log() { echo "build-vpa-reference: $*" >&2; }

command -v go >/dev/null || { log "Go is not installed (https://go.dev/dl/); the VPA differential test needs it"; exit 3; }
version=$(awk '$1 == "k8s.io/autoscaler/vertical-pod-autoscaler" { print $2 }' "$src/go.mod")
[ -n "$version" ] || { log "no k8s.io/autoscaler/vertical-pod-autoscaler pin in $src/go.mod"; exit 1; }
hash=$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-12)
out="$cache/bin/vpa-reference-$version/vpa-reference-$hash"
if [ -x "$out" ]; then echo "$out"; exit 0; fi

mkdir -p "$(dirname "$out")"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
log "building vpa-reference against vertical-pod-autoscaler $version (first run only; takes minutes)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$src/go.mod" "$src/go.sum" "$src/main.go" "$tmp/"
(cd "$tmp" && go build -trimpath -ldflags "-s -w" -o "$out.tmp.$$" .)
mv "$out.tmp.$$" "$out"
echo "$out"
